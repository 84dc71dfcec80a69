"""Corrections to closed periods (table corrections): an uploader's changed value for a period
that has closed waits here, pending, until an admin approves it (it is then loaded as a
submission) or rejects it. Nothing here is read by the current-values reads."""
from __future__ import annotations

import duckdb
import pandas as pd

from pipelines.store.connection import one, utc_now

COLUMNS = ["id", "indicator", "area_code", "period", "granularity", "value", "numerator", "denominator",
           "note", "previous_value", "file_name", "sha256", "row_number", "user_name", "received_at",
           "status", "decided_by", "decided_at", "submission_id"]
_SELECT = ", ".join(COLUMNS)


def stored_values(conn: duckdb.DuckDBPyConnection, rows: pd.DataFrame) -> pd.DataFrame:
    """`position` and current value of each of `rows` (indicator, area_code, period, position) whose
    key already has a current value. A position, not the spreadsheet row: a wide file's row holds
    several values."""
    conn.register("checked_rows", rows[["indicator", "area_code", "period", "position"]])
    try:
        return conn.execute(
            "select r.position, v.value as current_value from checked_rows r join current_values v"
            " on v.indicator = r.indicator and v.area_code = r.area_code and v.period = r.period").df()
    finally:
        conn.unregister("checked_rows")


def add(conn: duckdb.DuckDBPyConnection, rows: pd.DataFrame, file_name: str, sha256: str,
        user_name: str) -> dict[tuple[str, str, str], int]:
    """Store `rows` (stored columns plus previous_value) as pending corrections, each once (a file
    sent again adds none); the id of the pending correction for each row's (indicator, area, period)
    (a wide file's row holds several)."""
    conn.register("pending_rows", rows)
    try:
        conn.execute(
            "insert into corrections (indicator, area_code, period, granularity, value, numerator, denominator,"
            " note, previous_value, file_name, sha256, row_number, user_name, received_at, status)"
            " select indicator, area_code, period, granularity, value, numerator, denominator, note,"
            " previous_value, ?, ?, row_number, ?, ?, 'pending' from pending_rows p where not exists"
            " (select 1 from corrections c where c.status = 'pending' and c.indicator = p.indicator"
            " and c.area_code = p.area_code and c.period = p.period and c.value = p.value)"
            " order by row_number", [file_name, sha256, user_name, utc_now()])
        return {(i, a, p): id_ for i, a, p, id_ in conn.execute(
            "select p.indicator, p.area_code, p.period, min(c.id) from pending_rows p join corrections c"
            " on c.status = 'pending' and c.indicator = p.indicator and c.area_code = p.area_code"
            " and c.period = p.period and c.value = p.value group by p.indicator, p.area_code, p.period").fetchall()}
    finally:
        conn.unregister("pending_rows")


def listed(conn: duckdb.DuckDBPyConnection, status: str | None = "pending", user_name: str | None = None) -> pd.DataFrame:
    """Corrections, oldest first: of one status (all when None), of one sender (all when None)."""
    return conn.execute(f"select {_SELECT} from corrections where (? is null or status = ?)"
                        " and (? is null or user_name = ?) order by id",
                        [status, status, user_name, user_name]).df()


def get(conn: duckdb.DuckDBPyConnection, correction_id: int) -> dict | None:
    row = one(conn, f"select {_SELECT} from corrections where id = ?", [correction_id])
    return dict(zip(COLUMNS, row)) if row else None


def decide(conn: duckdb.DuckDBPyConnection, correction_id: int, status: str, by: str,
           submission_id: int | None = None) -> None:
    """Mark a pending correction approved (with the submission that loaded it) or rejected."""
    conn.execute("update corrections set status = ?, decided_by = ?, decided_at = ?, submission_id = ?"
                 " where id = ? and status = 'pending'", [status, by, utc_now(), submission_id, correction_id])
