"""What the columns of an upload are called, and which row of a sheet is its header.

One place for every heading the gate accepts: the long layout (one row per indicator, area and
period), the wide layout (one column per indicator, headed by its code or its name as the
catalogue and the template write it) and task updates. The reader uses it to find the header
below a title block; normalise.py and task_updates.py use it to map headings to columns."""
from __future__ import annotations

import re
from functools import lru_cache

from data import geography
from indicators.catalogue import catalogue

# Canonical column -> accepted spellings (folded: lower case, no diacritics, '_' for spaces).
LONG_HEADERS = {
    "indicator": ["indicator", "chi_tieu", "ma_chi_tieu", "indicator_code"],
    "area_code": ["area_code", "ma_dvhc", "ma_don_vi", "ma_dia_ban", "code"],
    "area_name": ["area_name", "ten_dvhc", "ten_don_vi", "ten_dia_ban"],
    "province": ["province", "province_code", "tinh", "ma_tinh", "tinh_thanh", "tinh_thanh_pho"],
    "period": ["period", "ky", "ky_bao_cao"],
    "value": ["value", "gia_tri"],
    "numerator": ["numerator", "tu_so"],
    "denominator": ["denominator", "mau_so"],
    "note": ["note", "ghi_chu"],
}
# Columns the template adds for people to read; accepted and ignored.
IGNORED = {"indicator_name", "ten_chi_tieu", "unit", "don_vi_tinh"}
TASK_HEADERS = {
    "task_id": ["task_id", "ma_nhiem_vu", "nhiem_vu"],
    "period": ["period", "ky", "ky_bao_cao"],
    "status": ["status", "trang_thai", "tinh_trang"],
    "note": ["note", "ghi_chu", "ket_qua"],
    "evidence_url": ["evidence_url", "minh_chung", "link", "duong_dan"],
    "unit": ["unit", "don_vi", "don_vi_bao_cao"],
}
LONG_LOOKUP = {alias: canon for canon, aliases in LONG_HEADERS.items() for alias in aliases}
TASK_LOOKUP = {alias: canon for canon, aliases in TASK_HEADERS.items() for alias in aliases}
# Rows searched for the header below a title block.
HEADER_SEARCH_ROWS = 30
# Characters Excel users paste without seeing them: zero-width space/joiners, word joiner, BOM, soft hyphen.
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_INVISIBLE = re.compile(f"[{INVISIBLE}]")
# Spaces that str.strip() keeps or that Excel writes: NBSP, narrow NBSP, figure space.
SPACES = "\u00a0\u202f\u2007"


def clean_text(text: object) -> str:
    """A cell without invisible characters and without spaces (NBSP included) at either end."""
    return _INVISIBLE.sub("", str(text)).strip(" \t\r\n" + SPACES)


def heading_key(text: object) -> str:
    """The folded form headings are compared in: 'Mã ĐVHC' -> 'ma_dvhc'."""
    return geography.fold(clean_text(text)).replace(" ", "_")


@lru_cache(maxsize=1)
def indicator_headings() -> dict[str, str]:
    """Folded heading -> indicator code, for every way a wide column may be headed: the code, the
    Vietnamese or English name, and the template's heading 'name (unit)'."""
    out: dict[str, str] = {}
    for ind in catalogue().indicators:
        for text in (ind.code, ind.name.vi, ind.name.en, f"{ind.name.vi} ({ind.unit})", f"{ind.name.en} ({ind.unit})"):
            out[heading_key(text)] = ind.code
    return out


def indicator_for_heading(text: object) -> str | None:
    """The indicator a wide column heading names, or None."""
    return indicator_headings().get(heading_key(text))


def header_kind(cells: list[object]) -> str | None:
    """'tasks', 'long' or 'wide' when a row reads as the header of that layout, else None.

    A header names at least two known columns; a task file is told by its task_id column, a wide
    one by an indicator column and no indicator column of the long layout."""
    keys = [heading_key(c) for c in cells if clean_text(c)]
    if not keys:
        return None
    if any(TASK_LOOKUP.get(k) == "task_id" for k in keys):
        return "tasks"
    long_known = [LONG_LOOKUP.get(k) for k in keys if k in LONG_LOOKUP or k in IGNORED]
    indicators = [k for k in keys if k not in LONG_LOOKUP and k in indicator_headings()]
    if indicators and "indicator" not in long_known and len(long_known) + len(indicators) >= 2:
        return "wide"
    if len(long_known) >= 2:
        return "long"
    return None


def find_header(rows: list[list[object]]) -> int | None:
    """Index of the first of `rows` (the top of a sheet) that reads as a header, or None."""
    for i, cells in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if header_kind(cells) is not None:
            return i
    return None
