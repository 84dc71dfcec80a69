"""The data-entry form ("Nhập số liệu", issue 16): a province's figures for one period typed into a
form instead of a workbook. Pure, typed functions for the page, and the writes it makes.

One catalogue of rules: the filled form becomes the bytes of a small CSV (indicator, area_code,
period, value, each value exactly as typed) that the file gate checks while the user types
(pipelines.ingest.check_upload) and that goes through the one door when sent (pipelines.submit),
as a submission named after the form and period ("form-66-2026-10"). A problem's row is mapped
back to the field it came from.

Drafts: what an account has typed for a province and a period is kept in the database (table
`drafts`, pipelines.store.drafts) so that a reload, an ended session or a refused submit loses
nothing. save_draft() is the one function that writes one: it checks the actor and the scope as a
submission does. Drafts are not figures: nothing reads them but this form, they are not audited,
and a form that is loaded (or found unchanged) drops its draft."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
from dataclasses import dataclass, field

import pandas as pd

from indicators.aggregate import period_end
from indicators.catalogue import Indicator, Target, catalogue
from indicators.periods import Period, last_complete_month, make_period, shift_month
from indicators.progress import next_target
from pipelines.accounts import Actor, authorise, figures_scope
from pipelines.corrections import Pending
from pipelines.ingest import FileReport, check_upload
from pipelines.jumps import Jump
from pipelines.problems import Problem
from pipelines.quality.config import load_config
from pipelines.settings import today as settings_today
from pipelines.store import Store, drafts, transaction
from pipelines.submit import foresee, submit
from pipelines.template import template_rows

FORM_COLUMNS = ["indicator", "area_code", "area_name", "level", "unit", "low", "high"]
FILE_HEADER = ["indicator", "area_code", "period", "value"]
MAX_ENTRY_CHARS = 100       # a figure typed or pasted into one field; longer is cut before it is kept
HISTORY = {"month": 24, "quarter": 12, "year": 6}  # how many periods back the form offers
_EPS = 1e-6                 # period ends are fractional years: compare with a margin


def key(indicator: str, area_code: str) -> str:
    """A field's name in a draft and in the page: 'insurance_coverage|66'."""
    return f"{indicator}|{area_code}"


