"""End to end: hostile workbooks picked on the Upload page are refused with their reason, and the
server that read them is still up (issue 11). Before the fix the first one aborted the server.

The reason is read from the page's table of errors and from that table as downloaded (⬇ CSV)."""
from __future__ import annotations

import shutil
import urllib.request

import pytest

from tests.test_browser import start_server, wait_drawn
from tests.test_hostile import stray_cell

pytestmark = pytest.mark.browser
HOSTILE = {"far-corner.xlsx": "XFD1048576", "stray-mid-sheet.xlsx": "ZZ400000"}


@pytest.fixture(scope="module")
def served(demo_db, tmp_path_factory):
    """The server on a copy of the demo database: (process, url)."""
    from pipelines.quality.results import results_path

    db = tmp_path_factory.mktemp("served-hostile") / "demo.duckdb"
    shutil.copy(demo_db, db)
    shutil.copy(results_path(demo_db), results_path(db))
    proc, url = start_server(db)
    yield proc, url
    proc.terminate()
    proc.wait(timeout=20)


def test_hostile_workbooks_are_refused_and_the_server_stays_up(served, browser, tmp_path):  # noqa: F811
    proc, url = served
    page = browser.new_page(viewport={"width": 1400, "height": 900}, locale="vi-VN", accept_downloads=True)
    try:
        page.goto(f"{url}/tai-du-lieu")
        wait_drawn(page)
        for name, cell in HOSTILE.items():
            path = tmp_path / name
            path.write_bytes(stray_cell(cell))
            page.set_input_files("input[type=file]", str(path))
            # The verdict names its file: the previous file's verdict (and its CSV) stays drawn until
            # the new run replaces it, so waiting for "bị từ chối" alone read the first file's errors.
            page.wait_for_selector(f"text=Tệp {name} bị từ chối: 1 lỗi", timeout=60_000)
            wait_drawn(page)
            reason = f"Vùng dữ liệu của trang 'Sheet1' kéo đến ô {cell}"
            assert reason in page.inner_text("body")
            assert reason in _errors_offered(page, tmp_path)
        assert proc.poll() is None
        assert urllib.request.urlopen(f"{url}/_stcore/health", timeout=10).status == 200
        page.goto(f"{url}/")
        wait_drawn(page)
        assert page.locator('[data-testid="stException"]').count() == 0
        assert "DỮ LIỆU MINH HỌA" in page.inner_text("body")
    finally:
        page.close()


def _errors_offered(page, tmp_path) -> str:
    """The page's table of errors, as its ⬇ CSV button gives it."""
    with page.expect_download(timeout=120_000) as download:
        page.get_by_role("button", name="⬇ CSV").click()
    path = tmp_path / "errors.csv"
    download.value.save_as(path)
    return path.read_text(encoding="utf-8-sig")
