"""The main database's schema: migrations, the reference tables copied in for SQL users, and
the carry-over of the audit file that older versions kept beside the database.

Tables (documented for analysts in README.md):
  submissions       one row per accepted file (who, when, SHA-256, scope, rows)
  indicator_values  every value ever accepted, with its submission: the full history
  latest            the newest value per (indicator, area_code, period), kept by the loads
  current_values    view over `latest`: what the dashboard shows
  plan_tasks, task_updates   the plans' tasks and their status updates
  users             local accounts (Argon2id hashes)
  audit_log         every submission (accepted, unchanged, rejected, refused), log-in and account change
  corrections       changed values for closed periods: pending until an admin approves (then loaded
                    as a submission) or rejects them; never read as current figures
  drafts            what an account has typed in the data-entry form, not yet submitted (not figures)
  areas, indicators reference copies for SQL users; meta: key/value facts (e.g. synthetic)
"""
from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from data import geography
from indicators.catalogue import catalogue
from indicators.tasks import plan_tasks
from pipelines.store.connection import Migrations, transaction

# Each migration moves the schema from version N-1 to N. Never edit one that has shipped.
MIGRATIONS: Migrations = [
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
MIGRATIONS.append([  # 5: the audit log joins the store, so a submission and its audit line commit together
    "create sequence audit_seq start 1",
    """create table audit_log (id bigint primary key default nextval('audit_seq'), "at" timestamp not null,
        actor varchar not null, action varchar not null, outcome varchar not null, submission_id integer,
        subject varchar, sha256 varchar, detail varchar)""",
])
MIGRATIONS.append([  # 6: drafts of the data-entry form, kept per account, province and period (issue 16)
    """create table drafts (user_name varchar not null, province varchar not null, period varchar not null,
        entries varchar not null, saved_at timestamp not null, primary key (user_name, province, period))""",
])
MIGRATIONS.append([  # 7: corrections to closed periods, held until an admin decides (issue 16)
    "create sequence correction_seq start 1",
    """create table corrections (id integer primary key default nextval('correction_seq'),
        indicator varchar not null, area_code varchar not null, period varchar not null,
        granularity varchar not null, value double not null, numerator double, denominator double,
        note varchar, previous_value double, file_name varchar not null, sha256 varchar not null,
        row_number integer not null, user_name varchar not null, received_at timestamp not null,
        status varchar not null, decided_by varchar, decided_at timestamp, submission_id integer)""",
])
SCHEMA_VERSION = len(MIGRATIONS)
AUDIT_MIGRATION = 5


def old_audit_path(db: Path) -> Path:
    """Where versions before the audit_log table kept the log: nq72.audit.duckdb beside nq72.duckdb."""
    return db.with_name(f"{db.stem}.audit.duckdb")


def after_migration(db: Path):
    """What runs once after migrations were applied to the main database at `db`."""
    def run(conn: duckdb.DuckDBPyConnection, from_version: int) -> None:
        refresh_reference(conn)
        if from_version < AUDIT_MIGRATION:
            carry_over_audit_file(conn, old_audit_path(db))
    return run


def carry_over_audit_file(conn: duckdb.DuckDBPyConnection, old: Path) -> int:
    """Copy the lines of an older audit file into audit_log (the file itself is left as it was)."""
    if not old.exists():
        return 0
    try:
        with duckdb.connect(str(old), read_only=True) as side:
            lines = side.execute("select at_utc, actor, action, outcome, subject, sha256, detail"
                                 " from audit order by id").df()
    except duckdb.Error:
        return 0  # unreadable: nothing to carry; the file stays for an operator to look at
    with transaction(conn):
        conn.register("old_audit", lines)
        conn.execute("insert into audit_log (\"at\", actor, action, outcome, subject, sha256, detail)"
                     " select at_utc, actor, action, outcome, subject, sha256, detail from old_audit")
        conn.unregister("old_audit")
    return len(lines)


def refresh_reference(conn: duckdb.DuckDBPyConnection) -> None:
    """Copy areas, indicator names and plan tasks into the database for people who query it with SQL."""
    areas = geography.areas()[["code", "name", "level", "province_code"]]
    inds = pd.DataFrame([{"code": i.code, "name_vi": i.name.vi, "name_en": i.name.en, "unit": i.unit,
                          "direction": i.direction} for i in catalogue().indicators])
    tasks = plan_tasks()[["task_id", "document", "document_vi", "group_no", "group_title", "task_no", "task",
                          "lead_unit", "partner_units", "output", "deadline_text", "deadline_kind",
                          "deadline_date", "note"]]
    with transaction(conn):
        for table, frame in (("areas", areas), ("indicators", inds), ("plan_tasks", tasks)):
            conn.execute(f"delete from {table}")  # table names are the constants above
            conn.register("reference_df", frame)
            conn.execute(f"insert into {table} select * from reference_df")
            conn.unregister("reference_df")
