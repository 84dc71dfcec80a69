"""The page-text tables of an AppTest run (ui.table writes them as HTML), as frames of the texts a
reader sees."""
from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import pandas as pd


class _Cells(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.head: list[str] = []
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs) -> None:
        if tag == "tr" and self.head:
            self.rows.append([])
        if tag in ("th", "td"):
            self._cell = []

    def handle_data(self, data) -> None:
        if self._cell is not None:
            self._cell.append(data)

    def handle_endtag(self, tag) -> None:
        if tag in ("th", "td") and self._cell is not None:
            (self.head if tag == "th" else self.rows[-1]).append("".join(self._cell))
            self._cell = None


def page_tables(at) -> list[pd.DataFrame]:
    """Every table ui.table drew in the run, in page order: one frame each, cells as shown."""
    frames = []
    for element in at.get("html"):
        if "class='nq72-table'" in element.value:
            cells = _Cells()
            cells.feed(element.value)
            frames.append(pd.DataFrame(cells.rows, columns=cells.head, dtype=object))
    return frames


def page_notes(at) -> list[str]:
    """The notes under a Province panel's milestones (ui.panel_header), as the reader reads them."""
    return [html.unescape(note) for element in at.get("html")
            for note in re.findall(r"<p class='nq72-note'>(.*?)</p>", element.value)]
