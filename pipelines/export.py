"""Monthly screenshots: every page, every province, as PNGs and one A4 PDF per province.

Drives the real dashboard in headless Debian Chromium (Playwright), so the files show what a reader
sees, in the dashboard's print mode (`?print=1`, honoured only with an export token: no sidebar,
widgets or buttons, tables whole, one panel per row). One browser, several tabs at once; a page
counts as drawn when Streamlit's script has finished, no skeleton is left and every plotly chart has
its SVG (plotly draws about a second after the script ends). The tab is as wide as the printed area
of an A4 sheet at SCALE, so the charts drawn for the screen are the ones printed; the PNG is that
same page as one image. A page that drew a log-in form, an error box or an empty chart fails: it
is reported and never placed in a PDF.

Every page carries an export token of its own, made from the database beside it (pipelines.accounts),
whether the server is ours or a running one (`--url`). The dashboard's Export button draws through
one browser for the whole server (ViewPool): a few views at once, a short queue, "busy" beyond it."""
from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import io
import logging
import os
import re
import socket
import subprocess
import sys
import threading
import time
import unicodedata
import urllib.request
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlencode, urlparse

from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject

from data import geography
from pipelines import accounts, store
from pipelines.messages import t
from pipelines.settings import settings
from pipelines.store import submissions, values

if TYPE_CHECKING:
    import duckdb

PATHS = {"overview": "/", "province": "/tinh", "indicator": "/chi-tieu", "stations": "/tram-y-te",
         "quality": "/chat-luong", "tasks": "/nhiem-vu", "upload": "/tai-du-lieu", "about": "/gioi-thieu"}
