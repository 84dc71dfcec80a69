"""Figures as page text (HTML and CSS) instead of plotly charts: the Overview's tile map and status
bars are coloured boxes with words and counts in them, the Indicator page's ranking a dot on a line
per province, the Quality page's heat map a table of coloured cells; a browser lays them out at
once. As plotly charts they made each page load and compile plotly.js (bench/pages.py: first visit
and warm). Their words are found, copied, translated and printed like any other text; each box's,
row's or cell's details are in its tooltip (title), as the charts' hovers were."""
from __future__ import annotations

import html
import math
from collections.abc import Callable
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from dashboard.views import RankingMarks

CSS = """.nq72-figure {margin: 0.5rem 0 0.25rem; break-inside: avoid}
.nq72-figure-title {font-weight: 600; font-size: 15px; margin: 0 0 0.5rem}
.nq72-bar-row {display: grid; grid-template-columns: minmax(7rem, 14rem) 1fr; gap: 0.5rem; align-items: center;
  margin: 3px 0; font-size: 14px}
.nq72-bar {display: flex; height: 22px; background: #f5f7f8}
.nq72-bar span {display: flex; align-items: center; justify-content: center; overflow: hidden; font-size: 12px}
.nq72-legend {display: flex; flex-wrap: wrap; gap: 0.25rem 1rem; font-size: 13px; margin-top: 0.5rem}
.nq72-swatch {display: inline-block; width: 0.8rem; height: 0.8rem; margin-right: 0.3rem; vertical-align: -1px}
.nq72-tiles {display: grid; grid-template-columns: repeat(6, minmax(0, 64px)); gap: 3px}
.nq72-tiles div {aspect-ratio: 1; display: flex; flex-direction: column; align-items: center; justify-content: center;
  text-align: center; font-size: 10px; line-height: 1.2; overflow: hidden; padding: 1px}
.nq72-rank-row {display: grid; grid-template-columns: min(12rem, 30%) 1fr 5.5rem; gap: 0 0.5rem;
  align-items: center; font-size: 13px; line-height: 22px}
.nq72-rank-row > span {overflow: hidden; text-overflow: ellipsis; white-space: nowrap}
.nq72-rank-row > span:last-child {text-align: right; font-variant-numeric: tabular-nums}
.nq72-rank-on {background: #eef3f8}
.nq72-track {position: relative; height: 22px}
.nq72-track > span {position: absolute; top: 0; bottom: 0}
.nq72-track .nq72-grid {border-left: 1px solid #e6eaec}
.nq72-track .nq72-target {border-left: 2px dashed #263238}
.nq72-track .nq72-national {border-left: 2px solid #1565c0}
.nq72-track .nq72-own-target {top: 3px; bottom: 3px; border-left: 2px solid #263238}
.nq72-track .nq72-dot {top: 50%; width: 10px; height: 10px; border-radius: 50%; border: 1px solid #ffffff;
  box-sizing: border-box; transform: translate(-50%, -50%)}
.nq72-track .nq72-dot.nq72-on {width: 16px; height: 16px; border: 2px solid #000000}
.nq72-axis {position: relative; height: 18px; font-size: 12px; color: #5f6b70; border-top: 1px solid #b0bec5}
.nq72-axis span {position: absolute; transform: translateX(-50%); white-space: nowrap}
.nq72-axis-title {text-align: center; font-size: 12px; color: #5f6b70}
.nq72-key {display: inline-block; width: 1.2rem; height: 0; margin-right: 0.3rem; vertical-align: 4px}
.nq72-heat {overflow-x: auto}
.nq72-heat table {border-collapse: separate; border-spacing: 1px; font-size: 12px}
.nq72-heat th {font-weight: 400; color: #5f6b70; white-space: nowrap; padding: 0 4px}
.nq72-heat tbody th {text-align: right; position: sticky; left: 0; background: #ffffff}
.nq72-heat td {min-width: 3rem; height: 20px; text-align: center; padding: 0 2px}
.nq72-scale {display: inline-block; width: 12rem; height: 0.7rem; vertical-align: -1px; margin: 0 0.3rem}
.nq72-figure, .nq72-figure * {print-color-adjust: exact; -webkit-print-color-adjust: exact}"""


DARK, WHITE = "#263238", "#ffffff"


def rgb(colour: str) -> tuple[int, int, int]:
    """(red, green, blue) of '#rrggbb'."""
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def luminance(colour: str) -> float:
    """WCAG relative luminance of '#rrggbb'."""
    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(c) for c in rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def ink(colour: str) -> str:
    """Dark or white writing, whichever contrasts more with a box of `colour` ('#rrggbb')."""
    return DARK if contrast(colour, DARK) >= contrast(colour, WHITE) else WHITE


