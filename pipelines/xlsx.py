"""How far the sheets of an XLSX workbook really reach, and which of their cells Excel formats as
percent or date or holds as an error, measured by streaming their XML.

calamine (the reader) allocates a grid from A1 to the farthest cell holding a value before it
hands back anything: one stray cell at XFD1048576 asks for 512 GiB and aborts the process. Here the
cells of every sheet that will be read (the visible worksheets) are counted and located piece by
piece, nothing is built, and a sheet whose range is absurd is refused with its name and range before
calamine sees it; the cells of the whole workbook share one budget. The shared strings calamine
loads for every sheet are bounded the same way. The declared <dimension> is not trusted (calamine
ignores it too): only cells holding a value count, as in calamine.

The same pass notes the cells calamine would hand back wrong: a percent cell's fraction (0.947 shown
as 94.7 %), a date shown as a month (mm/yyyy), an error (#DIV/0!, which calamine turns into '')."""
from __future__ import annotations

import posixpath
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from operator import itemgetter
from xml.parsers import expat
from xml.sax.saxutils import unescape

from pipelines.problems import UploadError, file_problem

# The grid calamine builds (32 bytes a cell) and pandas boxes: ~0.3 GiB and 2-5 s at this size
# (about 110,000 rows of the template); a larger sheet would not be read within the time limit.
MAX_CELLS = 1_000_000
# A range of more than this many cells, fewer than 1 in SPARSE of them holding data, has stray cells.
SPARSE_FROM, SPARSE = 100_000, 8
MAX_SHARED_STRINGS, MAX_SHARED_MB = 2_000_000, 64
# Tags in a sheet's XML: a full sheet writes 5 or 6 a cell; millions of elements nested around a
# handful of cells are there only to keep calamine parsing.
MAX_TAGS = 16 * MAX_CELLS
_PIECE = 1 << 20
_MAX_TAG = 1 << 20

# As Excel, LibreOffice, openpyxl and xlsxwriter write a cell: the reference first, in double quotes.
_CELL = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"')
_EMPTY_CELL = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"[^>]*/>')  # a style and no value: skipped
_ODD_CELL = re.compile(rb"<c[>/\t\n\r]")  # a cell tag without attributes, or not followed by a space
_PREFIXED_CELL = re.compile(rb"<[^\s<>!?/]+:c[\s/>]")
_SHARED_STRING = re.compile(rb"<(?:[^\s<>!?/]+:)?si[\s/>]")
_REF = re.compile(r"([A-Za-z]{1,3})([0-9]{1,7})")
_FIRST, _SECOND = itemgetter(0), itemgetter(1)
# An error cell (t="e") and its value; the attributes end in '/' when the cell has none.
_ERROR_CELL = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"(?=[^>]* t="e")([^>]*)>')
_VALUE = re.compile(rb"<v>([^<]*)</v>")
MAX_ERROR_CHARS = 255

# Number formats built into Excel (ECMA-376 18.8.30) that change what a cell means here: percent,
# a date, a month (mmm-yy). 18-21 and 45-47 are times of day: calamine's own value is kept.
BUILTIN_FORMATS = {9: "percent", 10: "percent", 14: "date", 15: "date", 16: "date", 17: "month", 22: "date"}
# What a format code shows literally: quoted text, [colours] and [$-locales], escaped and padding characters.
_LITERAL = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.|[_*].')


class _Irregular(Exception):
    """A sheet not written the way the fast pass expects: measured again by the exact pass."""


