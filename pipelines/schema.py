"""The gate: a pandera schema over normalised upload rows, and its failures as Problems.

Each rule is a named, vectorised check (True = the row passes). A rule that depends on
another column passes when that column is already wrong, so each mistake is reported once."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pandera.pandas as pa

from data import geography
from indicators.catalogue import Catalogue
from pipelines.normalise import Normalised
from pipelines.problems import MAX_PROBLEMS, Problem

# Percentages are usually rounded to one decimal: allow that much between value and num/den.
RATIO_TOLERANCE = 0.051


@dataclass(frozen=True)
class Context:
    """What a check needs beyond the rows: the catalogue, today, the uploader's province."""

    catalogue: Catalogue
    today: dt.date
    scope_province: str | None = None


@dataclass(frozen=True)
class Rule:
    column: str                       # the column the problem is reported against
    check: Callable[[pd.DataFrame, Context], pd.Series]
    message: Callable[[pd.Series, Context], tuple[str, dict]]   # (messages key, its params)


def per_category(col: pd.Series, fn, dtype=bool, default=False) -> np.ndarray:
    """fn applied to each category of a Categorical column, spread back over the rows."""
    cats = col.cat.categories
    table = np.array([fn(c) for c in cats] + [default], dtype=dtype)
    codes = col.cat.codes.to_numpy()
    return table[np.where(codes < 0, len(cats), codes)]


def per_pair(a: pd.Series, b: pd.Series, fn) -> np.ndarray:
    """fn(a_value, b_value) -> bool for each row of two Categorical columns (None where missing)."""
    ca, cb = list(a.cat.categories) + [None], list(b.cat.categories) + [None]
    table = np.array([[fn(x, y) for y in cb] for x in ca], dtype=bool)
    ia, ib = a.cat.codes.to_numpy(), b.cat.codes.to_numpy()
    return table[np.where(ia < 0, len(ca) - 1, ia), np.where(ib < 0, len(cb) - 1, ib)]


def _s(f: pd.DataFrame, values) -> pd.Series:
    return pd.Series(np.asarray(values, dtype=bool), index=f.index)


def _is_err(code) -> bool:
    return str(code).startswith("ERR:")


def _known_indicator(f, ctx):
    return _s(f, per_category(f["indicator"], lambda c: c in ctx.catalogue))


def _name_ok(f, ctx):
    return _s(f, ~per_category(f["area_code"], _is_err))


def _area_ok(f, ctx):
    levels, _ = geography.area_info()
    return _s(f, per_category(f["area_code"], lambda c: _is_err(c) or c in levels))


def _names_agree(f, ctx):
    levels, _ = geography.area_info()
    return _s(f, per_pair(f["name_code"], f["area_code"],
                          lambda n, a: n is None or a not in levels or n == a))


def _period_ok(f, ctx):
    return _s(f, f["period"].notna().to_numpy())


def _not_future(f, ctx):
    return _s(f, ~(f["period_start"].to_numpy() > np.datetime64(ctx.today, "ns")))


def _granularity_ok(f, ctx):
    def ok(ind, gran):
        return ind not in ctx.catalogue or gran is None or gran in ctx.catalogue[ind].periods
    return _s(f, per_pair(f["indicator"], f["granularity"], ok))


def _level_ok(f, ctx):
    levels, _ = geography.area_info()

    def ok(ind, area):
        return ind not in ctx.catalogue or area not in levels or levels[area] in ctx.catalogue[ind].area_levels
    return _s(f, per_pair(f["indicator"], f["area_code"], ok))


def _value_ok(f, ctx):
    return _s(f, f["value"].notna().to_numpy())


def _in_range(f, ctx):
    lo = per_category(f["indicator"], lambda c: ctx.catalogue[c].range[0] if c in ctx.catalogue else np.nan,
                      float, np.nan)
    hi = per_category(f["indicator"], lambda c: ctx.catalogue[c].range[1] if c in ctx.catalogue else np.nan,
                      float, np.nan)
    v = f["value"].to_numpy()
    with np.errstate(invalid="ignore"):
        return _s(f, np.isnan(v) | np.isnan(lo) | ((v >= lo) & (v <= hi)))


def _number_ok(col):
    def check(f, ctx):
        return _s(f, f[col].notna().to_numpy() | f[f"{col}_blank"].to_numpy())
    return check


def _non_negative(f, ctx):
    with np.errstate(invalid="ignore"):
        return _s(f, ~((f["numerator"].to_numpy() < 0) | (f["denominator"].to_numpy() <= 0)))


def _num_le_den(f, ctx):
    with np.errstate(invalid="ignore"):
        return _s(f, ~(f["numerator"].to_numpy() > f["denominator"].to_numpy()))


def _value_matches(f, ctx):
    pct = per_category(f["indicator"], lambda c: c in ctx.catalogue and ctx.catalogue[c].is_percent)
    num, den, value = (f[c].to_numpy() for c in ("numerator", "denominator", "value"))
    with np.errstate(invalid="ignore", divide="ignore"):
        expected = num / den * np.where(pct, 100.0, 1.0)
        tolerance = np.maximum(RATIO_TOLERANCE, np.abs(expected) * 0.0005)
        comparable = ~np.isnan(value) & np.isfinite(expected) & (den > 0)
        return _s(f, ~comparable | (np.abs(value - expected) <= tolerance) | (num > den))


