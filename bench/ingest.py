"""Benchmark: validate + load of (a) one national commune-level month, (b) the same month in the wide
layout (one row per commune, one column per indicator) and (c) a 1,000,000-row file, against DuckDB's
own read_csv of the same file into a database file, in the same run; the cost per value of each.

Then the same as users feel it, each a whole process (interpreter start, imports, the read worker
where one is used, exit): `nq72 --help`; a one-row `nq72 ingest --dry-run` against a database; a
one-row `nq72 ingest` into that database (a copy of it per run) and into a new database file (a
CSV this small is read in the command's own process: pipelines.sniff); and `nq72 ingest` of the
1,000,000-row file into a new database file beside a process that only runs DuckDB's read_csv of it
into a database file (`nq72 ingest` checks a file this large in parts at once, one reading worker
per core: pipelines.parts). `--compare DIR` runs the process rows of another checkout too (e.g. the
commit before a change), alternating run by run, so that both are measured under the same load.
Two floors are measured in the same runs: a process that only imports pandas and DuckDB (what any
check of a file costs before it reads a byte), and the CPU time of every process of the 1M-row
ingest (the fork server and its workers too: bench/whole_process.py) spread over the cores.

Run: .venv/bin/python bench/ingest.py [--repeat 3] [--processes-only] [--compare DIR]
(or `make bench`). Prints tables of medians."""
from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from data import geography  # noqa: E402
from indicators.catalogue import catalogue  # noqa: E402
from pipelines import store  # noqa: E402
from pipelines.accounts import operator  # noqa: E402
from pipelines.ingest import STORED_COLUMNS  # noqa: E402
from pipelines.normalise import normalise  # noqa: E402
from pipelines.read import read_upload  # noqa: E402
from pipelines.schema import Context, check  # noqa: E402
from pipelines.store import Store, submissions  # noqa: E402
from pipelines.submit import submit  # noqa: E402

TODAY = dt.date(2026, 11, 22)
ROOT = Path(__file__).resolve().parent.parent
WHOLE_PROCESS = Path(__file__).resolve().parent / "whole_process.py"
ONE_ROW = b"indicator,area_code,period,value\nimmunization_coverage,01,2025-12,97.2\n"
OTHER_ROW = b"indicator,area_code,period,value\nimmunization_coverage,01,2025-11,96.8\n"
FLOOR, MILLION, DUCKDB = "floor: import pandas, duckdb", "1M rows, new db", "duckdb read_csv alone"
# The floor's imports, with the one setting nq72's command makes before it imports numpy (pipelines.cli).
FLOOR_IMPORTS = "import os; os.environ.setdefault('OPENBLAS_NUM_THREADS', '1'); import pandas, duckdb"
# DuckDB alone, as a process of its own: start, import, read_csv into a new database file, exit.
DUCKDB_ALONE = ("import sys, duckdb; c = duckdb.connect(sys.argv[1]); "
                "c.execute('create table t as select * from read_csv(?)', [sys.argv[2]]); c.close()")


def commune_file(months: list[str], seed: int = 1) -> bytes:
    """Every commune x every monthly commune-level indicator x the given months, with num/den."""
    rng = np.random.default_rng(seed)
    codes = geography.communes()["code"].to_numpy()
    inds = [i for i in catalogue().indicators if "commune" in i.area_levels and "month" in i.periods]
    parts = []
    for ind in inds:
        for month in months:
            den = rng.integers(200, 5000, size=len(codes))
            num = (den * rng.uniform(0.2, 0.99, size=len(codes))).astype(int)
            value = np.round(num / den * (100 if ind.unit == "%" else 1), 2)
            if ind.unit != "%":
                num, den, value = None, None, rng.integers(0, 8, size=len(codes)).astype(float)
            parts.append(pd.DataFrame({"indicator": ind.code, "area_code": codes, "period": month,
                                       "value": value, "numerator": num, "denominator": den}))
    return pd.concat(parts, ignore_index=True).to_csv(index=False).encode()


