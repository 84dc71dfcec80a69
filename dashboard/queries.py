"""Every query the dashboard runs, cached at this boundary and nowhere else (not named data.py:
Streamlit puts dashboard/ on sys.path, where it would shadow the top-level `data` package).

Each call opens a short read-only connection, so the file is never held open between page
runs. Cached functions take `version` (newest submission id, file mtime): a new submission
changes it, so every cached result is recomputed on the next page run."""
from __future__ import annotations

import os

import pandas as pd
import streamlit as st

from indicators.catalogue import catalogue
from indicators.scorecard import scorecard as build_scorecard
from pipelines import store

# End of a period as a fractional year, in SQL (indicators.aggregate.period_end in Python).
PERIOD_END = ("case when length(period) = 4 then cast(period as integer) + 1.0"
              " when substr(period, 6, 1) = 'Q' then cast(substr(period, 1, 4) as integer)"
              " + cast(substr(period, 7, 1) as integer) / 4.0"
              " else cast(substr(period, 1, 4) as integer) + cast(substr(period, 6, 2) as integer) / 12.0 end")


def db_file() -> str:
    return str(store.db_path(os.environ.get("NQ72_DB")))


def data_version(db: str) -> tuple[int, float]:
    """(newest submission id, file mtime): changes whenever something is loaded."""
    with store.opened(db, read_only=True) as conn:
        newest = store.one(conn, "select coalesce(max(id), 0) from submissions")[0]
    return newest, os.path.getmtime(db)


@st.cache_data(show_spinner=False, max_entries=8)
def summary(db: str, version: tuple[int, float]) -> dict:
    """Counts for page headers and whether the data is synthetic."""
    with store.opened(db, read_only=True) as conn:
        provinces, values = store.one(conn,
            "select count(distinct a.province_code), count(*) from current_values v"
            " join areas a on a.code = v.area_code")
        submissions, last = store.one(conn, "select count(*), max(received_at) from submissions")
        synthetic = store.is_synthetic(conn)
    return {"provinces": provinces, "values": values, "submissions": submissions,
            "last_submission": last, "synthetic": synthetic}


@st.cache_data(show_spinner=False, max_entries=8)
def province_values(db: str, version: tuple[int, float]) -> pd.DataFrame:
    """Current province-level values of every indicator, with period end `t` and receipt time."""
    with store.opened(db, read_only=True) as conn:
        return conn.execute(
            f"select v.indicator, v.area_code, v.period, v.granularity, v.value, v.numerator,"
            f" v.denominator, v.submission_id, s.received_at, {PERIOD_END} as t"
            " from current_values v join submissions s on s.id = v.submission_id"
            " join areas a on a.code = v.area_code where a.level = 'province'"
            " order by v.indicator, v.area_code, t").df()


@st.cache_data(show_spinner=False, max_entries=16)
def commune_latest(db: str, version: tuple[int, float], indicator: str, as_of: float,
                   province: str | None = None) -> pd.DataFrame:
    """Each commune's latest value of an indicator at or before `as_of` (fractional year)."""
    sql = (f"select v.area_code, a.name, a.province_code, v.period, v.value, {PERIOD_END} as t"
           " from current_values v join areas a on a.code = v.area_code"
           f" where a.level = 'commune' and v.indicator = ? and {PERIOD_END} <= ?")
    params: list = [indicator, as_of]
    if province:
        sql += " and a.province_code = ?"
        params.append(province)
    sql += " qualify row_number() over (partition by v.area_code order by t desc) = 1 order by v.area_code"
    with store.opened(db, read_only=True) as conn:
        return conn.execute(sql, params).df()


@st.cache_data(show_spinner=False, max_entries=4)
def recent_submissions(db: str, version: tuple[int, float], limit: int = 50) -> pd.DataFrame:
    with store.opened(db, read_only=True) as conn:
        return conn.execute(
            "select id, file_name, user_name, scope, rows, received_at, synthetic from submissions"
            " order by id desc limit ?", [limit]).df()


@st.cache_data(show_spinner=False, max_entries=16)
def scorecard(db: str, version: tuple[int, float], month: str | None) -> pd.DataFrame:
    """Every province x indicator status as of a month (see indicators.scorecard)."""
    from dashboard.views import as_of

    return build_scorecard(as_of(province_values(db, version), month), catalogue())


def quality_version(db: str) -> float | None:
    """Modification time of the quality results file (None when no run has been stored)."""
    from pipelines.quality.results import results_path

    path = results_path(db)
    return os.path.getmtime(path) if path.exists() else None


@st.cache_data(show_spinner=False, max_entries=4)
def quality_latest(db: str, version: float | None) -> dict | None:
    """The newest quality run: its record, flags, reporting rates and province scores."""
    if version is None:
        return None
    from pipelines.quality import results

    with store.file_lock(results.results_path(db), shared=True), results.connect(db, read_only=True) as conn:
        run = conn.execute("select * from quality_runs where scope = 'national' order by id desc limit 1").df()
        if run.empty:
            run = conn.execute("select * from quality_runs order by id desc limit 1").df()
        if run.empty:
            return None
        run_id = int(run["id"].iloc[0])
        return {"run": run.iloc[0].to_dict(),
                "flags": conn.execute("select * from quality_flags where run_id = ?", [run_id]).df(),
                "reporting": conn.execute("select * from quality_reporting where run_id = ?", [run_id]).df(),
                "scores": conn.execute("select * from quality_scores where run_id = ?", [run_id]).df()}


def flagged_keys(db: str) -> set[tuple[str, str, str]]:
    """(indicator, area_code, period) of every value flagged by the newest quality run."""
    q = quality_latest(db, quality_version(db))
    if q is None:
        return set()
    f = q["flags"].dropna(subset=["indicator"])
    return set(zip(f["indicator"], f["area_code"], f["period"]))


@st.cache_data(show_spinner=False, max_entries=4)
def task_updates(db: str, version: tuple[int, float]) -> pd.DataFrame:
    """Every status update of a plan task, oldest first."""
    with store.opened(db, read_only=True) as conn:
        return store.task_updates(conn)
