"""Plotly figures. Each takes plain frames and returns a figure; no queries, no Streamlit.

Time: the maths place a value at the end of its period (indicators.progress); a chart draws it at
the middle (`period_mid`), so a 2025 figure sits inside 2025 on the axis and a 2030 target inside
2030. Lines between points (required path, current trend) are drawn through the same mid-dates."""
from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard import fmt
from indicators.catalogue import Indicator, Target
from indicators.periods import parse_period
from indicators.progress import Assessment
from pipelines.messages import t

NATIONAL_COLOUR, LOCAL_COLOUR, SERIES_COLOUR = "#263238", "#6a1b9a", "#0b6e4f"
_TREND_YEARS = 6   # how far the current trend is drawn past the latest value, at most
# Tick labels by zoom, in no language: 2026 for years, 01/2026 for months (these win over a
# plain tickformat set later, see ui.chart).
_DATE_TICKS = [dict(dtickrange=[None, "M1"], value="%d/%m/%Y"), dict(dtickrange=["M1", "M6"], value="%m/%Y"),
               dict(dtickrange=["M12", None], value="%Y")]


def period_mid(period: str) -> dt.datetime:
    """Where a period's value, or a target for it, is drawn: the middle of the period
    ('2030' -> 2 Jul 2030 12:00, '2026-Q1' -> 15 Feb 2026, '2026-01' -> 16 Jan 2026 12:00)."""
    p = parse_period(period)
    if p is None:
        raise ValueError(f"not a period: {period!r}")
    start = dt.datetime.combine(p.start, dt.time())
    return start + (dt.datetime.combine(p.end, dt.time()) + dt.timedelta(days=1) - start) / 2


def period_at(t_end: float, grain: str) -> str:
    """The period of a granularity that ends at fractional year t_end (2026.0, month -> '2025-12')."""
    per_year = {"year": 1, "quarter": 4, "month": 12}[grain]
    year, index = divmod(round(t_end * per_year) - 1, per_year)
    if grain == "year":
        return f"{year}"
    return f"{year}-Q{index + 1}" if grain == "quarter" else f"{year}-{index + 1:02d}"


def grain_of(period: str) -> str:
    """'2026' year, '2026-Q1' quarter, '2026-01' month."""
    return "year" if len(period) == 4 else "quarter" if period[5] == "Q" else "month"


def natural_limits(ind: Indicator) -> tuple[float, float]:
    """What a value can reach at all: 0-100 for shares, else the catalogue's plausible range."""
    return (0.0, 100.0) if ind.is_percent else ind.range


def status_label(status: str, lang: str, since: int | None = None, symbol: str = "") -> str:
    """'● Đúng tiến độ (xu hướng từ 2021)': the symbol, the status and, when the trend is measured
    from before the plan's baseline year, since when."""
    return f"{symbol} {t('status_' + status, lang)}".strip() + since_text(since, lang)


def since_text(year, lang: str) -> str:
    """' (xu hướng từ 2021)' when a trend is measured from that year, else nothing."""
    return f" ({t('trend_since', lang, year=int(year))})" if _known(year) else ""


def _known(year) -> bool:
    return year is not None and not (isinstance(year, float) and math.isnan(year))


def _base(title: str, lang: str, height: int = 340) -> go.Figure:
    # One layout at construction: the same figure as update_layout/update_xaxes/update_yaxes on an
    # empty one, at a seventh of the cost (each page builds up to 14 of these on every run).
    # A tick label is shown as drawn, not measured for hiding past the chart's edge: the measuring
    # took a twentieth of the browser's work on a province page; margins here hold the labels.
    grid = dict(showgrid=True, gridcolor="#eceff1", ticklabeloverflow="allow")
    return go.Figure(layout=dict(title=dict(text=title, font=dict(size=15)), height=height,
                                 margin=dict(l=10, r=10, t=40, b=10), separators=fmt.separators(lang),
                                 legend=dict(orientation="h", y=-0.18), plot_bgcolor="white", hovermode="closest",
                                 xaxis=grid, yaxis=dict(grid)))


def target_text(target: Target, value: float, unit: str, lang: str) -> str:
    """A milestone's label on a chart: '2030: 100 %', '2026: > 95 %', '2027: 4–5 bác sĩ'."""
    def num(v: float) -> str:
        return fmt.number(v, lang, _decimals(v))
    shown = f"{num(value)}–{num(target.upper)}" if target.comparison == "range" else num(value)
    if target.comparison == ">":
        shown = f"> {shown}"
    suffix = ("%" if lang == "en" else " %") if unit == "%" else f" {unit}"
    return f"{target.year}: {shown}{suffix}"


