"""The plans' task lists (data/plan_tasks.csv) and their deadlines: who must do what by when.

Deadline texts are parsed into rules: a fixed date (the end of the year, quarter or month named),
ongoing ("Thường xuyên") or yearly ("Hằng năm", "lồng ghép vào ... kế hoạch hàng năm"), or a
date then ongoing ("2026, triển khai thường xuyên"). Ongoing and yearly tasks fall due at every
reporting deadline of their plan that applies to them (data/plan_tasks_deadlines.csv, each with
its section and quote; "trước ngày X" read once, by indicators.periods.last_day_before). Pure
Python; the store loads the table for SQL users."""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import pandas as pd

from data import DATA_DIR
from indicators.periods import last_day_before, month_end

TASKS_FILE = DATA_DIR / "plan_tasks.csv"
DEADLINES_FILE = DATA_DIR / "plan_tasks_deadlines.csv"
STATUSES = ("not_started", "in_progress", "done")
DUE_SOON_DAYS = 30

# The day each plan was issued, for "Ngay sau khi Kế hoạch được ban hành" (right after issue).
ISSUED = {"CANTHO": dt.date(2025, 11, 28), "VUSTA": dt.date(2026, 5, 11), "MOST": dt.date(2025, 12, 17)}


@dataclass(frozen=True)
class PlanDeadline:
    """One reporting deadline a plan sets, as written (section, quote) and as read.

    recurrence: once (year, month, day), yearly (month, day), monthly (day), undated (none given).
    rule: "before" is "trước ngày X" (last day on time: last_day_before); "quarter" is "trong Quý"
    (the quarter's last day, `month` being the quarter's last month). `tasks`: the task keys that
    fall due at it, ("all",) for every ongoing or yearly task of the plan, () for none."""

    document: str
    key: str
    recurrence: Literal["once", "yearly", "monthly", "undated"]
    year: int | None
    month: int | None
    day: int | None
    rule: str
    tasks: tuple[str, ...]
    who: dict[str, str]
    what: dict[str, str]
    section: str
    quote: str

    def written(self, year: int, month: int) -> dt.date:
        """The date the plan names for one occurrence (X in "trước ngày X")."""
        if self.rule == "quarter":
            return month_end(year, month)
        return dt.date(year, month, self.day)

    def due(self, year: int, month: int) -> dt.date:
        """The last day on time for one occurrence."""
        written = self.written(year, month)
        return last_day_before(written) if self.rule == "before" else written

    def due_dates(self, start: dt.date, end: dt.date) -> list[dt.date]:
        """Last days on time between two days (inclusive), in order."""
        if self.recurrence == "undated":
            return []
        if self.recurrence == "once":
            occurrences = [(self.year, self.month)]
        else:
            months = range(1, 13) if self.recurrence == "monthly" else [self.month]
            occurrences = [(y, m) for y in range(start.year - 1, end.year + 2) for m in months]
        return sorted(d for d in (self.due(y, m) for y, m in occurrences) if start <= d <= end)

    def applies_to(self, task_key: str) -> bool:
        """Whether a task of the plan falls due at this deadline ("" is any ongoing task)."""
        return "all" in self.tasks or task_key in self.tasks


@lru_cache(maxsize=1)
def plan_deadlines() -> tuple[PlanDeadline, ...]:
    """Every reporting deadline of the plans, in file order."""
    df = pd.read_csv(DEADLINES_FILE, dtype=str, keep_default_na=False)
    number = lambda v: int(v) if v else None  # noqa: E731
    return tuple(PlanDeadline(r["document"], r["key"], r["recurrence"], number(r["year"]), number(r["month"]),
                              number(r["day"]), r["rule"], tuple(r["tasks"].split()),
                              {"vi": r["who_vi"], "en": r["who_en"]}, {"vi": r["what_vi"], "en": r["what_en"]},
                              r["section"], r["quote"]) for _, r in df.iterrows())


Kind = Literal["fixed", "ongoing", "yearly", "fixed_then_ongoing"]


@dataclass(frozen=True)
class Deadline:
    kind: Kind
    date: dt.date | None = None      # the fixed date, where there is one


_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4}


def parse_deadline(text: str, document: str = "CANTHO") -> Deadline:
    """The rule behind a deadline text as the plans write it."""
    s = " ".join(str(text).split()).lower()
    ongoing = "thường xuyên" in s
    if "ngay sau khi" in s:
        return Deadline("fixed", ISSUED[document])
    if m := re.search(r"quý\s+([ivx]+|\d)\s*/\s*(\d{4})", s):
        q = _ROMAN.get(m[1].upper()) or int(m[1])
        return Deadline("fixed_then_ongoing" if ongoing else "fixed", month_end(int(m[2]), 3 * q))
    if m := re.search(r"tháng\s+(\d{1,2})\s*(?:năm|/)\s*(\d{4})", s):
        return Deadline("fixed_then_ongoing" if ongoing else "fixed", month_end(int(m[2]), int(m[1])))
    if m := re.search(r"(?:năm\s+)?(20\d\d)", s):
        return Deadline("fixed_then_ongoing" if ongoing else "fixed", dt.date(int(m[1]), 12, 31))
    if ongoing:
        return Deadline("ongoing")
    if "hằng năm" in s or "hàng năm" in s:
        return Deadline("yearly")
    raise ValueError(f"deadline not understood: {text!r}")


