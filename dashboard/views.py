"""Shaping query results for display: pure functions of frames (tested without a browser)."""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from dashboard import fmt
from data import geography
from indicators.aggregate import combine_areas, period_end
from indicators.catalogue import Catalogue, Indicator, Target, catalogue
from indicators.periods import DEFAULT_FIGURES_DUE_DAY, next_figures_due
from indicators.progress import Assessment
from indicators.scorecard import progress_series
from indicators.tasks import Deadline, PlanDeadline, plan_deadlines, plan_tasks, upcoming_reporting, window_start
from pipelines import entry
from pipelines.messages import TEXT, t
from pipelines.quality.config import load_config


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


# A period's figure is national only when more than this share of all provinces sent it, the same
# rule as the as-of month (indicators.periods.default_month): the few provinces that send first are
# their own figures, not the country's.
NATIONAL_SHARE = 0.5


def national_coverage(values: pd.DataFrame, ind: Indicator) -> pd.DataFrame:
    """Every period's figure over the provinces that sent it, by the indicator's rule, from each
    province's series: period, value, areas (how many provinces), t. One granularity, the one most
    provinces' series use (the indicator's own frequency on a tie): a year and its fourth quarter,
    or June and Q2, are not one period to add up. See covered_periods."""
    parts = [progress_series(g, ind) for _, g in values[values["indicator"] == ind.code].groupby("area_code")]
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame(columns=["period", "value", "areas", "t"])
    grains = pd.Series([p["granularity"].iloc[0] for p in parts]).value_counts()
    grain = max(grains.index, key=lambda g: (grains[g], g == ind.frequency, g))
    frame = pd.concat([p for p in parts if p["granularity"].iloc[0] == grain])
    out = combine_areas(frame, ind, geography.population(), geography.station_counts())
    out["t"] = [period_end(p) for p in out["period"]]
    return out.sort_values("t", kind="stable")


def covered_periods(coverage: pd.DataFrame, share: float = NATIONAL_SHARE) -> pd.DataFrame:
    """The periods of a national_coverage frame that more than `share` of all provinces sent."""
    return coverage[coverage["areas"] > share * len(geography.provinces())]


def waiting_period(coverage: pd.DataFrame, national: pd.DataFrame) -> pd.Series | None:
    """The newest period some provinces have sent that is too thin to be national yet (after the
    last national one), with its `areas`; None when there is none."""
    later = coverage if national.empty else coverage[coverage["t"] > national["t"].max()]
    return None if later.empty else later.iloc[-1]


def national_notes(coverage: pd.DataFrame, national: pd.DataFrame, lang: str, whole_too: bool = True) -> list[str]:
    """What a reader is told beside a national figure: from how many provinces its latest period is
    (unless `whole_too` is False and all of them are in it), and a newer period too thin to count."""
    total, notes = len(geography.provinces()), []
    if len(national) and (whole_too or national["areas"].iloc[-1] < total):
        latest = national.iloc[-1]
        notes.append(t("national_from", lang, n=latest["areas"], total=total, period=latest["period"]))
    if (later := waiting_period(coverage, national)) is not None:
        notes.append(t("national_waiting", lang, period=later["period"], n=later["areas"], total=total))
    return notes


def short_names(width: int = 9) -> dict[str, str]:
    """Province names for tiles: the same names as everywhere else, a long one on two lines
    ('Tuyên<br>Quang') so it stays inside its tile."""
    return {code: _two_lines(name, width) for code, name in zip(geography.provinces()["code"], geography.provinces()["name"])}


def _two_lines(name: str, width: int) -> str:
    if len(name) <= width or " " not in name:
        return name
    spaces = [i for i, c in enumerate(name) if c == " "]
    cut = min(spaces, key=lambda i: abs(i - len(name) / 2))
    return f"{name[:cut]}<br>{name[cut + 1:]}"


