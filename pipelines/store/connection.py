"""Opening a DuckDB file: always under the file lock, waiting (with backoff) for other programs,
migrated by the one routine every file of the product shares."""
from __future__ import annotations

import datetime as dt
import fcntl
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from pipelines.settings import settings

Migrations = list[list[str]]


class StoreError(Exception):
    """A database problem to show a user (busy, damaged, unwritable, newer schema)."""


def one(conn: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> tuple | None:
    """First row of a query, fully consumed: DuckDB 2 refuses register() while a result is half-read."""
    rows = conn.execute(sql, params or []).fetchall()
    return rows[0] if rows else None


@contextmanager
def transaction(conn: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """Commit at the end of the block, roll back on any error (a kill leaves nothing behind)."""
    conn.execute("begin transaction")
    try:
        yield conn
        conn.execute("commit")
    except BaseException:
        conn.execute("rollback")
        raise


def schema_version(conn: duckdb.DuckDBPyConnection) -> int:
    """The file's schema version, 0 for a new file. Asked directly, not through information_schema,
    whose views cost each new connection ~10 ms (a third of opening one). Needs the connection's
    replacement scans off (_CONFIG): else a missing table would be looked up among Python names."""
    try:
        return one(conn, "select coalesce(max(version), 0) from schema_version")[0]
    except duckdb.CatalogException:  # no such table yet
        return 0


def migrate(conn: duckdb.DuckDBPyConnection, migrations: Migrations,
            after: Callable[[duckdb.DuckDBPyConnection, int], None] | None = None) -> int:
    """Apply every migration newer than the file, each in its own transaction; `after(conn, from_version)`
    runs once when anything was applied. Returns the version reached."""
    current, target = schema_version(conn), len(migrations)
    if current > target:
        raise StoreError(f"database schema v{current} is newer than this nq72 (v{target}); upgrade nq72")
    for version in range(current + 1, target + 1):
        with transaction(conn):
            for statement in migrations[version - 1]:
                conn.execute(statement)
            conn.execute("insert into schema_version values (?, current_timestamp)", [version])
    if current < target and after is not None:
        after(conn, current)
    return target


_PID = re.compile(r"PID (\d+)")
# A table name that is not in the file is an error, never a Python variable of the caller's that
# happens to share it (DuckDB's replacement scans): frames are given to SQL by conn.register only.
_CONFIG = {"python_enable_replacements": False}
# One duckdb.connect at a time in a process. DuckDB 2.0 can hand a thread the instance of a file
# that another thread is still creating, before the Python package has registered its scans on it:
# the first registered frame then fails with "Table Function with name pandas_scan does not exist"
# (7 in 17,000 opens from two threads; none in 17,000 with this lock). A connect takes milliseconds.
_CONNECTING = threading.Lock()


def _connect_waiting(path: Path, read_only: bool) -> duckdb.DuckDBPyConnection:
    """duckdb.connect, waiting with backoff while another program holds DuckDB's own lock (one
    writing process or several reading ones, never both)."""
    deadline = time.monotonic() + settings().lock_wait
    delay = 0.05
    while True:
        try:
            if not read_only:
                path.parent.mkdir(parents=True, exist_ok=True)
            with _CONNECTING:
                return duckdb.connect(str(path), read_only=read_only, config=_CONFIG)
        except duckdb.IOException as exc:
            text = str(exc)
            if "lock" not in text.lower():
                raise StoreError(_damaged_or_unreadable(path, text)) from None
            if time.monotonic() > deadline:
                pid = _PID.search(text)
                who = f" (PID {pid.group(1)})" if pid else ""
                raise StoreError(f"the database {path} is in use by another program{who}; "
                                 f"waited {settings().lock_wait:.0f} s, try again later") from None
        except duckdb.Error as exc:  # not a database file, or a damaged one
            raise StoreError(_damaged_or_unreadable(path, str(exc))) from None
        except OSError as exc:  # a read-only or missing place for the file
            raise StoreError(f"cannot open {path}: {exc.strerror or exc}") from None
        time.sleep(delay)
        delay = min(delay * 2, 1.0)


def _damaged_or_unreadable(path: Path, text: str) -> str:
    first = text.splitlines()[0][:200] if text else "unknown error"
    if any(w in text.lower() for w in ("not a valid duckdb", "corrupt", "checksum", "could not read enough")):
        return f"the database {path} is damaged ({first}); restore it from a backup"
    return f"cannot open {path}: {first}"


def _flock(handle, mode: int, path: Path, deadline: float) -> None:
    delay = 0.01
    while True:
        try:
            fcntl.flock(handle, mode | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() > deadline:
                raise StoreError(f"the database {path} is in use by another nq72 program for more than "
                                 f"{settings().lock_wait:.0f} s; try again later") from None
            time.sleep(delay)
            delay = min(delay * 2, 0.5)


@contextmanager
def file_lock(path: Path, shared: bool) -> Iterator[None]:
    """An advisory lock on '<db>.lock' held for a connection's whole life, close included.

    DuckDB's own lock is released before a closing writer has finished with the file (it may
    still truncate it), so a process opening right then can read a torn file ("Could not read
    enough bytes"). Writers take this lock exclusively, readers shared; both wait (bounded).
    A writer first takes '<db>.gate', which readers pass through on their way in: a waiting
    writer holds new readers back, so a stream of readers cannot starve it."""
    try:
        handle = open(path.with_name(path.name + ".lock"), "a+b")  # noqa: SIM115 - held until the block ends
        gate = open(path.with_name(path.name + ".gate"), "a+b")  # noqa: SIM115
    except OSError:
        yield  # nowhere to keep a lock (read-only place): DuckDB's own lock still applies
        return
    deadline = time.monotonic() + settings().lock_wait
    try:
        if shared:
            _flock(gate, fcntl.LOCK_SH, path, deadline)
            _flock(handle, fcntl.LOCK_SH, path, deadline)
            fcntl.flock(gate, fcntl.LOCK_UN)
        else:
            _flock(gate, fcntl.LOCK_EX, path, deadline)
            _flock(handle, fcntl.LOCK_EX, path, deadline)
        yield
    finally:
        handle.close()  # closing releases the locks
        gate.close()


def connect_file(path: Path, migrations: Migrations, read_only: bool = False,
                 after: Callable[[duckdb.DuckDBPyConnection, int], None] | None = None,
                 missing: str = "no database at {path}") -> duckdb.DuckDBPyConnection:
    """Open one DuckDB file of the product (no file lock: see open_file); a writer creates and
    migrates it, a reader needs it to exist at the current schema."""
    if read_only and not path.exists():
        raise StoreError(missing.format(path=path))
    conn = _connect_waiting(path, read_only)
    try:
        if not read_only:
            migrate(conn, migrations, after)
        elif schema_version(conn) < len(migrations):
            raise StoreError(f"database {path} has an older schema; open it once with `nq72 ingest` or `nq72 demo`")
    except duckdb.Error as exc:
        conn.close()
        raise StoreError(_damaged_or_unreadable(path, str(exc))) from None
    except BaseException:
        conn.close()
        raise
    return conn


@contextmanager
def open_file(path: Path, migrations: Migrations, read_only: bool = False,
              after: Callable[[duckdb.DuckDBPyConnection, int], None] | None = None,
              missing: str = "no database at {path}") -> Iterator[duckdb.DuckDBPyConnection]:
    """The one way to open a file of the product: under its file lock, for a `with` block."""
    with file_lock(path, shared=read_only):
        conn = connect_file(path, migrations, read_only, after, missing)
        try:
            yield conn
        finally:
            conn.close()


def utc_now() -> dt.datetime:
    """Naive UTC, as every timestamp column of the product stores it."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)
