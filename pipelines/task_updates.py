"""Status updates of plan tasks: the same rules as indicator uploads (read as Excel writes,
every problem at once with row and column, pandera as the gate, all or nothing, audited).

Columns: task_id (ma_nhiem_vu), period (ky, YYYY-MM), status (trang_thai), note (ghi_chu),
evidence_url (minh_chung), unit (don_vi). A file is recognised as task updates by its task_id column."""
from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

import pandas as pd

from data import geography
from indicators.periods import parse_period
from indicators.tasks import plan_tasks
from pipelines import layout
from pipelines.normalise import canonical_frame
from pipelines.problems import MAX_PROBLEMS, Problem, UploadError, file_problem
from pipelines.read import RawTable

if TYPE_CHECKING:  # pandera is imported when a task file is checked, not by every upload
    import pandera.pandas as pa

HEADERS, _LOOKUP = layout.TASK_HEADERS, layout.TASK_LOOKUP
STATUS_WORDS = {
    "not_started": ["not_started", "not started", "chưa bắt đầu", "chua bat dau", "chưa thực hiện", "chua thuc hien"],
    "in_progress": ["in_progress", "in progress", "đang thực hiện", "dang thuc hien", "đang triển khai"],
    "done": ["done", "completed", "hoàn thành", "hoan thanh", "đã hoàn thành", "da hoan thanh"],
}
_STATUS = {geography.fold(w): code for code, words in STATUS_WORDS.items() for w in words}
MAX_NOTE = 1000


def is_task_file(columns: list[str]) -> bool:
    return any(_LOOKUP.get(geography.fold(c).replace(" ", "_")) == "task_id" for c in columns)


def normalise(table: RawTable) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(typed rows, raw text with canonical headers); raises UploadError on wrong headers."""
    mapping, problems = {}, []
    for col in table.frame.columns:
        canon = _LOOKUP.get(geography.fold(col).replace(" ", "_"))
        if canon is None:
            problems.append(file_problem("task_header_unknown", column=col, header=col, columns=", ".join(HEADERS)))
        else:
            mapping[col] = canon
    for need in ("task_id", "period", "status"):
        if need not in mapping.values():
            problems.append(file_problem("task_header_missing", column=need, header=need))
    if problems:
        raise UploadError(problems)
    raw = canonical_frame(table.frame, mapping, list(HEADERS)).astype(str)
    periods = [parse_period(p) for p in raw["period"]]
    rows = pd.DataFrame({
        "task_id": raw["task_id"].str.strip().str.upper(),
        "period": [p.code if p is not None and p.granularity == "month" else None for p in periods],
        "period_start": [pd.Timestamp(p.start) if p is not None else pd.NaT for p in periods],
        "status": [_STATUS.get(geography.fold(s).replace("_", " ")) or _STATUS.get(geography.fold(s)) for s in raw["status"]],
        "note": raw["note"].str.strip().replace("", None),
        "evidence_url": raw["evidence_url"].str.strip().replace("", None),
        "unit": raw["unit"].str.strip().replace("", None),
    }, index=raw.index)
    return rows, raw


def _schema(today: dt.date) -> pa.DataFrameSchema:
    import pandera.pandas as pa

    known = set(plan_tasks()["task_id"])
    url = re.compile(r"^https?://\S+$")
    return pa.DataFrameSchema(
        {"task_id": pa.Column(object, pa.Check(lambda s: s.isin(known), name="unknown_task", ignore_na=False), nullable=True),
         "period": pa.Column(object, pa.Check(lambda s: s.notna(), name="bad_period", ignore_na=False), nullable=True),
         "period_start": pa.Column("datetime64[ns]", pa.Check(lambda s: ~(s > pd.Timestamp(today)), name="future_period"),
                                   nullable=True),
         "status": pa.Column(object, pa.Check(lambda s: s.notna(), name="bad_status", ignore_na=False), nullable=True),
         "note": pa.Column(object, pa.Check(lambda s: s.isna() | (s.str.len() <= MAX_NOTE), name="long_note"),
                           nullable=True),
         "evidence_url": pa.Column(object, pa.Check(lambda s: s.isna() | s.map(lambda v: bool(url.match(str(v)))),
                                                    name="bad_url"), nullable=True),
         "unit": pa.Column(object, nullable=True)},
        checks=[pa.Check(lambda f: ~f[["task_id", "period"]].duplicated(keep="first"), name="duplicate_task")],
        strict=True, name="task_updates")


# Check name -> the column it is reported against; its message is messages key "task_<check name>".
_COLUMN = {"unknown_task": "task_id", "bad_period": "period", "future_period": "period", "bad_status": "status",
           "long_note": "note", "bad_url": "evidence_url", "duplicate_task": "task_id"}


def check(rows: pd.DataFrame, raw: pd.DataFrame, row_numbers: pd.Series, today: dt.date) -> tuple[list[Problem], int]:
    """Validate lazily; every problem with its spreadsheet row, column, value and reason."""
    import pandera.pandas as pa

    try:
        _schema(today).validate(rows, lazy=True)
        return [], 0
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
    cases = cases[cases["check"].isin(list(_COLUMN)) & cases["index"].notna()][["check", "index"]].drop_duplicates()
    cases = cases.assign(row=row_numbers.loc[cases["index"].astype(int)].to_numpy()).sort_values("row")
    problems = []
    for name, idx, row in zip(cases["check"], cases["index"].astype(int), cases["row"]):
        column = _COLUMN[name]
        value = raw.at[idx, column] if column in raw else ""
        problems.append(Problem(int(row), column, str(value), f"task_{name}", {"value": str(value), "n": MAX_NOTE}))
    return problems[:MAX_PROBLEMS], len(problems)


def form_file(task_id: str, period: str, status: str, note: str, evidence_url: str) -> bytes:
    """A task form's entry as the one-row file the upload gate checks (same rules as a file)."""
    frame = pd.DataFrame([{"task_id": task_id, "period": period, "status": status, "note": note,
                           "evidence_url": evidence_url}])
    return frame.to_csv(index=False).encode("utf-8")
