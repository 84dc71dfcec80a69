"""Issue 11: guessing passwords is throttled, export tokens open one read-only view once, exports
share one browser through a bounded queue, account names are plain and checked."""
from __future__ import annotations

import asyncio
import datetime as dt
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipelines import accounts, store
from pipelines import export as exporter
from pipelines.cli import main
from pipelines.store import Store
from pipelines.submit import submit
from tests.conftest import HEADER, csv_bytes

APP = str(Path(__file__).resolve().parent.parent / "dashboard" / "app.py")
DAK_LAK = csv_bytes([HEADER, ["insurance_coverage", "66", "2026-09", "95.2"]])


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "h.duckdb"
    store.connect(path).close()
    accounts.add_user(path, "lan", "mat-khau-dai-1", "uploader", "66")
    accounts.add_user(path, "minh", "mat-khau-dai-2", "viewer")
    return path


@pytest.fixture
def waits(monkeypatch):
    """The throttle's waits, recorded instead of slept."""
    slept: list[float] = []
    monkeypatch.setattr(accounts, "_sleep", slept.append, raising=False)
    return slept


class CountingHasher:
    """argon2's PasswordHasher, counting the verifications it is asked for."""

    def __init__(self, real):
        self.real, self.verified = real, 0

    def hash(self, password):
        return self.real.hash(password)

    def verify(self, password_hash, password):
        self.verified += 1
        return self.real.verify(password_hash, password)


def actions(db) -> list[str]:
    return list(accounts.audit_log(db)["action"])[::-1]


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


# 2. Guessing passwords ---------------------------------------------------------------------------

def test_the_form_refuses_a_name_after_ten_failures_until_a_time_it_says(monkeypatch, db, waits):
    at = _app(monkeypatch, db)
    for i in range(10):
        _log_in(at, "lan", f"wrong-password-{i}")
    _log_in(at, "lan", "mat-khau-dai-1")                 # the right password, too late
    assert not at.exception and [s.value for s in at.subheader] == ["Đăng nhập"]
    message = at.error[0].value
    assert "bị khóa đến" in message
    until = dt.datetime.strptime(message.split("khóa đến ")[1][:16], "%H:%M %d/%m/%Y")
    vietnam_now = dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(hours=7)
    assert dt.timedelta(minutes=13) < until - vietnam_now <= dt.timedelta(minutes=15)
    # A new session (or a restarted server) counts from the database: still refused.
    again = _log_in(_app(monkeypatch, db), "lan", "mat-khau-dai-1")
    assert "bị khóa đến" in again.error[0].value
    assert actions(db).count("login_locked") == 3 and "login" not in actions(db)


def test_waits_grow_from_the_fifth_failure_then_the_name_is_locked(db, waits):
    for _ in range(9):
        assert accounts.login(db, "lan", "wrong-password") is None
    with pytest.raises(accounts.Locked) as locked:
        accounts.login(db, "lan", "wrong-password")
    assert waits == [0, 0, 0, 0, 0, 1, 2, 4, 8, 16]
    assert locked.value.until.utcoffset() == dt.timedelta(hours=7)
    with pytest.raises(accounts.Locked):
        accounts.login(db, "lan", "mat-khau-dai-1")
    assert len(waits) == 10                              # a locked name is refused before any wait or hash
    log = accounts.audit_log(db)
    assert list(log[log["action"] == "login_locked"]["outcome"]) == ["refused", "locked"]
    assert accounts.delay(30) == accounts.MAX_DELAY


def test_the_lock_ends_after_fifteen_minutes(db, waits, monkeypatch):
    for _ in range(9):
        accounts.login(db, "lan", "wrong-password")
    with pytest.raises(accounts.Locked):
        accounts.login(db, "lan", "wrong-password")
    later = dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(minutes=16)
    monkeypatch.setattr(accounts, "utc_now", lambda: later)
    assert accounts.login(db, "lan", "mat-khau-dai-1").name == "lan"


def test_failures_count_per_client_too_and_a_success_clears_only_the_name(db, waits):
    for i in range(5):                                   # five names tried from one address
        accounts.login(db, f"guess{i}", "wrong-password", client="203.0.113.9")
    accounts.login(db, "lan", "wrong-password", client="203.0.113.9")
    assert waits[-1] == 1                                # the client's sixth try waits
    accounts.login(db, "lan", "wrong-password", client="198.51.100.7")
    assert waits[-1] == 0                                # another client, a name with one failure
    for _ in range(4):
        accounts.login(db, "minh", "wrong-password")
    assert accounts.login(db, "minh", "mat-khau-dai-2") is not None
    accounts.login(db, "minh", "wrong-password")
    assert waits[-1] == 0                                # the success cleared minh's count
    log = accounts.audit_log(db)
    assert set(log[log["action"] == "login_failed"]["subject"].dropna()) == {"203.0.113.9", "198.51.100.7"}


@pytest.mark.parametrize("address,key", [(None, None), ("127.0.0.1", None), ("::1", None),
                                         ("::ffff:127.0.0.1", None), ("::ffff:203.0.113.9", "203.0.113.9"),
                                         ("2001:db8::1", "2001:db8::1"), ("not an address", None)])
