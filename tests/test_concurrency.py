"""Several writers and readers at once, and an ingest killed with SIGKILL at random moments:
nothing is lost, nothing is half-loaded, readers wait instead of failing."""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from pipelines import store
from pipelines.store import Store
from pipelines.submit import submit
from tests.conftest import HEADER, OPERATOR, csv_bytes

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parent.parent
MONTHS = [f"{y}-{m:02d}" for y in range(2022, 2026) for m in range(1, 13)]

WRITER = """
import sys, time
from pathlib import Path
from pipelines.accounts import operator
from pipelines.store import Store
from pipelines.submit import submit
db, me, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
for i in range(n):
    rows = "indicator,area_code,period,value\\n" + "".join(
        f"immunization_coverage,{code},{month},{90 + (me + i) % 9}.5\\n"
        for code in ("01", "66", "79") for month in ("2025-0%d" % (1 + i % 9),))
    content = f"# writer {me} file {i}\\n".encode()[:0] + rows.encode()
    # values wander by up to 8 points between months: jumps, accepted (this test is about locking)
    report = submit(Store.at(db), content, f"w{me}-{i}.csv", operator(f"writer{me}"), accept_warnings=True)
    print(report.status, flush=True)
"""

READER = """
import sys, time
from pipelines import store
db, seconds = sys.argv[1], float(sys.argv[2])
end, reads = time.monotonic() + seconds, 0
while time.monotonic() < end:
    with store.opened(db, read_only=True) as conn:
        store.one(conn, "select count(*) from current_values")
    reads += 1
print(reads, flush=True)
"""


def _env() -> dict:
    return dict(os.environ, PYTHONPATH=str(ROOT), NQ72_QUALITY_AFTER_INGEST="0", NQ72_LOCK_WAIT="60")


def test_writers_and_readers_at_once(tmp_path):
    db = tmp_path / "c.duckdb"
    store.connect(db).close()
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(db), str(k), "8"], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, env=_env()) for k in range(3)]
    readers = [subprocess.Popen([sys.executable, "-c", READER, str(db), "12"], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, env=_env()) for _ in range(2)]
    outs = [p.communicate(timeout=300) for p in writers + readers]
    for p, (_, err) in zip(writers + readers, outs):
        assert p.returncode == 0, err[-1500:]
    statuses = [line for out, _ in outs[:3] for line in out.split()]
    assert len(statuses) == 24 and set(statuses) <= {"accepted", "unchanged"}
    assert all(int(out.strip()) > 0 for out, _ in outs[3:])             # readers read, never failed
    with store.opened(db, read_only=True) as conn:
        subs = store.one(conn, "select count(*) from submissions")[0]
        values = store.one(conn, "select count(*) from indicator_values")[0]
    assert subs == statuses.count("accepted") and values == 3 * subs     # nothing lost


def _big_file(path: Path, rows: int = 150_000) -> None:
    import numpy as np

    from data import geography

    codes = geography.communes()["code"].to_numpy()
    lines = ["indicator,area_code,period,value"]
    rng = np.random.default_rng(1)
    for month in MONTHS:
        lines += [f"immunization_coverage,{c},{month},{v:.1f}" for c, v in zip(codes, rng.uniform(80, 99, len(codes)))]
        if len(lines) > rows:
            break
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _counts(db: Path) -> tuple[int, int]:
    with duckdb.connect(str(db), read_only=True) as conn:
        return (conn.execute("select count(*) from submissions").fetchall()[0][0],
                conn.execute("select count(*) from current_values").fetchall()[0][0])


def test_sigkill_during_ingest_never_half_loads(tmp_path):
    db = tmp_path / "k.duckdb"
    small = tmp_path / "small.csv"
    small.write_bytes(csv_bytes([HEADER, ["life_expectancy", "01", "2024", "76.1"]]))
    subprocess.run([sys.executable, "-m", "pipelines.cli", "ingest", str(small), "--db", str(db)], env=_env(), check=True,
                   capture_output=True)
    big = tmp_path / "big.csv"
    _big_file(big)
    before = _counts(db)
    rng = random.Random(7)
    outcomes = {"before": 0, "after": 0}
    for _ in range(8):
        proc = subprocess.Popen([sys.executable, "-m", "pipelines.cli", "ingest", str(big), "--db", str(db)],
                                env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.5, 4.0))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        subs, values = _counts(db)                                       # the database always opens
        assert (subs, values) in (before, (before[0] + 1, before[1] + big_rows(big)))
        outcomes["before" if (subs, values) == before else "after"] += 1
        if (subs, values) != before:
            break
    done = subprocess.run([sys.executable, "-m", "pipelines.cli", "ingest", str(big), "--db", str(db), "--json"],
                          env=_env(), capture_output=True, text=True)
    assert done.returncode == 0
    assert _counts(db) == (before[0] + 1, before[1] + big_rows(big))      # loaded exactly once


