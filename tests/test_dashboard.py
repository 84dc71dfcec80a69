"""AppTest of every page against a small database with known numbers and statuses."""
import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.ui import STATUS_STYLE
from data import geography
from pipelines import store
from pipelines.accounts import operator
from pipelines.messages import t
from tests.conftest import TODAY, csv_bytes, load
from tests.tables import page_tables

APP = str(Path(__file__).resolve().parent.parent / "dashboard" / "app.py")
HEAD = ["indicator", "area_code", "period", "value"]
DAK_LAK_COMMUNES = geography.communes().query("province_code == '66'")["code"].tolist()[:2]


@pytest.fixture(scope="module")
def small_db(tmp_path_factory):
    """Insurance: Đắk Lắk 94.0 -> 95.5 (achieved > 95), Hà Nội 92 -> 93 (R = 0.670, acceleration
    needed), Lai Châu 92 -> 91 (deterioration). Doctors: Đắk Lắk 3.0 -> 3.3 (R = 1.36, on track),
    its two communes 3 and 5 doctors."""
    path = tmp_path_factory.mktemp("small") / "small.duckdb"
    rows = [HEAD,
            ["insurance_coverage", "66", "2025-12", "94.0"], ["insurance_coverage", "66", "2026-06", "95.5"],
            ["insurance_coverage", "01", "2025-12", "92.0"], ["insurance_coverage", "01", "2026-06", "93.0"],
            ["insurance_coverage", "12", "2025-12", "92.0"], ["insurance_coverage", "12", "2026-06", "91.0"],
            ["doctors_per_station", "66", "2025-Q4", "3.0"], ["doctors_per_station", "66", "2026-Q2", "3.3"],
            ["doctors_per_station", DAK_LAK_COMMUNES[0], "2026-Q2", "3"],
            ["doctors_per_station", DAK_LAK_COMMUNES[1], "2026-Q2", "5"]]
    with store.opened(path) as conn:
        assert load(conn, csv_bytes(rows), "small.csv", today=TODAY, actor=operator("test")).status == "accepted"
    return path


def run_page(monkeypatch, db, page, **params):
    monkeypatch.setenv("NQ72_DB", str(db))
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()  # pages with a custom url_path are known to AppTest only after a first run
    if page != "overview":
        at.switch_page(f"app_pages/{page}.py").run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def symbol(status: str) -> str:
    return STATUS_STYLE[status][1]


def shown(at, n: int = 0):
    """The n-th page-text table (ui.table) as the reader sees it."""
    return page_tables(at)[n]


def test_overview_scorecard_values_and_statuses(monkeypatch, small_db):
    at = run_page(monkeypatch, small_db, "overview")
    table = shown(at)
    row = {r["Tỉnh, thành phố"]: r for _, r in table.iterrows()}
    assert row["Đắk Lắk"]["Bao phủ BHYT (%)"] == f"95,5 {symbol('achieved')}"
    assert row["Hà Nội"]["Bao phủ BHYT (%)"] == f"93,0 {symbol('acceleration_needed')}"
    assert row["Lai Châu"]["Bao phủ BHYT (%)"] == f"91,0 {symbol('deterioration')}"
    assert row["Đắk Lắk"]["Bác sĩ/trạm (bác sĩ)"] == f"3,30 {symbol('on_track')}"
    assert row["Cà Mau"]["Bao phủ BHYT (%)"] == "–"
    assert not at.warning                                   # real data: no synthetic banner


def test_overview_sorts_by_status_then_value(monkeypatch, small_db):
    at = run_page(monkeypatch, small_db, "overview")
    at.selectbox(key="sort").set_value("insurance_coverage").run()
    names = shown(at)["Tỉnh, thành phố"].tolist()
    assert names[:3] == ["Đắk Lắk", "Hà Nội", "Lai Châu"]


def test_province_page_headline(monkeypatch, small_db):
    """Every milestone with its distance in percentage points: 95 - 93 = 2 and 100 - 93 = 7."""
    at = run_page(monkeypatch, small_db, "province", province="01")
    assert at.header[0].value == "Hà Nội"
    text = " ".join(h.value for h in at.get("html"))
    assert "Giá trị mới nhất: <strong>93,0 %</strong> (2026-06)" in text
    rows = shown(at).set_index("Mốc")
    assert rows.at["2026", "Mục tiêu"] == "> 95 %" and rows.at["2026", "Còn cách"] == "2,0 điểm %"
    assert rows.at["2026", "Tình trạng"].endswith("Cần tăng tốc")
    assert rows.at["2030", "Mục tiêu"] == "≥ 100 %" and rows.at["2030", "Còn cách"] == "7,0 điểm %"