def chart_series(rows: pd.DataFrame, ind: Indicator, flagged: set | None = None) -> pd.DataFrame:
    """What a province chart draws: the natural-frequency series (year-to-date quarters included),
    with `flagged` true where the latest quality run flagged the value."""
    grains = set(rows["granularity"])
    grain = ind.frequency if ind.frequency in grains else sorted(grains)[0]
    out = rows[rows["granularity"] == grain].sort_values("t")
    flags = flagged or set()
    return out.assign(flagged=[(i, a, p) in flags for i, a, p in zip(out["indicator"], out["area_code"], out["period"])])


def gap_text(gap: float | None, ind: Indicator, lang: str) -> str:
    """A distance in the indicator's unit: '2,6 điểm %' between percentages, '0,70 bác sĩ'."""
    return fmt.gap(gap, ind.unit, lang, 2 if ind.unit in ("doctors", "cm") else 1)


def is_vision(target: Target) -> bool:
    """A target of the 2045 vision (the resolution's "Tầm nhìn đến năm 2045")."""
    return target.source.section.startswith("Tầm nhìn")


def milestone_label(target: Target, lang: str) -> str:
    """'2030', or '2045 (tầm nhìn)' for the vision."""
    return t("milestone_vision", lang, year=target.year) if is_vision(target) else str(target.year)


def target_text(target: Target, ind: Indicator, lang: str) -> str:
    """The target without its year ('> 95 %', '4–5 bác sĩ', '+1,5 cm so với 2025')."""
    return re.sub(r" \(\d{4}\)$", "", target.describe(fmt.unit_label(ind.unit, lang), lang))


def distance(a: Assessment, ind: Indicator, lang: str) -> str:
    """How far the latest value is from the milestone, in the indicator's unit; '0' once there."""
    if a.gap is None:
        return "–"
    gap = a.gap if ind.direction == "higher" else -a.gap
    return "0" if gap <= 0 or a.status == "achieved" else gap_text(gap, ind, lang)


def projected_text(a: Assessment, lang: str) -> str:
    """When the current pace reaches the milestone: 'quý 2/2029', 'Đã đạt', or not at this pace."""
    if a.status == "achieved":
        return t("status_achieved", lang)
    if a.projected_year is not None:
        return fmt.year(a.projected_year, lang)
    if a.status in ("insufficient_data", "no_target") or a.target_value is None:
        return "–"
    return t("not_at_pace", lang)


def milestones_table(ind: Indicator, results: list[tuple[Target, Assessment]],
                     status_label: Callable[[Assessment], str], lang: str) -> pd.DataFrame:
    """Every milestone that applies to an area (2026, 2027, 2030, the 2045 vision), national and
    local plan side by side: the target, the distance from the latest value, status, projection."""
    ordered = sorted(results, key=lambda r: (r[0].year, r[0].scope != "national"))
    return pd.DataFrame({
        t("milestone", lang): [milestone_label(tg, lang) for tg, _ in ordered],
        t("area_scope", lang): [t("national", lang) if tg.scope == "national" else geography.area_name(tg.scope)
                                for tg, _ in ordered],
        t("target", lang): [target_text(tg, ind, lang) for tg, _ in ordered],
        t("gap", lang): [distance(a, ind, lang) for _, a in ordered],
        t("status", lang): [status_label(a) for _, a in ordered],
        t("projected", lang): [projected_text(a, lang) for _, a in ordered],
    }, columns=[t(k, lang) for k in ("milestone", "area_scope", "target", "gap", "status", "projected")])


def national_milestones(ind: Indicator, lang: str) -> str:
    """'2030: ≥ 75,5 năm · 2045 (tầm nhìn): > 80 năm', the national milestones as one line."""
    return " · ".join(f"{milestone_label(tg, lang)}: {target_text(tg, ind, lang)}"
                      for tg in sorted(ind.targets, key=lambda tg: tg.year) if tg.scope == "national")


