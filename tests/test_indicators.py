"""The indicator catalogue: a tiny world on the equator with hand-worked answers, invariants,
a naive reference, and the docs."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from etl import schema
from metrics import settings
from metrics.geo import EARTH_RADIUS_KM, haversine_km
from metrics.indicators import (
    CATALOGUE,
    DOMAINS,
    GROUPINGS,
    INDICATORS,
    KINDS,
    evaluate,
    indicators_markdown,
    prepare,
)

DOCS = Path(__file__).resolve().parents[1] / "docs" / "indicators.md"

#: km between two points 0.1° of longitude apart on the equator: R · Δλ (haversine = arc).
K = EARTH_RADIUS_KM * math.radians(0.1)

#: Every mode at 60 km/h and no detour: minutes = km.
FLAT = {"detour_factor": 1.0, **dict.fromkeys(settings.MODES.values(), 60.0)}


def _units() -> pd.DataFrame:
    # a, b in township T1 (a urban); c, d in T2; all on the equator at lon 0, 0.1, 0.3, 0.6
    return pd.DataFrame({
        "code": ["a", "b", "c", "d"],
        "township_code": ["T1", "T1", "T2", "T2"],
        "urban_rural": ["urban", "rural", "rural", "rural"],
        "lat": [0.0, 0.0, 0.0, 0.0],
        "lon": [0.0, 0.1, 0.3, 0.6],
        "population": [1000, 500, 300, 200],
        "pop_0_2": [30, 15, 9, 6],
        "pop_3_5": [30, 15, 9, 6],
        "pop_6_11": [100, 50, 30, 20],
        "pop_12_14": [40, 20, 12, 8],
        "pop_60_64": [100, 50, 40, 10],
        "pop_65_plus": [100, 50, 40, 10],
    })


def _fac(rows: list[tuple]) -> pd.DataFrame:
    cols = ["id", "type", "tier", "unit_code", "township_code", "lon", "students", "teachers",
            "beds", "doctors", "care_beds", "hours_per_week"]
    f = pd.DataFrame(rows, columns=cols)
    f["lat"] = 0.0
    return f


N = None
FACILITIES = [
    # id, type, tier, unit, township, lon, students, teachers, beds, doctors, care_beds, hours
    ("P1", "primary", "township", "a", "T1", 0.0, 200, 10, N, N, N, N),
    ("TP", "teaching_point", "village", "c", "T2", 0.3, 30, 3, N, N, N, N),
    ("H1", "health_centre", "township", "b", "T1", 0.1, N, N, 30, 6, N, N),
    ("VC", "village_clinic", "village", "d", "T2", 0.6, N, N, N, 1, N, N),
    ("CH", "county_hospital", "county", "a", "T1", 0.0, N, N, 100, 20, N, N),
    ("CR", "care_home", "township", "c", "T2", 0.3, N, N, N, N, 20, N),
    ("TC", "township_complex", "township", "a", "T1", 0.0, N, N, N, N, N, N),
    ("V1", "village_centre", "village", "b", "T1", 0.1, N, N, N, N, N, N),
    ("V2", "village_centre", "village", "c", "T2", 0.3, N, N, N, N, N, N),
    ("LB", "library_branch", "township", "c", "T2", 0.3, N, N, N, N, N, 40.0),
    ("CB", "culture_branch", "township", "a", "T1", 0.0, N, N, N, N, N, 50.0),
]


@pytest.fixture(scope="module")
def world():
    units, fac = _units(), _fac(FACILITIES)
    return units, fac, prepare(units, fac)


def _vals(table, key: str) -> list[float]:
    return table.values[key].tolist()


def test_km_constant_is_the_haversine_on_the_equator():
    assert float(haversine_km(0.0, 0.0, 0.0, 0.3)) == pytest.approx(3 * K)


# -- hand-worked answers, one per kind ---------------------------------------------------------

def test_time_to_nearest(world):
    t = evaluate(world[2], FLAT)
    # nearest primary-level school: a→P1 0, b→P1 K, c→TP 0, d→TP 3K (minutes = km)
    assert _vals(t, "edu_primary_walk_min") == pytest.approx([0, K, 0, 3 * K])
    # care home / day care: only CR at lon 0.3
    assert _vals(t, "elderly_care_walk_min") == pytest.approx([3 * K, 2 * K, 0, 3 * K])
    # weighted by pop_6_11 = 100, 50, 30, 20
    expected = (50 * K + 20 * 3 * K) / 200
    assert t.county.loc["edu_primary_walk_min", "value"] == pytest.approx(expected)
    # default settings: a child walks 4 km/h, an older person 3.6, with detour 1.3
    t_default = evaluate(world[2])
    assert t_default.values.loc["b", "edu_primary_walk_min"] == pytest.approx(K * 1.3 / 4.0 * 60)
    assert t_default.values.loc["b", "elderly_care_walk_min"] == pytest.approx(
        2 * K * 1.3 / 3.6 * 60)
    # no junior school at all: no value anywhere, summaries are None
    assert t.values["edu_junior_bus_min"].isna().all()
    assert t.summaries["edu_junior_bus_min"]["urban_rural"] is None


def test_share_within(world):
    t = evaluate(world[2], {**FLAT, "primary_lower_max_min": 20.0})  # K ≈ 11.1 ≤ 20 < 3K
    assert _vals(t, "edu_primary_share_30min") == [100.0, 100.0, 100.0, 0.0]
    assert t.county.loc["edu_primary_share_30min", "value"] == pytest.approx(90.0)  # 180 / 200
    ur = t.summaries["edu_primary_share_30min"]["urban_rural"]["groups"]["mean"]
    assert ur["urban"] == 100.0 and ur["rural"] == pytest.approx(80.0)  # 80 / 100


def test_provision(world):
    t = evaluate(world[2])
    # township-tier beds: T1 holds the county hospital CH, so T1 has no value (served by the
    # county tier, H1 not counted either); T2 has no health centre: 0 beds
    got = _vals(t, "health_township_beds_per_1000")
    assert all(math.isnan(v) for v in got[:2]) and got[2:] == [0.0, 0.0]
    assert t.not_applicable["health_township_beds_per_1000"] == ("T1",)
    assert t.county.loc["health_township_beds_per_1000", "n_units"] == 2
    assert pd.isna(t.county.loc["health_township_beds_per_1000", "status"])  # no target
    # township and village doctors: T1 not applicable; c 0; d its village clinic 1 / 200
    got = _vals(t, "health_township_doctors_per_1000")
    assert all(math.isnan(v) for v in got[:2]) and got[2:] == pytest.approx([0.0, 5.0])
    # care beds per 1,000 aged 60+: CR 20 over T2 by 60+ (c 80, d 20): c 16, d 4
    assert _vals(t, "elderly_care_beds_per_1000_60plus") == pytest.approx([0, 0, 200, 200])
    assert t.county.loc["elderly_care_beds_per_1000_60plus", "value"] == pytest.approx(50.0)
    # no infant-care facility: zero places everywhere, the target comparison has data
    assert _vals(t, "infant_care_places_per_1000_0_2") == [0.0, 0.0, 0.0, 0.0]


def test_ratio(world):
    t = evaluate(world[2])
    # P1 (200 students, 10 teachers) over T1: 20 for a and b; TP 30/3 at c; d has no school
    got = _vals(t, "edu_primary_students_per_teacher")
    assert got[:3] == pytest.approx([20.0, 20.0, 10.0]) and math.isnan(got[3])
    # county: mean of unit values weighted by children 6-11 (100, 50, 30); standard ≤ 19
    county = t.county.loc["edu_primary_students_per_teacher"]
    assert county["value"] == pytest.approx((20 * 150 + 10 * 30) / 180)
    # full-time teachers are not compared with the all-staff standard (another definition)
    assert pd.isna(county["status"]) and math.isnan(county["target"])
    strict = evaluate(world[2], {"students_per_staff_primary": 15.0}).county
    assert pd.isna(strict.loc["edu_primary_students_per_teacher", "status"])
    # opening hours: culture branch 50 h in T1, library branch 40 h in T2
    assert _vals(t, "culture_branch_hours_per_week") == pytest.approx([50.0, 50.0, 40.0, 40.0])
    # no boarders anywhere: no data, and the verdict says so
    assert t.county.loc["edu_boarding_beds_per_boarder", "status"] == "no_data"


def test_coverage(world):
    t = evaluate(world[2])
    assert _vals(t, "health_clinic_coverage") == [0.0, 0.0, 0.0, 100.0]
    assert t.county.loc["health_clinic_coverage", "value"] == pytest.approx(25.0)
    assert _vals(t, "culture_village_centre_coverage") == [0.0, 100.0, 100.0, 0.0]
    # township level: T1 has the complex; each township counts once
    assert _vals(t, "culture_complex_coverage") == [100.0, 100.0, 0.0, 0.0]
    assert t.county.loc["culture_complex_coverage", "value"] == pytest.approx(50.0)
    assert t.county.loc["culture_library_branch_coverage", "value"] == pytest.approx(50.0)
    by_town = t.by_group("township_code")["culture_culture_branch_coverage"]
    assert by_town.to_dict() == {"T1": 100.0, "T2": 0.0}


def test_fca(world):
    t = evaluate(world[2], {**FLAT, "fca_catchment_min": 12.0})  # K ≈ 11.1 ≤ 12 < 2K
    # in reach: a–CH, a–H1, b–CH, b–H1, d–VC; c reaches nothing
    # R_CH = 20/1500, R_H1 = 6/1500, R_VC = 1/200
    expected = [26 / 1500 * 1000, 26 / 1500 * 1000, 0.0, 1 / 200 * 1000]
    assert _vals(t, "health_doctors_2sfca_per_1000") == pytest.approx(expected)
    # unlimited catchment: supply over demand everywhere (27 doctors / 2000 residents)
    t_all = evaluate(world[2], {"fca_catchment_min": 10_000.0})
    assert _vals(t_all, "health_doctors_2sfca_per_1000") == pytest.approx([13.5] * 4)
    # county-hospital beds: CH (100 beds at a) reaches a and b (1500 residents)
    assert _vals(t, "health_county_beds_2sfca_per_1000") == pytest.approx(
        [100 / 1500 * 1000] * 2 + [0.0] * 2)
    # the county mean is county-hospital beds over all residents, whatever the catchment
    for table in (t, t_all):
        assert table.county.loc["health_county_beds_2sfca_per_1000", "value"] == pytest.approx(50.0)
    assert _vals(t_all, "health_county_beds_2sfca_per_1000") == pytest.approx([50.0] * 4)


def test_distance_quintiles_and_sii(world):
    p = world[2]
    # county town = centre of the units of T1? no: default is 淙城街道 or the urban units → a
    assert p.units["dist_town_km"].tolist() == pytest.approx([0, K, 3 * K, 6 * K])
    # population 1000, 500, 300, 200 of 2000: mid-points 0.25, 0.625, 0.825, 0.95
    assert p.units["distance_quintile"].tolist() == ["Q2", "Q4", "Q5", "Q5"]
    t = evaluate(p, FLAT)
    s = t.summaries["edu_primary_walk_min"]["distance_quintile"]
    assert s["sii"] is not None and s["difference_groups"] == ("Q5", "Q2")


# -- invariants ---------------------------------------------------------------------------------

TIME_KEYS = [i.key for i in CATALOGUE if i.kind == "time_to_nearest"]


def test_more_supply_never_lowers_access():
    units = _units()
    base = evaluate(prepare(units, _fac(FACILITIES)), FLAT)
    more = _fac(FACILITIES + [
        ("P2", "primary", "township", "d", "T2", 0.6, 100, 5, N, N, N, N),
        ("H2", "health_centre", "township", "d", "T2", 0.6, N, N, 10, 3, N, N),
        ("D1", "day_care", "village", "a", "T1", 0.0, N, N, N, N, 5, N),
        ("V3", "village_centre", "village", "a", "T1", 0.0, N, N, N, N, N, N),
    ])
    after = evaluate(prepare(units, more), FLAT)
    for ind in CATALOGUE:
        if ind.kind == "ratio":
            continue  # a new school may well have a higher students-per-teacher ratio
        old = base.values[ind.key].fillna(np.inf if not ind.higher_is_better else -np.inf)
        new = after.values[ind.key].fillna(np.inf if not ind.higher_is_better else -np.inf)
        if ind.higher_is_better:
            assert (new >= old - 1e-12).all(), ind.key
        else:
            assert (new <= old + 1e-12).all(), ind.key


def test_threshold_increase_never_lowers_a_share(world):
    keys = [i for i in CATALOGUE if i.kind == "share_within"]
    for ind in keys:
        shares = [evaluate(world[2], {**FLAT, ind.threshold: t0}).county.loc[ind.key, "value"]
                  for t0 in (0, 5, 11, 12, 20, 34, 40, 100)]
        assert all(b >= a for a, b in zip(shares, shares[1:], strict=False)), (ind.key, shares)


def test_evaluate_with_overrides_equals_a_fresh_run():
    units, fac = _units(), _fac(FACILITIES)
    over = {"speed_car_kmh": 25.0, "detour_factor": 1.5, "fca_catchment_min": 90.0,
            "medical_circle_min": 40.0, "care_beds_per_1000_60plus": 70.0}
    small = prepare(units, fac, max_radius_km=5.0)  # 90 min needs more: pairs found afresh
    big = prepare(units, fac, max_radius_km=500.0)
    a, b = evaluate(small, over), evaluate(big, over)
    pd.testing.assert_frame_equal(a.values, b.values)
    pd.testing.assert_frame_equal(a.county, b.county)
    assert a.county.loc["elderly_care_beds_per_1000_60plus", "status"] == "not_met"  # 50 < 70
    for key in a.summaries:
        for by in GROUPINGS:
            sa, sb = a.summaries[key][by], b.summaries[key][by]
            assert (sa is None) == (sb is None)
            if sa is not None:
                assert sa["mean"] == pytest.approx(sb["mean"]) and sa["gini"] == pytest.approx(sb["gini"])
    # and the defaults are restored when the overrides go away (no state kept between calls)
    pd.testing.assert_frame_equal(evaluate(small).values, evaluate(big).values)
    pd.testing.assert_frame_equal(evaluate(small).values, evaluate(prepare(units, fac)).values)


def test_reused_default_results_equal_a_recomputation(world):
    p = world[2]
    reused = evaluate(p)
    # a detour factor a hair from the default forces every travel-time indicator to recompute
    forced = evaluate(p, {"detour_factor": settings.get("detour_factor") * (1 + 1e-12)})
    for ind in CATALOGUE:
        assert forced.values[ind.key].tolist() == pytest.approx(
            reused.values[ind.key].tolist(), nan_ok=True), ind.key
        for by in GROUPINGS:
            a, b = reused.summaries[ind.key][by], forced.summaries[ind.key][by]
            assert (a is None) == (b is None)
            if a is not None:
                for m in ("mean", "gini", "theil", "difference", "sii"):
                    assert a[m] == pytest.approx(b[m], nan_ok=True), (ind.key, by, m)


def test_inputs_not_modified_and_bad_overrides_rejected():
    units, fac = _units(), _fac(FACILITIES)
    u0, f0 = units.copy(), fac.copy()
    p = prepare(units, fac)
    evaluate(p, FLAT)
    pd.testing.assert_frame_equal(units, u0)
    pd.testing.assert_frame_equal(fac, f0)
    with pytest.raises(KeyError):
        evaluate(p, {"speed_of_light": 1.0})
    with pytest.raises(ValueError):
        evaluate(p, {"detour_factor": -1.0})


# -- naive reference ------------------------------------------------------------------------------

def test_against_naive_loops():
    rng = np.random.default_rng(7)
    n_u, n_f = 30, 25
    units = pd.DataFrame({
        "code": [f"u{i}" for i in range(n_u)], "township_code": rng.choice(["T1", "T2", "T3"], n_u),
        "urban_rural": rng.choice(["urban", "rural"], n_u),
        "lat": rng.uniform(30.8, 31.2, n_u), "lon": rng.uniform(107.7, 108.1, n_u),
        "population": rng.integers(100, 3000, n_u),
    })
    types = rng.choice(["health_centre", "village_clinic", "county_hospital"], n_f)
    fac = pd.DataFrame({
        "id": [f"f{j}" for j in range(n_f)], "type": types,
        "tier": np.where(types == "county_hospital", "county", "township"),
        "unit_code": None, "township_code": rng.choice(["T1", "T2", "T3"], n_f),
        "lat": rng.uniform(30.8, 31.2, n_f), "lon": rng.uniform(107.7, 108.1, n_f),
        "doctors": rng.integers(0, 20, n_f),
    })
    cat = [INDICATORS["health_centre_car_min"], INDICATORS["health_doctors_2sfca_per_1000"]]
    t = evaluate(prepare(units, fac, catalogue=cat), {"fca_catchment_min": 12.0})
    minutes = 1.3 / 40.0 * 60.0
    d = [[float(haversine_km(ua, uo, fa, fo)) for fa, fo in zip(fac["lat"], fac["lon"], strict=True)]
         for ua, uo in zip(units["lat"], units["lon"], strict=True)]
    centre = [j for j in range(n_f) if types[j] == "health_centre"]
    near = [min(d[i][j] for j in centre) * minutes for i in range(n_u)]
    assert t.values["health_centre_car_min"].tolist() == pytest.approx(near)
    pop, sup = units["population"].tolist(), fac["doctors"].tolist()
    ratio = []
    for j in range(n_f):
        demand = sum(pop[i] for i in range(n_u) if d[i][j] * minutes <= 12.0)
        ratio.append(sup[j] / demand if demand else 0.0)
    access = [1000 * sum(ratio[j] for j in range(n_f) if d[i][j] * minutes <= 12.0)
              for i in range(n_u)]
    assert t.values["health_doctors_2sfca_per_1000"].tolist() == pytest.approx(access)


# -- the catalogue as data ------------------------------------------------------------------------

def test_catalogue_is_consistent_with_the_schema():
    assert len({i.key for i in CATALOGUE}) == len(CATALOGUE)
    assert {i.kind for i in CATALOGUE} == set(KINDS)
    assert set(DOMAINS) == set(schema.DOMAINS) == {i.domain for i in CATALOGUE}
    capacity = set(schema.CAPACITY_COLUMNS)
    for ind in CATALOGUE:
        assert set(ind.facility_types) <= set(schema.FACILITY_TYPES), ind.key
        assert all(schema.FACILITY_TYPES[t][0] == ind.domain for t in ind.facility_types), ind.key
        assert set(ind.population) <= set(schema.POP_COLUMNS) | {"population"}, ind.key
        assert {c for c in (ind.numerator, ind.denominator) if c} <= capacity, ind.key
        for text in (ind.zh, ind.en, ind.unit_zh, ind.unit_en, ind.help_zh, ind.help_en, ind.source):
            assert text.strip(), ind.key
    for domain in DOMAINS:
        assert any(i.headline for i in CATALOGUE if i.domain == domain), domain


def test_the_brief_is_covered():
    kinds = {(i.domain, i.kind) for i in CATALOGUE}
    assert ("education", "share_within") in kinds and ("health", "fca") in kinds
    assert INDICATORS["edu_primary_share_30min"].threshold == "primary_lower_max_min"
    assert INDICATORS["health_centre_share_15min"].threshold == "medical_circle_min"
    # beds by tier: the township's own, and county-hospital beds by access
    assert INDICATORS["health_township_beds_per_1000"].served_by_county == ("county_hospital",)
    assert "county_hospital" not in INDICATORS["health_township_beds_per_1000"].facility_types
    assert INDICATORS["health_county_beds_2sfca_per_1000"].facility_types == ("county_hospital",)
    assert INDICATORS["elderly_care_beds_per_1000_60plus"].population == ("pop_60_64", "pop_65_plus")


def test_docs_contain_the_generated_table():
    assert indicators_markdown() in DOCS.read_text(encoding="utf-8")
