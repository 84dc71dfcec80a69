"""One quality run: read the stored values (one short read-only connection), compute the measures,
judge them with the GX suite, store flags, completeness/timeliness and scores, build Data Docs."""
from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from data import geography
from indicators.catalogue import Catalogue, catalogue
from pipelines import store
from pipelines.quality import checks as measures
from pipelines.quality import results
from pipelines.quality.config import QualityConfig, load_config

VALUES_SQL = """
    with first_seen as (
        select iv.indicator, iv.area_code, iv.period, min(s.received_at) as first_received
        from indicator_values iv join submissions s on s.id = iv.submission_id
        group by iv.indicator, iv.area_code, iv.period)
    select v.indicator, v.area_code, a.level, a.province_code, v.period, v.granularity, v.value,
           v.numerator, v.denominator, f.first_received
    from current_values v join areas a on a.code = v.area_code
    join first_seen f on f.indicator = v.indicator and f.area_code = v.area_code and f.period = v.period"""


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
        frame = conn.execute(VALUES_SQL).df()
        version = store.one(conn, "select coalesce(max(id), 0) from submissions")[0]
    frame["t"] = _period_end(frame["period"])
    return frame, version


def _period_end(periods: pd.Series) -> np.ndarray:
    from indicators.aggregate import period_ends

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
    from pipelines.quality.suite import run_suite

    cfg, cat, today = cfg or load_config(), catalogue(), today or dt.date.today()
    started, t0 = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None), time.perf_counter()
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
    record = results.RunRecord(started, dt.datetime.now(dt.timezone.utc).replace(tzinfo=None), trigger,
                               province or "national", period, int(version), len(values), suite.success,
                               seconds["query"], seconds["checks"], seconds["gx"], str(docs) if docs else None)
    run_id = results.save_run(db, record, flags, reporting, scores)
    from pipelines.quality.suite import docs_index

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


_MESSAGES = {
    "completeness": ("Chỉ nhận {received:.0f}/{expected:.0f} giá trị phải báo cáo ({measure:.0%}).",
                     "Only {received:.0f} of {expected:.0f} expected values received ({measure:.0%})."),
    "timeliness": ("Chỉ {on_time:.0f}/{expected:.0f} giá trị nộp đúng hạn {deadline} ({measure:.0%}).",
                   "Only {on_time:.0f} of {expected:.0f} values arrived by the deadline {deadline} ({measure:.0%})."),
    "outlier_own_series": ("Giá trị {value:g} khác thường so với chuỗi số liệu của chính đơn vị (z cải tiến {measure:.1f}; trung vị {median:g}).",
                           "Value {value:g} is unusual for the area's own series (modified z {measure:.1f}; median {median:g})."),
    "outlier_cross_area": ("Giá trị {value:g} cách trung bình các đơn vị cùng cấp ({peer_mean:.1f}) {measure:.1f} độ lệch chuẩn.",
                           "Value {value:g} is {measure:.1f} standard deviations from comparable areas (mean {peer_mean:.1f})."),
    "over_time_points": ("Năm {period}: {value:g} chênh {measure:+.1f} điểm so với trung bình 3 năm trước ({previous_mean:.1f}).",
                         "{period}: {value:g} is {measure:+.1f} points from the mean of the 3 previous years ({previous_mean:.1f})."),
    "over_time_ratio": ("Năm {period}: {value:g} chênh {measure:+.0%} so với trung bình 3 năm trước ({previous_mean:.2f}).",
                        "{period}: {value:g} is {measure:+.0%} from the mean of the 3 previous years ({previous_mean:.2f})."),
    "coverage_drop": ("Bao phủ BHYT giảm {measure:+.1f} điểm so với tháng trước ({previous:g} → {value:g}).",
                      "Insurance coverage changed {measure:+.1f} points from the month before ({previous:g} → {value:g})."),
    "ratio_mismatch": ("Giá trị {value:g} không khớp tử số/mẫu số ({expected:.2f}).",
                       "Value {value:g} does not match numerator/denominator ({expected:.2f})."),
    "province_vs_communes": ("Số của tỉnh ({value:g}) lệch {measure:.0%} so với số tổng hợp từ {communes:.0f} xã ({communes_value:.2f}).",
                             "The province figure ({value:g}) is {measure:.0%} off the figure of its {communes:.0f} communes ({communes_value:.2f})."),
    "aggregate_above_100": ("Tổng hợp từ các xã vượt 100% ({measure:.1f}%).",
                            "The figure aggregated from communes exceeds 100% ({measure:.1f}%)."),
}


def _flags(frames: dict[str, pd.DataFrame], flagged: dict[str, list], cfg: QualityConfig) -> pd.DataFrame:
    """One row per flagged value (or province and period), with why, in both languages."""
    from pipelines.quality.suite import checks

    rows = []
    for check in checks(cfg):
        frame = frames[check.frame].reset_index(drop=True)
        for idx in flagged.get(check.name, []):
            r = frame.loc[idx]
            fields = {k: (v if not (isinstance(v, float) and np.isnan(v)) else 0.0) for k, v in r.items()}
            fields["measure"] = r[check.column]
            fields["deadline"] = str(r.get("deadline", ""))
            vi, en = (m.format(**fields) for m in _MESSAGES[check.name])
            rows.append({"check_name": check.name, "indicator": r.get("indicator"),
                         "area_code": r.get("area_code", r.get("province_code")), "period": r["period"],
                         "value": r.get("value"), "measure": float(r[check.column]), "message_vi": vi,
                         "message_en": en})
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


def start_in_background(db: str | Path, province: str | None = None) -> subprocess.Popen | None:
    """Start `nq72 quality` after a submission without waiting for it (NQ72_QUALITY_AFTER_INGEST=0
    turns this off). Its output goes to <db>.quality.log."""
    if os.environ.get("NQ72_QUALITY_AFTER_INGEST", "1") == "0":
        return None
    cmd = [sys.executable, "-m", "pipelines.cli", "quality", "--db", str(db), "--trigger", "submission"]
    if province:
        cmd += ["--province", province]
    log = open(Path(db).with_name(f"{Path(db).stem}.quality.log"), "ab")
    return subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                            start_new_session=True, cwd=str(Path(__file__).resolve().parents[2]))
