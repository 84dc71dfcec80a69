"""Quản trị: the accounts and the audit log (admins only; the router lists it for them alone)."""
import streamlit as st

from dashboard import auth, ui, views
from pipelines import accounts
from pipelines.messages import t

lang, db, version, info = ui.page("title_admin", require_data=False)
if auth.current().role != "admin":
    st.stop()
st.subheader(t("users", lang))
ui.table(views.users_table(accounts.list_users(db), lang))
st.caption(t("cli_hint", lang))
st.subheader(t("audit_log", lang))
log = views.audit_table(accounts.audit_log(db), lang)
st.dataframe(log, hide_index=True, width="stretch")
ui.csv_download(log, "nq72-audit", lang, key="audit_csv")
