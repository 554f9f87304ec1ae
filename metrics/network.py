"""Travel times along roads: the road-network travel model (issue 14).

:class:`NetworkModel` answers the three questions of :class:`metrics.travel.TravelModel`
(``matrix``, ``nearest``, ``within``) on a :class:`RoadNetwork` built once from two tables
(the shape the road reader stores in DuckDB):

* ``nodes``: ``node_id`` (int), ``lon``, ``lat`` (WGS-84 degrees);
* ``edges``: one straight segment between two consecutive vertices of a road: ``u``, ``v``
  (node ids), ``length_m``, ``road_class`` (the canonical classes of
  :mod:`metrics.road_speeds`), ``oneway`` (0 both ways, 1 along u→v, -1 along v→u),
  ``maxspeed_kph`` (NaN: the class speed) and ``ferry`` (bool).

How a trip is timed
-------------------
1. Per mode, every segment gets minutes = ``length_m`` ÷ speed (speeds:
   :mod:`metrics.road_speeds`, driven by the speed settings of :mod:`metrics.settings`);
   ``oneway`` binds motor modes only; a class the mode may not use carries no edge. The
   directed graph is a :class:`scipy.sparse.csr_matrix`, built lazily and cached per mode
   and settings.
2. A place joins the network at the nearest point of the nearest segment its mode may use
   (never a motorway — access is controlled — nor a ferry). The entry point splits its
   segment: travel on to either end costs the matching share of the segment's minutes.
   The way from the place to the road, the *off-road leg*, is the straight snap distance ×
   ``detour_factor`` at the adult walking speed ``speed_walk_kmh``, at both ends of a trip
   and for every mode. The snap distance of every place is kept (``snap_m``);
   :func:`far_from_road` flags those beyond 2 km ('离道路较远 / far from any road').
3. Times are Dijkstra shortest paths (:func:`scipy.sparse.csgraph.dijkstra`): the nearest
   destination of every origin by **one** multi-source search from all destinations on the
   reversed graph (``min_only=True``); matrices from the smaller side, in chunks of rows so
   the memory stays bounded, with an optional cutoff (``limit``). The searches, and the
   graph with the places joined, are :mod:`metrics.network_search`; the road graph of each
   mode is built once and cached, the places' junctions merged into it per query.

An origin without a point gets NaN; a pair with no road connection is unreachable, ``inf``,
never 0 and never bridged by a straight line. A place on top of a facility still walks its
off-road legs (to the road and back): the model knows no path that is not on the network.

Snapping works in metres on a local equirectangular projection centred on the network
(x = R cos φ0 Δλ, y = R Δφ, R = 6,371,008.8 m): within ±0.3° of latitude of the centre (a
county) the east-west scale is off by at most tan φ0 · Δφ ≈ 0.3 % at 31° N, on top of the
≤ 0.5 % of the sphere against the ellipsoid. It only places the entry point and measures
the off-road leg; segment lengths come from ``length_m``.

Pure: inputs are never modified; the caches hold derived arrays only.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra
from scipy.spatial import cKDTree

from metrics import road_speeds as rs
from metrics import settings, travel
from metrics.geo import EARTH_RADIUS_KM
from metrics.network_search import (
    CACHE_SIZE,
    CHUNK_BYTES,
    KM,
    csr_graph,
    join,
    joined,
    keep,
    mode_group,
)
from metrics.travel import Places, coords

__all__ = [
    "FAR_FROM_ROAD_M", "FAR_FROM_ROAD_TEXT", "NetworkModel", "NetworkNearest", "NetworkWithin",
    "RoadNetwork", "Snap", "far_from_road",
]

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]

#: Snap distance above which a place is flagged on screen, metres.
FAR_FROM_ROAD_M: float = 2000.0
#: The flag's words: (zh, en).
FAR_FROM_ROAD_TEXT: tuple[str, str] = ("离道路较远", "far from any road")

_R_M = EARTH_RADIUS_KM * 1000.0
#: Spacing of the sample points of the snapping index, metres, or the median segment's
#: length when longer (a coarse layer: about one point per segment). Any spacing finds the
#: exact nearest segment; the query radius grows with it.
_SAMPLE_M = 50.0
#: Sample points first asked of the snapping index per place.
_K_SAMPLES = 16


def far_from_road(snap_m: Any, threshold_m: float = FAR_FROM_ROAD_M) -> NDArray[np.bool_]:
    """Places whose snap distance exceeds ``threshold_m`` (no usable road at all counts;
    a place without a point does not).

    >>> far_from_road([10.0, 2500.0, np.inf, np.nan]).tolist()
    [False, True, True, False]
    """
    s = np.asarray(snap_m, dtype=np.float64)
    return np.where(np.isnan(s), False, s > threshold_m)


@dataclass(frozen=True)
class Snap:
    """Where places join the network: ``edge`` (position in the edge table, -1 none),
    ``t`` (fraction along u→v) and ``snap_m`` (straight metres to the road; ``inf`` when the
    mode may use no segment, NaN without a point)."""

    edge: I64
    t: F64
    snap_m: F64


@dataclass(frozen=True, eq=False)
class RoadNetwork:
    """A road network, built once (:meth:`from_frames`); graphs and snapping indexes are
    made lazily per mode and settings and cached."""

    node_id: I64 = field(repr=False)
    x: F64 = field(repr=False)
    y: F64 = field(repr=False)
    u: I64 = field(repr=False)
    v: I64 = field(repr=False)
    length_m: F64 = field(repr=False)
    road_class: NDArray[np.object_] = field(repr=False)
    oneway: NDArray[np.int8] = field(repr=False)
    maxspeed_kph: F64 = field(repr=False)
    ferry: NDArray[np.bool_] = field(repr=False)
    lat0: float
    lon0: float
    #: shared between sessions as it is (:func:`ui.cache.freeze` leaves it alone): its arrays
    #: are never written after construction, its memos sit behind a lock
    shared_safe: ClassVar[bool] = True
    #: Graph weights per mode and settings (a few, oldest dropped first).
    _cache: dict[Any, Any] = field(default_factory=dict, repr=False, compare=False)
    #: Class speeds and snapping indexes (made once).
    _fixed: dict[Any, Any] = field(default_factory=dict, repr=False, compare=False)
    _lock: Any = field(default_factory=threading.Lock, repr=False, compare=False)

    @classmethod
    def from_frames(cls, nodes: pd.DataFrame, edges: pd.DataFrame) -> RoadNetwork:
        """Build from the ``nodes`` and ``edges`` tables (module docstring)."""
        node_id = pd.to_numeric(nodes["node_id"], errors="raise").to_numpy(np.int64)
        lat = pd.to_numeric(nodes["lat"], errors="coerce").to_numpy(float)
        lon = pd.to_numeric(nodes["lon"], errors="coerce").to_numpy(float)
        if not (np.isfinite(lat).all() and np.isfinite(lon).all()):
            raise ValueError("every road node needs a lat and a lon")
        if len(np.unique(node_id)) != len(node_id):
            raise ValueError("node_id must be unique")
        order = np.argsort(node_id, kind="stable")
        sorted_ids = node_id[order]

        def pos(ids: pd.Series, name: str) -> I64:
            a = pd.to_numeric(ids, errors="raise").to_numpy(np.int64)
            i = np.searchsorted(sorted_ids, a)
            i = np.minimum(i, max(len(sorted_ids) - 1, 0))
            bad = (len(sorted_ids) == 0) | (sorted_ids[i] != a) if len(a) else np.zeros(0, bool)
            if np.any(bad):
                raise ValueError(f"edges.{name} names nodes that are not in nodes: "
                                 f"{sorted(set(a[bad].tolist()))[:5]}")
            return order[i].astype(np.int64)

        u, v = pos(edges["u"], "u"), pos(edges["v"], "v")
        length = pd.to_numeric(edges["length_m"], errors="coerce").to_numpy(float)
        if not (np.isfinite(length).all() and (length >= 0).all()):
            raise ValueError("length_m must be a non-negative number on every edge")
        cls_ = edges["road_class"].astype(str).to_numpy(object)
        unknown = sorted(set(cls_.tolist()) - set(rs.CLASSES))
        if unknown:
            raise ValueError(f"unknown road classes {unknown}; map them to {list(rs.CLASSES)}")
        def column(name: str, default: Any) -> pd.Series:
            return edges[name] if name in edges.columns else pd.Series(default, index=edges.index)

        oneway_a = pd.to_numeric(column("oneway", 0), errors="coerce").fillna(0).to_numpy()
        if not np.isin(oneway_a, (-1, 0, 1)).all():
            raise ValueError("oneway must be 0, 1 or -1")
        oneway_a = oneway_a.astype(np.int8)
        maxspeed_a = pd.to_numeric(column("maxspeed_kph", np.nan), errors="coerce").to_numpy(float)
        ferry_a = (column("ferry", False).astype("boolean").fillna(False).to_numpy(bool)
                   | (cls_ == "ferry"))
        lat0 = float((lat.min() + lat.max()) / 2) if len(lat) else 0.0
        lon0 = float((lon.min() + lon.max()) / 2) if len(lon) else 0.0
        x, y = _project(lat, lon, lat0, lon0)
        return cls(node_id, x, y, u, v, length, cls_, oneway_a, maxspeed_a, ferry_a, lat0, lon0)

    @property
    def n_nodes(self) -> int:
        return len(self.node_id)

    # -- speeds and graphs -----------------------------------------------------------------

    def edge_minutes(self, mode: str, overrides: Mapping[str, float] | None = None
                     ) -> tuple[F64, F64]:
        """Minutes on every segment along u→v and along v→u by ``mode`` (``inf``: not
        allowed). ``mode`` ``"road_km"`` gives walkable road km instead."""
        key = ("edge", mode, _mode_settings(mode, overrides))
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        car, walk_ok, cycle_ok, factor = self._classes()
        posted = np.isfinite(self.maxspeed_kph) & (self.maxspeed_kph > 0)
        if mode == KM:
            speed = np.where(walk_ok | self.ferry, 60.0, 0.0)  # 1 km per minute: km
            weight = self.length_m / 1000.0 / np.where(speed > 0, speed, 1.0) * 60.0
            fwd = np.where(speed > 0, weight, np.inf)
            out = (fwd, fwd.copy())
            self._remember(key, out)
            return out
        setting = _speed(mode, overrides)
        if mode in rs.WALK_MODES:
            speed = np.where(walk_ok, setting * factor, 0.0)
        elif mode in rs.CYCLE_MODES:
            speed = np.where(cycle_ok, setting, 0.0)
        elif mode in rs.MOTOR_MODES:
            base = np.where(posted, self.maxspeed_kph, car)
            base = np.where(car > 0, base, 0.0)  # a posted speed never opens a footway
            scale = setting / rs.MOTOR_REFERENCE_KMH[mode]
            if mode == "school_bus":
                cap = np.where(self.road_class == "motorway", rs.SCHOOL_BUS_CAP_KMH["motorway"],
                               rs.SCHOOL_BUS_CAP_KMH["other"])
                speed = np.minimum(base * rs.SCHOOL_BUS_SHARE * scale, cap)
            else:
                speed = base * scale
        else:
            mode_group(mode)
            raise AssertionError(mode)
        speed = np.where(self.ferry, rs.FERRY_KMH, speed)
        with np.errstate(divide="ignore"):
            minutes = np.where(speed > 0, self.length_m / 1000.0 / speed * 60.0, np.inf)
        if mode in rs.ONEWAY_MODES:
            fwd = np.where(self.oneway >= 0, minutes, np.inf)
            bwd = np.where(self.oneway <= 0, minutes, np.inf)
        else:
            fwd, bwd = minutes, minutes.copy()
        out = (fwd, bwd)
        self._remember(key, out)
        return out

    def graph(self, mode: str, overrides: Mapping[str, float] | None = None) -> csr_matrix:
        """The directed graph of ``mode`` over the road nodes, minutes (cached; do not
        modify it)."""
        key = ("graph", mode, _mode_settings(mode, overrides))
        hit = self._cache.get(key)
        if hit is None:
            hit = csr_graph(*self.directed_edges(mode, overrides), self.n_nodes)
            self._remember(key, hit)
        return hit

    def directed_edges(self, mode: str, overrides: Mapping[str, float] | None
                       ) -> tuple[I64, I64, F64]:
        """``(from, to, minutes)`` of every directed segment ``mode`` may use."""
        fwd, bwd = self.edge_minutes(mode, overrides)
        f, b = np.isfinite(fwd), np.isfinite(bwd)
        return (np.concatenate([self.u[f], self.v[b]]), np.concatenate([self.v[f], self.u[b]]),
                np.concatenate([fwd[f], bwd[b]]))

    def _remember(self, key: Any, value: Any) -> None:
        with self._lock:
            while len(self._cache) >= CACHE_SIZE:
                self._cache.pop(next(iter(self._cache)))
            self._cache[key] = value

    def _classes(self) -> tuple[F64, NDArray[np.bool_], NDArray[np.bool_], F64]:
        """Per edge: the car's class km/h, walkable, cyclable, walking factor."""
        hit = self._fixed.get("classes")
        if hit is None:
            inv, keys = pd.factorize(self.road_class)  # hashing: no sort of 10⁶ strings
            table = [rs.CLASSES[str(k)] for k in keys]
            hit = (np.array([c.car_kmh for c in table], dtype=float)[inv],
                   np.array([c.walk for c in table], dtype=bool)[inv],
                   np.array([c.cycle for c in table], dtype=bool)[inv],
                   np.array([c.walk_factor for c in table], dtype=float)[inv])
            self._fixed["classes"] = hit
        return hit

    # -- snapping --------------------------------------------------------------------------

    def _index(self, group: str) -> tuple[I64, I64, cKDTree, float] | None:
        key = ("index", group)
        if key in self._fixed:
            return self._fixed[key]
        mode = {"walk": "walk", "cycle": "bicycle", "motor": "car"}[group]
        fwd, bwd = self.edge_minutes(mode, None)
        usable = (np.isfinite(fwd) | np.isfinite(bwd)) & ~self.ferry & (self.road_class != "motorway")
        e = np.flatnonzero(usable).astype(np.int64)
        if len(e) == 0:
            self._fixed[key] = None
            return None
        ax, ay, bx, by = self.x[self.u[e]], self.y[self.u[e]], self.x[self.v[e]], self.y[self.v[e]]
        seg = np.hypot(bx - ax, by - ay)
        spacing = max(_SAMPLE_M, float(np.median(seg)))
        pieces = np.maximum(1, np.ceil(seg / spacing)).astype(np.int64)
        rep = np.repeat(np.arange(len(e)), pieces)
        k = np.arange(len(rep)) - np.repeat(np.cumsum(pieces) - pieces, pieces)
        f = (k + 0.5) / pieces[rep]
        pts = np.column_stack([ax[rep] + f * (bx - ax)[rep], ay[rep] + f * (by - ay)[rep]])
        half = float((seg / pieces).max() / 2) + 1e-6
        out = (e, e[rep], cKDTree(pts, balanced_tree=False, compact_nodes=False), half)
        self._fixed[key] = out  # three groups at most
        return out

    def snap(self, places: Places, mode: str = "walk") -> Snap:
        """Where ``places`` join the segments ``mode`` may use (exact nearest point)."""
        lat, lon = coords(places)
        n = len(lat)
        edge = np.full(n, -1, dtype=np.int64)
        t = np.zeros(n)
        snap_m = np.full(n, np.nan)
        ok = np.flatnonzero(np.isfinite(lat) & np.isfinite(lon))
        index = self._index(mode_group(mode))
        if index is None:
            snap_m[ok] = np.inf
            return Snap(edge, t, snap_m)
        if len(ok) == 0:
            return Snap(edge, t, snap_m)
        _, sample_edge, tree, half = index
        px, py = _project(lat[ok], lon[ok], self.lat0, self.lon0)
        pts = np.column_stack([px, py])
        # the samples within (distance to the nearest sample's segment) + half a spacing hold
        # every closer segment: from the k nearest samples, or a ball query when k is short
        k = min(_K_SAMPLES, tree.n)
        dd, ii = tree.query(pts, k=k)
        dd, ii = dd.reshape(len(ok), k), ii.reshape(len(ok), k)
        d_first, _ = self._project_on(px, py, sample_edge[ii[:, 0]])
        radius = d_first + half
        short = np.flatnonzero((dd[:, -1] <= radius) & (k < tree.n))
        row, col = np.nonzero(dd <= radius[:, None])
        keep = ~np.isin(row, short)
        owner, cand = [row[keep]], [ii[row[keep], col[keep]]]
        if len(short):
            balls = tree.query_ball_point(pts[short], radius[short])
            counts = np.fromiter((len(c) for c in balls), dtype=np.int64, count=len(balls))
            owner.append(np.repeat(short, counts))
            cand.append(np.fromiter((i for c in balls for i in c), dtype=np.int64,
                                    count=int(counts.sum())))
        owner_a = np.concatenate(owner)
        cand_edge = sample_edge[np.concatenate(cand).astype(np.int64)]
        d, tt = self._project_on(px[owner_a], py[owner_a], cand_edge)
        owner = owner_a
        order = np.lexsort((cand_edge, d, owner))
        best = order[np.r_[0, np.flatnonzero(np.diff(owner[order])) + 1]]
        edge[ok] = cand_edge[best]
        t[ok] = tt[best]
        snap_m[ok] = d[best]
        return Snap(edge, t, snap_m)

    def _project_on(self, px: F64, py: F64, e: I64) -> tuple[F64, F64]:
        ax, ay = self.x[self.u[e]], self.y[self.u[e]]
        dx, dy = self.x[self.v[e]] - ax, self.y[self.v[e]] - ay
        len2 = dx * dx + dy * dy
        with np.errstate(invalid="ignore", divide="ignore"):
            t = np.where(len2 > 0, ((px - ax) * dx + (py - ay) * dy) / len2, 0.0)
        t = np.clip(t, 0.0, 1.0)
        return np.hypot(ax + t * dx - px, ay + t * dy - py), t


