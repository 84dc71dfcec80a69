"""The one door for every write of figures and task updates, whatever its source: the CLI, the
Upload page, the task form, the demo builder.

submit() checks who acts (the account as the database knows it at this moment), reads and
validates the file outside any lock, loads it under the writer lock with its audit line in the
same transaction, audits every other outcome (unchanged, rejected, refused, held for warnings),
and starts the quality run after an accepted load.

A value that jumps from the area's previous stored one by more than its indicator's plausible step
(pipelines.jumps) is a warning: the file is held, nothing loaded, until the uploader confirms
(accept_warnings=True), and the audit line then says how many warnings were accepted.

A changed value for a closed period (pipelines.corrections) from an uploader is held as a pending
correction for an admin; the file's other rows load. A file of nothing but such rows is "pending".
An admin's or the operator's corrections load at once, with an audit line "correction applied"."""
from __future__ import annotations

import datetime as dt
import hashlib
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from indicators.catalogue import catalogue
from indicators.tasks import plan_tasks
from pipelines.accounts import Actor, Refused, authorise, check_plans, figures_scope
from pipelines.corrections import Pending, applies_directly, describe, keep_pending, split
from pipelines.ingest import FileReport, check_upload
from pipelines.jumps import Jump, find_jumps
from pipelines.problems import Problem
from pipelines.settings import settings
from pipelines.settings import today as settings_today
from pipelines.store import Store, SubmissionMeta, audit, submissions, transaction, values

ROOT = Path(__file__).resolve().parents[1]


def submit(store: Store, content: bytes, name: str, actor: Actor, *, dry_run: bool = False,
           scope_province: str | None = None, today: dt.date | None = None,
           received_at: dt.datetime | None = None, synthetic: bool = False,
           start_quality: bool = True, on_phase: Callable[[str], None] | None = None,
           accept_warnings: bool = False, parts: int = 1, small_here: bool = False) -> FileReport:
    """Check one file and, unless dry_run, load it as one submission (all or nothing), audited.
    A file with warnings (jumps) is held, status "warnings", unless `accept_warnings`.

    `scope_province` narrows an admin's or the operator's file to one province; an uploader's
    file is always checked against the uploader's own province. `on_phase` hears "read", "check" and "load"
    as each begins (the Upload page shows them; a 60 MB file takes a while). `parts` > 1 checks a
    large plain CSV in that many worker processes at once (pipelines.parts): the CLI's files, not the
    server's uploads, whose one reading worker per upload is what bounds the server's memory.
    `small_here` reads a small CSV in this process (the CLI's again: sniff.small_enough_here)."""
    phase = on_phase or (lambda _: None)
    sha = hashlib.sha256(content).hexdigest()
    try:
        if store.exists():
            with store.reading() as conn:
                actor = authorise(conn, actor)
                found = submissions.find(conn, sha)
        else:
            actor, found = authorise_without_database(actor), None
        scope = figures_scope(actor, scope_province)
    except Refused as why:
        return refuse(store, name, actor, why, sha, dry_run)
    if found is not None and not dry_run:
        return _unchanged(store, name, actor, sha, found)
    if found is not None:
        return FileReport(name, "unchanged", rows=found[1], submission_id=found[0], dry_run=True, sha256=sha)
    phase("read")
    rows, problems, total = check_upload(content, name, scope_province=scope, today=today, on_phase=phase,
                                          parts=parts, small_here=small_here)  # outside any lock
    if rows is None:
        return reject(store, name, actor, problems, total, sha, dry_run)
    tasks = rows.attrs.get("kind") == "tasks"
    if tasks:
        try:
            check_plans(actor, _documents(set(rows["task_id"])))
        except Refused as why:
            return refuse(store, name, actor, why, sha, dry_run)
    day, jumps, waiting = today or settings_today(), [], []
    if not tasks:  # the corrections that would wait are said only by a check or a held file; a load
        jumps, waiting = foresee(store, rows, actor, day, corrections=dry_run)  # splits them in its transaction
    if not tasks and not dry_run and jumps and not accept_warnings:
        waiting = foresee(store, rows, actor, day, jumps=False)[1]
    if jumps and not accept_warnings:
        return hold(store, name, actor, jumps, rows, sha, dry_run, waiting)
    if dry_run:
        return FileReport(name, "accepted", rows=len(rows), dry_run=True, rows_frame=rows, sha256=sha,
                          warnings=jumps, pending=waiting)
    phase("load")
    try:
        with store.writing() as conn, transaction(conn):
            actor = authorise(conn, actor)  # again: the account as it is at the moment of the write
            if tasks:
                check_plans(actor, _documents(set(rows["task_id"])))
            else:
                scope = figures_scope(actor, scope_province)
            if (found := submissions.find(conn, sha)) is not None:
                audit.record(conn, actor.name, "submission", "unchanged", submission_id=found[0], subject=name,
                             sha256=sha, detail=f"{found[1]} rows")
                return FileReport(name, "unchanged", rows=found[1], submission_id=found[0], sha256=sha)
            meta = SubmissionMeta(name, sha, actor.name, "tasks" if tasks else scope or "national",
                                  received_at, synthetic)
            pending, fixes = [], None
            if not tasks:
                kept, fixes = split(conn, rows, day)
                if not fixes.empty and not applies_directly(actor):
                    rows, pending = kept, keep_pending(conn, fixes, name, sha, actor)
            if rows.empty:  # every row a correction waiting for an admin
                audit.record(conn, actor.name, "submission", "pending", subject=name, sha256=sha,
                             detail=f"{len(pending)} corrections pending; nothing loaded")
                return FileReport(name, "pending", sha256=sha, warnings=jumps, pending=pending)
            sid = (submissions.load_task_updates if tasks else submissions.load_values)(conn, rows, meta)
            accepted = f"; {len(jumps)} warnings accepted" if jumps else ""
            accepted += f"; {len(pending)} corrections pending" if pending else ""
            audit.record(conn, actor.name, "submission", "accepted", submission_id=sid, subject=name, sha256=sha,
                         detail=f"{len(rows)} rows; scope {meta.scope}; {actor.kind}{accepted}")
            if fixes is not None and not fixes.empty and not pending:
                audit.record(conn, actor.name, "correction", "applied", submission_id=sid, subject=name,
                             sha256=sha, detail=f"{actor.kind} {actor.role}: {describe(fixes)}")
    except Refused as why:
        return refuse(store, name, actor, why, sha, dry_run)
    if start_quality and settings().quality_after_ingest:
        start_quality_run(store.path, None if tasks else scope)
    return FileReport(name, "accepted", rows=len(rows), submission_id=sid, rows_frame=rows, sha256=sha,
                      warnings=jumps, pending=pending)