PAGE_OF = {path: name for name, path in PATHS.items()}
PROVINCE_PAGES = ("province", "stations")            # drawn once per province
NATIONAL_PAGES = ("overview", "indicator", "quality", "tasks", "about")
DEFAULT_PAGES = ("overview", "province", "indicator", "stations", "quality", "tasks")
LANDSCAPE = ("tasks",)      # nine columns of task text: too narrow on a portrait sheet
PRINT = {"print": "1", "embed": "true"}   # the dashboard's print mode; it needs an export token as well
WIDTH, HEIGHT = 1400, 900
A4_MM = (210, 297)
MARGIN_MM = {"top": 14, "bottom": 12, "left": 10, "right": 10}   # header and footer sit in the top and bottom
SCALE = 0.75                # CSS px per printed px: a 957 px wide page on a portrait sheet
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--hide-scrollbars",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--font-render-hinting=none"]
LOG = logging.getLogger("nq72")
LOGIN_FORM = ".st-key-nq72_login"   # the log-in form of dashboard/auth.py
PRINT_MARK = "--nq72-print"        # a CSS property of the page once the dashboard has accepted print mode (dashboard/ui.py)
_TOKEN = re.compile(r"(export_token=)[^&\s\"']+")
DRAWN = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (document.querySelector('[data-testid="stSkeleton"]')) return false;
  return [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
    .every(c => c.querySelector('.js-plotly-plot .main-svg'));
}"""
# A move within the app whose run has not started by then is loaded afresh instead, with an export
# token of its own (_open: a late start uses up the move's). Now and then Streamlit does not take up
# a move at all (1 of 26 moves in a test); a start took 0.11 s (median), 0.32 s (p95) and 0.43 s at
# most over the 72 moves of an export of all 34 provinces with 3 tabs on 2 cores. Waiting 30 s for
# it had cost one province's export 42 s instead of 12.
MOVE_MS = 5_000
HAS_APP = """() => !!document.querySelector('[data-testid="stApp"]')"""
# Before moving a loaded app to its next view: true once Streamlit has run the script for it (seen
# running, then not running). A MutationObserver hears every change of the attribute, none missed
# between two polls, however short the run.
WATCH_RUN = """() => {
  window.__nq72_started = window.__nq72_ran = false;
  const app = document.querySelector('[data-testid="stApp"]');
  const watch = new MutationObserver(() => {
    const state = app.getAttribute('data-test-script-state');
    if (state === 'running') window.__nq72_started = true;
    else if (window.__nq72_started && state === 'notRunning') { window.__nq72_ran = true; watch.disconnect(); }
  });
  watch.observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
}"""
NAVIGATE = "(url) => { history.pushState(null, '', url); dispatchEvent(new PopStateEvent('popstate')); }"
# What makes a drawn page unfit to file: [kind, detail], or null. An empty chart is one whose
# traces hold no point at all (plotly keeps the decoded data in _fullData).
FAILED = """(printing) => {
  if (document.querySelector('$LOGIN')) return ['login', ''];
  if (printing && !getComputedStyle(document.documentElement).getPropertyValue('$PRINT')) return ['not_print', ''];
  const error = document.querySelector('[data-testid="stException"], [data-testid="stAlertContentError"]');
  if (error) return ['error', error.innerText.trim().replace(/\\s+/g, ' ').slice(0, 200)];
  const points = tr => Math.max(0, ...['x', 'y', 'z', 'values', 'locations', 'lat']
    .map(k => (tr[k] && tr[k].length) || 0));
  for (const gd of document.querySelectorAll('[data-testid="stPlotlyChart"] .js-plotly-plot')) {
    const traces = (gd._fullData || []).filter(tr => tr.visible !== false);
    if (!traces.some(tr => points(tr) > 0))
      return ['empty_chart', ((gd._fullLayout || {}).title || {}).text || ''];
  }
  return null;
}""".replace("$LOGIN", LOGIN_FORM).replace("$PRINT", PRINT_MARK)


_FAILURES = {"error": "an error box", "empty_chart": "an empty chart",
             "not_print": "the page without print mode (its export token was refused)"}


class LoginRequired(RuntimeError):
    """The server drew its log-in form instead of the page."""


class FailedPage(RuntimeError):
    """The page drew an error box or an empty chart: not a page to file."""


class Busy(RuntimeError):
    """Every place in the export queue is taken."""


@dataclass(frozen=True)
class Sheet:
    """An A4 sheet. The tab is made as wide as its printed area at SCALE, so what is laid out on
    the screen (plotly sizes its charts once, for the screen) is what is printed."""
    landscape: bool = False

    @property
    def width(self) -> int:
        paper = A4_MM[1] if self.landscape else A4_MM[0]
        return int((paper - MARGIN_MM["left"] - MARGIN_MM["right"]) / 25.4 * 96 / SCALE)

    def pdf_options(self) -> dict:
        return {"format": "A4", "landscape": self.landscape, "scale": SCALE, "print_background": True,
                "margin": {k: f"{v}mm" for k, v in MARGIN_MM.items()}}


def sheet_for(page: str) -> Sheet:
    return Sheet(landscape=page in LANDSCAPE)


@dataclass(frozen=True)
class Heading:
    """What the header and footer of every printed page say: where, which period, when exported,
    whether the figures are synthetic (page n/N is Chromium's)."""
    place: str
    period: str
    lang: str
    synthetic: bool
    # Vietnam's clock whatever the server's (a container runs on UTC): the reader's date and time.
    exported: dt.datetime = field(default_factory=lambda: dt.datetime.now(accounts.VIETNAM))


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


def slug(text: str) -> str:
    """'dak-lak': lower-case ASCII words joined by '-' (đ is a letter of its own, not d + a mark)."""
    plain = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D")).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")


def folder_name(code: str) -> str:
    """'66-dak-lak': the province code and its name without diacritics."""
    return f"{code}-{slug(geography.provinces().set_index('code')['name_ascii'][code])}"


def file_stem(page: str, period: str, province: str | None, indicator: str | None = None) -> str:
    """'66-dak-lak-province-2026-10', 'national-overview-2026-10', 'national-indicator-life-expectancy-2026-10':
    the name of an exported view's files."""
    where = folder_name(province) if province else "national"
    what = f"{page}-{slug(indicator)}" if indicator else page
    return f"{where}-{what}-{period}"


def page_url(base: str, page: str, period: str, lang: str, province: str | None) -> str:
    params = {"period": period, "lang": lang, **PRINT}
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


