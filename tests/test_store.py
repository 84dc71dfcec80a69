"""The store: all-or-nothing loads, idempotence, revision history, migrations."""
import duckdb
import pytest

from pipelines import store
from pipelines.accounts import operator
from pipelines.store import submissions
from tests.conftest import HEADER, csv_bytes, current

A = csv_bytes([HEADER, ["immunization_coverage", "01", "2025-12", "97.2"], ["life_expectancy", "01", "2024", "76.1"]])
B = csv_bytes([HEADER, ["immunization_coverage", "01", "2025-12", "96.0"], ["immunization_coverage", "01", "2025-11", "95.5"]])


def test_accept_then_unchanged(conn, ingest):
    first = ingest(A, "a.csv", actor=operator("lan"))
    assert (first.status, first.rows, first.submission_id) == ("accepted", 2, 1)
    again = ingest(A, "a-copy.csv")
    assert (again.status, again.submission_id) == ("unchanged", 1)
    assert conn.execute("select count(*) from submissions").fetchone()[0] == 1
    sub = conn.execute("select file_name, user_name, scope, rows, status, length(sha256) from submissions").fetchone()
    assert sub == ("a.csv", "lan", "national", 2, "accepted", 64)


def test_new_value_supersedes_and_history_is_kept(conn, ingest):
    ingest(A)
    ingest(B)
    assert current(conn) == [("immunization_coverage", "01", "2025-11", 95.5, None, None),
                             ("immunization_coverage", "01", "2025-12", 96.0, None, None),
                             ("life_expectancy", "01", "2024", 76.1, None, None)]
    history = conn.execute("select submission_id, value from indicator_values where period = '2025-12'"
                           " order by submission_id").fetchall()
    assert history == [(1, 97.2), (2, 96.0)]
    latest_sid = conn.execute("select submission_id from current_values where period = '2025-12'").fetchone()[0]
    assert latest_sid == 2


def test_rejected_file_changes_nothing(conn, ingest):
    ingest(A)
    before = current(conn), conn.execute("select count(*) from submissions").fetchone()
    bad = csv_bytes([HEADER, ["immunization_coverage", "01", "2025-10", "97"], ["immunization_coverage", "01", "2025-09", "120"]])
    assert ingest(bad).status == "rejected"
    assert (current(conn), conn.execute("select count(*) from submissions").fetchone()) == before


def test_failure_mid_load_rolls_back(conn, ingest, monkeypatch):
    ingest(A)
    before = (current(conn), conn.execute("select count(*) from indicator_values").fetchone(),
              conn.execute("select count(*) from submissions").fetchone())

    def boom():
        raise RuntimeError("disk on fire")
    monkeypatch.setattr(submissions, "before_latest_update", boom)
    with pytest.raises(RuntimeError):
        ingest(B)
    after = (current(conn), conn.execute("select count(*) from indicator_values").fetchone(),
             conn.execute("select count(*) from submissions").fetchone())
    assert after == before
    monkeypatch.undo()
    assert ingest(B).status == "accepted"   # and the same file then loads once


def test_dry_run_writes_nothing(conn, ingest):
    report = ingest(A, dry_run=True)
    assert (report.status, report.rows, report.submission_id, report.dry_run) == ("accepted", 2, None, True)
    assert current(conn) == []


def test_numerator_denominator_stored(conn, ingest):
    ingest(csv_bytes([HEADER + ["numerator", "denominator"],
                      ["commune_insured_visit_share", "66", "2025-12", "20", "200", "1000"]]))
    assert current(conn) == [("commune_insured_visit_share", "66", "2025-12", 20.0, 200.0, 1000.0)]


def test_reference_tables_for_analysts(conn):
    assert conn.execute("select count(*) from areas where level = 'province'").fetchone()[0] == 34
    assert conn.execute("select count(*) from areas where level = 'commune'").fetchone()[0] == 3321
    assert conn.execute("select name_vi from indicators where code = 'life_expectancy'").fetchone()[0] == "Tuổi thọ trung bình"


def test_migrates_a_version_1_database(tmp_path, ingest):
    path = tmp_path / "old.duckdb"
    old = duckdb.connect(str(path))
    for statement in store.MIGRATIONS[0]:
        old.execute(statement)
    old.execute("insert into schema_version values (1, current_timestamp)")
    old.execute("insert into submissions (file_name, sha256, user_name, received_at, scope, rows, status)"
                " values ('old.csv', 'abc', 'x', current_timestamp, 'national', 1, 'accepted')")
    old.execute("insert into indicator_values values (1, 2, 'life_expectancy', '01', '2023', 'year', 75.0, null, null, null)")
    old.close()
    with store.opened(path) as conn:
        assert store.schema_version(conn) == store.SCHEMA_VERSION
        assert current(conn) == [("life_expectancy", "01", "2023", 75.0, None, None)]
        assert store.is_synthetic(conn) is False


def test_newer_database_is_refused(tmp_path):
    path = tmp_path / "new.duckdb"
    with store.opened(path) as conn:
        conn.execute("insert into schema_version values (99, current_timestamp)")
    with pytest.raises(store.StoreError, match="newer"):
        store.connect(path)


def test_reader_needs_an_existing_database(tmp_path):
    with pytest.raises(store.StoreError, match="no database"):
        store.connect(tmp_path / "missing.duckdb", read_only=True)


def test_db_path_precedence(monkeypatch, tmp_path):
    monkeypatch.setenv("NQ72_DB", str(tmp_path / "env.duckdb"))
    assert store.db_path() == tmp_path / "env.duckdb"
    assert store.db_path(tmp_path / "flag.duckdb") == tmp_path / "flag.duckdb"
    monkeypatch.delenv("NQ72_DB")
    assert store.db_path().name == "nq72.duckdb" and store.db_path().parent.name == "data"
