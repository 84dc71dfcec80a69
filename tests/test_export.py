"""The monthly export in a real browser: files where they belong, not blank, A4 PDFs in the
dashboard's print mode (no chrome, tables whole) with the province name (with its diacritics) and a
known value; a page unfit to file (error box, empty chart, log-in form) fails the export and stays
out of the PDF."""
from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import Image
from pypdf import PdfReader

from data import geography
from indicators.catalogue import catalogue
from pipelines import store
from pipelines.messages import t
from pipelines.quality import results as quality_results
from tests.conftest import TODAY, csv_bytes, load

pytestmark = pytest.mark.browser
HEAD = ["indicator", "area_code", "period", "value"]
A4 = (595.3, 841.9)                    # points, portrait (Chromium writes 595.92 x 842.88); either way round
# What a reader of an exported page must never see: the app's chrome.
CHROME = [t("auth_off", "vi"), "NQ72_AUTH", t("export", "vi"), "Xuất ảnh", t("download_csv", "vi"), "⬇",
          "Ngôn ngữ / Language", "Tiếng Việt", t("page_admin", "vi"), t("sort_by", "vi")]


def _communes_below(n: int) -> pd.DataFrame:
    communes = geography.communes()
    return communes[communes["province_code"] == "66"].head(n)


@pytest.fixture(scope="module")
def fixture_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("export") / "e.duckdb"
    rows = [HEAD, ["insurance_coverage", "66", "2026-05", "94.2"], ["insurance_coverage", "66", "2026-06", "95.7"],
            ["insurance_coverage", "01", "2026-06", "93.1"], ["life_expectancy", "66", "2024", "73.9"],
            ["life_expectancy", "66", "2025", "74.4"]]
    # Commune stations as a province office sends them: Windows-1258, ';' and decimal commas;
    # 12 below 4 doctors (a scroll box showed 10), 3 above.
    communes = _communes_below(15)
    doctors = ["2,0", "3,0", "3,5"] * 4 + ["4,0", "5,0", "6,0"]
    stations = [HEAD] + [["doctors_per_station", c, "2026-Q2", d] for c, d in zip(communes["code"], doctors)]
    with store.opened(path) as conn:
        assert load(conn, csv_bytes(rows), "e.csv", today=TODAY).status == "accepted"
        assert load(conn, csv_bytes(stations, delimiter=";", encoding="cp1258"), "tram.csv", today=TODAY).status == "accepted"
    return path


def run_export(db: Path, out: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipelines.cli", "export", "--db", str(db), "--out", str(out), *args],
                          capture_output=True, text=True, timeout=900)


def pdf_text(pdf: Path, layout: bool = False) -> str:
    return subprocess.run(["pdftotext", *(["-layout"] if layout else []), str(pdf), "-"],
                          capture_output=True, text=True).stdout


def words(text: str) -> str:
    """Text with every run of white space as one space (a cell may wrap inside a table)."""
    return " ".join(text.split())


def assert_a4(pdf: Path) -> int:
    pages = PdfReader(pdf).pages
    for n, page in enumerate(pages, 1):
        size = sorted((float(page.mediabox.width), float(page.mediabox.height)))
        assert abs(size[0] - A4[0]) < 2 and abs(size[1] - A4[1]) < 2, f"{pdf.name} page {n} is {size} pt, not A4"
    return len(pages)


def test_export_one_province(fixture_db, tmp_path):
    done = run_export(fixture_db, tmp_path, "--period", "2026-06", "--province", "66", "--pages", "overview,province,stations")
    assert done.returncode == 0, done.stdout + done.stderr
    folder = tmp_path / "2026-06" / "66-dak-lak"
    png = Image.open(folder / "province.png")
    assert png.size[0] < 1000 and png.size[1] >= 900               # the print page: as wide as an A4 sheet's text
    pixels = np.asarray(png.convert("L"), dtype=float)
    assert pixels.std() > 10                                    # not a blank page
    assert (tmp_path / "2026-06" / "national" / "overview.png").exists()
    pdf = folder / "66-dak-lak.pdf"
    assert assert_a4(pdf) >= 3                                   # cover, province, stations
    text = pdf_text(pdf)
    assert "Đắk Lắk" in text and "95,7 %" in text and "2026-06" in text
    assert "Trang 1/" in text and "Ngày xuất" in text             # header and footer on every page
    # Safe to re-run: the same files again, nothing half-written left behind.
    again = run_export(fixture_db, tmp_path, "--period", "2026-06", "--province", "66", "--pages", "province", "--format", "png")
    assert again.returncode == 0
    assert not list(tmp_path.rglob(".*.tmp"))