def _decimals(value: float) -> int:
    for d in (0, 1, 2):
        if abs(value * 10 ** d - round(value * 10 ** d)) < 1e-6:
            return d
    return 2


def progress_chart(series: pd.DataFrame, assessments: list[tuple[Target, Assessment]], ind: Indicator,
                   doc_short: dict[str, str], lang: str) -> go.Figure:
    """Reported series, every milestone (national and local plan) with year and source, the path
    required from the baseline to each milestone not yet met, and the current trend projected
    forward up to what the indicator can reach (100% for a share)."""
    unit = fmt.unit_label(ind.unit, lang)
    grain = grain_of(str(series["period"].iloc[0])) if len(series) else ind.frequency
    fig = _base("", lang)
    fig.update_layout(margin=dict(l=10, r=10, t=20, b=10))
    fig.update_yaxes(title=unit)
    fig.add_trace(go.Scatter(
        x=[period_mid(p) for p in series["period"]], y=series["value"], mode="lines+markers", name=t("series", lang),
        line=dict(color=SERIES_COLOUR, width=2), marker=dict(size=5),
        customdata=series["period"], hovertemplate=f"%{{customdata}}: %{{y}} {unit}<extra></extra>"))
    flagged = series[series["flagged"]] if "flagged" in series else series.iloc[0:0]
    if len(flagged):
        fig.add_trace(go.Scatter(
            x=[period_mid(p) for p in flagged["period"]], y=flagged["value"], mode="markers",
            name=f"⚑ {t('flags', lang)}", marker=dict(symbol="circle-open", size=14, color="#c62828", line=dict(width=2)),
            customdata=flagged["period"], hovertemplate=f"⚑ %{{customdata}}: %{{y}} {unit}<extra></extra>"))
    _add_milestones(fig, assessments, ind, doc_short, grain, lang)
    trend = _trend(assessments, grain, natural_limits(ind))
    if trend is not None:
        since = next((a.trend_since for _, a in assessments if _known(a.trend_since)), None)
        name = t("projection_since", lang, year=int(since)) if since else t("projection", lang)
        fig.add_trace(go.Scatter(x=trend[0], y=trend[1], mode="lines", line=dict(color=SERIES_COLOUR, dash="dot", width=2),
                                 name=name, hoverinfo="skip"))
    _label_milestones(fig, assessments, ind, lang)
    # Start from the margins the axis labels and a legend of up to two rows take: plotly widens
    # margins that are too small by drawing the whole chart a second time (a third of its work).
    # The legend above the plot: below it, it covered the year labels once a narrow chart (a panel
    # at 1280 px, a phone) turned them upright, so a reader could not read the chart's dates.
    legend = sum(tr.showlegend is not False for tr in fig.data) > 1
    fig.update_layout(legend=dict(orientation="h", x=0, y=1.02, yanchor="bottom"),
                      margin=dict(l=80, t=60 if legend else 20, b=40))
    return fig


def _add_milestones(fig: go.Figure, assessments, ind: Indicator, doc_short: dict[str, str], grain: str,
                    lang: str) -> None:
    """Each milestone as a marker (diamond national, star local plan; a range as a bar up to its
    upper end) and, while it is not met, the path required from the baseline to reach it."""
    unit = fmt.unit_label(ind.unit, lang)
    paths = set()
    for target, a in assessments:
        if a.target_value is None:
            continue
        colour = NATIONAL_COLOUR if target.scope == "national" else LOCAL_COLOUR
        label = f"{target.describe(unit, lang)} · {doc_short[target.source.document]}"
        fig.add_trace(go.Scatter(
            x=[period_mid(str(target.year))], y=[a.target_value], mode="markers", cliponaxis=False,
            marker=dict(symbol="diamond" if target.scope == "national" else "star", size=12, color=colour),
            error_y=dict(type="data", symmetric=False, array=[(target.upper or a.target_value) - a.target_value],
                         arrayminus=[0], color=colour) if target.upper else None,
            name=label, hovertemplate=f"{label}<extra></extra>"))
        path = _required_path(a, target, grain)
        if path is not None and (target.year, a.target_value) not in paths:   # a local plan restating the national one
            paths.add((target.year, a.target_value))
            fig.add_trace(go.Scatter(x=path[0], y=path[1], mode="lines", line=dict(color=colour, dash="dash", width=1),
                                     showlegend=False, hoverinfo="skip", name=t("required_path", lang)))
    if paths:   # the paths themselves stay out of the legend: one entry for all
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="lines", line=dict(color="#777", dash="dash", width=1),
                                 name=t("required_path", lang)))


