"""Tải dữ liệu: check a file (every error in a table), confirm to load, templates, recent submissions."""
import streamlit as st

from dashboard import auth, fmt, queries, ui, views
from data import geography
from indicators.periods import last_complete_month, parse_period
from pipelines.messages import t
from pipelines.store import Store, StoreError
from pipelines.submit import submit
from pipelines.template import template_bytes, template_rows

lang, db, version, info = ui.page("title_upload", require_data=False)
actor = auth.current()
provinces = geography.provinces()
names = dict(zip(provinces["code"], provinces["name"]))
codes = [""] + list(provinces["code"])
upload = None
if not actor.can_upload:
    st.info(t("no_upload_permission", lang))
else:
    fixed = actor.role == "uploader" and actor.province is not None
    scope = st.selectbox(t("upload_scope", lang), [actor.province] if fixed else codes, disabled=fixed,
                         format_func=lambda c: f"{names[c]} ({c})" if c else "—")
    upload = st.file_uploader(t("upload_file", lang), type=["csv", "txt", "tsv", "xlsx", "xls"])
if upload is not None:
    content, store = upload.getvalue(), Store.at(db)
    # One check per file and scope, not one per rerun: a rejected file is audited once.
    key = ("checked", upload.name, upload.size, scope)
    if st.session_state.get("check_key") != key:
        st.session_state["check"] = submit(store, content, upload.name, actor, scope_province=scope or None,
                                           dry_run=True)
        st.session_state["check_key"] = key
    check = st.session_state["check"]
    if check.status == "rejected":
        st.error(t("check_bad", lang).format(n=check.total_problems))
        errors = views.problems_table(check.problems, lang)
        st.table(errors.head(200).set_index(errors.columns[0]))  # plain HTML: readable in screenshots
        if check.total_problems > min(len(errors), 200):
            st.caption(t("more_errors", lang).format(n=check.total_problems - min(len(errors), 200)))
        ui.csv_download(errors, f"nq72-errors-{upload.name}", lang, key="errors_csv")
    else:
        st.success(t("check_ok", lang).format(n=fmt.number(check.rows, lang, 0)))
        if check.rows_frame is not None:
            st.caption(t("preview", lang))
            st.dataframe(views.preview_table(check.rows_frame, lang), hide_index=True, width="stretch", height=240)
        if st.button(t("confirm_load", lang), type="primary"):
            try:
                done = submit(store, content, upload.name, actor, scope_province=scope or None)
            except (StoreError, OSError) as exc:
                st.error(t("load_failed", lang).format(reason=ui.plain(exc)))
            else:
                ui.show_outcome(done, lang)

st.subheader(t("template", lang))
c1, c2, c3 = st.columns([2, 2, 1])
tpl_province = c1.selectbox(t("province", lang), codes[1:], format_func=lambda c: f"{names[c]} ({c})", key="tpl_p")
tpl_period = c2.text_input(t("template_period", lang), value=last_complete_month().code, key="tpl_period")
period = parse_period(tpl_period)
if period is None:
    c2.error(t("bad_period", lang))
else:
    c3.download_button(t("template_button", lang), template_bytes(template_rows(tpl_province, period)),
                       file_name=f"nq72-{tpl_province}-{period.code}.xlsx", key="tpl_download",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

if version is not None:
    st.subheader(t("recent", lang))
    st.dataframe(views.submissions_table(queries.recent_submissions(db, version), names, lang),
                 hide_index=True, width="stretch")
