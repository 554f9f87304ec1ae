"""Naive reference implementations (plain loops, straight from the textbook formulas).

Slow on purpose: they are the yardstick the vectorised code in ``metrics/inequality.py``
is compared with. Inputs are plain lists of floats; weights are populations.
"""

from __future__ import annotations

import math


def gini_loops(values: list[float], weights: list[float]) -> float:
    """G = sum_i sum_j w_i w_j |x_i - x_j| / (2 W^2 mu)."""
    total_w = sum(weights)
    mu = sum(w * x for x, w in zip(values, weights, strict=True)) / total_w
    s = 0.0
    for xi, wi in zip(values, weights, strict=True):
        for xj, wj in zip(values, weights, strict=True):
            s += wi * wj * abs(xi - xj)
    return s / (2.0 * total_w**2 * mu)


def _mean(values: list[float], weights: list[float]) -> float:
    return sum(w * x for x, w in zip(values, weights, strict=True)) / sum(weights)


def theil_loops(values: list[float], weights: list[float]) -> float:
    """T = sum_i s_i (x_i / mu) ln(x_i / mu), with 0 ln 0 = 0."""
    total_w = sum(weights)
    mu = _mean(values, weights)
    t = 0.0
    for x, w in zip(values, weights, strict=True):
        if x > 0:
            t += (w / total_w) * (x / mu) * math.log(x / mu)
    return t


def mld_loops(values: list[float], weights: list[float]) -> float:
    """L = sum_i s_i ln(mu / x_i)."""
    total_w = sum(weights)
    mu = _mean(values, weights)
    return sum((w / total_w) * math.log(mu / x) for x, w in zip(values, weights, strict=True))


def _split(values, weights, groups):
    members: dict = {}
    for x, w, g in zip(values, weights, groups, strict=True):
        members.setdefault(g, ([], []))
        members[g][0].append(x)
        members[g][1].append(w)
    return members


def theil_decomposition_loops(
    values: list[float], weights: list[float], groups: list
) -> tuple[float, float, float]:
    """(total, between, within) of Theil T, each term computed group by group."""
    total_w = sum(weights)
    mu = _mean(values, weights)
    between = within = 0.0
    for xs, ws in _split(values, weights, groups).values():
        s_g = sum(ws) / total_w
        mu_g = _mean(xs, ws)
        if mu_g > 0:
            between += s_g * (mu_g / mu) * math.log(mu_g / mu)
            within += s_g * (mu_g / mu) * theil_loops(xs, ws)
    return theil_loops(values, weights), between, within


def mld_decomposition_loops(
    values: list[float], weights: list[float], groups: list
) -> tuple[float, float, float]:
    """(total, between, within) of the MLD."""
    total_w = sum(weights)
    mu = _mean(values, weights)
    between = within = 0.0
    for xs, ws in _split(values, weights, groups).values():
        s_g = sum(ws) / total_w
        between += s_g * math.log(mu / _mean(xs, ws))
        within += s_g * mld_loops(xs, ws)
    return mld_loops(values, weights), between, within


def wls_sii_loops(estimates: list[float], pops: list[float]) -> tuple[float, float, float]:
    """(b0, b1, HC1 standard error of b1) of y on the mid-point rank, weights = shares.

    Subgroups are given from most disadvantaged to most advantaged. Closed-form simple
    weighted regression and the sandwich variance written out element by element.
    """
    n = len(estimates)
    total = sum(pops)
    p = [q / total for q in pops]
    ranks, cum = [], 0.0
    for pj in p:
        ranks.append(cum + pj / 2.0)
        cum += pj
    sw = sum(p)
    rbar = sum(pj * r for pj, r in zip(p, ranks, strict=True)) / sw
    ybar = sum(pj * y for pj, y in zip(p, estimates, strict=True)) / sw
    sxx = sum(pj * (r - rbar) ** 2 for pj, r in zip(p, ranks, strict=True))
    sxy = sum(pj * (r - rbar) * (y - ybar) for pj, r, y in zip(p, ranks, estimates, strict=True))
    b1 = sxy / sxx
    b0 = ybar - b1 * rbar
    # sandwich: Var(b1) = sum_j p_j^2 (r_j - rbar)^2 e_j^2 / sxx^2, times n / (n - 2)
    meat = 0.0
    for pj, r, y in zip(p, ranks, estimates, strict=True):
        e = y - b0 - b1 * r
        meat += pj**2 * (r - rbar) ** 2 * e**2
    se = math.sqrt(n / (n - 2) * meat / sxx**2) if n > 2 else float("nan")
    return b0, b1, se
