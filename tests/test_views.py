"""What a leader reads, as pure functions: every milestone with its distance in the indicator's
unit, the default period and the count of provinces that reported it, texts in both languages."""
import re
from pathlib import Path

import msgspec
import pandas as pd
import pytest

from dashboard import fmt, views
from data import geography
from indicators.catalogue import Indicator, catalogue
from indicators.periods import default_month, reported_areas
from indicators.progress import Assessment
from indicators.scorecard import assess_area

CAT = catalogue()
COVERAGE, LIFE, DOCTORS = CAT["insurance_coverage"], CAT["life_expectancy"], CAT["doctors_per_station"]
STATUS = lambda a: a.status  # noqa: E731


def series(area: str, indicator: str, points: dict[str, float], granularity: str = "month") -> pd.DataFrame:
    return pd.DataFrame({"indicator": indicator, "area_code": area, "period": list(points), "granularity": granularity,
                         "value": list(points.values())})


def test_every_milestone_of_daklak_coverage_with_gaps_in_points():
    """The issue's card: 97,4 % meets 2026's > 95 % and is 2,6 points from 2030's 100 %. Đắk Lắk's
    plan restates both national targets (issue 17): assessed once, its citation beside them."""
    rows = series("66", "insurance_coverage", {"2025-12": 96.0, "2026-09": 97.4})
    results = assess_area(rows, COVERAGE, "66")
    table = views.milestones_table(COVERAGE, results, STATUS, "vi")
    assert list(table.columns) == ["Mốc", "Phạm vi", "Mục tiêu", "Còn cách", "Tình trạng", "Dự kiến đạt"]
    assert table["Mốc"].tolist() == ["2026", "2030"]
    assert table["Phạm vi"].tolist() == ["Toàn quốc", "Toàn quốc"]
    assert table["Mục tiêu"].tolist() == ["> 95 %", "≥ 100 %"]
    assert table["Còn cách"].tolist() == ["0", "2,6 điểm %"]
    assert table["Tình trạng"].tolist()[:1] == ["achieved"] and table["Dự kiến đạt"].tolist()[:1] == ["Đã đạt"]
    lines = views.restated_lines(COVERAGE, results, "66", CAT, "vi")
    assert [line.split(" — ")[1].split(":")[0] for line in lines] == ["KH UBND tỉnh Đắk Lắk, mục II.1"] * 2
    en = views.milestones_table(COVERAGE, results, STATUS, "en")
    assert en["Distance"].tolist()[1:] == ["2.6 pp"] and en["Target"].tolist()[1] == "≥ 100%"


def test_the_2045_vision_is_a_milestone_row():
    """Life expectancy 73,7 years: 1,8 from 2030's 75,5 and 6,3 from the 2045 vision's 80."""
    rows = series("66", "life_expectancy", {"2023": 73.3, "2024": 73.5, "2025": 73.7}, "year")
    table = views.milestones_table(LIFE, assess_area(rows, LIFE, "66"), STATUS, "vi")
    assert table["Mốc"].tolist() == ["2030", "2045 (tầm nhìn)"]
    assert table["Mục tiêu"].tolist() == ["≥ 75,5 năm", "> 80 năm"]
    assert table["Còn cách"].tolist() == ["1,8 năm", "6,3 năm"]
    en = views.milestones_table(LIFE, assess_area(rows, LIFE, "66"), STATUS, "en")
    assert en["Milestone"].tolist() == ["2030", "2045 (vision)"] and en["Distance"].tolist() == ["1.8 years", "6.3 years"]
    assert views.national_milestones(LIFE, "vi") == "2030: ≥ 75,5 năm · 2045 (tầm nhìn): > 80 năm"
    assert views.national_milestones(LIFE, "en") == "2030: ≥ 75.5 years · 2045 (vision): > 80 years"


def test_projection_and_statuses_read_as_words():
    """A hand-made assessment: not met, projected in the third quarter of 2028; one moving away;
    one without data."""
    tg = COVERAGE.targets[1]   # national, >= 100 by 2030
    results = [(tg, Assessment("on_track", 100.0, 2030, latest=(2026.75, 97.4), projected_year=2028.6)),
               (tg, Assessment("deterioration", 100.0, 2030, latest=(2026.75, 97.4))),
               (tg, Assessment("insufficient_data", 100.0, 2030))]
    table = views.milestones_table(COVERAGE, results, STATUS, "vi")
    assert table["Dự kiến đạt"].tolist() == ["quý 3/2028", "không đạt với tốc độ hiện nay", "–"]
    assert table["Còn cách"].tolist() == ["2,6 điểm %", "2,6 điểm %", "–"]


