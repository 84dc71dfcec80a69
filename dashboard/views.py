"""Shaping query results for display: pure functions of frames (tested without a browser)."""
from __future__ import annotations

import datetime as dt

import pandas as pd

from dashboard import fmt
from data import geography
from indicators.aggregate import combine_areas, period_end
from indicators.catalogue import Catalogue, Indicator
from indicators.periods import next_figures_due
from indicators.progress import next_target
from indicators.scorecard import progress_series
from indicators.tasks import Deadline, upcoming_reporting, window_start
from pipelines.messages import t


def value_text(value: float | None, ind: Indicator, lang: str) -> str:
    decimals = 2 if ind.unit in ("doctors", "cm") else 1
    return fmt.value_with_unit(value, ind.unit, lang, decimals)


def scorecard_table(card: pd.DataFrame, cat: Catalogue, symbols: dict[str, str], lang: str,
                    sort_by: str | None = None, flagged: set | None = None) -> pd.DataFrame:
    """Provinces x indicators; each cell '94,7 ▲' (value, then the status symbol), and ⚑ when the
    latest quality run flagged that value.

    Sorted by province name, or by an indicator's status (best first) and then its value."""
    names = geography.provinces().set_index("code")["name"]
    order = {s: i for i, s in enumerate(symbols)}
    codes = [i.code for i in cat.indicators if i.code in set(card["indicator"])]
    table = pd.DataFrame({"code": names.index, "name": names.values})
    for code in codes:
        c = card[card["indicator"] == code].set_index("area_code")
        ind = cat[code]
        decimals = 2 if ind.unit in ("doctors", "cm") else 1
        # The unit sits in the header, so the 14 columns stay narrow enough for a screenshot.
        flags = flagged or set()
        table[f"{ind.short(lang)} ({fmt.unit_label(ind.unit, lang)})"] = [
            f"{fmt.number(c.at[a, 'value'], lang, decimals)}{' ⚑' if (code, a, c.at[a, 'period']) in flags else ''}"
            f" {symbols[c.at[a, 'status']]}" if a in c.index else "–"
            for a in table["code"]]
        if code == sort_by:
            rank = table["code"].map(c["status"].map(order)).fillna(99)
            val = table["code"].map(c["value"]).fillna(float("-inf"))
            sign = -1 if ind.direction == "higher" else 1
            table = table.assign(_r=rank, _v=sign * val).sort_values(["_r", "_v"]).drop(columns=["_r", "_v"])
    if sort_by is None:
        table = table.sort_values("name", key=lambda s: s.map(geography.fold))
    return table.reset_index(drop=True)


def national_series(values: pd.DataFrame, ind: Indicator) -> pd.DataFrame:
    """The national figure over time by the indicator's rule, from each province's series."""
    parts = [progress_series(g, ind) for _, g in values[values["indicator"] == ind.code].groupby("area_code")]
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame(columns=["period", "value", "areas", "t"])
    frame = pd.concat(parts)
    out = combine_areas(frame, ind, geography.population(), geography.station_counts())
    out["t"] = [period_end(p) for p in out["period"]]
    return out.sort_values("t")


def short_names() -> dict[str, str]:
    """Province names for tiles: without 'Hồ Chí' and the like where space is short."""
    names = dict(zip(geography.provinces()["code"], geography.provinces()["name"]))
    names["79"] = "TP.HCM"
    return names


def chart_series(rows: pd.DataFrame, ind: Indicator, flagged: set | None = None) -> pd.DataFrame:
    """What a province chart draws: the natural-frequency series (year-to-date quarters included),
    with `flagged` true where the latest quality run flagged the value."""
    grains = set(rows["granularity"])
    grain = ind.frequency if ind.frequency in grains else sorted(grains)[0]
    out = rows[rows["granularity"] == grain].sort_values("t")
    flags = flagged or set()
    return out.assign(flagged=[(i, a, p) in flags for i, a, p in zip(out["indicator"], out["area_code"], out["period"])])


