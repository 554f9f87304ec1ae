"""The province case (issue 14, item 7): cut a large road network and its places into
per-county pieces with a buffer, so each county is computed on its own (in a process of its
own, or a task of a distributed engine) and the results merged.

A county's task holds

* its **origins**: the places inside the county (each place in exactly one county, so the
  merged answer has one row per place);
* its **network**: every road node within the county plus ``buffer_km``, and the segments
  with both ends among them;
* its **destinations**: the facilities within the county plus ``buffer_km`` — a village
  near the border may be served across it.

The answer of a task equals the answer on the whole network for every origin whose best
route stays inside the buffered county, and is never better than it (a sub-network has only
fewer paths). A buffer of 15 km covers trips of 15 km as the crow flies in every direction;
a catchment of ``T`` minutes at up to ``v`` km/h needs ``T × v ÷ 60`` km
(:func:`buffer_for`). Merging: nearest facilities concatenate (:func:`merge_nearest`);
2SFCA pairs concatenate, then the two steps run once on all pairs
(:func:`metrics.access.two_step_fca_arrays`), since a facility near a border draws demand
from several counties.

Counties are GeoJSON geometries (Polygon or MultiPolygon, WGS-84) or bounding boxes
``(min_lon, min_lat, max_lon, max_lat)``; buffers are drawn in a local plane in km
(x = 111.32 km × cos φ0 per degree of longitude, y = 110.574 km per degree of latitude),
good to a fraction of a percent at county scale. Pure: inputs are never modified.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import shapely
from numpy.typing import ArrayLike, NDArray
from shapely.geometry import box, shape

__all__ = ["BUFFER_KM", "CountyTask", "buffer_for", "buffered", "county_of", "merge_nearest",
           "merge_pairs", "edge_ends", "nearest_task", "pairs_task", "piece", "plan", "subnetwork"]

I64 = NDArray[np.int64]
F64 = NDArray[np.float64]
#: A county: a GeoJSON geometry or a bounding box (min_lon, min_lat, max_lon, max_lat).
County = Mapping[str, Any] | tuple[float, float, float, float]

#: The default buffer around a county, km (the roads register's clip buffer).
BUFFER_KM: float = 15.0
_KX, _KY = 111.320, 110.574


def buffer_for(max_min: float, top_kmh: float) -> float:
    """The buffer (km) that holds every trip of ``max_min`` minutes at up to ``top_kmh``.

    >>> buffer_for(30, 60)
    30.0
    """
    return float(max_min) * float(top_kmh) / 60.0


def _geometry(county: County) -> shapely.Geometry:
    if isinstance(county, Mapping):
        return shape(county)
    return box(*county)


def buffered(county: County, buffer_km: float = BUFFER_KM) -> shapely.Geometry:
    """The county grown by ``buffer_km`` (WGS-84 degrees again).

    >>> g = buffered((107.0, 31.0, 108.0, 32.0), 11.132)
    >>> [round(v, 3) for v in g.bounds]  # 0.1007° of latitude; 0.1167° of longitude at 31.5°
    [106.883, 30.899, 108.117, 32.101]
    """
    geom = _geometry(county)
    lat0 = geom.centroid.y
    k = np.array([_KX * np.cos(np.radians(lat0)), _KY])
    plane = shapely.transform(geom, lambda xy: xy * k)
    grown = plane.buffer(buffer_km, quad_segs=8) if buffer_km > 0 else plane
    return shapely.transform(grown, lambda xy: xy / k)


def _inside(geom: shapely.Geometry, lat: F64, lon: F64) -> NDArray[np.bool_]:
    """Points inside ``geom`` (a bounding-box test first, the polygon only for the rest)."""
    x0, y0, x1, y1 = geom.bounds
    near = np.flatnonzero((lon >= x0) & (lon <= x1) & (lat >= y0) & (lat <= y1))
    out = np.zeros(len(lat), dtype=bool)
    if len(near):
        shapely.prepare(geom)
        out[near] = shapely.intersects_xy(geom, lon[near], lat[near])
    return out


def county_of(counties: Mapping[str, County], lat: ArrayLike, lon: ArrayLike
              ) -> NDArray[np.object_]:
    """The county each point lies in (the first listed on a shared border; None outside
    every county and without a point).

    >>> c = {"a": (0.0, 0.0, 1.0, 1.0), "b": (1.0, 0.0, 2.0, 1.0)}
    >>> county_of(c, [0.5, 0.5, 0.5], [0.5, 1.5, 3.0]).tolist()
    ['a', 'b', None]
    """
    la, lo = np.asarray(lat, dtype=float), np.asarray(lon, dtype=float)
    out = np.full(len(la), None, dtype=object)
    todo = np.isfinite(la) & np.isfinite(lo)
    for name, county in counties.items():
        hit = todo & _inside(_geometry(county), la, lo)
        out[hit] = name
        todo &= ~hit
    return out


@dataclass(frozen=True)
class CountyTask:
    """One county's share of the work: positions in the whole network's node table and in
    the whole origin and destination tables."""

    county: str
    nodes: I64
    origins: I64
    destinations: I64


def plan(counties: Mapping[str, County], node_lat: ArrayLike, node_lon: ArrayLike,
         origin_lat: ArrayLike, origin_lon: ArrayLike, dest_lat: ArrayLike,
         dest_lon: ArrayLike, buffer_km: float = BUFFER_KM) -> list[CountyTask]:
    """Every county's task (counties without an origin are left out).

    >>> c = {"west": (0.0, 0.0, 0.1, 0.1), "east": (0.1, 0.0, 0.2, 0.1)}
    >>> t = plan(c, [0.05, 0.05, 0.05], [0.05, 0.15, 0.5], [0.05], [0.12], [0.05, 0.05],
    ...          [0.02, 0.19], buffer_km=6.0)  # 0.05° west of "east" is 5.6 km away
    >>> [(x.county, x.nodes.tolist(), x.origins.tolist(), x.destinations.tolist()) for x in t]
    [('east', [0, 1], [0], [1])]
    """
    nla, nlo = np.asarray(node_lat, dtype=float), np.asarray(node_lon, dtype=float)
    dla, dlo = np.asarray(dest_lat, dtype=float), np.asarray(dest_lon, dtype=float)
    home = county_of(counties, origin_lat, origin_lon)
    tasks = []
    for name, county in counties.items():
        origins = np.flatnonzero(home == name).astype(np.int64)
        if not len(origins):
            continue
        area = buffered(county, buffer_km)
        tasks.append(CountyTask(name, np.flatnonzero(_inside(area, nla, nlo)).astype(np.int64),
                                origins,
                                np.flatnonzero(_inside(area, dla, dlo)).astype(np.int64)))
    return tasks


def edge_ends(nodes: pd.DataFrame, edges: pd.DataFrame) -> tuple[I64, I64]:
    """Positions in ``nodes`` of every edge's ``u`` and ``v`` (-1: not a node), computed once
    for many :func:`subnetwork` calls.

    >>> n = pd.DataFrame({"node_id": [7, 8, 9]})
    >>> edge_ends(n, pd.DataFrame({"u": [9, 7], "v": [8, 5]}))
    (array([2, 0]), array([ 1, -1]))
    """
    index = pd.Index(nodes["node_id"])
    return (index.get_indexer(edges["u"]).astype(np.int64),
            index.get_indexer(edges["v"]).astype(np.int64))


def subnetwork(nodes: pd.DataFrame, edges: pd.DataFrame, keep: ArrayLike,
               ends: tuple[I64, I64] | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The ``nodes`` rows at positions ``keep`` and the ``edges`` with both ends among them
    (the frames of :meth:`metrics.network.RoadNetwork.from_frames`); ``ends``: the
    :func:`edge_ends` of the whole tables, when known.

    >>> n = pd.DataFrame({"node_id": [7, 8, 9], "lon": [0, 1, 2], "lat": [0, 0, 0]})
    >>> e = pd.DataFrame({"u": [7, 8], "v": [8, 9], "length_m": [1.0, 1.0]})
    >>> sn, se = subnetwork(n, e, [0, 1])
    >>> sn["node_id"].tolist(), se[["u", "v"]].values.tolist()
    ([7, 8], [[7, 8]])
    """
    keep = np.asarray(keep, dtype=np.int64)
    u, v = edge_ends(nodes, edges) if ends is None else ends
    inside = np.zeros(len(nodes) + 1, dtype=bool)  # the last slot: -1, not a node
    inside[keep] = True
    both = np.flatnonzero(inside[u] & inside[v])
    return nodes.iloc[keep].reset_index(drop=True), edges.iloc[both].reset_index(drop=True)


