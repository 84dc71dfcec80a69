"""What an uploaded file is, told from its first bytes and its size before anything reads it.

Standard library only: `nq72 ingest` asks before it imports the readers, to start the reading
workers' fork server only for the files that need it (pipelines.read_worker)."""
from __future__ import annotations

# What a workbook's bytes start with: XLSX (a zip) and XLS (an OLE2 compound file).
WORKBOOK_SIGNATURES = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
# A CSV up to this size may be read in the process that has it (`nq72 ingest`): see needs_worker.
SMALL_CSV_BYTES = 64 * 1024


def is_workbook(head: bytes) -> bool:
    """Whether a file starting with `head` is an Excel workbook rather than text."""
    return head.startswith(WORKBOOK_SIGNATURES)


def needs_worker(head: bytes, size: int) -> bool:
    """Whether a file of `size` bytes starting with `head` (its first 8 bytes or more) must be read in
    a worker even by a one-shot command. Every workbook must (a few kB of zip can unpack into
    gigabytes), and every CSV over SMALL_CSV_BYTES. A smaller CSV's read is bounded by its size: at
    most 64K cells, a few MB and milliseconds, where waiting for the fork server to start cost a
    one-row `nq72 ingest` 0.3 s. The server never reads in process: a parser's crash would be its own."""
    return size > SMALL_CSV_BYTES or is_workbook(head)
