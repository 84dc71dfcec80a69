"""What the charts draw: where on the time axis, with which labels, and what they leave out."""
import datetime as dt

import pandas as pd
import pytest

from dashboard import charts
from dashboard.about_text import method
from dashboard.charts import period_at, period_mid
from dashboard.ui import STATUS_STYLE
from indicators.aggregate import period_end
from indicators.catalogue import catalogue
from indicators.progress import STATUSES, assess
from pipelines.messages import TEXT

COVERAGE = catalogue()["insurance_coverage"]
LIFE = catalogue()["life_expectancy"]
ACTIVITY = catalogue()["physical_activity_rate"]
DOCS = {k: d.short("vi") for k, d in catalogue().documents.items()}


def series(values: dict[str, float]) -> pd.DataFrame:
    periods = list(values)
    return pd.DataFrame({"period": periods, "value": list(values.values()), "t": [period_end(p) for p in periods],
                         "flagged": [False] * len(periods)})


def assessed(frame: pd.DataFrame, ind, area: str = "66"):
    points = list(zip(frame["t"], frame["value"]))
    return [(tg, assess(points, tg, ind)) for tg in ind.targets_for(area)]


def year_of(x) -> int:
    return pd.Timestamp(x).year


def test_period_mid_is_the_middle_of_the_period():
    assert period_mid("2030") == dt.datetime(2030, 7, 2, 12)
    assert period_mid("2026-Q1") == dt.datetime(2026, 2, 15)
    assert period_mid("2026-01") == dt.datetime(2026, 1, 16, 12)
    assert period_mid("2024-02") == dt.datetime(2024, 2, 15, 12)        # 29 days
    for p in ["2025", "2026-Q4", "2026-12", "2021-01", "2030-Q2"]:
        assert period_at(period_end(p), charts.grain_of(p)) == p


def test_every_point_is_drawn_inside_its_own_period():
    """A 2025 value inside 2025, the 2027 doctors target inside 2027, 2030 and 2045 inside their years."""
    life = series({"2021": 72.3, "2022": 72.8, "2023": 73.3, "2024": 73.5, "2025": 73.7})
    fig = charts.progress_chart(life, assessed(life, LIFE), LIFE, DOCS, "vi")
    values = fig.data[0]
    assert [year_of(x) for x in values.x] == [2021, 2022, 2023, 2024, 2025]
    milestones = [tr for tr in fig.data if tr.mode == "markers" and tr.name and "NQ 72" in tr.name]
    assert sorted(x for tr in milestones for x in tr.x) == [period_mid("2030"), period_mid("2045")]
    doctors = catalogue()["doctors_per_station"]
    quarterly = series({"2025-Q4": 3.0, "2026-Q1": 3.2, "2026-Q2": 3.3})
    fig = charts.progress_chart(quarterly, assessed(quarterly, doctors), doctors, DOCS, "vi")
    assert list(fig.data[0].x) == [period_mid("2025-Q4"), period_mid("2026-Q1"), period_mid("2026-Q2")]
    assert {x for tr in fig.data[1:] if tr.mode == "markers" for x in tr.x} == {period_mid("2027")}


def test_milestones_are_labelled_with_their_year_and_have_room():
    cov = series({"2025-12": 94.0, "2026-06": 95.2, "2026-10": 95.8})
    fig = charts.progress_chart(cov, assessed(cov, COVERAGE), COVERAGE, DOCS, "vi")
    labels = {a.text: a for a in fig.layout.annotations}
    assert set(labels) == {"2026: > 95 %", "2030: 100 %"}        # national and Đắk Lắk's plan agree: one label each
    assert year_of(labels["2030: 100 %"].x) == 2030 and labels["2030: 100 %"].y == 100
    low, high = fig.layout.yaxis.range
    assert high - 100 >= 0.1 * (100 - low)                       # room above the top label
    en = charts.progress_chart(cov, assessed(cov, COVERAGE), COVERAGE, DOCS, "en")
    assert {a.text for a in en.layout.annotations} == {"2026: > 95%", "2030: 100%"}


def test_required_path_only_for_targets_not_met_and_ends_on_the_milestone():
    cov = series({"2025-12": 94.0, "2026-06": 95.2, "2026-10": 95.8})     # 2026 (> 95) achieved, 2030 not yet
    fig = charts.progress_chart(cov, assessed(cov, COVERAGE), COVERAGE, DOCS, "vi")
    paths = [tr for tr in fig.data if tr.line.dash == "dash" and tr.x[0] is not None]
    assert len(paths) == 1                                          # 2030 only, drawn once for both plans
    assert paths[0].x[0] == period_mid("2025-12") and paths[0].x[-1] == period_mid("2030")
    assert paths[0].y[0] == 94.0 and paths[0].y[-1] == pytest.approx(100.0)


def test_trend_stops_at_100_percent():
    cov = series({"2025-12": 90.0, "2026-10": 95.0})                   # 6 points a year: past 100 in 2027
    fig = charts.progress_chart(cov, assessed(cov, COVERAGE), COVERAGE, DOCS, "vi")
    trend = next(tr for tr in fig.data if tr.line.dash == "dot")
    assert max(trend.y) == pytest.approx(100.0) and trend.y[-1] == pytest.approx(100.0)
    assert trend.x[0] == period_mid("2026-10") and all(b > a for a, b in zip(trend.x, trend.x[1:]))


