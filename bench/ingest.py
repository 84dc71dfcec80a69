"""Benchmark: validate + load of (a) one national commune-level month, (b) the same month in the wide
layout (one row per commune, one column per indicator) and (c) a 1,000,000-row file, against DuckDB's
own read_csv of the same file into a database file, in the same run; the cost per value of each.

Run: .venv/bin/python bench/ingest.py [--repeat 3]   (or `make bench`). Prints a table of medians."""
from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import statistics
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from data import geography  # noqa: E402
from indicators.catalogue import catalogue  # noqa: E402
from pipelines import store  # noqa: E402
from pipelines.accounts import operator  # noqa: E402
from pipelines.ingest import STORED_COLUMNS  # noqa: E402
from pipelines.normalise import normalise  # noqa: E402
from pipelines.read import read_upload  # noqa: E402
from pipelines.schema import Context, check  # noqa: E402
from pipelines.store import Store, submissions  # noqa: E402
from pipelines.submit import submit  # noqa: E402

TODAY = dt.date(2026, 11, 22)


def commune_file(months: list[str], seed: int = 1) -> bytes:
    """Every commune x every monthly commune-level indicator x the given months, with num/den."""
    rng = np.random.default_rng(seed)
    codes = geography.communes()["code"].to_numpy()
    inds = [i for i in catalogue().indicators if "commune" in i.area_levels and "month" in i.periods]
    parts = []
    for ind in inds:
        for month in months:
            den = rng.integers(200, 5000, size=len(codes))
            num = (den * rng.uniform(0.2, 0.99, size=len(codes))).astype(int)
            value = np.round(num / den * (100 if ind.unit == "%" else 1), 2)
            if ind.unit != "%":
                num, den, value = None, None, rng.integers(0, 8, size=len(codes)).astype(float)
            parts.append(pd.DataFrame({"indicator": ind.code, "area_code": codes, "period": month,
                                       "value": value, "numerator": num, "denominator": den}))
    return pd.concat(parts, ignore_index=True).to_csv(index=False).encode()


def wide_commune_file(month: str, seed: int = 1) -> bytes:
    """Every commune x the commune indicators for one month, one column per indicator (by code)."""
    rng = np.random.default_rng(seed)
    codes = geography.communes()["code"].to_numpy()
    inds = [i for i in catalogue().indicators if "commune" in i.area_levels and "month" in i.periods]
    frame = pd.DataFrame({"area_code": codes, "period": month})
    for ind in inds:
        frame[ind.code] = (np.round(rng.uniform(20, 99, size=len(codes)), 1) if ind.unit == "%"
                           else rng.integers(0, 8, size=len(codes)).astype(float))
    return frame.to_csv(index=False).encode()


def months_back(n: int) -> list[str]:
    out, y, m = [], 2026, 10
    for _ in range(n):
        out.append(f"{y}-{m:02d}")
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    return out


def time_pipeline(content: bytes, tmp: Path) -> dict[str, float]:
    """Each stage of one ingest into a fresh database file, in seconds."""
    db = tmp / f"b{time.perf_counter_ns()}.duckdb"
    t0 = time.perf_counter()
    table = read_upload(content, "bench.csv")
    t1 = time.perf_counter()
    data = normalise(table)
    t2 = time.perf_counter()
    problems, _ = check(data, Context(catalogue(), TODAY))
    assert not problems, problems[:3]
    t3 = time.perf_counter()
    rows = data.frame.assign(row_number=data.rows.astype("int32"))[STORED_COLUMNS]
    conn = store.connect(db)
    t4 = time.perf_counter()
    meta = submissions.SubmissionMeta("bench.csv", hashlib.sha256(content).hexdigest(), "bench", "national")
    with store.transaction(conn):
        submissions.load_values(conn, rows, meta)
    t5 = time.perf_counter()
    conn.close()
    return {"read": t1 - t0, "normalise": t2 - t1, "validate": t3 - t2, "load": t5 - t4, "total": (t3 - t0) + (t5 - t4),
            "values": len(rows)}


def time_end_to_end(content: bytes, tmp: Path) -> float:
    """submit() as the CLI calls it (open under the lock, hash, read, normalise, validate, load, audit)."""
    target = Store.at(tmp / f"e{time.perf_counter_ns()}.duckdb")
    t0 = time.perf_counter()
    report = submit(target, content, "bench.csv", operator("bench"), today=TODAY, start_quality=False)
    elapsed = time.perf_counter() - t0
    assert report.status == "accepted", report.problems[:3]
    return elapsed


def time_duckdb(path: Path, tmp: Path) -> float:
    db = tmp / f"d{time.perf_counter_ns()}.duckdb"
    conn = duckdb.connect(str(db))
    t0 = time.perf_counter()
    conn.execute("create table t as select * from read_csv(?)", [str(path)])
    elapsed = time.perf_counter() - t0
    conn.close()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        cases = {"national commune month": commune_file(months_back(1)),
                 "same month, wide": wide_commune_file(months_back(1)[0]),
                 "1,000,000 rows": commune_file(months_back(51))}
        print(f"{'case':<24}{'lines':>10}{'values':>10}{'MB':>7}{'read':>7}{'norm':>7}{'valid':>7}{'load':>7}"
              f"{'total s':>9}{'e2e s':>8}{'values/s':>11}{'µs/value':>10}{'duckdb s':>10}{'ratio':>7}")
        for name, content in cases.items():
            path = tmp / "f.csv"
            path.write_bytes(content)
            lines = content.count(b"\n") - 1
            stages = [time_pipeline(content, tmp) for _ in range(args.repeat)]
            med = {k: statistics.median(s[k] for s in stages) for k in stages[0]}
            n = int(med["values"])
            e2e = statistics.median(time_end_to_end(content, tmp) for _ in range(args.repeat))
            bare = statistics.median(time_duckdb(path, tmp) for _ in range(args.repeat))
            print(f"{name:<24}{lines:>10,}{n:>10,}{len(content) / 1e6:>7.1f}{med['read']:>7.2f}{med['normalise']:>7.2f}"
                  f"{med['validate']:>7.2f}{med['load']:>7.2f}{med['total']:>9.2f}{e2e:>8.2f}"
                  f"{n / e2e:>11,.0f}{e2e / n * 1e6:>10.1f}{bare:>10.2f}{e2e / bare:>7.1f}")
        print(f"medians of {args.repeat} runs; values = checked values loaded (a wide line holds several);"
              " e2e = submit (open+hash+read+normalise+validate+load+audit) into a new file;"
              " µs/value = e2e per value; ratio = e2e / DuckDB read_csv into a database file")


if __name__ == "__main__":
    main()
