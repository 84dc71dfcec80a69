"""Conventions the tree keeps: every SQL statement lives in pipelines/store/; every NQ72_*
variable is read by pipelines/settings.py alone."""
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
OUTSIDE_STORE = [p for package in ("dashboard", "indicators", "pipelines", "data")
                 for p in sorted((ROOT / package).rglob("*.py")) if "store" not in p.relative_to(ROOT).parts[:2]]
SQL = re.compile(r"\.execute\(|\.sql\(|\binsert\s+into\b|\bcreate\s+(table|view|sequence)\b|\bdelete\s+from\b"
                 r"|\bselect\b[^\"'\n]*\bfrom\b|\bduckdb\.connect\(", re.IGNORECASE)


def test_the_scan_sees_the_tree():
    names = {p.relative_to(ROOT).as_posix() for p in OUTSIDE_STORE}
    assert {"dashboard/queries.py", "pipelines/submit.py", "pipelines/quality/run.py"} <= names
    assert not any(n.startswith("pipelines/store/") for n in names)


@pytest.mark.parametrize("path", OUTSIDE_STORE, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_sql_outside_the_store(path):
    hits = [f"{n}: {line.strip()}" for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
            if SQL.search(line) and not _bundled_dataset(path, line)]
    assert hits == [], "SQL belongs in pipelines/store/"


def _bundled_dataset(path: Path, line: str) -> bool:
    """The one query of another file than the product's database: the communes of
    vietnamadminunits' own SQLite file (table admin_units), read-only by data/geography.py."""
    return path.relative_to(ROOT).as_posix() == "data/geography.py" and "from admin_units" in line


def test_the_pattern_finds_sql():
    assert SQL.search('conn.execute("select 1")') and SQL.search("sql = 'select a from b'")
    assert SQL.search('"insert into t values (?)"') and SQL.search("duckdb.connect(path)")


@pytest.mark.parametrize("path", [p for p in OUTSIDE_STORE if p.name != "settings.py"],
                         ids=lambda p: p.relative_to(ROOT).as_posix())
def test_settings_are_read_in_one_place(path):
    text = path.read_text(encoding="utf-8")
    assert not re.search(r"environ(\.get)?\(\s*[\"']NQ72_|environ\[[\"']NQ72_|getenv\([\"']NQ72_", text)
