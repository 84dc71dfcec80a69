"""Accounts and roles enforced where figures are written, and the audit log."""
import json

import pytest
from click.testing import CliRunner

from pipelines import accounts, store
from pipelines.cli import main
from tests.conftest import HEADER, TODAY, csv_bytes, load
from tests.tables import page_tables

DAK_LAK = csv_bytes([HEADER, ["insurance_coverage", "66", "2026-09", "95.2"]])
HA_NOI = csv_bytes([HEADER, ["insurance_coverage", "01", "2026-09", "96.0"]])


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "a.duckdb"
    store.connect(path).close()
    accounts.add_user(path, "lan", "mat-khau-dai-1", "uploader", "66")
    accounts.add_user(path, "minh", "mat-khau-dai-2", "viewer")
    accounts.add_user(path, "admin", "mat-khau-dai-3", "admin")
    return path


def test_passwords_are_slow_salted_hashes(db):
    with store.opened(db, read_only=True) as conn:
        hashes = [r[0] for r in conn.execute("select password_hash from users").fetchall()]
    assert all(h.startswith("$argon2id$") for h in hashes) and len(set(hashes)) == 3
    assert "mat-khau" not in " ".join(hashes)
    assert accounts.login(db, "lan", "mat-khau-dai-1").role == "uploader"
    assert accounts.login(db, "lan", "wrong-password") is None and accounts.login(db, "nobody", "x") is None


@pytest.mark.parametrize("role,province,message", [("boss", None, "role"), ("admin", "66", "national"),
                                                   ("viewer", "99", "34 province")])
def test_account_rules(db, role, province, message):
    with pytest.raises(accounts.AccountError, match=message):
        accounts.add_user(db, "x", "mat-khau-dai-9", role, province)
    with pytest.raises(accounts.AccountError, match="10 characters"):
        accounts.add_user(db, "y", "short", "viewer")


def test_roles_are_enforced_in_the_pipeline(db):
    uploader, viewer, admin = (accounts.find(db, n) for n in ("lan", "minh", "admin"))
    with store.opened(db) as conn:
        assert load(conn, DAK_LAK, "dl.csv", actor=uploader).status == "accepted"
        other = load(conn, HA_NOI, "hn.csv", actor=uploader)
        assert other.status == "rejected" and "outside Đắk Lắk" in other.problems[0].message_en
        asked = load(conn, HA_NOI, "hn.csv", actor=uploader, scope_province="01", today=TODAY)
        assert asked.status == "rejected" and "only submit for province 66" in asked.problems[0].message_en
        refused = load(conn, DAK_LAK, "v.csv", actor=viewer, today=TODAY)
        assert refused.status == "rejected" and "viewer" in refused.problems[0].message_en
        assert load(conn, HA_NOI, "hn.csv", actor=admin, today=TODAY).status == "accepted"
        users = conn.execute("select user_name, scope from submissions order by id").fetchall()
    assert users[0] == ("lan", "66")


def test_cli_user_commands_and_audit(tmp_path):
    path = tmp_path / "c.duckdb"
    store.connect(path).close()
    run = CliRunner().invoke
    r = run(main, ["user", "add", "lan", "--role", "uploader", "--province", "66", "--password-stdin", "--db", str(path)],
            input="mat-khau-dai-1\n")
    assert r.exit_code == 0, r.output
    assert run(main, ["user", "add", "lan", "--role", "viewer", "--password-stdin", "--db", str(path)],
               input="mat-khau-dai-1\n").exit_code == 1
    assert "lan\tuploader\t66" in run(main, ["user", "list", "--db", str(path)]).output
    f = tmp_path / "hn.csv"
    f.write_bytes(HA_NOI)
    r = run(main, ["ingest", str(f), "--db", str(path), "--user", "lan", "--json"])
    assert r.exit_code == 1 and json.loads(r.stdout)["files"][0]["status"] == "rejected"
    assert run(main, ["user", "passwd", "lan", "--password-stdin", "--db", str(path)], input="mat-khau-moi-22\n").exit_code == 0
    assert accounts.login(path, "lan", "mat-khau-moi-22") is not None
    assert run(main, ["user", "remove", "lan", "--db", str(path)]).exit_code == 0
    log = accounts.audit_log(path)
    assert list(log["action"])[::-1] == ["user_add", "submission", "user_passwd", "login", "user_remove"]
    rejected = log[log["action"] == "submission"].iloc[0]
    assert rejected["actor"] == "lan" and rejected["outcome"] == "rejected" and len(rejected["sha256"]) == 64


