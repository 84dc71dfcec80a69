"""End to end: the real server in headless Debian Chromium through Playwright.

Screenshots land in tests/artifacts/ (git-ignored) for a person to look at."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).parent / "artifacts"
CHROMIUM = os.environ.get("NQ72_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(demo_db):
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "pipelines.cli", "serve", "--db", str(demo_db),
                             "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).status == 200:
                break
        except OSError:
            time.sleep(0.3)
    else:
        proc.kill()
        pytest.fail("the dashboard server did not start: " + proc.stdout.read().decode(errors="replace")[-2000:])
    yield url
    proc.terminate()
    proc.wait(timeout=20)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


def open_page(browser, url: str, width: int = 1400, height: int = 900):
    page = browser.new_page(viewport={"width": width, "height": height}, locale="vi-VN")
    page.goto(url)
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=60_000)
    page.wait_for_selector('[data-testid="stMetric"]', timeout=60_000)
    return page


@pytest.mark.parametrize("lang,width,banner", [("vi", 1400, "DỮ LIỆU MINH HỌA"), ("en", 1400, "SYNTHETIC DEMO DATA"),
                                               ("vi", 390, "DỮ LIỆU MINH HỌA")])
def test_home_page_renders(server, browser, lang, width, banner):
    page = open_page(browser, f"{server}/?lang={lang}", width=width)
    try:
        assert page.locator('[data-testid="stException"]').count() == 0
        assert banner in page.inner_text("body")
        assert "34 / 34" in page.inner_text("body")
        ARTIFACTS.mkdir(exist_ok=True)
        shot = ARTIFACTS / f"home-{lang}-{width}.png"
        page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 10_000
    finally:
        page.close()


def test_language_switch_updates_url(server, browser):
    page = open_page(browser, server)
    try:
        page.get_by_text("English").click()
        page.wait_for_url("**lang=en**", timeout=30_000)
        page.wait_for_selector("text=Resolution 72-NQ/TW targets", timeout=30_000)
    finally:
        page.close()
