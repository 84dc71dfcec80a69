"""Reporting periods: parse what people type ('Q1/2026', '2026-1', an Excel date) into
'YYYY', 'YYYY-Qn' or 'YYYY-MM'. Works on unique values, so a million rows cost a few hundred parses.

Also the reporting calendar's arithmetic (month ends, when monthly figures fall due) and the
as-of months a reader can choose: one place for every date rule."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from indicators.aggregate import period_end

# The day of the following month by which a month's (or a quarter's) provincial figures count as
# on time. No plan sets it: the operator does (NQ72_FIGURES_DUE_DAY, read in pipelines.settings);
# this is its default. (The ministry's "trước ngày 23 hằng tháng" is for five of its own tasks:
# data/plan_tasks_deadlines.csv.)
DEFAULT_FIGURES_DUE_DAY = 23

# How the plans' "trước ngày X" (before day X) is read, once for every plan deadline: strictly, as
# the words say. The last day on time is the day before X; a report sent on X is late.
BEFORE_DAY_IS_STRICT = True

_YEAR = re.compile(r"^(\d{4})(?:\.0)?$")
_QUARTER = [
    re.compile(r"^(?P<y>\d{4})\s*[-/ ]?\s*(?:Q|QUÝ|QUY)\s*(?P<q>[1-4])$"),
    re.compile(r"^(?:Q|QUÝ|QUY)\s*(?P<q>[1-4])\s*[-/ ]\s*(?P<y>\d{4})$"),
]
_MONTH = [
    re.compile(r"^(?P<y>\d{4})\s*[-/.]\s*(?P<m>\d{1,2})(?:[-/.]\d{1,2})?(?:[ T]00:00(?::00)?)?$"),
    re.compile(r"^(?:T|THÁNG|THANG)?\s*(?P<m>\d{1,2})\s*[-/.]\s*(?P<y>\d{4})$"),
]


@dataclass(frozen=True)
class Period:
    code: str          # normalised: 2026, 2026-Q1, 2026-01
    granularity: str   # year, quarter, month
    start: dt.date
    end: dt.date       # last day of the period

    @property
    def year(self) -> int:
        return self.start.year


def shift_month(year: int, month: int, months: int) -> tuple[int, int]:
    """(year, month) `months` later (earlier when negative)."""
    n = year * 12 + month - 1 + months
    return n // 12, n % 12 + 1


def month_end(year: int, month: int) -> dt.date:
    """Last day of a month."""
    return dt.date(*shift_month(year, month, 1), 1) - dt.timedelta(days=1)


def make_period(year: int, granularity: str, index: int = 1) -> Period:
    """Build a Period from its parts (index is the quarter or month number)."""
    if granularity == "year":
        return Period(f"{year:04d}", "year", dt.date(year, 1, 1), dt.date(year, 12, 31))
    if granularity == "quarter":
        first = 3 * (index - 1) + 1
        return Period(f"{year:04d}-Q{index}", "quarter", dt.date(year, first, 1), month_end(year, first + 2))
    return Period(f"{year:04d}-{index:02d}", "month", dt.date(year, index, 1), month_end(year, index))


def parse_period(text: object) -> Period | None:
    """One period from free text, or None when it is not a period we understand."""
    if text is None or (isinstance(text, float) and np.isnan(text)):
        return None
    s = str(text).strip().upper()
    if (m := _YEAR.match(s)) and 1900 < int(m.group(1)) < 2200:
        return make_period(int(m.group(1)), "year")
    for rx in _QUARTER:
        if (m := rx.match(s)) and 1900 < int(m["y"]) < 2200:
            return make_period(int(m["y"]), "quarter", int(m["q"]))
    for rx in _MONTH:
        if (m := rx.match(s)) and 1900 < int(m["y"]) < 2200 and 1 <= int(m["m"]) <= 12:
            return make_period(int(m["y"]), "month", int(m["m"]))
    return None


def parse_periods(values: pd.Series) -> pd.DataFrame:
    """Vectorised parse: period and granularity (Categoricals), start and end (datetime64)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    parsed = [parse_period(u) for u in uniques] + [None]
    take = np.where(codes < 0, len(uniques), codes)

    def categorical(attr: str) -> pd.Categorical:
        cat = pd.Categorical([getattr(p, attr) if p else None for p in parsed])
        return pd.Categorical.from_codes(cat.codes[take], categories=cat.categories)

    def dates(attr: str) -> np.ndarray:
        arr = np.array([np.datetime64(getattr(p, attr), "ns") if p else np.datetime64("NaT", "ns")
                        for p in parsed], dtype="datetime64[ns]")
        return arr[take]

    return pd.DataFrame({"period": categorical("code"), "granularity": categorical("granularity"),
                         "start": dates("start"), "end": dates("end")}, index=values.index)


