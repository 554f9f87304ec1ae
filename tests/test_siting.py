"""Siting models: hand-worked optima, brute force, required sites, infeasibility, spopt."""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pytest

from metrics.siting import (
    InfeasibleError,
    SitingError,
    make_solver,
    max_coverage,
    p_center,
    p_median,
    p_median_knearest,
    p_median_lagrangian,
    set_cover,
)

LINE = np.abs(np.array([0.0, 1.0, 10.0])[:, None] - np.array([0.0, 1.0, 10.0])[None, :])


def world(seed: int, n: int = 12, m: int = 6):
    rng = np.random.default_rng(seed)
    pts, cand = rng.random((n, 2)), rng.random((m, 2))
    cost = np.linalg.norm(pts[:, None] - cand[None], axis=2)
    return cost, rng.integers(1, 10, n).astype(float)


def brute(cost, w, p, fn):
    return min(fn(cost[:, list(s)], w) for s in itertools.combinations(range(cost.shape[1]), p))


def median_value(sub, w):
    return float(np.sum(w * sub.min(axis=1)))


@pytest.mark.parametrize("solver", ["cbc", "highs", "scipy"])
def test_p_median_hand_worked(solver):
    r = p_median(LINE, [1, 1, 3], 1, solver=solver)
    assert r.sites.tolist() == [2] and r.objective == pytest.approx(19.0)
    assert p_median(LINE, [1, 1, 3], 2, solver=solver).objective == pytest.approx(1.0)


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("p", [1, 2, 3])
def test_p_median_equals_brute_force(seed, p):
    cost, w = world(seed)
    r = p_median(cost, w, p, solver="highs")
    assert r.objective == pytest.approx(brute(cost, w, p, median_value))
    assert r.sites.size == p
    assert np.all(r.assignment == r.sites[np.argmin(cost[:, r.sites], axis=1)])


def test_required_sites_are_honoured():
    cost, w = world(1)
    free = p_median(cost, w, 2, solver="highs")
    forced = next(j for j in range(cost.shape[1]) if j not in free.sites)
    r = p_median(cost, w, 2, required=[forced], solver="highs")
    assert forced in r.sites
    ref = min(median_value(cost[:, [forced, j]], w) for j in range(cost.shape[1]) if j != forced)
    assert r.objective == pytest.approx(ref)
    assert r.objective >= free.objective
    for fn in (lambda: max_coverage(cost, w, 0.3, 2, required=[forced], solver="highs"),
               lambda: set_cover(cost, 0.6, required=[forced], solver="highs"),
               lambda: p_center(cost, w, 2, required=[forced], solver="highs")):
        assert forced in fn().sites


def test_readable_errors():
    with pytest.raises(InfeasibleError, match="required sites do not fit"):
        p_median(LINE, [1, 1, 1], 1, required=[0, 1])
    with pytest.raises(InfeasibleError, match="no candidate within"):
        set_cover(LINE[:, :2], 0.5)
    with pytest.raises(InfeasibleError, match="capacity"):
        p_median(LINE, [5, 5, 5], 1, capacities=[10, 10, 10])
    with pytest.raises(InfeasibleError, match="cannot reach"):
        p_median(np.array([[1.0, np.inf], [np.inf, np.inf]]), [1, 1], 1)
    with pytest.raises(SitingError):
        p_median(LINE, [1, 1], 1)
    with pytest.raises(SitingError):
        make_solver("gurobi-please")


@pytest.mark.parametrize("solver", ["cbc", "highs"])
def test_capacities_infeasible_inside_the_solver_is_readable(solver):
    # total capacity suffices but no single-sourcing fits: 3 rows of 2 into sites of 3
    cost = np.zeros((3, 2))
    with pytest.raises(InfeasibleError, match="no feasible solution"):
        p_median(cost, [2, 2, 2], 2, capacities=[3, 3], solver=solver)


def test_capacitated_p_median_by_hand():
    # two villages at site 0 (w 3 and 3), site 0 holds 4: one village must go to site 1
    cost = np.array([[0.0, 5.0], [0.0, 2.0]])
    r = p_median(cost, [3, 3], 2, capacities=[4, 10], solver="highs")
    assert r.assignment.tolist() == [0, 1] and r.objective == pytest.approx(6.0)


