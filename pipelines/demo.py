"""Deterministic SYNTHETIC demo data for all 34 provinces, loaded through the upload pipeline.

Anchored on public national figures (shared reference, statistics office and social security
releases): insurance coverage 91.1% (2022), 93.35% (2023), 95.2% (2025); life expectancy 73.6
(2021), 74.5 (2023), 74.8 (2025); healthy life years about 67 (2025); e-health books about a
quarter of the population in 2025; 195.5 million insured visits in 2025. Doctors per station and
the insured-visit share at stations have no public source: they are invented, and look it
(round numbers). Every submission is flagged synthetic and the dashboard says so.

Planted, so that later checks have known answers: Lai Châu (12) regresses on coverage;
Điện Biên (11) never sent 2026-08; Cà Mau (96) sends every 2026 report late; Thanh Hóa (38)
reports an outlier coverage of 75.0 in 2026-03.
"""
from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import numpy as np
import pandas as pd
from tqdm import tqdm

from data import geography
from indicators.catalogue import catalogue
from indicators.periods import Period, figures_due, last_complete_month, make_period, periods_between
from indicators.tasks import plan_tasks
from pipelines.accounts import operator
from pipelines.quality.results import results_path
from pipelines.quality.run import run_quality
from pipelines.settings import settings
from pipelines.store import Store, submissions
from pipelines.submit import submit

FIRST_YEAR = 2021
LIVE_FROM = (2025, 7)     # monthly reporting started; earlier figures were back-filled
REGRESSING = "12"
MISSING = ("11", "2026-08")
LATE = "96"
OUTLIER = ("38", "insurance_coverage", "2026-03", 75.0)
DEMO_OPERATOR = operator("demo (synthetic)")


def _interp(t: np.ndarray | float, anchors: dict[float, float]) -> np.ndarray:
    xs, ys = zip(*sorted(anchors.items()))
    slope = (ys[-1] - ys[-2]) / (xs[-1] - xs[-2])
    t = np.asarray(t, dtype=float)
    return np.where(t > xs[-1], ys[-1] + slope * (t - xs[-1]), np.interp(t, xs, ys))


def _t(p: Period) -> float:
    """Mid-point of a period in fractional years."""
    return p.start.year + (p.start.timetuple().tm_yday + (p.end - p.start).days / 2) / 365.25


class _Province:
    """A province's character: level offset and pace (some on track, some off, one regressing)."""

    def __init__(self, code: str, population: int, rng: np.random.Generator):
        self.code, self.population = code, population
        self.offset = rng.uniform(-1.0, 1.0)     # -1 lagging ... +1 leading
        self.pace = rng.uniform(0.5, 1.5)
        self.regressing = code == REGRESSING


def _province_rows(prov: _Province, periods: dict[str, list[Period]], rng) -> list[dict]:
    rows = []

    def add(ind, p, value, num=None, den=None):
        rows.append({"indicator": ind, "area_code": prov.code, "period": p.code, "value": value,
                     "numerator": num, "denominator": den})

    o, pace = prov.offset, prov.pace
    for p in periods["month"]:
        t = _t(p)
        cov = _interp(t, {2019.5: 90.0, 2022.5: 91.1, 2023.5: 93.35, 2025.5: 95.2})
        cov = cov + 1.5 * o + (t - 2023.5) * 0.4 * (pace - 1) if not prov.regressing else 96.0 - 1.0 * (t - 2021)
        add("insurance_coverage", p, round(float(min(cov, 99.6)), 1))
        share = 12 + (t - 2021) * 1.1 * pace + 2 * o
        den = int(round(195.5e6 / 12 * prov.population / 112e6 * rng.uniform(0.9, 1.1), -3))
        num = int(round(den * share / 100, -2))
        add("commune_insured_visit_share", p, round(num / den * 100, 2), num, den)
        eh = max(0.0, float(_interp(t, {2022.5: 0.0, 2023.5: 5.0, 2024.5: 12.0, 2025.5: 25.0})) * pace + 4 * o)
        add("ehealth_book_coverage", p, round(min(eh, 99.0), 1))
        add("immunization_coverage", p, round(float(np.clip(96 + 1.5 * o + rng.normal(0, 0.6), 85, 99.5)), 1))
        births = int(round(prov.population * 14 / 1000 / 12, -1))
        screened = int(round(births * min(0.99, (70 + (t - 2021) * 3 * pace + 5 * o) / 100)))
        add("prenatal_screening_rate", p, round(screened / births * 100, 2), screened, births)
    for p in periods["quarter"]:
        t = _t(p)
        annual = 30 + 3 * o if p.year < 2026 else 60 + 15 * o * pace
        add("annual_checkup_coverage", p, round(annual * int(p.code[-1]) / 4, 1))
        add("online_health_services", p, round(float(min(100.0, 40 + (t - 2021) * 9 * pace + 5 * o)), 0))
    for p in periods["year"]:
        y = p.year
        le = float(_interp(y, {2021: 73.6, 2023: 74.5, 2025: 74.8})) + 1.5 * o + (y - 2023) * 0.1 * (pace - 1)
        add("life_expectancy", p, round(le, 1))
        add("healthy_life_expectancy", p, round(float(_interp(y, {2021: 65.9, 2025: 67.0})) + 1.2 * o, 1))
        add("youth_height_gain", p, round((y - 2025) * 0.3 * pace, 1))
        add("physical_activity_rate", p, round(28 + 4 * o + (y - 2021) * 0.6 * pace, 0))
        add("station_standard_rate", p, round(float(min(100, 55 + 8 * o + (y - 2021) * 4 * pace)), 0))
        add("health_admin_satisfaction", p, round(float(np.clip(90 + 3 * o + (y - 2021) * 0.5, 0, 100)), 0))
    return rows


