"""Plan tasks: every deadline text parsed, overdue logic at its boundaries, updates through the
same gate as indicator files, and the Tasks page on a fixture of updates."""
import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from indicators.tasks import Deadline, classify, last_due, next_due, parse_deadline, plan_tasks
from pipelines import store
from pipelines.accounts import operator
from pipelines.ingest import check_upload
from tests.conftest import TODAY, csv_bytes, load
from tests.tables import page_tables

APP = str(Path(__file__).resolve().parent.parent / "dashboard" / "app.py")


@pytest.mark.parametrize("text,document,kind,date", [
    ("Thường xuyên", "CANTHO", "ongoing", None),
    ("Năm 2026", "CANTHO", "fixed", dt.date(2026, 12, 31)),
    ("Năm 2027", "CANTHO", "fixed", dt.date(2027, 12, 31)),
    ("2026", "MOST", "fixed", dt.date(2026, 12, 31)),
    ("Quý I/2026", "MOST", "fixed", dt.date(2026, 3, 31)),
    ("Tháng 6 năm 2026 và thường xuyên", "MOST", "fixed_then_ongoing", dt.date(2026, 6, 30)),
    ("2026, triển khai thường xuyên", "CANTHO", "fixed_then_ongoing", dt.date(2026, 12, 31)),
    ("Hằng năm", "CANTHO", "yearly", None),
    ("Hằng năm và từng giai đoạn", "CANTHO", "yearly", None),
    ("Hàng năm (khi được cơ quan có thẩm quyền đề nghị)", "VUSTA", "yearly", None),
    ("Lồng ghép vào chương trình, kế hoạch hàng năm", "VUSTA", "yearly", None),
    ("Đặt hàng, lồng ghép vào chương trình, kế hoạch hàng năm", "VUSTA", "yearly", None),
    ("Ngay sau khi Kế hoạch được ban hành", "VUSTA", "fixed", dt.date(2026, 5, 11)),
])
def test_deadline_texts(text, document, kind, date):
    assert parse_deadline(text, document) == Deadline(kind, date)


def test_every_task_of_the_three_plans_parses():
    tasks = plan_tasks()
    assert tasks.groupby("document").size().to_dict() == {"CANTHO": 37, "MOST": 20, "VUSTA": 15}
    assert tasks["task_id"].is_unique
    for text, document in zip(tasks["deadline_text"], tasks["document"]):
        parse_deadline(text, document)          # raises on any text it does not understand
    assert set(tasks["deadline_kind"]) == {"fixed", "ongoing", "yearly", "fixed_then_ongoing"}


def test_fixed_deadline_boundaries():
    d = Deadline("fixed", dt.date(2026, 3, 31))
    assert classify(d, "MOST", "II-8", None, None, dt.date(2026, 3, 31)) == "due_soon"
    assert classify(d, "MOST", "II-8", "in_progress", None, dt.date(2026, 4, 1)) == "overdue"
    assert classify(d, "MOST", "II-8", "done", None, dt.date(2026, 4, 1)) == "done"
    assert classify(d, "MOST", "II-8", None, None, dt.date(2026, 2, 28)) == "on_schedule"   # 31 days ahead
    assert classify(d, "MOST", "II-8", None, None, dt.date(2026, 3, 1)) == "due_soon"       # 30 days ahead


def test_ongoing_task_is_due_at_every_reporting_date():
    ongoing = Deadline("ongoing")
    # Cần Thơ reports before 15 June and before 15 December: by the 14th ("trước ngày" read strictly).
    assert next_due(ongoing, "CANTHO", "I-1", dt.date(2026, 6, 16)) == dt.date(2026, 12, 14)
    assert last_due(ongoing, "CANTHO", "I-1", dt.date(2026, 12, 16)) == dt.date(2026, 12, 14)
    updated_in_window = dt.date(2026, 6, 20)
    assert classify(ongoing, "CANTHO", "I-1", "in_progress", updated_in_window, dt.date(2026, 12, 14)) == "due_soon"
    assert classify(ongoing, "CANTHO", "I-1", "in_progress", updated_in_window, dt.date(2026, 12, 16)) != "overdue"
    assert classify(ongoing, "CANTHO", "I-1", "in_progress", dt.date(2026, 6, 10), dt.date(2026, 12, 16)) == "overdue"
    assert classify(ongoing, "CANTHO", "I-1", "done", None, dt.date(2026, 7, 1)) == "overdue"  # never done for good
    # MOST task I-4 is updated before the 23rd of every month: by the 22nd; from the 23rd the next month's.
    assert next_due(ongoing, "MOST", "I-4", dt.date(2026, 11, 22)) == dt.date(2026, 11, 22)
    assert next_due(ongoing, "MOST", "I-4", dt.date(2026, 11, 23)) == dt.date(2026, 12, 22)
    assert next_due(Deadline("fixed_then_ongoing", dt.date(2026, 6, 30)), "MOST", "III-19",
                    dt.date(2026, 5, 1)) == dt.date(2026, 6, 30)


