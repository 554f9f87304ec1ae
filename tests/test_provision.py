"""Tests of metrics.provision on tiny worlds with hand-computed answers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from metrics.provision import (
    TargetComparison,
    allocate_to_units,
    compare_target,
    coverage_by_tier,
    provision_by_group,
    ratio_by_group,
)


@pytest.fixture
def units() -> pd.DataFrame:
    # township T1: a (urban, 600 residents, 100 aged 65+), b (rural, 400, 100)
    # township T2: c (rural, 1000, 300)
    return pd.DataFrame(
        {
            "code": ["a", "b", "c"],
            "township_code": ["T1", "T1", "T2"],
            "urban_rural": ["urban", "rural", "rural"],
            "population": [600, 400, 1000],
            "pop_65_plus": [100, 100, 300],
        }
    )


@pytest.fixture
def facilities() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": ["hosp", "hc1", "hc2", "clinic", "home"],
            "type": [
                "county_hospital",
                "health_centre",
                "health_centre",
                "village_clinic",
                "care_home",
            ],
            "tier": ["county", "township", "township", "village", "township"],
            "unit_code": ["a", None, "", "b", None],
            "township_code": ["T1", "T1", "T2", "T1", "T2"],
            "beds": [200.0, 20.0, 30.0, 2.0, np.nan],
        }
    )


def test_allocation_rules(units, facilities):
    alloc = allocate_to_units(units, facilities, ["beds"])
    share = alloc.groupby(["facility", "unit"])["share"].sum()
    # hc1 has only T1: split a:b = 600:400 by total population
    assert share["hc1"].to_dict() == pytest.approx({"a": 0.6, "b": 0.4})
    # hc2 has a blank unit_code: treated as missing, goes wholly to T2's only unit
    assert share["hc2"].to_dict() == {"c": 1.0}
    # county hospital shared by the county's population 600:400:1000
    assert share["hosp"].to_dict() == pytest.approx({"a": 0.3, "b": 0.2, "c": 0.5})
    assert alloc.groupby("facility")["share"].sum().to_dict() == pytest.approx(
        dict.fromkeys(["hosp", "hc1", "hc2", "clinic", "home"], 1.0)
    )


@pytest.mark.parametrize(
    ("county_level", "urban_beds", "rural_beds"),
    [
        # shared: hospital 200 * 0.3 = 60 to urban, 140 to rural
        # hc1 20 -> 12 urban, 8 rural; hc2 30 rural; clinic 2 rural
        ("shared", 60 + 12, 140 + 8 + 30 + 2),
        ("own", 200 + 12, 8 + 30 + 2),
        ("exclude", 12, 8 + 30 + 2),
    ],
)
def test_provision_by_urban_rural(units, facilities, county_level, urban_beds, rural_beds):
    out = provision_by_group(
        units, facilities, "beds", ["population"], by="urban_rural", county_level=county_level
    )
    assert out.loc["urban", "beds"] == pytest.approx(urban_beds)
    assert out.loc["rural", "beds"] == pytest.approx(rural_beds)
    # urban population 600, rural 1400
    assert out.loc["urban", "population"] == 600
    assert out.loc["urban", "beds_per_1000"] == pytest.approx(1000 * urban_beds / 600)
    assert out.loc["rural", "beds_per_1000"] == pytest.approx(1000 * rural_beds / 1400)
    # the care home has no bed count: counted as missing in T2's rural group
    assert out.loc["rural", "n_missing"] == 1 and out.loc["urban", "n_missing"] == 0


def test_provision_by_township_and_county(units, facilities):
    out = provision_by_group(
        units,
        facilities,
        "beds",
        ["population"],
        by="township_code",
        county_level="own",
        per=10_000,
    )
    # T1: 200 + 20 + 2 = 222 beds for 1000 residents ; T2: 30 for 1000
    assert out.loc["T1", "beds"] == pytest.approx(222)
    assert out.loc["T1", "beds_per_10000"] == pytest.approx(2220)
    assert out.loc["T2", "beds_per_10000"] == pytest.approx(300)
    total = provision_by_group(units, facilities, "beds", ["population"], by=None)
    assert total.loc["county", "beds"] == pytest.approx(252)
    assert total.loc["county", "beds_per_1000"] == pytest.approx(126)


def test_provision_uses_the_age_band_denominator(units, facilities):
    # care-type denominator: pop_65_plus, urban 100, rural 400; county facility shared 100:100:300
    out = provision_by_group(units, facilities, "beds", ["pop_65_plus"])
    assert out.loc["urban", "population"] == 100
    # hospital share urban = 100/500 = 0.2 -> 40 ; hc1 split by 65+ 100:100 -> 10
    assert out.loc["urban", "beds"] == pytest.approx(40 + 10)


def test_provision_with_target(units, facilities):
    out = provision_by_group(units, facilities, "beds", ["population"], target=100.0)
    # urban 72 beds / 600 -> 120 per 1000 ; rural 180 / 1400 -> 128.57
    assert list(out["status"]) == ["met", "met"]
    out = provision_by_group(units, facilities, "beds", ["population"], target=125.0)
    assert out.loc["urban", "status"] == "not_met"
    assert out.loc["urban", "gap"] == pytest.approx(120 - 125)


def test_unplaceable_facility_raises(units, facilities):
    bad = pd.concat(
        [
            facilities,
            pd.DataFrame(
                {
                    "id": ["x"],
                    "tier": ["township"],
                    "unit_code": [None],
                    "township_code": ["T9"],
                    "beds": [1.0],
                }
            ),
        ]
    )
    with pytest.raises(ValueError, match="x"):
        provision_by_group(units, bad, "beds", ["population"])


def test_inputs_not_mutated(units, facilities):
    u0, f0 = units.copy(), facilities.copy()
    provision_by_group(units, facilities, "beds", ["population"])
    coverage_by_tier(units, facilities)
    pd.testing.assert_frame_equal(units, u0)
    pd.testing.assert_frame_equal(facilities, f0)


def test_units_indexed_by_code_work_too(units, facilities):
    a = provision_by_group(units, facilities, "beds", ["population"])
    b = provision_by_group(units.set_index("code"), facilities, "beds", ["population"])
    pd.testing.assert_frame_equal(a, b)


def test_ratio_by_group_pairwise_complete():
    schools = pd.DataFrame(
        {
            "id": ["s1", "s2", "s3", "s4"],
            "township_code": ["T1", "T1", "T2", "T2"],
            "unit_code": ["a", "b", "c", None],
            "tier": ["township"] * 4,
            "students": [300, 200, 90, 60],
            "teachers": [20, 10, 6, np.nan],
            "boarding_beds": [100, 0, 30, 40],
        }
    )
    out = ratio_by_group(schools, "students", "teachers", "township_code")
    # T1: 500 / 30 ; T2: only s3 is complete -> 90 / 6 = 15
    assert out.loc["T1", "students_per_teachers"] == pytest.approx(500 / 30)
    assert out.loc["T2", "students_per_teachers"] == pytest.approx(15.0)
    assert out.loc["T2", "n_facilities"] == 1
    county = ratio_by_group(schools, "boarding_beds", "students", None)
    assert county.loc["county", "boarding_beds_per_students"] == pytest.approx(170 / 650)


def test_ratio_by_urban_rural_through_units(units):
    schools = pd.DataFrame(
        {
            "id": ["s1", "s2", "s3"],
            "township_code": ["T1", "T1", "T2"],
            "unit_code": ["a", None, "c"],
            "tier": ["township"] * 3,
            "students": [300, 100, 90],
            "teachers": [20, 10, 10],
        }
    )
    out = ratio_by_group(schools, "students", "teachers", "urban_rural", units=units)
    # s2 split a:b = 0.6:0.4 -> urban 300 + 60 students, 20 + 6 teachers
    # rural: 40 + 90 students, 4 + 10 teachers
    assert out.loc["urban", "students_per_teachers"] == pytest.approx(360 / 26)
    assert out.loc["rural", "students_per_teachers"] == pytest.approx(130 / 14)


def test_coverage_by_tier(units):
    fac = pd.DataFrame(
        {
            "type": [
                "village_centre",
                "village_centre",
                "courtyard_post",
                "courtyard_post",
                "township_complex",
                "library_branch",
            ],
            "unit_code": ["a", "c", "b", None, None, None],
            "township_code": ["T1", "T2", "T1", "T2", "T2", "T1"],
        }
    )
    cov = coverage_by_tier(units, fac)
    assert cov.units["has_village_centre"].to_dict() == {"a": True, "b": False, "c": True}
    assert cov.units["has_courtyard_post"].to_dict() == {"a": False, "b": True, "c": False}
    # T1 has 2 units, 1 with a village centre
    assert cov.townships.loc["T1", "share_village_centre"] == 0.5
    assert cov.townships.loc["T2", "share_village_centre"] == 1.0
    assert cov.townships["has_township_complex"].to_dict() == {"T1": False, "T2": True}
    assert cov.townships["has_library_branch"].to_dict() == {"T1": True, "T2": False}
    assert cov.townships["has_culture_branch"].to_dict() == {"T1": False, "T2": False}
    # the courtyard post without a unit_code cannot be placed
    assert cov.unplaced == {"courtyard_post": 1}


@pytest.mark.parametrize(
    ("value", "target", "higher", "status", "gap"),
    [
        (5.0, 4.0, True, "met", 1.0),
        (3.0, 4.0, True, "not_met", -1.0),
        (4.0, 4.0, True, "met", 0.0),
        (20.0, 30.0, False, "met", -10.0),
        (40.0, 30.0, False, "not_met", 10.0),
    ],
)
def test_compare_target(value, target, higher, status, gap):
    c = compare_target(value, target, higher)
    assert isinstance(c, TargetComparison)
    assert (c.status, c.gap) == (status, pytest.approx(gap))


def test_compare_target_missing_and_series():
    assert compare_target(None, 4.0, True).status == "no_data"
    assert compare_target(float("nan"), 4.0, True).status == "no_data"
    out = compare_target(pd.Series({"urban": 5.0, "rural": 2.0, "x": np.nan}), 4.0, True)
    assert out["status"].to_dict() == {"urban": "met", "rural": "not_met", "x": "no_data"}
    assert out.loc["rural", "gap_pct"] == pytest.approx(-50.0)
