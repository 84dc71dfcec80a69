"""Local accounts and roles, enforced where figures are written (not only by hiding pages).

Roles: viewer (national, or one province), uploader (one province: may load only its rows),
admin (everything). Passwords are stored as Argon2id hashes (argon2-cffi: salted, slow, the
Password Hashing Competition winner) and never leave this module in clear."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from data import geography
from pipelines import audit, store

ROLES = ("viewer", "uploader", "admin")
_HASHER = PasswordHasher()
MIN_PASSWORD = 10


class AccountError(Exception):
    """A refused account operation (bad role, unknown user, weak password)."""


@dataclass(frozen=True)
class Actor:
    """Who is acting: a logged-in user, or the operator at the server's shell (role admin)."""

    name: str
    role: str
    province: str | None = None

    @property
    def can_upload(self) -> bool:
        return self.role in ("uploader", "admin")


def _check(role: str, province: str | None) -> str | None:
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}")
    if province is not None:
        province = geography.normalise_code(province)
        if province not in set(geography.provinces()["code"]):
            raise AccountError(f"'{province}' is not one of the 34 province codes")
    if role == "uploader" and province is None:
        raise AccountError("an uploader belongs to one province: give --province")
    if role == "admin" and province is not None:
        raise AccountError("an admin is national: no --province")
    return province


def add_user(db: str | Path, username: str, password: str, role: str, province: str | None = None,
             by: str = "operator") -> None:
    province = _check(role, province)
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"the password needs at least {MIN_PASSWORD} characters")
    with store.opened(db) as conn:
        if store.one(conn, "select 1 from users where username = ?", [username]):
            raise AccountError(f"user '{username}' exists")
        conn.execute("insert into users values (?, ?, ?, ?, ?)",
                     [username, _HASHER.hash(password), role, province, dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)])
    audit.record(db, by, "user_add", "ok", username, detail=f"{role} {province or 'national'}")


def remove_user(db: str | Path, username: str, by: str = "operator") -> None:
    with store.opened(db) as conn:
        if not store.one(conn, "select 1 from users where username = ?", [username]):
            raise AccountError(f"no user '{username}'")
        conn.execute("delete from users where username = ?", [username])
    audit.record(db, by, "user_remove", "ok", username)


def set_password(db: str | Path, username: str, password: str, by: str = "operator") -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"the password needs at least {MIN_PASSWORD} characters")
    with store.opened(db) as conn:
        if not store.one(conn, "select 1 from users where username = ?", [username]):
            raise AccountError(f"no user '{username}'")
        conn.execute("update users set password_hash = ? where username = ?", [_HASHER.hash(password), username])
    audit.record(db, by, "user_passwd", "ok", username)


def list_users(db: str | Path) -> pd.DataFrame:
    with store.opened(db, read_only=True) as conn:
        return conn.execute("select username, role, province, created_at from users order by username").df()


def find(db: str | Path, username: str) -> Actor | None:
    """The registered user of that name, if any."""
    with store.opened(db, read_only=True) as conn:
        row = store.one(conn, "select username, role, province from users where username = ?", [username])
    return Actor(*row) if row else None


def login(db: str | Path, username: str, password: str) -> Actor | None:
    """The user when the password matches (recorded either way in the audit log)."""
    with store.opened(db, read_only=True) as conn:
        row = store.one(conn, "select username, role, province, password_hash from users where username = ?", [username])
    ok = False
    if row is not None:
        try:
            ok = _HASHER.verify(row[3], password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            ok = False
    audit.record(db, username or "?", "login" if ok else "login_failed", "ok" if ok else "refused")
    return Actor(row[0], row[1], row[2]) if ok else None
