"""Medical sub-centre siting (卫生次中心选址, pilot-plan task 15): the instance, which
health centres may become a sub-centre, coverage before and after, the solve, the load per
bed of each place, and the next-best proposal.

The instance has villages and communities as rows (weight w_i = residents) and sites as
columns: the county hospitals that stay open (required, first), then the township health
centres. The cost c_ij is car minutes from :func:`metrics.travel.matrix_min`. Only the
centres of the chosen :data:`ELIGIBILITY` rule may be opened (default: the central health
centres). The sub-centres are chosen by one of :data:`MODELS` (:mod:`metrics.siting`, the
county hospitals required): p-median (least population-weighted travel, Hakimi 1964), the
same with bed capacities (ReVelle & Swain 1970), maximal covering (most residents within N
minutes, Church & ReVelle 1974), set covering (fewest sites with everyone within N minutes,
Toregas et al. 1971) or p-center (the shortest longest drive, Hakimi 1964).

Load: residents served per bed (and per doctor) of each open place against the county's own
figure, Σ residents ÷ Σ beds of the hospitals register (:data:`HOSPITAL_TYPES`); a place above
:data:`LOAD_FLAG_RATIO` times the county's is flagged.

Pure: tables and arrays in, new objects out; inputs are never modified.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components

from metrics import siting, travel
from metrics.access import share_within

__all__ = [
    "CANDIDATE_TYPES", "ELIGIBILITY", "ELIGIBLE_DEFAULT", "ELIGIBLE_TYPES_DEFAULT",
    "HOSPITAL_TYPES", "LOAD_FLAG_RATIO", "MODELS", "REQUIRED_TYPES", "SAME_PLACE_M",
    "SITE_ROLES", "Eligibility", "NextBest", "SubcentreInstance", "SubcentreSolution",
    "bed_capacities", "beyond_reach", "county_load", "cover_limit_min", "coverage",
    "eligible_columns", "model_value", "nearest_open_min", "next_best", "no_road",
    "same_place_groups",
    "site_roles", "solve_subcentre", "subcentre_assignment", "subcentre_instance",
]

#: Sites of the instance besides the ones kept open (the county hospitals of 淙城街道):
#: every township health centre; :data:`ELIGIBILITY` says which of them may be chosen.
CANDIDATE_TYPES: tuple[str, ...] = ("central_health_centre", "health_centre")
REQUIRED_TYPES: tuple[str, ...] = ("county_hospital",)
#: The types of the hospitals register: their beds and doctors make the county's figure.
HOSPITAL_TYPES: tuple[str, ...] = ("county_hospital", "central_health_centre", "health_centre",
                                   "community_health_centre")
#: Site roles on the map, in drawing order (the chosen sites on top).
SITE_ROLES: tuple[str, ...] = ("ineligible", "candidate", "kept", "chosen")
#: The models offered, in display order: p-median, p-median with bed capacities, maximal
#: covering, set covering, p-center.
MODELS: tuple[str, ...] = ("pmedian", "pmedian_cap", "mclp", "lscp", "pcenter")
#: A place serving more residents per bed than this many times the county's is flagged. An
#: assumption (no standard found): half as much again as the county's own figure.
LOAD_FLAG_RATIO: float = 1.5


@dataclass(frozen=True)
class Eligibility:
    """A rule for the health centres that may become a sub-centre: the facility ``types``,
    labels, help, its ``source`` and whether that source was checked (``verified``)."""

    key: str
    types: tuple[str, ...]
    zh: str
    en: str
    help_zh: str
    help_en: str
    source: str
    verified: bool


_SOURCE_CENTRAL = (
    "assumption: Sichuan builds its 县域医疗卫生次中心 out of existing central township health "
    "centres (the provincial document was not checked); the pilot plan, task 15, says only "
    "建立县域医疗卫生次中心; Kaijiang had 4 central and 16 ordinary township health centres "
    "about 2020 (data/reference/kaijiang_public_service_facts_secondary.csv, secondary source)")

#: Which health centres may be chosen, declared as data; the page offers each rule.
ELIGIBILITY: Mapping[str, Eligibility] = MappingProxyType({e.key: e for e in (
    Eligibility(
        "central", ("central_health_centre",), "中心卫生院", "Central health centres",
        "只在中心卫生院中选：县域医疗卫生次中心一般由现有中心卫生院提升建设。这是本工具的假设，"
        "依据四川的一般做法，未核对省级文件原文；试点方案第15项只写“建立县域医疗卫生次中心”。"
        "开江县约 2020 年有中心卫生院 4 所、乡镇卫生院 16 所（二手来源）。",
        "Chosen among the central health centres only: a county medical sub-centre is normally "
        "built up from an existing central health centre. This is an assumption of the tool, "
        "after Sichuan's usual practice; the provincial document was not checked, and task 15 "
        "of the pilot plan says only “establish county medical sub-centres”. Kaijiang had 4 "
        "central and 16 ordinary township health centres about 2020 (secondary source).",
        _SOURCE_CENTRAL, False),
    Eligibility(
        "all", ("central_health_centre", "health_centre"), "全部乡镇卫生院",
        "All township health centres",
        "放宽：任一乡镇卫生院（含中心卫生院）都可选，不论规模。",
        "Widened: any township health centre (central or not) may be chosen, whatever its size.",
        "user's choice", False),
)})
#: The rule the page opens with.
ELIGIBLE_DEFAULT: str = "central"
ELIGIBLE_TYPES_DEFAULT: tuple[str, ...] = ELIGIBILITY[ELIGIBLE_DEFAULT].types

#: Open sites closer together than this (metres) are one place in the table of residents
#: served: the three county hospitals stand within about 1 km of each other in the county
#: town, and splitting residents among them by a minute of travel would be noise (people
#: do not choose between a general, a TCM and a maternal-child hospital by distance).
SAME_PLACE_M = 2000.0


@dataclass(frozen=True)
class SubcentreInstance:
    """Villages × sites car minutes; the sites kept open come first.

    ``units``: rows of ``cost`` (positions 0..n-1); ``sites``: columns of ``cost``
    (positions 0..m-1), with ``lon``, ``lat``, ``name``, ``type``, ``beds`` and ``doctors``;
    ``weights``: residents per row; ``required``: the columns kept open;
    ``county_beds``/``county_doctors``: the beds and doctors of the whole hospitals register
    (:data:`HOSPITAL_TYPES`, located or not; NaN when none is known). The arrays are
    read-only.
    """

    units: pd.DataFrame
    sites: pd.DataFrame
    cost: NDArray[np.float64]
    weights: NDArray[np.float64]
    required: tuple[int, ...]
    county_beds: float = math.nan
    county_doctors: float = math.nan


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
    register = facilities[facilities["type"].isin(list(HOSPITAL_TYPES))]
    return SubcentreInstance(u, sites, cost, _frozen(u["population"].to_numpy(float)),
                             tuple(range(n_req)), _total(register, "beds"),
                             _total(register, "doctors"))


def _total(frame: pd.DataFrame, column: str) -> float:
    """Σ of a column, NaN when the column is missing or holds no number."""
    if column not in frame.columns:
        return math.nan
    return float(pd.to_numeric(frame[column], errors="coerce").sum(min_count=1))


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
    ``mean_min`` = Σ w_i min_j∈open c_ij / Σ w_i over the villages an open site reaches.
    A village no open site reaches (``inf``: no road connection) is not within and is left
    out of the mean; ``no_road`` = its residents, ``no_road_units`` = the inhabited villages.

    Examples
    --------
    >>> coverage(np.array([[5.0, 40.0], [50.0, 20.0]]), np.array([1.0, 3.0]), [0], 30)
    {'within': 1.0, 'share': 25.0, 'mean_min': 38.75, 'no_road': 0.0, 'no_road_units': 0}

    The second village has no road to the open site: not within, not in the mean.

    >>> coverage(np.array([[5.0], [np.inf]]), np.array([1.0, 3.0]), [0], 30)
    {'within': 1.0, 'share': 25.0, 'mean_min': 5.0, 'no_road': 3.0, 'no_road_units': 1}

    No open site, or no village: nobody is within reach and the mean is unknown.

    >>> coverage(np.zeros((2, 0)), np.array([1.0, 3.0]), [], 30)["mean_min"]
    nan
    >>> coverage(np.zeros((0, 2)), np.zeros(0), [0], 30)["share"]
    nan
    """
    c = np.asarray(cost, dtype=np.float64)
    w = np.asarray(weights, dtype=np.float64)
    total = float(w.sum())
    if not len(open_cols) or not c.shape[0]:
        return {"within": 0.0, "share": 0.0 if total else float("nan"), "mean_min": float("nan"),
                "no_road": 0.0, "no_road_units": 0}
    near = nearest_open_min(c, open_cols)
    share = share_within(w, near, threshold_min)
    reach = np.isfinite(near)
    reached = float(w[reach].sum())
    return {"within": share * total if total else 0.0, "share": 100 * share,
            "mean_min": float(np.dot(w[reach], near[reach]) / reached) if reached else float("nan"),
            "no_road": float(w[~reach].sum()), "no_road_units": int((~reach & (w > 0)).sum())}


