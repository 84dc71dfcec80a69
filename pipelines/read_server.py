"""Imported first by the fork server that starts the reading workers (read_worker.PRELOAD), and by
nothing else: Arrow is told to allocate through malloc before it is imported there, so that a
worker's RLIMIT_AS counts memory in use rather than the 1 GiB of address space that Arrow's default
allocator (mimalloc) reserves at its first allocation."""
import os

os.environ["ARROW_DEFAULT_MEMORY_POOL"] = "system"
