"""CSV as Excel really writes it, Excel files, and files that are broken or hostile."""
import io
import zipfile

import pytest

from pipelines.ingest import check_upload
from tests.conftest import HEADER, TODAY, csv_bytes, xlsx_bytes

ROWS = [HEADER, ["insurance_coverage", "66", "2025-12", "94.7"], ["life_expectancy", "01", "2024", "76.1"]]


def ok(content, name="f.csv", **kw):
    rows, problems, _ = check_upload(content, name, today=TODAY, **kw)
    assert problems == [], [p.message_en for p in problems]
    return rows


def rejected(content, name="f.csv", **kw):
    rows, problems, total = check_upload(content, name, today=TODAY, **kw)
    assert rows is None and problems
    return problems


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1258"])
def test_encodings(encoding):
    rows = [HEADER + ["note"], ["insurance_coverage", "66", "2025-12", "94.7", "Ước tính của Sở Y tế Đắk Lắk"]]
    got = ok(csv_bytes(rows, encoding=encoding))
    assert got["note"][0] == "Ước tính của Sở Y tế Đắk Lắk"   # composed (NFC) even from cp1258


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_delimiters(delimiter):
    assert len(ok(csv_bytes(ROWS, delimiter=delimiter))) == 2


@pytest.mark.parametrize("raw,value", [("94,7", 94.7), ("94.7 %", 94.7), ("94,7%", 94.7), (" 95 ", 95.0),
                                       ("1.234,5", 1234.5), ("1,234.5", 1234.5)])
def test_numbers_as_typed(raw, value):
    rows = [HEADER + ["numerator", "denominator"],
            ["insurance_coverage", "66", "2025-12", raw if value <= 100 else "50", raw if value > 100 else "", ""]]
    got = ok(csv_bytes(rows, delimiter=";"))
    assert got["value"][0] == pytest.approx(value if value <= 100 else 50)
    if value > 100:
        assert got["numerator"][0] == pytest.approx(value)


def test_vietnamese_headers_and_names():
    rows = [["chi_tieu", "ten_dvhc", "ky", "gia_tri", "ghi_chu"],
            ["insurance_coverage", "Đắk Lắk", "2025-12", "94,7", ""],
            ["insurance_coverage", "TP. Hồ Chí Minh", "Q4/2025", "96,1", ""]]
    got = ok(csv_bytes(rows, delimiter=";"))
    assert list(got["area_code"]) == ["66", "79"] and list(got["period"]) == ["2025-12", "2025-Q4"]


def test_header_with_diacritics_and_spaces():
    rows = [["Chỉ tiêu", "Mã ĐVHC", "Kỳ", "Giá trị"], ["insurance_coverage", "1", "2025", "95"]]
    got = ok(csv_bytes(rows))
    assert got["area_code"][0] == "01"


def test_xlsx_with_numbers_and_text_codes():
    content = xlsx_bytes([HEADER, ["insurance_coverage", "01", "2025-12", 94.7], ["life_expectancy", 1, 2024, 76.1],
                          [None, None, None, None]])
    got = ok(content, "f.xlsx")
    assert list(got["area_code"]) == ["01", "01"] and list(got["period"]) == ["2025-12", "2024"]
    assert list(got["value"]) == [94.7, 76.1]


def test_xlsx_rows_are_numbered_like_the_sheet():
    content = xlsx_bytes([HEADER, ["insurance_coverage", "01", "2025-12", 94.7], ["insurance_coverage", "01", "2025-11", 120]])
    problems = rejected(content, "f.xlsx")
    assert [(p.row, p.column) for p in problems] == [(3, "value")]


@pytest.mark.parametrize("content,needle", [
    (b"", "empty"), (b"   \n\n", "empty"),
    (b"indicator,area_code,period,value\r\n", "no data rows"),
    (b"\x00\x01\x02\xff\xfe\x00binary" * 100, "binary"),
    (bytes(range(256)) * 50, "binary"),
    (b"indicator,area_code,value\ninsurance_coverage,66,95\n", "Missing required column 'period'"),
    (b"indicator,period,value\ninsurance_coverage,2025,95\n", "area_code"),
    (b"indicator,area_code,period,value,colour\ninsurance_coverage,66,2025,95,red\n", "Column 'colour'"),
    (b"indicator,area_code,period,value\ninsurance_coverage,66,2025,95,9,9\n", "Row 2 has"),
    (b"PK\x03\x04 definitely not a zip", "damaged"),
    (b"a" * 10000 + b"\n1\n", "header line is too long"),
    (b",".join([b"c%d" % i for i in range(200)]) + b"\n" + b"1," * 199 + b"1\n", "200 columns"),
])
def test_broken_files_get_one_clear_reason(content, needle):
    problems = rejected(content)
    assert any(needle in p.message_en for p in problems), [p.message_en for p in problems]
    assert all(p.message_vi for p in problems)


def test_zip_bomb_refused_before_inflating():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (300 * 1024 * 1024))
    problems = rejected(buf.getvalue(), "bomb.xlsx")
    assert "unreasonable size" in problems[0].message_en


def test_too_large(monkeypatch):
    import dataclasses

    import pipelines.read as read
    tiny = dataclasses.replace(read.settings(), max_upload_mb=0.001)
    monkeypatch.setattr(read, "settings", lambda: tiny)
    problems = rejected(csv_bytes(ROWS * 50))
    assert "too large" in problems[0].message_en


def test_control_characters_are_found_as_python_finds_them():
    """The whole-file test (Arrow's regex engine) agrees with the CONTROL pattern in Python's, for
    every character around the control ranges, astral ones and a lone surrogate, on text and on
    its UTF-8 bytes."""
    import random

    from pipelines.read import _CONTROL, has_control

    rng = random.Random(15)
    alphabet = [chr(c) for c in range(0x250)] + ["\u2028", "\U0001f600", "Đ", "\ud800"]
    for _ in range(5000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 5)))
        assert has_control(text) == (_CONTROL.search(text) is not None), repr(text)
        if "\ud800" not in text:  # the same, searched in the UTF-8 bytes where they lie
            assert has_control(memoryview(text.encode())[0:]) == (_CONTROL.search(text) is not None), repr(text)
