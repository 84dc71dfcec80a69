"""Pieces every page uses: the header with the synthetic-data banner, status badges, and charts
that carry their source, a PNG download and a CSV download."""
from __future__ import annotations

import csv
import datetime as dt
import html
import io
import logging
import os
import re
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from urllib.parse import urlencode

import duckdb
import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import auth, charts, fmt, html_charts, jobs, queries, views
from dashboard.state import choice, print_mode
from dashboard.state import lang as current_lang
from data import geography
from indicators.catalogue import Indicator, catalogue
from indicators.periods import default_month, month_options, parse_period
from pipelines import accounts, settings, store
from pipelines import export as exporter
from pipelines.messages import t
from pipelines.quality import results as quality_results
from pipelines.quality.suite import docs_index
from pipelines.submit import submit
from pipelines.template import template_bytes, template_rows

LOG = logging.getLogger("nq72")
# Colour plus a symbol of its own shape, so status never rests on colour alone. No shape points
# up or down: "limited progress" may rise, so an arrow would claim a direction the data lack.
# Best first (the Overview sorts by this order, as indicators.progress.STATUSES).
STATUS_STYLE = {
    "achieved": ("#1a7f37", "✔"),
    "on_track": ("#4c9a2a", "●"),
    "acceleration_needed": ("#d4a100", "◆"),
    "limited_progress": ("#e07000", "■"),
    "deterioration": ("#c62828", "✖"),
    "not_achieved": ("#8e0000", "⊘"),
    "insufficient_data": ("#9e9e9e", "…"),
    "no_target": ("#cfd8dc", "○"),
}


def plain(text: object) -> str:
    """Text from a file or a user, safe to put inside st.markdown/st.error: every Markdown and
    HTML character escaped, so it shows as typed and never becomes a link, an image or markup."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|<>~$&])", r"\\\1", str(text))


def status_text(status: str, lang: str, since: int | None = None) -> str:
    """'● Đúng tiến độ', with '(xu hướng từ 2021)' when the trend starts before the plan's baseline."""
    return charts.status_label(status, lang, since, symbol=STATUS_STYLE[status][1])


def page(title_key: str, require_data: bool = True) -> tuple[str, str, tuple | None, dict | None]:
    """Title, banner and database checks. A page that shows data stops with an explanation when
    there is none; the upload page (require_data=False) goes on with version and info None."""
    lang = current_lang()
    st.title(t(title_key, lang))
    if auth.mode() == "off" and not print_mode():
        st.caption(t("auth_off", lang))
    db = queries.db_file()
    if not os.path.exists(db):
        if require_data:
            st.info(t("no_db", lang))
            st.stop()
        return lang, db, None, None
    try:
        version = queries.data_version(db)
        info = queries.summary(db, version)
    except (store.StoreError, duckdb.Error) as exc:
        unreadable(exc, lang)
        st.stop()
    if info["synthetic"]:
        st.warning(t("synthetic_banner", lang))
    if info["values"] == 0 and require_data:
        st.info(t("empty", lang))
        st.stop()
    return lang, db, version, info


def csv_download(frame: pd.DataFrame, name: str, lang: str, key: str) -> None:
    """A download of a table as CSV that a spreadsheet opens safely (see csv_bytes)."""

    st.download_button(t("download_csv", lang), data=csv_bytes(frame), file_name=f"{name}.csv",
                       mime="text/csv", key=key)


# OWASP CSV injection: a cell starting with one of these is a formula to a spreadsheet.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Vietnamese Excel may split a cell on ';' (its list separator): what follows must not start a formula.
_SPLIT_FORMULA = re.compile(r"[;,\t]\s*[=+\-@]")


