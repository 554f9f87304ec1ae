"""Regional medical consortia (医共体分区, pilot-plan task 15): the township instance, the
solve, and the comparison of the model's grouping with the four 片区 and a user's.

A township's point is the population-weighted centre of its located villages and
communities, (Σ P_i lon_i / Σ P_i, Σ P_i lat_i / Σ P_i); its lead candidate is its largest
hospital (most beds) among :data:`LEAD_TYPES`; the cost is car minutes from
:func:`metrics.travel.matrix_min`; neighbours share a border
(:func:`metrics.consortia.adjacency_from_shapes`). The model itself is
:func:`metrics.consortia.regions`.

Pure: tables in, new objects out; inputs are never modified.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from metrics import consortia, travel

__all__ = [
    "COMPARISON_MEASURES", "LEAD_TYPES", "ConsortiaSolution", "TownshipInstance",
    "compare_groupings", "lead_candidates", "solve_consortia", "township_centres",
    "township_instance",
]

#: Lead-hospital candidates of the medical consortia.
LEAD_TYPES: tuple[str, ...] = ("county_hospital", "central_health_centre", "health_centre")
#: The rows of :func:`compare_groupings`, in display order.
COMPARISON_MEASURES: tuple[str, ...] = (
    "regions", "max_deviation_pct", "connected", "mean_travel_min", "outside", "rand",
    "adjusted_rand", "matched_pct")


def township_centres(units: pd.DataFrame, townships: pd.DataFrame) -> pd.DataFrame:
    """The townships indexed by code (text) with ``population`` (Σ of their units) and
    ``lon``/``lat`` replaced by the population-weighted centre of their located units
    (NaN when no located unit has residents).

    Examples
    --------
    Township t: 100 residents at lon 108.0 and 300 at 108.4 → centre 108.3; u has nobody.

    >>> u = pd.DataFrame({"township_code": ["t", "t", "u"], "population": [100, 300, 0],
    ...                   "lon": [108.0, 108.4, 108.0], "lat": [31.0, 31.4, 31.0]})
    >>> t = pd.DataFrame({"code": ["t", "u"], "name": ["T", "U"], "lon": [0.0, 0.0], "lat": [0.0, 0.0]})
    >>> c = township_centres(u, t)
    >>> c.index.tolist(), c["population"].tolist(), c["lon"].round(2).tolist(), c["lat"].round(2).tolist()
    (['t', 'u'], [400, 0], [108.3, nan], [31.3, nan])
    """
    code = units["township_code"].astype(str)
    pop = pd.to_numeric(units["population"], errors="coerce").fillna(0.0).astype(float)
    lon = pd.to_numeric(units["lon"], errors="coerce")
    lat = pd.to_numeric(units["lat"], errors="coerce")
    located = lon.notna() & lat.notna()
    w = pd.DataFrame({"p": pop.where(located, 0.0), "wl": (lon * pop).where(located, 0.0),
                      "wt": (lat * pop).where(located, 0.0)}).groupby(code.to_numpy()).sum()
    towns = townships.set_index(townships["code"].astype(str).rename("code"))
    towns = towns.drop(columns=["code"], errors="ignore")
    weight = w["p"].reindex(towns.index)
    with np.errstate(invalid="ignore", divide="ignore"):
        centre_lon = (w["wl"].reindex(towns.index) / weight).where(weight > 0)
        centre_lat = (w["wt"].reindex(towns.index) / weight).where(weight > 0)
    residents = units["population"].groupby(code.to_numpy()).sum()
    return towns.assign(population=residents.reindex(towns.index).fillna(0.0),
                        lon=centre_lon, lat=centre_lat)


def lead_candidates(facilities: pd.DataFrame, types: tuple[str, ...] = LEAD_TYPES) -> pd.DataFrame:
    """Each township's lead candidate: its located facility of ``types`` with the most
    ``beds`` (ties: the smaller id), in the order of id; ``township_code`` as text.

    Examples
    --------
    >>> f = pd.DataFrame({"id": ["a", "b", "c", "d"], "township_code": [1, 1, 2, 2],
    ...                   "type": ["health_centre", "county_hospital", "health_centre", "library"],
    ...                   "beds": [30, 500, 20, 90], "lon": [108.0] * 4, "lat": [31.0] * 4})
    >>> lead_candidates(f)[["id", "township_code"]].values.tolist()
    [['b', '1'], ['c', '2']]
    """
    leads = facilities[facilities["type"].isin(list(types))].dropna(subset=["lon", "lat"])
    leads = (leads.sort_values(["beds", "id"], ascending=[False, True], kind="stable")
             .drop_duplicates(subset=["township_code"]).sort_values("id").reset_index(drop=True))
    return leads.assign(township_code=leads["township_code"].astype(str))


@dataclass(frozen=True)
class TownshipInstance:
    """Townships (indexed by code: ``population``, centre ``lon``/``lat``, ``zone``…), the
    lead candidates, townships × leads car minutes (read-only) and the township adjacency
    (code → neighbouring codes; None without township shapes)."""

    towns: pd.DataFrame
    leads: pd.DataFrame
    cost: NDArray[np.float64]
    adjacency: dict[Hashable, list[Hashable]] | None

    @property
    def home(self) -> list[int]:
        """Position of each lead's township among :attr:`towns`."""
        return [self.towns.index.get_loc(c) for c in self.leads["township_code"]]


