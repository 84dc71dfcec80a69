"""A small CSV is read in `nq72 ingest`'s own process rather than in a reading worker (pipelines.sniff):
what that gives back is exactly what the worker gives back, for office files and broken ones alike;
workbooks and larger files still go to a worker, and the server (submit without small_here) always
sends every file to one."""
import os
import threading

import pandas as pd
import pytest
from click.testing import CliRunner

from pipelines import read_worker, sniff
from pipelines.cli import main
from pipelines.ingest import check_upload
from tests.conftest import HEADER, TODAY, csv_bytes, to_cp1258, xlsx_bytes

OFFICE = ("BÁO CÁO CHỈ TIÊU NGHỊ QUYẾT 72;;;;\r\nSở Y tế Đắk Lắk\r\n;;;;\r\n"
          "Chỉ tiêu;Mã ĐVHC;Kỳ báo cáo;Giá trị;Ghi chú\r\n"
          "insurance_coverage;66;10/2026;94,7;ước tính\r\n"
          "insurance_coverage;\u00a066\u00ad;2026-09;94,5;\r\n")
GOOD = [HEADER, ["immunization_coverage", "01", "2025-12", "97.2"], ["life_expectancy", "01", "2024", "76.1"]]

# Each small enough to be read here; good and bad, as offices and careless or hostile senders make them.
SMALL = {
    "office-cp1258.csv": to_cp1258(OFFICE),
    "office-utf8-bom.csv": b"\xef\xbb\xbf" + OFFICE.encode(),
    "office-utf16.csv": OFFICE.replace(";", "\t").encode("utf-16"),
    "plain.csv": csv_bytes(GOOD),
    "bad-values.csv": csv_bytes([HEADER, ["immunization_coverage", "01", "2025-11", "120"],
                                 ["immunization_coverage", "01", "2025-10", "abc"],
                                 ["nope", "99", "2025-13", "1"]]),
    "repeated-key.csv": csv_bytes([HEADER, *GOOD[1:], GOOD[1]]),
    "unknown-header.csv": b"what,is,this\r\n1,2,3\r\n",
    "quoted-line-break.csv": b'indicator,area_code,period,value,note\r\ninsurance_coverage,66,2026-10,94.7,"a\r\nb"\r\n',
    "nul-in-a-cell.csv": b"indicator,area_code,period,value,note\r\ninsurance_coverage,66,2026-10,94.7,a\x00b\r\n",
    "every-byte.csv": bytes(range(256)) * 200,
    "empty.csv": b"",
    "blank.csv": b"\r\n  \r\n\r\n",
    "header-only.csv": b"indicator,area_code,period,value\r\n",
    "tasks.csv": csv_bytes([["ma_nhiem_vu", "ky", "trang_thai", "ghi_chu", "minh_chung"],
                            ["CANTHO-I-1", "2026-10", "Đang thực hiện", "12 buổi truyền thông", "https://example.org/a"]]),
    "unknown-task.csv": csv_bytes([["task_id", "period", "status", "evidence_url"], ["XX-1", "2026-10", "done", ""]]),
}


@pytest.fixture
def worker_reads(monkeypatch) -> list[str]:
    """The names of the files read by a worker while the test runs."""
    names: list[str] = []
    run = read_worker.run

    def recording(fn, *args, **kw):
        names.append(args[1])
        return run(fn, *args, **kw)

    monkeypatch.setattr(read_worker, "run", recording)
    return names


@pytest.mark.parametrize("name", SMALL)
def test_a_small_csv_read_here_is_checked_exactly_as_a_worker_checks_it(name, worker_reads):
    content = SMALL[name]
    assert not sniff.needs_worker(content[:8], len(content))
    here = check_upload(content, name, today=TODAY, small_here=True)
    assert worker_reads == []
    there = check_upload(content, name, today=TODAY)
    assert worker_reads == [name]
    (rows_here, problems_here, total_here), (rows_there, problems_there, total_there) = here, there
    assert (problems_here, total_here) == (problems_there, total_there)
    assert (rows_here is None) == (rows_there is None)
    if rows_here is not None:
        pd.testing.assert_frame_equal(rows_here, rows_there)
        assert rows_here.attrs == rows_there.attrs
    assert name not in ("office-cp1258.csv", "plain.csv", "tasks.csv") or rows_here is not None
    assert name not in ("bad-values.csv", "every-byte.csv", "nul-in-a-cell.csv", "empty.csv", "unknown-task.csv",
                        "repeated-key.csv") or problems_here


