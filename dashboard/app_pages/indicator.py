"""Chỉ tiêu: all provinces ranked against the target, the national figure, and every trend.

The ranking is page text (html_charts); the trends chart, the page's only plotly figure, is drawn
when the reader opens it (always in print): loading plotly.js for it made the page's first visit
~1 s slower (2.73 against 1.74 s, bench/pages.py, national database)."""
from functools import partial

import streamlit as st

from dashboard import auth, charts, fmt, html_charts, queries, ui, views
from dashboard.state import choice
from data import geography
from indicators.catalogue import catalogue
from indicators.periods import as_of
from indicators.scorecard import assess_area
from pipelines.messages import t

lang, db, version, info = ui.page("title_indicator")
cat = catalogue()
code = choice("indicator", cat.codes, t("indicator", lang), format_func=lambda c: cat[c].name(lang),
              default="insurance_coverage", container=st.sidebar)
ind = cat[code]
values = queries.province_values(db, version)
month = ui.as_of_month(values, lang)
provinces = geography.provinces()
names = dict(zip(provinces["code"], provinces["name"]))
highlight = choice("province", list(provinces["code"]), t("highlight", lang), default=auth.current().province or "01",
                   format_func=lambda c: names[c], container=st.sidebar)
mine = as_of(values[values["indicator"] == code], month)
st.header(ind.name(lang))
st.caption(ind.definition(lang))
if milestones := views.national_milestones(ind, lang):
    st.markdown(f"**{t('national_milestones', lang)}**: {ui.plain(milestones)}")
if mine.empty:
    st.info(t("no_values_for", lang))
    st.stop()
card = queries.scorecard(db, version, month)
card = card[card["indicator"] == code]
coverage = queries.national_coverage(db, version, code, month)
national = views.covered_periods(coverage)
last_national = national.iloc[-1] if len(national) else None
c1, c2 = st.columns(2)
if last_national is not None:
    c1.metric(f"{t('national_aggregate', lang)} ({last_national['period']})",
              views.value_text(last_national["value"], ind, lang))
for note in views.national_notes(coverage, national, lang):
    c1.caption(note)
c2.caption(t(f"aggregate_rule_{ind.across_areas}", lang))
unit = fmt.unit_label(ind.unit, lang)
marks = views.ranking_marks(card, ind, None if last_national is None else float(last_national["value"]), lang)
ranking = html_charts.ranking(card, names, ui.STATUS_STYLE, lambda s, year: ui.status_text(s, lang, year),
                              lambda v: views.value_text(v, ind, lang), lambda v: fmt.figure(v, lang), marks,
                              title=f"{t('ranking', lang)}: {ind.name(lang)} ({unit})", axis_title=unit,
                              highlight=highlight, higher_is_better=ind.direction == "higher")
source = ui.source_line(lang, mine["received_at"].max())
ui.figure(ranking, f"nq72-ranking-{code}-{month}", card.assign(province=card["area_code"].map(names)), source,
          lang, key="ranking")
ui.table(views.ranking_table(card, names, ind, lambda s: ui.status_text(s, lang), lang), nowrap=[t("value", lang)])
st.subheader(t("milestones_of", lang, name=names[highlight]))
results = assess_area(mine[mine["area_code"] == highlight], ind, highlight)
ui.milestones(ind, results, lang)
if (place := ui.drawn_when_opened(t("trends_open", lang), "open_trends", ui.print_mode())) is not None:
    with place:
        series = views.chart_series(mine, ind)
        trends = ui.shared_trends((db, version, code, highlight, month), lang,
                                  partial(charts.trends_chart, series, names, national, highlight, ind, lang))
        ui.chart(trends, f"nq72-trends-{code}",
                 series[["area_code", "period", "value"]].assign(province=series["area_code"].map(names)), source,
                 lang, key="trends")
