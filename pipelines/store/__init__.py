"""The store: every SQL statement of the product lives in this package, one module per concern.

  connection   opening any file (file lock, waiting for other programs, one migration routine)
  schema       the main database's migrations and reference tables
  submissions  submissions, values and task updates loaded with them, meta
  values       reads of stored figures (dashboard, quality run, exports)
  accounts     the users table
  audit        the audit_log table
  quality      the quality-results file
  drafts       drafts of the data-entry form (not figures)

Functions take the connection first; `Store` names a database and hands out connections."""
from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipelines.settings import settings
from pipelines.store import schema
from pipelines.store.connection import StoreError, connect_file, file_lock, one, open_file, schema_version, transaction
from pipelines.store.schema import MIGRATIONS, SCHEMA_VERSION
from pipelines.store.submissions import SubmissionMeta, get_meta, is_synthetic, set_meta, task_updates

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "Store", "StoreError", "SubmissionMeta", "connect", "db_path",
           "file_lock", "get_meta", "is_synthetic", "one", "opened", "schema_version", "set_meta",
           "task_updates", "transaction"]


def db_path(explicit: str | os.PathLike | None = None) -> Path:
    """--db, else NQ72_DB, else data/nq72.duckdb."""
    return Path(explicit) if explicit else settings().db


def connect(path: str | os.PathLike | None = None, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A connection to the main database without the file lock: for a caller that owns the file
    for its whole life (a test fixture, a bench). Everything else uses `opened` or `Store`."""
    p = db_path(path)
    return connect_file(p, MIGRATIONS, read_only, schema.after_migration(p),
                        missing="no database at {path}: run `nq72 demo` or `nq72 ingest` first")


@contextmanager
def opened(path: str | os.PathLike | None = None, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """The main database for the length of a `with` block, under the file lock."""
    p = db_path(path)
    with open_file(p, MIGRATIONS, read_only, schema.after_migration(p),
                   missing="no database at {path}: run `nq72 demo` or `nq72 ingest` first") as conn:
        yield conn


@dataclass(frozen=True)
class Store:
    """A main database: its path, and a connection when a batch holds one open (the demo builder
    loading hundreds of files, a test fixture); otherwise each use opens and closes its own."""

    path: Path
    held: duckdb.DuckDBPyConnection | None = None

    @classmethod
    def at(cls, path: str | os.PathLike | None = None) -> Store:
        return cls(db_path(path))

    def exists(self) -> bool:
        return self.held is not None or self.path.exists()

    @contextmanager
    def reading(self) -> Iterator[duckdb.DuckDBPyConnection]:
        if self.held is not None:
            yield self.held
            return
        with opened(self.path, read_only=True) as conn:
            yield conn

    @contextmanager
    def writing(self) -> Iterator[duckdb.DuckDBPyConnection]:
        if self.held is not None:
            yield self.held
            return
        with opened(self.path) as conn:
            yield conn

    @contextmanager
    def holding(self) -> Iterator[Store]:
        """The same store with one writer connection held for the block."""
        with self.writing() as conn:
            yield Store(self.path, conn)
