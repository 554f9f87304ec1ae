"""Sub-centre siting (metrics.planning_subcentre) on tiny worlds worked out by hand: only the
eligible centres can be chosen (the smallest centre is nearest but not eligible), every model
the page offers, the load per bed against the county's, the capacitated p-median preferring
beds, and the next-best proposal against a plain enumeration of every proposal."""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd
import pytest

from metrics import planning as mp
from metrics import siting


def _world() -> mp.SubcentreInstance:
    """K, the county hospital (column 0, 500 beds); S, a small ordinary health centre
    (20 beds); C and D, central health centres (80 and 60 beds). Village u0 (100 people)
    is at K; u1 (300) and u2 (200) are nearest S, 5 and 12 minutes away, then C (10, 15).
    The register holds 660 beds and 140 doctors: 600 residents, 10/11 of one a bed."""
    sites = pd.DataFrame({
        "name": ["K", "S", "C", "D"],
        "type": ["county_hospital", "health_centre", "central_health_centre",
                 "central_health_centre"],
        "beds": [500.0, 20.0, 80.0, 60.0], "doctors": [100.0, 5.0, 20.0, 15.0],
        "lon": [108.0, 108.3, 108.25, 108.5], "lat": [31.0, 31.0, 31.05, 31.3]})
    cost = np.array([[0.0, 40.0, 45.0, 50.0],
                     [50.0, 5.0, 10.0, 30.0],
                     [60.0, 12.0, 15.0, 40.0]])
    units = pd.DataFrame({"code": ["u0", "u1", "u2"], "name": ["U0", "U1", "U2"]})
    return mp.SubcentreInstance(units, sites, cost, np.array([100.0, 300.0, 200.0]), (0,),
                                660.0, 140.0)


def test_eligibility_is_declared_with_its_source():
    assert mp.ELIGIBLE_DEFAULT == "central"
    assert mp.ELIGIBLE_TYPES_DEFAULT == ("central_health_centre",)
    for key, rule in mp.ELIGIBILITY.items():
        assert rule.key == key and set(rule.types) <= set(mp.CANDIDATE_TYPES)
        assert rule.zh and rule.en and rule.help_zh and rule.help_en and rule.source
    default = mp.ELIGIBILITY[mp.ELIGIBLE_DEFAULT]
    # not checked against the provincial document: said so, in data and on screen
    assert not default.verified and default.source.startswith("assumption")
    assert "假设" in default.help_zh and "assumption" in default.help_en
    assert set(mp.ELIGIBILITY["all"].types) == set(mp.CANDIDATE_TYPES)


def test_the_smallest_centre_is_nearest_but_not_eligible():
    """All eligible, one sub-centre: S costs 300·5 + 200·12 = 3,900 person-minutes, C
    300·10 + 200·15 = 6,000, D 17,000: S. Central centres only: C, mean 6,000 / 600 = 10
    minutes; the next best is D, (300·30 + 200·40) / 600 = 28.3 minutes."""
    inst = _world()
    widened = mp.solve_subcentre(inst, 1, "pmedian", 30.0)
    assert widened.new == (1,)  # S: nearest, and the smallest
    out = mp.solve_subcentre(inst, 1, "pmedian", 30.0, eligible_types=mp.ELIGIBLE_TYPES_DEFAULT)
    assert out.new == (2,) and out.eligible == (2, 3)
    assert mp.model_value(inst, out) == pytest.approx(10.0)
    assert out.result.assignment.tolist() == [0, 2, 2]
    alt = mp.next_best(inst, out)
    assert (alt.dropped, alt.added) == ((2,), (3,))
    assert mp.model_value(inst, alt.solution) == pytest.approx((300 * 30 + 200 * 40) / 600)
    # every model keeps to the eligible centres
    for model in mp.MODELS:
        sol = mp.solve_subcentre(inst, 1, model, 20.0, eligible_types=mp.ELIGIBLE_TYPES_DEFAULT)
        assert set(sol.new) <= {2, 3} and 1 not in sol.result.sites, model