def neutralised(cell: object) -> object:
    """A text cell that a spreadsheet would run gets a ' before the formula (at its start and after
    any separator Excel may split on); empty and non-text cells stay as they are."""
    if not isinstance(cell, str) or not cell:
        return cell
    cell = _SPLIT_FORMULA.sub(lambda m: m.group(0)[:-1] + "'" + m.group(0)[-1], cell)
    return "'" + cell if cell.startswith(FORMULA_START) else cell


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 with BOM (Excel shows the diacritics), every cell quoted, formulas neutralised."""
    safe = frame.rename(columns=lambda c: neutralised(str(c))).map(neutralised)
    return safe.to_csv(index=False, quoting=csv.QUOTE_ALL).encode("utf-8-sig")


def finished(fig, lang: str):
    """A figure as every chart of the dashboard draws it: its font and number format, dates as
    numbers, text labels free to stand past the plot area. Returns the figure, changed in place."""
    fig.update_layout(font_family="Noto Sans, DejaVu Sans, Arial, sans-serif", separators=fmt.separators(lang))
    if _has_dates(fig) and not fig.layout.xaxis.tickformatstops:
        # Plotly has no Vietnamese month names ("Jan 2026"): numbers in both languages, and at most
        # 6 ticks where the chart sets none, so labels stay upright in a 390 px window.
        fig.update_xaxes(nticks=6, automargin=True, tickformatstops=[
            dict(dtickrange=[None, "M11"], value="%m/%Y"), dict(dtickrange=["M12", None], value="%Y")])
    # Labels next to a point (a milestone's year, a tile's name) may stand past the plot area.
    fig.update_traces(cliponaxis=False, selector=lambda tr: "text" in (getattr(tr, "mode", None) or ""))
    return fig


# Every province's charts for one month and language (34 x 15), ~57 kB each: at most ~35 MB.
@st.cache_resource(show_spinner=False, max_entries=600)
def shared_figure(key: tuple, lang: str, _make: Callable[[], go.Figure]) -> go.Figure:
    """The finished figure `_make` builds, made once per `key` (which must name everything it is
    made from) and shared by every session: the server builds a province's 15 progress charts once
    per data version instead of once per reader (0.4 s of CPU each time on a national database).
    Shared, so never changed after it is made: `chart` only reads it."""
    return _shared(_make(), lang)


# The Indicator page's trends, one per indicator, highlighted province, month and language: 34
# series each (~0.2 MB), so a budget of their own that does not push the province charts out.
@st.cache_resource(show_spinner=False, max_entries=100)
def shared_trends(key: tuple, lang: str, _make: Callable[[], go.Figure]) -> go.Figure:
    """As shared_figure, for the Indicator page's trends chart."""
    return _shared(_make(), lang)


def _shared(fig: go.Figure, lang: str) -> go.Figure:
    fig = finished(fig, lang)
    fig._nq72_shared = True
    return fig


def chart(fig, name: str, data: pd.DataFrame, source: str, lang: str, key: str) -> None:
    """A plotly chart with its source line, PNG download (chart toolbar) and CSV download."""
    if not getattr(fig, "_nq72_shared", False):
        finished(fig, lang)
    printing = print_mode()
    # A sheet is not hovered or zoomed: plotly skips its event layers and toolbar.
    st.plotly_chart(fig, key=f"chart_{key}", config={"staticPlot": True} if printing else {
        "displaylogo": False, "toImageButtonOptions": {"format": "png", "filename": name, "scale": 2}})
    source_and_csv(data, name, source, lang, key)


def figure(markup: str, name: str, data: pd.DataFrame, source: str, lang: str, key: str) -> None:
    """A figure drawn as page text (dashboard.html_charts) with its source line and CSV download."""
    st.html(markup)
    source_and_csv(data, name, source, lang, key)


def source_and_csv(data: pd.DataFrame, name: str, source: str, lang: str, key: str) -> None:
    if print_mode():  # a sheet has no buttons: the source line alone, without columns around it
        st.caption(source)
        return
    left, right = st.columns([4, 1])
    left.caption(source)
    with right:
        csv_download(data, name, lang, key=f"csv_{key}")


# The tables of `table`, as st.table draws its own; wide ones scroll sideways in a narrow window.
TABLE_CSS = """.nq72-table {border: 1px solid rgba(47, 45, 43, 0.1); border-radius: 0.5rem; margin-top: 1rem;
  font-size: 14px; overflow-x: auto}
.nq72-table table {width: 100%; border-collapse: separate; border-spacing: 0}
.nq72-table th {color: rgba(47, 45, 43, 0.7); font-weight: 400; text-align: left; padding: 4px 6px 4px 8px}
.nq72-table td {padding: 4px 6px}
.nq72-table th, .nq72-table tr:not(:last-child) td {border-bottom: 1px solid rgba(47, 45, 43, 0.1)}
.nq72-panel p {margin: 0 0 0.75rem}
.nq72-panel .nq72-table {margin: 0.5rem 0 0.75rem}
.nq72-panel .nq72-note {font-size: 14px; color: rgba(49, 51, 63, 0.6)}"""


