"""The Overview's figures as page text (dashboard.html_charts): every province and count there,
as wide as its share, coloured by status, words escaped, details in the tooltips."""
import re

import pandas as pd

from dashboard import html_charts
from dashboard.ui import STATUS_STYLE

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
