"""Our statuses beside the Open SDG reference implementation, case by case.

The reference is sdg-build `sdg/ProgressMeasure.py` (class `SeriesProgress`, quantitative
"method 2"), configured as we read the plans: `base_year` 2025, `target`, `target_year`,
`direction: positive` (negative for the lower-is-better row). Its answers below were worked out by
hand from that code; the comment on each row names the branch that decides it:
- `__init__`: a base year missing from the data moves to the next year that has data
  (`years[years > base_year].min()`), never to an earlier one;
- `is_target_achieved`: `current_value >= target` (no tolerance, no strict "above"), checked first by
  `get_progress_status`, so one value past the target is "target_achieved";
- `calculate_progress_value`: no value when `current_year - base_year < 1` ("not_available"), when the
  base and current values have opposite signs, and a base value of 0 becomes 0.001;
- `methodology_2`: R = sign * direction * cagr_o / |cagr_r| over whole years, thresholds 0.95 / 0.6 / 0.

Annual figures for year Y are ours at t = Y + 1 (the end of the year), so whole-year differences
are the same on both sides. `why` is None where we agree; otherwise it says which of our documented
choices (indicators/progress.py, the About page) makes the difference.
"""
from __future__ import annotations

from typing import NamedTuple

import msgspec
import pytest

from indicators.aggregate import period_end
from indicators.catalogue import Indicator, Target, catalogue
from indicators.progress import assess

COVERAGE = catalogue()["insurance_coverage"]
DOCTORS = catalogue()["doctors_per_station"]
HEIGHT = catalogue()["youth_height_gain"]
LIFE = catalogue()["life_expectancy"]
SMOKING = msgspec.convert({**msgspec.to_builtins(COVERAGE), "code": "smoking", "direction": "lower", "targets": []},
                          Indicator)

# The reference's words for ours.
SAME = {"target_achieved": "achieved", "substantial_progress": "on_track", "moderate_progress": "acceleration_needed",
        "limited_progress": "limited_progress", "deterioration": "deterioration", "not_available": "insufficient_data"}

OVERDUE = "overdue: a target year that has passed unmet is 'not achieved', not graded on its pace"
FALLBACK = "baseline falls back to the earliest value of the last 5 years (status says 'trend since')"


def target(comparison: str, threshold: float, year: int) -> Target:
    extra = {"upper": 5.0} if comparison == "range" else {}
    return msgspec.convert({"scope": "national", "year": year, "comparison": comparison, "threshold": threshold,
                            "source": {"document": "NQ72", "section": "x", "quote": "y"}, **extra}, Target)


class Case(NamedTuple):
    name: str
    series: dict            # period -> value
    target: Target
    indicator: Indicator
    reference: str          # sdg-build's status (or the error it raises)
    ours: str
    why: str | None         # None: we agree