def interface_style(lang: str) -> None:
    """Streamlit's file uploader writes its own English ('Upload', '200MB per file'): its words
    are hidden and ours shown, in the reader's language, with the limit this server applies. Its
    text fields' English hint ('Press Enter to submit form') is said in Vietnamese to a Vietnamese
    reader; the character count after it stays.
    And the style of every page-text table (TABLE_CSS), once per run."""
    limit = fmt.number(min(settings.settings().max_upload_mb, st.get_option("server.maxUploadSize")), lang, 0)
    hint, button = (t("uploader_hint", lang, limit=limit).replace('"', "'"), t("uploader_button", lang).replace('"', "'"))
    st.html(f"""<style>
[data-testid="stFileUploaderDropzoneInstructions"] > div > span {{display: none}}
[data-testid="stFileUploaderDropzoneInstructions"] > div::after {{content: "{hint}"; font-size: 0.875rem; opacity: 0.7}}
[data-testid="stFileUploaderDropzone"] button [data-testid="stIconMaterial"],
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p {{display: none}}
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"]::after {{content: "{button}"}}
{_input_hints(lang)}
{TABLE_CSS}
{html_charts.CSS}</style>""")


def _input_hints(lang: str) -> str:
    """CSS that writes Streamlit's text-field hint in Vietnamese: its first part is always the hint
    (the character count, when there is one, follows it)."""
    if lang != "vi":
        return ""
    hint = '[data-testid="InputInstructions"] > span:first-child'
    return f"""{hint} {{font-size: 0}}
{hint}::after {{content: "{t('input_hint_apply', lang)}"; font-size: 0.75rem}}
[data-testid="stForm"] {hint}::after {{content: "{t('input_hint_submit', lang)}"}}
[data-testid="stTextArea"] {hint}::after {{content: "{t('input_hint_multiline', lang)}"}}"""


def _has_dates(fig) -> bool:
    """Whether a figure's x axis holds dates (a time series) rather than numbers or categories."""
    for trace in fig.data:
        x = getattr(trace, "x", None)
        first = next((v for v in (() if x is None else x) if v is not None), None)
        if first is not None:
            return isinstance(first, (dt.date, pd.Timestamp, np.datetime64))
    return False


def source_line(lang: str, last: object, extra: str = "") -> str:
    """'Nguồn: số liệu các Sở Y tế nộp; cập nhật 21/11/2026' plus any plan citation."""
    text = f"{t('source', lang)}: {t('source_uploads', lang)}; {t('updated', lang)} {fmt.date(_day(last), lang)}"
    return f"{text}. {extra}" if extra else text


def _day(value):
    return value.date() if hasattr(value, "date") and callable(value.date) else value


def panel_header(ind: Indicator, latest: pd.Series, results: list, notes: list[str], lang: str) -> None:
    """Header of a province panel, one block of page text: the indicator, its latest value, every
    milestone that applies (national and local, 2045 included) with the distance, status and
    projected year, then the `notes` (the province's own plan restating a target). One element, not
    four or six: each element a page draws costs the reader's browser time (bench/pages.py)."""
    parts = [f"<p><strong>{html.escape(ind.name(lang))}</strong></p>",
             f"<p>{html.escape(t('latest', lang))}: <strong>{html.escape(views.value_text(latest['value'], ind, lang))}"
             f"</strong> ({html.escape(str(latest['period']))})</p>"]
    if results:
        parts.append(milestones_html(ind, results, lang))
    else:
        parts.append(f"<p class='nq72-note'>{html.escape(status_text('no_target', lang))}</p>")
    parts += [f"<p class='nq72-note'>{html.escape(note)}</p>" for note in notes]
    st.html(f"<div class='nq72-panel'>{''.join(parts)}</div>")


def milestones(ind: Indicator, results: list, lang: str) -> None:
    """The milestones table (views.milestones_table), targets and distances kept on one line."""
    st.html(milestones_html(ind, results, lang))


def milestones_html(ind: Indicator, results: list, lang: str) -> str:
    return html_table(views.milestones_table(ind, results, lambda a: assessed_text(a, lang), lang),
                      nowrap=[t("target", lang), t("gap", lang)])


def assessed_text(a, lang: str) -> str:
    """The status of one assessment as a reader sees it (with the year its trend starts from)."""
    return status_text(a.status, lang, getattr(a, "trend_since", None))


