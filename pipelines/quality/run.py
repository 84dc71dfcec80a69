"""One quality run: read the stored values (one short read-only connection), compute the measures,
judge them with the GX suite, store flags, completeness/timeliness and scores, build Data Docs."""
from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from data import geography
from indicators.aggregate import period_ends
from indicators.catalogue import Catalogue, catalogue
from pipelines import store
from pipelines.messages import t
from pipelines.quality import checks as measures
from pipelines.quality import results
from pipelines.quality.config import QualityConfig, load_config
from pipelines.quality.suite import checks, docs_index, run_suite
from pipelines.settings import today as settings_today
from pipelines.store import submissions, values


@dataclass
class QualityReport:
    run_id: int
    values_checked: int
    flags: pd.DataFrame
    reporting: pd.DataFrame
    scores: pd.DataFrame
    seconds: dict[str, float]
    docs: Path | None


def load_values(db: str | Path) -> tuple[pd.DataFrame, int]:
    """Current values with level, province and first receipt time; and the newest submission id."""
    with store.opened(db, read_only=True) as conn:
        frame = values.with_first_receipt(conn)
        version = submissions.newest_id(conn)
    frame["t"] = _period_end(frame["period"])
    return frame, version


def _period_end(periods: pd.Series) -> np.ndarray:
    return period_ends(periods) if len(periods) else np.array([], dtype=float)


def measure_frames(values: pd.DataFrame, cat: Catalogue, cfg: QualityConfig, today: dt.date) -> dict[str, pd.DataFrame]:
    """Every measures frame the suite judges, keyed by the frame names of suite.checks()."""
    values = values.astype({"value": float, "numerator": float, "denominator": float})
    pvc = measures.province_vs_communes(values, cat)
    pvc["percent_aggregate"] = pvc["communes_value"].where(pvc["percent"].astype(bool))
    return {
        "reporting": measures.reporting(values, cat, cfg, today),
        "own_series": measures.own_series_outliers(values, cat, cfg),
        "cross_area": measures.cross_area_outliers(values, cat, cfg),
        "over_time": measures.over_time(values, cat, cfg, today),
        "coverage_drops": measures.coverage_drops(values),
        "ratio": measures.ratio_consistency(values, cat),
        "province_vs_communes": pvc,
    }


def run_quality(db: str | Path, province: str | None = None, period: str | None = None,
                trigger: str = "manual", today: dt.date | None = None, build_docs: bool = True,
                cfg: QualityConfig | None = None) -> QualityReport:
    """Run every check; store and return what was found (restricted to a province/period if given)."""
    cfg, cat, today = cfg or load_config(), catalogue(), today or settings_today()
    started, t0 = dt.datetime.now(dt.UTC).replace(tzinfo=None), time.perf_counter()
    values, version = load_values(db)
    t1 = time.perf_counter()
    frames = measure_frames(values, cat, cfg, today)
    t2 = time.perf_counter()
    docs = results.docs_path(db) if build_docs else None
    suite = run_suite(frames, cfg, docs)
    flags = _flags(frames, suite.flagged, cfg)
    reporting = frames["reporting"]
    flags, reporting = _restrict(flags, reporting, province, period)
    scores = province_scores(reporting, flags, values, cfg)
    seconds = {"query": t1 - t0, "checks": t2 - t1, "gx": suite.seconds}
    record = results.RunRecord(started, dt.datetime.now(dt.UTC).replace(tzinfo=None), trigger,
                               province or "national", period, int(version), len(values), suite.success,
                               seconds["query"], seconds["checks"], seconds["gx"], str(docs) if docs else None)
    run_id = results.save_run(db, record, flags, reporting, scores)
    return QualityReport(run_id, len(values), flags, reporting, scores, seconds,
                         docs_index(docs) if docs else None)


def _restrict(flags: pd.DataFrame, reporting: pd.DataFrame, province: str | None, period: str | None):
    if province:
        of = geography.commune_province()
        flags = flags[flags["area_code"].map(lambda a: a == province or of.get(a) == province)]
        reporting = reporting[reporting["province_code"] == province]
    if period:
        flags = flags[flags["period"] == period]
        reporting = reporting[reporting["period"] == period]
    return flags.reset_index(drop=True), reporting.reset_index(drop=True)


def _flags(frames: dict[str, pd.DataFrame], flagged: dict[str, list], cfg: QualityConfig) -> pd.DataFrame:
    """One row per flagged value (or province and period), with why, in both languages."""
    rows = []
    for check in checks(cfg):
        frame = frames[check.frame].reset_index(drop=True)
        for idx in flagged.get(check.name, []):
            r = frame.loc[idx]
            fields = {k: (v if not (isinstance(v, float) and np.isnan(v)) else 0.0) for k, v in r.items()}
            fields["measure"] = r[check.column]
            fields["deadline"] = str(r.get("deadline", ""))
            key = f"flag_{check.name}"   # the wording of each check in messages.TEXT
            rows.append({"check_name": check.name, "indicator": r.get("indicator"),
                         "area_code": r.get("area_code", r.get("province_code")), "period": r["period"],
                         "value": r.get("value"), "measure": float(r[check.column]),
                         "message_vi": t(key, "vi", **fields), "message_en": t(key, "en", **fields)})
    cols = ["check_name", "indicator", "area_code", "period", "value", "measure", "message_vi", "message_en"]
    return pd.DataFrame(rows, columns=cols)


def province_scores(reporting: pd.DataFrame, flags: pd.DataFrame, values: pd.DataFrame,
                    cfg: QualityConfig) -> pd.DataFrame:
    """Per province: completeness, timeliness, share of its values not flagged, and a 0-100 score."""
    w = cfg.score_weights
    of = geography.commune_province()
    area_province = values["area_code"].map(lambda a: of.get(a, a))
    counts = area_province.value_counts()
    value_flags = flags[~flags["check_name"].isin(["completeness", "timeliness"])]
    flagged = value_flags.drop_duplicates(["indicator", "area_code", "period"])["area_code"].map(
        lambda a: of.get(a, a)).value_counts()
    all_flags = flags["area_code"].map(lambda a: of.get(a, a)).value_counts()
    rep = reporting.groupby("province_code").agg(expected=("expected", "sum"), received=("received", "sum"),
                                                 on_time=("on_time", "sum"))
    out = pd.DataFrame({"province_code": rep.index})
    out["completeness"] = (rep["received"] / rep["expected"]).to_numpy()
    out["timeliness"] = (rep["on_time"] / rep["expected"]).to_numpy()
    n = out["province_code"].map(counts).fillna(0)
    out["flagged_share"] = (out["province_code"].map(flagged).fillna(0) / n.where(n > 0)).fillna(0).to_numpy()
    out["flags"] = out["province_code"].map(all_flags).fillna(0).astype(int)
    out["score"] = 100 * (w.completeness * out["completeness"] + w.timeliness * out["timeliness"]
                          + w.unflagged * (1 - out["flagged_share"])) / (w.completeness + w.timeliness + w.unflagged)
    return out
