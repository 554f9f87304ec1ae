"""Province-scale p-median: the k-nearest Lagrangian bound is the full one, LB ≤ OPT ≤ UB."""

from __future__ import annotations

import numpy as np
import pytest

from metrics.pmedian_large import _Bound, k_nearest_candidates, lagrangian_value, solve
from metrics.siting import SitingError, p_median, p_median_lagrangian


def clustered(seed: int, n: int, m: int, towns: int = 6):
    """Villages round a few towns (like the benchmark instance), candidates among them."""
    rng = np.random.default_rng(seed)
    centres = rng.random((towns, 2)) * 100.0
    pts = centres[rng.integers(0, towns, n)] + rng.normal(0.0, 8.0, (n, 2))
    cand = pts[rng.choice(n, m, replace=False)] + rng.normal(0.0, 1.0, (m, 2))
    cost = np.linalg.norm(pts[:, None] - cand[None], axis=2)
    return cost, rng.lognormal(3.0, 1.0, n).round() + 1.0


def dense_lagrangian(c, w, p, lam, required=()):
    """Reference: L(λ) on the full matrix, row by row."""
    n, m = c.shape
    rho = np.zeros(m)
    for i in range(n):
        for j in range(m):
            rho[j] += min(0.0, w[i] * c[i, j] - lam[i])
    req = list(required)
    rest = sorted((j for j in range(m) if j not in req), key=lambda j: rho[j])
    return float(sum(lam) + sum(rho[j] for j in req + rest[:p - len(req)]))


def dense_subgradient(c, w, sites, lam):
    return np.array([1.0 - sum(w[i] * c[i, j] < lam[i] for j in sites) for i in range(len(w))])


@pytest.mark.parametrize("seed", range(3))
def test_sparse_bound_equals_dense_below_the_cap(seed):
    cost, w = clustered(seed, 60, 25)
    kn = k_nearest_candidates(cost, 6)
    cap = w * kn.cost[:, -1]
    rng = np.random.default_rng(seed)
    lam = cap * rng.random(60)  # strictly under the cap: nothing left out can be negative
    value, used = lagrangian_value(kn, w, 4, lam, m=25)
    assert np.array_equal(used, lam)
    assert value == pytest.approx(dense_lagrangian(cost, w, 4, lam), rel=1e-12)
    req = [int(rng.integers(25))]
    assert lagrangian_value(kn, w, 4, lam, m=25, required=req)[0] == pytest.approx(
        dense_lagrangian(cost, w, 4, lam, req), rel=1e-12)


def test_capped_multipliers_give_the_dense_value_and_a_valid_bound():
    cost, w = clustered(4, 60, 25)
    opt = p_median(cost, w, 4, solver="highs").objective
    kn = k_nearest_candidates(cost, 3)
    lam = 10.0 * w * cost.max()  # far above every cap
    value, used = lagrangian_value(kn, w, 4, lam, m=25)
    assert np.all(used <= w * kn.cost[:, -1])
    assert value == pytest.approx(dense_lagrangian(cost, w, 4, used), rel=1e-12)
    assert value <= opt + 1e-6


def test_fast_evaluator_matches_dense_value_and_subgradient():
    cost, w = clustered(5, 80, 30)
    kn = k_nearest_candidates(cost, 12)
    req = np.array([3])
    b = _Bound(kn, w, 30, 5, req)
    lam = b.rebuild(w * (kn.cost[:, 4] + kn.cost[:, 5]) / 2)  # between breakpoints: no ties
    assert np.all(lam <= w * kn.cost[:, -1])
    value, sites, g = b.evaluate(lam)
    assert 3 in sites and sites.size == 5
    assert value == pytest.approx(dense_lagrangian(cost, w, 5, lam, [3]), rel=1e-5)
    assert np.array_equal(g, dense_subgradient(cost, w, sites, lam))


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("n, m, p", [(60, 20, 3), (150, 40, 6)])
def test_bound_optimum_solution_sandwich(seed, n, m, p):
    cost, w = clustered(seed, n, m)
    opt = p_median(cost, w, p, solver="highs").objective
    r = p_median_lagrangian(cost, w, p, gap_tol=1e-4, time_limit=20)
    assert r.bound <= opt * (1 + 1e-9)
    assert r.objective >= opt * (1 - 1e-9)
    assert r.objective == pytest.approx(float(np.sum(w * cost[:, r.sites].min(axis=1))))
    assert r.gap == pytest.approx((r.objective - r.bound) / r.bound)
    assert r.objective <= opt * (1 + r.gap) + 1e-6
    assert r.gap <= 1e-4 and r.status in ("within gap", "optimal")
    assert r.objective == pytest.approx(opt, rel=1e-3)


@pytest.mark.parametrize("seed", range(3))
def test_small_k_keeps_the_bound_valid(seed):
    # k = 2: the cap binds for most rows, the bound must still hold for the full matrix
    cost, w = clustered(seed + 10, 120, 40)
    opt = p_median(cost, w, 4, solver="highs").objective
    sol = solve(cost, w, 4, np.empty(0, dtype=np.int64), k=2, gap_tol=1e-4, time_limit=10)
    assert sol.info["k"] == 2
    assert sol.bound <= opt * (1 + 1e-9) <= sol.objective * (1 + 1e-9) + 1e-6
    value, _ = lagrangian_value(k_nearest_candidates(cost, 2), w, 4, sol.multipliers, m=40)
    assert sol.bound == pytest.approx(value)


def test_required_sites_and_zero_weights():
    cost, w = clustered(7, 100, 30)
    w[:10] = 0.0
    free = p_median(cost, w, 4, solver="highs")
    forced = next(j for j in range(30) if j not in free.sites)
    exact = p_median(cost, w, 4, required=[forced], solver="highs").objective
    r = p_median_lagrangian(cost, w, 4, required=[forced], gap_tol=1e-4, time_limit=10)
    assert forced in r.sites and r.sites.size == 4
    assert r.bound <= exact * (1 + 1e-9) <= r.objective * (1 + 1e-9)
    assert r.assignment.shape == (100,) and np.all(r.assignment >= 0)
    with pytest.raises(SitingError):
        p_median_lagrangian(cost, w, 4, k=0)


def test_k_nearest_candidates_against_sorting():
    cost, _ = clustered(8, 50, 20)
    kn = k_nearest_candidates(cost, 5, chunk=7)
    full = np.sort(cost, axis=1)
    assert np.allclose(kn.cost, full[:, :6])
    assert np.allclose(np.take_along_axis(cost, kn.idx, axis=1), full[:, :5])
    everything = k_nearest_candidates(cost, 50)
    assert everything.k == 20 and np.all(np.isinf(everything.cost[:, -1]))
