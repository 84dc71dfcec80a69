"""Damaged files degrade only their own feature: a damaged quality-results file hides the quality
flags (with a translated message), a damaged main database is reported as damaged everywhere."""
import os
import shutil
import subprocess
import sys

import pytest

from pipelines.quality.results import results_path
from tests.conftest import HEADER, csv_bytes
from tests.test_dashboard import run_page


@pytest.fixture
def damaged_quality(demo_db, tmp_path):
    db = tmp_path / "d.duckdb"
    shutil.copy(demo_db, db)
    results_path(db).write_bytes(os.urandom(200_000))
    return db


@pytest.mark.parametrize("page,params", [("overview", {}), ("province", {"province": "66", "charts": "1"}), ("quality", {})])
def test_a_damaged_quality_file_costs_only_the_flags(monkeypatch, damaged_quality, page, params):
    at = run_page(monkeypatch, damaged_quality, page, **params)
    assert any("Không đọc được kết quả kiểm tra chất lượng" in w.value for w in at.warning)
    assert not at.error
    if page != "quality":
        drawn = at.get("plotly_chart") if page == "province" else [h for h in at.get("html") if "class='nq72-figure'" in h.value]
        assert drawn                                                         # the figures are still there


@pytest.fixture
def damaged_db(tmp_path):
    db = tmp_path / "broken.duckdb"
    db.write_bytes(b"not a database " * 10_000)
    return db


@pytest.mark.parametrize("page", ["overview", "province", "upload", "tasks"])
def test_a_damaged_database_is_reported_on_the_pages(monkeypatch, damaged_db, page):
    at = run_page(monkeypatch, damaged_db, page)
    assert any("Không đọc được cơ sở dữ liệu" in e.value and "damaged" in e.value for e in at.error), \
        [e.value for e in at.error]


def test_a_damaged_database_is_reported_by_the_cli(damaged_db, tmp_path):
    f = tmp_path / "f.csv"
    f.write_bytes(csv_bytes([HEADER, ["life_expectancy", "01", "2024", "76.1"]]))
    done = subprocess.run([sys.executable, "-m", "pipelines.cli", "ingest", str(f), "--db", str(damaged_db)],
                          capture_output=True, text=True, env=dict(os.environ, NQ72_QUALITY_AFTER_INGEST="0"))
    assert done.returncode == 1 and "is damaged" in done.stderr and "Traceback" not in done.stderr
    assert "could not be written" not in done.stderr


def test_a_log_in_on_a_damaged_database_says_what_failed(monkeypatch, damaged_db):
    from streamlit.testing.v1 import AppTest

    from tests.test_dashboard import APP

    monkeypatch.delenv("NQ72_AUTH", raising=False)
    monkeypatch.setenv("NQ72_DB", str(damaged_db))
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.text_input[0].input("lan")
    at.text_input[1].input("mat-khau-dai-1")
    at.button[0].click().run()
    assert not at.exception
    assert any("không đọc được cơ sở dữ liệu" in e.value and "damaged" in e.value for e in at.error), \
        [e.value for e in at.error]
    assert not any("Sai tên đăng nhập" in e.value for e in at.error)
