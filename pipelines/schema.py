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
from indicators.catalogue import Catalogue, catalogue
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
    message: Callable[[pd.Series, Context], tuple[str, str]]


def _lookup(frame: pd.DataFrame, ctx: Context, attr: str) -> pd.Series:
    """Per-row attribute of the row's indicator (NaN/None where the indicator is unknown)."""
    table = {i.code: getattr(i, attr) for i in ctx.catalogue.indicators}
    return frame["indicator"].map(table)


def _known_indicator(f, ctx):
    return f["indicator"].isin(ctx.catalogue.codes)


def _area_level(f):
    levels, _ = geography.area_info()
    return f["area_code"].map(levels)


def _area_known(f):
    return _area_level(f).notna()


def _name_ok(f, ctx):
    nc = f["name_code"]
    unresolved = nc.notna() & nc.astype(str).str.startswith("ERR:")
    return ~unresolved | f["area_code"].notna() & ~f["area_code"].astype(str).str.startswith("ERR:")


def _area_ok(f, ctx):
    code = f["area_code"]
    from_name = code.astype(str).str.startswith("ERR:")
    return from_name | _area_known(f)


def _names_agree(f, ctx):
    nc = f["name_code"]
    comparable = nc.notna() & ~nc.astype(str).str.startswith("ERR:") & _area_known(f)
    return ~comparable | (nc == f["area_code"])


def _period_ok(f, ctx):
    return f["period"].notna()


def _not_future(f, ctx):
    return ~(f["period_start"] > pd.Timestamp(ctx.today))


def _granularity_fast(f, ctx):
    pairs = {(i.code, g) for i in ctx.catalogue.indicators for g in i.periods}
    key = f["indicator"].astype(str) + "|" + f["granularity"].astype(str)
    allowed = pd.Series([f"{c}|{g}" for c, g in pairs])
    return key.isin(allowed) | ~_known_indicator(f, ctx) | f["granularity"].isna()


def _level_ok(f, ctx):
    pairs = {f"{i.code}|{lvl}" for i in ctx.catalogue.indicators for lvl in i.area_levels}
    level = _area_level(f)
    key = f["indicator"].astype(str) + "|" + level.astype(str)
    return key.isin(pairs) | ~_known_indicator(f, ctx) | level.isna()


def _value_ok(f, ctx):
    return f["value"].notna()


def _in_range(f, ctx):
    rng = _lookup(f, ctx, "range")
    lo = rng.map(lambda r: r[0] if isinstance(r, tuple) else np.nan).astype(float)
    hi = rng.map(lambda r: r[1] if isinstance(r, tuple) else np.nan).astype(float)
    v = f["value"]
    return v.isna() | lo.isna() | ((v >= lo) & (v <= hi))


def _number_ok(col):
    def check(f, ctx):
        return f[col].notna() | f[f"{col}_blank"]
    return check


def _non_negative(f, ctx):
    return ~((f["numerator"] < 0) | (f["denominator"] <= 0))


def _num_le_den(f, ctx):
    return ~(f["numerator"] > f["denominator"])


def _value_matches(f, ctx):
    pct = _lookup(f, ctx, "unit") == "%"
    expected = f["numerator"] / f["denominator"] * np.where(pct, 100.0, 1.0)
    diff = (f["value"] - expected).abs()
    tolerance = np.maximum(RATIO_TOLERANCE, expected.abs() * 0.0005)
    comparable = f["value"].notna() & expected.notna() & np.isfinite(expected) & (f["denominator"] > 0)
    return ~comparable | (diff <= tolerance) | (f["numerator"] > f["denominator"])


def _unique_key(f, ctx):
    keyed = f[["indicator", "area_code", "period"]]
    complete = keyed.notna().all(axis=1)
    return ~(keyed.duplicated(keep="first") & complete)


def _in_scope(f, ctx):
    if ctx.scope_province is None:
        return pd.Series(True, index=f.index)
    _, province_of = geography.area_info()
    prov = f["area_code"].map(province_of)
    return prov.isna() | (prov == ctx.scope_province)


def _m_indicator(r, ctx):
    v = r["raw_indicator"]
    if not str(v).strip():
        return "Thiếu mã chỉ tiêu.", "Missing indicator code."
    return (f"Mã chỉ tiêu '{v}' không có trong danh mục.",
            f"Unknown indicator code '{v}'. See `nq72 template` or the About page for the codes.")


