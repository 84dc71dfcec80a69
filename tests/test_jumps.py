"""A warning before a jump (issue 16): each indicator's plausible step is catalogue data with its
reason; a value beyond it from the area's previous stored value holds the file until the uploader
accepts the warnings (submit, CLI, Upload page); within the step, or with no previous value, a
file loads silently."""
from __future__ import annotations

import json

import pandas as pd
import pytest
from click.testing import CliRunner

from indicators.catalogue import MONTHS, catalogue
from pipelines import store
from pipelines.cli import main
from pipelines.jumps import find_jumps
from pipelines.store import audit
from tests.conftest import HEADER, csv_bytes, current, load

SEED = csv_bytes([HEADER, ["insurance_coverage", "66", "2026-08", "97.6"],
                  ["life_expectancy", "66", "2025", "74.1"]])
SLIP = csv_bytes([HEADER, ["insurance_coverage", "66", "2026-09", "9.76"],      # 97.6 typed as 9.76
                  ["life_expectancy", "66", "2026", "74.4"]])                  # within a year's step


@pytest.mark.parametrize("ind", catalogue().indicators, ids=lambda i: i.code)
def test_every_indicator_has_a_step_with_its_reason(ind):
    assert ind.step.amount > 0 and ind.step.per in MONTHS
    assert ind.step.reason("vi") and ind.step.reason("en") and ind.step.reason("vi") != ind.step.reason("en")
    assert ind.step.amount < ind.range[1] - ind.range[0]  # a step a real change can exceed


def test_the_issues_examples_and_the_gap_rule():
    cat = catalogue()
    assert (cat["insurance_coverage"].step.amount, cat["insurance_coverage"].step.per) == (3, "month")
    assert (cat["life_expectancy"].step.amount, cat["life_expectancy"].step.per) == (1, "year")
    assert (cat["doctors_per_station"].step.amount, cat["doctors_per_station"].step.per) == (2, "quarter")
    step = cat["insurance_coverage"].step
    assert step.allowed(1) == 3 and step.allowed(6) == 18  # half a year apart: six monthly steps
    assert cat["doctors_per_station"].step.allowed(1) == 2  # never below one step


def test_jumps_pure_function():
    rows = pd.DataFrame({"indicator": ["insurance_coverage", "insurance_coverage", "annual_checkup_coverage"],
                         "area_code": ["66", "92", "66"], "period": ["2026-09", "2026-09", "2027-Q1"],
                         "value": [9.76, 95.0, 20.0], "row_number": [2, 3, 4]})
    previous = pd.DataFrame({"indicator": ["insurance_coverage", "insurance_coverage", "annual_checkup_coverage"],
                             "area_code": ["66", "92", "66"], "period": ["2026-09", "2026-09", "2027-Q1"],
                             "previous_period": ["2026-08", "2026-03", "2026-Q4"],
                             "previous_value": [97.6, 80.0, 95.0]})
    jumps = find_jumps(rows, previous, catalogue())
    # 92: 15 points over six months is within 18; check-ups start again from zero each year
    assert [(j.row, j.value, j.previous_value, j.previous_period) for j in jumps] == [(2, 9.76, 97.6, "2026-08")]
    assert "97.6" in jumps[0].message("en") and "9,76" in jumps[0].message("vi").replace("9.76", "9,76")
    assert find_jumps(rows, previous.iloc[0:0], catalogue()) == []


def test_a_jump_is_said_in_the_readers_words_and_numbers():
    rows = pd.DataFrame({"indicator": ["life_expectancy"], "area_code": ["66"], "period": ["2024"],
                         "value": [74.9], "row_number": [2]})
    previous = pd.DataFrame({"indicator": ["life_expectancy"], "area_code": ["66"], "period": ["2024"],
                             "previous_period": ["2023"], "previous_value": [73.3]})
    [jump] = find_jumps(rows, previous, catalogue())
    assert jump.message("vi").startswith("Tuổi thọ trung bình, Đắk Lắk, kỳ 2024: 74,9 so với 73,3 kỳ 2023"
                                         " (thay đổi +1,6 năm), vượt mức hợp lý 1 năm.")
    assert "(a change of +1.6 years), more than the plausible 1 years" in jump.message("en")


def _log(conn) -> list[tuple]:
    log = audit.read(conn)
    return list(zip(log["outcome"], log["detail"]))


