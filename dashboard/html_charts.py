"""The Overview's two figures as page text (HTML and CSS) instead of plotly charts: the tile map
and the status bars are coloured boxes with words and counts in them, which a browser lays out at
once. As plotly charts they made the landing page load and compile plotly.js for two drawings
(bench/pages.py: first visit and warm). Their words are found, copied, translated and printed like
any other text; each box's details are in its tooltip (title), as the charts' hovers were."""
from __future__ import annotations

import html
from collections.abc import Callable

import pandas as pd

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
.nq72-figure, .nq72-figure * {print-color-adjust: exact; -webkit-print-color-adjust: exact}"""


DARK, WHITE = "#263238", "#ffffff"


def luminance(colour: str) -> float:
    """WCAG relative luminance of '#rrggbb'."""
    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(int(colour[i:i + 2], 16)) for i in (1, 3, 5))
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
