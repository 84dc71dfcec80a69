"""Cells as offices write them (issue 13): percent cells, Vietnamese thousands separators, invisible
characters, Excel error cells, dates in the period column, commune names found in several
provinces, workbooks with several sheets. Files are built the way Excel and its users make them."""
from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest

from pipelines.ingest import check_upload
from tests.conftest import TODAY, csv_bytes, current, to_cp1258

VI_HEADER = ["chi_tieu", "ma_dvhc", "ky", "gia_tri", "tu_so", "mau_so"]


def check(content: bytes, name: str = "f.csv", **kw):
    return check_upload(content, name, today=TODAY, **kw)


def cp1258(rows: list[list[object]]) -> bytes:
    """A CSV as Excel saves it on a Vietnamese Windows: Windows-1258, ';' between cells."""
    return csv_bytes(rows, delimiter=";", encoding="cp1258")


def workbook(*sheets: tuple[str, list[list[object]]], formats: dict[tuple[str, str], str] | None = None) -> bytes:
    """An .xlsx with the given sheets (name, rows); `formats` maps (sheet, cell) to a number format."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets:
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    for (name, cell), fmt in (formats or {}).items():
        book[name][cell].number_format = fmt
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def test_a_fraction_for_a_percent_indicator_is_refused_naming_the_percent():
    rows, problems, _ = check(cp1258([VI_HEADER, ["insurance_coverage", "66", "2026-10", "0,947", "", ""]]))
    assert rows is None
    [p] = problems
    assert (p.row, p.column, p.value) == (2, "value", "0,947")
    assert "0,947 — có phải 94,7 %?" in p.message_vi and "định dạng ô là %" in p.message_vi
    assert "did you mean 94.7%?" in p.message_en
    # A percentage that really is that small says so with its sign.
    rows, problems, _ = check(cp1258([VI_HEADER, ["ehealth_book_coverage", "66", "2026-10", "0,3 %", "", ""]]))
    assert not problems and rows["value"].tolist() == [0.3]


def test_a_small_percent_confirmed_by_numerator_and_denominator_is_kept(ingest, conn):
    report = ingest(cp1258([VI_HEADER, ["insurance_coverage", "66", "2026-10", "0,947", "947", "100.000"]]))
    assert report.status == "accepted", [p.message_en for p in report.problems]
    assert current(conn) == [("insurance_coverage", "66", "2026-10", 0.947, 947.0, 100000.0)]


def test_a_percent_formatted_cell_is_stored_times_100(ingest, conn):
    content = workbook(("Số liệu", [["indicator", "area_code", "period", "value"],
                                    ["insurance_coverage", "66", "2026-10", 0.947],
                                    ["immunization_coverage", "66", "2026-10", "96,5 %"]]),
                       formats={("Số liệu", "D2"): "0.0%"})
    report = ingest(content, "f.xlsx")
    assert report.status == "accepted", [p.message_en for p in report.problems]
    assert [r[3] for r in current(conn)] == [96.5, pytest.approx(94.7)]


def test_vietnamese_thousands_separators_are_thousands(ingest, conn):
    content = cp1258([VI_HEADER, ["insurance_coverage", "66", "2026-10", "18,4", "184.000", "1.000.000"],
                      ["insurance_coverage", "01", "2026-10", "92,5", "925.000", "1.000.000"]])
    report = ingest(content)
    assert report.status == "accepted", [p.message_en for p in report.problems]
    assert current(conn) == [("insurance_coverage", "01", "2026-10", 92.5, 925000.0, 1000000.0),
                             ("insurance_coverage", "66", "2026-10", 18.4, 184000.0, 1000000.0)]


def test_spaces_and_invisible_characters_around_codes_and_numbers(ingest, conn):
    # NBSP and narrow NBSP between thousands, a zero-width space pasted before a code, NBSP around a value.
    content = csv_bytes([["indicator", "area_code", "period", "value", "numerator", "denominator"],
                         ["insurance_coverage", "\u200b66\u00a0", "2026-10", "\u00a018,4", "184\u00a0000", "1\u202f000\u202f000"]],
                        encoding="utf-8-sig")
    report = ingest(content)
    assert report.status == "accepted", [p.message_en for p in report.problems]
    assert current(conn) == [("insurance_coverage", "66", "2026-10", 18.4, 184000.0, 1000000.0)]


def test_a_workbook_number_cell_keeps_its_decimals():
    # Python writes a number cell of 2.345 as '2.345': in a workbook that is the number, not 2,345.
    content = workbook(("Sheet1", [["indicator", "area_code", "period", "value"],
                                   ["doctors_per_station", "66", "2026-Q3", 2.345]]))
    rows, problems, _ = check(content, "f.xlsx")
    assert not problems and rows["value"].tolist() == [2.345]


def test_excel_error_cells_are_named_as_such():
    content = workbook(("Sheet1", [["indicator", "area_code", "period", "value", "numerator", "denominator"],
                                   ["insurance_coverage", "66", "2026-10", "#DIV/0!", 5, 0],
                                   ["insurance_coverage", "01", "2026-10", 95, "#N/A", 100]]))
    _, problems, _ = check(content, "f.xlsx")
    found = [(p.row, p.column, p.value) for p in problems if p.key == "rule_excel_error"]
    assert found == [(2, "value", "#DIV/0!"), (3, "numerator", "#N/A")]
    assert problems[0].message_vi == ("Ô lỗi của Excel (#DIV/0!): công thức không tính được; "
                                      "hãy sửa công thức hoặc để trống ô.")
    assert "Excel error cell (#N/A)" in problems[-1].message_en


def test_a_commune_name_in_several_provinces_lists_the_candidates():
    content = cp1258([["chi_tieu", "ten_dvhc", "ky", "gia_tri"], ["doctors_per_station", "Xã Tân Tiến", "2026-Q3", "3"]])
    rows, problems, _ = check(content)
    assert rows is None
    [p] = problems
    assert p.column == "area_name" and p.value == "Xã Tân Tiến"
    for code, province in [("24526", "Đắk Lắk"), ("32188", "Cà Mau"), ("01051", "Tuyên Quang")]:
        assert f"{code} Xã Tân Tiến ({province})" in p.message_vi
    assert "Phường" not in p.message_vi      # Phường Tân Tiến (Bắc Ninh) is another kind of commune
    assert "province" in p.message_en


def test_a_commune_name_is_resolved_by_the_uploaders_province_or_a_province_column():
    by_scope, problems, _ = check(cp1258([["chi_tieu", "ten_dvhc", "ky", "gia_tri"],
                                          ["doctors_per_station", "Xã Tân Tiến", "2026-Q3", "3"]]), scope_province="66")
    assert not problems and by_scope["area_code"].tolist() == ["24526"]
    content = cp1258([["chi_tieu", "ten_dvhc", "tinh", "ky", "gia_tri"],
                      ["doctors_per_station", "Xã Tân Tiến", "Đắk Lắk", "2026-Q3", "3"],
                      ["doctors_per_station", "Xã Tân Tiến", "96", "2026-Q3", "2"],
                      ["doctors_per_station", "Xã Tân Tiến", "Cà Mau", "2026-Q2", "2"]])
    by_column, problems, _ = check(content)
    assert not problems and by_column["area_code"].tolist() == ["24526", "32188", "32188"]


def test_a_wrong_province_column_is_reported_once():
    content = cp1258([["chi_tieu", "ten_dvhc", "tinh", "ky", "gia_tri"],
                      ["doctors_per_station", "Xã Tân Tiến", "Atlantis", "2026-Q3", "3"],
                      ["doctors_per_station", "Xã Tân Tiến", "Hà Nội", "2026-Q3", "3"]])
    _, problems, _ = check(content)
    assert [(p.row, p.column, p.key) for p in problems] == [(2, "province", "rule_unknown_province"),
                                                            (3, "area_name", "rule_name_not_in_province")]
    assert "Hà Nội" in problems[1].message_vi and "24526" in problems[1].message_vi


def test_dates_in_the_period_column_are_their_month(ingest, conn):
    # A date cell formatted mm/yyyy (read as '2026-10'), a full date, and a date typed day first in a CSV.
    book = workbook(("Sheet1", [["indicator", "area_code", "period", "value"],
                                ["insurance_coverage", "66", dt.date(2026, 10, 1), 94.7],
                                ["insurance_coverage", "01", dt.date(2026, 10, 15), 95.1]]),
                    formats={("Sheet1", "C2"): "mm/yyyy"})
    assert ingest(book, "f.xlsx").status == "accepted"
    text = cp1258([VI_HEADER, ["immunization_coverage", "66", "15/10/2026", "96,2", "", ""]])
    report = ingest(text)
    assert report.status == "accepted", [p.message_en for p in report.problems]
    assert [(r[1], r[2]) for r in current(conn)] == [("66", "2026-10"), ("01", "2026-10"), ("66", "2026-10")]


def test_problems_name_their_sheet_in_sheet_then_row_order():
    header = ["indicator", "area_code", "period", "value"]
    content = workbook(("Hướng dẫn", [["Điền số liệu vào các trang sau."]]),
                       ("Tỉnh", [["BÁO CÁO CHỈ TIÊU NQ72"], [], header,
                                 ["insurance_coverage", "66", "2026-10", 95],
                                 ["insurance_coverage", "66", "2026-09", "abc"]]),
                       ("Xã", [header, ["doctors_per_station", "99999", "2026-Q3", 3]]))
    _, problems, total = check(content, "f.xlsx")
    assert [(p.sheet, p.row, p.column) for p in problems] == [("Tỉnh", 5, "value"), ("Xã", 2, "area_code")]
    assert total == 2 and problems[0].to_json()["sheet"] == "Tỉnh"


def test_long_template_rows_left_blank_are_skipped_not_refused():
    """A partly filled long template loads: its blank rows are not reports (as empty wide cells)."""
    from pipelines.ingest import check_upload
    head = ["indicator", "ten_chi_tieu", "area_code", "area_name", "period", "value", "numerator", "denominator", "note"]
    rows = [head, ["insurance_coverage", "BHYT (%)", "66", "Đắk Lắk", "2026-10", "94,7", "", "", ""],
            ["ehealth_book_coverage", "Sổ SKĐT (%)", "66", "Đắk Lắk", "2026-10", "", "", "", ""]]
    content = to_cp1258("\n".join(";".join(r) for r in rows) + "\n")
    frame, problems, _ = check_upload(content, "mau.csv", today=dt.date(2026, 11, 30))
    assert problems == []
    assert list(frame["indicator"]) == ["insurance_coverage"] and list(frame["row_number"]) == [2]


def test_long_file_with_no_figure_at_all_is_refused_as_such():
    from pipelines.ingest import check_upload
    content = "indicator;area_code;period;value\ninsurance_coverage;66;2026-10;\n".encode("cp1258")
    _, problems, _ = check_upload(content, "trong.csv", today=dt.date(2026, 11, 30))
    assert [p.key for p in problems] == ["upload_no_values"]


def test_blank_cells_are_the_cells_clean_text_empties():
    """The whole-column test of a blank template cell agrees with clean_text cell by cell, whatever
    invisible characters and spaces the cell holds, and reads a missing cell as not blank."""
    import random

    import pandas as pd

    from pipelines import layout
    from pipelines.normalise import blank_cells

    rng = random.Random(15)
    alphabet = [*layout.INVISIBLE, " ", "\t", "\r", "\n", *layout.SPACES, "a", "1", "%", "\u3000", "\x0b", "\u2028"]
    cells = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 4))) for _ in range(5000)]
    for column in (pd.Series(cells, dtype=object), pd.Series(cells, dtype="string[pyarrow]"),
                   pd.Series([*cells, None, float("nan"), 7], dtype=object)):
        assert (blank_cells(column) == column.map(layout.clean_text).eq("").to_numpy()).all()
