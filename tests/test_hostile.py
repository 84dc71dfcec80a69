"""Hostile files (issue 11): each is refused with one clear reason, in bounded time and memory, by
submit (database unchanged, one 'rejected' audit line) and by `nq72 ingest` (exit 1, not 134).

The files are built here at run time. Each one is submitted in a process of its own, forked from a
harness process that has imported the pipeline once; the harness reports the submit's seconds and
the process's peak resident memory (wait4), and kills a process past 2 GiB or 60 s so that the code
before the fix (which aborts or allocates 13 GB) fails the test instead of the machine."""
from __future__ import annotations

import io
import json
import os
import random
import signal
import subprocess
import sys
import time
import traceback
import zipfile
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest

from pipelines.accounts import operator
from pipelines.ingest import check_upload
from pipelines.problems import UploadError
from pipelines.store import Store, audit, submissions
from pipelines.submit import submit
from tests.conftest import HEADER, TODAY, csv_bytes

ROOT = Path(__file__).resolve().parent.parent
KILL_MB, KILL_SECONDS = 2048, 60
LIMIT_MB, LIMIT_SECONDS = 1024, 10

_MAIN = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_PACKAGE = b"http://schemas.openxmlformats.org/package/2006/relationships"
_DOCUMENT = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _inline(ref: str, text: str) -> bytes:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'.encode()


TABLE = (b'<row r="1">' + b"".join(_inline(f"{c}1", h) for c, h in zip("ABCD", HEADER)) + b"</row>"
         b'<row r="2">' + _inline("A2", "insurance_coverage") + _inline("B2", "66") + _inline("C2", "2025-12")
         + b'<c r="D2"><v>94.7</v></c></row>')


def workbook(sheet_data: bytes = TABLE, *, shared: bytes | None = None, head: bytes = b"", prefix: bytes = b"",
             filler: int = 0) -> bytes:
    """A minimal XLSX with one sheet, 'Sheet1'. `prefix` ('x:') writes the sheet's elements with a
    namespace prefix; `filler` random bytes in a stored part let a very compressible part pass the
    zip-bomb ratio check, as an attacker would."""
    p = prefix
    sheet = (b'<?xml version="1.0" encoding="UTF-8"?><' + p + b"worksheet xmlns" + (b":" + p[:-1] if p else b"")
             + b'="' + _MAIN + b'">' + head + b"<" + p + b"sheetData>" + sheet_data + b"</" + p + b"sheetData></"
             + p + b"worksheet>")
    parts = {
        "[Content_Types].xml": b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org'
        b'/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        b'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
        b'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        b'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        b'spreadsheetml.worksheet+xml"/></Types>',
        "_rels/.rels": b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="' + _PACKAGE + b'"><Relationship '
        b'Id="rId1" Type="' + _DOCUMENT + b'/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": b'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="' + _MAIN + b'" xmlns:r="'
        + _DOCUMENT + b'"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="' + _PACKAGE
        + b'"><Relationship Id="rId1" Type="' + _DOCUMENT + b'/worksheet" Target="worksheets/sheet1.xml"/>'
        b'</Relationships>',
        "xl/worksheets/sheet1.xml": sheet,
    }
    if shared is not None:
        parts["xl/sharedStrings.xml"] = shared
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        for name, data in parts.items():
            z.writestr(name, data)
        if filler:
            z.writestr("xl/media/filler.bin", random.Random(72).randbytes(filler), compress_type=zipfile.ZIP_STORED)
    return buf.getvalue()


def stray_cell(ref: str, prefix: bytes = b"") -> bytes:
    """The table, and one cell holding 'x' at `ref`."""
    row = "".join(ch for ch in ref if ch.isdigit()).encode()
    data = TABLE + b'<row r="' + row + b'">' + _inline(ref, "x") + b"</row>"
    if prefix:
        data = data.replace(b"<row", b"<x:row").replace(b"</row", b"</x:row").replace(b"<c ", b"<x:c ").replace(
            b"</c>", b"</x:c>").replace(b"<is>", b"<x:is>").replace(b"</is>", b"</x:is>").replace(
            b"<t>", b"<x:t>").replace(b"</t>", b"</x:t>").replace(b"<v>", b"<x:v>").replace(b"</v>", b"</x:v>")
    return workbook(data, prefix=prefix)