def table(frame: pd.DataFrame, nowrap: list[str] | bool = False, verbatim: Sequence[str] = ()) -> None:
    """A table a reader must read, as page text (found, copied, translated and printed whole,
    unlike a canvas grid): every cell shown as typed, a status cell in its status colour. The
    `nowrap` columns (True: every one) stay on one line.

    Plain HTML (html_table, styled by TABLE_CSS) rather than st.table, which draws every cell
    through a Markdown component of its own: on the Province page's 15 milestone tables that was
    0.13 s of the server's time and 0.3 s of the browser's on every visit (bench/pages.py).
    The `verbatim` columns hold the plans' Vietnamese as written, in either language: marked so."""
    st.html(html_table(frame, nowrap, verbatim))


def html_table(frame: pd.DataFrame, nowrap: list[str] | bool = False, verbatim: Sequence[str] = ()) -> str:
    """The table of `table` as HTML: every cell as text, escaped, a status cell in its status
    colour, the `nowrap` columns on one line, the `verbatim` columns' cells marked lang='vi' (for
    a screen reader or a translator on the English page); styled by TABLE_CSS."""
    kept = set(frame.columns) if nowrap is True else set(nowrap or [])
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    rows = []
    for row in frame.astype(str).itertuples(index=False):
        cells = []
        for column, text in zip(frame.columns, row):
            style = "; ".join(s for s in (_status_colour(text), "white-space: nowrap" if column in kept else "") if s)
            marks = (f" style='{style}'" if style else "") + (" lang='vi'" if column in verbatim else "")
            cells.append(f"<td{marks}>{html.escape(text)}</td>")
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return f"<div class='nq72-table'><table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"


def _status_colour(cell: object) -> str:
    """CSS for a cell that starts or ends with a status symbol (a status, a scorecard cell)."""
    text = str(cell).replace("\\", "").strip()
    for colour, symbol in STATUS_STYLE.values():
        if text.startswith(symbol) or text.endswith(symbol):
            return f"color: {colour}; font-weight: 600" if colour != STATUS_STYLE["no_target"][0] else ""
    return ""


def stations_share(communes: pd.DataFrame, results: list, lang: str) -> float:
    """The share of commune stations reaching the target (doctors per station) as a metric; returns
    the threshold it counts against (4 doctors when no milestone gives one)."""
    threshold = min((tg.threshold for tg, _ in results if tg.threshold is not None), default=4.0)
    share = float((communes["value"] >= threshold).mean() * 100)
    st.metric(t("stations_share", lang).format(n=fmt.number(threshold, lang, 0)),
              f"{fmt.value_with_unit(share, '%', lang)} ({int((communes['value'] >= threshold).sum())}/{len(communes)})")
    return threshold


def stations_chart(communes: pd.DataFrame, threshold: float, ind: Indicator, lang: str) -> None:
    """How the commune stations are distributed against the threshold, with its CSV."""
    code = communes["province_code"].iloc[0]
    chart(charts.stations_histogram(communes["value"], threshold, lang), f"nq72-{code}-stations",
          communes[["area_code", "name", "period", "value"]], source_line(lang, communes["received_at"].max()), lang,
          key=f"hist_{ind.code}")


def data_docs(run: dict, db: str) -> Path | None:
    """The Data Docs start page of a run, if it was built and is still there. A run records the
    folder as it was given (relative under `make run`, to a directory this server need not share):
    a relative one is the folder beside the database."""
    folder = run.get("docs_path")
    if not folder or not isinstance(folder, str):
        return None
    path = Path(folder) if Path(folder).is_absolute() else quality_results.docs_path(Path(db).resolve())
    return docs_index(path) if path.exists() else None


def docs_pages(index: Path, lang: str) -> dict[str, Path]:
    """The readable pages of a Data Docs site: each validation result, then each expectation suite
    (the start page is a table filled by a script from a public host, so it is left out)."""
    site = index.parent
    pages = {t("docs_validation", lang, name=p.parent.parent.parent.name): p
             for p in sorted(site.glob("validations/*/*/*/*.html"))}
    pages |= {t("docs_suite", lang, name=p.stem): p for p in sorted(site.glob("expectations/*.html"))}
    return pages


def docs_view(index: Path, lang: str) -> None:
    """One Data Docs page inside this page, loading nothing from the network, and the whole site
    as a zip; the reader picks the page."""
    if print_mode():  # a page of its own to read on the screen, not one to print
        st.caption(t("docs_print", lang))
        return
    pages = docs_pages(index, lang)
    if pages:
        chosen = st.selectbox(t("docs_page", lang), list(pages), key="docs_page")
        st.caption(t("docs_note", lang))
        st.iframe(views.offline_html(pages[chosen].read_text(encoding="utf-8", errors="replace")), height=700)
    st.download_button(t("download_docs", lang), zip_folder(index.parents[2]), file_name="nq72-data-docs.zip",
                       mime="application/zip", key="docs_zip")


