"""The typed quality configuration (quality.yaml)."""
from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path

import msgspec
import yaml

from indicators.periods import is_closed, shift_month
from pipelines.settings import settings

CONFIG_FILE = Path(__file__).with_name("quality.yaml")


class _Strict(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """Immutable, no unknown keys, every field named (as indicators.catalogue's types)."""


class Deadline(_Strict, kw_only=True):
    """The last day a period's figures count as on time. Set by the operator, not by any plan."""

    months_after: int
    day: int | None = None     # None: the deployment's NQ72_FIGURES_DUE_DAY (pipelines.settings)
    month: int | None = None   # a fixed month of the period's year (annual figures)
    closes_after_days: int     # the period closes this many days after the deadline

    def day_of(self) -> int:
        return self.day if self.day is not None else settings().figures_due_day


class Thresholds(_Strict, kw_only=True):
    window_months: int
    completeness_min: float
    timeliness_min: float
    modified_z: float
    cross_area_sd: float
    over_time_ratio: float
    over_time_points: float
    coverage_drop_points: float
    ratio_points: float
    commune_mean_tolerance: float
    min_series: int


class Weights(_Strict, kw_only=True):
    completeness: float
    timeliness: float
    unflagged: float


class QualityConfig(_Strict, kw_only=True):
    calendar: dict[str, Deadline]
    thresholds: Thresholds
    score_weights: Weights

    def deadline(self, period_end: dt.date, granularity: str) -> dt.date:
        """Last day a value for a period ending on `period_end` counts as on time."""
        rule = self.calendar[granularity]
        if rule.month is not None:
            return dt.date(period_end.year, rule.month, rule.day_of())
        return dt.date(*shift_month(period_end.year, period_end.month, rule.months_after), rule.day_of())

    def closed(self, period_end: dt.date, granularity: str, today: dt.date) -> bool:
        """Whether a period ending on `period_end` is closed on `today` (indicators.periods.is_closed)."""
        return is_closed(self.deadline(period_end, granularity), self.calendar[granularity].closes_after_days, today)


@lru_cache(maxsize=4)
def load_config(path: Path = CONFIG_FILE) -> QualityConfig:
    with open(path, encoding="utf-8") as f:
        # not strict: the operator's "15" is 15, as the pydantic model this replaced read it
        return msgspec.convert(yaml.safe_load(f), QualityConfig, strict=False)