async def _open(page, url: str, timeout_ms: int, afresh: Callable[[], str] | None = None) -> bool:
    """Show `url` in the tab and wait until it is drawn: moved to within the app the tab already
    holds (Streamlit's own history navigation: the same session, none of its scripts loaded and
    run again, a third of a small page's cost), or loaded afresh in a new tab. True if moved.

    A move that has not started in MOVE_MS is loaded afresh at `afresh()` when given: the same view
    with an export token of its own. The move may still start late and use up the token of `url`."""
    from playwright.async_api import TimeoutError as PlaywrightTimeout  # lazy, as in _run

    here, there = urlparse(page.url), urlparse(url)
    if (here.scheme, here.netloc) == (there.scheme, there.netloc) and await page.evaluate(HAS_APP):
        await page.evaluate(WATCH_RUN)
        await page.evaluate(NAVIGATE, f"{there.path}?{there.query}")
        try:  # the run starts at once, or the app cannot move (a lost connection, say): load it afresh
            await page.wait_for_function("() => window.__nq72_started", timeout=min(timeout_ms, MOVE_MS), polling=100)
        except PlaywrightTimeout:  # seen rarely under load (tests/test_export.py allows one a run): say so
            try:  # the page may be mid-navigation or disconnected: the log line must not stop the reload
                state = await page.evaluate("() => document.querySelector('[data-testid=\"stApp\"]')"
                                            "?.getAttribute('data-test-script-state')")
            except Exception:  # noqa: BLE001
                state = None
            LOG.warning("the move to %s did not start a run in %d s (script state %s); loading it afresh",
                        redact(url), min(timeout_ms, MOVE_MS) // 1000, state)
            url = afresh() if afresh is not None else url
        else:
            await page.wait_for_function(f"() => window.__nq72_ran && ({DRAWN})()", timeout=timeout_ms, polling=100)
            return True
    await page.goto(url, wait_until="domcontentloaded", timeout=timeout_ms)
    await page.wait_for_function(DRAWN, timeout=timeout_ms, polling=100)
    return False


async def _capture(page, url: str, formats: set[str], timeout_ms: int = 90_000, sheet: Sheet = Sheet(),
                   afresh: Callable[[], str] | None = None) -> dict[str, bytes]:
    """Load a URL in a tab as wide as the sheet's printed area, wait until it is drawn, refuse a
    page unfit to file, and return its full-page PNG and/or its A4 PDF (no header yet: _stamp).
    `afresh`: the URL again with a new export token, should the tab have to load it afresh (_open)."""
    await page.set_viewport_size({"width": sheet.width, "height": HEIGHT})
    await _open(page, url, timeout_ms, afresh)
    failed = await page.evaluate(FAILED, "print=1" in url)
    if failed and failed[0] == "login":
        raise LoginRequired(f"{redact(url)} drew the log-in form, not the page: the server has log-in on "
                            "and did not accept this export's token")
    if failed:
        raise FailedPage(f"{redact(url)} drew {_FAILURES[failed[0]]}{': ' + failed[1] if failed[1] else ''}")
    await page.evaluate("() => document.fonts.ready")
    await page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    out = {}
    if "png" in formats:
        out["png"] = await page.screenshot(full_page=True, animations="disabled")
    if "pdf" in formats:  # the tab prints with screen media (_new_tab), as laid out for the screenshot
        out["pdf"] = await page.pdf(**sheet.pdf_options())
    return out


async def _new_tab(context):
    """A tab whose pages are printed with screen media, set once: Streamlit's own print rules would
    lay each page out again, and switching media back and forth restyles the whole page twice."""
    tab = await context.new_page()
    await tab.emulate_media(media="screen")
    return tab


def _templates(h: Heading) -> tuple[str, str]:
    """Chromium's header and footer templates: place and period, synthetic notice; export date, page n/N."""
    style = ("font-family:'Noto Sans','DejaVu Sans',sans-serif;font-size:8px;color:#455a64;width:100%;"
             f"margin:0 {MARGIN_MM['left']}mm;display:flex;justify-content:space-between")
    notice = f"<b style='color:#b71c1c'>{_escape(t('cover_synthetic', h.lang))}</b>" if h.synthetic else ""
    page = _escape(t("print_page", h.lang, n="\x00", total="\x01"))
    page = page.replace("\x00", "<span class='pageNumber'></span>").replace("\x01", "<span class='totalPages'></span>")
    where = _escape(f"nq72 · {h.place} · {t('cover_period', h.lang, period=h.period)}")
    header = f'<div style="{style}"><span>{where}</span>{notice}</div>'
    footer = f'<div style="{style}"><span>{_escape(t("cover_exported", h.lang, now=h.exported))}</span><span>{page}</span></div>'
    return header, footer


def _sheets(pdf: bytes) -> list[str]:
    """The orientation of each sheet of a PDF: 'p' portrait, 'l' landscape."""
    return ["l" if float(p.mediabox.width) > float(p.mediabox.height) else "p" for p in PdfReader(io.BytesIO(pdf)).pages]


async def _overlay(context, kinds: list[str], heading: Heading, cover: str = "") -> bytes:
    """Empty sheets of the given orientations with the header and footer templates, numbered over
    them all, after the sheets of a `cover` (HTML) when there is one: Chromium prints them at once,
    so each document needs one print for its cover and its page numbers."""
    html = ("<html><head><meta charset='utf-8'><style>@page{size:A4 portrait}@page land{size:A4 landscape}"
            ".l{page:land}.s{height:1px;break-after:page}.s:last-child{break-after:auto}"
            "body{margin:0}.cover{break-after:page}</style></head><body>" + cover
            + "".join(f"<div class='s {k}'></div>" for k in kinds) + "</body></html>")
    header, footer = _templates(heading)
    tab = await context.new_page()
    try:
        await tab.set_content(html)
        await tab.evaluate("() => document.fonts.ready")
        return await tab.pdf(display_header_footer=True, header_template=header, footer_template=footer,
                             prefer_css_page_size=True, margin={k: f"{v}mm" for k, v in MARGIN_MM.items()})
    finally:
        await tab.close()


def _stamped(parts: list[bytes], overlay: bytes) -> bytes:
    """The overlay's leading sheets (a cover printed with it) as they are, then the parts, each
    sheet with its overlay sheet laid over it (pure Python: run it in a thread). The overlay goes in
    as a form XObject drawn after the sheet's own content, which is only wrapped in q/Q, never
    parsed: pypdf's merge_page re-parsed every chart's drawing."""
    writer = PdfWriter()
    overs = PdfReader(io.BytesIO(overlay)).pages
    pages = [page for part in parts for page in PdfReader(io.BytesIO(part)).pages]
    lead = len(overs) - len(pages)
    if lead < 0:
        raise ValueError(f"{len(overs)} overlay sheets for {len(pages)} pages")
    for page in [*overs[:lead], *pages]:
        writer.add_page(page)
    for n, (page, over) in enumerate(zip(writer.pages[lead:], overs[lead:])):
        _lay_over(writer, page, over, NameObject(f"/nq72hf{n}"))
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def _lay_over(writer: PdfWriter, page, over, name: NameObject) -> None:
    """Draw `over` on top of `page` (a page of `writer`) as the form XObject `name`."""
    form = DecodedStreamObject()
    form.set_data(over.get_contents().get_data() if over.get_contents() is not None else b"")
    form.update({NameObject("/Type"): NameObject("/XObject"), NameObject("/Subtype"): NameObject("/Form"),
                 NameObject("/BBox"): over.mediabox,
                 NameObject("/Resources"): over.get("/Resources", DictionaryObject()).clone(writer)})
    resources = page.setdefault(NameObject("/Resources"), DictionaryObject()).get_object()
    xobjects = resources.setdefault(NameObject("/XObject"), DictionaryObject()).get_object()
    xobjects[name] = writer._add_object(form)
    before, after = DecodedStreamObject(), DecodedStreamObject()
    before.set_data(b"q\n")
    after.set_data(b"Q\nq " + name.encode() + b" Do Q\n")
    own = page.get("/Contents")
    own = [] if own is None else list(own.get_object()) if isinstance(own.get_object(), ArrayObject) else [own]
    page[NameObject("/Contents")] = ArrayObject([writer._add_object(before), *own, writer._add_object(after)])


async def _stamp(context, pdf: bytes, heading: Heading) -> bytes:
    """The document with a header and footer on every page, numbered over the whole document."""
    return await asyncio.to_thread(_stamped, [pdf], await _overlay(context, _sheets(pdf), heading))


def _cover_html(title: str, lines: list[str], contents: list[str], lang: str) -> str:
    """An A4 cover: province, period, date of export, data as of which submission, and what follows
    on which pages (sized as the pages are printed: at SCALE)."""
    items = "".join(f"<p>{_escape(line)}</p>" for line in lines)
    listed = "".join(f"<li>{_escape(line)}</li>" for line in contents)
    toc = f"<h2>{_escape(t('cover_contents', lang))}</h2><ul>{listed}</ul>" if contents else ""
    return (f"<style>.cover{{font-family:'Noto Sans','DejaVu Sans',sans-serif;zoom:{SCALE};margin:60px 40px;"
            f"color:#263238}}.cover h1{{font-size:40px;margin-bottom:36px}}.cover p{{font-size:19px;margin:12px 0}}"
            f".cover h2{{font-size:22px;margin-top:48px}}.cover li{{font-size:17px;margin:6px 0}}</style>"
            f"<section class='cover'><h1>{_escape(title)}</h1>{items}{toc}</section>")


async def _document(context, cover: tuple[str, list[str]], parts: list[tuple[str, bytes]], heading: Heading) -> bytes:
    """Cover, then the pages in order, with header and footer: one province's (or the national) PDF.
    The pages are read and written once; Chromium prints the cover with the header and footer
    sheets in one go."""
    sheets = await asyncio.to_thread(lambda: [_sheets(pdf) for _, pdf in parts])
    contents, first = [], 2
    for (name, _), kinds in zip(parts, sheets, strict=True):
        contents.append(t("cover_contents_line", heading.lang, page=t(f"page_{name}", heading.lang), first=first,
                          last=first + len(kinds) - 1))
        first += len(kinds)
    front = _cover_html(*cover, contents, heading.lang)
    overlay = await _overlay(context, [k for kinds in sheets for k in kinds], heading, cover=front)
    return await asyncio.to_thread(_stamped, [pdf for _, pdf in parts], overlay)


def redact(text: str) -> str:
    """A message or URL without the value of any export token in it."""
    return _TOKEN.sub(r"\1…", text)


def with_token(url: str, db: str | Path, tokens: Callable[[str], str] | None = None) -> str:
    """The URL with an export token for its page, made as the operator from the database beside us
    (by `tokens`, accounts.export_tokens, when many are made)."""
    token = (tokens or accounts.export_tokens(db, accounts.operator()))(urlparse(url).path)
    return f"{url}{'&' if '?' in url else '?'}{urlencode({'export_token': token})}"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _write(path: Path, content: bytes) -> None:
    """Write through a temporary file, so a re-run never leaves half a file behind."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(content)
    tmp.replace(path)


async def _run(shots: list[Shot], formats: set[str], covers: dict[Path, tuple[tuple[str, list[str]], Heading]],
               concurrency: int, on_done: Callable[[Shot, str | None], None],
               sign: Callable[[str], str] | None = None) -> ExportResult:
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
            tabs.put_nowait(await _new_tab(context))

        # Each folder's PDF is assembled as soon as its last page is drawn, beside the drawing (one
        # at a time: the tabs keep the two cores busy), so little is left to do after the last page.
        left = Counter(s.folder for s in shots)
        order = {s.page: i for i, s in enumerate(shots)}
        turns, documents = asyncio.Semaphore(1), []

        async def assemble(folder: Path, parts: dict[str, bytes]) -> None:
            cover, heading = covers[folder]
            async with turns:
                pdf = await _document(context, cover, [(p, parts[p]) for p in sorted(parts, key=order.get)], heading)
            _write(folder / f"{folder.name}.pdf", pdf)
            result.files.append(folder / f"{folder.name}.pdf")

        def drawn(shot: Shot) -> None:
            left[shot.folder] -= 1
            if not left[shot.folder] and shot.folder in pdf_parts:
                documents.append(asyncio.create_task(assemble(shot.folder, pdf_parts.pop(shot.folder))))

        async def one(shot: Shot) -> None:
            tab = await tabs.get()
            try:  # a token is made as the tab is free, so its two minutes start when it is used
                files = await _capture(tab, sign(shot.url) if sign else shot.url, formats, sheet=sheet_for(shot.page),
                                       afresh=(lambda: sign(shot.url)) if sign else None)
            except Exception as exc:  # noqa: BLE001 - one page failing must not stop the others
                why = redact(str(exc))
                result.failures.append((shot.folder.name, shot.page, why.splitlines()[0][:300]))
                on_done(shot, why)
                await tab.close()
                tabs.put_nowait(await _new_tab(context))
                drawn(shot)
                return
            tabs.put_nowait(tab)
            if "png" in files:
                _write(shot.folder / f"{shot.page}.png", files["png"])
                result.files.append(shot.folder / f"{shot.page}.png")
            if "pdf" in files:
                pdf_parts.setdefault(shot.folder, {})[shot.page] = files["pdf"]
            on_done(shot, None)
            drawn(shot)

        await asyncio.gather(*(one(s) for s in shots))
        last_page = time.perf_counter()
        await asyncio.gather(*documents)
        result.seconds["pdf"] = time.perf_counter() - last_page    # assembly still left after the last page
        await context.close()
        await browser.close()
    return result


def cover_lines(conn: duckdb.DuckDBPyConnection, period: str, province: str | None, lang: str) -> tuple[tuple[str, list[str]], Heading]:
    """Title and lines of a cover (who, which period, when exported, data as of which submission)
    and the heading of every page after it."""
    name = geography.province_name(province) if province else t("national", lang)
    row = values.newest_submission_shown(conn, province)
    synthetic = submissions.is_synthetic(conn)
    heading = Heading(name, period, lang, synthetic)
    # The catalogue holds each language's date format: {now:%d/%m/%Y %H:%M} in Vietnamese.
    lines = [t("cover_period", lang, period=period), t("cover_exported", lang, now=heading.exported)]
    if row is None:
        lines.append(t("cover_no_figures", lang))
    else:
        lines.append(t("cover_as_of", lang, id=row[0], received=row[1]))
    if synthetic:
        lines.append(t("cover_synthetic", lang))
    return (f"nq72 · {name}", lines), heading


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
    """Export the pages; start (and stop) a server unless `url` points at a running one. Every page
    gets an export token made from `db`: print mode needs one, as does a server with log-in on."""
    started = time.perf_counter()
    proc = None
    if url is None:
        proc, url = start_server(db)

    tokens = None

    def sign(page_url: str) -> str:
        nonlocal tokens
        try:
            tokens = tokens or accounts.export_tokens(db, accounts.operator())
            return with_token(page_url, db, tokens)
        except (accounts.AccountError, store.StoreError):  # no token: the page is drawn without print mode and fails
            return page_url
    try:
        shots = plan(url, period, provinces, pages, lang, out)
        with store.opened(db, read_only=True) as conn:
            covers = {folder: cover_lines(conn, period, province, lang)
                      for folder, province in dict.fromkeys((s.folder, s.province) for s in shots)}
        ready = time.perf_counter()
        result = asyncio.run(_run(shots, formats, covers, concurrency, on_done or (lambda s, e: None), sign))
        result.seconds |= {"server": ready - started, "pages": time.perf_counter() - ready,
                          "per_page": (time.perf_counter() - ready) / max(len(shots), 1)}
        return result
    finally:
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()


class ViewPool:
    """One headless Chromium for the whole server, driven by its own thread and event loop and
    started with the first export (again if it died; closed after ten idle minutes). At most
    `running` views are drawn at once and `waiting` more wait their turn in order; beyond that Busy.
    Each view gets a fresh browser context (no cookies or storage shared between users)."""

    IDLE_SECONDS = 600

    def __init__(self, running: int = 2, waiting: int = 4, timeout: float = 300):
        self.running, self.waiting, self.timeout = running, waiting, timeout
        self.launches = 0                          # browsers started so far (tests, diagnosis)
        self._turns = threading.Condition()
        self._queue: list[object] = []             # tickets in order: the first `running` are drawing
        self._loop: asyncio.AbstractEventLoop | None = None
        self._playwright = self._browser = None
        self._launching: asyncio.Future | None = None
        self._active, self._last_used = 0, 0.0

    def capture(self, url: str | Callable[[], str], on_wait: Callable[[int], None] | None = None,
                heading: Heading | None = None, sheet: Sheet = Sheet()) -> tuple[bytes, bytes]:
        """PNG and PDF of one view. `url` may be a function, called when the view's turn comes (a
        token made then has its whole life ahead); `on_wait(n)` hears how many are ahead while waiting;
        with a `heading`, every PDF page carries it."""
        ticket = object()
        with self._turns:
            if len(self._queue) >= self.running + self.waiting:
                raise Busy("every place in the export queue is taken")
            self._queue.append(ticket)
        try:
            self._wait_turn(ticket, on_wait)
            target = url() if callable(url) else url
            draw = self._draw(target) if heading is None else self._draw(target, heading, sheet)
            future = asyncio.run_coroutine_threadsafe(draw, self._event_loop())
            try:
                return future.result(timeout=self.timeout)
            except TimeoutError:
                future.cancel()
                raise RuntimeError(f"the view was not drawn within {self.timeout:.0f} s") from None
        finally:
            with self._turns:
                self._queue.remove(ticket)
                self._turns.notify_all()

    def _wait_turn(self, ticket: object, on_wait: Callable[[int], None] | None) -> None:
        told = None
        while True:
            with self._turns:
                ahead = self._queue.index(ticket)
                if ahead < self.running:
                    return
                if ahead == told:
                    self._turns.wait(timeout=1.0)
                    continue
            told = ahead
            if on_wait is not None:  # outside the lock: it draws on the caller's page
                on_wait(ahead)

    def _event_loop(self) -> asyncio.AbstractEventLoop:
        with self._turns:
            if self._loop is None:
                self._loop = asyncio.new_event_loop()
                threading.Thread(target=self._loop.run_forever, name="nq72-export-browser", daemon=True).start()
            return self._loop

    async def _draw(self, url: str, heading: Heading | None = None, sheet: Sheet = Sheet()) -> tuple[bytes, bytes]:
        self._active += 1
        try:
            browser = await self._alive_browser()
            context = await browser.new_context(viewport={"width": WIDTH, "height": HEIGHT}, locale="vi-VN",
                                                timezone_id="Asia/Ho_Chi_Minh")
            try:
                files = await _capture(await _new_tab(context), url, {"png", "pdf"}, sheet=sheet)
                if heading is not None:
                    files["pdf"] = await _stamp(context, files["pdf"], heading)
            finally:
                with contextlib.suppress(Exception):  # a browser that died is restarted next time
                    await context.close()
            return files["png"], files["pdf"]
        finally:
            self._active -= 1
            self._last_used = time.monotonic()
            asyncio.get_running_loop().call_later(self.IDLE_SECONDS, lambda: asyncio.ensure_future(self._close_if_idle()))

    async def _alive_browser(self):
        """The browser, started (again) when there is none or it died; draws that ask while it
        starts wait for that same start."""
        if self._browser is None or not self._browser.is_connected():
            if self._launching is None or self._launching.done():
                self._launching = asyncio.ensure_future(self._launch())
            await asyncio.shield(self._launching)
        return self._browser

    async def _launch(self) -> None:
        from playwright.async_api import async_playwright  # lazy: the dashboard imports this module on every page

        await self._stop_browser()
        self._playwright = await async_playwright().start()
        self._browser = await self._playwright.chromium.launch(executable_path=settings().chromium, args=CHROMIUM_ARGS)
        self.launches += 1

    async def _stop_browser(self) -> None:
        browser, driver, self._browser, self._playwright = self._browser, self._playwright, None, None
        with contextlib.suppress(Exception):  # it may have died already
            if browser is not None:
                await browser.close()
        with contextlib.suppress(Exception):
            if driver is not None:
                await driver.stop()

    async def _close_if_idle(self) -> None:
        if self._active == 0 and time.monotonic() - self._last_used >= self.IDLE_SECONDS - 1:
            await self._stop_browser()

    def close(self) -> None:
        """Stop the browser (tests; a server just exits)."""
        if self._loop is not None:
            asyncio.run_coroutine_threadsafe(self._stop_browser(), self._loop).result(timeout=30)


_POOL: list[ViewPool] = []
_POOL_LOCK = threading.Lock()


def view_pool() -> ViewPool:
    """The server's one pool of export views, made on first use."""
    with _POOL_LOCK:
        if not _POOL:
            _POOL.append(ViewPool())
        return _POOL[0]


def capture_view(url: str | Callable[[], str], on_wait: Callable[[int], None] | None = None,
                 heading: Heading | None = None, sheet: Sheet = Sheet()) -> tuple[bytes, bytes]:
    """PNG and PDF of one view (the dashboard's Export button), through the server's one browser;
    raises Busy when the queue is full and LoginRequired when the log-in form was drawn instead."""
    try:
        return view_pool().capture(url, on_wait, heading, sheet)
    except (Busy, LoginRequired):
        raise
    except Exception as exc:  # noqa: BLE001 - said to the user: without any token in it
        raise RuntimeError(redact(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)) from None