def _label_milestones(fig: go.Figure, assessments, ind: Indicator, lang: str) -> None:
    """'2030: 100 %' above each milestone (one label where national and local plans agree), with
    room above the highest point so no label is cut off, and the axis wide enough for the text."""
    unit = fmt.unit_label(ind.unit, lang)
    labels: dict[tuple[int, str], tuple[float, str]] = {}
    for target, a in assessments:
        if a.target_value is not None:
            top = target.upper or a.target_value
            colour = NATIONAL_COLOUR if target.scope == "national" else LOCAL_COLOUR
            key = (target.year, target_text(target, a.target_value, unit, lang))
            labels.setdefault(key, (top, colour))
    xs = [x for tr in fig.data for x in (tr.x or ()) if x is not None]
    ys = [y for tr in fig.data for y in (tr.y if tr.y is not None else ()) if y is not None and not np.isnan(y)]
    ys += [top for top, _ in labels.values()]
    if not xs or not ys:
        return
    first, last = min(xs), max(xs)
    span = (last - first) or dt.timedelta(days=365)
    per_year: dict[int, int] = {}
    for (year, text), (top, colour) in sorted(labels.items()):
        x = period_mid(str(year))
        anchor = "right" if x > last - span * 0.12 else "left" if x < first + span * 0.12 else "center"
        stack = per_year[year] = per_year.get(year, -1) + 1
        fig.add_annotation(x=x, y=top, text=text, showarrow=False, yshift=14 + 15 * stack, xanchor=anchor,
                           font=dict(size=11, color=colour), bgcolor="rgba(255,255,255,0.8)")
    lo, hi = min(ys), max(ys)
    span_y = (hi - lo) or max(abs(hi) * 0.1, 1.0)
    rows = max(per_year.values(), default=-1) + 1    # labels stacked in one year
    fig.update_yaxes(range=[lo - span_y * 0.05, hi + span_y * (0.06 + 0.14 * rows)])
    fig.update_xaxes(range=[first - span * 0.03, last + span * 0.03])
    _year_ticks(fig, first, last)


def _year_ticks(fig: go.Figure, first: dt.datetime, last: dt.datetime) -> None:
    """Year labels under the middle of each year, where its values and targets are drawn, when a
    label for every year fits (a dozen years); else plain year labels at the year starts."""
    fig.update_xaxes(tickformatstops=_DATE_TICKS)
    if last.year - first.year <= 12:
        fig.update_xaxes(dtick="M12", tick0="2000-01-01", ticklabelmode="period")


def _samples(start_t: float, start_x: dt.datetime, end_t: float) -> list[tuple[float, dt.datetime]]:
    """Times from a drawn point to a year end, each with where it is drawn: the start itself, then
    every year end after it, drawn in the middle of that year (as an annual value or a target)."""
    out = [(start_t, start_x)]
    for end in range(math.floor(start_t) + 1, math.floor(end_t + 1e-9) + 1):
        x = period_mid(str(end - 1))
        if x > out[-1][1]:
            out.append((float(end), x))
    return out


def _along(a: Assessment, rate: float, start: tuple[float, float], ts) -> np.ndarray:
    t0, y0 = start
    ts = np.asarray(ts, dtype=float)
    return y0 + rate * (ts - t0) if a.method == "linear" else y0 * (1 + rate) ** (ts - t0)


def _required_path(a: Assessment, target: Target, grain: str):
    """From the baseline to the milestone at the required rate; only while the target is not met."""
    if a.status == "achieved" or a.baseline is None or a.required_rate is None:
        return None
    samples = _samples(a.baseline[0], period_mid(period_at(a.baseline[0], grain)), target.year + 1.0)
    if len(samples) < 2 or samples[-1][0] != target.year + 1.0:
        return None
    return [x for _, x in samples], _along(a, a.required_rate, a.baseline, [s for s, _ in samples])


