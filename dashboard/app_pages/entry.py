"""Nhập số liệu: a province's figures for one period typed into one form, checked as they are typed
by the file gate's own rules, kept as a draft on the server, sent through the one door."""
import datetime as dt

import pandas as pd
import streamlit as st

from dashboard import auth, fmt, queries, ui, views
from data import geography
from indicators.aggregate import period_end
from indicators.catalogue import catalogue
from indicators.periods import parse_period
from pipelines import corrections, entry, settings, store
from pipelines.accounts import VIETNAM, Refused
from pipelines.messages import t

lang, db, version, info = ui.page("title_entry", require_data=False)
actor = auth.current()
if not actor.can_upload:
    st.info(t("entry_no_permission", lang))
    st.stop()
if version is None:
    st.info(t("no_db", lang))
    st.stop()
cat, today, where = catalogue(), settings.today(), store.Store.at(db)
names = dict(zip(geography.provinces()["code"], geography.provinces()["name"]))
fixed = actor.role == "uploader" and actor.province is not None
codes = [actor.province] if fixed else list(names)
asked = st.query_params.get("province")
c1, c2, c3 = st.columns([2, 2, 2])
province = c1.selectbox(t("province", lang), codes, disabled=fixed, format_func=lambda c: f"{names[c]} ({c})",
                        index=codes.index(asked) if asked in codes else 0, key="entry_province")
granularity = c2.radio(t("entry_granularity", lang), ["month", "quarter", "year"], horizontal=True,
                       format_func=lambda g: t(f"entry_gran_{g}", lang), key="entry_granularity")
choices = [p.code for p in entry.period_choices(granularity, today)]
code = c3.selectbox(t("entry_period", lang), choices, key=f"entry_period_{granularity}",
                    format_func=lambda c: t("entry_due", lang, period=c) if c == choices[0] else c)
period = parse_period(code)
rows = entry.form_rows(province, period)
if rows.empty:
    st.info(t("entry_nothing", lang, granularity=t(f"entry_gran_{granularity}", lang).lower()))
    st.stop()

# What is stored: the province's values and, for commune indicators, each commune's latest before
# the period and in it (the last value beside each field; the pre-fill of a reopened period).
values = queries.province_values(db, version)
stored = [values.loc[values["area_code"] == province, ["indicator", "area_code", "period", "value", "t"]]]
for ind_code in rows.loc[rows["level"] == "commune", "indicator"].unique():
    for as_of in (entry.period_start(period), period_end(code)):
        found = queries.commune_latest(db, version, ind_code, as_of + 1e-6, province)
        stored.append(found.assign(indicator=ind_code)[["indicator", "area_code", "period", "value", "t"]])
stored = pd.concat(stored, ignore_index=True)
last = {entry.key(i, a): (v, p) for i, a, v, p in entry.last_values(stored, period).itertuples(index=False)}
now = entry.period_values(stored, period)

# Per account, province and period: what is kept (the draft, else the stored values). Fields and
# grids start from it, so a field Streamlit forgot (another period was shown meanwhile) comes back.
state = f"entry:{actor.name}:{province}:{code}"
if state not in st.session_state:
    draft = entry.load_draft(where, actor, province, code)
    st.session_state[state] = {"saved": draft.entries if draft else entry.prefill(now, lang),
                               "saved_at": draft and draft.saved_at, "draft": draft is not None}
form = st.session_state[state]
fields = [entry.key(ind_code, province) for ind_code in rows.loc[rows["level"] == "province", "indicator"]]
grids = {i: entry.commune_grid(rows, i, form["saved"]) for i in rows.loc[rows["level"] == "commune", "indicator"].unique()}
entries = {k: st.session_state.get(f"{state}:{k}", form["saved"].get(k, "")) for k in fields}
for i, grid in grids.items():
    entries |= entry.grid_entries(entry.apply_grid_edits(grid, st.session_state.get(f"{state}:grid:{i}")), i)
entries = entry.clean_entries(rows, entries)
checked = entry.check_form(rows, entries, province, period, today, where, actor)
if entries != form["saved"]:  # keep what was typed before anything else can fail
    try:
        form["saved_at"], form["saved"], form["draft"] = entry.save_draft(where, actor, province, code, entries), entries, True
    except (Refused, store.StoreError) as exc:
        st.error(t("entry_draft_failed", lang, reason=t(exc.key, lang, **exc.params) if isinstance(exc, Refused) else str(exc)))

