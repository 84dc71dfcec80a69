"""From stored values to statuses: the series each assessment uses, and every (area, indicator,
milestone) classified with the progress measure. Pure pandas; the dashboard only displays it."""
from __future__ import annotations

import pandas as pd

from indicators.aggregate import period_ends
from indicators.catalogue import Catalogue, Indicator, Target
from indicators.progress import PROGRESS, STATUSES, Assessment, ProgressConfig, assess, next_target

_GRAIN_ORDER = {"month": 0, "quarter": 1, "year": 2}


def progress_series(values: pd.DataFrame, indicator: Indicator) -> pd.DataFrame:
    """One area's values of one indicator at a single granularity, sorted, with `t` (period end).

    The indicator's natural frequency when reported, else the finest one present. Year-to-date
    figures (check-ups) only count at year end: a Q3 figure is not comparable with a full year."""
    if values.empty:
        return values.assign(t=pd.Series(dtype=float))
    grains = set(values["granularity"])
    grain = indicator.frequency if indicator.frequency in grains else min(grains, key=_GRAIN_ORDER.get)
    v = values[values["granularity"] == grain]
    if indicator.year_to_date and grain == "quarter":
        v = v[v["period"].str.endswith("Q4")]
    if "t" not in v:
        v = v.assign(t=period_ends(v["period"]) if len(v) else [])
    return v.sort_values("t")


def assess_area(values: pd.DataFrame, indicator: Indicator, area_code: str,
                config: ProgressConfig = PROGRESS) -> list[tuple[Target, Assessment]]:
    """Every target that applies to an area (national and its own plan), assessed."""
    series = progress_series(values, indicator)
    points = list(zip(series["t"], series["value"]))
    return [(t, assess(points, t, indicator, config)) for t in indicator.targets_for(area_code)]


def scorecard(values: pd.DataFrame, catalogue: Catalogue, config: ProgressConfig = PROGRESS) -> pd.DataFrame:
    """One row per (area, indicator): latest value and period, and the status against the next
    milestone (national targets first; a plan's own target where there is no national one), and
    `trend_since` when the trend is measured from before the plan's baseline year.

    `values` has area_code, indicator, period, granularity, value (province level, as of a date)."""
    rows = []
    for (area, code), group in values.groupby(["area_code", "indicator"], sort=True, observed=True):
        if code not in catalogue:
            continue
        ind = catalogue[code]
        if "t" not in group:
            group = group.assign(t=period_ends(group["period"]))
        series = progress_series(group, ind)
        latest = group.loc[group["t"].idxmax()]
        national = [t for t in ind.targets if t.scope == "national"]
        milestone = next_target(national or ind.targets_for(area), float(latest["t"]))
        row = {"area_code": area, "indicator": code, "value": float(latest["value"]),
               "period": latest["period"], "status": "no_target", "target_value": None,
               "target_year": None, "ratio": None, "projected_year": None, "scope": None, "trend_since": None}
        if milestone is not None:
            a = assess(list(zip(series["t"], series["value"])), milestone, ind, config)
            row.update(status=a.status, target_value=a.target_value, target_year=milestone.year,
                       ratio=a.ratio, projected_year=a.projected_year, scope=milestone.scope,
                       trend_since=a.trend_since)
        rows.append(row)
    return pd.DataFrame(rows, columns=["area_code", "indicator", "value", "period", "status", "target_value",
                                       "target_year", "ratio", "projected_year", "scope", "trend_since"])


def status_counts(card: pd.DataFrame) -> pd.DataFrame:
    """How many areas are in each status, per indicator (zeros included)."""
    counts = card.groupby(["indicator", "status"]).size().unstack(fill_value=0)
    return counts.reindex(columns=list(STATUSES), fill_value=0)


def in_catalogue_order(frame: pd.DataFrame, catalogue: Catalogue) -> pd.DataFrame:
    """Rows indexed by indicator code, in the catalogue's order."""
    return frame.reindex([c for c in catalogue.codes if c in frame.index])
