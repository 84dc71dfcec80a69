"""Every rejection rule: the spreadsheet row, the column, the offending value, a reason in vi and en."""
import pytest

from data import geography
from pipelines.ingest import check_upload
from tests.conftest import TODAY, csv_bytes

HEAD = ["indicator", "area_code", "area_name", "period", "value", "numerator", "denominator"]


def problems_of(*rows, scope=None):
    _, problems, _ = check_upload(csv_bytes([HEAD, *rows]), "f.csv", scope_province=scope, today=TODAY)
    return [(p.row, p.column, p.value, p.message_en) for p in problems]


def only(*rows, scope=None):
    found = problems_of(*rows, scope=scope)
    assert len(found) == 1, found
    return found[0]


GOOD = ["insurance_coverage", "66", "", "2025-12", "94.7", "", ""]


def test_good_row_passes():
    assert problems_of(GOOD) == []


@pytest.mark.parametrize("row,column,value,needle", [
    (["vaccines", "66", "", "2025-12", "94", "", ""], "indicator", "vaccines", "Unknown indicator"),
    (["", "66", "", "2025-12", "94", "", ""], "indicator", "", "Missing indicator"),
    (["insurance_coverage", "99", "", "2025-12", "94", "", ""], "area_code", "99", "Unknown area code"),
    (["insurance_coverage", "27", "", "2025-12", "94", "", ""], "area_code", "27", "now part of Bắc Ninh (24)"),
    (["insurance_coverage", "", "", "2025-12", "94", "", ""], "area_code", "", "Missing area code"),
    (["insurance_coverage", "", "Atlantis", "2025-12", "94", "", ""], "area_name", "Atlantis", "No area named"),
    (["insurance_coverage", "", "Yên Bái", "2025-12", "94", "", ""], "area_name", "Yên Bái", "now part of Lào Cai (15)"),
    (["insurance_coverage", "", "Xã Tân Tiến", "2025-12", "94", "", ""], "area_name", "Xã Tân Tiến", "matches several"),
    (["insurance_coverage", "66", "Hà Nội", "2025-12", "94", "", ""], "area_name", "Hà Nội", "does not match code '66'"),
    (["insurance_coverage", "66", "Atlantis", "2025-12", "94", "", ""], "area_name", "Atlantis", "does not match code '66'"),
    (["insurance_coverage", "66", "", "2025-13", "94", "", ""], "period", "2025-13", "not valid"),
    (["insurance_coverage", "66", "", "", "94", "", ""], "period", "", "Missing period"),
    (["insurance_coverage", "66", "", "2026-12", "94", "", ""], "period", "2026-12", "has not started"),
    (["life_expectancy", "66", "", "2025-Q1", "74", "", ""], "period", "2025-Q1", "not reported by quarter"),
    (["annual_checkup_coverage", "66", "", "2025-03", "20", "", ""], "period", "2025-03", "not reported by month"),
    (["life_expectancy", "10729", "", "2025", "74", "", ""], "area_code", "10729", "not reported for a commune"),
    (["insurance_coverage", "66", "", "2025-12", "n/a", "", ""], "value", "n/a", "not a number"),
    (["insurance_coverage", "66", "", "2025-12", "120", "", ""], "value", "120", "outside the plausible range 0–100"),
    (["life_expectancy", "66", "", "2025", "7.48", "", ""], "value", "7.48", "outside the plausible range 40–95"),
    (["commune_insured_visit_share", "66", "", "2025-12", "30", "x", "100"], "numerator", "x", "not a number"),
    (["commune_insured_visit_share", "66", "", "2025-12", "30", "300", "100"], "numerator", "300", "greater than denominator"),
    (["commune_insured_visit_share", "66", "", "2025-12", "25", "30", "100"], "value", "25", "does not match"),
    (["commune_insured_visit_share", "66", "", "2025-12", "0", "0", "0"], "denominator", "0", "denominator > 0"),
])
def test_each_rule(row, column, value, needle):
    r, col, val, message = only(row)
    assert (r, col, val) == (2, column, value)
    assert needle in message


def test_ratio_within_rounding_passes():
    assert problems_of(["commune_insured_visit_share", "66", "", "2025-12", "33.3", "1", "3"]) == []
    assert problems_of(["commune_insured_visit_share", "66", "", "2025-12", "33,33", "1", "3"]) == []


def test_duplicates_name_the_first_row():
    found = problems_of(GOOD, ["life_expectancy", "66", "", "2024", "74", "", ""],
                        ["insurance_coverage", "66", "", "12/2025", "95.0", "", ""])
    assert found == [(4, "period", "12/2025", "Same indicator, area and period as row 2.")]


def test_name_and_code_resolve_to_same_key_is_duplicate():
    found = problems_of(GOOD, ["insurance_coverage", "", "Dak Lak", "2025-12", "94.7", "", ""])
    assert [(r, c) for r, c, *_ in found] == [(3, "period")]


def test_scope_limits_uploader_to_own_province():
    row, col, value, message = only(["insurance_coverage", "01", "", "2025-12", "95", "", ""], scope="66")
    assert (row, col, value) == (2, "area_code", "01") and "outside Đắk Lắk (66)" in message
    commune_elsewhere = ["doctors_per_station", "10729", "", "2025-Q4", "3", "", ""]
    assert only(commune_elsewhere, scope="66")[1] == "area_code"
    own_commune = geography.communes().query("province_code == '66'")["code"].iloc[0]
    assert problems_of(["doctors_per_station", own_commune, "", "2025-Q4", "3", "", ""], scope="66") == []
    assert problems_of(GOOD, scope="66") == []


def test_every_problem_reported_at_once_and_sorted():
    found = problems_of(["x", "99", "", "2025-99", "abc", "", ""], GOOD, ["insurance_coverage", "66", "", "2025-11", "101", "", ""])
    assert [(r, c) for r, c, *_ in found] == [(2, "indicator"), (2, "area_code"), (2, "period"), (2, "value"), (4, "value")]


def test_messages_are_bilingual():
    _, problems, _ = check_upload(csv_bytes([HEAD, ["insurance_coverage", "66", "", "2025-12", "120", "", ""]]),
                                  "f.csv", today=TODAY)
    assert "ngoài khoảng hợp lý" in problems[0].message_vi and "plausible range" in problems[0].message_en


def test_problem_list_is_capped_but_counted():
    rows = [["insurance_coverage", "66", "", f"{y}-{m:02d}", "500", "", ""] for y in range(1990, 2026) for m in range(1, 13)]
    rows += [["immunization_coverage", "66", "", f"{y}-{m:02d}", "500", "", ""] for y in range(1990, 2026) for m in range(1, 13)]
    rows += [["ehealth_book_coverage", "66", "", f"{y}-{m:02d}", "500", "", ""] for y in range(1990, 2026) for m in range(1, 13)]
    _, problems, total = check_upload(csv_bytes([HEAD, *rows]), "f.csv", today=TODAY)
    assert len(problems) == 1000 and total == len(rows)


def test_a_row_with_a_note_but_no_value_is_missing_its_value():
    """A blank template row is skipped; a row that says something but gives no value is an error."""
    _, problems, _ = check_upload(csv_bytes([HEAD + ["note"], GOOD + [""],
                                             ["ehealth_book_coverage", "66", "", "2025-12", "", "", "", "chưa có số liệu"]]),
                                  "f.csv", today=TODAY)
    assert [(p.row, p.column, p.message_en) for p in problems] == [(3, "value", "Missing value.")]
