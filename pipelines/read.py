"""Read an uploaded CSV or Excel file into a frame of strings, as Excel really writes them.

Every cell stays text here; numbers, periods and codes are parsed in normalise.py. The table need
not start at row 1: its header is the first row that names known columns (layout.find_header),
below any title block; a workbook is read sheet by sheet (every visible sheet holding a table) into
one frame, each record with its sheet and row. Cells read as Excel shows them where calamine would
lose it: a percent cell '94.7%', a date formatted as a month '2026-10', an error '#DIV/0!'; invisible
characters pasted around codes are removed. A file that cannot be read raises UploadError with a
clear reason, never a parser traceback. The parsing runs in a worker process with a memory limit
and a timeout (read_worker), after checks that refuse absurd files before any parser builds them
(lines x columns of a CSV, the range of every sheet read: xlsx)."""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
import zipfile
import zlib
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from pipelines import layout
from pipelines.problems import MAX_PROBLEMS, Problem, UploadError, file_problem
from pipelines.settings import settings
from pipelines.sniff import is_workbook, small_enough_here

# The parsers of workbooks and of legacy code pages are imported where a worker parses (the fork
# server preloads them, read_worker.PRELOAD), not by every process that sends it a file.
if TYPE_CHECKING:
    from python_calamine import CalamineWorkbook

    from pipelines import xlsx

MAX_COLUMNS = 50
MAX_HEADER_CHARS = 4096
MAX_UNZIPPED_BYTES = 256 * 1024 * 1024
# Lines x columns of a CSV: a 64 MB file of real rows holds ~15 million cells; 60 million empty
# lines would hold 300 million, and pandas boxes each one.
MAX_CSV_CELLS = 25_000_000
MAX_CELL_CHARS = 32_767  # Excel's own limit for one cell
# Control characters no spreadsheet writes in a cell (tab, CR and LF excepted): NUL, C0, DEL, C1.
CONTROL = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]"
_CONTROL = re.compile(CONTROL)
_C0 = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_DELIMITERS = [",", ";", "\t", "|"]
_LEGACY = ["cp1258", "cp1252", "latin_1"]
# layout.clean_text, as patterns for whole columns.
_INVISIBLE = f"[{layout.INVISIBLE}]"
_UNSEEN = f"[{layout.INVISIBLE}{layout.SPACES}]"
_TRIM = " \t\r\n" + layout.SPACES


@dataclass
class RawTable:
    """Cells as text; `rows` holds the spreadsheet row number of each record in its sheet (the header's
    is 1 unless a title block comes first), `sheets` its sheet's name (None for a CSV); `header_row`
    the row of a CSV's header."""

    name: str
    frame: pd.DataFrame
    rows: pd.Series
    encoding: str | None = None
    delimiter: str | None = None
    sheets: pd.Series | None = None
    header_row: int | None = None


@dataclass
class _Sheet:
    """One sheet's table: header texts, columns of cell texts, the sheet row of each record."""

    name: str
    headers: list[str]
    columns: list[list[str]]
    rows: range


def read_upload(content: bytes, name: str, *, small_here: bool = False) -> RawTable:
    """Decode and parse one uploaded file (CSV, TSV, XLSX or XLS) in a worker process bounded in
    time and memory (NQ72_READ_SECONDS, NQ72_READ_MEMORY_MB). With `small_here` (the CLI), a small
    CSV is parsed in this process instead (sniff.small_enough_here)."""
    if (too_big := size_problem(len(content))) is not None:
        raise UploadError([too_big])
    if small_here and small_enough_here(content):
        return parse_upload(content, name)
    from pipelines import read_worker  # multiprocessing (20 ms): imported by the reads that use it
    limits = settings()
    return read_worker.run(parse_upload, content, name, seconds=limits.read_seconds,
                           memory_mb=limits.read_memory_mb).result()


def parse_upload(content: bytes, name: str) -> RawTable:
    """Decode and parse in this process, without bounds: read_upload runs it in a worker."""
    if not content or (len(content) < 65536 and not content.strip()):
        raise UploadError([file_problem("read_empty")])
    if is_workbook(content):
        return _finish(_read_excel(content, name), controls=True, lengths=True, unseen=True)
    text, encoding = decode(content)
    start, line, delimiter = find_csv_header(text)
    text = text[start:] if start else text  # the title lines above the header are not part of the table
    _check_cell_count(text, delimiter)
    # An ASCII file's bytes are its UTF-8 text: parsed and searched where they lie, not encoded again.
    utf8 = memoryview(content)[start:] if encoding == "utf-8" and content.isascii() else text.encode("utf-8")
    frame = _read_csv(text, utf8, delimiter)
    # The cells are searched only when the whole text has a control or an invisible character, or
    # is long enough to hold a cell over the limit.
    return _finish(RawTable(name, frame, pd.Series(frame.index + 1 + line, index=frame.index), encoding, delimiter,
                            header_row=line + 1),
                   controls=has_control(utf8), lengths=len(text) > MAX_CELL_CHARS,
                   unseen=not text.isascii() and any(ch in text for ch in layout.INVISIBLE + layout.SPACES))


