"""Where quality runs are kept: a DuckDB file beside the main one (nq72.duckdb -> nq72.quality.duckdb).

A file of its own, so that a quality run started after a submission only ever reads the main
database, briefly, and never takes its write lock from an uploader."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from pipelines import store

MIGRATIONS: list[list[str]] = [
    [
        "create table schema_version (version integer not null, applied_at timestamp not null)",
        "create sequence quality_run_seq start 1",
        """create table quality_runs (
            id integer primary key default nextval('quality_run_seq'), started_at timestamp not null,
            finished_at timestamp not null, trigger varchar not null, scope varchar not null,
            period varchar, data_version integer not null, values_checked bigint not null,
            flags integer not null, success boolean not null, query_seconds double,
            checks_seconds double, gx_seconds double, docs_path varchar)""",
        """create table quality_flags (
            run_id integer not null, check_name varchar not null, indicator varchar,
            area_code varchar not null, period varchar not null, value double, measure double,
            message_vi varchar not null, message_en varchar not null)""",
        """create table quality_reporting (
            run_id integer not null, province_code varchar not null, period varchar not null,
            granularity varchar not null, expected integer not null, received integer not null,
            on_time integer not null, completeness double not null, timeliness double not null,
            deadline date not null)""",
        """create table quality_scores (
            run_id integer not null, province_code varchar not null, completeness double,
            timeliness double, flagged_share double, flags integer not null, score double)""",
    ],
]


def results_path(db: str | Path) -> Path:
    p = Path(db)
    return p.with_name(f"{p.stem}.quality.duckdb")


def docs_path(db: str | Path) -> Path:
    p = Path(db)
    return p.with_name(f"{p.stem}_quality_docs")


def connect(db: str | Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """The results file of a main database; created and migrated by a writer."""
    try:
        return store.open_side(results_path(db), MIGRATIONS, read_only)
    except store.StoreError:
        if read_only and not results_path(db).exists():
            raise store.StoreError(f"no quality results yet at {results_path(db)}: run `nq72 quality`") from None
        raise


@dataclass
class RunRecord:
    started_at: dt.datetime
    finished_at: dt.datetime
    trigger: str
    scope: str
    period: str | None
    data_version: int
    values_checked: int
    success: bool
    query_seconds: float
    checks_seconds: float
    gx_seconds: float
    docs_path: str | None


def save_run(db: str | Path, run: RunRecord, flags: pd.DataFrame, reporting: pd.DataFrame,
             scores: pd.DataFrame) -> int:
    """Store one run and everything it found, in one transaction; history is never deleted."""
    with store.file_lock(results_path(db), shared=False), connect(db) as conn:
        conn.execute("begin transaction")
        try:
            run_id = store.one(conn,
                "insert into quality_runs (started_at, finished_at, trigger, scope, period, data_version,"
                " values_checked, flags, success, query_seconds, checks_seconds, gx_seconds, docs_path)"
                " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) returning id",
                [run.started_at, run.finished_at, run.trigger, run.scope, run.period, run.data_version,
                 run.values_checked, len(flags), run.success, run.query_seconds, run.checks_seconds,
                 run.gx_seconds, run.docs_path])[0]
            for table, frame, cols in (
                    ("quality_flags", flags, ["check_name", "indicator", "area_code", "period", "value", "measure",
                                              "message_vi", "message_en"]),
                    ("quality_reporting", reporting, ["province_code", "period", "granularity", "expected", "received",
                                                      "on_time", "completeness", "timeliness", "deadline"]),
                    ("quality_scores", scores, ["province_code", "completeness", "timeliness", "flagged_share",
                                                "flags", "score"])):
                if len(frame):
                    conn.register("incoming", frame[cols])
                    conn.execute(f"insert into {table} select ?, {', '.join(cols)} from incoming", [run_id])
                    conn.unregister("incoming")
            conn.execute("commit")
        except BaseException:
            conn.execute("rollback")
            raise
    return run_id
