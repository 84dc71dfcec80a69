"""The data-quality suite: each check finds its planted problem, clean data fires nothing, the GX
path judges frames read from DuckDB (and refuses a result where an expectation raised)."""
from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import msgspec
import numpy as np
import pandas as pd
import pytest

from data import geography
from indicators.catalogue import Catalogue, catalogue
from pipelines import demo
from pipelines.quality import results
from pipelines.quality.config import CONFIG_FILE, load_config
from pipelines.quality.run import _flags, measure_frames, run_quality
from pipelines.quality.suite import QualitySuiteError, run_suite
from tests.conftest import TODAY

CFG = load_config()
PROVINCES = list(geography.provinces()["code"])
MONTHS = [f"{y}-{m:02d}" for y in (2024, 2025, 2026) for m in range(1, 13) if (y, m) <= (2026, 10)]


def mini_catalogue() -> Catalogue:
    """Insurance coverage (monthly, provinces) and doctors per station (quarterly, provinces and
    every commune): enough to exercise every check."""
    full = catalogue()
    return Catalogue(documents=full.documents, readings=full.readings,
                     indicators=(full["insurance_coverage"], full["doctors_per_station"],
                                 msgspec.structs.replace(full["commune_insured_visit_share"], expected_levels=("province",))))


def clean_values() -> pd.DataFrame:
    """Complete, on time, smooth and consistent: nothing should be flagged."""
    rows = []
    communes = geography.communes()
    for n, prov in enumerate(PROVINCES):
        for k, month in enumerate(MONTHS):
            y, m = int(month[:4]), int(month[5:])
            due = dt.datetime(y + (m == 12), m % 12 + 1, 20)
            rows.append(("insurance_coverage", prov, "province", prov, month, "month", 92 + 0.04 * n + 0.1 * k, None, None, due))
            den = 10_000 + 100 * n
            share = 15 + 0.05 * n + 0.1 * k
            num = round(den * share / 100)
            rows.append(("commune_insured_visit_share", prov, "province", prov, month, "month",
                         round(num / den * 100, 2), num, den, due))
    for q_year, q in [(y, q) for y in (2024, 2025, 2026) for q in (1, 2, 3, 4) if (y, q) <= (2026, 3)]:
        period = f"{q_year}-Q{q}"
        due = dt.datetime(q_year + (q == 4), (3 * q) % 12 + 1, 20)
        for prov, group in communes.groupby("province_code"):
            for code in group["code"]:
                rows.append(("doctors_per_station", code, "commune", prov, period, "quarter", 3.0, None, None, due))
            rows.append(("doctors_per_station", prov, "province", prov, period, "quarter", 3.0, None, None, due))
    frame = pd.DataFrame(rows, columns=["indicator", "area_code", "level", "province_code", "period", "granularity",
                                        "value", "numerator", "denominator", "first_received"])
    frame["first_received"] = pd.to_datetime(frame["first_received"])
    from indicators.aggregate import period_ends

    frame["t"] = period_ends(frame["period"])
    return frame


def flags_of(values: pd.DataFrame) -> pd.DataFrame:
    cat = mini_catalogue()
    frames = measure_frames(values, cat, CFG, TODAY)
    return _flags(frames, run_suite(frames, CFG).flagged, CFG)


@pytest.fixture(scope="module")
def clean():
    return clean_values()


def test_clean_data_fires_nothing(clean):
    flags = flags_of(clean)
    assert flags.empty, flags[["check_name", "area_code", "period", "message_en"]].head(10).to_string()


def _where(v, **kw):
    mask = np.ones(len(v), dtype=bool)
    for k, val in kw.items():
        mask &= (v[k] == val).to_numpy()
    return mask


def test_missing_month_breaks_completeness(clean):
    v = clean[~_where(clean, area_code="11", period="2026-08")]
    flags = flags_of(v)
    hit = flags[flags["check_name"] == "completeness"]
    assert list(zip(hit["area_code"], hit["period"])) == [("11", "2026-08")]
    assert "0 of 2" in hit["message_en"].iloc[0] or "Only 0" in hit["message_en"].iloc[0]


