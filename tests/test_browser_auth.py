"""Issue 11 in the real server with log-in on: the Export button's token opens one view once and
never the Upload page, `nq72 export --url` gets its pages (or fails clearly), one browser draws
every export."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote

import pytest

from pipelines import accounts, store
from pipelines import export as exporter
from tests.conftest import HEADER, TODAY, csv_bytes, load
from tests.test_browser import export_view_text, start_server, wait_drawn

pytestmark = pytest.mark.browser
PASSWORD = 'input[type="password"]'
PROVINCE = "/tinh?province=66&period=2026-06"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    db = tmp_path_factory.mktemp("auth") / "a.duckdb"
    rows = [HEADER, ["insurance_coverage", "66", "2026-05", "94.2"], ["insurance_coverage", "66", "2026-06", "95.7"],
            ["insurance_coverage", "01", "2026-06", "93.1"], ["life_expectancy", "66", "2025", "74.4"]]
    with store.opened(db) as conn:
        assert load(conn, csv_bytes(rows), "a.csv", today=TODAY).status == "accepted"
    accounts.add_user(db, "lan", "mat-khau-dai-1", "uploader", "66")
    proc, url = start_server(db, log_in=True)
    yield db, url
    proc.terminate()
    proc.wait(timeout=20)


def opened(browser, url: str, **kw):
    page = browser.new_page(viewport={"width": 1400, "height": 900}, **kw)
    page.goto(url)
    wait_drawn(page)
    return page


def is_log_in_form(page) -> bool:
    return page.locator(PASSWORD).count() == 1 and "Đăng nhập" in page.inner_text("body")


def export_views(db) -> list[tuple[str, str, str, str]]:
    log = accounts.audit_log(db)
    views = log[log["action"] == "export_view"][::-1]
    return list(zip(views["actor"], views["outcome"], views["subject"], views["detail"]))


def test_the_export_button_works_with_log_in_on_and_its_token_is_used_once(served, browser, tmp_path):
    db, url = served
    before = len(export_views(db))
    page = opened(browser, f"{url}{PROVINCE}", accept_downloads=True)
    try:
        assert is_log_in_form(page)
        page.get_by_label("Tên đăng nhập").fill("lan")
        page.get_by_label("Mật khẩu").fill("mat-khau-dai-1")
        hint = page.evaluate("""() => [...document.querySelectorAll('[data-testid="InputInstructions"] > span')].map(s =>
            [getComputedStyle(s).fontSize, getComputedStyle(s, '::after').content, s.textContent])""")
        assert hint == [["0px", '"Nhấn Enter để gửi"', "Press Enter to submit form"], ["12px", "none", "14/1024"]], hint
        page.get_by_role("button", name="Đăng nhập").click()
        page.wait_for_selector(PASSWORD, state="detached", timeout=60_000)
        wait_drawn(page)                               # the log-in opens the page its link asked for
        assert page.url.startswith(f"{url}/tinh?") and "period=2026-06" in page.url, page.url
        assert page.locator("h2", has_text="Đắk Lắk").count() == 1             # the Province page, lan's own
        text = export_view_text(page, tmp_path)
        assert "Đắk Lắk" in text and "Đăng nhập" not in text
    finally:
        page.close()
    # A token that is not ASCII is no token: the log-in form, not an error page.
    odd = opened(browser, f"{url}{PROVINCE}&export_token={quote('ŧøкен')}")
    try:
        assert is_log_in_form(odd) and odd.locator('[data-testid="stException"]').count() == 0
    finally:
        odd.close()
    assert export_views(db)[before:] == [("lan", "ok", "/tinh", "account")]   # one view, one use


def test_a_token_opens_its_own_page_once_and_nothing_else(served, browser):
    db, url = served
    token = accounts.export_token(db, accounts.find(db, "lan"), "/tinh")
    upload = opened(browser, f"{url}/tai-du-lieu?export_token={token}")
    try:
        assert is_log_in_form(upload) and upload.locator('[data-testid="stFileUploader"]').count() == 0
    finally:
        upload.close()
    view = opened(browser, f"{url}{PROVINCE}&export_token={token}")
    try:
        assert not is_log_in_form(view) and "Đắk Lắk" in view.inner_text("body")
        # The view's session stays on its page: the Upload page asks for a log-in.
        view.locator('[data-testid="stSidebarNavLink"]', has_text="Tải dữ liệu").click()
        view.wait_for_selector(PASSWORD, timeout=60_000)
        wait_drawn(view)
        assert view.locator('[data-testid="stFileUploader"]').count() == 0
    finally:
        view.close()
    again = opened(browser, f"{url}{PROVINCE}&export_token={token}")
    try:
        assert is_log_in_form(again)
    finally:
        again.close()
    assert [(o, d) for _, o, _, d in export_views(db)[-3:]] == [("refused", "path"), ("ok", "account"),
                                                                 ("refused", "used")]


def run_export(db: Path, out: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipelines.cli", "export", "--db", str(db), "--out", str(out), *args],
                          capture_output=True, text=True, timeout=600)


def test_nq72_export_url_gets_its_pages_from_a_log_in_server(served, tmp_path):
    db, url = served
    done = run_export(db, tmp_path, "--url", url, "--period", "2026-06", "--province", "66",
                      "--pages", "overview,province", "--tabs", "2")
    assert done.returncode == 0, done.stdout + done.stderr
    pdf = tmp_path / "2026-06" / "66-dak-lak" / "66-dak-lak.pdf"
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "Đắk Lắk" in text and "95,7 %" in text and "Đăng nhập" not in text
    assert (tmp_path / "2026-06" / "national" / "overview.png").stat().st_size > 20_000
    operator = accounts.operator().name
    assert sorted(s for a, o, s, _ in export_views(db)[-2:] if a == operator and o == "ok") == ["/", "/tinh"]


def test_nq72_export_url_fails_clearly_when_the_server_refuses_its_token(served, tmp_path):
    _, url = served
    elsewhere = tmp_path / "elsewhere.duckdb"                     # not the database this server uses
    store.connect(elsewhere).close()
    done = run_export(elsewhere, tmp_path / "out", "--url", url, "--period", "2026-06", "--province", "66",
                      "--pages", "province", "--format", "png")
    assert done.returncode == 1
    assert "log-in form" in done.stdout + done.stderr and "export_token=…" in done.stdout + done.stderr
    assert not (tmp_path / "out" / "2026-06" / "66-dak-lak" / "province.png").exists()


def chromium_browsers() -> set[int]:
    """PIDs of the Chromium browser processes (not their helpers) under this test process: Playwright
    starts each with --remote-debugging-pipe; renderers and other helpers carry a --type, except for
    the moment between a helper's fork and its exec (the CI of a55e47f counted one such as a second
    browser), so a process whose parent is a browser is a helper."""
    def parent(pid: str) -> str:
        try:
            return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1]
        except OSError:
            return "0"
    mine, found, candidates = str(os.getpid()), set(), {}
    for entry in Path("/proc").iterdir():
        try:
            cmd = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if (entry.name.isdigit() and b"chrom" in cmd[0].rsplit(b"/", 1)[-1]  # not the /usr/bin/chromium shell script
                and b"--remote-debugging-pipe" in cmd and not any(a.startswith(b"--type=") for a in cmd)):
            candidates[entry.name] = parent(entry.name)
    for name, up in candidates.items():
        if up in candidates:   # a helper between its fork and its exec still shows the browser's command line
            continue
        pid, seen = up, 0
        while pid not in ("0", "1", mine) and seen < 20:
            pid, seen = parent(pid), seen + 1
        if pid == mine:
            found.add(int(name))
    return found


def test_one_browser_draws_every_export(served):
    db, url = served
    lan = accounts.find(db, "lan")

    def view() -> str:
        return f"{url}{PROVINCE}&embed=true&export_token={accounts.export_token(db, lan, '/tinh')}"
    before = chromium_browsers()                     # this module's own browser, the server's if started
    results, most, stop = [], [0], threading.Event()

    def watch():
        while not stop.is_set():
            most[0] = max(most[0], len(chromium_browsers() - before))
            time.sleep(0.2)
    watcher = threading.Thread(target=watch)
    watcher.start()
    urls = [view() for _ in range(4)]
    threads = [threading.Thread(target=lambda u=u: results.append(exporter.capture_view(u))) for u in urls]
    try:
        for th in threads:
            th.start()
        for th in threads:
            th.join(timeout=300)
    finally:
        stop.set()
        watcher.join()
    assert len(results) == 4 and all(png[:4] == b"\x89PNG" and pdf[:4] == b"%PDF" for png, pdf in results)
    pool = exporter.view_pool()
    assert most[0] == 1 and pool.launches == 1
    # A browser that died is started again for the next export.
    (pid,) = chromium_browsers() - before
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 20
    while pool._browser.is_connected() and time.monotonic() < deadline:
        time.sleep(0.1)
    png, _ = exporter.capture_view(view)
    assert png[:4] == b"\x89PNG" and pool.launches == 2 and len(chromium_browsers() - before) == 1
    pool.close()