def test_what_must_still_be_read_in_a_worker():
    small_csv = csv_bytes(GOOD)
    book = xlsx_bytes(GOOD)
    assert len(book) < sniff.SMALL_CSV_BYTES
    assert not sniff.needs_worker(small_csv[:8], len(small_csv))
    assert sniff.needs_worker(book[:8], len(book))  # a few kB of zip can unpack into gigabytes
    assert sniff.needs_worker(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 4096)  # XLS
    assert not sniff.needs_worker(b"indicato", sniff.SMALL_CSV_BYTES)
    assert sniff.needs_worker(b"indicato", sniff.SMALL_CSV_BYTES + 1)


def test_a_small_csv_that_would_pad_into_millions_of_cells_goes_to_a_worker(worker_reads):
    """64 KB: a 760-field header over 32,000 one-field lines, which a parser pads to 24 million
    cells (3 s and 300 MB). Read in a worker, bounded in time and memory, with the worker's answer."""
    wide = b"indicator,area_code,period,value" + b"," * 756 + b"\n" + b"x\n" * 32_000
    assert len(wide) <= sniff.SMALL_CSV_BYTES and not sniff.small_enough_here(wide)
    assert sniff.small_enough_here(SMALL["office-cp1258.csv"]) and sniff.small_enough_here(b"\n" * 65_536)
    here = check_upload(wide, "wide.csv", today=TODAY, small_here=True)
    assert worker_reads == ["wide.csv"] and here[0] is None
    assert here[1] == check_upload(wide, "wide.csv", today=TODAY)[1]


def test_a_small_workbook_and_a_larger_csv_go_to_a_worker_even_from_the_cli(worker_reads):
    book = xlsx_bytes(GOOD)
    rows, problems, _ = check_upload(book, "small.xlsx", today=TODAY, small_here=True)
    assert problems == [] and len(rows) == 2
    larger = csv_bytes([HEADER] + [["immunization_coverage", f"{10000 + i}", "2025-12", "97.2"]
                                   for i in range(2000)])
    assert len(larger) > sniff.SMALL_CSV_BYTES
    check_upload(larger, "larger.csv", today=TODAY, small_here=True)
    assert worker_reads == ["small.xlsx", "larger.csv"]


def test_nq72_ingest_of_small_csvs_starts_no_reading_worker(tmp_path, db_path, monkeypatch):
    def refuse(*args, **kw):
        raise AssertionError("a reading worker was used for a small CSV")

    monkeypatch.setattr(read_worker, "start_server", refuse)
    monkeypatch.setattr(read_worker, "run", refuse)
    good, office = tmp_path / "good.csv", tmp_path / "dak_lak_10_2026.csv"
    good.write_bytes(csv_bytes(GOOD))
    office.write_bytes(to_cp1258(OFFICE))
    r = CliRunner().invoke(main, ["ingest", str(good), str(office), "--db", str(db_path)], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    assert "good.csv: đã nạp 2 dòng" in r.output and "dak_lak_10_2026.csv: đã nạp 2 dòng" in r.output


def test_nq72_ingest_starts_the_reading_workers_for_a_workbook(tmp_path, db_path, monkeypatch, worker_reads):
    started: list[bool] = []
    start = read_worker.start_server
    monkeypatch.setattr(read_worker, "start_server", lambda: started.append(True) or start())
    book = tmp_path / "book.xlsx"
    book.write_bytes(xlsx_bytes(GOOD))
    r = CliRunner().invoke(main, ["ingest", str(book), "--db", str(db_path)], catch_exceptions=False)
    assert r.exit_code == 0 and "book.xlsx: đã nạp 2 dòng" in r.output
    assert started == [True] and worker_reads == ["book.xlsx"]


@pytest.mark.timeout(60)  # a pipe read twice waits for a writer that has gone
def test_nq72_ingest_reads_a_pipe_whole(tmp_path, db_path):
    """`nq72 ingest <(iconv ...)`: a pipe is neither sized nor sniffed beforehand (that would eat its
    first bytes), and is read once, whole."""
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    writer = threading.Thread(target=lambda: fifo.write_bytes(csv_bytes(GOOD)))
    writer.start()
    r = CliRunner().invoke(main, ["ingest", str(fifo), "--db", str(db_path)], catch_exceptions=False)
    writer.join(timeout=30)
    assert r.exit_code == 0 and "pipe.csv: đã nạp 2 dòng" in r.output, r.output
