"""nq72 dashboard: the router. Pages live in dashboard/app_pages/."""
import duckdb
import streamlit as st

from dashboard import auth, queries, ui
from dashboard.state import language_switch
from pipelines.messages import t
from pipelines.store import StoreError

st.set_page_config(page_title="nq72", page_icon=":material/health_and_safety:", layout="wide")
lang = language_switch()
actor = auth.gate(queries.db_file(), lang)
st.session_state["_actor_run"] = actor
auth.logout_button(actor, lang)
# Material icons ship with Streamlit; emoji would need a font the server's browser may lack.
PAGES = [("overview", None, ":material/dashboard:"), ("province", "tinh", ":material/location_on:"),
         ("indicator", "chi-tieu", ":material/monitoring:"), ("stations", "tram-y-te", ":material/local_hospital:"),
         ("tasks", "nhiem-vu", ":material/checklist:"), ("quality", "chat-luong", ":material/fact_check:"),
         ("upload", "tai-du-lieu", ":material/upload_file:"), ("about", "gioi-thieu", ":material/info:")]
# The default page lives at "/"; the others at Vietnamese paths (/tinh, /chi-tieu, ...).
if actor.role == "admin":
    PAGES.append(("admin", "quan-tri", ":material/admin_panel_settings:"))
page = st.navigation([st.Page(f"app_pages/{name}.py", title=t(f"page_{name}", lang), icon=icon, url_path=path,
                              default=path is None) for name, path, icon in PAGES])
try:
    page.run()
except (StoreError, duckdb.Error) as exc:  # a damaged or unreadable database: say so, never an error page
    ui.unreadable(exc, lang)
