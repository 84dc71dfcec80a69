"""The audit log (table audit_log of the main database): who did what, when, with what outcome.

Rows are only ever added. A submission's line is written in the submission's own transaction;
a rejected or refused file leaves this line as its only trace. A log-in line's subject is the
client address when one is known (failed log-ins are counted per name and per client from here);
an export token's use is a line `export_view` whose sha256 is the digest of the token's nonce."""
from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from pipelines.store.connection import one, utc_now

COLUMNS = ["id", "at", "actor", "action", "outcome", "submission_id", "subject", "sha256", "detail"]
_SELECT = ", ".join(f'"{c}"' for c in COLUMNS)  # "at" is a keyword of DuckDB's SQL
# What a line may hold: names and details come from users and files, so they are cut to size.
MAX_ACTOR, MAX_SUBJECT, MAX_DETAIL = 200, 500, 2000


def record(conn: duckdb.DuckDBPyConnection, actor: str, action: str, outcome: str, *,
           submission_id: int | None = None, subject: str | None = None, sha256: str | None = None,
           detail: str | None = None) -> None:
    conn.execute("insert into audit_log (\"at\", actor, action, outcome, submission_id, subject, sha256, detail)"
                 " values (?, ?, ?, ?, ?, ?, ?, ?)",
                 [utc_now(), (actor or "?")[:MAX_ACTOR], action, outcome, submission_id,
                  subject[:MAX_SUBJECT] if subject else None, sha256, (detail or "")[:MAX_DETAIL]])


def login_failures(conn: duckdb.DuckDBPyConnection, name: str, client: str | None,
                   since: dt.datetime) -> tuple[int, int, dt.datetime | None]:
    """Since `since`: failed log-ins of this name after its last successful log-in, failed log-ins
    from this client (any name; a success does not clear them), and when this name was last locked."""
    return one(conn, """
        with last_ok as (select max("at") as at_ok from audit_log
                         where action = 'login' and outcome = 'ok' and actor = ? and "at" >= ?)
        select count(*) filter (where action = 'login_failed' and actor = ? and coalesce("at" > at_ok, true)),
               count(*) filter (where action = 'login_failed' and subject = ?),
               max("at") filter (where action = 'login_locked' and outcome = 'locked' and actor = ?)
        from audit_log, last_ok where action in ('login_failed', 'login_locked') and "at" >= ?""",
        [name, since, name, client, name, since])


def token_used(conn: duckdb.DuckDBPyConnection, digest: str) -> bool:
    """Whether an export token of this nonce digest has already opened a view."""
    return one(conn, "select 1 from audit_log where action = 'export_view' and outcome = 'ok' and sha256 = ?",
               [digest]) is not None


def read(conn: duckdb.DuckDBPyConnection, limit: int = 500) -> pd.DataFrame:
    """The newest lines first."""
    return conn.execute(f"select {_SELECT} from audit_log order by id desc limit ?", [limit]).df()


def submissions_without_audit(conn: duckdb.DuckDBPyConnection) -> list[int]:
    """Ids of submissions with no audit line (always empty: a check for tests and operators)."""
    return [r[0] for r in conn.execute(
        "select s.id from submissions s left join audit_log a on a.submission_id = s.id"
        " where a.id is null order by s.id").fetchall()]