def test_mclp_hand_worked_and_monotone():
    r = max_coverage(LINE, [1, 1, 3], 1.0, 1)
    assert r.objective == pytest.approx(3.0) and r.covered.tolist() == [0, 0, 1]
    cost, w = world(2, 15, 7)
    values = [max_coverage(cost, w, 0.35, p, solver="highs").objective for p in range(1, 8)]
    assert all(b >= a - 1e-9 for a, b in itertools.pairwise(values))
    assert values[-1] == pytest.approx(w[(cost <= 0.35).any(axis=1)].sum())
    for p in (1, 2, 3):
        ref = max(float(np.sum(w * (cost[:, list(s)] <= 0.35).any(axis=1)))
                  for s in itertools.combinations(range(7), p))
        assert values[p - 1] == pytest.approx(ref)


def test_lscp_minimal():
    cost, _ = world(3, 15, 8)
    t = 0.45
    r = set_cover(cost, t, solver="highs")
    assert np.all((cost[:, r.sites] <= t).any(axis=1))
    for q in range(1, r.sites.size):
        assert not any((cost[:, list(s)] <= t).any(axis=1).all()
                       for s in itertools.combinations(range(8), q))
    assert r.objective == r.sites.size


@pytest.mark.parametrize("seed", range(3))
def test_p_center_brute_force(seed):
    cost, w = world(seed, 10, 6)
    for p in (1, 2, 3):
        r = p_center(cost, w, p, solver="highs")
        assert r.objective == pytest.approx(brute(cost, w, p, lambda s, _w: float(s.min(1).max())))
        assert cost[np.arange(10), r.assignment].max() == pytest.approx(r.objective)
    assert p_center(cost, 2).objective == pytest.approx(p_center(cost, p=2).objective)


@pytest.mark.parametrize("seed", range(3))
def test_knearest_equals_full(seed):
    cost, w = world(seed, 30, 12)
    for p in (2, 4):
        full = p_median(cost, w, p, solver="highs")
        red = p_median_knearest(cost, w, p, k=1, solver="highs")
        assert red.objective == pytest.approx(full.objective)
        assert red.bound <= full.objective + 1e-6 and red.gap == 0.0


def test_lagrangian_bound_and_solution():
    rng = np.random.default_rng(7)
    pts, cand = rng.random((200, 2)), rng.random((40, 2))
    cost = np.linalg.norm(pts[:, None] - cand[None], axis=2)
    w = rng.integers(1, 20, 200).astype(float)
    exact = p_median(cost, w, 5, solver="highs")
    fast = p_median_lagrangian(cost, w, 5, gap_tol=1e-4, time_limit=20)
    assert fast.bound <= exact.objective + 1e-6
    assert fast.objective >= exact.objective - 1e-6
    assert fast.objective <= exact.objective * 1.01
    forced = p_median_lagrangian(cost, w, 5, required=[0], time_limit=20)
    assert 0 in forced.sites


spopt = pytest.importorskip("spopt.locate")


def _quiet_cbc():
    import pulp
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pulp.PULP_CBC_CMD(msg=False)


@pytest.mark.parametrize("seed", range(2))
def test_against_spopt(seed):
    cost, w = world(seed, 40, 10)
    t = float(cost.min(axis=1).max())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pm = spopt.PMedian.from_cost_matrix(cost, w, p_facilities=3).solve(_quiet_cbc())
        mc = spopt.MCLP.from_cost_matrix(cost, w, service_radius=0.3, p_facilities=3
                                         ).solve(_quiet_cbc())
        ls = spopt.LSCP.from_cost_matrix(cost, t).solve(_quiet_cbc())
        pc = spopt.PCenter.from_cost_matrix(cost, p_facilities=3).solve(_quiet_cbc())
    assert p_median(cost, w, 3).objective == pytest.approx(pm.problem.objective.value())
    assert max_coverage(cost, w, 0.3, 3).objective == pytest.approx(mc.problem.objective.value())
    assert set_cover(cost, t).objective == pytest.approx(ls.problem.objective.value())
    assert p_center(cost, p=3).objective == pytest.approx(pc.problem.objective.value())