def big_rows(path: Path) -> int:
    with open(path, "rb") as f:
        return sum(1 for _ in f) - 1


def test_an_unwritable_location_gives_a_clear_message(tmp_path):
    f = tmp_path / "f.csv"
    f.write_bytes(csv_bytes([HEADER, ["life_expectancy", "01", "2024", "76.1"]]))
    done = subprocess.run([sys.executable, "-m", "pipelines.cli", "ingest", str(f), "--db", "/proc/nq72/x.duckdb"],
                          env=_env(), capture_output=True, text=True)
    assert done.returncode == 1 and "Traceback" not in done.stderr and "cannot open" in done.stderr


def test_threads_of_one_process_open_the_database_one_connect_at_a_time(tmp_path, monkeypatch):
    """DuckDB 2.0 could give a second thread a file's instance before its Python scans were registered
    ("Table Function with name pandas_scan does not exist", seen in CI once): connects are serialised."""
    import threading

    db = tmp_path / "t.duckdb"
    store.connect(db).close()
    real, inside, most, lock = duckdb.connect, [0], [0], threading.Lock()

    def slow_connect(*args, **kwargs):
        with lock:
            inside[0] += 1
            most[0] = max(most[0], inside[0])
        try:
            time.sleep(0.05)  # wide enough for the other threads to arrive
            return real(*args, **kwargs)
        finally:
            with lock:
                inside[0] -= 1

    monkeypatch.setattr(duckdb, "connect", slow_connect)

    def read():
        with store.opened(db, read_only=True) as conn:
            conn.register("frame", pd.DataFrame({"a": [1]}))
            assert store.one(conn, "select count(*) from frame")[0] == 1

    threads = [threading.Thread(target=read) for _ in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=60)
    assert most[0] == 1


def test_readers_and_a_writer_in_one_process(tmp_path):
    """The dashboard's case: sessions reading while the Upload page writes, in one process."""
    import threading

    db = tmp_path / "t.duckdb"
    store.connect(db).close()
    errors, reads = [], [0]
    stop = threading.Event()

    def reader():
        while not stop.is_set():
            try:
                with store.opened(db, read_only=True) as conn:
                    store.one(conn, "select count(*) from current_values")
                reads[0] += 1
            except Exception as exc:  # noqa: BLE001 - collected and asserted below
                errors.append(exc)

    threads = [threading.Thread(target=reader) for _ in range(4)]
    for th in threads:
        th.start()
    try:
        for i in range(10):
            content = csv_bytes([HEADER, ["immunization_coverage", "01", f"2025-{i + 1:02d}", "95.5"]])
            assert submit(Store.at(db), content, f"{i}.csv", OPERATOR).status == "accepted"
    finally:
        stop.set()
        for th in threads:
            th.join()
    assert errors == [] and reads[0] > 0
    with store.opened(db, read_only=True) as conn:
        assert store.one(conn, "select count(*) from current_values")[0] == 10


def test_disk_full_gives_a_clear_message_and_corrupts_nothing(tmp_path):
    """A full disk, simulated with a file-size limit on the ingest process (EFBIG on write)."""
    import resource

    db = tmp_path / "full.duckdb"
    small = tmp_path / "small.csv"
    small.write_bytes(csv_bytes([HEADER, ["life_expectancy", "01", "2024", "76.1"]]))
    subprocess.run([sys.executable, "-m", "pipelines.cli", "ingest", str(small), "--db", str(db)], env=_env(),
                   check=True, capture_output=True)
    before = _counts(db)
    big = tmp_path / "big.csv"
    _big_file(big, rows=300_000)
    limit = os.path.getsize(db) + 64 * 1024

    def cap():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    done = subprocess.run([sys.executable, "-m", "pipelines.cli", "ingest", str(big), "--db", str(db)], env=_env(),
                          capture_output=True, text=True, preexec_fn=cap, timeout=300)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr[-800:]
    assert "could not be written" in done.stderr
    assert _counts(db) == before                                      # opens, unchanged


