"""Work that takes a while (checking a 60 MB file) on a thread beside the page script, shown step by
step while the rest of the page stays drawn and usable.

A job lives in session state under its name and key: a rerun (a click, a change of language) finds
the running job and follows it instead of starting the work again, so a rejected file is still
checked, and audited, once. The worker thread never calls Streamlit: it only records the phases it
begins, which the script thread reads."""
from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

import streamlit as st

from dashboard import fmt
from pipelines.messages import t

POLL_SECONDS = 0.25


@dataclass
class Job:
    key: tuple
    future: Future
    phases: list[str] = field(default_factory=list)   # begun so far, in order
    started: float = field(default_factory=time.monotonic)
    ended: float | None = None
    shown_done: bool = False                            # a page run has already shown it finished

    def seconds(self) -> float:
        return (self.ended or time.monotonic()) - self.started

    def failed(self) -> bool:
        return self.future.done() and self.future.exception() is not None


def start(name: str, key: tuple, work: Callable[[Callable[[str], None]], Any]) -> Job:
    """`work(on_phase)` on a thread, once per name and key (again only after a failure); the job
    already under that key otherwise."""
    job = st.session_state.get(name)
    if isinstance(job, Job) and job.key == key and not job.failed():
        return job
    job = Job(key, Future())

    def run() -> None:
        try:
            result = work(job.phases.append)
        except BaseException as exc:  # noqa: BLE001 - handed to the page, which says what failed
            job.ended = time.monotonic()
            job.future.set_exception(exc)
        else:
            job.ended = time.monotonic()
            job.future.set_result(result)

    st.session_state[name] = job
    threading.Thread(target=run, name=f"nq72-{name}", daemon=True).start()
    return job


def current(name: str, key: tuple) -> Job | None:
    """The job under this name if it is for this key."""
    job = st.session_state.get(name)
    return job if isinstance(job, Job) and job.key == key else None


def follow(job: Job, file: str, steps: list[str], lang: str) -> tuple[Any, bool]:
    """Show the job's steps (done, running, waiting) in an st.status box until it ends; then
    (its result, whether this run saw it end). Raises the job's error."""
    box = st.status(_label(job, file, steps, lang), expanded=not job.future.done())
    lines = box.empty()
    while True:
        state = _state(job)
        lines.markdown(steps_text(job.phases, steps, state, lang))
        box.update(label=_label(job, file, steps, lang), state=state, expanded=state == "running")
        if state != "running":
            break
        time.sleep(POLL_SECONDS)
    first = not job.shown_done
    job.shown_done = True
    return job.future.result(), first


def steps_text(phases: list[str], steps: list[str], state: str, lang: str) -> str:
    """One line per step: ✓ passed, ⏳ running now, ✗ failed, ○ not reached, – not needed (a
    rejected file is never loaded). A complete job has passed every step before loading: a check
    ends after both reading and checking."""
    reached = [s for s in steps if s in phases]
    last = reached[-1] if reached else steps[0]

    def mark(step: str) -> str:
        if state == "complete":
            return "✓" if step != "load" or step in phases else "–"
        if step == last:
            return "⏳" if state == "running" else "✗"
        return "✓" if steps.index(step) < steps.index(last) else "○"
    return "  \n".join(f"{mark(s)} {t(f'phase_{s}', lang)}" for s in steps)


def _label(job: Job, file: str, steps: list[str], lang: str) -> str:
    seconds = fmt.number(job.seconds(), lang, 1)
    if not job.future.done():
        reached = [s for s in steps if s in job.phases]
        phase = t(f"phase_{reached[-1] if reached else steps[0]}", lang).lower()
        return t("phase_running", lang, file=file, phase=phase, seconds=seconds)
    return t("phase_failed" if job.future.exception() else "phase_done", lang, file=file, seconds=seconds)


def _state(job: Job) -> str:
    if not job.future.done():
        return "running"
    return "error" if job.future.exception() else "complete"
