"""A large CSV checked in parts at once (pipelines.parts) gives exactly what a whole check gives:
the same rows, and for a file that does not pass, the same problems (it is checked whole)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from data import geography
from indicators.catalogue import catalogue
from pipelines import parts
from pipelines.ingest import check_upload
from pipelines.store import Store
from pipelines.submit import submit
from tests.conftest import OPERATOR, TODAY, csv_bytes


@pytest.fixture(autouse=True)
def small_files_in_parts(monkeypatch):
    monkeypatch.setattr(parts, "MIN_BYTES", 0)  # the test files are small; the rules are the same
    monkeypatch.setattr(parts, "PART_BYTES", 1)


def _commune_rows(communes: int = 400, months: tuple[str, ...] = ("2026-08", "2026-09", "2026-10")) -> list[list]:
    codes = geography.communes()["code"].to_numpy()[:communes]
    inds = [i for i in catalogue().indicators if "commune" in i.area_levels and "month" in i.periods]
    rng = np.random.default_rng(7)
    rows = []
    for ind in inds:
        for month in months:
            for code in codes:
                if ind.unit == "%":
                    den = int(rng.integers(200, 5000))
                    num = int(den * rng.uniform(0.2, 0.99))
                    rows.append([ind.code, code, month, f"{num / den * 100:.2f}", num, den])
                else:
                    rows.append([ind.code, code, month, int(rng.integers(0, 8)), "", ""])
    return rows


HEADER = ["indicator", "area_code", "period", "value", "numerator", "denominator"]


def _whole(content: bytes, **kw):
    return check_upload(content, "f.csv", today=TODAY, **kw)


def test_a_file_checked_in_parts_gives_the_rows_a_whole_check_gives():
    # As an office saves it: a title line above the header, CRLF line ends.
    content = "Báo cáo chỉ tiêu tháng 10/2026;;;;;\r\n".encode() + csv_bytes([HEADER, *_commune_rows()], delimiter=";")
    in_parts = parts.check_in_parts(content, "f.csv", None, TODAY, 3)
    whole, problems, _ = _whole(content)
    assert in_parts is not None and not problems
    pd.testing.assert_frame_equal(in_parts, whole)
    assert in_parts["row_number"].iloc[[0, -1]].tolist() == [3, len(whole) + 2]  # title, header, then the rows


@pytest.mark.parametrize("shape", ["bom and Vietnamese headings", "blank lines"])
def test_office_shapes_checked_in_parts_give_the_rows_a_whole_check_gives(shape):
    rows = _commune_rows()
    if shape == "blank lines":  # a blank line after every 97th record and two at the end: rows without a record
        lines = csv_bytes([HEADER, *rows]).split(b"\r\n")
        content = b"\r\n".join(line + (b"\r\n" if i % 97 == 96 else b"") for i, line in enumerate(lines)) + b"\r\n"
    else:
        content = b"\xef\xbb\xbf" + csv_bytes([["Chỉ tiêu", "Mã ĐVHC", "Kỳ báo cáo", "Giá trị", "Tử số", "Mẫu số"],
                                                  *rows])
    in_parts = parts.check_in_parts(content, "f.csv", None, TODAY, 3)
    whole, problems, _ = _whole(content)
    assert in_parts is not None and not problems
    pd.testing.assert_frame_equal(in_parts, whole)


def test_a_wide_file_checked_in_parts_gives_the_rows_a_whole_check_gives():
    codes = geography.communes()["code"].to_numpy()[:3000]
    inds = [i.code for i in catalogue().indicators if "commune" in i.area_levels and "month" in i.periods
            and catalogue()[i.code].unit != "%"]
    rows = [["area_code", "period", *inds]] + [[c, "2026-10", *[str(n % 7) for n in range(len(inds))]] for c in codes]
    content = csv_bytes(rows)
    in_parts = parts.check_in_parts(content, "f.csv", None, TODAY, 2)
    whole, problems, _ = _whole(content)
    assert in_parts is not None and not problems
    pd.testing.assert_frame_equal(in_parts, whole)


def test_a_wide_files_indicators_keep_the_order_of_its_columns():
    codes = geography.communes()["code"].to_numpy()[:2000]
    rows = [["area_code", "period", "immunization_coverage", "doctors_per_station"]] + [
        [c, "2026-10", "96.5", str(i % 7)] for i, c in enumerate(codes)]
    content = csv_bytes(rows)
    whole = _whole(content)[0]
    assert list(whole["indicator"].cat.categories) == ["immunization_coverage", "doctors_per_station"]
    pd.testing.assert_frame_equal(parts.check_in_parts(content, "f.csv", None, TODAY, 2), whole)


def test_a_part_whose_reader_finds_its_header_elsewhere_is_checked_whole(monkeypatch):
    # Should the cut's guess at the header line ever differ from the reader's (it reads only the
    # file's head, undecoded), a later part could take a pasted export's header for its own and
    # the lines above it for a title. Each part's reader says where it found its header.
    from pipelines import read

    codes = geography.communes()["code"].to_numpy()[:1200]
    head = "indicator,area_code,period,value"
    data = [f"doctors_per_station,{code},2026-10,{i % 9}" for i, code in enumerate(codes)]
    data.insert(len(data) // 2 + 3, head)  # an export pasted below another, its header included
    content = ("Báo cáo tháng 10,,,\n" + head + "\n" + "\n".join(data) + "\n").encode()
    monkeypatch.setattr(read, "find_csv_header", lambda text: (0, 0, ","))  # the guess: line 1, the title
    assert parts.check_in_parts(content, "f.csv", None, TODAY, 2) is None
    monkeypatch.undo()
    assert _whole(content, parts=2) == _whole(content)
    assert _whole(content)[0] is None  # the pasted header is a row of problems


def test_a_file_over_the_upload_limit_is_not_checked_in_parts(monkeypatch):
    monkeypatch.setenv("NQ72_MAX_UPLOAD_MB", "0.001")
    content = csv_bytes([HEADER, *_commune_rows(communes=20)])
    assert parts.check_in_parts(content, "f.csv", None, TODAY, 2) is None
    assert [p.key for p in _whole(content, parts=2)[1]] == ["read_too_big"]


def test_a_problem_in_a_later_part_is_reported_as_a_whole_check_reports_it():
    rows = _commune_rows()
    rows[-5][3] = "chín mươi"
    content = csv_bytes([HEADER, *rows])
    assert parts.check_in_parts(content, "f.csv", None, TODAY, 2) is None
    assert _whole(content, parts=2) == _whole(content)
    _, problems, total = _whole(content, parts=2)
    assert total == 1 and problems[0].row == len(rows) - 3 and problems[0].column == "value"


def test_a_key_given_in_two_parts_is_a_repeated_key_with_its_first_row():
    rows = _commune_rows()
    rows[-1] = list(rows[0])  # the same indicator, commune and month as the first row, in the last part
    content = csv_bytes([HEADER, *rows])
    assert parts.check_in_parts(content, "f.csv", None, TODAY, 2) is None
    _, problems, _ = _whole(content, parts=2)
    assert [(p.key, p.row, p.params.get("first")) for p in problems] == [("rule_duplicate", len(rows) + 1, 2)]


def test_a_windows_1258_file_is_checked_whole():
    content = csv_bytes([["Chỉ tiêu", "Mã ĐVHC", "Kỳ báo cáo", "Giá trị", "Tử số", "Mẫu số"], *_commune_rows()],
                        delimiter=";", encoding="cp1258")
    assert parts.check_in_parts(content, "f.csv", None, TODAY, 2) is None
    whole, problems, _ = _whole(content)
    assert not problems
    pd.testing.assert_frame_equal(_whole(content, parts=2)[0], whole)


@pytest.mark.parametrize("content", [
    b'indicator,area_code,period,value\n"immunization_coverage",01,2026-10,97.2\n' * 3,  # a quote may hold a line end
    b"indicator,area_code,period,value\rimmunization_coverage,01,2026-10,97.2\r" * 3,    # lines ended by CR alone
    b"\xff\xfei\x00n\x00d\x00\n\x00" * 3,                                                   # UTF-16
    b"PK\x03\x04" + b"\n" * 10,                                                             # a workbook
    b"indicator,area_code,period,value",                                                   # a header, no line after it
])
def test_files_that_could_be_cut_inside_a_cell_are_not_cut(content):
    assert parts.cut(content, 2) is None


def test_the_parts_hold_every_line_once_each_after_the_files_header():
    content = b"Title;;;\r\nindicator;area_code;period;value\r\n" + b"".join(
        f"immunization_coverage;{i:05d};2026-10;9{i % 10}\r\n".encode() for i in range(1000))
    header_row, pieces = parts.cut(content, 3)
    assert header_row == 2 and len(pieces) == 3
    prefix = b"Title;;;\r\nindicator;area_code;period;value\r\n"
    bodies = []
    for chunks, offset in pieces:
        whole = b"".join(bytes(c) for c in chunks)
        assert whole.startswith(prefix)
        assert offset == b"".join(bodies).count(b"\n")  # the rows before it
        bodies.append(whole[len(prefix):])
    assert prefix + b"".join(bodies) == content


def test_no_part_is_smaller_than_part_bytes(monkeypatch):
    content = b"indicator,area_code,period,value\n" + b"immunization_coverage,01,2026-10,97.2\n" * 1000
    monkeypatch.setattr(parts, "PART_BYTES", len(content) // 3)
    assert len(parts.cut(content, 64)[1]) == 3


def test_a_file_loaded_in_parts_stores_what_a_whole_load_stores(tmp_path):
    content = csv_bytes([HEADER, *_commune_rows(communes=300)])
    stored = []
    for n in (1, 2):
        target = Store.at(tmp_path / f"p{n}.duckdb")
        report = submit(target, content, "f.csv", OPERATOR, today=TODAY, start_quality=False, parts=n)
        assert report.status == "accepted"
        with target.reading() as conn:
            stored.append(conn.execute("select row_number, indicator, area_code, period, granularity, value, numerator,"
                                       " denominator, note from indicator_values order by row_number").fetchall())
    assert stored[0] == stored[1] and len(stored[0]) == report.rows


def test_workers_started_together_are_each_bounded_in_time():
    import time

    from pipelines import read_worker

    readings = read_worker.run_all(time.sleep, [(0,), (60,)], seconds=3, memory_mb=512)
    assert readings[0].problems is None and readings[0].value is None
    assert [p.key for p in readings[1].problems] == ["read_timeout"]
    assert readings[1].problems[0].params["seconds"] == 3  # the limit, not what was left of it
