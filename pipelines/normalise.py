"""Turn a RawTable of strings into typed columns: canonical headers, codes, periods, numbers.

Two layouts (pipelines.layout tells them by the header): long, one row per indicator, area and
period; wide, one row per area and period and one column per indicator, melted here into long
rows (one per filled cell) that keep the spreadsheet row and the column's own heading.

Parsing runs on unique values (codes and periods repeat) or on whole columns (numbers), never
row by row in Python. What cannot be parsed becomes null here and a named problem in schema.py.

Periods: a date cell is the month it falls in ('2026-10' from a cell formatted mm/yyyy,
'2026-10-15' or '15/10/2026', day first as Vietnamese Windows writes it, are both October 2026);
a quarterly or yearly indicator given a date is then refused by the granularity rule.
Numbers: see parse_numbers."""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from data import geography
from indicators.catalogue import catalogue
from indicators.periods import parse_periods
from pipelines import layout
from pipelines.problems import Problem, UploadError, file_problem
from pipelines.read import RawTable

HEADERS, IGNORED, _LOOKUP = layout.LONG_HEADERS, layout.IGNORED, layout.LONG_LOOKUP
# The columns a wide file may hold besides one column per indicator.
WIDE_COLUMNS = ["area_code", "area_name", "province", "period", "note"]
# Dots grouping thousands: '184.000', '1.000.000' (never '0.947': a first group of 0 is a decimal).
_DOT_GROUPED = r"^[+-]?[1-9]\d{0,2}(?:\.\d{3})+$"
# Two or more commas can only group thousands ('1,000,000'); one comma is a decimal comma.
_COMMA_GROUPED = r"^[+-]?[1-9]\d{0,2}(?:,\d{3}){2,}$"
# How a workbook's number cell arrives (Python's float text): one dot, last digit not 0. In a
# workbook '2.345' is that number; only a text cell can hold '184.000' or '1.000.000'.
_FLOAT_TEXT = r"^[+-]?\d+\.\d*[1-9]$"
# What a number's text loses: Python's whitespace (every str.isspace() character, as `\\s` in re),
# invisible characters and '%'; written for Arrow's regex engine, whose `\\s` is ASCII only.
_DROPPED_CHARS = sorted({c for c in map(chr, range(0x3001)) if c.isspace()} | set(layout.INVISIBLE + layout.SPACES + "%"))
_DROPPED_RE2 = "[" + "".join(f"\\x{{{ord(c):x}}}" for c in _DROPPED_CHARS) + "]"
# A number as Arrow and pandas parse it alike (ASCII digits, an optional exponent).
_PLAIN_NUMBER = r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$"
_DAY_FIRST = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?: 00:00(?::00)?)?$")


@dataclass
class Normalised:
    """Typed columns (`frame`) next to the original text (`raw`, canonical headers), same index;
    the spreadsheet row of each record, its sheet (workbooks) and, in a wide file, the heading of
    the column its value came from."""

    frame: pd.DataFrame
    raw: pd.DataFrame
    rows: pd.Series
    sheets: pd.Series | None = None
    headings: pd.Series | None = None


def canonical_headers(columns: list[str]) -> tuple[dict[str, str], list[Problem]]:
    """Map the file's headers to canonical names; report unknown, repeated and missing ones."""
    mapping, problems, seen = {}, [], {}
    for col in columns:
        key = layout.heading_key(col)
        canon = _LOOKUP.get(key)
        if canon is None and key not in IGNORED:
            problems.append(file_problem("header_unknown", column=col, header=col, columns=", ".join(HEADERS)))
        elif canon and canon in seen:
            problems.append(file_problem("header_repeated", column=col, header=col, first=seen[canon]))
        elif canon:
            mapping[col], seen[canon] = canon, col
    problems += _missing(seen, ("indicator", "period", "value"))
    return mapping, problems