def periods_between(first: Period, last: Period, granularity: str) -> list[Period]:
    """Every period of a granularity from the one holding `first.start` to the one holding `last.end`."""
    out, year = [], first.start.year
    while year <= last.end.year:
        steps = {"year": [1], "quarter": [1, 2, 3, 4], "month": list(range(1, 13))}[granularity]
        for i in steps:
            p = make_period(year, granularity, i)
            if p.end >= first.start and p.start <= last.end:
                out.append(p)
        year += 1
    return out


def last_complete_month(today: dt.date | None = None) -> Period:
    """The month before today's month: the latest one a department can have closed."""
    today = today or dt.date.today()
    year, month = shift_month(today.year, today.month, -1)
    return make_period(year, "month", month)


def last_day_before(day: dt.date) -> dt.date:
    """The last day on time for "trước ngày X" (X = `day`): the day before X (BEFORE_DAY_IS_STRICT)."""
    return day - dt.timedelta(days=1) if BEFORE_DAY_IS_STRICT else day


def figures_due(period_code: str, due_day: int = DEFAULT_FIGURES_DUE_DAY) -> dt.date:
    """The last day a month's or a quarter's figures are on time: `due_day` of the next month (the
    operator's setting). Annual figures follow their own date, quality.yaml's calendar."""
    period = parse_period(period_code)
    if period is None or period.granularity == "year":
        raise ValueError(f"not a month or a quarter: {period_code!r}")
    return dt.date(*shift_month(period.end.year, period.end.month, 1), due_day)


def is_closed(deadline: dt.date, closes_after_days: int, today: dt.date) -> bool:
    """Whether a period is closed on `today`: it stays open through `closes_after_days` days after
    its deadline and closes the day after. A changed value for a closed period is a correction."""
    return today > deadline + dt.timedelta(days=closes_after_days)


def next_figures_due(today: dt.date, due_day: int = DEFAULT_FIGURES_DUE_DAY) -> tuple[dt.date, str]:
    """The next monthly deadline on or after today and the month whose figures it is for."""
    due = dt.date(today.year, today.month, due_day)
    if due < today:
        due = dt.date(*shift_month(today.year, today.month, 1), due_day)
    year, month = shift_month(due.year, due.month, -1)
    return due, f"{year}-{month:02d}"


def month_options(values: pd.DataFrame) -> list[str]:
    """As-of months, newest first, from the latest month with data back to the first."""
    if values.empty:
        return []
    last, first = float(values["t"].max()), float(values["t"].min())
    out, y, m = [], int(last - 1e-9), round((last - int(last - 1e-9)) * 12)
    while y + m / 12 >= first - 1e-9:
        out.append(f"{y}-{m:02d}")
        y, m = shift_month(y, m, -1)
    return out


def period_end_of(month: str | None) -> float:
    """End of an as-of month as a fractional year; no month means no limit."""
    return period_end(month) if month else 9999.0


def as_of(values: pd.DataFrame, month: str | None) -> pd.DataFrame:
    """Values whose period had ended by the end of `month` (all when None)."""
    return values if month is None else values[values["t"] <= period_end(month) + 1e-9]


def reported_areas(values: pd.DataFrame, month: str) -> int:
    """How many areas sent a figure for `month` (any indicator)."""
    return int(values.loc[values["period"].astype(str) == month, "area_code"].nunique())


def default_month(values: pd.DataFrame, areas: int, share: float = 0.5) -> str | None:
    """The as-of month to open on: the newest month that more than `share` of the `areas` have
    reported, so one early province does not move everyone to a month the others have not sent;
    the newest month with data when no month has that many."""
    options = month_options(values)
    months = values[values["granularity"].astype(str) == "month"]
    counts = months.groupby(months["period"].astype(str))["area_code"].nunique()
    return next((m for m in options if counts.get(m, 0) > share * areas), options[0] if options else None)
