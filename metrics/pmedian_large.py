"""Province-scale p-median: a certified Lagrangian lower bound on k-nearest data, and swap search.

The kernel behind :func:`metrics.siting.p_median_lagrangian` (which checks the inputs and
wraps the answer in a ``SitingResult``). Uncapacitated p-median on a dense cost matrix
c (n demand rows × m candidates), weights w, p sites, required sites R ⊆ S:

* **Lower bound.** Relaxing Σ_j x_ij = 1 with multipliers λ_i gives, for *every* λ
  (Cornuéjols, Fisher & Nemhauser 1977; Beasley 1993),

  .. math:: L(\\lambda) = \\sum_i \\lambda_i + \\min_{|S| = p,\\; R \\subseteq S}
            \\sum_{j \\in S} \\rho_j, \\qquad \\rho_j = \\sum_i \\min(0,\\; w_i c_{ij} - \\lambda_i)
            \\;\\le\\; \\mathrm{OPT}.

  Each row keeps only its K_i nearest candidates; with λ_i capped at w_i c̄_i, c̄_i the
  cost of its (K_i + 1)-th nearest candidate (the cheapest one not kept), every candidate
  left out has w_i c_ij − λ_i ≥ 0 and adds 0 to ρ_j, so the sparse sum *is* L(λ) of the
  full matrix: the bound is certified for the whole instance, not only the k-nearest one.
  K_i adapts to λ (all kept entries below 1.25 λ_i, up to ``k``). λ is raised by
  subgradient steps in distance units (μ_i = λ_i / w_i): μ ← μ + θ (UB − L) d / ‖d‖²,
  d = w∘g + ½ d_prev, g_i = 1 − #{j ∈ S : w_i c_ij < λ_i} (a Polyak step towards the
  best solution found, deflected as in Camerini, Fratta & Maffioli 1975), θ from 2,
  halved after 20 steps without a better bound. The search runs in float32; the bound
  reported is recomputed in float64 at the best λ.
* **Solution.** Relaxed site sets S(λ) are costed on the full matrix; the best are
  polished by best-improvement swaps (Teitz & Bart 1968) whose profits come from the
  gain/loss/extra tables of Resende & Werneck (2003), kept incrementally with each row's
  nearest and second-nearest open site; every swap is checked on the full costs.
* **Gap** = (objective − bound) / bound: the solution is proven within that share of the
  optimum.

Pure numpy/scipy; inputs are never modified. Memory: the k-nearest arrays (n × k) and an
m × m table for the swap search (m = 3,000: 72 MB).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

__all__ = ["KNearest", "LargeSolution", "k_nearest_candidates", "lagrangian_value", "solve"]

#: Kept entries of a row reach this multiple of λ_i, so λ can grow between rebuilds.
HEADROOM: float = 1.25
#: Subgradient steps between rebuilds of the per-row kept entries.
REBUILD_EVERY: int = 50
#: Steps without a better bound before the step factor θ is halved.
STALL_STEPS: int = 20
#: Step factor θ at the start.
THETA0: float = 2.0
#: Share of the previous direction kept in the next (deflected subgradient).
DEFLECTION: float = 0.5
#: Subgradient steps before the first swap search (the multipliers must inform it first).
WARMUP: int = 30


@dataclass(frozen=True)
class KNearest:
    """Each row's k nearest candidates, ascending, plus the cost of the next one.

    ``idx`` (n × k) candidate indices; ``cost`` (n × (k + 1)) their costs with, in the
    last column, the (k+1)-th nearest cost (``inf`` when k = m: every candidate kept).
    """

    idx: NDArray[np.int64]
    cost: NDArray[np.float64]

    @property
    def k(self) -> int:
        return self.idx.shape[1]


def k_nearest_candidates(c: NDArray[np.float64], k: int, chunk: int = 2048) -> KNearest:
    """The k nearest candidates of every row of ``c`` (rows in chunks to bound memory).

    Examples
    --------
    >>> import numpy as np
    >>> kn = k_nearest_candidates(np.array([[3.0, 1.0, 2.0]]), 2)
    >>> kn.idx.tolist(), kn.cost.tolist()
    ([[1, 2]], [[1.0, 2.0, 3.0]])
    >>> k_nearest_candidates(np.array([[3.0, 1.0]]), 5).cost.tolist()
    [[1.0, 3.0, inf]]
    """
    n, m = c.shape
    k = int(min(max(k, 1), m))
    idx = np.empty((n, k), dtype=np.int64)
    cost = np.full((n, k + 1), np.inf)
    take = min(k + 1, m)
    for lo in range(0, n, chunk):
        block = c[lo:lo + chunk]
        part = (np.argpartition(block, take - 1, axis=1)[:, :take] if take < m
                else np.broadcast_to(np.arange(m), block.shape))
        vals = np.take_along_axis(block, part, axis=1)
        order = np.argsort(vals, axis=1, kind="stable")
        idx[lo:lo + chunk] = np.take_along_axis(part, order[:, :k], axis=1)
        cost[lo:lo + chunk, :take] = np.take_along_axis(vals, order, axis=1)
    return KNearest(idx, cost)


def _pick(rho: np.ndarray, p: int, req: np.ndarray, is_req: np.ndarray) -> np.ndarray:
    """The required sites plus the p − |R| others of least ρ."""
    free = p - req.size
    if free <= 0:
        return np.sort(req)
    pick = np.where(is_req, np.inf, rho)
    return np.sort(np.concatenate([req, np.argpartition(pick, free - 1)[:free]]))


def lagrangian_value(kn: KNearest, w: NDArray[np.float64], p: int, lam: NDArray[np.float64],
                     m: int, required: NDArray[np.int64] | None = None
                     ) -> tuple[float, np.ndarray]:
    """L(λ') in float64 on the k-nearest data, λ' = min(λ, w c̄) (the cap); returns (L, λ').

    Equals the dense L(λ') over the full matrix (see the module docstring), so it is a
    lower bound on the p-median optimum.

    Examples
    --------
    Two rows, two candidates, p = 1; λ = (2, 2) is under the cap (w c̄ = 3 and 4):
    ρ = (min(0, 0 − 2) + 0, 0 + min(0, 1 − 2)) = (−2, −1); L = 4 − 2 = 2 = OPT.

    >>> import numpy as np
    >>> c = np.array([[0.0, 3.0], [4.0, 1.0]])
    >>> kn = k_nearest_candidates(c, 1)
    >>> lagrangian_value(kn, np.ones(2), 1, np.array([2.0, 2.0]), m=2)[0]
    2.0
    """
    req = np.empty(0, dtype=np.int64) if required is None else np.asarray(required, np.int64)
    return _lagrangian_exact(kn, w, p, lam, req, m)


def _lagrangian_exact(kn: KNearest, w: np.ndarray, p: int, lam: np.ndarray, req: np.ndarray,
                      m: int) -> tuple[float, np.ndarray]:
    lam = np.minimum(lam, w * kn.cost[:, -1])
    red = np.minimum(w[:, None] * kn.cost[:, :-1] - lam[:, None], 0.0)
    rho = np.bincount(kn.idx.ravel(), red.ravel(), minlength=m)
    is_req = np.zeros(m, dtype=bool)
    is_req[req] = True
    sites = _pick(rho, p, req, is_req)
    return float(lam.sum() + rho[sites].sum()), lam


class _Bound:
    """L(λ) and a subgradient on the kept entries (CSR for ρ, CSC for the open columns)."""

    def __init__(self, kn: KNearest, w: np.ndarray, m: int, p: int, req: np.ndarray):
        self.kn, self.w, self.m, self.p, self.req = kn, w, m, p, req
        self.n = w.size
        self.wd = w[:, None] * kn.cost
        self.is_req = np.zeros(m, dtype=bool)
        self.is_req[req] = True
        self.ones = np.ones(self.n, dtype=np.float32)

    def rebuild(self, lam: np.ndarray) -> np.ndarray:
        """Keep in row i its entries below HEADROOM·λ_i (and one more); return λ capped."""
        k = self.kn.k
        keep = (self.wd[:, :k] < HEADROOM * lam[:, None]).sum(axis=1)
        self.K = np.clip(keep + 1, 1, k)
        mask = np.arange(k)[None, :] < self.K[:, None]
        cols = self.kn.idx[mask]
        self.vals = self.wd[:, :k][mask].astype(np.float32)
        self.buf = np.empty_like(self.vals)
        indptr = np.concatenate([[0], np.cumsum(self.K)])
        # ρ = Aᵀ·1 with A's data the reduced costs written in place into ``buf``
        self.at = sparse.csr_matrix((self.buf, cols, indptr), shape=(self.n, self.m)).T
        order = np.argsort(cols, kind="stable")
        self.rows_c = np.repeat(np.arange(self.n), self.K)[order]
        self.vals_c = self.vals[order]
        self.colptr = np.concatenate([[0], np.cumsum(np.bincount(cols, minlength=self.m))])
        self.cap = self.wd[np.arange(self.n), self.K]
        return np.minimum(lam, self.cap)

    def evaluate(self, lam: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
        buf, lam32 = self.buf, lam.astype(np.float32)
        np.subtract(self.vals, np.repeat(lam32, self.K), out=buf)
        np.minimum(buf, 0.0, out=buf)
        rho = np.asarray(self.at @ self.ones, dtype=np.float64)
        sites = _pick(rho, self.p, self.req, self.is_req)
        value = float(lam.sum() + rho[sites].sum())
        sel = np.concatenate([np.arange(self.colptr[j], self.colptr[j + 1]) for j in sites])
        r = self.rows_c[sel]
        served = np.bincount(r[self.vals_c[sel] < lam32[r]], minlength=self.n)
        return value, sites, 1.0 - served


class SwapSearch:
    """Best-improvement swap search with incrementally kept gain/loss/extra tables.

    For open set S, nearest and second-nearest open costs d1_i, d2_i and φ1(i):
    loss(r) = Σ_{φ1(i)=r} w_i (d2_i − d1_i), gain(j) = Σ_i w_i max(0, d1_i − c_ij),
    extra(j, r) = Σ_{φ1(i)=r, c_ij<d2_i} w_i (d2_i − max(c_ij, d1_i)); the profit of
    swapping r out and j in is gain(j) − loss(r) + extra(j, r) (Resende & Werneck 2003).
    Sums run over each row's k nearest candidates, which can only under-state a profit;
    every swap is checked on the full costs, and after one only the rows whose d1/d2
    change are updated.
    """

    def __init__(self, c: np.ndarray, w: np.ndarray, idx: np.ndarray, is_req: np.ndarray):
        self.c, self.w, self.idx, self.is_req = c, w, idx, is_req
        self.vals = np.take_along_axis(c, idx, axis=1)
        self.swaps = 0

    def _near(self, rows: np.ndarray) -> None:
        sub = self.c[np.ix_(rows, self.open_)]
        if self.open_.size > 1:
            two = np.argpartition(sub, 1, axis=1)[:, :2]
        else:
            two = np.zeros((rows.size, 2), dtype=np.int64)
        d = np.take_along_axis(sub, two, axis=1)
        first = np.argmin(d, axis=1)
        r = np.arange(rows.size)
        self.f1[rows] = self.open_[two[r, first]]
        self.d1[rows] = d[r, first]
        self.d2[rows] = d[r, 1 - first] if self.open_.size > 1 else self.big

    def _add(self, rows: np.ndarray, sign: float) -> None:
        m = self.c.shape[1]
        w, d1, d2, f1 = self.w[rows], self.d1[rows], self.d2[rows], self.f1[rows]
        vals, idx = self.vals[rows], self.idx[rows]
        self.loss += sign * np.bincount(f1, w * (d2 - d1), minlength=m)
        g = vals < d1[:, None]
        self.gain += sign * np.bincount(idx[g], (w[:, None] * (d1[:, None] - vals))[g],
                                        minlength=m)
        e = vals < d2[:, None]
        ev = sign * (w[:, None] * (d2[:, None] - np.maximum(vals, d1[:, None])))[e]
        key = idx[e] * m + np.broadcast_to(f1[:, None], e.shape)[e]
        if key.size > m * m // 8:  # many rows: one dense bincount beats scattered adds
            self.extra += np.bincount(key, ev, minlength=m * m).reshape(m, m)
        else:
            np.add.at(self.extra.reshape(-1), key, ev)

    def run(self, sites: np.ndarray, deadline: float) -> tuple[np.ndarray, float]:
        """Swap from ``sites`` until no swap gains or ``deadline`` (perf_counter) passes."""
        c, w = self.c, self.w
        n, m = c.shape
        self.big = 2.0 * float(c.max()) + 1.0
        self.open_ = np.sort(sites).astype(np.int64)
        self.f1 = np.zeros(n, dtype=np.int64)
        self.d1, self.d2 = np.zeros(n), np.zeros(n)
        self.gain, self.loss = np.zeros(m), np.zeros(m)
        self.extra = np.zeros((m, m))
        every = np.arange(n)
        self._near(every)
        self._add(every, 1.0)
        upper = float(np.sum(w * self.d1))
        while time.perf_counter() < deadline:
            op = self.open_
            profit = self.gain[:, None] - self.loss[None, op] + self.extra[:, op]
            profit[op, :] = -np.inf
            profit[:, self.is_req[op]] = -np.inf
            j, pos = np.unravel_index(int(np.argmax(profit)), profit.shape)
            if not profit[j, pos] > 1e-9 * max(upper, 1e-300):
                break
            r = op[pos]
            col = c[:, j]
            rows = np.flatnonzero((self.f1 == r) | (self.d2 >= c[:, r]) | (col < self.d2))
            new = upper - float(np.sum(w * self.d1)) + float(
                np.sum(w * np.minimum(np.where(self.f1 == r, self.d2, self.d1), col)))
            if new >= upper:
                break
            self._add(rows, -1.0)
            self.open_ = np.sort(np.concatenate([op[op != r], [j]]))
            self._near(rows)
            self._add(rows, 1.0)
            upper = float(np.sum(w * self.d1))
            self.swaps += 1
        return self.open_.copy(), upper


@dataclass(frozen=True)
class LargeSolution:
    """What :func:`solve` found: sites, their cost, the certified bound and how."""

    sites: NDArray[np.int64]
    objective: float
    bound: float
    multipliers: NDArray[np.float64]
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def gap(self) -> float:
        """(objective − bound) / bound: the solution is within this share of the optimum."""
        if self.objective <= self.bound:
            return 0.0
        return (self.objective - self.bound) / self.bound if self.bound > 0 else math.inf


def solve(c: NDArray[np.float64], w: NDArray[np.float64], p: int, req: NDArray[np.int64], *,
          k: int | None = None, gap_tol: float = 0.001, time_limit: float = 60.0,
          max_iter: int = 5000) -> LargeSolution:
    """Lagrangian bound and swap search on checked inputs (finite c ≥ 0, w > 0, |R| ≤ p ≤ m).

    Stops when (UB − LB) / LB ≤ ``gap_tol``, after ``time_limit`` seconds (wall clock;
    a swap search may overrun it by one swap, and if none has run yet one runs to the
    end), after ``max_iter`` subgradient steps, or when the step factor is below 1e-4.
    """
    t0 = time.perf_counter()
    n, m = c.shape
    k = int(min(m, k if k is not None else max(64, math.ceil(5 * m / p))))
    kn = k_nearest_candidates(c, k)
    t_knn = time.perf_counter() - t0
    is_req = np.zeros(m, dtype=bool)
    is_req[req] = True
    bound = _Bound(kn, w, m, p, req)
    # the swap tables need fewer neighbours than the bound: about twice a site's share
    search = SwapSearch(c, w, kn.idx[:, :min(k, max(32, math.ceil(2 * m / p)))], is_req)
    deadline = t0 + time_limit

    def full_cost(sites: np.ndarray) -> float:
        return float(np.sum(w * c[:, sites].min(axis=1)))

    # start: λ_i at the (m/p)-th nearest cost, the radius one site would serve
    lam = bound.rebuild(bound.wd[:, min(k - 1, max(0, m // p))].copy())
    best_lam, lower = lam.copy(), -math.inf
    raw_sites, raw_upper = np.empty(0, dtype=np.int64), math.inf
    best_sites, upper = raw_sites, math.inf
    polished: set[bytes] = set()
    theta, stall, it, searches, t_search, last_search = THETA0, 0, 0, 0, 0.0, 0.0
    direction = np.zeros_like(lam)
    halved = True
    while it < max_iter and time.perf_counter() < deadline:
        it += 1
        value, sites, g = bound.evaluate(lam)
        if value > lower + 1e-9 * abs(value):
            lower, best_lam, stall = value, lam.copy(), 0
        else:
            stall += 1
            if stall >= STALL_STEPS:
                theta, stall, halved = theta / 2.0, 0, True
        if it % 5 == 1:
            cost_s = full_cost(sites)
            if cost_s < raw_upper:
                raw_sites, raw_upper = sites, cost_s
        # polish once the multipliers are informative, then each time θ halves: the best
        # relaxed set by full cost if new, else the current relaxed set, while time allows
        now = time.perf_counter()
        ready = it >= WARMUP or (it >= 10 and now - t0 > 0.5 * time_limit)
        if ready and halved and deadline - now > 2.0 * last_search:
            start = raw_sites if raw_sites.tobytes() not in polished else sites
            if start.tobytes() not in polished:
                polished.add(start.tobytes())
                halved = False
                searches += 1
                s2, u2 = search.run(start, deadline)
                last_search = time.perf_counter() - now
                t_search += last_search
                if u2 < upper:
                    if not math.isfinite(upper):
                        # the first real target: restart the steps from the best multipliers
                        lam, theta, stall = best_lam.copy(), THETA0, 0
                        direction[:] = 0.0
                    best_sites, upper = s2, u2
        target = min(upper, raw_upper)
        if target - lower <= gap_tol * lower or theta < 1e-4:
            break
        if not np.any(g):  # every row served exactly once: the relaxed set is optimal
            cost_s = full_cost(sites)
            if cost_s < upper:
                best_sites, upper = sites, cost_s
            break
        # deflected Polyak step in distance units: μ = λ / w moves along d
        direction = w * g + DEFLECTION * direction
        norm = float(direction @ direction)
        lam = np.clip(lam + theta * (target - value) / norm * (w * direction), 0.0, bound.cap)
        if it % REBUILD_EVERY == 0:
            lam = bound.rebuild(lam)
    if best_sites.size == 0:
        if raw_sites.size == 0:
            raw_sites = bound.evaluate(lam)[1]
        best_sites, upper = search.run(raw_sites, math.inf)
    if raw_upper < upper:  # an unpolished relaxed set can beat the polished ones
        best_sites = raw_sites
    certified, _ = _lagrangian_exact(kn, w, p, best_lam, req, m)
    objective = full_cost(best_sites)
    info = {"k": k, "iterations": it, "swaps": search.swaps, "searches": searches,
            "knn_s": round(t_knn, 3), "search_s": round(t_search, 3), "theta": theta,
            "kept_pairs": int(bound.vals.size), "capped_rows": int(np.sum(best_lam >= bound.cap))}
    return LargeSolution(best_sites, objective, min(certified, objective), best_lam, info)
