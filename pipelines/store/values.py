"""SQL that reads stored figures: what the dashboard, the quality run and the exports show."""
from __future__ import annotations

import duckdb
import pandas as pd

from pipelines.store.connection import one
from pipelines.store.submissions import is_synthetic

# End of a period as a fractional year, in SQL (indicators.aggregate.period_end in Python).
PERIOD_END = ("case when length(period) = 4 then cast(period as integer) + 1.0"
              " when substr(period, 6, 1) = 'Q' then cast(substr(period, 1, 4) as integer)"
              " + cast(substr(period, 7, 1) as integer) / 4.0"
              " else cast(substr(period, 1, 4) as integer) + cast(substr(period, 6, 2) as integer) / 12.0 end")


def summary(conn: duckdb.DuckDBPyConnection) -> dict:
    """Counts for page headers and whether the data is synthetic."""
    provinces, values = one(conn, "select count(distinct a.province_code), count(*) from current_values v"
                                  " join areas a on a.code = v.area_code")
    submissions, last = one(conn, "select count(*), max(received_at) from submissions")
    return {"provinces": provinces, "values": values, "submissions": submissions,
            "last_submission": last, "synthetic": is_synthetic(conn)}


def province_values(conn: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Current province-level values of every indicator, with period end `t` and receipt time."""
    return conn.execute(
        f"select v.indicator, v.area_code, v.period, v.granularity, v.value, v.numerator,"
        f" v.denominator, v.submission_id, s.received_at, {PERIOD_END} as t"
        " from current_values v join submissions s on s.id = v.submission_id"
        " join areas a on a.code = v.area_code where a.level = 'province'"
        " order by v.indicator, v.area_code, t").df()


def commune_latest(conn: duckdb.DuckDBPyConnection, indicator: str, as_of: float,
                   province: str | None = None) -> pd.DataFrame:
    """Each commune's latest value of an indicator at or before `as_of` (fractional year), with its receipt time."""
    sql = (f"select v.area_code, a.name, a.province_code, v.period, v.value, {PERIOD_END} as t, s.received_at"
           " from current_values v join areas a on a.code = v.area_code join submissions s on s.id = v.submission_id"
           f" where a.level = 'commune' and v.indicator = ? and {PERIOD_END} <= ?")
    params: list = [indicator, as_of]
    if province:
        sql += " and a.province_code = ?"
        params.append(province)
    sql += " qualify row_number() over (partition by v.area_code order by t desc) = 1 order by v.area_code"
    return conn.execute(sql, params).df()


def with_first_receipt(conn: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Current values with level, province and when each key was first received (timeliness)."""
    return conn.execute("""
        with first_seen as (
            select iv.indicator, iv.area_code, iv.period, min(s.received_at) as first_received
            from indicator_values iv join submissions s on s.id = iv.submission_id
            group by iv.indicator, iv.area_code, iv.period)
        select v.indicator, v.area_code, a.level, a.province_code, v.period, v.granularity, v.value,
               v.numerator, v.denominator, f.first_received
        from current_values v join areas a on a.code = v.area_code
        join first_seen f on f.indicator = v.indicator and f.area_code = v.area_code
            and f.period = v.period""").df()


def newest_submission_shown(conn: duckdb.DuckDBPyConnection, province: str | None) -> tuple[int, object] | None:
    """(id, received_at) of the newest submission whose values are shown for a province (or anywhere)."""
    sql = ("select s.id, s.received_at from current_values v join submissions s on s.id = v.submission_id"
           " join areas a on a.code = v.area_code")
    sql += " where a.province_code = ?" if province else ""
    return one(conn, sql + " order by s.id desc limit 1", [province] if province else [])


def previous_values(conn: duckdb.DuckDBPyConnection, keys: pd.DataFrame) -> pd.DataFrame:
    """For each (indicator, area_code, period, granularity) in `keys`, the area's latest current
    value of that indicator and granularity for an earlier period: the jump check's baseline.
    Periods of one granularity sort as text ('2025-Q3' < '2025-Q4'); keys with none are left out."""
    conn.register("checked_keys", keys[["indicator", "area_code", "period", "granularity"]].drop_duplicates())
    try:
        return conn.execute(
            "select k.indicator, k.area_code, k.period, v.period as previous_period, v.value as previous_value"
            " from checked_keys k join current_values v on v.indicator = k.indicator"
            " and v.area_code = k.area_code and v.granularity = k.granularity and v.period < k.period"
            " qualify row_number() over (partition by k.indicator, k.area_code, k.period"
            " order by v.period desc) = 1").df()
    finally:
        conn.unregister("checked_keys")