def has_control(text: str | bytes | memoryview) -> bool:
    """Whether the text (or its UTF-8 bytes) holds a control character (CONTROL): one pass of Arrow's
    regex engine over the whole file, 10x faster than Python's (0.4 s for 50 MB)."""
    if not isinstance(text, str):  # searched where the bytes lie
        data = pa.py_buffer(text)
        offsets = pa.py_buffer(np.array([0, data.size], dtype=np.int64))
        return pc.match_substring_regex(pa.LargeStringArray.from_buffers(1, offsets, data), CONTROL)[0].as_py()
    try:
        whole = pa.array([text], type=pa.large_string())
    except (UnicodeEncodeError, pa.ArrowException):  # a lone surrogate: Python's engine
        return _CONTROL.search(text) is not None
    return pc.match_substring_regex(whole, CONTROL)[0].as_py()


def max_upload_bytes() -> int:
    """The largest file accepted, in bytes (NQ72_MAX_UPLOAD_MB)."""
    return int(settings().max_upload_mb * 1024 * 1024)


def over_limit_problem() -> Problem:
    """A stream read up to one byte past the limit: its size is unknown, only that it is over."""
    return file_problem("read_over_limit", limit_mb=settings().max_upload_mb)


def size_problem(size: int) -> Problem | None:
    """The problem of a file over the upload limit, or None."""
    if size <= max_upload_bytes():
        return None
    return file_problem("read_too_big", size_mb=size / 1e6, limit_mb=settings().max_upload_mb)


def decode(content: bytes) -> tuple[str, str]:
    """Text of a CSV in UTF-8 (with or without BOM), UTF-16, Windows-1258 or another legacy code page."""
    text = None
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    elif content.startswith(b"\xef\xbb\xbf"):
        encoding = "utf-8-sig"
    else:
        if b"\x00" in content[:65536]:
            raise _binary()
        try:
            text, encoding = content.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            # Unrestricted detection mistakes short Vietnamese text for CJK code pages; a file
            # that is not UTF-8 here was written by Excel on a Vietnamese or Western Windows.
            from charset_normalizer import from_bytes

            best = from_bytes(content[:262144], cp_isolation=_LEGACY).best()
            encoding = best.encoding if best is not None else "cp1258"
    try:
        text = content.decode(encoding) if text is None else text
    except (UnicodeDecodeError, LookupError):
        raise _binary() from None
    # A head full of control characters is a binary file; a few later are found cell by cell (_finish).
    if "\x00" in text[:65536] or _control_share(text) > 0.01:
        raise _binary()
    return _nfc(text), encoding


def _nfc(text: str) -> str:
    # Windows-1258 writes tone marks as combining characters; store composed letters.
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


def _control_share(text: str) -> float:
    sample = text[:65536]
    return len(_C0.findall(sample)) / max(len(sample), 1)


def _binary() -> UploadError:
    return UploadError([file_problem("read_binary")])


def find_csv_header(text: str) -> tuple[int, int, str]:
    """(offset, line index, delimiter) of the header: the first of the first lines that names known
    columns when split by one of the delimiters. A title line above it, padded with ';;;' as Excel
    saves it or not, is skipped. Without such a line: the first line, delimiter sniffed from it."""
    pos = 0
    for index in range(layout.HEADER_SEARCH_ROWS):
        end = text.find("\n", pos, pos + MAX_HEADER_CHARS + 1)
        if end < 0 and len(text) - pos > MAX_HEADER_CHARS:
            break  # a line too long for a header: refused below if it is the first
        line = text[pos:end if end >= 0 else None].rstrip("\r")
        for delimiter in sorted(_DELIMITERS, key=line.count, reverse=True):
            if delimiter in line and layout.header_kind(_fields(line, delimiter)) is not None:
                return pos, index, delimiter
        if end < 0:
            break
        pos = end + 1
    return 0, 0, _sniff_delimiter(text)


