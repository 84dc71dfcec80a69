"""Local accounts, roles and who may write what, checked at the door of every write.

Roles: viewer (national, or one province), uploader (one province, or national), admin
(everything). Passwords are stored as Argon2id hashes (argon2-cffi: salted, slow, the Password
Hashing Competition winner) and never leave this module in clear. A session carries a stamp of
the hash it logged in with: a changed password ends every session opened before the change.

Failed log-ins are counted in the audit log (so the count holds across sessions and restarts), per
name and per client: from the 5th the answer waits longer each time, at the 10th in 15 minutes the
name is refused for 15 minutes. An unknown name costs what a wrong password costs.

An export token (the Export button, `nq72 export --url`) opens one read-only view of one page, once:
HMAC-signed with a secret kept in the database's meta table, so the CLI beside the database can make
one the server accepts; its nonce is used up in the audit log."""
from __future__ import annotations

import base64
import binascii
import datetime as dt
import functools
import getpass
import hashlib
import hmac
import ipaddress
import json
import secrets
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from data import geography
from pipelines import store
from pipelines.settings import VIETNAM
from pipelines.store import accounts as users
from pipelines.store import audit
from pipelines.store.connection import utc_now

ROLES = ("viewer", "uploader", "admin")
_HASHER = PasswordHasher()
MIN_PASSWORD = 10
MAX_NAME, MAX_PASSWORD = 100, 1024         # longer is refused unhashed
WINDOW = dt.timedelta(minutes=15)          # failures are counted over this window; a lock lasts as long
DELAY_AFTER, LOCK_AFTER, MAX_DELAY = 5, 10, 30.0
EXPORT_SECONDS = 120
NO_EXPORT = ("/tai-du-lieu", "/nhap-so-lieu", "/quan-tri")  # the Upload, Enter figures and Admin pages: never opened by a token
_EXPORT_SECRET = "export_secret"           # key of the meta table
_sleep = time.sleep                         # tests replace it
# Whose plan a task belongs to: only that body's accounts (and admins) update its tasks.
# Cần Thơ's plan 172/KH-UBND is the province's (92); the ministry's (MOST) and the union's
# (VUSTA) plans are national bodies' plans, updated by national accounts.
PLAN_BODY: dict[str, str | None] = {"CANTHO": "92", "MOST": None, "VUSTA": None}


class AccountError(Exception):
    """A refused account operation (bad role, unknown user, weak password)."""


class Locked(Exception):
    """Too many failed log-ins of one name: refused until `until` (Vietnam time)."""

    def __init__(self, until: dt.datetime):
        super().__init__(f"locked until {until:%Y-%m-%d %H:%M}")
        self.until = until


class Refused(Exception):
    """A write refused because of who asks: a message key of pipelines.messages and its parameters."""

    def __init__(self, key: str, **params: object):
        super().__init__(key)
        self.key, self.params = key, params


@dataclass(frozen=True)
class Actor:
    """Who acts: an account (looked up again at every write), the operator at the server's shell
    (who holds the database file anyway), nobody (a viewer, never an admin), or the server's
    headless browser drawing one view for an export (a viewer, refused at every write)."""

    name: str
    role: str
    province: str | None = None
    kind: str = "account"          # account | operator | anonymous | export
    stamp: str | None = None       # digest of the password hash the session was opened with

    @property
    def can_upload(self) -> bool:
        return self.role in ("uploader", "admin")


ANONYMOUS = Actor("anonymous", "viewer", kind="anonymous")


def operator(name: str | None = None) -> Actor:
    """The person at the server's shell (the CLI without --user, a demo with log-in off)."""
    if name is None:
        try:
            name = getpass.getuser()
        except (KeyError, OSError):
            name = "operator"
    return Actor(name, "admin", None, "operator")


def _stamp(password_hash: str) -> str:
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


def _account(row: tuple) -> Actor:
    return Actor(row[0], row[1], row[2], "account", _stamp(row[3]))


