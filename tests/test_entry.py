"""The data-entry form (issue 16, section 1): its fields, its checks through the file gate, its
submission through the one door, its drafts; and the page (AppTest) as a viewer and an uploader."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from data import geography
from indicators.catalogue import catalogue
from indicators.periods import parse_period
from pipelines import accounts, entry, store
from pipelines.accounts import Refused
from pipelines.store import Store, audit, drafts
from tests.conftest import HEADER, TODAY, csv_bytes, current, load

APP = str(Path(__file__).resolve().parent.parent / "dashboard" / "app.py")
MONTH, QUARTER = parse_period("2026-10"), parse_period("2026-Q3")
COMMUNES = geography.communes().query("province_code == '66'")["code"].tolist()
PASSWORD = "mat-khau-dai-1"


@pytest.fixture
def db(tmp_path):
    """Đắk Lắk with a September insurance figure and last quarter's doctors (province and one commune);
    an uploader of Đắk Lắk, one of Hà Nội, a viewer."""
    path = tmp_path / "entry.duckdb"
    rows = [HEADER, ["insurance_coverage", "66", "2026-08", "93.9"], ["insurance_coverage", "66", "2026-09", "94.2"],
            ["doctors_per_station", "66", "2026-Q2", "3.1"], ["doctors_per_station", COMMUNES[0], "2026-Q2", "3"]]
    with store.opened(path) as conn:
        assert load(conn, csv_bytes(rows), "seed.csv").status == "accepted"
    accounts.add_user(path, "lan", PASSWORD, "uploader", "66")
    accounts.add_user(path, "minh", PASSWORD, "uploader", "01")
    accounts.add_user(path, "xem", PASSWORD, "viewer", "66")
    return path


def actor(db, name: str) -> accounts.Actor:
    return accounts.login(db, name, PASSWORD)


# The form's fields, last values, targets and the period now due.
def test_the_period_now_due_per_granularity():
    assert entry.due_period("month", TODAY).code == "2026-10"          # due on 23 November
    assert entry.due_period("quarter", TODAY).code == "2026-Q3"        # Q4 has not ended
    assert entry.due_period("year", TODAY).code == "2026"              # annual figures by 15 December of the year
    assert entry.due_period("quarter", dt.date(2027, 1, 5)).code == "2026-Q4"
    assert [p.code for p in entry.period_choices("quarter", TODAY)][:3] == ["2026-Q3", "2026-Q2", "2026-Q1"]


def test_the_form_lists_what_the_province_reports_at_that_granularity():
    month = entry.form_rows("66", MONTH)
    monthly = [i.code for i in catalogue().indicators if i.frequency == "month"]
    assert month["indicator"].tolist() == monthly and set(month["level"]) == {"province"}
    assert month.set_index("indicator").loc["insurance_coverage", ["unit", "low", "high"]].tolist() == ["%", 0.0, 100.0]
    quarter = entry.form_rows("66", QUARTER)
    doctors = quarter[quarter["indicator"] == "doctors_per_station"]
    assert doctors["area_code"].tolist() == ["66", *COMMUNES] and doctors["level"].iloc[0] == "province"
    assert set(doctors["level"].iloc[1:]) == {"commune"}


def test_last_stored_value_is_the_one_before_the_period():
    stored = pd.DataFrame({"indicator": ["insurance_coverage"] * 3 + ["doctors_per_station"],
                           "area_code": ["66", "66", "66", COMMUNES[0]],
                           "period": ["2026-08", "2026-09", "2026-10", "2026-Q2"], "value": [93.9, 94.2, 95.0, 3.0],
                           "t": [2026 + 8 / 12, 2026 + 9 / 12, 2026 + 10 / 12, 2026.5]})
    last = entry.last_values(stored, MONTH).set_index(["indicator", "area_code"])
    assert last.loc[("insurance_coverage", "66")].tolist() == [94.2, "2026-09"]   # not October's own value
    assert last.loc[("doctors_per_station", COMMUNES[0])].tolist() == [3.0, "2026-Q2"]
    assert entry.period_values(stored, MONTH) == {"insurance_coverage|66": 95.0}


def test_the_target_line_is_the_next_milestone():
    ind = catalogue()["insurance_coverage"]
    assert entry.target_for(ind, "66", MONTH).year == 2026
    assert entry.target_for(ind, "66", parse_period("2027-03")).year > 2026


def test_stored_values_are_written_back_as_a_person_types_them():
    cat = catalogue()
    assert entry.entry_text(94.7, cat["insurance_coverage"], "vi") == "94,7"
    assert entry.entry_text(94.7, cat["insurance_coverage"], "en") == "94.7"
    assert entry.entry_text(0.5, cat["insurance_coverage"], "vi") == "0,5 %"   # not a percent cell's fraction
    assert entry.entry_text(3.25, cat["doctors_per_station"], "vi") == "3,25"
    filled = entry.prefill({"insurance_coverage|66": 0.5, "immunization_coverage|66": 97.6})
    assert entry.check_form(entry.form_rows("66", MONTH), filled, "66", MONTH, TODAY).ok  # a reopened form passes as stored


# Checks as you type: the file gate's own rules, each problem mapped back to its field.
def test_the_gate_checks_the_form_and_each_problem_names_its_field():
    rows = entry.form_rows("66", MONTH)
    typed = {"insurance_coverage|66": "140", "immunization_coverage|66": "0,947", "ehealth_book_coverage|66": "  ",
             "prenatal_screening_rate|66": "96,5"}
    checked = entry.check_form(rows, typed, "66", MONTH, TODAY)
    assert checked.filled == 3 and checked.total == 2 and not checked.ok
    assert [p.key for p in checked.problems["insurance_coverage|66"]] == ["rule_out_of_range"]
    fraction = checked.problems["immunization_coverage|66"][0]
    assert "có phải 94,7 %?" in fraction.message("vi") and "did you mean 94.7%?" in fraction.message("en")
    assert "prenatal_screening_rate|66" not in checked.problems
    assert entry.check_form(rows, {}, "66", MONTH, TODAY) == entry.FormCheck(0, {}, 0)


def test_the_form_file_holds_the_values_as_typed():
    content, keys = entry.form_file(entry.form_rows("66", MONTH), {"immunization_coverage|66": "97,6",
                                                                   "insurance_coverage|66": "94,7", "x|66": "1"}, MONTH)
    assert keys == ["insurance_coverage|66", "immunization_coverage|66"]          # form order; unknown fields dropped
    assert content.decode().splitlines() == ['"indicator","area_code","period","value"',
                                             '"insurance_coverage","66","2026-10","94,7"',
                                             '"immunization_coverage","66","2026-10","97,6"']


def test_commune_grid_pasted_from_excel_is_checked_per_commune():
    rows = entry.form_rows("66", QUARTER)
    grid = entry.commune_grid(rows, "doctors_per_station", {f"doctors_per_station|{COMMUNES[1]}": "2"})
    assert grid.columns.tolist() == ["area_code", "area_name", "value"] and grid["value"].iloc[1] == "2"
    # A block of three cells pasted from a Vietnamese Excel: decimal commas, one cell with a slip.
    edits = {"edited_rows": {0: {"value": "3,5"}, 1: {"value": None}, 2: {"value": "45"}, 3: {"value": "4"}}}
    typed = entry.grid_entries(entry.apply_grid_edits(grid, edits), "doctors_per_station")
    assert typed == {f"doctors_per_station|{COMMUNES[0]}": "3,5", f"doctors_per_station|{COMMUNES[2]}": "45",
                     f"doctors_per_station|{COMMUNES[3]}": "4"}
    checked = entry.check_form(rows, typed | {"doctors_per_station|66": "3,2"}, "66", QUARTER, TODAY)
    assert list(checked.problems) == [f"doctors_per_station|{COMMUNES[2]}"]
    assert checked.problems[f"doctors_per_station|{COMMUNES[2]}"][0].key == "rule_out_of_range"


def test_the_form_warns_of_a_jump_and_foresees_a_correction_held_for_an_admin(db):
    lan, where, rows = actor(db, "lan"), Store.at(db), entry.form_rows("66", MONTH)
    checked = entry.check_form(rows, {"insurance_coverage|66": "9,76"}, "66", MONTH, TODAY, where, lan)
    assert checked.ok and checked.jumps == 1 and not checked.pending     # a warning, not an error
    [jump] = checked.warnings["insurance_coverage|66"]
    assert (jump.value, jump.previous_value, jump.previous_period) == (9.76, 94.2, "2026-09")
    said = jump.message("vi")
    assert "Tỷ lệ bao phủ bảo hiểm y tế, Đắk Lắk, kỳ 2026-10: 9,76 so với 94,2 kỳ 2026-09 (thay đổi -84,44 điểm %)" in said
    assert "vượt mức hợp lý 3 điểm %" in said and "97,6 thành 9,76" in said
    assert entry.check_form(rows, {"insurance_coverage|66": "95,1"}, "66", MONTH, TODAY, where, lan).jumps == 0
    # September closed on 1 November: a changed figure would wait for an admin, the same one would not
    september = parse_period("2026-09")
    assert entry.closed_since(september, TODAY) == dt.date(2026, 11, 1) and entry.closed_since(MONTH, TODAY) is None
    held = entry.check_form(entry.form_rows("66", september), {"insurance_coverage|66": "94,5"}, "66", september,
                            TODAY, where, lan)
    assert [(c.id, c.value, c.current_value) for c in held.pending["insurance_coverage|66"]] == [(None, 94.5, 94.2)]
    same = entry.check_form(entry.form_rows("66", september), {"insurance_coverage|66": "94,2"}, "66", september,
                            TODAY, where, lan)
    assert not same.pending


# Submitting: the one door, a named submission, audited, all or nothing; drafts.
def test_a_form_is_submitted_as_a_named_audited_submission_and_drops_its_draft(db):
    lan, where, rows = actor(db, "lan"), Store.at(db), entry.form_rows("66", MONTH)
    typed = {"insurance_coverage|66": "94,7", "immunization_coverage|66": "97,6"}
    entry.save_draft(where, lan, "66", MONTH.code, typed)
    report = entry.submit_form(where, lan, "66", MONTH, rows, typed, TODAY)
    assert report.status == "accepted" and report.rows == 2
    with store.opened(db, read_only=True) as conn:
        assert ("insurance_coverage", "66", "2026-10", 94.7, None, None) in current(conn)
        log = audit.read(conn, 5)
        assert conn.execute("select file_name, user_name, scope from submissions where id = ?",
                            [report.submission_id]).fetchone() == ("form-66-2026-10", "lan", "66")
    assert (log["subject"].iloc[0], log["outcome"].iloc[0], log["actor"].iloc[0]) == ("form-66-2026-10", "accepted", "lan")
    assert entry.load_draft(where, lan, "66", MONTH.code) is None


def test_a_refused_form_loads_nothing_and_keeps_its_draft(db):
    lan, where, rows = actor(db, "lan"), Store.at(db), entry.form_rows("66", MONTH)
    typed = {"insurance_coverage|66": "94,7", "immunization_coverage|66": "140"}
    entry.save_draft(where, lan, "66", MONTH.code, typed)
    with store.opened(db, read_only=True) as conn:
        before = current(conn)
    report = entry.submit_form(where, lan, "66", MONTH, rows, typed, TODAY)
    assert report.status == "rejected" and report.problems[0].key == "rule_out_of_range"
    with store.opened(db, read_only=True) as conn:
        assert current(conn) == before                                 # not even the valid field
    assert entry.load_draft(where, lan, "66", MONTH.code).entries == typed


def test_drafts_are_kept_per_account_province_and_period(db):
    lan, where = actor(db, "lan"), Store.at(db)
    at = entry.save_draft(where, lan, "66", "2026-10", {"insurance_coverage|66": "94,7"})
    entry.save_draft(where, lan, "66", "2026-09", {"insurance_coverage|66": "1"})
    draft = entry.load_draft(where, lan, "66", "2026-10")
    assert draft.entries == {"insurance_coverage|66": "94,7"} and draft.saved_at == at
    assert entry.load_draft(where, actor(db, "minh"), "66", "2026-10") is None
    with store.opened(db, read_only=True) as conn:
        assert store.schema_version(conn) == store.SCHEMA_VERSION >= 6
        assert [r[:2] for r in drafts.of_user(conn, "lan")] == [("66", "2026-09"), ("66", "2026-10")]
        assert json.loads(drafts.get(conn, "lan", "66", "2026-10")[0]) == {"insurance_coverage|66": "94,7"}


@pytest.mark.parametrize("who, province, why", [("xem", "66", "refused_viewer"), ("minh", "66", "refused_other_province")])
def test_only_those_who_may_submit_keep_drafts(db, who, province, why):
    with pytest.raises(Refused) as refused:
        entry.save_draft(Store.at(db), actor(db, who), province, "2026-10", {"insurance_coverage|66": "1"})
    assert refused.value.key == why


def test_a_draft_survives_an_ended_session(db):
    lan, where = actor(db, "lan"), Store.at(db)
    entry.save_draft(where, lan, "66", "2026-10", {"insurance_coverage|66": "94,7"})
    accounts.set_password(db, "lan", "mat-khau-moi-22")              # every open session ends
    with pytest.raises(Refused):
        entry.save_draft(where, lan, "66", "2026-10", {"insurance_coverage|66": "95"})
    again = accounts.login(db, "lan", "mat-khau-moi-22")
    assert entry.load_draft(where, again, "66", "2026-10").entries == {"insurance_coverage|66": "94,7"}


# The page (AppTest) with log-in on, as a viewer and as an uploader.
def page(monkeypatch, db, who: str | None, **params) -> AppTest:
    monkeypatch.setenv("NQ72_DB", str(db))
    monkeypatch.setenv("NQ72_TODAY", TODAY.isoformat())
    monkeypatch.delenv("NQ72_AUTH", raising=False)
    at = AppTest.from_file(APP, default_timeout=120)
    for k, v in params.items():
        at.query_params[k] = v
    at.session_state["actor"] = actor(db, who)
    at.run()
    at.switch_page("app_pages/entry.py").run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def field(at, name: str):
    return next(w for w in at.text_input if w.label.startswith(name))


def test_a_viewer_is_told_they_may_not_enter_figures(monkeypatch, db):
    at = page(monkeypatch, db, "xem")
    assert "không được nhập số liệu" in at.info[0].value
    assert not at.text_input and "Gửi số liệu" not in [b.label for b in at.button]


def test_an_uploader_fills_the_form_sees_inline_errors_and_keeps_a_draft(monkeypatch, db):
    at = page(monkeypatch, db, "lan")
    assert at.selectbox(key="entry_province").value == "66" and at.selectbox(key="entry_province").disabled
    assert at.selectbox(key="entry_period_month").value == "2026-10"
    assert "Kỳ trước: **94,2 %** (2026-09)" in [m.value for m in at.markdown]
    assert any("Khoảng hợp lý: 0–100 %" in c.value and "Tính vào mục tiêu 2026" in c.value for c in at.caption)
    field(at, "Tỷ lệ bao phủ bảo hiểm y tế").set_value("140").run()
    assert any("ngoài khoảng hợp lý" in e.value for e in at.error)
    assert [b for b in at.button if b.label == "Gửi số liệu"][0].disabled
    assert any("Bản nháp được lưu trên máy chủ lúc" in c.value for c in at.caption)
    # A reload is a new session: the draft is read back from the server, its error with it.
    again = page(monkeypatch, db, "lan")
    assert field(again, "Tỷ lệ bao phủ bảo hiểm y tế").value == "140"
    assert any("ngoài khoảng hợp lý" in e.value for e in again.error)
    field(again, "Tỷ lệ bao phủ bảo hiểm y tế").set_value("94,7").run()
    [send] = [b for b in again.button if b.label == "Gửi số liệu"]
    send.click().run()
    assert any("Đã gửi 1 số liệu" in s.value for s in again.success)
    reopened = page(monkeypatch, db, "lan")
    assert field(reopened, "Tỷ lệ bao phủ bảo hiểm y tế").value == "94,7"
    assert "đã có số liệu được nộp" in reopened.info[0].value


def test_a_jump_is_sent_only_once_the_uploader_confirms_it(monkeypatch, db):
    at = page(monkeypatch, db, "lan")
    field(at, "Tỷ lệ bao phủ bảo hiểm y tế").set_value("9,76").run()
    assert any("9,76 so với 94,2 kỳ 2026-09" in w.value.replace("\\", "") and w.icon == "⚠️" for w in at.warning)
    assert any("1 giá trị thay đổi nhiều so với kỳ trước" in w.value for w in at.warning)
    [send] = [b for b in at.button if b.label == "Gửi số liệu"]
    assert send.disabled
    [confirm] = [c for c in at.checkbox if c.label == "Tôi đã kiểm tra 1 giá trị này"]
    confirm.check().run()
    [send] = [b for b in at.button if b.label == "Gửi số liệu"]
    assert not send.disabled
    send.click().run()
    assert any("Đã gửi 1 số liệu" in s.value for s in at.success), [e.value for e in at.error]
    with store.opened(db, read_only=True) as conn:
        log = audit.read(conn, 1)
        assert ("insurance_coverage", "66", "2026-10", 9.76, None, None) in current(conn)
    assert log["outcome"].iloc[0] == "accepted" and "1 warnings accepted" in log["detail"].iloc[0]


def test_a_closed_period_reopened_in_the_form_sends_its_change_to_an_admin(monkeypatch, db):
    at = page(monkeypatch, db, "lan")
    at.selectbox(key="entry_period_month").set_value("2026-09").run()
    assert any("Kỳ 2026-09 đã khóa từ ngày 01/11/2026" in w.value for w in at.warning)
    assert field(at, "Tỷ lệ bao phủ bảo hiểm y tế").value == "94,2"
    field(at, "Tỷ lệ bao phủ bảo hiểm y tế").set_value("94,5").run()
    assert any("sẽ chờ quản trị duyệt" in i.value for i in at.info)
    [b for b in at.button if b.label == "Gửi số liệu"][0].click().run()
    assert any("Đã gửi (“form-66-2026-09”)" in s.value for s in at.success), [e.value for e in at.error]
    assert any("chờ quản trị duyệt" in i.value and "94,20 → 94,50" in i.value for i in at.info)
    with store.opened(db, read_only=True) as conn:
        assert ("insurance_coverage", "66", "2026-09", 94.2, None, None) in current(conn)   # as it was
        assert conn.execute("select value, status from corrections").fetchall() == [(94.5, "pending")]
    assert entry.load_draft(Store.at(db), actor(db, "lan"), "66", "2026-09") is None


def test_the_quarter_form_has_a_commune_grid(monkeypatch, db):
    at = page(monkeypatch, db, "lan")
    at.radio(key="entry_granularity").set_value("quarter").run()
    grid = at.dataframe[0].value
    assert len(grid) == len(COMMUNES) and grid["area_code"].tolist() == COMMUNES
    assert grid.set_index("area_code").at[COMMUNES[0], "last"] == "3,00 bác sĩ (2026-Q2)"
