"""`nq72 report`: the DOCX (python-docx) and the A4 PDF of Đắk Lắk and Cần Thơ on the demo, a small
database whose statuses are known, reporting periods, and the Report page (AppTest)."""
from __future__ import annotations

import datetime as dt
import re
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from dashboard import views
from data import geography
from indicators.catalogue import catalogue
from indicators.periods import as_of
from indicators.scorecard import scorecard
from indicators.tasks import plan_tasks, task_board
from pipelines import report, store
from pipelines.accounts import operator
from pipelines.cli import main
from pipelines.messages import t
from pipelines.store import submissions, values
from tests.conftest import TODAY, csv_bytes, load

APP = str(Path(__file__).resolve().parent.parent / "dashboard" / "app.py")
PERIOD = "2026-10"
A4 = {(595, 842), (842, 595)}    # points, portrait or landscape


@pytest.fixture(scope="module")
def reports(demo_db, tmp_path_factory):
    """`nq72 report` for Đắk Lắk (66) and Cần Thơ (92) on the demo, as a user runs it."""
    out = tmp_path_factory.mktemp("reports")
    files = {}
    for code in ("66", "92"):
        result = CliRunner().invoke(main, ["report", "--province", code, "--period", PERIOD, "--db", str(demo_db),
                                           "--out", str(out)], env={"NQ72_TODAY": TODAY.isoformat()})
        assert result.exit_code == 0, result.output
        folder = out / PERIOD
        files[code] = {ext: next(folder.glob(f"{code}-*.{ext}")) for ext in ("docx", "pdf")}
    return files


def paragraphs(doc) -> list[str]:
    return [p.text for p in doc.paragraphs if p.text.strip()]


def milestone_table(doc):
    return next(tb for tb in doc.tables if [c.text for c in tb.rows[0].cells][:2] == [t("indicator"), t("rp_latest")])


def expected_counts(db: Path, code: str) -> dict[str, int]:
    """Indicators per status against the next milestone, from the scorecard function itself."""
    with store.opened(db, read_only=True) as conn:
        frame = values.province_values(conn)
    card = scorecard(as_of(frame[frame["area_code"] == code], PERIOD), catalogue())
    counts = card["status"].value_counts().to_dict()
    counts["no_data"] = len(catalogue().indicators) - len(card)
    return counts


def test_docx_has_the_form_and_the_title(reports):
    doc = Document(str(reports["66"]["docx"]))
    head = [c.text for c in doc.tables[0].rows[0].cells]
    assert "UBND TỈNH ĐẮK LẮK\nSỞ Y TẾ" in head[0]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in head[1] and "Đắk Lắk, ngày 22 tháng 11 năm 2026" in head[1]
    text = paragraphs(doc)
    assert "BÁO CÁO" in text
    assert any(p.startswith("Kết quả thực hiện Nghị quyết số 72-NQ/TW") for p in text)
    assert "(Kỳ báo cáo: tháng 10/2026; số liệu đến tháng 10/2026)" in text
    assert t("rp_synthetic") in text                          # the demo is synthetic
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert headings[:3] == ["I. TÓM TẮT KẾT QUẢ", "II. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU", t("rp_h_table")]
    assert not any("NHIỆM VỤ" in h for h in headings)         # Đắk Lắk has no task list in nq72
    assert len(doc.inline_shapes) >= 10                        # a chart per indicator with figures


@pytest.mark.parametrize("code", ["66", "92"])
def test_summary_counts_match_the_scorecard(reports, demo_db, code):
    doc = Document(str(reports[code]["docx"]))
    summary = next(p for p in paragraphs(doc) if p.startswith("Tính đến số liệu tháng 10/2026"))
    counts = expected_counts(demo_db, code)
    assert sum(counts.values()) == len(catalogue().indicators)
    for status, n in counts.items():
        if n:
            assert t(f"rp_count_{status}", n=n) in summary, (status, n, summary)
    for status in report.KEY_STATUSES:
        if not counts.get(status):
            assert t(f"status_{status}").lower() in summary.split("Không có chỉ tiêu nào")[1]
    assert re.search(r"\d+,\d %", " ".join(paragraphs(doc)))   # numbers written the Vietnamese way