def _province_file(path: Path, province: str, seed: int) -> None:
    """Every commune of a province x 24 months, with values that differ from seed to seed."""
    from data import geography

    codes = geography.communes().query("province_code == @province")["code"]
    rng = random.Random(seed)
    lines = ["indicator,area_code,period,value"] + [
        f"immunization_coverage,{c},{m},{rng.uniform(85, 99):.1f}" for m in MONTHS[:24] for c in codes]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_sigkill_never_leaves_a_submission_without_its_audit_line(tmp_path):
    from pipelines import accounts
    from pipelines.store import audit

    db = tmp_path / "a.duckdb"
    store.connect(db).close()
    accounts.add_user(db, "lan", "mat-khau-dai-1", "uploader", "66")

    def start(k: int) -> subprocess.Popen:
        f = tmp_path / f"dl-{k}.csv"
        _province_file(f, "66", k)
        return subprocess.Popen([sys.executable, "-m", "pipelines.cli", "ingest", str(f), "--db", str(db),
                                 "--user", "lan"], env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    t0 = time.monotonic()
    assert start(0).wait() == 0
    whole = time.monotonic() - t0                     # one ingest on this machine, start to end
    rng = random.Random(11)
    killed_at = []
    for k in range(1, 11):                             # kills spread over the whole life of a run
        proc = start(k)
        killed_at.append(round(rng.uniform(0.2, 1.1) * whole, 2))
        time.sleep(killed_at[-1])
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        with store.opened(db, read_only=True) as conn:                   # opens, whole, every time
            assert audit.submissions_without_audit(conn) == [], killed_at
    with store.opened(db, read_only=True) as conn:
        subs = store.one(conn, "select count(*) from submissions")[0]
        lines = store.one(conn, "select count(*) from audit_log where action = 'submission'"
                                " and outcome = 'accepted' and actor = 'lan'")[0]
    assert subs == lines                                                   # one line per submission
    assert 1 <= subs < 11, f"no kill landed before a run ended ({killed_at} s, a run takes {whole:.1f} s)"


def test_a_waiting_ingest_sleeps_and_names_the_program_holding_the_file(tmp_path):
    db = tmp_path / "w.duckdb"
    store.connect(db).close()
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]);"
                               " print('ready', flush=True); time.sleep(60)", str(db)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        waiter = ("import json, time, sys\n"
                  "from pipelines.accounts import operator\n"
                  "from pipelines.store import Store, StoreError\n"
                  "from pipelines.submit import submit\n"
                  "cpu, wall = time.process_time(), time.monotonic()\n"
                  "try:\n"
                  "    submit(Store.at(sys.argv[1]), b'indicator,area_code,period,value\\n', 'f.csv', operator())\n"
                  "except StoreError as exc:\n"
                  "    print(json.dumps({'cpu': time.process_time() - cpu, 'wall': time.monotonic() - wall,"
                  " 'message': str(exc)}))\n")
        done = subprocess.run([sys.executable, "-c", waiter, str(db)], capture_output=True, text=True,
                              env=dict(_env(), NQ72_LOCK_WAIT="4"), timeout=60)
        result = __import__("json").loads(done.stdout)
        assert result["wall"] >= 4 and result["cpu"] < 1.0, result
        assert f"in use by another program (PID {holder.pid})" in result["message"]
        f = tmp_path / "f.csv"
        f.write_bytes(csv_bytes([HEADER, ["life_expectancy", "01", "2024", "76.1"]]))
        cli = subprocess.run([sys.executable, "-m", "pipelines.cli", "ingest", str(f), "--db", str(db)],
                             capture_output=True, text=True, env=dict(_env(), NQ72_LOCK_WAIT="1"), timeout=60)
        assert cli.returncode == 1 and f"PID {holder.pid}" in cli.stderr and "Traceback" not in cli.stderr
    finally:
        holder.kill()
        holder.wait()
