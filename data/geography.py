"""The 34 provinces and 3,321 communes in force since 1 July 2025, and matching names to codes.

Provinces: data/provinces_34.csv (Resolution 202/2025/QH15; codes per Decision 19/2025/QĐ-TTg;
population from the merger dossier, which adds up to about 112 million: use it to weight
provinces against each other, not as a denominator).
Communes: the SQLite file bundled in `vietnamadminunits` 1.0.4 (MIT), read offline; its helpers
that call the network are never used.
"""
from __future__ import annotations

import importlib.util
import re
import sqlite3
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from data import DATA_DIR

PROVINCES_FILE = DATA_DIR / "provinces_34.csv"
COMMUNES_SOURCE = "vietnamadminunits 1.0.4 (MIT), dataset.db, table admin_units"
POPULATION_SOURCE = "Hồ sơ đề án sắp xếp đơn vị hành chính 2025 (population_bando)"

_PREFIXES = ("thanh pho ", "tp ", "tinh ", "phuong ", "xa ", "dac khu ", "thi tran ")
# Common names that folding alone does not reach.
_ALIASES = {"hcm": "79", "tphcm": "79", "sai gon": "79", "ho chi minh city": "79",
            "thua thien hue": "46", "hn": "01", "ha noi city": "01"}


def fold(name: object) -> str:
    """Case-, diacritic- and prefix-insensitive key: 'TP. Hồ Chí Minh' -> 'ho chi minh'."""
    s = _fold_typed(name)
    for prefix in _PREFIXES:
        if s.startswith(prefix) and len(s) > len(prefix):
            s = s[len(prefix):]
            break
    return s


def _fold_typed(name: object) -> str:
    """fold() keeping the type prefix: 'Xã Tân Tiến' -> 'xa tan tien', unlike 'Phường Tân Tiến'."""
    s = unicodedata.normalize("NFD", str(name)).replace("đ", "d").replace("Đ", "D")
    s = "".join(ch for ch in s if unicodedata.category(ch) != "Mn").lower()
    s = re.sub(r"[.,_\-–()/]+", " ", s)
    return re.sub(r"\s+", " ", s).strip()


@dataclass(frozen=True)
class NameMatch:
    code: str | None
    reason: str | None = None  # why no code: unknown, ambiguous, or a pre-2025 name


@lru_cache(maxsize=1)
def provinces() -> pd.DataFrame:
    """code, name (with diacritics), name_ascii, population, merged_from, old_codes."""
    df = pd.read_csv(PROVINCES_FILE, dtype=str, keep_default_na=False)
    df["population"] = pd.to_numeric(df["population_bando"]).astype("int64")
    df = df.rename(columns={"name_vi": "name"})
    return df[["code", "name", "name_ascii", "full_name_2026", "type_2025_07", "population",
               "merged_from", "old_codes", "communes_2025_07"]].reset_index(drop=True)


def _communes_db() -> Path:
    spec = importlib.util.find_spec("vietnamadminunits")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the package vietnamadminunits is not installed")
    return Path(list(spec.submodule_search_locations)[0]) / "data" / "dataset.db"


def _admin_units(columns: str) -> tuple[list[tuple], list[str]]:
    """Rows and column names of the bundled dataset's one table, in code order. It is
    vietnamadminunits' own SQLite file, read-only, not the product's database (which only
    pipelines/store touches); sqlite3 rows, not pd.read_sql_query, spare importing pandas' SQL layer."""
    with sqlite3.connect(f"file:{_communes_db()}?mode=ro", uri=True) as conn:
        cursor = conn.execute(f"select {columns} from admin_units order by wardCode")  # columns: our constants
        return cursor.fetchall(), [column[0] for column in cursor.description]


@lru_cache(maxsize=1)
def _commune_provinces() -> list[tuple[str, str]]:
    """(commune code, province code) of every commune: every upload's checks need only these, and
    building the whole table as a frame cost a one-row ingest 0.02 s."""
    return _admin_units("wardCode, provinceCode")[0]


@lru_cache(maxsize=1)
def communes() -> pd.DataFrame:
    """code (5 digits), name, short name, type, province_code, lat, lon."""
    rows, columns = _admin_units("wardCode as code, ward as name, wardShort as short_name, wardType as type,"
                                 " provinceCode as province_code, wardLat as lat, wardLon as lon")
    return pd.DataFrame(rows, columns=columns)


@lru_cache(maxsize=1)
def areas() -> pd.DataFrame:
    """Every area: code, name, level (province/commune), province_code."""
    p = provinces()
    c = communes()
    return pd.concat([
        pd.DataFrame({"code": p["code"], "name": p["name"], "level": "province", "province_code": p["code"]}),
        pd.DataFrame({"code": c["code"], "name": c["name"], "level": "commune", "province_code": c["province_code"]}),
    ], ignore_index=True)


@lru_cache(maxsize=1)
def _province_keys() -> tuple[dict[str, str], dict[str, str]]:
    """(current name key -> code, former province name key -> the new province it joined)."""
    p = provinces()
    current: dict[str, str] = dict(_ALIASES)
    for row in p.itertuples():
        for name in (row.name, row.name_ascii, row.full_name_2026):
            current[fold(name)] = row.code
    former: dict[str, str] = {}
    for row in p.itertuples():
        for part in row.merged_from.split(";"):
            old = fold(re.sub(r"\(\d+\)", "", part))
            if old and old not in current:
                former[old] = row.code
    return current, former


