"""Where quality runs are kept: a DuckDB file beside the main one (nq72.duckdb -> nq72.quality.duckdb).

The SQL lives in pipelines.store.quality; this module names the files and opens them."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

import duckdb
import pandas as pd

from pipelines.store import quality as sql
from pipelines.store.connection import open_file, transaction


def results_path(db: str | Path) -> Path:
    p = Path(db)
    return p.with_name(f"{p.stem}.quality.duckdb")


def docs_path(db: str | Path) -> Path:
    p = Path(db)
    return p.with_name(f"{p.stem}_quality_docs")


@contextmanager
def connect(db: str | Path, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """The results file of a main database, under its lock; created and migrated by a writer."""
    with open_file(results_path(db), sql.MIGRATIONS, read_only,
                   missing="no quality results yet at {path}: run `nq72 quality`") as conn:
        yield conn


@dataclass
class RunRecord:
    started_at: dt.datetime
    finished_at: dt.datetime
    trigger: str
    scope: str
    period: str | None
    data_version: int
    values_checked: int
    success: bool
    query_seconds: float
    checks_seconds: float
    gx_seconds: float
    docs_path: str | None


def save_run(db: str | Path, run: RunRecord, flags: pd.DataFrame, reporting: pd.DataFrame,
             scores: pd.DataFrame) -> int:
    """Store one run and everything it found, in one transaction; history is never deleted."""
    with connect(db) as conn, transaction(conn):
        return sql.insert_run(conn, {**asdict(run), "flags": len(flags)},
                              {"quality_flags": flags, "quality_reporting": reporting, "quality_scores": scores})


def latest(db: str | Path) -> dict | None:
    """The newest run and its findings, or None when none is stored."""
    if not results_path(db).exists():
        return None
    with connect(db, read_only=True) as conn:
        return sql.latest_run(conn)