@dataclass
class Extent:
    """Cells holding a value: how many, the last row and column (1-based), the columns used, and the
    cells that reach farthest down and farthest right."""

    cells: int = 0
    rows: int = 0
    columns: int = 0
    used: set[int] = field(default_factory=set)
    lowest: str = ""
    rightmost: str = ""
    # (row, column), 0-based -> ('percent' | 'date' | 'month', '') or ('error', its text): the cells
    # whose value calamine hands back as a bare number, a date with a day, or ''.
    special: dict[tuple[int, int], tuple[str, str]] = field(default_factory=dict)

    def add(self, refs: list[tuple[bytes, bytes]]) -> None:
        """Cells as (column letters, row digits) pairs, the form the fast pass finds them in."""
        if not refs:
            return
        letters, rows = list(map(_FIRST, refs)), list(map(int, map(_SECOND, refs)))  # C loops: ~0.5 us a cell
        self.cells += len(refs)
        top = max(rows)
        if top > self.rows:
            self.rows, self.lowest = top, _ref(*refs[rows.index(top)])
        for name in set(letters):
            self._column(column_number(name.decode()), lambda n=name: _ref(*refs[letters.index(n)]))

    def add_one(self, row: int, column: int) -> None:
        """One cell by its 1-based position (the exact pass)."""
        self.cells += 1
        if row > self.rows:
            self.rows, self.lowest = row, column_letters(column) + str(row)
        self._column(column, lambda: column_letters(column) + str(row))

    def _column(self, number: int, cell) -> None:
        self.used.add(number)
        if number > self.columns:
            self.columns, self.rightmost = number, cell()


@dataclass
class Sheet:
    """A worksheet to read: its name, its part in the zip and what the streamed pass found in it."""

    name: str
    part: str
    extent: Extent = field(default_factory=Extent)


@dataclass
class Workbook:
    """The visible worksheets, in workbook order, each measured; None when the workbook does not say
    which part is which (then every worksheet part was measured and no cell is known as special)."""

    sheets: list[Sheet] | None
    date1904: bool = False


def check_workbook(z: zipfile.ZipFile, max_columns: int) -> Workbook:
    """Refuse, before calamine reads it, a workbook whose shared strings or visible sheets are absurd,
    alone or together (MAX_CELLS for the whole workbook); the sheets to read, with their special cells."""
    _check_shared_strings(z)
    if len(set(z.namelist())) != len(z.namelist()):  # two parts of one name: which one would calamine read?
        raise UploadError([file_problem("read_bad_excel")])
    book = read_workbook(z)
    styles = read_styles(z) if book.sheets else {}
    measured = book.sheets if book.sheets is not None else [
        Sheet(posixpath.splitext(posixpath.basename(p))[0], p) for p in sorted(z.namelist())
        if p.startswith("xl/worksheets/") and p.endswith(".xml")]
    total = 0
    for sheet in measured:
        sheet.extent = measure(z, sheet.part, sheet.name, styles)
        judge(sheet.extent, sheet.name, max_columns)
        total += sheet.extent.rows * sheet.extent.columns
        if total > MAX_CELLS:
            raise UploadError([file_problem("read_workbook_too_big", sheets=len(measured), cells=total, limit=MAX_CELLS)])
    return book


def judge(extent: Extent, sheet: str, max_columns: int) -> None:
    """Raise UploadError if calamine would build an absurd grid for this sheet."""
    if len(extent.used) > max_columns:
        raise UploadError([file_problem("read_too_many_columns", columns=len(extent.used), limit=max_columns)])
    grid = extent.rows * extent.columns
    if extent.columns > max_columns or (grid > SPARSE_FROM and grid > SPARSE * extent.cells):
        cell = extent.rightmost if extent.columns > max_columns else extent.lowest
        raise UploadError([file_problem("read_sheet_range", sheet=sheet, cell=cell,
                                        range=f"A1:{column_letters(extent.columns)}{extent.rows}")])
    if grid > MAX_CELLS:
        raise UploadError([file_problem("read_sheet_too_big", sheet=sheet, cells=grid, limit=MAX_CELLS,
                                        range=f"A1:{column_letters(extent.columns)}{extent.rows}")])


def measure(z: zipfile.ZipFile, part: str, sheet: str = "", styles: dict[int, str] | None = None) -> Extent:
    """The cells of one sheet part: a fast pass over the XML as Excel writes it, an exact one otherwise.
    `styles` (read_styles) names the cell styles whose cells are special."""
    try:
        with z.open(part) as xml:
            return _measure_fast(xml, sheet, styles)
    except _Irregular:
        with z.open(part) as xml:
            return _measure_exact(xml, sheet, styles)