def _doctor_rows(prov: _Province, quarters: list[Period], rng) -> list[dict]:
    """Whole doctors per commune station, drifting up; the province row is the station mean."""
    communes = geography.communes()
    codes = communes.loc[communes["province_code"] == prov.code, "code"].to_numpy()
    base = rng.poisson(1.2 + 0.6 * prov.offset + 0.6, size=len(codes)).astype(float) + 1
    rows = []
    for p in quarters:
        gain = np.floor((_t(p) - 2021) * 0.35 * prov.pace + rng.uniform(0, 1, size=len(codes)))
        doctors = np.clip(base + gain, 0, 9)
        rows += [{"indicator": "doctors_per_station", "area_code": c, "period": p.code, "value": float(d),
                  "numerator": None, "denominator": None} for c, d in zip(codes, doctors)]
        rows.append({"indicator": "doctors_per_station", "area_code": prov.code, "period": p.code,
                     "value": round(float(doctors.mean()), 2), "numerator": None, "denominator": None})
    return rows


def demo_frame(seed: int = 72, today: dt.date | None = None) -> pd.DataFrame:
    """Every synthetic value, one row per (indicator, area, period), plus the report it belongs to."""
    rng = np.random.default_rng(seed)
    last = last_complete_month(today)
    first = make_period(FIRST_YEAR, "month", 1)
    periods = {g: [p for p in periods_between(first, last, g) if p.end <= last.end]
               for g in ("month", "quarter", "year")}
    frames = []
    for row in geography.provinces().itertuples():
        prov = _Province(row.code, int(row.population), rng)
        rows = _province_rows(prov, periods, rng) + _doctor_rows(prov, periods["quarter"], rng)
        frames.append(pd.DataFrame(rows).assign(province=row.code))
    df = pd.concat(frames, ignore_index=True)
    code, ind, period, value = OUTLIER
    df.loc[(df.area_code == code) & (df.indicator == ind) & (df.period == period), "value"] = value
    df = df[~((df.area_code.str[:2].isin([MISSING[0]]) | (df.province == MISSING[0])) & (df.period == MISSING[1]))]
    df["report"] = df["period"].map(_report_month)
    return df


def _report_month(period: str) -> str:
    """Which report carries a value: monthly reports from LIVE_FROM on (a quarter with its last
    month); annual figures in an annual report each December; everything before LIVE_FROM in one
    back-filled file per province and year, loaded when reporting started."""
    year = int(period[:4])
    if len(period) == 4 and year >= LIVE_FROM[0]:
        return f"{year}-annual"
    month = 12 if len(period) == 4 else int(period[-1]) * 3 if "-Q" in period else int(period[5:7])
    if (year, month) < LIVE_FROM:
        return f"{year}"
    return f"{year}-{month:02d}"


