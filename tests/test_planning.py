"""metrics.planning: the computations of the four planning pages, on tiny worlds worked out
by hand (coverage, residents served per place with hospitals at one place grouped, township
centres weighted by population, the lead = the most beds per township, a new facility in the
nearest unit by great-circle distance), and the rule that the planning UI computes no
distance or time of its own."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box, mapping

from metrics import boarding, consortia, indicators, siting, travel
from metrics import planning as mp
from metrics.indicators import CATALOGUE

ROOT = Path(__file__).resolve().parent.parent
KM_PER_DEG_LAT = 6371.0088 * np.pi / 180  # 111.19 km; a degree of longitude at 31° N: × cos 31°


def _reference_coverage(cost, weights, open_cols, threshold):
    """Plain loops: residents within the threshold of an open site and their mean travel."""
    within, total, travel_sum = 0.0, 0.0, 0.0
    for i, w in enumerate(weights):
        best = min(cost[i][j] for j in open_cols)
        total += w
        travel_sum += w * best
        if best <= threshold:
            within += w
    return within, 100 * within / total, travel_sum / total


# -- sub-centre ------------------------------------------------------------------------------

def test_coverage_by_hand():
    cost, w = np.array([[5.0, 40.0], [50.0, 20.0]]), np.array([1.0, 3.0])
    # both open: both villages within 30 (5 and 20 min), mean (1 × 5 + 3 × 20) / 4
    s = mp.coverage(cost, w, [0, 1], 30)
    assert s == {"within": 4.0, "share": 100.0, "mean_min": pytest.approx((5 + 60) / 4),
                 "no_road": 0.0, "no_road_units": 0}
    # only site 0: the village of 3 is 50 min away
    assert mp.coverage(cost, w, [0], 30) == {"within": 1.0, "share": 25.0, "mean_min": 38.75,
                                             "no_road": 0.0, "no_road_units": 0}
    # a village exactly on the threshold is within it
    assert mp.coverage(cost, w, [1], 20)["within"] == 3.0


def test_coverage_without_sites_villages_or_residents():
    none_open = mp.coverage(np.zeros((2, 0)), np.array([1.0, 3.0]), [], 30)
    assert none_open["within"] == 0.0 and none_open["share"] == 0.0 and np.isnan(none_open["mean_min"])
    no_villages = mp.coverage(np.zeros((0, 1)), np.zeros(0), [0], 30)
    assert no_villages["within"] == 0.0 and np.isnan(no_villages["share"])
    nobody = mp.coverage(np.array([[5.0]]), np.array([0.0]), [0], 30)
    assert nobody["within"] == 0.0 and np.isnan(nobody["share"]) and np.isnan(nobody["mean_min"])


def test_coverage_equals_a_plain_loop():
    rng = np.random.default_rng(13)
    cost, w = rng.uniform(0, 60, (40, 6)), rng.integers(0, 500, 40).astype(float)
    for open_cols in ([0], [1, 4], [0, 2, 3, 5]):
        within, share, mean = _reference_coverage(cost, w, open_cols, 25.0)
        got = mp.coverage(cost, w, open_cols, 25.0)
        assert (got["within"], got["share"], got["mean_min"]) == pytest.approx((within, share, mean))


def _world():
    units = pd.DataFrame({"code": ["a", "b", "c"], "name": ["A", "B", "C"],
                          "lat": [31.0, 31.1, 31.2], "lon": [108.0, 108.0, 108.0],
                          "population": [100, 300, 50]}, index=[7, 8, 9])
    fac = pd.DataFrame({
        "id": ["h1", "h2", "x", "k", "v"],
        "type": ["health_centre", "central_health_centre", "health_centre", "county_hospital",
                 "village_clinic"],
        "name": ["H1", "H2", "X", "K", "V"], "beds": [30, 80, 10, 500, 0],
        "lat": [31.1, 31.2, np.nan, 31.0, 31.0], "lon": [108.0, 108.0, 108.0, 108.0, 108.0]})
    return units, fac


def test_subcentre_instance_drops_unlocated_sites_and_keeps_required_first():
    units, fac = _world()
    before = (units.copy(), fac.copy())
    inst = mp.subcentre_instance(units, fac)
    assert inst.sites["id"].tolist() == ["k", "h1", "h2"]  # X has no point, V is no candidate
    assert inst.required == (0,)
    assert inst.units["code"].tolist() == ["a", "b", "c"] and inst.units.index.tolist() == [0, 1, 2]
    assert inst.weights.tolist() == [100.0, 300.0, 50.0]
    np.testing.assert_allclose(inst.cost, travel.matrix_min(units, inst.sites, "car"))
    assert not inst.cost.flags.writeable and not inst.weights.flags.writeable
    pd.testing.assert_frame_equal(units, before[0])
    pd.testing.assert_frame_equal(fac, before[1])


def test_solve_subcentre_reports_before_and_after():
    units, fac = _world()
    inst = mp.subcentre_instance(units, fac)
    out = mp.solve_subcentre(inst, 1, "pmedian", 30.0)
    # K at village a; opening H1 (village b, the largest) gives the least travel
    assert out.new == (1,) and out.result.sites.tolist() == [0, 1]
    assert out.before == mp.coverage(inst.cost, inst.weights, [0], 30.0)
    assert out.after == mp.coverage(inst.cost, inst.weights, [0, 1], 30.0)
    with pytest.raises(ValueError, match="objective"):
        mp.solve_subcentre(inst, 1, "nope", 30.0)


def test_same_place_groups_chain_by_great_circle():
    # 1.5 km steps along the parallel 31° N: A–B and B–C within 2 km, A–C 3 km apart, D far
    step = 1.5 / (KM_PER_DEG_LAT * np.cos(np.radians(31.0)))
    s = pd.DataFrame({"lon": [108.0, 108.0 + step, 108.0 + 2 * step, 108.3], "lat": [31.0] * 4})
    assert mp.same_place_groups(s, [0, 1, 2, 3]) == [[0, 1, 2], [3]]
    assert mp.same_place_groups(s, [3, 2, 0]) == [[3], [2], [0]]  # without B, A and C are apart
    assert mp.same_place_groups(s, []) == []


def three_sites() -> mp.SubcentreInstance:
    """Worked by hand: A and B about 95 m apart are one place, C 19 km away another.
    Village 0 (10 people) is nearest B at 4 min, village 1 (20) nearest A at 3 min, village 2
    (30) nearest C at 10 min; A and B are kept open."""
    sites = pd.DataFrame({"name": ["A", "B", "C"], "lon": [107.0, 107.001, 107.2],
                          "lat": [31.0, 31.0, 31.0], "beds": [100.0, 50.0, np.nan]})
    cost = np.array([[5.0, 4.0, 30.0], [3.0, 6.0, 40.0], [40.0, 41.0, 10.0]])
    return mp.SubcentreInstance(pd.DataFrame({"code": ["u0", "u1", "u2"]}), sites, cost,
                                np.array([10.0, 20.0, 30.0]), (0, 1))


def test_subcentre_assignment_groups_hospitals_at_one_place():
    """The instance of :func:`three_sites`, worked by hand."""
    inst = three_sites()
    cost = inst.cost
    table = mp.subcentre_assignment(inst, siting.p_median(cost, inst.weights, 3, [0, 1]))
    assert table["names"].tolist() == [("A", "B"), ("C",)]
    assert table["sites"].tolist() == [(0, 1), (2,)]
    assert table["roles"].tolist() == [("kept",), ("chosen",)]
    assert table["beds"].iloc[0] == 150 and np.isnan(table["beds"].iloc[1])
    assert table["served"].tolist() == [30, 30]
    assert table["mean_min"].tolist() == pytest.approx([(10 * 4 + 20 * 3) / 30, 10.0])


def test_subcentre_assignment_follows_the_result_not_the_nearest_site():
    """The table reads the result's assignment (capacities may send a village elsewhere);
    a village that no open site reaches (−1) is served nowhere."""
    sites = pd.DataFrame({"name": ["A", "C"], "lon": [107.0, 107.2], "lat": [31.0, 31.0]})
    cost = np.array([[5.0, 30.0], [3.0, 9.0], [40.0, np.inf]])
    inst = mp.SubcentreInstance(pd.DataFrame({"code": ["u0", "u1", "u2"]}), sites, cost,
                                np.array([10.0, 20.0, 30.0]), (0,))
    result = siting.SitingResult("given", np.array([0, 1]), np.array([0, 1, -1]), 0.0, 0.0)
    table = mp.subcentre_assignment(inst, result)
    assert table["served"].tolist() == [10.0, 20.0]  # village 1 sent to C, village 2 nowhere
    assert table["mean_min"].tolist() == [5.0, 9.0]
    assert table["beds"].isna().all()  # no beds column: unknown


def test_site_roles_draw_the_chosen_on_top():
    s = pd.DataFrame({"name": ["K1", "K2", "A", "B"], "lon": [1.0, 2.0, 3.0, 4.0], "lat": [0.0] * 4})
    inst = mp.SubcentreInstance(pd.DataFrame(), s, np.zeros((0, 4)), np.zeros(0), (0, 1))
    assert mp.site_roles(inst, [3])["role"].tolist() == ["candidate", "kept", "kept", "chosen"]
    assert mp.site_roles(inst)["name"].tolist() == ["A", "B", "K1", "K2"]


# -- consortia -------------------------------------------------------------------------------

def test_township_centres_weighted_by_population():
    """t: 100 residents at (108.0, 31.0) and 300 at (108.4, 31.4) → (108.3, 31.3); 50 more
    without a point count as residents but cannot place the centre. u: one village."""
    u = pd.DataFrame({"township_code": ["t", "t", "t", "u"], "population": [100, 300, 50, 20],
                      "lon": [108.0, 108.4, np.nan, 107.9], "lat": [31.0, 31.4, np.nan, 31.2]})
    towns = pd.DataFrame({"code": ["t", "u", "w"], "name": ["T", "U", "W"], "zone": ["z1", "z1", "z2"],
                          "lon": [0.0] * 3, "lat": [0.0] * 3})
    out = mp.township_centres(u, towns)
    assert out.index.tolist() == ["t", "u", "w"]
    assert out["population"].tolist() == [450, 20, 0]
    assert out.loc["t", ["lon", "lat"]].tolist() == pytest.approx([108.3, 31.3])
    assert out.loc["u", ["lon", "lat"]].tolist() == pytest.approx([107.9, 31.2])
    assert out.loc["w", ["lon", "lat"]].isna().all()  # nobody lives there
    assert out["zone"].tolist() == ["z1", "z1", "z2"] and towns["lon"].tolist() == [0.0] * 3


def test_lead_is_the_largest_located_hospital_of_each_township():
    f = pd.DataFrame({
        "id": ["WS-3", "WS-1", "WS-2", "WS-4", "WS-5", "WS-6", "WS-7"],
        "township_code": [1, 1, 2, 2, 3, 3, 3],
        "type": ["county_hospital", "health_centre", "health_centre", "central_health_centre",
                 "health_centre", "health_centre", "village_clinic"],
        "beds": [500, 30, 40, 40, np.nan, 20, 900],
        "lon": [108.0, 108.0, 108.0, 108.0, 108.0, np.nan, 108.0], "lat": [31.0] * 7})
    leads = mp.lead_candidates(f)
    # township 1: WS-3 (500 beds); 2: a tie at 40 → the smaller id WS-2; 3: WS-6 has no point,
    # WS-7 is a clinic, so WS-5 (beds unknown) is its only candidate
    assert leads["id"].tolist() == ["WS-2", "WS-3", "WS-5"]
    assert leads["township_code"].tolist() == ["2", "1", "3"]


def _squares():
    """Three townships in a row (t0 | t1 | t2), one village each, hospitals in t0 and t2."""
    shapes = {"t0": mapping(box(107.9, 31.0, 108.0, 31.1)), "t1": mapping(box(108.0, 31.0, 108.1, 31.1)),
              "t2": mapping(box(108.1, 31.0, 108.2, 31.1))}
    units = pd.DataFrame({"township_code": ["t0", "t1", "t2"], "population": [100, 50, 300],
                          "lon": [107.95, 108.05, 108.15], "lat": [31.05] * 3})
    towns = pd.DataFrame({"code": ["t0", "t1", "t2"], "name": ["T0", "T1", "T2"],
                          "zone": ["west", "west", "east"]})
    fac = pd.DataFrame({"id": ["H0", "H2"], "name": ["Hosp 0", "Hosp 2"], "township_code": ["t0", "t2"],
                        "type": ["county_hospital", "health_centre"], "beds": [300, 40],
                        "lon": [107.95, 108.15], "lat": [31.05, 31.05]})
    return units, towns, fac, shapes


def test_township_instance_uses_travel_and_shared_borders():
    units, towns, fac, shapes = _squares()
    inst = mp.township_instance(units, towns, fac, shapes)
    assert inst.towns.index.tolist() == ["t0", "t1", "t2"] and inst.home == [0, 2]
    np.testing.assert_allclose(inst.cost, travel.matrix_min(inst.towns, inst.leads, "car"))
    assert inst.adjacency == {"t0": ["t1"], "t1": ["t0", "t2"], "t2": ["t1"]}
    assert not inst.cost.flags.writeable
    assert mp.township_instance(units, towns, fac).adjacency is None


def test_solve_consortia_and_compare_by_hand():
    units, towns, fac, shapes = _squares()
    inst = mp.township_instance(units, towns, fac, shapes)
    out = mp.solve_consortia(inst, 2, 1.0)
    # t1 lies halfway: equally far from both leads (0.1° apart), so the model may put it with
    # either; with deviation 1.0 both groupings fit; the mean is 50 × d / 450 either way
    d = float(inst.cost[1, 0])
    assert out.table.loc["t0", "region"] == "Hosp 0" and out.table.loc["t2", "region"] == "Hosp 2"
    assert out.mean_min == pytest.approx(50 * d / 450)
    assert out.populations.sum() == 450 and out.result.contiguous
    model = out.table["region"]
    zones = inst.towns["zone"].astype(str)
    cmp = mp.compare_groupings(inst, model, {"zones": zones}, out.table["travel"])
    assert list(cmp.index) == list(mp.COMPARISON_MEASURES) and list(cmp.columns) == ["model", "zones"]
    assert cmp.loc["regions", "zones"] == 2 and cmp.loc["connected", "zones"] is True
    # zones west = {t0, t1} (150), east = {t2} (300): mean 225, largest deviation 75 = 33.3 %
    assert cmp.loc["max_deviation_pct", "zones"] == pytest.approx(100 / 3)
    # the zones' leads: H0 for the west (t1 d min away), H2 for the east
    assert cmp.loc["mean_travel_min", "zones"] == pytest.approx(50 * d / 450)
    assert cmp.loc["mean_travel_min", "model"] == pytest.approx(out.mean_min)
    assert cmp.loc["outside", "zones"] == 0 and cmp.loc["outside", "model"] == 0
    assert cmp.loc["rand", "model"] is None
    ref = consortia.compare_assignments(model, zones, inst.towns["population"], None, inst.adjacency)
    assert cmp.loc["adjusted_rand", "zones"] == pytest.approx(ref.adjusted_rand)
    assert cmp.loc["matched_pct", "zones"] == pytest.approx(100 * ref.matched_share)


def test_solve_consortia_raises_when_no_grouping_fits():
    units, towns, fac, shapes = _squares()
    inst = mp.township_instance(units, towns, fac, shapes)
    with pytest.raises(siting.SitingError):
        mp.solve_consortia(inst, 2, 0.0)  # 450 residents cannot split into 225 + 225


# -- boarding --------------------------------------------------------------------------------

def test_school_tables_keep_located_primary_and_junior_schools():
    units = pd.DataFrame({"code": [11, 12], "name": ["A", "B"]})
    f = pd.DataFrame({"id": ["p", "j", "n", "k", "q"],
                      "type": ["primary", "junior", "nine_year", "kindergarten", "primary"],
                      "lon": [108.0, 108.1, 108.2, 108.0, np.nan], "lat": [31.0] * 5})
    u, s = mp.school_tables(units, f)
    assert u.index.tolist() == ["11", "12"]
    assert s.index.tolist() == ["p", "j", "n"]  # no kindergarten, nothing without a point


def test_boarding_outcome_uses_travel_minutes_of_the_mode():
    units = pd.DataFrame({"pop_6_11": [40, 10], "pop_12_14": [12, 6], "lat": [31.5, 31.05],
                          "lon": [108.0, 108.0]}, index=["v", "w"])
    schools = pd.DataFrame({"type": ["primary", "nine_year", "teaching_point"],
                            "boarding_beds": [0, 10, 0], "students": [200, 400, 15],
                            "teachers": [10, 30, 3], "name": ["P", "B", "T"],
                            "lat": [31.4, 31.0, 31.1], "lon": [108.0, 108.0, 108.0]},
                           index=["p", "b", "t"])
    over = {"junior_day_max_min": 60.0, "speed_school_bus_kmh": 25.0}
    out = mp.boarding_outcome(units, schools, ["b"], "school_bus", over, n_close=1)
    ut = travel.matrix_min(units, schools, "school_bus", over)
    st = travel.matrix_min(schools, schools, "school_bus", over)
    ref = boarding.boarding_plan(units, schools, ut, ["b"], over)
    pd.testing.assert_series_equal(out.plan.summary, ref.summary)
    merged = boarding.merge_small_schools(schools, st, units, ut, 1, overrides=over)
    pd.testing.assert_series_equal(out.merge.summary, merged.summary)
    assert out.merge.schools.loc["t", "closed"]
    # the baseline: everybody by day to the nearest school, nobody boards
    free = {**over, "primary_lower_max_min": 1e9, "primary_upper_day_max_min": 1e9,
            "junior_day_max_min": 1e9}
    base = boarding.boarding_plan(units, schools, ut, [], free).summary
    assert base["boarders"] == 0
    assert out.all_day_mean_min == pytest.approx(base["day_travel_mean_min"])
    assert mp.boarders_per_unit(out.plan).sum() == out.plan.summary["boarders"]


def test_boarders_travel_by_their_own_mode():
    """Day trips on foot, the boarders' weekly trip by school bus: the need is the walking
    one, the placement reaches farther by bus (village 0.2° from the boarding school:
    on foot 320 min, by bus 48 min, within the 60-minute limit)."""
    units = pd.DataFrame({"pop_6_11": [0], "pop_12_14": [12], "lat": [31.2], "lon": [108.0]},
                         index=["v"])
    schools = pd.DataFrame({"type": ["nine_year"], "boarding_beds": [10], "students": [400],
                            "teachers": [30], "name": ["B"], "lat": [31.0], "lon": [108.0]},
                           index=["b"])
    walk = mp.boarding_outcome(units, schools, ["b"], "walk")
    assert walk.plan.summary["need"] == 12 and walk.plan.summary["unplaced_no_school_in_reach"] == 12
    bus = mp.boarding_outcome(units, schools, ["b"], "walk", board_mode="school_bus")
    assert bus.plan.summary[["need", "boarders", "beds_used", "new_beds"]].tolist() == [12, 12, 10, 2]
    bm = travel.matrix_min(units, schools, "school_bus")
    assert bus.plan.summary["board_mean_min"] == pytest.approx(bm[0, 0])


def test_primary_ratio_is_the_education_indicator_before_and_after_a_merge():
    """Two villages served by their township's primary school and teaching point; closing the
    teaching point with its teachers staying raises the indicator, with them moving barely."""
    units = pd.DataFrame({"code": ["u1", "u2"], "lat": [31.0, 31.01], "lon": [108.0, 108.0],
                          "township_code": ["t", "t"], "urban_rural": ["rural", "rural"],
                          "population": [500, 500], "pop_6_11": [50, 50], "pop_12_14": [20, 20]}
                         ).set_index("code", drop=False)
    schools = pd.DataFrame({"id": ["p", "tp"], "type": ["primary", "teaching_point"],
                            "tier": ["township", "village"], "unit_code": ["u1", "u2"],
                            "township_code": ["t", "t"], "name": ["P", "TP"],
                            "students": [380, 20], "teachers": [20, 4], "boarding_beds": [0, 0],
                            "lat": [31.0, 31.01], "lon": [108.0, 108.0]}).set_index("id", drop=False)
    ind = indicators.INDICATORS["edu_primary_students_per_teacher"]
    direct = indicators.evaluate(indicators.prepare(units.reset_index(drop=True),
                                                    schools.reset_index(drop=True),
                                                    catalogue=[ind])).county.loc[ind.key, "value"]
    assert mp.boarding_outcome(units, schools, [], "walk").spt_before == pytest.approx(direct)
    stay = mp.boarding_outcome(units, schools, [], "walk", {"teachers_move_with_merge": 0.0}, 1)
    assert stay.spt_after == pytest.approx(400 / 20)  # one school left: 400 pupils, 20 teachers
    move = mp.boarding_outcome(units, schools, [], "walk", {}, 1)
    assert move.spt_after == pytest.approx(400 / 24)
    # without the columns the indicator needs, no figure rather than a wrong one
    assert np.isnan(mp.boarding_outcome(units[["pop_6_11", "pop_12_14", "lat", "lon"]], schools,
                                        [], "walk").spt_before)


def test_school_roles_draw_the_boarding_schools_on_top():
    s = pd.DataFrame({"name": ["B", "P", "Q"], "lon": [1.0, 2.0, 3.0], "lat": [0.0] * 3},
                     index=["b", "p", "q"])
    out = mp.school_roles(s, ["b"])
    assert out.index.tolist() == ["p", "q", "b"] and out["role"].tolist() == ["school", "school", "boarding"]


# -- scenarios -------------------------------------------------------------------------------

def _deg_km(lon: float, lat: float, lat0: float = 31.0) -> float:
    return float(np.hypot(lon * KM_PER_DEG_LAT * np.cos(np.radians(lat0)), lat * KM_PER_DEG_LAT))


def test_new_facility_goes_to_the_nearest_unit_by_great_circle():
    """At 31° N a degree of longitude is 0.857 of a degree of latitude. Unit e is 0.011° of
    longitude east of the point (1.05 km), unit n 0.010° of latitude north (1.11 km):
    squared degrees pick n (0.000100 < 0.000121), great-circle distance picks e."""
    units = pd.DataFrame({"code": ["e", "n"], "township_code": ["t1", "t2"],
                          "lon": [108.011, 108.0], "lat": [31.0, 31.01]})
    squared = (units["lon"] - 108.0) ** 2 + (units["lat"] - 31.0) ** 2
    assert units["code"][squared.idxmin()] == "n"  # the old rule
    assert _deg_km(0.011, 0) < _deg_km(0, 0.010)
    gc = travel.distance_km(([31.0], [108.0]), units)[0]
    assert gc.round(2).tolist() == [1.05, 1.11]
    fac = pd.DataFrame({"id": ["h"], "type": ["health_centre"], "tier": ["township"], "domain": ["health"]})
    edit = mp.new_facility(fac, units, "health_centre", "新卫生院", 108.0, 31.0, None, {"beds": 20.0})
    assert (edit["unit_code"], edit["township_code"]) == ("e", "t1")
    assert (edit["lon"], edit["lat"]) == (108.0, 31.0)  # the facility stays at its own point


def test_new_facility_at_a_unit_ids_tier_and_capacities():
    units = pd.DataFrame({"code": ["a", "b"], "township_code": ["t", "u"], "lon": [108.0, 108.1],
                          "lat": [31.0, np.nan]})
    fac = pd.DataFrame({"id": ["NEW-1", "x", "y", "z"], "type": ["care_home"] * 3 + ["day_care"],
                        "tier": ["county", "township", "township", "village"],
                        "domain": ["elderly_care"] * 4})
    edit = mp.new_facility(fac, units, "care_home", "  ", None, None, "a",
                           {"care_beds": 30, "places": None}, taken=["NEW-2"])
    assert edit == {"op": "add", "id": "NEW-3", "type": "care_home", "name": "NEW-3", "lon": 108.0,
                    "lat": 31.0, "tier": "township", "domain": "elderly_care", "unit_code": "a",
                    "township_code": "t", "care_beds": 30.0}
    # a type with no facility yet: a township facility of unknown domain
    other = mp.new_facility(fac, units, "infant_care", "x", 108.2, 31.0, None, {})
    assert (other["tier"], other["domain"], other["unit_code"]) == ("township", None, "a")
    for bad in ({"unit_code": None, "lon": None, "lat": 31.0}, {"unit_code": "nope", "lon": None, "lat": None},
                {"unit_code": "b", "lon": None, "lat": None}):
        with pytest.raises(ValueError):
            mp.new_facility(fac, units, "care_home", "x", bad["lon"], bad["lat"], bad["unit_code"], {})


def test_editor_frame_and_change_roles():
    f = pd.DataFrame({"id": ["a", "b", "c", "d"], "name": list("ABCD"), "type": ["health_centre"] * 4,
                      "lon": [1.0, 2.0, 3.0, 4.0], "lat": [0.0] * 4, "beds": [10, 20, 30, 40],
                      "domain": ["health"] * 4})
    changes = [{"op": "close", "id": "a"}, {"op": "move", "id": "b", "lon": 2.5, "lat": 0.5},
               {"op": "set", "id": "c", "field": "beds", "value": 35},
               {"op": "add", "id": "NEW-1", "type": "health_centre", "lon": 5.0, "lat": 0.0, "name": "N"}]
    frame = mp.editor_frame(f, changes, ["beds"])
    assert frame["open"].tolist() == [False, True, True, True]
    assert frame["beds"].tolist() == [10.0, 20.0, 35.0, 40.0] and frame["lon"].tolist()[1] == 2.5
    assert "NEW-1" not in set(frame["id"])
    roles = mp.change_roles(f, changes)
    assert roles[["name", "role"]].values.tolist() == [
        ["D", "same"], ["C", "changed"], ["B", "moved"], ["A", "closed"], ["N", "added"]]
    assert roles.set_index("name").loc["A", "lon"] == 1.0  # closed: at its old place
    assert f["beds"].tolist() == [10, 20, 30, 40]


def test_indicator_comparison_numbers():
    keys = [ind.key for ind in CATALOGUE if ind.domain == "culture"]

    def table(shift: float):
        county = pd.DataFrame({"value": [1.0 + shift] * len(CATALOGUE)},
                              index=[ind.key for ind in CATALOGUE])
        summ = {ind.key: {"urban_rural": {"pair_difference": 2.0 + shift, "gini": 0.1}} for ind in CATALOGUE}
        summ[keys[0]]["urban_rural"] = None  # no unit has a value
        return SimpleNamespace(county=county, summaries=summ)

    out = mp.indicator_comparison(table(0.0), table(0.5), "culture")
    assert out.index.tolist() == keys
    assert out.loc[keys[-1]].tolist() == [1.0, 1.5, 2.0, 2.5, 0.1, 0.1]
    assert out.loc[keys[0], ["gap_before", "gini_after"]].isna().all()


# -- the planning UI computes no distance, time or optimisation ------------------------------

@pytest.mark.parametrize("path", ["ui/planning.py", *sorted(
    str(p.relative_to(ROOT)) for p in (ROOT / "views").glob("plan_*.py"))])
def test_planning_ui_computes_no_distance_or_time(path):
    text = (ROOT / path).read_text(encoding="utf-8")
    for pattern in (r"haversine", r"travel_matrix_min", r"\*\* ?2", r"matrix_min\(", r"metrics\.geo",
                    r"\bsiting\.(p_median|max_coverage)", r"regions_frame"):
        assert not re.search(pattern, text), (path, pattern)


@pytest.mark.parametrize("path", sorted(str(p.relative_to(ROOT)) for p in (ROOT / "views").glob("plan_*.py")))
def test_planning_pages_draw_through_show_chart(path):
    """One figure pipeline: every planning map is a specification built with its styles up
    front and drawn by ``ui.charts.show_chart``; nothing is recoloured afterwards."""
    text = (ROOT / path).read_text(encoding="utf-8")
    assert "show_chart(" in text and "plotly_chart" not in text
    ui = (ROOT / "ui" / "planning.py").read_text(encoding="utf-8")
    assert "graph_objects" not in ui and ".marker.color" not in ui and "update_layout" not in ui
