"""What an uploaded file is, told from its first bytes and its size before anything reads it.

Standard library only: `nq72 ingest` asks before it imports the readers, to start the reading
workers' fork server only for the files that need it (pipelines.read_worker)."""
from __future__ import annotations

# What a workbook's bytes start with: XLSX (a zip) and XLS (an OLE2 compound file).
WORKBOOK_SIGNATURES = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
# A CSV up to this size, and of at most this many lines x fields, may be read in the process that
# has it (`nq72 ingest`): see needs_worker and small_enough_here.
SMALL_CSV_BYTES = 64 * 1024
SMALL_CSV_CELLS = 200_000
_DELIMITERS = (b",", b";", b"\t", b"|")


def is_workbook(head: bytes) -> bool:
    """Whether a file starting with `head` is an Excel workbook rather than text."""
    return head.startswith(WORKBOOK_SIGNATURES)


def needs_worker(head: bytes, size: int) -> bool:
    """Whether a file of `size` bytes starting with `head` (its first 8 bytes or more) must be read in
    a worker even by a one-shot command: every workbook (a few kB of zip can unpack into gigabytes)
    and every CSV over SMALL_CSV_BYTES. A smaller one may still need one: small_enough_here. Waiting
    for the fork server to start cost a one-row `nq72 ingest` 0.3 s. The server never reads in
    process: a parser's crash or a file's time and memory would be its own."""
    return size > SMALL_CSV_BYTES or is_workbook(head)


def small_enough_here(content: bytes) -> bool:
    """Whether `nq72 ingest` may read this file in its own process, without a worker's bounds of
    time and memory: a CSV of at most SMALL_CSV_BYTES whose lines x widest line (fields counted by
    any delimiter, quoted or not) stay within SMALL_CSV_CELLS. A parser pads every short line to
    the widest: 64 KB of a 760-field header over 32,000 one-field lines would be 24 million cells,
    3 s and 300 MB."""
    if needs_worker(content[:8], len(content)):
        return False
    lines = content.split(b"\n")
    widest = max(max(line.count(d) for d in _DELIMITERS) for line in lines) + 1
    return len(lines) * widest <= SMALL_CSV_CELLS
