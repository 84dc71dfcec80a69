"""Quản trị: the accounts and the audit log (admins only; the router lists it for them alone)."""
import streamlit as st

from dashboard import auth, ui
from pipelines import accounts
from pipelines.messages import t

lang, db, version, info = ui.page("title_admin", require_data=False)
if auth.current().role != "admin":
    st.stop()
st.subheader(t("users", lang))
st.dataframe(accounts.list_users(db), hide_index=True, width="stretch")
st.caption("`nq72 user add|remove|passwd|list`")
st.subheader(t("audit_log", lang))
log = accounts.audit_log(db)
st.dataframe(log, hide_index=True, width="stretch")
ui.csv_download(log, "nq72-audit", lang, key="audit_csv")
