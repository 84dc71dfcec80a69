"""Giới thiệu: what each indicator means, its targets with citations, the method, the sources."""
import streamlit as st

from dashboard import about_text, fmt, ui, views
from indicators.catalogue import catalogue
from pipelines.messages import t

lang, db, version, info = ui.page("title_about", require_data=False)
st.markdown(t("intro_about", lang))
st.markdown(t("access_note", lang))
cat = catalogue()
st.subheader(t("all_targets", lang))
ui.table(views.targets_table(cat, lang))
st.subheader(t("restated_heading", lang))
st.caption(t("restated_intro", lang))
ui.table(views.restated_table(cat, lang))
st.subheader(t("untracked_milestones", lang))
ui.table(views.untracked_table(cat, lang))
st.subheader(t("definitions", lang))
for ind in cat.indicators:
    st.markdown(f"**{ind.name(lang)}** ({fmt.unit_label(ind.unit, lang)}; {t('code', lang).lower()} `{ind.code}`): "
                f"{ind.definition(lang)}")
st.markdown(about_text.method(lang))
st.markdown(about_text.SOURCES[lang])
