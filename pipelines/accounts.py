"""Local accounts, roles and who may write what, checked at the door of every write.

Roles: viewer (national, or one province), uploader (one province, or national), admin
(everything). Passwords are stored as Argon2id hashes (argon2-cffi: salted, slow, the Password
Hashing Competition winner) and never leave this module in clear. A session carries a stamp of
the hash it logged in with: a changed password ends every session opened before the change."""
from __future__ import annotations

import getpass
import hashlib
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from data import geography
from pipelines import store
from pipelines.store import accounts as users
from pipelines.store import audit

ROLES = ("viewer", "uploader", "admin")
_HASHER = PasswordHasher()
MIN_PASSWORD = 10
# Whose plan a task belongs to: only that body's accounts (and admins) update its tasks.
# Cần Thơ's plan 172/KH-UBND is the province's (92); the ministry's (MOST) and the union's
# (VUSTA) plans are national bodies' plans, updated by national accounts.
PLAN_BODY: dict[str, str | None] = {"CANTHO": "92", "MOST": None, "VUSTA": None}


class AccountError(Exception):
    """A refused account operation (bad role, unknown user, weak password)."""


class Refused(Exception):
    """A write refused because of who asks: a message key of pipelines.messages and its parameters."""

    def __init__(self, key: str, **params: object):
        super().__init__(key)
        self.key, self.params = key, params


@dataclass(frozen=True)
class Actor:
    """Who acts: an account (looked up again at every write), the operator at the server's shell
    (who holds the database file anyway), or nobody (a viewer, never an admin)."""

    name: str
    role: str
    province: str | None = None
    kind: str = "account"          # account | operator | anonymous
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
    raises Refused for nobody, a removed account or a session older than the password."""
    if actor.kind == "operator":
        return actor
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


def _password_ok(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"the password needs at least {MIN_PASSWORD} characters")


def add_user(db: str | Path, username: str, password: str, role: str, province: str | None = None,
             by: str = "operator") -> None:
    """Create an account (an uploader or viewer without a province is national)."""
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


def login(db: str | Path, username: str, password: str) -> Actor | None:
    """The account when the password matches; recorded either way in the audit log."""
    with store.opened(db, read_only=True) as conn:
        row = users.find(conn, username)
    ok = False
    if row is not None:
        try:
            ok = _HASHER.verify(row[3], password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            ok = False
    record(db, username or "?", "login" if ok else "login_failed", "ok" if ok else "refused")
    return _account(row) if ok else None


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
