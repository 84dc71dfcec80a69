"""What `nq72 serve` runs: Streamlit's own command line, after the modules the dashboard's scripts
import and the reference data every page reads are loaded in this process. Streamlit runs app.py
and the pages as scripts, so their imports (pandas, plotly, DuckDB, the catalogue...) would otherwise
fall on the first reader after each start: ~1.5 s more on a 2-core machine (bench/pages.py, cold).
Once loaded they are frozen out of the garbage collector's walks (`start`).

Run: python -m dashboard.server run dashboard/app.py [streamlit options]"""
from __future__ import annotations

import ast
import atexit
import gc
import importlib
import logging
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from streamlit.web.cli import main

SCRIPTS = [Path(__file__).with_name("app.py"), *sorted(Path(__file__).with_name("app_pages").glob("*.py"))]


def script_imports(scripts: list[Path] = SCRIPTS) -> list[str]:
    """The modules the scripts import at their top level, in the order they first appear."""
    names: dict[str, None] = {}
    for script in scripts:
        for node in ast.parse(script.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.Import):
                names.update(dict.fromkeys(alias.name for alias in node.names))
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                # `from dashboard import ui` imports the module dashboard.ui, `from x import f` only x
                names.update(dict.fromkeys(f"{node.module}.{a.name}" for a in node.names))
    return list(names)


def preload() -> list[str]:
    """Import every module the scripts import, and load the catalogue and the geography; the names
    that failed (never fatal here: the page that needs one shows its own error to its reader)."""
    failed = []
    # st.cache_data warns at each decoration that there is no runtime yet: true, and harmless here.
    loggers = [logging.getLogger(f"streamlit.runtime.caching.{m}") for m in ("cache_data_api", "cache_resource_api")]
    levels = [log.level for log in loggers]
    for log in loggers:
        log.setLevel(logging.ERROR)
    try:
        for name in script_imports():
            try:
                importlib.import_module(name)
            except ModuleNotFoundError:
                if name.rpartition(".")[0] not in sys.modules:  # else `from x import f`: f is no module
                    failed.append(name)
            except Exception:  # noqa: BLE001
                failed.append(name)
        try:
            from data import geography
            from indicators.catalogue import catalogue

            catalogue(), geography.provinces(), geography.communes()
        except Exception:  # noqa: BLE001
            failed.append("catalogue, geography")
    finally:
        for log, level in zip(loggers, levels):
            log.setLevel(level)
    return failed


def warm_when_running(ready: Callable[[], bool] | None = None, timeout: float = 60) -> threading.Thread:
    """In the background, once Streamlit's runtime (and so its caches) exists: queries.warm of the
    database this server shows. The first reader after a start then finds the figures computed
    (on a national database the Overview's scorecard alone is ~0.8 s of CPU). Never fatal: a
    database that cannot be read is said so by the page that reads it."""
    def warm() -> None:
        from streamlit.runtime import Runtime, RuntimeState

        from dashboard import queries

        def started() -> bool:  # exists, and has its caches: set while it starts, after it exists
            return Runtime.exists() and Runtime.instance().state != RuntimeState.INITIAL

        running = ready or started
        deadline = time.monotonic() + timeout
        while not running() and time.monotonic() < deadline:
            time.sleep(0.05)
        if not running():
            return
        try:
            queries.warm(queries.db_file())
        except Exception:  # noqa: BLE001
            logging.getLogger("nq72").debug("warming the caches failed", exc_info=True)

    # Cached functions called outside a page run warn that there is no script context: true of
    # this thread, and harmless; the same warning from any other thread is still shown.
    logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").addFilter(
        lambda record: record.threadName != "nq72-warm")
    thread = threading.Thread(target=warm, name="nq72-warm", daemon=True)
    thread.start()
    return thread


def start(run: Callable[..., object] = main) -> None:
    preload()
    # What is loaded now lives as long as the server: frozen out of the collector's sight, the full
    # collection Streamlit makes after every page run walks ~20,000 objects instead of ~180,000
    # (0.03 s of CPU instead of 0.14 s per run). Unfrozen at exit, so it is torn down as usual
    # (DuckDB's bindings report what is never freed as leaks).
    gc.collect()
    gc.freeze()
    atexit.register(gc.unfreeze)
    warm_when_running()
    run(prog_name="streamlit")


if __name__ == "__main__":
    start()