def test_province_page_stations_share(monkeypatch, small_db):
    at = run_page(monkeypatch, small_db, "province", province="66")
    assert any(m.value == "50,0 % (1/2)" for m in at.metric)
    statuses = " ".join(" ".join(shown(at, n)["Tình trạng"]) for n in range(len(page_tables(at))))
    assert "Đã đạt" in statuses and "Đúng tiến độ" in statuses


def test_indicator_page_has_no_national_figure_from_three_provinces(monkeypatch, small_db):
    """Three of 34 provinces sent insurance coverage: no 'Toàn quốc' figure, and the page says why."""
    at = run_page(monkeypatch, small_db, "indicator", indicator="insurance_coverage")
    assert not at.metric
    assert "Kỳ 2026-06 mới có 3/34 tỉnh, thành phố gửi số liệu: chưa đủ để tính số toàn quốc." in [c.value for c in at.caption]


def test_indicator_page_national_figure_waits_for_most_provinces(monkeypatch, tmp_path):
    """18 provinces sent June, Đắk Lắk alone July: the page opens on June (most provinces' month);
    as of July, 'Toàn quốc' is still June's 18 provinces (population-weighted) and July is named as
    too thin, rather than Đắk Lắk's figure shown as the country's."""
    codes = geography.provinces()["code"].tolist()[:18]
    june = {code: 90.0 + i / 4 for i, code in enumerate(codes)}
    db = tmp_path / "early.duckdb"
    rows = [HEAD, *[["insurance_coverage", c, "2026-06", str(v)] for c, v in june.items()],
            ["insurance_coverage", "66", "2026-07", str(june.get("66", 95.0) + 0.5)]]
    with store.opened(db) as conn:
        assert load(conn, csv_bytes(rows), "early.csv", today=TODAY, actor=operator("test")).status == "accepted"
    at = run_page(monkeypatch, db, "indicator", indicator="insurance_coverage", period="2026-07")
    pop = geography.population()
    expected = sum(v * pop[c] for c, v in june.items()) / sum(pop[c] for c in june)
    assert at.metric[0].label.endswith("(2026-06)") and at.metric[0].value == f"{expected:.1f} %".replace(".", ",")
    captions = [c.value for c in at.caption]
    assert "Tính trên 18/34 tỉnh, thành phố có số liệu kỳ 2026-06." in captions
    assert "Kỳ 2026-07 mới có 1/34 tỉnh, thành phố gửi số liệu: chưa đủ để tính số toàn quốc." in captions


def test_stations_page_lists_stations_below_four(monkeypatch, small_db):
    at = run_page(monkeypatch, small_db, "stations")
    assert at.metric[0].value == "1 trạm dưới 4 bác sĩ (trên 2 trạm có số liệu)"
    table = at.dataframe[0].value
    assert table["Mã"].tolist() == [DAK_LAK_COMMUNES[0]] and table["Số bác sĩ"].tolist() == [3.0]


def test_upload_page_lists_submissions(monkeypatch, small_db):
    at = run_page(monkeypatch, small_db, "upload")
    subs = at.dataframe[0].value
    assert subs["Tệp"].tolist() == ["small.csv"] and subs["Số dòng"].tolist() == [10]


def test_about_page_cites_every_target(monkeypatch, small_db):
    at = run_page(monkeypatch, small_db, "about", lang="en")
    targets = shown(at)
    ward = targets[targets["Scope"] == "Phường Trần Liễu"]
    assert ("2026", "> 96%") in set(zip(ward["Milestone"], ward["Target"]))
    assert any("Statistics Canada / Open SDG" in m.value for m in at.markdown)


def test_quality_page_shows_planted_problems(monkeypatch, demo_db):
    at = run_page(monkeypatch, demo_db, "quality")
    flags = at.dataframe[0].value
    assert {"Thiếu báo cáo", "Nộp muộn", "Khác thường so với chính đơn vị"} <= set(flags["Kiểm tra"])
    row = flags[flags["Kiểm tra"] == "Thiếu báo cáo"].iloc[0]
    assert (row["Đơn vị"], row["Kỳ"]) == ("Điện Biên", "2026-08")
    scores = shown(at)
    assert scores["Tỉnh, thành phố"].iloc[0] == "Cà Mau"          # the late province scores lowest