def status_bars(counts: pd.DataFrame, ind_names: dict[str, str], status_style: dict, status_label: Callable[[str], str],
                title: str, total: int) -> str:
    """Per indicator (rows of `counts`, in its order), how many of the `total` provinces are in each
    status (its columns): one bar of boxes as wide as their share, the count written in each."""
    rows = []
    for code in counts.index:
        name = html.escape(ind_names[code])
        boxes = []
        for status in counts.columns:
            n = int(counts.at[code, status])
            if n:
                colour = status_style[status][0]
                boxes.append(f"<span style='width: {100 * n / total:.3f}%; background: {colour}; color: {ink(colour)}'"
                             f" title='{name}: {n} · {html.escape(status_label(status))}'>{n}</span>")
        rows.append(f"<div class='nq72-bar-row'><span>{name}</span><div class='nq72-bar'>{''.join(boxes)}</div></div>")
    legend = "".join(f"<span><span class='nq72-swatch' style='background: {status_style[s][0]}'></span>"
                     f"{html.escape(status_label(s))}</span>" for s in counts.columns)
    return (f"<div class='nq72-figure'><p class='nq72-figure-title'>{html.escape(title)}</p>{''.join(rows)}"
            f"<div class='nq72-legend'>{legend}</div></div>")


def tile_map(card: pd.DataFrame, grid: pd.DataFrame, names: dict[str, str], short: dict[str, str],
             status_style: dict, status_label: Callable[[str], str], value_text: Callable[[object], str],
             since: Callable[[object], str]) -> str:
    """One square per province at its place in `grid` (code, row, col), coloured by its status in
    `card`, with its short name, symbol and value; the full name, status and any 'trend since' in
    its tooltip. A province without a status is 'insufficient data'."""
    g = grid.merge(card, left_on="code", right_on="area_code", how="left")
    g["status"] = g["status"].fillna("insufficient_data")
    trend = g["trend_since"] if "trend_since" in g else pd.Series([None] * len(g))
    tiles = []
    for code, row, col, status, value, year in zip(g["code"], g["row"], g["col"], g["status"], g["value"], trend):
        colour, symbol = status_style[status]
        label = "<br>".join(html.escape(part) for part in short[code].split("<br>"))
        tip = f"{names[code]}: {value_text(value)} · {status_label(status)}{since(year)}"
        tiles.append(f"<div style='grid-row: {int(row) + 1}; grid-column: {int(col) + 1}; background: {colour};"
                     f" color: {ink(colour)}' title='{html.escape(tip)}'><span>{label}</span>"
                     f"<span>{html.escape(symbol)} {html.escape(value_text(value))}</span></div>")
    return f"<div class='nq72-figure'><div class='nq72-tiles'>{''.join(tiles)}</div></div>"


def ranking(card: pd.DataFrame, names: dict[str, str], status_style: dict, status_label: Callable[[str, object], str],
            value_text: Callable[[object], str], tick_text: Callable[[float], str], marks: RankingMarks, *,
            title: str, axis_title: str, highlight: str | None, higher_is_better: bool) -> str:
    """Provinces best first, each a row with its name and status symbol, a dot at its value on the
    common axis (its position, not a bar's length, carries the value, so the axis need not start at
    zero) coloured by status, and the value written; the chosen province in bold with a larger dot.
    The target and the national figure are lines across every row, or a tick in each row when the
    provinces' targets differ. A province without a value has a row and no dot. Its period, status
    and any 'trend since' are in the row's tooltip."""
    c = card.sort_values("value", ascending=not higher_is_better, na_position="last")
    since = c["trend_since"] if "trend_since" in c else pd.Series([None] * len(c), index=c.index)
    known = [float(v) for v in c["value"] if pd.notna(v)]
    lo, hi = axis_range(known + [v for v, _, _ in marks.lines] + list(marks.ticks.values()))
    ticks = nice_ticks(lo, hi)

    def at(v: float) -> str:
        return f"left: {100 * (v - lo) / (hi - lo):.2f}%"

    grid = "".join(f"<span class='nq72-grid' style='{at(v)}'></span>" for v in ticks)
    lines = "".join(f"<span class='nq72-{kind}' style='{at(v)}'></span>" for v, _, kind in marks.lines)
    rows = []
    for area, value, status, period, year in zip(c["area_code"], c["value"], c["status"], c["period"], since):
        colour, symbol = status_style[status]
        on = area == highlight
        name = f"{html.escape(names[area])} {symbol}"
        tip = f"{names[area]}: {value_text(value)} ({period}) · {status_label(status, year)}"
        own = (f"<span class='nq72-own-target' style='{at(marks.ticks[area])}'></span>"
               if area in marks.ticks else "")
        dot = ("" if pd.isna(value) else
               f"<span class='nq72-dot{' nq72-on' if on else ''}' style='{at(float(value))}; background: {colour}'></span>")
        rows.append(f"<div class='nq72-rank-row{' nq72-rank-on' if on else ''}' title='{html.escape(tip)}'>"
                    f"<span>{f'<b>{name}</b>' if on else name}</span>"
                    f"<div class='nq72-track'>{grid}{lines}{own}{dot}</div>"
                    f"<span>{html.escape(value_text(value))}</span></div>")
    axis = "".join(f"<span style='{at(v)}'>{html.escape(tick_text(v))}</span>" for v in ticks)
    shown = [s for s in status_style if s in set(c["status"])]
    keys = [f"<span><span class='nq72-swatch' style='background: {status_style[s][0]}; border-radius: 50%'></span>"
            f"{html.escape(status_label(s, None))}</span>" for s in shown]
    keys += [f"<span><span class='nq72-key' style='border-top: 2px {'dashed #263238' if kind == 'target' else 'solid #1565c0'}'>"
             f"</span>{html.escape(label)}</span>" for _, label, kind in marks.lines]
    if marks.ticks_label:
        keys.append(f"<span><span class='nq72-key' style='width: 0; height: 0.8rem; border-left: 2px solid #263238;"
                    f" vertical-align: -2px'></span>{html.escape(marks.ticks_label)}</span>")
    return (f"<div class='nq72-figure'><p class='nq72-figure-title'>{html.escape(title)}</p>{''.join(rows)}"
            f"<div class='nq72-rank-row'><span></span><div class='nq72-axis'>{axis}</div><span></span></div>"
            f"<div class='nq72-rank-row'><span></span><div class='nq72-axis-title'>{html.escape(axis_title)}</div>"
            f"<span></span></div><div class='nq72-legend'>{''.join(keys)}</div></div>")


