"""End to end: the real server in headless Debian Chromium through Playwright.

Every page is opened, waited for until the script has finished and every chart is drawn, checked
for error elements, and saved as a full-page PNG in tests/artifacts/ for a person to look at."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import CHROMIUM, CHROMIUM_ARGS, HEADER, csv_bytes  # noqa: F401 - re-exported to the other browser tests

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).parent / "artifacts"
PAGES = {"overview": "/", "province": "/tinh?province=66", "indicator": "/chi-tieu?indicator=doctors_per_station",
         "stations": "/tram-y-te?province=66", "quality": "/chat-luong", "tasks": "/nhiem-vu", "upload": "/tai-du-lieu",
         "about": "/gioi-thieu"}


def start_server(db: Path, log_in: bool = False):
    from pipelines.export import start_server as start

    try:
        return start(db, log_in=log_in)
    except RuntimeError as exc:
        pytest.fail(str(exc))


@pytest.fixture(scope="module")
def served_db(demo_db, tmp_path_factory):
    from pipelines.quality.results import results_path

    db = tmp_path_factory.mktemp("served") / "demo.duckdb"
    shutil.copy(demo_db, db)                  # the upload test writes to it
    shutil.copy(results_path(demo_db), results_path(db))
    return db


@pytest.fixture(scope="module")
def server(served_db):
    proc, url = start_server(served_db)
    yield url
    proc.terminate()
    proc.wait(timeout=20)


def wait_drawn(page, timeout: int = 60_000) -> None:
    """Script finished, no skeleton left, and every plotly chart has its SVG (it draws ~1 s later)."""
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=timeout)
    page.wait_for_function(
        """() => !document.querySelector('[data-testid="stSkeleton"]') &&
                 [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
                   .every(c => c.querySelector('.js-plotly-plot .main-svg'))""", timeout=timeout)


def open_page(browser, url: str, width: int = 1400):
    page = browser.new_page(viewport={"width": width, "height": 900}, locale="vi-VN")
    page.goto(url)
    wait_drawn(page)
    return page


def full_screenshot(page, name: str) -> Path:
    """Streamlit scrolls inside stMain: size the viewport to it so the PNG holds the whole page."""
    height = page.evaluate("() => document.querySelector('[data-testid=stMain]').scrollHeight")
    page.set_viewport_size({"width": page.viewport_size["width"], "height": min(height + 40, 8000)})
    wait_drawn(page)
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("name", list(PAGES))
def test_every_page_renders(server, browser, name, lang):
    path = PAGES[name]
    url = f"{server}{path}{'&' if '?' in path else '?'}lang={lang}"
    page = open_page(browser, url)
    try:
        assert page.locator('[data-testid="stException"]').count() == 0
        body = page.inner_text("body")
        assert ("DỮ LIỆU MINH HỌA" if lang == "vi" else "SYNTHETIC DEMO DATA") in body
        assert "Traceback" not in body
        shot = full_screenshot(page, f"{name}-{lang}")
        assert shot.stat().st_size > 20_000
    finally:
        page.close()


def test_narrow_window(server, browser):
    page = open_page(browser, f"{server}/tinh?province=79&charts=1", width=390)
    try:
        assert page.locator('[data-testid="stException"]').count() == 0
        assert "Hồ Chí Minh" in page.inner_text("body")
        full_screenshot(page, "province-vi-390")
    finally:
        page.close()


def test_a_province_panel_draws_its_chart_when_opened_with_every_year_whole(server, browser):
    """The Province page opens with no chart; a click on a panel's "Biểu đồ và số liệu theo kỳ" reruns
    the page and draws that panel's chart alone, every year label whole (not under the legend)."""
    page = open_page(browser, f"{server}/tinh?province=66", width=1280)
    try:
        assert page.locator('[data-testid="stPlotlyChart"]').count() == 0
        page.get_by_text("Biểu đồ và số liệu theo kỳ").first.click()
        page.wait_for_selector('[data-testid="stPlotlyChart"] .main-svg', timeout=60_000)
        wait_drawn(page)
        assert page.locator('[data-testid="stPlotlyChart"]').count() == 1
        years = page.evaluate("""() => {
          const chart = document.querySelector('[data-testid="stPlotlyChart"]');
          const legend = chart.querySelector('.legend').getBoundingClientRect();
          return [...chart.querySelectorAll('.xtick text')].map(t => {
            const r = t.getBoundingClientRect();
            return [t.textContent, r.top < legend.bottom && r.bottom > legend.top && r.left < legend.right && r.right > legend.left];
          });
        }""")
        assert years and all(len(text) == 4 and not covered for text, covered in years), years
    finally:
        page.close()


def test_an_opened_chart_stays_open_across_the_language_switch(server, browser):
    """The Indicator page's trends, opened in Vietnamese, stay open in English; folded in English,
    they stay folded back in Vietnamese (Streamlit makes a new expander when its label changes)."""
    page = open_page(browser, f"{server}/chi-tieu?indicator=insurance_coverage")

    def switch(language: str, label: str) -> tuple[int, int]:
        """Switch the language; the open expanders and the charts drawn once the page has redrawn."""
        page.get_by_text(language, exact=True).click()
        page.wait_for_selector(f"text={label}", timeout=60_000)
        wait_drawn(page)
        return (page.locator('[data-testid="stExpander"] details[open]').count(),
                page.locator('[data-testid="stPlotlyChart"]').count())

    try:
        page.get_by_text("Biểu đồ diễn biến của từng tỉnh").first.click()
        page.wait_for_selector('[data-testid="stPlotlyChart"] .main-svg', timeout=60_000)
        assert switch("English", "Chart: the trend of each province") == (1, 1)
        page.get_by_text("Chart: the trend of each province").first.click()
        page.wait_for_function("() => !document.querySelector('[data-testid=\"stPlotlyChart\"]')", timeout=60_000)
        assert switch("Tiếng Việt", "Biểu đồ diễn biến của từng tỉnh") == (0, 0)
    finally:
        page.close()


def test_selection_lives_in_the_url(server, browser):
    page = open_page(browser, f"{server}/chi-tieu?indicator=life_expectancy&province=92")
    try:
        assert "Tuổi thọ trung bình" in page.inner_text("body")
        page.get_by_text("English").click()
        page.wait_for_url("**lang=en**", timeout=30_000)
        wait_drawn(page)
        assert "indicator=life_expectancy" in page.url and "province=92" in page.url
        # the rerun in English replaces the page's elements a moment after the URL changes
        page.wait_for_selector("text=Life expectancy at birth", timeout=60_000)
    finally:
        page.close()


def test_upload_rejects_then_loads(server, served_db, browser, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes([HEADER, ["insurance_coverage", "66", "2026-10", "96.0"],
                               ["insurance_coverage", "66", "2026-09", "150"]]))
    good = tmp_path / "good.csv"
    # within a year of the demo's 2023 figure (73.3): a bigger change would be a jump to confirm
    good.write_bytes(csv_bytes([HEADER, ["life_expectancy", "66", "2024", "73.8"]]))
    page = open_page(browser, f"{server}/tai-du-lieu")
    try:
        page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(bad))
        page.wait_for_selector("text=Tệp bad.csv bị từ chối", timeout=60_000)
        wait_drawn(page)
        body = page.inner_text("body")
        assert "ngoài khoảng hợp lý" in body
        full_screenshot(page, "upload-rejected-vi")
        page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(good))
        page.wait_for_selector("text=Tệp good.csv hợp lệ", timeout=60_000)
        page.get_by_role("button", name="Nạp vào cơ sở dữ liệu").click()
        page.wait_for_selector("text=Đã nạp 1 dòng", timeout=60_000)
    finally:
        page.close()
    from pipelines import store  # the audit log of the served database: the rejection is its only trace
    from pipelines.store import audit

    with store.opened(served_db, read_only=True) as conn:
        log = audit.read(conn, 20)
    outcomes = dict(zip(log["subject"], log["outcome"]))
    assert outcomes.get("bad.csv") == "rejected" and outcomes.get("good.csv") == "accepted"
    assert set(log.loc[log["subject"].isin(["bad.csv", "good.csv"]), "actor"]) == {"demo"}


