"""How far the first sheet of an XLSX workbook really reaches, measured by streaming its XML.

calamine (pandas' engine) allocates a grid from A1 to the farthest cell holding a value before it
hands back anything: one stray cell at XFD1048576 asks for 512 GiB and aborts the process. Here the
cells of the sheet pandas reads are counted and located piece by piece, nothing is built, and a
sheet whose range is absurd is refused with its name and range before calamine sees it. The shared
strings calamine loads for every sheet are bounded the same way. The declared <dimension> is not
trusted (calamine ignores it too): only cells holding a value count, as in calamine."""
from __future__ import annotations

import posixpath
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from operator import itemgetter
from xml.parsers import expat

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


def check_workbook(z: zipfile.ZipFile, max_columns: int) -> None:
    """Refuse, before calamine reads it, a workbook whose shared strings or first sheet are absurd."""
    _check_shared_strings(z)
    for name, part in _sheets_to_measure(z):
        judge(measure(z, part, name), name, max_columns)


def judge(extent: Extent, sheet: str, max_columns: int) -> None:
    """Raise UploadError if calamine would build an absurd grid for this sheet."""
    if len(extent.used) > max_columns:
        raise UploadError([file_problem("read_too_many_columns", columns=len(extent.used))])
    grid = extent.rows * extent.columns
    if extent.columns > max_columns or (grid > SPARSE_FROM and grid > SPARSE * extent.cells):
        cell = extent.rightmost if extent.columns > max_columns else extent.lowest
        raise UploadError([file_problem("read_sheet_range", sheet=sheet, cell=cell,
                                        range=f"A1:{column_letters(extent.columns)}{extent.rows}")])
    if grid > MAX_CELLS:
        raise UploadError([file_problem("read_sheet_too_big", sheet=sheet, cells=grid, limit=MAX_CELLS,
                                        range=f"A1:{column_letters(extent.columns)}{extent.rows}")])


def measure(z: zipfile.ZipFile, part: str, sheet: str = "") -> Extent:
    """The cells of one sheet part: a fast pass over the XML as Excel writes it, an exact one otherwise."""
    try:
        with z.open(part) as xml:
            return _measure_fast(xml, sheet)
    except _Irregular:
        with z.open(part) as xml:
            return _measure_exact(xml, sheet)


def _measure_fast(xml, sheet: str) -> Extent:
    extent, tags = Extent(), 0
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
    return extent


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

    def __init__(self, sheet: str) -> None:
        self.sheet, self.tags = sheet, 0
        self.extent, self.row, self.column = Extent(), 0, 0
        self.cell: tuple[int, int] | None = None
        self.value = False

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
        elif local in ("v", "is") and self.cell is not None:
            self.value = True

    def end(self, name: str) -> None:
        local = name.rpartition(":")[2]
        if local == "row":
            self.row, self.column = self.row + 1, 0
        elif local == "c" and self.cell is not None:
            if self.value:
                self.extent.add_one(self.cell[0] + 1, self.cell[1] + 1)
            self.cell, self.column = None, self.column + 1


def _measure_exact(xml, sheet: str) -> Extent:
    cells = _Cells(sheet)
    parser = _parser()
    parser.StartElementHandler, parser.EndElementHandler = cells.start, cells.end
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


def _sheets_to_measure(z: zipfile.ZipFile) -> list[tuple[str, str]]:
    """(name, part) of the sheet pandas reads (the first), found as calamine finds it; every
    worksheet part when the workbook does not say, so that nothing escapes the measure."""
    parts = set(z.namelist())
    first = _first_sheet(z)
    if first is not None and first[1] in parts:
        return [first]
    return [(posixpath.splitext(posixpath.basename(p))[0], p) for p in sorted(parts)
            if p.startswith("xl/worksheets/") and p.endswith(".xml")]


def _first_sheet(z: zipfile.ZipFile) -> tuple[str, str] | None:
    sheet = _first_element(z, "xl/workbook.xml", "sheet", lambda a: True)
    if sheet is None:
        return None
    rid = sheet.get("r:id") or sheet.get("relationships:id")
    if rid is None:
        return None
    rel = _first_element(z, "xl/_rels/workbook.xml.rels", "Relationship", lambda a: a.get("Id") == rid)
    if rel is None or not rel.get("Target"):
        return None
    target = rel["Target"]
    part = target[1:] if target.startswith("/xl/") else target if target.startswith("xl/") else f"xl/{target}"
    return sheet.get("name", ""), part


class _Found(Exception):
    pass


def _first_element(z: zipfile.ZipFile, part: str, local: str, wanted) -> dict[str, str] | None:
    """The attributes of the first element named `local` that `wanted` accepts; the part is read
    only as far as that element."""
    def start(name: str, attrs: dict[str, str]) -> None:
        if name.rpartition(":")[2] == local and wanted(attrs):
            raise _Found(attrs)

    parser = _parser()
    parser.StartElementHandler = start
    try:
        with z.open(part) as xml:
            _parse(parser, xml)
    except KeyError:
        return None
    except _Found as found:
        return found.args[0]
    return None


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