def test_flag_marker_on_overview_and_no_quality_run_page(monkeypatch, demo_db, small_db):
    at = run_page(monkeypatch, demo_db, "overview", period="2026-03")
    table = shown(at).set_index("Tỉnh, thành phố")
    assert "⚑" in table.at["Thanh Hóa", "Bao phủ BHYT (%)"]
    at = run_page(monkeypatch, small_db, "quality")
    assert "nq72 quality" in at.info[0].value


@pytest.mark.parametrize("page", ["overview", "province", "indicator", "stations", "quality", "tasks", "upload", "about"])
def test_every_page_in_english_on_the_demo(monkeypatch, demo_db, page):
    at = run_page(monkeypatch, demo_db, page, lang="en")
    assert any("SYNTHETIC DEMO DATA" in w.value for w in at.warning)


@pytest.mark.parametrize("page", ["overview", "province", "indicator", "stations"])
def test_empty_and_missing_database(monkeypatch, tmp_path, page):
    at = run_page(monkeypatch, tmp_path / "none.duckdb", page)
    assert "make run" in at.info[0].value
    path = tmp_path / "empty.duckdb"
    store.connect(path).close()
    at = run_page(monkeypatch, path, page)
    assert "Tải dữ liệu" in at.info[0].value


def test_a_new_submission_shows_at_once(monkeypatch, tmp_path):
    path = tmp_path / "live.duckdb"
    with store.opened(path) as conn:
        load(conn, csv_bytes([HEAD, ["insurance_coverage", "66", "2026-05", "94.0"],
                                      ["insurance_coverage", "66", "2026-06", "94.5"]]), "a.csv", today=TODAY)
    at = run_page(monkeypatch, path, "overview")
    cell = lambda: shown(at).set_index("Tỉnh, thành phố").at["Đắk Lắk", "Bao phủ BHYT (%)"]  # noqa: E731
    assert cell().startswith("94,5")
    with store.opened(path) as conn:
        load(conn, csv_bytes([HEAD, ["insurance_coverage", "66", "2026-06", "95.6"]]), "b.csv", today=TODAY)
    at.run()
    assert cell() == f"95,6 {symbol('achieved')}"


def test_period_before_any_data_says_so(monkeypatch, small_db):
    at = run_page(monkeypatch, small_db, "province", province="66", period="2019-01")
    assert "2019-01" in at.info[0].value and not at.dataframe and not page_tables(at)


def test_period_after_the_data_shows_the_latest(monkeypatch, small_db):
    at = run_page(monkeypatch, small_db, "overview", period="2027-01")
    assert shown(at).set_index("Tỉnh, thành phố").at["Đắk Lắk", "Bao phủ BHYT (%)"] == f"95,5 {symbol('achieved')}"


def test_text_from_users_is_shown_as_text():
    from dashboard.ui import csv_bytes, plain

    assert plain("[x](http://evil) **b** <i>") == r"\[x\]\(http://evil\) \*\*b\*\* \<i\>"
    import pandas as pd

    out = csv_bytes(pd.DataFrame({"note": ["=1+1", "+cmd", "-2", "@SUM(A1)", "ok"], "value": [1.0, -2.0, 3.0, 4.0, 5.0]}))
    text = out.decode("utf-8-sig").splitlines()
    assert text[1:5] == ['"\'=1+1","1.0"', '"\'+cmd","-2.0"', '"\'-2","3.0"', '"\'@SUM(A1)","4.0"'] and text[5] == '"ok","5.0"'