def test_one_row_per_indicator_with_every_milestone(reports):
    doc = Document(str(reports["66"]["docx"]))
    table = milestone_table(doc)
    header = [c.text for c in table.rows[0].cells]
    years = report.milestone_years(catalogue(), "66")
    assert {2026, 2027, 2030, 2045} <= set(years)
    assert "2045 (tầm nhìn)" in header
    rows = [[c.text for c in r.cells] for r in table.rows[1:]]
    assert [r[0] for r in rows] == [ind.name("vi") for ind in catalogue().indicators]
    for ind, row in zip(catalogue().indicators, rows):
        for target in ind.targets_for("66"):
            column = header.index("2045 (tầm nhìn)" if target.year == 2045 else str(target.year))
            assert views.target_text(target, ind, "vi") in row[column], (ind.code, target.year)
    life = rows[[i.code for i in catalogue().indicators].index("life_expectancy")]
    assert "Toàn quốc: > 80 năm" in life[header.index("2045 (tầm nhìn)")]
    section = next(s for s in doc.sections if s.orientation == 1)   # the wide table sits on landscape A4
    assert round(section.page_width.mm) == 297 and round(section.page_height.mm) == 210


def test_can_tho_has_its_plan_tasks(reports, demo_db):
    doc = Document(str(reports["92"]["docx"]))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert "IV. TÌNH HÌNH THỰC HIỆN NHIỆM VỤ CỦA KẾ HOẠCH" in headings
    with store.opened(demo_db, read_only=True) as conn:
        board = task_board(plan_tasks(), submissions.task_updates(conn), TODAY)
    cantho = board[board["document"] == "CANTHO"]
    assert len(cantho) == 37
    line = next(p for p in paragraphs(doc) if p.startswith("Kế hoạch 172/KH-UBND"))
    assert f"37 nhiệm vụ, trong đó {(cantho['state'] == 'overdue').sum()} quá hạn" in line
    assert f"{(cantho['state'] == 'due_soon').sum()} sắp đến hạn" in line
    tasks = next(tb for tb in doc.tables if tb.rows[0].cells[1].text == t("task"))
    assert len(tasks.rows) == 1 + 37


