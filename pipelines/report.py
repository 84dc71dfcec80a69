"""`nq72 report`: the monthly, 15 June and 15 December report of a province (or the nation),
drafted from the data as an editable DOCX and the same report as an A4 PDF.

One content model (a list of blocks: headings, paragraphs, tables, figures) is built from the
stored figures with the functions the Province page uses (indicators.scorecard, indicators.progress,
dashboard.views, dashboard.charts: plain functions without Streamlit), then written twice:
- DOCX: the administrative form pipelines/report_templates/bao-cao.docx filled by docxtpl (title
  block, signer), the body added with python-docx as real headings, paragraphs and tables;
- PDF: the same blocks as HTML (report_templates/report.html.j2) printed on A4 by the headless
  Chromium the exports already use, which also draws each plotly chart as a PNG (no second
  engine: no kaleido, no LibreOffice)."""
from __future__ import annotations

import base64
import copy
import datetime as dt
import io
import re
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pandas as pd

from dashboard import charts, fmt, views
from data import geography
from indicators.catalogue import Catalogue, Indicator, Target, catalogue
from indicators.periods import as_of, month_end, parse_period, shift_month
from indicators.progress import STATUSES, Assessment, next_target
from indicators.scorecard import assess_area, progress_series, scorecard
from indicators.tasks import plan_tasks, task_board
from pipelines import store
from pipelines.accounts import PLAN_BODY
from pipelines.messages import t
from pipelines.quality import results as quality_results
from pipelines.quality.config import load_config
from pipelines.settings import settings
from pipelines.settings import today as settings_today
from pipelines.store import submissions, values

TEMPLATES = Path(__file__).with_name("report_templates")
DOCX_TEMPLATE = TEMPLATES / "bao-cao.docx"
BODY_MARKER = "[[BODY]]"
FORMATS = ("docx", "pdf")
STATION_THRESHOLD = 4
# The colours of dashboard.ui.STATUS_STYLE (a Streamlit module), darker where yellow or grey text would
# not read on paper.
STATUS_COLOURS = {"achieved": "1a7f37", "on_track": "4c9a2a", "acceleration_needed": "b08600",
                  "limited_progress": "e07000", "deterioration": "c62828", "not_achieved": "8e0000",
                  "insufficient_data": "757575", "no_target": "757575"}
CHART_SIZE = (900, 380)      # px at scale 2: sharp at 16 cm wide
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--hide-scrollbars",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--font-render-hinting=none"]


# ---------------------------------------------------------------- reporting periods

@dataclass(frozen=True)
class ReportPeriod:
    code: str                                  # 2026-10, 2026-H1, 2026
    kind: Literal["month", "half", "year"]
    as_of: str                                 # figures for periods ending by the end of this month
    due: dt.date                               # when the report is due


def parse_report_period(text: str) -> ReportPeriod | None:
    """'2026-10' (the month's report, due the 23rd of the next), '2026-H1' (the 15 June report,
    figures to May), '2026' (the 15 December report, figures to November)."""
    s = str(text).strip().upper()
    if m := re.fullmatch(r"(\d{4})-?H([12])", s):
        year, half = int(m[1]), int(m[2])
        due = dt.date(year, 6, 15) if half == 1 else dt.date(year, 12, 15)
        return ReportPeriod(f"{year}-H{half}", "half" if half == 1 else "year", _month_before(due), due)
    p = parse_period(s)
    if p is None or p.granularity == "quarter":
        return None
    if p.granularity == "year":
        due = dt.date(p.year, 12, 15)
        return ReportPeriod(p.code, "year", _month_before(due), due)
    due = dt.date(*shift_month(p.end.year, p.end.month, 1), 23)
    return ReportPeriod(p.code, "month", p.code, due)


def _month_before(day: dt.date) -> str:
    y, m = shift_month(day.year, day.month, -1)
    return f"{y}-{m:02d}"


def default_period(today: dt.date) -> ReportPeriod:
    """The most recent report that has fallen due by today: a month's (23rd of the next month),
    the half-year's (15 June) or the year's (15 December)."""
    candidates = [parse_report_period(f"{y}-{m:02d}") for y, m in (shift_month(today.year, today.month, k)
                                                                   for k in (-1, -2))]
    candidates += [parse_report_period(f"{y}-H1") for y in (today.year, today.year - 1)]
    candidates += [parse_report_period(str(y)) for y in (today.year, today.year - 1)]
    return max((c for c in candidates if c and c.due <= today), key=lambda c: (c.due, c.kind != "month"))


def period_label(period: ReportPeriod, lang: str) -> str:
    """'tháng 10/2026', '6 tháng đầu năm 2026', 'năm 2026'."""
    year = period.code[:4]
    if period.kind == "month":
        return t("rp_period_month", lang, month=int(period.code[5:7]), year=year)
    return t(f"rp_period_{period.kind}", lang, year=year)


def period_options(values_frame: pd.DataFrame, today: dt.date) -> list[str]:
    """Reports a reader may ask for, newest first: years, halves and months with data."""
    if values_frame.empty:
        return [default_period(today).code]
    months = sorted({p for p in values_frame["period"].astype(str) if re.fullmatch(r"\d{4}-\d\d", p)}, reverse=True)
    years = sorted({m[:4] for m in months}, reverse=True)
    out = [c for y in years for c in (y, f"{y}-H1")] + months
    due = {c: parse_report_period(c).due for c in out}
    return sorted(out, key=lambda c: due[c], reverse=True)


# ---------------------------------------------------------------- the content model