def headline(ind: Indicator, latest: pd.Series, results: list, lang: str) -> dict[str, str]:
    """Texts of a panel's header: latest value and period, next milestone, gap, status, projection."""
    target = next_target([tg for tg, _ in results], float(latest["t"]))
    out = {"latest": value_text(latest["value"], ind, lang), "period": str(latest["period"]),
           "target": "–", "gap": "–", "status": "no_target", "projected": "–"}
    if target is None:
        return out
    a = dict(results)[target]
    out.update(target=target.describe(fmt.unit_label(ind.unit, lang), lang), status=a.status)
    if a.gap is not None:
        gap = a.gap if ind.direction == "higher" else -a.gap
        out["gap"] = "0" if gap <= 0 else value_text(gap, ind, lang)
    if a.status == "achieved":
        out["projected"] = t("status_achieved", lang)
    elif a.projected_year is not None:
        out["projected"] = fmt.year(a.projected_year, lang)
    elif a.status != "insufficient_data":
        out["projected"] = t("not_at_pace", lang)
    return out


def stations_table(communes: pd.DataFrame, province_names: dict[str, str], lang: str) -> pd.DataFrame:
    """Columns a person reads: province, commune, code, doctors, period."""
    return pd.DataFrame({
        t("province", lang): communes["province_code"].map(province_names),
        t("commune", lang): communes["name"],
        t("code", lang): communes["area_code"],
        t("doctors", lang): communes["value"].round(1),
        t("period", lang): communes["period"],
    }).reset_index(drop=True)


def problems_table(problems: list, lang: str) -> pd.DataFrame:
    """Row, column, value, reason: what the uploader has to fix."""
    return pd.DataFrame({t("row", lang): [p.row for p in problems],
                         t("column", lang): [p.column for p in problems],
                         t("value", lang): [p.value for p in problems],
                         t("reason", lang): [p.message(lang) for p in problems]})


def preview_table(rows: pd.DataFrame, lang: str, limit: int = 200) -> pd.DataFrame:
    head = rows.head(limit)
    names = geography.areas().set_index("code")["name"]
    return pd.DataFrame({t("row", lang): head["row_number"], t("indicator", lang): head["indicator"].astype(str),
                         t("code", lang): head["area_code"].astype(str),
                         t("province", lang): head["area_code"].astype(str).map(names),
                         t("period", lang): head["period"].astype(str), t("value", lang): head["value"]})


def submissions_table(subs: pd.DataFrame, province_names: dict[str, str], lang: str) -> pd.DataFrame:
    return pd.DataFrame({
        "#": subs["id"], t("file", lang): subs["file_name"], t("upload_user", lang): subs["user_name"],
        t("scope_col", lang): subs["scope"].map(lambda s: province_names.get(s, t("national", lang))),
        t("rows", lang): subs["rows"],
        t("received", lang): [fmt.date(x.to_pydatetime() if hasattr(x, "to_pydatetime") else x, lang)
                              for x in subs["received_at"]],
        t("synthetic", lang): subs["synthetic"]})


def targets_table(cat: Catalogue, lang: str) -> pd.DataFrame:
    """Every target of every indicator with its scope and citation, for the About page."""
    rows = []
    for ind in cat.indicators:
        for tg in ind.targets:
            doc = cat.documents[tg.source.document]
            rows.append({t("indicator", lang): ind.short(lang),
                         t("target", lang): tg.describe(fmt.unit_label(ind.unit, lang), lang),
                         t("area_scope", lang): t("national", lang) if tg.scope == "national"
                         else geography.area_name(tg.scope),
                         t("source", lang): f"{doc.vi if lang == 'vi' else doc.en}, {tg.source.section}",
                         t("quote", lang): f"“{tg.source.quote}”"})
    return pd.DataFrame(rows)


def reporting_table(reporting: pd.DataFrame, names: dict[str, str], lang: str) -> pd.DataFrame:
    return pd.DataFrame({t("province", lang): reporting["province_code"].map(names),
                         t("period", lang): reporting["period"], "expected": reporting["expected"],
                         "received": reporting["received"], "on_time": reporting["on_time"],
                         t("completeness", lang): reporting["completeness"].round(3),
                         t("timeliness", lang): reporting["timeliness"].round(3),
                         "deadline": reporting["deadline"]})


def scores_table(scores: pd.DataFrame, names: dict[str, str], lang: str) -> pd.DataFrame:
    """Provinces from the weakest score up, with the shares shown as percentages."""
    s = scores.sort_values("score")
    pct = lambda col: [fmt.value_with_unit(v * 100, "%", lang) for v in s[col]]  # noqa: E731
    return pd.DataFrame({t("province", lang): s["province_code"].map(names), t("completeness", lang): pct("completeness"),
                         t("timeliness", lang): pct("timeliness"), t("flagged_share", lang): pct("flagged_share"),
                         t("flags", lang): s["flags"], t("score", lang): [fmt.number(v, lang, 1) for v in s["score"]]})


