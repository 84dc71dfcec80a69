"""The Upload page as an office uses it (AppTest): a task-update file previewed as tasks and loaded,
progress by phase, the first 1,000 problems with their total, workbook problems naming their sheet,
the template offered in both layouts. Files are made as Excel makes them (Windows-1258 with ';' and
decimal commas; openpyxl workbooks with a title block and an instructions sheet)."""
from __future__ import annotations

import io
import re

import openpyxl
import pytest

from dashboard import jobs, views
from indicators.periods import last_complete_month
from pipelines import store
from pipelines.ingest import check_upload
from pipelines.messages import t
from pipelines.problems import Problem
from pipelines.settings import today as settings_today
from pipelines.store import audit
from tests.conftest import csv_bytes, load
from tests.tables import page_tables
from tests.test_dashboard import HEAD, run_page, shown

MONTH = last_complete_month(settings_today()).code  # the page checks against the real today (in Vietnam)


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "upload.duckdb"
    with store.opened(path) as conn:
        assert load(conn, csv_bytes([HEAD, ["insurance_coverage", "92", "2026-06", "94.0"]]), "seed.csv").status == "accepted"
    return path


def uploaded(monkeypatch, db, name: str, content: bytes, lang: str = "vi"):
    at = run_page(monkeypatch, db, "upload", lang=lang)
    at.file_uploader[0].set_value((name, content, "application/octet-stream")).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def status_text(at, n: int = 0) -> str:
    box = at.status[n]
    return box.label + "\n" + "\n".join(m.value for m in box.markdown)


def task_file() -> bytes:
    """Task updates as Vietnamese Excel saves 'CSV': Windows-1258, ';', Vietnamese headers and words."""
    return csv_bytes([["ma_nhiem_vu", "ky", "trang_thai", "ghi_chu"],
                      ["CANTHO-I-1", MONTH, "Hoàn thành", "Đã tổ chức 12 buổi truyền thông"],
                      ["CANTHO-I-2", MONTH, "Đang thực hiện", ""]], delimiter=";", encoding="cp1258")


def test_task_update_file_is_previewed_as_tasks_and_loads(monkeypatch, db):
    at = uploaded(monkeypatch, db, "nhiem-vu.csv", task_file())
    assert at.success[0].value.startswith("Tệp nhiem") and "hợp lệ: 2 dòng" in at.success[0].value
    assert t("preview_tasks", "vi") in [c.value for c in at.caption]
    preview = at.dataframe[0].value
    assert list(preview.columns) == ["Dòng", "Nhiệm vụ", "Kỳ", "Tình trạng", "Ghi chú"]
    assert preview["Nhiệm vụ"].iloc[0].startswith("CANTHO-I-1 · Truyền thông, giáo dục")
    assert preview["Tình trạng"].tolist() == ["Hoàn thành", "Đang thực hiện"]
    assert preview["Ghi chú"].tolist() == ["Đã tổ chức 12 buổi truyền thông", ""]
    at.button[0].click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert any("Đã nạp 2 dòng" in s.value for s in at.success)
    assert "✓ Nạp vào cơ sở dữ liệu" in status_text(at, 1)
    recent = at.dataframe[-1].value
    assert (recent["Tệp"].iloc[0], recent["Phạm vi nộp"].iloc[0]) == ("nhiem-vu.csv", "Nhiệm vụ")
    board = run_page(monkeypatch, db, "tasks")
    cantho = [table for table in page_tables(board) if "Tình trạng" in table.columns and "Nhiệm vụ" in table.columns]
    rows = [r for frame in cantho for _, r in frame.iterrows() if r["Nhiệm vụ"].startswith("Truyền thông, giáo dục")]
    assert [r["Tình trạng"] for r in rows] == ["Hoàn thành"]


def test_the_preview_shows_figures_as_the_reader_writes_them(monkeypatch, db):
    """Decimal commas in, decimal commas shown (94,7 in Vietnamese, 94.7 in English), never '94.7'."""
    good = csv_bytes([HEAD, ["insurance_coverage", "92", MONTH, "95,1"], ["insurance_coverage", "01", MONTH, "87,25"]],
                     delimiter=";", encoding="cp1258")
    at = uploaded(monkeypatch, db, "dung.csv", good)
    assert at.success and at.success[0].value.startswith("Tệp dung\\.csv hợp lệ: 2 dòng.")
    assert at.dataframe[0].value["Giá trị"].tolist() == ["95,1", "87,25"]
    english = uploaded(monkeypatch, db, "dung.csv", good, lang="en")
    assert english.dataframe[0].value["Value"].tolist() == ["95.1", "87.25"]


def test_check_shows_its_phases_and_a_rerun_does_not_check_again(monkeypatch, db):
    bad = csv_bytes([HEAD, ["insurance_coverage", "92", MONTH, "150,5"]], delimiter=";", encoding="cp1258")
    at = uploaded(monkeypatch, db, "sai.csv", bad)
    assert re.match(r"Đã xử lý sai\.csv trong [\d,]+ giây", at.status[0].label)
    assert "✓ Đọc tệp" in status_text(at) and "✓ Kiểm tra từng dòng" in status_text(at)
    at.run()
    at.query_params["lang"] = "en"
    at.run()
    assert "Checking every row" in status_text(at) and "The file sai\\.csv is rejected: 1 error. " in at.error[0].value
    with store.opened(db, read_only=True) as conn:
        log = audit.read(conn)
    assert (log["subject"] == "sai.csv").sum() == 1   # one check, one audit line, however often the page reruns