def test_the_stations_list_is_whole_with_its_header_on_every_sheet(fixture_db, tmp_path):
    done = run_export(fixture_db, tmp_path, "--period", "2026-06", "--province", "66", "--pages", "stations", "--format", "pdf")
    assert done.returncode == 0, done.stdout + done.stderr
    text = words(pdf_text(tmp_path / "2026-06" / "66-dak-lak" / "66-dak-lak.pdf"))
    below = _communes_below(12)
    assert "12 trạm dưới 4 bác sĩ" in text
    assert all(name in text for name in below["name"]), [n for n in below["name"] if n not in text]
    assert "3,5" in text and "3.5" not in text                    # numbers as a Vietnamese reader writes them
    assert not [c for c in CHROME if c in text]


def test_one_tab_moves_from_view_to_view_and_each_file_shows_its_own(fixture_db, tmp_path, monkeypatch):
    """One tab moved within the loaded app (no reload) from province to province and page to page:
    each province's PDF holds its own name and figures, none of the view drawn before it."""
    from pipelines import export as exporter

    moves, original = [], exporter._open

    async def spy(page, url, timeout_ms, afresh=None):
        moves.append(await original(page, url, timeout_ms, afresh))
        return moves[-1]
    monkeypatch.setattr(exporter, "_open", spy)
    # Page after page (province, stations, province, ...), then province after province on one page.
    for pages, out in ((["province", "stations"], tmp_path / "a"), (["province"], tmp_path / "b")):
        moves.clear()
        result = exporter.export(fixture_db, "2026-06", ["66", "01"], pages, {"pdf"}, "vi", out, concurrency=1)
        # Moved within the app after the first load; a move that does not start within MOVE_MS (seen
        # about once in five full suites under load, cause unknown: the exporter says so) loads afresh.
        assert not result.failures and len(moves) == 2 * len(pages) and moves[0] is False
        assert moves[1:].count(False) <= 1
        dak_lak = words(pdf_text(out / "2026-06" / "66-dak-lak" / "66-dak-lak.pdf"))
        ha_noi = words(pdf_text(out / "2026-06" / "01-ha-noi" / "01-ha-noi.pdf"))
        assert "95,7 %" in dak_lak and "93,1 %" not in dak_lak and "Đắk Lắk" in dak_lak
        assert "93,1 %" in ha_noi and "95,7 %" not in ha_noi and "Đắk Lắk" not in ha_noi and "Hà Nội" in ha_noi
        if "stations" in pages:
            assert "12 trạm dưới 4 bác sĩ" in dak_lak and "12 trạm dưới 4 bác sĩ" not in ha_noi


def test_a_move_that_starts_late_is_loaded_afresh_with_a_token_of_its_own(fixture_db, tmp_path, monkeypatch):
    """Every move is given up at once (MOVE_MS 1 ms), so each starts after the exporter has gone on
    to load the page afresh: that late start uses up the move's one-use export token, and the fresh
    load, with the same token, would be drawn without print mode and refused."""
    from pipelines import export as exporter

    monkeypatch.setattr(exporter, "MOVE_MS", 1)
    result = exporter.export(fixture_db, "2026-06", ["66", "01"], ["province", "stations"], {"pdf"}, "vi",
                             tmp_path, concurrency=1)
    assert not result.failures, result.failures
    dak_lak = words(pdf_text(tmp_path / "2026-06" / "66-dak-lak" / "66-dak-lak.pdf"))
    ha_noi = words(pdf_text(tmp_path / "2026-06" / "01-ha-noi" / "01-ha-noi.pdf"))
    assert "12 trạm dưới 4 bác sĩ" in dak_lak and "Hà Nội" in ha_noi and "Đắk Lắk" not in ha_noi


def test_a_view_moved_to_without_its_own_token_is_not_printed(fixture_db):
    """A session an export token opened prints that page only: moved to another page without a
    token of its own, it draws without print mode, and the export refuses it."""
    import asyncio

    from playwright.async_api import async_playwright

    from pipelines import export as exporter
    from pipelines.settings import settings

    async def run() -> None:
        proc, url = exporter.start_server(fixture_db)
        try:
            async with async_playwright() as p:
                browser = await p.chromium.launch(executable_path=settings().chromium, args=exporter.CHROMIUM_ARGS)
                tab = await exporter._new_tab(await browser.new_context())
                first = exporter.page_url(url, "province", "2026-06", "vi", "66")
                assert await exporter._capture(tab, exporter.with_token(first, fixture_db), {"png"})
                with pytest.raises(exporter.FailedPage, match="without print mode"):
                    await exporter._capture(tab, exporter.page_url(url, "stations", "2026-06", "vi", "66"), {"png"})
                await browser.close()
        finally:
            proc.terminate()
    asyncio.run(run())


def test_period_without_data_says_so(fixture_db, tmp_path):
    done = run_export(fixture_db, tmp_path, "--period", "2019-01", "--province", "66", "--pages", "province")
    assert done.returncode == 0, done.stderr
    text = pdf_text(tmp_path / "2019-01" / "66-dak-lak" / "66-dak-lak.pdf")
    assert "Không có số liệu cho kỳ 2019-01" in text