st.caption(t("entry_intro", lang, province=names[province], period=code))
if now:
    st.info(t("entry_draft_over_stored" if form["draft"] else "entry_reopened", lang, period=code))
if closed := entry.closed_since(period, today):
    st.warning(t("entry_closed_admin" if corrections.applies_directly(actor) else "entry_closed", lang,
                 period=code, date=fmt.date(closed, lang)))
if fields:
    st.subheader(t("entry_province_fields", lang))
for k in fields:
    ind = cat[k.split("|")[0]]
    with st.container(border=True):
        left, right = st.columns([3, 2])
        st.session_state.setdefault(f"{state}:{k}", form["saved"].get(k, ""))
        left.text_input(f"{ind.name(lang)} ({fmt.unit_label(ind.unit, lang)})", key=f"{state}:{k}", max_chars=entry.MAX_ENTRY_CHARS)
        for p in checked.problems.get(k, []):
            left.error(ui.plain(p.message(lang)))
        for w in checked.warnings.get(k, []):
            left.warning(ui.plain(w.message(lang)), icon="⚠️")
        for c in checked.pending.get(k, []):
            left.info(t("entry_field_pending", lang, old=views.value_text(c.current_value, ind, lang)))
        last_line, range_line, target_line = views.entry_hints(ind, province, last.get(k), entry.target_for(ind, province, period), lang)
        right.markdown(last_line)
        right.caption(f"{range_line}  \n{ui.plain(target_line)}")
for i, grid in grids.items():
    ind = cat[i]
    st.subheader(t("entry_communes", lang, indicator=ind.name(lang), n=len(grid)))
    st.caption(t("entry_grid_help", lang))
    labels = {c: t(f"entry_col_{c}", lang) for c in ("code", "name", "last", "value", "problem")}
    st.data_editor(views.entry_grid(grid, ind, last, checked, lang), key=f"{state}:grid:{i}", num_rows="fixed",
                   hide_index=True, width="stretch", height=min(38 + 35 * len(grid), 420),
                   disabled=["area_code", "area_name", "last", "problem"],
                   column_config={"area_code": labels["code"], "area_name": labels["name"],
                                  "last": st.column_config.TextColumn(labels["last"], width="medium"),
                                  "value": st.column_config.TextColumn(labels["value"], max_chars=entry.MAX_ENTRY_CHARS),
                                  "problem": st.column_config.TextColumn(labels["problem"], width="large")})
    if bad := sum(1 for k in checked.problems if k.startswith(f"{i}|") and k.split("|")[1] != province):
        st.error(t("entry_grid_problems", lang, n=bad))

for p in checked.problems.get("", []):
    st.error(ui.plain(p.message(lang)))
if checked.total:
    st.error(t("entry_problems", lang, n=checked.total))
elif checked.filled:
    st.success(t("entry_ok", lang, n=checked.filled))
    if checked.jumps:
        st.warning(t("entry_warnings", lang, n=fmt.number(checked.jumps, lang, 0)))
    if waiting := sum(map(len, checked.pending.values())):
        st.info(t("check_pending", lang, n=fmt.number(waiting, lang, 0)))
else:
    st.caption(t("entry_empty", lang))
if form["saved_at"] is not None and form["draft"]:
    saved = form["saved_at"].replace(tzinfo=dt.UTC).astimezone(VIETNAM)
    st.caption(t("entry_draft_saved", lang, time=f"{saved:%H:%M}", date=fmt.date(saved.date(), lang)))
else:
    st.caption(t("entry_draft_none", lang))
name = entry.submission_name(province, period)
confirmed = True
if checked.ok and checked.jumps:  # a new set of jumps asks again
    seen = "|".join(f"{k}={w.value:g}" for k, ws in sorted(checked.warnings.items()) for w in ws)
    confirmed = st.checkbox(t("confirm_warnings", lang, n=fmt.number(checked.jumps, lang, 0)),
                            key=f"{state}:confirm:{seen}")
if st.button(t("entry_submit", lang), type="primary", disabled=not (checked.ok and confirmed),
             help=t("entry_submit_help", lang, name=name)):
    report = entry.submit_form(where, actor, province, period, rows, entries, today, accept_warnings=checked.jumps > 0)
    if report.status in ("accepted", "unchanged", "pending"):
        form["draft"], form["saved_at"] = False, None
    form["outcome"] = (entries, report)
    st.rerun()
if (outcome := form.get("outcome")) and outcome[0] == entries:  # said until the form changes
    ui.entry_outcome(outcome[1], name, lang)