def zip_folder(folder: Path) -> bytes:
    """Every file under `folder` in one zip, paths relative to it (Data Docs as one download)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                z.write(path, path.relative_to(folder))
    return buf.getvalue()


def as_of_month(values: pd.DataFrame, lang: str) -> str:
    """The as-of month from ?period= (a sidebar choice otherwise: the newest month that most
    provinces have reported, see indicators.periods.default_month).

    A month after the newest data shows everything reported by then; a month before the first
    data stops the page with a message, so an export of an empty period says so instead of
    drawing empty charts."""
    options = month_options(values)
    default = default_month(values, len(geography.provinces()))
    wanted = st.query_params.get("period")
    parsed = parse_period(wanted) if wanted else None
    if parsed is not None and parsed.granularity == "month" and parsed.code not in options:
        if options and parsed.code > options[0]:
            options = [parsed.code] + options
        else:
            st.info(t("no_data_period", lang).format(period=parsed.code))
            st.stop()
    return choice("period", options, t("as_of", lang), default=default, container=st.sidebar)


def export_button(lang: str) -> None:
    """Sidebar button: the PNG and PDF of the current view (its print mode, drawn by the server's
    one headless Chromium, queued behind other exports). Called by the router after the page has
    run, so the selection is the one the page now shows; the files are offered while it still is.
    Pages that write or administer have none."""
    path = auth.page_path() or "/"
    if print_mode() or path.endswith(accounts.NO_EXPORT):
        return
    params = {k: v for k, v in st.query_params.to_dict().items() if k not in ("export_token", "print", "embed")}
    params["lang"] = lang
    key = f"export_{path}"
    if st.sidebar.button(t("export", lang), key=f"{key}_button", help=t("export_help", lang)):
        st.session_state.pop(key, None)
        page = exporter.PAGE_OF.get(path, exporter.slug(path))

        def url() -> str:  # made when the export's turn comes, so its token's two minutes start then
            token = {"export_token": auth.export_token(auth.current(), path)}
            return f"http://127.0.0.1:{st.get_option('server.port')}{path}?{urlencode(params | exporter.PRINT | token)}"
        queued = st.sidebar.empty()
        with st.sidebar, st.spinner(t("exporting", lang)):
            try:
                files = exporter.capture_view(url, on_wait=lambda n: queued.info(t("export_queued", lang, n=n)),
                                              heading=_heading(params, lang), sheet=exporter.sheet_for(page))
                st.session_state[key] = (params, export_stem(page, params), *files)
            except exporter.Busy:
                st.sidebar.warning(t("export_busy", lang))
            except Exception as exc:  # noqa: BLE001 - a missing browser must not break the page
                st.sidebar.error(f"{t('export_failed', lang)}: {str(exc).splitlines()[0][:200]}")
        queued.empty()
    held = st.session_state.get(key)
    if held is not None and held[0] == params:
        _, stem, png, pdf = held
        st.sidebar.download_button("⬇ PNG", png, file_name=f"{stem}.png", mime="image/png", key=f"{key}_png")
        st.sidebar.download_button("⬇ PDF", pdf, file_name=f"{stem}.pdf", mime="application/pdf", key=f"{key}_pdf")


def export_stem(page: str, params: dict[str, str]) -> str:
    """'66-dak-lak-province-2026-10': where, which page, which period (this month when the page has none)."""
    province = params.get("province") if page in exporter.PROVINCE_PAGES else None
    today = settings.today()
    return exporter.file_stem(page, params.get("period") or f"{today.year}-{today.month:02d}",
                              province if province in _province_codes() else None,
                              params.get("indicator") if page == "indicator" else None)


def _province_codes() -> set[str]:
    return set(geography.provinces()["code"])


def _heading(params: dict[str, str], lang: str) -> exporter.Heading:
    code = params.get("province")
    db = queries.db_file()
    synthetic = os.path.exists(db) and bool(queries.summary(db, queries.data_version(db))["synthetic"])
    place = geography.province_name(code) if code in _province_codes() else t("national", lang)
    return exporter.Heading(place, params.get("period") or "–", lang, synthetic)


# Print mode: the exporter's own view of a page (?print=1 with an export token; a reader cannot
# switch it on). The page flows as one document, so it prints whole across A4 sheets.
_WIDGETS = ("stButton", "stDownloadButton", "stSelectbox", "stMultiSelect", "stRadio", "stNumberInput", "stCheckbox",
            "stTextInput", "stTextArea", "stFileUploader", "stIFrame", "stForm")
PRINT_CSS = """
:root {--nq72-print: 1}
section[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
[data-testid="stToolbar"], [data-testid="stDecoration"], .modebar-container, WIDGETS {display: none !important}
html, body, #root, #root > div, [data-testid="stApp"], [data-testid="stScreencast"], [data-testid="stAppViewContainer"],
[data-testid="stAppViewContainer"] > div, [data-testid="stMain"] {
  height: auto !important; min-height: 0 !important; overflow: visible !important; position: static !important}
[data-testid="stMainBlockContainer"] {padding: 0 4px !important; max-width: none !important}
/* Blocks, not flex columns: Chromium misplaces what follows a flex item pushed to the next sheet. */
[data-testid="stVerticalBlock"] {display: block !important}
[data-testid="stVerticalBlock"] > :not(:first-child) {margin-top: 1rem}
[data-testid="stVerticalBlock"] > [data-testid="stElementContainer"]:has(> [data-testid="stHtml"], > .stHtml) {margin-top: 0}
/* Tables (ui.table, TABLE_CSS): whole on the sheet, their header repeated on the next. */
.nq72-table {overflow: visible}
.nq72-table thead {display: table-header-group; break-inside: avoid}  /* Chromium repeats such a header */
.nq72-table tr, [data-testid="stPlotlyChart"], [data-testid="stMetric"], [data-testid="stAlert"],
[data-testid="stCaptionContainer"], .stVerticalBlock:has(> .stElementContainer > [data-testid="stPlotlyChart"]) {
  break-inside: avoid}
[data-testid="stElementContainer"]:has([data-testid="stHeading"]), [data-testid="stHeading"], h1, h2, h3 {break-after: avoid}
/* A heading keeps 4 cm below it on its sheet, or moves to the next: break-after alone is lost when
   what follows may itself break (a long table) or sits in another block (columns). */
[data-testid="stHeading"] {break-inside: avoid}
[data-testid="stHeading"]::after {content: ""; display: block; height: 4cm; margin-bottom: -4cm}
"""


def print_style() -> None:
    """No sidebar, widgets or buttons; the page in one flow (no scroll box); charts, metrics and
    table rows never cut across sheets. Its --nq72-print property tells the exporter print mode is on."""
    widgets = ", ".join(f'[data-testid="stElementContainer"]:has(> [data-testid="{w}"])' for w in _WIDGETS)
    st.html(f"<style>{PRINT_CSS.replace('WIDGETS', widgets + ', [data-testid=stForm]')}</style>")


def frame(data: pd.DataFrame) -> None:
    """A long table: a scrolling grid on the screen, every row as page text in print mode (numbers
    written as the reader writes them, as the grid shows them)."""
    if print_mode():
        lang = current_lang()
        shown = data.apply(lambda col: col.map(lambda v, d=_decimals(col): fmt.number(v, lang, d))
                           if pd.api.types.is_float_dtype(col) else col)
        table(shown, nowrap=[c for c in shown.columns if shown[c].astype(str).str.len().max() <= 12])  # codes, periods
    else:
        st.dataframe(data, hide_index=True, width="stretch")


def _decimals(col: pd.Series) -> int:
    """The fewest decimals (up to 3) that write every number of a column exactly."""
    values = col.dropna()
    return next((d for d in range(3) if ((values - values.round(d)).abs() < 1e-9).all()), 3)


def wide_table(data: pd.DataFrame, nowrap: list[str] | bool = False, per: int = 7) -> None:
    """A table of many columns (the scorecard's 14 indicators): whole on the screen; in print mode
    cut into tables of `per` columns that each fit a sheet, the first column repeated."""
    if not print_mode() or len(data.columns) <= per + 1:
        table(data, nowrap)
        return
    first, rest = data.columns[:1], list(data.columns[1:])
    for i in range(0, len(rest), per):
        table(data[[*first, *rest[i:i + per]]], nowrap)


def drawn_when_opened(label: str, key: str, always: bool):
    """The place of a chart drawn only when its reader opens it: a lazy expander, so that a folded
    one is neither computed nor sent (plotly.js alone costs a first visit ~1 s), or a plain
    container when `always` (print mode, a switch). None while it is folded."""
    if always:
        return st.container()
    # Streamlit counts the label in an expander's identity: the language switch would make a new,
    # folded one. The reader's choice is kept apart and given back as the new one's `expanded`.
    remembered = f"_opened:{key}"

    def remember() -> None:
        st.session_state[remembered] = bool(st.session_state.get(key))

    place = st.expander(label, expanded=st.session_state.get(remembered, False), key=key, on_change=remember)
    return place if place.open else None


def panel_columns(n: int) -> list:
    """Side-by-side places for panels; in print mode one place, so panels follow each other in order
    at the sheet's full width."""
    if print_mode():
        return [st.container()] * n
    return st.columns(n)


def show_outcome(report, lang: str) -> None:
    """What became of a submission: loaded, unchanged, or refused with every reason; corrections
    to closed periods held for an admin."""
    if report.status == "rejected":
        st.error(plain("; ".join(p.message(lang) for p in report.problems)))
    elif report.status == "warnings":  # a new jump since the check (another file loaded meanwhile)
        st.warning(t("warnings_held", lang, n=fmt.number(len(report.warnings), lang, 0)))
    elif report.status != "pending":
        key = "loaded" if report.status == "accepted" else "unchanged"
        st.success(t(key, lang, n=fmt.number(report.rows, lang, 0), id=report.submission_id))
    if report.pending:  # corrections to closed periods, held for an admin
        pending_view(report.pending, "upload_pending", lang)


def pending_view(pending: list, key: str, lang: str, rows: bool = True) -> None:
    """Corrections to closed periods that wait (or, in a check, would wait) for an admin, a line each:
    the indicator and area by name, the file's row unless `rows` is False (a form has none)."""
    cat = catalogue()

    def line(c) -> str:
        what = dict(indicator=cat[c.indicator].name(lang), area=geography.area_name(c.area_code), period=c.period,
                    old=fmt.number(c.current_value, lang, 2), new=fmt.number(c.value, lang, 2))
        if not rows:
            return t("correction_line_form", lang, **what)
        return t("correction_line" if c.id is not None else "correction_line_new", lang, id=c.id, row=c.row, **what)
    st.info(t(key, lang, n=fmt.number(len(pending), lang, 0)) + "\n\n" + "\n".join("- " + plain(line(c)) for c in pending))


def entry_outcome(report, name: str, lang: str) -> None:
    """What became of a sent form: sent, unchanged, refused (the draft kept), held for its warnings,
    or waiting for an admin."""
    if report.status == "rejected":
        st.error(plain(t("entry_refused", lang, reason="; ".join(p.message(lang) for p in report.problems))))
    elif report.status == "warnings":
        st.warning(t("warnings_held", lang, n=fmt.number(len(report.warnings), lang, 0)))
    elif report.status == "pending":
        st.success(t("entry_sent_pending", lang, name=name))
    else:
        st.success(plain(t("entry_loaded" if report.status == "accepted" else "entry_unchanged", lang,
                           n=report.rows, id=report.submission_id, name=name)))
    if report.pending:
        pending_view(report.pending, "upload_pending", lang, rows=False)


def quality_run(db: str, lang: str) -> dict | None:
    """The newest quality run; None when there is none, or when its file cannot be read: then only
    the quality feature is lost, the page says so and the server log has a line."""
    try:
        return queries.quality_latest(db, queries.quality_version(db))
    except store.StoreError as exc:
        LOG.warning("quality results of %s cannot be read: %s", db, exc)
        st.warning(t("quality_unreadable", lang))
        return None


def flagged_keys(db: str, lang: str) -> frozenset[tuple[str, str, str]]:
    """(indicator, area_code, period) of every value flagged by the newest quality run; none when
    there is no run, or when its file cannot be read (said as quality_run says it)."""
    try:
        return queries.flagged_keys(db, queries.quality_version(db))
    except store.StoreError as exc:
        LOG.warning("quality results of %s cannot be read: %s", db, exc)
        st.warning(t("quality_unreadable", lang))
        return frozenset()


def unreadable(exc: Exception, lang: str) -> None:
    """The main database cannot be read (damaged, busy too long): say so instead of an error page."""
    LOG.error("the database cannot be read: %s", exc)
    st.error(t("db_unreadable", lang, reason=plain(str(exc).splitlines()[0][:300] if str(exc) else type(exc).__name__)))


# Upload page (issue 13): the check and the load followed step by step, the problems or the
# preview, and the template in both layouts.
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def check_and_load(db: str, upload, actor, scope: str | None, lang: str) -> None:
    """Check the uploaded file, then show its problems, or its preview and the Load button. One
    check per upload and scope (a rejected file is audited once); a confirmed load is followed
    across reruns until it ends."""
    content, where = upload.getvalue(), store.Store.at(db)
    key = (upload.file_id, upload.name, scope)

    def work(dry_run: bool, accept_warnings: bool = False):
        return lambda phase: submit(where, content, upload.name, actor, scope_province=scope, dry_run=dry_run,
                                    on_phase=phase, accept_warnings=accept_warnings)
    check = _followed(jobs.start("check", key, work(True)), upload.name, ["read", "check"], lang)
    if check is None:
        return
    if check[0].status == "rejected":
        problems_view(check[0], upload.name, lang)
        return
    confirmed = warnings_view(check[0], upload.name, lang) if check[0].status == "warnings" else True
    if check[0].status != "warnings":
        st.success(t("check_ok", lang, file=plain(upload.name), n=fmt.number(check[0].rows, lang, 0)))
    if check[0].pending:
        pending_view(check[0].pending, "check_pending", lang)
    if check[0].rows_frame is not None:
        caption, preview = views.upload_preview(check[0].rows_frame, lang)
        st.caption(caption)
        figures = {c: st.column_config.TextColumn(alignment="right") for c in [t("value", lang)] if c in preview}
        st.dataframe(preview, hide_index=True, width="stretch", column_config=figures)  # figures as text, aligned as numbers
    load = jobs.current("load", key)
    if st.button(t("confirm_load", lang), type="primary",
                 disabled=not confirmed or (load is not None and not load.failed())):
        load = jobs.start("load", key, work(False, accept_warnings=check[0].status == "warnings"))
    if load is not None and (done := _followed(load, upload.name, ["read", "check", "load"], lang)):
        show_outcome(done[0], lang)
        if done[1] and done[0].status == "accepted":
            st.rerun()  # the recent submissions below then list it


def _followed(job: jobs.Job, file: str, steps: list[str], lang: str) -> tuple | None:
    """The job's (result, ended in this run), or None once its failure is shown."""
    try:
        return jobs.follow(job, file, steps, lang)
    except (store.StoreError, OSError) as exc:
        st.error(t("load_failed", lang).format(reason=plain(exc)))
        return None


def warnings_view(report, file: str, lang: str) -> bool:
    """A valid file whose values jump from the previous period: each with its previous value and
    period, and the uploader's confirmation that enables Load (True once ticked)."""
    n = len(report.warnings)
    st.warning(t("check_warnings", lang, file=plain(file), n=fmt.number(n, lang, 0)))
    table(views.warnings_table(report.warnings, lang))
    return st.checkbox(t("confirm_warnings", lang, n=fmt.number(n, lang, 0)), key="confirm_warnings")


def problems_view(report, file: str, lang: str) -> None:
    """A rejected file: how many problems, the first 1,000 of them as page text (a sheet column for a
    workbook), scrolled inside a box when long, and the list as CSV."""
    st.error(t("check_bad", lang, file=plain(file), n=fmt.number(report.total_problems, lang, 0)))
    errors = views.problems_table(report.problems, lang)
    if note := views.problems_note(len(errors), report.total_problems, lang):
        st.warning(note)
    with st.container(height=480 if len(errors) > 12 else "content"):
        table(errors)
    csv_download(errors, f"nq72-errors-{file}", lang, key="errors_csv")


def template_downloads(province: str, period, layout: str, lang: str) -> None:
    """The pre-filled template in the chosen layout as XLSX and CSV, made when a button is pressed."""
    stem = f"nq72-{province}-{period.code}-{layout}"

    def made(suffix: str):
        return lambda: template_bytes(template_rows(province, period, layout=layout), suffix)
    left, right, _ = st.columns([1, 1, 2])
    left.download_button(t("template_button", lang), made(".xlsx"), file_name=f"{stem}.xlsx", mime=XLSX_MIME,
                         key="tpl_download", on_click="ignore")
    right.download_button(t("template_csv", lang), made(".csv"), file_name=f"{stem}.csv", mime="text/csv",
                          key="tpl_csv", on_click="ignore")
