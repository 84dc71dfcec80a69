"""Plotly figures. Each takes plain frames and returns a figure; no queries, no Streamlit."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard import fmt
from data.geography import fold
from indicators.catalogue import Indicator, Target
from indicators.progress import Assessment
from pipelines.messages import t

NATIONAL_COLOUR, LOCAL_COLOUR, SERIES_COLOUR = "#263238", "#6a1b9a", "#0b6e4f"


def to_date(t_year: float) -> dt.datetime:
    """Fractional year (end of a period) -> a date, for the time axis."""
    year = int(t_year)
    return dt.datetime(year, 1, 1) + dt.timedelta(days=(t_year - year) * 365.25) - dt.timedelta(days=1)


def _base(title: str, lang: str, height: int = 340) -> go.Figure:
    fig = go.Figure()
    fig.update_layout(title=dict(text=title, font_size=15), height=height, margin=dict(l=10, r=10, t=40, b=10),
                      separators=fmt.separators(lang), legend=dict(orientation="h", y=-0.18),
                      plot_bgcolor="white", hovermode="closest")
    fig.update_xaxes(showgrid=True, gridcolor="#eceff1")
    fig.update_yaxes(showgrid=True, gridcolor="#eceff1")
    return fig


def progress_chart(series: pd.DataFrame, assessments: list[tuple[Target, Assessment]], ind: Indicator,
                   doc_short: dict[str, str], lang: str) -> go.Figure:
    """Reported series, every milestone (national and local plan) with year and source, the path
    required from the baseline to each milestone, and the current trend projected forward."""
    unit = fmt.unit_label(ind.unit, lang)
    fig = _base("", lang)
    fig.update_layout(margin=dict(l=10, r=10, t=20, b=10))
    fig.update_yaxes(title=unit)
    fig.add_trace(go.Scatter(
        x=[to_date(v) for v in series["t"]], y=series["value"], mode="lines+markers", name=t("series", lang),
        line=dict(color=SERIES_COLOUR, width=2), marker=dict(size=5),
        customdata=series["period"], hovertemplate=f"%{{customdata}}: %{{y}} {unit}<extra></extra>"))
    flagged = series[series["flagged"]] if "flagged" in series else series.iloc[0:0]
    if len(flagged):
        fig.add_trace(go.Scatter(
            x=[to_date(v) for v in flagged["t"]], y=flagged["value"], mode="markers", name=f"⚑ {t('flags', lang)}",
            marker=dict(symbol="circle-open", size=14, color="#c62828", line=dict(width=2)),
            customdata=flagged["period"], hovertemplate=f"⚑ %{{customdata}}: %{{y}} {unit}<extra></extra>"))
    for target, a in assessments:
        if a.target_value is None:
            continue
        colour = NATIONAL_COLOUR if target.scope == "national" else LOCAL_COLOUR
        label = f"{target.describe(unit, lang)} · {doc_short[target.source.document]}"
        due = to_date(target.year + 1.0)
        fig.add_trace(go.Scatter(
            x=[due], y=[a.target_value], mode="markers+text", text=[f"{target.year}"], textposition="top center",
            marker=dict(symbol="diamond" if target.scope == "national" else "star", size=12, color=colour),
            error_y=dict(type="data", symmetric=False, array=[(target.upper or a.target_value) - a.target_value],
                         arrayminus=[0], color=colour) if target.upper else None,
            name=label, hovertemplate=f"{label}<extra></extra>"))
        if a.baseline is not None:
            fig.add_trace(go.Scatter(
                x=[to_date(a.baseline[0]), due], y=[a.baseline[1], a.target_value], mode="lines",
                line=dict(color=colour, dash="dash", width=1), showlegend=False, hoverinfo="skip",
                name=t("required_path", lang)))
    trend = _trend(assessments)
    if trend is not None:
        fig.add_trace(go.Scatter(x=[to_date(x) for x in trend[0]], y=trend[1], mode="lines",
                                 line=dict(color=SERIES_COLOUR, dash="dot", width=2),
                                 name=t("projection", lang), hoverinfo="skip"))
    fig.add_trace(go.Scatter(x=[None], y=[None], mode="lines", line=dict(color="#777", dash="dash", width=1),
                             name=t("required_path", lang)))
    return fig


def _trend(assessments: list[tuple[Target, Assessment]]):
    """Points of the observed pace from the latest value to the furthest milestone (max 6 years)."""
    usable = [a for _, a in assessments if a.observed_rate is not None and a.latest is not None]
    if not usable:
        return None
    a = usable[0]
    t0, y0 = a.latest
    end = min(max(x.target_year + 1.0 for x in usable), t0 + 6)
    ts = np.linspace(t0, end, 12)
    if a.method == "linear":
        ys = y0 + a.observed_rate * (ts - t0)
    else:
        ys = y0 * (1 + a.observed_rate) ** (ts - t0)
    return ts, ys


def stations_histogram(values: pd.Series, threshold: float, lang: str) -> go.Figure:
    fig = _base(t("stations_distribution", lang), lang, height=280)
    counts = values.round().astype(int).value_counts().sort_index()
    fig.add_trace(go.Bar(x=counts.index, y=counts.values,
                         marker_color=["#c62828" if x < threshold else "#1a7f37" for x in counts.index],
                         hovertemplate=f"%{{x}} {t('doctors', lang).lower()}: %{{y}} {t('stations_count', lang).lower()}<extra></extra>"))
    fig.add_vline(x=threshold - 0.5, line_dash="dash", line_color=NATIONAL_COLOUR)
    fig.update_xaxes(title=t("doctors", lang), dtick=1)
    fig.update_yaxes(title=t("stations_count", lang))
    return fig


def ranking_chart(card: pd.DataFrame, names: dict[str, str], ind: Indicator, target_value: float | None,
                  national: float | None, status_style: dict, status_label, lang: str) -> go.Figure:
    """Provinces as horizontal bars, best at the top, coloured by status (text in the hover and
    the symbol after the name), with the target and the national figure as lines."""
    unit = fmt.unit_label(ind.unit, lang)
    c = card.sort_values("value", ascending=ind.direction == "higher")
    labels = [f"{names[a]} {status_style[s][1]}" for a, s in zip(c["area_code"], c["status"])]
    fig = _base(f"{t('ranking', lang)}: {ind.name(lang)} ({unit})", lang, height=max(420, 22 * len(c) + 80))
    fig.add_trace(go.Bar(
        x=c["value"], y=labels, orientation="h", marker_color=[status_style[s][0] for s in c["status"]],
        customdata=np.stack([c["period"], [status_label(s) for s in c["status"]]], axis=1),
        hovertemplate=f"%{{y}}: %{{x}} {unit} (%{{customdata[0]}})<br>%{{customdata[1]}}<extra></extra>",
        showlegend=False))
    if target_value is not None:
        fig.add_vline(x=target_value, line_dash="dash", line_color=NATIONAL_COLOUR,
                      annotation_text=t("national_target", lang), annotation_position="top")
    if national is not None and not np.isnan(national):
        fig.add_vline(x=national, line_color="#1565c0", annotation_text=t("national", lang),
                      annotation_position="bottom right")
    marks = [v for v in (target_value, national) if v is not None and not np.isnan(v)]
    lo, hi = min([c["value"].min(), *marks]), max([c["value"].max(), *marks])
    pad = (hi - lo) * 0.08 or 1.0
    fig.update_xaxes(range=[lo - pad if lo - pad > 0 or lo < 0 else 0, hi + pad])
    return fig


def trends_chart(values: pd.DataFrame, names: dict[str, str], national: pd.DataFrame, highlight: str | None,
                 ind: Indicator, lang: str) -> go.Figure:
    """Every province's series in grey, the highlighted one in colour, the national figure in black."""
    unit = fmt.unit_label(ind.unit, lang)
    fig = _base(f"{t('trends', lang)}: {ind.name(lang)} ({unit})", lang, height=420)
    for area, g in values.groupby("area_code", sort=True):
        on = area == highlight
        fig.add_trace(go.Scatter(
            x=[to_date(v) for v in g["t"]], y=g["value"], mode="lines", name=names[area],
            line=dict(color=SERIES_COLOUR if on else "#b0bec5", width=3 if on else 1),
            opacity=1 if on else 0.6, showlegend=on,
            hovertemplate=f"{names[area]} %{{customdata}}: %{{y}} {unit}<extra></extra>", customdata=g["period"]))
    if len(national):
        fig.add_trace(go.Scatter(x=[to_date(v) for v in national["t"]], y=national["value"], mode="lines",
                                 name=t("national", lang), line=dict(color=NATIONAL_COLOUR, width=2, dash="dash")))
    return fig


