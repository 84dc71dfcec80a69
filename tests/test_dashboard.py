"""AppTest of every page against small databases with known numbers."""
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from pipelines import store
from pipelines.ingest import ingest_bytes
from tests.conftest import HEADER, TODAY, csv_bytes

APP = str(Path(__file__).resolve().parent.parent / "dashboard" / "app.py")


@pytest.fixture
def small_db(tmp_path):
    path = tmp_path / "small.duckdb"
    with store.opened(path) as conn:
        ingest_bytes(conn, csv_bytes([HEADER, ["insurance_coverage", "66", "2025-12", "94.7"],
                                      ["insurance_coverage", "01", "2025-12", "96.1"],
                                      ["life_expectancy", "66", "2024", "74.2"]]), "a.csv", today=TODAY)
        ingest_bytes(conn, csv_bytes([HEADER, ["insurance_coverage", "66", "2025-12", "95.0"]]), "b.csv", today=TODAY)
    return path


def app(monkeypatch, db, lang=None):
    monkeypatch.setenv("NQ72_DB", str(db))
    at = AppTest.from_file(APP, default_timeout=60)
    if lang:
        at.query_params["lang"] = lang
    return at.run()


def test_home_shows_known_numbers(monkeypatch, small_db):
    at = app(monkeypatch, small_db)
    assert not at.exception
    assert [m.value for m in at.metric][:3] == ["2 / 34", "3", "2"]
    assert not at.warning                      # real data: no synthetic banner
    table = at.dataframe[0].value
    assert "Tỷ lệ bao phủ bảo hiểm y tế" in set(table["Chỉ tiêu"])
    row = table[table["Chỉ tiêu"] == "Tỷ lệ bao phủ bảo hiểm y tế"].iloc[0]
    assert row["Mục tiêu quốc gia"] == "> 95 % (2026); ≥ 100 % (2030)"


def test_home_in_english(monkeypatch, small_db):
    at = app(monkeypatch, small_db, lang="en")
    assert at.title[0].value == "Resolution 72-NQ/TW targets"
    assert "Health insurance coverage" in set(at.dataframe[0].value["Indicator"])


def test_synthetic_banner_on_demo(monkeypatch, demo_db):
    at = app(monkeypatch, demo_db)
    assert any("DỮ LIỆU MINH HỌA" in w.value for w in at.warning)
    assert at.metric[0].value == "34 / 34"


def test_no_database_explains_what_to_do(monkeypatch, tmp_path):
    at = app(monkeypatch, tmp_path / "none.duckdb")
    assert not at.exception
    assert "make run" in at.info[0].value


def test_empty_database(monkeypatch, tmp_path):
    path = tmp_path / "empty.duckdb"
    store.connect(path).close()
    at = app(monkeypatch, path)
    assert not at.exception and "nq72 template" in at.info[0].value
