"""A warning before a jump: a checked value far from the area's previous stored value.

Pure: rows + previous values + catalogue -> warnings. pipelines.submit reads the previous values
(pipelines.store.values.previous_values) and holds a file with warnings until the uploader
confirms them. A value with no earlier value of its indicator, area and granularity never warns."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from data.geography import areas
from indicators.catalogue import MONTHS, Catalogue
from indicators.periods import parse_period
from pipelines.messages import t, unit_word


@dataclass(frozen=True)
class Jump:
    """One value that changed by more than its indicator's plausible step."""

    row: int               # spreadsheet row (header = 1)
    column: str
    value: float
    previous_value: float
    previous_period: str
    key: str               # a key of messages.TEXT
    params: dict = field(default_factory=dict, hash=False)

    def message(self, lang: str = "vi") -> str:
        return t(self.key, lang, **self.params)

    def to_json(self, lang: str = "en") -> dict:
        return {"row": self.row, "column": self.column, "value": self.value,
                "previous_value": self.previous_value, "previous_period": self.previous_period,
                "message_vi": self.message("vi"), "message_en": self.message("en"), "message": self.message(lang)}


def find_jumps(rows: pd.DataFrame, previous: pd.DataFrame, cat: Catalogue) -> list[Jump]:
    """Warnings for the checked `rows` (indicator, area_code, period, value, row_number) whose
    change from `previous` (indicator, area_code, period, previous_period, previous_value) is
    larger than the indicator's step, scaled by the gap (indicators.catalogue.Step)."""
    if rows.empty or previous.empty:
        return []
    keys = {"indicator": str, "area_code": str, "period": str}  # categories in a file, enums from DuckDB
    both = rows[[*keys, "value", "row_number"]].astype(keys).merge(
        previous.astype({**keys, "previous_period": str}), on=list(keys))
    ytd = {i.code for i in cat.indicators if i.year_to_date}  # a new year starts again from zero
    same_year = both["period"].str[:4] == both["previous_period"].str[:4]
    both = both[~both["indicator"].isin(ytd) | same_year].reset_index(drop=True)
    if both.empty:
        return []
    month = {c: _month_index(c) for c in set(both["period"]) | set(both["previous_period"])}
    gap = both["period"].map(month).to_numpy() - both["previous_period"].map(month).to_numpy()
    steps = {i.code: i.step for i in cat.indicators}
    amount = np.array([steps[c].amount for c in both["indicator"]])
    per = np.array([MONTHS[steps[c].per] for c in both["indicator"]])
    allowed = amount * np.maximum(1.0, gap / per)
    change = both["value"].to_numpy() - both["previous_value"].to_numpy()
    jumped = both.assign(change=change, allowed=allowed)[np.abs(change) > allowed + 1e-9]
    if jumped.empty:
        return []
    names = areas().set_index("code")["name"]
    return [_jump(r, cat, names) for r in jumped.sort_values("row_number").itertuples(index=False)]


def _jump(r, cat: Catalogue, names: pd.Series) -> Jump:
    ind = cat[r.indicator]
    params = {"indicator": {"vi": ind.name.vi, "en": ind.name.en}, "area": names.get(r.area_code, r.area_code),
              "period": r.period, "value": _g(r.value), "previous": _g(r.previous_value),
              "previous_period": r.previous_period, "change": _g(r.change, "+"), "step": _g(r.allowed),
              "unit_vi": "điểm %" if ind.is_percent else unit_word(ind.unit, "vi"), "unit_en": "points" if ind.is_percent else ind.unit,
              "reason_vi": ind.step.reason("vi"), "reason_en": ind.step.reason("en")}
    return Jump(int(r.row_number), "value", float(r.value), float(r.previous_value), r.previous_period,
                "jump_warning", params)


def _g(x: float, sign: str = "") -> dict[str, str]:
    """A number as each reader writes it: 9,76 in Vietnamese, 9.76 in English."""
    text = f"{x:{sign}.6g}"
    return {"vi": text.replace(".", ","), "en": text}


def _month_index(code: str) -> int:
    """Months since year 0 at the period's last month: gaps between periods in months."""
    end = parse_period(code).end
    return end.year * 12 + end.month