def eligible_columns(inst: SubcentreInstance,
                     types: Sequence[str] | None = None) -> tuple[int, ...]:
    """The columns that may be chosen: the sites besides the required ones whose ``type`` is
    one of ``types`` (None: every site besides the required ones).

    >>> s = pd.DataFrame({"type": ["county_hospital", "health_centre", "central_health_centre"]})
    >>> inst = SubcentreInstance(pd.DataFrame(), s, np.zeros((0, 3)), np.zeros(0), (0,))
    >>> eligible_columns(inst, ELIGIBLE_TYPES_DEFAULT), eligible_columns(inst)
    ((2,), (1, 2))
    """
    rest = [j for j in range(inst.cost.shape[1]) if j not in inst.required]
    if types is None:
        return tuple(rest)
    kind = inst.sites["type"].astype(str).to_numpy()
    return tuple(j for j in rest if kind[j] in set(types))


def county_load(inst: SubcentreInstance) -> dict[str, float]:
    """The county's own figures: ``residents`` = Σ w_i, ``beds`` and ``doctors`` of the
    hospitals register, ``per_bed`` = residents ÷ beds, ``per_doctor`` = residents ÷ doctors
    (NaN when unknown).

    >>> inst = SubcentreInstance(pd.DataFrame(), pd.DataFrame(), np.zeros((2, 0)),
    ...                          np.array([300.0, 500.0]), (), 4.0, math.nan)
    >>> county_load(inst)
    {'residents': 800.0, 'beds': 4.0, 'doctors': nan, 'per_bed': 200.0, 'per_doctor': nan}
    """
    residents = float(np.nansum(inst.weights))

    def per(n: float) -> float:
        return residents / n if n > 0 else math.nan

    return {"residents": residents, "beds": inst.county_beds, "doctors": inst.county_doctors,
            "per_bed": per(inst.county_beds), "per_doctor": per(inst.county_doctors)}


