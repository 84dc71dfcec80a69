"""Tải dữ liệu: check a file (progress by phase, every error in a table), confirm to load,
templates in both layouts, recent submissions."""
import streamlit as st

from dashboard import auth, queries, ui, views
from data import geography
from indicators.periods import last_complete_month, parse_period
from pipelines import settings
from pipelines.messages import t

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
                         format_func=lambda c: f"{names[c]} ({c})" if c else "—", key="upload_scope")
    # Keyed: a widget whose label changes (another language) would otherwise drop the file and the scope.
    upload = st.file_uploader(t("upload_file", lang), type=["csv", "txt", "tsv", "xlsx", "xls"], key="upload_file")
# Filled last: the template and the recent submissions stay drawn and usable while a large file is checked.
outcome = st.container()

st.subheader(t("template", lang))
c1, c2 = st.columns(2)
tpl_province = c1.selectbox(t("province", lang), codes[1:], format_func=lambda c: f"{names[c]} ({c})", key="tpl_p",
                            index=codes.index(actor.province) - 1 if actor.province in names else 0)
tpl_period = c2.text_input(t("template_period", lang), value=last_complete_month(settings.today()).code, key="tpl_period")
layout = st.radio(t("template_layout", lang), ["long", "wide"], format_func=lambda k: t(f"template_{k}", lang),
                  captions=[t("template_long_help", lang), t("template_wide_help", lang)], key="tpl_layout")
period = parse_period(tpl_period)
if period is None:
    c2.error(t("bad_period", lang))
else:
    ui.template_downloads(tpl_province, period, layout, lang)

if version is not None:
    st.subheader(t("recent", lang))
    st.dataframe(views.submissions_table(queries.recent_submissions(db, version), names, lang),
                 hide_index=True, width="stretch")

if upload is not None:
    with outcome:
        ui.check_and_load(db, upload, actor, scope or None, lang)