def wide_commune_file(month: str, seed: int = 1) -> bytes:
    """Every commune x the commune indicators for one month, one column per indicator (by code)."""
    rng = np.random.default_rng(seed)
    codes = geography.communes()["code"].to_numpy()
    inds = [i for i in catalogue().indicators if "commune" in i.area_levels and "month" in i.periods]
    frame = pd.DataFrame({"area_code": codes, "period": month})
    for ind in inds:
        frame[ind.code] = (np.round(rng.uniform(20, 99, size=len(codes)), 1) if ind.unit == "%"
                           else rng.integers(0, 8, size=len(codes)).astype(float))
    return frame.to_csv(index=False).encode()


def months_back(n: int) -> list[str]:
    out, y, m = [], 2026, 10
    for _ in range(n):
        out.append(f"{y}-{m:02d}")
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    return out


def time_pipeline(content: bytes, tmp: Path) -> dict[str, float]:
    """Each stage of one ingest into a fresh database file, in seconds."""
    db = tmp / f"b{time.perf_counter_ns()}.duckdb"
    t0 = time.perf_counter()
    table = read_upload(content, "bench.csv")
    t1 = time.perf_counter()
    data = normalise(table)
    t2 = time.perf_counter()
    problems, _ = check(data, Context(catalogue(), TODAY))
    assert not problems, problems[:3]
    t3 = time.perf_counter()
    rows = data.frame.assign(row_number=data.rows.astype("int32"))[STORED_COLUMNS]
    conn = store.connect(db)
    t4 = time.perf_counter()
    meta = submissions.SubmissionMeta("bench.csv", hashlib.sha256(content).hexdigest(), "bench", "national")
    with store.transaction(conn):
        submissions.load_values(conn, rows, meta)
    t5 = time.perf_counter()
    conn.close()
    return {"read": t1 - t0, "normalise": t2 - t1, "validate": t3 - t2, "load": t5 - t4, "total": (t3 - t0) + (t5 - t4),
            "values": len(rows)}


def time_end_to_end(content: bytes, tmp: Path) -> float:
    """submit() as the CLI calls it (open under the lock, hash, read, normalise, validate, load, audit)."""
    target = Store.at(tmp / f"e{time.perf_counter_ns()}.duckdb")
    t0 = time.perf_counter()
    report = submit(target, content, "bench.csv", operator("bench"), today=TODAY, start_quality=False)
    elapsed = time.perf_counter() - t0
    assert report.status == "accepted", report.problems[:3]
    return elapsed


def time_duckdb(path: Path, tmp: Path) -> float:
    db = tmp / f"d{time.perf_counter_ns()}.duckdb"
    conn = duckdb.connect(str(db))
    t0 = time.perf_counter()
    conn.execute("create table t as select * from read_csv(?)", [str(path)])
    elapsed = time.perf_counter() - t0
    conn.close()
    return elapsed


def run_process(cmd: list[str], tree: Path, expect: str | None = None) -> tuple[float, float, float]:
    """(wall seconds, CPU seconds of the process and the children it waited for, CPU seconds of every
    process it started) of one command run in `tree`, as a user's shell runs it (through
    bench/whole_process.py, which also reaps the fork server and its workers). The background
    quality run is off (it would load the machine during the next runs) and the read timeout
    generous (a loaded machine is not a hostile file)."""
    env = dict(os.environ, PYTHONPATH=str(tree), NQ72_TODAY=TODAY.isoformat(), NQ72_QUALITY_AFTER_INGEST="0",
               NQ72_READ_SECONDS="300")
    with tempfile.NamedTemporaryFile(suffix=".json") as measured:
        proc = subprocess.run([sys.executable, str(WHOLE_PROCESS), measured.name, *cmd], cwd=tree, env=env,
                              capture_output=True)
        if proc.returncode != 0 or (expect is not None and expect.encode() not in proc.stdout):
            raise RuntimeError(f"{' '.join(cmd)} in {tree}: exit {proc.returncode}\n"
                               f"{proc.stdout.decode()[-2000:]}{proc.stderr.decode()[-2000:]}")
        figures = json.loads(Path(measured.name).read_text())
    return figures["wall"], figures["cpu"], figures["cpu_all"]