def bed_capacities(inst: SubcentreInstance) -> NDArray[np.float64]:
    """Residents each site may serve in the capacitated p-median: Q_j = beds_j × the county's
    residents per bed for a health centre (0 when its beds are unknown), unlimited for the
    county hospitals, which take whoever the sub-centres cannot (referral for the county).

    >>> s = pd.DataFrame({"beds": [500.0, 40.0, None]})
    >>> inst = SubcentreInstance(pd.DataFrame(), s, np.zeros((1, 3)), np.array([1800.0]), (0,), 600.0)
    >>> bed_capacities(inst).tolist()
    [inf, 120.0, 0.0]
    """
    per_bed = county_load(inst)["per_bed"]
    if not np.isfinite(per_bed):
        raise ValueError("the capacitated model needs the beds of the hospitals register")
    beds = pd.to_numeric(inst.sites.get("beds", pd.Series(np.nan, inst.sites.index)),
                         errors="coerce").fillna(0.0).to_numpy(float)
    q = beds * per_bed
    q[list(inst.required)] = np.inf
    return q


@dataclass(frozen=True)
class SubcentreSolution:
    """The sub-centres chosen: the siting ``result`` (columns of the instance: all open
    columns, the assignment), the ``new`` columns chosen besides the required ones, and
    :func:`coverage` ``before`` (the required sites only) and ``after``; the ``objective``
    (one of :data:`MODELS`), the ``eligible`` columns it chose from and ``threshold_min``."""

    result: siting.SitingResult
    new: tuple[int, ...]
    before: dict[str, float]
    after: dict[str, float]
    objective: str = "pmedian"
    eligible: tuple[int, ...] = ()
    threshold_min: float = math.nan