def _measure_fast(xml, sheet: str, styles: dict[int, str] | None = None) -> Extent:
    extent, tags = Extent(), 0
    styled = _styled_cell(styles) if styles else None
    for piece in _pieces(xml):
        tags += piece.count(b"<")
        if tags > MAX_TAGS:
            raise UploadError([file_problem("read_sheet_markup", sheet=sheet, limit=MAX_TAGS)])
        refs = _CELL.findall(piece)
        if (piece.count(b"<c ") != len(refs) or _ODD_CELL.search(piece) or b"<!" in piece
                or (b":c" in piece and _PREFIXED_CELL.search(piece))):
            raise _Irregular
        if b"/>" in piece and (empty := _EMPTY_CELL.findall(piece)):
            refs = list((Counter(refs) - Counter(empty)).elements())
        extent.add(refs)
        if len(extent.special) < MAX_CELLS:  # past that, judge refuses the sheet anyway
            if styled is not None:
                _styled_cells(piece, styled, styles, extent.special)
            if b' t="e"' in piece:
                _error_cells(piece, extent.special)
    return extent


def _styled_cell(styles: dict[int, str]) -> re.Pattern:
    """A cell tag whose style is one of `styles`, found with its reference, its style and its attributes."""
    ids = b"|".join(str(i).encode() for i in sorted(styles))
    return re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"(?=[^>]* s="(' + ids + rb')")([^>]*)>')


def _styled_cells(piece: bytes, styled: re.Pattern, styles: dict[int, str], special: dict) -> None:
    kinds = {str(i).encode(): (kind, "") for i, kind in styles.items()}
    for letters, digits, style, attrs in styled.findall(piece):
        if attrs.endswith(b"/") or (b' t="' in attrs and b' t="n"' not in attrs):  # empty, or not a number
            continue
        special[int(digits) - 1, _column_index(letters)] = kinds[style]


@cache  # at most 18,278 keys: one to three capital letters
def _column_index(letters: bytes) -> int:
    return column_number(letters.decode()) - 1


def _error_cells(piece: bytes, special: dict) -> None:
    for m in _ERROR_CELL.finditer(piece):
        if m[3].endswith(b"/"):
            continue
        end = piece.find(b"</c>", m.end())
        if end < 0:  # its value is in the next piece
            raise _Irregular
        value = _VALUE.search(piece, m.end(), end)
        if value is not None:
            text = unescape(value[1][:MAX_ERROR_CHARS].decode("utf-8", "replace"))
            special[int(m[2]) - 1, _column_index(m[1])] = ("error", text)


def _pieces(xml):
    """The part in pieces of about 1 MiB that never split a tag."""
    tail = b""
    while chunk := xml.read(_PIECE):
        piece = tail + chunk
        cut = piece.rfind(b"<")
        if cut < 0 or piece.find(b">", cut) >= 0:
            tail = b""
            yield piece
        else:
            tail = piece[cut:]
            if len(tail) > _MAX_TAG:
                raise _Irregular
            yield piece[:cut]
    if tail:
        yield tail