def township_instance(units: pd.DataFrame, townships: pd.DataFrame, facilities: pd.DataFrame,
                      township_shapes: Mapping[Hashable, Any] | None = None,
                      model: travel.TravelModel | None = None) -> TownshipInstance:
    """The consortia instance: :func:`township_centres`, :func:`lead_candidates`, car
    minutes between them by ``model`` (default the straight line) and the adjacency of
    ``township_shapes`` (code → shapely geometry or GeoJSON geometry dict).

    Examples
    --------
    >>> from shapely.geometry import box
    >>> u = pd.DataFrame({"township_code": ["t", "u"], "population": [10, 20],
    ...                   "lon": [108.0, 108.1], "lat": [31.0, 31.0]})
    >>> t = pd.DataFrame({"code": ["t", "u"], "zone": ["z", "z"]})
    >>> f = pd.DataFrame({"id": ["h"], "type": ["county_hospital"], "township_code": ["t"],
    ...                   "beds": [100], "lon": [108.0], "lat": [31.0]})
    >>> inst = township_instance(u, t, f, {"t": box(0, 0, 1, 1), "u": box(1, 0, 2, 1)})
    >>> inst.cost.round(1).tolist(), inst.adjacency, inst.home
    ([[0.0], [18.6]], {'t': ['u'], 'u': ['t']}, [0])
    """
    towns = township_centres(units, townships)
    leads = lead_candidates(facilities)
    cost = np.array(travel.matrix_min(towns, leads, "car", model=model), dtype=np.float64)
    cost.setflags(write=False)
    adjacency = None
    if township_shapes:
        from shapely.geometry import shape

        shapes = {str(k): g if hasattr(g, "geom_type") else shape(g)
                  for k, g in township_shapes.items()}
        adjacency = consortia.adjacency_from_shapes(shapes)
    return TownshipInstance(towns, leads, cost, adjacency)


@dataclass(frozen=True)
class ConsortiaSolution:
    """The model's grouping: ``table`` by township code (``lead`` id, ``travel`` minutes to
    it, ``region`` = the lead's name), the raw ``result``, residents per region (by lead
    name, sorted) and the population-weighted mean minutes to the lead."""

    table: pd.DataFrame
    result: consortia.RegionResult
    populations: pd.Series
    mean_min: float


