"""Regional medical consortia (紧密型区域医合体): group townships into k regions around leads.

Townships t (population P_t) are grouped into k regions, each around one lead hospital
j chosen from the candidates (county hospitals, central township health centres), by
an exact MILP (y_j = 1 if lead j is chosen, x_tj = 1 if township t joins lead j):

.. math:: \\min \\sum_t \\sum_j P_t c_{tj} x_{tj} \\quad\\text{s.t.}\\quad
          \\sum_j x_{tj} = 1,\\; x_{tj} \\le y_j,\\; \\sum_j y_j = k,\\;
          (1-\\delta)\\bar P y_j \\le \\sum_t P_t x_{tj} \\le (1+\\delta)\\bar P y_j

with P̄ = ΣP / k and δ the allowed deviation (``max_deviation``). The lead's own
township h(j) belongs to its region (x_h(j)j ≥ y_j, so at most one lead per township).
Contiguity uses the "closer neighbour" condition (Zoltners & Sinha 1983; Shirabe 2005
discusses stronger forms): a township t ≠ h(j) may join j only if one of its neighbours
nearer to j (c_lj < c_tj) also joins, x_tj ≤ Σ_{l ∈ N(t), c_lj < c_tj} x_lj — every
region then contains a path of decreasing cost to its lead, so it is connected. When
no contiguous solution exists the model is solved without it and the result says so.
The adjacency (shared borders) is an input; :func:`adjacency_from_shapes` derives it
from township polygons.

Pure: arrays and DataFrames in, new objects out; the solver is passed in (see
:mod:`metrics.siting`).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy import sparse
from scipy.optimize import linear_sum_assignment

from metrics.siting import InfeasibleError, Milp, SitingError, make_solver, solve_milp

__all__ = [
    "Comparison",
    "GroupingTravel",
    "RegionResult",
    "adjacency_from_shapes",
    "compare_assignments",
    "grouping_travel",
    "is_connected",
    "regions",
    "regions_frame",
]


@dataclass(frozen=True)
class RegionResult:
    """Chosen leads and the lead of every township.

    ``leads``: chosen candidate indices; ``assignment``: candidate index per township;
    ``objective``: Σ P_t c_t,lead(t); ``contiguous``: whether the contiguity condition was
    imposed (False: no contiguous grouping met the other constraints); ``connected``:
    per chosen lead, whether its region is connected in the adjacency.
    """

    leads: NDArray[np.int64]
    assignment: NDArray[np.int64]
    objective: float
    populations: NDArray[np.float64]
    contiguous: bool
    connected: Mapping[int, bool]
    max_deviation: float


def _neighbours(adjacency: Mapping[int, Iterable[int]] | Sequence[tuple[int, int]] | None,
                n: int) -> list[set[int]]:
    nb: list[set[int]] = [set() for _ in range(n)]
    if adjacency is None:
        return nb
    pairs: Iterable[tuple[int, int]]
    if isinstance(adjacency, Mapping):
        pairs = ((a, b) for a, bs in adjacency.items() for b in bs)
    else:
        pairs = adjacency
    for a, b in pairs:
        a, b = int(a), int(b)
        if not (0 <= a < n and 0 <= b < n):
            raise SitingError(f"adjacency refers to township {a} or {b}, outside 0..{n - 1}")
        if a != b:
            nb[a].add(b)
            nb[b].add(a)
    return nb


def is_connected(members: Iterable[int], neighbours: Sequence[set[int]]) -> bool:
    """Whether ``members`` form one connected piece of the adjacency (breadth-first search).

    Examples
    --------
    >>> nb = [{1}, {0, 2}, {1}, set()]
    >>> is_connected([0, 1, 2], nb), is_connected([0, 2], nb), is_connected([], nb)
    (True, False, True)
    """
    todo = set(members)
    if not todo:
        return True
    stack = [todo.pop()]
    while stack:
        v = stack.pop()
        for u in neighbours[v] & todo:
            todo.discard(u)
            stack.append(u)
    return not todo


def regions(
    cost: ArrayLike,
    population: ArrayLike,
    lead_township: ArrayLike,
    k: int = 5,
    adjacency: Mapping[int, Iterable[int]] | Sequence[tuple[int, int]] | None = None,
    max_deviation: float = 0.5,
    required: Sequence[int] | None = None,
    solver: str | Any | None = None,
) -> RegionResult:
    """Group townships into ``k`` regions around chosen leads (exact MILP, see module doc).

    Parameters
    ----------
    cost
        Township × lead-candidate travel (minutes); ``inf`` = no road connection, the
        pair is closed (never 0); a township that reaches no candidate raises
        :class:`~metrics.siting.InfeasibleError` naming it.
    population
        Residents per township.
    lead_township
        Index of the township hosting each lead candidate.
    k
        Number of regions (the pilot plan: five).
    adjacency
        Township neighbours: ``{t: [neighbours]}`` or pairs ``(t, u)``; None = no
        contiguity condition.
    max_deviation
        δ: every region's population within (1 ± δ) × ΣP / k.
    required
        Lead candidates that must lead a region.

    Examples
    --------
    Four townships on a line (populations 1, 1, 1, 1), leads in townships 0 and 3;
    two regions of two townships each:

    >>> import numpy as np
    >>> pos = np.array([0.0, 1.0, 2.0, 3.0])
    >>> cost = np.abs(pos[:, None] - pos[[0, 3]][None, :])
    >>> r = regions(cost, [1, 1, 1, 1], [0, 3], k=2, adjacency=[(0, 1), (1, 2), (2, 3)],
    ...             max_deviation=0.0)
    >>> r.assignment.tolist(), r.objective, r.contiguous
    ([0, 0, 1, 1], 2.0, True)
    """
    c = np.asarray(cost, dtype=np.float64)
    pop = np.asarray(population, dtype=np.float64).reshape(-1)
    home = np.asarray(lead_township, dtype=np.int64).reshape(-1)
    if c.ndim != 2:
        raise SitingError("cost must be a township × lead-candidate matrix")
    n, m = c.shape
    if pop.shape[0] != n or home.shape[0] != m:
        raise SitingError(f"population needs {n} values and lead_township {m}")
    if np.any(np.isnan(c)) or np.any(c < 0):
        raise SitingError("cost must be non-negative (inf: no road connection)")
    lost = np.flatnonzero(~np.isfinite(c).any(axis=1)) if m else np.zeros(0, np.int64)
    if lost.size:
        raise InfeasibleError(f"townships {', '.join(map(str, lost.tolist()))} reach no lead "
                              "candidate by road: no region can hold them")
    if home.size and (home.min() < 0 or home.max() >= n):
        raise SitingError("lead_township must index townships")
    if not 1 <= k <= len(set(home.tolist())):
        raise InfeasibleError(f"k = {k} regions need at least {k} lead candidates in "
                              f"different townships; there are {len(set(home.tolist()))}")
    if max_deviation < 0:
        raise SitingError("max_deviation must be non-negative")
    req = np.unique(np.asarray(required if required is not None else [], dtype=np.int64))
    nb = _neighbours(adjacency, n)
    slv = make_solver(solver)
    contiguous = adjacency is not None
    try:
        x = _solve_regions(c, pop, home, k, nb if contiguous else None, max_deviation, req, slv)
    except InfeasibleError:
        if not contiguous:
            raise InfeasibleError(
                f"no grouping into {k} regions keeps every region within ±{max_deviation:.0%} "
                "of the mean population; raise max_deviation or change k") from None
        contiguous = False
        try:
            x = _solve_regions(c, pop, home, k, None, max_deviation, req, slv)
        except InfeasibleError:
            raise InfeasibleError(
                f"no grouping into {k} regions keeps every region within ±{max_deviation:.0%} "
                "of the mean population, even without contiguity; raise max_deviation "
                "or change k") from None
    y = x[:m] > 0.5
    leads = np.flatnonzero(y).astype(np.int64)
    xs = x[m:].reshape(n, m)
    assignment = np.argmax(xs, axis=1).astype(np.int64)
    pops = np.array([pop[assignment == j].sum() for j in leads])
    connected = {int(j): is_connected(np.flatnonzero(assignment == j), nb) for j in leads}
    objective = float(np.sum(pop * c[np.arange(n), assignment]))
    return RegionResult(leads, assignment, objective, pops, contiguous, connected,
                        float(max_deviation))


def _solve_regions(c, pop, home, k, nb, delta, req, slv) -> np.ndarray:
    n, m = c.shape
    n_var = m + n * m

    def xv(t: int, j: int) -> int:
        return m + t * m + j

    rows: list[tuple[list[int], list[float], float, float]] = []
    for t in range(n):
        rows.append(([xv(t, j) for j in range(m)], [1.0] * m, 1.0, 1.0))
        for j in range(m):
            rows.append(([xv(t, j), j], [1.0, -1.0], -np.inf, 0.0))
    rows.append((list(range(m)), [1.0] * m, float(k), float(k)))
    mean = pop.sum() / k
    for j in range(m):
        cols = [xv(t, j) for t in range(n)] + [j]
        rows.append((cols, [*pop.tolist(), -(1 + delta) * mean], -np.inf, 0.0))
        rows.append((cols, [*pop.tolist(), -(1 - delta) * mean], 0.0, np.inf))
        # the lead's township belongs to its region
        rows.append(([xv(int(home[j]), j), j], [1.0, -1.0], 0.0, np.inf))
    for t in set(home.tolist()):
        js = np.flatnonzero(home == t).tolist()
        if len(js) > 1:
            rows.append((js, [1.0] * len(js), -np.inf, 1.0))
    if nb is not None:
        for j in range(m):
            for t in range(n):
                if t == home[j]:
                    continue
                closer = [u for u in nb[t] if c[u, j] < c[t, j]]
                rows.append(([xv(t, j)] + [xv(u, j) for u in closer],
                             [1.0] + [-1.0] * len(closer), -np.inf, 0.0))
    data, ri, ci, lo, hi = [], [], [], [], []
    reach = np.isfinite(c)
    for r, (cols, vals, a, b) in enumerate(rows):
        ci += cols
        data += vals
        ri += [r] * len(cols)
        lo.append(a)
        hi.append(b)
    a_mat = sparse.csr_matrix((data, (ri, ci)), shape=(len(rows), n_var))
    # a township joins no lead it cannot reach by road (inf): the pair is closed, never 0
    obj = np.concatenate([np.zeros(m), (pop[:, None] * np.where(reach, c, 0.0)).reshape(-1)])
    lb = np.zeros(n_var)
    lb[req] = 1.0
    ub = np.concatenate([np.ones(m), reach.reshape(-1).astype(float)])
    milp = Milp(obj, a_mat, np.array(lo), np.array(hi), lb, ub, np.ones(n_var, dtype=bool))
    x, _ = solve_milp(milp, slv, "regional consortia")
    return x


def regions_frame(
    townships: pd.DataFrame,
    leads: pd.DataFrame,
    cost: ArrayLike,
    k: int = 5,
    adjacency: Mapping[Hashable, Iterable[Hashable]] | None = None,
    max_deviation: float = 0.5,
    solver: str | Any | None = None,
) -> tuple[pd.DataFrame, RegionResult]:
    """Adapter: townships indexed by code (``population``), leads with ``id`` and
    ``township_code``; ``adjacency`` keyed by township code. Returns a table indexed by
    township code with ``lead`` (lead id), ``travel`` and the raw result.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"population": [1, 1, 1, 1]}, index=["a", "b", "c", "d"])
    >>> lead = pd.DataFrame({"id": ["H1", "H2"], "township_code": ["a", "d"]})
    >>> cost = [[0, 3], [1, 2], [2, 1], [3, 0]]
    >>> table, _ = regions_frame(t, lead, cost, k=2, adjacency={"a": ["b"], "b": ["c"],
    ...                                                      "c": ["d"]}, max_deviation=0)
    >>> table["lead"].tolist()
    ['H1', 'H1', 'H2', 'H2']
    """
    pos = {code: i for i, code in enumerate(townships.index)}
    missing = set(leads["township_code"]) - set(pos)
    if missing:
        raise SitingError(f"leads in unknown townships: {sorted(map(str, missing))}")
    home = [pos[t] for t in leads["township_code"]]
    adj = None
    if adjacency is not None:
        adj = {pos[a]: [pos[b] for b in bs if b in pos] for a, bs in adjacency.items() if a in pos}
    res = regions(cost, townships["population"].to_numpy(float), home, k, adj, max_deviation,
                  solver=solver)
    c = np.asarray(cost, dtype=np.float64)
    ids = leads["id"].to_numpy()
    table = pd.DataFrame({"lead": ids[res.assignment],
                          "travel": c[np.arange(len(townships)), res.assignment]},
                         index=townships.index)
    return table, res


def adjacency_from_shapes(shapes: Mapping[Hashable, Any], min_shared: float = 0.0
                          ) -> dict[Hashable, list[Hashable]]:
    """Neighbours by shared border: two areas are adjacent when their boundaries share a
    line longer than ``min_shared`` (in the unit of the coordinates); corner contacts do
    not count.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> adjacency_from_shapes({"a": box(0, 0, 1, 1), "b": box(1, 0, 2, 1), "c": box(2, 1, 3, 2)})
    {'a': ['b'], 'b': ['a'], 'c': []}
    """
    import shapely

    keys = list(shapes)
    geoms = [shapes[k] for k in keys]
    out: dict[Hashable, list[Hashable]] = {k: [] for k in keys}
    tree = shapely.STRtree(geoms)
    for i, g in enumerate(geoms):
        for j in tree.query(g):
            j = int(j)
            if j <= i:
                continue
            shared = g.boundary.intersection(geoms[j].boundary).length
            if shared > min_shared:
                out[keys[i]].append(keys[j])
                out[keys[j]].append(keys[i])
    return out


@dataclass(frozen=True)
class GroupingTravel:
    """Travel to the lead under any grouping (the model's, the 片区, a user's).

    ``lead``: candidate index serving each township; ``travel``: minutes from each
    township to its region's lead; ``region_lead``: per region label, the lead chosen
    and whether it lies outside the region (no candidate inside); ``mean``: the
    population-weighted mean travel Σ P_t c_t,lead(t) / Σ P_t over the townships that
    reach their lead (``inf`` travel: no road connection, left out).
    """

    lead: NDArray[np.int64]
    travel: NDArray[np.float64]
    region_lead: pd.DataFrame
    mean: float


def grouping_travel(
    labels: ArrayLike,
    cost: ArrayLike,
    population: ArrayLike,
    lead_township: ArrayLike,
) -> GroupingTravel:
    """Travel to the lead for a grouping that names no leads (e.g. the four 片区).

    Each region gets the lead that a county would pick for it: among the candidates
    hosted by a township of the region, the one with the least population-weighted
    travel for the region (a 1-median, min_j Σ_{t ∈ r} P_t c_tj). A region with no
    candidate inside takes the best candidate anywhere and is flagged ``outside``. For
    the model's own grouping the result is never worse than the model's objective (the
    model's lead is one of the candidates inside), and equal to it unless the contiguity
    condition, which depends on the lead, made the model keep a farther lead.

    Along roads a township may reach a lead by no road (``inf``): the region takes the lead
    that the most of its townships reach, then the least travel; a township still cut off
    keeps ``inf`` travel and is left out of the means (never 0).

    Examples
    --------
    Four townships on a line, leads hosted by townships 0 and 3; regions {0, 1} and
    {2, 3}: travel 0, 1, 1, 0, mean 0.5.

    >>> import numpy as np
    >>> pos = np.array([0.0, 1.0, 2.0, 3.0])
    >>> cost = np.abs(pos[:, None] - pos[[0, 3]][None, :])
    >>> g = grouping_travel(["a", "a", "b", "b"], cost, [1, 1, 1, 1], [0, 3])
    >>> g.travel.tolist(), g.mean
    ([0.0, 1.0, 1.0, 0.0], 0.5)

    One region {0, 1, 2, 3} with populations 1, 1, 1, 5: the lead in township 3 wins
    (Σ = 3 + 2 + 1 + 0 = 6 against 0 + 1 + 2 + 15 = 18).

    >>> g = grouping_travel(["a"] * 4, cost, [1, 1, 1, 5], [0, 3])
    >>> g.lead.tolist(), g.mean
    ([1, 1, 1, 1], 0.75)
    """
    lab = np.asarray(labels, dtype=object).reshape(-1)
    c = np.asarray(cost, dtype=np.float64)
    pop = np.asarray(population, dtype=np.float64).reshape(-1)
    home = np.asarray(lead_township, dtype=np.int64).reshape(-1)
    if c.ndim != 2 or c.shape != (lab.size, home.size) or pop.size != lab.size:
        raise SitingError("labels, population and cost rows must match; cost columns the leads")
    if home.size == 0:
        raise SitingError("no lead candidates")
    if np.any(np.isnan(c)) or np.any(c < 0):
        raise SitingError("cost must be non-negative (inf: no road connection)")
    lead = np.empty(lab.size, dtype=np.int64)
    rows = []
    keys = pd.unique(pd.Series(lab, dtype=object))
    for key in keys:
        members = np.flatnonzero(lab == key)
        inside = np.flatnonzero(np.isin(home, members))
        pool = inside if inside.size else np.arange(home.size)
        sub = c[np.ix_(members, pool)]
        # the lead most members reach by road, then the least travel of those who do
        cut = (~np.isfinite(sub)).sum(axis=0)
        load = pop[members] @ np.where(np.isfinite(sub), sub, 0.0)
        best = int(np.lexsort((load, cut))[0])
        j = int(pool[best])
        lead[members] = j
        reached = pop[members][np.isfinite(sub[:, best])].sum()
        rows.append({"region": key, "lead": j, "outside": inside.size == 0,
                     "population": float(pop[members].sum()),
                     "mean": float(load[best] / reached) if reached else 0.0})
    travel = c[np.arange(lab.size), lead]
    ok = np.isfinite(travel)
    total = pop[ok].sum()
    mean = float(pop[ok] @ travel[ok] / total) if total else 0.0
    return GroupingTravel(lead, travel, pd.DataFrame(rows), mean)


@dataclass(frozen=True)
class Comparison:
    """How two groupings of the same townships differ.

    ``rand``: share of township pairs on which they agree (together / apart);
    ``adjusted_rand``: the same corrected for chance (Hubert & Arabie 1985; 1 = identical,
    about 0 = unrelated); ``matched_share``: population share in the same region after
    the best one-to-one matching of region labels (Hungarian method); ``table``: per
    grouping, number of regions, largest population deviation from the mean, population-
    weighted travel (where ``travel`` is given) and whether every region is connected.
    """

    rand: float
    adjusted_rand: float
    matched_share: float
    table: pd.DataFrame


def compare_assignments(
    a: pd.Series,
    b: pd.Series,
    population: pd.Series | None = None,
    travel: pd.DataFrame | None = None,
    adjacency: Mapping[Hashable, Iterable[Hashable]] | None = None,
) -> Comparison:
    """Compare two township → region assignments (e.g. the model's, a user's, the 片区).

    ``travel`` (townships × region labels, e.g. minutes to each lead) gives each
    grouping's Σ P_t c_t,region(t) where its labels are columns (NaN otherwise).

    Examples
    --------
    >>> import pandas as pd
    >>> a = pd.Series(["x", "x", "y", "y"], index=list("abcd"))
    >>> b = pd.Series(["p", "p", "p", "q"], index=list("abcd"))
    >>> cmp = compare_assignments(a, b)
    >>> round(cmp.rand, 3), cmp.matched_share
    (0.5, 0.75)
    >>> float(cmp.table.loc["a", "max_deviation"]), float(cmp.table.loc["b", "max_deviation"])
    (0.0, 0.5)
    """
    idx = a.index
    if set(b.index) != set(idx):
        raise SitingError("the two assignments must cover the same townships")
    b = b.reindex(idx)
    pop = (population.reindex(idx).astype(float) if population is not None
           else pd.Series(1.0, index=idx))
    la, ia = np.unique(a.astype(str).to_numpy(), return_inverse=True)
    lb, ib = np.unique(b.astype(str).to_numpy(), return_inverse=True)
    n = len(idx)
    cont = np.zeros((la.size, lb.size))
    np.add.at(cont, (ia, ib), 1.0)
    pairs = n * (n - 1) / 2
    same_both = (cont * (cont - 1) / 2).sum()
    same_a = (cont.sum(1) * (cont.sum(1) - 1) / 2).sum()
    same_b = (cont.sum(0) * (cont.sum(0) - 1) / 2).sum()
    rand = float((pairs + 2 * same_both - same_a - same_b) / pairs) if pairs else 1.0
    expected = same_a * same_b / pairs if pairs else 0.0
    top = (same_a + same_b) / 2 - expected
    adjusted = float((same_both - expected) / top) if top else 1.0
    wcont = np.zeros_like(cont)
    np.add.at(wcont, (ia, ib), pop.to_numpy())
    r, cidx = linear_sum_assignment(-wcont)
    matched = float(wcont[r, cidx].sum() / wcont.sum()) if wcont.sum() else 1.0
    pos = {code: i for i, code in enumerate(idx)}
    nb = None
    if adjacency is not None:
        nb = _neighbours({pos[k]: [pos[v] for v in vs if v in pos]
                          for k, vs in adjacency.items() if k in pos}, n)
    stats = {}
    for name, s in (("a", a), ("b", b)):
        by = pop.groupby(s.to_numpy()).sum()
        mean = by.sum() / len(by)
        dev = float((by - mean).abs().max() / mean) if mean else 0.0
        tr = np.nan
        if travel is not None and set(s.unique()) <= set(travel.columns):
            tv = travel.reindex(idx)
            tr = float(sum(pop[t] * tv.loc[t, s[t]] for t in idx))
        conn = (all(is_connected([pos[t] for t in idx[s.to_numpy() == g]], nb) for g in by.index)
                if nb is not None else None)
        stats[name] = {"regions": len(by), "max_deviation": round(dev, 12), "travel": tr,
                       "connected": conn}
    return Comparison(rand, adjusted, matched, pd.DataFrame(stats).T)
