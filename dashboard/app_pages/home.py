"""Home: what nq72 is, what the store holds, the indicators and their national targets."""
import os

import pandas as pd
import streamlit as st

from dashboard import fmt, queries
from dashboard.i18n import t
from dashboard.state import lang as current_lang
from indicators.catalogue import catalogue

lang = current_lang()
st.title(t("app_title", lang))
st.caption(t("intro", lang))

db = queries.db_file()
if not os.path.exists(db):
    st.info(t("no_db", lang))
    st.stop()
info = queries.summary(db, queries.data_version(db))
if info["synthetic"]:
    st.warning(t("synthetic_banner", lang))
if info["values"] == 0:
    st.info(t("empty", lang))

c1, c2, c3, c4 = st.columns(4)
c1.metric(t("provinces", lang), f"{info['provinces']} / 34")
c2.metric(t("values", lang), fmt.number(info["values"], lang, 0))
c3.metric(t("submissions", lang), fmt.number(info["submissions"], lang, 0))
last = info["last_submission"]
c4.metric(t("last_submission", lang), fmt.date(last.date() if last else None, lang))

st.subheader(t("indicators", lang))
cat = catalogue()
rows = [{
    t("col_indicator", lang): ind.name(lang),
    t("col_unit", lang): fmt.unit_label(ind.unit, lang),
    t("col_targets", lang): "; ".join(x.describe(fmt.unit_label(ind.unit, lang), lang)
                                     for x in ind.targets if x.scope == "national") or "–",
    t("col_source", lang): "; ".join(dict.fromkeys(cat.documents[x.source.document].short(lang)
                                                   for x in ind.targets)),
} for ind in cat.indicators]
st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", height=36 * (len(rows) + 1) + 2)
