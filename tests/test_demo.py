"""The synthetic demo: complete, anchored on the public figures, flagged, with planted gaps."""
import pytest

from pipelines import demo, store
from tests.conftest import TODAY


@pytest.fixture(scope="module")
def db(demo_db):
    with store.opened(demo_db, read_only=True) as conn:
        yield conn


def test_flagged_synthetic(db):
    assert store.is_synthetic(db) and store.get_meta(db, "synthetic") == "true"
    assert db.execute("select bool_and(synthetic) from submissions").fetchone()[0] is True


def test_every_province_and_commune(db):
    assert db.execute("select count(distinct area_code) from current_values where length(area_code) = 2").fetchone()[0] == 34
    communes = db.execute("select count(distinct area_code) from current_values"
                          " where indicator = 'doctors_per_station' and length(area_code) = 5").fetchone()[0]
    assert communes == 3321


def test_spans_2021_to_last_complete_month(db):
    first, last = db.execute("select min(period), max(period) from current_values where granularity = 'month'").fetchone()
    assert (first, last) == ("2021-01", "2026-10")
    years = db.execute("select min(period), max(period) from current_values where granularity = 'year'").fetchone()
    assert years == ("2021", "2025")


def test_national_anchors(db):
    values = db.execute("select indicator, area_code, period, value from current_values"
                        " where length(area_code) = 2").df()
    pop = demo.geography.provinces().set_index("code")["population"]
    values["w"] = values["area_code"].map(pop)

    def national(indicator, period):
        v = values[(values.indicator == indicator) & (values.period == period)]
        return (v["value"] * v["w"]).sum() / v["w"].sum()
    assert national("insurance_coverage", "2022-06") == pytest.approx(91.1, abs=1.0)
    assert national("insurance_coverage", "2025-06") == pytest.approx(95.2, abs=1.0)
    assert national("life_expectancy", "2021") == pytest.approx(73.6, abs=0.6)
    assert national("life_expectancy", "2025") == pytest.approx(74.8, abs=0.6)
    assert national("ehealth_book_coverage", "2025-06") == pytest.approx(25, abs=6)


def test_planted_problems(db):
    code, period = demo.MISSING
    assert db.execute("select count(*) from current_values where area_code = ? and period = ?", [code, period]).fetchone()[0] == 0
    late = db.execute("select min(received_at) > make_timestamp(2026, 2, 23, 23, 59, 0) from submissions"
                      " where scope = ? and file_name like '%-2026-01.csv'", [demo.LATE]).fetchone()[0]
    assert late is True
    code, ind, period, value = demo.OUTLIER
    assert db.execute("select value from current_values where area_code=? and indicator=? and period=?",
                      [code, ind, period]).fetchone()[0] == value
    regress = db.execute("select value from current_values where area_code = ? and indicator = 'insurance_coverage'"
                         " and period in ('2021-01', '2026-10') order by period", [demo.REGRESSING]).fetchall()
    assert regress[1][0] < regress[0][0] - 3


def test_no_submission_in_the_future(db):
    assert db.execute("select max(received_at) from submissions").fetchone()[0].date() <= TODAY


def test_deterministic():
    a = demo.demo_files(seed=5, today=TODAY)[:40]
    b = demo.demo_files(seed=5, today=TODAY)[:40]
    assert a == b