@pytest.mark.parametrize("code", ["66", "92"])
def test_pdf_is_a4_and_names_every_indicator(reports, code):
    pdf = reports[code]["pdf"]
    sizes = {(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in PdfReader(pdf).pages}
    assert sizes <= A4 and (842, 595) in sizes, sizes
    text = " ".join(subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())
    assert geography.province_name(code) in text and "BÁO CÁO" in text
    for n, ind in enumerate(catalogue().indicators, 1):
        assert f"{n}. {ind.name('vi')}" in text, ind.code
    assert "Trang 1/" in text and "DỮ LIỆU MINH HỌA" in text


@pytest.fixture(scope="module")
def small_db(tmp_path_factory):
    """Real (not synthetic) figures with known statuses: Đắk Lắk insurance 94.0 -> 95.5 (achieved
    > 95 in 2026), doctors 3.0 -> 3.3 (on track to 4 in 2027), two communes with 3 and 5 doctors."""
    path = tmp_path_factory.mktemp("small") / "small.duckdb"
    communes = geography.communes().query("province_code == '66'")["code"].tolist()[:2]
    rows = [["indicator", "area_code", "period", "value"],
            ["insurance_coverage", "66", "2025-12", "94.0"], ["insurance_coverage", "66", "2026-06", "95.5"],
            ["doctors_per_station", "66", "2025-Q4", "3.0"], ["doctors_per_station", "66", "2026-Q2", "3.3"],
            ["doctors_per_station", communes[0], "2026-Q2", "3"], ["doctors_per_station", communes[1], "2026-Q2", "5"]]
    with store.opened(path) as conn:
        assert load(conn, csv_bytes(rows), "small.csv", today=TODAY, actor=operator("test")).status == "accepted"
    return path


def test_small_database_summary_and_stations(small_db):
    period = report.parse_report_period("2026-H2")
    assert period is not None and period.code == "2026-H2" and period.kind == "year"
    data = report.load_data(small_db, report.parse_report_period("2026-07"))
    built = report.build_report(data, "66", report.parse_report_period("2026-07"), "vi", TODAY)
    others = len(catalogue().indicators) - 2
    assert built.counts["achieved"] == 1 and built.counts["on_track"] == 1 and built.counts["no_data"] == others
    doc = Document(__import__("io").BytesIO(report.docx_bytes(built)))
    text = paragraphs(doc)
    summary = next(p for p in text if p.startswith("Tính đến số liệu tháng 07/2026"))
    assert "có 1 chỉ tiêu đã đạt, 1 chỉ tiêu đúng tiến độ và" in summary and f"{others} chỉ tiêu chưa có số liệu" in summary
    assert t("rp_synthetic") not in text                      # real figures: no synthetic notice
    assert any("có 1/2 trạm y tế xã dưới 4 bác sĩ (50,0 %)" in p for p in text)
    appendix = doc.tables[-1] if doc.tables[-1].rows[0].cells[0].text == t("commune") else None
    assert appendix is not None and len(appendix.rows) == 2 and appendix.rows[1].cells[2].text == "3,0"
    paragraph = next(p for p in text if p.startswith("Tỷ lệ bao phủ bảo hiểm y tế của Đắk Lắk đạt 95,5 %"))
    assert "Đã đạt mốc 2026" in paragraph and "So với mốc 2030" in paragraph


def test_the_national_report_waits_for_most_provinces(tmp_path):
    """18 provinces sent June, Đắk Lắk alone July: the national report as of July states June's
    figure over the 18 (population-weighted) and says from how many, not Đắk Lắk's July as the
    country's; July is named as too thin."""
    path = tmp_path / "early.duckdb"
    june = {code: 90.0 + i / 4 for i, code in enumerate(geography.provinces()["code"].tolist()[:18])}
    rows = [["indicator", "area_code", "period", "value"], *[["insurance_coverage", c, "2026-06", str(v)] for c, v in june.items()],
            ["insurance_coverage", "66", "2026-07", "96.0"]]
    with store.opened(path) as conn:
        assert load(conn, csv_bytes(rows), "early.csv", today=TODAY, actor=operator("test")).status == "accepted"
    july = report.parse_report_period("2026-07")
    built = report.build_report(report.load_data(path, july), None, july, "vi", TODAY)
    text = paragraphs(Document(__import__("io").BytesIO(report.docx_bytes(built))))
    pop = geography.population()
    expected = sum(v * pop[c] for c, v in june.items()) / sum(pop[c] for c in june)
    said = next(p for p in text if p.startswith("Tỷ lệ bao phủ bảo hiểm y tế của Toàn quốc đạt"))
    assert said.startswith(f"Tỷ lệ bao phủ bảo hiểm y tế của Toàn quốc đạt {expected:.1f} % (kỳ 2026-06)".replace(".", ","))
    notes = text[text.index(said) + 1:text.index(said) + 3]
    assert notes == ["Tính trên 18/34 tỉnh, thành phố có số liệu kỳ 2026-06.",
                     "Kỳ 2026-07 mới có 1/34 tỉnh, thành phố gửi số liệu: chưa đủ để tính số toàn quốc."]


def test_reporting_periods():
    month = report.parse_report_period("2026-10")
    assert (month.kind, month.as_of, month.due) == ("month", "2026-10", dt.date(2026, 11, 23))
    half = report.parse_report_period("2026-H1")
    assert (half.kind, half.as_of, half.due) == ("half", "2026-05", dt.date(2026, 6, 15))
    year = report.parse_report_period("2026")
    assert (year.kind, year.as_of, year.due) == ("year", "2026-11", dt.date(2026, 12, 15))
    assert report.parse_report_period("2026-Q3") is None and report.parse_report_period("soon") is None
    assert report.default_period(dt.date(2026, 12, 1)).code == "2026-10"
    assert report.default_period(dt.date(2026, 12, 16)).code == "2026"
    assert report.default_period(dt.date(2026, 6, 20)).code == "2026-H1"
    assert report.period_label(half, "vi") == "6 tháng đầu năm 2026"


def test_cli_refuses_a_bad_period(small_db, tmp_path):
    result = CliRunner().invoke(main, ["report", "--province", "66", "--period", "2026-Q3", "--db", str(small_db),
                                       "--out", str(tmp_path)])
    assert result.exit_code == 2 and "YYYY-H1" in result.output


def test_report_page_offers_the_files_of_the_selection(monkeypatch, small_db):
    monkeypatch.setenv("NQ72_DB", str(small_db))
    monkeypatch.setenv("NQ72_TODAY", TODAY.isoformat())
    at = AppTest.from_file(APP, default_timeout=180)
    at.query_params["province"] = "66"
    at.query_params["period"] = "2026-07"
    at.run()
    at.switch_page("app_pages/report.py").run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.title[0].value == t("title_report") and not at.download_button
    at.button(key="report_make").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    names = [b.proto.label for b in at.download_button]
    assert names == [t("rp_download_docx"), t("rp_download_pdf")]
    at.selectbox(key="sel_province").set_value("92").run()
    assert not at.download_button                              # another province: the old files are gone


def test_sources_cite_the_province_plan_and_list_free_hospital_care(reports):
    """Issue 17 in the report: a target the province's plan restates cites that plan too, and the
    commitment with no indicator (free basic hospital care by 2030, Đắk Lắk II.1) is listed."""
    doc = Document(str(reports["66"]["docx"]))
    cells = [c.text for tb in doc.tables for row in tb.rows for c in row.cells]
    assert any("nhắc lại trong" in c and "Đắk Lắk" in c for c in cells)
    rows = [" | ".join(c.text for c in row.cells) for tb in doc.tables for row in tb.rows
            if any("miễn viện phí" in c.text for c in row.cells)]
    assert len(rows) == 1, rows                                   # one row: the resolution's, with Đắk Lắk's citation
    assert "Đắk Lắk" in rows[0] and "II.1" in rows[0] and "2030" in rows[0]
