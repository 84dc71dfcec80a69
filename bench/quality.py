"""Benchmark: the whole data-quality suite (query + measures + great-expectations + storing
results) on the demo database and at national scale (every commune, 10 years monthly).

Run: .venv/bin/python bench/quality.py [--national PATH] [--demo PATH] [--repeat 3]
(a path that does not exist is built first). Prints a table of medians; goal: under 30 s at
national scale. Data Docs are built too (--no-docs leaves them out)."""
from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

from bench.national import build_national  # noqa: E402
from pipelines.demo import build_demo  # noqa: E402
from pipelines.quality.run import run_quality  # noqa: E402

TODAY = dt.date(2026, 11, 22)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--national", type=Path)
    parser.add_argument("--demo", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-docs", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as d:
        demo = args.demo or Path(d) / "demo.duckdb"
        national = args.national or Path(d) / "national.duckdb"
        if not demo.exists():
            build_demo(demo, today=TODAY, quality=False)
        if not national.exists():
            build_national(national, today=TODAY, progress=False)
        print(f"{'database':<10}{'values':>12}{'query s':>9}{'measures s':>12}{'GX s':>8}{'total s':>9}{'flags':>8}")
        for name, path in (("demo", demo), ("national", national)):
            runs = []
            for _ in range(args.repeat):
                t0 = time.perf_counter()
                report = run_quality(path, today=TODAY, trigger="bench", build_docs=not args.no_docs)
                runs.append((report.seconds["query"], report.seconds["checks"], report.seconds["gx"],
                             time.perf_counter() - t0, len(report.flags), report.values_checked))
            med = [statistics.median(r[i] for r in runs) for i in range(4)]
            print(f"{name:<10}{runs[0][5]:>12,}{med[0]:>9.2f}{med[1]:>12.2f}{med[2]:>8.2f}{med[3]:>9.2f}{runs[0][4]:>8}")
        print(f"medians of {args.repeat} runs; GX = suite validation{'' if args.no_docs else ' + Data Docs build'};"
              " total includes storing the results; goal < 30 s at national scale")


if __name__ == "__main__":
    main()