def tile_map(card: pd.DataFrame, grid: pd.DataFrame, names: dict[str, str], short: dict[str, str],
             status_style: dict, status_label, value_text, lang: str) -> go.Figure:
    """One square per province, coloured by status, with its name, symbol and value."""
    g = grid.merge(card, left_on="code", right_on="area_code", how="left")
    g["status"] = g["status"].fillna("insufficient_data")
    fig = go.Figure()
    fig.add_trace(go.Scatter(
        x=g["col"], y=-g["row"], mode="markers+text",
        marker=dict(symbol="square", size=58, color=[status_style[s][0] for s in g["status"]],
                    line=dict(color="white", width=1)),
        text=[f"{short[c]}<br>{status_style[s][1]} {value_text(v)}" for c, s, v in zip(g["code"], g["status"], g["value"])],
        textfont=dict(color="white", size=10),
        customdata=[f"{names[c]}: {value_text(v)} · {status_label(s)}" for c, s, v in zip(g["code"], g["status"], g["value"])],
        hovertemplate="%{customdata}<extra></extra>", showlegend=False))
    fig.update_layout(height=15 * 62 + 40, width=6 * 66 + 40, margin=dict(l=10, r=10, t=10, b=10),
                      plot_bgcolor="white", separators=fmt.separators(lang))
    fig.update_xaxes(visible=False, range=[-0.6, 5.6])
    fig.update_yaxes(visible=False, range=[-14.6, 0.6], scaleanchor="x")
    return fig


