"""Every query the dashboard runs, cached at this boundary and nowhere else (not named data.py:
Streamlit puts dashboard/ on sys.path, where it would shadow the top-level `data` package).

Each call opens a short read-only connection, so the file is never held open between page
runs. The cache key includes the newest submission id: a new submission invalidates it."""
from __future__ import annotations

import os

import pandas as pd
import streamlit as st

from pipelines import store


def db_file() -> str:
    return str(store.db_path(os.environ.get("NQ72_DB")))


def data_version(db: str) -> tuple[int, float]:
    """(newest submission id, file mtime): changes whenever something is loaded."""
    with store.opened(db, read_only=True) as conn:
        newest = store.one(conn, "select coalesce(max(id), 0) from submissions")[0]
    return newest, os.path.getmtime(db)


@st.cache_data(show_spinner=False)
def summary(db: str, version: tuple[int, float]) -> dict:
    """Counts for the home page and whether the data is synthetic."""
    with store.opened(db, read_only=True) as conn:
        provinces, values = store.one(conn,
            "select count(distinct a.province_code), count(*) from current_values v"
            " join areas a on a.code = v.area_code")
        submissions, last = store.one(conn, "select count(*), max(received_at) from submissions")
        synthetic = store.is_synthetic(conn)
    return {"provinces": provinces, "values": values, "submissions": submissions,
            "last_submission": last, "synthetic": synthetic}


@st.cache_data(show_spinner=False)
def latest_by_indicator(db: str, version: tuple[int, float]) -> pd.DataFrame:
    with store.opened(db, read_only=True) as conn:
        return conn.execute(
            "select indicator, count(*) as n_values, max(period) as latest_period"
            " from current_values group by indicator order by indicator").df()
