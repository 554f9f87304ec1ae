"""Naive plain-loop references for the vectorised access metrics (tests only)."""

from __future__ import annotations

import math

R_KM = 6371.0088


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * R_KM * math.asin(math.sqrt(min(1.0, h)))


def two_step_fca(demand: dict, supply: dict, pairs: list, threshold: float, weight=None) -> dict:
    """2SFCA with loops. ``pairs`` is a list of (origin, dest, cost)."""
    w = weight or (lambda _c: 1.0)
    reach = [(o, d, c) for o, d, c in pairs if c <= threshold and o in demand and d in supply]
    ratio = {}
    for j in supply:
        total = 0.0
        for o, d, c in reach:
            if d == j:
                total += demand[o] * w(c)
        ratio[j] = supply[j] / total if total > 0 else 0.0
    access = {}
    for i in demand:
        a = 0.0
        for o, d, c in reach:
            if o == i:
                a += ratio[d] * w(c)
        access[i] = a
    return access


def nearest(src: list, dst: list) -> list:
    """(dist_km, index) of the nearest destination of each (lat, lon) source, brute force."""
    out = []
    for la, lo in src:
        best = (math.inf, -1)
        for j, (la2, lo2) in enumerate(dst):
            d = haversine_km(la, lo, la2, lo2)
            if d < best[0]:
                best = (d, j)
        out.append(best)
    return out
