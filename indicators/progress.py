"""Status of a series against a target: the Statistics Canada / Open SDG progress measure.

Method (open-sdg docs `progress-methodology.md`; reference code sdg-build `sdg/ProgressMeasure.py`,
following Eurostat), with t in years:
    observed rate  CAGR_o = (y_t / y_0) ** (1 / (t - t_0)) - 1
    required rate  CAGR_r = (y_T / y_0) ** (1 / (T - t_0)) - 1
    ratio          R = direction * CAGR_o / |CAGR_r|
The target is achieved once the latest value has passed it in the desired direction (one value is
enough, as in the reference); otherwise R >= 0.95 on track, 0.60 <= R < 0.95 acceleration needed,
0 <= R < 0.60 limited progress, R < 0 deterioration. Thresholds are configuration (PROGRESS).

Choices of ours, each shown to the reader on the About page (tests/test_progress_reference.py
compares them with the reference case by case):
- Time is the end of a period as a fractional year (2025-12 and 2025 both end at 2026.0); a
  target "in 2030" is due at the end of 2030.
- Overdue: once the data reach the end of the target year and the target is not met, the status is
  "not achieved" (the reference keeps grading the pace against a date that has passed).
- Baseline: the last value in the plan's baseline year (2025 unless stated). When nothing was
  reported after the baseline year yet (annual figures), the baseline moves back to the earliest
  value of the last `fallback_years` years, so the recent trend still gets a status; the
  assessment then carries `trend_since`, the year the trend is measured from, for the reader.
- Zero or negative values (a height gain of 0 cm in its baseline year) make growth rates
  meaningless: the same ratio is then taken of linear rates, (y - y_0) / (t - t_0).
- 100% targets: a percentage within `full_tolerance` points of 100 that is not falling counts as
  reaching it (figures are reported to one decimal and "toàn dân" cannot be measured more finely);
  a falling series (99.8 -> 99.6) has not reached it.
- A range target (4-5 doctors) is met at its lower bound; ">" needs the value strictly above.
- The projected year is when the current pace (observed rate from the baseline) reaches the
  target; None when the trend moves away from it or would take beyond 2100. It agrees with the
  status: an achieved target's is the latest period, and "on track" needs the projection to reach
  the target by the end of its year (0.95 <= R < 1 reaches it later: acceleration needed).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from indicators.catalogue import Indicator, Target

Status = Literal["achieved", "on_track", "acceleration_needed", "limited_progress", "deterioration",
                 "not_achieved", "insufficient_data", "no_target"]
# Best first: the Overview sorts provinces in this order.
STATUSES: tuple[Status, ...] = ("achieved", "on_track", "acceleration_needed", "limited_progress",
                                "deterioration", "not_achieved", "insufficient_data", "no_target")
_EPS = 1e-9


@dataclass(frozen=True)
class ProgressConfig:
    on_track: float = 0.95
    acceleration: float = 0.60
    limited: float = 0.0
    full_tolerance: float = 0.5   # percentage points that count as 100%
    fallback_years: int = 5


PROGRESS = ProgressConfig()


@dataclass(frozen=True)
class Assessment:
    status: Status
    target_value: float | None = None
    target_year: int | None = None
    baseline: tuple[float, float] | None = None   # (t, value)
    latest: tuple[float, float] | None = None     # (t, value)
    observed_rate: float | None = None
    required_rate: float | None = None
    ratio: float | None = None
    method: Literal["cagr", "linear"] | None = None
    projected_year: float | None = None
    trend_since: int | None = None   # year of a baseline taken before the plan's baseline year

    @property
    def gap(self) -> float | None:
        """Target minus latest value (positive: still to gain for a higher-is-better target)."""
        if self.target_value is None or self.latest is None:
            return None
        return self.target_value - self.latest[1]


def achieved(value: float, target_value: float, target: Target, indicator: Indicator,
             config: ProgressConfig = PROGRESS, previous: float | None = None) -> bool:
    """Has the value passed the target in the desired direction? `previous` (the value before)
    tells a falling series, which the tolerance of 100% targets does not cover."""
    sign = -1 if indicator.direction == "lower" else 1
    tolerance = config.full_tolerance if indicator.is_percent and target_value >= 100 else 0.0
    if previous is not None and sign * (value - previous) < 0:
        tolerance = 0.0
    value, target_value = sign * value, sign * target_value
    if target.comparison == ">" and tolerance == 0:
        return value > target_value
    if target.comparison == "=":
        return abs(value - target_value) <= max(tolerance, _EPS)
    return value >= target_value - tolerance


def _rate(y1: float, y0: float, t1: float, t0: float, linear: bool) -> float:
    if linear:
        return (y1 - y0) / (t1 - t0)
    return (y1 / y0) ** (1 / (t1 - t0)) - 1


def period_year(t: float) -> int:
    """Calendar year of the period that ends at fractional year t (2026.0 and 2025.5 -> 2025)."""
    return math.ceil(t - _EPS) - 1


def assess(points: list[tuple[float, float]], target: Target, indicator: Indicator,
           config: ProgressConfig = PROGRESS) -> Assessment:
    """Classify a series of (t, value) points, in any order, against one target."""
    points = sorted((t, v) for t, v in points if v is not None and not math.isnan(v))
    base_year = target.change.baseline_year if target.change else 2025
    target_value = target.threshold_for(_value_in_year(points, base_year))
    if target_value is None or not points:
        return Assessment("insufficient_data", target_value, target.year, latest=points[-1] if points else None)
    latest, due = points[-1], target.year + 1.0
    base = _baseline(points, base_year, config)
    if base is not None and latest[0] <= base[0]:
        base = None
    since = period_year(base[0]) if base is not None and period_year(base[0]) < base_year else None
    common = dict(target_value=target_value, target_year=target.year, baseline=base, latest=latest,
                  trend_since=since, **_rates(base, latest, target_value, due))
    direction = 1 if indicator.direction == "higher" else -1
    previous = points[-2][1] if len(points) > 1 else None
    if achieved(latest[1], target_value, target, indicator, config, previous):
        return Assessment("achieved", projected_year=latest[0], **common)
    projected = None
    if common["observed_rate"] is not None:
        projected = _projected_year(latest, target_value, common["observed_rate"], direction, common["method"] == "linear")
    if latest[0] >= due - _EPS:
        return Assessment("not_achieved", projected_year=projected, **common)
    if base is None:
        return Assessment("insufficient_data", **common)
    observed, required = common["observed_rate"], common["required_rate"]
    if required:
        ratio = direction * observed / abs(required)
    else:   # the baseline already sits on the target (a strict "above 95" at exactly 95)
        ratio = math.copysign(math.inf, direction * observed) if observed else 0.0
    status = _status(ratio, config)
    if status == "on_track" and (projected is None or projected > due + _EPS):
        status = "acceleration_needed"
    return Assessment(status, ratio=ratio, projected_year=projected, **common)


def _rates(base, latest, target_value: float, due: float) -> dict:
    """Observed and required rates from the baseline (CAGR, or linear where a value is <= 0)."""
    if base is None:
        return dict(observed_rate=None, required_rate=None, method=None)
    linear = base[1] <= 0 or latest[1] <= 0 or target_value <= 0
    return dict(observed_rate=_rate(latest[1], base[1], latest[0], base[0], linear),
                required_rate=_rate(target_value, base[1], due, base[0], linear) if due > base[0] else None,
                method="linear" if linear else "cagr")


def _status(ratio: float, config: ProgressConfig) -> Status:
    if ratio >= config.on_track:
        return "on_track"
    if ratio >= config.acceleration:
        return "acceleration_needed"
    if ratio >= config.limited:
        return "limited_progress"
    return "deterioration"


def _value_in_year(points: list[tuple[float, float]], year: int) -> float | None:
    """The last value that falls within a calendar year (period ends in (year, year + 1])."""
    inside = [v for t, v in points if year < t <= year + 1 + _EPS]
    return inside[-1] if inside else None


def _baseline(points, base_year: int, config: ProgressConfig) -> tuple[float, float] | None:
    inside = [(t, v) for t, v in points if base_year < t <= base_year + 1 + _EPS]
    if inside and points[-1][0] > inside[-1][0]:
        return inside[-1]
    after = [(t, v) for t, v in points if t > base_year + 1 + _EPS]
    if not inside and len(after) >= 2:
        return after[0]
    recent = [(t, v) for t, v in points if t >= points[-1][0] - config.fallback_years]
    return recent[0] if len(recent) >= 2 else None


def _projected_year(latest, target_value: float, rate: float, direction: int, linear: bool) -> float | None:
    """Fractional year at which the current pace reaches the target (None if never by 2100)."""
    t, y = latest
    gap = target_value - y
    if direction * gap <= 0:   # on the target without passing it (a strict "above"): any gain will do
        return t if direction * rate > 0 else None
    if linear:
        if rate == 0 or (gap > 0) != (rate > 0):
            return None
        when = t + gap / rate
    else:
        if rate <= -1 or rate == 0 or y <= 0 or (target_value / y > 1) != (rate > 0):
            return None
        when = t + math.log(target_value / y) / math.log1p(rate)
    return when if when <= 2100 else None


def next_target(targets: list[Target], latest_t: float | None) -> Target | None:
    """The first milestone not yet due at the latest data point; the last one when all are past."""
    if not targets:
        return None
    ordered = sorted(targets, key=lambda t: (t.year, t.scope != "national"))
    if latest_t is None:
        return ordered[0]
    for t in ordered:
        if t.year + 1.0 >= latest_t:
            return t
    return ordered[-1]