def test_load_per_bed_against_the_county():
    """C serves u1 and u2, 500 residents on 80 beds: 6.25 a bed against the county's
    600 / 660 = 0.909, 6.875 times, flagged (> 1.5); at the county's level it needs
    500 ÷ (600/660) = 550 beds; per doctor 500 / 20 = 25. K: 100 on 500 beds, 0.2 a bed."""
    inst = _world()
    county = mp.county_load(inst)
    assert county["per_bed"] == pytest.approx(600 / 660)
    assert county["per_doctor"] == pytest.approx(600 / 140)
    out = mp.solve_subcentre(inst, 1, "pmedian", 30.0, eligible_types=mp.ELIGIBLE_TYPES_DEFAULT)
    table = mp.subcentre_assignment(inst, out.result)
    assert table["names"].tolist() == [("K",), ("C",)]
    k, c = table.iloc[0], table.iloc[1]
    assert (c["beds"], c["doctors"], c["served"]) == (80.0, 20.0, 500.0)
    assert c["per_bed"] == pytest.approx(6.25) and c["per_doctor"] == pytest.approx(25.0)
    assert c["load_ratio"] == pytest.approx(6.25 / (600 / 660)) and c["over"]
    assert c["beds_at_county"] == pytest.approx(550.0)
    assert k["per_bed"] == pytest.approx(0.2) and not k["over"]


def test_load_unknown_without_beds():
    inst = _world()
    sites = inst.sites.assign(beds=[500.0, 20.0, np.nan, 60.0])
    bare = mp.SubcentreInstance(inst.units, sites, inst.cost, inst.weights, (0,))
    out = mp.solve_subcentre(bare, 1, "pmedian", 30.0, eligible_types=("central_health_centre",))
    row = mp.subcentre_assignment(bare, out.result).iloc[1]
    assert np.isnan(row["beds"]) and np.isnan(row["per_bed"]) and not row["over"]
    assert np.isnan(mp.county_load(bare)["per_bed"])
    with pytest.raises(ValueError, match="beds"):
        mp.solve_subcentre(bare, 1, "pmedian_cap", 30.0)


def test_capacitated_p_median_prefers_the_centre_with_the_beds():
    """County: 600 residents on 6 beds, 100 a bed. A (2 beds) may serve 200, B (5 beds) 500.
    Without capacities A wins (300·1 + 200·3 = 900 against 300·4 + 200·2 = 1,600); with
    them A takes only u2 and u1 drives 30 minutes to K (600 + 9,000), so B (1,600)."""
    sites = pd.DataFrame({"name": ["K", "A", "B"], "beds": [np.nan, 2.0, 5.0],
                          "type": ["county_hospital"] + ["central_health_centre"] * 2,
                          "lon": [108.0, 108.3, 108.4], "lat": [31.0, 31.0, 31.1]})
    cost = np.array([[0.0, 40.0, 40.0], [30.0, 1.0, 4.0], [30.0, 3.0, 2.0]])
    inst = mp.SubcentreInstance(pd.DataFrame({"code": ["v0", "v1", "v2"]}), sites, cost,
                                np.array([100.0, 300.0, 200.0]), (0,), 6.0)
    assert mp.bed_capacities(inst).tolist() == [np.inf, 200.0, 500.0]
    assert mp.solve_subcentre(inst, 1, "pmedian", 30.0).new == (1,)
    out = mp.solve_subcentre(inst, 1, "pmedian_cap", 30.0)
    assert out.new == (2,) and out.result.assignment.tolist() == [0, 2, 2]
    assert mp.model_value(inst, out) == pytest.approx(1600 / 600)
    assert mp.subcentre_assignment(inst, out.result)["per_bed"].iloc[1] == pytest.approx(100.0)


def test_covering_and_center_models_by_hand():
    inst = _world()
    central = mp.ELIGIBLE_TYPES_DEFAULT
    # set covering at 20 min: u1 and u2 need S or C; among the central ones C alone
    lscp = mp.solve_subcentre(inst, 3, "lscp", 20.0, eligible_types=central)
    assert lscp.new == (2,) and mp.model_value(inst, lscp) == 1.0
    assert lscp.after["share"] == 100.0
    # the least N with a cover: u2 is 15 minutes from C
    assert mp.cover_limit_min(inst, central) == 15.0 and mp.cover_limit_min(inst) == 12.0
    far = mp.beyond_reach(inst, 12.0, central)
    assert far[["code", "population", "nearest_min"]].values.tolist() == [["u2", 200.0, 15.0]]
    with pytest.raises(siting.SitingError):
        mp.solve_subcentre(inst, 1, "lscp", 12.0, eligible_types=central)
    # p-center: C leaves the farthest village 15 minutes away, D 40
    pc = mp.solve_subcentre(inst, 1, "pcenter", 30.0, eligible_types=central)
    assert pc.new == (2,) and mp.model_value(inst, pc) == 15.0
    # maximal covering at 12 min: D covers nobody new, C covers u1 (300)
    mc = mp.solve_subcentre(inst, 1, "mclp", 12.0, eligible_types=central)
    assert mc.new == (2,) and mp.model_value(inst, mc) == 400.0
    with pytest.raises(ValueError, match="objective"):
        mp.solve_subcentre(inst, 1, "nope", 30.0)


