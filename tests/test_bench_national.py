"""The national-scale bench database: two years of it load through the pipeline and is coherent."""
import datetime as dt

import pytest

from bench.national import build_national, commune_indicators
from data import geography
from indicators.catalogue import catalogue
from pipelines import store


@pytest.fixture(scope="module")
def national(tmp_path_factory):
    path = tmp_path_factory.mktemp("national") / "n.duckdb"
    info = build_national(path, years=2, today=dt.date(2026, 11, 22), progress=False)
    return path, info


def test_every_commune_and_province_every_indicator(national):
    path, info = national
    n_communes, n_provinces = len(geography.communes()), len(geography.provinces())
    with store.opened(path, read_only=True) as conn:
        assert store.get_meta(conn, "synthetic") == "true"
        assert store.one(conn, "select bool_and(synthetic) from submissions")[0]
        counts = dict(conn.execute(
            "select indicator || '/' || case when length(area_code) = 2 then 'province' else 'commune' end,"
            " count(distinct area_code) from current_values group by 1").fetchall())
        assert store.one(conn, "select max(period) from current_values where granularity = 'month'")[0] == "2026-10"
        assert store.one(conn, "select min(period) from current_values where granularity = 'month'")[0] == "2024-11"
    assert info["values"] > 200_000
    for ind in catalogue().indicators:
        assert counts[f"{ind.code}/province"] == n_provinces
    for code in commune_indicators():
        assert counts[f"{code}/commune"] == n_communes


def test_ratios_match_their_parts(national):
    path, _ = national
    with store.opened(path, read_only=True) as conn:
        worst, n = store.one(conn,
            "select max(abs(value - numerator / denominator * 100)), count(*) from current_values"
            " where indicator in ('commune_insured_visit_share', 'prenatal_screening_rate')")
        assert n > 0 and worst <= 0.005 + 1e-9
        assert store.one(conn, "select count(*) from current_values where numerator > denominator")[0] == 0


def test_deterministic(tmp_path, national):
    path, _ = national
    build_national(tmp_path / "again.duckdb", years=2, today=dt.date(2026, 11, 22), progress=False)

    def shas(p):
        with store.opened(p, read_only=True) as conn:
            return conn.execute("select sha256 from submissions order by id").fetchall()
    assert shas(path) == shas(tmp_path / "again.duckdb")