def solve_subcentre(inst: SubcentreInstance, n_new: int, objective: str, threshold_min: float,
                    solver: str | Any | None = "highs", *,
                    eligible_types: Sequence[str] | None = None) -> SubcentreSolution:
    """Choose sub-centres among the sites of ``eligible_types`` (None: every site besides the
    required ones; the page passes :data:`ELIGIBILITY`) with the required sites kept open.

    ``objective`` is one of :data:`MODELS`: ``"pmedian"`` (``n_new`` sites, least
    population-weighted travel Σ w_i min_j c_ij), ``"pmedian_cap"`` (the same, each
    sub-centre serving at most :func:`bed_capacities`, single sourcing), ``"mclp"``
    (``n_new`` sites, most residents within ``threshold_min``), ``"lscp"`` (the fewest sites
    with every resident within ``threshold_min``; ``n_new`` is not used) or ``"pcenter"``
    (``n_new`` sites, the least worst travel max_i min_j c_ij, ties by least weighted travel).
    A model without a solution raises :class:`metrics.siting.SitingError`.

    Examples
    --------
    Two villages (1 and 3 residents), the county hospital (column 0) 5 and 50 minutes away,
    a candidate 40 and 20 minutes away: opening it brings the second village within 30.

    >>> inst = SubcentreInstance(pd.DataFrame({"code": ["a", "b"]}), pd.DataFrame(),
    ...                          np.array([[5.0, 40.0], [50.0, 20.0]]), np.array([1.0, 3.0]), (0,))
    >>> out = solve_subcentre(inst, 1, "pmedian", 30)
    >>> out.new, out.before["share"], out.after["share"], out.after["mean_min"]
    ((1,), 25.0, 100.0, 16.25)
    >>> solve_subcentre(inst, 1, "lscp", 30).new, solve_subcentre(inst, 1, "lscp", 60).new
    ((1,), ())
    """
    cols = eligible_columns(inst, eligible_types)
    return _solve(inst, cols, n_new, objective, threshold_min, solver)


def _solve(inst: SubcentreInstance, eligible: Sequence[int], n_new: int, objective: str,
           threshold_min: float, solver: str | Any | None) -> SubcentreSolution:
    """The model on the required columns and ``eligible`` only, mapped back to the instance."""
    if objective not in MODELS:
        raise ValueError(f"objective must be one of {', '.join(MODELS)}, not {objective!r}")
    cols = np.array([*inst.required, *eligible], dtype=np.int64)
    c = inst.cost[:, cols]
    # a village no site reaches by road has no say in the choice (never bridged): left out
    # of the model, unassigned, counted apart (coverage's ``no_road``)
    w = np.where(np.isfinite(c).any(axis=1), inst.weights, 0.0)
    req = list(range(len(inst.required)))
    p = len(req) + n_new
    if objective == "pmedian":
        res = siting.p_median(c, w, p, req, solver)
    elif objective == "pmedian_cap":
        res = siting.p_median(c, w, p, req, solver, capacities=bed_capacities(inst)[cols])
    elif objective == "mclp":
        res = siting.max_coverage(c, w, threshold_min, p, req, solver)
    elif objective == "lscp":
        res = siting.set_cover(c, threshold_min, req, solver, weights=w)
    else:
        res = siting.p_center(c, w, p, req, solver)
    a = np.asarray(res.assignment, dtype=np.int64)
    res = replace(res, sites=cols[np.asarray(res.sites, dtype=np.int64)],
                  assignment=np.where(a >= 0, cols[np.maximum(a, 0)], -1))
    sites = [int(j) for j in res.sites]
    return SubcentreSolution(
        res, tuple(j for j in sites if j not in inst.required),
        coverage(inst.cost, inst.weights, inst.required, threshold_min),
        coverage(inst.cost, inst.weights, sites, threshold_min), objective,
        tuple(int(j) for j in eligible),
        float(threshold_min))


