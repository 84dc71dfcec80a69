"""The one door for writes: who acts is the account as the database knows it at the moment of the
write, scope applies to figures and plan tasks alike, and every outcome is in the audit log."""
import json
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner
from streamlit.testing.v1 import AppTest

from dashboard import auth
from pipelines import accounts, store, task_updates
from pipelines.accounts import ANONYMOUS, operator
from pipelines.cli import main
from pipelines.store import Store
from pipelines.store import audit as audit_sql
from pipelines.store.schema import old_audit_path
from pipelines.submit import submit
from tests.conftest import HEADER, TODAY, csv_bytes, load

APP = str(Path(__file__).resolve().parent.parent / "dashboard" / "app.py")
DAK_LAK = csv_bytes([HEADER, ["insurance_coverage", "66", "2026-09", "95.2"]])
CANTHO_TASK = task_updates.form_file("CANTHO-I-1", "2026-10", "in_progress", "", "")
MOST_TASK = task_updates.form_file("MOST-I-4", "2026-10", "done", "", "")


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "s.duckdb"
    store.connect(path).close()
    accounts.add_user(path, "lan", "mat-khau-dai-1", "uploader", "66")      # Đắk Lắk
    accounts.add_user(path, "tho", "mat-khau-dai-2", "uploader", "92")      # Cần Thơ
    accounts.add_user(path, "bo", "mat-khau-dai-3", "uploader")             # national (the ministry)
    accounts.add_user(path, "xem", "mat-khau-dai-4", "viewer")
    return path


def _log(db) -> list[tuple]:
    with store.opened(db, read_only=True) as conn:
        log = audit_sql.read(conn)
    return list(zip(log["actor"], log["action"], log["outcome"], log["subject"]))


def _submit(db, content, name, actor, **kw):
    return submit(Store(db), content, name, actor, today=TODAY, **kw)


def test_task_updates_are_scoped_to_the_plans_own_body(db):
    lan, tho, bo = (accounts.find(db, n) for n in ("lan", "tho", "bo"))
    refused = _submit(db, CANTHO_TASK, "form:CANTHO-I-1", lan)
    assert refused.status == "rejected" and "may not update tasks of plan CANTHO" in refused.problems[0].message_en
    assert _submit(db, MOST_TASK, "m.csv", tho).status == "rejected"
    assert _submit(db, CANTHO_TASK, "c.csv", tho).status == "accepted"
    assert _submit(db, MOST_TASK, "m.csv", bo).status == "accepted"
    assert _submit(db, CANTHO_TASK + b"", "c2.csv", bo).status == "unchanged"   # same content, already loaded
    assert accounts.may_update(tho, "CANTHO-II-3") and not accounts.may_update(lan, "CANTHO-II-3")
    assert accounts.may_update(operator(), "VUSTA-V-V") and not accounts.may_update(ANONYMOUS, "MOST-I-4")
    assert ("lan", "submission", "refused", "form:CANTHO-I-1") in _log(db)


def test_task_update_for_another_plan_is_refused_from_the_cli(db, tmp_path):
    f = tmp_path / "tasks.csv"
    f.write_bytes(CANTHO_TASK)
    r = CliRunner().invoke(main, ["ingest", str(f), "--db", str(db), "--user", "lan", "--json"])
    report = json.loads(r.stdout)["files"][0]
    assert r.exit_code == 1 and report["status"] == "rejected"
    assert "CANTHO" in report["errors"][0]["message"]
    r = CliRunner().invoke(main, ["ingest", str(f), "--db", str(db), "--user", "tho", "--json"])
    assert r.exit_code == 0 and json.loads(r.stdout)["files"][0]["status"] == "accepted"
    with store.opened(db, read_only=True) as conn:
        assert store.one(conn, "select user_name from submissions")[0] == "tho"


def test_task_form_offers_only_the_tasks_an_account_may_update(monkeypatch, db):
    at = _log_in(monkeypatch, db, "tho", "mat-khau-dai-2")
    at.switch_page("app_pages/tasks.py").run()
    options = next(s for s in at.selectbox if s.label in ("Nhiệm vụ", "Task")).options
    assert options and all(o.startswith("CANTHO-") for o in options)
    at = _log_in(monkeypatch, db, "lan", "mat-khau-dai-1")
    at.switch_page("app_pages/tasks.py").run()
    assert not at.exception and not any(s.label in ("Nhiệm vụ", "Task") for s in at.selectbox)