def test_first_thousand_problems_with_the_total(monkeypatch, db):
    rows = [HEAD] + [["insurance_coverage", "92", MONTH, f"{150 + i},5"] for i in range(1500)]
    content = csv_bytes(rows, delimiter=";", encoding="cp1258")
    total = check_upload(content, "nhieu-loi.csv")[2]
    assert total > 1000
    at = uploaded(monkeypatch, db, "nhieu-loi.csv", content)
    assert f"bị từ chối: {total:,} lỗi".replace(",", ".") in at.error[0].value
    assert at.warning[-1].value.startswith(f"1.000 lỗi đầu tiên trong tổng số {total:,}".replace(",", "."))
    assert len(shown(at)) == 1000


def test_a_workbook_problem_names_its_sheet_and_row(monkeypatch, db):
    """An instructions sheet first, a title block above the table, a percent cell that is right and
    a value out of range on the sheet's 5th row."""
    wb = openpyxl.Workbook()
    wb.active.title = "Hướng dẫn"
    wb.active["A1"] = "Điền số liệu vào trang tính 'Số liệu'; không đổi tên cột."
    data = wb.create_sheet("Số liệu")
    data["A1"] = "BÁO CÁO CHỈ TIÊU NGHỊ QUYẾT 72 — SỞ Y TẾ THÀNH PHỐ CẦN THƠ"
    data.append([])
    data.append(HEAD)
    data.append(["insurance_coverage", "92", MONTH, 0.953])
    data["D4"].number_format = "0.0%"
    data.append(["ehealth_book_coverage", "92", MONTH, 120])
    buf = io.BytesIO()
    wb.save(buf)
    at = uploaded(monkeypatch, db, "so-lieu.xlsx", buf.getvalue())
    table = shown(at)
    assert list(table.columns)[:3] == ["Trang tính", "Dòng", "Cột"]
    assert (table["Trang tính"].iloc[0], table["Dòng"].iloc[0]) == ("Số liệu", "5")


def test_problems_table_has_a_sheet_column_only_for_workbooks():
    csv_problem = Problem(3, "value", "x", "read_empty", {})
    assert "Trang tính" not in views.problems_table([csv_problem], "vi").columns
    table = views.problems_table([csv_problem, Problem(7, "value", "x", "read_empty", {}, sheet="Tháng 10")], "en")
    assert table["Sheet"].tolist() == ["", "Tháng 10"]
    assert views.problems_note(1000, 12345, "vi").startswith("1.000 lỗi đầu tiên trong tổng số 12.345")
    assert views.problems_note(1000, 12345, "en").startswith("The first 1,000 of 12,345 problems")
    assert views.problems_note(3, 3, "vi") is None


def test_template_offers_both_layouts_each_explained(monkeypatch, db):
    at = run_page(monkeypatch, db, "upload")
    layout = at.radio(key="tpl_layout")
    assert layout.options == ["Dạng dọc", "Dạng ngang"]
    captions = [c for c in layout.proto.captions]
    assert captions == [t("template_long_help", "vi"), t("template_wide_help", "vi")]
    labels = [b.proto.label for b in at.get("download_button")]
    assert {"⬇ Tải mẫu XLSX", "⬇ Tải mẫu CSV"} <= set(labels)


def test_steps_are_marked_as_the_work_goes():
    assert jobs.steps_text(["read"], ["read", "check", "load"], "running", "vi").split("  \n") == [
        "⏳ Đọc tệp", "○ Kiểm tra từng dòng", "○ Nạp vào cơ sở dữ liệu"]
    assert jobs.steps_text(["read", "check"], ["read", "check", "load"], "running", "en").split("  \n") == [
        "✓ Reading the file", "⏳ Checking every row", "○ Loading into the database"]
    assert jobs.steps_text(["read"], ["read", "check", "load"], "complete", "vi").split("  \n") == [
        "✓ Đọc tệp", "✓ Kiểm tra từng dòng", "– Nạp vào cơ sở dữ liệu"]
    assert jobs.steps_text(["read", "load"], ["read", "check", "load"], "error", "vi").split("  \n") == [
        "✓ Đọc tệp", "✓ Kiểm tra từng dòng", "✗ Nạp vào cơ sở dữ liệu"]


def test_submit_tells_which_phase_begins(conn):
    phases: list[str] = []
    rows = csv_bytes([HEAD, ["insurance_coverage", "92", "2026-06", "94,5"]], delimiter=";", encoding="cp1258")
    assert load(conn, rows, "a.csv", dry_run=True, on_phase=phases.append).status == "accepted"
    assert phases == ["read", "check"]
    phases.clear()
    assert load(conn, rows, "a.csv", on_phase=phases.append).status == "accepted"
    assert phases == ["read", "check", "load"]