def ranking_table(card: pd.DataFrame, names: dict[str, str], ind: Indicator, status_label: Callable[[str], str],
                  lang: str) -> pd.DataFrame:
    """Provinces best first, each with its value, period, status and the distance to the next
    national milestone (the one the Overview uses)."""
    c = card.sort_values("value", ascending=ind.direction != "higher").reset_index(drop=True)
    gaps = [None if pd.isna(tv) else (tv - v if ind.direction == "higher" else v - tv)
            for v, tv in zip(c["value"], c["target_value"])]
    return pd.DataFrame({
        t("rank", lang): range(1, len(c) + 1), t("province", lang): c["area_code"].map(names),
        t("value", lang): [value_text(v, ind, lang) for v in c["value"]], t("period", lang): c["period"].astype(str),
        t("status", lang): [status_label(s) for s in c["status"]],
        t("ranking_gap", lang): ["–" if g is None else "0" if g <= 0 or s == "achieved" else gap_text(g, ind, lang)
                                 for g, s in zip(gaps, c["status"])],
    })


def reporting_grid(reporting: pd.DataFrame, measure: str, names: dict[str, str]) -> pd.DataFrame:
    """Provinces (by name, in alphabetical order as Vietnamese sorts it) x months: the measure's
    share (0-1) of each, NaN where a province has no row for the month."""
    grid = reporting.pivot_table(index="province_code", columns="period", values=measure, aggfunc="mean")
    grid = grid.reindex(sorted(grid.index, key=lambda c: geography.fold(names[c])))
    grid.index = [names[c] for c in grid.index]
    return grid


@dataclass(frozen=True)
class RankingMarks:
    """What a ranking draws besides the provinces' dots: lines across every province, each
    (value, label, kind "target" | "national"), and, when the provinces' targets differ (a target
    relative to each one's baseline), a tick at each province's own target, named by `ticks_label`."""

    lines: list[tuple[float, str, str]]
    ticks: dict[str, float]
    ticks_label: str | None = None


def ranking_marks(card: pd.DataFrame, ind: Indicator, national: float | None, lang: str) -> RankingMarks:
    """The milestone most provinces are measured against ('Mục tiêu quốc gia: > 95 % (2026)' as one
    line when it is the same value for all, else a tick per province), and the national figure."""
    unit = fmt.unit_label(ind.unit, lang)
    lines: list[tuple[float, str, str]] = []
    ticks: dict[str, float] = {}
    ticks_label = None
    rows = card.dropna(subset=["target_value", "target_year"])
    if not rows.empty:
        year, scope = rows.groupby(["target_year", "scope"]).size().idxmax()
        rows = rows[(rows["target_year"] == year) & (rows["scope"] == scope)]
        target = next(tg for tg in ind.targets if tg.year == int(year) and tg.scope == scope)
        targets = rows["target_value"].astype(float)
        if (targets - targets.iloc[0]).abs().max() < 1e-9:
            who = t("national_target", lang) if scope == "national" else t("local_target", lang)
            lines.append((float(targets.iloc[0]), f"{who}: {target.describe(unit, lang)}", "target"))
        else:
            ticks = dict(zip(rows["area_code"], targets))
            ticks_label = t("targets_each", lang, target=target.describe(unit, lang))
    if national is not None and not pd.isna(national):
        lines.append((float(national), f"{t('national', lang)}: {value_text(national, ind, lang)}", "national"))
    return RankingMarks(lines, ticks, ticks_label)


_SECTION = [(re.compile(r"^Mục tiêu đến năm (\d{4})$"), "section_targets"),
            (re.compile(r"^Tầm nhìn đến năm (\d{4})$"), "section_vision")]


def section_text(section: str, lang: str) -> str:
    """A plan's section in the reader's language: 'Targets to 2030', 'section II.1'."""
    for pattern, key in _SECTION:
        if m := pattern.match(section):
            return t(key, lang, year=m.group(1))
    return t("section_number", lang, n=section) if re.fullmatch(r"[IVX]+(\.[0-9a-z]+)*", section) else section


