"""End to end, as a provincial office works: `nq72 serve --db data/nq72.duckdb` (a relative path)
with log-in on, an uploader of Cần Thơ logs in, downloads the template in each layout from the Upload
page, fills it as Excel does (openpyxl: a title block above the table, a percent-formatted cell in
the wide one), uploads it, confirms, and reads the value back on the Province page; then a
task-update workbook, whose status the Tasks page then shows. Screenshots go to tests/artifacts/."""
from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import os
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.conftest import csv_bytes, load, serve_like_make_run
from tests.test_browser import ARTIFACTS, wait_drawn

pytestmark = pytest.mark.browser
USER, PASSWORD = "canthoso", "mat-khau-dai-cua-so-y-te"
HEAD = ["indicator", "area_code", "period", "value"]


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """A small database at root/data/nq72.duckdb with one uploader account of Cần Thơ (92), served
    from root as `nq72 serve --db data/nq72.duckdb` with log-in on (NQ72_AUTH unset)."""
    from pipelines import accounts, store

    root = tmp_path_factory.mktemp("office")
    (root / "data").mkdir()
    db = root / "data" / "nq72.duckdb"
    with store.opened(db) as conn:
        seed = [HEAD, ["insurance_coverage", "92", "2025-12", "93.0"], ["ehealth_book_coverage", "92", "2025-12", "80.0"]]
        assert load(conn, csv_bytes(seed), "seed.csv").status == "accepted"
    accounts.add_user(db, USER, PASSWORD, "uploader", "92")
    env = {k: v for k, v in os.environ.items() if k not in ("NQ72_DB", "NQ72_AUTH")} | {"NQ72_QUALITY_AFTER_INGEST": "0"}
    yield from serve_like_make_run(root, env)


def logged_in(browser, url: str, link: str):
    """A new tab past the log-in form (each page load is a new session), then on the page the
    sidebar's `link` opens (the log-in lands on the Overview)."""
    page = browser.new_page(viewport={"width": 1400, "height": 900}, locale="vi-VN", accept_downloads=True)
    page.goto(url)
    page.wait_for_selector("text=Tên đăng nhập", timeout=60_000)
    page.get_by_label("Tên đăng nhập").fill(USER)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_label("Mật khẩu").wait_for(state="detached", timeout=60_000)
    wait_drawn(page)
    page.get_by_role("link", name=link, exact=True).click()
    rerun(page)
    return page


def template(page, layout: str, tmp_path: Path) -> tuple[openpyxl.Workbook, str]:
    """The XLSX template of the chosen layout, as the page gives it (the uploader's own province)."""
    choice = page.get_by_text("Dạng ngang" if layout == "wide" else "Dạng dọc", exact=True)
    if not page.get_by_role("radio", name=choice.inner_text()).is_checked():
        choice.click()
        rerun(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="⬇ Tải mẫu XLSX").click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    assert path.name.startswith("nq72-92-") and path.name.endswith(f"-{layout}.xlsx")
    return openpyxl.load_workbook(path), path.stem.split("-")[2] + "-" + path.stem.split("-")[3]


def rerun(page) -> None:
    """The rerun a click started, finished (it may start a moment after the click)."""
    with contextlib.suppress(PlaywrightTimeout):  # already over
        page.wait_for_selector('[data-testid="stApp"][data-test-script-state="running"]', timeout=5_000)
    wait_drawn(page)


def upload_and_load(page, path: Path, rows: int, shot: str | None = None) -> None:
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(path))
    page.wait_for_selector(f"text=Tệp {path.name} hợp lệ: {rows} dòng", timeout=120_000)
    wait_drawn(page)
    if shot:
        screenshot(page, shot)
    page.get_by_role("button", name="Nạp vào cơ sở dữ liệu").click()
    page.wait_for_selector(f"text=Đã nạp {rows} dòng", timeout=120_000)
    wait_drawn(page)
    assert page.locator('[data-testid="stException"]').count() == 0


def screenshot(page, name: str) -> None:
    height = page.evaluate("() => document.querySelector('[data-testid=stMain]').scrollHeight")
    page.set_viewport_size({"width": 1400, "height": min(height + 40, 8000)})
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def province_latest(browser, url: str) -> str:
    """The Province page as the uploader first sees it: their own province, the newest month."""
    page = logged_in(browser, url, "Tỉnh, thành phố")
    try:
        return page.inner_text("body")
    finally:
        page.close()