@pytest.mark.parametrize("values,status", [({"2025": 74.0, "2026": 74.5}, "on_track"),
                                           ({"2025": 74.0, "2026": 74.2}, "acceleration_needed")])
def test_trend_meets_the_milestone_where_the_status_says(values, status):
    """The trend's value drawn at mid-2030 is the pace's value at the end of 2030: above the marker
    when on track, below it when acceleration is needed."""
    life = series(values)
    result = assessed(life, LIFE)
    assert result[0][1].status == status
    fig = charts.progress_chart(life, result, LIFE, DOCS, "vi")
    trend = next(tr for tr in fig.data if tr.line.dash == "dot")
    at_2030 = dict(zip(trend.x, trend.y))[period_mid("2030")]
    assert (at_2030 >= 75.5) == (status == "on_track")


def test_fallback_trend_says_since_when():
    life = series({"2021": 72.3, "2022": 72.8, "2023": 73.3, "2024": 73.5, "2025": 73.7})
    fig = charts.progress_chart(life, assessed(life, LIFE), LIFE, DOCS, "vi")
    assert any(tr.name == "Xu hướng hiện nay (tính từ 2021)" for tr in fig.data)
    assert charts.status_label("on_track", "vi", 2021.0, "●") == "● Đúng tiến độ (xu hướng từ 2021)"
    assert charts.status_label("on_track", "en", None) == "On track"


def test_trends_chart_draws_at_mid_periods():
    frame = pd.DataFrame({"area_code": ["01", "01"], "period": ["2025", "2026"], "value": [1.0, 2.0]})
    national = pd.DataFrame({"period": ["2025"], "value": [1.5]})
    fig = charts.trends_chart(frame, {"01": "Hà Nội"}, national, "01", LIFE, "vi")
    assert list(fig.data[0].x) == [period_mid("2025"), period_mid("2026")]
    assert list(fig.data[1].x) == [period_mid("2025")]


def test_trends_chart_draws_the_other_provinces_as_one_grey_trace():
    """33 grey lines as one trace (a gap between provinces), each point still named in its hover;
    the highlighted province above them, then the national line."""
    frame = pd.DataFrame({"area_code": ["01", "01", "66", "66", "92"], "period": ["2025", "2026", "2025", "2026", "2026"],
                          "value": [1.0, 2.0, 3.0, 4.0, 5.0]})
    national = pd.DataFrame({"period": ["2025"], "value": [1.5]})
    names = {"01": "Hà Nội", "66": "Đắk Lắk", "92": "Cần Thơ"}
    fig = charts.trends_chart(frame, names, national, "66", LIFE, "vi")
    grey, mine, country = fig.data
    assert list(grey.y) == [1.0, 2.0, None, 5.0, None] and not grey.connectgaps and not grey.showlegend
    assert list(grey.customdata) == ["Hà Nội 2025", "Hà Nội 2026", None, "Cần Thơ 2026", None]
    assert mine.name == "Đắk Lắk" and list(mine.y) == [3.0, 4.0] and mine.line.width == 3
    assert country.line.dash == "dash" and list(country.y) == [1.5]


def test_status_symbols_have_no_direction_and_every_status_is_styled():
    assert list(STATUS_STYLE) == list(STATUSES)
    symbols = [s for _, s in STATUS_STYLE.values()]
    assert len(set(symbols)) == len(symbols)
    assert not set("".join(symbols)) & set("▲▼►◄↑↓→←⬆⬇")
    for status in STATUSES:
        assert TEXT[f"status_{status}"]["vi"] and TEXT[f"status_{status}"]["en"]
    for lang in ("vi", "en"):
        assert all(s in method(lang) for s in symbols if s not in "…○")


def test_year_labels_sit_under_the_middle_of_each_year_when_they_fit():
    cov = series({"2021-01": 89.0, "2025-12": 94.0, "2026-10": 95.8})
    fig = charts.progress_chart(cov, assessed(cov, COVERAGE), COVERAGE, DOCS, "vi")
    assert (fig.layout.xaxis.dtick, fig.layout.xaxis.ticklabelmode) == ("M12", "period")
    life = series({"2021": 72.3, "2025": 73.7})                     # 2021 to the 2045 vision: too many years
    fig = charts.progress_chart(life, assessed(life, LIFE), LIFE, DOCS, "vi")
    assert fig.layout.xaxis.ticklabelmode is None
    assert [s.value for s in fig.layout.xaxis.tickformatstops][-1] == "%Y"    # '2030', not '01/2030'


def test_progress_chart_starts_with_room_for_its_labels_and_legend():
    """Plotly widens a margin too small for the axis labels or the legend by drawing the chart a
    second time: a progress chart starts with the room they take (two legend rows)."""
    cov = series({"2025-12": 93.0, "2026-06": 94.0})
    fig = charts.progress_chart(cov, assessed(cov, COVERAGE), COVERAGE, DOCS, "vi")
    assert sum(tr.showlegend is not False for tr in fig.data) > 1
    assert (fig.layout.margin.l, fig.layout.margin.t, fig.layout.margin.b) == (80, 60, 40)
    assert (fig.layout.legend.y, fig.layout.legend.yanchor) == (1.02, "bottom")   # above: never over the years
    alone = series({"2025": 74.0})
    single = charts.progress_chart(alone, [], LIFE, DOCS, "vi")
    assert len(single.data) == 1 and (single.layout.margin.t, single.layout.margin.b) == (20, 40)
