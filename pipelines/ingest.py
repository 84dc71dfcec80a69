"""One uploaded file from bytes to a submission: read -> normalise -> check -> load."""
from __future__ import annotations

import datetime as dt
import getpass
import hashlib
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from indicators.catalogue import catalogue
from pipelines import store, task_updates
from pipelines.accounts import Actor
from pipelines.normalise import normalise
from pipelines.problems import Problem, UploadError
from pipelines.read import read_upload
from pipelines.schema import Context, check

STORED_COLUMNS = ["indicator", "area_code", "period", "granularity", "value", "numerator",
                  "denominator", "note", "row_number"]


@dataclass
class FileReport:
    file: str
    status: str                      # accepted | unchanged | rejected
    rows: int = 0
    submission_id: int | None = None
    problems: list[Problem] = field(default_factory=list)
    total_problems: int = 0
    dry_run: bool = False
    rows_frame: pd.DataFrame | None = None  # the checked rows (for previews), never serialised
    sha256: str | None = None

    def to_json(self, lang: str = "en") -> dict:
        return {"file": self.file, "status": self.status, "rows": self.rows,
                "submission_id": self.submission_id, "dry_run": self.dry_run,
                "total_errors": self.total_problems,
                "errors": [p.to_json(lang) for p in self.problems]}


def default_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def check_upload(content: bytes, name: str, *, scope_province: str | None = None,
                 today: dt.date | None = None) -> tuple[pd.DataFrame | None, list[Problem], int]:
    """Validate a file without touching the store: (rows ready to load or None, problems, total)."""
    ctx = Context(catalogue(), today or dt.date.today(), scope_province)
    try:
        table = read_upload(content, name)  # unchecked
        if task_updates.is_task_file(list(table.frame.columns)):
            return _check_tasks(table, ctx.today)
        data = normalise(table, scope_province)
    except UploadError as exc:
        return None, exc.problems, len(exc.problems)
    problems, total = check(data, ctx)
    if problems:
        return None, problems, total
    rows = data.frame.assign(row_number=data.rows.astype("int32"))[STORED_COLUMNS]
    return rows.reset_index(drop=True), [], 0


def _check_tasks(table, today: dt.date) -> tuple[pd.DataFrame | None, list[Problem], int]:
    rows_, raw = task_updates.normalise(table)  # unchecked
    problems, total = task_updates.check(rows_, raw, table.rows, today)
    if problems:
        return None, problems, total
    rows = rows_.drop(columns="period_start").assign(row_number=table.rows.astype("int32")).reset_index(drop=True)
    rows.attrs["kind"] = "tasks"
    return rows, [], 0


def _refused(name: str, actor: Actor | None, scope_province: str | None) -> FileReport | None:
    """A report refusing the upload when the actor's role does not allow it."""
    if actor is None or actor.role == "admin":
        return None
    if not actor.can_upload:
        vi, en = (f"Tài khoản '{actor.name}' (quyền xem) không được tải số liệu lên.",
                  f"Account '{actor.name}' (viewer) may not upload figures.")
    elif scope_province not in (None, actor.province):
        vi, en = (f"Tài khoản '{actor.name}' chỉ được nộp cho tỉnh {actor.province}.",
                  f"Account '{actor.name}' may only submit for province {actor.province}.")
    else:
        return None
    return FileReport(name, "rejected", problems=[Problem(None, None, None, vi, en)], total_problems=1)


def ingest_bytes(conn: duckdb.DuckDBPyConnection | None, content: bytes, name: str, *,
                 user: str | None = None, scope_province: str | None = None, dry_run: bool = False,
                 today: dt.date | None = None, received_at: dt.datetime | None = None,
                 synthetic: bool = False, actor: Actor | None = None) -> FileReport:
    """Check one file and, unless dry_run, load it as a submission (all or nothing).

    With an `actor`, the role is enforced here: a viewer is refused, an uploader's file is
    checked against its own province whatever scope was asked for."""
    if (refused := _refused(name, actor, scope_province)) is not None:
        return refused
    if actor is not None and actor.role == "uploader":
        scope_province, user = actor.province, actor.name
    sha = hashlib.sha256(content).hexdigest()
    if conn is not None and (found := store.find_submission(conn, sha)):
        return FileReport(name, "unchanged", rows=found[1], submission_id=found[0], dry_run=dry_run, sha256=sha)
    rows, problems, total = check_upload(content, name, scope_province=scope_province, today=today)
    if rows is None:
        return FileReport(name, "rejected", problems=problems, total_problems=total, dry_run=dry_run, sha256=sha)
    if dry_run or conn is None:
        return FileReport(name, "accepted", rows=len(rows), dry_run=True, rows_frame=rows, sha256=sha)
    if rows.attrs.get("kind") == "tasks":
        meta = store.SubmissionMeta(name, sha, user or default_user(), "tasks", received_at, synthetic)
        sid = store.load_task_updates(conn, rows, meta)
        return FileReport(name, "accepted", rows=len(rows), submission_id=sid, rows_frame=rows, sha256=sha)
    meta = store.SubmissionMeta(name, sha, user or default_user(), scope_province or "national",
                                received_at, synthetic)
    sid = store.load_submission(conn, rows, meta)
    return FileReport(name, "accepted", rows=len(rows), submission_id=sid, rows_frame=rows, sha256=sha)


def record(db, report: FileReport, actor_name: str) -> None:
    """Put a submission's outcome in the audit log (dry runs are not submissions)."""
    if report.dry_run:
        return
    from pipelines import audit

    detail = f"{report.rows} rows" if report.status != "rejected" else f"{report.total_problems} errors"
    audit.record(db, actor_name, "submission", report.status, report.file, report.sha256, detail)