APP = str(__import__("pathlib").Path(__file__).resolve().parent.parent / "dashboard" / "app.py")


def _app(monkeypatch, db):
    from streamlit.testing.v1 import AppTest

    monkeypatch.delenv("NQ72_AUTH", raising=False)
    monkeypatch.setenv("NQ72_DB", str(db))
    return AppTest.from_file(APP, default_timeout=120).run()


def _log_in(at, username, password):
    at.text_input[0].input(username)
    at.text_input[1].input(password)
    at.button[0].click().run()
    return at


def test_dashboard_asks_for_a_log_in(monkeypatch, db):
    at = _app(monkeypatch, db)
    assert [s.value for s in at.subheader] == ["Đăng nhập"] and not at.metric
    _log_in(at, "lan", "wrong-password-x")
    assert "Sai tên đăng nhập" in at.error[0].value
    _log_in(at, "lan", "mat-khau-dai-1")
    assert not at.exception and at.title[0].value == "Tổng quan 34 tỉnh, thành phố"
    assert not any("NQ72_AUTH=off" in c.value for c in at.caption)
    actions = list(accounts.audit_log(db)["action"])
    assert actions[:2] == ["login", "login_failed"]


def test_upload_page_follows_the_role(monkeypatch, db):
    at = _log_in(_app(monkeypatch, db), "lan", "mat-khau-dai-1")
    at.switch_page("app_pages/upload.py").run()
    scope = at.selectbox[0]
    assert scope.value == "66" and scope.disabled
    at = _log_in(_app(monkeypatch, db), "minh", "mat-khau-dai-2")
    at.switch_page("app_pages/upload.py").run()
    assert any("chỉ có quyền xem" in i.value for i in at.info)


def test_admin_page_only_for_admins(monkeypatch, db):
    at = _log_in(_app(monkeypatch, db), "admin", "mat-khau-dai-3")
    at.switch_page("app_pages/admin.py").run()
    assert not at.exception and set(page_tables(at)[0]["Tên đăng nhập"]) == {"lan", "minh", "admin"}
    assert "login" in set(at.dataframe[0].value["Thao tác"])
    at = _log_in(_app(monkeypatch, db), "lan", "mat-khau-dai-1")
    with pytest.raises(Exception):  # noqa: B017 - AppTest raises its own error for a page not in the navigation
        at.switch_page("app_pages/admin.py").run()           # not in the uploader's navigation


def test_auth_off_says_so_on_every_page(monkeypatch, db):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("NQ72_AUTH", "off")
    monkeypatch.setenv("NQ72_DB", str(db))
    at = AppTest.from_file(APP, default_timeout=120).run()
    for page in ("tasks", "about", "upload"):
        at.switch_page(f"app_pages/{page}.py").run()
        assert any("NQ72_AUTH=off" in c.value for c in at.caption), page


def test_a_provincial_account_opens_on_its_province(monkeypatch, db):
    with store.opened(db) as conn:
        load(conn, DAK_LAK + HA_NOI.split(b"\n", 1)[1], "both.csv", today=TODAY)
    at = _log_in(_app(monkeypatch, db), "lan", "mat-khau-dai-1")
    at.switch_page("app_pages/province.py").run()
    assert at.header[0].value == "Đắk Lắk"
