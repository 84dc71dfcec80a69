"""Caching around the store's read functions: the dashboard's only data boundary (not named
data.py: Streamlit puts dashboard/ on sys.path, where it would shadow the top-level `data` package).

Each call opens a short read-only connection, so the file is never held open between page
runs. Cached functions take `version` (data_version): a new submission changes it, so every cached
result is recomputed on the next page run."""
from __future__ import annotations

import os

import pandas as pd
import streamlit as st

from dashboard import views
from data import geography
from indicators.catalogue import catalogue
from indicators.periods import as_of, default_month
from indicators.scorecard import scorecard as build_scorecard
from pipelines import store
from pipelines.quality import results
from pipelines.store import submissions, values


def db_file() -> str:
    return str(store.db_path())


# db -> (the files' stamp when it was read, the version read then): every page run asks for the
# version, and opening the database to ask costs more than a small page does (issue 15).
_VERSIONS: dict[str, tuple[tuple, tuple]] = {}


def _stamp(db: str) -> tuple:
    """What any write changes: inode, size and mtime (ns) of the database and of its write-ahead log
    (a commit lands in the log first, a checkpoint moves it into the file)."""
    def one(path: str) -> tuple | None:
        try:
            s = os.stat(path)
        except FileNotFoundError:
            return None
        return s.st_ino, s.st_size, s.st_mtime_ns
    return one(db), one(f"{db}.wal")


def data_version(db: str) -> tuple:
    """What the cached figures depend on: the newest submission (id and time received) and when
    the database was created. Every write that changes what a page shows adds a submission (values,
    task updates, an approved correction: pipelines.store.submissions is their only door); the
    other writes (the audit line of each log-in or export view, accounts, drafts, pending
    corrections) leave the figures as they were, and so keep every page's cache. A file put in
    its place (a rebuilt demo, a restored copy) was created at another time or holds another
    newest submission (not the inode: a file deleted and made again often gets the same one).
    The database is opened only when its files changed since the last look (the stamp is taken
    before the query, so a write during it is seen on the next run)."""
    stamp = _stamp(db)
    known = _VERSIONS.get(db)
    if known is not None and known[0] == stamp:
        return known[1]
    with store.opened(db, read_only=True) as conn:
        newest, received, created = submissions.newest(conn)
    version = newest, str(received), str(created)
    _VERSIONS[db] = stamp, version
    return version


@st.cache_data(show_spinner=False, max_entries=8)
def summary(db: str, version: tuple) -> dict:
    """Counts for page headers and whether the data is synthetic."""
    with store.opened(db, read_only=True) as conn:
        return values.summary(conn)


@st.cache_data(show_spinner=False, max_entries=8)
def province_values(db: str, version: tuple) -> pd.DataFrame:
    """Current province-level values of every indicator, with period end `t` and receipt time."""
    with store.opened(db, read_only=True) as conn:
        return values.province_values(conn)


@st.cache_data(show_spinner=False, max_entries=16)
def commune_latest(db: str, version: tuple, indicator: str, as_of: float,
                   province: str | None = None) -> pd.DataFrame:
    """Each commune's latest value of an indicator at or before `as_of` (fractional year)."""
    with store.opened(db, read_only=True) as conn:
        return values.commune_latest(conn, indicator, as_of, province)


@st.cache_data(show_spinner=False, max_entries=32)
def national_coverage(db: str, version: tuple, indicator: str, month: str | None) -> pd.DataFrame:
    """One indicator's figure over the provinces that sent it, every period as of `month`
    (views.national_coverage): ~0.2 s on a national database, once per data version rather than on
    every Indicator page run."""
    rows = province_values(db, version)
    return views.national_coverage(as_of(rows[rows["indicator"] == indicator], month), catalogue()[indicator])


@st.cache_data(show_spinner=False, max_entries=4)
def recent_submissions(db: str, version: tuple, limit: int = 50) -> pd.DataFrame:
    with store.opened(db, read_only=True) as conn:
        return submissions.recent(conn, limit)


@st.cache_data(show_spinner=False, max_entries=16)
def scorecard(db: str, version: tuple, month: str | None) -> pd.DataFrame:
    """Every province x indicator status as of a month (see indicators.scorecard)."""
    return build_scorecard(as_of(province_values(db, version), month), catalogue())


def quality_version(db: str) -> float | None:
    """Modification time of the quality results file (None when no run has been stored)."""
    path = results.results_path(db)
    return os.path.getmtime(path) if path.exists() else None


@st.cache_data(show_spinner=False, max_entries=4)
def quality_latest(db: str, version: float | None) -> dict | None:
    """The newest quality run: its record, flags, reporting rates and province scores."""
    return None if version is None else results.latest(db)


@st.cache_resource(show_spinner=False, max_entries=4)
def flagged_keys(db: str, version: float | None) -> frozenset[tuple[str, str, str]]:
    """(indicator, area_code, period) of every value the newest quality run flagged; one shared
    read-only set per run (not copied out of the cache on every page run as cache_data would)."""
    q = None if version is None else results.latest(db)
    if q is None:
        return frozenset()
    f = q["flags"].dropna(subset=["indicator"])
    return frozenset(zip(f["indicator"], f["area_code"], f["period"]))


@st.cache_data(show_spinner=False, max_entries=4)
def task_updates(db: str, version: tuple) -> pd.DataFrame:
    """Every status update of a plan task, oldest first."""
    with store.opened(db, read_only=True) as conn:
        return submissions.task_updates(conn)


def warm(db: str) -> None:
    """Compute what the first page of every reader reads (the page headers' counts, the province
    figures, the Overview's scorecard at its default month, the quality flags), so that the first
    reader after a start does not wait for it. Called once by `nq72 serve` (dashboard.server)."""
    if not os.path.exists(db):
        return
    version = data_version(db)
    summary(db, version)
    province_values_now = province_values(db, version)
    scorecard(db, version, default_month(province_values_now, len(geography.provinces())))
    flagged_keys(db, quality_version(db))