def _unique_key(f, ctx):
    codes = [f[c].cat.codes.to_numpy().astype(np.int64) for c in ("indicator", "area_code", "period")]
    complete = (codes[0] >= 0) & (codes[1] >= 0) & (codes[2] >= 0)
    sizes = [len(f[c].cat.categories) + 1 for c in ("area_code", "period")]
    key = (codes[0] * sizes[0] + codes[1]) * sizes[1] + codes[2]
    return _s(f, ~(pd.Series(key).duplicated(keep="first").to_numpy() & complete))


def _in_scope(f, ctx):
    if ctx.scope_province is None:
        return _s(f, np.ones(len(f), dtype=bool))
    _, province_of = geography.area_info()
    return _s(f, per_category(f["area_code"],
                              lambda c: c not in province_of or province_of[c] == ctx.scope_province, bool, True))


def _m_indicator(r, ctx):
    v = r["raw_indicator"]
    if not str(v).strip():
        return "rule_missing_indicator", {}
    return "rule_unknown_indicator", {"value": str(v)}


def _m_name(r, ctx):
    reason, name = str(r["name_code"])[4:], str(r["raw_area_name"])
    if reason == "empty":
        return "rule_missing_area", {}
    if reason.startswith("former:"):
        new = reason.split(":")[1]
        return "rule_former_province_name", {"name": name, "new_name": geography.province_name(new), "new": new}
    if reason == "ambiguous":
        return "rule_ambiguous_name", {"name": name}
    return "rule_unknown_name", {"name": name}


def _m_area(r, ctx):
    code = str(r["raw_area_code"])
    if not code.strip():
        return "rule_missing_area_code", {}
    absorbed = geography.former_codes().get(str(r["area_code"]))
    if absorbed:
        return "rule_former_area_code", {"code": code, "name": geography.province_name(absorbed), "absorbed": absorbed}
    return "rule_unknown_area_code", {"code": code}


def _m_names_agree(r, ctx):
    code = str(r["area_code"])
    return "rule_name_code_mismatch", {"name": str(r["raw_area_name"]), "code": code, "area": geography.area_name(code)}


def _m_period(r, ctx):
    v = r["raw_period"]
    if not str(v).strip():
        return "rule_missing_period", {}
    return "rule_bad_period", {"value": str(v)}


def _m_future(r, ctx):
    return "rule_future_period", {"period": str(r["period"]), "today": f"{ctx.today:%Y-%m-%d}",
                                  "today_vi": f"{ctx.today:%d/%m/%Y}"}


_GRAN_VI = {"month": "tháng", "quarter": "quý", "year": "năm"}
_LEVEL_VI = {"province": "tỉnh", "commune": "xã"}


def _m_granularity(r, ctx):
    ind = ctx.catalogue[r["indicator"]]
    return "rule_granularity", {"indicator": ind.code, "granularity": str(r["granularity"]),
                                "granularity_vi": _GRAN_VI[r["granularity"]],
                                "allowed": ", ".join(ind.periods),
                                "allowed_vi": ", ".join(_GRAN_VI[g] for g in ind.periods)}


def _m_level(r, ctx):
    ind = ctx.catalogue[r["indicator"]]
    levels, _ = geography.area_info()
    lvl = levels.get(r["area_code"], "?")
    return "rule_level", {"indicator": ind.code, "level": lvl, "level_vi": _LEVEL_VI.get(lvl, lvl),
                          "allowed": ", ".join(ind.area_levels),
                          "allowed_vi": ", ".join(_LEVEL_VI[x] for x in ind.area_levels)}


def _m_value(r, ctx):
    v = r["raw_value"]
    if not str(v).strip():
        return "rule_missing_value", {}
    return "rule_bad_value", {"value": str(v)}


def _m_range(r, ctx):
    ind = ctx.catalogue[r["indicator"]]
    lo, hi = ind.range
    return "rule_out_of_range", {"value": str(r["raw_value"]), "lo": float(lo), "hi": float(hi), "unit": ind.unit,
                                 "indicator": ind.code}


def _m_number(col):
    key = f"rule_bad_{col}"

    def message(r, ctx):
        return key, {"value": str(r[f"raw_{col}"])}
    return message


def _m_negative(r, ctx):
    return "rule_negative_ratio_parts", {}


def _m_num_le_den(r, ctx):
    return "rule_numerator_above_denominator", {"numerator": str(r["raw_numerator"]),
                                                "denominator": str(r["raw_denominator"])}


def _m_matches(r, ctx):
    pct = ctx.catalogue[r["indicator"]].unit == "%"
    expected = float(r["numerator"] / r["denominator"] * (100 if pct else 1))
    return "rule_value_mismatch", {"value": str(r["raw_value"]), "expected": expected,
                                   "expected_vi": f"{expected:.2f}".replace(".", ",")}


