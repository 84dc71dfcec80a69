"""Run one command as bench/ingest.py times it: its wall time, and the CPU time of every process it
started, which a parent's own rusage misses for `nq72 ingest` (the reading workers are children of
the fork server, and the fork server is nobody's waited-for child: it outlives the command by a
moment). This process becomes their subreaper (Linux), so that every orphan is handed to it, and
reaps them all before it reports.

Run: python bench/whole_process.py OUT.json COMMAND [ARG ...]; the command's output passes through,
and OUT.json gets {"wall", "cpu" (the command and what it waited for), "cpu_all", "returncode"}."""
from __future__ import annotations

import ctypes
import json
import os
import resource
import subprocess
import sys
import time

PR_SET_CHILD_SUBREAPER = 36  # <linux/prctl.h>


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def reap_all(seconds: float = 60.0) -> None:
    """Wait for every remaining descendant (each was handed to this process when its parent exited)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            time.sleep(0.005)
    raise TimeoutError("a process the command started did not end")


def main() -> int:
    out, command = sys.argv[1], sys.argv[2:]
    if ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_CHILD_SUBREAPER)")
    started = time.perf_counter()
    code = subprocess.call(command)
    wall = time.perf_counter() - started
    own = children_cpu()
    reap_all()
    with open(out, "w") as f:
        json.dump({"wall": wall, "cpu": own, "cpu_all": children_cpu(), "returncode": code}, f)
    return code


if __name__ == "__main__":
    sys.exit(main())