def citation(doc_short: str, section: str, lang: str) -> str:
    """'NQ 72-NQ/TW, Mục tiêu đến năm 2030' / 'Resolution 72-NQ/TW, Targets to 2030'."""
    return f"{doc_short}, {section_text(section, lang)}"


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
    """Row, column, value, reason: what the uploader has to fix ("whole file" where no row applies,
    never an empty cell: a table indexed on an all-empty column breaks in the browser). A workbook's
    problems name their sheet first, in a column of its own, when any problem has one."""
    table = pd.DataFrame({t("row", lang): [str(p.row) if p.row else t("cli_whole_file", lang) for p in problems],
                          t("column", lang): [p.column or "" for p in problems],
                          t("value", lang): ["" if p.value is None else str(p.value)[:200] for p in problems],
                          t("reason", lang): [p.message(lang) for p in problems]})
    sheets = [p.sheet or "" for p in problems]
    if any(sheets):
        table.insert(0, t("sheet", lang), sheets)
    return table


def warnings_table(jumps: list, lang: str) -> pd.DataFrame:
    """Row, value, previous value and period, reason: the jumps an uploader confirms before loading."""
    return pd.DataFrame({t("row", lang): [str(w.row) for w in jumps],
                         t("value", lang): [fmt.number(w.value, lang) for w in jumps],
                         t("previous_value", lang): [fmt.number(w.previous_value, lang) for w in jumps],
                         t("previous_period", lang): [w.previous_period for w in jumps],
                         t("reason", lang): [w.message(lang) for w in jumps]})


def problems_note(shown: int, total: int, lang: str) -> str | None:
    """'1.000 lỗi đầu tiên trong tổng số 12.345 …' when the list stops short of the total."""
    if total <= shown:
        return None
    return t("first_problems", lang, shown=fmt.number(shown, lang, 0), total=fmt.number(total, lang, 0))


def preview_table(rows: pd.DataFrame, lang: str, limit: int = 200) -> pd.DataFrame:
    head = rows.head(limit)
    names = geography.areas().set_index("code")["name"]
    return pd.DataFrame({t("row", lang): head["row_number"], t("indicator", lang): head["indicator"].astype(str),
                         t("code", lang): head["area_code"].astype(str),
                         t("province", lang): head["area_code"].astype(str).map(names),
                         t("period", lang): head["period"].astype(str),
                         t("value", lang): [fmt.figure(v, lang) for v in head["value"]]})


def task_preview_table(rows: pd.DataFrame, lang: str, limit: int = 200) -> pd.DataFrame:
    """Checked task-update rows as the plan names them: row, task (id and its words), period, status, note."""
    head = rows.head(limit)
    words = plan_tasks().set_index("task_id")["task"]
    return pd.DataFrame({t("row", lang): head["row_number"],
                         t("task", lang): [f"{i} · {_short(words.get(i, ''), 80)}" for i in head["task_id"]],
                         t("period", lang): head["period"].astype(str),
                         t("status", lang): [t(f"task_status_{s}", lang) for s in head["status"]],
                         t("note", lang): head["note"].fillna("").astype(str)})


def upload_preview(rows: pd.DataFrame, lang: str) -> tuple[str, pd.DataFrame]:
    """The caption and table that preview a checked file: task updates or figures."""
    if rows.attrs.get("kind") == "tasks":
        return t("preview_tasks", lang), task_preview_table(rows, lang)
    return t("preview", lang), preview_table(rows, lang)


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width - 1].rstrip() + "…"


def submissions_table(subs: pd.DataFrame, province_names: dict[str, str], lang: str) -> pd.DataFrame:
    return pd.DataFrame({
        "#": subs["id"], t("file", lang): subs["file_name"], t("upload_user", lang): subs["user_name"],
        t("scope_col", lang): subs["scope"].map(lambda s: t("task", lang) if s == "tasks"
                                                else province_names.get(s, t("national", lang))),
        t("rows", lang): subs["rows"],
        t("received", lang): [fmt.date(x.to_pydatetime() if hasattr(x, "to_pydatetime") else x, lang)
                              for x in subs["received_at"]],
        t("synthetic", lang): subs["synthetic"]})