def test_csv_downloads_follow_owasp():
    """Every cell quoted; a formula after a ';' (Vietnamese Excel splits on it) is neutralised too;
    empty cells stay empty; tabs and carriage returns count as formula starts."""
    import csv
    import io
    import re

    import pandas as pd

    from dashboard.ui import csv_bytes

    frame = pd.DataFrame({"note": ["x;=cmd|' /C calc'!A0;", "", None, "\tx", "\r=1", "a, +b", "Đắk Lắk"],
                          "n": [1, 2, None, 4, 5, 6, 7]})
    raw = csv_bytes(frame).decode("utf-8-sig")
    assert re.fullmatch(r'("([^"]|"")*"(,|\r?\n))*', raw)                                 # every cell quoted
    rows = list(csv.reader(io.StringIO(raw)))
    assert [r[0] for r in rows[1:]] == ["x;'=cmd|' /C calc'!A0;", "", "", "'\tx", "'\r=1", "a, '+b", "Đắk Lắk"]
    for row in rows[1:]:
        for part in ";".join(row).split(";"):            # as a ';'-splitting spreadsheet would cut it
            assert not part.lstrip().startswith(("=", "+", "@")) or part == ""


def like_make_run(demo_db: Path, root: Path) -> Path:
    """root/data/nq72.duckdb as `make run` leaves it: the demo, and its quality run recorded with
    the relative Data Docs folder `data/nq72_quality_docs` (`nq72 demo --db data/nq72.duckdb`)."""
    from dataclasses import fields

    from pipelines.quality import results

    (root / "data").mkdir(parents=True)
    db = root / "data" / "nq72.duckdb"
    shutil.copy(demo_db, db)
    q = results.latest(demo_db)
    shutil.copytree(q["run"]["docs_path"], results.docs_path(db))
    plain = lambda v: v.to_pydatetime() if hasattr(v, "to_pydatetime") else v.item() if hasattr(v, "item") else v  # noqa: E731
    run = {f.name: plain(q["run"][f.name]) for f in fields(results.RunRecord)}
    run["period"] = run["period"] if isinstance(run["period"], str) else None
    results.save_run(db, results.RunRecord(**(run | {"docs_path": "data/nq72_quality_docs"})),
                     q["flags"], q["reporting"], q["scores"])
    return db


def test_quality_page_as_make_run_starts_it(monkeypatch, demo_db, tmp_path):
    """The default relative path: the page shows the Data Docs inside itself (no file:// link, no
    error), and the shown page loads nothing from the network."""
    like_make_run(demo_db, tmp_path)
    monkeypatch.chdir(tmp_path)
    at = run_page(monkeypatch, "data/nq72.duckdb", "quality")
    frames = at.get("iframe")
    assert len(frames) == 1 and "nq72" in frames[0].proto.srcdoc
    assert not re.search(r"https?://|<script", frames[0].proto.srcdoc)
    assert not any("file://" in m.value for m in at.markdown)


def test_overview_says_how_many_provinces_reported(monkeypatch, small_db):
    at = run_page(monkeypatch, small_db, "overview")
    assert any("2026-06 · 3/34 tỉnh đã báo cáo kỳ này" in c.value for c in at.caption)
    at = run_page(monkeypatch, small_db, "overview", lang="en")
    assert any("3/34 provinces reported for this period" in c.value for c in at.caption)


@pytest.fixture(scope="module")
def early_db(tmp_path_factory):
    """20 provinces reported insurance coverage for May 2026; Đắk Lắk alone has sent June."""
    path = tmp_path_factory.mktemp("early") / "early.duckdb"
    codes = ["66"] + [c for c in geography.provinces()["code"] if c != "66"][:19]
    rows = [HEAD] + [["insurance_coverage", c, "2026-04", "94.0"] for c in codes] \
        + [["insurance_coverage", c, "2026-05", "94.5"] for c in codes[1:]] \
        + [["insurance_coverage", "66", "2026-05", "95.2"], ["insurance_coverage", "66", "2026-06", "96.0"]]
    with store.opened(path) as conn:
        assert load(conn, csv_bytes(rows), "early.csv", today=TODAY, actor=operator("test")).status == "accepted"
    return path


def test_default_period_is_the_one_most_provinces_reported(monkeypatch, early_db):
    at = run_page(monkeypatch, early_db, "overview")
    assert at.selectbox(key="sel_period").value == "2026-05"
    assert any("2026-05 · 20/34 tỉnh đã báo cáo kỳ này" in c.value for c in at.caption)
    assert shown(at).set_index("Tỉnh, thành phố").at["Đắk Lắk", "Bao phủ BHYT (%)"].startswith("95,2")
    at = run_page(monkeypatch, early_db, "overview", period="2026-06")       # a link still opens June
    assert any("2026-06 · 1/34 tỉnh đã báo cáo kỳ này" in c.value for c in at.caption)


