"""Where the Province page's charts put every date, read back from the drawn plotly figures.

A value for a year, and a target for a year, must lie inside that year on the axis (drawn at its
middle), not at the end of the period where the maths place it."""
from __future__ import annotations

import datetime as dt
import re
import shutil

import pytest

from indicators.periods import parse_period
from tests.test_browser import CHROMIUM, CHROMIUM_ARGS, full_screenshot, start_server, wait_drawn

pytestmark = pytest.mark.browser

# gd._fullData: the traces as drawn, numeric arrays decoded (gd.data may hold them base64-packed).
READ_CHARTS = """() => {
  const arr = v => (v && typeof v !== 'string' && typeof v.length === 'number') ? Array.from(v) : [];
  return [...document.querySelectorAll('.js-plotly-plot')].map(gd => ({
    data: gd._fullData.map(tr => ({name: tr.name || '', mode: tr.mode || '', x: arr(tr.x), y: arr(tr.y),
                                   customdata: arr(tr.customdata), symbol: (tr.marker || {}).symbol || ''})),
    annotations: ((gd.layout || {}).annotations || []).map(a => ({text: a.text, x: a.x, y: a.y}))}));
}"""


@pytest.fixture(scope="module")
def province_page(demo_db, tmp_path_factory):
    """The Province page of Đắk Lắk, drawn in headless Chromium at 1400 px, in Vietnamese."""
    from playwright.sync_api import sync_playwright

    from pipelines.quality.results import results_path

    db = tmp_path_factory.mktemp("charts") / "demo.duckdb"
    shutil.copy(demo_db, db)
    shutil.copy(results_path(demo_db), results_path(db))
    proc, url = start_server(db)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 900}, locale="vi-VN")
            page.goto(f"{url}/tinh?province=66&lang=vi&charts=1")
            wait_drawn(page)
            yield page
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def when(x: str) -> dt.datetime:
    return dt.datetime.fromisoformat(str(x).replace(" ", "T"))


def test_milestones_and_values_lie_inside_their_year(province_page):
    charts = province_page.evaluate(READ_CHARTS)
    assert len(charts) >= 10
    milestones = values = 0
    for chart in charts:
        for ann in chart["annotations"]:
            label = re.match(r"^(\d{4}): ", ann["text"] or "")
            if label:                                         # '2030: 100 %' at its milestone
                year = int(label.group(1))
                assert dt.datetime(year, 3, 1) <= when(ann["x"]) <= dt.datetime(year, 10, 31), ann
                milestones += 1
        for trace in chart["data"]:
            if trace["mode"] == "markers" and trace["symbol"] in ("diamond", "star"):
                for x, name in zip(trace["x"], [trace["name"]] * len(trace["x"])):
                    year = int(re.search(r"\((\d{4})\)", name).group(1))    # '> 95 % (2026) · NQ 72-NQ/TW'
                    assert dt.datetime(year, 3, 1) <= when(x) <= dt.datetime(year, 10, 31), (name, x)
                    milestones += 1
            if trace["mode"] == "lines+markers":              # the reported series, its period in customdata
                for x, period in zip(trace["x"], trace["customdata"]):
                    p = parse_period(period)
                    start, end = dt.datetime.combine(p.start, dt.time()), dt.datetime.combine(p.end, dt.time(23, 59))
                    assert start < when(x) < end, (period, x)
                    if len(period) == 4:                      # a year: well inside it
                        assert dt.datetime(p.year, 3, 1) <= when(x) <= dt.datetime(p.year, 10, 31)
                    values += 1
    assert milestones >= 30 and values >= 100


def test_trend_and_path_run_forward_and_stop_at_100(province_page):
    for chart in province_page.evaluate(READ_CHARTS):
        for trace in chart["data"]:
            if trace["mode"] != "lines" or not all(isinstance(x, str) for x in trace["x"]):
                continue                                      # dated lines only (not the histogram)
            xs = [when(x) for x in trace["x"]]
            if len(xs) > 1:
                assert all(b > a for a, b in zip(xs, xs[1:])), trace["name"]
            if trace["name"].startswith("Xu hướng hiện nay") and "%" in str(chart["annotations"]):
                assert max(trace["y"]) <= 100 + 1e-9


def test_screenshot_of_the_province_page(province_page):
    shot = full_screenshot(province_page, "province-66-charts-vi")
    assert shot.stat().st_size > 100_000
