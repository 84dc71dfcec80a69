"""dashboard.server: what `nq72 serve` loads before Streamlit starts (issue 15, the first visit)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from dashboard.server import SCRIPTS, script_imports

ROOT = Path(__file__).resolve().parent.parent


def test_every_script_of_the_router_is_read():
    names = {p.name for p in SCRIPTS}
    assert "app.py" in names and {"province.py", "upload.py", "admin.py"} <= names


def test_the_scripts_imports_are_listed_as_modules_or_names_in_modules(tmp_path):
    script = tmp_path / "page.py"
    script.write_text("import pandas as pd\nfrom dashboard import ui, views\nfrom data.geography import provinces\n"
                      "from . import nothing\nif True:\n    import json\n")
    assert script_imports([script]) == ["pandas", "dashboard.ui", "dashboard.views", "data.geography.provinces"]


def test_preload_imports_what_the_pages_import_quietly_in_a_fresh_interpreter():
    done = subprocess.run([sys.executable, "-c", "import sys; from dashboard.server import preload; failed = preload();"
                           " print(failed, 'dashboard.charts' in sys.modules, 'plotly' in sys.modules)"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[0] == "[] True True"
    assert "No runtime found" not in done.stderr   # st.cache_data's warning at each decoration, silenced


def test_what_the_server_loaded_is_frozen_out_of_the_collection_after_every_run():
    """Streamlit collects garbage after every page run, walking the whole heap (~0.14 s of CPU
    with pandas, plotly and DuckDB loaded): what is loaded at start is frozen out of those walks,
    and unfrozen at exit (DuckDB's bindings would report it as leaked)."""
    done = subprocess.run([sys.executable, "-c", "import gc; from dashboard.server import start; "
                           "start(lambda **_: print(gc.get_freeze_count()))"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert int(done.stdout.split()[-1]) > 50_000
    assert "leaked" not in done.stderr


def test_the_server_computes_the_first_pages_figures_before_the_first_reader(monkeypatch, demo_db):
    """`nq72 serve` warms the caches the first page of every reader reads (dashboard.server):
    afterwards the page's queries are answered without opening the database."""
    import streamlit as st

    from dashboard import queries, server
    from data import geography
    from indicators.periods import default_month
    from pipelines.store import values

    monkeypatch.setenv("NQ72_DB", str(demo_db))
    st.cache_data.clear()
    st.cache_resource.clear()
    server.warm_when_running(ready=lambda: True).join(60)
    read = []
    monkeypatch.setattr(values, "province_values", lambda conn: read.append("province_values"))
    monkeypatch.setattr(values, "summary", lambda conn: read.append("summary"))
    db = queries.db_file()
    version = queries.data_version(db)
    figures = queries.province_values(db, version)
    queries.summary(db, version)
    card = queries.scorecard(db, version, default_month(figures, len(geography.provinces())))
    assert read == [] and len(figures) > 0 and len(card) > 0