def authorise(conn: duckdb.DuckDBPyConnection, actor: Actor) -> Actor:
    """The actor as the database knows it now (role and province as they are at this moment);
    raises Refused for nobody, an export view, a removed account or a session older than the password."""
    if actor.kind == "operator":
        return actor
    if actor.kind == "export":
        raise Refused("refused_export", name=actor.name)
    if actor.kind != "account":
        raise Refused("refused_no_session")
    row = users.find(conn, actor.name)
    if row is None:
        raise Refused("refused_account_gone", name=actor.name)
    current = _account(row)
    if actor.stamp is not None and actor.stamp != current.stamp:
        raise Refused("refused_session_ended", name=actor.name)
    return current


def figures_scope(actor: Actor, asked: str | None) -> str | None:
    """The province an actor's figures are checked against (None: any); raises Refused."""
    if not actor.can_upload:
        raise Refused("refused_viewer", name=actor.name)
    if actor.role == "uploader" and actor.province is not None:
        if asked not in (None, actor.province):
            raise Refused("refused_other_province", name=actor.name, province=actor.province)
        return actor.province
    return asked


def check_plans(actor: Actor, documents: set[str]) -> None:
    """Raises Refused unless the actor may update tasks of every plan in `documents`."""
    if not actor.can_upload:
        raise Refused("refused_viewer", name=actor.name)
    if actor.role == "admin":
        return
    for document in sorted(documents):
        if PLAN_BODY.get(document, "?") != actor.province:
            raise Refused("refused_other_plan", name=actor.name, plan=document)


def may_update(actor: Actor, task_id: str) -> bool:
    """Whether the actor may update this task (its id starts with its plan: CANTHO-I-1)."""
    try:
        check_plans(actor, {task_id.split("-", 1)[0]})
    except Refused:
        return False
    return True


def _check(role: str, province: str | None) -> str | None:
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}")
    if province is not None:
        province = geography.normalise_code(province)
        if province not in set(geography.provinces()["code"]):
            raise AccountError(f"'{province}' is not one of the 34 province codes")
    if role == "admin" and province is not None:
        raise AccountError("an admin is national: no --province")
    return province


def valid_name(username: str) -> str:
    """The name as stored (NFC); raises AccountError for an empty or over-long name, outer spaces,
    or control and format characters (which would hide what the name shows)."""
    name = unicodedata.normalize("NFC", username)
    if not name:
        raise AccountError("the name is empty")
    if name != name.strip():
        raise AccountError("the name starts or ends with a space")
    if len(name) > MAX_NAME:
        raise AccountError(f"the name has more than {MAX_NAME} characters")
    if any(unicodedata.category(c)[0] == "C" or unicodedata.category(c) in ("Zl", "Zp") for c in name):
        raise AccountError("the name holds a control character")
    return name


