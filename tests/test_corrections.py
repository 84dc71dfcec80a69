"""Closed periods and approved corrections (issue 16, section 3): a period closes some days after
its deadline; a first value for it is a late report and loads; an uploader's changed value waits
for an admin and is never read as current until approved; an admin's or the operator's applies."""
from __future__ import annotations

import datetime as dt
import io
import json
import time

import pytest
from click.testing import CliRunner
from docx import Document

from indicators.catalogue import catalogue
from indicators.periods import is_closed, parse_period
from pipelines import accounts, store
from pipelines.cli import main
from pipelines.corrections import closed_periods, decide, pending
from pipelines.quality.checks import reporting
from pipelines.quality.config import load_config
from pipelines.store import Store, values
from pipelines.store import audit as audit_sql
from pipelines.submit import submit
from tests.conftest import HEADER, TODAY, csv_bytes

SEED = csv_bytes([HEADER, ["insurance_coverage", "66", "2026-08", "95.2"],
                  ["insurance_coverage", "66", "2026-10", "95.5"]])
FIX = csv_bytes([HEADER, ["insurance_coverage", "66", "2026-08", "95.8"]])          # 2026-08: closed
MIXED = csv_bytes([HEADER, ["insurance_coverage", "66", "2026-08", "95.9"],
                   ["insurance_coverage", "66", "2026-10", "95.6"]])                # 2026-10: open


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "c.duckdb"
    store.connect(path).close()
    accounts.add_user(path, "lan", "mat-khau-dai-1", "uploader", "66")
    accounts.add_user(path, "chi", "mat-khau-dai-2", "admin")
    accounts.add_user(path, "xem", "mat-khau-dai-3", "viewer")
    assert _submit(path, SEED, "seed.csv", accounts.operator("op")).status == "accepted"
    return path


def _submit(db, content, name, actor, **kw):
    return submit(Store(db), content, name, actor, today=TODAY, **kw)


def _shown(db, period="2026-08") -> float:
    """The figure the pages show, read through the same store function they use."""
    with store.opened(db, read_only=True) as conn:
        v = values.province_values(conn)
    return float(v.loc[(v["area_code"] == "66") & (v["period"] == period), "value"].item())


def _log(db) -> list[tuple]:
    with store.opened(db, read_only=True) as conn:
        log = audit_sql.read(conn)
    return list(zip(log["actor"], log["action"], log["outcome"], log["detail"]))


@pytest.mark.parametrize("today, closed", [(dt.date(2026, 10, 31), False), (dt.date(2026, 11, 1), True)])
def test_closing_boundary_pure(today, closed):
    # 2026-09: due 23 October, closes 8 days later: open through 31 October, closed from 1 November
    assert is_closed(dt.date(2026, 10, 23), 8, today) is closed
    p = parse_period("2026-09")
    assert load_config().closed(p.end, "month", today) is closed
    assert (closed_periods(["2026-09", "2026-10"], today) == {"2026-09"}) is closed


def test_closing_follows_the_operators_due_day_and_annual_calendar(monkeypatch):
    monkeypatch.setenv("NQ72_FIGURES_DUE_DAY", "10")  # due 10 October: closed from 19 October
    assert closed_periods(["2026-09"], dt.date(2026, 10, 18)) == set()
    assert closed_periods(["2026-09"], dt.date(2026, 10, 19)) == {"2026-09"}
    assert closed_periods(["2025"], dt.date(2025, 12, 31)) == set()          # 15 December + 16 days
    assert closed_periods(["2025"], dt.date(2026, 1, 1)) == {"2025"}


def test_a_first_value_for_a_closed_period_is_a_late_report_and_loads(db):
    late = _submit(db, csv_bytes([HEADER, ["insurance_coverage", "66", "2026-07", "94.9"]]), "late.csv",
                   accounts.find(db, "lan"))
    assert (late.status, late.pending) == ("accepted", []) and _shown(db, "2026-07") == 94.9
    with store.opened(db, read_only=True) as conn:                  # counted late for timeliness
        received = values.with_first_receipt(conn)
    july = reporting(received, catalogue(), load_config(), TODAY).query("province_code == '66' and period == '2026-07'")
    assert (july["received"].item(), july["on_time"].item()) == (1, 0)


