"""Figures as page text (dashboard.html_charts): every province and count there, as wide as its
share or at its value, coloured by status, words escaped, details in the tooltips."""
import re

import pandas as pd
import pytest

from dashboard import html_charts, views
from dashboard.ui import STATUS_STYLE
from indicators.catalogue import catalogue

LABEL = {"achieved": "Đã đạt", "on_track": "Đúng tiến độ", "insufficient_data": "Chưa đủ số liệu"}.get


def test_status_bars_write_each_count_as_wide_as_its_share_in_catalogue_order():
    counts = pd.DataFrame({"achieved": [31, 0], "on_track": [3, 1], "insufficient_data": [0, 33]},
                          index=["insurance_coverage", "station_standard"])
    markup = html_charts.status_bars(counts, {"insurance_coverage": "Bao phủ BHYT", "station_standard": "Trạm <chuẩn>"},
                                     STATUS_STYLE, LABEL, "Số tỉnh theo tình trạng", 34)
    boxes = re.findall(r"<span style='width: ([\d.]+)%; background: (#\w+); color: #\w+' title='([^']*)'>(\d+)</span>", markup)
    assert [(n, title) for _, _, title, n in boxes] == [
        ("31", "Bao phủ BHYT: 31 · Đã đạt"), ("3", "Bao phủ BHYT: 3 · Đúng tiến độ"),
        ("1", "Trạm &lt;chuẩn&gt;: 1 · Đúng tiến độ"), ("33", "Trạm &lt;chuẩn&gt;: 33 · Chưa đủ số liệu")]
    assert abs(float(boxes[0][0]) - 100 * 31 / 34) < 0.001 and boxes[0][1] == STATUS_STYLE["achieved"][0]
    assert markup.index("Bao phủ BHYT") < markup.index("Trạm &lt;chuẩn&gt;") and "<chuẩn>" not in markup
    assert all(LABEL(s) in markup for s in counts.columns)                    # the legend


def test_tile_map_places_every_province_with_its_status_value_and_tooltip():
    grid = pd.DataFrame({"code": ["01", "66", "92"], "row": [2, 9, 13], "col": [2, 4, 1]})
    card = pd.DataFrame({"area_code": ["01", "66"], "status": ["achieved", "on_track"], "value": [96.8, 97.4],
                         "trend_since": [None, 2021]})
    markup = html_charts.tile_map(card, grid, {"01": "Hà Nội", "66": "Đắk Lắk", "92": "Cần Thơ"},
                                  {"01": "Hà Nội", "66": "Đắk<br>Lắk", "92": "Cần Thơ"}, STATUS_STYLE, LABEL,
                                  lambda v: "–" if pd.isna(v) else f"{v:.1f} %".replace(".", ","),
                                  lambda y: f" (xu hướng từ {int(y)})" if pd.notna(y) else "")
    tiles = re.findall(r"<div style='grid-row: (\d+); grid-column: (\d+); background: (#\w+); color: #\w+'"
                       r" title='([^']*)'><span>(.*?)</span><span>(.*?)</span></div>", markup)
    assert [(r, c, title, name, shown) for r, c, _, title, name, shown in tiles] == [
        ("3", "3", "Hà Nội: 96,8 % · Đã đạt", "Hà Nội", "✔ 96,8 %"),
        ("10", "5", "Đắk Lắk: 97,4 % · Đúng tiến độ (xu hướng từ 2021)", "Đắk<br>Lắk", "● 97,4 %"),
        ("14", "2", "Cần Thơ: – · Chưa đủ số liệu", "Cần Thơ", "… –")]
    assert tiles[2][2] == STATUS_STYLE["insufficient_data"][0]


def test_writing_reads_on_every_status_colour():
    """The writing on each box is the ink of the two with more contrast, and reads: at least WCAG's
    3:1 (3.7:1 on the light green, 4.1:1 on orange, 5:1 or more elsewhere)."""
    for colour, _ in STATUS_STYLE.values():
        chosen = html_charts.ink(colour)
        other = html_charts.WHITE if chosen == html_charts.DARK else html_charts.DARK
        assert html_charts.contrast(colour, chosen) >= max(3.0, html_charts.contrast(colour, other)), colour
    assert html_charts.ink(STATUS_STYLE["acceleration_needed"][0]) == html_charts.DARK   # amber: dark writing


