"""The great-expectations suite: one expectation per check, held against the measures of checks.py.

Why the pandas datasource: in GX 1.24 a SQL datasource over DuckDB reads the table but every
expectation then fails with MetricResolutionError, because GX closes the connection before
fetching (GX issues #10738, #11579; a native DuckDB engine is an unmerged PR). Frames read from
DuckDB and validated with the pandas datasource work, and fast (1M rows in about 0.4 s).
`run_suite` refuses a result in which an expectation raised instead of judging, so that failure
mode cannot pass silently as "everything flagged" or "nothing flagged" (tests/test_quality.py).
great_expectations is imported here only, and this module only when a quality run starts."""
from __future__ import annotations

import contextlib
import logging
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pipelines.quality.config import QualityConfig


class QualitySuiteError(Exception):
    """An expectation raised instead of judging the data."""


@dataclass(frozen=True)
class Check:
    name: str          # check id, stored with each flag
    frame: str         # which measures frame it reads
    column: str
    low: float | None
    high: float | None


def checks(cfg: QualityConfig) -> list[Check]:
    th = cfg.thresholds
    return [
        Check("completeness", "reporting", "completeness", th.completeness_min, None),
        Check("timeliness", "reporting", "timeliness", th.timeliness_min, None),
        Check("outlier_own_series", "own_series", "modified_z", -th.modified_z, th.modified_z),
        Check("outlier_cross_area", "cross_area", "cross_z", -th.cross_area_sd, th.cross_area_sd),
        Check("over_time_points", "over_time", "change_points", -th.over_time_points, th.over_time_points),
        Check("over_time_ratio", "over_time", "change_ratio", -th.over_time_ratio, th.over_time_ratio),
        Check("coverage_drop", "coverage_drops", "change_points", -th.coverage_drop_points, None),
        Check("ratio_mismatch", "ratio", "ratio_error", None, th.ratio_points),
        Check("province_vs_communes", "province_vs_communes", "relative_gap", None, th.commune_mean_tolerance),
        Check("aggregate_above_100", "province_vs_communes", "percent_aggregate", None, 100.0),
    ]


@dataclass
class SuiteResult:
    flagged: dict[str, list]        # check name -> index labels of the unexpected rows
    success: bool
    seconds: float


def run_suite(frames: dict[str, pd.DataFrame], cfg: QualityConfig, docs_dir: Path | None = None) -> SuiteResult:
    """Validate every measures frame with its expectations; build Data Docs into docs_dir."""
    started = time.perf_counter()
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    if docs_dir is not None:
        docs_dir.mkdir(parents=True, exist_ok=True)
        context = gx.get_context(mode="file", project_root_dir=str(docs_dir))
    else:
        context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    source = _fresh_source(context)
    flagged: dict[str, list] = {}
    success = True
    for frame_name, frame in frames.items():
        frame_checks = [c for c in checks(cfg) if c.frame == frame_name]
        if not frame_checks or frame.empty:
            for c in frame_checks:
                flagged[c.name] = []
            continue
        asset = source.add_dataframe_asset(frame_name)
        batch = asset.add_batch_definition_whole_dataframe("all")
        suite = gx.ExpectationSuite(name=f"nq72_{frame_name}")
        for c in frame_checks:
            suite.add_expectation(gx.expectations.ExpectColumnValuesToBeBetween(
                column=c.column, min_value=c.low, max_value=c.high, meta={"check": c.name}))
        suite = context.suites.add_or_update(suite)
        definition = context.validation_definitions.add_or_update(
            gx.ValidationDefinition(name=f"nq72_{frame_name}", data=batch, suite=suite))
        result = definition.run(batch_parameters={"dataframe": frame.reset_index(drop=True)},
                                result_format={"result_format": "COMPLETE"})
        for r in result.results:
            if (problem := _raised(r.exception_info)) is not None:
                raise QualitySuiteError(f"{r.expectation_config.meta.get('check')}: {problem}")
            flagged[r.expectation_config.meta["check"]] = list(r.result.get("unexpected_index_list") or [])
        success = success and result.success
    if docs_dir is not None:
        context.build_data_docs()
    return SuiteResult(flagged, success, time.perf_counter() - started)


def _raised(info: dict | None) -> str | None:
    """The message of an exception an expectation raised, whichever shape GX reports it in:
    flat ({"raised_exception": True, ...}) or per metric ({metric id: {"exception_message": ...}})."""
    if not info:
        return None
    if info.get("raised_exception"):
        return str(info.get("exception_message"))
    for value in info.values():
        if isinstance(value, dict) and (value.get("raised_exception") or value.get("exception_traceback")):
            return str(value.get("exception_message") or value.get("exception_traceback"))[-500:]
    return None


def _fresh_source(context):
    """A pandas datasource named nq72, replaced on every run (frames differ each time)."""
    with contextlib.suppress(Exception):  # GX raises its own types when there is nothing to delete
        context.data_sources.delete("nq72")
    return context.data_sources.add_pandas("nq72")


def docs_index(docs_dir: Path) -> Path | None:
    """The Data Docs start page, once built."""
    hits = sorted(docs_dir.glob("**/data_docs/local_site/index.html"))
    return hits[0] if hits else None
