"""Pieces every page uses: the header with the synthetic-data banner, status badges, and charts
that carry their source, a PNG download and a CSV download."""
from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import os
import re
import zipfile
from pathlib import Path
from urllib.parse import urlencode

import duckdb
import numpy as np
import pandas as pd
import streamlit as st

from dashboard import auth, charts, fmt, queries, views
from dashboard.state import choice
from dashboard.state import lang as current_lang
from data import geography
from indicators.catalogue import Indicator
from indicators.periods import default_month, month_options, parse_period
from pipelines import settings, store
from pipelines.export import Busy, capture_view
from pipelines.messages import t
from pipelines.quality import results as quality_results
from pipelines.quality.suite import docs_index

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
    if auth.mode() == "off":
        st.caption(t("auth_off", lang))
    export_button(title_key, lang)
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


def chart(fig, name: str, data: pd.DataFrame, source: str, lang: str, key: str) -> None:
    """A plotly chart with its source line, PNG download (chart toolbar) and CSV download."""
    fig.update_layout(font_family="Noto Sans, DejaVu Sans, Arial, sans-serif", separators=fmt.separators(lang))
    if _has_dates(fig) and not fig.layout.xaxis.tickformatstops:
        # Plotly has no Vietnamese month names ("Jan 2026"): numbers in both languages, and at most
        # 6 ticks where the chart sets none, so labels stay upright in a 390 px window.
        fig.update_xaxes(nticks=6, automargin=True, tickformatstops=[
            dict(dtickrange=[None, "M11"], value="%m/%Y"), dict(dtickrange=["M12", None], value="%Y")])
    # Labels next to a point (a milestone's year, a tile's name) may stand past the plot area.
    fig.update_traces(cliponaxis=False, selector=lambda tr: "text" in (getattr(tr, "mode", None) or ""))
    st.plotly_chart(fig, key=f"chart_{key}", config={
        "displaylogo": False, "toImageButtonOptions": {"format": "png", "filename": name, "scale": 2}})
    left, right = st.columns([4, 1])
    left.caption(source)
    with right:
        csv_download(data, name, lang, key=f"csv_{key}")


def interface_style(lang: str) -> None:
    """Streamlit's file uploader writes its own English ('Upload', '200MB per file'): its words
    are hidden and ours shown, in the reader's language, with the limit this server applies."""
    limit = fmt.number(min(settings.settings().max_upload_mb, st.get_option("server.maxUploadSize")), lang, 0)
    hint, button = (t("uploader_hint", lang, limit=limit).replace('"', "'"), t("uploader_button", lang).replace('"', "'"))
    st.html(f"""<style>
[data-testid="stFileUploaderDropzoneInstructions"] > div > span {{display: none}}
[data-testid="stFileUploaderDropzoneInstructions"] > div::after {{content: "{hint}"; font-size: 0.875rem; opacity: 0.7}}
[data-testid="stFileUploaderDropzone"] button [data-testid="stIconMaterial"],
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p {{display: none}}
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"]::after {{content: "{button}"}}
</style>""")


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


def panel_header(ind: Indicator, latest: pd.Series, results: list, lang: str) -> None:
    """Header of a province panel: the indicator, its latest value, then every milestone that
    applies (national and local, 2045 included) with the distance, status and projected year."""
    st.markdown(f"**{ind.name(lang)}**")
    st.markdown(f"{t('latest', lang)}: **{views.value_text(latest['value'], ind, lang)}** ({latest['period']})")
    if results:
        milestones(ind, results, lang)
    else:
        st.caption(status_text("no_target", lang))


def milestones(ind: Indicator, results: list, lang: str) -> None:
    """The milestones table (views.milestones_table), targets and distances kept on one line."""
    table(views.milestones_table(ind, results, lambda a: assessed_text(a, lang), lang),
          nowrap=[t("target", lang), t("gap", lang)])


def assessed_text(a, lang: str) -> str:
    """The status of one assessment as a reader sees it (with the year its trend starts from)."""
    return status_text(a.status, lang, getattr(a, "trend_since", None))


def table(frame: pd.DataFrame, nowrap: list[str] | bool = False) -> None:
    """A table a reader must read, as page text (found, copied, translated and printed whole,
    unlike a canvas grid): every cell shown as typed, a status cell in its status colour. The
    `nowrap` columns (True: every one) stay on one line."""
    shown = frame.astype(str).map(cell_text).rename(columns=cell_text)
    kept = list(frame.columns) if nowrap is True else nowrap or []
    # Streamlit wraps each cell's text in a Markdown <p> of its own style: the rule must reach it.
    cells = ", ".join(f"td.col{i} *" for i, c in enumerate(frame.columns) if c in kept)
    styler = shown.style.map(_status_colour)
    if cells:
        styler = styler.set_table_styles([{"selector": cells, "props": [("white-space", "nowrap")]}])
    st.table(styler, hide_index=True)


# st.table reads every cell as Markdown, blocks included: "> 95 %" would be a quote, "- 2" a list.
_MD_INLINE = re.compile(r"([\\`*_\[\]<>|~$#&])")
_MD_BLOCK_START = re.compile(r"^(\s*)(?:([-+=])|(\d+)([.)]))")


