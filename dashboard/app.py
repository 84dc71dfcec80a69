"""nq72 dashboard: the router. Pages live in dashboard/app_pages/."""
from pathlib import Path

import duckdb
import streamlit as st

from dashboard import auth, queries, ui
from dashboard.state import language_switch
from pipelines.messages import t
from pipelines.store import StoreError

# Offline: the favicon is a file of ours (a ":material/..." icon is fetched from a public font host).
st.set_page_config(page_title="nq72", page_icon=str(Path(__file__).with_name("static") / "favicon.png"), layout="wide")
lang = language_switch()
ui.interface_style(lang)
actor = auth.gate(queries.db_file(), lang)   # None: the log-in form is drawn
st.session_state["_actor_run"] = actor
printing = ui.print_mode()
if printing:
    ui.print_style()
if actor is not None:
    auth.logout_button(actor, lang)
# No page icons: emoji need a font the reader's browser may lack, and a Material icon's name is
# read aloud and copied as text ("location_on") beside the page's title.
PAGES = [("overview", None), ("province", "tinh"), ("indicator", "chi-tieu"), ("stations", "tram-y-te"),
         ("tasks", "nhiem-vu"), ("quality", "chat-luong"), ("upload", "tai-du-lieu"),
         ("entry", "nhap-so-lieu"), ("report", "bao-cao"), ("about", "gioi-thieu")]
# The default page lives at "/"; the others at Vietnamese paths (/tinh, /chi-tieu, ...).
if actor is None or actor.role == "admin":   # before a log-in: an admin's link to /quan-tri still opens it
    PAGES.append(("admin", "quan-tri"))
page = st.navigation([st.Page(f"app_pages/{name}.py", title=t(f"page_{name}", lang), url_path=path,
                              default=path is None) for name, path in PAGES],
                     position="hidden" if printing or actor is None else "sidebar")
if actor is None:  # the router knows the URL's page now, so the log-in's rerun opens that page
    st.stop()
try:
    page.run()
except (StoreError, duckdb.Error) as exc:  # a damaged or unreadable database: say so, never an error page
    ui.unreadable(exc, lang)
finally:  # after the page (even one that stopped early): its selection is now the URL's
    ui.export_button(lang)
