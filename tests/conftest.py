"""Shared fixtures: a fresh database per test, CSV builders, a fixed 'today'."""
from __future__ import annotations

import csv
import datetime as dt
import io
import os
import unicodedata
from pathlib import Path

import openpyxl
import pytest

from pipelines import store
from pipelines.accounts import operator
from pipelines.store import Store
from pipelines.submit import submit

# A quality run after every CLI submission is a background process: off in tests, except where a
# test turns it on to check it.
os.environ["NQ72_QUALITY_AFTER_INGEST"] = "0"
# Log-in is on by default; tests that are not about it run as on a local demo.
os.environ["NQ72_AUTH"] = "off"
TODAY = dt.date(2026, 11, 22)
CHROMIUM = os.environ.get("NQ72_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
OPERATOR = operator("test")


def load(conn, content: bytes, name: str = "f.csv", actor=OPERATOR, **kw):
    """Submit through the one door on an open test connection (as the operator unless told)."""
    kw.setdefault("today", TODAY)
    return submit(Store(Path(conn.execute("select path from duckdb_databases() where not internal").fetchone()[0]),
                        conn), content, name, actor, **kw)
HEADER = ["indicator", "area_code", "period", "value"]


def csv_bytes(rows: list[list[object]], delimiter: str = ",", encoding: str = "utf-8") -> bytes:
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    text = buf.getvalue()
    return to_cp1258(text) if encoding == "cp1258" else text.encode(encoding)


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    """A one-sheet workbook as openpyxl writes it, the rows from A1."""
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def to_cp1258(text: str) -> bytes:
    """Encode as Windows-1258 writes Vietnamese: base letter, then a combining tone mark."""
    out = []
    for ch in text:
        try:
            out.append(ch.encode("cp1258"))
        except UnicodeEncodeError:
            d = unicodedata.normalize("NFD", ch)
            base = unicodedata.normalize("NFC", "".join(c for c in d if c not in _TONES))
            out.append(base.encode("cp1258") + "".join(c for c in d if c in _TONES).encode("cp1258"))
    return b"".join(out)


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "t.duckdb"


@pytest.fixture
def conn(db_path):
    c = store.connect(db_path)
    yield c
    c.close()


@pytest.fixture
def ingest(conn):
    """ingest(content, name='f.csv', **kw) against the test database with today fixed."""
    def run(content: bytes, name: str = "f.csv", **kw):
        return load(conn, content, name, **kw)
    return run


def current(conn) -> list[tuple]:
    return conn.execute("select indicator, area_code, period, value, numerator, denominator"
                        " from current_values order by 1, 2, 3").fetchall()


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory):
    """The full synthetic demo, built once per test session through the real pipeline."""
    from pipelines.demo import build_demo

    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    build_demo(path, today=TODAY)
    return path


@pytest.fixture(scope="module")
def browser():
    """One headless Debian Chromium per test module (browsers cannot be downloaded here)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


def serve_like_make_run(root: Path, env: dict[str, str]):
    """`nq72 serve --db data/nq72.duckdb` started in `root`, as `make run` starts it (a relative
    database path); yields its URL once healthy and stops it afterwards. For module fixtures."""
    import subprocess
    import sys
    import time
    import urllib.request

    from pipelines.export import free_port

    port = free_port()
    proc = subprocess.Popen([str(Path(sys.executable).with_name("nq72")), "serve", "--db", "data/nq72.duckdb",
                             "--port", str(port)], cwd=root, env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).status == 200:
                break
        except OSError:
            time.sleep(0.3)
    else:
        proc.kill()
        pytest.fail("nq72 serve did not start")
    yield url
    proc.terminate()
    proc.wait(timeout=20)
