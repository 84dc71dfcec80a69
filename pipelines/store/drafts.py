"""SQL of the data-entry form's drafts: what an account typed for a province and a period, not yet
submitted. Drafts are not figures: no page, export or report reads them; pipelines.entry writes them."""
from __future__ import annotations

import datetime as dt

import duckdb

from pipelines.store.connection import one, utc_now


def get(conn: duckdb.DuckDBPyConnection, user: str, province: str, period: str) -> tuple[str, dt.datetime] | None:
    """(entries as JSON, saved at, naive UTC) of one draft, if any."""
    return one(conn, "select entries, saved_at from drafts where user_name = ? and province = ? and period = ?",
               [user, province, period])


def put(conn: duckdb.DuckDBPyConnection, user: str, province: str, period: str, entries: str) -> dt.datetime:
    """Keep a draft (replacing the account's previous one for that province and period); returns when."""
    at = utc_now()
    conn.execute("insert or replace into drafts (user_name, province, period, entries, saved_at) values (?, ?, ?, ?, ?)",
                 [user, province, period, entries, at])
    return at


def delete(conn: duckdb.DuckDBPyConnection, user: str, province: str, period: str) -> None:
    conn.execute("delete from drafts where user_name = ? and province = ? and period = ?", [user, province, period])


def of_user(conn: duckdb.DuckDBPyConnection, user: str) -> list[tuple[str, str, dt.datetime]]:
    """(province, period, saved at) of every draft an account keeps, newest first."""
    return conn.execute("select province, period, saved_at from drafts where user_name = ? order by saved_at desc",
                        [user]).fetchall()