def _project(lat: F64, lon: F64, lat0: float, lon0: float) -> tuple[F64, F64]:
    return (_R_M * np.cos(np.radians(lat0)) * np.radians(lon - lon0),
            _R_M * np.radians(lat - lat0))


def _speed(mode: str, overrides: Mapping[str, float] | None) -> float:
    value = settings.get(settings.speed_key(mode), overrides)
    if value <= 0:
        raise ValueError(f"speed of {mode!r} must be positive")
    return value


def _mode_settings(mode: str, overrides: Mapping[str, float] | None) -> float:
    return 0.0 if mode == KM else _speed(mode, overrides)


@dataclass(frozen=True, eq=False)
class NetworkNearest(travel.Nearest):
    """The nearest destination along roads. ``index``/``km``: by road km on the walking
    network (every walkable segment both ways, off-road legs × ``detour_factor`` at its
    default) — the distance to show; :meth:`minutes` finds the quickest destination of the
    mode afresh (it may differ: a faster road, a one-way street) with one multi-source
    search, cached per mode and settings. ``snap_m``: every origin's walking snap distance.
    """

    #: shared between sessions as it is (:func:`ui.cache.freeze` leaves it alone): its
    #: arrays are read-only, its memo only ever gains finished answers
    shared_safe: ClassVar[bool] = True

    snap_m: F64 = field(default_factory=lambda: np.zeros(0), repr=False)
    _net: RoadNetwork | None = field(default=None, repr=False)
    _places: tuple[F64, F64, F64, F64] | None = field(default=None, repr=False)
    _cache: dict[Any, Any] = field(default_factory=dict, repr=False)

    def search(self, mode: str, overrides: Mapping[str, float] | None = None
               ) -> tuple[I64, F64]:
        """``(index, minutes)`` of the quickest destination by ``mode`` per origin."""
        assert self._net is not None and self._places is not None
        key = (mode, _mode_settings(mode, overrides),
               None if mode == KM else travel.minutes_per_km("walk", overrides))
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        q, o_pt, d_pt = joined(self._cache, self._net, self._places, mode)
        g, node = q.graph(mode, overrides)
        k = q.n_origins
        o_node, d_node = node[:k], node[k:]
        d_ok = np.flatnonzero((d_node >= 0) & d_pt)
        minutes = np.full(k, np.inf)
        index = np.full(k, -1, dtype=np.int64)
        o_ok = np.flatnonzero(o_node >= 0)
        if len(d_ok) and len(o_ok):
            dist, _, src = dijkstra(g.T.tocsr(), indices=d_node[d_ok], min_only=True,
                                    return_predecessors=True)
            minutes[o_ok] = dist[o_node[o_ok]]
            found = o_ok[src[o_node[o_ok]] >= 0]
            place = src[o_node[found]] - (g.shape[0] - len(node))  # place nodes: n + p + i
            index[found] = place - k
        minutes[~o_pt] = np.nan
        index[~np.isfinite(minutes)] = -1
        out = (index, minutes)
        keep(self._cache, key, out)
        return out

    def minutes(self, mode: str, overrides: Mapping[str, float] | None = None) -> F64:
        """Minutes to the quickest destination by ``mode`` (``inf`` none reachable, NaN no
        point)."""
        return self.search(mode, overrides)[1].copy()