def test_task_form_writes_as_the_account_and_audits_a_rejection(monkeypatch, db):
    at = _log_in(monkeypatch, db, "tho", "mat-khau-dai-2")
    at.switch_page("app_pages/tasks.py").run()
    assert not any(t.label in ("Người nộp", "Submitted by") for t in at.text_input)   # nothing typed is the actor
    evidence = next(t for t in at.text_input if t.label == "Đường dẫn minh chứng (không bắt buộc)")
    evidence.input("not a link")
    _save(at).click().run()
    assert at.error and "http" in at.error[0].value
    assert ("tho", "submission", "rejected") in [e[:3] for e in _log(db)]
    evidence = next(t for t in at.text_input if t.label == "Đường dẫn minh chứng (không bắt buộc)")
    evidence.input("https://example.org/bao-cao")
    _save(at).click().run()
    assert not at.error, [e.value for e in at.error]
    assert at.success
    with store.opened(db, read_only=True) as conn:
        assert store.one(conn, "select user_name, scope from submissions") == ("tho", "tasks")
    assert ("tho", "submission", "accepted") in [e[:3] for e in _log(db)]


def test_a_removed_accounts_session_cannot_write(db):
    session = accounts.login(db, "lan", "mat-khau-dai-1")
    assert _submit(db, DAK_LAK, "a.csv", session).status == "accepted"
    accounts.remove_user(db, "lan")
    report = _submit(db, DAK_LAK.replace(b"95.2", b"95.3"), "b.csv", session)
    assert report.status == "rejected" and "no longer exists" in report.problems[0].message_en
    assert _log(db)[0] == ("lan", "submission", "refused", "b.csv")


def test_a_changed_password_ends_older_sessions(db):
    before = accounts.login(db, "lan", "mat-khau-dai-1")
    accounts.set_password(db, "lan", "mat-khau-moi-22")
    report = _submit(db, DAK_LAK, "a.csv", before)
    assert report.status == "rejected" and "password" in report.problems[0].message_en
    assert _submit(db, DAK_LAK, "a.csv", accounts.login(db, "lan", "mat-khau-moi-22")).status == "accepted"


def test_a_changed_role_takes_effect_at_once(db):
    session = accounts.login(db, "xem", "mat-khau-dai-4")
    assert _submit(db, DAK_LAK, "a.csv", session).status == "rejected"          # a viewer
    with store.opened(db) as conn:
        conn.execute("update users set role = 'uploader', province = '66' where username = 'xem'")
    assert _submit(db, DAK_LAK, "a.csv", session).status == "accepted"


def test_the_dashboard_ends_a_session_whose_password_changed(monkeypatch, db):
    at = _log_in(monkeypatch, db, "lan", "mat-khau-dai-1")
    assert at.title[0].value == "Tổng quan 34 tỉnh, thành phố"
    accounts.set_password(db, "lan", "mat-khau-moi-22")
    at.run()
    assert [s.value for s in at.subheader] == ["Đăng nhập"]
    assert any("Phiên đăng nhập đã kết thúc" in w.value for w in at.warning)


def test_the_dashboard_ends_a_removed_accounts_session(monkeypatch, db):
    at = _log_in(monkeypatch, db, "lan", "mat-khau-dai-1")
    accounts.remove_user(db, "lan")
    at.switch_page("app_pages/upload.py").run()
    assert [s.value for s in at.subheader] == ["Đăng nhập"] and not at.get("file_uploader")


def test_no_session_is_a_viewer_never_an_admin():
    actor = auth.current()
    assert actor == ANONYMOUS and actor.role == "viewer" and not actor.can_upload


def test_nobody_cannot_write_even_with_a_forged_name(db):
    forged = accounts.Actor("admin-that-is-not", "admin")           # an account kind is looked up
    assert _submit(db, DAK_LAK, "a.csv", forged).status == "rejected"
    assert _submit(db, DAK_LAK, "a.csv", ANONYMOUS).status == "rejected"
    assert [e[2] for e in _log(db)[:2]] == ["refused", "refused"]