def _fields(line: str, delimiter: str) -> list[str]:
    try:
        return next(csv.reader([line], delimiter=delimiter))
    except csv.Error:  # a stray CR, for one: not a header
        return []


def _sniff_delimiter(text: str) -> str:
    end = text.find("\n")
    header = text if end < 0 else text[:end]
    if len(header) > MAX_HEADER_CHARS:
        raise UploadError([file_problem("read_header_too_long", chars=len(header))])
    counts = {d: header.count(d) for d in _DELIMITERS}
    best = max(counts, key=counts.get)
    return best if counts[best] > 0 else ","


def _check_cell_count(text: str, delimiter: str) -> None:
    """Lines x columns of the header, refused before a parser allocates a cell for each."""
    end = text.find("\n")
    lines, columns = text.count("\n") + 1, text[:end if end >= 0 else None].count(delimiter) + 1
    if lines * columns > MAX_CSV_CELLS:
        raise UploadError([file_problem("read_too_many_cells", rows=lines, columns=columns, cells=lines * columns,
                                        limit=MAX_CSV_CELLS)])


def _read_csv(text: str, utf8: bytes | memoryview, delimiter: str) -> pd.DataFrame:
    """Arrow's parser (of `utf8`, the text's UTF-8 bytes) when the file is regular (5x faster); pandas'
    for exact error messages and for blank lines, which Arrow would skip and so shift the row numbers."""
    if "\n\n" not in text and "\n\r\n" not in text:
        try:
            table = pacsv.read_csv(
                pa.BufferReader(pa.py_buffer(utf8)),
                read_options=pacsv.ReadOptions(autogenerate_column_names=True),
                parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True),
                convert_options=pacsv.ConvertOptions(
                    # large_string is what a pandas string column holds: handed over without a copy
                    column_types={f"f{i}": pa.large_string() for i in range(MAX_COLUMNS + 1)},
                    strings_can_be_null=False))
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            pass  # pandas below says precisely what is wrong
        else:
            frame = table.to_pandas()
            frame.columns = frame.iloc[0].astype(str)
            return frame.iloc[1:]
    try:
        # header=None: the header line fixes the field count, so a row with extra cells is an
        # error instead of silently becoming an index.
        frame = pd.read_csv(io.StringIO(text), sep=delimiter, dtype=str, keep_default_na=False,
                            na_filter=False, skip_blank_lines=False, engine="c", header=None)
    except pd.errors.EmptyDataError:
        raise UploadError([file_problem("read_empty")]) from None
    except pd.errors.ParserError as exc:
        m = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc))
        if m:
            raise UploadError([file_problem("read_field_count", row=int(m[2]), cells=int(m[3]), columns=int(m[1]),
                                            delimiter=delimiter)]) from None
        raise UploadError([file_problem("read_bad_csv")]) from None
    frame.columns = frame.iloc[0].fillna("").astype(str)
    return frame.iloc[1:].fillna("")


def _read_excel(content: bytes, name: str) -> RawTable:
    """Every visible worksheet holding a table, in workbook order, as one table; when none holds one,
    the first sheet with its row 1 as the header (so that the header problems are reported)."""
    from python_calamine import CalamineWorkbook

    book = _check_zip(content) if content[:4] == b"PK\x03\x04" else None
    sheets, first = [], None
    with _calamine(lambda: CalamineWorkbook.from_filelike(io.BytesIO(content))) as workbook:
        for sheet in _calamine(lambda: _sheets_to_read(workbook, book)):
            grid = _calamine(lambda n=sheet.name: workbook.get_sheet_by_name(n).to_python(skip_empty_area=False))
            _apply_special(grid, sheet.extent.special, book.date1904 if book else False)
            header = layout.find_header(grid)
            if header is not None:
                sheets.append(_sheet_table(sheet.name, grid, header))
            elif first is None and not sheets:
                first = _sheet_table(sheet.name, grid, 0)
    return _join(name, sheets or ([first] if first else []))


def _calamine(call):
    """call(), a broken workbook's error (calamine raises its own types for each) as read_bad_excel."""
    try:
        return call()
    except Exception:
        raise UploadError([file_problem("read_bad_excel")]) from None


