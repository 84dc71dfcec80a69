"""nq72 dashboard: the router. Pages live in dashboard/app_pages/."""
import streamlit as st

from dashboard.i18n import t
from dashboard.state import language_switch

st.set_page_config(page_title="nq72", page_icon="🩺", layout="wide")
lang = language_switch()
page = st.navigation([st.Page("app_pages/home.py", title=t("home", lang), icon="🏠", default=True)])
page.run()