def targets_table(cat: Catalogue, lang: str) -> pd.DataFrame:
    """Every target of every indicator (the 2045 vision included) with its milestone, scope and
    citation, for the About page; the quote stays in the plan's Vietnamese. A local plan's row that
    restates a national target is named beside it (restated_table lists it with its own quote);
    the note says how the year and the words were read."""
    rows = []
    for ind in cat.indicators:
        for tg in sorted(ind.targets, key=lambda tg: (tg.year, tg.scope != "national")):
            if ind.restates(tg) is not None:
                continue
            doc = cat.documents[tg.source.document]
            rows.append({t("indicator", lang): ind.short(lang), t("milestone", lang): milestone_label(tg, lang),
                         t("target", lang): target_text(tg, ind, lang),
                         t("area_scope", lang): t("national", lang) if tg.scope == "national"
                         else geography.area_name(tg.scope),
                         t("source", lang): citation(doc.en if lang == "en" else doc.vi, tg.source.section, lang),
                         t("restated_in", lang): "; ".join(geography.area_name(r.scope) for r in ind.restated_by(tg)),
                         t("note", lang): target_note(tg, cat, lang),
                         t("quote", lang): f"“{tg.source.quote}”"})
    return pd.DataFrame(rows)


# Plans fidelity (issue 17): each target's flags, restatements by a local plan, milestones with no
# indicator, and every deadline with its source (a plan's section and quote, or the operator).
def target_note(tg: Target, cat: Catalogue, lang: str) -> str:
    """A target's flags as a reader sees them: how its year was read, a joined quote, a reading."""
    notes = [] if tg.year_basis == "quote" else [t(f"year_basis_{tg.year_basis}", lang, year=tg.year)]
    if tg.source.joined:
        notes.append(t("quote_joined", lang))
    if tg.reading is not None:
        notes.append(cat.readings[tg.reading](lang))
    return " · ".join(notes)


def plan_citation(cat: Catalogue, document: str, section: str, quote: str, lang: str) -> str:
    """'KH UBND tỉnh Đắk Lắk, mục II.1: “…”' (the quote in the plan's Vietnamese)."""
    return f"{citation(cat.documents[document].short(lang), section, lang)}: “{quote}”"


def restated_table(cat: Catalogue, lang: str) -> pd.DataFrame:
    """Every national target a province's or ward's plan restates, with that plan's citation."""
    rows = []
    for ind in cat.indicators:
        for tg in ind.targets:
            if ind.restates(tg) is None:
                continue
            doc = cat.documents[tg.source.document]
            rows.append({t("indicator", lang): ind.short(lang), t("milestone", lang): milestone_label(ind.restates(tg), lang),
                         t("target", lang): target_text(tg, ind, lang), t("area_scope", lang): geography.area_name(tg.scope),
                         t("source", lang): citation(doc.en if lang == "en" else doc.vi, tg.source.section, lang),
                         t("note", lang): target_note(tg, cat, lang), t("quote", lang): f"“{tg.source.quote}”"})
    return pd.DataFrame(rows)


def restated_lines(ind: Indicator, results: list[tuple[Target, Assessment]], area_code: str, cat: Catalogue,
                   lang: str) -> list[str]:
    """For an area's page: each national milestone its own plan restates, with the plan's citation."""
    return [f"{t('also_in_plan', lang, area=geography.area_name(area_code))}: {milestone_label(tg, lang)} "
            f"{target_text(r, ind, lang)} — {plan_citation(cat, r.source.document, r.source.section, r.source.quote, lang)}"
            for tg, _ in results for r in ind.restated_by(tg, area_code)]