def test_uploader_correction_is_pending_until_approved(db):
    lan = accounts.find(db, "lan")
    r = _submit(db, FIX, "fix.csv", lan)
    assert (r.status, r.submission_id, r.rows) == ("pending", None, 0)
    assert [(c.row, c.period, c.value, c.current_value) for c in r.pending] == [(2, "2026-08", 95.8, 95.2)]
    assert r.to_json()["pending"][0]["current_value"] == 95.2
    assert _shown(db) == 95.2                                       # the figure as it was
    again = _submit(db, FIX, "fix.csv", lan)                        # sent twice: held once
    assert again.status == "pending" and [c.id for c in again.pending] == [r.pending[0].id]
    assert list(pending(Store(db), "lan")["value"]) == [95.8]
    with pytest.raises(accounts.Refused):
        decide(Store(db), r.pending[0].id, lan, approve=True)       # an uploader cannot approve
    done = decide(Store(db), r.pending[0].id, accounts.find(db, "chi"), approve=True)
    assert done["status"] == "approved" and done["decided_by"] == "chi" and _shown(db) == 95.8
    assert pending(Store(db)).empty
    assert ("chi", "correction", "approved") in [line[:3] for line in _log(db)]
    with pytest.raises(LookupError):
        decide(Store(db), r.pending[0].id, accounts.find(db, "chi"), approve=False)  # decided once


def test_rejected_correction_leaves_the_figure(db):
    r = _submit(db, FIX, "fix.csv", accounts.find(db, "lan"))
    done = decide(Store(db), r.pending[0].id, accounts.find(db, "chi"), approve=False)
    assert (done["status"], done["submission_id"]) == ("rejected", None) and _shown(db) == 95.2
    assert any(line[:3] == ("chi", "correction", "rejected") and "95.2 -> 95.8" in line[3] for line in _log(db))


def test_a_mixed_file_loads_its_open_rows_and_holds_the_correction(db):
    r = _submit(db, MIXED, "mixed.csv", accounts.find(db, "lan"))
    assert (r.status, r.rows, len(r.pending)) == ("accepted", 1, 1)
    assert _shown(db) == 95.2 and _shown(db, "2026-10") == 95.6
    assert any(line[3].endswith("; 1 corrections pending") for line in _log(db))


def test_a_load_held_for_a_jump_says_the_correction_that_would_wait_and_stores_nothing(db):
    # 2026-08 is closed (a correction, 95.2 -> 95.8); 2026-11 jumps from 95.5 to 9.55 (a slip).
    slip = csv_bytes([HEADER, ["insurance_coverage", "66", "2026-08", "95.8"],
                      ["insurance_coverage", "66", "2026-11", "9.55"]])
    lan = accounts.find(db, "lan")
    held = _submit(db, slip, "slip.csv", lan)
    assert (held.status, held.submission_id, held.dry_run, len(held.warnings)) == ("warnings", None, False, 1)
    assert [(c.id, c.row, c.period, c.value, c.current_value) for c in held.pending] == [(None, 2, "2026-08", 95.8, 95.2)]
    assert _shown(db) == 95.2 and pending(Store(db)).empty          # nothing stored, nothing waiting yet
    assert ("lan", "submission", "warnings", "1 warnings; nothing loaded") in _log(db)
    loaded = _submit(db, slip, "slip.csv", lan, accept_warnings=True)
    assert (loaded.status, loaded.rows, len(loaded.pending)) == ("accepted", 1, 1) and loaded.pending[0].id is not None
    assert _shown(db) == 95.2 and _shown(db, "2026-11") == 9.55


@pytest.mark.parametrize("who", ["uploader", "operator"])
def test_a_wide_row_correcting_two_indicators_of_a_closed_period(db, who):
    # One spreadsheet row holds both values: each is matched to its stored one by its key.
    seed = b"area_code,period,insurance_coverage,immunization_coverage\n66,2026-08,95.2,96.0\n"
    fix = b"area_code,period,insurance_coverage,immunization_coverage\n66,2026-08,95.8,96.4\n"
    assert _submit(db, seed, "seed-wide.csv", accounts.operator("op")).status == "accepted"
    actor = accounts.find(db, "lan") if who == "uploader" else accounts.operator("op")
    r = _submit(db, fix, "fix-wide.csv", actor, accept_warnings=True)
    if who == "uploader":
        assert r.status == "pending"
        assert sorted((c.row, c.indicator, c.value, c.current_value) for c in r.pending) == [
            (2, "immunization_coverage", 96.4, 96.0), (2, "insurance_coverage", 95.8, 95.2)]
    else:
        assert (r.status, r.rows) == ("accepted", 2)
    with store.opened(db, read_only=True) as conn:
        v = values.province_values(conn)
    shown = v[(v["area_code"] == "66") & (v["period"] == "2026-08")].set_index("indicator")["value"].to_dict()
    assert shown == ({"insurance_coverage": 95.2, "immunization_coverage": 96.0} if who == "uploader"
                     else {"insurance_coverage": 95.8, "immunization_coverage": 96.4})