def test_indicator_page_shows_every_milestone_and_the_ranking_as_text(monkeypatch, demo_db):
    at = run_page(monkeypatch, demo_db, "indicator", indicator="life_expectancy", province="66")
    assert any("2030: ≥ 75,5 năm · 2045 (tầm nhìn): > 80 năm" in m.value.replace("\\", "") for m in at.markdown)
    ranking, milestones = shown(at, 0), shown(at, 1)
    assert len(ranking) == 34 and ranking["Hạng"].tolist()[:3] == ["1", "2", "3"]
    assert milestones["Mốc"].tolist() == ["2030", "2045 (tầm nhìn)"]
    assert all(g.endswith(" năm") or g == "0" for g in milestones["Còn cách"])


def test_province_page_shows_the_2045_vision(monkeypatch, demo_db):
    at = run_page(monkeypatch, demo_db, "province", province="66", lang="en")
    milestones = pd.concat(page_tables(at))
    assert "2045 (vision)" in set(milestones["Milestone"])
    gaps = milestones[milestones["Target"].str.endswith("%")]["Distance"]
    assert all(g == "0" or g == "–" or g.endswith(" pp") for g in gaps)


def test_admin_page_headers_are_words(monkeypatch, small_db):
    at = run_page(monkeypatch, small_db, "admin", lang="en")
    headers = set(shown(at).columns) | set(at.dataframe[0].value.columns)
    assert {"Username", "Role", "When (UTC)", "Who"} <= headers
    assert not {"username", "role", "at", "at_utc", "created_at", "submission_id"} & headers


def test_tasks_page_prints_the_plan_deadlines_open(monkeypatch, small_db):
    from dashboard import ui

    at = run_page(monkeypatch, small_db, "tasks")
    assert [e.label for e in at.expander] == [t("plan_deadlines")]           # on the screen: folded
    monkeypatch.setattr(ui, "print_mode", lambda: True)                     # as the exporter draws it
    printed = run_page(monkeypatch, small_db, "tasks")
    assert not printed.expander and t("plan_deadlines") in [h.value for h in printed.subheader]


def test_tasks_page_writes_every_task_whole_as_page_text(monkeypatch, small_db):
    """Every task of the plans is read whole on the screen, with all nine columns: a grid cut the
    task at its column's width and hid five columns sideways."""
    from indicators.tasks import plan_tasks

    at = run_page(monkeypatch, small_db, "tasks")
    assert not at.dataframe
    tasks = pd.concat([table for table in page_tables(at) if t("task") in table.columns])
    assert sorted(tasks[t("task")]) == sorted(plan_tasks()["task"])
    assert len(tasks.columns) == 9 and not tasks[t("next_due")].eq("").any()
    # an empty filter says so in the reader's language, not Streamlit's "Choose options"
    assert [m.proto.placeholder for m in at.multiselect] == [t("choose"), t("filter_all"), t("filter_all")]


def test_a_printed_table_is_escaped_page_text_with_its_status_colours():
    """Print mode writes tables as plain HTML: every cell as typed (no markup of a cell's own), a
    status cell in its colour, the given columns on one line, one row per row."""
    from dashboard import ui

    frame = pd.DataFrame({"Mục tiêu": ["> 95 %", "<b>x</b>"], "Tình trạng": [f"{symbol('achieved')} Đã đạt", "–"]})
    html = ui.html_table(frame, nowrap=["Mục tiêu"])
    assert "&gt; 95 %" in html and "&lt;b&gt;x&lt;/b&gt;" in html and "<b>" not in html
    assert f"color: {STATUS_STYLE['achieved'][0]}" in html and html.count("white-space: nowrap") == 2
    assert html.count("<tr>") == 3 and "<th>Tình trạng</th>" in html
    marked = ui.html_table(frame, verbatim=["Mục tiêu"])                     # the plans' words, as written
    assert marked.count("lang='vi'") == 2 and "<td lang='vi'>&gt; 95 %</td>" in marked


