"""Chất lượng dữ liệu: completeness and timeliness heat map, scores, flagged values, Data Docs."""
import streamlit as st

from dashboard import auth, fmt, html_charts, ui, views
from dashboard.state import choice
from data import geography
from pipelines.messages import t

lang, db, version, info = ui.page("title_quality")
q = ui.quality_run(db, lang)
if q is None:
    st.info(t("no_quality_run", lang))
    st.stop()
run = q["run"]
names = dict(zip(geography.provinces()["code"], geography.provinces()["name"]))
st.caption(t("quality_run", lang).format(id=run["id"], when=fmt.date(run["finished_at"], lang),
                                         values=fmt.number(run["values_checked"], lang, 0),
                                         flags=fmt.number(run["flags"], lang, 0)))
st.markdown(f"**{t('quality_deadlines', lang)}**: {ui.plain(views.figures_deadlines(lang))}")
st.caption(t("figures_deadline_note", lang))

measure = st.radio(t("heatmap_measure", lang), ["completeness", "timeliness"], horizontal=True,
                   format_func=lambda m: t(m, lang))
monthly = q["reporting"][q["reporting"]["granularity"] == "month"]
heat = html_charts.heatmap(views.reporting_grid(monthly, measure, names), t(f"heatmap_{measure}", lang),
                           lambda v: fmt.number(v, lang, 0),
                           (fmt.value_with_unit(0, "%", lang, 0), fmt.value_with_unit(100, "%", lang, 0)))
ui.figure(heat, f"nq72-{measure}", views.reporting_table(q["reporting"], names, lang), t("quality_source", lang),
          lang, key="heatmap")

st.subheader(t("scores", lang))
ui.table(views.scores_table(q["scores"], names, lang))

st.subheader(t("flagged_values", lang))
checks = sorted(q["flags"]["check_name"].unique())
chosen = st.multiselect(t("checks", lang), checks, default=checks, format_func=lambda c: t(f"check_{c}", lang),
                        placeholder=t("choose", lang))
province = choice("province", ["all"] + list(names), t("province", lang), default=auth.current().province or "all",
                  format_func=lambda c: t("all_provinces", lang) if c == "all" else names[c])
table = views.flags_table(q["flags"], chosen, None if province == "all" else province, lang)
ui.frame(table)
ui.csv_download(table, "nq72-quality-flags", lang, key="flags_csv")

st.subheader(t("docs_heading", lang))
docs = ui.data_docs(run, db)
if docs is None:
    st.caption(t("no_docs", lang))
else:
    ui.docs_view(docs, lang)
