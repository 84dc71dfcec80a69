"""Benchmark: each dashboard page as a reader gets it, in headless Chromium against the real server
(`nq72 serve`), on the demo and on a national-scale database, with a bare Streamlit page (one
`st.write`) measured in the same run as the floor no page can go below.

A visit is timed from the navigation until Streamlit's script is idle and every chart has drawn
(tests/test_browser.wait_drawn: script state notRunning, no skeleton, every plotly chart has its SVG).
  cold = the first visit after the server starts (a fresh server per page, a fresh browser context);
         median of --cold such starts (one first visit moves by up to 0.8 s between runs)
  warm = median of --warm further visits of the same page on that server (each a new navigation,
         so a new Streamlit session; the server's caches and the browser's HTTP cache are filled),
         with the server's CPU time of each visit beside it (wall time on a loaded machine is noisy)
  move = median of --warm moves to the page within the app, from the About page already drawn in
         the same tab (Streamlit's own history navigation, as a reader moving from page to page in
         one session: no new document, session or script bundle)
Log-in is off (NQ72_AUTH=off, as `make run` serves the demo): each navigation is a new session, which
log-in would send to the form. With it off the reader is the operator (an admin), so every page,
Admin included, is in the router.

--compare REF also serves the tree of git REF (unpacked with `git archive` into a temporary
directory, this tree untouched) and measures it alternately with this tree, page by page and
visit by visit, so before/after come from one run under the same load.

Run: .venv/bin/python bench/pages.py [--demo PATH] [--national PATH] [--warm 5] [--cold 3] [--pages overview,admin]
                                     [--compare REF] [--skip-national]
  --demo/--national PATH: use the database there, building it first if the file does not exist
  (without them both are built into a temporary directory; the national one takes minutes).
"""
from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The project root first; and drop bench/ itself, where this file would shadow the `dashboard` package.
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

from pipelines.export import NAVIGATE, WATCH_RUN, free_port  # noqa: E402

CHROMIUM = os.environ.get("NQ72_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# Every page of the router; the Province and Stations pages of a province with commune data (Đắk Lắk),
# the Province page as it opens (each chart drawn when opened) and with every chart drawn (the switch).
PAGES = {"overview": "/", "province": "/tinh?province=66", "province-charts": "/tinh?province=66&charts=1",
         "indicator": "/chi-tieu", "stations": "/tram-y-te?province=66",
         "tasks": "/nhiem-vu", "quality": "/chat-luong", "upload": "/tai-du-lieu", "entry": "/nhap-so-lieu",
         "report": "/bao-cao", "about": "/gioi-thieu", "admin": "/quan-tri"}
FLOOR = "(bare streamlit)"
GOAL_WARM, GOAL_COLD = 1.2, 2.5
TIMEOUT_MS = 180_000
DRAWN = """() => !document.querySelector('[data-testid="stSkeleton"]') &&
             [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
               .every(c => c.querySelector('.js-plotly-plot .main-svg'))"""


@dataclass
class Row:
    database: str
    page: str
    tree: str
    colds: list[float] = field(default_factory=list)  # first visits, each after a fresh server start
    warm: list[float] = field(default_factory=list)
    rss_mb: float | None = None
    cpu: list[float] = field(default_factory=list)   # server CPU seconds of each warm visit
    moves: list[float] = field(default_factory=list)  # seconds of each move within the app
    errors: list[str] = field(default_factory=list)


def wait_drawn(page) -> None:
    """As tests/test_browser.wait_drawn: the script has finished and every chart has its SVG."""
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=TIMEOUT_MS)
    page.wait_for_function(DRAWN, timeout=TIMEOUT_MS)


def visit(page, url: str, titled: bool = True) -> tuple[float, str | None]:
    """Seconds from navigation to drawn, and what went wrong (an error element, no title where a
    page of the dashboard must have one) or None."""
    t0 = time.perf_counter()
    page.goto(url, wait_until="commit", timeout=TIMEOUT_MS)
    wait_drawn(page)
    seconds = time.perf_counter() - t0
    if page.locator('[data-testid="stException"]').count():
        return seconds, "exception on the page"
    if titled and not page.locator("h1").count():
        return seconds, "no page title"
    return seconds, None


