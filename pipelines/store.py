"""The DuckDB store: schema and migrations, the one write path, and the queries the CLI needs.

Tables (documented for analysts in README.md):
  submissions       one row per accepted file (who, when, SHA-256, scope, rows)
  indicator_values  every value ever accepted, with its submission: the full history
  latest            the newest value per (indicator, area_code, period), kept by load_submission
  current_values    view over `latest`: what the dashboard shows
  areas, indicators reference copies for SQL users; meta: key/value facts (e.g. synthetic)
"""
from __future__ import annotations

import datetime as dt
import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from data import DEFAULT_DB, geography
from indicators.catalogue import catalogue

# Each migration moves the schema from version N-1 to N. Never edit one that has shipped.
MIGRATIONS: list[list[str]] = [
    [  # 1: submissions and the history of values
        "create table schema_version (version integer not null, applied_at timestamp not null)",
        "create sequence submission_seq start 1",
        """create table submissions (
            id integer primary key default nextval('submission_seq'),
            file_name varchar not null, sha256 varchar not null, user_name varchar not null,
            received_at timestamp not null, scope varchar not null, rows integer not null,
            status varchar not null)""",
        """create table indicator_values (
            submission_id integer not null, row_number integer not null,
            indicator varchar not null, area_code varchar not null, period varchar not null,
            granularity varchar not null, value double not null, numerator double,
            denominator double, note varchar)""",
        """create view current_values as
            select indicator, area_code, period, value, numerator, denominator, submission_id,
                   granularity, note
            from indicator_values
            qualify row_number() over (partition by indicator, area_code, period
                                       order by submission_id desc) = 1""",
    ],
    [  # 2: synthetic flag, meta, reference tables, and a maintained `latest` table for speed
        "alter table submissions add column synthetic boolean default false",
        "create table meta (key varchar primary key, value varchar not null)",
        """create table areas (code varchar primary key, name varchar not null,
            level varchar not null, province_code varchar not null)""",
        """create table indicators (code varchar primary key, name_vi varchar not null,
            name_en varchar not null, unit varchar not null, direction varchar not null)""",
        """create table latest as
            select indicator, area_code, period, value, numerator, denominator, submission_id,
                   granularity, note
            from current_values""",
        "drop view current_values",
        """create view current_values as
            select indicator, area_code, period, value, numerator, denominator, submission_id,
                   granularity, note
            from latest""",
    ],
]
MIGRATIONS.append([  # 3: the plans' tasks and their status updates
    """create table plan_tasks (task_id varchar primary key, document varchar not null,
        document_vi varchar not null, group_no varchar, group_title varchar, task_no varchar not null,
        task varchar not null, lead_unit varchar, partner_units varchar, output varchar,
        deadline_text varchar not null, deadline_kind varchar not null, deadline_date date, note varchar)""",
    """create table task_updates (submission_id integer not null, row_number integer not null,
        task_id varchar not null, period varchar not null, status varchar not null, note varchar,
        evidence_url varchar, unit varchar)""",
])
MIGRATIONS.append([  # 4: local accounts
    """create table users (username varchar primary key, password_hash varchar not null,
        role varchar not null, province varchar, created_at timestamp not null)""",
])
SCHEMA_VERSION = len(MIGRATIONS)


class StoreError(Exception):
    """A database problem to show a user (locked, read-only, newer schema)."""


def db_path(explicit: str | os.PathLike | None = None) -> Path:
    """--db, else NQ72_DB, else data/nq72.duckdb."""
    return Path(explicit or os.environ.get("NQ72_DB") or DEFAULT_DB)