def nq72(*args: str) -> list[str]:
    return [sys.executable, "-m", "pipelines.cli", *args]


def process_cases(tmp: Path, million: Path) -> dict[str, tuple]:
    """name -> (tree number -> command, a text its output must hold)."""
    one = tmp / "one.csv"
    one.write_bytes(ONE_ROW)

    def checked_db(tree_index: int) -> str:  # a database that exists, as a dry run usually meets: see bench_processes
        return str(tmp / f"checked{tree_index}.duckdb")

    def fresh(tag: str) -> str:
        return str(tmp / f"{tag}{time.perf_counter_ns()}.duckdb")

    def copy_of_checked(tree_index: int) -> str:  # made before the timed run starts
        copy = fresh("existing")
        shutil.copyfile(checked_db(tree_index), copy)
        return copy

    return {
        FLOOR: (lambda i: [sys.executable, "-c", FLOOR_IMPORTS], None),
        "nq72 --help": (lambda i: nq72("--help"), "Usage"),
        "one row, --dry-run": (lambda i: nq72("ingest", str(one), "--db", checked_db(i), "--dry-run", "--json"),
                               '"status": "accepted"'),
        "one row, existing db": (lambda i: nq72("ingest", str(one), "--db", copy_of_checked(i), "--json"),
                                 '"status": "accepted"'),
        "one row, new db": (lambda i: nq72("ingest", str(one), "--db", fresh("one"), "--json"), '"status": "accepted"'),
        MILLION: (lambda i: nq72("ingest", str(million), "--db", fresh("m"), "--json"), '"status": "accepted"'),
        DUCKDB: (lambda i: [sys.executable, "-c", DUCKDB_ALONE, fresh("d"), str(million)], None),
    }


def bench_processes(trees: list[Path], tmp: Path, million_file: Path, repeat: int, million: bool = True) -> None:
    """Whole-process medians per tree, the runs of the trees alternating; ratios to the first tree.
    Beside them, two floors measured in the same runs: a process that only imports pandas and
    DuckDB (under any check of a file, which is pandas code), and for 1M rows the CPU time of
    every process spread over the machine's cores (the wall no packing of the work could beat)."""
    cases = process_cases(tmp, million_file)
    if not million:
        cases = {k: v for k, v in cases.items() if k not in (MILLION, DUCKDB)}
    other = tmp / "other.csv"
    other.write_bytes(OTHER_ROW)
    for i, tree in enumerate(trees):  # the database a dry run checks against, made by a real ingest
        run_process(nq72("ingest", str(other), "--db", str(tmp / f"checked{i}.duckdb"), "--json"), tree)
    runs: dict[tuple[str, int], list[tuple[float, float, float]]] = {(n, i): [] for n in cases for i in range(len(trees))}
    for _ in range(repeat):
        for name, (command, expect) in cases.items():
            for i, tree in enumerate(trees):
                runs[name, i].append(run_process(command(i), tree, expect))
    med = {k: statistics.median(r[0] for r in v) for k, v in runs.items()}
    low = {k: min(r[0] for r in v) for k, v in runs.items()}  # on a loaded machine, the closest to the unloaded figure
    cpu = {k: statistics.median(r[1] for r in v) for k, v in runs.items()}
    cpu_all = {k: statistics.median(r[2] for r in v) for k, v in runs.items()}
    head = "".join(f"{f'wall s [{i}]':>13}{f'min [{i}]':>9}{f'cpu s [{i}]':>12}{f'all cpu [{i}]':>14}"
                   for i in range(len(trees)))
    ratio_head = "".join(f"{f'[{i}]/[0]':>9}" for i in range(1, len(trees)))
    print(f"\n{'whole process':<30}{head}{ratio_head}")
    for name in cases:
        cells = "".join(f"{med[name, i]:>13.2f}{low[name, i]:>9.2f}{cpu[name, i]:>12.2f}{cpu_all[name, i]:>14.2f}"
                        for i in range(len(trees)))
        ratios = "".join(f"{med[name, i] / med[name, 0]:>9.2f}" for i in range(1, len(trees)))
        print(f"{name:<30}{cells}{ratios}")
    cores = os.cpu_count() or 1
    for i in range(len(trees)):
        floor = med[FLOOR, i]
        print(f"[{i}] {trees[i]}: one row, --dry-run = the floor + {med['one row, --dry-run', i] - floor:.2f} s"
              f" (floor {floor:.2f} s: {FLOOR})")
        if million:
            duck, ours = med[DUCKDB, i], med[MILLION, i]
            print(f"[{i}] 1M rows / duckdb alone = {ours / duck:.2f} (medians), "
                  f"{low[MILLION, i] / low[DUCKDB, i]:.2f} (minima); the CPU of all its processes over "
                  f"{cores} cores = {cpu_all[MILLION, i] / cores:.2f} s = {cpu_all[MILLION, i] / cores / duck:.2f}x"
                  f" DuckDB's wall (DuckDB alone: {cpu_all[DUCKDB, i]:.2f} CPU s)")
    print(f"medians (and minima) of {repeat} runs, trees alternating run by run; wall = the command's whole process as a shell "
          "runs it; cpu = user + system time of that process and the children it waited for; all cpu = of every "
          "process it started (with the read workers' fork server and the workers); quality run after a load off "
          f"(NQ72_QUALITY_AFTER_INGEST=0); load average at the end {os.getloadavg()[0]:.1f} on {cores} cores")