def move(page, base: str, path: str) -> tuple[float, str | None]:
    """Seconds from a move within the app (from the About page, drawn first) to the page drawn."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    if (err := visit(page, base + "/gioi-thieu")[1]) is not None:
        return 0.0, f"the About page it starts from: {err}"
    page.evaluate(WATCH_RUN)
    t0 = time.perf_counter()
    page.evaluate(NAVIGATE, path)
    try:  # now and then the app does not take up the history move at all (the exporter loads the page afresh then)
        page.wait_for_function("() => window.__nq72_started", timeout=15_000, polling=50)
    except PlaywrightTimeout:
        return time.perf_counter() - t0, "the move did not start within 15 s"
    page.wait_for_function(f"() => window.__nq72_ran && ({DRAWN})()", timeout=TIMEOUT_MS, polling=50)
    seconds = time.perf_counter() - t0
    return seconds, "exception on the page" if page.locator('[data-testid="stException"]').count() else None


class Server:
    """`nq72 serve` of one source tree on one database (log-in off), or the bare Streamlit page."""

    def __init__(self, tree: Path, db: Path | None, floor: Path | None = None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ, PYTHONPATH=str(tree), NQ72_AUTH="off", NQ72_QUALITY_AFTER_INGEST="0")
        if floor is not None:  # the project's .streamlit/config.toml applies: run from the tree too
            cmd = [sys.executable, "-m", "streamlit", "run", str(floor), "--server.port", str(self.port),
                   "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"]
        else:
            cmd = [sys.executable, "-m", "pipelines.cli", "serve", "--db", str(db), "--port", str(self.port)]
        self.proc = subprocess.Popen(cmd, cwd=tree, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and self.proc.poll() is None:
            try:
                if urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2).status == 200:
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"the server of {tree} did not start")

    def cpu_seconds(self) -> float:
        """User + system CPU time of the server so far (robust to the machine's load, unlike wall time)."""
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def rss_mb(self, key: str = "VmRSS") -> float | None:
        """The server's resident memory now (VmRSS) or at its peak so far (VmHWM), from /proc."""
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
                if line.startswith(key + ":"):
                    return int(line.split()[1]) / 1024
        return None

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def measure(browser, trees: dict[str, Path], db: Path | None, label: str, page_name: str, path: str,
            warm: int, flip: bool, floor: Path | None = None, cold: int = 1) -> list[Row]:
    """One page on every tree: `cold` times a fresh server each and its first visit in a fresh
    browser context, then, on the last servers, the warm visits alternating between the trees
    (which tree goes first flips from page to page)."""
    names = list(trees)[::-1] if flip else list(trees)
    rows = {n: Row(label, page_name, n) for n in names}
    servers, contexts, tabs = {}, {}, {}
    try:
        for start in range(cold):
            for n in names:
                if start:
                    contexts.pop(n).close()
                    servers.pop(n).stop()
                servers[n] = Server(trees[n], db, floor)
            for n in names:
                contexts[n] = browser.new_context(viewport={"width": 1400, "height": 900}, locale="vi-VN")
                tabs[n] = contexts[n].new_page()
                if rows[n].errors:
                    continue
                try:
                    seconds, err = visit(tabs[n], servers[n].url + path, floor is None)
                    rows[n].colds.append(seconds)
                    if err:
                        rows[n].errors.append(f"cold: {err}")
                except Exception as exc:  # noqa: BLE001 - a page that never draws is reported, the bench goes on
                    rows[n].errors.append(f"cold: {type(exc).__name__}: {str(exc).splitlines()[0][:120]}")
        for _ in range(warm):
            for n in names:
                if rows[n].errors:
                    continue
                try:
                    cpu = servers[n].cpu_seconds()
                    seconds, err = visit(tabs[n], servers[n].url + path, floor is None)
                    rows[n].cpu.append(servers[n].cpu_seconds() - cpu)
                    rows[n].warm.append(seconds)
                    if err:
                        rows[n].errors.append(f"warm: {err}")
                except Exception as exc:  # noqa: BLE001
                    rows[n].errors.append(f"warm: {type(exc).__name__}: {str(exc).splitlines()[0][:120]}")
        for _ in range(warm if floor is None and path != "/gioi-thieu" else 0):  # About is where moves start
            for n in names:
                if any(not e.startswith("move:") for e in rows[n].errors):  # a page that failed to draw
                    continue
                try:
                    seconds, err = move(tabs[n], servers[n].url, path)
                    if err:
                        rows[n].errors.append(f"move: {err}")
                    else:
                        rows[n].moves.append(seconds)
                except Exception as exc:  # noqa: BLE001
                    rows[n].errors.append(f"move: {type(exc).__name__}: {str(exc).splitlines()[0][:120]}")
        for n in names:
            rows[n].rss_mb = servers[n].rss_mb()
    finally:
        for c in contexts.values():
            c.close()
        for s in servers.values():
            s.stop()
    return [rows[n] for n in trees]


def unpack(ref: str, into: Path) -> Path:
    """The tree of git `ref` as files (git archive), this work tree untouched."""
    into.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", ref], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def _s(x: float | None, goal: float | None = None) -> str:
    if x is None:
        return f"{'–':>7} "
    return f"{x:>7.2f}{'!' if goal is not None and x > goal else ' '}"


def report(rows: list[Row], trees: list[str], warm: int, cold: int) -> None:
    print()
    compare = len(trees) == 2
    head = (f"{'database':<10}{'page':<18}{'tree':<10}{'cold s':>8}{'max':>8}{'warm s':>9}{'min':>8}{'max':>8}"
            f"{'cpu s':>8}{'move s':>8}{'srv MB':>8}")
    print(head + (f"{'warm/' + trees[1]:>12}{'cpu/' + trees[1]:>12}" if compare else "") + "  status")
    by_key = {(r.database, r.page, r.tree): r for r in rows}
    for r in rows:
        w = statistics.median(r.warm) if r.warm else None
        first = statistics.median(r.colds) if r.colds else None
        line = (f"{r.database:<10}{r.page:<18}{r.tree:<10}{_s(first, None if r.page == FLOOR else GOAL_COLD)}"
                f"{_s(max(r.colds) if r.colds else None)}"
                f"{_s(w, None if r.page == FLOOR else GOAL_WARM)}{_s(min(r.warm) if r.warm else None)}"
                f"{_s(max(r.warm) if r.warm else None)}{_s(statistics.median(r.cpu) if r.cpu else None)}"
                f"{_s(statistics.median(r.moves) if r.moves else None)}{r.rss_mb or 0:>8.0f}")
        if compare:
            other = by_key.get((r.database, r.page, trees[1]))
            for mine, theirs in ((r.warm, other.warm if other else []), (r.cpu, other.cpu if other else [])):
                ratio = statistics.median(mine) / statistics.median(theirs) if mine and theirs and r.tree != trees[1] else None
                line += f"{ratio:>12.2f}" if ratio else f"{'':>12}"
        print(line + "  " + ("; ".join(dict.fromkeys(r.errors)) if r.errors else "ok"))
    print(f"goals: warm <= {GOAL_WARM:g} s, cold <= {GOAL_COLD:g} s ('!' marks a miss); cold = median (and max) of"
          f" {cold} first visits, each after a fresh server start; warm = median of {warm} visits;"
          f" cpu s = median CPU time the server spent on a warm visit (user + system, steady under load);"
          f" move s = median of {warm} moves to the page within the app (from the About page, one session);"
          f" srv MB = the server's resident memory after the visits; log-in off")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--demo", metavar="PATH", help="demo database (built there if missing)")
    parser.add_argument("--national", metavar="PATH", help="national-scale database (built there if missing)")
    parser.add_argument("--skip-national", action="store_true", help="the demo only")
    parser.add_argument("--warm", type=int, default=5, help="warm visits per page (median shown)")
    parser.add_argument("--cold", type=int, default=3, help="server starts per page, a first visit each (median shown)")
    parser.add_argument("--pages", help="comma-separated subset of: " + ",".join(PAGES))
    parser.add_argument("--compare", metavar="REF", help="also measure the tree of this git ref, alternately")
    args = parser.parse_args()
    if args.cold < 1 or args.warm < 0:
        parser.error("--cold must be at least 1 and --warm at least 0")
    chosen = args.pages.split(",") if args.pages else list(PAGES)
    if unknown := set(chosen) - set(PAGES):
        parser.error(f"unknown pages: {', '.join(sorted(unknown))}")
    from playwright.sync_api import sync_playwright

    from bench.national import TODAY, build_national, ensure_db
    from pipelines.demo import build_demo

    with tempfile.TemporaryDirectory(prefix="nq72-pages-") as d:
        tmp = Path(d)
        dbs = {"demo": ensure_db(args.demo, tmp, "demo", lambda p: build_demo(p, today=TODAY))}
        if not args.skip_national:
            dbs["national"] = ensure_db(args.national, tmp, "national",
                                        lambda p: build_national(p, today=TODAY, progress=False))
        trees = {"this": ROOT}
        if args.compare:
            trees[args.compare[:10]] = unpack(args.compare, tmp / "compare")
        floor = tmp / "floor.py"
        floor.write_text('import streamlit as st\n\nst.write("nq72: bare Streamlit")\n')
        load = os.getloadavg()
        print(f"{dt.datetime.now():%Y-%m-%d %H:%M}, {os.cpu_count()} cores, load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f};"
              f" trees: {', '.join(f'{k}={v}' for k, v in trees.items())}", flush=True)
        rows: list[Row] = []
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                flip = False
                for label, db in dbs.items():
                    rows += measure(browser, {"-": ROOT}, None, label, FLOOR, "/", args.warm, False, floor, args.cold)
                    for name in chosen:
                        new = measure(browser, trees, db, label, name, PAGES[name], args.warm, flip, cold=args.cold)
                        flip = not flip
                        for r in new:
                            w = f"{statistics.median(r.warm):.2f}" if r.warm else "–"
                            c = f"{statistics.median(r.colds):.2f}" if r.colds else "–"
                            print(f"  {label:<9}{name:<10}{r.tree:<10} cold {c:>6} warm {w:>6}"
                                  f"  {'; '.join(r.errors)}", flush=True)
                        rows += new
            finally:
                browser.close()
        load = os.getloadavg()
        report(rows, list(trees), args.warm, args.cold)
        print(f"load average at the end: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")


if __name__ == "__main__":
    main()