def test_printed_charts_are_static_and_screen_charts_are_not(monkeypatch, demo_db):
    """A sheet is never hovered: printed charts skip plotly's event layers and toolbar (the export
    draws faster); on the screen they keep hover, zoom and the PNG button with its file name."""
    import json

    from dashboard import ui

    def configs(at) -> list[dict]:
        return [json.loads(c.proto.config) for c in at.get("plotly_chart")]

    screen = configs(run_page(monkeypatch, demo_db, "province", province="66", charts="1"))
    assert screen and all(not c.get("staticPlot") and c["toImageButtonOptions"]["filename"].startswith("nq72-66-")
                          for c in screen)
    monkeypatch.setattr(ui, "print_mode", lambda: True)
    printed = configs(run_page(monkeypatch, demo_db, "province", province="66"))     # print alone: every chart
    assert len(printed) == len(screen) and all(c == {"staticPlot": True} for c in printed)


def test_a_provinces_charts_are_built_once_and_shared_by_its_readers(monkeypatch, small_db):
    """The Province page's progress charts are made once per province, data version, month and
    language (ui.shared_figure), then drawn for every reader as they were made, never changed."""
    import streamlit as st

    from dashboard import charts

    built = []
    original = charts.progress_chart

    def counted(shown_rows, results, ind, docs, lang):
        built.append((ind.code, lang))
        return original(shown_rows, results, ind, docs, lang)

    monkeypatch.setattr(charts, "progress_chart", counted)
    st.cache_resource.clear()
    first = run_page(monkeypatch, small_db, "province", province="66", charts="1")
    made = len(built)
    second = run_page(monkeypatch, small_db, "province", province="66", charts="1")
    assert made > 0 and len(built) == made                               # the second reader built none
    assert [c.proto.spec for c in first.get("plotly_chart")] == [c.proto.spec for c in second.get("plotly_chart")]
    english = run_page(monkeypatch, small_db, "province", province="66", lang="en", charts="1")
    assert len(built) == 2 * made and all(lang == "en" for _, lang in built[made:])
    assert '"separators":".,"' in english.get("plotly_chart")[0].proto.spec.replace(" ", "")


def test_the_indicator_pages_trends_chart_is_drawn_when_its_reader_opens_it(monkeypatch, small_db):
    """The Indicator page opens with its ranking as page text and no plotly chart (loading plotly.js
    for one chart made its first visit ~1 s slower); opening "Biểu đồ diễn biến" draws the trends
    chart, and a sheet printed from the page always has it."""
    from dashboard import ui

    at = run_page(monkeypatch, small_db, "indicator", indicator="insurance_coverage", province="66")
    assert [e.label for e in at.expander] == [t("trends_open")] and not at.get("plotly_chart")
    assert any("nq72-rank-row" in h.value for h in at.get("html"))
    at.session_state["open_trends"] = True
    at.run()
    drawn = [json.loads(c.proto.config)["toImageButtonOptions"]["filename"] for c in at.get("plotly_chart")]
    assert drawn == ["nq72-trends-insurance_coverage"]
    monkeypatch.setattr(ui, "print_mode", lambda: True)
    printed = run_page(monkeypatch, small_db, "indicator", indicator="insurance_coverage", province="66")
    assert len(printed.get("plotly_chart")) == 1 and not printed.expander


def test_a_province_panels_chart_is_drawn_when_its_reader_opens_it(monkeypatch, small_db):
    """The Province page opens with every panel's value, milestones and stations, and no chart
    (fifteen charts cost a reader ~1.3 s in the browser); a panel opened draws its own chart (and
    the stations' histogram) alone; the switch draws every chart and keeps it in the URL."""
    at = run_page(monkeypatch, small_db, "province", province="66")
    panels = [e for e in at.expander if e.label == t("chart_and_series")]
    assert panels and not at.get("plotly_chart")
    assert len(page_tables(at)) == len(panels) and any(m.value == "50,0 % (1/2)" for m in at.metric)
    at.session_state["open_doctors_per_station"] = True
    at.run()
    drawn = [json.loads(c.proto.config)["toImageButtonOptions"]["filename"] for c in at.get("plotly_chart")]
    assert drawn == ["nq72-66-doctors_per_station", "nq72-66-stations"]
    at.toggle(key="tgl_charts").set_value(True).run()
    assert len(at.get("plotly_chart")) == len(panels) + 1 and not at.expander
    assert at.query_params["charts"] in ("1", ["1"])
    at.toggle(key="tgl_charts").set_value(False).run()
    assert "charts" not in at.query_params and not at.get("plotly_chart")   # every panel folded again
