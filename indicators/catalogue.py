"""Typed, validated indicator catalogue loaded from catalogue.yaml.

The types are msgspec Structs: msgspec.convert checks the YAML against them as pydantic did, and
importing it costs ~0.005 s where pydantic cost ~0.07 s, paid by every `nq72` command and reading
worker (issue 15: a one-row ingest)."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

import msgspec
import yaml
from msgspec import Meta

CATALOGUE_FILE = Path(__file__).with_name("catalogue.yaml")

Granularity = Literal["month", "quarter", "year"]
AreaLevel = Literal["province", "commune"]
# Where a target's year comes from: the quote itself; the start of the quoted sentence; the plan's
# section heading ("Mục tiêu đến năm 2030"); or nowhere in the plan, so nq72 assumes it.
YearBasis = Literal["quote", "sentence", "section", "assumed"]
_JOINED = re.compile(r"\.\.\.|…")
NonEmpty = Annotated[str, Meta(min_length=1)]
Code = Annotated[str, Meta(pattern=r"^[a-z][a-z0-9_]+\Z")]  # msgspec searches with `re`: `$` would pass a final newline
Year = Annotated[int, Meta(ge=2025, le=2100)]


class _Strict(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """Immutable, no unknown keys, every field named (each subclass says kw_only again: msgspec
    does not inherit it). A ValueError from __post_init__ is a msgspec.ValidationError."""


class Text(_Strict, kw_only=True):
    vi: NonEmpty
    en: NonEmpty

    def __call__(self, lang: str = "vi") -> str:
        return self.en if lang == "en" else self.vi


class Document(_Strict, kw_only=True):
    short: Text
    vi: str
    en: str
    restated_in: str | None = None


class Source(_Strict, kw_only=True):
    document: str
    section: str
    quote: str
    joined: bool = False   # the quote joins separate passages of the plan with "..."


class _Dated(_Strict, kw_only=True):
    """What a plan commits to, where and by when, with its citation and how its year was read."""

    scope: str  # "national", a 2-digit province code or a 5-digit commune code
    year: Year
    year_basis: YearBasis = "quote"
    source: Source

    def __post_init__(self) -> None:
        if self.scope != "national" and not (self.scope.isdigit() and len(self.scope) in (2, 5)):
            raise ValueError(f"scope must be national or an area code, got {self.scope!r}")

    def unflagged(self) -> str | None:
        """What the plan's words leave open and the entry does not flag (None when all is flagged):
        a year the quote does not state, a quote joined with '...'. Checked when a catalogue loads."""
        if (self.year_basis == "quote") != (str(self.year) in self.source.quote):
            return f"year_basis is 'quote' exactly when the quote says {self.year}"
        if self.source.joined != bool(_JOINED.search(self.source.quote)):
            return "a quote joined with '...' is marked `joined: true`, and only such a quote"
        return None


class Change(_Strict, kw_only=True):
    """A target relative to a baseline year: `absolute` adds units, `relative` adds a percentage."""

    amount: float
    kind: Literal["absolute", "relative"]
    baseline_year: int = 2025


class Target(_Dated, kw_only=True):
    comparison: Literal[">", ">=", "=", "range"]
    threshold: float | None = None
    upper: float | None = None  # only for range targets
    change: Change | None = None
    reading: str | None = None  # key of the catalogue's `readings`: how ambiguous wording is read

    def __post_init__(self) -> None:
        super().__post_init__()
        if (self.threshold is None) == (self.change is None):
            raise ValueError("a target has either a threshold or a change, not both")
        if (self.comparison == "range") != (self.upper is not None):
            raise ValueError("a range target needs `upper`, and only a range target has one")

    def unflagged(self) -> str | None:
        if self.needs_reading and self.reading is None:
            return "a change, a range or an unwritten 100% needs its `reading`"
        return super().unflagged()

    @property
    def needs_reading(self) -> bool:
        """A baseline the plan does not name, a band, or 'everyone' read as 100%."""
        unwritten_all = self.threshold == 100 and "100%" not in self.source.quote
        return self.change is not None or self.comparison == "range" or unwritten_all

    @property
    def key(self) -> tuple:
        """What the target asks, without who asks it: equal keys are the same target."""
        return (self.year, self.comparison, self.threshold, self.upper, self.change)

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


MONTHS = {"month": 1, "quarter": 3, "year": 12}


class Step(_Strict, kw_only=True):
    """The largest change from one period to the next that passes without a warning, and why.

    Over a gap of several periods the step grows in proportion to the months between the two
    periods' ends (a year apart: twelve monthly steps), never below one `amount`."""

    amount: Annotated[float, Meta(gt=0)]
    per: Granularity
    reason: Text

    def allowed(self, gap_months: float) -> float:
        return self.amount * max(1.0, gap_months / MONTHS[self.per])