def rank_card(values: dict[str, float | None], target: float | list[float], status: str = "on_track") -> pd.DataFrame:
    codes = list(values)
    targets = target if isinstance(target, list) else [target] * len(codes)
    return pd.DataFrame({"area_code": codes, "value": list(values.values()), "period": "2025", "status": status,
                         "target_value": targets, "target_year": 2030, "scope": "national", "trend_since": 2021})


def ranked(card: pd.DataFrame, ind: str, national: float | None, highlight: str, names: dict[str, str]) -> str:
    indicator = catalogue()[ind]
    marks = views.ranking_marks(card, indicator, national, "vi")
    return html_charts.ranking(card, names, STATUS_STYLE, lambda s, y: f"{LABEL(s)}" + (f" (từ {int(y)})" if y else ""),
                               lambda v: views.value_text(v, indicator, "vi"), lambda v: f"{v:g}".replace(".", ","),
                               marks, title="Xếp hạng", axis_title="năm", highlight=highlight,
                               higher_is_better=indicator.direction == "higher")


ROW = re.compile(r"<div class='nq72-rank-row( nq72-rank-on)?' title='([^']*)'><span>(.*?)</span>"
                 r"<div class='nq72-track'>(.*?)</div><span>(.*?)</span></div>")


def left(markup: str, cls: str) -> list[float]:
    return [float(x) for x in re.findall(rf"<span class='{cls}' style='left: ([\d.-]+)%", markup)]


def test_ranking_puts_the_best_first_each_dot_at_its_value_and_the_chosen_province_in_bold():
    names = {"01": "Hà Nội", "66": "Đắk Lắk", "92": "Cần <Thơ>", "12": "Lai Châu"}
    card = rank_card({"01": 76.2, "66": 73.4, "92": 75.0, "12": None}, 75.5)
    card.loc[0, "status"] = "achieved"
    markup = ranked(card, "life_expectancy", 74.8, "66", names)
    rows = ROW.findall(markup)
    assert [(on, name, value) for on, _, name, _, value in rows] == [
        ("", "Hà Nội ✔", "76,2 năm"), ("", "Cần &lt;Thơ&gt; ●", "75,0 năm"), (" nq72-rank-on", "<b>Đắk Lắk ●</b>", "73,4 năm"),
        ("", "Lai Châu ●", "–")]                                           # no value: last, no dot
    assert rows[0][1] == "Hà Nội: 76,2 năm (2025) · Đã đạt (từ 2021)" and "<Thơ>" not in markup
    dots = [re.search(r"nq72-dot( nq72-on)?' style='left: ([\d.]+)%; background: (#\w+)", track) for *_, track, _ in rows]
    assert dots[3] is None and [d.group(1) for d in dots[:3]] == [None, None, " nq72-on"]
    assert dots[0].group(3) == STATUS_STYLE["achieved"][0] and dots[1].group(3) == STATUS_STYLE["on_track"][0]
    # the axis runs from 8 % of the span below the least value or mark to 8 % above the greatest
    lo, hi = 73.4 - 0.08 * 2.8, 76.2 + 0.08 * 2.8
    at = lambda v: 100 * (v - lo) / (hi - lo)  # noqa: E731
    assert [float(d.group(2)) for d in dots[:3]] == pytest.approx([at(76.2), at(75.0), at(73.4)], abs=0.01)
    # the target and the national figure: a line across every row, named in the legend
    assert left(markup, "nq72-target") == pytest.approx([at(75.5)] * 4, abs=0.01)
    assert left(markup, "nq72-national") == pytest.approx([at(74.8)] * 4, abs=0.01)
    assert "Mục tiêu quốc gia: ≥ 75,5 năm (2030)" in markup and "Toàn quốc: 74,8 năm" in markup
    ticks = re.findall(r"<span style='left: ([\d.]+)%'>([^<]*)</span>", markup)
    assert [text for _, text in ticks] == ["73,5", "74", "74,5", "75", "75,5", "76"]