def test_a_jump_holds_the_file_until_accepted_and_the_audit_says_so(ingest, conn):
    assert ingest(SEED, "seed.csv").status == "accepted"
    before = current(conn)
    held = ingest(SLIP, "slip.csv")
    assert (held.status, held.submission_id) == ("warnings", None) and current(conn) == before
    w = held.warnings[0]
    assert (len(held.warnings), w.row, w.column, w.value, w.previous_value, w.previous_period) == \
        (1, 2, "value", 9.76, 97.6, "2026-08")
    assert held.to_json()["warnings"][0]["previous_period"] == "2026-08"
    assert ingest(SLIP, "slip.csv", dry_run=True).status == "warnings"  # the dry run shows them too
    loaded = ingest(SLIP, "slip.csv", accept_warnings=True)
    assert loaded.status == "accepted" and len(loaded.warnings) == 1
    assert ("insurance_coverage", "66", "2026-09", 9.76, None, None) in current(conn)
    outcomes = _log(conn)
    assert ("warnings", "1 warnings; nothing loaded") in outcomes
    assert ("accepted", "2 rows; scope national; operator; 1 warnings accepted") in outcomes


def test_within_the_step_and_first_values_pass_silently(ingest):
    first = ingest(csv_bytes([HEADER, ["insurance_coverage", "66", "2026-08", "9.76"]]), "first.csv")
    assert (first.status, first.warnings) == ("accepted", [])  # no previous value: never a warning
    near = ingest(csv_bytes([HEADER, ["insurance_coverage", "66", "2026-09", "12.5"],
                             ["insurance_coverage", "66", "2026-07", "80"]]), "near.csv")  # 07: nothing before it
    assert (near.status, near.warnings) == ("accepted", [])


def test_cli_with_and_without_accept_warnings(tmp_path):
    db = tmp_path / "cli.duckdb"
    seed, slip = tmp_path / "seed.csv", tmp_path / "slip.csv"
    seed.write_bytes(SEED)
    slip.write_bytes(SLIP)

    def ingest(*args):
        return CliRunner().invoke(main, ["ingest", *map(str, args), "--db", str(db), "--json"])
    assert ingest(seed).exit_code == 0
    held = ingest(slip)
    doc = json.loads(held.output)["files"][0]
    assert held.exit_code == 1 and doc["status"] == "warnings" and doc["submission_id"] is None
    assert {"file", "status", "rows", "submission_id", "dry_run", "total_errors", "errors"} <= set(doc)
    assert [(w["row"], w["column"], w["value"], w["previous_value"], w["previous_period"]) for w in doc["warnings"]] \
        == [(2, "value", 9.76, 97.6, "2026-08")] and "more than the plausible 3 points" in doc["warnings"][0]["message_en"]
    dry = ingest(slip, "--dry-run", "--accept-warnings")
    assert dry.exit_code == 0 and json.loads(dry.output)["files"][0]["warnings"]
    text = CliRunner().invoke(main, ["ingest", str(slip), "--db", str(db), "--lang", "en"])
    assert text.exit_code == 1 and "--accept-warnings" in text.output and "2026-08" in text.output
    loaded = ingest(slip, "--accept-warnings")
    doc = json.loads(loaded.output)["files"][0]
    assert loaded.exit_code == 0 and doc["status"] == "accepted" and len(doc["warnings"]) == 1
    with store.opened(db, read_only=True) as conn:
        assert any(detail.endswith("; 1 warnings accepted") for _, detail in _log(conn))


# dashboard/views.py imports pipelines.entry (the data-entry form, issue 16 section 1), not yet on this branch.
def test_upload_page_shows_the_warnings_and_loads_once_confirmed(monkeypatch, tmp_path):
    from tests.test_upload_page import uploaded

    db = tmp_path / "page.duckdb"
    with store.opened(db) as conn:
        assert load(conn, SEED, "seed.csv").status == "accepted"
    at = uploaded(monkeypatch, db, "slip.csv", SLIP, lang="en")
    assert "1 value changed a lot" in at.warning[0].value
    assert at.warning[0].value.startswith("The file slip\\.csv is valid but")   # names its file, Markdown-escaped
    assert at.checkbox[0].label == "I checked this value"
    load_button = next(b for b in at.button if b.label == "Load into the database")
    assert load_button.disabled
    at.checkbox[0].check().run()
    load_button = next(b for b in at.button if b.label == "Load into the database")
    assert not load_button.disabled
    load_button.click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert any("Loaded 2 rows" in s.value for s in at.success)
    with store.opened(db, read_only=True) as conn:
        assert any(detail.endswith("; 1 warnings accepted") for _, detail in _log(conn))