def wide_headers(columns: list[str]) -> tuple[dict[str, str], dict[str, str], list[Problem]]:
    """(area/period columns -> canonical name, indicator columns -> indicator code, problems)."""
    mapping, indicators, problems, seen = {}, {}, [], {}
    for col in columns:
        key = layout.heading_key(col)
        canon = _LOOKUP.get(key) if _LOOKUP.get(key) in WIDE_COLUMNS else None
        canon = canon or layout.indicator_for_heading(col)
        if canon is None and key not in IGNORED:
            known = ", ".join(WIDE_COLUMNS + [i.code for i in catalogue().indicators])
            problems.append(file_problem("header_unknown", column=col, header=col, columns=known))
        elif canon and canon in seen:
            problems.append(file_problem("header_repeated", column=col, header=col, first=seen[canon]))
        elif canon:
            (mapping if canon in WIDE_COLUMNS else indicators)[col], seen[canon] = canon, col
    return mapping, indicators, problems + _missing(seen, ("period",))


def _missing(seen: dict[str, str], needed: tuple[str, ...]) -> list[Problem]:
    problems = [file_problem("header_missing", column=need, header=need, alias=HEADERS[need][1])
                for need in needed if need not in seen]
    if "area_code" not in seen and "area_name" not in seen:
        problems.append(file_problem("header_missing_area", column="area_code"))
    return problems


def canonical_frame(frame: pd.DataFrame, mapping: dict[str, str], columns: list[str]) -> pd.DataFrame:
    """The file's columns under their canonical names, in order, absent optional ones empty."""
    raw = frame[list(mapping)].rename(columns=mapping)
    for col in columns:
        if col not in raw:
            raw[col] = ""
    return raw[columns]


def melt_wide(table: RawTable, mapping: dict[str, str], indicators: dict[str, str], scope_province: str | None,
              from_workbook: bool) -> Normalised:
    """One long record per filled indicator cell, in sheet order (row, then column), with the
    spreadsheet row, sheet and heading of each cell. Areas and periods are typed once per line
    and then repeated for its cells, so a wide value costs no more than a long one."""
    records = canonical_frame(table.frame, mapping, WIDE_COLUMNS)
    places = _typed_places(records, scope_province)
    cells = table.frame[list(indicators)]
    filled = np.column_stack([pc.not_equal(pc.utf8_trim_whitespace(pa.array(cells.iloc[:, j].astype("string[pyarrow]").array)),
                                           "").to_numpy(zero_copy_only=False) for j in range(cells.shape[1])])
    rec, col = np.nonzero(filled)  # row-major: a line's cells in column order
    if len(rec) == 0:
        raise UploadError([file_problem("upload_wide_empty")])
    codes, headings = list(indicators.values()), np.array(list(indicators), dtype=object)
    raw = records.take(rec).reset_index(drop=True)
    raw["indicator"] = pd.Categorical.from_codes(col, categories=codes)
    raw["value"] = cells.to_numpy(dtype=object)[rec, col]
    raw["numerator"] = raw["denominator"] = pd.Categorical.from_codes(np.zeros(len(rec), dtype=np.int8), categories=[""])
    frame = places.iloc[rec].reset_index(drop=True)
    frame["indicator"] = pd.Categorical.from_codes(col, categories=codes)
    frame["value"] = parse_numbers(raw["value"], from_workbook)
    frame["numerator"] = frame["denominator"] = np.full(len(rec), np.nan)
    sheets = getattr(table, "sheets", None)
    return Normalised(frame, raw[list(HEADERS)], pd.Series(table.rows.to_numpy()[rec], index=raw.index),
                      None if sheets is None else pd.Series(sheets.to_numpy()[rec], index=raw.index),
                      pd.Series(pd.Categorical.from_codes(col, categories=headings), index=raw.index))