def foresee(store: Store, rows, actor: Actor, today: dt.date, *, jumps: bool = True,
            corrections: bool = True) -> tuple[list[Jump], list[Pending]]:
    """What loading checked `rows` would meet, read-only and unaudited (a dry run, the entry form
    as it is typed): the values that jump from the area's previous one, and, for an uploader, the
    corrections to closed periods that would wait for an admin (id None until stored). Either can
    be left out (empty) when the caller has no use for it."""
    if not store.exists():
        return [], []  # nothing stored yet: no previous value, no closed figure
    with store.reading() as conn:
        previous = values.previous_values(conn, rows) if jumps else None
        fixes = split(conn, rows, today)[1] if corrections and not applies_directly(actor) else None
    waiting = [] if fixes is None else [
        Pending(None, int(r.row_number), str(r.indicator), str(r.area_code), str(r.period), float(r.value),
                float(r.previous_value)) for r in fixes.sort_values("row_number").itertuples()]
    return ([] if previous is None else find_jumps(rows, previous, catalogue())), waiting


def hold(store: Store, name: str, actor: Actor, jumps: list[Jump], rows, sha: str, dry_run: bool,
         waiting: list[Pending] | None = None) -> FileReport:
    """A valid file with unconfirmed warnings: nothing loaded, audited as held with their count."""
    _audit_alone(store, actor.name, "warnings", name, sha,
                 f"{len(jumps)} warnings; nothing loaded" + (" (check only)" if dry_run else ""))
    return FileReport(name, "warnings", rows=len(rows), dry_run=dry_run, rows_frame=rows, sha256=sha, warnings=jumps,
                      pending=waiting or [])


def authorise_without_database(actor: Actor) -> Actor:
    """Before the first write there are no accounts: only the operator may act."""
    if actor.kind == "operator":
        return actor
    raise Refused("refused_no_session" if actor.kind != "account" else "refused_account_gone", name=actor.name)


def _documents(task_ids: set[str]) -> set[str]:
    tasks = plan_tasks().set_index("task_id")["document"]
    return {tasks[t] for t in task_ids if t in tasks.index}


def _unchanged(store: Store, name: str, actor: Actor, sha: str, found: tuple[int, int]) -> FileReport:
    _audit_alone(store, actor.name, "unchanged", name, sha, f"{found[1]} rows", submission_id=found[0])
    return FileReport(name, "unchanged", rows=found[1], submission_id=found[0], sha256=sha)


def reject(store: Store, name: str, actor: Actor, problems: list[Problem], total: int, sha: str | None,
           dry_run: bool = False) -> FileReport:
    """A file that failed its checks: nothing loaded; one audit line is its only trace."""
    _audit_alone(store, actor.name, "rejected", name, sha, f"{total} errors" + (" (check only)" if dry_run else ""))
    return FileReport(name, "rejected", problems=problems, total_problems=total, dry_run=dry_run, sha256=sha)


def refuse(store: Store, name: str, actor: Actor, why: Refused, sha: str | None, dry_run: bool) -> FileReport:
    """A write refused because of who asked (role, scope, ended session): audited as refused."""
    problem = Problem(None, None, None, why.key, why.params)
    _audit_alone(store, actor.name, "refused", name, sha, problem.message("en"))
    return FileReport(name, "rejected", problems=[problem], total_problems=1, dry_run=dry_run, sha256=sha)


def _audit_alone(store: Store, actor: str, outcome: str, name: str, sha: str | None, detail: str,
                 submission_id: int | None = None) -> None:
    if not store.exists():
        return  # a check against no database at all creates none
    with store.writing() as conn, transaction(conn):
        audit.record(conn, actor, "submission", outcome, submission_id=submission_id, subject=name, sha256=sha,
                     detail=detail)


def start_quality_run(db: Path, province: str | None = None) -> subprocess.Popen:
    """`nq72 quality` in the background after an accepted submission, never waited for; its output
    goes to <db>.quality.log."""
    cmd = [sys.executable, "-m", "pipelines.cli", "quality", "--db", str(db), "--trigger", "submission"]
    if province:
        cmd += ["--province", province]
    log = open(db.with_name(f"{db.stem}.quality.log"), "ab")  # noqa: SIM115 - the child process keeps it
    return subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                            start_new_session=True, cwd=str(ROOT))
