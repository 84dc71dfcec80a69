"""Benchmark: server-side time to render each dashboard page, on the demo and on a national-scale
database, with streamlit's AppTest (no browser, no network: script run + element tree only).

Every file in dashboard/app_pages/ (except __init__.py) is opened through the router
dashboard/app.py with AppTest.switch_page(). Per page and database:
  cold = first run in a fresh AppTest after st.cache_data.clear() and st.cache_resource.clear()
  warm = a second run of the same AppTest (caches filled)
Medians over --repeat rounds. A page that is missing from the router, raises, or shows
exceptions is reported in its row; the bench never stops on one page.

Run: .venv/bin/python bench/dashboard.py [--national PATH] [--demo PATH] [--repeat 3]
  --national/--demo PATH: use the database there, building it first if the file does not exist
  (without them both are built into a temporary directory; the national one takes ~10 s).
  NQ72_BENCH_TRACE=1 shows streamlit's logs and full tracebacks of failing pages.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import statistics
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The project root first; and drop bench/ itself, where this file would shadow the `dashboard` package.
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import streamlit as st  # noqa: E402
from streamlit import config as st_config  # noqa: E402
from streamlit import logger as st_logger  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from bench.national import build_national, ensure_db  # noqa: E402
from pipelines.demo import build_demo  # noqa: E402

APP = ROOT / "dashboard" / "app.py"
PAGES_DIR = ROOT / "dashboard" / "app_pages"
TODAY = dt.date(2026, 11, 22)
GOAL_WARM, GOAL_COLD = 1.0, 3.0
TIMEOUT = 120


@dataclass
class Result:
    page: str
    database: str
    cold: list[float] = field(default_factory=list)
    warm: list[float] = field(default_factory=list)
    exceptions: list[int] = field(default_factory=list)   # len(at.exception) of each run
    errors: list[str] = field(default_factory=list)       # what went wrong, first line each
    note: str = ""


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024   # Linux: kB


def pages() -> list[str]:
    """Page files relative to the router, home first."""
    names = sorted(p.name for p in PAGES_DIR.glob("*.py") if p.name != "__init__.py")
    return sorted(names, key=lambda n: n != "home.py")


def clear_caches() -> None:
    st.cache_data.clear()
    st.cache_resource.clear()


def _ran_page(at: AppTest) -> Path | None:
    """The script of the page the last run finished on (None when AppTest does not say)."""
    info = getattr(at, "_registered_pages", {}).get(getattr(at, "_finished_page_script_hash", None), {})
    path = info.get("script_path")
    return Path(str(path)).resolve() if path else None


def _registered(at: AppTest) -> set[Path]:
    return {Path(str(i["script_path"])).resolve() for i in getattr(at, "_registered_pages", {}).values()
            if i.get("script_path")}


def _timed_run(at: AppTest) -> float:
    t0 = time.perf_counter()
    at.run(timeout=TIMEOUT)
    return time.perf_counter() - t0


def _first_exception(at: AppTest) -> str | None:
    if not len(at.exception):
        return None
    e = at.exception[0]
    text = f"{getattr(e, 'message', '') or e.value}".strip() or "(no message)"
    return text.splitlines()[0][:160]


def measure(page: str, db: Path, label: str, repeat: int) -> Result:
    """Cold and warm runs of one page, `repeat` times, each in a new AppTest from cleared caches.

    The router registers its pages (and their url_path) only when it runs, so each round first
    runs the app once untimed (the default page), then clears the caches and switches."""
    res = Result(page.removesuffix(".py"), label)
    target = (PAGES_DIR / page).resolve()
    os.environ["NQ72_DB"] = str(db)
    for _ in range(repeat):
        try:
            at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
            at.run(timeout=TIMEOUT)                      # untimed: registers the router's pages
            known = _registered(at)
            if known and target not in known:
                res.note = "not in router (dashboard/app.py)"
                break
            at.switch_page(f"app_pages/{page}")
            at.query_params.clear()                      # as if the page's URL were opened
            clear_caches()
            cold = _timed_run(at)
            if (ran := _ran_page(at)) is not None and ran != target:
                res.note = f"switch_page landed on {ran.name}"
            res.exceptions.append(len(at.exception))
            if msg := _first_exception(at):
                res.errors.append(f"cold: {msg}")
            res.cold.append(cold)
            warm = _timed_run(at)
            res.exceptions.append(len(at.exception))
            if msg := _first_exception(at):
                res.errors.append(f"warm: {msg}")
            res.warm.append(warm)
        except Exception as exc:  # a page being written may fail in any way: report, go on
            first = str(exc).strip().splitlines()[0][:160] if str(exc).strip() else ""
            res.errors.append(f"{type(exc).__name__}: {first}")
            if os.environ.get("NQ72_BENCH_TRACE"):
                traceback.print_exc()
            break
    return res


def _fmt(xs: list[float], goal: float) -> str:
    if not xs:
        return f"{'–':>8} "
    m = statistics.median(xs)
    return f"{m:>8.2f}{'' if m < goal else '!'}"


def report(results: list[Result], repeat: int) -> None:
    print()
    print(f"{'page':<22}{'database':<10}{'cold s':>9}{'warm s':>9}{'exceptions':>12}  status")
    for r in results:
        exc = "/".join(str(n) for n in r.exceptions) or "–"
        failed = r.errors or any(r.exceptions) or not r.cold
        status = "ERROR" if failed else "ok"
        if r.note.startswith("not in router"):
            status = "SKIPPED"
        if r.cold and r.warm and not failed and (statistics.median(r.cold) >= GOAL_COLD or statistics.median(r.warm) >= GOAL_WARM):
            status = "SLOW"
        if r.note:
            status += f" ({r.note})"
        print(f"{r.page:<22}{r.database:<10}{_fmt(r.cold, GOAL_COLD)}{_fmt(r.warm, GOAL_WARM)}{exc:>12}  {status}")
        for e in dict.fromkeys(r.errors):
            print(f"{'':<32}{e}")
    print(f"goals: warm < {GOAL_WARM:g} s and cold < {GOAL_COLD:g} s per page ('!' marks a miss);"
          f" medians of {repeat} rounds; exceptions = len(at.exception) of each run (cold/warm per round)")
    print(f"peak memory (RSS of this process): {peak_rss_mb():.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--national", metavar="PATH", help="national-scale database (built there if missing)")
    parser.add_argument("--demo", metavar="PATH", help="demo database (built there if missing)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--years", type=int, default=10, help="years of the national database when built")
    args = parser.parse_args()
    st_config.set_option("client.showErrorDetails", "full")   # real messages in at.exception
    if not os.environ.get("NQ72_BENCH_TRACE"):
        # Page errors are reported in the table. AppTest re-applies logger.level on each run,
        # so set the option, not only the loggers.
        st_config.set_option("logger.level", "critical")
        st_logger.set_log_level("critical")
    names = pages()
    print(f"pages: {', '.join(names) or '(none)'}", flush=True)
    with tempfile.TemporaryDirectory(prefix="nq72-bench-") as d:
        tmp = Path(d)
        dbs = {
            "demo": ensure_db(args.demo, tmp, "demo", lambda p: build_demo(p, today=TODAY)),
            "national": ensure_db(args.national, tmp, "national",
                                  lambda p: build_national(p, years=args.years, today=TODAY, progress=False)),
        }
        # One discarded run: imports (streamlit internals, pandas, plotly) are not a page's cost.
        measure("home.py" if "home.py" in names else (names or ["home.py"])[0], dbs["demo"], "warm-up", 1)
        results = []
        for label, db in dbs.items():
            for page in names:
                r = measure(page, db, label, args.repeat)
                results.append(r)
                cold = f"{statistics.median(r.cold):.2f}" if r.cold else "–"
                print(f"  {label:<9}{r.page:<22} cold {cold:>6} s  {'error' if r.errors else ''}", flush=True)
            print(f"  peak RSS after {label}: {peak_rss_mb():.0f} MB", flush=True)
        clear_caches()
        report(results, args.repeat)


if __name__ == "__main__":
    main()