def _trend(assessments: list[tuple[Target, Assessment]], grain: str, limits: tuple[float, float]):
    """The observed pace from the latest value to the furthest milestone (at least the next year
    drawn, at most six years on), stopped where it would pass what the indicator can reach."""
    usable = [a for _, a in assessments if a.observed_rate is not None and a.latest is not None]
    if not usable:
        return None
    a = usable[0]
    t0 = a.latest[0]
    end = min(max(x.target_year + 1.0 for x in usable), math.floor(t0) + _TREND_YEARS)
    end = max(end, math.floor(t0) + 2.0)   # at least one year drawn after the latest value
    samples = _samples(t0, period_mid(period_at(t0, grain)), end)
    if len(samples) < 2:
        return None
    ys = _along(a, a.observed_rate, a.latest, [s for s, _ in samples])
    return _clip([x for _, x in samples], list(ys), limits)


def _clip(xs: list, ys: list, limits: tuple[float, float]):
    """Cut a line where it leaves [low, high], ending exactly on the limit."""
    low, high = limits
    out_x, out_y = [xs[0]], [min(max(ys[0], low), high)]
    for (x0, y0), (x1, y1) in zip(zip(xs, ys), zip(xs[1:], ys[1:])):
        bound = high if y1 > high else low if y1 < low else None
        if bound is None:
            out_x.append(x1)
            out_y.append(y1)
            continue
        if y1 != y0 and (y0 - bound) * (y1 - bound) < 0:
            out_x.append(x0 + (x1 - x0) * ((bound - y0) / (y1 - y0)))
            out_y.append(bound)
        break
    return out_x, out_y


def stations_histogram(values: pd.Series, threshold: float, lang: str) -> go.Figure:
    fig = _base(t("stations_distribution", lang), lang, height=280)
    counts = values.round().astype(int).value_counts().sort_index()
    fig.add_trace(go.Bar(x=counts.index, y=counts.values,
                         marker_color=["#c62828" if x < threshold else "#1a7f37" for x in counts.index],
                         hovertemplate=f"%{{x}} {t('doctors', lang).lower()}: %{{y}} {t('stations_count', lang).lower()}<extra></extra>"))
    fig.add_vline(x=threshold - 0.5, line_dash="dash", line_color=NATIONAL_COLOUR)
    fig.update_xaxes(title=t("doctors", lang), dtick=1)
    fig.update_yaxes(title=t("stations_count", lang))
    fig.update_layout(margin=dict(l=70, b=65))   # what its axis labels take: drawn once (see progress_chart)
    return fig


def trends_chart(values: pd.DataFrame, names: dict[str, str], national: pd.DataFrame, highlight: str | None,
                 ind: Indicator, lang: str) -> go.Figure:
    """Every province's series in grey, the highlighted one in colour, the national figure in black.

    The grey lines are one trace, a gap between provinces: 33 traces of their own made the browser
    lay out, hover-index and draw each apart (the page's largest chart on a national database)."""
    unit = fmt.unit_label(ind.unit, lang)
    fig = _base(f"{t('trends', lang)}: {ind.name(lang)} ({unit})", lang, height=420)
    grey_x, grey_y, grey_text = [], [], []
    for area, g in values.groupby("area_code", sort=True):
        if area == highlight:
            continue
        grey_x += [period_mid(p) for p in g["period"]] + [None]
        grey_y += list(g["value"]) + [None]
        grey_text += [f"{names[area]} {p}" for p in g["period"]] + [None]
    if grey_x:
        fig.add_trace(go.Scatter(x=grey_x, y=grey_y, mode="lines", name=t("other_provinces", lang), showlegend=False,
                                 line=dict(color="#b0bec5", width=1), opacity=0.6, connectgaps=False,
                                 hovertemplate=f"%{{customdata}}: %{{y}} {unit}<extra></extra>", customdata=grey_text))
    mine = values[values["area_code"] == highlight]
    if len(mine):
        fig.add_trace(go.Scatter(
            x=[period_mid(p) for p in mine["period"]], y=mine["value"], mode="lines", name=names[highlight],
            line=dict(color=SERIES_COLOUR, width=3),
            hovertemplate=f"{names[highlight]} %{{customdata}}: %{{y}} {unit}<extra></extra>", customdata=mine["period"]))
    if len(national):
        fig.add_trace(go.Scatter(x=[period_mid(p) for p in national["period"]], y=national["value"], mode="lines",
                                 name=t("national", lang), line=dict(color=NATIONAL_COLOUR, width=2, dash="dash")))
    periods = pd.concat([values["period"], national["period"]]) if len(national) else values["period"]
    if len(periods):
        _year_ticks(fig, period_mid(min(periods)), period_mid(max(periods)))
    return fig