def reporting_dates(document: str, task_key: str, start: dt.date, end: dt.date) -> list[dt.date]:
    """The days a task of the plan falls due between two days (inclusive), in order."""
    out = {d for dl in plan_deadlines() if dl.document == document and dl.applies_to(task_key)
           for d in dl.due_dates(start, end)}
    return sorted(out)


def next_due(deadline: Deadline, document: str, task_key: str, today: dt.date) -> dt.date | None:
    """The next date the task falls due on or after today (None for a fixed date already past)."""
    if deadline.kind == "fixed":
        return deadline.date if deadline.date >= today else None
    if deadline.kind == "fixed_then_ongoing" and deadline.date >= today:
        return deadline.date
    upcoming = reporting_dates(document, task_key, today, today.replace(year=today.year + 1))
    return upcoming[0] if upcoming else None


def last_due(deadline: Deadline, document: str, task_key: str, today: dt.date) -> dt.date | None:
    """The most recent date, before today, on which the task fell due."""
    if deadline.kind == "fixed":
        return deadline.date if deadline.date < today else None
    past = reporting_dates(document, task_key, today.replace(year=today.year - 1), today - dt.timedelta(days=1))
    if deadline.kind == "fixed_then_ongoing":
        past = [d for d in past if d > deadline.date] + ([deadline.date] if deadline.date < today else [])
    return max(past) if past else None


def window_start(deadline: Deadline, document: str, task_key: str, due: dt.date) -> dt.date:
    """Updates after this day count for the report due on `due`: the reporting date before it,
    or a year earlier when there was none."""
    before = last_due(deadline, document, task_key, due)
    return before or dt.date(due.year - 1, due.month, due.day)


def classify(deadline: Deadline, document: str, task_key: str, status: str | None, last_update: dt.date | None,
             today: dt.date, soon_days: int = DUE_SOON_DAYS) -> str:
    """done / overdue / due_soon / on_schedule.

    A fixed-date task is overdue once its date has passed and it is not done. An ongoing or
    yearly task is never done for good: it is overdue when a reporting date has passed with no
    update since the reporting date before it."""
    if deadline.kind == "fixed":
        if status == "done":
            return "done"
        if deadline.date < today:
            return "overdue"
        return "due_soon" if (deadline.date - today).days <= soon_days else "on_schedule"
    due = last_due(deadline, document, task_key, today)
    if due is not None:
        since = window_start(deadline, document, task_key, due)
        if last_update is None or last_update <= since:
            return "overdue"
    upcoming = next_due(deadline, document, task_key, today)
    if upcoming is not None and (upcoming - today).days <= soon_days:
        return "due_soon"
    return "on_schedule"


@lru_cache(maxsize=1)
def plan_tasks() -> pd.DataFrame:
    """Every task with task_id (DOCUMENT-GROUP-NUMBER), its parsed deadline kind and date."""
    df = pd.read_csv(TASKS_FILE, dtype=str, keep_default_na=False)
    # One spelling per unit: composed letters, single spaces (the text came from PDFs).
    df = df.apply(lambda col: col.map(lambda v: " ".join(unicodedata.normalize("NFC", v).split())))
    df["task_key"] = df["group_no"].where(df["group_no"] != "", "-") + "-" + df["task_no"]
    df["task_id"] = df["document"] + "-" + df["task_key"]
    rules = [parse_deadline(t, d) for t, d in zip(df["deadline_text"], df["document"])]
    df["deadline_kind"] = [r.kind for r in rules]
    df["deadline_date"] = [r.date for r in rules]
    return df


def deadline_of(task: pd.Series) -> Deadline:
    return Deadline(task["deadline_kind"], task["deadline_date"])


def task_board(tasks: pd.DataFrame, updates: pd.DataFrame, today: dt.date) -> pd.DataFrame:
    """Each task with its latest update (status, note, evidence, period), next due date and state.

    `updates`: task_id, period, status, note, evidence_url, received_at (all submissions)."""
    latest = (updates.sort_values(["period", "received_at"]).groupby("task_id").tail(1).set_index("task_id")
              if len(updates) else pd.DataFrame(columns=["period", "status", "note", "evidence_url", "received_at"]))
    board = tasks.copy()
    for col in ("period", "status", "note", "evidence_url", "received_at"):
        board[col] = board["task_id"].map(latest[col]) if len(latest) else None
    states, nexts = [], []
    for _, task in board.iterrows():
        deadline = deadline_of(task)
        received = task["received_at"]
        last_update = received.date() if isinstance(received, dt.datetime) and not pd.isna(received) else None
        status = task["status"] if isinstance(task["status"], str) else None
        states.append(classify(deadline, task["document"], task["task_key"], status, last_update, today))
        nexts.append(next_due(deadline, task["document"], task["task_key"], today))
    board["state"] = states
    board["next_due"] = nexts
    return board


def upcoming_reporting(today: dt.date, days: int = 90) -> list[tuple[dt.date, PlanDeadline]]:
    """Every plan deadline falling in the next `days` days (today included): (last day on time, deadline)."""
    end = today + dt.timedelta(days=days)
    return sorted(((d, dl) for dl in plan_deadlines() for d in dl.due_dates(today, end)),
                  key=lambda item: (item[0], item[1].document, item[1].key))
