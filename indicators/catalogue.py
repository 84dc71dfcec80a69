"""Typed, validated indicator catalogue loaded from catalogue.yaml."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

CATALOGUE_FILE = Path(__file__).with_name("catalogue.yaml")

Granularity = Literal["month", "quarter", "year"]
AreaLevel = Literal["province", "commune"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(_Strict):
    vi: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def __call__(self, lang: str = "vi") -> str:
        return self.en if lang == "en" else self.vi


class Document(_Strict):
    short: Text
    vi: str
    en: str
    restated_in: str | None = None


class Source(_Strict):
    document: str
    section: str
    quote: str


class Change(_Strict):
    """A target relative to a baseline year: `absolute` adds units, `relative` adds a percentage."""

    amount: float
    kind: Literal["absolute", "relative"]
    baseline_year: int = 2025


class Target(_Strict):
    scope: str  # "national", a 2-digit province code or a 5-digit commune code
    year: int = Field(ge=2025, le=2100)
    comparison: Literal[">", ">=", "=", "range"]
    threshold: float | None = None
    upper: float | None = None  # only for range targets
    change: Change | None = None
    source: Source

    @model_validator(mode="after")
    def _one_kind(self) -> Target:
        if (self.threshold is None) == (self.change is None):
            raise ValueError("a target has either a threshold or a change, not both")
        if (self.comparison == "range") != (self.upper is not None):
            raise ValueError("a range target needs `upper`, and only a range target has one")
        if self.scope != "national" and not (self.scope.isdigit() and len(self.scope) in (2, 5)):
            raise ValueError(f"scope must be national or an area code, got {self.scope!r}")
        return self

    def threshold_for(self, baseline_value: float | None) -> float | None:
        """The value to reach; baseline-relative targets need the baseline year's value."""
        if self.change is None:
            return self.threshold
        if baseline_value is None:
            return None
        if self.change.kind == "absolute":
            return baseline_value + self.change.amount
        return baseline_value * (1 + self.change.amount / 100)

    def describe(self, unit: str, lang: str = "vi") -> str:
        """Short human text such as '> 95 % (2026)' or '+1,5 cm so với 2025'."""
        if self.change is not None:
            sign = "+" if self.change.amount >= 0 else ""
            amount = f"{sign}{_num(self.change.amount, lang)}"
            unit_txt = "%" if self.change.kind == "relative" else unit
            since = "so với" if lang == "vi" else "over"
            return f"{amount}{_unit(unit_txt, lang)} {since} {self.change.baseline_year} ({self.year})"
        if self.comparison == "range":
            return f"{_num(self.threshold, lang)}–{_num(self.upper, lang)}{_unit(unit, lang)} ({self.year})"
        symbol = {">=": "≥"}.get(self.comparison, self.comparison)
        return f"{symbol} {_num(self.threshold, lang)}{_unit(unit, lang)} ({self.year})"


def _unit(unit: str, lang: str) -> str:
    """' %' in Vietnamese (94,7 %), '%' in English (94.7%); other units after a space."""
    return "%" if unit == "%" and lang == "en" else f" {unit}"


def _num(x: float | None, lang: str) -> str:
    text = f"{x:g}"
    return text.replace(".", ",") if lang == "vi" else text


class Indicator(_Strict):
    code: str = Field(pattern=r"^[a-z][a-z0-9_]+$")
    short: Text
    name: Text
    definition: Text
    unit: str
    direction: Literal["higher", "lower"]
    area_levels: tuple[AreaLevel, ...]
    expected_levels: tuple[AreaLevel, ...] = ("province",)  # levels that must report each period
    periods: tuple[Granularity, ...]
    frequency: Granularity
    range: tuple[float, float]
    across_areas: Literal["ratio", "weighted_mean", "mean", "sum"]
    over_time: Literal["latest", "ratio", "sum", "mean"]
    year_to_date: bool = False
    targets: tuple[Target, ...] = ()

    @field_validator("range")
    @classmethod
    def _ordered(cls, v: tuple[float, float]) -> tuple[float, float]:
        if v[0] >= v[1]:
            raise ValueError("range must be [low, high] with low < high")
        return v

    @model_validator(mode="after")
    def _frequency_allowed(self) -> Indicator:
        if self.frequency not in self.periods:
            raise ValueError(f"{self.code}: frequency {self.frequency} is not an allowed period")
        if not set(self.expected_levels) <= set(self.area_levels):
            raise ValueError(f"{self.code}: expected_levels must be among area_levels")
        return self

    @property
    def is_percent(self) -> bool:
        return self.unit == "%"

    def targets_for(self, area_code: str) -> list[Target]:
        """National targets plus those of the plan of this area (province or commune)."""
        return [t for t in self.targets if t.scope in ("national", area_code)]


class Catalogue(_Strict):
    documents: dict[str, Document]
    indicators: tuple[Indicator, ...]

    @model_validator(mode="after")
    def _consistent(self) -> Catalogue:
        codes = [i.code for i in self.indicators]
        if len(codes) != len(set(codes)):
            raise ValueError("indicator codes must be unique")
        for ind in self.indicators:
            for t in ind.targets:
                if t.source.document not in self.documents:
                    raise ValueError(f"{ind.code}: unknown document {t.source.document}")
        return self

    def __getitem__(self, code: str) -> Indicator:
        return self.by_code()[code]

    def __contains__(self, code: object) -> bool:
        return code in self.by_code()

    def by_code(self) -> dict[str, Indicator]:
        return {i.code: i for i in self.indicators}

    @property
    def codes(self) -> list[str]:
        return [i.code for i in self.indicators]


def load_catalogue(path: Path = CATALOGUE_FILE) -> Catalogue:
    """Parse and validate a catalogue file (raises pydantic.ValidationError when malformed)."""
    with open(path, encoding="utf-8") as f:
        return Catalogue.model_validate(yaml.safe_load(f))


@lru_cache(maxsize=1)
def catalogue() -> Catalogue:
    """The catalogue shipped with nq72, parsed once per process."""
    return load_catalogue()