UPDATES = [["ma_nhiem_vu", "ky", "trang_thai", "ghi_chu", "minh_chung"],
           ["CANTHO-I-1", "2026-10", "Đang thực hiện", "12 buổi truyền thông", "https://example.org/a"],
           ["MOST-II-8", "2026-03", "hoàn thành", "", ""]]


def test_updates_go_through_the_gate(tmp_path):
    rows, problems, _ = check_upload(csv_bytes(UPDATES), "t.csv", today=TODAY)
    assert problems == [] and list(rows["status"]) == ["in_progress", "done"]
    bad = [["task_id", "period", "status", "evidence_url"], ["XX-1", "2026-10", "done", ""],
           ["CANTHO-I-1", "2026-13", "maybe", "ftp://x"], ["CANTHO-I-1", "2027-01", "done", ""],
           ["MOST-II-8", "2026-03", "done", ""], ["MOST-II-8", "2026-03", "done", ""]]
    _, problems, _ = check_upload(csv_bytes(bad), "b.csv", today=TODAY)
    assert [(p.row, p.column) for p in problems] == [(2, "task_id"), (3, "period"), (3, "evidence_url"),
                                                      (3, "status"), (4, "period"), (6, "task_id")]
    with store.opened(tmp_path / "t.duckdb") as conn:
        assert load(conn, csv_bytes(bad), "b.csv", today=TODAY).status == "rejected"
        assert store.task_updates(conn).empty
        report = load(conn, csv_bytes(UPDATES), "t.csv", today=TODAY, actor=operator("Sở Y tế Cần Thơ"))
        assert report.status == "accepted" and report.rows == 2
        updates = store.task_updates(conn)
        assert updates["user_name"].tolist() == ["Sở Y tế Cần Thơ"] * 2
        assert load(conn, csv_bytes(UPDATES), "again.csv", today=TODAY).status == "unchanged"
        assert store.one(conn, "select count(*) from plan_tasks")[0] == 72


def test_tasks_page_with_a_fixture_of_updates(monkeypatch, tmp_path):
    path = tmp_path / "p.duckdb"
    monkeypatch.setenv("NQ72_DB", str(path))
    monkeypatch.setenv("NQ72_TODAY", "2026-11-22")
    with store.opened(path) as conn:
        load(conn, csv_bytes([["indicator", "area_code", "period", "value"],
                                      ["insurance_coverage", "66", "2026-10", "95.1"]]), "v.csv", today=TODAY)
        load(conn, csv_bytes(UPDATES), "t.csv", today=TODAY)
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page("app_pages/tasks.py").run()
    assert not at.exception, [e.message for e in at.exception]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Nhiệm vụ"] == "72" and metrics["✔ Đã hoàn thành"] == "1"
    calendar = page_tables(at)[0]
    monthly = calendar[calendar["Nội dung"].str.startswith("Số liệu chỉ tiêu tháng 2026-10")]
    assert "Hà Nội" in monthly["Chưa nộp / chưa báo cáo"].iloc[0] and "Đắk Lắk" not in monthly["Chưa nộp / chưa báo cáo"].iloc[0]
    group_one = next(t for t in page_tables(at) if "Nhiệm vụ" in t.columns and "Truyền thông" in str(t["Nhiệm vụ"].iloc[0]))
    first = group_one.iloc[0]
    assert first["Tình trạng"] == "Đang thực hiện" and first["Ghi chú"] == "12 buổi truyền thông"
    at.sidebar.checkbox[0].check().run()
    assert int(at.metric[0].value) == int(at.metric[1].value)        # only overdue tasks listed
