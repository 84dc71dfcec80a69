"""A warning before a jump: a checked value far from the area's previous stored value.

Pure: rows + previous values + catalogue -> warnings. pipelines.submit reads the previous values
(pipelines.store.values.previous_values) and holds a file with warnings until the uploader
confirms them. A value with no earlier value of its indicator, area and granularity never warns."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from indicators.catalogue import MONTHS, Catalogue
from indicators.periods import parse_period
from pipelines.messages import t


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
    both = rows.astype({"indicator": str, "area_code": str, "period": str}).merge(
        previous, on=["indicator", "area_code", "period"])
    ytd = {i.code for i in cat.indicators if i.year_to_date}
    both = both[~both["indicator"].isin(ytd) | (both["period"].str[:4] == both["previous_period"].str[:4])]
    if both.empty:
        return []
    gap = both["period"].map(_month_index) - both["previous_period"].map(_month_index)
    steps = {i.code: i.step for i in cat.indicators}
    amount = both["indicator"].map(lambda c: steps[c].amount)
    per = both["indicator"].map(lambda c: MONTHS[steps[c].per])
    allowed = amount * np.maximum(1.0, gap / per)
    change = both["value"] - both["previous_value"]
    jumped = both[change.abs() > allowed + 1e-9].assign(change=change, allowed=allowed)
    return [_jump(r, cat) for r in jumped.sort_values("row_number").itertuples(index=False)]


def _jump(r, cat: Catalogue) -> Jump:
    ind = cat[r.indicator]
    params = {"indicator": ind.code, "area": r.area_code, "period": r.period, "value": _g(r.value),
              "previous": _g(r.previous_value), "previous_period": r.previous_period,
              "change": f"{r.change:+.6g}", "step": _g(r.allowed),
              "unit_vi": "điểm %" if ind.is_percent else ind.unit, "unit_en": "points" if ind.is_percent else ind.unit,
              "reason_vi": ind.step.reason("vi"), "reason_en": ind.step.reason("en")}
    return Jump(int(r.row_number), "value", float(r.value), float(r.previous_value), r.previous_period,
                "jump_warning", params)


def _g(x: float) -> str:
    return f"{x:.6g}"


def _month_index(code: str) -> int:
    """Months since year 0 at the period's last month: gaps between periods in months."""
    end = parse_period(code).end
    return end.year * 12 + end.month