def test_every_outcome_is_audited_with_the_accounts_name(db, tmp_path):
    lan = accounts.find(db, "lan")
    bad = csv_bytes([HEADER, ["insurance_coverage", "66", "2026-09", "195"]])
    assert _submit(db, bad, "bad.csv", lan, dry_run=True).status == "rejected"       # a check alone
    assert _submit(db, bad, "bad.csv", lan).status == "rejected"
    assert _submit(db, DAK_LAK, "ok.csv", lan).status == "accepted"
    assert _submit(db, DAK_LAK, "again.csv", lan).status == "unchanged"
    f = tmp_path / "cli-bad.csv"
    f.write_bytes(bad)
    assert CliRunner().invoke(main, ["ingest", str(f), "--db", str(db), "--user", "lan"]).exit_code == 1
    log = _log(db)
    assert [(a, o, s) for a, _, o, s in log[:5]] == [
        ("lan", "rejected", "cli-bad.csv"), ("lan", "unchanged", "again.csv"), ("lan", "accepted", "ok.csv"),
        ("lan", "rejected", "bad.csv"), ("lan", "rejected", "bad.csv")]
    with store.opened(db, read_only=True) as conn:
        assert audit_sql.submissions_without_audit(conn) == []
        assert store.one(conn, "select count(*) from submissions")[0] == 1


def test_a_check_without_a_database_creates_none(tmp_path):
    path = tmp_path / "none.duckdb"
    report = submit(Store(path), DAK_LAK, "a.csv", operator(), dry_run=True, today=TODAY)
    assert report.status == "accepted" and not path.exists()
    assert submit(Store(path), DAK_LAK, "a.csv", accounts.Actor("lan", "uploader", "66"), today=TODAY).status == "rejected"
    assert not path.exists()


def test_an_old_audit_file_is_carried_over(tmp_path):
    path = tmp_path / "old.duckdb"
    conn = duckdb.connect(str(path))
    for statements in store.MIGRATIONS[:4]:
        for statement in statements:
            conn.execute(statement)
    conn.execute("insert into schema_version select range, current_timestamp from range(1, 5)")
    conn.close()
    side = duckdb.connect(str(old_audit_path(path)))
    side.execute("create table audit (id integer, at_utc timestamp, actor varchar, action varchar, subject varchar,"
                 " sha256 varchar, outcome varchar, detail varchar)")
    side.execute("insert into audit values (1, '2026-10-01 08:00', 'lan', 'login', null, null, 'ok', ''),"
                 " (2, '2026-10-01 08:01', 'lan', 'submission', 'a.csv', 'abc', 'rejected', '3 errors')")
    side.close()
    with store.opened(path) as conn:
        assert conn.execute('select actor, action, outcome, subject from audit_log order by "at"').fetchall() == [
            ("lan", "login", "ok", None), ("lan", "submission", "rejected", "a.csv")]
    with store.opened(path) as conn:       # once only
        assert store.one(conn, "select count(*) from audit_log")[0] == 2


def _save(at: AppTest):
    return next(b for b in at.button if b.label == "Lưu cập nhật")


def _log_in(monkeypatch, db, username, password) -> AppTest:
    monkeypatch.delenv("NQ72_AUTH", raising=False)
    monkeypatch.setenv("NQ72_DB", str(db))
    monkeypatch.setenv("NQ72_TODAY", TODAY.isoformat())
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.text_input[0].input(username)
    at.text_input[1].input(password)
    at.button[0].click().run()
    assert not at.exception
    return at


def test_a_provincial_viewer_reads_every_province(monkeypatch, db):
    """Reads are national by decision (README, About page): figures are comparisons between provinces."""
    accounts.add_user(db, "xem66", "mat-khau-dai-5", "viewer", "66")
    with store.opened(db) as conn:
        assert load(conn, csv_bytes([HEADER, ["insurance_coverage", "01", "2026-09", "96.0"],
                                     ["insurance_coverage", "66", "2026-09", "95.2"]]), "both.csv").status == "accepted"
    at = _log_in(monkeypatch, db, "xem66", "mat-khau-dai-5")
    at.switch_page("app_pages/province.py").run()
    assert at.header[0].value == "Đắk Lắk"                                   # opens on its own province
    at.selectbox(key="sel_province").select("01").run()
    assert not at.exception and at.header[0].value == "Hà Nội"               # and reads another one
    at.switch_page("app_pages/about.py").run()
    assert any("Ai xem được gì" in m.value for m in at.markdown)