def test_both_template_layouts_filled_in_excel_load_and_show(served, browser, tmp_path):
    """The long template filled first (every row; the period retyped as a date cell), then the wide
    one (one percent-formatted cell, a title block above the table, an instructions sheet first),
    whose insurance figure supersedes the long one's."""
    page = logged_in(browser, served, "Tải dữ liệu")
    try:
        wb, period = template(page, "long", tmp_path)
        sheet = wb.active
        columns = {sheet.cell(1, c).value: c for c in range(1, sheet.max_column + 1)}
        for r in range(2, sheet.max_row + 1):
            ours = sheet.cell(r, columns["indicator"]).value == "ehealth_book_coverage"
            sheet.cell(r, columns["value"]).value = 88.4 if ours else 90 + r / 10
            when = sheet.cell(r, columns["period"])
            when.value, when.number_format = dt.datetime(int(period[:4]), int(period[5:]), 1), "mm/yyyy"
        long = tmp_path / "bao-cao-doc.xlsx"
        wb.save(long)
        upload_and_load(page, long, sheet.max_row - 1)

        wb, _ = template(page, "wide", tmp_path)
        sheet = wb.active
        columns = {sheet.cell(1, c).value: c for c in range(1, sheet.max_column + 1)}
        row = next(r for r in range(2, sheet.max_row + 1) if str(sheet.cell(r, columns["area_code"]).value) == "92")
        cell = sheet.cell(row, columns["Tỷ lệ bao phủ bảo hiểm y tế (%)"])
        cell.value, cell.number_format = 0.973, "0.0%"       # typed "97,3%": Excel stores 0.973
        sheet.insert_rows(1, 3)
        sheet["A1"] = "BÁO CÁO CHỈ TIÊU NGHỊ QUYẾT 72-NQ/TW"
        sheet["A2"] = f"Sở Y tế thành phố Cần Thơ — kỳ {period}"
        wb.create_sheet("Hướng dẫn", 0)["A1"] = "Điền mỗi chỉ tiêu vào cột của nó; ô % có thể định dạng phần trăm."
        wide = tmp_path / "bao-cao-ngang.xlsx"
        wb.save(wide)
        upload_and_load(page, wide, 1, shot="upload-office-wide-vi")
    finally:
        page.close()
    body = province_latest(browser, served).replace("\xa0", " ")
    assert f"Giá trị mới nhất: 97,3 % ({period})" in body      # stored x100, not 0,973 %
    assert f"Giá trị mới nhất: 88,4 % ({period})" in body


def test_task_update_workbook_loads_and_the_tasks_page_shows_it(served, browser, tmp_path):
    from indicators.periods import last_complete_month
    from pipelines.settings import today as settings_today

    wb = openpyxl.Workbook()
    sheet = wb.active
    sheet.title = "Cập nhật"
    sheet.append(["CẬP NHẬT TIẾN ĐỘ KẾ HOẠCH 172/KH-UBND"])
    sheet.append([])
    sheet.append(["Mã nhiệm vụ", "Kỳ", "Trạng thái", "Ghi chú"])
    sheet.append(["CANTHO-I-1", last_complete_month(settings_today()).code, "Hoàn thành", "Đã tổ chức 12 buổi truyền thông"])
    path = tmp_path / "nhiem-vu.xlsx"
    wb.save(path)
    page = logged_in(browser, served, "Tải dữ liệu")
    try:
        upload_and_load(page, path, 1, shot="upload-office-tasks-vi")
    finally:
        page.close()
    page = logged_in(browser, served, "Nhiệm vụ")
    try:
        with page.expect_download() as download:
            page.get_by_role("button", name="⬇ CSV").last.click()
        rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8-sig"))))
    finally:
        page.close()
    first = next(r for r in rows if r["Nhiệm vụ"].startswith("Truyền thông, giáo dục"))
    assert (first["Tình trạng"], first["Ghi chú"]) == ("Hoàn thành", "Đã tổ chức 12 buổi truyền thông")