def _received_at(province: str, report: str, rng) -> dt.datetime:
    """Monthly reports are due on the operator's day (NQ72_FIGURES_DUE_DAY, indicators.periods.figures_due),
    annual ones by 15 December (quality.yaml); back-fills arrived when reporting started."""
    hour = dt.time(int(rng.integers(8, 17)), 0)
    if "-" not in report:
        return dt.datetime(*LIVE_FROM, 10, 9, 0) + dt.timedelta(hours=int(report) - FIRST_YEAR)
    if report.endswith("annual"):
        return dt.datetime.combine(dt.date(int(report[:4]), 12, int(rng.integers(1, 15))), hour)
    due = figures_due(report, settings().figures_due_day)
    days = int(rng.integers(3, 12)) if province == LATE and int(report[:4]) >= 2026 else -int(rng.integers(0, 15))
    return dt.datetime.combine(due + dt.timedelta(days=days), hour)


def demo_files(seed: int = 72, today: dt.date | None = None) -> list[tuple[str, bytes, dt.datetime]]:
    """The demo as the CSV files a department would send: (name, bytes, received_at), in order."""
    rng = np.random.default_rng(seed + 1)
    df = demo_frame(seed, today)
    cutoff = dt.datetime.combine(today or dt.date.today(), dt.time(0, 0))
    files = []
    for (province, report), part in df.groupby(["province", "report"], sort=True):
        received = _received_at(province, report, rng)
        if received > cutoff:
            continue  # not sent yet: shows as missing until it arrives
        buf = io.StringIO()
        _small_percents_marked(part)[["indicator", "area_code", "period", "value", "numerator",
                                      "denominator"]].to_csv(buf, index=False)
        name = f"demo-{province}-{report}.csv"
        files.append((name, buf.getvalue().encode("utf-8"), received))
    return sorted(files, key=lambda f: f[2])


def _small_percents_marked(part: pd.DataFrame) -> pd.DataFrame:
    """A % value of at most 1 without numerator and denominator is written '0.3%', as a department
    must write it: the gate refuses a bare 0.3 as a likely fraction of 30 %."""
    percent = {i.code for i in catalogue().indicators if i.unit == "%"}
    small = part["indicator"].isin(percent) & part["value"].between(0, 1, inclusive="right") & part["denominator"].isna()
    if not small.any():
        return part
    out = part.astype({"value": object})
    out.loc[small, "value"] = out.loc[small, "value"].map(lambda v: f"{v}%")
    return out


def demo_task_updates(seed: int = 72, today: dt.date | None = None) -> bytes:
    """Synthetic status updates for about two thirds of the plan tasks, last month."""
    rng = np.random.default_rng(seed + 2)
    today = today or dt.date.today()
    month = last_complete_month(today).end
    tasks = plan_tasks()
    chosen = tasks[rng.uniform(size=len(tasks)) < 0.65]
    status = rng.choice(["in_progress", "in_progress", "done", "not_started"], size=len(chosen))
    frame = pd.DataFrame({"task_id": chosen["task_id"], "period": f"{month.year}-{month.month:02d}",
                          "status": status, "note": "Cập nhật minh họa (dữ liệu tổng hợp)"})
    return frame.to_csv(index=False).encode("utf-8")


def build_demo(path: str | Path, seed: int = 72, progress: bool = False, today: dt.date | None = None,
               quality: bool = True) -> dict:
    """Create a fresh database at `path`, submit the synthetic files through the one door (as the
    operator, one held connection for the batch), run the quality suite. The demo's own jumps (the
    OUTLIER among them) are warnings it accepts, as an uploader would after checking them."""
    path = Path(path)
    for p in (path, Path(f"{path}.wal"), results_path(path), Path(f"{results_path(path)}.wal")):
        p.unlink(missing_ok=True)
    files = demo_files(seed, today)
    tasks_received = dt.datetime.combine(today or dt.date.today(), dt.time(0)) - dt.timedelta(days=5)
    files.append(("demo-task-updates.csv", demo_task_updates(seed, today), tasks_received))
    with Store(path).holding() as batch:
        for name, content, received in tqdm(files, desc="demo", unit="file", disable=not progress):
            scope = None if name == "demo-task-updates.csv" else name.split("-")[1]
            report = submit(batch, content, name, DEMO_OPERATOR, scope_province=scope, received_at=received,
                            synthetic=True, today=today, start_quality=False, accept_warnings=True)
            if report.status != "accepted":
                raise RuntimeError(f"demo file {name} was {report.status}: {report.problems[:3]}")
        submissions.set_meta(batch.held, "synthetic", "true")
        submissions.set_meta(batch.held, "demo_seed", str(seed))
        n_sub, n_val = submissions.counts(batch.held)
    if quality:
        run_quality(path, trigger="demo", today=today, build_docs=True)
    return {"submissions": n_sub, "values": n_val}
