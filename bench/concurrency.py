"""Measure: uploads per minute held while N reader processes query the database in a loop,
with every reader error and every lost submission counted; and SIGKILL rounds survived.

Run: .venv/bin/python bench/concurrency.py [--readers 4] [--uploads 30] [--kills 10]"""
from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

from pipelines import store  # noqa: E402

READER = """
import sys, time
from pipelines import store
db, stop = sys.argv[1], sys.argv[2]
reads = errors = 0
import os
while not os.path.exists(stop):
    try:
        with store.opened(db, read_only=True) as conn:
            store.one(conn, "select count(*), max(submission_id) from current_values")
        reads += 1
    except Exception as exc:
        errors += 1
print(reads, errors, flush=True)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--readers", type=int, default=4)
    parser.add_argument("--uploads", type=int, default=30)
    parser.add_argument("--kills", type=int, default=10)
    args = parser.parse_args()
    env = dict(os.environ, PYTHONPATH=str(ROOT), NQ72_QUALITY_AFTER_INGEST="0")
    with tempfile.TemporaryDirectory() as d:
        db, stop = Path(d) / "c.duckdb", Path(d) / "stop"
        store.connect(db).close()
        readers = [subprocess.Popen([sys.executable, "-c", READER, str(db), str(stop)], stdout=subprocess.PIPE,
                                    text=True, env=env) for _ in range(args.readers)]
        time.sleep(2)
        t0 = time.perf_counter()
        statuses = []
        for i in range(args.uploads):
            f = Path(d) / f"u{i}.csv"
            f.write_text("indicator,area_code,period,value\n" + "".join(
                f"immunization_coverage,{c},{2020 + i // 12}-{i % 12 + 1:02d},95.{i % 10}\n" for c in ("01", "66", "79")))
            done = subprocess.run([sys.executable, "-m", "pipelines.cli", "ingest", str(f), "--db", str(db), "--json"],
                                  capture_output=True, text=True, env=env)
            statuses.append(done.returncode)
        minutes = (time.perf_counter() - t0) / 60
        stop.touch()
        counts = [tuple(map(int, p.communicate()[0].split())) for p in readers]
        with store.opened(db, read_only=True) as conn:
            stored = store.one(conn, "select count(*) from submissions")[0]
        print(f"{'readers':>8}{'uploads':>9}{'per min':>9}{'failed':>8}{'stored':>8}{'reads':>9}{'read errors':>13}")
        print(f"{args.readers:>8}{args.uploads:>9}{args.uploads / minutes:>9.1f}{sum(s != 0 for s in statuses):>8}"
              f"{stored:>8}{sum(r for r, _ in counts):>9}{sum(e for _, e in counts):>13}")
        # SIGKILL rounds: an ingest killed at a random moment, then the database checked.
        big = Path(d) / "big.csv"
        big.write_text("indicator,area_code,period,value\n" + "".join(
            f"ehealth_book_coverage,{c:02d},{y}-{m:02d},{(y * m) % 90 + 5}.0\n"
            for c in (1, 4, 8, 11, 12, 14, 15, 19, 20, 22) for y in range(1990, 2026) for m in range(1, 13)))
        rng, survived, loaded = random.Random(1), 0, 0
        for _ in range(args.kills):
            with store.opened(db, read_only=True) as conn:
                before = store.one(conn, "select count(*) from current_values")[0]
            proc = subprocess.Popen([sys.executable, "-m", "pipelines.cli", "ingest", str(big), "--db", str(db)],
                                    env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(rng.uniform(0.3, 3.0))
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            with store.opened(db, read_only=True) as conn:
                after = store.one(conn, "select count(*) from current_values")[0]
            survived += after in (before, before + 4320)  # all of the file or none of it
            loaded += after != before
        print(f"SIGKILL rounds: {args.kills}, database opened and whole after every one: {survived}, "
              f"rounds in which the file had been loaded before the kill: {loaded}")


if __name__ == "__main__":
    main()
