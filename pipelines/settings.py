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
from indicators.periods import DEFAULT_FIGURES_DUE_DAY


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
    figures_due_day: int         # NQ72_FIGURES_DUE_DAY (1-28): a month's figures are on time up to this day of the
                                 # next month; the operator's deadline, no plan sets one (default 23)


VARIABLES = ("NQ72_DB", "NQ72_AUTH", "NQ72_LOCK_WAIT", "NQ72_QUALITY_AFTER_INGEST", "NQ72_MAX_UPLOAD_MB",
             "NQ72_CHROMIUM", "NQ72_TODAY", "NQ72_READ_SECONDS", "NQ72_READ_MEMORY_MB",
             "NQ72_FIGURES_DUE_DAY")


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
        figures_due_day=_due_day(env.get("NQ72_FIGURES_DUE_DAY")),
    )


def _due_day(text: str | None) -> int:
    """A day every month has (1-28), so the deadline exists in February too."""
    day = int(text) if text else DEFAULT_FIGURES_DUE_DAY
    if not 1 <= day <= 28:
        raise ValueError(f"NQ72_FIGURES_DUE_DAY must be a day from 1 to 28, got {text!r}")
    return day


VIETNAM = dt.timezone(dt.timedelta(hours=7), "ICT")


def today(now: dt.datetime | None = None) -> dt.date:
    """Today in Vietnam (a server on UTC is a day behind from 17:00 to midnight, when deadlines and
    closing days already count the next one), or the day NQ72_TODAY sets (tests, reviews of the
    board as of another day)."""
    return settings().today or (now or dt.datetime.now(dt.UTC)).astimezone(VIETNAM).date()
