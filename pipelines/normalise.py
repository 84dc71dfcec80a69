"""Turn a RawTable of strings into typed columns: canonical headers, codes, periods, numbers.

Parsing runs on unique values (codes and periods repeat) or on whole columns (numbers), never
row by row in Python. What cannot be parsed becomes null here and a named problem in schema.py."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from data import geography
from indicators.periods import parse_periods
from pipelines import layout
from pipelines.problems import Problem, UploadError, file_problem
from pipelines.read import RawTable

HEADERS, IGNORED, _LOOKUP = layout.LONG_HEADERS, layout.IGNORED, layout.LONG_LOOKUP


@dataclass
class Normalised:
    """Typed columns (`frame`) next to the original text (`raw`, canonical headers), same index."""

    frame: pd.DataFrame
    raw: pd.DataFrame
    rows: pd.Series


def canonical_headers(columns: list[str]) -> tuple[dict[str, str], list[Problem]]:
    """Map the file's headers to canonical names; report unknown, repeated and missing ones."""
    mapping, problems, seen = {}, [], {}
    for col in columns:
        key = geography.fold(col).replace(" ", "_")
        canon = _LOOKUP.get(key)
        if canon is None and key not in IGNORED:
            problems.append(file_problem("header_unknown", column=col, header=col, columns=", ".join(HEADERS)))
        elif canon and canon in seen:
            problems.append(file_problem("header_repeated", column=col, header=col, first=seen[canon]))
        elif canon:
            mapping[col], seen[canon] = canon, col
    for need in ("indicator", "period", "value"):
        if need not in seen:
            problems.append(file_problem("header_missing", column=need, header=need, alias=HEADERS[need][1]))
    if "area_code" not in seen and "area_name" not in seen:
        problems.append(file_problem("header_missing_area", column="area_code"))
    return mapping, problems


def canonical_frame(frame: pd.DataFrame, mapping: dict[str, str], columns: list[str]) -> pd.DataFrame:
    """The file's columns under their canonical names, in order, absent optional ones empty."""
    raw = frame[list(mapping)].rename(columns=mapping)
    for col in columns:
        if col not in raw:
            raw[col] = ""
    return raw[columns]


def parse_numbers(text: pd.Series) -> pd.Series:
    """'94,7', '94.7 %', '1.234,5', '1,234.5' -> float; blanks -> NaN; garbage -> NaN.

    Fast path: Arrow parses a clean column at C speed; only a column with commas, '%' or
    garbage takes the slower pandas path."""
    arr = pc.utf8_trim_whitespace(pa.array(text.astype("string[pyarrow]").array))
    arr = pc.if_else(pc.equal(arr, ""), pa.scalar(None, arr.type), arr)
    try:
        return pd.Series(pc.cast(arr, pa.float64()).to_numpy(zero_copy_only=False), index=text.index)
    except pa.ArrowInvalid:
        pass
    s = text.astype("string").str.strip()
    parsed = pd.to_numeric(s, errors="coerce")  # may come back as nullable Int64
    out = pd.Series(parsed.to_numpy(dtype="float64", na_value=np.nan), index=s.index)
    todo = out.isna() & s.ne("") & s.notna()
    if todo.any():
        t = s[todo].str.replace(r"[\s\u00a0%]", "", regex=True)
        both = t.str.contains(",", regex=False) & t.str.contains(".", regex=False)
        comma_last = t.str.rfind(",") > t.str.rfind(".")
        t = t.mask(both & comma_last, t.str.replace(".", "", regex=False))
        t = t.mask(both & ~comma_last, t.str.replace(",", "", regex=False))
        t = t.str.replace(",", ".", regex=False)
        out[todo] = pd.to_numeric(t, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    return out


def map_categories(values: pd.Series, fn) -> pd.Categorical:
    """Apply fn to each distinct value only; the result is a Categorical aligned with `values`."""
    codes, uniques = pd.factorize(values)
    mapped = pd.Categorical([fn(u) for u in uniques])
    taken = np.append(mapped.codes, -1)[np.where(codes < 0, len(uniques), codes)]
    return pd.Categorical.from_codes(taken, categories=mapped.categories)


def normalise(table: RawTable, scope_province: str | None = None) -> Normalised:
    """Canonical, typed columns; raises UploadError when the headers are wrong.

    Codes, names and periods become Categoricals: a million rows hold a few thousand distinct
    values, and every later check then works on the categories."""
    mapping, problems = canonical_headers(list(table.frame.columns))
    if problems:
        raise UploadError(problems)
    raw = canonical_frame(table.frame, mapping, list(HEADERS))
    frame = pd.DataFrame(index=raw.index)
    frame["indicator"] = map_categories(raw["indicator"], lambda v: str(v).strip().lower() or None)
    codes = map_categories(raw["area_code"], lambda v: geography.normalise_code(str(v)) or None)
    if raw["area_name"].ne("").any():
        code_obj = np.asarray(codes, dtype=object)
        code_obj[pd.isna(code_obj)] = None
        pairs = pd.Series(list(zip(raw["area_name"], code_obj)), index=raw.index)
        name_code = map_categories(pairs, lambda p: _name_to_code(p[0], p[1], scope_province))
        merged = np.where(pd.isna(code_obj), np.asarray(name_code, dtype=object), code_obj)
        frame["area_code"] = pd.Categorical(merged)
        frame["name_code"] = name_code
    else:
        frame["area_code"] = codes
        frame["name_code"] = pd.Categorical([None] * len(raw), categories=[])
    periods = parse_periods(raw["period"].where(raw["period"].ne(""), None))
    frame[["period", "granularity", "period_start"]] = periods[["period", "granularity", "start"]]
    for col in ("value", "numerator", "denominator"):
        frame[col] = parse_numbers(raw[col])
    frame["note"] = raw["note"].astype("string").str.strip().replace("", pd.NA)
    return Normalised(frame, raw, table.rows)


def _name_to_code(name: str, code: str | None, scope_province: str | None) -> str:
    """The code a name resolves to, or a marker 'ERR:<reason>' kept for the problem message."""
    if not str(name).strip():
        return code or "ERR:empty"
    province = scope_province
    if code and len(code) == 5:
        province = geography.commune_province().get(code, province)
    m = geography.match_name(name, province)
    return m.code if m.code else f"ERR:{m.reason}"