def model_value(inst: SubcentreInstance, sol: SubcentreSolution) -> float:
    """The model's own measure of a solution, as the page states it: mean minutes to the
    serving site (p-median, with or without capacities: Σ w_i c_i,a(i) / Σ w_i), residents
    within the threshold (maximal covering), sub-centres opened (set covering), the longest
    drive in minutes (p-center). Villages with no road to any site are left out.

    >>> inst = SubcentreInstance(pd.DataFrame({"code": ["a", "b"]}), pd.DataFrame(),
    ...                          np.array([[5.0, 40.0], [50.0, 20.0]]), np.array([1.0, 3.0]), (0,))
    >>> [model_value(inst, solve_subcentre(inst, 1, m, 30)) for m in ("pmedian", "mclp", "pcenter")]
    [16.25, 4.0, 20.0]
    """
    if sol.objective in ("pmedian", "pmedian_cap"):
        # over the villages served (those no site reaches by road are left out)
        total = float(np.sum(inst.weights[np.asarray(sol.result.assignment) >= 0]))
        return sol.result.objective / total if total else math.nan
    if sol.objective == "lscp":
        return float(len(sol.new))
    return float(sol.result.objective)


def _rank(inst: SubcentreInstance, sol: SubcentreSolution) -> tuple[float, float]:
    """Better first: the model's measure (more residents covered is better), then the mean
    travel to the nearest open site."""
    v = model_value(inst, sol)
    return (-v if sol.objective == "mclp" else v, sol.after["mean_min"])


@dataclass(frozen=True)
class NextBest:
    """The best proposal other than the chosen one: its ``solution``, the chosen sites it
    leaves out (``dropped``) and the sites it takes instead (``added``)."""

    solution: SubcentreSolution
    dropped: tuple[int, ...]
    added: tuple[int, ...]


def next_best(inst: SubcentreInstance, sol: SubcentreSolution,
              solver: str | Any | None = "highs") -> NextBest | None:
    """The next-best proposal: for each chosen sub-centre x, the same model solved without
    x; the best of these (by :func:`model_value`, then mean travel). Any other proposal
    leaves out at least one chosen site, so this is the best proposal that differs from
    ``sol`` (for set covering: the fewest sites without one of the chosen); ``len(sol.new)``
    extra solves. None when no proposal is left (nothing to drop, too few candidates, or
    none feasible).

    Examples
    --------
    One village of 10 at the county hospital's far side; candidates 10, 12 and 30 minutes
    away: the proposal is column 1, the next best column 2 (12 minutes instead of 10).

    >>> inst = SubcentreInstance(pd.DataFrame({"code": ["a"]}), pd.DataFrame(),
    ...                          np.array([[50.0, 10.0, 12.0, 30.0]]), np.array([10.0]), (0,))
    >>> alt = next_best(inst, solve_subcentre(inst, 1, "pmedian", 30))
    >>> alt.dropped, alt.added, alt.solution.after["mean_min"]
    ((1,), (2,), 12.0)
    """
    best: SubcentreSolution | None = None
    for x in sol.new:
        rest = [j for j in sol.eligible if j != x]
        try:
            alt = _solve(inst, rest, len(sol.new), sol.objective, sol.threshold_min, solver)
        except siting.SitingError:
            continue
        if best is None or _rank(inst, alt) < _rank(inst, best):
            best = alt
    if best is None:
        return None
    return NextBest(best, tuple(j for j in sol.new if j not in best.new),
                    tuple(j for j in best.new if j not in sol.new))