def flags_table(flags: pd.DataFrame, checks: list[str], province: str | None, lang: str) -> pd.DataFrame:
    """Flagged values with why, filtered by check and province (communes count for their province)."""
    f = flags[flags["check_name"].isin(checks)]
    if province:
        of = geography.commune_province()
        f = f[f["area_code"].map(lambda a: of.get(a, a)) == province]
    names = geography.areas().set_index("code")["name"]
    return pd.DataFrame({t("check", lang): f["check_name"].map(lambda c: t(f"check_{c}", lang)),
                         t("area", lang): f["area_code"].map(names), t("code", lang): f["area_code"],
                         t("indicator", lang): f["indicator"].fillna(""), t("period", lang): f["period"],
                         t("value", lang): f["value"],
                         t("reason", lang): f["message_vi" if lang == "vi" else "message_en"]}).reset_index(drop=True)


def filter_tasks(board: pd.DataFrame, documents: list[str], units: list[str], states: list[str],
                 overdue_only: bool) -> pd.DataFrame:
    b = board[board["document"].isin(documents)]
    if units:
        b = b[b["lead_unit"].isin(units)]
    if states:
        b = b[b["state"].isin(states)]
    if overdue_only:
        b = b[b["state"] == "overdue"]
    return b


def unit_counts(board: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Lead units x states, most overdue first."""
    states = ["overdue", "due_soon", "on_schedule", "done"]
    counts = board.groupby(["lead_unit", "state"]).size().unstack(fill_value=0).reindex(columns=states, fill_value=0)
    counts = counts.sort_values(["overdue", "due_soon"], ascending=False)
    counts.columns = [t(f"state_{s}", lang) for s in states]
    return counts.reset_index().rename(columns={"lead_unit": t("lead_unit", lang)})


def task_table(group: pd.DataFrame, lang: str) -> pd.DataFrame:
    """One plan group's tasks as a reader needs them."""
    def status(s):
        return t(f"task_status_{s}", lang) if isinstance(s, str) else "–"

    def when(p, r):
        return f"{p} ({fmt.date(r.to_pydatetime().date(), lang)})" if isinstance(p, str) and pd.notna(r) else "–"
    return pd.DataFrame({
        t("task_no", lang): group["task_no"], t("task", lang): group["task"],
        t("lead_unit", lang): group["lead_unit"], t("deadline_text", lang): group["deadline_text"],
        t("next_due", lang): [fmt.date(d, lang) if d else "–" for d in group["next_due"]],
        t("state", lang): [t(f"state_{s}", lang) for s in group["state"]],
        t("status", lang): [status(s) for s in group["status"]],
        t("latest_update", lang): [when(p, r) for p, r in zip(group["period"], group["received_at"])],
        t("note", lang): group["note"].fillna(""),
    }).reset_index(drop=True)


def reporting_calendar(board: pd.DataFrame, values: pd.DataFrame, today: dt.date, lang: str,
                       days: int = 60) -> pd.DataFrame:
    """The next reporting deadlines, each with the provinces or lead units that have not reported:
    monthly indicator figures and each plan's task reports."""
    names = dict(zip(geography.provinces()["code"], geography.provinces()["name"]))
    due, period = next_figures_due(today)
    have = set(values.loc[values["period"] == period, "area_code"])
    missing = [names[c] for c in names if c not in have]
    rows = [{t("deadline", lang): fmt.date(due, lang), t("what", lang): t("calendar_monthly", lang).format(period=period),
             t("missing", lang): ", ".join(missing) if missing else t("nobody_missing", lang)}]
    for when, document in upcoming_reporting(today, days):
        docs = board[board["document"] == document]
        since = window_start(Deadline("ongoing"), document, "", when)
        updated = set(docs.loc[[pd.notna(r) and r.date() > since for r in docs["received_at"]], "lead_unit"])
        late = sorted(set(docs["lead_unit"]) - updated)
        label = docs["document_vi"].iloc[0] if len(docs) else document
        rows.append({t("deadline", lang): fmt.date(when, lang), t("what", lang): t("calendar_plan", lang).format(plan=label),
                     t("missing", lang): ", ".join(late) if late else t("nobody_missing", lang)})
    return pd.DataFrame(rows)
