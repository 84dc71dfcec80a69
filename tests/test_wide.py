"""The wide layout (issue 13): one row per area and period, one column per indicator headed by its
code or its Vietnamese or English name; the wide template and its round trip; task-update
workbooks through the same gate."""
from __future__ import annotations

import csv
import io

import openpyxl
from click.testing import CliRunner

from pipelines.cli import main
from pipelines.ingest import check_upload
from tests.conftest import TODAY, csv_bytes, current


def check(content: bytes, name: str = "f.csv", **kw):
    return check_upload(content, name, today=TODAY, **kw)


def xlsx(rows: list[list[object]], title: str = "Báo cáo") -> bytes:
    """A workbook as an office makes it: a title block above the table."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for row in [["SỞ Y TẾ TỈNH ĐẮK LẮK"], ["Báo cáo chỉ tiêu Nghị quyết 72 — tháng 10/2026"], [], *rows]:
        sheet.append(row)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def test_wide_by_code_windows_1258_with_decimal_commas(ingest, conn):
    content = csv_bytes([["ma_dvhc", "ky", "insurance_coverage", "immunization_coverage", "ghi_chu"],
                         ["66", "2026-10", "94,7", "97,2", "Số liệu sơ bộ"],
                         ["01", "2026-10", "", "96", ""]], delimiter=";", encoding="cp1258")
    report = ingest(content)
    assert report.status == "accepted" and report.rows == 3, [p.message_en for p in report.problems]
    assert [r[:4] for r in current(conn)] == [("immunization_coverage", "01", "2026-10", 96.0),
                                              ("immunization_coverage", "66", "2026-10", 97.2),
                                              ("insurance_coverage", "66", "2026-10", 94.7)]
    rows, _, _ = check(content)
    assert rows["row_number"].tolist() == [2, 2, 3]
    assert rows["note"].tolist()[:2] == ["Số liệu sơ bộ"] * 2


def test_wide_by_vietnamese_name_case_spacing_and_diacritics_folded(ingest, conn):
    content = xlsx([["Mã ĐVHC", "Tên ĐVHC", "Kỳ báo cáo", "TỶ LỆ BAO PHỦ  BẢO HIỂM Y TẾ",
                     "ty le tiem chung day du trong chuong trinh tiem chung mo rong (%)"],
                    ["66", "Đắk Lắk", "2026-10", 94.7, 97.2]])
    report = ingest(content, "f.xlsx")
    assert report.status == "accepted", [p.message_en for p in report.problems]
    assert [r[:4] for r in current(conn)] == [("immunization_coverage", "66", "2026-10", 97.2),
                                              ("insurance_coverage", "66", "2026-10", 94.7)]


def test_wide_by_english_name(ingest, conn):
    content = csv_bytes([["area_name", "period", "Health insurance coverage",
                          "Doctors per commune health station (doctors)"],
                         ["Đắk Lắk", "2026-09", "94.1", "2.5"]])
    report = ingest(content)
    assert report.status == "accepted", [p.message_en for p in report.problems]
    assert [r[:4] for r in current(conn)] == [("doctors_per_station", "66", "2026-09", 2.5),
                                              ("insurance_coverage", "66", "2026-09", 94.1)]


def test_an_unknown_column_is_reported_by_name():
    content = csv_bytes([["area_code", "period", "insurance_coverage", "Tỷ lệ sinh con thứ ba"],
                         ["66", "2026-10", "94.7", "12"]])
    rows, problems, _ = check(content)
    assert rows is None
    [p] = problems
    assert p.column == "Tỷ lệ sinh con thứ ba" and p.row is None
    assert p.message_vi.startswith("Cột 'Tỷ lệ sinh con thứ ba' không có trong mẫu.")


def test_a_value_problem_names_the_column_heading_and_row_problems_come_once():
    heading = "Tỷ lệ bao phủ bảo hiểm y tế (%)"
    content = csv_bytes([["area_code", "period", heading, "immunization_coverage"],
                         ["66", "2026-10", "abc", "0.97"],
                         ["99999", "2026-10", "95", "96"]], delimiter=";", encoding="cp1258")
    _, problems, total = check(content)
    assert [(p.row, p.column, p.value, p.key) for p in problems] == [
        (2, heading, "abc", "rule_bad_value"),
        (2, "immunization_coverage", "0.97", "rule_percent_fraction"),
        (3, "area_code", "99999", "rule_unknown_area_code")]
    assert total == 3


def _cli_template(tmp_path, suffix: str):
    out = tmp_path / f"wide.{suffix}"
    r = CliRunner().invoke(main, ["template", "--province", "66", "--period", "2026-Q3", "--layout", "wide",
                                  "--out", str(out)], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    return out


def test_wide_template_xlsx_filled_in_excel_round_trip(tmp_path, ingest, conn):
    out = _cli_template(tmp_path, "xlsx")
    book = openpyxl.load_workbook(out)
    sheet = book.active
    headings = [c.value for c in sheet[1]]
    assert headings[:3] == ["area_code", "area_name", "period"]
    assert "Số bác sĩ làm việc tại trạm y tế xã (doctors)" in headings
    assert [sheet.cell(2, 1).value, sheet.cell(2, 2).value] == ["66", "Đắk Lắk"] and sheet.max_row == 1 + 1 + 102
    assert sheet.freeze_panes == "D2" and sheet.cell(2, 1).number_format == "@"
    doctors = headings.index("Số bác sĩ làm việc tại trạm y tế xã (doctors)") + 1
    checkup = headings.index("Tỷ lệ người dân được khám sức khỏe định kỳ hoặc sàng lọc miễn phí (%)") + 1
    assert sheet.cell(2, checkup).number_format == "0.0"     # a plain number, never a percent format
    sheet.cell(2, doctors).value, sheet.cell(2, checkup).value = 2.5, 81.5
    commune = next(r for r in range(3, sheet.max_row + 1) if sheet.cell(r, 1).value == "24526")
    sheet.cell(commune, doctors).value = 3
    filled = tmp_path / "filled.xlsx"
    book.save(filled)
    report = ingest(filled.read_bytes(), "filled.xlsx", scope_province="66")
    assert report.status == "accepted", [p.message_en for p in report.problems]
    assert [r[:4] for r in current(conn)] == [("annual_checkup_coverage", "66", "2026-Q3", 81.5),
                                              ("doctors_per_station", "24526", "2026-Q3", 3.0),
                                              ("doctors_per_station", "66", "2026-Q3", 2.5)]


def test_wide_template_csv_round_trip(tmp_path, ingest, conn):
    out = _cli_template(tmp_path, "csv")
    lines = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    lines[1][3] = "2,5"                                       # as typed in Excel with Vietnamese settings
    buf = io.StringIO()
    csv.writer(buf, delimiter=";").writerows(lines)
    report = ingest(buf.getvalue().encode("utf-8-sig"), "filled.csv", scope_province="66")
    assert report.status == "accepted", [p.message_en for p in report.problems]
    assert [r[:4] for r in current(conn)] == [("doctors_per_station", "66", "2026-Q3", 2.5)]


def test_long_template_is_unchanged(tmp_path):
    out = tmp_path / "long.csv"
    r = CliRunner().invoke(main, ["template", "--province", "66", "--period", "2026-Q3", "--out", str(out)])
    assert r.exit_code == 0 and r.output.endswith("105 rows\n")
    header = out.read_text(encoding="utf-8-sig").splitlines()[0]
    assert header == "indicator,ten_chi_tieu,area_code,area_name,period,value,numerator,denominator,note"


def test_task_updates_in_a_workbook_name_their_sheet_and_row():
    book = openpyxl.Workbook()
    book.active.title = "Hướng dẫn"
    book.active.append(["Mỗi dòng một nhiệm vụ."])
    for title, rows in [("Sở Y tế", [["CANTHO-I-1", "2026-10", "đang thực hiện"]]),
                        ("Sở KH&CN", [["CANTHO-I-2", "2026-10", "hoàn thành"], ["CANTHO-X-9", "2026-10", "xong"]])]:
        sheet = book.create_sheet(title)
        for row in [["BÁO CÁO TIẾN ĐỘ"], ["Mã nhiệm vụ", "Kỳ", "Trạng thái"], *rows]:
            sheet.append(row)
    buf = io.BytesIO()
    book.save(buf)
    rows, problems, total = check(buf.getvalue(), "tasks.xlsx")
    assert rows is None and total == 2
    assert [(p.sheet, p.row, p.column) for p in problems] == [("Sở KH&CN", 4, "task_id"), ("Sở KH&CN", 4, "status")]
    book["Sở KH&CN"].delete_rows(4)
    buf = io.BytesIO()
    book.save(buf)
    rows, problems, _ = check(buf.getvalue(), "tasks.xlsx")
    assert not problems and rows.attrs["kind"] == "tasks"
    assert rows["task_id"].tolist() == ["CANTHO-I-1", "CANTHO-I-2"] and rows["row_number"].tolist() == [3, 3]
