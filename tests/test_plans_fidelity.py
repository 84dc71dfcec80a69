"""Fidelity to the plans (issue 17): every reading flagged in the catalogue, restated targets cited,
the free-hospital-care milestone, each plan deadline as data with its reading of "trước ngày", and
the operator's deadline for provincial figures named as such."""
import datetime as dt
import re
from pathlib import Path

import pandas as pd
import pytest
import yaml
from msgspec import ValidationError
from streamlit.testing.v1 import AppTest

from dashboard import views
from indicators.catalogue import CATALOGUE_FILE, catalogue, load_catalogue
from indicators.periods import BEFORE_DAY_IS_STRICT, figures_due, last_day_before
from indicators.tasks import Deadline, classify, plan_deadlines, reporting_dates
from pipelines import settings
from pipelines.quality.config import load_config
from pipelines.quality.run import run_quality
from pipelines.store import opened
from tests.conftest import TODAY, csv_bytes, load
from tests.tables import page_notes, page_tables

APP = str(Path(__file__).resolve().parent.parent / "dashboard" / "app.py")
PLAN_OF = {"66": "DAKLAK", "10729": "TRANLIEU"}

# The sixteen national targets restated in the Đắk Lắk or Trần Liễu plan (issue 17, point 3).
RESTATED = [("youth_height_gain", "66", 2030), ("life_expectancy", "66", 2030), ("healthy_life_expectancy", "66", 2030),
            ("life_expectancy", "66", 2045), ("healthy_life_expectancy", "66", 2045), ("ehealth_book_coverage", "66", 2026),
            ("immunization_coverage", "10729", 2030), ("physical_activity_rate", "10729", 2030),
            ("annual_checkup_coverage", "10729", 2026), ("ehealth_book_coverage", "10729", 2026),
            ("commune_insured_visit_share", "10729", 2030), ("youth_height_gain", "10729", 2030),
            ("life_expectancy", "10729", 2030), ("healthy_life_expectancy", "10729", 2030),
            ("life_expectancy", "10729", 2045), ("healthy_life_expectancy", "10729", 2045)]


def _target(code, scope, year):
    return next(t for t in catalogue()[code].targets if (t.scope, t.year) == (scope, year))


@pytest.mark.parametrize("code,scope,year", RESTATED, ids=lambda v: str(v))
def test_each_restated_target_has_its_plans_own_citation(code, scope, year):
    ind, local = catalogue()[code], _target(code, scope, year)
    assert local.source.document == PLAN_OF[scope] and re.fullmatch(r"II\.[12]", local.source.section)
    national = ind.restates(local)
    assert national is not None and national.scope == "national"
    assert local in ind.restated_by(national, scope)
    assert local not in ind.targets_for(scope)          # assessed once, as the national milestone


def test_a_different_local_level_stays_its_own_target():
    cov = catalogue()["insurance_coverage"]
    ward_2026 = _target("insurance_coverage", "10729", 2026)
    assert cov.restates(ward_2026) is None and ward_2026 in cov.targets_for("10729")


def test_assumed_years_joined_quotes_and_readings_are_flagged():
    for code in ("commune_insured_visit_share", "prenatal_screening_rate"):
        assert {t.year_basis for t in catalogue()[code].targets} == {"assumed"}
    for ind in catalogue().indicators:
        for t in ind.targets:
            assert (t.year_basis == "quote") == (str(t.year) in t.source.quote), (ind.code, t.source.quote)
            assert t.source.joined == ("..." in t.source.quote), (ind.code, t.source.quote)
            assert not t.needs_reading or t.reading in catalogue().readings, (ind.code, t.source.quote)
    assert sum(t.source.joined for i in catalogue().indicators for t in i.targets) >= 2


def test_can_tho_ehealth_books_cite_the_section_with_the_year():
    can_tho = _target("ehealth_book_coverage", "92", 2026)
    assert can_tho.source.section == "II.4.b" and "Từ năm 2026" in can_tho.source.quote and can_tho.source.joined


def _catalogue_with(tmp_path, edit):
    data = yaml.safe_load(CATALOGUE_FILE.read_text(encoding="utf-8"))
    edit(next(i for i in data["indicators"] if i["code"] == "commune_insured_visit_share")["targets"][0])
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize("edit", [
    lambda t: t.pop("year_basis"),                                   # an assumed year left unflagged
    lambda t: t["source"].update(quote=t["source"]["quote"] + " ... đến năm 2030"),   # joined, unmarked
    lambda t: t.update(threshold=100),                               # "trên 20%" read as 100% with no reading
], ids=["year", "joined", "reading"])
def test_an_unflagged_reading_cannot_be_loaded(tmp_path, edit):
    with pytest.raises(ValidationError):
        load_catalogue(_catalogue_with(tmp_path, edit))


