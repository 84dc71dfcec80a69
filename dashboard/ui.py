"""Pieces every page uses: the header with the synthetic-data banner, status badges, and charts
that carry their source, a PNG download and a CSV download."""
from __future__ import annotations

import csv
import io
import logging
import os
import re
import zipfile
from pathlib import Path
from urllib.parse import urlencode, urlparse

import duckdb
import pandas as pd
import streamlit as st

from dashboard import auth, charts, fmt, queries, views
from dashboard.state import choice
from dashboard.state import lang as current_lang
from indicators.catalogue import Indicator
from indicators.periods import month_options, parse_period
from pipelines import store
from pipelines.export import capture_view
from pipelines.messages import t
from pipelines.quality.suite import docs_index

LOG = logging.getLogger("nq72")
# Colour plus a symbol of its own shape, so status never rests on colour alone.
STATUS_STYLE = {
    "achieved": ("#1a7f37", "✔"),
    "on_track": ("#4c9a2a", "▲"),
    "acceleration_needed": ("#d4a100", "►"),
    "limited_progress": ("#e07000", "▼"),
    "deterioration": ("#c62828", "✖"),
    "insufficient_data": ("#9e9e9e", "…"),
    "no_target": ("#cfd8dc", "○"),
}


def plain(text: object) -> str:
    """Text from a file or a user, safe to put inside st.markdown/st.error: every Markdown and
    HTML character escaped, so it shows as typed and never becomes a link, an image or markup."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|<>~$&])", r"\\\1", str(text))


def cell_style(cell: object) -> str:
    """CSS for a scorecard cell: the colour of the status symbol it ends with (none otherwise)."""
    text = str(cell)
    for colour, symbol in STATUS_STYLE.values():
        if text.endswith(symbol):
            return f"color: {colour}"
    return ""


def status_text(status: str, lang: str) -> str:
    return f"{STATUS_STYLE[status][1]} {t('status_' + status, lang)}"


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
    st.plotly_chart(fig, key=f"chart_{key}", config={
        "displaylogo": False, "toImageButtonOptions": {"format": "png", "filename": name, "scale": 2}})
    left, right = st.columns([4, 1])
    left.caption(source)
    with right:
        csv_download(data, name, lang, key=f"csv_{key}")


def source_line(lang: str, last: object, extra: str = "") -> str:
    """'Nguồn: số liệu các Sở Y tế nộp; cập nhật 21/11/2026' plus any plan citation."""
    text = f"{t('source', lang)}: {t('source_uploads', lang)}; {t('updated', lang)} {fmt.date(_day(last), lang)}"
    return f"{text}. {extra}" if extra else text


def _day(value):
    return value.date() if hasattr(value, "date") and callable(value.date) else value


def panel_header(ind: Indicator, latest: pd.Series, results: list, lang: str) -> None:
    """Header of a province panel: the indicator, then the four figures a leader reads first
    (a Markdown table wraps where metrics would be cut off in a half-width panel)."""
    h = views.headline(ind, latest, results, lang)
    st.markdown(f"**{ind.name(lang)}**")
    st.markdown(
        f"| {t('latest', lang)} | {t('target', lang)} | {t('gap', lang)} | {t('projected', lang)} |\n"
        f"|---|---|---|---|\n"
        f"| **{h['latest']}** ({h['period']}) | {h['target']} | {h['gap']} | {h['projected']} |")
    st.markdown(f"{t('status', lang)}: **{status_text(h['status'], lang)}**")


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


def data_docs(run: dict) -> Path | None:
    """The Data Docs start page of a run, if it was built and is still there."""
    folder = run.get("docs_path")
    if not folder or not isinstance(folder, str) or not Path(folder).exists():
        return None
    return docs_index(Path(folder))


def zip_folder(folder: Path) -> bytes:
    """Every file under `folder` in one zip, paths relative to it (Data Docs as one download)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                z.write(path, path.relative_to(folder))
    return buf.getvalue()


def as_of_month(values: pd.DataFrame, lang: str) -> str:
    """The as-of month from ?period= (a sidebar choice otherwise: the newest month with data).

    A month after the newest data shows everything reported by then; a month before the first
    data stops the page with a message, so an export of an empty period says so instead of
    drawing empty charts."""
    options = month_options(values)
    wanted = st.query_params.get("period")
    parsed = parse_period(wanted) if wanted else None
    if parsed is not None and parsed.granularity == "month" and parsed.code not in options:
        if options and parsed.code > options[0]:
            options = [parsed.code] + options
        else:
            st.info(t("no_data_period", lang).format(period=parsed.code))
            st.stop()
    return choice("period", options, t("as_of", lang), container=st.sidebar)


def export_button(name: str, lang: str) -> None:
    """Sidebar button: the PNG and PDF of the current view (same URL, drawn in headless Chromium)."""
    key = f"export_{name}"
    if st.sidebar.button(t("export", lang), key=f"{key}_button", help=t("export_help", lang)):
        path = urlparse(st.context.url or "/").path or "/"
        params = {**st.query_params.to_dict(), "lang": lang, "embed": "true"}
        if auth.mode() != "off":
            params["export_token"] = auth.export_token(auth.current())
        url = f"http://127.0.0.1:{st.get_option('server.port')}{path}?{urlencode(params)}"
        with st.sidebar, st.spinner(t("exporting", lang)):
            try:
                st.session_state[key] = capture_view(url)
            except Exception as exc:  # noqa: BLE001 - a missing browser must not break the page
                st.session_state.pop(key, None)
                st.sidebar.error(f"{t('export_failed', lang)}: {str(exc).splitlines()[0][:200]}")
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
