"""Read an uploaded file in a separate process with a memory limit and a timeout, so that no file, and
no bug in a parser, can take the server (or `nq72 ingest`) down with it.

Workers are forked by multiprocessing's fork server, which imports the readers once: a read costs
about 30 ms more than in process (bench/hostile.py), not a new interpreter's 1.5 s. In the worker,
RLIMIT_AS caps the address space at what it has mapped at birth plus what its resident memory may
still grow by (Arrow allocates through malloc there: read_server). The reply goes back with its
large buffers (Arrow columns) as they are, not copied into one pickle. A worker that runs out of
time or memory, or dies, becomes an UploadError like any other unreadable file."""
from __future__ import annotations

import io
import logging
import multiprocessing
import os
import pickle
import resource
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing import forkserver, popen_forkserver, reduction, spawn, util
from multiprocessing.context import ForkServerProcess, set_spawning_popen

from pipelines.problems import Problem, UploadError, file_problem

LOG = logging.getLogger("nq72")
# Imported once by the fork server so that no worker pays for them: the readers, and what pandas,
# Arrow, calamine and the codecs import on first use; read_server first, before Arrow; read_warm last.
PRELOAD = ["pipelines.read_server", "pipelines.read", "pipelines.read_worker", "pipelines.xlsx", "python_calamine", "charset_normalizer",
           "pyarrow.pandas_compat", "pyarrow.vendored.version",
           "encodings.cp437", "encodings.cp1252", "encodings.cp1258", "encodings.utf_16", "pipelines.read_warm"]
# A worker that fails this close to its address-space cap failed for want of memory.
_NEAR_CAP_KB = 64 * 1024


@dataclass
class Reading:
    """What one worker gave back: a value, or the problems that refuse the file."""

    value: object
    problems: list[Problem] | None
    seconds: float
    peak_mb: float | None  # the worker's peak resident memory; None when it did not live to say

    def result(self):
        """The value, or UploadError with the problems."""
        if self.problems:
            raise UploadError(self.problems)
        return self.value


def start_server() -> None:
    """Start the fork server now rather than at the first read: it takes an interpreter and the
    readers' imports (most of a second), which then overlap with what the caller still has to
    import and check before it reads (`nq72 ingest`: pandas, DuckDB, the catalogue, the account)."""
    multiprocessing.get_context("forkserver").set_forkserver_preload(PRELOAD)
    forkserver.ensure_running()


def run(fn: Callable, *args, seconds: float, memory_mb: int) -> Reading:
    """fn(*args) in a fresh worker. Its UploadError, a timeout or a lack of memory come back as
    problems; any other exception is raised here."""
    return _finish(*_start(fn, args, memory_mb), seconds, seconds, memory_mb)


def run_all(fn: Callable, calls: list[tuple], *, seconds: float, memory_mb: int) -> list[Reading]:
    """fn(*args) for each args of `calls`, each in a worker of its own, all at once (one per core
    is what pays); each bounded as in run(), the time counted from the start of all."""
    started, readings = [], []
    try:
        for args in calls:
            started.append(_start(fn, args, memory_mb))
        begun = time.perf_counter()
        for worker, receive in started:
            wait = max(seconds - (time.perf_counter() - begun), 0.0)
            readings.append(_finish(worker, receive, wait, seconds, memory_mb))
    finally:
        if len(readings) < len(started):  # a worker that would not start, or a bug raised from one: the rest go too
            for worker, receive in started[len(readings):]:
                receive.close()
                worker.kill()
                worker.join()
    return readings


def _start(fn: Callable, args: tuple, memory_mb: int):
    multiprocessing.get_context("forkserver").set_forkserver_preload(PRELOAD)  # before the server starts
    receive, send = multiprocessing.Pipe(duplex=False)
    worker = _Worker(target=_work, args=(send, fn, args, memory_mb), daemon=True)
    worker.start()
    send.close()
    return worker, receive