@dataclass(frozen=True, eq=False)
class NetworkWithin:
    """Origin-destination pairs within a time bound along roads, found per mode, settings
    and bound by Dijkstra with ``limit`` in chunks (``radius_km`` kept for the interface:
    roads are never shorter than the straight line, so it bounds nothing here)."""

    #: shared between sessions as it is, like :class:`NetworkNearest`
    shared_safe: ClassVar[bool] = True

    net: RoadNetwork = field(repr=False)
    places: tuple[F64, F64, F64, F64] = field(repr=False)
    radius_km: float
    _cache: dict[Any, Any] = field(default_factory=dict, repr=False)

    def pairs(self, mode: str, max_min: float, overrides: Mapping[str, float] | None = None
              ) -> tuple[I64, I64, F64]:
        """``(origin, dest, minutes)`` of the pairs with minutes ≤ ``max_min``."""
        key = (mode, float(max_min), _mode_settings(mode, overrides),
               travel.minutes_per_km("walk", overrides))
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        q, o_pt, d_pt = joined(self._cache, self.net, self.places, mode)
        os_, ds_, ms_ = [], [], []
        for rows, block in q.blocks(mode, overrides, limit=float(max_min)):
            block = np.where(o_pt[rows][:, None] & d_pt[None, :], block, np.inf)
            r, c = np.nonzero(block <= max_min)
            os_.append(rows[r])
            ds_.append(c.astype(np.int64))
            ms_.append(block[r, c])
        o = np.concatenate(os_) if os_ else np.zeros(0, np.int64)
        d = np.concatenate(ds_) if ds_ else np.zeros(0, np.int64)
        m = np.concatenate(ms_) if ms_ else np.zeros(0)
        order = np.lexsort((d, o))
        out = (o[order].astype(np.int64), d[order], m[order])
        keep(self._cache, key, out)
        return out


