"""Closed periods and approved corrections (issue 16).

A period closes some days after its deadline (quality.yaml's calendar, `closes_after_days`). A
first value for a closed period is a late report and loads at once; a different value for a key
that already has one is a correction. An uploader's correction waits, pending, for an admin;
an admin's or the operator's is applied directly and audited as such. Approving loads the value
as a one-row submission; rejecting leaves the figure as it was."""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

import numpy as np
import pandas as pd

from indicators.periods import parse_period
from pipelines.accounts import Actor, Refused, authorise
from pipelines.quality.config import load_config
from pipelines.store import Store, SubmissionMeta, audit, corrections, submissions, transaction

# Values closer than this are the same figure (a re-sent file, a rounding in the sheet).
SAME = 1e-9


@dataclass(frozen=True)
class Pending:
    """One correction held for an admin, as the uploader's report lists it (id None in a dry run:
    it would wait, it does not yet)."""
    id: int | None
    row: int
    indicator: str
    area_code: str
    period: str
    value: float
    current_value: float

    def to_json(self) -> dict:
        return {"id": self.id, "row": self.row, "indicator": self.indicator, "area_code": self.area_code,
                "period": self.period, "value": self.value, "current_value": self.current_value}


def closed_periods(periods, today: dt.date) -> set[str]:
    """The period codes among `periods` that are closed on `today`."""
    cfg, out = load_config(), set()
    for code in set(map(str, periods)):
        p = parse_period(code)
        if p is not None and cfg.closed(p.end, p.granularity, today):
            out.add(code)
    return out


def split(conn, rows: pd.DataFrame, today: dt.date) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(rows that load as usual, corrections): a correction is a row for a closed period whose key
    already has a different current value; it carries that value as previous_value."""
    closed = closed_periods(rows["period"].unique(), today)
    none = rows.iloc[0:0].assign(previous_value=pd.Series(dtype=float))
    in_closed = rows["period"].isin(closed)  # period codes are text (a Categorical of them)
    if not in_closed.any():
        return rows, none
    keys = rows.loc[in_closed, ["indicator", "area_code", "period"]].assign(position=np.flatnonzero(in_closed))
    stored = corrections.stored_values(conn, keys)
    if stored.empty:  # nothing stored yet for these keys (a first load): no copy of a million rows
        return rows, none
    previous = np.full(len(rows), np.nan)
    previous[stored["position"].to_numpy()] = stored["current_value"].to_numpy()
    previous = pd.Series(previous, index=rows.index)
    changed = previous.notna() & ((rows["value"].astype(float) - previous).abs() > SAME)
    return rows[~changed], rows[changed].assign(previous_value=previous[changed])


def applies_directly(actor: Actor) -> bool:
    """Admins and the operator at the shell correct closed periods without approval."""
    return actor.kind == "operator" or actor.role == "admin"


def keep_pending(conn, rows: pd.DataFrame, name: str, sha: str, actor: Actor) -> list[Pending]:
    """Store an uploader's corrections as pending (inside the caller's transaction)."""
    ids = corrections.add(conn, rows, name, sha, actor.name)
    rows = rows.sort_values("row_number", kind="stable")  # a wide row's values in the order of its columns
    return [Pending(ids[str(r.indicator), str(r.area_code), str(r.period)], int(r.row_number), str(r.indicator),
                    str(r.area_code), str(r.period), float(r.value), float(r.previous_value))
            for r in rows.itertuples()]


def describe(rows: pd.DataFrame) -> str:
    """The corrections of an audit line: indicator area period old -> new."""
    return ", ".join(f"{r.indicator} {r.area_code} {r.period}: {r.previous_value:g} -> {r.value:g}"
                     for r in rows.sort_values("row_number").itertuples())


def pending(store: Store, user_name: str | None = None) -> pd.DataFrame:
    """Pending corrections, oldest first (one sender's when named); none before the first write."""
    if not store.exists():
        return pd.DataFrame(columns=corrections.COLUMNS)
    with store.reading() as conn:
        return corrections.listed(conn, "pending", user_name)


def listed(store: Store, status: str | None = "pending") -> pd.DataFrame:
    with store.reading() as conn:
        return corrections.listed(conn, status)


def decide(store: Store, correction_id: int, actor: Actor, approve: bool) -> dict:
    """Approve (load as a one-row submission) or reject a pending correction, audited; the
    correction as it now stands. Refused unless the actor is an admin or the operator."""
    with store.writing() as conn, transaction(conn):
        actor = authorise(conn, actor)
        if not applies_directly(actor):
            raise Refused("refused_not_admin", name=actor.name)
        found = corrections.get(conn, correction_id)
        if found is None or found["status"] != "pending":
            raise LookupError(correction_id)
        sid = _load(conn, found) if approve else None
        outcome = "approved" if approve else "rejected"
        corrections.decide(conn, correction_id, outcome, actor.name, sid)
        audit.record(conn, actor.name, "correction", outcome, submission_id=sid, subject=found["file_name"],
                     sha256=found["sha256"],
                     detail=f"#{correction_id} {found['indicator']} {found['area_code']} {found['period']}: "
                            f"{found['previous_value']:g} -> {found['value']:g}; sent by {found['user_name']}")
        return corrections.get(conn, correction_id)


def _load(conn, found: dict) -> int:
    row = pd.DataFrame([{k: found[k] for k in ("indicator", "area_code", "period", "granularity", "value",
                                               "numerator", "denominator", "note", "row_number")}])
    row = row.astype({"value": float, "numerator": float, "denominator": float, "row_number": "int32"})
    # Its own digest: re-sending the original file must not look like this one-row submission.
    sha = hashlib.sha256(f"{found['sha256']}:correction:{found['id']}".encode()).hexdigest()
    meta = SubmissionMeta(f"correction #{found['id']}: {found['file_name']}", sha, found["user_name"],
                          "correction")
    return submissions.load_values(conn, row, meta)
