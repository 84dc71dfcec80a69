"""Benchmark: `nq72 report` for all 34 provinces and the national report (DOCX + PDF), one browser.

Run: .venv/bin/python bench/report.py [--demo PATH] [--period 2026-10] [--format docx,pdf] [--lang vi]
Prints a line per report (seconds, pages of the PDF, file sizes) and the totals: reading the
database, building the content, drawing the charts and writing each format are all inside a
report's time, except the one read of the database and the browser start (shown apart)."""
from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

from pypdf import PdfReader  # noqa: E402

from data import geography  # noqa: E402
from pipelines import report as reporting  # noqa: E402
from pipelines.demo import build_demo  # noqa: E402

TODAY = dt.date(2026, 11, 22)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--demo", type=Path)
    parser.add_argument("--period", default="2026-10")
    parser.add_argument("--format", default="docx,pdf")
    parser.add_argument("--lang", default="vi")
    args = parser.parse_args()
    period = reporting.parse_report_period(args.period)
    with tempfile.TemporaryDirectory() as d:
        db = args.demo or Path(d) / "demo.duckdb"
        if not db.exists():
            build_demo(db, today=TODAY)
        codes = [*geography.provinces()["code"], None]
        t0 = time.perf_counter()
        run = reporting.write_reports(db, codes, period, args.format.split(","), args.lang, Path(d) / "out", TODAY)
        wall = time.perf_counter() - t0
        print(f"{'report':<40}{'s':>7}{'PDF pages':>10}{'DOCX kB':>9}{'PDF kB':>8}")
        for stem, seconds in run.seconds.items():
            docx = next((f for f in run.files if f.name == f"{stem}.docx"), None)
            pdf = next((f for f in run.files if f.name == f"{stem}.pdf"), None)
            pages = len(PdfReader(pdf).pages) if pdf else 0
            size = lambda f: f"{f.stat().st_size / 1024:.0f}" if f else "–"  # noqa: E731
            print(f"{stem:<40}{seconds:>7.1f}{pages:>10}{size(docx):>9}{size(pdf):>8}")
        per = sum(run.seconds.values())
        print(f"{len(run.seconds)} reports, {len(run.files)} files: {wall:.1f} s wall, {per / len(run.seconds):.1f} s per report, "
              f"{wall - per:.1f} s reading the database and starting the browser ({args.format}, {args.lang}, period {period.code})")


if __name__ == "__main__":
    main()
