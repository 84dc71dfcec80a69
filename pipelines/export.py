"""Monthly screenshots: every page, every province, as full-page PNGs and one PDF per province.

Drives the real dashboard in headless Debian Chromium (Playwright), so the files show exactly what
a reader sees. One browser, several tabs at once; a page counts as drawn when Streamlit's script
has finished, no skeleton is left and every plotly chart has its SVG (plotly draws about a second
after the script ends). Streamlit scrolls inside `main[data-testid=stMain]`, so the viewport is
sized to its scrollHeight before a full-page shot, and the PDF page size follows the content."""
from __future__ import annotations

import asyncio
import datetime as dt
import io
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from pypdf import PdfReader, PdfWriter

from data import geography
from pipelines import store
from pipelines.messages import t
from pipelines.settings import settings
from pipelines.store import submissions, values

PATHS = {"overview": "/", "province": "/tinh", "indicator": "/chi-tieu", "stations": "/tram-y-te",
         "quality": "/chat-luong", "tasks": "/nhiem-vu", "upload": "/tai-du-lieu", "about": "/gioi-thieu"}
PROVINCE_PAGES = ("province", "stations")            # drawn once per province
NATIONAL_PAGES = ("overview", "indicator", "quality", "tasks", "about")
DEFAULT_PAGES = ("overview", "province", "indicator", "stations", "quality", "tasks")
WIDTH, HEIGHT = 1400, 900
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--hide-scrollbars",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--font-render-hinting=none"]
DRAWN = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (document.querySelector('[data-testid="stSkeleton"]')) return false;
  return [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
    .every(c => c.querySelector('.js-plotly-plot .main-svg'));
}"""


@dataclass(frozen=True)
class Shot:
    folder: Path
    page: str
    url: str
    province: str | None       # None: the national folder


@dataclass
class ExportResult:
    files: list[Path] = field(default_factory=list)
    failures: list[tuple[str, str, str]] = field(default_factory=list)   # (folder, page, why)
    seconds: dict[str, float] = field(default_factory=dict)


def folder_name(code: str) -> str:
    """'66-dak-lak': the province code and its name without diacritics."""
    ascii_name = geography.provinces().set_index("code")["name_ascii"][code]
    return f"{code}-{re.sub(r'[^a-z0-9]+', '-', ascii_name.lower()).strip('-')}"


def page_url(base: str, page: str, period: str, lang: str, province: str | None) -> str:
    params = {"period": period, "lang": lang, "embed": "true"}
    if province and page in PROVINCE_PAGES:
        params["province"] = province
    return f"{base.rstrip('/')}{PATHS[page]}?{urlencode(params)}"


def plan(base: str, period: str, provinces: list[str], pages: list[str], lang: str, out: Path) -> list[Shot]:
    """Every screenshot to take: national pages once, province pages once per province."""
    root = out / period
    shots = [Shot(root / "national", p, page_url(base, p, period, lang, None), None)
             for p in pages if p not in PROVINCE_PAGES]
    for code in provinces:
        shots += [Shot(root / folder_name(code), p, page_url(base, p, period, lang, code), code)
                  for p in pages if p in PROVINCE_PAGES]
    return shots


async def _capture(page, url: str, formats: set[str], timeout_ms: int = 90_000) -> dict[str, bytes]:
    """Load a URL in a tab, wait until it is drawn, and return its full-page PNG and/or PDF bytes."""
    await page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    await page.goto(url, wait_until="domcontentloaded", timeout=timeout_ms)
    await page.wait_for_function(DRAWN, timeout=timeout_ms, polling=100)
    height = await page.evaluate("() => Math.ceil(document.querySelector('[data-testid=stMain]').scrollHeight)")
    await page.set_viewport_size({"width": WIDTH, "height": max(HEIGHT, min(height, 16_000))})
    await page.wait_for_function(DRAWN, timeout=timeout_ms, polling=100)
    await page.evaluate("() => document.fonts.ready")
    await page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    out = {}
    if "png" in formats:
        out["png"] = await page.screenshot(full_page=True, animations="disabled")
    if "pdf" in formats:
        await page.emulate_media(media="screen")     # print CSS would hide and reflow parts of the page
        out["pdf"] = await page.pdf(width=f"{WIDTH}px", height=f"{max(HEIGHT, height) + 2}px",
                                    print_background=True, page_ranges="1")
        await page.emulate_media(media=None)
    return out


async def _cover(context, title: str, lines: list[str]) -> bytes:
    """A cover page: province, period, date of export, data as of which submission."""
    items = "".join(f"<p>{_escape(line)}</p>" for line in lines)
    html = (f"<html><head><meta charset='utf-8'><style>body{{font-family:'Noto Sans','DejaVu Sans',sans-serif;"
            f"margin:120px;color:#263238}}h1{{font-size:54px;margin-bottom:40px}}p{{font-size:26px;margin:14px 0}}"
            f"</style></head><body><h1>{_escape(title)}</h1>{items}</body></html>")
    page = await context.new_page()
    try:
        await page.set_content(html)
        await page.evaluate("() => document.fonts.ready")
        return await page.pdf(width=f"{WIDTH}px", height=f"{HEIGHT}px", print_background=True)
    finally:
        await page.close()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _write(path: Path, content: bytes) -> None:
    """Write through a temporary file, so a re-run never leaves half a file behind."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(content)
    tmp.replace(path)


