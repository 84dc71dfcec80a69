"""The catalogue: fixed codes, complete entries, every target sourced; and house conventions."""
import ast
from pathlib import Path

import msgspec
import pytest
import yaml
from msgspec import ValidationError

from indicators.catalogue import CATALOGUE_FILE, Catalogue, catalogue, load_catalogue

FIXED = ["insurance_coverage", "doctors_per_station", "commune_insured_visit_share",
         "ehealth_book_coverage", "annual_checkup_coverage", "immunization_coverage",
         "life_expectancy", "healthy_life_expectancy", "youth_height_gain", "physical_activity_rate",
         "station_standard_rate", "online_health_services", "prenatal_screening_rate"]
ROOT = Path(__file__).resolve().parent.parent


def test_fixed_codes_present():
    assert set(FIXED) <= set(catalogue().codes)


@pytest.mark.parametrize("ind", catalogue().indicators, ids=lambda i: i.code)
def test_every_indicator_complete(ind):
    assert ind.unit and ind.name.vi and ind.name.en and ind.definition.vi and ind.definition.en
    assert ind.targets, f"{ind.code} has no target"
    for target in ind.targets:
        assert target.source.document in catalogue().documents
        assert target.source.section and target.source.quote


def test_fixed_table_facts():
    c = catalogue()
    assert c["life_expectancy"].area_levels == ("province",) and c["life_expectancy"].periods == ("year",)
    assert c["annual_checkup_coverage"].periods == ("quarter", "year")
    assert c["station_standard_rate"].periods == ("quarter", "year")
    assert set(c["doctors_per_station"].area_levels) == {"province", "commune"}
    assert c["commune_insured_visit_share"].over_time == "ratio"
    assert c["insurance_coverage"].over_time == "latest"


def test_national_and_local_targets_both_kept():
    cov = catalogue()["insurance_coverage"]
    by_scope = {(t.scope, t.year): (t.comparison, t.threshold) for t in cov.targets}
    assert by_scope[("national", 2026)] == (">", 95)
    assert by_scope[("10729", 2026)] == (">", 96)        # Tran Lieu ward: stricter
    assert by_scope[("national", 2030)] == (">=", 100)
    # Đắk Lắk restates both national targets: they are citations of them, not two more milestones.
    assert [t.scope for t in cov.targets_for("66")] == ["national", "national"]
    assert [t.source.document for t in cov.restated_by(cov.targets[0], "66")] == ["DAKLAK"]
    assert [t.threshold for t in cov.targets_for("10729")].count(96) == 1    # the ward's own, stricter
    doctors = catalogue()["doctors_per_station"]
    assert {(t.scope, t.comparison, t.threshold, t.upper) for t in doctors.targets} >= {
        ("national", "range", 4, 5), ("66", ">=", 4, None)}


def test_baseline_relative_targets():
    height = catalogue()["youth_height_gain"].targets[0]
    assert height.threshold_for(0.2) == pytest.approx(1.7)
    activity = catalogue()["physical_activity_rate"].targets[0]
    assert activity.threshold_for(30) == pytest.approx(33)
    assert activity.threshold_for(None) is None
    assert height.describe("cm", "vi") == "+1,5 cm so với 2025 (2030)"


def test_malformed_catalogue_is_refused(tmp_path):
    data = yaml.safe_load(CATALOGUE_FILE.read_text(encoding="utf-8"))
    data["indicators"][0]["targets"][0]["source"]["document"] = "NOPE"
    bad = tmp_path / "c.yaml"
    bad.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ValidationError, match="unknown document"):
        load_catalogue(bad)
    data["indicators"][0]["targets"] = [{"scope": "national", "year": 2030, "comparison": ">",
                                         "source": {"document": "NQ72", "section": "x", "quote": "y"}}]
    with pytest.raises(ValidationError):
        msgspec.convert(data, Catalogue)
    data = yaml.safe_load(CATALOGUE_FILE.read_text(encoding="utf-8"))
    data["indicators"][0]["code"] += "\n"                          # a code must be the whole value
    with pytest.raises(ValidationError, match=r"matching regex .* at `\$\.indicators\[0\]\.code`"):
        msgspec.convert(data, Catalogue)


@pytest.mark.parametrize("package", ["indicators", "pipelines", "data"])
def test_core_never_imports_streamlit(package):
    paths = list((ROOT / package).rglob("*.py"))
    assert paths and (package != "pipelines" or any("quality" in p.parts for p in paths))
    for path in paths:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
        names += [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
        assert not any(n.split(".")[0] == "streamlit" for n in names), path
