"""A large plain CSV checked in parts, one worker process per core, instead of in one process.

Reading, normalising and checking a file are row by row except for one rule (a key given twice),
so a file cut at line ends can be checked in parts at once: each part is the file's own title and
header lines followed by a run of its lines, read, normalised and checked by the same code as a
whole file (ingest.check_upload), in a reading worker of its own (read_worker.run_all). The
parts' rows are then put back in order, their spreadsheet rows shifted by the lines before them,
and checked for keys given twice across parts.

Only a file that passes every check in every part is taken this way. Anything else (a problem in
any part, a repeated key, text that is not UTF-8, a task file, a part whose reader found its
header on another line than the whole file's) is checked again whole, so that
its problems are reported exactly as they are for any file: this path never words a problem.
Files that could be cut inside a cell (quotes, which may hold a line break; a lone CR) are
checked whole from the start."""
from __future__ import annotations

import datetime as dt
import logging
import os
import unicodedata

import numpy as np
import pandas as pd
from pandas.api.types import union_categoricals

from pipelines import layout
from pipelines.problems import UploadError
from pipelines.settings import settings

LOG = logging.getLogger("nq72")
# Below this a file is checked whole, and no part is smaller than PART_BYTES: starting a worker
# costs ~30 ms, which a part this size repays.
MIN_BYTES = 4 * 1024 * 1024
PART_BYTES = 2 * 1024 * 1024
_NOT_PLAIN = (b"\xff\xfe", b"\xfe\xff", b"PK\x03\x04", b"\xd0\xcf\x11\xe0")