def cell_text(text: object) -> str:
    """A table cell shown as typed: Markdown's inline marks escaped, and a start that would open a
    list, a quote or a heading; other punctuation (2026-10, (2030)) is left as it is."""
    escaped = _MD_INLINE.sub(r"\\\1", str(text))
    return _MD_BLOCK_START.sub(lambda m: m[1] + (f"\\{m[2]}" if m[2] else f"{m[3]}\\{m[4]}"), escaped)


def _status_colour(cell: object) -> str:
    """CSS for a cell that starts or ends with a status symbol (a status, a scorecard cell)."""
    text = str(cell).replace("\\", "").strip()
    for colour, symbol in STATUS_STYLE.values():
        if text.startswith(symbol) or text.endswith(symbol):
            return f"color: {colour}; font-weight: 600" if colour != STATUS_STYLE["no_target"][0] else ""
    return ""


def stations_block(communes: pd.DataFrame, results: list, ind: Indicator, lang: str) -> None:
    """Distribution of commune stations and the share reaching the target (doctors per station)."""
    if communes.empty:
        return
    threshold = min((tg.threshold for tg, _ in results if tg.threshold is not None), default=4.0)
    share = float((communes["value"] >= threshold).mean() * 100)
    st.metric(t("stations_share", lang).format(n=fmt.number(threshold, lang, 0)),
              f"{fmt.value_with_unit(share, '%', lang)} ({int((communes['value'] >= threshold).sum())}/{len(communes)})")
    code = communes["province_code"].iloc[0]
    chart(charts.stations_histogram(communes["value"], threshold, lang), f"nq72-{code}-stations",
          communes[["area_code", "name", "period", "value"]], source_line(lang, None), lang,
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


def export_button(name: str, lang: str) -> None:
    """Sidebar button: the PNG and PDF of the current view (same URL, drawn by the server's one
    headless Chromium, queued behind other exports). Pages that write or administer have none."""
    if name in ("title_upload", "title_admin"):
        return
    key = f"export_{name}"
    if st.sidebar.button(t("export", lang), key=f"{key}_button", help=t("export_help", lang)):
        path = auth.page_path() or "/"
        params = {k: v for k, v in st.query_params.to_dict().items() if k != "export_token"}
        params |= {"lang": lang, "embed": "true"}

        def url() -> str:  # made when the export's turn comes, so its token's two minutes start then
            token = {} if auth.mode() == "off" else {"export_token": auth.export_token(auth.current(), path)}
            return f"http://127.0.0.1:{st.get_option('server.port')}{path}?{urlencode(params | token)}"
        queued = st.sidebar.empty()
        with st.sidebar, st.spinner(t("exporting", lang)):
            try:
                st.session_state[key] = capture_view(url, on_wait=lambda n: queued.info(t("export_queued", lang, n=n)))
            except Busy:
                st.session_state.pop(key, None)
                st.sidebar.warning(t("export_busy", lang))
            except Exception as exc:  # noqa: BLE001 - a missing browser must not break the page
                st.session_state.pop(key, None)
                st.sidebar.error(f"{t('export_failed', lang)}: {str(exc).splitlines()[0][:200]}")
        queued.empty()
    if key in st.session_state:
        png, pdf = st.session_state[key]
        stem = f"nq72-{name.removeprefix('title_')}"
        st.sidebar.download_button("⬇ PNG", png, file_name=f"{stem}.png", mime="image/png", key=f"{key}_png")
        st.sidebar.download_button("⬇ PDF", pdf, file_name=f"{stem}.pdf", mime="application/pdf", key=f"{key}_pdf")


def show_outcome(report, lang: str) -> None:
    """What became of a submission: loaded, unchanged, or refused with every reason."""
    if report.status == "rejected":
        st.error(plain("; ".join(p.message(lang) for p in report.problems)))
    else:
        key = "loaded" if report.status == "accepted" else "unchanged"
        st.success(t(key, lang).format(n=fmt.number(report.rows, lang, 0), id=report.submission_id))


def quality_run(db: str, lang: str) -> dict | None:
    """The newest quality run; None when there is none, or when its file cannot be read: then only
    the quality feature is lost, the page says so and the server log has a line."""
    try:
        return queries.quality_latest(db, queries.quality_version(db))
    except store.StoreError as exc:
        LOG.warning("quality results of %s cannot be read: %s", db, exc)
        st.warning(t("quality_unreadable", lang))
        return None


def flagged_keys(db: str, lang: str) -> set[tuple[str, str, str]]:
    """(indicator, area_code, period) of every value flagged by the newest quality run."""
    q = quality_run(db, lang)
    if q is None:
        return set()
    f = q["flags"].dropna(subset=["indicator"])
    return set(zip(f["indicator"], f["area_code"], f["period"]))


def unreadable(exc: Exception, lang: str) -> None:
    """The main database cannot be read (damaged, busy too long): say so instead of an error page."""
    LOG.error("the database cannot be read: %s", exc)
    st.error(t("db_unreadable", lang, reason=plain(str(exc).splitlines()[0][:300] if str(exc) else type(exc).__name__)))
