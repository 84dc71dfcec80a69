"""The monthly export in a real browser: files where they belong, not blank, PDFs with the
province name (with its diacritics) and a known value; failures reported, exit status set."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from pipelines import store
from tests.conftest import TODAY, csv_bytes, load

pytestmark = pytest.mark.browser
HEAD = ["indicator", "area_code", "period", "value"]


@pytest.fixture(scope="module")
def fixture_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("export") / "e.duckdb"
    rows = [HEAD, ["insurance_coverage", "66", "2026-05", "94.2"], ["insurance_coverage", "66", "2026-06", "95.7"],
            ["insurance_coverage", "01", "2026-06", "93.1"], ["life_expectancy", "66", "2024", "73.9"],
            ["life_expectancy", "66", "2025", "74.4"]]
    with store.opened(path) as conn:
        assert load(conn, csv_bytes(rows), "e.csv", today=TODAY).status == "accepted"
    return path


def run_export(db: Path, out: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipelines.cli", "export", "--db", str(db), "--out", str(out), *args],
                          capture_output=True, text=True, timeout=600)


def test_export_one_province(fixture_db, tmp_path):
    done = run_export(fixture_db, tmp_path, "--period", "2026-06", "--province", "66", "--pages", "overview,province,stations")
    assert done.returncode == 0, done.stdout + done.stderr
    folder = tmp_path / "2026-06" / "66-dak-lak"
    png = Image.open(folder / "province.png")
    assert png.size[0] == 1400 and png.size[1] >= 900
    pixels = np.asarray(png.convert("L"), dtype=float)
    assert pixels.std() > 10                                    # not a blank page
    assert (tmp_path / "2026-06" / "national" / "overview.png").exists()
    pdf = folder / "66-dak-lak.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    assert "Pages:           3" in info                          # cover, province, stations
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "Đắk Lắk" in text and "95,7 %" in text and "2026-06" in text
    # Safe to re-run: the same files again, nothing half-written left behind.
    again = run_export(fixture_db, tmp_path, "--period", "2026-06", "--province", "66", "--pages", "province", "--format", "png")
    assert again.returncode == 0
    assert not list(tmp_path.rglob(".*.tmp"))


def test_period_without_data_says_so(fixture_db, tmp_path):
    done = run_export(fixture_db, tmp_path, "--period", "2019-01", "--province", "66", "--pages", "province")
    assert done.returncode == 0, done.stderr
    text = subprocess.run(["pdftotext", str(tmp_path / "2019-01" / "66-dak-lak" / "66-dak-lak.pdf"), "-"],
                          capture_output=True, text=True).stdout
    assert "Không có số liệu cho kỳ 2019-01" in text


def test_a_failing_page_is_reported_and_the_rest_go_on(fixture_db, tmp_path, monkeypatch):
    from pipelines import export as exporter

    original = exporter._capture

    async def flaky(page, url, formats, timeout_ms=90_000):
        if "province=01" in url:
            raise RuntimeError("boom")
        return await original(page, url, formats, timeout_ms)
    monkeypatch.setattr(exporter, "_capture", flaky)
    result = exporter.export(fixture_db, "2026-06", ["01", "66"], ["province"], {"png"}, "vi", tmp_path)
    assert [(f, p) for f, p, _ in result.failures] == [("01-ha-noi", "province")]
    assert (tmp_path / "2026-06" / "66-dak-lak" / "province.png").exists()


def test_usage_errors(fixture_db, tmp_path):
    assert run_export(fixture_db, tmp_path, "--period", "2026").returncode == 2
    assert run_export(fixture_db, tmp_path, "--pages", "nope").returncode == 2
    assert run_export(fixture_db, tmp_path, "--format", "gif").returncode == 2