@pytest.mark.parametrize("who", ["admin", "operator"])
def test_admin_and_operator_corrections_apply_directly_audited(db, who):
    actor = accounts.find(db, "chi") if who == "admin" else accounts.operator("op")
    r = _submit(db, FIX, "fix.csv", actor)
    assert (r.status, r.pending) == ("accepted", []) and _shown(db) == 95.8
    line = next(line for line in _log(db) if line[1:3] == ("correction", "applied"))
    assert line[0] == actor.name and "insurance_coverage 66 2026-08: 95.2 -> 95.8" in line[3]


def test_cli_pending_status_list_approve_reject(db, tmp_path):
    fix = tmp_path / "fix.csv"
    fix.write_bytes(FIX)
    run = CliRunner().invoke
    sent = run(main, ["ingest", str(fix), "--db", str(db), "--user", "lan", "--json"])
    doc = json.loads(sent.output)["files"][0]
    assert sent.exit_code == 0 and doc["status"] == "pending" and doc["pending"][0]["value"] == 95.8
    text = run(main, ["ingest", str(fix), "--db", str(db), "--user", "lan", "--lang", "en"])
    assert text.exit_code == 0 and "waits for an admin" in text.output and "95.2 → 95.8" in text.output
    listed = run(main, ["corrections", "list", "--db", str(db)])
    cid = listed.output.split("\t")[0]
    assert listed.exit_code == 0 and "\tpending\tinsurance_coverage\t66\t2026-08\t95.2 -> 95.8\tlan" in listed.output
    refused = run(main, ["corrections", "approve", cid, "--db", str(db), "--user", "lan"])
    assert refused.exit_code == 1 and "not an admin" in refused.output and _shown(db) == 95.2
    assert run(main, ["corrections", "reject", "999", "--db", str(db), "--user", "chi"]).exit_code == 1
    ok = run(main, ["corrections", "approve", cid, "--db", str(db), "--user", "chi"])
    assert ok.exit_code == 0 and "approved" in ok.output and _shown(db) == 95.8
    assert run(main, ["corrections", "list", "--db", str(db)]).output == ""
    assert "approved" in run(main, ["corrections", "list", "--all", "--db", str(db)]).output
    # a second correction, rejected from the CLI: the approved figure stays
    fix.write_bytes(csv_bytes([HEADER, ["insurance_coverage", "66", "2026-08", "96.0"]]))
    assert run(main, ["ingest", str(fix), "--db", str(db), "--user", "lan", "--json"]).exit_code == 0
    cid = run(main, ["corrections", "list", "--db", str(db)]).output.split("\t")[0]
    assert run(main, ["corrections", "reject", cid, "--db", str(db), "--user", "chi"]).exit_code == 0
    assert _shown(db) == 95.8


def test_admin_page_lists_pending_and_approves(monkeypatch, db):
    from tests.test_dashboard import run_page

    r = _submit(db, FIX, "fix.csv", accounts.find(db, "lan"))
    at = run_page(monkeypatch, db, "admin", lang="en")
    assert any("95.2 → 95.8" in m.value and "lan" in m.value for m in at.markdown)
    next(b for b in at.button if b.label == f"Approve #{r.pending[0].id}").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert any(f"Correction #{r.pending[0].id}: approved" in s.value for s in at.success)
    assert _shown(db) == 95.8 and "No corrections are pending." in [c.value for c in at.caption]


def test_upload_page_says_the_correction_waits(monkeypatch, db):
    from dashboard import auth
    from tests.test_upload_page import uploaded

    monkeypatch.setattr(auth, "current", lambda: accounts.find(db, "lan"))
    at = uploaded(monkeypatch, db, "fix.csv", FIX, lang="en")
    said = [i.value.replace("\\", "") for i in at.info]
    assert any("once loaded it waits for an admin's approval" in i and "row 2: Health insurance coverage, Đắk Lắk"
               in i and "95.20 → 95.80" in i for i in said), said
    next(b for b in at.button if b.label == "Load into the database").click().run()
    for _ in range(20):  # the load runs as a job followed across reruns
        if any("#" in i.value for i in at.info):
            break
        at.run()
    assert not at.exception, [e.message for e in at.exception]
    said = [i.value.replace("\\", "") for i in at.info]
    assert any("it waits for an admin's approval" in i and "#1 row 2" in i and "95.20 → 95.80" in i for i in said), said
    assert _shown(db) == 95.2


