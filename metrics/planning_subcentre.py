"""Medical sub-centre siting (卫生次中心选址, pilot-plan task 15): the instance, coverage
before and after, the solve, and the residents served per place.

The instance has villages and communities as rows (weight w_i = residents) and sites as
columns: the county hospitals that stay open (required, first), then the candidate
township health centres. The cost c_ij is car minutes from :func:`metrics.travel.matrix_min`.
The sub-centres are chosen by p-median (least population-weighted travel, Hakimi 1964)
or maximal covering (most residents within N minutes, Church & ReVelle 1974) with the
county hospitals required (:mod:`metrics.siting`).

Pure: tables and arrays in, new objects out; inputs are never modified.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components

from metrics import siting, travel
from metrics.access import share_within

__all__ = [
    "CANDIDATE_TYPES", "REQUIRED_TYPES", "SAME_PLACE_M", "SITE_ROLES", "SubcentreInstance",
    "SubcentreSolution", "coverage", "nearest_open_min", "same_place_groups", "site_roles",
    "solve_subcentre", "subcentre_assignment", "subcentre_instance",
]

#: Sub-centre candidates and the sites kept open (the county hospitals of 淙城街道).
CANDIDATE_TYPES: tuple[str, ...] = ("central_health_centre", "health_centre")
REQUIRED_TYPES: tuple[str, ...] = ("county_hospital",)
#: Site roles on the map, in drawing order (the chosen sites on top).
SITE_ROLES: tuple[str, ...] = ("candidate", "kept", "chosen")

#: Open sites closer together than this (metres) are one place in the table of residents
#: served: the three county hospitals stand within about 1 km of each other in the county
#: town, and splitting residents among them by a minute of travel would be noise (people
#: do not choose between a general, a TCM and a maternal-child hospital by distance).
SAME_PLACE_M = 2000.0


@dataclass(frozen=True)
class SubcentreInstance:
    """Villages × sites car minutes; the sites kept open come first.

    ``units``: rows of ``cost`` (positions 0..n-1); ``sites``: columns of ``cost``
    (positions 0..m-1), with ``lon``, ``lat``, ``name``, ``type`` and ``beds``;
    ``weights``: residents per row; ``required``: the columns kept open. The arrays are
    read-only.
    """

    units: pd.DataFrame
    sites: pd.DataFrame
    cost: NDArray[np.float64]
    weights: NDArray[np.float64]
    required: tuple[int, ...]


def _frozen(values: ArrayLike) -> NDArray[np.float64]:
    out = np.array(values, dtype=np.float64)  # a copy: never a view of the caller's table
    out.setflags(write=False)
    return out


def subcentre_instance(units: pd.DataFrame, facilities: pd.DataFrame,
                       model: travel.TravelModel | None = None, *,
                       required_types: Sequence[str] = REQUIRED_TYPES,
                       candidate_types: Sequence[str] = CANDIDATE_TYPES) -> SubcentreInstance:
    """The instance: every unit × the located facilities of ``required_types`` (kept open,
    first) and ``candidate_types``, car minutes by ``model`` (default the straight line).

    Examples
    --------
    >>> u = pd.DataFrame({"code": ["a", "b"], "lat": [31.0, 31.1], "lon": [108.0, 108.0],
    ...                   "population": [100, 300]})
    >>> f = pd.DataFrame({"id": ["h", "c", "x"], "type": ["health_centre", "county_hospital",
    ...                   "health_centre"], "lat": [31.1, 31.0, None], "lon": [108.0, 108.0, 108.0]})
    >>> inst = subcentre_instance(u, f)
    >>> inst.sites["id"].tolist(), inst.required, inst.cost.round(1).tolist()
    (['c', 'h'], (0,), [[0.0, 21.7], [21.7, 0.0]])
    """
    u = units.reset_index(drop=True)
    req = facilities[facilities["type"].isin(list(required_types))]
    cand = facilities[facilities["type"].isin(list(candidate_types))]
    sites = (pd.concat([req, cand], ignore_index=True)
             .dropna(subset=["lon", "lat"]).reset_index(drop=True))
    cost = _frozen(travel.matrix_min(u, sites, "car", model=model))
    n_req = int(sites["type"].isin(list(required_types)).sum())
    return SubcentreInstance(u, sites, cost, _frozen(u["population"].to_numpy(float)),
                             tuple(range(n_req)))


def nearest_open_min(cost: ArrayLike, open_cols: Sequence[int]) -> NDArray[np.float64]:
    """Per row, the minutes to the nearest open column (``inf`` when none is open).

    >>> nearest_open_min([[5.0, 40.0], [50.0, 20.0]], [0, 1]).tolist()
    [5.0, 20.0]
    >>> nearest_open_min([[5.0, 40.0]], []).tolist()
    [inf]
    """
    c = np.asarray(cost, dtype=np.float64)
    cols = [int(j) for j in open_cols]
    if not cols:
        return np.full(c.shape[0], np.inf)
    return c[:, cols].min(axis=1)


def coverage(cost: ArrayLike, weights: ArrayLike, open_cols: Sequence[int],
             threshold_min: float) -> dict[str, float]:
    """Residents within ``threshold_min`` of an open site and the population-weighted mean
    travel to the nearest open site.

    ``share`` = 100 × :func:`metrics.access.share_within` of the nearest open minutes
    (Σ w_i [min_j∈open c_ij ≤ t] / Σ w_i, in %); ``within`` = that share of Σ w_i;
    ``mean_min`` = Σ w_i min_j∈open c_ij / Σ w_i.

    Examples
    --------
    >>> coverage(np.array([[5.0, 40.0], [50.0, 20.0]]), np.array([1.0, 3.0]), [0], 30)
    {'within': 1.0, 'share': 25.0, 'mean_min': 38.75}

    No open site, or no village: nobody is within reach and the mean is unknown.

    >>> coverage(np.zeros((2, 0)), np.array([1.0, 3.0]), [], 30)
    {'within': 0.0, 'share': 0.0, 'mean_min': nan}
    >>> coverage(np.zeros((0, 2)), np.zeros(0), [0], 30)
    {'within': 0.0, 'share': nan, 'mean_min': nan}
    """
    c = np.asarray(cost, dtype=np.float64)
    w = np.asarray(weights, dtype=np.float64)
    total = float(w.sum())
    if not len(open_cols) or not c.shape[0]:
        return {"within": 0.0, "share": 0.0 if total else float("nan"), "mean_min": float("nan")}
    near = nearest_open_min(c, open_cols)
    share = share_within(w, near, threshold_min)
    return {"within": share * total if total else 0.0, "share": 100 * share,
            "mean_min": float(np.dot(w, near) / total) if total else float("nan")}


@dataclass(frozen=True)
class SubcentreSolution:
    """The sub-centres chosen: the siting ``result`` (all open columns, the assignment),
    the ``new`` columns chosen besides the required ones, and :func:`coverage` ``before``
    (the required sites only) and ``after``."""

    result: siting.SitingResult
    new: tuple[int, ...]
    before: dict[str, float]
    after: dict[str, float]


def solve_subcentre(inst: SubcentreInstance, n_new: int, objective: str, threshold_min: float,
                    solver: str | Any | None = "highs") -> SubcentreSolution:
    """Choose ``n_new`` sub-centres besides the required sites: ``objective`` ``"pmedian"``
    (least population-weighted travel) or ``"mclp"`` (most residents within
    ``threshold_min``).

    Examples
    --------
    Two villages (1 and 3 residents), the county hospital (column 0) 5 and 50 minutes away,
    a candidate 40 and 20 minutes away: opening it brings the second village within 30.

    >>> inst = SubcentreInstance(pd.DataFrame({"code": ["a", "b"]}), pd.DataFrame(),
    ...                          np.array([[5.0, 40.0], [50.0, 20.0]]), np.array([1.0, 3.0]), (0,))
    >>> out = solve_subcentre(inst, 1, "pmedian", 30)
    >>> out.new, out.before["share"], out.after["share"], out.after["mean_min"]
    ((1,), 25.0, 100.0, 16.25)
    """
    p = len(inst.required) + n_new
    if objective == "mclp":
        res = siting.max_coverage(inst.cost, inst.weights, threshold_min, p, inst.required, solver)
    elif objective == "pmedian":
        res = siting.p_median(inst.cost, inst.weights, p, inst.required, solver)
    else:
        raise ValueError(f"objective must be 'pmedian' or 'mclp', not {objective!r}")
    sites = [int(j) for j in res.sites]
    return SubcentreSolution(
        res, tuple(j for j in sites if j not in inst.required),
        coverage(inst.cost, inst.weights, inst.required, threshold_min),
        coverage(inst.cost, inst.weights, sites, threshold_min))


def same_place_groups(sites: pd.DataFrame, idx: Sequence[int],
                      radius_m: float = SAME_PLACE_M) -> list[list[int]]:
    """The sites ``idx`` grouped by place: chains of sites less than ``radius_m`` apart
    (great-circle, single linkage), each group in the order of ``idx``, groups by their
    first site.

    Examples
    --------
    >>> s = pd.DataFrame({"lon": [107.0, 107.2, 107.001, 107.0025], "lat": [31.0] * 4})
    >>> same_place_groups(s, [0, 1, 2, 3])
    [[0, 2, 3], [1]]
    >>> same_place_groups(s, [1, 3], radius_m=10)
    [[1], [3]]
    """
    idx = [int(j) for j in idx]
    if not idx:
        return []
    places = sites.iloc[idx]
    near = travel.distance_km(places, places) * 1000 < radius_m
    # components are numbered in the order of their first site
    _, label = connected_components(csr_matrix(near), directed=False)
    out: dict[int, list[int]] = {}
    for k, j in enumerate(idx):
        out.setdefault(int(label[k]), []).append(j)
    return list(out.values())


def subcentre_assignment(inst: SubcentreInstance, result: siting.SitingResult,
                         radius_m: float = SAME_PLACE_M) -> pd.DataFrame:
    """Per open place (open sites less than ``radius_m`` apart are one, see
    :func:`same_place_groups`), from the result's assignment (the site serving each row):

    ``sites`` (columns), ``names``, ``roles`` (``"kept"``/``"chosen"``, each once, in
    order), ``beds`` (their sum; missing when none is known), ``served`` (Σ w_i of the rows
    served there) and ``mean_min`` (their weighted mean minutes to the serving site).
    Rows that no open site reaches (assignment −1) are served nowhere.

    Examples
    --------
    A and B about 95 m apart are one place, C 19 km away another; village 0 (10 people)
    is served by B in 4 minutes, village 1 (20) by A in 3, village 2 (30) by C in 10.

    >>> sites = pd.DataFrame({"name": ["A", "B", "C"], "lon": [107.0, 107.001, 107.2],
    ...                       "lat": [31.0] * 3, "beds": [100.0, 50.0, None]})
    >>> cost = np.array([[5.0, 4.0, 30.0], [3.0, 6.0, 40.0], [40.0, 41.0, 10.0]])
    >>> inst = SubcentreInstance(pd.DataFrame({"code": ["u0", "u1", "u2"]}), sites, cost,
    ...                          np.array([10.0, 20.0, 30.0]), (0, 1))
    >>> table = subcentre_assignment(inst, siting.p_median(cost, inst.weights, 3, [0, 1]))
    >>> table[["names", "roles", "served"]].to_dict("list")
    {'names': [('A', 'B'), ('C',)], 'roles': [('kept',), ('chosen',)], 'served': [30.0, 30.0]}
    >>> table["mean_min"].round(2).tolist()
    [3.33, 10.0]
    """
    a = np.asarray(result.assignment, dtype=np.int64)
    ok = np.flatnonzero(a >= 0)
    tmin = np.full(a.shape[0], np.nan)
    tmin[ok] = inst.cost[ok, a[ok]]
    names = inst.sites["name"].astype(str).to_numpy()
    beds = inst.sites["beds"] if "beds" in inst.sites.columns else pd.Series(np.nan, inst.sites.index)
    rows = []
    for members in same_place_groups(inst.sites, [int(j) for j in result.sites], radius_m):
        served = np.isin(a, members)
        w = inst.weights[served]
        total = float(w.sum())
        rows.append({
            "sites": tuple(members),
            "names": tuple(names[members]),
            "roles": tuple(dict.fromkeys("kept" if j in inst.required else "chosen" for j in members)),
            "beds": beds.iloc[members].sum(min_count=1),
            "served": total,
            "mean_min": float(np.dot(w, tmin[served]) / total) if total else float("nan"),
        })
    return pd.DataFrame(rows, columns=["sites", "names", "roles", "beds", "served", "mean_min"])


def site_roles(inst: SubcentreInstance, chosen: Sequence[int] = ()) -> pd.DataFrame:
    """The sites for the map: ``lon``, ``lat``, ``name`` and ``role`` (see :data:`SITE_ROLES`:
    ``candidate``, ``kept`` = required, ``chosen``), ordered by role (chosen last, on top).

    Examples
    --------
    >>> s = pd.DataFrame({"name": ["K", "A", "B"], "lon": [1.0, 2.0, 3.0], "lat": [0.0] * 3})
    >>> inst = SubcentreInstance(pd.DataFrame(), s, np.zeros((0, 3)), np.zeros(0), (0,))
    >>> site_roles(inst, [2])[["name", "role"]].values.tolist()
    [['A', 'candidate'], ['K', 'kept'], ['B', 'chosen']]
    """
    role = np.full(len(inst.sites), "candidate", dtype=object)
    role[list(inst.required)] = "kept"
    role[[int(j) for j in chosen]] = "chosen"
    out = inst.sites[["lon", "lat", "name"]].assign(role=role)
    order = [SITE_ROLES.index(r) for r in role]
    return out.iloc[np.argsort(order, kind="stable")]