def _m_name(r, ctx):
    reason, name = str(r["name_code"])[4:], r["raw_area_name"]
    if reason == "empty":
        return "Thiếu mã và tên đơn vị hành chính.", "Missing area code and area name."
    if reason.startswith("former:"):
        new = reason.split(":")[1]
        new_name = geography.province_name(new)
        return (f"'{name}' là tên tỉnh trước 01/7/2025, nay thuộc {new_name} ({new}); hãy dùng mã mới.",
                f"'{name}' is a province name from before 1 July 2025, now part of {new_name} ({new}); use the new code.")
    if reason == "ambiguous":
        return (f"Tên '{name}' trùng ở nhiều đơn vị; hãy ghi mã đơn vị hành chính (ma_dvhc).",
                f"The name '{name}' matches several areas; give the area code (area_code).")
    return (f"Không tìm thấy đơn vị hành chính tên '{name}' (danh mục từ 01/7/2025).",
            f"No area named '{name}' in the list in force since 1 July 2025.")


def _m_area(r, ctx):
    code = r["raw_area_code"]
    if not str(code).strip():
        return "Thiếu mã đơn vị hành chính.", "Missing area code."
    absorbed = geography.former_codes().get(str(r["area_code"]))
    if absorbed:
        name = geography.province_name(absorbed)
        return (f"Mã '{code}' là mã tỉnh cũ (trước 01/7/2025), nay thuộc {name} ({absorbed}).",
                f"Code '{code}' is a province code from before 1 July 2025, now part of {name} ({absorbed}).")
    return (f"Mã đơn vị hành chính '{code}' không tồn tại (2 chữ số cho tỉnh, 5 chữ số cho xã).",
            f"Unknown area code '{code}' (2 digits for a province, 5 for a commune).")


def _m_names_agree(r, ctx):
    return (f"Tên '{r['raw_area_name']}' không khớp mã '{r['area_code']}' ({geography.area_name(r['area_code'])}).",
            f"Name '{r['raw_area_name']}' does not match code '{r['area_code']}' ({geography.area_name(r['area_code'])}).")


def _m_period(r, ctx):
    v = r["raw_period"]
    if not str(v).strip():
        return "Thiếu kỳ báo cáo.", "Missing period."
    return (f"Kỳ '{v}' không hợp lệ; dùng YYYY, YYYY-Qn hoặc YYYY-MM.",
            f"Period '{v}' is not valid; use YYYY, YYYY-Qn or YYYY-MM.")


def _m_future(r, ctx):
    return (f"Kỳ {r['period']} chưa bắt đầu (hôm nay {ctx.today:%d/%m/%Y}).",
            f"Period {r['period']} has not started yet (today is {ctx.today:%Y-%m-%d}).")


_GRAN_VI = {"month": "tháng", "quarter": "quý", "year": "năm"}


def _m_granularity(r, ctx):
    ind = ctx.catalogue[r["indicator"]]
    allowed_vi = ", ".join(_GRAN_VI[g] for g in ind.periods)
    return (f"Chỉ tiêu {ind.code} không báo cáo theo {_GRAN_VI[r['granularity']]}; chỉ theo: {allowed_vi}.",
            f"{ind.code} is not reported by {r['granularity']}; allowed: {', '.join(ind.periods)}.")


def _m_level(r, ctx):
    ind = ctx.catalogue[r["indicator"]]
    level_vi = {"province": "tỉnh", "commune": "xã"}
    levels, _ = geography.area_info()
    lvl = levels.get(r["area_code"], "?")
    return (f"Chỉ tiêu {ind.code} không báo cáo cho cấp {level_vi.get(lvl, lvl)}; chỉ cấp: "
            f"{', '.join(level_vi[x] for x in ind.area_levels)}.",
            f"{ind.code} is not reported for a {lvl}; only for: {', '.join(ind.area_levels)}.")


def _m_value(r, ctx):
    v = r["raw_value"]
    if not str(v).strip():
        return "Thiếu giá trị.", "Missing value."
    return f"Giá trị '{v}' không phải là số.", f"Value '{v}' is not a number."


def _m_range(r, ctx):
    ind = ctx.catalogue[r["indicator"]]
    lo, hi = ind.range
    return (f"Giá trị {r['raw_value']} nằm ngoài khoảng hợp lý {lo:g}–{hi:g} {ind.unit} của {ind.code}.",
            f"Value {r['raw_value']} is outside the plausible range {lo:g}–{hi:g} {ind.unit} for {ind.code}.")


def _m_number(col):
    vi_name = {"numerator": "Tử số", "denominator": "Mẫu số"}[col]

    def message(r, ctx):
        v = r[f"raw_{col}"]
        return f"{vi_name} '{v}' không phải là số.", f"{col.capitalize()} '{v}' is not a number."
    return message


def _m_negative(r, ctx):
    return ("Tử số phải ≥ 0 và mẫu số phải > 0.", "The numerator must be ≥ 0 and the denominator > 0.")


def _m_num_le_den(r, ctx):
    return (f"Tử số {r['raw_numerator']} lớn hơn mẫu số {r['raw_denominator']}.",
            f"Numerator {r['raw_numerator']} is greater than denominator {r['raw_denominator']}.")