def one(conn: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> tuple | None:
    """First row of a query, fully consumed: DuckDB 2 refuses register() while a result is half-read."""
    rows = conn.execute(sql, params or []).fetchall()
    return rows[0] if rows else None


def schema_version(conn: duckdb.DuckDBPyConnection) -> int:
    exists = one(conn,
        "select count(*) from information_schema.tables where table_name = 'schema_version'")[0]
    if not exists:
        return 0
    return one(conn, "select coalesce(max(version), 0) from schema_version")[0]


def migrate(conn: duckdb.DuckDBPyConnection) -> int:
    """Apply every migration newer than the database; return the version reached."""
    current = schema_version(conn)
    if current > SCHEMA_VERSION:
        raise StoreError(f"database schema v{current} is newer than this nq72 (v{SCHEMA_VERSION}); upgrade nq72")
    for version in range(current + 1, SCHEMA_VERSION + 1):
        conn.execute("begin transaction")
        for statement in MIGRATIONS[version - 1]:
            conn.execute(statement)
        conn.execute("insert into schema_version values (?, current_timestamp)", [version])
        conn.execute("commit")
    if current < SCHEMA_VERSION:
        refresh_reference(conn)
    return SCHEMA_VERSION


def refresh_reference(conn: duckdb.DuckDBPyConnection) -> None:
    """Copy areas and indicator names into the database for people who query it with SQL."""
    areas = geography.areas()[["code", "name", "level", "province_code"]]
    inds = pd.DataFrame([{"code": i.code, "name_vi": i.name.vi, "name_en": i.name.en, "unit": i.unit,
                          "direction": i.direction} for i in catalogue().indicators])
    conn.execute("begin transaction")
    conn.execute("delete from areas")
    conn.register("areas_df", areas)
    conn.execute("insert into areas select code, name, level, province_code from areas_df")
    conn.execute("delete from indicators")
    conn.register("indicators_df", inds)
    conn.execute("insert into indicators select code, name_vi, name_en, unit, direction from indicators_df")
    from indicators.tasks import plan_tasks

    tasks = plan_tasks()[["task_id", "document", "document_vi", "group_no", "group_title", "task_no", "task",
                          "lead_unit", "partner_units", "output", "deadline_text", "deadline_kind",
                          "deadline_date", "note"]]
    conn.execute("delete from plan_tasks")
    conn.register("tasks_df", tasks)
    conn.execute("insert into plan_tasks select * from tasks_df")
    conn.execute("commit")
    for name in ("areas_df", "indicators_df", "tasks_df"):
        conn.unregister(name)


LOCK_WAIT_SECONDS = float(os.environ.get("NQ72_LOCK_WAIT", "30"))


def open_with_retry(p: Path, read_only: bool) -> duckdb.DuckDBPyConnection:
    """Open a DuckDB file, waiting (bounded) while another process holds a conflicting lock:
    DuckDB allows one writing process or several reading ones, never both."""
    deadline = time.monotonic() + LOCK_WAIT_SECONDS
    delay = 0.05
    while True:
        try:
            if not read_only:
                p.parent.mkdir(parents=True, exist_ok=True)
            return duckdb.connect(str(p), read_only=read_only)
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower() or time.monotonic() > deadline:
                raise StoreError(f"cannot open {p}: {exc}") from None
        except OSError as exc:  # a read-only or missing place for the file
            raise StoreError(f"cannot open {p}: {exc.strerror or exc}") from None
            time.sleep(delay)
            delay = min(delay * 2, 1.0)


def connect(path: str | os.PathLike | None = None, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the store; a writer creates and migrates it, a reader needs it to exist."""
    p = db_path(path)
    if read_only and not p.exists():
        raise StoreError(f"no database at {p}: run `nq72 demo` or `nq72 ingest` first")
    conn = open_with_retry(p, read_only)
    if not read_only:
        migrate(conn)
    elif schema_version(conn) < SCHEMA_VERSION:
        conn.close()
        raise StoreError(f"database {p} has an older schema; open it once with `nq72 ingest` or `nq72 demo`")
    return conn


def _flock(handle, mode: int, p: Path, deadline: float) -> None:
    while True:
        try:
            fcntl.flock(handle, mode | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() > deadline:
                raise StoreError(f"{p} is busy: another process kept it for more than "
                                 f"{LOCK_WAIT_SECONDS:.0f} s; try again") from None
            time.sleep(0.02)


@contextmanager
def file_lock(p: Path, shared: bool) -> Iterator[None]:
    """An advisory lock on '<db>.lock' held for a connection's whole life, close included.

    DuckDB's own lock is released before a closing writer has finished with the file (it may
    still truncate it), so a process opening right then can read a torn file ("Could not read
    enough bytes"). Writers take this lock exclusively, readers shared; both wait (bounded).
    A writer first takes '<db>.gate', which readers pass through on their way in: a waiting
    writer holds new readers back, so a stream of readers cannot starve it."""
    try:
        handle = open(p.with_name(p.name + ".lock"), "a+b")
        gate = open(p.with_name(p.name + ".gate"), "a+b")
    except OSError:
        yield  # nowhere to keep a lock (read-only place): DuckDB's own lock still applies
        return
    deadline = time.monotonic() + LOCK_WAIT_SECONDS
    try:
        if shared:
            _flock(gate, fcntl.LOCK_SH, p, deadline)
            _flock(handle, fcntl.LOCK_SH, p, deadline)
            fcntl.flock(gate, fcntl.LOCK_UN)
        else:
            _flock(gate, fcntl.LOCK_EX, p, deadline)
            _flock(handle, fcntl.LOCK_EX, p, deadline)
        yield
    finally:
        handle.close()  # closing releases the locks
        gate.close()


@contextmanager
def opened(path: str | os.PathLike | None = None, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection for the length of a `with` block, under the file lock (see file_lock)."""
    p = db_path(path)
    with file_lock(p, shared=read_only):
        conn = connect(p, read_only)
        try:
            yield conn
        finally:
            conn.close()


def open_side(path: Path, migrations: list[list[str]], read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A DuckDB file kept beside the main one (quality results, audit log), migrated by a writer."""
    if read_only and not path.exists():
        raise StoreError(f"nothing recorded yet at {path}")
    conn = open_with_retry(path, read_only)
    if not read_only:
        version = schema_version(conn)
        for n in range(version + 1, len(migrations) + 1):
            conn.execute("begin transaction")
            for statement in migrations[n - 1]:
                conn.execute(statement)
            conn.execute("insert into schema_version values (?, current_timestamp)", [n])
            conn.execute("commit")
    return conn


@dataclass(frozen=True)
class SubmissionMeta:
    file_name: str
    sha256: str
    user_name: str
    scope: str                      # "national" or the uploader's province code
    received_at: dt.datetime | None = None
    synthetic: bool = False


def find_submission(conn: duckdb.DuckDBPyConnection, sha256: str) -> tuple[int, int] | None:
    """(id, rows) of an accepted submission with this content, if any."""
    return one(conn, "select id, rows from submissions where sha256 = ? and status = 'accepted' "
                        "order by id limit 1", [sha256])


def _insert_submission(conn: duckdb.DuckDBPyConnection, meta: SubmissionMeta, rows: int) -> int:
    """The submissions row of a load, inside the caller's transaction; returns its id."""
    received = meta.received_at or dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    return one(conn,
        "insert into submissions (file_name, sha256, user_name, received_at, scope, rows, status, synthetic)"
        " values (?, ?, ?, ?, ?, ?, 'accepted', ?) returning id",
        [meta.file_name, meta.sha256, meta.user_name, received, meta.scope, rows, meta.synthetic])[0]


@contextmanager
def _loading(conn: duckdb.DuckDBPyConnection, rows: pd.DataFrame, meta: SubmissionMeta) -> Iterator[int]:
    """One transaction around a load: the submission row, `rows` registered as `incoming`
    (through Arrow: DuckDB scans it about 3x faster than a frame of categoricals); yields the
    submission id; commits at the end, rolls back on any error."""
    conn.execute("begin transaction")
    try:
        sid = _insert_submission(conn, meta, len(rows))
        conn.register("incoming", pa.Table.from_pandas(rows, preserve_index=False))
        yield sid
        conn.execute("commit")
    except BaseException:
        conn.execute("rollback")
        raise
    finally:
        conn.unregister("incoming")


def load_submission(conn: duckdb.DuckDBPyConnection, rows: pd.DataFrame, meta: SubmissionMeta) -> int:
    """Record a submission and its values in one transaction; all or nothing. Returns its id.

    `rows` has indicator, area_code, period, granularity, value, numerator, denominator, note,
    row_number. The only function that writes values."""
    with _loading(conn, rows, meta) as sid:
        conn.execute(
            "insert into indicator_values select ?, row_number, indicator, area_code, period, granularity,"
            " value, numerator, denominator, note from incoming", [sid])
        _before_latest_update()
        conn.execute(
            "delete from latest using incoming where latest.indicator = incoming.indicator"
            " and latest.area_code = incoming.area_code and latest.period = incoming.period")
        conn.execute(
            "insert into latest select indicator, area_code, period, value, numerator, denominator,"
            " submission_id, granularity, note from indicator_values where submission_id = ?", [sid])
    return sid


def load_task_updates(conn: duckdb.DuckDBPyConnection, rows: pd.DataFrame, meta: SubmissionMeta) -> int:
    """Record a submission of task status updates in one transaction (all or nothing).

    `rows`: task_id, period, status, note, evidence_url, unit, row_number."""
    with _loading(conn, rows, meta) as sid:
        conn.execute("insert into task_updates select ?, row_number, task_id, period, status, note, evidence_url,"
                     " unit from incoming", [sid])
    return sid


def task_updates(conn: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every task update with when it was received and by whom."""
    return conn.execute(
        "select u.task_id, u.period, u.status, u.note, u.evidence_url, u.unit, s.received_at, s.user_name"
        " from task_updates u join submissions s on s.id = u.submission_id order by s.received_at").df()


def _before_latest_update() -> None:
    """Hook for tests that inject a failure in the middle of a load."""


def set_meta(conn: duckdb.DuckDBPyConnection, key: str, value: str) -> None:
    conn.execute("insert or replace into meta values (?, ?)", [key, value])


def get_meta(conn: duckdb.DuckDBPyConnection, key: str) -> str | None:
    row = one(conn, "select value from meta where key = ?", [key])
    return row[0] if row else None


def is_synthetic(conn: duckdb.DuckDBPyConnection) -> bool:
    """True when any synthetic (demo) submission is in the store."""
    return bool(one(conn, "select count(*) from submissions where synthetic")[0])