def untracked_table(cat: Catalogue, lang: str, area_code: str | None = None) -> pd.DataFrame:
    """The plans' commitments with no measurable indicator (free basic hospital care), cited."""
    return pd.DataFrame([{
        t("commitment", lang): m.text(lang), t("milestone", lang): str(m.year),
        t("area_scope", lang): t("national", lang) if m.scope == "national" else geography.area_name(m.scope),
        t("source", lang): citation(cat.documents[m.source.document].short(lang), m.source.section, lang),
        t("why_not_measured", lang): m.why_no_indicator(lang), t("quote", lang): f"“{m.source.quote}”"}
        for m in cat.milestones_for(area_code)])


def untracked_lines(cat: Catalogue, area_code: str, lang: str) -> list[str]:
    """An area's page: each commitment with no indicator (its nation's and its own plan's), cited."""
    return [f"{m.year} · {t('national', lang) if m.scope == 'national' else geography.area_name(m.scope)}: {m.text(lang)} — "
            f"{plan_citation(cat, m.source.document, m.source.section, m.source.quote, lang)} ({m.why_no_indicator(lang)})"
            for m in cat.milestones_for(area_code)]


def figures_deadlines(lang: str) -> str:
    """The deadlines of provincial figures the timeliness check uses: all the operator's."""
    month, year = load_config().calendar["month"], load_config().calendar["year"]
    return " · ".join([t("figures_month_due", lang, day=month.day_of()),
                       t("figures_year_due", lang, day=year.day_of(), month=year.month), t("set_by_operator", lang)])


def deadline_citation(dl: PlanDeadline, lang: str) -> str:
    """'KH 172/KH-UBND Cần Thơ, mục III.2: “định kỳ 6 tháng (trước ngày 15 tháng 6)”'."""
    return f"{t(f'plan_short_{dl.document}', lang)}, {section_text(dl.section, lang)}: “{dl.quote}”"


def plan_deadlines_table(today: dt.date, lang: str) -> pd.DataFrame:
    """Every deadline the plans set: who, what, the next last day on time (or the one-off date, or
    none), and the plan's words with their section."""
    def next_day(dl: PlanDeadline) -> str:
        if dl.recurrence == "undated":
            return t("no_date_in_plan", lang)
        days = dl.due_dates(today, today + dt.timedelta(days=400)) or dl.due_dates(dt.date(2000, 1, 1), today)
        return fmt.date(days[0], lang) if days else "–"
    return pd.DataFrame([{
        t("plan_col", lang): t(f"plan_short_{dl.document}", lang), t("deadline_who", lang): dl.who[lang],
        t("what", lang): dl.what[lang], t("last_day_on_time", lang): next_day(dl),
        t("deadline_written", lang): deadline_citation(dl, lang)} for dl in plan_deadlines()])


def reporting_table(reporting: pd.DataFrame, names: dict[str, str], lang: str) -> pd.DataFrame:
    return pd.DataFrame({t("province", lang): reporting["province_code"].map(names),
                         t("period", lang): reporting["period"], t("expected_values", lang): reporting["expected"],
                         t("received_values", lang): reporting["received"], t("on_time_values", lang): reporting["on_time"],
                         t("completeness", lang): reporting["completeness"].round(3),
                         t("timeliness", lang): reporting["timeliness"].round(3),
                         t("deadline", lang): [_day_text(d, lang) for d in reporting["deadline"]]})