def solve_consortia(inst: TownshipInstance, k: int, max_deviation: float,
                    solver: str | Any | None = "highs") -> ConsortiaSolution:
    """Group the townships into ``k`` regions around leads (:func:`metrics.consortia.regions_frame`);
    raises :class:`metrics.siting.SitingError` when no grouping fits.

    Examples
    --------
    >>> towns = pd.DataFrame({"population": [1.0, 1.0, 1.0, 3.0]}, index=list("abcd"))
    >>> leads = pd.DataFrame({"id": ["H1", "H2"], "name": ["N1", "N2"], "township_code": ["a", "d"]})
    >>> cost = np.array([[0, 3], [1, 2], [2, 1], [3, 0]], dtype=float)
    >>> inst = TownshipInstance(towns, leads, cost, {"a": ["b"], "b": ["c"], "c": ["d"]})
    >>> out = solve_consortia(inst, 2, 1.0)
    >>> out.table["region"].tolist(), out.populations.to_dict(), out.mean_min
    (['N1', 'N1', 'N2', 'N2'], {'N1': 2.0, 'N2': 4.0}, 0.3333333333333333)
    """
    table, res = consortia.regions_frame(inst.towns, inst.leads, inst.cost, k, inst.adjacency,
                                         max_deviation, solver=solver)
    names = dict(zip(inst.leads["id"], inst.leads["name"], strict=True))
    table = table.assign(region=table["lead"].map(names))
    pop = inst.towns["population"].astype(float)
    total = float(pop.sum())
    mean = float((table["travel"] * pop).sum() / total) if total else float("nan")
    return ConsortiaSolution(table, res, pop.groupby(table["region"]).sum(), mean)


def compare_groupings(inst: TownshipInstance, model: pd.Series, others: Mapping[str, pd.Series],
                      model_travel: pd.Series | None = None) -> pd.DataFrame:
    """The model's grouping and ``others`` (e.g. the four 片区, a user's) side by side: one
    column per grouping (``model`` first), one row per :data:`COMPARISON_MEASURES`.

    ``regions``; ``max_deviation_pct``: the largest gap between a region's residents and
    the mean, in % of the mean; ``connected``: every region one piece of the adjacency
    (None without it); ``mean_travel_min``: residents' mean minutes to their region's lead
    (``model_travel``, the model's own minutes per township, when given; otherwise and
    for the others :func:`metrics.consortia.grouping_travel`: each region's best lead);
    ``outside``: regions whose lead lies outside them; ``rand``, ``adjusted_rand`` and
    ``matched_pct`` against the model (:func:`metrics.consortia.compare_assignments`;
    None in the model's column).

    Examples
    --------
    >>> towns = pd.DataFrame({"population": [1.0, 1.0, 1.0, 1.0]}, index=list("abcd"))
    >>> leads = pd.DataFrame({"id": ["H1", "H2"], "township_code": ["a", "d"]})
    >>> cost = np.array([[0, 3], [1, 2], [2, 1], [3, 0]], dtype=float)
    >>> inst = TownshipInstance(towns, leads, cost, None)
    >>> model = pd.Series(["N1", "N1", "N2", "N2"], index=list("abcd"))
    >>> other = pd.Series(["x", "x", "x", "y"], index=list("abcd"))
    >>> compare_groupings(inst, model, {"zones": other})
                      model zones
    regions               2     2
    max_deviation_pct   0.0  50.0
    connected          None  None
    mean_travel_min     0.5  0.75
    outside               0     0
    rand               None   0.5
    adjusted_rand      None   0.0
    matched_pct        None  75.0
    """
    pop = inst.towns["population"].astype(float)
    cost, home = inst.cost, inst.home

    def grouping(labels: pd.Series) -> consortia.GroupingTravel:
        return consortia.grouping_travel(labels.to_numpy(), cost, pop.to_numpy(float), home)

    def stats(row: pd.Series) -> list[Any]:
        conn = row["connected"]
        return [int(row["regions"]), 100 * float(row["max_deviation"]),
                None if conn is None or pd.isna(conn) else bool(conn)]

    own = grouping(model)
    total = float(pop.sum())
    if model_travel is not None and total:
        ok = np.isfinite(model_travel.to_numpy(float))
        model_mean = float((model_travel[ok] * pop[ok]).sum() / pop[ok].sum())
    else:
        model_mean = own.mean
    cmp = consortia.compare_assignments(model, model, pop, None, inst.adjacency)
    columns = {"model": [*stats(cmp.table.loc["a"]), model_mean,
                         int(own.region_lead["outside"].sum()), None, None, None]}
    for key, other in others.items():
        c, tr = consortia.compare_assignments(model, other, pop, None, inst.adjacency), grouping(other)
        columns[key] = [*stats(c.table.loc["b"]), tr.mean, int(tr.region_lead["outside"].sum()),
                        c.rand, c.adjusted_rand, 100 * c.matched_share]
    return pd.DataFrame(columns, index=list(COMPARISON_MEASURES), dtype=object)