def _password_ok(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"the password needs at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise AccountError(f"the password has more than {MAX_PASSWORD} characters")


def add_user(db: str | Path, username: str, password: str, role: str, province: str | None = None,
             by: str = "operator") -> None:
    """Create an account (an uploader or viewer without a province is national)."""
    username = valid_name(username)
    province = _check(role, province)
    _password_ok(password)
    with store.opened(db) as conn, store.transaction(conn):
        if users.exists(conn, username):
            raise AccountError(f"user '{username}' exists")
        users.insert(conn, username, _HASHER.hash(password), role, province)
        audit.record(conn, by, "user_add", "ok", subject=username, detail=f"{role} {province or 'national'}")


def remove_user(db: str | Path, username: str, by: str = "operator") -> None:
    with store.opened(db) as conn, store.transaction(conn):
        if not users.exists(conn, username):
            raise AccountError(f"no user '{username}'")
        users.delete(conn, username)
        audit.record(conn, by, "user_remove", "ok", subject=username)


def set_password(db: str | Path, username: str, password: str, by: str = "operator") -> None:
    _password_ok(password)
    with store.opened(db) as conn, store.transaction(conn):
        if not users.exists(conn, username):
            raise AccountError(f"no user '{username}'")
        users.set_hash(conn, username, _HASHER.hash(password))
        audit.record(conn, by, "user_passwd", "ok", subject=username)


def list_users(db: str | Path) -> pd.DataFrame:
    with store.opened(db, read_only=True) as conn:
        return users.listing(conn)


def find(db: str | Path, username: str) -> Actor | None:
    """The registered account of that name, if any."""
    with store.opened(db, read_only=True) as conn:
        row = users.find(conn, username)
    return _account(row) if row else None


def still_valid(db: str | Path, actor: Actor) -> Actor | None:
    """A session's actor as it is now, or None when the account is gone or its password changed."""
    if actor.kind != "account":
        return actor if actor.kind == "operator" else None
    try:
        with store.opened(db, read_only=True) as conn:
            return authorise(conn, actor)
    except (Refused, store.StoreError):  # fail closed: a database that cannot be read logs nobody in
        return None


def login(db: str | Path, username: str, password: str, client: str | None = None) -> Actor | None:
    """The account when the password matches; recorded either way in the audit log (with the
    client address). Raises Locked while the name is refused after too many failures."""
    client = client_key(client)
    if len(username) > MAX_NAME or len(password) > MAX_PASSWORD:  # refused unhashed, stored cut
        if Path(db).exists():
            _audit(db, (username[:MAX_NAME] or "?", "login_failed", "refused", client,
                        f"too long: name {len(username)}, password {len(password)} characters"))
        return None
    username = unicodedata.normalize("NFC", username)
    dummy = _dummy_hash()
    now = utc_now()
    with store.opened(db, read_only=True) as conn:
        row = users.find(conn, username)
        by_name, by_client, locked_at = audit.login_failures(conn, username, client, now - WINDOW)
    if locked_at is not None:
        until = locked_at + WINDOW
        _audit(db, (username or "?", "login_locked", "refused", client, f"until {until:%Y-%m-%d %H:%M:%S} UTC"))
        raise Locked(_vietnam(until))
    _sleep(delay(max(by_name, by_client)))
    # An unknown name is checked against a dummy hash: it costs what a wrong password costs.
    ok = _verify(row[3] if row is not None else dummy, password) and row is not None
    if ok:
        _audit(db, (username, "login", "ok", client, None))
        return _account(row)
    locks, until = by_name + 1 >= LOCK_AFTER, utc_now() + WINDOW
    lines = [(username or "?", "login_failed", "refused", client, None)]
    if locks:
        lines.append((username or "?", "login_locked", "locked", client,
                      f"{by_name + 1} failures in {WINDOW.seconds // 60} min; until {until:%Y-%m-%d %H:%M:%S} UTC"))
    _audit(db, *lines)
    if locks:
        raise Locked(_vietnam(until))
    return None


def delay(failures: int) -> float:
    """Seconds an attempt waits before its password is checked, after that many recent failures
    of its name or its client: none for the first 5, then 1, 2, 4, 8, 16 ... up to 30."""
    return 0.0 if failures < DELAY_AFTER else min(2.0 ** (failures - DELAY_AFTER), MAX_DELAY)


def client_key(address: str | None) -> str | None:
    """The client address failures are counted under; None when unknown or loopback (a local
    test, or every user behind a reverse proxy on the same host: then the name alone counts)."""
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return None
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return None if ip.is_loopback else str(ip)


@functools.cache
def _dummy_hash() -> str:
    return _HASHER.hash(secrets.token_urlsafe(16))


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _HASHER.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def _vietnam(utc: dt.datetime) -> dt.datetime:
    return utc.replace(tzinfo=dt.UTC).astimezone(VIETNAM)


def _audit(db: str | Path, *lines: tuple[str, str, str, str | None, str | None]) -> None:
    """Audit lines (actor, action, outcome, subject, detail) in one transaction."""
    with store.opened(db) as conn, store.transaction(conn):
        for actor, action, outcome, subject, detail in lines:
            audit.record(conn, actor, action, outcome, subject=subject, detail=detail)


def export_token(db: str | Path, actor: Actor, path: str, seconds: float = EXPORT_SECONDS) -> str:
    """A token that opens the page at `path` once, read-only, as `actor` sees it, within `seconds`."""
    path = _page(path)
    if path.endswith(NO_EXPORT):   # refused before the database is opened for the secret
        raise AccountError(f"{path} is not exported")
    return export_tokens(db, actor, seconds)(path)


def export_tokens(db: str | Path, actor: Actor, seconds: float = EXPORT_SECONDS) -> Callable[[str], str]:
    """export_token for many pages (an export of all provinces): the secret is read once, not
    from the database for every page."""
    if actor.kind not in ("account", "operator"):
        raise AccountError(f"a {actor.kind} session cannot make an export token")
    secret = _secret(db, create=True)

    def token(path: str) -> str:
        path = _page(path)
        if path.endswith(NO_EXPORT):
            raise AccountError(f"{path} is not exported")
        claims = {"p": path, "e": int(time.time() + seconds), "n": secrets.token_urlsafe(16),
                  "u": actor.name, "v": actor.province, "k": actor.kind}
        body = _b64(json.dumps(claims, separators=(",", ":")).encode())
        return f"{body}.{_b64(hmac.digest(secret, body.encode(), 'sha256'))}"
    return token


def use_export_token(db: str | Path, token: str, path: str) -> Actor | None:
    """The read-only actor of an export view when `token` was made for `path`, is in time and
    unused (it is used up here, audited as export_view); None otherwise."""
    if (claims := _signed_claims(db, token)) is None:
        return None
    digest = hashlib.sha256(str(claims["n"]).encode()).hexdigest()
    path = _page(path)
    why = ("path" if claims["p"] != path or path.endswith(NO_EXPORT)
           else "expired" if claims["e"] < time.time() else None)
    with store.opened(db) as conn, store.transaction(conn):
        if why is None and audit.token_used(conn, digest):
            why = "used"
        if why is None and claims["k"] == "account" and not users.exists(conn, claims["u"]):
            why = "account gone"
        audit.record(conn, claims["u"], "export_view", "refused" if why else "ok", subject=path,
                     sha256=digest, detail=why or claims["k"])
    return None if why else Actor(claims["u"], "viewer", claims["v"], "export")


def _signed_claims(db: str | Path, token: str) -> dict | None:
    """What a token says, when this database's secret signed it (bytes compared: a token that is
    not ASCII, not two parts or not base64 is simply no token)."""
    if len(token) > 2000:
        return None
    try:
        body, signature = token.encode("ascii").split(b".")
        secret = _secret(db, create=False)
        if secret is None or not hmac.compare_digest(hmac.digest(secret, body, "sha256"), _unb64(signature)):
            return None
        return json.loads(_unb64(body))
    except (UnicodeError, ValueError, binascii.Error):
        return None


def _page(path: str) -> str:
    return path.rstrip("/") or "/"


def _secret(db: str | Path, create: bool) -> bytes | None:
    with store.opened(db, read_only=True) as conn:
        value = store.get_meta(conn, _EXPORT_SECRET)
    if value is None and create:
        with store.opened(db) as conn, store.transaction(conn):
            value = store.get_meta(conn, _EXPORT_SECRET)
            if value is None:
                value = secrets.token_hex(32)
                store.set_meta(conn, _EXPORT_SECRET, value)
    return bytes.fromhex(value) if value else None


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(raw: bytes) -> bytes:
    return base64.urlsafe_b64decode(raw + b"=" * (-len(raw) % 4))


def record(db: str | Path, actor: str, action: str, outcome: str, subject: str | None = None,
           detail: str | None = None) -> None:
    """One audit line on its own (log-ins, log-outs); submissions are audited by pipelines.submit."""
    with store.opened(db) as conn, store.transaction(conn):
        audit.record(conn, actor, action, outcome, subject=subject, detail=detail)


def audit_log(db: str | Path, limit: int = 500) -> pd.DataFrame:
    """The newest audit lines first (an empty frame when there is no database yet)."""
    if not Path(db).exists():
        return pd.DataFrame(columns=audit.COLUMNS)
    with store.opened(db, read_only=True) as conn:
        return audit.read(conn, limit)