def test_free_hospital_care_is_a_cited_milestone_of_the_catalogue():
    ms = catalogue().milestones_for("66")
    assert {(m.code, m.scope, m.year, m.source.document) for m in ms} == {
        ("free_basic_hospital_care", "national", 2030, "NQ72"), ("free_basic_hospital_care", "66", 2030, "DAKLAK")}
    assert all("miễn viện phí ở mức cơ bản" in m.source.quote for m in ms)
    assert [m.scope for m in catalogue().milestones_for("92")] == ["national"]


# --- "trước ngày X", read once: the last day on time is the day before X -------------------------

def test_before_day_is_read_strictly_on_both_sides():
    assert BEFORE_DAY_IS_STRICT
    assert last_day_before(dt.date(2026, 12, 15)) == dt.date(2026, 12, 14)
    assert last_day_before(dt.date(2026, 12, 1)) == dt.date(2026, 11, 30)      # across a month
    assert last_day_before(dt.date(2026, 1, 1)) == dt.date(2025, 12, 31)       # across a year


def _deadline(document, key):
    return next(d for d in plan_deadlines() if (d.document, d.key) == (document, key))


@pytest.mark.parametrize("document,key,year,month,due", [
    ("MOST", "ministry_report", 2026, 12, dt.date(2026, 11, 30)),    # to the Ministry of Health, before 1 Dec
    ("MOST", "units_report", 2026, 11, dt.date(2026, 11, 14)),       # its units, before 15 Nov
    ("CANTHO", "unit_plans", 2025, 12, dt.date(2025, 12, 30)),       # before 31 Dec 2025
    ("CANTHO", "combined_report", 2026, 1, dt.date(2026, 1, 14)),    # before 15 Jan 2026
    ("DAKLAK", "unit_plans", 2026, 3, dt.date(2026, 3, 31)),         # "trong Quý I năm 2026": within the quarter
    ("VUSTA", "members_report", 2026, 12, dt.date(2026, 12, 9)),     # members before 10 Dec
    ("VUSTA", "union_report", 2026, 12, dt.date(2026, 12, 14)),      # the union before 15 Dec
])
def test_each_plan_deadline_as_read(document, key, year, month, due):
    dl = _deadline(document, key)
    assert dl.due(year, month) == due
    assert dl.due_dates(due, due) == [due] and dl.due_dates(due + dt.timedelta(days=1), due + dt.timedelta(days=20)) == []


def test_every_deadline_says_what_its_quote_says():
    for dl in plan_deadlines():
        assert dl.section and dl.quote
        if dl.rule == "before":
            month = "" if dl.month is None else rf" tháng 0?{dl.month}"
            assert re.search(rf"trước ngày 0?{dl.day}{month}\b", dl.quote), (dl.key, dl.quote)
    assert _deadline("VUSTA", "five_year_review").due_dates(dt.date(2026, 1, 1), dt.date(2035, 1, 1)) == []


def test_monthly_task_updates_around_the_23rd():
    ongoing = Deadline("ongoing")
    assert reporting_dates("MOST", "I-4", dt.date(2026, 11, 1), dt.date(2026, 11, 30)) == [
        dt.date(2026, 11, 14), dt.date(2026, 11, 22)]
    # October's update is due by the 22nd: on the 22nd it is still due (soon); on the 23rd, with no
    # update since September's deadline (the 22nd), it is overdue; one made on 23 September counts.
    assert classify(ongoing, "MOST", "I-4", "in_progress", dt.date(2026, 9, 10), dt.date(2026, 10, 22)) == "due_soon"
    assert classify(ongoing, "MOST", "I-4", "in_progress", dt.date(2026, 9, 22), dt.date(2026, 10, 23)) == "overdue"
    assert classify(ongoing, "MOST", "I-4", "in_progress", dt.date(2026, 9, 23), dt.date(2026, 10, 23)) != "overdue"
    # a task without the monthly rule only falls due at its plan's yearly report (units: by 14 Nov)
    assert reporting_dates("MOST", "II-8", dt.date(2026, 11, 1), dt.date(2026, 11, 30)) == [dt.date(2026, 11, 14)]


# --- the operator's deadline for provincial figures ----------------------------------------------

def test_figures_deadline_is_a_setting(monkeypatch):
    assert settings.settings().figures_due_day == 23
    assert load_config().deadline(dt.date(2026, 10, 31), "month") == dt.date(2026, 11, 23)
    monkeypatch.setenv("NQ72_FIGURES_DUE_DAY", "10")
    assert settings.settings().figures_due_day == 10
    assert load_config().deadline(dt.date(2026, 10, 31), "month") == dt.date(2026, 11, 10)
    assert figures_due("2026-Q3", 10) == dt.date(2026, 10, 10)
    monkeypatch.setenv("NQ72_FIGURES_DUE_DAY", "31")           # not a day of every month
    with pytest.raises(ValueError):
        settings.settings()


