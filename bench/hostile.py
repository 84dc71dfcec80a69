"""Benchmark: reading (or refusing) each hostile file of tests/test_hostile.py, and what the bounded
reading worker costs a normal upload.

For each hostile file: the wall time of the read (read_upload: worker included) and the peak memory
of the worker that read it, as it reports ('-' when it was killed at its limits). Then the worker's
cost on a normal small CSV and a normal 1 MB XLSX: the same read in this process and in a worker,
medians of --repeat runs, and the first read of a process (which starts the fork server).

Run: .venv/bin/python bench/hostile.py [--repeat 7]   (or `make bench`). Prints two tables."""
from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
import zipfile
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipelines import read_worker, xlsx  # noqa: E402
from pipelines.read import MAX_COLUMNS, parse_upload, read_upload  # noqa: E402
from pipelines.settings import settings  # noqa: E402
from tests.conftest import HEADER, csv_bytes  # noqa: E402
from tests.test_hostile import HOSTILE  # noqa: E402


def normal_files() -> dict[str, bytes]:
    """A province's month as CSV (40 rows) and a 1 MB workbook (about 33,000 rows)."""
    small = csv_bytes([HEADER + ["note"]] + [["insurance_coverage", "66", f"2025-{m:02d}", "94,7", "Sở Y tế Đắk Lắk"]
                                             for m in range(1, 13)] * 3 + [["life_expectancy", "66", "2024", "74.9", ""]])
    rows = pd.DataFrame({"indicator": "insurance_coverage", "area_code": [f"{10000 + i % 3000}" for i in range(33_000)],
                         "period": "2025-12", "value": [round(80 + i % 200 / 10, 1) for i in range(33_000)],
                         "note": "ước tính"})
    buf = io.BytesIO()
    rows.to_excel(buf, index=False)
    return {"small CSV": small, "1 MB XLSX": buf.getvalue()}


def hostile_table() -> None:
    limits = settings()
    print(f"{'hostile file':<26}{'MB':>7}  {'outcome':<22}{'s':>7}{'worker MiB':>12}")
    for name, hostile in HOSTILE.items():
        content = hostile.build()
        started = time.perf_counter()
        reading = read_worker.run(parse_upload, content, name, seconds=limits.read_seconds,
                                  memory_mb=limits.read_memory_mb)
        seconds = time.perf_counter() - started
        outcome = reading.problems[0].key if reading.problems else "read"
        peak = "-" if reading.peak_mb is None else f"{reading.peak_mb:.0f}"
        print(f"{name:<26}{len(content) / 1e6:>7.1f}  {outcome:<22}{seconds:>7.2f}{peak:>12}")
    print(f"limits: {limits.read_seconds:g} s, {limits.read_memory_mb} MiB (NQ72_READ_SECONDS, NQ72_READ_MEMORY_MB)")


def overhead_table(files: dict[str, bytes], repeat: int, first: float) -> None:
    print(f"\n{'normal file':<14}{'MB':>6}{'in process ms':>15}{'worker ms':>11}{'cost ms':>9}{'worker MiB':>12}")
    for name, content in files.items():
        parse_upload(content, name)  # both warm
        here, there, peaks = [], [], []
        for _ in range(repeat):
            started = time.perf_counter()
            parse_upload(content, name)
            here.append(time.perf_counter() - started)
            started = time.perf_counter()
            reading = read_worker.run(parse_upload, content, name, seconds=60, memory_mb=1024)
            there.append(time.perf_counter() - started)
            peaks.append(reading.peak_mb)
        h, w = statistics.median(here) * 1000, statistics.median(there) * 1000
        print(f"{name:<14}{len(content) / 1e6:>6.2f}{h:>15.0f}{w:>11.0f}{w - h:>9.0f}{max(peaks):>12.0f}")
    scans = []
    for _ in range(repeat):
        started = time.perf_counter()
        with zipfile.ZipFile(io.BytesIO(files["1 MB XLSX"])) as z:
            xlsx.check_workbook(z, MAX_COLUMNS)
        scans.append(time.perf_counter() - started)
    print(f"medians of {repeat} runs; of the 1 MB XLSX's read, the sheet scan (xlsx.check_workbook) takes "
          f"{statistics.median(scans) * 1000:.0f} ms; the first read of a process (fork server starting): {first:.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    files = normal_files()
    started = time.perf_counter()
    read_upload(files["small CSV"], "first.csv")  # starts the fork server, outside both tables
    first = time.perf_counter() - started
    hostile_table()
    overhead_table(files, args.repeat, first)


if __name__ == "__main__":
    main()