@dataclass
class Heading:
    text: str
    level: int = 1


@dataclass
class Para:
    text: str
    style: Literal["body", "notice", "caption", "note"] = "body"


@dataclass
class Table:
    columns: list[str]
    rows: list[list[str]]
    widths: list[float]                          # mm, summing to the text width
    colours: list[list[str | None]] | None = None   # hex per cell (status colours)
    landscape: bool = False
    small: bool = False
    title: str | None = None                    # a heading kept with its table (on its landscape page)


@dataclass
class Figure:
    figure: object                               # a plotly figure until drawn
    caption: str
    png: bytes | None = None


Block = Heading | Para | Table | Figure


@dataclass
class Report:
    code: str | None                             # province code; None for the national report
    place: str
    period: ReportPeriod
    lang: str
    made: dt.date
    synthetic: bool
    header: dict[str, str]
    blocks: list[Block] = field(default_factory=list)
    appendix: list[Block] = field(default_factory=list)   # after the signature, as administrative reports do
    counts: dict[str, int] = field(default_factory=dict)   # indicators per summary status
    notes: dict[str, list[str]] = field(default_factory=dict)   # national: from how many provinces, by indicator

    @property
    def stem(self) -> str:
        return file_stem(self.code, self.period, self.lang)


def file_stem(code: str | None, period: ReportPeriod, lang: str) -> str:
    """'66-dak-lak-bao-cao-2026-10', 'toan-quoc-bao-cao-2026-H1', '..-report-..' in English."""
    word = "report" if lang == "en" else "bao-cao"
    if code is None:
        return f"{'national' if lang == 'en' else 'toan-quoc'}-{word}-{period.code}"
    ascii_name = geography.provinces().set_index("code")["name_ascii"][code]
    return f"{code}-{re.sub(r'[^a-z0-9]+', '-', ascii_name.lower()).strip('-')}-{word}-{period.code}"


# ---------------------------------------------------------------- reading the data once

@dataclass
class ReportData:
    values: pd.DataFrame          # province values whose period ended by the as-of month
    communes: pd.DataFrame        # each commune's latest doctors per station by then
    quality: dict | None          # the newest quality run
    task_updates: pd.DataFrame
    synthetic: bool
    last_submission: object


def load_data(db: str | Path, period: ReportPeriod) -> ReportData:
    """Everything a report reads, in one short read-only visit to the database."""
    end = month_end(int(period.as_of[:4]), int(period.as_of[5:7]))
    with store.opened(db, read_only=True) as conn:
        province_values = values.province_values(conn)
        communes = values.commune_latest(conn, "doctors_per_station", end.year + end.month / 12)
        updates = submissions.task_updates(conn)
        info = values.summary(conn)
    try:
        quality = quality_results.latest(db)
    except store.StoreError:      # a damaged results file loses only the quality section
        quality = None
    return ReportData(as_of(province_values, period.as_of), communes, quality, updates, bool(info["synthetic"]),
                      info["last_submission"])


# ---------------------------------------------------------------- building a report

def build_report(data: ReportData, code: str | None, period: ReportPeriod, lang: str = "vi",
                 today: dt.date | None = None, cat: Catalogue | None = None) -> Report:
    """The whole report of one province (code) or of the nation (None), charts not yet drawn."""
    cat = cat or catalogue()
    today = today or settings_today()
    place = t("national", lang) if code is None else geography.province_name(code)
    report = Report(code, place, period, lang, today, data.synthetic, _header(code, period, lang, today))
    if code is None:
        mine, report.notes = _national_values(data.values, cat, lang)
    else:
        mine = data.values[data.values["area_code"] == code]
    scope = code or "national"
    assessed = {ind.code: _assessed(mine, ind, scope) for ind in cat.indicators}
    card = scorecard(mine, cat)
    report.counts = summary_counts(card, cat)
    sections: list[tuple[str, list[Block]]] = []
    if data.synthetic:
        report.blocks.append(Para(t("rp_synthetic", lang), "notice"))
    sections.append((t("rp_h_summary", lang), _summary(report, card, assessed, cat, data, code)))
    sections.append((t("rp_h_indicators", lang), _indicator_blocks(report, assessed, cat)))
    sections.append((t("rp_h_stations", lang), _stations(report, data.communes, code)))
    tasks = _tasks(report, data.task_updates, code)
    if tasks:
        sections.append((t("rp_h_tasks", lang), tasks))
    sections.append((t("rp_h_quality", lang), _quality(report, data.quality, code)))
    sections.append((t("rp_h_sources", lang), _sources(report, cat, scope)))
    for n, (title, blocks) in enumerate(sections, 1):
        report.blocks += [Heading(f"{_roman(n)}. {title.upper()}", 1), *blocks]
    report.appendix = _appendix(report, data.communes, data.quality, code)
    return report