def due_period(granularity: str, today: dt.date) -> Period:
    """The period whose figures are due now: the one holding today when its figures fall due before
    it ends (annual figures, by 15 December of their year), else the last one that has ended."""
    if granularity == "month":
        return last_complete_month(today)
    if granularity == "quarter":
        current = make_period(today.year, "quarter", (today.month - 1) // 3 + 1)
    else:
        current = make_period(today.year, "year")
    if load_config().deadline(current.end, granularity) <= current.end:
        return current
    if granularity == "year":
        return make_period(today.year - 1, "year")
    year, month = shift_month(current.start.year, current.start.month, -3)
    return make_period(year, "quarter", (month - 1) // 3 + 1)


def closed_since(period: Period, today: dt.date) -> dt.date | None:
    """The first day `period` was closed (pipelines.corrections), None while it is still open."""
    cfg = load_config()
    if not cfg.closed(period.end, period.granularity, today):
        return None
    days = cfg.calendar[period.granularity].closes_after_days
    return cfg.deadline(period.end, period.granularity) + dt.timedelta(days=days + 1)


def period_choices(granularity: str, today: dt.date) -> list[Period]:
    """The periods the form offers, the one due now first, then back HISTORY[granularity] periods."""
    due = due_period(granularity, today)
    step = {"month": 1, "quarter": 3, "year": 12}[granularity]
    out = []
    for n in range(HISTORY[granularity]):
        year, month = shift_month(due.start.year, due.start.month, -n * step)
        out.append(make_period(year, granularity, {"month": month, "quarter": (month - 1) // 3 + 1, "year": 1}[granularity]))
    return out


def form_rows(province: str, period: Period) -> pd.DataFrame:
    """Every field of the form: the (indicator, area) pairs the template lists for the period's
    granularity (province first, then its communes), with unit and plausible range."""
    cat = catalogue()
    rows = template_rows(province, period, "long")[["indicator", "area_code", "area_name"]]
    inds = rows["indicator"].map(cat.by_code())
    return rows.assign(level=["province" if code == province else "commune" for code in rows["area_code"]],
                       unit=[i.unit for i in inds], low=[float(i.range[0]) for i in inds],
                       high=[float(i.range[1]) for i in inds]).reset_index(drop=True)[FORM_COLUMNS]


def period_start(period: Period) -> float:
    """The start of a period as a fractional year (the end of the one before it)."""
    return period.start.year + (period.start.month - 1) / 12


def last_values(stored: pd.DataFrame, period: Period) -> pd.DataFrame:
    """The last stored value before the period, per (indicator, area_code): last_value, last_period.

    `stored` holds stored values (indicator, area_code, period, value, t: the period's end as a
    fractional year), as the store's province_values and commune_latest return them."""
    before = stored[stored["t"] <= period_start(period) + _EPS]
    last = before.sort_values("t").drop_duplicates(["indicator", "area_code"], keep="last")
    return (last.rename(columns={"value": "last_value", "period": "last_period"})
            [["indicator", "area_code", "last_value", "last_period"]].reset_index(drop=True))


def period_values(stored: pd.DataFrame, period: Period) -> dict[str, float]:
    """The values stored for the period itself (a submitted period reopened), by field key."""
    mine = stored[stored["period"].astype(str) == period.code]
    return {key(i, a): float(v) for i, a, v in zip(mine["indicator"], mine["area_code"], mine["value"])}


def target_for(ind: Indicator, area_code: str, period: Period) -> Target | None:
    """The milestone a value of this period counts toward: the area's next one (national or its own)."""
    return next_target(ind.targets_for(area_code), period_end(period.code))


def entry_text(value: float, ind: Indicator, lang: str = "vi") -> str:
    """A stored value as a person would type it ('94,7' in Vietnamese); a % value of at most 1 with
    its '%', so the gate does not take it for a percent cell's fraction."""
    text = f"{value:.10g}"
    text = text.replace(".", ",") if lang == "vi" else text
    return f"{text} %" if ind.is_percent and 0 < value <= 1 else text


def prefill(stored: dict[str, float], lang: str = "vi") -> dict[str, str]:
    """The entries of a reopened period: each stored value as entry_text writes it."""
    cat = catalogue()
    return {k: entry_text(v, cat[k.split("|")[0]], lang) for k, v in stored.items() if math.isfinite(v)}


def clean_entries(rows: pd.DataFrame, entries: dict[str, object]) -> dict[str, str]:
    """The non-blank entries of the form's own fields, in form order, trimmed and cut to MAX_ENTRY_CHARS."""
    out = {}
    for k in (key(i, a) for i, a in zip(rows["indicator"], rows["area_code"])):
        value = entries.get(k)
        text = "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value).strip()
        if text:
            out[k] = text[:MAX_ENTRY_CHARS]
    return out


def form_file(rows: pd.DataFrame, entries: dict[str, object], period: Period) -> tuple[bytes, list[str]]:
    """The filled fields as a CSV the gate reads (UTF-8, every cell quoted, values as typed), and the
    field key of each data row (file row n + 2 is keys[n]: the header is row 1)."""
    filled = clean_entries(rows, entries)
    buf = io.StringIO()
    writer = csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(FILE_HEADER)
    for k, text in filled.items():
        writer.writerow([*k.split("|"), period.code, text])
    return buf.getvalue().encode("utf-8"), list(filled)


def by_field(found: list, keys: list[str]) -> dict[str, list]:
    """Problems, warnings or corrections (anything with a file `row`) by the field they are about;
    those about no one field under ''."""
    out: dict[str, list] = {}
    for p in found:
        n = (p.row or 0) - 2
        out.setdefault(keys[n] if 0 <= n < len(keys) else "", []).append(p)
    return out


@dataclass(frozen=True)
class FormCheck:
    filled: int                         # fields with a value
    problems: dict[str, list[Problem]]  # by field key ('' for the whole form)
    total: int                          # problems in all (the gate lists at most MAX_PROBLEMS)
    warnings: dict[str, list[Jump]] = field(default_factory=dict)   # jumps to confirm, by field key
    pending: dict[str, list[Pending]] = field(default_factory=dict)  # corrections that would wait for an admin

    @property
    def ok(self) -> bool:
        return self.filled > 0 and self.total == 0

    @property
    def jumps(self) -> int:
        return sum(map(len, self.warnings.values()))


def check_form(rows: pd.DataFrame, entries: dict[str, object], province: str, period: Period,
               today: dt.date | None = None, store: Store | None = None, actor: Actor | None = None) -> FormCheck:
    """The file gate's verdict on the form as it stands and, given the store and the actor, what
    sending it would meet (jumps to confirm, corrections held for an admin). Nothing is written."""
    content, keys = form_file(rows, entries, period)
    if not keys:
        return FormCheck(0, {}, 0)
    checked, problems, total = check_upload(content, submission_name(province, period), scope_province=province,
                                            today=today)
    if checked is None or store is None or actor is None:
        return FormCheck(len(keys), by_field(problems, keys), total)
    jumps, waiting = foresee(store, checked, actor, today or settings_today())
    return FormCheck(len(keys), by_field(problems, keys), total, by_field(jumps, keys), by_field(waiting, keys))


def submission_name(province: str, period: Period) -> str:
    """The name the form's submission carries, as a file's name would: 'form-66-2026-10'."""
    return f"form-{province}-{period.code}"


def submit_form(store: Store, actor: Actor, province: str, period: Period, rows: pd.DataFrame,
                entries: dict[str, object], today: dt.date | None = None,
                accept_warnings: bool = False) -> FileReport:
    """Send the form through the one door (checked, loaded all or nothing, audited; jumps held
    unless the user confirmed them); once it is loaded, held for an admin, or found identical to
    a loaded one, its draft goes."""
    content, _ = form_file(rows, entries, period)
    report = submit(store, content, submission_name(province, period), actor, scope_province=province, today=today,
                    accept_warnings=accept_warnings)
    if report.status in ("accepted", "unchanged", "pending"):
        discard_draft(store, actor, province, period.code)
    return report


@dataclass(frozen=True)
class Draft:
    entries: dict[str, str]
    saved_at: dt.datetime               # naive UTC, as every timestamp of the store


def load_draft(store: Store, actor: Actor, province: str, period_code: str) -> Draft | None:
    """The account's draft for a province and period, if it keeps one."""
    if not store.exists():
        return None
    with store.reading() as conn:
        found = drafts.get(conn, actor.name, province, period_code)
    if found is None:
        return None
    try:
        entries = json.loads(found[0])
    except ValueError:
        return None
    return Draft({str(k): str(v) for k, v in entries.items()}, found[1]) if isinstance(entries, dict) else None


def save_draft(store: Store, actor: Actor, province: str, period_code: str, entries: dict[str, str]) -> dt.datetime:
    """Keep what the account typed (the only writer of drafts); returns when, naive UTC. Raises
    pipelines.accounts.Refused for an actor who may not submit figures for the province."""
    text = json.dumps({k: str(v)[:MAX_ENTRY_CHARS] for k, v in entries.items()}, ensure_ascii=False, sort_keys=True)
    with store.writing() as conn, transaction(conn):
        actor = authorise(conn, actor)
        figures_scope(actor, province)
        return drafts.put(conn, actor.name, province, period_code, text)


def discard_draft(store: Store, actor: Actor, province: str, period_code: str) -> None:
    """Drop the account's draft for a province and period (after its form was loaded)."""
    if not store.exists():
        return
    with store.writing() as conn, transaction(conn):
        drafts.delete(conn, actor.name, province, period_code)


def commune_grid(rows: pd.DataFrame, indicator: str, entries: dict[str, str]) -> pd.DataFrame:
    """The commune fields of one indicator as a grid: area_code, area_name, value (text, as typed)."""
    mine = rows[(rows["indicator"] == indicator) & (rows["level"] == "commune")]
    return pd.DataFrame({"area_code": mine["area_code"].astype(str).to_numpy(),
                         "area_name": mine["area_name"].astype(str).to_numpy(),
                         "value": [entries.get(key(indicator, a), "") for a in mine["area_code"]]})


def grid_entries(grid: pd.DataFrame, indicator: str) -> dict[str, str]:
    """The entries of an edited commune grid (a pasted block from Excel arrives as text cells)."""
    values = grid["value"].astype(object).where(grid["value"].notna(), "")
    return {key(indicator, str(a)): str(v).strip() for a, v in zip(grid["area_code"], values) if str(v).strip()}


def apply_grid_edits(grid: pd.DataFrame, edits: dict | None) -> pd.DataFrame:
    """The grid with a data editor's pending edits ({"edited_rows": {row: {"value": text}}}) applied,
    so a page can check them before it draws the editor."""
    out = grid.copy()
    for row, change in ((edits or {}).get("edited_rows") or {}).items():
        if "value" in change and 0 <= int(row) < len(out):
            out.iat[int(row), out.columns.get_loc("value")] = "" if change["value"] is None else str(change["value"])
    return out
