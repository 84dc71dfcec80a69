"""Read an uploaded CSV or Excel file into a frame of strings, as Excel really writes them.

Every cell stays text here; numbers, periods and codes are parsed in normalise.py. A file that
cannot be read raises UploadError with a clear reason, never a parser traceback. The parsing runs in
a worker process with a memory limit and a timeout (read_worker), after checks that refuse absurd
files before any parser builds them (lines x columns of a CSV, the range of a sheet: xlsx)."""
from __future__ import annotations

import io
import re
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from charset_normalizer import from_bytes

from pipelines import read_worker, xlsx
from pipelines.problems import MAX_PROBLEMS, Problem, UploadError, file_problem
from pipelines.settings import settings

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


@dataclass
class RawTable:
    """Cells as text; `rows` holds the spreadsheet row number of each record (header = 1)."""

    name: str
    frame: pd.DataFrame
    rows: pd.Series
    encoding: str | None = None
    delimiter: str | None = None


def read_upload(content: bytes, name: str) -> RawTable:
    """Decode and parse one uploaded file (CSV, TSV, XLSX or XLS) in a worker process bounded in
    time and memory (NQ72_READ_SECONDS, NQ72_READ_MEMORY_MB)."""
    if (too_big := size_problem(len(content))) is not None:
        raise UploadError([too_big])
    limits = settings()
    return read_worker.run(parse_upload, content, name, seconds=limits.read_seconds,
                           memory_mb=limits.read_memory_mb).result()


def parse_upload(content: bytes, name: str) -> RawTable:
    """Decode and parse in this process, without bounds: read_upload runs it in a worker."""
    if not content or (len(content) < 65536 and not content.strip()):
        raise UploadError([file_problem("read_empty")])
    if content[:4] == b"PK\x03\x04" or content[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        frame = _read_excel(content)
        return _finish(RawTable(name, frame, pd.Series(frame.index + 2, index=frame.index)), controls=True, lengths=True)
    text, encoding = decode(content)
    delimiter = _sniff_delimiter(text)
    _check_cell_count(text, delimiter)
    frame = _read_csv(text, delimiter)
    # The cells are searched only when the whole text has a control character, or is long enough
    # to hold a cell over the limit.
    return _finish(RawTable(name, frame, pd.Series(frame.index + 1, index=frame.index), encoding, delimiter),
                   controls=_CONTROL.search(text) is not None, lengths=len(text) > MAX_CELL_CHARS)


def size_problem(size: int) -> Problem | None:
    """The problem of a file over the upload limit, or None."""
    limit_mb = settings().max_upload_mb
    if size <= limit_mb * 1024 * 1024:
        return None
    return file_problem("read_too_big", size_mb=size / 1e6, limit_mb=limit_mb)


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


def _read_csv(text: str, delimiter: str) -> pd.DataFrame:
    """Arrow's parser when the file is regular (5x faster); pandas' for exact error messages
    and for blank lines, which Arrow would skip and so shift the row numbers."""
    if "\n\n" not in text and "\n\r\n" not in text:
        try:
            table = pacsv.read_csv(
                io.BytesIO(text.encode("utf-8")),
                read_options=pacsv.ReadOptions(autogenerate_column_names=True),
                parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True),
                convert_options=pacsv.ConvertOptions(
                    column_types={f"f{i}": pa.string() for i in range(MAX_COLUMNS + 1)},
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


def _read_excel(content: bytes) -> pd.DataFrame:
    if content[:4] == b"PK\x03\x04":
        _check_zip(content)
    try:
        frame = pd.read_excel(io.BytesIO(content), sheet_name=0, dtype=str, engine="calamine",
                              keep_default_na=False, na_filter=False)
    except Exception:  # calamine raises its own types for every broken workbook
        raise UploadError([file_problem("read_bad_excel")]) from None
    return frame.fillna("")


def _check_zip(content: bytes) -> None:
    """Refuse zip bombs before decompressing anything, then a workbook whose first sheet or shared
    strings would make calamine build something absurd (xlsx)."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as z:
            total = sum(i.file_size for i in z.infolist())
            if total > MAX_UNZIPPED_BYTES or total > 200 * max(len(content), 1):
                raise UploadError([file_problem("read_zip_too_big")])
            xlsx.check_workbook(z, MAX_COLUMNS)
    except zipfile.BadZipFile:
        raise UploadError([file_problem("read_bad_zip")]) from None
    except (zlib.error, EOFError, NotImplementedError, RuntimeError, OSError):  # broken, encrypted, exotic
        raise UploadError([file_problem("read_bad_excel")]) from None


def _finish(table: RawTable, controls: bool, lengths: bool) -> RawTable:
    frame = table.frame
    if frame.shape[1] > MAX_COLUMNS:
        raise UploadError([file_problem("read_too_many_columns", columns=frame.shape[1])])
    frame.columns = [str(c).strip() for c in frame.columns]
    # Rows that are entirely empty (a blank line, Excel's trailing rows) are not records.
    empty = frame.eq("").all(axis=1)
    if empty.any():
        frame = frame[~empty]
    if frame.empty:
        raise UploadError([file_problem("read_no_rows")])
    table.frame = frame
    table.rows = table.rows.loc[frame.index]
    if problems := _cell_problems(frame, table.rows, controls, lengths):
        raise UploadError(problems)
    return table


def _cell_problems(frame: pd.DataFrame, rows: pd.Series, controls: bool, lengths: bool) -> list[Problem]:
    """Cells no spreadsheet writes: if `lengths`, text over Excel's 32,767 characters; if `controls`,
    control characters (NUL...); each with its row and column (a header's without a row), MAX_PROBLEMS
    at most."""
    problems = [_cell_problem(None, h, h) for h in frame.columns if _CONTROL.search(h)]
    if not (controls or lengths):
        return problems
    for i, header in enumerate(frame.columns):
        cells = frame.iloc[:, i].astype("str")
        bad = pd.Series(False, index=cells.index)
        if lengths and (pc.max(pc.utf8_length(pa.array(cells))).as_py() or 0) > MAX_CELL_CHARS:  # one Arrow pass
            bad |= cells.str.len() > MAX_CELL_CHARS
        if controls:
            bad |= cells.str.contains(CONTROL, regex=True, na=False)
        problems += [_cell_problem(int(rows[index]), header, cells[index])
                     for index in cells.index[bad.to_numpy(dtype=bool)][:MAX_PROBLEMS]]
    return sorted(problems, key=lambda p: p.row or 0)[:MAX_PROBLEMS]


def _cell_problem(row: int | None, header: str, text: str) -> Problem:
    if len(text) > MAX_CELL_CHARS:
        return Problem(row, _visible(header), _visible(text), "read_cell_too_long",
                       {"chars": len(text), "limit": MAX_CELL_CHARS})
    return Problem(row, _visible(header), _visible(text), "read_control_char",
                   {"char": f"U+{ord(_CONTROL.search(text)[0]):04X}"})


def _visible(text: str, limit: int = 60) -> str:
    """Text as it can be shown: control characters written out, cut at `limit` characters."""
    short = text[:limit] + ("…" if len(text) > limit else "")
    return _CONTROL.sub(lambda m: f"\\x{ord(m[0]):02x}", short)