def _finish(worker, receive, wait: float, seconds: float, memory_mb: int) -> Reading:
    """The worker's reply within `wait` seconds (of the `seconds` it was given)."""
    started = time.perf_counter()
    kind, value, peak = "died", None, None
    try:
        if receive.poll(wait):
            kind, value, peak = _receive(receive)
        else:
            kind = "timeout"
    except (EOFError, OSError):
        pass  # died without a word
    finally:
        receive.close()
        if kind in ("timeout", "died"):
            worker.kill()
            worker.join()
        # A worker that has answered exits by itself; multiprocessing reaps it at the next start.
    elapsed = time.perf_counter() - started
    if kind == "value":
        return Reading(value, None, elapsed, peak)
    if kind == "problems":
        return Reading(None, value, elapsed, peak)
    if kind == "error":
        raise value
    LOG.warning("reading an upload: worker %s (exit code %s) after %.1f s", kind, worker.exitcode, elapsed)
    problem = (file_problem("read_timeout", seconds=seconds) if kind == "timeout"
               else file_problem("read_memory", memory_mb=memory_mb))
    return Reading(None, [problem], elapsed, peak)


def _work(send, fn: Callable, args: tuple, memory_mb: int) -> None:
    """The worker: cap the memory, run fn, send (kind, value, peak MiB) back."""
    cap = _cap_memory(memory_mb)
    try:
        reply = ("value", fn(*args))
    except UploadError as exc:
        reply = ("problems", exc.problems)
    except MemoryError:
        reply = ("memory", None)
    except Exception:  # a bug: raised again in the parent
        reply = (("memory", None) if _near(cap) else
                 ("error", RuntimeError(f"reading the file failed in the worker:\n{traceback.format_exc()}")))
    try:
        _send(send, (*reply, _peak_mb()))
    except MemoryError:  # the value itself did not fit
        _send(send, ("memory", None, _peak_mb()))


def _send(send, reply: tuple) -> None:
    """The reply, its large buffers sent as they are rather than copied into one pickle (which
    would double the worker's memory for a big file)."""
    buffers: list[pickle.PickleBuffer] = []
    header = pickle.dumps(reply, protocol=5, buffer_callback=buffers.append)
    send.send((len(buffers), header))
    for buffer in buffers:
        send.send_bytes(buffer.raw())


def _receive(receive) -> tuple:
    count, header = receive.recv()
    return pickle.loads(header, buffers=[receive.recv_bytes() for _ in range(count)])


def _cap_memory(memory_mb: int) -> int | None:
    """Cap the address space so that resident memory cannot grow past memory_mb; the cap in kB, or
    None where /proc does not say what the worker holds (then only the timeout applies)."""
    status = _status()
    if status is None:
        return None
    cap = status["VmSize"] + max(memory_mb * 1024 - status["VmRSS"], 0)
    resource.setrlimit(resource.RLIMIT_AS, (cap * 1024, cap * 1024))
    return cap


def _near(cap: int | None) -> bool:
    status = _status()
    return cap is not None and status is not None and status["VmPeak"] > cap - _NEAR_CAP_KB


def _status() -> dict[str, int] | None:
    """VmSize, VmPeak, VmRSS... of this process in kB."""
    try:
        with open("/proc/self/status") as f:
            return {k: int(v.split()[0]) for k, v in (line.split(":", 1) for line in f) if k.startswith("Vm")}
    except OSError:
        return None


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class _Popen(popen_forkserver.Popen):
    """The fork server's launcher, minus the parent's __main__: multiprocessing runs the parent's main
    script again in every child (for `nq72 ingest`, importing the whole CLI: a second per file),
    and the worker needs nothing from it. Otherwise as in the standard library."""

    def _launch(self, process_obj):
        prep_data = spawn.get_preparation_data(process_obj._name)
        prep_data.pop("init_main_from_path", None)
        prep_data.pop("init_main_from_name", None)
        buf = io.BytesIO()
        set_spawning_popen(self)
        try:
            reduction.dump(prep_data, buf)
            reduction.dump(process_obj, buf)
        finally:
            set_spawning_popen(None)
        self.sentinel, w = forkserver.connect_to_new_process(self._fds)
        parent_w = os.dup(w)  # the child sees the parent die when this closes
        self.finalizer = util.Finalize(self, util.close_fds, (parent_w, self.sentinel))
        with open(w, "wb", closefd=True) as f:
            f.write(buf.getbuffer())
        self.pid = forkserver.read_signed(self.sentinel)


class _Worker(ForkServerProcess):
    @staticmethod
    def _Popen(process_obj):
        return _Popen(process_obj)