def merge_nearest(n_origins: int, parts: Sequence[tuple[CountyTask, I64, F64]]
                  ) -> tuple[I64, F64]:
    """Whole-table ``(index, minutes)`` of the nearest destination from the tasks' answers
    ``(task, index within task.destinations, minutes)``; origins of no task: -1 and NaN.

    >>> t = CountyTask("a", np.array([0]), np.array([1]), np.array([5, 9]))
    >>> merge_nearest(3, [(t, np.array([1]), np.array([4.0]))])
    (array([-1,  9, -1]), array([nan,  4., nan]))
    """
    index = np.full(n_origins, -1, dtype=np.int64)
    minutes = np.full(n_origins, np.nan)
    for task, idx, mins in parts:
        idx = np.asarray(idx, dtype=np.int64)
        index[task.origins] = np.where(idx >= 0, task.destinations[np.maximum(idx, 0)]
                                       if len(task.destinations) else -1, -1)
        minutes[task.origins] = mins
    return index, minutes


def merge_pairs(parts: Sequence[tuple[CountyTask, I64, I64, F64]]
                ) -> tuple[I64, I64, F64]:
    """Whole-table ``(origin, dest, minutes)`` pairs from the tasks' pairs (positions
    within ``task.origins`` and ``task.destinations``), sorted by origin then destination.

    >>> t = CountyTask("a", np.array([0]), np.array([4]), np.array([5, 9]))
    >>> merge_pairs([(t, np.array([0, 0]), np.array([1, 0]), np.array([3.0, 2.0]))])
    (array([4, 4]), array([5, 9]), array([2., 3.]))
    """
    if not parts:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
    o = np.concatenate([t.origins[np.asarray(a, np.int64)] for t, a, _, _ in parts])
    d = np.concatenate([t.destinations[np.asarray(b, np.int64)] for t, _, b, _ in parts])
    m = np.concatenate([np.asarray(c, float) for _, _, _, c in parts])
    order = np.lexsort((d, o))
    return o[order].astype(np.int64), d[order].astype(np.int64), m[order]


