"""SQL of the users table (local accounts). Hashing and rules live in pipelines.accounts."""
from __future__ import annotations

import duckdb
import pandas as pd

from pipelines.store.connection import one, utc_now


def find(conn: duckdb.DuckDBPyConnection, username: str) -> tuple[str, str, str | None, str] | None:
    """(username, role, province, password_hash) of an account, if it exists."""
    return one(conn, "select username, role, province, password_hash from users where username = ?", [username])


def exists(conn: duckdb.DuckDBPyConnection, username: str) -> bool:
    return one(conn, "select 1 from users where username = ?", [username]) is not None


def insert(conn: duckdb.DuckDBPyConnection, username: str, password_hash: str, role: str,
           province: str | None) -> None:
    conn.execute("insert into users (username, password_hash, role, province, created_at) values (?, ?, ?, ?, ?)",
                 [username, password_hash, role, province, utc_now()])


def delete(conn: duckdb.DuckDBPyConnection, username: str) -> None:
    conn.execute("delete from users where username = ?", [username])


def set_hash(conn: duckdb.DuckDBPyConnection, username: str, password_hash: str) -> None:
    conn.execute("update users set password_hash = ? where username = ?", [password_hash, username])


def listing(conn: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every account without its hash."""
    return conn.execute("select username, role, province, created_at from users order by username").df()