@lru_cache(maxsize=1)
def _commune_keys() -> dict[tuple[str, str], list[str]]:
    """(province code or '*', name key) -> commune codes with that name."""
    out: dict[tuple[str, str], list[str]] = {}
    for row in communes().itertuples():
        for key in {fold(row.name), fold(row.short_name)}:
            out.setdefault((row.province_code, key), []).append(row.code)
            out.setdefault(("*", key), []).append(row.code)
    return out


def match_name(name: str, province_code: str | None = None) -> NameMatch:
    """Resolve an area name to a code. Provinces first, then communes (within a province when given).

    A former province name (merged away in 2025) is never resolved: its old code may now belong
    to another province."""
    key = fold(name)
    if not key:
        return NameMatch(None, "empty")
    current, former = _province_keys()
    if key in current:
        return NameMatch(current[key])
    if province_code is None and key in former:
        return NameMatch(None, f"former:{former[key]}")
    hits = commune_candidates(name, province_code)
    if len(hits) == 1:
        return NameMatch(hits[0])
    if len(hits) > 1:
        return NameMatch(None, "ambiguous")
    if key in former:
        return NameMatch(None, f"former:{former[key]}")
    return NameMatch(None, "unknown")


def commune_candidates(name: str, province_code: str | None = None) -> list[str]:
    """Codes of the communes a name may mean (within a province when given). A name written with
    its type keeps only communes of that type ('Xã Tân Tiến' is not 'Phường Tân Tiến'), and one
    written with its diacritics only those spelt so ('Vĩnh Hưng' is not 'Vinh Hưng')."""
    hits = _commune_keys().get((province_code or "*", fold(name)), [])
    names = _commune_names()
    for key in (_fold_typed, lambda n: unicodedata.normalize("NFC", str(n)).strip().casefold()):
        if len(hits) > 1:
            hits = [c for c in hits if key(names[c]) == key(name)] or hits
    return hits


@lru_cache(maxsize=1)
def _commune_names() -> dict[str, str]:
    return dict(zip(communes()["code"].tolist(), communes()["name"].tolist()))


def province_code(text: object) -> str | None:
    """The province a cell names, by code ('1', '01') or by its current name; None if none."""
    s = str(text).strip()
    if s.endswith(".0"):
        s = s[:-2]
    if not s:
        return None  # a file without a province column: no name keys to build (0.01 s)
    if s.isdigit():
        code = s.zfill(2)
        return code if code in _province_codes() else None
    return _province_keys()[0].get(fold(s))


@lru_cache(maxsize=1)
def former_codes() -> dict[str, str]:
    """Pre-2025 province codes that no longer exist -> the province that absorbed them."""
    current = set(provinces()["code"])
    out = {}
    for row in provinces().itertuples():
        for old in row.old_codes.split("|"):
            if old not in current:
                out[old] = row.code
    return out


def normalise_code(raw: str) -> str:
    """Restore leading zeros that Excel drops: '1' -> '01', '97' -> '00097' when not a province."""
    s = raw.strip()
    if s.endswith(".0"):
        s = s[:-2]
    if not s.isdigit():
        return s
    if len(s) <= 2:
        two = s.zfill(2)
        if two in _province_codes() or s.zfill(5) not in commune_province():
            return two
    return s.zfill(5) if len(s) <= 5 else s


@lru_cache(maxsize=1)
def _province_codes() -> frozenset[str]:
    return frozenset(provinces()["code"])


@lru_cache(maxsize=1)
def commune_province() -> dict[str, str]:
    """Commune code -> province code."""
    return dict(_commune_provinces())


@lru_cache(maxsize=1)
def area_info() -> tuple[dict[str, str], dict[str, str]]:
    """(area code -> level, area code -> province code) for every province and commune."""
    codes = provinces()["code"].tolist()
    level = dict.fromkeys(codes, "province") | {code: "commune" for code, _ in _commune_provinces()}
    return level, dict(zip(codes, codes)) | commune_province()


def province_name(code: str) -> str:
    row = provinces().set_index("code")["name"].get(code)
    return row if row is not None else code


def area_name(code: str) -> str:
    """Name of a province or commune, or the code itself when unknown."""
    a = areas()
    hit = a.loc[a["code"] == code, "name"]
    return hit.iloc[0] if len(hit) else code


@lru_cache(maxsize=1)
def tile_grid() -> pd.DataFrame:
    """code, row, col: one tile per province placed roughly by geography (data/tile_grid.csv)."""
    return pd.read_csv(DATA_DIR / "tile_grid.csv", dtype={"code": str})


@lru_cache(maxsize=1)
def station_counts() -> dict[str, int]:
    """Communes (one health station each) per province: the weights of a mean over stations."""
    return communes().groupby("province_code").size().to_dict()


@lru_cache(maxsize=1)
def population() -> dict[str, int]:
    return dict(zip(provinces()["code"], provinces()["population"]))