class _Cells:
    """expat handlers placing every cell as calamine does: by its reference, or after the cell before
    it in its row when it has none; any namespace prefix."""

    def __init__(self, sheet: str, styles: dict[int, str] | None = None) -> None:
        self.sheet, self.tags, self.styles = sheet, 0, styles or {}
        self.extent, self.row, self.column = Extent(), 0, 0
        self.cell: tuple[int, int] | None = None
        self.value = False
        self.style: int | None = None
        self.type: str | None = None
        self.text: list[str] | None = None  # an error cell's value, while it is read

    def start(self, name: str, attrs: dict[str, str]) -> None:
        self.tags += 1
        if self.tags > MAX_TAGS // 2:  # start tags only here
            raise UploadError([file_problem("read_sheet_markup", sheet=self.sheet, limit=MAX_TAGS)])
        local = name.rpartition(":")[2]
        if local == "row" and "r" in attrs:
            self.row = _number(attrs["r"]) - 1
        elif local == "c" and self.cell is None:
            if "r" in attrs:
                self.cell = _position(attrs["r"])
                self.column = self.cell[1]
            else:
                self.cell = (self.row, self.column)
            self.value = False
            self.style = int(attrs["s"]) if attrs.get("s", "").isdigit() else None
            self.type = attrs.get("t")
        elif local in ("v", "is") and self.cell is not None:
            self.value = True
            if local == "v" and self.type == "e":
                self.text = []

    def data(self, text: str) -> None:
        if self.text is not None:
            self.text.append(text)

    def end(self, name: str) -> None:
        local = name.rpartition(":")[2]
        if local == "row":
            self.row, self.column = self.row + 1, 0
        elif local == "v" and self.text is not None:
            if self.cell is not None and len(self.extent.special) < MAX_CELLS:
                self.extent.special[self.cell] = ("error", "".join(self.text)[:MAX_ERROR_CHARS])
            self.text = None
        elif local == "c" and self.cell is not None:
            if self.value:
                self.extent.add_one(self.cell[0] + 1, self.cell[1] + 1)
                kind = self.styles.get(self.style) if self.type in (None, "n") else None
                if kind is not None and len(self.extent.special) < MAX_CELLS:
                    self.extent.special[self.cell] = (kind, "")
            self.cell, self.column = None, self.column + 1


def _measure_exact(xml, sheet: str, styles: dict[int, str] | None = None) -> Extent:
    cells = _Cells(sheet, styles)
    parser = _parser()
    parser.StartElementHandler, parser.EndElementHandler = cells.start, cells.end
    parser.CharacterDataHandler = cells.data
    _parse(parser, xml)
    return cells.extent


def _check_shared_strings(z: zipfile.ZipFile) -> None:
    """calamine loads every shared string before any sheet: bound their count and size."""
    try:
        xml = z.open("xl/sharedStrings.xml")
    except KeyError:
        return
    count = size = 0
    with xml:
        try:
            for piece in _pieces(xml):
                if b"<!" in piece:  # a DTD (entity expansion) has no business in a workbook
                    raise _Irregular
                count, size = count + len(_SHARED_STRING.findall(piece)), size + len(piece)
                if count > MAX_SHARED_STRINGS or size > MAX_SHARED_MB << 20:
                    raise UploadError([file_problem("read_shared_strings", limit=MAX_SHARED_STRINGS,
                                                    limit_mb=MAX_SHARED_MB)])
        except _Irregular:
            raise UploadError([file_problem("read_bad_excel")]) from None


def read_workbook(z: zipfile.ZipFile) -> Workbook:
    """The visible worksheets as calamine finds them (workbook.xml, then its relationships), and the
    workbook's date system; sheets=None when a name or a part is missing or given twice."""
    sheets, rels, book = [], {}, {"date1904": False}

    def sheet(name: str, attrs: dict[str, str]) -> None:
        local = name.rpartition(":")[2]
        if local == "sheet":
            rid = next((v for k, v in attrs.items() if k.rpartition(":")[2] == "id" and ":" in k), None)
            sheets.append((attrs.get("name"), rid, attrs.get("state", "visible")))
        elif local == "workbookPr":
            book["date1904"] = attrs.get("date1904", "").lower() in ("1", "true")

    def relationship(name: str, attrs: dict[str, str]) -> None:
        if name.rpartition(":")[2] == "Relationship":
            rels.setdefault(attrs.get("Id"), []).append((attrs.get("Target", ""), attrs.get("Type", "")))

    if not (_read_part(z, "xl/workbook.xml", sheet) and _read_part(z, "xl/_rels/workbook.xml.rels", relationship)):
        return Workbook(None)
    names = [name for name, _, _ in sheets]
    if not sheets or None in names or len(set(names)) < len(names) or any(len(r) > 1 for r in rels.values()):
        return Workbook(None, book["date1904"])
    parts, out = set(z.namelist()), []
    for name, rid, state in sheets:
        target, kind = rels.get(rid, [("", "")])[0]
        if not target:
            return Workbook(None, book["date1904"])
        part = target[1:] if target.startswith("/xl/") else target if target.startswith("xl/") else f"xl/{target}"
        if state == "visible" and kind.endswith("/worksheet"):  # not hidden, not a chart
            if part not in parts:
                return Workbook(None, book["date1904"])
            out.append(Sheet(name, part))
    return Workbook(out, book["date1904"])