def piece(task: CountyTask, nodes: pd.DataFrame, edges: pd.DataFrame, origins: pd.DataFrame,
          destinations: pd.DataFrame, ends: tuple[I64, I64] | None = None
          ) -> dict[str, pd.DataFrame]:
    """What a county's worker needs, and nothing more: its sub-network (``nodes``,
    ``edges``) and its places (``origins``, ``destinations``: ``lat``/``lon``)."""
    sub_nodes, sub_edges = subnetwork(nodes, edges, task.nodes, ends)
    return {"nodes": sub_nodes, "edges": sub_edges,
            "origins": origins.iloc[task.origins][["lat", "lon"]].reset_index(drop=True),
            "destinations": destinations.iloc[task.destinations][["lat", "lon"]]
            .reset_index(drop=True)}


def nearest_task(part: Mapping[str, pd.DataFrame], mode: str,
                 overrides: Mapping[str, float] | None = None) -> tuple[I64, F64]:
    """One county's quickest destination of every origin, ``(index, minutes)`` by position
    in the piece (:meth:`metrics.network.NetworkNearest.search`: one multi-source search)."""
    from metrics.network import NetworkModel

    model = NetworkModel.from_frames(part["nodes"], part["edges"])
    return model.nearest(part["origins"], part["destinations"]).search(mode, overrides)


def pairs_task(part: Mapping[str, pd.DataFrame], mode: str, max_min: float,
               overrides: Mapping[str, float] | None = None) -> tuple[I64, I64, F64]:
    """One county's origin-destination pairs within ``max_min`` minutes (positions in the
    piece; :meth:`metrics.network.NetworkWithin.pairs`)."""
    from metrics.network import NetworkModel

    model = NetworkModel.from_frames(part["nodes"], part["edges"])
    return model.within(part["origins"], part["destinations"], 0.0).pairs(mode, max_min,
                                                                         overrides)