def cover_limit_min(inst: SubcentreInstance, eligible_types: Sequence[str] | None = None) -> float:
    """The least threshold (minutes) at which set covering has a solution: the longest of
    the inhabited villages' drives to their nearest required or eligible site (the villages
    no site reaches by road left out, :func:`no_road`).

    >>> s = pd.DataFrame({"type": ["county_hospital", "health_centre", "central_health_centre"]})
    >>> inst = SubcentreInstance(pd.DataFrame(), s, np.array([[5.0, 9.0, 40.0], [50.0, 20.0, 35.0]]),
    ...                          np.array([1.0, 3.0]), (0,))
    >>> cover_limit_min(inst), cover_limit_min(inst, ELIGIBLE_TYPES_DEFAULT)
    (20.0, 35.0)
    """
    near = nearest_open_min(inst.cost, [*inst.required, *eligible_columns(inst, eligible_types)])
    lived = near[(np.asarray(inst.weights) > 0) & np.isfinite(near)]
    return float(lived.max()) if lived.size else 0.0


def beyond_reach(inst: SubcentreInstance, threshold_min: float,
                 eligible_types: Sequence[str] | None = None) -> pd.DataFrame:
    """The inhabited villages that no required or eligible site reaches within
    ``threshold_min``: their ``code``, ``name``, ``population`` and ``nearest_min``,
    farthest first (why set covering has no solution); those with no road to any site are
    :func:`no_road` instead.

    >>> s = pd.DataFrame({"type": ["county_hospital", "health_centre", "central_health_centre"]})
    >>> u = pd.DataFrame({"code": ["a", "b"], "name": ["A", "B"]})
    >>> inst = SubcentreInstance(u, s, np.array([[5.0, 9.0, 40.0], [50.0, 20.0, 35.0]]),
    ...                          np.array([1.0, 3.0]), (0,))
    >>> beyond_reach(inst, 30, ELIGIBLE_TYPES_DEFAULT).values.tolist()
    [['b', 'B', 3.0, 35.0]]
    """
    near = nearest_open_min(inst.cost, [*inst.required, *eligible_columns(inst, eligible_types)])
    w = np.asarray(inst.weights, dtype=np.float64)
    out = inst.units.reindex(columns=["code", "name"]).assign(population=w, nearest_min=near)
    far = out[(near > threshold_min) & (w > 0) & np.isfinite(near)]
    return far.sort_values("nearest_min", ascending=False, kind="stable").reset_index(drop=True)