CASES = [
    # methodology_2: cagr_o = 0 -> R = 0 -> limited
    Case("flat", {2025: 90, 2026: 90}, target(">=", 95, 2030), COVERAGE, "limited_progress", "limited_progress", None),
    # methodology_2: R = 0.0217 / 0.00644 = 3.38
    Case("fast", {2025: 92, 2026: 94}, target(">=", 95, 2030), COVERAGE, "substantial_progress", "on_track", None),
    # methodology_2: R = 0.00543 / 0.00644 = 0.844
    Case("moderate", {2025: 92, 2026: 92.5}, target(">=", 95, 2030), COVERAGE, "moderate_progress",
         "acceleration_needed", None),
    # methodology_2: R = -1.69
    Case("falling", {2025: 92, 2026: 91}, target(">=", 95, 2030), COVERAGE, "deterioration", "deterioration", None),
    # methodology_2: 96 -> 94 below a target once passed: R = -0.0208 / 0.00209 = -9.96
    Case("fell back below", {2025: 96, 2026: 94}, target(">=", 95, 2030), COVERAGE, "deterioration", "deterioration",
         None),
    # is_target_achieved
    Case("passed", {2025: 94, 2026: 96}, target(">=", 95, 2030), COVERAGE, "target_achieved", "achieved", None),
    # __init__ moves the base year to 2026 (the only one); is_target_achieved decides before any rate
    Case("one value past", {2026: 96}, target(">=", 95, 2030), COVERAGE, "target_achieved", "achieved", None),
    # calculate_progress_value: current_year - base_year = 0 < 1
    Case("one value short", {2026: 90}, target(">=", 95, 2030), COVERAGE, "not_available", "insufficient_data", None),
    # is_target_achieved on the latest value, however late
    Case("met after its year", {2025: 90, 2026: 93, 2027: 96}, target(">=", 95, 2026), COVERAGE, "target_achieved",
         "achieved", None),
    # is_target_achieved: 4 >= 4 (the reference has no ranges; configured with the lower bound)
    Case("range at lower bound", {2025: 3.5, 2026: 4.0}, target("range", 4, 2027), DOCTORS, "target_achieved",
         "achieved", None),
    # __init__: 2025 missing -> base 2026; R = 0.0222 / 0.0136 = 1.63
    Case("no baseline-year value", {2026: 90, 2027: 92}, target(">=", 95, 2030), COVERAGE, "substantial_progress",
         "on_track", None),
    # methodology_2 with direction -1: R = -1 * -0.1 / 0.129 = 0.77
    Case("lower is better", {2025: 20, 2026: 18}, target(">=", 10, 2030), SMOKING, "moderate_progress",
         "acceleration_needed", None),
    # calculate_progress_value: base 0 -> 0.001, R = 399 / 3.32 = 120 (ours: linear, R = 0.4 / 0.3 = 1.33)
    Case("zero baseline", {2025: 0.0, 2026: 0.4}, HEIGHT.targets[0], HEIGHT, "substantial_progress", "on_track", None),
    # is_target_achieved fails (99.6 < 100); R = -5.0
    Case("100 % target, falling within 0.5", {2025: 99.8, 2026: 99.6}, target(">=", 100, 2030), COVERAGE,
         "deterioration", "deterioration", None),
    # methodology_2: 90 -> 93 against 95 due 2026: R = 0.0167 / 0.0556 = 0.30
    Case("overdue, unmet", {2025: 90, 2026: 92, 2027: 93}, target(">=", 95, 2026), COVERAGE, "limited_progress",
         "not_achieved", OVERDUE),
    # methodology_2: data end with the target year, 94 < 95: R = 0.0217 / 0.0326 = 0.667
    Case("target year reported, unmet", {2025: 92, 2026: 94}, target(">=", 95, 2026), COVERAGE, "moderate_progress",
         "not_achieved", OVERDUE),
    # __init__: base 2027 after the target year, cagr_r over -1 year = -0.0526; R = 0.0222 / 0.0526 = 0.42
    # (we said "on track", R = +inf, before issue 12)
    Case("baseline after the target year", {2027: 90, 2028: 92}, target(">=", 95, 2026), COVERAGE, "limited_progress",
         "not_achieved", OVERDUE),
    # growth_calculation(95, 90, 2025, 2025): 1 / 0 raises ZeroDivisionError (we said R = +inf before issue 12)
    Case("target due in the baseline year", {2025: 90, 2026: 92}, target(">=", 95, 2025), COVERAGE,
         "error: ZeroDivisionError", "not_achieved", OVERDUE),
    # is_target_achieved fails (99.6 < 100); R = 0.00606 / 0.00201 = 3.0
    Case("100 % target, rising within 0.5", {2025: 99.0, 2026: 99.6}, target(">=", 100, 2030), COVERAGE,
         "substantial_progress", "achieved",
         "100 % targets: within 0.5 points and not falling counts as reached (figures have one decimal)"),
    # methodology_2: cagr_o = 0
    Case("100 % target, flat within 0.5", {2025: 99.7, 2026: 99.7}, target(">=", 100, 2030), COVERAGE,
         "limited_progress", "achieved",
         "100 % targets: within 0.5 points and not falling counts as reached (figures have one decimal)"),
    # is_target_achieved: 95 >= 95 (ours: "trên 95%" needs more than 95; R = 5.0 -> on track)
    Case("exactly at an 'above' target", {2025: 94, 2026: 95}, target(">", 95, 2030), COVERAGE, "target_achieved",
         "on_track", "'trên X%' (above X) is read strictly: X itself is not yet above"),
    # calculate_progress_value: base 2025 = current 2025 -> not_available
    Case("annual, nothing after 2025", {2021: 72.3, 2022: 72.8, 2023: 73.3, 2024: 73.5, 2025: 73.7},
         target(">=", 75.5, 2030), LIFE, "not_available", "acceleration_needed",
         FALLBACK + "; R = 0.996 reaches 75.5 only in 2031, so not 'on track'"),
    # calculate_progress_value: base 2025 = current 2025 -> not_available
    Case("annual, two values to 2025", {2024: 70, 2025: 71}, target(">=", 75, 2030), LIFE, "not_available", "on_track",
         FALLBACK),
    # __init__: no year after 2025 -> min() of nothing -> .item() raises ValueError
    Case("only values before 2025", {2022: 90, 2023: 91}, target(">=", 95, 2030), COVERAGE, "error: ValueError",
         "on_track", FALLBACK),
    # calculate_progress_value: base -0.3 and current 0.2 have opposite signs -> not_available
    Case("negative baseline", {2025: -0.3, 2026: 0.2}, HEIGHT.targets[0], HEIGHT, "not_available", "on_track",
         "values <= 0 use linear rates (y - y0) / (t - t0): R = 0.5 / 0.3 = 1.67"),
    # methodology_2: R = 0.01056 / 0.01087 = 0.971 >= 0.95
    Case("R between 0.95 and 1", {2025: 90, 2026: 90.95}, target(">=", 95, 2030), COVERAGE, "substantial_progress",
         "acceleration_needed", "'on track' needs the current pace to reach the target by its year (here 2031)"),
    # the reference works on whole years: 2025 and 2026, R = 0.0109 / 0.0326 = 0.33
    Case("monthly figures", {"2025-12": 92, "2026-06": 93}, target(">=", 95, 2026), COVERAGE, "limited_progress",
         "acceleration_needed", "time is fractional (period ends): half a year of growth, R = 0.67"),
]


def points(case: Case) -> list[tuple[float, float]]:
    return [(period_end(str(p)), float(v)) for p, v in case.series.items()]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_our_status(case):
    assert assess(points(case), case.target, case.indicator).status == case.ours


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_every_difference_is_a_documented_choice(case):
    agree = SAME.get(case.reference) == case.ours
    assert agree == (case.why is None), f"{case.name}: agree={agree} but why={case.why!r}"


def test_summary():
    agree = sum(c.why is None for c in CASES)
    assert (agree, len(CASES) - agree) == (14, 13)