class Indicator(_Strict, kw_only=True):
    code: Code
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
    step: Step
    targets: tuple[Target, ...] = ()

    def __post_init__(self) -> None:
        if self.range[0] >= self.range[1]:
            raise ValueError(f"{self.code}: range must be [low, high] with low < high")
        if self.frequency not in self.periods:
            raise ValueError(f"{self.code}: frequency {self.frequency} is not an allowed period")
        if not set(self.expected_levels) <= set(self.area_levels):
            raise ValueError(f"{self.code}: expected_levels must be among area_levels")

    @property
    def is_percent(self) -> bool:
        return self.unit == "%"

    def restates(self, target: Target) -> Target | None:
        """The national target a local plan's target repeats word for word in number and year."""
        if target.scope == "national":
            return None
        return next((n for n in self.targets if n.scope == "national" and n.key == target.key), None)

    def targets_for(self, area_code: str) -> list[Target]:
        """National targets plus the area's own (province or commune) ones; a local row that only
        restates a national target is a citation of it (restated_by), not a second milestone."""
        return [t for t in self.targets
                if t.scope == "national" or (t.scope == area_code and self.restates(t) is None)]

    def restated_by(self, target: Target, area_code: str | None = None) -> list[Target]:
        """The local plans' rows restating a national target (of one area, or of every area)."""
        return [t for t in self.targets if t.scope != "national" and self.restates(t) is target
                and area_code in (None, t.scope)]


class Milestone(_Dated, kw_only=True):
    """A commitment of the plans with no measurable definition yet: tracked and cited, not scored."""

    code: Code
    text: Text
    why_no_indicator: Text


class Catalogue(_Strict, kw_only=True):
    documents: dict[str, Document]
    readings: dict[str, Text] = {}
    indicators: tuple[Indicator, ...]
    milestones: tuple[Milestone, ...] = ()

    def __post_init__(self) -> None:
        codes = [i.code for i in self.indicators]
        if len(codes) != len(set(codes)):
            raise ValueError("indicator codes must be unique")
        for ind in self.indicators:
            for t in ind.targets:
                if t.source.document not in self.documents:
                    raise ValueError(f"{ind.code}: unknown document {t.source.document}")
                if t.reading is not None and t.reading not in self.readings:
                    raise ValueError(f"{ind.code}: unknown reading {t.reading}")
        for m in self.milestones:
            if m.source.document not in self.documents:
                raise ValueError(f"{m.code}: unknown document {m.source.document}")
        # A plan's reading that is not flagged cannot be loaded: the About page shows every flag.
        for code, item in [(i.code, t) for i in self.indicators for t in i.targets] + [(m.code, m) for m in self.milestones]:
            if problem := item.unflagged():
                raise ValueError(f"{code} {item.scope} {item.year}: {problem}: {item.source.quote!r}")

    def milestones_for(self, area_code: str | None = None) -> list[Milestone]:
        """Milestones with no indicator: every one, or those of the nation and one area's plan."""
        return [m for m in self.milestones if area_code is None or m.scope in ("national", area_code)]

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
    """Parse and validate a catalogue file (raises msgspec.ValidationError, naming where, when malformed)."""
    with open(path, encoding="utf-8") as f:
        # libyaml's parser when PyYAML has it: the same objects as yaml.safe_load, 10x sooner
        # (0.02 s instead of 0.2 s, paid by every command and read worker that needs the catalogue).
        return msgspec.convert(yaml.load(f, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)), Catalogue)


@lru_cache(maxsize=1)
def catalogue() -> Catalogue:
    """The catalogue shipped with nq72, parsed once per process."""
    return load_catalogue()