def test_client_keys(address, key):
    assert accounts.client_key(address) == key


def test_an_unknown_name_costs_a_hash_like_a_known_one(db, waits, monkeypatch):
    hasher = CountingHasher(accounts._HASHER)
    monkeypatch.setattr(accounts, "_HASHER", hasher)
    accounts.login(db, "lan", "wrong-password")
    accounts.login(db, "nobody", "wrong-password")
    assert hasher.verified == 2


def test_over_long_input_is_refused_unhashed_and_stored_cut(db, waits, monkeypatch):
    hasher = CountingHasher(accounts._HASHER)
    monkeypatch.setattr(accounts, "_HASHER", hasher)
    started = time.perf_counter()
    assert accounts.login(db, "x" * 1_000_000, "wrong-password") is None
    assert accounts.login(db, "lan", "p" * 1025) is None
    assert time.perf_counter() - started < 5 and hasher.verified == 0
    log = accounts.audit_log(db)
    assert log["actor"].str.len().max() <= accounts.MAX_NAME
    failed = log[log["action"] == "login_failed"]
    assert list(failed["detail"])[::-1] == ["too long: name 1000000, password 14 characters",
                                            "too long: name 3, password 1025 characters"]
    with pytest.raises(accounts.AccountError, match="1024"):
        accounts.set_password(db, "lan", "p" * 1025)


# 3. Export tokens --------------------------------------------------------------------------------

def test_an_export_token_opens_its_page_once_read_only(db):
    lan = accounts.find(db, "lan")
    token = accounts.export_token(db, lan, "/tinh")
    assert accounts.use_export_token(db, token, "/tai-du-lieu") is None      # not another page
    actor = accounts.use_export_token(db, token, "/tinh/")
    assert actor == accounts.Actor("lan", "viewer", "66", "export")
    assert accounts.use_export_token(db, token, "/tinh") is None             # used up
    log = accounts.audit_log(db)
    views = log[log["action"] == "export_view"]
    assert list(views["outcome"])[::-1] == ["refused", "ok", "refused"]
    assert list(views["detail"])[::-1] == ["path", "account", "used"]
    assert not log.astype(str).apply(lambda c: c.str.contains(token, regex=False)).any().any()  # no token kept


def test_tokens_for_many_pages_read_the_secret_once_and_each_opens_its_own_page(db, monkeypatch):
    """An export of all provinces signs a token per page: the secret is read from the database
    once (it was opened for every page), and each token still opens its page only, once."""
    reads = []
    secret = accounts._secret
    monkeypatch.setattr(accounts, "_secret", lambda *a, **k: reads.append(a) or secret(*a, **k))
    tokens = accounts.export_tokens(db, accounts.find(db, "lan"))
    made = [tokens("/tinh"), tokens("/tram-y-te"), tokens("/tinh")]
    assert len(reads) == 1 and len(set(made)) == 3
    assert [accounts.use_export_token(db, token, "/tinh") is not None for token in made] == [True, False, True]
    assert accounts.use_export_token(db, made[1], "/tram-y-te") is not None
    with pytest.raises(accounts.AccountError):
        tokens("/tai-du-lieu")


def test_only_an_account_or_the_operator_makes_tokens_and_each_token_is_timed_from_its_signing(db, monkeypatch):
    """A view an export token opened cannot make tokens of its own; a maker built early (an export
    of all provinces takes minutes) gives each page its full time from when that page is signed."""
    viewer = accounts.use_export_token(db, accounts.export_token(db, accounts.find(db, "lan"), "/tinh"), "/tinh")
    for actor in (viewer, accounts.Actor("x", "viewer", None, "demo")):
        with pytest.raises(accounts.AccountError):
            accounts.export_tokens(db, actor)
    now = [1_000_000.0]
    monkeypatch.setattr(accounts.time, "time", lambda: now[0])
    tokens = accounts.export_tokens(db, accounts.operator(), seconds=120)
    now[0] += 600                                   # ten minutes into the export
    late = tokens("/tinh")
    now[0] += 60
    assert accounts.use_export_token(db, late, "/tinh") is not None


def test_tokens_that_open_nothing(db):
    lan = accounts.find(db, "lan")
    late = accounts.export_token(db, lan, "/tinh", seconds=-1)
    assert accounts.use_export_token(db, late, "/tinh") is None
    good = accounts.export_token(db, lan, "/tinh")
    forged = good[:-3] + ("AAA" if good[-3:] != "AAA" else "BBB")
    for given in ("ŧøкен", "ŧøкен." + good.split(".")[1], forged, "x" * 5000, "", "a.b.c", "%%%.%%%"):
        assert accounts.use_export_token(db, given, "/tinh") is None, given
    for page in ("/tai-du-lieu", "/quan-tri", "/base/tai-du-lieu/"):
        with pytest.raises(accounts.AccountError):
            accounts.export_token(db, lan, page)
    accounts.remove_user(db, "lan")
    assert accounts.use_export_token(db, good, "/tinh") is None                 # account gone since


