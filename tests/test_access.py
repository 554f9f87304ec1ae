"""Access metrics: hand-worked tiny worlds, a naive reference, invariants, PySAL cross-check."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from metrics.access import (
    gaussian,
    k_nearest,
    nearest,
    share_within,
    share_within_by,
    step_weights,
    supply_ratio,
    travel_time_min,
    two_step_fca,
    two_step_fca_arrays,
    two_step_fca_points,
)
from metrics.geo import haversine_km
from tests import reference_impl_access as ref


def _world(seed: int, n_demand: int = 40, n_supply: int = 12, zero: bool = False):
    """Random demand/supply Series and a full cost table in minutes."""
    rng = np.random.default_rng(seed)
    P = pd.Series(rng.integers(1 if not zero else 0, 2000, n_demand).astype(float),
                  index=[f"v{i}" for i in range(n_demand)])
    S = pd.Series(rng.integers(0 if zero else 1, 30, n_supply).astype(float),
                  index=[f"f{j}" for j in range(n_supply)])
    o, d = np.meshgrid(P.index, S.index, indexing="ij")
    cost = pd.DataFrame({"origin": o.ravel(), "dest": d.ravel(),
                         "cost": rng.uniform(0, 60, o.size).round(1)})
    return P, S, cost


def _ref(pop, cap, cost, threshold, weight=None):
    pairs = list(cost[["origin", "dest", "cost"]].itertuples(index=False, name=None))
    return pd.Series(ref.two_step_fca(pop.to_dict(), cap.to_dict(), pairs, threshold, weight))


# -- tiny worlds ---------------------------------------------------------------------------

def test_tiny_world_by_hand():
    # a: 100 people, b: 300; X: 2 doctors (a 10 min, b 20 min), Y: 1 doctor (a 45, b 25).
    # R_X = 2 / (100 + 300) = 0.005; R_Y = 1 / 300 (a is beyond 30 min).
    # A_a = R_X = 0.005; A_b = 0.005 + 1/300 = 0.0083333.
    P = pd.Series({"a": 100.0, "b": 300.0})
    S = pd.Series({"X": 2.0, "Y": 1.0})
    cost = pd.DataFrame({"origin": ["a", "b", "a", "b"], "dest": ["X", "X", "Y", "Y"],
                         "cost": [10.0, 20.0, 45.0, 25.0]})
    A = two_step_fca(P, S, cost, 30)
    assert A.index.tolist() == ["a", "b"]
    assert A.tolist() == pytest.approx([0.005, 0.005 + 1 / 300])


def test_tiny_world_with_steps_by_hand():
    # weights 1 (≤10), 0.68 (≤20), 0.22 (≤30). Same world as above.
    # X: demand 100·1 + 300·0.68 = 304 → R_X = 2/304; Y: 300·0.22 = 66 → R_Y = 1/66.
    # A_a = R_X·1 = 0.0065789; A_b = R_X·0.68 + R_Y·0.22 = 0.0044737 + 0.0033333 = 0.0078070.
    P = pd.Series({"a": 100.0, "b": 300.0})
    S = pd.Series({"X": 2.0, "Y": 1.0})
    cost = pd.DataFrame({"origin": ["a", "b", "a", "b"], "dest": ["X", "X", "Y", "Y"],
                         "cost": [10.0, 20.0, 45.0, 25.0]})
    A = two_step_fca(P, S, cost, 30, decay=step_weights([(10, 1.0), (20, 0.68), (30, 0.22)]))
    assert A.tolist() == pytest.approx([2 / 304, 2 / 304 * 0.68 + 0.22 / 66])


def test_zero_demand_and_zero_supply_give_no_nan():
    # c has nobody; Z (3 beds) is reachable only from c → R_Z = 0, reported as unserved.
    # W has zero capacity; d is reachable from nothing → A_d = 0.
    P = pd.Series({"a": 100.0, "c": 0.0, "d": 50.0})
    S = pd.Series({"X": 2.0, "Z": 3.0, "W": 0.0})
    cost = pd.DataFrame({"origin": ["a", "c", "a", "c"], "dest": ["X", "Z", "W", "X"],
                         "cost": [5.0, 5.0, 5.0, 5.0]})
    A = two_step_fca(P, S, cost, 30)
    assert not A.isna().any()
    assert A.to_dict() == pytest.approx({"a": 0.02, "c": 0.02, "d": 0.0})
    assert A.attrs["unserved_supply"] == ["Z"]
    table = supply_ratio(P, S, cost, 30)
    assert table.loc["Z", "ratio"] == 0.0 and bool(table.loc["Z", "unserved"])
    assert not bool(table.loc["W", "unserved"])


def test_unknown_ids_in_cost_are_ignored_and_inputs_untouched():
    P, S, cost = _world(3)
    extra = pd.DataFrame({"origin": ["elsewhere", "v0"], "dest": ["f0", "nowhere"],
                          "cost": [1.0, 1.0]})
    cost2 = pd.concat([cost, extra], ignore_index=True)
    before = cost2.copy()
    pd.testing.assert_series_equal(two_step_fca(P, S, cost2, 30), two_step_fca(P, S, cost, 30))
    pd.testing.assert_frame_equal(cost2, before)


def test_bad_inputs_raise():
    P = pd.Series({"a": -1.0})
    S = pd.Series({"X": 1.0})
    cost = pd.DataFrame({"origin": ["a"], "dest": ["X"], "cost": [1.0]})
    with pytest.raises(ValueError, match="demand"):
        two_step_fca(P, S, cost, 30)
    with pytest.raises(ValueError, match="column"):
        two_step_fca(P.abs(), S, cost.drop(columns="cost"), 30)
    with pytest.raises(ValueError):
        gaussian(0)
    with pytest.raises(ValueError):
        step_weights([(10, -1.0)])


# -- reference and invariants -----------------------------------------------------------------

@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("decay", [None, "steps", "gauss"])
def test_matches_naive_reference(seed, decay):
    P, S, cost = _world(seed, zero=seed % 2 == 1)
    fn = {None: None, "steps": step_weights([(10, 1.0), (20, 0.68), (30, 0.22)]),
          "gauss": gaussian(30.0)}[decay]
    got = two_step_fca(P, S, cost, 30, decay=fn)
    want = _ref(P, S, cost, 30, fn)
    assert got.to_numpy() == pytest.approx(want[got.index].to_numpy(), rel=1e-12, abs=1e-15)


@pytest.mark.parametrize("seed", range(3))
def test_unlimited_catchment_gives_total_supply_over_total_demand(seed):
    P, S, cost = _world(seed)
    A = two_step_fca(P, S, cost, np.inf)
    assert A.to_numpy() == pytest.approx(np.full(len(P), S.sum() / P.sum()))


@pytest.mark.parametrize("seed", range(3))
def test_adding_supply_never_lowers_access(seed):
    P, S, cost = _world(seed)
    before = two_step_fca(P, S, cost, 25)
    more = S.copy()
    more.iloc[seed] += 10
    after = two_step_fca(P, more, cost, 25)
    assert (after >= before - 1e-15).all() and (after > before).any()


def test_population_weighted_access_equals_supply_served():
    # Σ_i P_i A_i = Σ_j S_j over supply with demand in reach (classic 2SFCA conserves supply)
    P, S, cost = _world(11)
    A = two_step_fca(P, S, cost, 20)
    served = supply_ratio(P, S, cost, 20).query("demand_in_reach > 0")["supply"].sum()
    assert (P * A).sum() == pytest.approx(served)


# -- PySAL access ---------------------------------------------------------------------------------

@pytest.mark.parametrize("seed", range(3))
def test_equals_pysal_access(seed):
    access = pytest.importorskip("access")
    P, S, cost = _world(seed, n_demand=60, n_supply=20)
    P.index = pd.Index(P.index, name="geoid")
    S.index = pd.Index(S.index, name="geoid")
    acc = access.Access(demand_df=P.rename("pop").to_frame(), demand_index=True,
                        demand_value="pop", supply_df=S.rename("doc").to_frame(),
                        supply_index=True, supply_value="doc", cost_df=cost,
                        cost_origin="origin", cost_dest="dest", cost_name="cost")
    theirs = acc.two_stage_fca(name="fca", max_cost=30)["fca_doc"].reindex(P.index).fillna(0)
    ours = two_step_fca(P, S, cost, 30)
    assert np.abs(ours.to_numpy() - theirs.to_numpy()).max() < 1e-9
    fn = access.weights.step_fn({10: 1.0, 20: 0.68, 30: 0.22})
    theirs = acc.enhanced_two_stage_fca(name="e", weight_fn=fn)["e_doc"].reindex(P.index).fillna(0)
    ours = two_step_fca(P, S, cost, 30, decay=step_weights([(10, 1.0), (20, 0.68), (30, 0.22)]))
    assert np.abs(ours.to_numpy() - theirs.to_numpy()).max() < 1e-9


def test_step_weights_equal_pysal_step_fn():
    access = pytest.importorskip("access")
    theirs = access.weights.step_fn({10: 1.0, 20: 0.68, 30: 0.22})
    ours = step_weights([(10, 1.0), (20, 0.68), (30, 0.22)])
    costs = np.linspace(0, 40, 401)
    assert ours(costs).tolist() == [theirs(c) for c in costs]


# -- from points -----------------------------------------------------------------------------------

def test_points_kernel_equals_cost_table_route():
    rng = np.random.default_rng(5)
    dla, dlo = rng.uniform(31.0, 31.6, 80), rng.uniform(107.6, 108.3, 80)
    sla, slo = rng.uniform(31.0, 31.6, 15), rng.uniform(107.6, 108.3, 15)
    P, S = rng.integers(0, 900, 80).astype(float), rng.integers(0, 20, 15).astype(float)
    res = two_step_fca_points(dla, dlo, P, sla, slo, S, threshold_min=20, mode="ebike")
    t = travel_time_min(haversine_km(dla[:, None], dlo[:, None], sla[None, :], slo[None, :]),
                        "ebike")
    o, d = np.meshgrid(np.arange(80), np.arange(15), indexing="ij")
    want = two_step_fca_arrays(P, S, o.ravel(), d.ravel(), t.ravel(), 20)
    assert res.access == pytest.approx(want.access, rel=1e-12, abs=1e-15)


# -- nearest, travel time, coverage -----------------------------------------------------------------

def test_nearest_adapter_with_id_column_and_missing_points():
    units = pd.DataFrame({"lat": [31.0, 31.5, np.nan], "lon": [108.0, 108.0, np.nan]},
                         index=pd.Index(["u1", "u2", "u3"], name="code"))
    fac = pd.DataFrame({"id": ["h1", "h2", "h3"], "lat": [31.05, 31.45, np.nan],
                        "lon": [108.0, 108.0, np.nan]})
    out = nearest(units, fac)
    assert out.index.equals(units.index)
    assert out["facility_id"].tolist() == ["h1", "h2", None]
    assert out.loc["u1", "dist_km"] == pytest.approx(haversine_km(31.0, 108.0, 31.05, 108.0))
    assert np.isnan(out.loc["u3", "dist_km"])
    long = k_nearest(units, fac, 3)
    assert long.loc[("u1", 3), "facility_id"] is None  # only two facilities have points


def test_nearest_with_no_facilities():
    units = pd.DataFrame({"lat": [31.0], "lon": [108.0]}, index=["u1"])
    out = nearest(units, pd.DataFrame({"lat": [], "lon": []}))
    assert np.isnan(out.loc["u1", "dist_km"]) and out.loc["u1", "facility_id"] is None


def test_travel_time_uses_settings_and_keeps_series():
    s = pd.Series([4.5, 9.0], index=["a", "b"])
    t = travel_time_min(s, "walk", {"detour_factor": 1.0})
    assert t.index.tolist() == ["a", "b"] and t.tolist() == pytest.approx([60.0, 120.0])
    assert travel_time_min(30.0, "school_bus") == pytest.approx(30 * 1.3 / 30 * 60)
    with pytest.raises(ValueError, match="mode"):
        travel_time_min(1.0, "rocket")


def test_share_within_and_by_group():
    pop = pd.Series([100, 300, 50, 0], index=list("abcd"))
    t = pd.Series([10.0, 45.0, np.nan, 5.0], index=list("abcd"))
    g = pd.Series(["rural", "rural", "urban", "empty"], index=list("abcd"))
    assert share_within(pop, t, 30) == pytest.approx(100 / 450)
    by = share_within_by(pop, t, 30, g)
    assert by.loc["rural", "share"] == pytest.approx(0.25)
    assert by.loc["urban", "share"] == 0.0
    assert np.isnan(by.loc["empty", "share"])
    assert np.isnan(share_within([0, 0], [1.0, 2.0], 30))
