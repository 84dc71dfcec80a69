"""The gate: every rule over normalised upload rows, and its failures as Problems.

Each rule is a named, vectorised check (True = the row passes), run over the whole frame, all
rules always (every problem at once). A rule that depends on another column passes when that
column is already wrong, so each mistake is reported once.
In a wide file a record is one cell: problems about the cell name its column's heading, and
a problem about the row (its area, its period) is reported once per row, not once per cell."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from data import geography
from indicators.catalogue import Catalogue
from pipelines import layout
from pipelines.messages import unit_word
from pipelines.normalise import Normalised
from pipelines.problems import MAX_PROBLEMS, Problem

# Percentages are usually rounded to one decimal: allow that much between value and num/den.
RATIO_TOLERANCE = 0.051
# What Excel writes in a cell whose formula failed.
EXCEL_ERRORS = frozenset({"#DIV/0!", "#N/A", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!",
                          "#GETTING_DATA"})


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
    cell: bool = False                # about the figure itself: in a wide file, named by its column heading


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
    province_wrong = f["province"].isna().to_numpy() & ~f["province_blank"].to_numpy()
    return _s(f, ~per_category(f["area_code"], _is_err) | province_wrong)


def _area_ok(f, ctx):
    levels, _ = geography.area_info()
    return _s(f, per_category(f["area_code"], lambda c: _is_err(c) or c in levels))


def _names_agree(f, ctx):
    levels, _ = geography.area_info()
    return _s(f, per_pair(f["name_code"], f["area_code"],
                          lambda n, a: n is None or a not in levels or n == a))


def _province_ok(f, ctx):
    return _s(f, f["province"].notna().to_numpy() | f["province_blank"].to_numpy())


def _province_agrees(f, ctx):
    _, province_of = geography.area_info()
    return _s(f, per_pair(f["area_code"], f["province"],
                          lambda a, p: p is None or a not in province_of or province_of[a] == p))


def _period_ok(f, ctx):
    return _s(f, f["period"].notna().to_numpy())


def _not_future(f, ctx):
    return _s(f, ~(f["period_start"].to_numpy() > np.datetime64(ctx.today, "ns")))


def _granularity_ok(f, ctx):
    known = ctx.catalogue.by_code()  # once: a pair of categories each (every indicator x area of a file)

    def ok(ind, gran):
        return ind not in known or gran is None or gran in known[ind].periods
    return _s(f, per_pair(f["indicator"], f["granularity"], ok))


def _level_ok(f, ctx):
    levels, _ = geography.area_info()
    known = ctx.catalogue.by_code()

    def ok(ind, area):
        return ind not in known or area not in levels or levels[area] in known[ind].area_levels
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


def _expected(f, ctx) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(is a % indicator, value numerator/denominator give, how far the value may be from it)."""
    pct = per_category(f["indicator"], lambda c: c in ctx.catalogue and ctx.catalogue[c].is_percent)
    num, den = f["numerator"].to_numpy(), f["denominator"].to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        expected = num / den * np.where(pct, 100.0, 1.0)
    return pct, expected, np.maximum(RATIO_TOLERANCE, np.abs(expected) * 0.0005)


def _fraction_suspect(f, ctx) -> np.ndarray:
    """A % figure of at most 1 typed without '%' (a percent cell's 0.947 pasted as a number),
    unless its numerator and denominator say it really is that small."""
    pct, expected, tolerance = _expected(f, ctx)
    value = f["value"].to_numpy()
    with np.errstate(invalid="ignore"):
        confirmed = np.abs(value - expected) <= tolerance
        return pct & (value > 0) & (value <= 1) & ~f["value_pct_sign"].to_numpy() & ~confirmed


def _not_fraction(f, ctx):
    return _s(f, ~_fraction_suspect(f, ctx))


