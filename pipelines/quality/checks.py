"""The measures behind each data-quality check, as frames (pure pandas, vectorised).

Each function returns one row per thing judged, with the measure the suite then holds against its
threshold (suite.py). Input `values`: current values with indicator, area_code, level,
province_code, period, granularity, value, numerator, denominator, first_received, t."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from data import geography
from indicators.aggregate import combine_time
from indicators.catalogue import Catalogue
from indicators.periods import make_period, periods_between
from pipelines.quality.config import QualityConfig


def natural(values: pd.DataFrame, cat: Catalogue) -> pd.DataFrame:
    """Only the values at each indicator's natural frequency (the series people report)."""
    freq = {i.code: i.frequency for i in cat.indicators}
    return values[values["granularity"] == values["indicator"].map(freq)]


def reporting(values: pd.DataFrame, cat: Catalogue, cfg: QualityConfig, today: dt.date) -> pd.DataFrame:
    """Completeness and timeliness per province and period whose deadline fell in the window
    (the last `window_months` months before today).

    expected = (indicator, area) values due: each indicator at its frequency, for the province and,
    where the catalogue says so, for every commune; received = those stored; on_time = those
    first received by the deadline in the calendar."""
    stations = geography.station_counts()
    provinces = list(geography.provinces()["code"])
    if values.empty:
        return pd.DataFrame(columns=["province_code", "period", "granularity", "expected", "received",
                                     "on_time", "completeness", "timeliness", "deadline"])
    months_back = today.year * 12 + today.month - 1 - cfg.thresholds.window_months
    window_start = dt.date(months_back // 12, months_back % 12 + 1, 1)
    first = make_period(window_start.year, "month", window_start.month)
    last = make_period(today.year, "month", today.month)
    frames = []
    for gran in ("month", "quarter", "year"):
        inds = [i for i in cat.indicators if i.frequency == gran]
        if not inds:
            continue
        due = [(p, cfg.deadline(p.end, gran)) for p in periods_between(first, last, gran)]
        due = [(p.code, d) for p, d in due if window_start <= d < today]
        if not due:
            continue
        grid = pd.DataFrame([(prov, code, d) for prov in provinces for code, d in due],
                            columns=["province_code", "period", "deadline"])
        grid["expected"] = grid["province_code"].map(
            lambda prov, inds=inds: sum(("province" in i.expected_levels)
                                        + ("commune" in i.expected_levels) * stations.get(prov, 0) for i in inds))
        v = values[values["indicator"].isin([i.code for i in inds]) & (values["granularity"] == gran)]
        levels = {i.code: set(i.expected_levels) for i in inds}
        v = v[np.array([lvl in levels[ind] for ind, lvl in zip(v["indicator"], v["level"])], dtype=bool)]
        v = v.merge(grid[["province_code", "period", "deadline"]], on=["province_code", "period"])
        v = v.assign(on_time=v["first_received"].dt.date <= v["deadline"])
        counts = v.groupby(["province_code", "period"]).agg(received=("value", "size"), on_time=("on_time", "sum"))
        grid = grid.merge(counts.reset_index(), on=["province_code", "period"], how="left").fillna(
            {"received": 0, "on_time": 0})
        grid["granularity"] = gran
        frames.append(grid)
    out = pd.concat(frames, ignore_index=True)
    out["completeness"] = (out["received"] / out["expected"]).clip(upper=1.0)
    out["timeliness"] = (out["on_time"] / out["expected"]).clip(upper=1.0)
    return out


def own_series_outliers(values: pd.DataFrame, cat: Catalogue, cfg: QualityConfig) -> pd.DataFrame:
    """Modified z-score (Iglewicz and Hoaglin) of each value within its area's own series:
    0.6745 (r - median r) / scale, where r is the residual from the series' centred rolling median
    of five points (a steady rise, e-health books from 0 to 45%, is not an outlier; a one-month
    spike is) and scale is the MAD of r, or the median month-to-month step where that is larger
    (a smooth series lies on its own median, MAD 0). A series with neither (whole numbers that
    mostly repeat, such as doctors) is not judged."""
    v = natural(values, cat)[["indicator", "area_code", "province_code", "period", "value", "t"]]
    v = v.sort_values(["indicator", "area_code", "t"]).copy()
    keys = [v["indicator"], v["area_code"]]
    grouped = v.groupby(keys)["value"]
    trend = grouped.rolling(5, center=True, min_periods=3).median().reset_index(level=[0, 1], drop=True)
    resid = v["value"] - trend
    med = resid.groupby(keys).transform("median")
    mad = (resid - med).abs().groupby(keys).transform("median")
    step = grouped.diff().abs().groupby(keys).transform("median")
    scale = np.maximum(mad, step.fillna(0))
    size = grouped.transform("size")
    with np.errstate(divide="ignore", invalid="ignore"):
        z = 0.6745 * (resid - med) / scale
    v["modified_z"] = z.where((scale > 0) & (size >= cfg.thresholds.min_series))
    v["median"] = trend
    return v.drop(columns="t")


def cross_area_outliers(values: pd.DataFrame, cat: Catalogue, cfg: QualityConfig) -> pd.DataFrame:
    """Standard deviations from the mean of comparable areas in the same period: provinces among
    provinces, communes among the communes of their province."""
    v = natural(values, cat)[["indicator", "area_code", "level", "province_code", "period", "value"]].copy()
    peer = np.where(v["level"] == "province", "*", v["province_code"])
    keys = [v["indicator"], v["period"], v["level"], pd.Series(peer, index=v.index)]
    g = v.groupby(keys)["value"]
    mean, sd, size = g.transform("mean"), g.transform("std"), g.transform("size")
    with np.errstate(divide="ignore", invalid="ignore"):
        v["cross_z"] = ((v["value"] - mean) / sd).where((sd > 0) & (size >= 5))
    v["peer_mean"] = mean
    return v


def over_time(values: pd.DataFrame, cat: Catalogue, cfg: QualityConfig, today: dt.date) -> pd.DataFrame:
    """Each complete year of a province against the mean of its three previous years: a relative
    change for counts and other units, a change in points for percentages."""
    prov = natural(values[values["level"] == "province"], cat)
    frames = []
    for code, g in prov.groupby("indicator", observed=True):
        ind = cat[code]
        series = g if ind.frequency == "year" else combine_time(
            g[g["period"].str[:4].astype(int) < today.year], ind)
        if ind.year_to_date and ind.frequency == "quarter":
            series = g[g["period"].str.endswith("Q4")].assign(period=lambda d: d["period"].str[:4])
        series = series[["area_code", "period", "value"]].assign(indicator=code).sort_values(["area_code", "period"])
        prev = series.groupby("area_code")["value"].transform(lambda s: s.rolling(3).mean().shift(1))
        series["previous_mean"] = prev
        if ind.is_percent:
            series["change_points"] = series["value"] - prev
            series["change_ratio"] = np.nan
        else:
            series["change_points"] = np.nan
            with np.errstate(divide="ignore", invalid="ignore"):
                # A relative change means nothing across zero (a height gain of -0.3 cm).
                series["change_ratio"] = (series["value"] / prev - 1).where((prev > 0) & (series["value"] > 0))
        frames.append(series)
    cols = ["indicator", "area_code", "period", "value", "previous_mean", "change_points", "change_ratio"]
    return pd.concat(frames, ignore_index=True)[cols] if frames else pd.DataFrame(columns=cols)


def coverage_drops(values: pd.DataFrame) -> pd.DataFrame:
    """Month-to-month change of each province's insurance coverage (consecutive months only)."""
    v = values[(values["indicator"] == "insurance_coverage") & (values["level"] == "province")
               & (values["granularity"] == "month")][["area_code", "period", "value", "t"]].sort_values(["area_code", "t"])
    prev_value = v.groupby("area_code")["value"].shift(1)
    prev_t = v.groupby("area_code")["t"].shift(1)
    consecutive = (v["t"] - prev_t).round(6) == round(1 / 12, 6)
    return v.assign(indicator="insurance_coverage", previous=prev_value,
                    change_points=(v["value"] - prev_value).where(consecutive))


def ratio_consistency(values: pd.DataFrame, cat: Catalogue) -> pd.DataFrame:
    """Value against numerator / denominator, where both are stored."""
    v = values[values["numerator"].notna() & values["denominator"].notna() & (values["denominator"] > 0)]
    scale = v["indicator"].map({i.code: 100.0 if i.is_percent else 1.0 for i in cat.indicators}).astype(float)
    expected = v["numerator"] / v["denominator"] * scale
    return v[["indicator", "area_code", "period", "value"]].assign(expected=expected,
                                                                   ratio_error=(v["value"] - expected).abs())


def province_vs_communes(values: pd.DataFrame, cat: Catalogue) -> pd.DataFrame:
    """A province's figure against the figure of its communes (same period), and that commune
    figure itself, which for a percentage can never exceed 100 once aggregated."""
    com = values[values["level"] == "commune"]
    if com.empty:
        return pd.DataFrame(columns=["indicator", "area_code", "period", "value", "communes_value",
                                     "relative_gap", "communes", "percent"])
    parts = com.groupby(["indicator", "province_code", "period"], observed=True).agg(
        mean=("value", "mean"), num=("numerator", lambda s: s.sum(min_count=len(s))),
        den=("denominator", lambda s: s.sum(min_count=len(s))), communes=("value", "size")).reset_index()
    rule = parts["indicator"].map({i.code: i.across_areas for i in cat.indicators})
    scale = parts["indicator"].map({i.code: 100.0 if i.is_percent else 1.0 for i in cat.indicators}).astype(float)
    use_ratio = (rule == "ratio") & parts["num"].notna() & parts["den"].notna() & (parts["den"] > 0)
    parts["communes_value"] = np.where(use_ratio, parts["num"] / parts["den"].where(parts["den"] > 0) * scale,
                                       parts["mean"])
    prov = values[values["level"] == "province"][["indicator", "area_code", "period", "value"]]
    out = parts.rename(columns={"province_code": "area_code"}).merge(prov, on=["indicator", "area_code", "period"],
                                                                      how="left")
    with np.errstate(divide="ignore", invalid="ignore"):
        out["relative_gap"] = ((out["value"] - out["communes_value"]).abs() / out["communes_value"].abs()).where(
            out["communes_value"] != 0)
    out["percent"] = scale.to_numpy() == 100.0
    return out[["indicator", "area_code", "period", "value", "communes_value", "relative_gap", "communes", "percent"]]