def shared_strings(n: int) -> bytes:
    """A table of n shared strings (calamine keeps every one in memory), the first used by A2."""
    sst = b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="' + _MAIN + b'">' + b"<si><t>insurance_coverage</t></si>" * n
    return workbook(TABLE.replace(_inline("A2", "insurance_coverage"), b'<c r="A2" t="s"><v>0</v></c>'),
                    shared=sst + b"</sst>", filler=len(sst) // 190)


def nested(depth: int) -> bytes:
    """The table, then elements nested `depth` deep."""
    return workbook(TABLE + b'<row r="3">' + b"<x>" * depth + b"</x>" * depth + b"</row>", filler=depth * 7 // 190)


def entity_expansion() -> bytes:
    """'Billion laughs' in the shared strings: ten entities each ten times the one before."""
    dtd = b'<!ENTITY a "aaaaaaaaaa">' + b"".join(b'<!ENTITY %c "%s">' % (98 + i, b"&%c;" % (97 + i) * 10) for i in range(9))
    return workbook(TABLE, shared=b'<?xml version="1.0"?><!DOCTYPE sst [' + dtd + b']><sst xmlns="' + _MAIN
                    + b'"><si><t>&j;</t></si></sst>')


CSV_HEADER = b"indicator,area_code,period,value,note\r\n"


def after_64k(tail: bytes) -> bytes:
    """Three valid rows whose notes fill the first 64 KiB, then a row whose note ends in `tail`."""
    rows = b"".join(b"insurance_coverage,66,2025-%02d,95.5,%s\r\n" % (m, b"x" * 30_000) for m in (9, 10, 11))
    return CSV_HEADER + rows + b"insurance_coverage,66,2025-12,94.7,ghi chu " + tail + b"\r\n"


@dataclass(frozen=True)
class Hostile:
    build: object          # () -> bytes
    key: str               # the key of the first problem
    needle: str = ""       # in its English message
    row: int | None = None
    column: str | None = None


HOSTILE = {
    "far-corner.xlsx": Hostile(lambda: stray_cell("XFD1048576"), "read_sheet_range", "reaches cell XFD1048576"),
    "stray-mid-sheet.xlsx": Hostile(lambda: stray_cell("ZZ400000"), "read_sheet_range", "reaches cell ZZ400000"),
    "stray-last-row.xlsx": Hostile(lambda: stray_cell("AX1048576"), "read_sheet_range", "reaches cell AX1048576"),
    "prefixed-far-corner.xlsx": Hostile(lambda: stray_cell("XFD1048576", prefix=b"x:"), "read_sheet_range",
                                        "reaches cell XFD1048576"),
    "shared-strings.xlsx": Hostile(lambda: shared_strings(2_500_000), "read_shared_strings", "shared strings"),
    "deep-nesting.xlsx": Hostile(lambda: nested(9_000_000), "read_sheet_markup", "XML tags"),
    "entity-expansion.xlsx": Hostile(entity_expansion, "read_bad_excel", "damaged"),
    "every-byte.csv": Hostile(lambda: bytes(range(256)) * 1000, "read_binary", "binary"),
    "nul-after-64k.csv": Hostile(lambda: after_64k(b"\x00"), "read_control_char", "U+0000", 5, "note"),
    "escape-after-64k.csv": Hostile(lambda: after_64k(b"\x1b[31m"), "read_control_char", "U+001B", 5, "note"),
    "one-line-60mb.csv": Hostile(lambda: b"indicator" + b",x" * 30_000_000, "read_header_too_long", "header line"),
    "cell-60mb.csv": Hostile(lambda: CSV_HEADER + b"insurance_coverage,66,2025-12,94.7," + b"a" * 60_000_000 + b"\r\n",
                             "read_cell_too_long", "60000000 characters", 2, "note"),
    "blank-lines.csv": Hostile(lambda: CSV_HEADER + b"\r\n" * 30_000_000, "read_too_many_cells", "empty lines"),
    "empty-columns.csv": Hostile(lambda: b",".join(b"c%d" % i for i in range(50)) + b"\r\n" + (b"," * 49 + b"\r\n")
                                 * 1_200_000, "read_too_many_cells", "cells"),
}
GOOD = csv_bytes([HEADER, ["insurance_coverage", "66", "2025-10", "95.0"]])


# --- the harness: one forked process per file -------------------------------------------------------

def harness(db: str, folder: str, *names: str) -> None:
    """Run in a process of its own: submit each file in a child, write <name>.json with its report."""
    for name in names:
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                _submit_one(Path(db), Path(folder), name)
            except BaseException:
                traceback.print_exc()
                code = 1
            os._exit(code)
        watched = watch(pid)
        path = Path(folder) / f"{name}.json"
        report = json.loads(path.read_text()) if path.exists() else {}
        path.write_text(json.dumps({**report, **watched}))


def _submit_one(db: Path, folder: Path, name: str) -> None:
    peaks = _record_worker_peaks()
    content = (folder / name).read_bytes()
    before = _counts(db)
    started = time.perf_counter()
    report = submit(Store.at(db), content, name, operator("hostile"), today=TODAY)
    seconds = time.perf_counter() - started
    with Store.at(db).reading() as conn:
        log = audit.read(conn)
    (folder / f"{name}.json").write_text(json.dumps({
        "status": report.status, "seconds": seconds, "worker_peak_mb": max(peaks, default=None),
        "counts": [before, _counts(db)], "audit": list(log[log["subject"] == name]["outcome"]),
        "problems": [{"key": p.key, "row": p.row, "column": p.column, "vi": p.message_vi, "en": p.message_en}
                     for p in report.problems[:3]]}))


def _record_worker_peaks() -> list[float]:
    """The peak memory each reading worker reports (there are none before the fix)."""
    peaks: list[float] = []
    try:
        from pipelines import read_worker
    except ImportError:
        return peaks
    run = read_worker.run

    def recording(*args, **kw):
        reading = run(*args, **kw)
        if reading.peak_mb is not None:
            peaks.append(reading.peak_mb)
        return reading

    read_worker.run = recording
    return peaks


def watch(pid: int) -> dict:
    """Wait for a child, killing it past KILL_MB resident or KILL_SECONDS: its exit code, its peak
    resident memory (MiB, from wait4) and why it was killed."""
    started, killed = time.monotonic(), None
    while True:
        done, status, usage = os.wait4(pid, os.WNOHANG)
        if done:
            return {"exit": os.waitstatus_to_exitcode(status), "peak_mb": usage.ru_maxrss / 1024, "killed": killed}
        if killed is None:
            rss = _resident_mb(pid)
            if rss > KILL_MB or time.monotonic() - started > KILL_SECONDS:
                killed = f"at {rss:.0f} MiB after {time.monotonic() - started:.0f} s"
                os.kill(pid, signal.SIGKILL)
        time.sleep(0.02)


def _resident_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, IndexError):
        return 0.0


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    for name, hostile in HOSTILE.items():
        (folder / name).write_bytes(hostile.build())
    return folder


@pytest.fixture(scope="module")
def checked(files) -> dict[str, dict]:
    """Every hostile file submitted to a database holding one good submission: name -> outcome."""
    db = files / "hostile.duckdb"
    assert submit(Store.at(db), GOOD, "good.csv", operator("test"), today=TODAY).status == "accepted"
    subprocess.run([sys.executable, "-c", "import sys; from tests.test_hostile import harness; harness(*sys.argv[1:])",
                    str(db), str(files), *HOSTILE], cwd=ROOT, check=True, timeout=KILL_SECONDS * len(HOSTILE))
    return {name: json.loads((files / f"{name}.json").read_text()) for name in HOSTILE}


@pytest.fixture(scope="module")
def cli(files) -> dict:
    """`nq72 ingest --json` over every hostile file in one run (watched like the harness' children)."""
    out, err = files / "cli.json", files / "cli.err"
    with open(out, "wb") as stdout, open(err, "wb") as stderr:
        proc = subprocess.Popen([sys.executable, "-m", "pipelines.cli", "ingest", "--db", str(files / "cli.duckdb"),
                                 "--json", *[str(files / n) for n in HOSTILE]], cwd=ROOT, stdout=stdout, stderr=stderr)
        watched = watch(proc.pid)
        proc.returncode = watched["exit"]  # reaped by watch()
    text = out.read_text(encoding="utf-8")
    reports = {r["file"]: r for r in json.loads(text)["files"]} if text.strip() else {}
    return {**watched, "stderr": err.read_text(errors="replace")[-2000:], "files": reports}


def _counts(db: Path) -> list[int]:
    with Store.at(db).reading() as conn:
        return list(submissions.counts(conn))


# --- the tests -------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", HOSTILE)
def test_refused_with_one_clear_reason(checked, name):
    outcome, expected = checked[name], HOSTILE[name]
    assert outcome.get("killed") is None and outcome["exit"] == 0, outcome
    assert outcome["status"] == "rejected"
    first = outcome["problems"][0]
    assert first["key"] == expected.key, first
    assert expected.needle in first["en"]
    assert first["vi"] and first["en"] and first["vi"] != first["en"]
    assert (first["row"], first["column"]) == (expected.row, expected.column)


@pytest.mark.parametrize("name", HOSTILE)
def test_refused_in_bounded_time_and_memory(checked, name):
    outcome = checked[name]
    assert outcome.get("killed") is None and outcome["exit"] == 0, outcome
    assert outcome["seconds"] < LIMIT_SECONDS
    assert outcome["peak_mb"] < LIMIT_MB                       # the process that submitted
    assert (outcome["worker_peak_mb"] or 0) < LIMIT_MB         # the worker that read


@pytest.mark.parametrize("name", HOSTILE)
def test_the_database_is_unchanged_and_the_refusal_audited(checked, name):
    outcome = checked[name]
    assert outcome.get("killed") is None and outcome["exit"] == 0, outcome
    before, after = outcome["counts"]
    assert after == before  # no submission, no value added
    assert outcome["audit"] == ["rejected"]


@pytest.mark.parametrize("name", HOSTILE)
def test_nq72_ingest_exits_1_with_the_reason(cli, name):
    assert cli["killed"] is None and cli["exit"] == 1, {k: v for k, v in cli.items() if k != "files"}
    report = cli["files"][name]
    assert report["status"] == "rejected"
    assert HOSTILE[name].needle in report["errors"][0]["message_en"] and report["errors"][0]["message_vi"]


def test_the_far_corner_message_names_the_sheet_and_range_in_vietnamese(checked):
    vi = checked["far-corner.xlsx"]["problems"][0]["vi"]
    assert vi.startswith("Vùng dữ liệu của trang 'Sheet1' kéo đến ô XFD1048576 (vùng A1:XFD1048576)")


# --- what must still be read ----------------------------------------------------------------------

def _accepted(content: bytes, name: str):
    rows, problems, _ = check_upload(content, name, today=TODAY)
    assert problems == [], [p.message_en for p in problems]
    return rows


def test_a_sheet_whose_declared_dimension_lies_is_read():
    assert len(_accepted(workbook(head=b'<dimension ref="A1:XFD1048576"/>'), "f.xlsx")) == 1


def test_formatted_empty_cells_far_away_are_read():
    # Excel writes a formatted cell without a value as <c r=".." s=".."/>; calamine skips it.
    far = TABLE + b'<row r="1048576"><c r="XFD1048576" s="1"/></row>'
    assert len(_accepted(workbook(far), "f.xlsx")) == 1


def test_cells_without_references_are_placed_like_calamine_places_them():
    row = b'<row r="3">' + b"<c><v>1</v></c>" * 60 + b"</row>"  # 60 columns: refused for their number
    _, problems, _ = check_upload(workbook(TABLE + row), "f.xlsx", today=TODAY)
    assert [p.key for p in problems] == ["read_too_many_columns"]


def test_a_sheet_too_big_for_calamine_is_sent_to_csv():
    from pipelines import xlsx

    dense = xlsx.Extent(cells=1_200_000, rows=200_001, columns=6, used=set(range(1, 7)))
    with pytest.raises(UploadError) as refused:
        xlsx.judge(dense, "nq72", max_columns=50)
    assert refused.value.problems[0].key == "read_sheet_too_big"
    assert "A1:F200001" in refused.value.problems[0].message_en and "CSV" in refused.value.problems[0].message_vi


def test_the_fast_and_the_exact_measure_agree_on_a_real_workbook():
    from pipelines import xlsx

    wb = openpyxl.Workbook()
    for r in range(1, 400):
        wb.active.append([f"r{r}", r, None if r % 3 else "note", r * 1.5])
    wb.active["F900"] = "far"
    buf = io.BytesIO()
    wb.save(buf)
    with zipfile.ZipFile(buf) as z:
        with z.open("xl/worksheets/sheet1.xml") as xml:
            fast = xlsx._measure_fast(xml, "Sheet")
        with z.open("xl/worksheets/sheet1.xml") as xml:
            exact = xlsx._measure_exact(xml, "Sheet")
    assert fast == exact
    assert (fast.cells, fast.rows, fast.columns, fast.lowest, fast.rightmost) == (399 * 3 + 133 + 1, 900, 6, "F900", "F900")


# --- the worker's own bounds ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def big() -> bytes:
    """A 10 MB file of valid rows."""
    return csv_bytes([HEADER + ["note"]] + [["insurance_coverage", "66", "2025-12", "94.7", "x" * 200]] * 45_000)


def test_a_read_past_its_time_is_refused_cleanly(monkeypatch, big):
    monkeypatch.setenv("NQ72_READ_SECONDS", "0.001")
    _, problems, _ = check_upload(big, "big.csv", today=TODAY)
    assert [p.key for p in problems] == ["read_timeout"]
    assert "0.001 s" in problems[0].message_en and "0.001 giây" in problems[0].message_vi


def test_a_read_past_its_memory_is_refused_cleanly(monkeypatch, big):
    monkeypatch.setenv("NQ72_READ_MEMORY_MB", "64")
    _, problems, _ = check_upload(big, "big.csv", today=TODAY)
    assert [p.key for p in problems] == ["read_memory"]
    assert "64 MiB" in problems[0].message_en


def test_a_worker_that_dies_is_a_clean_refusal_and_a_bug_is_raised():
    from pipelines import read_worker

    died = read_worker.run(os.abort, seconds=5, memory_mb=1024)
    assert [p.key for p in died.problems] == ["read_memory"] and died.peak_mb is None
    with pytest.raises(RuntimeError, match="invalid literal"):
        read_worker.run(int, "not a number", seconds=5, memory_mb=1024)
