"""Tỉnh: one province, one panel per indicator: latest value, milestones with distance and status,
stations reaching the target; and the chart of its series, required path and trend, drawn when the
reader opens it (or every one, with the switch or in print). Fifteen charts drawn at once cost a
reader ~1.3 s more in the browser (bench/pages.py, national database); the statuses are the answer
most readers come for."""
from functools import partial

import streamlit as st

from dashboard import auth, charts, queries, ui, views
from dashboard.state import choice, switch
from data import geography
from indicators.catalogue import catalogue
from indicators.periods import as_of
from indicators.scorecard import assess_area
from pipelines.messages import t

lang, db, version, info = ui.page("title_province")
cat = catalogue()
provinces = geography.provinces()
names = dict(zip(provinces["code"], provinces["name"]))
code = choice("province", list(provinces["code"]), t("province", lang), format_func=lambda c: f"{names[c]} ({c})",
              default=auth.current().province or "01", container=st.sidebar)
values = queries.province_values(db, version)
month = ui.as_of_month(values, lang)
mine = as_of(values[values["area_code"] == code], month)
st.header(names[code])
if mine.empty:
    st.info(t("no_values_for", lang))
    st.stop()
every_chart = ui.print_mode() or switch("charts", t("all_charts", lang))
docs = {k: d.short(lang) for k, d in cat.documents.items()}
flagged = ui.flagged_keys(db, lang)
flags = hash(flagged)  # the flagged values themselves key each shared chart (a frozenset keeps its hash)
columns = ui.panel_columns(2)
for n, ind in enumerate(i for i in cat.indicators if i.code in set(mine["indicator"])):
    rows = mine[mine["indicator"] == ind.code]
    results = assess_area(rows, ind, code)
    latest = rows.loc[rows["t"].idxmax()]
    with columns[n % 2].container(border=True):
        ui.panel_header(ind, latest, results, views.restated_lines(ind, results, code, cat, lang), lang)
        communes = (queries.commune_latest(db, version, ind.code, float(latest["t"]), code)
                    if "commune" in ind.expected_levels else None)
        threshold = ui.stations_share(communes, results, lang) if communes is not None and len(communes) else None
        place = ui.drawn_when_opened(t("chart_and_series", lang), f"open_{ind.code}", every_chart)
        if place is None:
            continue
        with place:
            shown = views.chart_series(rows, ind, flagged)
            figure = ui.shared_figure((db, version, flags, code, ind.code, month), lang,
                                      partial(charts.progress_chart, shown, results, ind, docs, lang))
            ui.chart(figure, f"nq72-{code}-{ind.code}",
                     shown[["period", "value", "numerator", "denominator"]],
                     ui.source_line(lang, rows["received_at"].max(),
                                    "; ".join(dict.fromkeys(views.citation(docs[c.source.document], c.source.section, lang)
                                                            for tg, _ in results for c in [tg, *ind.restated_by(tg, code)]))),
                     lang, key=ind.code)
            if threshold is not None:
                ui.stations_chart(communes, threshold, ind, lang)
if lines := views.untracked_lines(cat, code, lang):
    st.subheader(t("untracked_milestones", lang))
    for line in lines:
        st.markdown(f"- {ui.plain(line)}")