def export_view_text(page, tmp_path: Path) -> str:
    """Press the sidebar Export button, download the PDF it offers, return its text."""
    page.get_by_role("button", name="📷 Xuất ảnh").click()
    page.wait_for_selector("text=⬇ PDF", timeout=120_000)
    with page.expect_download() as download:
        page.get_by_role("button", name="⬇ PDF").click()
    pdf = tmp_path / "view.pdf"
    download.value.save_as(pdf)
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout


def test_export_button_gives_png_and_pdf(server, browser, tmp_path):
    page = browser.new_page(viewport={"width": 1400, "height": 900}, accept_downloads=True)
    try:
        page.goto(f"{server}/tinh?province=92")
        wait_drawn(page)
        assert "Cần Thơ" in export_view_text(page, tmp_path)
    finally:
        page.close()


def test_export_button_works_with_log_in_on(demo_db, browser, tmp_path):
    """The server's headless browser draws the view as the logged-in user (one-time token)."""
    from pipelines import accounts

    db = tmp_path / "auth.duckdb"
    shutil.copy(demo_db, db)
    accounts.add_user(db, "lan", "mat-khau-dai-1", "uploader", "66")
    proc, url = start_server(db, log_in=True)
    page = browser.new_page(viewport={"width": 1400, "height": 900}, accept_downloads=True)
    try:
        page.goto(f"{url}/tinh?province=66")
        page.wait_for_selector("text=Tên đăng nhập", timeout=60_000)
        page.get_by_label("Tên đăng nhập").fill("lan")
        page.get_by_label("Mật khẩu").fill("mat-khau-dai-1")
        page.get_by_role("button", name="Đăng nhập").click()
        page.wait_for_selector("text=Đắk Lắk", timeout=60_000)
        wait_drawn(page)
        text = export_view_text(page, tmp_path)
        assert "Đắk Lắk" in text and "Đăng nhập" not in text
    finally:
        page.close()
        proc.terminate()
        proc.wait(timeout=20)