def _day_text(value: object, lang: str) -> str:
    """A date cell as the reader writes dates; '–' for an empty one."""
    if value is None or pd.isna(value):
        return "–"
    stamp = pd.Timestamp(value)
    return fmt.date(stamp.to_pydatetime() if stamp.time() != dt.time() else stamp.date(), lang)


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
    short = {i.code: i.short(lang) for i in catalogue().indicators}
    return pd.DataFrame({t("check", lang): f["check_name"].map(lambda c: t(f"check_{c}", lang)),
                         t("area", lang): f["area_code"].map(names), t("code", lang): f["area_code"],
                         t("indicator", lang): [short.get(c, c) if isinstance(c, str) else "–" for c in f["indicator"]],
                         t("period", lang): [p if isinstance(p, str) and p else "–" for p in f["period"]],
                         t("value", lang): [fmt.number(v, lang, 2) if pd.notna(v) else "–" for v in f["value"]],
                         t("reason", lang): f["message_vi" if lang == "vi" else "message_en"]}).reset_index(drop=True)


def users_table(users: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The accounts with headers and roles in the reader's language."""
    names = dict(zip(geography.provinces()["code"], geography.provinces()["name"]))
    return pd.DataFrame({
        t("username", lang): users["username"], t("role", lang): [t(f"role_{r}", lang) for r in users["role"]],
        t("area_scope", lang): [names.get(p, p) if isinstance(p, str) else t("national", lang) for p in users["province"]],
        t("created_utc", lang): [_day_text(d, lang) for d in users["created_at"]]})


_AUDIT_HEADERS = {"id": "#", "at": "at_utc", "actor": "actor", "action": "action", "outcome": "outcome",
                  "submission_id": "submission", "subject": "subject", "sha256": "SHA-256", "detail": "detail"}


def audit_table(log: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The audit log with headers in the reader's language, times as dates, no 'None' cells."""
    out = log.copy()
    if "at" in out:
        out["at"] = [_day_text(d, lang) for d in out["at"]]
    out = out.astype(object).where(out.notna(), "")
    return out.rename(columns={c: (h if h in ("#", "SHA-256") else t(h, lang)) for c, h in _AUDIT_HEADERS.items()})


def plan_names(tasks: pd.DataFrame, lang: str) -> dict[str, str]:
    """Each plan's name: its Vietnamese title, or the catalogue's translation of it."""
    titles = dict(zip(tasks["document"], tasks["document_vi"]))
    return {doc: t(f"plan_{doc}", lang) if lang != "vi" and f"plan_{doc}" in TEXT else title
            for doc, title in titles.items()}


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
                       days: int = 60, due_day: int = DEFAULT_FIGURES_DUE_DAY) -> pd.DataFrame:
    """The next reporting deadlines (last day on time), each with its source and the provinces or
    lead units that have not reported: monthly indicator figures (the operator's `due_day`) and
    every deadline the plans set (their section and quote)."""
    names = dict(zip(geography.provinces()["code"], geography.provinces()["name"]))
    due, period = next_figures_due(today, due_day)
    have = set(values.loc[values["period"] == period, "area_code"])
    missing = [names[c] for c in names if c not in have]
    rows = [{t("deadline", lang): fmt.date(due, lang), t("what", lang): t("calendar_monthly", lang).format(period=period),
             t("source", lang): t("set_by_operator_day", lang, day=due_day),
             t("missing", lang): ", ".join(missing) if missing else t("nobody_missing", lang)}]
    for when, dl in upcoming_reporting(today, days):
        docs = board[(board["document"] == dl.document) & board["task_key"].map(dl.applies_to)]
        key = "" if "all" in dl.tasks or not dl.tasks else dl.tasks[0]
        since = window_start(Deadline("ongoing"), dl.document, key, when)
        updated = set(docs.loc[[pd.notna(r) and r.date() > since for r in docs["received_at"]], "lead_unit"])
        late = sorted(set(docs["lead_unit"]) - updated)
        shown = t("not_tracked", lang) if docs.empty else ", ".join(late) if late else t("nobody_missing", lang)
        rows.append({t("deadline", lang): fmt.date(when, lang),
                     t("what", lang): f"{t(f'plan_short_{dl.document}', lang)}: {dl.what[lang]} ({dl.who[lang]})",
                     t("source", lang): deadline_citation(dl, lang), t("missing", lang): shown})
    return pd.DataFrame(rows)


# Data Docs load bootstrap, jQuery and vega from public hosts and the GX logo from S3; shown in the
# app they must load nothing: every script, style sheet link, image, link target and url() goes.
_OFFLINE_DROP = [re.compile(p, re.IGNORECASE | re.DOTALL) for p in (
    r"<script\b.*?</script\s*>", r"<link\b[^>]*>", r"<img\b[^>]*>", r"<iframe\b.*?</iframe\s*>")]
_OFFLINE_ATTRS = re.compile(r"""\s(?:on\w+|(?:xlink:)?href|src|srcset|action|formaction|poster|background)"""
                            r"""\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)""", re.IGNORECASE)
_CSS_URL = re.compile(r"url\([^)]*\)", re.IGNORECASE)
DOCS_CSS = """body{font-family:"Noto Sans","Source Sans Pro",Arial,sans-serif;font-size:14px;margin:8px;color:#263238}
table{border-collapse:collapse;margin:6px 0}td,th{border:1px solid #cfd8dc;padding:3px 8px;vertical-align:top}
nav,.navbar,.sticky,button,footer{display:none}.tab-pane,.collapse{display:block!important}"""


def offline_html(html: str) -> str:
    """A Data Docs page that fetches nothing: scripts, style sheet links, images, link targets,
    url() in styles and event handlers removed, a plain style of ours added."""
    for pattern in _OFFLINE_DROP:
        html = pattern.sub("", html)
    html = _CSS_URL.sub("none", _OFFLINE_ATTRS.sub("", html))
    head = re.search(r"</head\s*>", html, re.IGNORECASE)
    style = f"<style>{DOCS_CSS}</style>"
    return html[:head.start()] + style + html[head.start():] if head else style + html


# Data entry page (issue 16): what the form shows beside each field, and its commune grid.
def entry_hints(ind: Indicator, area_code: str, last: tuple[float, str] | None, target: Target | None,
                lang: str) -> tuple[str, str, str]:
    """(last stored value and its period, plausible range, target line) shown beside a field."""
    low, high = ind.range
    last_line = (t("entry_last", lang, value=value_text(last[0], ind, lang), period=last[1]) if last
                 else t("entry_no_last", lang))
    range_line = t("entry_range", lang, low=fmt.number(low, lang, 0), high=fmt.value_with_unit(high, ind.unit, lang, 0))
    if target is None:
        return last_line, range_line, t("entry_no_target", lang)
    scope = t("national", lang) if target.scope == "national" else geography.area_name(target.scope)
    return last_line, range_line, t("entry_target", lang, milestone=milestone_label(target, lang),
                                    target=target_text(target, ind, lang), scope=scope)


def entry_grid(grid: pd.DataFrame, ind: Indicator, last: dict[str, tuple[float, str]],
               checked: entry.FormCheck, lang: str) -> pd.DataFrame:
    """The commune grid as the editor shows it: code, name, last stored value, the value typed (the
    only editable column) and what the check says of that commune's field (the gate's problems, ⚠
    a jump to confirm, a correction that would wait for an admin), all as text. `last` is by field
    key (pipelines.entry.key)."""
    found = [last.get(entry.key(ind.code, a)) for a in grid["area_code"]]
    last_text = [f"{value_text(f[0], ind, lang)} ({f[1]})" if f else "–" for f in found]

    def said(k: str) -> str:
        return "; ".join([p.message(lang) for p in checked.problems.get(k, [])]
                         + ["⚠ " + w.message(lang) for w in checked.warnings.get(k, [])]
                         + [t("entry_field_pending", lang, old=value_text(c.current_value, ind, lang))
                            for c in checked.pending.get(k, [])])
    problem_text = [said(entry.key(ind.code, a)) for a in grid["area_code"]]
    return pd.DataFrame({"area_code": grid["area_code"], "area_name": grid["area_name"], "last": last_text,
                         "value": grid["value"], "problem": problem_text}).astype(str)
