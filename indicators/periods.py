"""Reporting periods: parse what people type ('Q1/2026', '2026-1', an Excel date) into
'YYYY', 'YYYY-Qn' or 'YYYY-MM'. Works on unique values, so a million rows cost a few hundred parses."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

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


def _month_end(year: int, month: int) -> dt.date:
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def make_period(year: int, granularity: str, index: int = 1) -> Period:
    """Build a Period from its parts (index is the quarter or month number)."""
    if granularity == "year":
        return Period(f"{year:04d}", "year", dt.date(year, 1, 1), dt.date(year, 12, 31))
    if granularity == "quarter":
        first = 3 * (index - 1) + 1
        return Period(f"{year:04d}-Q{index}", "quarter", dt.date(year, first, 1), _month_end(year, first + 2))
    return Period(f"{year:04d}-{index:02d}", "month", dt.date(year, index, 1), _month_end(year, index))


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
    first = today.replace(day=1) - dt.timedelta(days=1)
    return make_period(first.year, "month", first.month)
