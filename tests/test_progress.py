"""The progress measure on hand-computed cases."""
import math

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indicators.catalogue import Indicator, Target, catalogue
from indicators.progress import PROGRESS, ProgressConfig, achieved, assess, next_target

COVERAGE = catalogue()["insurance_coverage"]
DOCTORS = catalogue()["doctors_per_station"]
HEIGHT = catalogue()["youth_height_gain"]
LIFE = catalogue()["life_expectancy"]


def target(comparison=">", threshold=95.0, year=2026, **kw) -> Target:
    return msgspec.convert({"scope": "national", "year": year, "comparison": comparison, "threshold": threshold,
                            "source": {"document": "NQ72", "section": "x", "quote": "y"}, **kw}, Target)


def test_flat_series_is_limited_progress():
    # baseline 2025-12 (t=2026.0) 90, latest 2026-06 (t=2026.5) 90: CAGR_o = 0 -> R = 0
    a = assess([(2026.0, 90.0), (2026.5, 90.0)], target(), COVERAGE)
    assert a.status == "limited_progress" and a.ratio == 0 and a.observed_rate == 0
    assert a.projected_year is None and a.gap == pytest.approx(5.0)


def test_too_few_points_has_no_status():
    assert assess([(2026.0, 90.0)], target(), COVERAGE).status == "insufficient_data"
    assert assess([], target(), COVERAGE).status == "insufficient_data"


def test_target_already_met():
    a = assess([(2026.0, 94.0), (2026.5, 95.4)], target(), COVERAGE)
    assert a.status == "achieved"
    assert not achieved(95.0, 95.0, target(">", 95), COVERAGE)     # "trên 95%" is strictly above
    assert achieved(95.0, 95.0, target(">=", 95), COVERAGE)


def test_on_track_by_hand():
    # 92 -> 93 over half a year: CAGR_o = (93/92)^2 - 1 = 0.021855; target 95 at 2027.0:
    # CAGR_r = 95/92 - 1 = 0.032609; R = 0.6702 -> acceleration needed
    a = assess([(2026.0, 92.0), (2026.5, 93.0)], target(), COVERAGE)
    assert a.observed_rate == pytest.approx((93 / 92) ** 2 - 1)
    assert a.required_rate == pytest.approx(95 / 92 - 1)
    assert a.ratio == pytest.approx(0.6702, abs=1e-4) and a.status == "acceleration_needed"
    fast = assess([(2026.0, 92.0), (2026.5, 94.0)], target(), COVERAGE)
    assert fast.status == "on_track" and fast.projected_year == pytest.approx(2026.5 + math.log(95 / 94) / math.log(1 + fast.observed_rate))


def test_deterioration():
    a = assess([(2026.0, 92.0), (2026.5, 91.0)], target(), COVERAGE)
    assert a.status == "deterioration" and a.ratio < 0 and a.projected_year is None


def test_lower_is_better():
    lower = msgspec.convert({**msgspec.to_builtins(COVERAGE), "code": "smoking", "direction": "lower", "unit": "%",
                             "targets": []}, Indicator)
    t = target("=", 10.0, year=2030)
    t = msgspec.convert({**msgspec.to_builtins(t), "comparison": ">="}, Target)
    # 20 -> 18 in a year; required 20 -> 10 by 2031.0: CAGR_r = 0.5^(1/5) - 1 = -0.129449
    a = assess([(2026.0, 20.0), (2027.0, 18.0)], t, lower)
    assert a.ratio == pytest.approx(0.1 / 0.129449, abs=1e-4) and a.status == "acceleration_needed"
    assert achieved(9.5, 10.0, t, lower) and not achieved(10.5, 10.0, t, lower)


def test_baseline_relative_target_with_zero_baseline_uses_linear_rates():
    t = HEIGHT.targets[0]                          # +1.5 cm over 2025, by 2030
    a = assess([(2025.0, -0.3), (2026.0, 0.0), (2027.0, 0.4)], t, HEIGHT)
    # target 0 + 1.5; observed 0.4 cm/yr; required 1.5 / (2031 - 2026) = 0.3 cm/yr; R = 1.333
    assert a.method == "linear" and a.target_value == pytest.approx(1.5)
    assert a.ratio == pytest.approx(0.4 / 0.3) and a.status == "on_track"
    assert a.projected_year == pytest.approx(2027.0 + 1.1 / 0.4)


def test_range_target_met_at_lower_bound():
    t = DOCTORS.targets[0]                         # 4-5 doctors by 2027
    assert t.comparison == "range"
    a = assess([(2026.0, 3.0), (2026.75, 3.3)], t, DOCTORS)
    expected = ((3.3 / 3.0) ** (1 / 0.75) - 1) / ((4 / 3) ** (1 / 2) - 1)
    assert a.ratio == pytest.approx(expected) and a.status == "acceleration_needed"
    assert assess([(2026.0, 3.0), (2026.75, 4.0)], t, DOCTORS).status == "achieved"


def test_hundred_percent_target_tolerance():
    t = target(">=", 100.0, year=2030)
    assert assess([(2026.0, 98.0), (2026.5, 99.6)], t, COVERAGE).status == "achieved"
    assert assess([(2026.0, 98.0), (2026.5, 99.4)], t, COVERAGE).status != "achieved"
    strict = ProgressConfig(full_tolerance=0.0)
    assert assess([(2026.0, 98.0), (2026.5, 99.6)], t, COVERAGE, strict).status != "achieved"


