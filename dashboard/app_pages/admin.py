"""Quản trị: corrections to closed periods waiting for a decision, the accounts and the audit log
(admins only; the router lists it for them alone)."""
import streamlit as st

from dashboard import auth, ui, views
from pipelines import accounts, corrections
from pipelines.messages import t
from pipelines.store import Store

lang, db, version, info = ui.page("title_admin", require_data=False)
actor = auth.current()
if actor.role != "admin":
    st.stop()
st.subheader(t("corrections_pending", lang))
waiting = corrections.pending(Store.at(db))
if waiting.empty:
    st.caption(t("corrections_none", lang))
for c in waiting.itertuples():
    line, approve, reject = st.columns([6, 1, 1])
    line.write(t("correction_line", lang, id=c.id, row=c.row_number, indicator=c.indicator, area=c.area_code,
                 period=c.period, old=f"{c.previous_value:g}", new=f"{c.value:g}") + f" · {c.user_name} · {c.file_name}")
    choice = (approve.button(t("correction_approve", lang, id=c.id), key=f"approve_{c.id}"),
              reject.button(t("correction_reject", lang, id=c.id), key=f"reject_{c.id}"))
    if any(choice):
        try:
            done = corrections.decide(Store.at(db), int(c.id), actor, approve=choice[0])
        except (LookupError, accounts.Refused):  # decided meanwhile elsewhere, or the account changed
            st.rerun()
        st.session_state["correction_decided"] = t("correction_decided", lang, id=c.id, status=done["status"])
        st.rerun()
if note := st.session_state.pop("correction_decided", None):
    st.success(note)
st.subheader(t("users", lang))
ui.table(views.users_table(accounts.list_users(db), lang))
st.caption(t("cli_hint", lang))
st.subheader(t("audit_log", lang))
log = views.audit_table(accounts.audit_log(db), lang)
st.dataframe(log, hide_index=True, width="stretch")
ui.csv_download(log, "nq72-audit", lang, key="audit_csv")
