"""The version the dashboard's caches are keyed on (queries.data_version): new figures change it,
writes that change no figure (the audit line of every log-in and export view) do not, so a log-in
does not make every reader's next page recompute everything."""
from __future__ import annotations

import datetime as dt
import time

from dashboard import queries
from pipelines import store
from pipelines.store import accounts, audit, submissions
from pipelines.submit import submit
from tests.conftest import HEADER, OPERATOR, TODAY, csv_bytes


def _upload(db, period: str, value: str) -> None:
    report = submit(store.Store.at(db), csv_bytes([HEADER, ["immunization_coverage", "01", period, value]]),
                    f"{period}.csv", OPERATOR, today=TODAY, start_quality=False)
    assert report.status == "accepted", report.problems


def test_new_figures_change_the_version_and_other_writes_do_not(tmp_path):
    db = tmp_path / "nq72.duckdb"
    _upload(db, "2025-11", "96.8")
    first = queries.data_version(str(db))
    with store.opened(db) as conn:                      # a log-in, an export view, an account
        audit.record(conn, "lan", "login", "ok", subject="127.0.0.1")
        audit.record(conn, "export", "export_view", "ok", sha256="0" * 64)
        accounts.insert(conn, "minh", "x" * 60, "viewer", None)
    assert queries.data_version(str(db)) == first
    _upload(db, "2025-12", "97.2")
    second = queries.data_version(str(db))
    assert second != first and second[0] == first[0] + 1


def test_a_database_put_in_the_place_of_another_is_a_new_version(tmp_path, monkeypatch):
    """Same number of submissions received at the same moment, another file in the same place (a
    rebuilt demo, a restored copy; deleted and made again, it often gets the same inode): not the
    same figures."""
    db = tmp_path / "nq72.duckdb"
    monkeypatch.setattr(submissions, "utc_now", lambda: dt.datetime(2026, 11, 22, 8, 0))
    _upload(db, "2025-11", "96.8")
    before = queries.data_version(str(db))
    for path in tmp_path.glob("nq72.duckdb*"):          # deleted, then built again in its place
        path.unlink()
    time.sleep(0.01)
    _upload(db, "2025-11", "50.0")
    after = queries.data_version(str(db))
    assert after[:2] == before[:2] and after != before
