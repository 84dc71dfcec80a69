"""How values combine across areas and over time, by each indicator's catalogue rule.

A national figure is never a plain mean of provincial percentages: coverage is the ratio of summed
numerators and denominators when provinces report them, else a population-weighted mean;
doctors per station is a mean over stations (provinces weighted by their number of communes)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from indicators.catalogue import Indicator


def period_end(period: str) -> float:
    """End of a period as a fractional year: '2025-12', '2025-Q4' and '2025' all end at 2026.0."""
    year = int(period[:4])
    if len(period) == 4:
        return year + 1.0
    if period[5] == "Q":
        return year + int(period[6]) / 4
    return year + int(period[5:7]) / 12


def period_ends(periods: pd.Series) -> np.ndarray:
    """Vectorised period_end over the distinct periods."""
    codes, uniques = pd.factorize(periods)
    return np.array([period_end(p) for p in uniques])[codes]


def _weighted(values: pd.Series, weights: pd.Series) -> float:
    ok = values.notna() & weights.notna() & (weights > 0)
    if not ok.any():
        return float("nan")
    return float(np.average(values[ok], weights=weights[ok]))


def _ratio_of_sums(g: pd.DataFrame, indicator: Indicator) -> float | None:
    """Summed numerators over summed denominators, when every row has both."""
    if not (g["numerator"].notna().all() and g["denominator"].notna().all()):
        return None
    return g["numerator"].sum() / g["denominator"].sum() * (100.0 if indicator.is_percent else 1.0)


def combine_areas(frame: pd.DataFrame, indicator: Indicator, population: dict[str, float],
                  stations: dict[str, float]) -> pd.DataFrame:
    """One value per period from rows of several areas (columns area_code, period, value,
    numerator, denominator). Returns period, value, areas (how many areas contributed)."""
    rows = []
    for period, g in frame.groupby("period", sort=True):
        rule = indicator.across_areas
        if rule == "ratio" and (ratio := _ratio_of_sums(g, indicator)) is not None:
            value = ratio
        elif rule == "sum":
            value = g["value"].sum()
        elif rule == "mean":
            value = _weighted(g["value"], g["area_code"].map(stations))
        else:  # weighted_mean, or a ratio indicator reported without its parts
            value = _weighted(g["value"], g["area_code"].map(population))
        rows.append({"period": period, "value": value, "areas": len(g)})
    return pd.DataFrame(rows, columns=["period", "value", "areas"])


def combine_time(frame: pd.DataFrame, indicator: Indicator) -> pd.DataFrame:
    """One value per area and year from finer periods, by the indicator's over-time rule
    (stock: the latest value in the year; flow: summed numerators over summed denominators)."""
    f = frame.assign(year=frame["period"].str[:4], end=period_ends(frame["period"]))
    rows = []
    for (area, year), g in f.sort_values("end").groupby(["area_code", "year"], sort=True):
        rule = indicator.over_time
        if rule == "ratio" and (ratio := _ratio_of_sums(g, indicator)) is not None:
            value = ratio
        elif rule == "sum":
            value = g["value"].sum()
        elif rule == "mean":
            value = g["value"].mean()
        else:
            value = g["value"].iloc[-1]
        rows.append({"area_code": area, "period": year, "value": value,
                     "numerator": g["numerator"].sum(min_count=len(g)),
                     "denominator": g["denominator"].sum(min_count=len(g))})
    return pd.DataFrame(rows, columns=["area_code", "period", "value", "numerator", "denominator"])
