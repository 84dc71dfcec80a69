"""The audit log: every log-in, submission, rejection and admin action, who, when, what, outcome.

Kept in its own file (`nq72.audit.duckdb` beside `nq72.duckdb`): a rejected file leaves the main
database exactly as it was, yet its rejection is recorded. Rows are only ever added."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from pipelines import store

MIGRATIONS: list[list[str]] = [[
    "create table schema_version (version integer not null, applied_at timestamp not null)",
    "create sequence audit_seq start 1",
    """create table audit (id integer primary key default nextval('audit_seq'), at_utc timestamp not null,
        actor varchar not null, action varchar not null, subject varchar, sha256 varchar,
        outcome varchar not null, detail varchar)""",
]]
ACTIONS = ("login", "login_failed", "logout", "submission", "user_add", "user_remove", "user_passwd")


def audit_path(db: str | Path) -> Path:
    p = Path(db)
    return p.with_name(f"{p.stem}.audit.duckdb")


def record(db: str | Path, actor: str, action: str, outcome: str, subject: str | None = None,
           sha256: str | None = None, detail: str | None = None) -> None:
    """Add one line to the log (UTC time)."""
    path = audit_path(db)
    with store.file_lock(path, shared=False), store.open_side(path, MIGRATIONS) as conn:
        conn.execute("insert into audit (at_utc, actor, action, subject, sha256, outcome, detail) values (?, ?, ?, ?, ?, ?, ?)",
                     [dt.datetime.now(dt.timezone.utc).replace(tzinfo=None), actor, action, subject, sha256, outcome,
                      (detail or "")[:2000]])


def read(db: str | Path, limit: int = 500) -> pd.DataFrame:
    """The newest lines first."""
    path = audit_path(db)
    if not path.exists():
        return pd.DataFrame(columns=["id", "at_utc", "actor", "action", "subject", "sha256", "outcome", "detail"])
    with store.file_lock(path, shared=True), store.open_side(path, MIGRATIONS, read_only=True) as conn:
        return conn.execute("select * from audit order by id desc limit ?", [limit]).df()