def _roman(n: int) -> str:
    return ["", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"][n]


def _header(code: str | None, period: ReportPeriod, lang: str, today: dt.date) -> dict[str, str]:
    """The fields of the administrative form (issuer, motto, place and date, title, signer)."""
    if code is None:
        parent, issuer, place = t("rp_issuer_parent_national", lang), t("rp_issuer_national", lang), t("rp_place_national", lang)
    else:
        row = geography.provinces().set_index("code").loc[code]
        parent = t("rp_issuer_parent", lang, name=row["full_name_2026"] if lang == "vi" else row["name_ascii"])
        issuer, place = t("rp_issuer", lang), row["name"] if lang == "vi" else row["name_ascii"]
    return {"issuer_parent": parent.upper() if lang == "vi" else parent, "issuer": issuer.upper(),
            "number": t("rp_number", lang), "motto_1": t("rp_motto_1", lang), "motto_2": t("rp_motto_2", lang),
            "place_date": t("rp_place_date", lang, place=place, day=f"{today.day:02d}", month=f"{today.month:02d}",
                            year=today.year, date=fmt.date(today, lang)),
            "title": t("rp_title", lang), "subtitle": t("rp_subtitle", lang),
            "period_line": t("rp_period_line", lang, period=period_label(period, lang), as_of=_month_text(period.as_of, lang)),
            "recipients_head": t("rp_recipients_head", lang), "recipients": t("rp_recipients", lang),
            "signer_role": t("rp_signer", lang), "signer_hint": t("rp_signer_hint", lang)}


def _month_text(month: str, lang: str) -> str:
    return f"{month[5:7]}/{month[:4]}"


def _national_values(frame: pd.DataFrame, cat: Catalogue, lang: str) -> tuple[pd.DataFrame, dict[str, list[str]]]:
    """The national series of every indicator by its rule (views.covered_periods), shaped as one
    area's values so the same assessment applies; and, by indicator, the notes that say from how
    many provinces when some are missing (views.national_notes)."""
    parts, notes = [], {}
    for ind in cat.indicators:
        coverage = views.national_coverage(frame, ind)
        nat = views.covered_periods(coverage)
        notes[ind.code] = views.national_notes(coverage, nat, lang, whole_too=False)
        if len(nat):
            parts.append(nat.assign(indicator=ind.code, area_code="national",
                                    granularity=[charts.grain_of(str(p)) for p in nat["period"]]))
    cols = ["indicator", "area_code", "period", "granularity", "value", "t"]
    return (pd.concat(parts)[cols].reset_index(drop=True) if parts else pd.DataFrame(columns=cols)), notes


@dataclass
class Assessed:
    rows: pd.DataFrame
    results: list[tuple[Target, Assessment]]
    latest: pd.Series | None
    next: tuple[Target, Assessment] | None      # the milestone the summary and the scorecard use


def _assessed(mine: pd.DataFrame, ind: Indicator, scope: str) -> Assessed:
    rows = mine[mine["indicator"] == ind.code]
    if rows.empty:
        return Assessed(rows, [(tg, Assessment("insufficient_data", target_year=tg.year)) for tg in ind.targets_for(scope)],
                        None, None)
    results = assess_area(rows, ind, scope)
    latest = rows.loc[rows["t"].idxmax()]
    national = [tg for tg in ind.targets if tg.scope == "national"]
    chosen = next_target(national or ind.targets_for(scope), float(latest["t"]))
    return Assessed(rows, results, latest, next(((tg, a) for tg, a in results if tg is chosen), None))


# The statuses a summary names even when no indicator has them ("none deteriorating").
KEY_STATUSES = ("achieved", "on_track", "acceleration_needed", "deterioration", "not_achieved")
SUMMARY_STATUSES = ("achieved", "on_track", "acceleration_needed", "limited_progress", "deterioration",
                    "not_achieved", "insufficient_data", "no_target", "no_data")


def summary_counts(card: pd.DataFrame, cat: Catalogue) -> dict[str, int]:
    """Indicators per status against the next milestone (the Overview's scorecard rule); an
    indicator without any figure yet is 'no_data'."""
    counts = {s: 0 for s in SUMMARY_STATUSES}
    by_code = dict(zip(card["indicator"], card["status"]))
    for ind in cat.indicators:
        counts[by_code.get(ind.code, "no_data")] += 1
    return counts


def _status_text(a: Assessment, lang: str) -> str:
    return charts.status_label(a.status, lang, a.trend_since)


def _scope_text(target: Target, lang: str) -> str:
    return t("national", lang) if target.scope == "national" else geography.area_name(target.scope)


# ---- I. summary

def _summary(report: Report, card: pd.DataFrame, assessed: dict[str, Assessed], cat: Catalogue,
             data: ReportData, code: str | None) -> list[Block]:
    lang, counts = report.lang, report.counts
    parts = [t("rp_count_" + s, lang, n=counts[s]) for s in SUMMARY_STATUSES if counts[s]]
    text = t("rp_summary_counts", lang, place=report.place, as_of=_month_text(report.period.as_of, lang),
             total=len(cat.indicators), parts=_join(parts, lang, ", "))
    none = [t(f"status_{s}", lang).lower() for s in KEY_STATUSES if not counts[s]]
    if none:
        text += " " + t("rp_summary_zero", lang, parts=_join(none, lang, ", ", "rp_or"))
    blocks = [Para(text)]
    gaps = _largest_gaps(assessed, cat, lang)
    if gaps:
        blocks.append(Para(t("rp_summary_gaps", lang, gaps=_join(gaps, lang))))
    overdue = [cat[c].name(lang) for c, a in assessed.items() if a.next and a.next[1].status == "not_achieved"]
    if overdue:
        blocks.append(Para(t("rp_summary_overdue", lang, names=_join(overdue, lang))))
    if code is None:
        blocks.append(_province_status_table(data, cat, lang))
    return blocks


def _join(items: list[str], lang: str, sep: str = "; ", last: str = "rp_and") -> str:
    """'a, b và c' / 'a; b and c'."""
    if len(items) <= 1:
        return "".join(items)
    return f"{sep.join(items[:-1])} {t(last, lang)} {items[-1]}"


def _largest_gaps(assessed: dict[str, Assessed], cat: Catalogue, lang: str, top: int = 3) -> list[str]:
    """The milestones furthest away, as a share of the target (units differ between indicators)."""
    ranked = []
    for c, a in assessed.items():
        if a.next is None or a.next[1].status in ("achieved", "insufficient_data") or a.next[1].gap is None:
            continue
        tg, ass = a.next
        ind = cat[c]
        gap = ass.gap if ind.direction == "higher" else -ass.gap
        if gap > 0 and ass.target_value:
            # the period the assessment reads (a year-to-date figure counts at its year's end)
            period = progress_series(a.rows, ind)["period"].iloc[-1]
            ranked.append((gap / abs(ass.target_value), ind, tg, ass, period))
    ranked.sort(key=lambda r: r[0], reverse=True)
    return [t("rp_gap_item", lang, name=ind.name(lang), value=views.value_text(ass.latest[1], ind, lang), period=period,
              target=views.target_text(tg, ind, lang), year=tg.year, gap=views.distance(ass, ind, lang))
            for _, ind, tg, ass, period in ranked[:top]]


def _province_status_table(data: ReportData, cat: Catalogue, lang: str) -> Table:
    """National report: provinces per status for each indicator (the Overview's bars as a table)."""
    card = scorecard(data.values, cat)
    shown = [s for s in STATUSES if s != "no_target"]
    counts = card.groupby(["indicator", "status"]).size().unstack(fill_value=0).reindex(columns=shown, fill_value=0)
    rows = [[ind.short(lang)] + [str(int(counts.at[ind.code, s])) if ind.code in counts.index else "0" for s in shown]
            for ind in cat.indicators]
    width = (165 - 40) / len(shown)
    return Table([t("indicator", lang)] + [t(f"status_{s}", lang) for s in shown], rows, [40] + [width] * len(shown),
                 small=True)


# ---- II. indicators: the table of every milestone, then a chart and a paragraph each

def milestone_years(cat: Catalogue, scope: str) -> list[int]:
    """Every milestone year that applies (read from the catalogue, so a new one shows up)."""
    return sorted({tg.year for ind in cat.indicators for tg in ind.targets_for(scope)})


def _indicator_blocks(report: Report, assessed: dict[str, Assessed], cat: Catalogue) -> list[Block]:
    lang = report.lang
    blocks: list[Block] = [_milestone_table(report, assessed, cat)]
    docs = {k: d.short(lang) for k, d in cat.documents.items()}
    for n, ind in enumerate(cat.indicators, 1):
        a = assessed[ind.code]
        blocks.append(Heading(f"{n}. {ind.name(lang)}", 2))
        blocks.append(Para(indicator_paragraph(ind, a, report.place, lang)))
        blocks.extend(Para(note, "note") for note in report.notes.get(ind.code, []))
        if a.latest is not None:
            fig = charts.progress_chart(views.chart_series(a.rows, ind), a.results, ind, docs, lang)
            blocks.append(Figure(fig, t("rp_figure", lang, name=ind.name(lang), place=report.place)))
        if a.results:
            frame = views.milestones_table(ind, a.results, lambda x: _status_text(x, lang), lang)
            colours = [[None, None, None, None, STATUS_COLOURS[x.status], None]
                       for _, x in sorted(a.results, key=lambda r: (r[0].year, r[0].scope != "national"))]
            blocks.append(Table(list(frame.columns), frame.astype(str).values.tolist(), [22, 30, 30, 25, 33, 25],
                                colours, small=True))
        blocks.append(Para(_source_line(ind, a, cat, lang), "note"))
    return blocks


def _milestone_table(report: Report, assessed: dict[str, Assessed], cat: Catalogue) -> Table:
    """One row per indicator: the latest value and period, each milestone year (national and the
    province's own) with target, distance, status and projected year, and the sources."""
    lang, scope = report.lang, report.code or "national"
    years = milestone_years(cat, scope)
    vision = {tg.year for ind in cat.indicators for tg in ind.targets if views.is_vision(tg)}
    columns = [t("indicator", lang), t("rp_latest", lang)]
    columns += [t("milestone_vision", lang, year=y) if y in vision else str(y) for y in years] + [t("source", lang)]
    rows, colours = [], []
    for ind in cat.indicators:
        a = assessed[ind.code]
        latest = "–" if a.latest is None else f"{views.value_text(a.latest['value'], ind, lang)} ({a.latest['period']})"
        cells, tones = [ind.name(lang), latest], [None, None]
        for year in years:
            here = sorted(((tg, x) for tg, x in a.results if tg.year == year), key=lambda r: r[0].scope != "national")
            cells.append("\n".join(_milestone_cell(tg, x, ind, lang) for tg, x in here) or "–")
            tones.append(STATUS_COLOURS[here[0][1].status] if here else None)
        cells.append("; ".join(dict.fromkeys(views.citation(cat.documents[tg.source.document].short(lang), tg.source.section, lang)
                                             for tg, _ in a.results)) or "–")
        rows.append(cells)
        colours.append(tones + [None])
    width = (257 - 45 - 28 - 40) / max(len(years), 1)
    return Table(columns, rows, [45, 28] + [width] * len(years) + [40], colours, landscape=True, small=True,
                 title=t("rp_h_table", lang))


def _milestone_cell(tg: Target, a: Assessment, ind: Indicator, lang: str) -> str:
    """'Toàn quốc: > 95 % · còn 0,3 điểm % · Đúng tiến độ · dự kiến quý 2/2027'."""
    parts = [f"{_scope_text(tg, lang)}: {views.target_text(tg, ind, lang)}", _status_text(a, lang)]
    if a.status not in ("achieved", "insufficient_data") and views.distance(a, ind, lang) != "–":
        parts.append(t("rp_gap_short", lang, gap=views.distance(a, ind, lang)))
    if a.status not in ("achieved", "insufficient_data"):
        parts.append(t("rp_projected_short", lang, when=views.projected_text(a, lang)))
    return " · ".join(parts)


def indicator_paragraph(ind: Indicator, a: Assessed, place: str, lang: str) -> str:
    """One paragraph per indicator: the latest value, its change over a year, and where it stands
    against the next milestone."""
    if a.latest is None:
        return t("rp_ind_no_data", lang, name=ind.name(lang), place=place)
    value = views.value_text(a.latest["value"], ind, lang)
    text = t("rp_ind_latest", lang, name=ind.name(lang), place=place, value=value, period=a.latest["period"])
    change = _year_change(a.rows, ind, a.latest)
    if change is not None:
        key = "rp_ind_up" if change > 0 else "rp_ind_down" if change < 0 else "rp_ind_same"
        text += t(key, lang, change=views.gap_text(abs(change), ind, lang))
    text += "."
    if a.next is None:
        return f"{text} {t('rp_ind_no_target', lang)}"
    said = [_milestone_sentence(ind, *a.next, lang)]
    if a.next[1].status == "achieved":   # then also the first later milestone still to reach
        later = sorted(((tg, x) for tg, x in a.results if tg.year > a.next[0].year and x.status != "achieved"),
                       key=lambda r: (r[0].year, r[0].scope != "national"))
        said += [_milestone_sentence(ind, *later[0], lang)] if later else []
    return " ".join([text, *said])


def _milestone_sentence(ind: Indicator, tg: Target, x: Assessment, lang: str) -> str:
    common = dict(target=views.target_text(tg, ind, lang), year=views.milestone_label(tg, lang),
                  scope=_scope_text(tg, lang), status=_status_text(x, lang).lower(), gap=views.distance(x, ind, lang),
                  when=views.projected_text(x, lang))
    key = {"achieved": "rp_ind_achieved", "not_achieved": "rp_ind_overdue",
           "insufficient_data": "rp_ind_insufficient"}.get(x.status, "rp_ind_progress")
    return t(key, lang, **common)


def _year_change(rows: pd.DataFrame, ind: Indicator, latest: pd.Series) -> float | None:
    """Latest value minus the value a year before it, at the same granularity."""
    same = rows[(rows["granularity"] == latest["granularity"]) & ((rows["t"] - (latest["t"] - 1)).abs() < 1e-6)]
    return None if same.empty else float(latest["value"] - same["value"].iloc[-1])


def _source_line(ind: Indicator, a: Assessed, cat: Catalogue, lang: str) -> str:
    cites = "; ".join(dict.fromkeys(views.citation(cat.documents[tg.source.document].short(lang), tg.source.section, lang)
                                    for tg, _ in a.results))
    return t("rp_source_line", lang, targets=cites or "–")


# ---- III. commune stations

def _stations(report: Report, communes: pd.DataFrame, code: str | None) -> list[Block]:
    lang = report.lang
    mine = communes if code is None else communes[communes["province_code"] == code]
    if mine.empty:
        return [Para(t("rp_stations_none", lang, place=report.place))]
    below = mine[mine["value"] < STATION_THRESHOLD]
    share = 100 * len(below) / len(mine)
    blocks: list[Block] = [Para(t("rp_stations", lang, place=report.place, n=fmt.number(len(below), lang, 0),
                                  total=fmt.number(len(mine), lang, 0), share=fmt.value_with_unit(share, "%", lang),
                                  k=STATION_THRESHOLD) + (f" {t('rp_stations_list', lang)}" if code and len(below) else ""))]
    blocks.append(Figure(charts.stations_histogram(mine["value"], STATION_THRESHOLD, lang),
                         t("rp_figure_stations", lang, place=report.place)))
    if code is None and len(below):
        per = below.groupby("province_code").size().sort_values(ascending=False)
        names = dict(zip(geography.provinces()["code"], geography.provinces()["name"]))
        blocks.append(Para(t("rp_stations_provinces", lang, items=", ".join(
            f"{names[c]} ({fmt.number(n, lang, 0)})" for c, n in per.head(10).items()))))
    return blocks


# ---- IV. plan tasks

def _tasks(report: Report, updates: pd.DataFrame, code: str | None) -> list[Block]:
    """The plan whose body is this province (Cần Thơ: 172/KH-UBND); the national plans nationally."""
    lang = report.lang
    documents = [d for d, body in PLAN_BODY.items() if body == code]
    if not documents:
        return []
    board = task_board(plan_tasks(), updates, report.made)
    board = board[board["document"].isin(documents)]
    plans = views.plan_names(board, lang)
    blocks: list[Block] = []
    for document, tasks in board.groupby("document", sort=False):
        n = {s: int((tasks["state"] == s).sum()) for s in ("overdue", "due_soon", "on_schedule", "done")}
        blocks.append(Para(t("rp_tasks", lang, plan=plans[document], total=len(tasks), **n)))
        urgent = tasks[tasks["state"].isin(["overdue", "due_soon"])]
        if len(urgent):
            blocks.append(Para(t("rp_tasks_urgent", lang, items=_join(
                [f"{r.task_id} ({t(f'state_{r.state}', lang).split(' ', 1)[1].lower()}, {r.lead_unit})"
                 for r in urgent.itertuples()], lang))))
        table = views.task_table(tasks, lang)
        keep = [t(k, lang) for k in ("task_no", "task", "lead_unit", "deadline_text", "next_due", "state", "status")]
        colours = [[None] * 5 + [_TASK_COLOURS.get(s)] + [None] for s in tasks["state"]]
        blocks.append(Table(keep, table[keep].astype(str).values.tolist(), [10, 62, 33, 20, 16, 14, 10],
                            colours, small=True))
    return blocks


_TASK_COLOURS = {"overdue": STATUS_COLOURS["deterioration"], "due_soon": STATUS_COLOURS["acceleration_needed"],
                 "done": STATUS_COLOURS["achieved"]}


# ---- V. data quality

def _quality(report: Report, quality: dict | None, code: str | None) -> list[Block]:
    lang = report.lang
    if quality is None:
        return [Para(t("rp_quality_none", lang))]
    rep = quality["reporting"]
    rep = rep[(rep["granularity"] == "month") & (rep["period"].astype(str) <= report.period.as_of)]
    if code is not None:
        rep = rep[rep["province_code"] == code]
    rep = rep[rep["period"].astype(str) > _months_before(report.period.as_of, load_config().thresholds.window_months)]
    blocks: list[Block] = []
    if len(rep):
        minimum = load_config().thresholds.completeness_min
        sums = rep[["expected", "received", "on_time"]].sum()
        by_month = rep.groupby("period")[["expected", "received"]].sum()
        weak = by_month[by_month["received"] < minimum * by_month["expected"]]
        blocks.append(Para(t("rp_quality_rates", lang, place=report.place, months=rep["period"].nunique(),
                             first=rep["period"].min(), last=rep["period"].max(),
                             completeness=fmt.value_with_unit(100 * sums["received"] / sums["expected"], "%", lang),
                             timeliness=fmt.value_with_unit(100 * sums["on_time"] / sums["expected"], "%", lang))))
        if len(weak):
            blocks.append(Para(t("rp_quality_weak", lang, min=fmt.value_with_unit(100 * minimum, "%", lang, 0),
                                 months=", ".join(f"{p} ({fmt.value_with_unit(100 * r.received / r.expected, '%', lang, 0)})"
                                                  for p, r in weak.iterrows()))))
    if code is None:
        names = dict(zip(geography.provinces()["code"], geography.provinces()["name"]))
        scores = views.scores_table(quality["scores"], names, lang).head(10)
        blocks.append(Para(t("rp_quality_weakest", lang)))
        blocks.append(Table(list(scores.columns), scores.astype(str).values.tolist(), [40, 25, 25, 25, 20, 30], small=True))
    flags = _flags_of(quality["flags"], code)
    if flags.empty:
        blocks.append(Para(t("rp_flags_none", lang, place=report.place)))
    else:
        counts = flags.groupby("check_name").size().sort_values(ascending=False)
        blocks.append(Para(t("rp_flags", lang, n=fmt.number(len(flags), lang, 0), place=report.place,
                             items=", ".join(f"{t(f'check_{c}', lang).lower()} ({n})" for c, n in counts.items()))))
    blocks.append(Para(t("rp_quality_run", lang, id=quality["run"]["id"], when=fmt.date(quality["run"]["finished_at"], lang)),
                       "note"))
    return blocks


def _months_before(month: str, n: int) -> str:
    y, m = shift_month(int(month[:4]), int(month[5:7]), -n)
    return f"{y}-{m:02d}"


def _flags_of(flags: pd.DataFrame, code: str | None) -> pd.DataFrame:
    if code is None:
        return flags
    of = geography.commune_province()
    return flags[flags["area_code"].map(lambda a: of.get(a, a)) == code]


# ---- VI. sources

def _sources(report: Report, cat: Catalogue, scope: str) -> list[Block]:
    """Every target that applies, with its plan, section and the quoted sentence."""
    lang = report.lang
    rows = []
    for ind in cat.indicators:
        for tg in sorted(ind.targets_for(scope), key=lambda tg: (tg.year, tg.scope != "national")):
            doc = cat.documents[tg.source.document]
            source = views.citation(doc.en if lang == "en" else doc.vi, tg.source.section, lang)
            quote = f"“{tg.source.quote}”"
            for local in ind.restated_by(tg, scope):  # the province's own plan says it too: cite both
                local_doc = cat.documents[local.source.document]
                source += "; " + t("rp_restated_in", lang, source=views.citation(
                    local_doc.en if lang == "en" else local_doc.vi, local.source.section, lang))
                quote += f" / “{local.source.quote}”"
            rows.append([ind.short(lang), views.milestone_label(tg, lang), views.target_text(tg, ind, lang),
                         _scope_text(tg, lang), source, quote])
    columns = [t(k, lang) for k in ("indicator", "milestone", "target", "area_scope", "source", "quote")]
    blocks: list[Block] = [Para(t("rp_sources_intro", lang)), Table(columns, rows, [24, 16, 20, 18, 45, 42], small=True)]
    if milestones := cat.milestones_for(scope):
        by_code: dict[str, list] = {}
        for m in milestones:  # the national commitment first, then the province's plan restating it
            by_code.setdefault(m.code, []).append(m)
        rows = []
        for same in by_code.values():
            docs = [cat.documents[m.source.document] for m in same]
            rows.append([same[0].text(lang), str(same[0].year),
                         "; ".join(views.citation(d.en if lang == "en" else d.vi, m.source.section, lang) for d, m in zip(docs, same)),
                         " / ".join(f"“{m.source.quote}”" for m in same), same[0].why_no_indicator(lang)])
        blocks.append(Para(t("rp_milestones_intro", lang)))
        blocks.append(Table([t(k, lang) for k in ("rp_commitment", "milestone", "source", "quote", "rp_why_no_indicator")],
                            rows, [40, 12, 40, 45, 45], small=True))
    blocks.append(Para(t("rp_sources_data", lang)))
    if report.synthetic:
        blocks.append(Para(t("rp_synthetic", lang), "notice"))
    return blocks


# ---- appendices

def _appendix(report: Report, communes: pd.DataFrame, quality: dict | None, code: str | None) -> list[Block]:
    lang, blocks = report.lang, []
    if code is not None:
        mine = communes[(communes["province_code"] == code) & (communes["value"] < STATION_THRESHOLD)]
        names = dict(zip(geography.provinces()["code"], geography.provinces()["name"]))
        table = views.stations_table(mine.sort_values(["value", "name"]), names, lang)
        blocks += [Heading(t("rp_appendix_stations", lang, n=1, k=STATION_THRESHOLD), 1),
                   Table(list(table.columns[1:]), [[str(v) if not isinstance(v, float) else fmt.number(v, lang, 1)
                                                    for v in row] for row in table.iloc[:, 1:].values.tolist()],
                         [75, 30, 30, 30], small=True) if len(table) else Para(t("rp_none", lang))]
    if quality is not None and code is not None:   # nationally the section's scores stand for them
        flags = views.flags_table(quality["flags"], sorted(quality["flags"]["check_name"].unique()), code, lang)
        if len(flags):
            blocks += [Heading(t("rp_appendix_flags", lang, n=len(blocks) // 2 + 1), 1),
                       Table(list(flags.columns), flags.astype(str).values.tolist(), [22, 25, 14, 20, 14, 14, 56],
                             small=True)]
    return blocks


# ---------------------------------------------------------------- drawing: Chromium

class Chromium:
    """One headless Chromium for a batch: a tab with plotly.js loaded once draws each chart to PNG
    (Plotly.toImage), another prints each report's HTML to an A4 PDF."""

    def __init__(self, charts_tab, print_tab):
        self.page, self.printer = charts_tab, print_tab

    def png(self, fig, size: tuple[int, int] = CHART_SIZE) -> bytes:
        fig.update_layout(font_family="Noto Sans, DejaVu Sans, Arial, sans-serif", paper_bgcolor="white")
        fig.update_traces(cliponaxis=False, selector=lambda tr: "text" in (getattr(tr, "mode", None) or ""))
        url = self.page.evaluate(
            "async ([f, w, h]) => { const fig = JSON.parse(f);"
            " return await Plotly.toImage({data: fig.data, layout: fig.layout}, {format: 'png', width: w, height: h, scale: 2}); }",
            [fig.to_json(), size[0], size[1]])
        return base64.b64decode(url.split(",", 1)[1])

    def pdf(self, html: str, footer: str) -> bytes:
        self.printer.set_content(html, wait_until="load")
        self.printer.evaluate("() => document.fonts.ready")
        return self.printer.pdf(prefer_css_page_size=True, print_background=True, display_header_footer=True,
                                header_template="<span></span>", footer_template=footer)


@contextmanager
def chromium() -> Iterator[Chromium]:
    from playwright.sync_api import sync_playwright  # lazy: seconds to import, only when drawing

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=settings().chromium, args=CHROMIUM_ARGS)
        try:
            import plotly

            charts_tab = browser.new_page(device_scale_factor=1, locale="vi-VN")
            charts_tab.set_content("<html><head><meta charset='utf-8'></head><body></body></html>")
            charts_tab.add_script_tag(path=str(Path(plotly.__file__).parent / "package_data" / "plotly.min.js"))
            yield Chromium(charts_tab, browser.new_page(locale="vi-VN"))
        finally:
            browser.close()


def draw_figures(report: Report, drawer: Chromium) -> None:
    for block in report.blocks + report.appendix:
        if isinstance(block, Figure) and block.png is None:
            block.png = drawer.png(block.figure)


# ---------------------------------------------------------------- writing: DOCX

def docx_bytes(report: Report, template: Path = DOCX_TEMPLATE) -> bytes:
    """The form filled in (docxtpl), the body put in place of its [[BODY]] paragraph (python-docx)."""
    from docxtpl import DocxTemplate, Listing

    tpl = DocxTemplate(str(template))
    tpl.render({**report.header, "recipients": Listing(report.header["recipients"])})
    doc = tpl.docx
    body = doc.element.body
    marker = next(p for p in doc.paragraphs if p.text.strip() == BODY_MARKER)
    start = len(body)
    _docx_blocks(doc, report.blocks)
    for el in list(body)[start - 1:-1]:   # what was added (before the closing sectPr) goes in place
        marker._p.addprevious(el)
    marker._p.getparent().remove(marker._p)
    if report.appendix:
        doc.add_page_break()
        _docx_blocks(doc, report.appendix)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _docx_blocks(doc, blocks: list[Block]) -> None:
    from docx.shared import Mm

    for block in blocks:
        if isinstance(block, Heading):
            doc.add_heading(block.text, block.level)
        elif isinstance(block, Para):
            _docx_para(doc, block)
        elif isinstance(block, Figure):
            if block.png:
                doc.add_picture(io.BytesIO(block.png), width=Mm(160))
                doc.paragraphs[-1].alignment = 1
            doc.add_paragraph(block.caption, style="Caption").alignment = 1
        else:
            _docx_table(doc, block)


def _docx_para(doc, block: Para) -> None:
    from docx.shared import Pt, RGBColor

    p = doc.add_paragraph()
    run = p.add_run(block.text)
    if block.style == "notice":
        run.bold, run.font.color.rgb = True, RGBColor(0xC6, 0x28, 0x28)
    elif block.style in ("note", "caption"):
        run.italic, run.font.size = True, Pt(11)
    if block.style == "body":
        p.paragraph_format.first_line_indent = Pt(28)
        p.alignment = 3   # justified, as administrative prose is


def _docx_table(doc, block: Table) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt, RGBColor

    if block.landscape:
        doc.add_paragraph()._p.get_or_add_pPr().append(_section(doc, landscape=False))
    if block.title:
        doc.add_heading(block.title, 2)
    table = doc.add_table(rows=1, cols=len(block.columns))
    table.style = "Table Grid"
    size = Pt(9 if block.small else 11)
    for cell, text in zip(table.rows[0].cells, block.columns):
        run = cell.paragraphs[0].add_run(text)
        run.bold, run.font.size = True, size
    trPr = table.rows[0]._tr.get_or_add_trPr()   # the header row repeats on every page
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    trPr.append(header)
    for r, row in enumerate(block.rows):
        cells = table.add_row().cells
        for c, (cell, text) in enumerate(zip(cells, row)):
            run = cell.paragraphs[0].add_run(str(text))
            run.font.size = size
            colour = block.colours[r][c] if block.colours else None
            if colour:
                run.font.color.rgb, run.bold = RGBColor.from_string(colour.upper()), True
    for col, width in zip(table.columns, block.widths):
        for cell in col.cells:
            cell.width = Mm(width)
    if block.landscape:
        doc.add_paragraph()._p.get_or_add_pPr().append(_section(doc, landscape=True))


def _section(doc, landscape: bool):
    """A section break ending the section before it (portrait, or landscape for a wide table)."""
    from docx.enum.section import WD_ORIENT
    from docx.section import Section
    from docx.shared import Mm

    sect = copy.deepcopy(doc.element.body.sectPr)
    section = Section(sect, doc.part)
    if landscape:
        section.orientation, section.page_width, section.page_height = WD_ORIENT.LANDSCAPE, Mm(297), Mm(210)
        section.top_margin, section.bottom_margin, section.left_margin, section.right_margin = Mm(20), Mm(15), Mm(20), Mm(20)
    return sect


# ---------------------------------------------------------------- writing: HTML and PDF

def html_text(report: Report) -> str:
    """The same report as one HTML page (report_templates/report.html.j2) for Chromium to print."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["j2", "html"]))
    env.filters["b64"] = lambda data: base64.b64encode(data).decode("ascii")
    return env.get_template("report.html.j2").render(report=report, h=report.header, lang=report.lang,
                                                     kind=lambda b: type(b).__name__.lower())


def footer_html(report: Report) -> str:
    """Every PDF page: province, period, page n/N, the date made, and the synthetic notice."""
    parts = [report.place, period_label(report.period, report.lang), fmt.date(report.made, report.lang)]
    if report.synthetic:
        parts.append(t("cover_synthetic", report.lang))
    text = " · ".join(_escape(p) for p in parts)
    page = t("rp_page", report.lang)
    return ("<div style=\"font-family:'Noto Serif','DejaVu Serif',serif;font-size:8px;width:100%;padding:0 15mm;"
            f"color:#455a64;display:flex;justify-content:space-between\"><span>{text}</span>"
            f"<span>{page} <span class='pageNumber'></span>/<span class='totalPages'></span></span></div>")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# ---------------------------------------------------------------- the command

@dataclass
class ReportRun:
    files: list[Path] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)     # per report stem: build + draw + write


def write_reports(db: str | Path, codes: Iterable[str | None], period: ReportPeriod, formats: Iterable[str] = FORMATS,
                  lang: str = "vi", out: Path = Path("nq72-report"), today: dt.date | None = None,
                  on_done=None) -> ReportRun:
    """Write OUT/<period>/<stem>.docx|.pdf for each province code (None: the national report),
    with one Chromium for the whole batch; files are replaced whole."""
    formats = set(formats)
    data = load_data(db, period)
    run = ReportRun()
    folder = out / period.code
    with chromium() as drawer:
        for code in codes:
            started = time.perf_counter()
            report = build_report(data, code, period, lang, today)
            draw_figures(report, drawer)
            if "docx" in formats:
                run.files.append(_write(folder / f"{report.stem}.docx", docx_bytes(report)))
            if "pdf" in formats:
                run.files.append(_write(folder / f"{report.stem}.pdf", drawer.pdf(html_text(report), footer_html(report))))
            run.seconds[report.stem] = time.perf_counter() - started
            if on_done:
                on_done(report)
    return run


def report_files(db: str | Path, code: str | None, period: ReportPeriod, lang: str = "vi",
                 today: dt.date | None = None) -> dict[str, tuple[str, bytes]]:
    """One report as {'docx': (name, bytes), 'pdf': (name, bytes)}, for the dashboard's buttons."""
    data = load_data(db, period)
    report = build_report(data, code, period, lang, today)
    with chromium() as drawer:
        draw_figures(report, drawer)
        pdf = drawer.pdf(html_text(report), footer_html(report))
    return {"docx": (f"{report.stem}.docx", docx_bytes(report)), "pdf": (f"{report.stem}.pdf", pdf)}


def _write(path: Path, content: bytes) -> Path:
    """Through a temporary file, so a re-run never leaves half a file behind."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(content)
    tmp.replace(path)
    return path