def test_set_covering_without_a_chosen_site_needs_more_or_none():
    """Set covering at 20 min among the central centres: C alone; without C no cover exists
    (D is 30 and 40 minutes away), so there is no other proposal."""
    inst = _world()
    out = mp.solve_subcentre(inst, 1, "lscp", 20.0, eligible_types=mp.ELIGIBLE_TYPES_DEFAULT)
    assert mp.next_best(inst, out) is None
    # every candidate already chosen: nothing to swap in either
    out = mp.solve_subcentre(inst, 2, "pmedian", 30.0, eligible_types=mp.ELIGIBLE_TYPES_DEFAULT)
    assert out.new == (2, 3) and mp.next_best(inst, out) is None


def _value(cost, w, cols, model, threshold):
    """Plain loops: a proposal's measure (smaller is better; covering counts negatively)."""
    best = [min(cost[i][j] for j in cols) for i in range(len(w))]
    if model == "pmedian":
        return sum(wi * b for wi, b in zip(w, best, strict=True)) / sum(w)
    if model == "mclp":
        return -sum(wi for wi, b in zip(w, best, strict=True) if b <= threshold)
    return max(b for wi, b in zip(w, best, strict=True) if wi > 0)


@pytest.mark.parametrize("model", ["pmedian", "mclp", "pcenter"])
@pytest.mark.parametrize("n_new", [1, 2, 3])
def test_next_best_is_the_second_best_of_every_proposal(model, n_new):
    """Every set of n_new eligible candidates, by plain loops: the solve is the best, and the
    next best is the best of the others."""
    rng = np.random.default_rng(16)
    cost = rng.uniform(0, 60, (30, 8))
    w = rng.integers(0, 400, 30).astype(float)
    sites = pd.DataFrame({"type": ["county_hospital"] * 2 + ["central_health_centre"] * 6})
    inst = mp.SubcentreInstance(pd.DataFrame({"code": range(30)}), sites, cost, w, (0, 1))
    values = sorted(_value(cost, w, [0, 1, *extra], model, 25.0)
                    for extra in combinations(range(2, 8), n_new))
    out = mp.solve_subcentre(inst, n_new, model, 25.0)
    alt = mp.next_best(inst, out)
    sign = -1 if model == "mclp" else 1
    assert sign * mp.model_value(inst, out) == pytest.approx(values[0])
    assert sign * mp.model_value(inst, alt.solution) == pytest.approx(values[1])
    assert set(alt.solution.new) != set(out.new)
    assert set(alt.dropped) == set(out.new) - set(alt.solution.new)


def test_site_roles_set_the_ineligible_apart():
    inst = _world()
    roles = mp.site_roles(inst, [2], mp.eligible_columns(inst, mp.ELIGIBLE_TYPES_DEFAULT))
    assert roles[["name", "role"]].values.tolist() == [
        ["S", "ineligible"], ["D", "candidate"], ["K", "kept"], ["C", "chosen"]]
    assert roles["beds"].tolist() == [20.0, 60.0, 500.0, 80.0]


def test_instance_counts_the_whole_hospitals_register():
    """The county's beds and doctors: every hospital and health centre of the register,
    located or not; the beds of an elderly-care home are not hospital beds."""
    units = pd.DataFrame({"code": ["a"], "lat": [31.0], "lon": [108.0], "population": [100]})
    fac = pd.DataFrame({
        "id": ["k", "c", "x", "m", "e"],
        "type": ["county_hospital", "central_health_centre", "health_centre",
                 "community_health_centre", "care_home"],
        "beds": [100, 30, 10, 5, 70], "doctors": [20, 6, 2, 1, 3],
        "lat": [31.0, 31.1, np.nan, 31.0, 31.0], "lon": [108.0] * 5})
    inst = mp.subcentre_instance(units, fac)
    assert inst.sites["id"].tolist() == ["k", "c"]
    assert (inst.county_beds, inst.county_doctors) == (145.0, 29.0)