def _sheets_to_read(workbook: CalamineWorkbook, book: xlsx.Workbook | None) -> list[xlsx.Sheet]:
    """The visible worksheets calamine lists; for an XLSX only those the streamed pass measured."""
    from python_calamine import SheetTypeEnum, SheetVisibleEnum

    from pipelines import xlsx

    visible = [m.name for m in workbook.sheets_metadata
               if m.typ == SheetTypeEnum.WorkSheet and m.visible == SheetVisibleEnum.Visible]
    if book is None or book.sheets is None:
        return [xlsx.Sheet(n, "") for n in visible]
    measured = {s.name: s for s in book.sheets}
    return [measured[n] for n in visible if n in measured]


def _apply_special(grid: list[list], special: dict[tuple[int, int], tuple[str, str]], date1904: bool) -> None:
    """Write into the grid, as text, the cells calamine hands back as Excel does not show them."""
    height = len(grid)
    for (row, column), (kind, text) in special.items():
        if row < height and column < len(grid[row]):
            value = grid[row][column]
            # A percent cell is most of a filled template's values: its common case first.
            grid[row][column] = (_percent(value) if kind == "percent" and type(value) is float
                                 else _special_text(value, kind, text, date1904))


def _special_text(value: object, kind: str, text: str, date1904: bool) -> object:
    if kind == "error":
        return text
    if isinstance(value, bool) or not isinstance(value, (int, float, dt.date)):
        return value
    if kind == "percent":
        return value if isinstance(value, dt.date) else _percent(float(value))
    try:
        day = _as_date(value, date1904)
    except (OverflowError, ValueError):  # a serial number no calendar reaches: left as the number
        return value
    return f"{day.year:04d}-{day.month:02d}" if kind == "month" else day.isoformat()


def _percent(fraction: float) -> str:
    """0.947 -> '94.7%': x100, rounded to 10 significant digits to drop the float noise (94.69999999999999)."""
    shown = float(f"{fraction * 100:.10g}")
    return (str(int(shown)) if shown.is_integer() else repr(shown)) + "%"


def _as_date(value: int | float | dt.date, date1904: bool) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    # A serial number calamine did not see as a date (its own rules differ from read_styles').
    return (dt.date(1904, 1, 1) if date1904 else dt.date(1899, 12, 30)) + dt.timedelta(days=int(value))


def _sheet_table(name: str, grid: list[list], header: int) -> _Sheet:
    body = grid[header + 1:]
    headers = [layout.clean_text(_text(v)) for v in grid[header]] if grid else []
    columns = [[v if type(v) is str else _text(v) for v in column] for column in zip(*body)] if body else [
        [] for _ in headers]
    return _Sheet(name, headers, columns, range(header + 2, header + 2 + len(body)))


def _text(value: object) -> str:
    """A cell as text: 184000.0 -> '184000', 94.7 -> '94.7', a date -> '2026-10-15'."""
    if type(value) is float:
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return "" if value is None else str(value)


def _join(name: str, sheets: list[_Sheet]) -> RawTable:
    """The sheets' tables one below the other, their columns matched by header text (the n-th column of
    a header with the n-th of the same header); a column a sheet lacks is empty there."""
    keys: dict[tuple[str, int], list[str]] = {}
    for sheet in sheets:
        seen: Counter = Counter()
        for header in sheet.headers:
            keys.setdefault((header, seen[header]), [])
            seen[header] += 1
    for sheet in sheets:
        seen, mine = Counter(), {}
        for header, column in zip(sheet.headers, sheet.columns):
            mine[header, seen[header]] = column
            seen[header] += 1
        for key, cells in keys.items():
            cells.extend(mine.get(key) or [""] * len(sheet.rows))
    frame = pd.DataFrame({i: cells for i, cells in enumerate(keys.values())}, dtype="str")
    frame.columns = [header for header, _ in keys]
    rows = np.concatenate([np.arange(s.rows.start, s.rows.stop, dtype="int64") for s in sheets] or [np.array([], "int64")])
    names = pd.Categorical.from_codes(np.repeat(np.arange(len(sheets)), [len(s.rows) for s in sheets]),
                                      categories=[s.name for s in sheets])
    return RawTable(name, frame, pd.Series(rows, index=frame.index), sheets=pd.Series(names, index=frame.index))


def _check_zip(content: bytes) -> xlsx.Workbook:
    """Refuse zip bombs before decompressing anything, then a workbook whose sheets or shared strings
    would make calamine build something absurd (xlsx); the sheets to read, with their special cells."""
    from pipelines import xlsx

    try:
        with zipfile.ZipFile(io.BytesIO(content)) as z:
            total = sum(i.file_size for i in z.infolist())
            if total > MAX_UNZIPPED_BYTES or total > 200 * max(len(content), 1):
                raise UploadError([file_problem("read_zip_too_big")])
            return xlsx.check_workbook(z, MAX_COLUMNS)
    except zipfile.BadZipFile:
        raise UploadError([file_problem("read_bad_zip")]) from None
    except (zlib.error, EOFError, NotImplementedError, RuntimeError, OSError):  # broken, encrypted, exotic
        raise UploadError([file_problem("read_bad_excel")]) from None


