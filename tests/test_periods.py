import datetime as dt

import pandas as pd
import pytest

from indicators.periods import (
    DEFAULT_FIGURES_DUE_DAY,
    as_of,
    figures_due,
    last_complete_month,
    make_period,
    month_end,
    month_options,
    next_figures_due,
    parse_period,
    parse_periods,
    periods_between,
)


@pytest.mark.parametrize("text,code,gran", [
    ("2025", "2025", "year"), ("2025.0", "2025", "year"),
    ("2025-Q1", "2025-Q1", "quarter"), ("2025Q4", "2025-Q4", "quarter"), ("Q3/2024", "2024-Q3", "quarter"),
    ("q2-2026", "2026-Q2", "quarter"), ("Quý 2/2026", "2026-Q2", "quarter"),
    ("2025-01", "2025-01", "month"), ("2025/1", "2025-01", "month"), ("1/2025", "2025-01", "month"),
    ("T12/2025", "2025-12", "month"), ("Tháng 3/2026", "2026-03", "month"),
    ("2025-03-01 00:00:00", "2025-03", "month"), (" 2025-07 ", "2025-07", "month"),
])
def test_parse_accepts(text, code, gran):
    p = parse_period(text)
    assert (p.code, p.granularity) == (code, gran)


@pytest.mark.parametrize("text", ["2025-13", "2025-Q5", "abc", "", None, "25", "2025-00", "13/2025"])
def test_parse_rejects(text):
    assert parse_period(text) is None


def test_bounds():
    assert make_period(2024, "month", 2).end == dt.date(2024, 2, 29)
    assert make_period(2026, "quarter", 4).start == dt.date(2026, 10, 1)
    assert make_period(2026, "year").end == dt.date(2026, 12, 31)


def test_vectorised_matches_scalar():
    s = pd.Series(["2025", "x", None, "2025-02", "2025", "Q1/2026"])
    out = parse_periods(s)
    assert list(out["period"].astype(object).fillna("-")) == ["2025", "-", "-", "2025-02", "2025", "2026-Q1"]
    assert list(out["granularity"].astype(object).fillna("-")) == ["year", "-", "-", "month", "year", "quarter"]


def test_ranges_and_last_month():
    qs = periods_between(make_period(2025, "month", 11), make_period(2026, "month", 2), "quarter")
    assert [q.code for q in qs] == ["2025-Q4", "2026-Q1"]
    assert last_complete_month(dt.date(2026, 1, 5)).code == "2025-12"
    assert last_complete_month(dt.date(2026, 11, 22)).code == "2026-10"


def test_month_ends_and_due_dates():
    assert [month_end(2024, 2), month_end(2025, 12)] == [dt.date(2024, 2, 29), dt.date(2025, 12, 31)]
    assert figures_due("2026-10") == dt.date(2026, 11, DEFAULT_FIGURES_DUE_DAY)
    assert figures_due("2026-12") == dt.date(2027, 1, DEFAULT_FIGURES_DUE_DAY)
    assert figures_due("2026-Q4") == dt.date(2027, 1, DEFAULT_FIGURES_DUE_DAY)
    with pytest.raises(ValueError):
        figures_due("2026")       # annual figures follow quality.yaml's calendar


@pytest.mark.parametrize("today,due,period", [
    (dt.date(2026, 11, 22), dt.date(2026, 11, 23), "2026-10"),
    (dt.date(2026, 11, 23), dt.date(2026, 11, 23), "2026-10"),   # due today is still ahead
    (dt.date(2026, 12, 24), dt.date(2027, 1, 23), "2026-12"),
])
def test_next_figures_due(today, due, period):
    assert next_figures_due(today) == (due, period)


def test_as_of_months():
    values = pd.DataFrame({"t": [2025 + 11 / 12, 2026.0, 2026 + 2 / 12, 2026.0]})
    assert month_options(values) == ["2026-02", "2026-01", "2025-12", "2025-11"]
    assert len(as_of(values, "2025-12")) == 3 and len(as_of(values, None)) == 4


def test_today_is_vietnams_date_whatever_the_servers_clock(monkeypatch):
    """17:30 UTC on 1 December is 00:30 on 2 December in Vietnam: deadlines and closing count that day."""
    from pipelines import settings

    monkeypatch.delenv("NQ72_TODAY", raising=False)                 # settings are read per environment
    assert settings.today(dt.datetime(2026, 12, 1, 17, 30, tzinfo=dt.UTC)) == dt.date(2026, 12, 2)
    assert settings.today(dt.datetime(2026, 12, 1, 16, 59, tzinfo=dt.UTC)) == dt.date(2026, 12, 1)