def test_a_crashed_page_fails_the_export_and_stays_out_of_the_pdf(fixture_db, tmp_path):
    """Quality results from a newer nq72 (a check this version has no words for) make the Data
    quality page crash; the export says so, exits 1 and files the other pages only."""
    db = tmp_path / "crash.duckdb"
    shutil.copy(fixture_db, db)
    now = dt.datetime(2026, 11, 22, 8)
    run = quality_results.RunRecord(now, now, "test", "all", None, 1, 5, True, 0.1, 0.1, 0.0, None)
    flags = pd.DataFrame([{"check_name": "check_from_the_future", "indicator": "insurance_coverage", "area_code": "66",
                           "period": "2026-06", "value": 95.7, "measure": 9.0, "message_vi": "?", "message_en": "?"}])
    reporting = pd.DataFrame([{"province_code": "66", "period": "2026-06", "granularity": "month", "expected": 1,
                               "received": 1, "on_time": 1, "completeness": 1.0, "timeliness": 1.0,
                               "deadline": dt.date(2026, 7, 23)}])
    scores = pd.DataFrame([{"province_code": "66", "completeness": 1.0, "timeliness": 1.0, "flagged_share": 1.0,
                            "flags": 1, "score": 90.0}])
    quality_results.save_run(db, run, flags, reporting, scores)
    done = run_export(db, tmp_path / "out", "--period", "2026-06", "--province", "66", "--pages", "overview,quality",
                      "--format", "png,pdf")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "1 failed" in done.stdout and "national/quality" in done.stderr and "error box" in done.stderr
    national = tmp_path / "out" / "2026-06" / "national"
    assert not (national / "quality.png").exists() and (national / "overview.png").exists()
    text = pdf_text(national / "national.pdf")
    assert t("title_overview", "vi") in text and t("scores", "vi") not in text
    assert f"{t('page_overview', 'vi')}: " in text and f"{t('page_quality', 'vi')}: " not in text   # the cover's contents


def test_a_failing_page_is_reported_and_the_rest_go_on(fixture_db, tmp_path, monkeypatch):
    from pipelines import export as exporter

    original = exporter._capture

    async def flaky(page, url, formats, timeout_ms=90_000, **kw):
        if "province=01" in url:
            raise RuntimeError("boom")
        return await original(page, url, formats, timeout_ms, **kw)
    monkeypatch.setattr(exporter, "_capture", flaky)
    result = exporter.export(fixture_db, "2026-06", ["01", "66"], ["province"], {"png"}, "vi", tmp_path)
    assert [(f, p) for f, p, _ in result.failures] == [("01-ha-noi", "province")]
    assert (tmp_path / "2026-06" / "66-dak-lak" / "province.png").exists()


def test_usage_errors(fixture_db, tmp_path):
    assert run_export(fixture_db, tmp_path, "--period", "2026").returncode == 2
    assert run_export(fixture_db, tmp_path, "--pages", "nope").returncode == 2
    assert run_export(fixture_db, tmp_path, "--format", "gif").returncode == 2


def test_a_province_pdf_on_the_demo_is_a4_whole_and_without_chrome(demo_db, tmp_path):
    """The full demo, as a province office files it: every sheet A4, the province and every
    indicator of the catalogue named, the whole scorecard (14 indicators x 34 provinces, in two
    tables of 7 on a portrait sheet), and none of the app's chrome."""
    db = tmp_path / "demo.duckdb"
    shutil.copy(demo_db, db)
    shutil.copy(quality_results.results_path(demo_db), quality_results.results_path(db))
    done = run_export(db, tmp_path / "out", "--period", "2026-10", "--province", "66", "--pages", "overview,province,stations",
                      "--format", "pdf")
    assert done.returncode == 0, done.stdout + done.stderr
    province = tmp_path / "out" / "2026-10" / "66-dak-lak" / "66-dak-lak.pdf"
    national = tmp_path / "out" / "2026-10" / "national" / "national.pdf"
    assert assert_a4(province) > 3 and assert_a4(national) > 2
    text, overview = words(pdf_text(province)), pdf_text(national, layout=True)
    assert "Đắk Lắk" in text and "DỮ LIỆU MINH HỌA" in text
    cat = catalogue()
    assert not [i.name("vi") for i in cat.indicators if words(i.name("vi")) not in text]
    assert not [c for c in CHROME if c in text or c in overview]
    # The scorecard: every indicator's column, and each province on one line of each half.
    assert not [i.short("vi") for i in cat.indicators if words(i.short("vi")) not in words(overview)]
    starts = [line.strip() for line in overview.splitlines()]
    names = geography.provinces()["name"]
    rows = {name: sum(bool(re.match(rf"{re.escape(name)}\s+[\d–]", s)) for s in starts) for name in names}
    assert all(n >= 2 for n in rows.values()), {k: n for k, n in rows.items() if n < 2}