def test_ranking_ticks_each_provinces_own_target_when_they_differ_and_ranks_lower_is_better_upwards():
    names = {"01": "Hà Nội", "66": "Đắk Lắk"}
    markup = ranked(rank_card({"01": 30.0, "66": 28.0}, [33.0, 30.8]), "physical_activity_rate", None, "01", names)
    rows = ROW.findall(markup)
    assert [name for _, _, name, _, _ in rows] == ["<b>Hà Nội ●</b>", "Đắk Lắk ●"]
    own = [left(track, "nq72-own-target") for *_, track, _ in rows]
    lo, hi = 28.0 - 0.08 * 5, 33.0 + 0.08 * 5
    assert own == [pytest.approx([100 * (33.0 - lo) / (hi - lo)], abs=0.01), pytest.approx([100 * (30.8 - lo) / (hi - lo)], abs=0.01)]
    assert not left(markup, "nq72-target") and not left(markup, "nq72-national") and "2030" in markup


def test_ranking_axis_ticks_are_round_and_inside_the_range():
    assert html_charts.nice_ticks(89.6, 98.7) == [90, 92, 94, 96, 98]
    assert html_charts.nice_ticks(3.46, 6.07) == [3.5, 4, 4.5, 5, 5.5, 6]
    assert html_charts.nice_ticks(-1.0, 1.0) == [-1, -0.5, 0, 0.5, 1]
    assert html_charts.axis_range([]) == (0.0, 1.0) and html_charts.axis_range([5.0]) == (4.0, 6.0)


def test_heatmap_colours_each_share_on_the_threshold_scale_and_writes_its_percentage():
    grid = pd.DataFrame({"2026-07": [1.0, 0.0], "2026-08": [0.9, float("nan")]}, index=["An Giang", "Bắc <Ninh>"])
    markup = html_charts.heatmap(grid, "Đầy đủ", lambda v: f"{v:.0f}", ("0 %", "100 %"))
    cells = re.findall(r"<td style='background: (#\w+)(?:; color: #\w+)?' title='([^']*)'>([^<]*)</td>", markup)
    assert cells == [("#1a7f37", "An Giang 2026-07: 100 %", "100"), ("#c5e1a5", "An Giang 2026-08: 90 %", "90"),
                     ("#c62828", "Bắc &lt;Ninh&gt; 2026-07: 0 %", "0"), ("#f5f7f8", "Bắc &lt;Ninh&gt; 2026-08: –", "–")]
    assert "<th>Bắc &lt;Ninh&gt;</th>" in markup and "<Ninh>" not in markup and "0 %" in markup


def test_share_colours_run_between_the_scales_stops():
    assert [html_charts.scale_colour(v) for v in (0.0, 0.89, 0.9, 1.0, 1.5, -1)] == \
        ["#c62828", "#ffcc80", "#c5e1a5", "#1a7f37", "#1a7f37", "#c62828"]
    # half way from red (198, 40, 40) to orange (255, 204, 128)
    assert html_charts.scale_colour(0.445) == f"#{round(198 + 28.5):02x}{round(40 + 82):02x}{round(40 + 44):02x}"


def test_reporting_grid_is_provinces_by_month_in_vietnamese_order():
    reporting = pd.DataFrame({"province_code": ["66", "01", "12", "66"], "period": ["2026-07", "2026-07", "2026-08", "2026-08"],
                              "completeness": [1.0, 0.5, 0.0, 0.75]})
    grid = views.reporting_grid(reporting, "completeness", {"66": "Đắk Lắk", "01": "Hà Nội", "12": "Lai Châu"})
    assert list(grid.index) == ["Đắk Lắk", "Hà Nội", "Lai Châu"] and list(grid.columns) == ["2026-07", "2026-08"]
    assert grid.loc["Đắk Lắk"].tolist() == [1.0, 0.75] and pd.isna(grid.at["Hà Nội", "2026-08"])