def _finish(table: RawTable, controls: bool, lengths: bool, unseen: bool) -> RawTable:
    frame = table.frame
    frame.columns = [layout.clean_text(c) for c in frame.columns]
    frame = _drop_empty_columns(frame)
    if frame.shape[1] > MAX_COLUMNS:
        raise UploadError([file_problem("read_too_many_columns", columns=frame.shape[1], limit=MAX_COLUMNS)])
    if unseen:
        _clean_cells(frame)
    # Rows that are entirely empty (a blank line, Excel's trailing rows) are not records.
    empty = frame.eq("").all(axis=1)
    if empty.any():
        frame = frame[~empty]
        table.rows = table.rows.loc[frame.index]
        if table.sheets is not None:
            table.sheets = table.sheets.loc[frame.index]
    if frame.empty:
        raise UploadError([file_problem("read_no_rows")])
    table.frame = frame
    if problems := _cell_problems(frame, table.rows, table.sheets, controls, lengths):
        raise UploadError(problems)
    return table


def _drop_empty_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """Without the columns that have no header and no cell (';;;' at the end of every line)."""
    keep = [i for i, header in enumerate(frame.columns)
            if header != "" or not frame.iloc[:, i].fillna("").astype("str").str.strip().eq("").all()]
    return frame if len(keep) == frame.shape[1] else frame.iloc[:, keep]


def _clean_cells(frame: pd.DataFrame) -> None:
    """layout.clean_text on every cell that holds an invisible character or an NBSP, column by column."""
    for i in range(frame.shape[1]):
        cells = frame.iloc[:, i].astype("str")
        unseen = cells.str.contains(_UNSEEN, regex=True, na=False)
        if unseen.any():
            clean = cells[unseen].str.replace(_INVISIBLE, "", regex=True).str.strip(_TRIM)
            frame.isetitem(i, cells.mask(unseen, clean))


def _cell_problems(frame: pd.DataFrame, rows: pd.Series, sheets: pd.Series | None, controls: bool,
                   lengths: bool) -> list[Problem]:
    """Cells no spreadsheet writes: if `lengths`, text over Excel's 32,767 characters; if `controls`,
    control characters (NUL...); each with its sheet, row and column (a header's without a row),
    MAX_PROBLEMS at most, in the order of the file."""
    problems = [(-1, _cell_problem(None, h, h)) for h in frame.columns if _CONTROL.search(h)]
    if controls or lengths:
        position = pd.Series(range(len(frame)), index=frame.index)
        for i, header in enumerate(frame.columns):
            cells = frame.iloc[:, i].astype("str")
            bad = pd.Series(False, index=cells.index)
            if lengths and (pc.max(pc.utf8_length(pa.array(cells))).as_py() or 0) > MAX_CELL_CHARS:  # one Arrow pass
                bad |= cells.str.len() > MAX_CELL_CHARS
            if controls:
                bad |= cells.str.contains(CONTROL, regex=True, na=False)
            problems += [(position[index], _cell_problem(int(rows[index]), header, cells[index],
                                                         None if sheets is None else str(sheets[index])))
                         for index in cells.index[bad.to_numpy(dtype=bool)][:MAX_PROBLEMS]]
    return [p for _, p in sorted(problems, key=lambda pair: pair[0])][:MAX_PROBLEMS]


def _cell_problem(row: int | None, header: str, text: str, sheet: str | None = None) -> Problem:
    if len(text) > MAX_CELL_CHARS:
        return Problem(row, _visible(header), _visible(text), "read_cell_too_long",
                       {"chars": len(text), "limit": MAX_CELL_CHARS}, sheet)
    return Problem(row, _visible(header), _visible(text), "read_control_char",
                   {"char": f"U+{ord(_CONTROL.search(text)[0]):04X}"}, sheet)


def _visible(text: str, limit: int = 60) -> str:
    """Text as it can be shown: control characters written out, cut at `limit` characters."""
    short = text[:limit] + ("…" if len(text) > limit else "")
    return _CONTROL.sub(lambda m: f"\\x{ord(m[0]):02x}", short)
