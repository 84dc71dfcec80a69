"""Trạm y tế xã: commune stations below the doctors target, filterable and downloadable."""
import streamlit as st

from dashboard import auth, fmt, queries, ui, views
from dashboard.state import choice
from data import geography
from indicators.periods import period_end_of
from pipelines.messages import t

lang, db, version, info = ui.page("title_stations")
provinces = geography.provinces()
names = dict(zip(provinces["code"], provinces["name"]))
options = ["all"] + list(provinces["code"])
province = choice("province", options, t("province", lang), default=auth.current().province or "all", container=st.sidebar,
                  format_func=lambda c: t("all_provinces", lang) if c == "all" else f"{names[c]} ({c})")
values = queries.province_values(db, version)
month = ui.as_of_month(values, lang)
threshold = st.sidebar.number_input(t("threshold", lang), min_value=1, max_value=10, value=4, step=1)
communes = queries.commune_latest(db, version, "doctors_per_station", period_end_of(month),
                                  None if province == "all" else province)
if communes.empty:
    st.info(t("no_values_for", lang))
    st.stop()
below = communes[communes["value"] < threshold].sort_values(["province_code", "value", "name"])
st.metric(t("stations_count", lang), t("stations_below", lang,
    n=fmt.number(len(below), lang, 0), k=threshold, total=fmt.number(len(communes), lang, 0)))
table = views.stations_table(below, names, lang)
ui.frame(table)
ui.csv_download(table, f"nq72-stations-below-{threshold}-{province}-{month}", lang, key="stations_csv")
st.caption(ui.source_line(lang, info["last_submission"]))