def test_annual_series_without_data_after_baseline_falls_back():
    t = LIFE.targets[0]                            # >= 75.5 by 2030
    points = [(2022.0, 73.6), (2023.0, 74.0), (2024.0, 74.5), (2025.0, 74.6), (2026.0, 74.8)]
    a = assess(points, t, LIFE)
    assert a.baseline == (2022.0, 73.6) and a.latest == (2026.0, 74.8)
    assert a.required_rate == pytest.approx((75.5 / 73.6) ** (1 / 9) - 1)


def test_thresholds_are_configuration():
    pts = [(2026.0, 92.0), (2026.5, 93.0)]          # R = 0.67
    assert assess(pts, target(), COVERAGE, ProgressConfig(acceleration=0.7)).status == "limited_progress"
    fast = [(2026.0, 92.0), (2026.5, 94.0)]         # R = 1.35
    assert assess(fast, target(), COVERAGE, ProgressConfig(on_track=1.5)).status == "acceleration_needed"
    assert PROGRESS.on_track == 0.95 and PROGRESS.acceleration == 0.60


def test_next_target():
    ts = list(COVERAGE.targets_for("66"))
    assert next_target(ts, 2026.8).year == 2026 and next_target(ts, 2026.8).scope == "national"
    assert next_target(ts, 2027.5).year == 2030
    assert next_target(ts, 2032.0).year == 2030
    assert next_target([], 2026.0) is None


def test_overdue_target_not_met_is_not_achieved():
    # 2026 target (> 95), data reach 2026-12 (t = 2027.0, the due date) at 94: overdue, with the gap
    a = assess([(2026.0, 92.0), (2026.5, 93.0), (2027.0, 94.0)], target(), COVERAGE)
    assert a.status == "not_achieved" and a.gap == pytest.approx(1.0) and a.ratio is None
    assert a.projected_year > 2027.0                  # reached later, if at all: never "on time"
    # no data in or after the baseline year's trend but past the target year: the old R = +inf case
    late = assess([(2028.0, 90.0), (2029.0, 92.0)], target(), COVERAGE)
    assert late.status == "not_achieved"
    # met later than due: achieved; one month before the due date: still graded by its pace
    assert assess([(2026.0, 92.0), (2027.0, 94.0), (2027.5, 95.5)], target(), COVERAGE).status == "achieved"
    assert assess([(2026.0, 92.0), (2026 + 11 / 12, 94.9)], target(), COVERAGE).status == "on_track"


def test_one_value_past_the_target_is_achieved():
    a = assess([(2026.5, 96.0)], target(), COVERAGE)
    assert a.status == "achieved" and a.projected_year == 2026.5
    assert assess([(2026.5, 94.0)], target(), COVERAGE).status == "insufficient_data"
    assert assess([(2027.0, 94.0)], target(), COVERAGE).status == "not_achieved"   # overdue needs no trend


def test_hundred_percent_tolerance_does_not_cover_a_falling_series():
    t = target(">=", 100.0, year=2030)
    falling = assess([(2026.0, 99.8), (2026.5, 99.6)], t, COVERAGE)
    assert falling.status == "deterioration" and falling.projected_year is None
    assert assess([(2026.0, 99.6), (2026.5, 99.6)], t, COVERAGE).status == "achieved"      # flat
    assert assess([(2026.5, 99.7)], t, COVERAGE).status == "achieved"                      # nothing says falling
    assert assess([(2026.0, 99.9), (2026.5, 100.0)], t, COVERAGE).status == "achieved"


def test_fallback_baseline_says_since_when():
    a = assess([(2022.0, 73.6), (2024.0, 74.5), (2026.0, 74.8)], LIFE.targets[0], LIFE)
    assert a.trend_since == 2021                       # 2021 ends at 2022.0
    monthly = assess([(2026.0, 92.0), (2026.5, 93.0)], target(), COVERAGE)
    assert monthly.trend_since is None                 # baseline in the plan's baseline year (2025-12)


def test_on_track_means_reaching_the_target_by_its_year():
    # annual 90 -> 90.95 against 95 by 2030: R = 0.971 (>= 0.95), but the pace reaches 95 in 2031
    a = assess([(2026.0, 90.0), (2027.0, 90.95)], target(">=", 95.0, year=2030), COVERAGE)
    assert 0.95 <= a.ratio < 1 and a.projected_year > 2031.0 and a.status == "acceleration_needed"


_series = st.lists(st.floats(min_value=1.0, max_value=100.0, allow_nan=False), min_size=1, max_size=8)


@settings(max_examples=300, deadline=None)
@given(_series, st.sampled_from([2026, 2027, 2030, 2045]), st.sampled_from([">", ">="]),
       st.floats(min_value=50.0, max_value=100.0), st.integers(min_value=0, max_value=12))
def test_projected_year_agrees_with_status(values, year, comparison, threshold, start):
    """Never achieved with a projection in the future, never on track with one after the target
    year, never "not achieved" before the target year has passed."""
    points = [(2025.0 + (start + i) / 4, v) for i, v in enumerate(values)]
    a = assess(points, target(comparison, threshold, year=year), COVERAGE)
    due = year + 1.0
    if a.status == "achieved":
        assert a.projected_year is not None and a.projected_year <= a.latest[0]
    if a.status == "on_track":
        assert a.projected_year is not None and a.projected_year <= due + 1e-9
    if a.status in ("acceleration_needed", "limited_progress", "deterioration", "not_achieved") and a.projected_year:
        assert a.projected_year > due - 1e-9
    assert (a.status == "not_achieved") == (a.latest[0] >= due - 1e-9 and a.status != "achieved")
