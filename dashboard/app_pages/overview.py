"""Tổng quan: every province x indicator against the next milestone, counts, and a tile map."""
import streamlit as st

from dashboard import charts, html_charts, queries, ui, views
from dashboard.state import choice
from data import geography
from indicators.catalogue import catalogue
from indicators.periods import reported_areas
from indicators.scorecard import in_catalogue_order, status_counts
from pipelines.messages import t

lang, db, version, info = ui.page("title_overview")
cat = catalogue()
values = queries.province_values(db, version)
month = ui.as_of_month(values, lang)
card = queries.scorecard(db, version, month)
n_provinces = len(geography.provinces())
st.caption(f"{t('as_of', lang)} {month} · "
           f"{t('reported_this_period', lang, n=reported_areas(values, month), total=n_provinces)} · "
           + ui.source_line(lang, info["last_submission"]))
label = lambda s: t(f"status_{s}", lang)  # noqa: E731
st.caption(f"{t('legend', lang)}: " + " · ".join(ui.status_text(s, lang) for s in ui.STATUS_STYLE))

counts = in_catalogue_order(status_counts(card), cat)
ind_names = {i.code: i.short(lang) for i in cat.indicators}
counts_table = counts.rename(index=ind_names, columns=label).reset_index(names=t("indicator", lang))
ui.figure(html_charts.status_bars(counts, ind_names, ui.STATUS_STYLE, label, t("headline", lang), n_provinces),
          f"nq72-status-{month}", counts_table, ui.source_line(lang, info["last_submission"]), lang, key="status")

st.subheader(t("scorecard", lang))
sort_options = ["name"] + [i.code for i in cat.indicators]
sort_by = st.selectbox(t("sort_by", lang), sort_options, key="sort",
                       format_func=lambda c: t("sort_name", lang) if c == "name" else cat[c].name(lang))
symbols = {s: style[1] for s, style in ui.STATUS_STYLE.items()}
table = views.scorecard_table(card, cat, symbols, lang, None if sort_by == "name" else sort_by,
                              ui.flagged_keys(db, lang))
shown = table.drop(columns="code").rename(columns={"name": t("province", lang)})
ui.wide_table(shown, nowrap=True)
left, right = st.columns([4, 1])
left.caption(t("flag_marker", lang))
with right:
    ui.csv_download(shown, f"nq72-scorecard-{month}", lang, key="scorecard_csv")

st.subheader(t("map", lang))
code = choice("indicator", cat.codes, t("indicator", lang), format_func=lambda c: cat[c].name(lang),
              default="insurance_coverage")
ind = cat[code]
if ui.print_mode():  # the indicator's selector is not printed
    st.caption(f"{t('indicator', lang)}: {ind.name(lang)}")
one = card[card["indicator"] == code]
names = dict(zip(geography.provinces()["code"], geography.provinces()["name"]))
tiles = html_charts.tile_map(one, geography.tile_grid(), names, views.short_names(), ui.STATUS_STYLE, label,
                             lambda v: views.value_text(v, ind, lang), lambda year: charts.since_text(year, lang))
ui.figure(tiles, f"nq72-map-{code}-{month}", one.assign(province=one["area_code"].map(names)),
          f"{t('map_note', lang)} " + ui.source_line(lang, info["last_submission"]), lang, key="map")