def test_lower_is_better_distance_is_above_the_target():
    lower = msgspec.convert({**msgspec.to_builtins(COVERAGE), "code": "smoking", "direction": "lower"}, Indicator)
    tg = lower.targets[0]
    a = Assessment("on_track", 95.0, 2026, latest=(2026.5, 97.5))
    assert views.milestones_table(lower, [(tg, a)], STATUS, "vi")["Còn cách"].tolist() == ["2,5 điểm %"]


def test_doctors_gap_in_doctors_and_range_target():
    rows = series("66", "doctors_per_station", {"2025-Q4": 3.0, "2026-Q2": 3.3}, "quarter")
    table = views.milestones_table(DOCTORS, assess_area(rows, DOCTORS, "66"), STATUS, "vi")
    assert table["Mục tiêu"].tolist() == ["4–5 bác sĩ", "≥ 4 bác sĩ"]
    assert table["Còn cách"].tolist() == ["0,70 bác sĩ", "0,70 bác sĩ"]


def test_gap_between_percentages_is_in_points():
    assert fmt.gap(2.6, "%", "vi") == "2,6 điểm %" and fmt.gap(2.6, "%", "en") == "2.6 pp"
    assert fmt.gap(0.7, "years", "vi") == "0,7 năm" and fmt.gap(None, "%", "vi") == "–"


def test_a_figure_keeps_its_decimals_in_the_readers_format():
    assert [fmt.figure(v, "vi") for v in (95.1, 1234.25, 97.0, 0.000125, float("nan"))] == \
        ["95,1", "1.234,25", "97", "0,000125", "–"]
    assert [fmt.figure(v, "en") for v in (95.1, 1234.25, None)] == ["95.1", "1,234.25", "–"]


def test_ranking_table_gaps_by_hand():
    card = pd.DataFrame({"area_code": ["01", "66", "12"], "value": [93.0, 95.5, 91.0], "period": ["2026-06"] * 3,
                         "status": ["acceleration_needed", "achieved", "deterioration"],
                         "target_value": [95.0, 95.0, None], "target_year": [2026, 2026, None]})
    names = dict(zip(geography.provinces()["code"], geography.provinces()["name"]))
    table = views.ranking_table(card, names, COVERAGE, lambda s: s, "vi")
    assert table["Tỉnh, thành phố"].tolist() == ["Đắk Lắk", "Hà Nội", "Lai Châu"]
    assert table["Hạng"].tolist() == [1, 2, 3] and table["Giá trị"].tolist() == ["95,5 %", "93,0 %", "91,0 %"]
    assert table["Còn cách mốc quốc gia kế tiếp"].tolist() == ["0", "2,0 điểm %", "–"]


def test_about_table_holds_the_vision_and_english_sources():
    vi, en = views.targets_table(CAT, "vi"), views.targets_table(CAT, "en")
    life = en[en["Indicator"] == LIFE.short("en")]
    assert life["Milestone"].tolist() == ["2030", "2045 (vision)"] and life["Target"].tolist() == ["≥ 75.5 years", "> 80 years"]
    assert life["Source"].tolist()[1].endswith(", Vision to 2045")
    assert not en["Source"].str.contains("Mục tiêu|Tầm nhìn|mục ").any()
    assert "2045 (tầm nhìn)" in set(vi["Mốc"]) and en.columns[-1] == "Quote (Vietnamese original)"


@pytest.mark.parametrize("section,vi,en", [
    ("Mục tiêu đến năm 2030", "Mục tiêu đến năm 2030", "Targets to 2030"),
    ("Tầm nhìn đến năm 2045", "Tầm nhìn đến năm 2045", "Vision to 2045"),
    ("II.1", "mục II.1", "section II.1"), ("II.4.d", "mục II.4.d", "section II.4.d")])
def test_sections_in_both_languages(section, vi, en):
    assert views.section_text(section, "vi") == vi and views.section_text(section, "en") == en


