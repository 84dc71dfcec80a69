"""AppTest of every page against a small database with known numbers and statuses."""
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from data import geography
from pipelines import store
from pipelines.accounts import operator
from tests.conftest import TODAY, csv_bytes, load

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


def test_overview_scorecard_values_and_statuses(monkeypatch, small_db):
    at = run_page(monkeypatch, small_db, "overview")
    table = at.dataframe[0].value
    row = {r["Tỉnh, thành phố"]: r for _, r in table.iterrows()}
    assert row["Đắk Lắk"]["Bao phủ BHYT (%)"] == "95,5 ✔"
    assert row["Hà Nội"]["Bao phủ BHYT (%)"] == "93,0 ►"
    assert row["Lai Châu"]["Bao phủ BHYT (%)"] == "91,0 ✖"
    assert row["Đắk Lắk"]["Bác sĩ/trạm (bác sĩ)"] == "3,30 ▲"
    assert row["Cà Mau"]["Bao phủ BHYT (%)"] == "–"
    assert not at.warning                                   # real data: no synthetic banner


def test_overview_sorts_by_status_then_value(monkeypatch, small_db):
    at = run_page(monkeypatch, small_db, "overview")
    at.selectbox(key="sort").set_value("insurance_coverage").run()
    names = at.dataframe[0].value["Tỉnh, thành phố"].tolist()
    assert names[:3] == ["Đắk Lắk", "Hà Nội", "Lai Châu"]


def test_province_page_headline(monkeypatch, small_db):
    at = run_page(monkeypatch, small_db, "province", province="01")
    assert at.header[0].value == "Hà Nội"
    text = " ".join(m.value for m in at.markdown)
    assert "**93,0 %** (2026-06)" in text and "> 95 % (2026)" in text and "Cần tăng tốc" in text
    assert "| 2 % |" in text or "2,0 %" in text                      # gap 95 - 93


def test_province_page_stations_share(monkeypatch, small_db):
    at = run_page(monkeypatch, small_db, "province", province="66")
    assert any(m.value == "50,0 % (1/2)" for m in at.metric)
    text = " ".join(m.value for m in at.markdown)
    assert "Đã đạt" in text and "Đúng tiến độ" in text


def test_indicator_page_national_aggregate(monkeypatch, small_db):
    at = run_page(monkeypatch, small_db, "indicator", indicator="insurance_coverage")
    pop = geography.population()
    expected = (95.5 * pop["66"] + 93.0 * pop["01"] + 91.0 * pop["12"]) / (pop["66"] + pop["01"] + pop["12"])
    assert at.metric[0].value == f"{expected:.1f} %".replace(".", ",")


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
    targets = at.dataframe[0].value
    ward = targets[targets["Scope"] == "Phường Trần Liễu"]
    assert "> 96% (2026)" in ward["Target"].tolist()
    assert any("Statistics Canada / Open SDG" in m.value for m in at.markdown)


def test_quality_page_shows_planted_problems(monkeypatch, demo_db):
    at = run_page(monkeypatch, demo_db, "quality")
    flags = at.dataframe[1].value
    assert {"Thiếu báo cáo", "Nộp muộn", "Khác thường so với chính đơn vị"} <= set(flags["Kiểm tra"])
    row = flags[flags["Kiểm tra"] == "Thiếu báo cáo"].iloc[0]
    assert (row["Đơn vị"], row["Kỳ"]) == ("Điện Biên", "2026-08")
    scores = at.dataframe[0].value
    assert scores["Tỉnh, thành phố"].iloc[0] == "Cà Mau"          # the late province scores lowest


def test_flag_marker_on_overview_and_no_quality_run_page(monkeypatch, demo_db, small_db):
    at = run_page(monkeypatch, demo_db, "overview", period="2026-03")
    table = at.dataframe[0].value.set_index("Tỉnh, thành phố")
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
    cell = lambda: at.dataframe[0].value.set_index("Tỉnh, thành phố").at["Đắk Lắk", "Bao phủ BHYT (%)"]  # noqa: E731
    assert cell() == "94,5 ►" or cell().startswith("94,5")
    with store.opened(path) as conn:
        load(conn, csv_bytes([HEAD, ["insurance_coverage", "66", "2026-06", "95.6"]]), "b.csv", today=TODAY)
    at.run()
    assert cell() == "95,6 ✔"


def test_period_before_any_data_says_so(monkeypatch, small_db):
    at = run_page(monkeypatch, small_db, "province", province="66", period="2019-01")
    assert "2019-01" in at.info[0].value and not at.dataframe


def test_period_after_the_data_shows_the_latest(monkeypatch, small_db):
    at = run_page(monkeypatch, small_db, "overview", period="2027-01")
    assert at.dataframe[0].value.set_index("Tỉnh, thành phố").at["Đắk Lắk", "Bao phủ BHYT (%)"] == "95,5 ✔"


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
