"""The sidebar Export button in the real server with log-in on, as a provincial reader uses it: its
files are named for the view (<code>-<province>-<page>-<period>) and always show the current
selection, never the file of the province chosen before."""
from __future__ import annotations

import subprocess

import pytest
from pypdf import PdfReader

from pipelines import accounts, store
from tests.conftest import HEADER, TODAY, csv_bytes, load
from tests.test_browser import start_server, wait_drawn

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    db = tmp_path_factory.mktemp("button") / "b.duckdb"
    rows = [HEADER, ["insurance_coverage", "66", "2026-05", "94,2"], ["insurance_coverage", "66", "2026-06", "95,7"],
            ["insurance_coverage", "01", "2026-05", "92,8"], ["insurance_coverage", "01", "2026-06", "93,1"],
            ["life_expectancy", "66", "2025", "74,4"], ["life_expectancy", "01", "2025", "76,3"]]
    with store.opened(db) as conn:
        assert load(conn, csv_bytes(rows, delimiter=";", encoding="cp1258"), "so-lieu.csv", today=TODAY).status == "accepted"
    accounts.add_user(db, "hoa", "mat-khau-dai-2", "viewer")
    proc, url = start_server(db, log_in=True)
    yield db, url
    proc.terminate()
    proc.wait(timeout=20)


def export_pdf(page, tmp_path, name: str) -> tuple[str, str, str]:
    """Press Export, then download both files; (PNG name, PDF name, PDF text)."""
    page.get_by_role("button", name="📷 Xuất ảnh").click()
    page.wait_for_selector("text=⬇ PDF", timeout=180_000)
    with page.expect_download() as png:
        page.get_by_role("button", name="⬇ PNG").click()
    with page.expect_download() as pdf:
        page.get_by_role("button", name="⬇ PDF").click()
    path = tmp_path / name
    pdf.value.save_as(path)
    assert all(abs(float(p.mediabox.width) - 595.3) < 2 for p in PdfReader(path).pages)   # A4 portrait
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    return png.value.suggested_filename, pdf.value.suggested_filename, text


def test_the_export_button_names_and_follows_the_selection(served, browser, tmp_path):
    _, url = served
    page = browser.new_page(viewport={"width": 1400, "height": 900}, accept_downloads=True)
    try:
        page.goto(f"{url}/")
        page.wait_for_selector("text=Tên đăng nhập", timeout=60_000)
        page.get_by_label("Tên đăng nhập").fill("hoa")
        page.get_by_label("Mật khẩu").fill("mat-khau-dai-2")
        page.get_by_role("button", name="Đăng nhập").click()
        page.wait_for_selector('input[type="password"]', state="detached", timeout=60_000)
        page.locator('[data-testid="stSidebarNavLink"]', has_text="Tỉnh, thành phố").click()
        page.wait_for_url("**/tinh**", timeout=60_000)
        wait_drawn(page)
        assert "Hà Nội" in page.inner_text("main")                 # a national viewer starts on Hà Nội
        png, pdf, text = export_pdf(page, tmp_path, "first.pdf")
        assert (png, pdf) == ("01-ha-noi-province-2026-06.png", "01-ha-noi-province-2026-06.pdf")
        assert "Hà Nội" in text and "Đắk Lắk" not in text and "Đăng nhập" not in text

        page.locator(".st-key-sel_province").click()
        page.keyboard.type("Đắk Lắk")
        page.keyboard.press("Enter")
        page.wait_for_url("**province=66**", timeout=60_000)
        wait_drawn(page)
        # The files of Hà Nội are no longer offered once Đắk Lắk is shown.
        assert page.get_by_role("button", name="⬇ PDF").count() == 0
        png, pdf, text = export_pdf(page, tmp_path, "second.pdf")
        assert (png, pdf) == ("66-dak-lak-province-2026-06.png", "66-dak-lak-province-2026-06.pdf")
        assert "Đắk Lắk" in text and "95,7 %" in text and "Hà Nội" not in text
        assert "Xuất ảnh" not in text and "Ngôn ngữ" not in text and "Trang 1/" in text
    finally:
        page.close()