def test_default_month_is_the_one_most_provinces_reported():
    """20 provinces sent May, one early province June: the page opens on May, 20 of 34."""
    codes = geography.provinces()["code"].tolist()
    may = pd.DataFrame({"area_code": codes[:20], "period": "2026-05"})
    june = pd.DataFrame({"area_code": codes[:1], "period": "2026-06"})
    values = pd.concat([may, june]).assign(indicator="insurance_coverage", granularity="month", value=95.0)
    values["t"] = [2026 + (5 if p == "2026-05" else 6) / 12 for p in values["period"]]
    assert default_month(values, 34) == "2026-05"
    assert reported_areas(values, "2026-05") == 20 and reported_areas(values, "2026-06") == 1
    assert default_month(values[values["period"] == "2026-06"], 34) == "2026-06"   # no month has most: the newest
    assert default_month(values.iloc[0:0], 34) is None


def test_one_early_province_is_not_the_national_figure():
    """20 provinces sent September and October, one of them November already: the national figure
    (population-weighted) stays October's over 20 provinces, November waits with 1 of them."""
    codes = geography.provinces()["code"].tolist()
    sent = {"2026-09": codes[:20], "2026-10": codes[:20], "2026-11": codes[:1]}
    values = pd.concat([series(code, COVERAGE.code, {p: 90.0 + i / 10}) for p, cs in sent.items()
                        for i, code in enumerate(cs)]).assign(numerator=float("nan"), denominator=float("nan"))
    coverage = views.national_coverage(values, COVERAGE)
    assert coverage["areas"].tolist() == [20, 20, 1] and coverage["value"].iloc[-1] == 90.0  # one province's own
    national = views.covered_periods(coverage)
    assert national["period"].tolist() == ["2026-09", "2026-10"]
    pop = geography.population()
    expected = sum((90.0 + i / 10) * pop[c] for i, c in enumerate(codes[:20])) / sum(pop[c] for c in codes[:20])
    assert national["value"].iloc[-1] == pytest.approx(expected)
    waiting = views.waiting_period(coverage, national)
    assert (waiting["period"], waiting["areas"]) == ("2026-11", 1)
    assert views.waiting_period(coverage.iloc[:2], views.covered_periods(coverage.iloc[:2])) is None
    eighteen = views.covered_periods(coverage.assign(areas=[20, 20, 18]))   # more than half of all 34
    assert eighteen["period"].tolist() == ["2026-09", "2026-10", "2026-11"]
    assert views.covered_periods(coverage.assign(areas=[20, 20, 17]))["period"].tolist() == ["2026-09", "2026-10"]


def test_a_few_provinces_alone_make_no_national_figure():
    """Three provinces are all that ever sent the indicator: no period is national, the newest waits."""
    values = pd.concat([series(code, LIFE.code, {"2024": 74.0, "2025": 74.5}, "year") for code in ("66", "01", "12")])
    coverage = views.national_coverage(values, LIFE)
    assert coverage["areas"].tolist() == [3, 3] and views.covered_periods(coverage).empty
    waiting = views.waiting_period(coverage, views.covered_periods(coverage))
    assert (waiting["period"], waiting["areas"]) == ("2025", 3)


def test_a_national_figure_adds_up_one_granularity():
    """20 provinces sent the 2025 check-ups as a year, 14 as 2025-Q4 (year to date): one series, the
    year that most of them used, not a 2025 and a 2025-Q4 that end on the same day."""
    ind = CAT["annual_checkup_coverage"]
    codes = geography.provinces()["code"].tolist()
    values = pd.concat([series(c, ind.code, {"2025": 50.0}, "year") for c in codes[:20]]
                       + [series(c, ind.code, {"2025-Q4": 80.0}, "quarter") for c in codes[20:]])
    values = values.assign(numerator=float("nan"), denominator=float("nan"))
    coverage = views.national_coverage(values, ind)
    assert coverage["period"].tolist() == ["2025"] and coverage["areas"].tolist() == [20]
    assert coverage["value"].iloc[0] == pytest.approx(50.0)


def test_tile_names_are_the_names_used_everywhere():
    short = views.short_names()
    assert short["79"] == "Hồ Chí<br>Minh" and short["08"] == "Tuyên<br>Quang" and short["01"] == "Hà Nội"
    names = dict(zip(geography.provinces()["code"], geography.provinces()["name"]))
    assert {c: s.replace("<br>", " ") for c, s in short.items()} == names


