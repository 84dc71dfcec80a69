"""The deployment's settings, read from the environment once per process.

Every NQ72_* variable is read here and nowhere else; the rest of the code asks `settings()`.
Tests that change a variable call `settings.cache_clear()` (an autouse fixture does it)."""
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


@functools.cache
def settings() -> Settings:
    env = os.environ
    today = env.get("NQ72_TODAY")
    return Settings(
        db=Path(env.get("NQ72_DB") or DEFAULT_DB),
        auth_off=env.get("NQ72_AUTH") == "off",
        lock_wait=float(env.get("NQ72_LOCK_WAIT", "30")),
        quality_after_ingest=env.get("NQ72_QUALITY_AFTER_INGEST", "1") != "0",
        max_upload_mb=float(env.get("NQ72_MAX_UPLOAD_MB", "64")),
        chromium=env.get("NQ72_CHROMIUM", "/usr/bin/chromium"),
        today=dt.date.fromisoformat(today) if today else None,
    )


def today() -> dt.date:
    """Today, or the day NQ72_TODAY sets (tests, reviews of the board as of another day)."""
    return settings().today or dt.date.today()