@dataclass(frozen=True, eq=False)
class NetworkModel:
    """Travel along roads: a :class:`metrics.travel.TravelModel` on a :class:`RoadNetwork`."""

    #: safe to share between sessions as it is (:func:`ui.cache.freeze` leaves it alone): its
    #: network's arrays are never written after construction, its memo sits behind a lock
    shared_safe: ClassVar[bool] = True

    network: RoadNetwork = field(repr=False)
    key: str = "network"
    zh: str = "路网"
    en: str = "road network"
    chunk_bytes: int = CHUNK_BYTES
    #: junction-to-junction matrices shared by modes whose segment times are proportional
    _shared: dict[Any, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_frames(cls, nodes: pd.DataFrame, edges: pd.DataFrame) -> NetworkModel:
        return cls(RoadNetwork.from_frames(nodes, edges))

    def matrix(self, origins: Places, destinations: Places, mode: str,
               overrides: Mapping[str, float] | None = None, max_min: float | None = None
               ) -> F64:
        """Origins × destinations minutes by ``mode`` (``inf`` unreachable or beyond
        ``max_min``; NaN when either place has no point)."""
        q, o_pt, d_pt = join(self.network, origins, destinations, mode)
        shared = self._proportional(mode, overrides) if max_min is None else None
        if shared is not None:
            out = self._junction_matrix(q, shared[0], overrides) * shared[1]
            leg = q.leg_minutes(mode, overrides)
            out += leg[:q.n_origins, None]
            out += leg[None, q.n_origins:]
        else:
            out = np.full((len(o_pt), len(d_pt)), np.inf)
            limit = np.inf if max_min is None else float(max_min)
            for rows, block in q.blocks(mode, overrides, limit, self.chunk_bytes):
                out[rows] = block
        out[~o_pt, :] = np.nan
        out[:, ~d_pt] = np.nan
        return out

    def _proportional(self, mode: str, overrides: Mapping[str, float] | None
                      ) -> tuple[str, float] | None:
        """``(reference mode, factor)`` when every segment time of ``mode`` is the reference
        mode's times the factor (the walking modes differ only by speed, and so do bicycle and
        e-bike, and the school bus and the car where no speed cap binds, unless a ferry or
        steps break the proportion): a matrix of ``mode`` is then the reference's search
        scaled, plus the off-road legs, which do not scale. None for a mode searched on its
        own."""
        ref = next((m for m in ("walk", "bicycle", "car") if mode_group(m) == mode_group(mode)),
                   None)
        if ref is None:
            return None
        fwd, bwd = self.network.edge_minutes(mode, overrides)
        r_fwd, r_bwd = self.network.edge_minutes(ref, overrides)
        a, b = np.concatenate([fwd, bwd]), np.concatenate([r_fwd, r_bwd])
        ok = np.isfinite(b)
        if not np.array_equal(ok, np.isfinite(a)) or not ok.any() or (b[ok] <= 0).any():
            return None
        ratio = a[ok] / b[ok]
        factor = float(ratio[0])
        return (ref, factor) if np.allclose(ratio, factor, rtol=1e-12, atol=0.0) else None

    def _junction_matrix(self, q: Any, ref: str, overrides: Mapping[str, float] | None) -> F64:
        """Minutes between the places' junctions by ``ref`` (legs left out), remembered per
        places and settings when small (a few modes ask for the same search)."""
        snap = q.snap
        key = (ref, _mode_settings(ref, overrides), q.n_origins, snap.edge.tobytes(),
               snap.t.tobytes())
        hit = self._shared.get(key)
        if hit is not None:
            return hit
        nd = len(snap.edge) - q.n_origins
        out = np.full((q.n_origins, nd), np.inf)
        for rows, block in q.blocks(ref, overrides, np.inf, self.chunk_bytes, legs=False):
            out[rows] = block
        if out.nbytes <= self.chunk_bytes:
            out.setflags(write=False)
            with self.network._lock:
                keep(self._shared, key, out)
        return out

    def nearest(self, origins: Places, destinations: Places) -> NetworkNearest:
        o_lat, o_lon = coords(origins)
        d_lat, d_lon = coords(destinations)
        probe = NetworkNearest(np.zeros(0, np.int64), np.zeros(0), _net=self.network,
                               _places=(o_lat, o_lon, d_lat, d_lon))
        index, km = probe.search(KM)
        # the walking snap of the origins, made by that search (snapping ignores settings)
        walk = joined(probe._cache, self.network, probe._places, KM)[0]
        snap_m = walk.snap.snap_m[:len(o_lat)].copy()
        for a in (index, km, snap_m):
            a.setflags(write=False)
        return NetworkNearest(index, km, snap_m, self.network, (o_lat, o_lon, d_lat, d_lon),
                              probe._cache)

    def within(self, origins: Places, destinations: Places, radius_km: float) -> NetworkWithin:
        o_lat, o_lon = coords(origins)
        d_lat, d_lon = coords(destinations)
        return NetworkWithin(self.network, (o_lat, o_lon, d_lat, d_lon), float(radius_km))

    def snap_m(self, places: Places, mode: str = "walk") -> F64:
        """Straight metres from every place to the nearest segment ``mode`` may use."""
        return self.network.snap(places, mode).snap_m