def test_upload_page_lists_each_correction_of_a_wide_row(monkeypatch, db):
    from dashboard import auth
    from tests.test_upload_page import uploaded

    seed = b"area_code,period,insurance_coverage,immunization_coverage\n66,2026-08,95.2,96.0\n"
    assert _submit(db, seed, "seed-wide.csv", accounts.operator("op")).status == "accepted"
    fix = b"area_code,period,insurance_coverage,immunization_coverage\n66,2026-08,95.8,96.4\n"
    monkeypatch.setattr(auth, "current", lambda: accounts.find(db, "lan"))
    at = uploaded(monkeypatch, db, "fix-wide.csv", fix, lang="vi")
    said = " ".join(i.value.replace("\\", "") for i in at.info)
    assert "Tỷ lệ bao phủ bảo hiểm y tế" in said and "95,20 → 95,80" in said, said
    assert "Tỷ lệ tiêm chủng đầy đủ" in said and "96,00 → 96,40" in said, said
    assert not at.exception, [e.message for e in at.exception]


# What a check says before anything is written, and what every reader shows meanwhile.
def test_a_dry_run_lists_the_corrections_that_would_wait_and_stores_none(db, tmp_path):
    lan = accounts.login(db, "lan", "mat-khau-dai-1")
    report = _submit(db, MIXED, "mixed.csv", lan, dry_run=True)
    assert report.status == "accepted" and report.dry_run
    assert [(c.id, c.row, c.period, c.value, c.current_value) for c in report.pending] == [(None, 2, "2026-08", 95.9, 95.2)]
    assert pending(Store(db)).empty and _shown(db, "2026-10") == 95.5
    admin = accounts.login(db, "chi", "mat-khau-dai-2")
    assert _submit(db, MIXED, "mixed.csv", admin, dry_run=True).pending == []  # an admin's applies: nothing waits
    path = tmp_path / "mixed.csv"
    path.write_bytes(MIXED)
    cli = ["ingest", str(path), "--db", str(db), "--dry-run"]
    out = CliRunner().invoke(main, [*cli, "--user", "lan", "--json"], env={"NQ72_TODAY": TODAY.isoformat()})
    doc = json.loads(out.output)["files"][0]
    assert out.exit_code == 0 and doc["status"] == "accepted" and doc["dry_run"]
    assert doc["pending"] == [{"id": None, "row": 2, "indicator": "insurance_coverage", "area_code": "66",
                               "period": "2026-08", "value": 95.9, "current_value": 95.2}]
    out = CliRunner().invoke(main, [*cli, "--user", "lan", "--lang", "en"], env={"NQ72_TODAY": TODAY.isoformat()})
    assert "(1 correction to a closed period would wait for an admin's approval)" in out.output
    assert "row 2: insurance_coverage, 66, 2026-08: 95.2 → 95.9" in out.output
    out = CliRunner().invoke(main, [*cli, "--json"], env={"NQ72_TODAY": TODAY.isoformat()})
    assert json.loads(out.output)["files"][0]["pending"] == []            # the operator's applies directly too
    assert pending(Store(db)).empty


def test_pages_and_reports_show_the_figure_as_it_was_until_approved(db):
    from dashboard import queries
    from pipelines import report

    lan = accounts.login(db, "lan", "mat-khau-dai-1")
    assert _submit(db, FIX, "fix.csv", lan).status == "pending"
    shown = queries.province_values(str(db), (0, time.time()))  # a fresh cache key: read now
    assert shown.query("area_code == '66' and period == '2026-08'")["value"].tolist() == [95.2]
    august = report.parse_report_period("2026-08")
    data = report.load_data(db, august)
    assert data.values.query("area_code == '66' and period == '2026-08'")["value"].tolist() == [95.2]
    built = report.build_report(data, "66", august, "vi", TODAY)
    text = "\n".join(p.text for p in Document(io.BytesIO(report.docx_bytes(built))).paragraphs)
    assert "đạt 95,2 %" in text and "95,8" not in text
    decide(Store(db), int(pending(Store(db))["id"].iloc[0]), accounts.login(db, "chi", "mat-khau-dai-2"), approve=True)
    data = report.load_data(db, august)
    assert data.values.query("area_code == '66' and period == '2026-08'")["value"].tolist() == [95.8]