def no_road(inst: SubcentreInstance, eligible_types: Sequence[str] | None = None) -> pd.DataFrame:
    """The inhabited villages that no required or eligible site reaches by road at all
    (``inf`` minutes): ``code``, ``name`` and ``population``. No model can serve them; they
    are left out of every model, never covered, counted on the page (none with straight
    lines).

    >>> s = pd.DataFrame({"type": ["county_hospital", "central_health_centre"]})
    >>> u = pd.DataFrame({"code": ["a", "b"], "name": ["A", "B"]})
    >>> inst = SubcentreInstance(u, s, np.array([[5.0, 9.0], [np.inf, np.inf]]),
    ...                          np.array([1.0, 3.0]), (0,))
    >>> no_road(inst).values.tolist()
    [['b', 'B', 3.0]]
    """
    near = nearest_open_min(inst.cost, [*inst.required, *eligible_columns(inst, eligible_types)])
    w = np.asarray(inst.weights, dtype=np.float64)
    out = inst.units.reindex(columns=["code", "name"]).assign(population=w)
    return out[np.isinf(near) & (w > 0)].reset_index(drop=True)


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
    order), ``beds`` and ``doctors`` (their sums; missing when none is known), ``served``
    (Σ w_i of the rows served there), ``mean_min`` (their weighted mean minutes to the
    serving site), and the load: ``per_bed`` = served ÷ beds, ``per_doctor`` = served ÷
    doctors, ``load_ratio`` = per_bed ÷ the county's residents per bed
    (:func:`county_load`), ``over`` = load_ratio > :data:`LOAD_FLAG_RATIO`, and
    ``beds_at_county`` = served ÷ the county's residents per bed (the beds the place would
    need to serve its residents at the county's level). Rows that no open site reaches
    (assignment −1) are served nowhere.

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

    With the county's 60 residents on 150 beds (0.4 a bed), C's 30 residents on 10 beds are
    3 a bed: 7.5 times the county's, flagged; at the county's level C would need 75 beds.

    >>> sites.loc[2, "beds"] = 10.0
    >>> inst = SubcentreInstance(inst.units, sites, cost, inst.weights, (0, 1), 150.0)
    >>> table = subcentre_assignment(inst, siting.p_median(cost, inst.weights, 3, [0, 1]))
    >>> table[["per_bed", "load_ratio", "over", "beds_at_county"]].values.tolist()
    [[0.2, 0.5, False, 75.0], [3.0, 7.5, True, 75.0]]
    """
    a = np.asarray(result.assignment, dtype=np.int64)
    ok = np.flatnonzero(a >= 0)
    tmin = np.full(a.shape[0], np.nan)
    tmin[ok] = inst.cost[ok, a[ok]]
    names = inst.sites["name"].astype(str).to_numpy()
    missing = pd.Series(np.nan, inst.sites.index)
    beds = pd.to_numeric(inst.sites.get("beds", missing), errors="coerce")
    doctors = pd.to_numeric(inst.sites.get("doctors", missing), errors="coerce")
    county = county_load(inst)
    rows = []
    for members in same_place_groups(inst.sites, [int(j) for j in result.sites], radius_m):
        served = np.isin(a, members)
        w = inst.weights[served]
        total = float(w.sum())
        n_beds = float(beds.iloc[members].sum(min_count=1))
        n_doctors = float(doctors.iloc[members].sum(min_count=1))
        per_bed = total / n_beds if n_beds > 0 else math.nan
        rows.append({
            "sites": tuple(members),
            "names": tuple(names[members]),
            "roles": tuple(dict.fromkeys("kept" if j in inst.required else "chosen" for j in members)),
            "beds": n_beds,
            "doctors": n_doctors,
            "served": total,
            "mean_min": float(np.dot(w, tmin[served]) / total) if total else float("nan"),
            "per_bed": per_bed,
            "per_doctor": total / n_doctors if n_doctors > 0 else math.nan,
            "load_ratio": per_bed / county["per_bed"],
            "over": bool(per_bed / county["per_bed"] > LOAD_FLAG_RATIO),
            "beds_at_county": total / county["per_bed"],
        })
    return pd.DataFrame(rows, columns=["sites", "names", "roles", "beds", "doctors", "served",
                                       "mean_min", "per_bed", "per_doctor", "load_ratio",
                                       "over", "beds_at_county"])


def site_roles(inst: SubcentreInstance, chosen: Sequence[int] = (),
               eligible: Sequence[int] | None = None) -> pd.DataFrame:
    """The sites for the map: ``lon``, ``lat``, ``name``, ``beds`` (when known) and ``role``
    (see :data:`SITE_ROLES`: ``ineligible`` = not among the ``eligible`` columns (None: all
    are), ``candidate``, ``kept`` = required, ``chosen``), ordered by role (chosen last, on
    top).

    Examples
    --------
    >>> s = pd.DataFrame({"name": ["K", "A", "B", "C"], "lon": [1.0, 2.0, 3.0, 4.0], "lat": [0.0] * 4})
    >>> inst = SubcentreInstance(pd.DataFrame(), s, np.zeros((0, 4)), np.zeros(0), (0,))
    >>> site_roles(inst, [2])[["name", "role"]].values.tolist()
    [['A', 'candidate'], ['C', 'candidate'], ['K', 'kept'], ['B', 'chosen']]
    >>> site_roles(inst, [2], eligible=[2, 3])["role"].tolist()
    ['ineligible', 'candidate', 'kept', 'chosen']
    """
    role = np.full(len(inst.sites), "candidate", dtype=object)
    if eligible is not None:
        role[[j for j in range(len(inst.sites)) if j not in set(eligible)]] = "ineligible"
    role[list(inst.required)] = "kept"
    role[[int(j) for j in chosen]] = "chosen"
    out = inst.sites.reindex(columns=["lon", "lat", "name", "beds"]).assign(role=role)
    order = [SITE_ROLES.index(r) for r in role]
    return out.iloc[np.argsort(order, kind="stable")]
