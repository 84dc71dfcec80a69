"""Files as provincial offices make them in Excel (issue 13, the reader): an instructions sheet and a
title block above the table, percent and date formats, error cells, several data sheets, invisible
characters pasted around codes, CSV saved by Excel with title lines and ';;;'. Every file is built here
at run time, with openpyxl as Excel writes a workbook and in Windows-1258 with ';' as Excel saves a CSV."""
from __future__ import annotations

import datetime as dt
import io
import zipfile

import openpyxl
import pytest

from pipelines import xlsx
from pipelines.ingest import check_upload
from pipelines.problems import UploadError
from pipelines.read import read_upload
from tests.conftest import TODAY, to_cp1258

HEADER = ["indicator", "area_code", "period", "value", "numerator", "denominator"]
TITLE = [["BÁO CÁO KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU NGHỊ QUYẾT 72-NQ/TW"], ["Sở Y tế tỉnh Đắk Lắk"], []]


def workbook(*sheets: tuple[str, list[list]], formats: dict[tuple[str, str], str] | None = None,
             hidden: tuple[str, ...] = ()) -> bytes:
    """An XLSX of (sheet name, rows) in order; `formats` gives the number format of a cell: {(sheet, 'D5'): '0.0%'}."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets:
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
        if name in hidden:
            ws.sheet_state = "hidden"
    for (name, ref), number_format in (formats or {}).items():
        wb[name][ref].number_format = number_format
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


INSTRUCTIONS = ("Hướng dẫn", [["Hướng dẫn điền biểu mẫu"], ["1. Mỗi dòng là một chỉ tiêu của một địa bàn trong một kỳ."],
                              ["2. Giá trị tỷ lệ ghi theo phần trăm."]])


def accepted(content: bytes, name: str = "f.xlsx"):
    rows, problems, _ = check_upload(content, name, today=TODAY)
    assert problems == [], [(p.sheet, p.row, p.column, p.message_en) for p in problems]
    return rows


def refused(content: bytes, name: str = "f.xlsx"):
    rows, problems, _ = check_upload(content, name, today=TODAY)
    assert rows is None and problems
    return problems


# --- where the table is ------------------------------------------------------------------------------

def test_an_instructions_sheet_first_and_a_title_block_above_the_header():
    data = ("Dữ liệu", TITLE + [HEADER, ["insurance_coverage", "66", "2026-10", 94.7, None, None],
                                ["insurance_coverage", "66", "2026-09", 94.5, None, None]])
    table = read_upload(workbook(INSTRUCTIONS, data), "f.xlsx")
    assert list(table.frame.columns) == HEADER
    assert list(table.rows) == [5, 6] and list(table.sheets) == ["Dữ liệu", "Dữ liệu"]
    rows = accepted(workbook(INSTRUCTIONS, data))
    assert list(rows["value"]) == [94.7, 94.5] and list(rows["row_number"]) == [5, 6]
    # No sheet with a header the gate knows: the first sheet, row 1 as the header, refused as before.
    problems = refused(workbook(INSTRUCTIONS, ("Dữ liệu", [["mã", "kỳ", "số"], ["66", "2026-10", 94.7]])))
    assert any(p.key == "header_unknown" and p.column == "Hướng dẫn điền biểu mẫu" for p in problems)


def test_a_column_with_neither_header_nor_cells_is_dropped_and_one_with_cells_is_not():
    # The title's note reaches column J: columns G to J have no header and, below it, no cell.
    data = ("Dữ liệu", [["BÁO CÁO", None, None, None, None, None, None, None, None, "Đơn vị: %"], HEADER,
                        ["insurance_coverage", "66", "2026-10", 94.7, None, None]])
    assert list(read_upload(workbook(data), "f.xlsx").frame.columns) == HEADER
    stray = ("Dữ liệu", [HEADER, ["insurance_coverage", "66", "2026-10", 94.7, None, None, None, "x"]])
    assert list(read_upload(workbook(stray), "f.xlsx").frame.columns) == HEADER + [""]  # G dropped, H kept


def test_two_data_sheets_are_read_into_one_table_with_their_rows_and_names():
    september = ("Tháng 9", TITLE + [HEADER, ["insurance_coverage", "66", "2026-09", 94.5, None, None]])
    october = ("Tháng 10", [HEADER, ["insurance_coverage", "66", "2026-10", 94.7, None, None],
                            ["life_expectancy", "66", "2025", 74.1, None, None]])
    content = workbook(INSTRUCTIONS, september, october)
    table = read_upload(content, "f.xlsx")
    assert list(table.rows) == [5, 2, 3]
    assert list(table.sheets) == ["Tháng 9", "Tháng 10", "Tháng 10"]
    assert list(table.frame["period"]) == ["2026-09", "2026-10", "2025"]
    rows = accepted(content)
    assert list(rows["row_number"]) == [5, 2, 3] and list(rows["value"]) == [94.5, 94.7, 74.1]


def test_sheets_are_matched_by_header_text_not_position():
    first = ("A", [HEADER, ["insurance_coverage", "66", "2026-09", 94.5, 900, 950]])
    second = ("B", [["period", "indicator", "area_code", "value", "note"], ["2026-10", "insurance_coverage", "66", 94.7, "ước tính"]])
    table = read_upload(workbook(first, second), "f.xlsx")
    assert list(table.frame.columns) == HEADER + ["note"]
    assert table.frame.iloc[1].tolist() == ["insurance_coverage", "66", "2026-10", "94.7", "", "", "ước tính"]


def test_a_hidden_sheet_is_not_read():
    old = ("Cũ", [HEADER, ["insurance_coverage", "66", "2026-08", 10, None, None]])
    data = ("Dữ liệu", [HEADER, ["insurance_coverage", "66", "2026-10", 94.7, None, None]])
    table = read_upload(workbook(old, data, hidden=("Cũ",)), "f.xlsx")
    assert list(table.frame["period"]) == ["2026-10"] and list(table.sheets) == ["Dữ liệu"]


def test_a_problem_in_the_cells_names_its_sheet_and_row():
    first = ("Tháng 9", [HEADER, ["insurance_coverage", "66", "2026-09", 94.5, None, None]])
    second = ("Tháng 10", TITLE + [HEADER, ["insurance_coverage", "66", "2026-10", 94.7, None, None],
                                   # how XLSX writes a control character (BEL) in a cell
                                   ["insurance_coverage", "66_x0007_", "2026-10", 94.7, None, None]])
    problems = refused(workbook(first, second))
    assert [(p.key, p.sheet, p.row, p.column) for p in problems] == [("read_control_char", "Tháng 10", 6, "area_code")]
    assert problems[0].to_json()["sheet"] == "Tháng 10"


def test_a_key_given_again_names_its_first_row_and_sheet_where_that_is_another():
    first = ("Tháng 9", [HEADER, ["insurance_coverage", "66", "2026-09", 94.5, None, None],
                         ["insurance_coverage", "66", "2026-10", 94.7, None, None]])
    second = ("Tháng 10", TITLE + [HEADER, ["insurance_coverage", "66", "2026-10", 94.7, None, None],
                                   ["insurance_coverage", "66", "2026-09", 94.5, None, None],
                                   ["insurance_coverage", "66", "2026-09", 94.5, None, None]])
    problems = refused(workbook(first, second))
    assert [(p.key, p.sheet, p.row, p.params["first"]) for p in problems] == [
        ("rule_duplicate", "Tháng 10", 5, "3 (Tháng 9)"), ("rule_duplicate", "Tháng 10", 6, "2 (Tháng 9)"),
        ("rule_duplicate", "Tháng 10", 7, "2 (Tháng 9)")]


# --- cells as Excel shows them -----------------------------------------------------------------------

def test_percent_cells_are_read_as_shown():
    data = ("Dữ liệu", [HEADER, ["insurance_coverage", "66", "2026-10", 0.947, None, None],
                        ["insurance_coverage", "66", "2026-09", 0.1 + 0.2, None, None],
                        ["insurance_coverage", "66", "2026-08", 1, None, None],
                        ["insurance_coverage", "66", "2026-07", 0.955, 184000.0, 192670],
                        ["insurance_coverage", "66", "2026-06", "94,7", None, None]])
    content = workbook(data, formats={("Dữ liệu", "D2"): "0.0%", ("Dữ liệu", "D3"): "0%", ("Dữ liệu", "D4"): "0.00%",
                                      ("Dữ liệu", "D6"): "0.0%"})  # a percent format on text changes nothing
    table = read_upload(content, "f.xlsx")
    assert list(table.frame["value"]) == ["94.7%", "30%", "100%", "0.955", "94,7"]
    assert list(table.frame["numerator"]) == ["", "", "", "184000", ""]
    rows = accepted(workbook(("Dữ liệu", data[1][:2]), formats={("Dữ liệu", "D2"): "0.0%"}))
    assert list(rows["value"]) == [94.7]


@pytest.mark.parametrize("number_format,text", [("mm/yyyy", "2026-10"), ("mmm-yy", "2026-10"), ("m/yyyy", "2026-10"),
                                                ("[$-42A]mmmm yyyy", "2026-10"), ("dd/mm/yyyy", "2026-10-15"),
                                                ("yyyy-mm-dd", "2026-10-15")])
def test_date_cells_are_read_as_shown(number_format, text):
    data = ("Dữ liệu", [HEADER, ["insurance_coverage", "66", dt.datetime(2026, 10, 15), 94.7, None, None]])
    table = read_upload(workbook(data, formats={("Dữ liệu", "C2"): number_format}), "f.xlsx")
    assert list(table.frame["period"]) == [text]


def test_a_month_cell_in_the_period_column_is_that_month():
    data = ("Dữ liệu", TITLE + [HEADER, ["insurance_coverage", "66", dt.datetime(2026, 10, 1), 94.7, None, None]])
    rows = accepted(workbook(data, formats={("Dữ liệu", "C5"): "mm/yyyy"}))
    assert list(rows["period"]) == ["2026-10"]


def test_error_cells_are_reported_as_such():
    data = ("Dữ liệu", TITLE + [HEADER, ["insurance_coverage", "66", "2026-10", 94.7, None, None],
                                ["insurance_coverage", "66", "2026-09", "#DIV/0!", 0, 0],
                                ["life_expectancy", "66", "2025", "#N/A", None, None]])
    content = workbook(data)
    with zipfile.ZipFile(io.BytesIO(content)) as z:  # as Excel writes them: t="e"
        assert b'<c r="D6" t="e"><v>#DIV/0!</v></c>' in z.read("xl/worksheets/sheet1.xml")
    table = read_upload(content, "f.xlsx")
    assert list(table.frame["value"]) == ["94.7", "#DIV/0!", "#N/A"]
    problems = refused(content)
    assert [(p.row, p.column, p.value) for p in problems if p.column == "value"] == [(6, "value", "#DIV/0!"), (7, "value", "#N/A")]


def test_invisible_characters_around_codes_and_headers_are_removed():
    data = ("Dữ liệu", [["\ufeffindicator", "area_code\u00a0", "period", "value"],
                        ["insurance_coverage\u200b", "\u200b66\u00a0", "\u202f2026-10", "94.7\u00a0"],
                        ["\u00a0", "\u200b", "", ""]])
    table = read_upload(workbook(data), "f.xlsx")
    assert list(table.frame.columns) == HEADER[:4]
    assert table.frame.iloc[0].tolist() == ["insurance_coverage", "66", "2026-10", "94.7"] and len(table.frame) == 1
    rows = accepted(workbook(data))
    assert list(rows["area_code"]) == ["66"] and list(rows["value"]) == [94.7]


# --- CSV as Excel saves it ---------------------------------------------------------------------------

def test_csv_with_title_lines_and_trailing_semicolons_in_windows_1258():
    text = ("BÁO CÁO CHỈ TIÊU NGHỊ QUYẾT 72;;;;;;\r\n"    # padded by Excel to the field count
            "Sở Y tế Đắk Lắk\r\n"                          # or not
            ";;;;;;\r\n"
            "Chỉ tiêu;Mã ĐVHC;Kỳ;Giá trị;Tử số;Mẫu số;\r\n"
            "insurance_coverage;66;2026-10;94,7;;;\r\n"
            "insurance_coverage;\u00a066\u00ad;2026-09;94,5;;;\r\n"  # NBSP, soft hyphen
            ";;;;;;\r\n")
    content = to_cp1258(text)
    table = read_upload(content, "f.csv")
    assert (table.encoding, table.delimiter, table.sheets) == ("cp1258", ";", None)
    assert list(table.frame.columns) == ["Chỉ tiêu", "Mã ĐVHC", "Kỳ", "Giá trị", "Tử số", "Mẫu số"]
    assert list(table.rows) == [5, 6] and list(table.frame["Mã ĐVHC"]) == ["66", "66"]
    rows = accepted(content, "f.csv")
    assert list(rows["value"]) == [94.7, 94.5] and list(rows["row_number"]) == [5, 6]
    # A column with cells but no header is still refused.
    problems = refused(to_cp1258(text.replace("94,5;;;", "94,5;;;x")), "f.csv")
    assert [(p.key, p.column) for p in problems] == [("header_unknown", "")]


def test_csv_error_rows_keep_their_line_numbers_below_a_title():
    content = "Báo cáo tháng 10\r\nindicator,area_code,period,value\r\ninsurance_coverage,66,2026-10,94.7\r\nnope,66,2026-10,1\r\n"
    problems = refused(content.encode(), "f.csv")
    assert {p.row for p in problems} == {4}


# --- hostile workbooks: every sheet that is read is measured ------------------------------------------

def test_a_workbook_whose_second_sheet_reaches_the_far_corner_is_refused():
    wb = openpyxl.Workbook()
    wb.active.title = "Dữ liệu"
    for row in [HEADER, ["insurance_coverage", "66", "2026-10", 94.7, None, None]]:
        wb.active.append(row)
    far = wb.create_sheet("Ghi chú")
    far.append(HEADER)
    far["XFD1048576"] = "x"
    buf = io.BytesIO()
    wb.save(buf)
    with pytest.raises(UploadError) as refusal:
        read_upload(buf.getvalue(), "f.xlsx")
    problem = refusal.value.problems[0]
    assert problem.key == "read_sheet_range" and "'Ghi chú'" in problem.message_en and "XFD1048576" in problem.message_en


def test_the_cell_budget_is_for_the_whole_workbook(monkeypatch):
    rows = [HEADER] + [["insurance_coverage", "66", "2026-10", 94.7, 1, 1]] * 99
    content = workbook(("A", rows), ("B", rows))
    monkeypatch.setattr(xlsx, "MAX_CELLS", 1000)  # each sheet spans 600 cells
    with zipfile.ZipFile(io.BytesIO(content)) as z, pytest.raises(UploadError) as refusal:
        xlsx.check_workbook(z, 50)
    assert refusal.value.problems[0].key == "read_workbook_too_big"
    assert "1200 cells" in refusal.value.problems[0].message_en


def test_the_streamed_pass_finds_the_special_cells_as_the_exact_one_does():
    data = ("S", [HEADER, ["insurance_coverage", "66", dt.datetime(2026, 10, 1), 0.947, "#DIV/0!", None],
                  ["insurance_coverage", "66", "2026-10", 0.5, None, None]])
    content = workbook(data, formats={("S", "C2"): "mm/yyyy", ("S", "D2"): "0.0%", ("S", "D3"): "0.0%"})
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        styles = xlsx.read_styles(z)
        with z.open("xl/worksheets/sheet1.xml") as xml:
            fast = xlsx._measure_fast(xml, "S", styles)
        with z.open("xl/worksheets/sheet1.xml") as xml:
            exact = xlsx._measure_exact(xml, "S", styles)
    assert fast == exact
    assert fast.special == {(1, 2): ("month", ""), (1, 3): ("percent", ""), (1, 4): ("error", "#DIV/0!"),
                            (2, 3): ("percent", "")}


@pytest.mark.parametrize("code,kind", [("0.0%", "percent"), ("0%", "percent"), ("#,##0.00 %;[Red]-#,##0.00 %", "percent"),
                                       ('0.0 "%"', None), ("0.0\\%", None), ("mm/yyyy", "month"), ("mmm-yy", "month"),
                                       ("[$-42A]mmmm yyyy", "month"), ("dd/mm/yyyy", "date"), ("d/m/yyyy h:mm", "date"),
                                       ("h:mm", None), ("[h]:mm:ss", None), ("General", None), ("#,##0", None),
                                       ('#,##0 "đồng/ngày"', None), ("@", None)])
def test_number_formats(code, kind):
    assert xlsx.format_kind(code) == kind