def test_calendar_names_each_source():
    board = pd.DataFrame({"document": ["MOST"], "task_key": ["I-4"], "lead_unit": ["Vụ CN"],
                          "received_at": [pd.NaT]})
    values = pd.DataFrame({"area_code": ["66"], "period": ["2026-10"]})
    cal = views.reporting_calendar(board, values, dt.date(2026, 11, 22), "vi", days=30, due_day=23)
    sources = cal["Nguồn"].tolist()
    assert sources[0] == "Hạn nộp do đơn vị vận hành đặt: đến hết ngày 23 tháng sau (NQ72_FIGURES_DUE_DAY)"
    assert any("mục V.2.a" in s and "trước ngày 23 hằng tháng" in s for s in sources[1:])
    assert any("mục V.1.a" in s and "trước ngày 01 tháng 12" in s for s in sources[1:])
    monthly = cal[cal["Nguồn"].str.contains("V.2.a")].iloc[0]
    assert monthly["Hạn"] == "22/11/2026" and monthly["Chưa nộp / chưa báo cáo"] == "Vụ CN"


# --- what pages show ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def dak_lak_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("dl") / "dl.duckdb"
    with opened(path) as conn:
        load(conn, csv_bytes([["indicator", "area_code", "period", "value"], ["life_expectancy", "66", "2024", "74.1"],
                              ["life_expectancy", "66", "2025", "74.4"],
                              ["insurance_coverage", "66", "2026-09", "95.2"]]), "dl.csv", today=TODAY)
    run_quality(path, today=TODAY, trigger="test", build_docs=False)
    return path


def _page(monkeypatch, db, page, **params):
    monkeypatch.setenv("NQ72_DB", str(db))
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(f"app_pages/{page}.py").run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _unescaped(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def test_province_page_shows_dak_laks_own_citation(monkeypatch, dak_lak_db):
    at = _page(monkeypatch, dak_lak_db, "province", province="66")
    captions = page_notes(at)
    assert "Cũng có trong kế hoạch của Đắk Lắk: 2030 ≥ 75,5 năm — KH UBND tỉnh Đắk Lắk, mục II.1: " \
           "“tuổi thọ trung bình đạt 75,5 tuổi”" in captions
    assert any("mục II.2: “Người dân có tuổi thọ trung bình đạt trên 80 tuổi”" in c for c in captions)
    milestones = page_tables(at)[0]
    assert len(milestones) == 2                                   # 2030 and 2045, each once
    assert all("Tình trạng" in tb.columns for tb in page_tables(at))     # every table a milestones table
    care = [_unescaped(m.value) for m in at.markdown if "miễn viện phí" in m.value]
    assert len(care) == 2 and any(c.startswith("- 2030 · Đắk Lắk: ") and "mục II.1" in c for c in care)


def test_about_page_lists_restatements_flags_and_free_care(monkeypatch, dak_lak_db):
    at = _page(monkeypatch, dak_lak_db, "about")
    targets, restated, untracked = page_tables(at)[:3]
    visits = targets[targets["Chỉ tiêu"] == "KCB BHYT tại xã"].iloc[0]
    assert "nq72 giả định năm 2030" in visits["Ghi chú"] and "Phường Trần Liễu" in visits["Nhắc lại trong kế hoạch"]
    assert any("Trích ghép" in n for n in targets["Ghi chú"])
    dak_lak = restated[restated["Phạm vi"] == "Đắk Lắk"]
    assert len(dak_lak) >= 6 and any("KH UBND tỉnh Đắk Lắk" in s or "Đắk Lắk" in s for s in dak_lak["Nguồn"])
    assert len(restated[restated["Phạm vi"] == "Phường Trần Liễu"]) >= 10
    assert "miễn viện phí ở mức cơ bản" in " ".join(untracked.iloc[:, -1])


def test_quality_and_tasks_pages_say_who_set_each_deadline(monkeypatch, dak_lak_db):
    quality = _page(monkeypatch, dak_lak_db, "quality")
    text = " ".join(_unescaped(m.value) for m in quality.markdown)
    assert "đến hết ngày 23 tháng sau" in text and "Hạn nộp do đơn vị vận hành đặt" in text
    monkeypatch.setenv("NQ72_TODAY", "2026-11-22")
    tasks = _page(monkeypatch, dak_lak_db, "tasks")
    calendar = page_tables(tasks)[0]
    assert calendar["Nguồn"].iloc[0].startswith("Hạn nộp do đơn vị vận hành đặt")
    assert all(s.startswith("KH ") and "“" in s for s in calendar["Nguồn"].iloc[1:])
    every = page_tables(tasks)[1]
    assert len(every) == len(plan_deadlines()) and "Kế hoạch không nêu ngày" in set(every["Ngày cuối đúng hạn (kỳ tới)"])
    assert any("trước ngày X" in c.value for c in tasks.caption)