def test_flags_table_shows_no_none_nan_or_codes():
    flags = pd.DataFrame({"check_name": ["completeness", "outlier_own_series"], "area_code": ["11", "66"],
                          "indicator": [None, "insurance_coverage"], "period": ["2026-08", None],
                          "value": [None, 97.25], "message_vi": ["a", "b"], "message_en": ["a", "b"]})
    table = views.flags_table(flags, ["completeness", "outlier_own_series"], None, "vi")
    text = " ".join(table.astype(str).to_numpy().ravel())
    assert not re.search(r"\bNone\b|\bnan\b|insurance_coverage", text)
    assert table["Giá trị"].tolist() == ["–", "97,25"] and table["Chỉ tiêu"].tolist() == ["–", "Bao phủ BHYT"]


def test_admin_tables_have_translated_headers():
    users = pd.DataFrame({"username": ["lan"], "role": ["uploader"], "province": ["66"],
                          "created_at": [pd.Timestamp("2026-11-01 08:30")]})
    log = pd.DataFrame({"id": [1], "at": [pd.Timestamp("2026-11-01 08:30")], "actor": ["lan"], "action": ["upload"],
                        "outcome": ["ok"], "submission_id": [None], "subject": ["f.csv"], "sha256": [None],
                        "detail": [""]})
    for lang in ("vi", "en"):
        u, a = views.users_table(users, lang), views.audit_table(log, lang)
        assert not {"username", "role", "province", "created_at", "at", "at_utc", "submission_id"} & (set(u.columns) | set(a.columns))
        assert "None" not in a.astype(str).to_numpy().ravel()
    assert views.users_table(users, "vi").iloc[0].tolist() == ["lan", "nộp số liệu", "Đắk Lắk", "01/11/2026 08:30"]


def test_plans_are_named_in_the_readers_language():
    from indicators.tasks import plan_tasks

    en = views.plan_names(plan_tasks(), "en")
    assert en["CANTHO"].startswith("Can Tho City") and not re.search(r"[ạảấầẩậắằẳặẹẻếềểệịọỏốồổộớờởợụủứừửựỳỷỹđ]", " ".join(en.values()))
    assert views.plan_names(plan_tasks(), "vi")["CANTHO"].startswith("Kế hoạch 172/KH-UBND")


def test_data_docs_page_loads_nothing():
    html = """<html><head><link rel="stylesheet" href="https://cdn.example/b.css">
    <script src="https://code.jquery.com/jquery.js"></script><style>.a{background:url('https://s3/x.png')}</style>
    </head><body><img src="https://s3/logo.png"><a href="https://greatexpectations.io">GX</a>
    <a href="validations/x.html" onclick="go()">Run</a><table><tr><td>nq72_reporting</td></tr></table>
    <script>$('#t').bootstrapTable({})</script></body></html>"""
    out = views.offline_html(html)
    assert not re.search(r"https?://|<script|<link|<img|onclick|href=", out)
    assert "nq72_reporting" in out and ">GX</a>" in out and "<style>" in out


def test_data_docs_of_a_run_recorded_with_a_relative_folder(tmp_path, monkeypatch):
    """`make run` records data/nq72_quality_docs; the server runs elsewhere: the docs beside the
    database are found all the same, and never turned into a file:// link."""
    from dashboard import ui

    site = tmp_path / "data" / "nq72_quality_docs" / "gx" / "uncommitted" / "data_docs" / "local_site"
    (site / "validations" / "nq72_reporting" / "__none__" / "20261122T000000Z").mkdir(parents=True)
    (site / "index.html").write_text("<html></html>")
    (site / "validations" / "nq72_reporting" / "__none__" / "20261122T000000Z" / "nq72-reporting.html").write_text("x")
    monkeypatch.chdir(Path("/"))
    index = ui.data_docs({"docs_path": "data/nq72_quality_docs"}, str(tmp_path / "data" / "nq72.duckdb"))
    assert index == site / "index.html"
    assert list(ui.docs_pages(index, "en")) == ["Validation result: nq72_reporting"]
    assert ui.data_docs({"docs_path": None}, str(tmp_path / "data" / "nq72.duckdb")) is None


def test_problems_table_names_the_whole_file_instead_of_an_empty_row():
    from pipelines.problems import Problem

    table = views.problems_table([Problem(None, None, None, "read_empty", {}),
                                  Problem(3, "value", "150", "read_empty", {})], "vi")
    assert list(table.iloc[:, 0]) == ["cả tệp", "3"] and list(table.iloc[:, 1]) == ["", "value"]