def _value_matches(f, ctx):
    _, expected, tolerance = _expected(f, ctx)
    num, den, value = (f[c].to_numpy() for c in ("numerator", "denominator", "value"))
    with np.errstate(invalid="ignore"):
        comparable = ~np.isnan(value) & np.isfinite(expected) & (den > 0)
        return _s(f, ~comparable | (np.abs(value - expected) <= tolerance) | (num > den) | _fraction_suspect(f, ctx))


def key_codes(f: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(one int64 per record, equal where indicator, area and period are equal; whether all three
    are given), from the three Categoricals' codes."""
    codes = [f[c].cat.codes.to_numpy().astype(np.int64) for c in ("indicator", "area_code", "period")]
    complete = (codes[0] >= 0) & (codes[1] >= 0) & (codes[2] >= 0)
    sizes = [len(f[c].cat.categories) + 1 for c in ("area_code", "period")]
    return (codes[0] * sizes[0] + codes[1]) * sizes[1] + codes[2], complete


def _unique_key(f, ctx):
    key, complete = key_codes(f)
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
    if reason.startswith("ambiguous"):
        codes = geography.commune_candidates(layout.clean_text(name), reason.partition(":")[2] or None)
        return "rule_ambiguous_commune", {"name": name, "candidates": _candidates(codes)}
    province = reason.partition(":")[2]
    if province and (elsewhere := geography.commune_candidates(layout.clean_text(name))):
        return "rule_name_not_in_province", {"name": name, "province_name": geography.province_name(province),
                                             "candidates": _candidates(elsewhere)}
    return "rule_unknown_name", {"name": name}


def _candidates(codes: list[str]) -> str:
    """'24526 Xã Tân Tiến (Đắk Lắk), ...': each commune a name may mean, with its province."""
    _, province_of = geography.area_info()
    return ", ".join(f"{c} {geography.area_name(c)} ({geography.province_name(province_of[c])})" for c in codes)


def _m_province(r, ctx):
    return "rule_unknown_province", {"value": str(r["raw_province"])}


def _m_province_agrees(r, ctx):
    _, province_of = geography.area_info()
    area, home = str(r["area_code"]), province_of.get(str(r["area_code"]), "")
    return "rule_province_mismatch", {"area": area, "name": geography.area_name(area), "province": home,
                                      "province_name": geography.province_name(home), "value": str(r["raw_province"])}


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
    return _excel_error(v) or ("rule_bad_value", {"value": str(v)})


def _excel_error(text) -> tuple[str, dict] | None:
    error = layout.clean_text(text).upper()
    return ("rule_excel_error", {"error": error}) if error in EXCEL_ERRORS else None


def _vi_number(x: float) -> str:
    return f"{x:g}".replace(".", ",")


def _m_fraction(r, ctx):
    value = float(r["value"])
    pct = round(value * 100, 6)
    return "rule_percent_fraction", {"value": f"{value:g}", "value_vi": _vi_number(value), "pct": f"{pct:g}",
                                     "pct_vi": _vi_number(pct)}


def _m_range(r, ctx):
    ind = ctx.catalogue[r["indicator"]]
    lo, hi = ind.range
    return "rule_out_of_range", {"value": str(r["raw_value"]), "lo": float(lo), "hi": float(hi),
                                 "unit": {"vi": unit_word(ind.unit, "vi"), "en": ind.unit},
                                 "indicator": {"vi": ind.name.vi, "en": ind.name.en}}


def _m_number(col):
    key = f"rule_bad_{col}"

    def message(r, ctx):
        return _excel_error(r[f"raw_{col}"]) or (key, {"value": str(r[f"raw_{col}"])})
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
    return "rule_duplicate", {"first": r["first_row"]}


def _m_scope(r, ctx):
    return "rule_outside_scope", {"area": str(r["area_code"]), "name": geography.province_name(ctx.scope_province),
                                  "province": ctx.scope_province}


RULES: dict[str, Rule] = {
    "unknown_indicator": Rule("indicator", _known_indicator, _m_indicator, cell=True),
    "unknown_province": Rule("province", _province_ok, _m_province),
    "unresolved_name": Rule("area_name", _name_ok, _m_name),
    "unknown_area": Rule("area_code", _area_ok, _m_area),
    "name_code_mismatch": Rule("area_name", _names_agree, _m_names_agree),
    "province_mismatch": Rule("province", _province_agrees, _m_province_agrees),
    "outside_scope": Rule("area_code", _in_scope, _m_scope),
    "bad_period": Rule("period", _period_ok, _m_period),
    "future_period": Rule("period", _not_future, _m_future),
    "granularity_not_allowed": Rule("period", _granularity_ok, _m_granularity, cell=True),
    "level_not_allowed": Rule("area_code", _level_ok, _m_level, cell=True),
    "bad_value": Rule("value", _value_ok, _m_value, cell=True),
    "out_of_range": Rule("value", _in_range, _m_range, cell=True),
    "percent_fraction": Rule("value", _not_fraction, _m_fraction, cell=True),
    "bad_numerator": Rule("numerator", _number_ok("numerator"), _m_number("numerator"), cell=True),
    "bad_denominator": Rule("denominator", _number_ok("denominator"), _m_number("denominator"), cell=True),
    "negative_ratio_parts": Rule("denominator", _non_negative, _m_negative, cell=True),
    "numerator_above_denominator": Rule("numerator", _num_le_den, _m_num_le_den, cell=True),
    "value_mismatch": Rule("value", _value_matches, _m_matches, cell=True),
    "duplicate_key": Rule("period", _unique_key, _m_duplicate, cell=True),
}


# The typed columns every rule may read: what normalise() produces, plus the blanks and '%' signs.
CHECKED_COLUMNS = ["indicator", "province", "area_code", "name_code", "period", "granularity", "period_start",
                   "value", "numerator", "denominator"]


def failures(frame: pd.DataFrame, ctx: Context) -> pd.DataFrame:
    """(check, index) of each record a rule fails: rule by rule in RULES order, records in frame order.

    (A pandera DataFrameSchema ran these checks until issue 15; importing and running pandera cost
    a one-row `nq72 ingest` about a second. The rules were always plain functions of the frame.)"""
    checks, index = [], []
    for name, rule in RULES.items():
        failed = frame.index[~np.asarray(rule.check(frame, ctx), dtype=bool)]
        checks += [name] * len(failed)
        index.append(failed.to_numpy())
    return pd.DataFrame({"check": pd.Series(checks, dtype=object),
                         "index": np.concatenate(index) if index else np.empty(0, dtype=np.int64)}).drop_duplicates()


def check(data: Normalised, ctx: Context) -> tuple[list[Problem], int]:
    """Every rule over every record; return (problems by sheet then row, capped at MAX_PROBLEMS; total count)."""
    frame = _checked_frame(data)
    cases = failures(frame, ctx)
    if cases.empty:
        return [], 0
    failed = _located(cases, data)
    shown = failed.head(MAX_PROBLEMS)
    detail = _detail_rows(frame, data, shown["index"].unique())
    problems = []
    for name, idx, row, sheet, column in zip(shown["check"], shown["index"], shown["row"], shown["sheet"], shown["column"]):
        rule, r = RULES[name], detail.loc[idx]
        key, params = rule.message(r, ctx)
        raw_value = r.get(f"raw_{rule.column}")
        problems.append(Problem(int(row), column, None if raw_value is None else str(raw_value), key, params,
                                None if pd.isna(sheet) else str(sheet)))
    return problems, len(failed)


def passes(data: Normalised, ctx: Context) -> bool:
    """Whether every record passes every rule (no problem worded)."""
    return failures(_checked_frame(data), ctx).empty


def _checked_frame(data: Normalised) -> pd.DataFrame:
    """The typed columns every rule reads, with the blanks and '%' signs of the raw text."""
    f = data.frame
    frame = f[CHECKED_COLUMNS].copy(deep=False)  # the columns added below stay out of data.frame; no data copied
    for col in ("numerator", "denominator", "province"):
        frame[f"{col}_blank"] = data.raw[col].str.strip().eq("").to_numpy()
    frame["value_pct_sign"] = _percent_sign(f["value"].to_numpy(), data.raw["value"])
    return frame


def _percent_sign(value: np.ndarray, raw: pd.Series) -> np.ndarray:
    """Whether the text of each value between 0 and 1 was written with '%' (only those are looked at)."""
    with np.errstate(invalid="ignore"):
        small = (value > 0) & (value <= 1)
    sign = np.zeros(len(value), dtype=bool)
    if small.any():  # the texts of those cells only (a column of a million as Python strings takes a while)
        texts = raw.iloc[np.flatnonzero(small)].to_numpy()
        sign[small] = np.fromiter(("%" in str(t) for t in texts), dtype=bool, count=int(small.sum()))
    return sign


def _located(failed: pd.DataFrame, data: Normalised) -> pd.DataFrame:
    """Failures with their sheet, row and column, in sheet, row and rule order; in a wide file a
    cell's column is its heading, and a row's problem appears once however many cells it has."""
    idx = failed["index"].astype(int).to_numpy()
    names = failed["check"]
    column = names.map({n: r.column for n, r in RULES.items()}).to_numpy(dtype=object)
    if data.headings is not None:
        cell = names.map({n: r.cell for n, r in RULES.items()}).to_numpy(dtype=bool)
        column[cell] = data.headings.loc[idx].to_numpy(dtype=object)[cell]
    sheets = data.sheets if data.sheets is not None else pd.Series(None, index=data.rows.index, dtype=object)
    sheet_order = pd.Series(pd.factorize(sheets)[0], index=sheets.index)
    failed = failed.assign(index=idx, row=data.rows.loc[idx].to_numpy(), sheet=sheets.loc[idx].to_numpy(),
                           sheet_order=sheet_order.loc[idx].to_numpy(), column=column,
                           order=names.map({n: i for i, n in enumerate(RULES)}).to_numpy())
    failed = failed.sort_values(["sheet_order", "row", "order"], kind="stable")
    return failed.drop_duplicates(["check", "sheet_order", "row", "column"])


def _detail_rows(frame: pd.DataFrame, data: Normalised, index: np.ndarray) -> pd.DataFrame:
    """Typed and raw values of the failing rows (as plain objects), plus each key's first row."""
    detail = frame.loc[index].astype(object)
    for col in data.raw.columns:
        detail[f"raw_{col}"] = data.raw.loc[index, col]
    detail["first_row"] = _first_rows(frame, data, index)
    return detail


def _first_rows(frame: pd.DataFrame, data: Normalised, index: np.ndarray) -> list[int | str | None]:
    """For each record of `index`, the first row holding its indicator, area and period (with its
    sheet when that is another): what a repeated key's message names. Found on the key codes of the
    records holding those keys only; a Python loop over every key took half a second a million."""
    key, _ = key_codes(frame)
    positions = frame.index.get_indexer(index)
    wanted = key[positions]
    holders = np.flatnonzero(np.isin(key, wanted))  # in record order
    firsts = holders[~pd.Index(key[holders]).duplicated()]
    first_of = dict(zip(key[firsts].tolist(), firsts.tolist()))
    rows = data.rows.to_numpy()
    sheets = data.sheets.to_numpy() if data.sheets is not None else np.full(len(rows), None, dtype=object)
    return [_row_name((rows[first_of[k]], sheets[first_of[k]]), sheets[p]) for k, p in zip(wanted.tolist(), positions)]


def _row_name(first: tuple | None, sheet) -> int | str | None:
    """The first row of a duplicated key, with its sheet when that is another sheet."""
    if first is None:
        return None
    row, first_sheet = first
    return int(row) if pd.isna(first_sheet) or first_sheet == sheet else f"{int(row)} ({first_sheet})"