def test_late_reports_break_timeliness(clean):
    v = clean.copy()
    late = _where(v, area_code="96") & v["period"].str.startswith("2026").to_numpy() & (v["granularity"] == "month").to_numpy()
    v.loc[late, "first_received"] = v.loc[late, "first_received"] + pd.Timedelta(days=9)
    flags = flags_of(v)
    hit = flags[flags["check_name"] == "timeliness"]
    assert set(hit["area_code"]) == {"96"} and {"2026-01", "2026-09"} <= set(hit["period"])
    assert "completeness" not in set(flags["check_name"])


def test_spike_is_an_outlier_in_its_series_among_peers_and_a_drop(clean):
    v = clean.copy()
    v.loc[_where(v, area_code="38", indicator="insurance_coverage", period="2026-03"), "value"] = 75.0
    flags = flags_of(v)
    by_check = {c: set(zip(g["area_code"], g["period"])) for c, g in flags.groupby("check_name")}
    assert by_check["outlier_own_series"] == {("38", "2026-03")}
    assert ("38", "2026-03") in by_check["outlier_cross_area"]
    assert by_check["coverage_drop"] == {("38", "2026-03")}


def test_ratio_and_province_vs_communes(clean):
    v = clean.copy()
    v.loc[_where(v, area_code="66", indicator="commune_insured_visit_share", period="2026-05"), "value"] = 40.0
    v.loc[_where(v, area_code="66", indicator="doctors_per_station", period="2025-Q4"), "value"] = 5.0
    flags = flags_of(v)
    ratio = flags[flags["check_name"] == "ratio_mismatch"]
    assert list(zip(ratio["area_code"], ratio["period"])) == [("66", "2026-05")]
    pvc = flags[flags["check_name"] == "province_vs_communes"]
    assert list(zip(pvc["area_code"], pvc["period"])) == [("66", "2025-Q4")]


def test_over_time_against_three_previous_years():
    years = [str(y) for y in range(2018, 2026)]
    rows = [("life_expectancy", p, "province", p, y, "year", 74.0 + 0.2 * i, None, None, pd.Timestamp(f"{y}-12-01"))
            for p in PROVINCES[:6] for i, y in enumerate(years)]
    rows += [("physical_activity_rate", p, "province", p, y, "year", 30.0 + 0.5 * i, None, None, pd.Timestamp(f"{y}-12-01"))
             for p in PROVINCES[:6] for i, y in enumerate(years)]
    v = pd.DataFrame(rows, columns=["indicator", "area_code", "level", "province_code", "period", "granularity", "value",
                                    "numerator", "denominator", "first_received"])
    v.loc[_where(v, area_code="01", indicator="life_expectancy", period="2024"), "value"] = 110.0  # a ratio jump
    v.loc[_where(v, area_code="04", indicator="physical_activity_rate", period="2025"), "value"] = 48.0  # +15 points
    from indicators.aggregate import period_ends

    v["t"] = period_ends(v["period"])
    frame = measure_frames(v, catalogue(), CFG, TODAY)["over_time"]
    flagged = run_suite({"over_time": frame}, CFG).flagged
    ratio = frame.loc[flagged["over_time_ratio"], ["area_code", "period"]]
    points = frame.loc[flagged["over_time_points"], ["area_code", "period"]]
    assert ("01", "2024") in set(map(tuple, ratio.to_numpy()))
    assert set(map(tuple, points.to_numpy())) == {("04", "2025")}


def test_gx_judges_frames_read_from_duckdb(tmp_path):
    """The regression guard for GX issues #10738/#11579: through our path (DuckDB -> pandas ->
    GX pandas datasource) expectations really evaluate: the right rows fail, none raise."""
    path = tmp_path / "m.duckdb"
    with duckdb.connect(str(path)) as conn:
        conn.execute("create table m as select range as i, case when range = 7 then 9.0 else 0.0 end as modified_z"
                      " from range(1000)")
    with duckdb.connect(str(path), read_only=True) as conn:
        frame = conn.execute("select * from m order by i").df()
    result = run_suite({"own_series": frame}, CFG)
    assert result.flagged["outlier_own_series"] == [7] and result.success is False


def test_an_expectation_that_raises_is_refused():
    frame = pd.DataFrame({"not_the_measure": [1.0, 2.0]})        # the column the check reads is missing
    with pytest.raises(QualitySuiteError):
        run_suite({"own_series": frame}, CFG)


