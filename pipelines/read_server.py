"""Imported first by the fork server that starts the reading workers (read_worker.PRELOAD), and by
nothing else. Arrow is told to allocate through malloc before it is imported there, so that a
worker's RLIMIT_AS counts memory in use rather than the 1 GiB of address space that Arrow's default
allocator (mimalloc) reserves at its first allocation.

And the fork server, once its parent has gone, ends at once instead of tearing down pandas and Arrow
(a second on a busy machine): it holds the parent's stdout and stderr, so `nq72 ingest --json | jq`
or a script reading the output would wait for it after nq72 itself has exited. Its workers end
with os._exit and never run this."""
import atexit
import contextlib
import os
import sys

os.environ["ARROW_DEFAULT_MEMORY_POOL"] = "system"


def _end_now() -> None:
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(AttributeError, OSError, ValueError):
            stream.flush()
    os._exit(0)


# Handlers registered later (the readers' imports) run before this one; those registered before
# (multiprocessing's own, of no use to a server whose workers are gone) are skipped.
atexit.register(_end_now)