def axis_range(values: list[float]) -> tuple[float, float]:
    """From a little below the least to a little above the greatest (8 % of the span each side, or
    1 when every value is the same); 0 to 1 when there is none."""
    if not values:
        return 0.0, 1.0
    lo, hi = min(values), max(values)
    pad = (hi - lo) * 0.08 or 1.0
    return lo - pad, hi + pad


def nice_ticks(lo: float, hi: float, most: int = 7) -> list[float]:
    """Round values between lo and hi, as many as fit in `most`, a step of 1, 2, 2.5 or 5 times a
    power of ten apart."""
    power = 10 ** math.floor(math.log10((hi - lo) / most))
    for step in (m * power * 10 ** k for k in range(3) for m in (1, 2, 2.5, 5)):
        first = math.ceil(lo / step - 1e-9) * step
        ticks = [round(first + i * step, 10) for i in range(int((hi - first) / step + 1e-9) + 1)]
        if len(ticks) <= most:
            return ticks
    return [lo, hi]


# Completeness and timeliness: red below the 90 % threshold, green at or above it.
SHARE_SCALE = [(0.0, "#c62828"), (0.89, "#ffcc80"), (0.9, "#c5e1a5"), (1.0, "#1a7f37")]


def scale_colour(share: float, scale: list[tuple[float, str]] = SHARE_SCALE) -> str:
    """The colour of a share in [0, 1] on a piecewise-linear scale of (stop, '#rrggbb')."""
    share = min(max(share, scale[0][0]), scale[-1][0])
    for (a, ca), (b, cb) in zip(scale, scale[1:]):
        if share <= b:
            f = 0.0 if b == a else (share - a) / (b - a)
            return "#" + "".join(f"{round(x + f * (y - x)):02x}" for x, y in zip(rgb(ca), rgb(cb)))
    return scale[-1][1]


def heatmap(grid: pd.DataFrame, title: str, number: Callable[[float], str], scale_labels: tuple[str, str]) -> str:
    """Rows x columns of shares (0-1), each cell coloured on SHARE_SCALE with its percentage written
    in it and named in its tooltip ('An Giang 2026-08: 0 %'); an empty cell where there is no share.
    `scale_labels` name the two ends of the colour key."""
    head = "<th></th>" + "".join(f"<th>{html.escape(str(c))}</th>" for c in grid.columns)
    rows = []
    for name, values in zip(grid.index, grid.to_numpy()):
        cells = []
        for column, share in zip(grid.columns, values):
            if pd.isna(share):
                cells.append(f"<td style='background: #f5f7f8' title='{html.escape(f'{name} {column}: –')}'>–</td>")
                continue
            colour, text = scale_colour(float(share)), number(float(share) * 100)
            cells.append(f"<td style='background: {colour}; color: {ink(colour)}'"
                         f" title='{html.escape(f'{name} {column}: {text} %')}'>{html.escape(text)}</td>")
        rows.append(f"<tr><th>{html.escape(str(name))}</th>{''.join(cells)}</tr>")
    gradient = ", ".join(f"{colour} {100 * stop:g}%" for stop, colour in SHARE_SCALE)
    key = (f"<div class='nq72-legend'><span>{html.escape(scale_labels[0])}<span class='nq72-scale'"
           f" style='background: linear-gradient(to right, {gradient})'></span>{html.escape(scale_labels[1])}</span></div>")
    return (f"<div class='nq72-figure'><p class='nq72-figure-title'>{html.escape(title)}</p><div class='nq72-heat'>"
            f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>{key}</div>")
