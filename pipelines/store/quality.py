"""SQL of the quality-results file (nq72.duckdb -> nq72.quality.duckdb beside it).

A file of its own, so that a quality run started after a submission only ever reads the main
database, briefly, and never takes its write lock from an uploader."""
from __future__ import annotations

import duckdb
import pandas as pd

from pipelines.store.connection import Migrations, one

MIGRATIONS: Migrations = [
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
RUN_COLUMNS = ["started_at", "finished_at", "trigger", "scope", "period", "data_version", "values_checked",
               "flags", "success", "query_seconds", "checks_seconds", "gx_seconds", "docs_path"]
# Each table of a run's findings and the columns it stores (after run_id).
FINDINGS = {
    "quality_flags": ["check_name", "indicator", "area_code", "period", "value", "measure", "message_vi",
                      "message_en"],
    "quality_reporting": ["province_code", "period", "granularity", "expected", "received", "on_time",
                          "completeness", "timeliness", "deadline"],
    "quality_scores": ["province_code", "completeness", "timeliness", "flagged_share", "flags", "score"],
}


def insert_run(conn: duckdb.DuckDBPyConnection, run: dict, findings: dict[str, pd.DataFrame]) -> int:
    """One run and what it found (inside the caller's transaction); returns the run's id."""
    run_id = one(conn, f"insert into quality_runs ({', '.join(RUN_COLUMNS)}) values"
                       f" ({', '.join('?' * len(RUN_COLUMNS))}) returning id", [run[c] for c in RUN_COLUMNS])[0]
    for table, cols in FINDINGS.items():
        frame = findings.get(table)
        if frame is not None and len(frame):
            conn.register("incoming", frame[cols])
            # table and column names are the constants above, never user input
            conn.execute(f"insert into {table} select ?, {', '.join(cols)} from incoming", [run_id])
            conn.unregister("incoming")
    return run_id


def latest_run(conn: duckdb.DuckDBPyConnection) -> dict | None:
    """The newest run (a national one when there is one): its record, flags, reporting rates, scores."""
    run = conn.execute("select * from quality_runs where scope = 'national' order by id desc limit 1").df()
    if run.empty:
        run = conn.execute("select * from quality_runs order by id desc limit 1").df()
    if run.empty:
        return None
    run_id = int(run["id"].iloc[0])
    return {"run": run.iloc[0].to_dict(),
            "flags": conn.execute("select * from quality_flags where run_id = ?", [run_id]).df(),
            "reporting": conn.execute("select * from quality_reporting where run_id = ?", [run_id]).df(),
            "scores": conn.execute("select * from quality_scores where run_id = ?", [run_id]).df()}