def _merge_pdfs(parts: list[bytes]) -> bytes:
    writer = PdfWriter()
    for part in parts:
        for page in PdfReader(io.BytesIO(part)).pages:
            writer.add_page(page)
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


async def _run(shots: list[Shot], formats: set[str], covers: dict[Path, tuple[str, list[str]]], concurrency: int,
               on_done: Callable[[Shot, str | None], None]) -> ExportResult:
    from playwright.async_api import async_playwright  # lazy: the dashboard imports this module on every page

    result = ExportResult()
    pdf_parts: dict[Path, dict[str, bytes]] = {}
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=settings().chromium, args=CHROMIUM_ARGS)
        context = await browser.new_context(viewport={"width": WIDTH, "height": HEIGHT}, device_scale_factor=1,
                                            locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
        # A few long-lived tabs, each loading page after page: cheaper than a new tab per page.
        tabs: asyncio.Queue = asyncio.Queue()
        for _ in range(concurrency):
            tabs.put_nowait(await context.new_page())

        async def one(shot: Shot) -> None:
            tab = await tabs.get()
            try:
                files = await _capture(tab, shot.url, formats)
            except Exception as exc:  # noqa: BLE001 - one page failing must not stop the others
                result.failures.append((shot.folder.name, shot.page, str(exc).splitlines()[0][:300]))
                on_done(shot, str(exc))
                await tab.close()
                tabs.put_nowait(await context.new_page())
                return
            tabs.put_nowait(tab)
            if "png" in files:
                _write(shot.folder / f"{shot.page}.png", files["png"])
                result.files.append(shot.folder / f"{shot.page}.png")
            if "pdf" in files:
                pdf_parts.setdefault(shot.folder, {})[shot.page] = files["pdf"]
            on_done(shot, None)

        await asyncio.gather(*(one(s) for s in shots))
        if "pdf" in formats:
            order = {s.page: i for i, s in enumerate(shots)}
            for folder, parts in pdf_parts.items():
                title, lines = covers[folder]
                cover = await _cover(context, title, lines)
                pages = [parts[p] for p in sorted(parts, key=order.get)]
                path = folder / f"{folder.name}.pdf"
                _write(path, _merge_pdfs([cover, *pages]))
                result.files.append(path)
        await context.close()
        await browser.close()
    return result


def cover_lines(db: str | Path, period: str, province: str | None, lang: str) -> tuple[str, list[str]]:
    """Title and lines of a cover: who, which period, when exported, data as of which submission."""
    name = geography.province_name(province) if province else t("national", lang)
    with store.opened(db, read_only=True) as conn:
        row = values.newest_submission_shown(conn, province)
        synthetic = submissions.is_synthetic(conn)
    # The catalogue holds each language's date format: {now:%d/%m/%Y %H:%M} in Vietnamese.
    lines = [t("cover_period", lang, period=period), t("cover_exported", lang, now=dt.datetime.now())]
    if row is None:
        lines.append(t("cover_no_figures", lang))
    else:
        lines.append(t("cover_as_of", lang, id=row[0], received=row[1]))
    if synthetic:
        lines.append(t("cover_synthetic", lang))
    return f"nq72 · {name}", lines


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(db: str | Path, port: int | None = None, timeout: float = 90,
                 log_in: bool = False) -> tuple[subprocess.Popen, str]:
    """`nq72 serve` on a free loopback port, returned once it answers its health check.
    Without log-in unless asked: it lives on loopback for one export only."""
    port = port or free_port()
    env = dict(os.environ, NQ72_QUALITY_AFTER_INGEST="0", NQ72_AUTH="off")
    if log_in:
        env.pop("NQ72_AUTH")
    proc = subprocess.Popen([sys.executable, "-m", "pipelines.cli", "serve", "--db", str(db), "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
                            env=env)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            break
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).status == 200:
                return proc, url
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError("the dashboard server did not start")


def export(db: str | Path, period: str, provinces: list[str], pages: list[str], formats: set[str], lang: str,
           out: Path, url: str | None = None, concurrency: int = 3,
           on_done: Callable[[Shot, str | None], None] | None = None) -> ExportResult:
    """Export the pages; start (and stop) a server unless `url` points at a running one."""
    started = time.perf_counter()
    proc = None
    if url is None:
        proc, url = start_server(db)
    try:
        shots = plan(url, period, provinces, pages, lang, out)
        covers = {s.folder: cover_lines(db, period, s.province, lang) for s in shots}
        ready = time.perf_counter()
        result = asyncio.run(_run(shots, formats, covers, concurrency, on_done or (lambda s, e: None)))
        result.seconds = {"server": ready - started, "pages": time.perf_counter() - ready,
                          "per_page": (time.perf_counter() - ready) / max(len(shots), 1)}
        return result
    finally:
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()


def capture_view(url: str) -> tuple[bytes, bytes]:
    """PNG and PDF of one view (the dashboard's Export button)."""
    async def run():
        from playwright.async_api import async_playwright  # lazy: as above

        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=settings().chromium, args=CHROMIUM_ARGS)
            context = await browser.new_context(viewport={"width": WIDTH, "height": HEIGHT}, locale="vi-VN")
            try:
                files = await _capture(await context.new_page(), url, {"png", "pdf"})
            finally:
                await browser.close()
            return files["png"], files["pdf"]
    return asyncio.run(run())