def _m_duplicate(r, ctx):
    return "rule_duplicate", {"first": int(r["first_row"])}


def _m_scope(r, ctx):
    return "rule_outside_scope", {"area": str(r["area_code"]), "name": geography.province_name(ctx.scope_province),
                                  "province": ctx.scope_province}


RULES: dict[str, Rule] = {
    "unknown_indicator": Rule("indicator", _known_indicator, _m_indicator),
    "unresolved_name": Rule("area_name", _name_ok, _m_name),
    "unknown_area": Rule("area_code", _area_ok, _m_area),
    "name_code_mismatch": Rule("area_name", _names_agree, _m_names_agree),
    "outside_scope": Rule("area_code", _in_scope, _m_scope),
    "bad_period": Rule("period", _period_ok, _m_period),
    "future_period": Rule("period", _not_future, _m_future),
    "granularity_not_allowed": Rule("period", _granularity_ok, _m_granularity),
    "level_not_allowed": Rule("area_code", _level_ok, _m_level),
    "bad_value": Rule("value", _value_ok, _m_value),
    "out_of_range": Rule("value", _in_range, _m_range),
    "bad_numerator": Rule("numerator", _number_ok("numerator"), _m_number("numerator")),
    "bad_denominator": Rule("denominator", _number_ok("denominator"), _m_number("denominator")),
    "negative_ratio_parts": Rule("denominator", _non_negative, _m_negative),
    "numerator_above_denominator": Rule("numerator", _num_le_den, _m_num_le_den),
    "value_mismatch": Rule("value", _value_matches, _m_matches),
    "duplicate_key": Rule("period", _unique_key, _m_duplicate),
}


def build_schema(ctx: Context) -> pa.DataFrameSchema:
    """The pandera schema: the columns normalise() produces plus every rule as a named check."""
    cat = dict(dtype="category", nullable=True)
    num = dict(dtype="float64", nullable=True)
    return pa.DataFrameSchema(
        {
            "indicator": pa.Column(**cat), "area_code": pa.Column(**cat), "name_code": pa.Column(**cat),
            "period": pa.Column(**cat), "granularity": pa.Column(**cat),
            "period_start": pa.Column("datetime64[ns]", nullable=True),
            "value": pa.Column(**num), "numerator": pa.Column(**num), "denominator": pa.Column(**num),
            "numerator_blank": pa.Column(bool), "denominator_blank": pa.Column(bool),
        },
        checks=[pa.Check(lambda f, fn=rule.check: fn(f, ctx), name=name) for name, rule in RULES.items()],
        strict=True, name="upload_rows")


def check(data: Normalised, ctx: Context) -> tuple[list[Problem], int]:
    """Validate lazily; return (problems sorted by row, capped at MAX_PROBLEMS; total count)."""
    f = data.frame
    frame = f[["indicator", "area_code", "name_code", "period", "granularity", "period_start",
               "value", "numerator", "denominator"]].copy()
    frame["numerator_blank"] = data.raw["numerator"].str.strip().eq("").to_numpy()
    frame["denominator_blank"] = data.raw["denominator"].str.strip().eq("").to_numpy()
    try:
        build_schema(ctx).validate(frame, lazy=True)
        return [], 0
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
    cases = cases[cases["check"].isin(list(RULES)) & cases["index"].notna()]
    failed = cases[["check", "index"]].drop_duplicates()
    failed = failed.assign(row=data.rows.loc[failed["index"].astype(int)].to_numpy())
    failed = failed.assign(order=failed["check"].map({n: i for i, n in enumerate(RULES)}))
    failed = failed.sort_values(["row", "order"])
    shown = failed.head(MAX_PROBLEMS)
    detail = _detail_rows(frame, data, shown["index"].astype(int).unique())
    problems = []
    for name, idx, row in zip(shown["check"], shown["index"].astype(int), shown["row"]):
        rule, r = RULES[name], detail.loc[idx]
        key, params = rule.message(r, ctx)
        raw_value = r.get(f"raw_{rule.column}")
        problems.append(Problem(int(row), rule.column, None if raw_value is None else str(raw_value), key, params))
    return problems, len(failed)


def _detail_rows(frame: pd.DataFrame, data: Normalised, index: np.ndarray) -> pd.DataFrame:
    """Typed and raw values of the failing rows (as plain objects), plus each key's first row."""
    detail = frame.loc[index].astype(object)
    for col in data.raw.columns:
        detail[f"raw_{col}"] = data.raw.loc[index, col]
    keys = list(zip(*(frame[c].astype(object).loc[index] for c in ("indicator", "area_code", "period"))))
    wanted = set(keys)
    all_keys = zip(*(frame[c].astype(object) for c in ("indicator", "area_code", "period")))
    first: dict = {}
    for key, row in zip(all_keys, data.rows.to_numpy()):
        if key in wanted and key not in first:
            first[key] = row
    detail["first_row"] = [first.get(k) for k in keys]
    return detail
