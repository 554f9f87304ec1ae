"""Spatial access: nearest facility, travel time, coverage and two-step floating catchments.

Kernels work on numpy arrays; adapters take DataFrames/Series indexed by location
id and return results indexed the same way. The 2SFCA cost table has the long
shape PySAL ``access`` uses: columns ``origin`` (demand location), ``dest``
(supply location) and ``cost``.

References
----------
Luo, W. & Wang, F. (2003). Measures of spatial accessibility to health care in a
GIS environment. *Environment and Planning B* 30(6):865-884.
Luo, W. & Qi, Y. (2009). An enhanced two-step floating catchment area (E2SFCA)
method. *Health & Place* 15(4):1100-1107.
Dai, D. (2010). Black residential segregation, disparities in spatial access to
health care facilities, and late-stage breast cancer diagnosis in metropolitan
Detroit. *Health & Place* 16(5):1038-1052.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from metrics import settings, travel
from metrics.geo import nearest_km

__all__ = [
    "FcaResult",
    "GaussianDecay",
    "StepDecay",
    "gaussian",
    "k_nearest",
    "nearest",
    "share_within",
    "share_within_by",
    "step_weights",
    "supply_ratio",
    "travel_time_min",
    "two_step_fca",
    "two_step_fca_arrays",
    "two_step_fca_points",
]

Decay = Callable[[np.ndarray], np.ndarray]


# -- nearest facility ------------------------------------------------------------------

def _facility_ids(facilities: pd.DataFrame) -> pd.Index:
    return pd.Index(facilities["id"]) if "id" in facilities.columns else facilities.index


def _located(df: pd.DataFrame) -> np.ndarray:
    return (df["lat"].notna() & df["lon"].notna()).to_numpy()


def k_nearest(
    units: pd.DataFrame, facilities: pd.DataFrame, k: int, workers: int = -1
) -> pd.DataFrame:
    """The ``k`` nearest facilities of every unit, by great-circle distance.

    Parameters
    ----------
    units
        Indexed by unit code, columns ``lat`` and ``lon`` (WGS-84 degrees).
    facilities
        Columns ``lat``, ``lon``; ids from an ``id`` column, else the index.
        Facilities without coordinates are ignored.
    k
        Neighbours per unit.

    Returns
    -------
    pandas.DataFrame
        Long table indexed by (unit index, ``rank`` 1..k) with ``dist_km`` and
        ``facility_id``; NaN / None where there are fewer than ``k`` facilities
        or the unit has no coordinates.

    Examples
    --------
    >>> units = pd.DataFrame({"lat": [31.0], "lon": [108.0]}, index=pd.Index(["u1"], name="code"))
    >>> fac = pd.DataFrame({"id": ["a", "b"], "lat": [31.1, 31.0], "lon": [108.0, 108.05]})
    >>> k_nearest(units, fac, 2).round(2)  # doctest: +NORMALIZE_WHITESPACE
                 dist_km facility_id
    code rank
    u1   1          4.77           b
         2         11.12           a
    """
    ids = _facility_ids(facilities).to_numpy()
    fac_ok = _located(facilities)
    fac_ids = ids[fac_ok]
    unit_ok = _located(units)
    n = len(units)
    dist = np.full((n, k), np.nan)
    pos = np.full((n, k), -1, dtype=np.int64)
    if unit_ok.any():
        d, i = nearest_km(units["lat"].to_numpy()[unit_ok], units["lon"].to_numpy()[unit_ok],
                          facilities["lat"].to_numpy()[fac_ok],
                          facilities["lon"].to_numpy()[fac_ok], k=k, workers=workers)
        dist[unit_ok] = np.asarray(d).reshape(-1, k)
        pos[unit_ok] = np.asarray(i).reshape(-1, k)
    dist[~np.isfinite(dist)] = np.nan
    fid = np.empty((n, k), dtype=object)
    found = pos >= 0
    fid[found] = fac_ids[pos[found]]
    index = pd.MultiIndex.from_product(
        [units.index, np.arange(1, k + 1)], names=[units.index.name, "rank"]
    )
    return pd.DataFrame(
        {"dist_km": dist.ravel(), "facility_id": pd.Series(fid.ravel(), index=index, dtype=object)},
        index=index,
    )


def nearest(units: pd.DataFrame, facilities: pd.DataFrame, workers: int = -1) -> pd.DataFrame:
    """Distance to the nearest facility of every unit (great-circle, km).

    Returns a DataFrame indexed like ``units`` with ``dist_km`` and ``facility_id``
    (NaN / None when there is no facility or the unit has no coordinates).
    Inputs are not modified. See :func:`k_nearest` for more than one neighbour.

    Examples
    --------
    >>> units = pd.DataFrame({"lat": [31.0, None], "lon": [108.0, None]},
    ...                      index=pd.Index(["u1", "u2"], name="code"))
    >>> fac = pd.DataFrame({"lat": [31.1], "lon": [108.0]}, index=pd.Index(["a"], name="id"))
    >>> out = nearest(units, fac)
    >>> out["dist_km"].round(2).tolist(), out["facility_id"].tolist()
    ([11.12, nan], ['a', None])
    """
    out = k_nearest(units, facilities, 1, workers=workers)
    out.index = units.index
    return out


# -- travel time and coverage ----------------------------------------------------------

def travel_time_min(
    dist_km: ArrayLike | pd.Series,
    mode: str,
    overrides: Mapping[str, float] | None = None,
) -> NDArray[np.float64] | pd.Series | float:
    """Travel time in minutes from straight-line distance: ``dist_km × detour ÷ speed × 60``.

    Speed of ``mode`` and the detour factor come from :mod:`metrics.settings`
    (``overrides`` replaces defaults); the rate is :func:`metrics.travel.minutes_per_km`,
    the straight-line model's. A Series stays a Series (same index).

    Examples
    --------
    >>> travel_time_min(10.0, "car")  # 10 km × 1.3 ÷ 40 km/h × 60
    19.5
    >>> travel_time_min([1.0, 2.0], "walk", {"detour_factor": 1.0, "speed_walk_kmh": 6.0})
    array([10., 20.])
    """
    factor = travel.minutes_per_km(mode, overrides)
    if isinstance(dist_km, pd.Series):
        return (dist_km.astype("float64") * factor).rename("time_min")
    out = np.asarray(dist_km, dtype=np.float64) * factor
    return float(out) if out.ndim == 0 else out


def share_within(population: ArrayLike, time_min: ArrayLike, threshold_min: float) -> float:
    """Population-weighted share within the standard: ``Σ P_i [t_i ≤ t0] / Σ P_i``.

    Missing times (no facility) count as outside. Returns NaN when the total
    population is zero.

    Examples
    --------
    >>> share_within([100, 300], [10.0, 45.0], 30)
    0.25
    >>> share_within([100, 300], [10.0, np.nan], 30)
    0.25
    """
    pop = np.asarray(population, dtype=np.float64)
    t = np.asarray(time_min, dtype=np.float64)
    if pop.shape != t.shape:
        raise ValueError("population and time_min must have the same shape")
    if np.any(pop < 0) or np.any(np.isnan(pop)):
        raise ValueError("population must be non-negative and not missing")
    total = pop.sum()
    if total == 0:
        return float("nan")
    return float(pop[t <= threshold_min].sum() / total)


def share_within_by(
    population: pd.Series, time_min: pd.Series, threshold_min: float, groups: pd.Series
) -> pd.DataFrame:
    """:func:`share_within` per group (e.g. ``urban_rural`` or ``township_code``).

    All three Series are aligned on their index (unit code). Returns a DataFrame
    indexed by group with ``population``, ``population_within`` and ``share``.

    Examples
    --------
    >>> idx = ["a", "b", "c"]
    >>> pop = pd.Series([100, 300, 50], index=idx)
    >>> t = pd.Series([10.0, 45.0, 5.0], index=idx)
    >>> g = pd.Series(["rural", "rural", "urban"], index=idx)
    >>> share_within_by(pop, t, 30, g)
           population  population_within  share
    rural       400.0              100.0   0.25
    urban        50.0               50.0   1.00
    """
    frame = pd.DataFrame({"p": population.astype("float64"), "t": time_min, "g": groups})
    if (frame["p"] < 0).any() or frame["p"].isna().any():
        raise ValueError("population must be non-negative and not missing")
    frame["w"] = frame["p"].where(frame["t"] <= threshold_min, 0.0)
    out = frame.groupby("g", sort=True).agg(population=("p", "sum"), population_within=("w", "sum"))
    out["share"] = (out["population_within"] / out["population"]).where(out["population"] > 0)
    out.index.name = None
    return out


# -- distance decay ----------------------------------------------------------------------

@dataclass(frozen=True)
class StepDecay:
    """Step weights: ``w(d) = w_k`` for ``t_{k-1} < d ≤ t_k``, 0 beyond the last step."""

    thresholds: tuple[float, ...]
    weights: tuple[float, ...]

    def __call__(self, cost: ArrayLike) -> np.ndarray | float:
        c = np.asarray(cost, dtype=np.float64)
        w = np.append(np.asarray(self.weights), 0.0)
        out = w[np.searchsorted(np.asarray(self.thresholds), c, side="left")]
        return float(out) if out.ndim == 0 else out

    @property
    def max_cost(self) -> float:
        return self.thresholds[-1]


@dataclass(frozen=True)
class GaussianDecay:
    """Dai (2010) Gaussian weights within ``d0``, 0 beyond."""

    d0: float

    def __call__(self, cost: ArrayLike) -> np.ndarray | float:
        c = np.asarray(cost, dtype=np.float64)
        e = np.exp(-0.5)
        out = np.where(c <= self.d0, (np.exp(-0.5 * (c / self.d0) ** 2) - e) / (1.0 - e), 0.0)
        return float(out) if out.ndim == 0 else out

    @property
    def max_cost(self) -> float:
        return self.d0


def step_weights(steps: Sequence[tuple[float, float]]) -> StepDecay:
    """Step decay for the enhanced 2SFCA (Luo & Qi 2009): ``[(upper_cost, weight), ...]``.

    Costs up to and including each upper bound get its weight; beyond the last
    bound the weight is 0 (same convention as ``access.weights.step_fn``).

    Examples
    --------
    >>> w = step_weights([(10, 1.0), (20, 0.68), (30, 0.22)])
    >>> w(np.array([0.0, 10.0, 10.5, 30.0, 31.0])).tolist()
    [1.0, 1.0, 0.68, 0.22, 0.0]
    >>> step_weights([(20, 1.0), (10, 0.5)])
    Traceback (most recent call last):
    ...
    ValueError: step upper bounds must be strictly increasing
    """
    if not steps:
        raise ValueError("at least one step is needed")
    thresholds = tuple(float(t) for t, _ in steps)
    weights = tuple(float(w) for _, w in steps)
    if not all(np.isfinite(thresholds)) or thresholds[0] < 0:
        raise ValueError("step upper bounds must be finite and non-negative")
    if any(b <= a for a, b in zip(thresholds, thresholds[1:], strict=False)):
        raise ValueError("step upper bounds must be strictly increasing")
    if not all(np.isfinite(weights)) or min(weights) < 0:
        raise ValueError("step weights must be finite and non-negative")
    return StepDecay(thresholds, weights)


def gaussian(d0: float) -> GaussianDecay:
    """Gaussian decay of Dai (2010): ``w = (e^{-½(d/d0)²} − e^{-½}) / (1 − e^{-½})`` for ``d ≤ d0``.

    ``w(0) = 1``, ``w(d0) = 0``, and 0 beyond ``d0``.

    Examples
    --------
    >>> g = gaussian(30.0)
    >>> g(np.array([0.0, 15.0, 30.0, 40.0])).round(4).tolist()
    [1.0, 0.7014, 0.0, 0.0]
    """
    if not (np.isfinite(d0) and d0 > 0):
        raise ValueError("d0 must be a positive finite number")
    return GaussianDecay(float(d0))


# -- two-step floating catchment ---------------------------------------------------------

class FcaResult(NamedTuple):
    """Outputs of the 2SFCA kernel (arrays by position)."""

    access: NDArray[np.float64]
    """A_i for every demand location."""
    ratio: NDArray[np.float64]
    """R_j for every supply location (0 where no demand is in reach)."""
    demand_in_reach: NDArray[np.float64]
    """Σ_k P_k w(d_kj) for every supply location (step-1 denominator)."""


def _check_values(values: np.ndarray, name: str) -> None:
    if np.any(np.isnan(values)) or np.any(values < 0) or np.any(np.isinf(values)):
        raise ValueError(f"{name} must be finite, non-negative and not missing")


def two_step_fca_arrays(
    demand: ArrayLike,
    supply: ArrayLike,
    origin: ArrayLike,
    dest: ArrayLike,
    cost: ArrayLike,
    threshold: float,
    decay: Decay | None = None,
) -> FcaResult:
    """Kernel of the two-step floating catchment area method on position arrays.

    Step 1, for every supply location ``j``:
    ``R_j = S_j / Σ_{k: d_kj ≤ d0} P_k w(d_kj)`` (0 when the sum is 0);
    step 2, for every demand location ``i``: ``A_i = Σ_{j: d_ij ≤ d0} R_j w(d_ij)``.
    ``w ≡ 1`` is the classic 2SFCA (Luo & Wang 2003); a step ``w`` gives the
    E2SFCA (Luo & Qi 2009) and a Gaussian one the Dai (2010) variant.

    Parameters
    ----------
    demand, supply
        P and S by position.
    origin, dest, cost
        One row per (demand position, supply position) pair and its cost.
    threshold
        Catchment ``d0`` in the unit of ``cost``; pairs with ``cost ≤ d0`` count.
    decay
        Vectorised weight function of cost, or None.

    Examples
    --------
    Two villages of 100 and 300 people, one clinic with 2 doctors in reach of both:

    >>> r = two_step_fca_arrays([100, 300], [2], [0, 1], [0, 0], [5.0, 20.0], 30)
    >>> r.access.tolist(), r.ratio.tolist()
    ([0.005, 0.005], [0.005])
    """
    p = np.asarray(demand, dtype=np.float64)
    s = np.asarray(supply, dtype=np.float64)
    _check_values(p, "demand")
    _check_values(s, "supply")
    o = np.asarray(origin, dtype=np.int64)
    d = np.asarray(dest, dtype=np.int64)
    c = np.asarray(cost, dtype=np.float64)
    if not (o.shape == d.shape == c.shape):
        raise ValueError("origin, dest and cost must have the same length")
    if np.isnan(threshold):
        raise ValueError("threshold must be a number (use np.inf for no limit)")
    inside = c <= threshold
    if not inside.all():
        keep = np.flatnonzero(inside)
        o, d, c = o.take(keep), d.take(keep), c.take(keep)
    w = None if decay is None else np.asarray(decay(c), dtype=np.float64)
    # step 1: demand in reach of each supply location, weighted
    pw = p[o] if w is None else p[o] * w
    demand_in_reach = np.bincount(d, weights=pw, minlength=s.shape[0])
    ratio = np.divide(s, demand_in_reach, out=np.zeros_like(s), where=demand_in_reach > 0)
    # step 2: sum of the ratios in reach of each demand location, weighted
    rw = ratio[d] if w is None else ratio[d] * w
    access = np.bincount(o, weights=rw, minlength=p.shape[0])
    return FcaResult(access, ratio, demand_in_reach)


def _fca_frame(
    demand: pd.Series, supply: pd.Series, cost: pd.DataFrame, threshold: float,
    decay: Decay | None,
) -> FcaResult:
    for name, ser in (("demand", demand), ("supply", supply)):
        if not ser.index.is_unique:
            raise ValueError(f"{name} index must be unique")
    missing = {"origin", "dest", "cost"} - set(cost.columns)
    if missing:
        raise ValueError(f"cost table lacks column(s) {sorted(missing)}")
    c = cost["cost"].to_numpy(dtype=np.float64)
    # positions of the pairs inside (a take is about 10× faster than a boolean mask here)
    inside = np.flatnonzero(c <= threshold)
    # map ids to positions; rows whose ids are not in demand/supply are ignored
    o = demand.index.get_indexer(cost["origin"].to_numpy().take(inside))
    d = supply.index.get_indexer(cost["dest"].to_numpy().take(inside))
    c = c.take(inside)
    known = (o >= 0) & (d >= 0)
    if not known.all():
        o, d, c = o[known], d[known], c[known]
    return two_step_fca_arrays(demand.to_numpy(dtype=np.float64),
                               supply.to_numpy(dtype=np.float64), o, d, c, threshold, decay)


def two_step_fca(
    demand: pd.Series,
    supply: pd.Series,
    cost: pd.DataFrame,
    threshold: float,
    decay: Decay | None = None,
) -> pd.Series:
    """Two-step floating catchment area access (Luo & Wang 2003; E2SFCA with ``decay``).

    .. math:: R_j = \\frac{S_j}{\\sum_{k:\\,d_{kj} \\le d_0} P_k\\,w(d_{kj})}, \\qquad
              A_i = \\sum_{j:\\,d_{ij} \\le d_0} R_j\\,w(d_{ij})

    Parameters
    ----------
    demand
        P: population by demand location id (non-negative).
    supply
        S: capacity (beds, doctors, places...) by supply location id.
    cost
        Long table with ``origin`` (demand id), ``dest`` (supply id) and
        ``cost`` (e.g. ``time_min``); rows with unknown ids are ignored.
    threshold
        Catchment ``d0`` in the unit of ``cost``.
    decay
        None (classic, w = 1), :func:`step_weights` or :func:`gaussian`.

    Returns
    -------
    pandas.Series
        A_i indexed like ``demand`` (supply per person); 0 where nothing is in
        reach. Supply locations with capacity but no demand in reach get
        R_j = 0; their ids are listed in ``result.attrs["unserved_supply"]``
        (see :func:`supply_ratio` for the step-1 table).

    Examples
    --------
    Villages a (100 people) and b (300) and clinics X (2 doctors) and Y (1).
    X is in reach of both (R_X = 2/400), Y only of b (R_Y = 1/300):
    A_a = 0.005, A_b = 0.005 + 0.00333 = 0.00833.

    >>> P = pd.Series({"a": 100, "b": 300})
    >>> S = pd.Series({"X": 2, "Y": 1})
    >>> cost = pd.DataFrame({"origin": ["a", "b", "a", "b"], "dest": ["X", "X", "Y", "Y"],
    ...                      "cost": [10.0, 20.0, 45.0, 25.0]})
    >>> two_step_fca(P, S, cost, threshold=30).round(5).tolist()
    [0.005, 0.00833]
    """
    res = _fca_frame(demand, supply, cost, threshold, decay)
    out = pd.Series(res.access, index=demand.index, name="access")
    unserved = (supply.to_numpy(dtype=np.float64) > 0) & (res.demand_in_reach == 0)
    out.attrs["unserved_supply"] = supply.index[unserved].tolist()
    return out


def supply_ratio(
    demand: pd.Series,
    supply: pd.Series,
    cost: pd.DataFrame,
    threshold: float,
    decay: Decay | None = None,
) -> pd.DataFrame:
    """Step 1 of :func:`two_step_fca` by supply location: S_j, demand in reach and R_j.

    Columns ``supply``, ``demand_in_reach``, ``ratio`` and ``unserved`` (capacity
    with no demand in reach), indexed like ``supply``.

    Examples
    --------
    >>> P = pd.Series({"a": 100})
    >>> S = pd.Series({"X": 2, "Y": 1})
    >>> cost = pd.DataFrame({"origin": ["a", "a"], "dest": ["X", "Y"], "cost": [10.0, 45.0]})
    >>> supply_ratio(P, S, cost, 30)
       supply  demand_in_reach  ratio  unserved
    X     2.0            100.0   0.02     False
    Y     1.0              0.0   0.00      True
    """
    res = _fca_frame(demand, supply, cost, threshold, decay)
    s = supply.to_numpy(dtype=np.float64)
    return pd.DataFrame(
        {"supply": s, "demand_in_reach": res.demand_in_reach, "ratio": res.ratio,
         "unserved": (s > 0) & (res.demand_in_reach == 0)},
        index=supply.index,
    )


def two_step_fca_points(
    demand_lat: ArrayLike,
    demand_lon: ArrayLike,
    demand: ArrayLike,
    supply_lat: ArrayLike,
    supply_lon: ArrayLike,
    supply: ArrayLike,
    threshold_min: float,
    mode: str = "car",
    speed_kmh: float | None = None,
    decay: Decay | None = None,
    overrides: Mapping[str, float] | None = None,
    model: travel.TravelModel | None = None,
) -> FcaResult:
    """2SFCA from coordinates: catchments by travel time.

    The pairs within ``threshold_min`` by ``mode`` come from the travel model
    (:func:`metrics.travel.within`; straight line: ``dist_km × detour ÷ speed × 60``,
    pairs found at radius ``threshold_min / 60 × speed ÷ detour``) and are fed to
    :func:`two_step_fca_arrays`. ``speed_kmh`` overrides the speed of ``mode``;
    ``model``: the travel model (default the straight line).

    Examples
    --------
    >>> r = two_step_fca_points([31.0, 31.1], [108.0, 108.0], [100, 300],
    ...                         [31.05], [108.0], [2], threshold_min=30)
    >>> r.access.tolist()
    [0.005, 0.005]
    """
    over = dict(overrides or {})
    if speed_kmh is not None:
        over[settings.speed_key(mode)] = speed_kmh
    radius_km = threshold_min / travel.minutes_per_km(mode, over)
    pairs = travel.within((demand_lat, demand_lon), (supply_lat, supply_lon), radius_km, model)
    src, dst, time_min = pairs.pairs(mode, threshold_min, over)
    # the pairs are already bounded by the threshold: keep them all, whatever the rounding
    return two_step_fca_arrays(demand, supply, src, dst, time_min, np.inf, decay)
