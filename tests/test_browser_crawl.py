"""Every page in both languages, served exactly as `make run` serves it: `nq72 serve --db
data/nq72.duckdb` (a relative path) from a folder holding the demo and its quality run, log-in off.

On each page: no error element, no "None"/"nan" shown, no interface text of the other language,
and no request leaving 127.0.0.1 (offline means offline). The Vietnamese Overview, Province and
Indicator pages are saved at 1400 and 390 px in tests/artifacts/ for a person to look at."""
from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.conftest import serve_like_make_run
from tests.test_browser import ARTIFACTS, wait_drawn
from tests.test_dashboard import like_make_run

pytestmark = pytest.mark.browser
PAGES = {"overview": "/", "province": "/tinh?province=66&charts=1", "indicator": "/chi-tieu?indicator=life_expectancy&province=66",
         "stations": "/tram-y-te?province=66", "tasks": "/nhiem-vu", "quality": "/chat-luong",
         "upload": "/tai-du-lieu", "about": "/gioi-thieu", "admin": "/quan-tri"}
# Interface words that give away a missing translation (data such as province names, plan task
# texts and quotes stays Vietnamese on purpose, so these are words of the interface only).
TELLTALES = {
    "vi": ["Upload", "per file", "Browse", "Drag and drop", "Source:", "Resolution 72", "Province", "Indicator",
           "Target", "Status", "Achieved", "On track", "Deadline", "Download", "Overview", "Milestone", "Validation",
           "Expectation", " pp", "Jan ", "Feb ", "Mar ", "Apr ", "Jun ", "Jul ", "Aug ", "Sep ", "Oct ", "Nov ", "Dec "],
    "en": ["Nguồn", "Mục tiêu", "Tình trạng", "Còn cách", "Dự kiến", "Giá trị", "Số liệu", "Chỉ tiêu", "cập nhật",
           "Tải ", "điểm %", "tầm nhìn", "Đã đạt", "Đúng tiến độ", "Cần tăng tốc", "Chưa đủ", "Xuất ảnh", "quý ",
           "Toàn quốc", "Kiểm tra", "Hạn ", "Quá hạn", "Chọn tệp", "Kéo thả", "Trích dẫn", "Tầm nhìn đến", "mục II"],
}
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


@pytest.fixture(scope="module")
def served(demo_db, tmp_path_factory):
    """`NQ72_AUTH=off .venv/bin/nq72 serve --db data/nq72.duckdb` in a folder laid out as `make run` leaves it."""

    root = tmp_path_factory.mktemp("make-run")
    like_make_run(demo_db, root)
    env = {k: v for k, v in os.environ.items() if k != "NQ72_DB"} | {"NQ72_AUTH": "off"}
    yield from serve_like_make_run(root, env)


def visit(browser, url: str, width: int = 1400):
    """A page opened and drawn, with every request it made leaving loopback."""
    page = browser.new_page(viewport={"width": width, "height": 900}, locale="vi-VN")
    outside = []
    page.on("request", lambda r: outside.append(r.url) if _leaves(r.url) else None)
    page.goto(url)
    wait_drawn(page)
    page.wait_for_timeout(500)   # late requests: fonts, the favicon
    return page, outside


def _leaves(url: str) -> bool:
    parts = urlparse(url)
    return parts.scheme not in ("data", "blob", "about") and parts.hostname not in LOOPBACK


def shot(page, name: str) -> Path:
    """The whole page (Streamlit scrolls inside stMain: the window is sized to it)."""
    height = page.evaluate("() => document.querySelector('[data-testid=stMain]').scrollHeight")
    page.set_viewport_size({"width": page.viewport_size["width"], "height": min(height + 40, 16000)})
    wait_drawn(page)
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("name", list(PAGES))
def test_every_page_reads_whole_in_one_language_offline(served, browser, name, lang):
    path = PAGES[name]
    page, outside = visit(browser, f"{served}{path}{'&' if '?' in path else '?'}lang={lang}")
    try:
        if name == "quality":     # the Data Docs, shown inside the page under the default relative path
            page.frame_locator("iframe").locator("table").first.wait_for(timeout=30_000)
        assert page.locator('[data-testid="stException"], [data-testid="stAlertContentError"]').count() == 0
        body = page.inner_text("body")
        # The plans' own words (the Tasks page's tasks, units, deadlines, notes) are Vietnamese in
        # either language and marked lang='vi'; everything else must be in the reader's language.
        interface = page.evaluate("""() => { const marked = [...document.querySelectorAll('[lang="vi"]')];
            marked.forEach(e => e.style.display = 'none'); const text = document.body.innerText;
            marked.forEach(e => e.style.display = ''); return text; }""")
        assert ("DỮ LIỆU MINH HỌA" if lang == "vi" else "SYNTHETIC DEMO DATA") in body
        assert not re.findall(r"\bNone\b|\bnan\b|\bNaN\b", body)
        assert [w for w in TELLTALES[lang] if w in interface] == []
        assert outside == []
    finally:
        page.close()


@pytest.mark.parametrize("width", [1400, 390])
@pytest.mark.parametrize("name", ["overview", "province", "indicator"])
def test_screenshots_of_a_leaders_pages(served, browser, name, width):
    page, outside = visit(browser, f"{served}{PAGES[name]}", width)
    try:
        assert page.locator('[data-testid="stException"]').count() == 0 and outside == []
        assert shot(page, f"crawl-{name}-vi-{width}").stat().st_size > 20_000
    finally:
        page.close()
