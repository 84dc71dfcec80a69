"""One uploaded file from bytes to checked rows: read -> normalise -> check. No database here:
pipelines.submit (the one door for writes) calls this outside any lock."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import pandas as pd

from indicators.catalogue import catalogue
from pipelines import task_updates
from pipelines.normalise import Normalised, normalise
from pipelines.parts import check_in_parts
from pipelines.problems import Problem, UploadError
from pipelines.read import read_upload
from pipelines.schema import Context, check
from pipelines.settings import today as settings_today

STORED_COLUMNS = ["indicator", "area_code", "period", "granularity", "value", "numerator",
                  "denominator", "note", "row_number"]


@dataclass
class FileReport:
    file: str
    status: str                      # accepted | unchanged | rejected | warnings (held until confirmed)
                                     # | pending (every row a correction waiting for an admin)
    rows: int = 0
    submission_id: int | None = None
    problems: list[Problem] = field(default_factory=list)
    total_problems: int = 0
    dry_run: bool = False
    rows_frame: pd.DataFrame | None = None  # the checked rows (for previews), never serialised
    sha256: str | None = None
    warnings: list = field(default_factory=list)  # pipelines.jumps.Jump: shown, and accepted or held
    pending: list = field(default_factory=list)   # pipelines.corrections.Pending: held for an admin

    def to_json(self, lang: str = "en") -> dict:
        return {"file": self.file, "status": self.status, "rows": self.rows,
                "submission_id": self.submission_id, "dry_run": self.dry_run,
                "total_errors": self.total_problems,
                "errors": [p.to_json(lang) for p in self.problems],
                "warnings": [w.to_json(lang) for w in self.warnings],
                "pending": [c.to_json() for c in self.pending]}


def check_upload(content: bytes, name: str, *, scope_province: str | None = None,
                 today: dt.date | None = None, on_phase: Callable[[str], None] | None = None,
                 parts: int = 1, small_here: bool = False) -> tuple[pd.DataFrame | None, list[Problem], int]:
    """Validate a file without touching the store: (rows ready to load or None, problems, total).

    `on_phase` hears "check" once the file is read. Task-update rows carry attrs["kind"] == "tasks".
    With `parts` > 1, a large plain CSV is first checked in that many parts at once (pipelines.parts);
    a file that does not pass that way is checked whole, as any other. With `small_here`, a small CSV
    is read in this process rather than in a worker (read.read_upload)."""
    ctx = Context(catalogue(), today or settings_today(), scope_province)
    if parts > 1 and (rows := check_in_parts(content, name, scope_province, ctx.today, parts)) is not None:
        if on_phase is not None:
            on_phase("check")
        return rows, [], 0
    try:
        table = read_upload(content, name, small_here=small_here)  # unchecked
        if on_phase is not None:
            on_phase("check")
        if task_updates.is_task_file(list(table.frame.columns)):
            return _check_tasks(table, ctx.today)
        data = normalise(table, scope_province)
    except UploadError as exc:
        return None, exc.problems, len(exc.problems)
    problems, total = check(data, ctx)
    if problems:
        return None, problems, total
    return stored_rows(data), [], 0


def stored_rows(data: Normalised) -> pd.DataFrame:
    """Checked rows as they are stored: STORED_COLUMNS, with the spreadsheet row of each."""
    return data.frame.assign(row_number=data.rows.astype("int32"))[STORED_COLUMNS].reset_index(drop=True)


def _check_tasks(table, today: dt.date) -> tuple[pd.DataFrame | None, list[Problem], int]:
    rows_, raw = task_updates.normalise(table)  # unchecked
    # Checked by record position (one per record, in sheet order), then told the sheet and row of
    # each: two sheets share row numbers.
    position = pd.Series(range(len(table.rows)), index=table.rows.index)
    problems, total = task_updates.check(rows_, raw, position, today)
    if problems:
        sheets = getattr(table, "sheets", None)
        rows, sheet = table.rows.to_numpy(), (None if sheets is None else sheets.to_numpy())
        return None, [replace(p, row=int(rows[p.row]), sheet=None if sheet is None else str(sheet[p.row]))
                      for p in problems], total
    rows = rows_.drop(columns="period_start").assign(row_number=table.rows.astype("int32")).reset_index(drop=True)
    rows.attrs["kind"] = "tasks"
    return rows, [], 0