def read_styles(z: zipfile.ZipFile) -> dict[int, str]:
    """Cell style (a cell's s attribute) -> 'percent', 'date' or 'month', for the styles that are one."""
    formats: dict[int, str] = {}
    xfs: list[int] = []
    inside = [False]  # within <cellXfs> (cellStyleXfs holds xf elements too)

    def start(name: str, attrs: dict[str, str]) -> None:
        local = name.rpartition(":")[2]
        if local == "numFmt" and attrs.get("numFmtId", "").isdigit():
            formats[int(attrs["numFmtId"])] = attrs.get("formatCode", "")
        elif local == "cellXfs":
            inside[0] = True
        elif local == "xf" and inside[0]:
            xfs.append(int(attrs["numFmtId"]) if attrs.get("numFmtId", "").isdigit() else 0)

    def end(name: str) -> None:
        if name.rpartition(":")[2] == "cellXfs":
            inside[0] = False

    _read_part(z, "xl/styles.xml", start, end)
    kinds = {i: format_kind(formats[f]) if f in formats else BUILTIN_FORMATS.get(f) for i, f in enumerate(xfs)}
    return {i: kind for i, kind in kinds.items() if kind}


def format_kind(code: str) -> str | None:
    """'percent', 'date' (with a day) or 'month' (a date without one) for a number format code, else None.

    Only what the format shows of the number counts: its first section, without quoted text,
    [colours] or [$-locales]; 'm' alone (without h or s) is a month, not minutes."""
    bare = _LITERAL.sub("", code).split(";")[0].lower()
    if "%" in bare:
        return "percent"
    if "y" in bare or "d" in bare or ("m" in bare and "h" not in bare and "s" not in bare):
        return "date" if "d" in bare else "month"
    return None


def _read_part(z: zipfile.ZipFile, part: str, start, end=None) -> bool:
    """Parse a small part of the workbook with the given handlers; False if it is missing."""
    tags = [0]

    def counted(name: str, attrs: dict[str, str]) -> None:
        tags[0] += 1
        if tags[0] > MAX_TAGS // 16:
            raise UploadError([file_problem("read_bad_excel")])
        start(name, attrs)

    parser = _parser()
    parser.StartElementHandler = counted
    if end is not None:
        parser.EndElementHandler = end
    try:
        with z.open(part) as xml:
            _parse(parser, xml)
    except KeyError:
        return False
    return True


def _parser():
    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = _no_dtd
    parser.EntityDeclHandler = _no_dtd
    return parser


def _no_dtd(*_args) -> None:
    raise UploadError([file_problem("read_bad_excel")])


def _parse(parser, xml) -> None:
    try:
        while chunk := xml.read(_PIECE):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except (expat.ExpatError, ValueError):
        raise UploadError([file_problem("read_bad_excel")]) from None


def _position(ref: str) -> tuple[int, int]:
    """(row, column), 0-based, of a reference such as 'B7'; a damaged file if it is not one."""
    m = _REF.fullmatch(ref)
    if m is None:
        raise UploadError([file_problem("read_bad_excel")])
    return int(m[2]) - 1, column_number(m[1]) - 1


def _number(text: str) -> int:
    if not text.isdigit() or len(text) > 7:
        raise UploadError([file_problem("read_bad_excel")])
    return int(text)


def column_number(letters: str) -> int:
    """'A' -> 1, 'AX' -> 50, 'XFD' -> 16384."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def column_letters(number: int) -> str:
    """1 -> 'A', 50 -> 'AX', 16384 -> 'XFD'."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _ref(letters: bytes, digits: bytes) -> str:
    return (letters + digits).decode()