def test_demo_planted_problems_end_to_end(demo_db, tmp_path):
    db = tmp_path / "d.duckdb"
    shutil.copy(demo_db, db)
    report = run_quality(db, today=TODAY, trigger="test")
    f = report.flags
    keys = lambda check: set(zip(f[f.check_name == check]["area_code"], f[f.check_name == check]["period"]))  # noqa: E731
    assert ("11", demo.MISSING[1]) in keys("completeness")
    assert {p for a, p in keys("timeliness") if a == demo.LATE} >= {"2026-01", "2026-09"}
    code, ind, period, _ = demo.OUTLIER
    assert (code, period) in keys("outlier_own_series") and (code, period) in keys("coverage_drop")
    assert report.docs is not None and report.docs.exists()
    scores = report.scores.set_index("province_code")["score"]
    assert scores.idxmin() == demo.LATE
    with results.connect(db, read_only=True) as conn:
        assert conn.execute("select count(*) from quality_runs").fetchall()[0][0] == 1
        stored = conn.execute("select count(*) from quality_flags").fetchall()[0][0]
    assert stored == len(f)


def test_cli_quality_scope_and_history(demo_db, tmp_path):
    from click.testing import CliRunner

    from pipelines.cli import main

    db = tmp_path / "d.duckdb"
    shutil.copy(demo_db, db)
    r = CliRunner().invoke(main, ["quality", "--db", str(db), "--province", "11", "--period", "2026-08", "--no-docs",
                                  "--lang", "en"])
    assert r.exit_code == 0, r.output
    assert "completeness: 1" in r.output and "timeliness: 1" in r.output
    CliRunner().invoke(main, ["quality", "--db", str(db), "--no-docs"])
    with results.connect(db, read_only=True) as conn:
        runs = conn.execute("select scope, period from quality_runs order by id").fetchall()
    assert runs == [("11", "2026-08"), ("national", None)]


def test_runs_in_the_background_after_a_cli_submission(tmp_path):
    db = tmp_path / "bg.duckdb"
    csv = tmp_path / "f.csv"
    csv.write_text("indicator,area_code,period,value\ninsurance_coverage,66,2026-09,95.1\n", encoding="utf-8")
    env = dict(os.environ, NQ72_QUALITY_AFTER_INGEST="1")
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "pipelines.cli", "ingest", str(csv), "--db", str(db), "--json"],
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if results.results_path(db).exists():
            try:
                with results.connect(db, read_only=True) as conn:
                    if conn.execute("select count(*) from quality_runs where trigger = 'submission'").fetchall()[0][0]:
                        break
            except Exception:  # noqa: BLE001 - still being written
                pass
        time.sleep(0.5)
    else:
        pytest.fail("no quality run after the submission")
    assert time.monotonic() - started > 0


def test_great_expectations_is_never_imported_on_the_hot_path():
    code = ("import sys; import pipelines.ingest, pipelines.cli, pipelines.quality.run, dashboard.queries, "
            "dashboard.views, dashboard.charts; assert 'great_expectations' not in sys.modules, 'imported'")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=str(Path(__file__).resolve().parent.parent))
    assert done.returncode == 0, done.stderr[-500:]


def test_calendar_is_data():
    assert CFG.deadline(dt.date(2026, 10, 31), "month") == dt.date(2026, 11, 23)
    assert CFG.deadline(dt.date(2026, 12, 31), "month") == dt.date(2027, 1, 23)
    assert CFG.deadline(dt.date(2025, 12, 31), "year") == dt.date(2025, 12, 15)
    assert CFG.thresholds.completeness_min == 0.9 and CFG.thresholds.modified_z == 3.5


def test_the_operators_quality_settings_read_a_quoted_number_as_a_number_and_refuse_an_unknown_key(tmp_path):
    text = CONFIG_FILE.read_text(encoding="utf-8")
    edited = tmp_path / "quality.yaml"
    edited.write_text(text.replace("window_months: 12", 'window_months: "12"'), encoding="utf-8")
    assert 'window_months: "12"' in edited.read_text(encoding="utf-8")
    assert load_config(edited).thresholds.window_months == 12
    misspelt = tmp_path / "misspelt.yaml"   # another file: load_config keeps what it read per path
    misspelt.write_text(text.replace("window_months: 12", "window_months: 12\n  window_month: 12"), encoding="utf-8")
    with pytest.raises(msgspec.ValidationError, match="unknown field `window_month`"):
        load_config(misspelt)