def status_bars(counts: pd.DataFrame, ind_names: dict[str, str], status_style: dict, status_label,
                lang: str) -> go.Figure:
    """Per indicator, how many provinces are in each status (stacked)."""
    fig = _base(t("headline", lang), lang, height=120 + 30 * len(counts))
    order = list(reversed(counts.index.tolist()))  # the catalogue's first indicator at the top
    for status in counts.columns:
        fig.add_trace(go.Bar(y=[ind_names[i] for i in order], x=counts.loc[order, status], orientation="h",
                             name=status_label(status), marker_color=status_style[status][0],
                             hovertemplate=f"%{{y}}: %{{x}} · {status_label(status)}<extra></extra>"))
    fig.update_layout(barmode="stack", legend=dict(orientation="h", y=-0.12, yanchor="top"),
                      margin=dict(l=10, r=10, t=40, b=90))
    fig.update_xaxes(range=[0, 34])
    return fig


def reporting_heatmap(reporting: pd.DataFrame, measure: str, names: dict[str, str], lang: str) -> go.Figure:
    """Provinces x months, coloured by completeness or timeliness, the percentage written in each cell."""
    grid = reporting.pivot_table(index="province_code", columns="period", values=measure, aggfunc="mean")
    grid = grid.reindex(sorted(grid.index, key=lambda c: fold(names[c])))
    labels = [[fmt.number(v * 100, lang, 0) for v in row] for row in grid.to_numpy()]
    fig = _base(t(f"heatmap_{measure}", lang), lang, height=120 + 22 * len(grid))
    fig.add_trace(go.Heatmap(
        z=grid.to_numpy(), x=list(grid.columns), y=[names[c] for c in grid.index], zmin=0, zmax=1,
        colorscale=[[0, "#c62828"], [0.89, "#ffcc80"], [0.9, "#c5e1a5"], [1, "#1a7f37"]],
        text=labels, texttemplate="%{text}", hovertemplate="%{y} %{x}: %{text} %<extra></extra>",
        colorbar=dict(title="%", tickvals=[0, 0.5, 0.9, 1], ticktext=["0", "50", "90", "100"])))
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(type="category")
    return fig