def parse_numbers(text: pd.Series, from_workbook: bool = False) -> pd.Series:
    """'94,7', '94.7 %', '1.234,5', '1,234.5' -> float; '184.000', '1.000.000', '184 000' (spaces,
    NBSP or narrow NBSP between groups) -> thousands; blanks -> NaN; garbage, inf, nan -> NaN.

    With `from_workbook`, a text Python could write for a number cell ('2.345') is that number.
    Every step is an Arrow kernel over the whole column: a clean column is cast at once; any other
    is cleaned (separators, spaces, '%'), then each cell written as a plain number is cast by Arrow
    and only the few left (garbage, 'inf', digits of other scripts) go through pandas' to_numeric,
    as every cell once did (a million cells with decimal commas took seconds)."""
    given = pa.array(text.astype("string[pyarrow]").array)
    arr = pc.utf8_trim_whitespace(given)
    arr = pc.if_else(pc.equal(arr, ""), pa.scalar(None, arr.type), arr)
    grouped = pc.match_substring_regex(arr, _DOT_GROUPED)
    if from_workbook:
        grouped = pc.and_(grouped, pc.invert(pc.match_substring_regex(arr, _FLOAT_TEXT)))
    if not pc.any(grouped).as_py():
        try:
            return _finite(pd.Series(pc.cast(arr, pa.float64()).to_numpy(zero_copy_only=False), index=text.index))
        except pa.ArrowInvalid:
            pass
    s = pc.replace_substring_regex(pc.fill_null(given, ""), _DROPPED_RE2, "")
    dots = pc.match_substring_regex(s, _DOT_GROUPED)
    if from_workbook:
        dots = pc.and_(dots, pc.invert(pc.match_substring_regex(s, _FLOAT_TEXT)))
    s = pc.if_else(dots, pc.replace_substring(s, ".", ""), s)
    s = pc.if_else(pc.match_substring_regex(s, _COMMA_GROUPED), pc.replace_substring(s, ",", ""), s)
    both = pc.and_(pc.match_substring(s, ","), pc.match_substring(s, "."))
    comma_last = pc.match_substring_regex(s, ",[^.]*$")  # the last comma after the last dot
    s = pc.if_else(pc.and_(both, comma_last), pc.replace_substring(s, ".", ""), s)
    s = pc.if_else(pc.and_(both, pc.invert(comma_last)), pc.replace_substring(s, ",", ""), s)
    s = pc.replace_substring(s, ",", ".")
    plain = pc.match_substring_regex(s, _PLAIN_NUMBER).to_numpy(zero_copy_only=False)
    values = np.full(len(s), np.nan)
    if plain.any():
        values[plain] = pc.cast(pc.filter(s, plain), pa.float64()).to_numpy(zero_copy_only=False)
    rest = np.flatnonzero(~plain & pc.not_equal(s, "").to_numpy(zero_copy_only=False))
    if len(rest):
        odd = pd.to_numeric(pd.Series(pc.take(s, rest).to_pylist(), dtype=object), errors="coerce")
        values[rest] = odd.to_numpy(dtype="float64", na_value=np.nan)
    return _finite(pd.Series(values, index=text.index))


def _finite(values: pd.Series) -> pd.Series:
    return values.where(np.isfinite(values.to_numpy()), np.nan)


# A cell clean_text() leaves empty holds nothing but these: invisible characters and spaces.
_BLANK_CHARS = f"{layout.INVISIBLE} \t\r\n{layout.SPACES}"