def test_the_write_door_refuses_an_export_view(db):
    viewer = accounts.use_export_token(db, accounts.export_token(db, accounts.find(db, "lan"), "/tinh"), "/tinh")
    with store.opened(db, read_only=True) as conn, pytest.raises(accounts.Refused) as refused:
        accounts.authorise(conn, viewer)
    assert refused.value.key == "refused_export"
    report = submit(Store.at(db), DAK_LAK, "x.csv", viewer)
    assert report.status == "rejected" and "read-only" in report.problems[0].message_en
    cheat = accounts.Actor("lan", "uploader", "66", "export")                   # even with a better role
    assert submit(Store.at(db), DAK_LAK, "x.csv", cheat).status == "rejected"


# 4. One browser, a bounded queue -----------------------------------------------------------------

def test_the_export_queue_draws_two_at_once_and_turns_away_beyond_six(monkeypatch):
    pool = exporter.ViewPool(running=2, waiting=4)
    drawing, most = [0], [0]

    async def draw(url):
        drawing[0] += 1
        most[0] = max(most[0], drawing[0])
        await asyncio.sleep(0.4)
        drawing[0] -= 1
        return url.encode(), b"pdf"
    monkeypatch.setattr(pool, "_draw", draw)
    start, results, heard = threading.Barrier(8), {}, {}

    def one(i):
        start.wait()
        try:
            results[i] = pool.capture(lambda: f"view-{i}", on_wait=lambda n: heard.setdefault(i, []).append(n))[0]
        except exporter.Busy:
            results[i] = "busy"
    threads = [threading.Thread(target=one, args=(i,)) for i in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=30)
    drawn = {i: r for i, r in results.items() if r != "busy"}
    assert len(drawn) == 6 and all(r == f"view-{i}".encode() for i, r in drawn.items()) and most[0] == 2
    assert sorted(max(n) for n in heard.values()) == [2, 3, 4, 5]             # N ahead, told while waiting
    assert all(n == sorted(n, reverse=True) for n in heard.values())
    assert pool._queue == []


def test_capture_view_keeps_its_shape_and_hides_tokens(monkeypatch):
    pool = exporter.ViewPool()

    async def draw(url):
        raise RuntimeError(f"Timeout 90000ms exceeded navigating to {url}")
    monkeypatch.setattr(pool, "_draw", draw)
    monkeypatch.setattr(exporter, "view_pool", lambda: pool)
    with pytest.raises(RuntimeError) as failed:
        exporter.capture_view("http://127.0.0.1:1/tinh?lang=vi&export_token=SECRET.VALUE&embed=true")
    assert "SECRET" not in str(failed.value) and "export_token=…&embed" in str(failed.value)


# 7. nq72 export --url ----------------------------------------------------------------------------

def test_the_cli_makes_a_token_the_server_accepts_for_each_page(db):
    url = exporter.with_token("http://127.0.0.1:8501/tinh?period=2026-06&province=66", db)
    token = url.split("export_token=")[1]
    actor = accounts.use_export_token(db, token, "/tinh")
    assert actor is not None and actor.kind == "export" and actor.role == "viewer"
    other = exporter.with_token("http://127.0.0.1:8501/?period=2026-06", db)
    assert accounts.use_export_token(db, other.split("export_token=")[1], "/tinh") is None


# 8. Account names --------------------------------------------------------------------------------

@pytest.mark.parametrize("name,why", [("", "empty"), (" lan", "space"), ("lan ", "space"), ("lan\u00a0", "space"),
                                      ("la\x00n", "control"), ("lan\n", "space"), ("la\u202en", "control"),
                                      ("a\u2028b", "control"), ("x" * 101, "100")])
def test_bad_account_names_are_refused(db, name, why):
    with pytest.raises(accounts.AccountError, match=why):
        accounts.add_user(db, name, "mat-khau-dai-9", "viewer")


def test_the_cli_refuses_bad_names_and_lists_national_accounts(db):
    run = CliRunner().invoke
    bad = run(main, ["user", "add", " lan2", "--role", "viewer", "--password-stdin", "--db", str(db)],
              input="mat-khau-dai-9\n")
    assert bad.exit_code == 1 and "space" in bad.output
    good = run(main, ["user", "add", "Nguyễn Thị Lan", "--role", "viewer", "--password-stdin", "--db", str(db)],
               input="mat-khau-dai-9\n")
    assert good.exit_code == 0, good.output
    listing = run(main, ["user", "list", "--db", str(db)]).output
    assert "minh\tviewer\tnational" in listing and "nan" not in listing and "Nguyễn Thị Lan\tviewer" in listing


def test_a_name_is_shown_as_plain_text(monkeypatch, db):
    name = "![x](http://127.0.0.1:9/x.png)"
    accounts.add_user(db, name, "mat-khau-dai-5", "viewer")
    at = _log_in(_app(monkeypatch, db), name, "mat-khau-dai-5")
    assert not at.exception
    assert any(name in e.value for e in at.sidebar.text)
    markdown = [e.value for e in (*at.sidebar.caption, *at.sidebar.markdown)]
    assert not any("](http" in m for m in markdown)
