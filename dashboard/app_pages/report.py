"""Báo cáo: the report of the chosen province (or the nation) and period, drafted as an editable
DOCX and an A4 PDF (pipelines.report, the same files as `nq72 report`), to download."""
import streamlit as st

from dashboard import auth, queries, ui
from dashboard.state import choice
from data import geography
from pipelines import report, settings
from pipelines.messages import t

lang, db, version, info = ui.page("title_report")
provinces = geography.provinces()
names = dict(zip(provinces["code"], provinces["name"]))
code = choice("province", list(provinces["code"]) + ["national"], t("province", lang), container=st.sidebar,
              default=auth.current().province or "national",
              format_func=lambda c: t("rp_scope_national", lang) if c == "national" else f"{names[c]} ({c})")
today = settings.today()
periods = report.period_options(queries.province_values(db, version), today)
period = choice("period", periods, t("rp_period_select", lang), default=report.default_period(today).code,
                container=st.sidebar, format_func=lambda p: f"{report.period_label(report.parse_report_period(p), lang)} ({p})")
st.caption(t("rp_intro", lang))
selection = (db, version, code, period, lang)
if st.button(t("rp_make", lang), type="primary", key="report_make"):
    with st.spinner(t("rp_making", lang)):
        try:
            files = report.report_files(db, None if code == "national" else code, report.parse_report_period(period),
                                        lang, today)
            st.session_state["report_files"] = (selection, files)
        except Exception as exc:  # noqa: BLE001 - a missing browser must not break the page
            st.session_state.pop("report_files", None)
            st.error(f"{t('rp_failed', lang)}: {ui.plain(str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__)}")
made = st.session_state.get("report_files")
if made and made[0] == selection:   # only the files of what is selected now, never an earlier choice's
    docx_col, pdf_col = st.columns(2)
    name, content = made[1]["docx"]
    docx_col.download_button(t("rp_download_docx", lang), content, file_name=name, key="report_docx",
                             mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    name, content = made[1]["pdf"]
    pdf_col.download_button(t("rp_download_pdf", lang), content, file_name=name, mime="application/pdf", key="report_pdf")
