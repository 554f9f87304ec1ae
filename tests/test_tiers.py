"""Measures matched to the data: tiers of provision, township-level coverage, weighting,
walking speeds by age group, intervals on a census (issue 16). Tiny worlds on the equator,
answers worked by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from metrics import sensitivity, settings
from metrics.geo import EARTH_RADIUS_KM
from metrics.indicators import (
    CATALOGUE,
    INDICATORS,
    NO_SUMMARY_TEXT,
    RETIRED,
    evaluate,
    prepare,
    served_by_county_note,
    weighting_text,
)
from metrics.inequality import BOOTSTRAP_TEXT
from metrics.provision import provision_by_group
from metrics.report import build_report, render_text

#: km between points 0.1° of longitude apart on the equator.
K = EARTH_RADIUS_KM * math.radians(0.1)
#: Every mode at 60 km/h and no detour: minutes = km.
FLAT = {"detour_factor": 1.0, **dict.fromkeys(settings.MODES.values(), 60.0)}

BEDS = "health_township_beds_per_1000"
ACCESS = "health_county_beds_2sfca_per_1000"


def _county_seat_world() -> tuple[pd.DataFrame, pd.DataFrame]:
    """T0, the county seat, holds every county-tier facility (two county hospitals, 500
    beds) and only a small community health centre (5 beds for 5,000 residents); T1 has a
    health centre of 20 beds for 2,000; T2, far away, one of 5 beds for 1,000."""
    units = pd.DataFrame({
        "code": ["s1", "s2", "r1", "r2", "f1", "f2"],
        "township_code": ["T0", "T0", "T1", "T1", "T2", "T2"],
        "urban_rural": ["urban", "urban", "rural", "rural", "rural", "rural"],
        "lat": 0.0,
        "lon": [0.0, 0.0, 0.1, 0.3, 0.8, 0.8],
        "population": [4000, 1000, 1000, 1000, 500, 500],
    })
    fac = pd.DataFrame({
        "id": ["CH1", "CH2", "CC", "H1", "H2"],
        "type": ["county_hospital", "county_hospital", "community_health_centre",
                 "health_centre", "health_centre"],
        "tier": ["county", "county", "township", "township", "township"],
        "unit_code": ["s1", "s1", "s2", "r1", "f1"],
        "township_code": ["T0", "T0", "T0", "T1", "T2"],
        "lat": 0.0, "lon": [0.0, 0.0, 0.0, 0.1, 0.8],
        "beds": [300, 200, 5, 20, 5], "doctors": [60, 40, 2, 6, 2],
    })
    return units, fac


def _ranked(table, key: str) -> list[str]:
    """Townships best first, as the pages rank them (higher is better for beds)."""
    means = table.summaries[key]["township_code"]["groups"]["mean"]
    return means.sort_values(ascending=False, kind="stable").index.tolist()


@pytest.fixture(scope="module")
def seat():
    units, fac = _county_seat_world()
    cat = [INDICATORS[BEDS], INDICATORS[ACCESS], INDICATORS["health_township_doctors_per_1000"]]
    return units, fac, evaluate(prepare(units, fac, catalogue=cat), {**FLAT, "fca_catchment_min": 30.0})


def test_the_old_rule_ranked_the_county_seat_last():
    """All beds, county hospitals spread over the county: 500 / 8,000 = 62.5 per 1,000 for
    everyone, plus the township's own — T0 63.5, T1 72.5, T2 67.5: the seat comes last for
    the health-centre beds it does not need."""
    units, fac = _county_seat_world()
    old = provision_by_group(units, fac, "beds", ["population"], by="township_code")
    assert old["beds_per_1000"].to_dict() == pytest.approx({"T0": 63.5, "T1": 72.5, "T2": 67.5})
    assert old["beds_per_1000"].idxmin() == "T0"


def test_township_tier_does_not_rank_the_county_seat_last(seat):
    _, _, t = seat
    # T1 20 / 2,000 = 10, T2 5 / 1,000 = 5; T0 is served by the county hospitals: no value
    assert _ranked(t, BEDS) == ["T1", "T2"]
    means = t.summaries[BEDS]["township_code"]["groups"]["mean"]
    assert means.to_dict() == pytest.approx({"T1": 10.0, "T2": 5.0})
    assert t.values[BEDS].loc[["s1", "s2"]].isna().all()
    assert t.values[BEDS].loc[["r1", "r2", "f1", "f2"]].tolist() == pytest.approx([10, 10, 5, 5])
    assert t.not_applicable[BEDS] == ("T0",)
    # the county value covers the other townships: 25 beds / 3,000 residents
    assert t.county.loc[BEDS, "value"] == pytest.approx(25 / 3)
    # doctors likewise: T1 6 / 2,000 = 3, T2 2 / 1,000 = 2, T0 none
    doctors = t.summaries["health_township_doctors_per_1000"]["township_code"]["groups"]["mean"]
    assert doctors.to_dict() == pytest.approx({"T1": 3.0, "T2": 2.0})


def test_county_tier_access_ranks_the_county_seat_first(seat):
    _, _, t = seat
    # 30 min at 60 km/h = 30 km: s1, s2 (0 km) and r1 (K ≈ 11 km) reach the hospitals; r2
    # (3K ≈ 33 km), f1, f2 do not. R = 500 / 6,000; A = 83.3 per 1,000 within, 0 beyond
    a = 500 / 6000 * 1000
    assert t.values[ACCESS].tolist() == pytest.approx([a, a, a, 0, 0, 0])
    assert _ranked(t, ACCESS) == ["T0", "T1", "T2"]
    means = t.summaries[ACCESS]["township_code"]["groups"]["mean"]
    assert means.to_dict() == pytest.approx({"T0": a, "T1": a / 2, "T2": 0.0})
    # the county mean is county-hospital beds over every resident: 500 / 8,000
    assert t.county.loc[ACCESS, "value"] == pytest.approx(62.5)


def test_the_rule_is_stated_where_it_applies(seat):
    units, fac, t = seat
    note = served_by_county_note(INDICATORS[BEDS], ["淙城街道"], "zh")
    assert "淙城街道" in note and "县级医院" in note and "不参与乡镇排名" in note
    assert "county hospitals" in served_by_county_note(INDICATORS[BEDS], ["Congcheng"], "en")
    assert served_by_county_note(INDICATORS[BEDS], [], "en") == ""
    for ind in (INDICATORS[BEDS], INDICATORS["health_township_doctors_per_1000"]):
        assert "不参与排名" in ind.help_zh and "no rank" in ind.help_en
    # the report names the township and says why
    towns = pd.DataFrame({"code": ["T0", "T1", "T2"], "name": ["城区", "甲镇", "乙乡"],
                          "lat": 0.0, "lon": [0.0, 0.2, 0.8]})
    units = units.assign(**dict.fromkeys(
        ["pop_0_2", "pop_3_5", "pop_6_11", "pop_12_14", "pop_60_64", "pop_65_plus"], 10))
    r = build_report({"units": units, "facilities": fac, "townships": towns}, all_indicators=True)
    beds = next(i for d in r["domains"] for i in d["indicators"] if i["key"] == BEDS)
    assert beds["not_applicable"] == [{"code": "T0", "name": "城区"}]
    assert "不适用 not applicable: 城区" in render_text(r)


def test_a_county_hospital_placed_by_unit_only_still_counts():
    units, fac = _county_seat_world()
    fac.loc[fac["type"] == "county_hospital", "township_code"] = None
    t = evaluate(prepare(units, fac, catalogue=[INDICATORS[BEDS]]))
    assert t.not_applicable[BEDS] == ("T0",)


def test_without_county_hospitals_every_township_is_ranked():
    units, fac = _county_seat_world()
    fac = fac.loc[fac["type"] != "county_hospital"]
    t = evaluate(prepare(units, fac, catalogue=[INDICATORS[BEDS]]))
    assert t.not_applicable[BEDS] == ()
    assert _ranked(t, BEDS) == ["T1", "T2", "T0"]  # 10, 5, 1


def test_retired_keys_point_at_live_indicators():
    assert set(RETIRED) == {"health_beds_per_1000", "health_doctors_per_1000"}
    assert all(new in INDICATORS and old not in INDICATORS for old, new in RETIRED.items())


# -- township-level coverage: compared by township only ------------------------------------

def test_township_coverage_has_no_urban_rural_split():
    units, fac = _county_seat_world()
    fac = pd.DataFrame({"id": ["X", "V"], "type": ["township_complex", "village_clinic"],
                        "tier": ["township", "village"], "unit_code": [None, "r1"],
                        "township_code": ["T1", "T1"], "lat": 0.0, "lon": [0.1, 0.1]})
    cat = [INDICATORS["culture_complex_coverage"], INDICATORS["health_clinic_coverage"]]
    t = evaluate(prepare(units, fac, catalogue=cat))
    key = "culture_complex_coverage"
    assert t.summaries[key]["urban_rural"] is None
    assert t.summaries[key]["distance_quintile"] is None
    assert t.why_no_summary(key, "urban_rural") == "township_level"
    assert t.why_no_summary(key, "township_code") is None
    # by township: T1 has it, T0 and T2 do not; each township counts once: 1 of 3
    assert t.summaries[key]["township_code"]["groups"]["mean"].to_dict() == {
        "T0": 0.0, "T1": 100.0, "T2": 0.0}
    assert t.county.loc[key, "value"] == pytest.approx(100 / 3)
    # unit-level coverage keeps its urban/rural split: 1 of 4 rural units has a clinic
    ur = t.summaries["health_clinic_coverage"]["urban_rural"]["groups"]["mean"]
    assert ur.to_dict() == {"rural": 25.0, "urban": 0.0}
    assert {"township_level", "no_value"} <= set(NO_SUMMARY_TEXT)
    assert all(zh.strip() and en.strip() for zh, en in NO_SUMMARY_TEXT.values())


def test_no_value_is_told_apart_from_not_split():
    units, _ = _county_seat_world()
    empty = pd.DataFrame({"id": ["V"], "type": ["village_clinic"], "tier": ["village"],
                          "unit_code": ["s1"], "township_code": ["T0"], "lat": [0.0],
                          "lon": [0.0]})
    t = evaluate(prepare(units, empty, catalogue=[INDICATORS["culture_complex_coverage"]]))
    # no culture register at all: no value anywhere
    assert t.why_no_summary("culture_complex_coverage", "township_code") == "no_value"


# -- weighting, intervals --------------------------------------------------------------------

@pytest.mark.parametrize(("key", "zh", "en"), [
    ("health_township_beds_per_1000", "按常住人口加权", "Population-weighted (all residents)"),
    ("edu_primary_share_30min", "按6—11岁人口加权", "Population-weighted (residents aged 6-11)"),
    ("elderly_care_walk_min", "按60岁及以上人口加权", "Population-weighted (residents aged 60+)"),
    ("health_clinic_coverage", "按村（社区）等权", "Unit-weighted"),
    ("culture_complex_coverage", "按乡镇等权", "Township-weighted"),
])
def test_weighting_is_said_per_indicator(key, zh, en):
    ind = INDICATORS[key]
    assert weighting_text(ind, "zh").startswith(zh)
    assert weighting_text(ind, "en").startswith(en)
    assert ("人口加权" in weighting_text(ind, "zh")) == (ind.weight == "population")


def test_every_indicator_has_a_weighting_text():
    for ind in CATALOGUE:
        for lang in ("zh", "en"):
            assert weighting_text(ind, lang).strip() and weighting_text(ind, lang, short=True)


def test_the_interval_is_not_called_a_sampling_interval():
    zh, en = BOOTSTRAP_TEXT["meaning"]
    assert "没有抽样误差" in zh and "no sampling error" in en
    assert "{n}" in zh and "{n}" in en
    lo_hi = BOOTSTRAP_TEXT["label"][1].format(lo="0.1", hi="0.2")
    assert "CI" not in lo_hi and "0.1–0.2" in lo_hi


# -- walking speeds by age group ---------------------------------------------------------------

def test_walking_indicators_use_the_speed_of_their_age_group():
    modes = {i.key: i.mode for i in CATALOGUE}
    for key in ("edu_primary_walk_min", "edu_primary_share_30min", "edu_kindergarten_walk_min"):
        assert modes[key] == "walk_child", key
    assert modes["elderly_care_walk_min"] == "walk_older"
    assert "walk" not in modes.values()  # no indicator walks at the adult speed
    assert settings.get("speed_walk_child_kmh") < settings.get("speed_walk_kmh")
    assert settings.get("speed_walk_older_kmh") < settings.get("speed_walk_kmh")


def test_a_speed_moves_only_its_own_age_group():
    units = pd.DataFrame({"code": ["a", "b"], "township_code": ["t", "t"],
                          "urban_rural": ["urban", "rural"], "lat": 0.0, "lon": [0.0, 0.1],
                          "population": [100, 100], "pop_6_11": [10, 10],
                          "pop_60_64": [5, 5], "pop_65_plus": [5, 5]})
    fac = pd.DataFrame({"id": ["s", "c"], "type": ["primary", "care_home"],
                        "tier": ["township", "township"], "unit_code": ["a", "a"],
                        "township_code": ["t", "t"], "lat": 0.0, "lon": [0.0, 0.0]})
    cat = [INDICATORS["edu_primary_walk_min"], INDICATORS["elderly_care_walk_min"]]
    p = prepare(units, fac, catalogue=cat)
    base = evaluate(p, {"detour_factor": 1.0})
    assert base.values.loc["b", "edu_primary_walk_min"] == pytest.approx(K / 4.0 * 60)
    assert base.values.loc["b", "elderly_care_walk_min"] == pytest.approx(K / 3.6 * 60)
    adult = evaluate(p, {"detour_factor": 1.0, "speed_walk_kmh": 6.0})
    pd.testing.assert_frame_equal(adult.values, base.values)
    child = evaluate(p, {"detour_factor": 1.0, "speed_walk_child_kmh": 3.0})
    assert child.values.loc["b", "edu_primary_walk_min"] == pytest.approx(K / 3.0 * 60)
    assert child.values.loc["b", "elderly_care_walk_min"] == base.values.loc["b", "elderly_care_walk_min"]
    assert INDICATORS["elderly_care_walk_min"].depends_on[0] == "speed_walk_older_kmh"


def test_walking_settings_are_declared_with_sliders_and_ranges():
    for mode in ("walk", "walk_child", "walk_older"):
        key = settings.speed_key(mode)
        s = settings.SETTINGS[key]
        assert s.unit == "km/h" and s.group == "travel" and s.slider is not None
        lo, hi = sensitivity.PLAUSIBLE_KMH[mode]
        assert lo <= s.default <= hi and s.slider.lo <= lo and hi <= s.slider.hi
    # the children's speed is an assumption; the older people's cites what was read
    assert settings.SETTINGS["speed_walk_child_kmh"].source == "assumption"
    older = settings.SETTINGS["speed_walk_older_kmh"]
    assert "Coffin" in older.source and not older.verified
    assert older.default == pytest.approx(3.6)  # 1.0 m/s
    # pupils without a school bus walk at the children's speed
    assert sensitivity.WITHOUT["school_bus"] == "walk_child"


def test_staff_ratios_are_not_compared_with_an_all_staff_standard():
    for key in ("edu_primary_students_per_teacher", "edu_junior_students_per_teacher"):
        ind = INDICATORS[key]
        assert ind.denominator == "teachers" and ind.target is None
        assert "教职工" in ind.help_zh and "all staff" in ind.help_en
    # a target, where one is declared, is never a "students per staff" standard for teachers
    for ind in CATALOGUE:
        if ind.target is not None and ind.target.startswith("students_per_staff"):
            assert ind.denominator == "staff", ind.key


def test_fca_values_stay_finite_and_non_negative(seat):
    v = seat[2].values[ACCESS].to_numpy()
    assert np.isfinite(v).all() and (v >= 0).all()
