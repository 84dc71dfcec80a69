"""Benchmark: the monthly export, one province and all 34, at one period, with one reused browser.

Run: .venv/bin/python bench/export.py [--demo PATH] [--tabs 3] [--format png,pdf]
Prints wall time, time per page, the A4 sheets written and the PDF assembly (cover, header and
footer) still left after the last page is drawn: each folder's PDF is assembled beside the drawing
as soon as its pages are done. Goal: all 34 provinces x all pages under 3 minutes on this 2-core
machine (issue 14), 90 s for PNG+PDF in print mode (issue 15).

Where the time goes (2 cores, `--tabs 3`, both busy throughout; 2 December, ~320 CPU-s for all 34):
Chromium drawing the pages (~220 CPU-s; a province page ~1.9 s to draw, most of it plotly drawing
its ~15 charts, each twice: Streamlit's chart element restyles a figure after its first draw and
plotly draws it again; then ~0.7 s for its PNG and ~0.35 s for its PDF), the server (~60 CPU-s:
script runs, a third of them building plotly figures) and this process (~23 CPU-s: PDF assembly,
Playwright). Each tab loads the app once and then moves within it (pipelines/export.py
_open), which halved the CPU time of an export; tables are plain HTML in print mode (st.table drew
every cell through a Markdown component)."""
from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

from pypdf import PdfReader

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

from data import geography  # noqa: E402
from pipelines import export as exporter  # noqa: E402
from pipelines.demo import build_demo  # noqa: E402

TODAY = dt.date(2026, 11, 22)
PAGES = list(exporter.DEFAULT_PAGES)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--demo", type=Path)
    parser.add_argument("--tabs", type=int, default=3)
    parser.add_argument("--format", default="png,pdf")
    args = parser.parse_args()
    formats = set(args.format.split(","))
    with tempfile.TemporaryDirectory() as d:
        db = args.demo or Path(d) / "demo.duckdb"
        if not db.exists():
            build_demo(db, today=TODAY)
        proc, url = exporter.start_server(db)
        try:
            rows = []
            for label, provinces in (("1 province", ["66"]), ("34 provinces", list(geography.provinces()["code"]))):
                out = Path(d) / label.replace(" ", "_")
                t0 = time.perf_counter()
                result = exporter.export(db, "2026-10", provinces, PAGES, formats, "vi", out, url, args.tabs)
                wall = time.perf_counter() - t0
                n = len(exporter.plan(url, "2026-10", provinces, PAGES, "vi", out))
                pdfs = [f for f in result.files if f.suffix == ".pdf"]
                sheets = sum(len(PdfReader(f).pages) for f in pdfs)
                rows.append((label, n, len(pdfs), sheets, wall, result.seconds.get("pdf", 0.0), len(result.failures)))
                for folder, page, why in result.failures:  # a failed page is part of the figure: say which
                    print(f"{label}: {folder}/{page} failed: {why}", file=sys.stderr)
        finally:
            proc.terminate()
        print(f"{'run':<14}{'pages':>7}{'PDFs':>6}{'A4 sheets':>11}{'wall s':>9}{'s/page':>8}{'PDF tail s':>12}{'failed':>8}")
        for label, n, pdfs, sheets, wall, pdf_s, failed in rows:
            print(f"{label:<14}{n:>7}{pdfs:>6}{sheets:>11}{wall:>9.1f}{wall / n:>8.2f}{pdf_s:>12.1f}{failed:>8}")
        print(f"one reused browser, {args.tabs} tabs at once, formats {args.format}, server already warm;"
              " goal (issue 15): 34 provinces under 90 s")


if __name__ == "__main__":
    main()