def bench_in_process(tmp: Path, repeat: int) -> None:
    """Each stage in this process, e2e (submit) and DuckDB's read_csv, per case; medians."""
    cases = {"national commune month": commune_file(months_back(1)),
             "same month, wide": wide_commune_file(months_back(1)[0]),
             "1,000,000 rows": commune_file(months_back(51))}
    print(f"{'case':<24}{'lines':>10}{'values':>10}{'MB':>7}{'read':>7}{'norm':>7}{'valid':>7}{'load':>7}"
          f"{'total s':>9}{'e2e s':>8}{'values/s':>11}{'µs/value':>10}{'duckdb s':>10}{'ratio':>7}")
    for name, content in cases.items():
        path = tmp / "f.csv"
        path.write_bytes(content)
        lines = content.count(b"\n") - 1
        stages = [time_pipeline(content, tmp) for _ in range(repeat)]
        med = {k: statistics.median(s[k] for s in stages) for k in stages[0]}
        n = int(med["values"])
        e2e = statistics.median(time_end_to_end(content, tmp) for _ in range(repeat))
        bare = statistics.median(time_duckdb(path, tmp) for _ in range(repeat))
        print(f"{name:<24}{lines:>10,}{n:>10,}{len(content) / 1e6:>7.1f}{med['read']:>7.2f}{med['normalise']:>7.2f}"
              f"{med['validate']:>7.2f}{med['load']:>7.2f}{med['total']:>9.2f}{e2e:>8.2f}"
              f"{n / e2e:>11,.0f}{e2e / n * 1e6:>10.1f}{bare:>10.2f}{e2e / bare:>7.1f}")
    print(f"medians of {repeat} runs; values = checked values loaded (a wide line holds several);"
          " e2e = submit (open+hash+read+normalise+validate+load+audit) into a new file;"
          " µs/value = e2e per value; ratio = e2e / DuckDB read_csv into a database file")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--processes-only", action="store_true", help="Only the whole-process rows.")
    parser.add_argument("--compare", action="append", default=[], type=Path,
                        help="Another checkout whose whole-process rows run alternately with this one's.")
    parser.add_argument("--without-million", action="store_true",
                        help="Whole-process rows without the 1,000,000-row file (minutes on a loaded machine).")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        million = tmp / "million.csv"
        million.write_bytes(commune_file(months_back(51)))
        if not args.processes_only:
            bench_in_process(tmp, args.repeat)
        bench_processes([ROOT, *(p.resolve() for p in args.compare)], tmp, million, args.repeat,
                        million=not args.without_million)


if __name__ == "__main__":
    main()
