"""Measure: uploads per minute held while N reader processes query the database in a loop,
with every reader error and every lost submission counted; and SIGKILL rounds survived.

Then readers as people are (issue 15): 10 and 20 reader sessions opening the Province page of a
province with commune data together, one headless Chromium with a context each, against `nq72 serve`
on the national-scale database (log-in off, so each context is a new session, as in bench/pages.py).
Per round: median and p95 seconds from navigation until the page has drawn (script idle, every chart
with its SVG), the same until the server's script run ended, failures, the server's resident memory
before and at its peak (sampled every 50 ms), and the CPU seconds the server spent. One visit first,
so that the server's caches are filled as on a server that has been up for a while.

Run: .venv/bin/python bench/concurrency.py [--readers 4] [--uploads 30] [--kills 10]
                                           [--sessions 10,20] [--national PATH] [--only uploads|readers]
                                           [--page province|province-charts|...]
  --national PATH: the national database there, built first if the file does not exist."""
from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import math
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

from pipelines import store  # noqa: E402

READER = """
import sys, time
from pipelines import store
db, stop = sys.argv[1], sys.argv[2]
reads = errors = 0
import os
while not os.path.exists(stop):
    try:
        with store.opened(db, read_only=True) as conn:
            store.one(conn, "select count(*), max(submission_id) from current_values")
        reads += 1
    except Exception as exc:
        errors += 1
print(reads, errors, flush=True)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--readers", type=int, default=4)
    parser.add_argument("--uploads", type=int, default=30)
    parser.add_argument("--kills", type=int, default=10)
    parser.add_argument("--sessions", default="10,20", help="reader sessions per round, comma-separated")
    parser.add_argument("--national", metavar="PATH", help="national database (built there if missing)")
    parser.add_argument("--only", choices=["uploads", "readers"])
    from bench.pages import PAGES

    parser.add_argument("--page", default="province", choices=list(PAGES),
                        help="the page the readers open (a name of bench/pages.py's PAGES: province, province-charts...)")
    args = parser.parse_args()
    if args.only != "readers":
        uploads_and_kills(args)
    if args.only != "uploads":
        readers(args)


def uploads_and_kills(args) -> None:
    env = dict(os.environ, PYTHONPATH=str(ROOT), NQ72_QUALITY_AFTER_INGEST="0")
    with tempfile.TemporaryDirectory() as d:
        db, stop = Path(d) / "c.duckdb", Path(d) / "stop"
        store.connect(db).close()
        readers = [subprocess.Popen([sys.executable, "-c", READER, str(db), str(stop)], stdout=subprocess.PIPE,
                                    text=True, env=env) for _ in range(args.readers)]
        time.sleep(2)
        t0 = time.perf_counter()
        statuses = []
        for i in range(args.uploads):
            f = Path(d) / f"u{i}.csv"
            f.write_text("indicator,area_code,period,value\n" + "".join(
                f"immunization_coverage,{c},{2020 + i // 12}-{i % 12 + 1:02d},95.{i % 10}\n" for c in ("01", "66", "79")))
            done = subprocess.run([sys.executable, "-m", "pipelines.cli", "ingest", str(f), "--db", str(db), "--json"],
                                  capture_output=True, text=True, env=env)
            statuses.append(done.returncode)
        minutes = (time.perf_counter() - t0) / 60
        stop.touch()
        counts = [tuple(map(int, p.communicate()[0].split())) for p in readers]
        with store.opened(db, read_only=True) as conn:
            stored = store.one(conn, "select count(*) from submissions")[0]
        print(f"{'readers':>8}{'uploads':>9}{'per min':>9}{'failed':>8}{'stored':>8}{'reads':>9}{'read errors':>13}")
        print(f"{args.readers:>8}{args.uploads:>9}{args.uploads / minutes:>9.1f}{sum(s != 0 for s in statuses):>8}"
              f"{stored:>8}{sum(r for r, _ in counts):>9}{sum(e for _, e in counts):>13}")
        # SIGKILL rounds: an ingest killed at a random moment, then the database checked.
        big = Path(d) / "big.csv"
        big.write_text("indicator,area_code,period,value\n" + "".join(
            f"ehealth_book_coverage,{c:02d},{y}-{m:02d},{(y * m) % 90 + 5}.0\n"
            for c in (1, 4, 8, 11, 12, 14, 15, 19, 20, 22) for y in range(1990, 2026) for m in range(1, 13)))
        rng, survived, loaded = random.Random(1), 0, 0
        for _ in range(args.kills):
            with store.opened(db, read_only=True) as conn:
                before = store.one(conn, "select count(*) from current_values")[0]
            proc = subprocess.Popen([sys.executable, "-m", "pipelines.cli", "ingest", str(big), "--db", str(db)],
                                    env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(rng.uniform(0.3, 3.0))
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            with store.opened(db, read_only=True) as conn:
                after = store.one(conn, "select count(*) from current_values")[0]
            survived += after in (before, before + 4320)  # all of the file or none of it
            loaded += after != before
        print(f"SIGKILL rounds: {args.kills}, database opened and whole after every one: {survived}, "
              f"rounds in which the file had been loaded before the kill: {loaded}")


@dataclass
class Round:
    sessions: int
    drawn: list[float] = field(default_factory=list)    # seconds from navigation to drawn, per session
    ran: list[float] = field(default_factory=list)      # ... to the end of the server's script run
    failures: list[str] = field(default_factory=list)
    wall: float = 0.0
    rss_before_mb: float = 0.0
    rss_peak_mb: float = 0.0
    cpu: float = 0.0


def readers(args) -> None:
    from bench.national import TODAY, build_national, ensure_db
    from bench.pages import CHROMIUM, CHROMIUM_ARGS, PAGES, Server

    sessions = [int(n) for n in args.sessions.split(",") if n]
    with tempfile.TemporaryDirectory(prefix="nq72-readers-") as d:
        db = ensure_db(args.national, Path(d), "national", lambda p: build_national(p, today=TODAY, progress=False))
        load = os.getloadavg()
        print(f"\nreaders: {dt.datetime.now():%Y-%m-%d %H:%M}, {os.cpu_count()} cores, load average"
              f" {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}; page {PAGES[args.page]}", flush=True)
        server = Server(ROOT, db)
        try:
            asyncio.run(_visits(server, 1, CHROMIUM, CHROMIUM_ARGS, PAGES[args.page]))  # caches filled
            rounds = [asyncio.run(_visits(server, n, CHROMIUM, CHROMIUM_ARGS, PAGES[args.page])) for n in sessions]
            peak_ever = server.rss_mb("VmHWM") or 0
        finally:
            server.stop()
    print(f"{'sessions':>8}{'median s':>10}{'p95 s':>8}{'max s':>8}{'run end s':>11}{'failed':>8}{'round s':>9}"
          f"{'srv CPU s':>11}{'MB before':>11}{'MB peak':>9}")
    for r in rounds:
        print(f"{r.sessions:>8}{_median(r.drawn):>10.2f}{_p95(r.drawn):>8.2f}{max(r.drawn, default=0):>8.2f}"
              f"{_median(r.ran):>11.2f}{len(r.failures):>8}{r.wall:>9.1f}{r.cpu:>11.1f}{r.rss_before_mb:>11.0f}"
              f"{r.rss_peak_mb:>9.0f}")
        for failure in dict.fromkeys(r.failures):
            print(f"  failed: {failure}")
    print(f"median/p95/max: navigation to drawn per session; run end: median to the end of the server's script"
          f" run; MB: the server's resident memory (peak sampled every 50 ms; highest ever {peak_ever:.0f} MB);"
          f" one Chromium, a context per session, on the same {os.cpu_count()} cores as the server")


async def _visits(server, n: int, chromium: str, chromium_args: list[str], path: str) -> Round:
    """n sessions opening `path` at once, each in a browser context of its own."""
    from playwright.async_api import async_playwright

    from bench.pages import DRAWN, TIMEOUT_MS

    result = Round(n, rss_before_mb=server.rss_mb() or 0)
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=chromium, args=chromium_args)
        contexts = [await browser.new_context(viewport={"width": 1400, "height": 900}, locale="vi-VN") for _ in range(n)]
        tabs = [await c.new_page() for c in contexts]

        async def one(tab) -> None:
            t0 = time.perf_counter()
            try:
                await tab.goto(server.url + path, wait_until="commit", timeout=TIMEOUT_MS)
                await tab.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=TIMEOUT_MS)
                result.ran.append(time.perf_counter() - t0)
                await tab.wait_for_function(DRAWN, timeout=TIMEOUT_MS)
                result.drawn.append(time.perf_counter() - t0)
                if await tab.locator('[data-testid="stException"]').count() or not await tab.locator("h1").count():
                    result.failures.append("an error or no title on the page")
            except Exception as exc:  # noqa: BLE001 - a session that never draws is counted, the round goes on
                result.failures.append(f"{type(exc).__name__}: {str(exc).splitlines()[0][:120]}")

        peak, stop = [result.rss_before_mb], asyncio.Event()

        async def sample() -> None:
            while not stop.is_set():
                peak[0] = max(peak[0], server.rss_mb() or 0)
                await asyncio.sleep(0.05)

        sampler = asyncio.create_task(sample())
        cpu, t0 = server.cpu_seconds(), time.perf_counter()
        await asyncio.gather(*(one(tab) for tab in tabs))
        result.wall, result.cpu = time.perf_counter() - t0, server.cpu_seconds() - cpu
        stop.set()
        await sampler
        result.rss_peak_mb = peak[0]
        for c in contexts:
            await c.close()
        await browser.close()
    return result


def _median(xs: list[float]) -> float:
    return statistics.median(xs) if xs else float("nan")


def _p95(xs: list[float]) -> float:
    """The nearest-rank 95th percentile: the value 95 % of sessions did not exceed."""
    return sorted(xs)[max(0, math.ceil(0.95 * len(xs)) - 1)] if xs else float("nan")


if __name__ == "__main__":
    main()
