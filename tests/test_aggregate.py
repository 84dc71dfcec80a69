import pandas as pd
import pytest

from indicators.aggregate import combine_areas, combine_time, period_end
from indicators.catalogue import catalogue


def test_period_end():
    assert period_end("2025-12") == period_end("2025-Q4") == period_end("2025") == 2026.0
    assert period_end("2026-03") == pytest.approx(2026.25) and period_end("2026-Q1") == 2026.25


def test_ratio_of_sums_not_mean_of_percentages():
    f = pd.DataFrame({"area_code": ["01", "66"], "period": ["2026-01"] * 2, "value": [10.0, 50.0],
                      "numerator": [100.0, 50.0], "denominator": [1000.0, 100.0]})
    out = combine_areas(f, catalogue()["commune_insured_visit_share"], {"01": 1, "66": 1}, {})
    assert out["value"].iloc[0] == pytest.approx(150 / 1100 * 100)   # 13.6 %, not 30 %


def test_population_weighted_when_parts_missing():
    f = pd.DataFrame({"area_code": ["01", "66"], "period": ["2026-01"] * 2, "value": [90.0, 100.0],
                      "numerator": [None, None], "denominator": [None, None]})
    out = combine_areas(f, catalogue()["insurance_coverage"], {"01": 3.0, "66": 1.0}, {})
    assert out["value"].iloc[0] == pytest.approx(92.5) and out["areas"].iloc[0] == 2


def test_doctors_mean_over_stations():
    f = pd.DataFrame({"area_code": ["01", "66"], "period": ["2026-Q1"] * 2, "value": [2.0, 4.0],
                      "numerator": [None] * 2, "denominator": [None] * 2})
    out = combine_areas(f, catalogue()["doctors_per_station"], {}, {"01": 100, "66": 300})
    assert out["value"].iloc[0] == pytest.approx(3.5)


def test_over_time_stock_and_flow():
    f = pd.DataFrame({"area_code": ["66"] * 3, "period": ["2025-11", "2025-12", "2025-10"],
                      "value": [94.0, 95.0, 93.0], "numerator": [10.0, 30.0, 20.0],
                      "denominator": [100.0, 100.0, 100.0]})
    stock = combine_time(f, catalogue()["insurance_coverage"])
    assert stock["value"].tolist() == [95.0]                           # latest in the year
    flow = combine_time(f, catalogue()["commune_insured_visit_share"])
    assert flow["value"].iloc[0] == pytest.approx(20.0)                 # 60 / 300