def blank_cells(values: pd.Series) -> np.ndarray:
    """layout.clean_text(cell) == "" for each cell of a column, in Arrow's string kernels when the
    column is all text (a million cells in milliseconds, not seconds cell by cell): blank when
    trimming _BLANK_CHARS leaves nothing (twice as fast as a whole-cell regex)."""
    try:
        text = pa.array(values, type=pa.string(), from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # not all text: as clean_text sees it, cell by cell
        return values.map(layout.clean_text).eq("").to_numpy()
    # A missing cell would read as 'None' or 'nan': not blank.
    return pc.equal(pc.utf8_trim(text, characters=_BLANK_CHARS), "").fill_null(False).to_numpy(zero_copy_only=False)


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
    if getattr(table, "sheets", None) is not None:
        table.frame = _merge_sheet_columns(table.frame)
    columns = list(table.frame.columns)
    from_workbook = table.delimiter is None
    if layout.header_kind(columns) == "wide":
        mapping, indicators, problems = wide_headers(columns)
        if problems:
            raise UploadError(problems)
        return melt_wide(table, mapping, indicators, scope_province, from_workbook)
    mapping, problems = canonical_headers(columns)
    if problems:
        raise UploadError(problems)
    raw = canonical_frame(table.frame, mapping, list(HEADERS))
    # A template row left blank (no value, numerator, denominator or note) is not a report, as an
    # empty cell of the wide layout is not: skipped, so a partly filled template loads.
    blank = np.logical_and.reduce([blank_cells(raw[c]) for c in ("value", "numerator", "denominator", "note")])
    if blank.all():
        raise UploadError([file_problem("upload_no_values")])
    if blank.any():
        keep = pd.Series(~blank, index=raw.index)
        raw, table.rows = raw[keep], table.rows[keep]
        table.sheets = None if table.sheets is None else table.sheets[keep]
    frame = _typed_places(raw, scope_province)
    frame["indicator"] = map_categories(raw["indicator"], lambda v: layout.clean_text(v).lower() or None)
    for col in ("value", "numerator", "denominator"):
        frame[col] = parse_numbers(raw[col], from_workbook)
    return Normalised(frame, raw, table.rows, getattr(table, "sheets", None))


def _merge_sheet_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """One column where sheets head the same column differently ('area_code' in one, 'Mã ĐVHC' in
    another: the reader keeps both, each empty on the other's rows); a real repeat stays for
    canonical_headers to report."""
    groups: dict[str, list[int]] = {}
    for i, col in enumerate(frame.columns):
        key = layout.heading_key(col)
        groups.setdefault(_LOOKUP.get(key) or layout.indicator_for_heading(col) or key, []).append(i)
    drop = []
    for positions in (p for p in groups.values() if len(p) > 1):
        filled = frame.iloc[:, positions].ne("").to_numpy()
        if (filled.sum(axis=1) <= 1).all():
            first = positions[0]
            for i in positions[1:]:
                frame.isetitem(first, frame.iloc[:, first].where(~filled[:, positions.index(i)], frame.iloc[:, i]))
            drop += positions[1:]
    return frame.iloc[:, [i for i in range(frame.shape[1]) if i not in drop]] if drop else frame


def _typed_places(raw: pd.DataFrame, scope_province: str | None) -> pd.DataFrame:
    """Province, area (a name resolved within the row's province, else the uploader's), period, note."""
    frame = pd.DataFrame(index=raw.index)
    frame["province"] = map_categories(raw["province"], lambda v: geography.province_code(layout.clean_text(v)))
    codes = map_categories(raw["area_code"], lambda v: geography.normalise_code(layout.clean_text(v)) or None)
    if raw["area_name"].ne("").any():
        code_obj, prov_obj = (_objects(c) for c in (codes, frame["province"].array))
        keys = pd.Series(list(zip(raw["area_name"], code_obj, prov_obj)), index=raw.index)
        name_code = map_categories(keys, lambda k: _name_to_code(k[0], k[1], k[2] or scope_province))
        merged = np.where(pd.isna(code_obj), np.asarray(name_code, dtype=object), code_obj)
        frame["area_code"] = pd.Categorical(merged)
        frame["name_code"] = name_code
    else:
        frame["area_code"] = codes
        frame["name_code"] = pd.Categorical([None] * len(raw), categories=[])
    period_text = pd.Series(map_categories(raw["period"], _period_text), index=raw.index)
    periods = parse_periods(period_text)
    frame[["period", "granularity", "period_start"]] = periods[["period", "granularity", "start"]]
    frame["note"] = raw["note"].astype("string").str.strip().replace("", pd.NA)
    return frame


def _objects(values) -> np.ndarray:
    out = np.asarray(values, dtype=object)
    out[pd.isna(out)] = None
    return out


def _period_text(text: str) -> str | None:
    """A period cell ready for parse_periods: cleaned, a day-first date as its month."""
    s = layout.clean_text(text)
    if m := _DAY_FIRST.match(s):
        return f"{m[3]}-{int(m[2]):02d}" if 1 <= int(m[2]) <= 12 and 1 <= int(m[1]) <= 31 else s
    return s or None


def _name_to_code(name: str, code: str | None, province: str | None) -> str:
    """The code a name resolves to, or a marker 'ERR:<reason>' kept for the problem message
    ('ERR:ambiguous:<province>', 'ERR:unknown:<province>' name the province searched in)."""
    if not layout.clean_text(name):
        return code or "ERR:empty"
    if code and len(code) == 5:
        province = geography.commune_province().get(code, province)
    m = geography.match_name(layout.clean_text(name), province)
    if m.code:
        return m.code
    if m.reason in ("ambiguous", "unknown"):
        return f"ERR:{m.reason}:{province or ''}"
    return f"ERR:{m.reason}"
