"""The deployment's settings: every NQ72_* variable is read here and nowhere else.

`settings()` builds one frozen object per distinct environment (cached), so a test that sets a
variable sees it, and a server pays for the parsing once."""
from __future__ import annotations

import datetime as dt
import functools
import os
from dataclasses import dataclass
from pathlib import Path

from data import DEFAULT_DB


@dataclass(frozen=True)
class Settings:
    db: Path                     # NQ72_DB: the database file (default data/nq72.duckdb)
    auth_off: bool               # NQ72_AUTH=off (that value only): no log-in, for a local demo
    lock_wait: float             # NQ72_LOCK_WAIT: seconds to wait for another program's lock
    quality_after_ingest: bool   # NQ72_QUALITY_AFTER_INGEST=0 turns the background run off
    max_upload_mb: float         # NQ72_MAX_UPLOAD_MB: the largest file accepted
    chromium: str                # NQ72_CHROMIUM: the browser used by exports
    today: dt.date | None        # NQ72_TODAY (YYYY-MM-DD): see the product as of another day
    read_seconds: float          # NQ72_READ_SECONDS: longest the reading of one uploaded file may take
    read_memory_mb: int          # NQ72_READ_MEMORY_MB: most memory (MiB) the process reading a file may use


VARIABLES = ("NQ72_DB", "NQ72_AUTH", "NQ72_LOCK_WAIT", "NQ72_QUALITY_AFTER_INGEST", "NQ72_MAX_UPLOAD_MB",
             "NQ72_CHROMIUM", "NQ72_TODAY", "NQ72_READ_SECONDS", "NQ72_READ_MEMORY_MB")


def settings() -> Settings:
    return _settings(tuple(os.environ.get(name) for name in VARIABLES))


@functools.lru_cache(maxsize=8)
def _settings(values: tuple[str | None, ...]) -> Settings:
    env = {k: v for k, v in zip(VARIABLES, values) if v is not None}
    today = env.get("NQ72_TODAY")
    return Settings(
        db=Path(env.get("NQ72_DB") or DEFAULT_DB),
        auth_off=env.get("NQ72_AUTH") == "off",
        lock_wait=float(env.get("NQ72_LOCK_WAIT", "30")),
        quality_after_ingest=env.get("NQ72_QUALITY_AFTER_INGEST", "1") != "0",
        max_upload_mb=float(env.get("NQ72_MAX_UPLOAD_MB", "64")),
        chromium=env.get("NQ72_CHROMIUM", "/usr/bin/chromium"),
        today=dt.date.fromisoformat(today) if today else None,
        read_seconds=float(env.get("NQ72_READ_SECONDS", "8")),
        read_memory_mb=int(env.get("NQ72_READ_MEMORY_MB", "1024")),
    )


def today() -> dt.date:
    """Today, or the day NQ72_TODAY sets (tests, reviews of the board as of another day)."""
    return settings().today or dt.date.today()