def cut(content: bytes, parts: int) -> tuple[int, list[tuple[list[memoryview], int]]] | None:
    """(the header's spreadsheet row, [(a part's bytes, the rows to add to its own), ...]): each part's
    bytes are views of `content`, its title and header lines then a run of its lines. None for a file
    to check whole: one under MIN_BYTES, a workbook or UTF-16, one with quotes or a lone CR, one with
    a header and no line after it, one the reader refuses whole (a header too long, too many cells)."""
    if (parts < 2 or len(content) < MIN_BYTES or content.startswith(_NOT_PLAIN) or b'"' in content
            or (b"\r" in content and content.count(b"\r") != content.count(b"\r\n"))):
        return None
    parts = min(parts, max(len(content) // PART_BYTES, 2))
    from pipelines.read import MAX_CSV_CELLS, find_csv_header  # the reader's own rules

    # A guess at the reader's header line, checked against what each part's reader found (check_part).
    head = content[:layout.HEADER_SEARCH_ROWS * 4097 * 4].decode("utf-8", errors="replace")
    head = unicodedata.normalize("NFC", head)
    try:
        _, header_line, delimiter = find_csv_header(head)
    except UploadError:  # a header line too long: the whole check reports it
        return None
    body = -1
    for _ in range(header_line + 1):
        body = content.find(b"\n", body + 1)
        if body < 0:
            return None
    header = content[content.rfind(b"\n", 0, body - 1) + 1:body]
    if (content.count(b"\n") + 1) * (header.count(delimiter.encode()) + 1) > MAX_CSV_CELLS:
        return None  # refused whole for its size, as before any parser builds it
    body += 1  # the first byte after the header line
    ends = [body]
    for k in range(1, parts):
        end = content.find(b"\n", body + (len(content) - body) * k // parts) + 1
        if end <= ends[-1] or end >= len(content):
            break
        ends.append(end)
    ends.append(len(content))
    if len(ends) < 3:
        return None
    view = memoryview(content)
    pieces = [([view[:ends[1]]], 0)]
    for start, end in zip(ends[1:-1], ends[2:]):
        pieces.append(([view[:body], view[start:end]], content.count(b"\n", body, start)))
    return header_line + 1, pieces


class Part:
    """A part's bytes handed to its worker in an anonymous in-memory file (memfd) whose descriptor
    the fork server passes on, rather than pickled down its socket: one copy instead of three
    (the cut, the pickle, the socket), a tenth of a second on a 50 MB file."""

    def __init__(self, chunks: list[memoryview]):
        self.fd = os.memfd_create("nq72-part", os.MFD_CLOEXEC)
        try:
            for chunk in chunks:
                while chunk:
                    chunk = chunk[os.write(self.fd, chunk):]
        except BaseException:
            os.close(self.fd)
            raise

    def __reduce__(self):  # pickled while a worker starts: the descriptor goes with it
        from multiprocessing import reduction  # as read_worker: imported by the reads that use workers

        return _read_part, (reduction.DupFd(self.fd),)

    def close(self) -> None:
        os.close(self.fd)


def _read_part(fd) -> bytes:
    with open(fd.detach(), "rb") as f:
        f.seek(0)  # the descriptor shares its offset with the parent's, which wrote to the end
        return f.read()


def check_part(content: bytes, name: str, scope_province: str | None,
               today: dt.date) -> tuple[pd.DataFrame, int] | None:
    """In a worker: one part's stored rows and the row its reader found the header on, if every
    record passes every check; None if it is not a figures file in UTF-8 or a record fails. A
    problem the reader raises (UploadError) comes back as for a whole file; none is worded here."""
    from indicators.catalogue import catalogue
    from pipelines import task_updates
    from pipelines.ingest import stored_rows
    from pipelines.normalise import normalise
    from pipelines.read import parse_upload
    from pipelines.schema import Context, passes

    table = parse_upload(content, name)
    if table.encoding not in ("utf-8", "utf-8-sig") or task_updates.is_task_file(list(table.frame.columns)):
        return None
    data = normalise(table, scope_province)
    if not passes(data, Context(catalogue(), today, scope_province)):
        return None
    return stored_rows(data), table.header_row


def check_in_parts(content: bytes, name: str, scope_province: str | None, today: dt.date,
                   parts: int) -> pd.DataFrame | None:
    """The file's stored rows, checked in parts at once; None when it is to be checked whole."""
    from pipelines.read import size_problem

    if size_problem(len(content)) is not None or (cuts := cut(content, parts)) is None:
        return None
    from pipelines import read_worker  # multiprocessing (20 ms): imported by the reads that use it

    header_row, pieces = cuts
    limits, shared = settings(), []
    try:
        for chunks, _ in pieces:
            shared.append(Part(chunks) if hasattr(os, "memfd_create") else b"".join(chunks))
        readings = read_worker.run_all(check_part, [(part, name, scope_province, today) for part in shared],
                                       seconds=limits.read_seconds, memory_mb=limits.read_memory_mb)
    except (OSError, RuntimeError) as exc:  # no memfd or worker to be had, a bug in a worker: checked whole
        LOG.warning("checking %s in parts: %s; checking it whole", name, str(exc).splitlines()[0][:200])
        return None
    finally:
        for part in shared:
            if isinstance(part, Part):
                part.close()
    if any(reading.problems or reading.value is None or reading.value[1] != header_row for reading in readings):
        return None  # a problem, or a part whose reader found its header elsewhere: checked whole
    frames = [reading.value[0] for reading in readings]
    for frame, (_, offset) in zip(frames, pieces):
        frame["row_number"] += np.int32(offset)
    rows = join(frames)
    return None if repeated_key(rows) else rows


def join(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """The parts' rows one below the other, so that the result is what a whole file gives: a
    categorical column keeps its categories where every part has the same (a wide file's indicators,
    in its columns' order), and is over their sorted union otherwise (as normalise sorts them)."""
    columns = {}
    for col in frames[0].columns:
        if isinstance(frames[0][col].dtype, pd.CategoricalDtype):
            same = all(f[col].cat.categories.equals(frames[0][col].cat.categories) for f in frames)
            columns[col] = union_categoricals([f[col] for f in frames], sort_categories=not same)
        else:
            columns[col] = pd.concat([f[col] for f in frames], ignore_index=True)
    return pd.DataFrame(columns)


def repeated_key(rows: pd.DataFrame) -> bool:
    """Whether any indicator, area and period is given twice (a part checked only its own)."""
    from pipelines.schema import key_codes

    return bool(pd.Series(key_codes(rows)[0]).duplicated().any())