def _m_matches(r, ctx):
    pct = ctx.catalogue[r["indicator"]].unit == "%"
    expected = r["numerator"] / r["denominator"] * (100 if pct else 1)
    exp_vi = f"{expected:.2f}".replace(".", ",")
    return (f"Giá trị {r['raw_value']} không khớp tử số/mẫu số ({exp_vi}).",
            f"Value {r['raw_value']} does not match numerator/denominator ({expected:.2f}).")


def _m_duplicate(r, ctx):
    first = int(r["first_row"])
    return (f"Trùng chỉ tiêu, đơn vị và kỳ với dòng {first}.",
            f"Same indicator, area and period as row {first}.")


def _m_scope(r, ctx):
    name = geography.province_name(ctx.scope_province)
    return (f"Đơn vị '{r['area_code']}' không thuộc {name} ({ctx.scope_province}); chỉ được tải số liệu của tỉnh mình.",
            f"Area '{r['area_code']}' is outside {name} ({ctx.scope_province}); you may only load your own province.")


RULES: dict[str, Rule] = {
    "unknown_indicator": Rule("indicator", _known_indicator, _m_indicator),
    "unresolved_name": Rule("area_name", _name_ok, _m_name),
    "unknown_area": Rule("area_code", _area_ok, _m_area),
    "name_code_mismatch": Rule("area_name", _names_agree, _m_names_agree),
    "outside_scope": Rule("area_code", _in_scope, _m_scope),
    "bad_period": Rule("period", _period_ok, _m_period),
    "future_period": Rule("period", _not_future, _m_future),
    "granularity_not_allowed": Rule("period", _granularity_fast, _m_granularity),
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
    """The pandera schema: typed columns plus every rule as a named dataframe check."""
    text = dict(dtype=object, nullable=True)
    return pa.DataFrameSchema(
        {
            "indicator": pa.Column(**text), "area_code": pa.Column(**text), "name_code": pa.Column(**text),
            "period": pa.Column(**text), "granularity": pa.Column(**text),
            "period_start": pa.Column("datetime64[ns]", nullable=True),
            "value": pa.Column(float, nullable=True), "numerator": pa.Column(float, nullable=True),
            "denominator": pa.Column(float, nullable=True),
            "numerator_blank": pa.Column(bool), "denominator_blank": pa.Column(bool),
        },
        checks=[pa.Check(lambda f, fn=rule.check: fn(f, ctx), name=name) for name, rule in RULES.items()],
        strict=True, coerce=True, name="upload_rows")


def check(data: Normalised, ctx: Context) -> tuple[list[Problem], int]:
    """Validate lazily; return (problems sorted by row, capped at MAX_PROBLEMS; total count)."""
    f = data.frame
    frame = f[["indicator", "area_code", "name_code", "period", "granularity", "period_start",
               "value", "numerator", "denominator"]].copy()
    frame["period_start"] = frame["period_start"].astype("datetime64[ns]")
    frame["numerator_blank"] = data.raw["numerator"].str.strip().eq("").to_numpy()
    frame["denominator_blank"] = data.raw["denominator"].str.strip().eq("").to_numpy()
    try:
        build_schema(ctx).validate(frame, lazy=True)
        return [], 0
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
    cases = cases[cases["check"].isin(RULES) & cases["index"].notna()]
    failed = cases[["check", "index"]].drop_duplicates()
    failed = failed.assign(row=data.rows.loc[failed["index"].astype(int)].to_numpy())
    failed = failed.assign(order=failed["check"].map({n: i for i, n in enumerate(RULES)}))
    failed = failed.sort_values(["row", "order"])
    shown = failed.head(MAX_PROBLEMS)
    detail = _detail_rows(frame, data, shown["index"].astype(int).unique())
    problems = []
    for name, idx, row in zip(shown["check"], shown["index"].astype(int), shown["row"]):
        rule, r = RULES[name], detail.loc[idx]
        vi, en = rule.message(r, ctx)
        raw_value = r.get(f"raw_{rule.column}")
        problems.append(Problem(int(row), rule.column, None if raw_value is None else str(raw_value), vi, en))
    return problems, len(failed)


def _detail_rows(frame: pd.DataFrame, data: Normalised, index: np.ndarray) -> pd.DataFrame:
    """Typed and raw values of the failing rows, plus the first row of each duplicated key."""
    detail = frame.loc[index].copy()
    for col in data.raw.columns:
        detail[f"raw_{col}"] = data.raw.loc[index, col]
    keyed = frame[["indicator", "area_code", "period"]].astype(str)
    first = data.rows.groupby([keyed[c] for c in keyed.columns]).transform("min")
    detail["first_row"] = first.loc[index]
    return detail
