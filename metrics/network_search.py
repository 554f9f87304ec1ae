"""Searches on a road network with places joined to it: the Dijkstra machinery behind
:class:`metrics.network.NetworkModel` (split from :mod:`metrics.network`, which re-exports
nothing from here: these are its building blocks).

A :class:`Query` holds places (origins then destinations) snapped to a
:class:`metrics.network.RoadNetwork` and builds the graph of one mode with the places
added: every snapped place adds a junction that splits its segment (travel on to either end
costs the matching share of the segment's minutes) and a node of its own, joined to the
junction by the off-road leg (straight snap distance × ``detour_factor`` at the adult
walking speed) both ways. :meth:`Query.blocks` yields the origins × destinations minutes in
chunks of rows so the memory stays bounded (:func:`scipy.sparse.csgraph.dijkstra`, from the
smaller side, with an optional cutoff).

Pure: inputs are never modified.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from metrics import road_speeds as rs
from metrics import settings, travel
from metrics.travel import Places, coords

if TYPE_CHECKING:
    from metrics.network import RoadNetwork, Snap

__all__ = ["CACHE_SIZE", "CHUNK_BYTES", "KM", "Query", "add_edges", "csr_graph", "join", "joined", "keep",
           "leg_min_per_m", "mode_group"]

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]

#: Memory for one chunk of Dijkstra rows, bytes.
CHUNK_BYTES = 64 * 2**20
#: Entries kept by the per-model caches (oldest dropped first).
CACHE_SIZE = 16
#: Road km (the ``km`` of :class:`metrics.network.NetworkNearest`): walkable segments, both
#: ways, lengths.
KM = "road_km"


def mode_group(mode: str) -> str:
    """The snapping group of ``mode``: ``walk``, ``cycle`` or ``motor``.

    >>> mode_group("walk_child"), mode_group("ebike"), mode_group("school_bus")
    ('walk', 'cycle', 'motor')
    """
    if mode in rs.WALK_MODES or mode == KM:
        return "walk"
    if mode in rs.CYCLE_MODES:
        return "cycle"
    if mode in rs.MOTOR_MODES:
        return "motor"
    settings.speed_key(mode)  # raises the usual error for an unknown mode
    raise ValueError(f"mode {mode!r} has no road speeds in metrics.road_speeds")

def keep(cache: dict[Any, Any], key: Any, value: Any) -> None:
    """Remember ``value``, dropping the oldest entries beyond :data:`CACHE_SIZE`."""
    while len(cache) >= CACHE_SIZE:
        cache.pop(next(iter(cache)), None)
    cache[key] = value

def leg_min_per_m(mode: str, overrides: Mapping[str, float] | None) -> float:
    """Minutes per metre of off-road leg: detour ÷ adult walking speed (``road_km``: km)."""
    if mode == KM:
        return settings.get("detour_factor") / 1000.0
    return travel.minutes_per_km("walk", overrides) / 1000.0


def csr_graph(src: I64, dst: I64, w: F64, n: int) -> csr_matrix:
    """A CSR graph keeping the cheapest of parallel edges and explicit zeros (edges).

    >>> g = csr_graph(np.array([1, 0, 1]), np.array([0, 1, 0]), np.array([2.0, 0.0, 1.0]), 2)
    >>> g.toarray().tolist(), int(g.nnz)
    ([[0.0, 0.0], [1.0, 0.0]], 2)
    """
    key = np.asarray(src, dtype=np.int64) * n + np.asarray(dst, dtype=np.int64)
    order = np.argsort(key)  # one integer sort by (src, dst)
    key, w = key[order], np.asarray(w, dtype=np.float64)[order]
    start = np.flatnonzero(np.r_[True, key[1:] != key[:-1]]) if len(key) else np.zeros(0, int)
    w = np.minimum.reduceat(w, start) if len(key) else w
    key = key[start]
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(key // n, minlength=n), out=indptr[1:])
    return csr_matrix((w, (key % n).astype(np.int32), indptr.astype(np.int32)), shape=(n, n))


def add_edges(base: csr_matrix, src: I64, dst: I64, w: F64, n: int) -> csr_matrix:
    """``base`` grown to ``n`` nodes with the edges ``src → dst`` (cheapest of parallel ones)
    added, each touching a node beyond ``base`` (none may repeat an edge of ``base``):
    a merge in linear time, the large ``base`` is not sorted again.

    >>> base = csr_graph(np.array([0, 1]), np.array([1, 0]), np.array([2.0, 0.0]), 2)
    >>> g = add_edges(base, np.array([2, 1, 2]), np.array([1, 2, 1]), np.array([1.0, 3.0, 0.5]), 3)
    >>> g.toarray().tolist(), int(g.nnz)  # the explicit zero 1 → 0 is kept
    ([[0.0, 2.0, 0.0], [0.0, 0.0, 3.0], [0.0, 0.5, 0.0]], 4)
    """
    extra = csr_graph(src, dst, w, n)  # small: sorted and deduplicated
    nb = base.shape[0]
    base_count = np.zeros(n, dtype=np.int64)
    base_count[:nb] = np.diff(base.indptr)
    extra_count = np.diff(extra.indptr).astype(np.int64)
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(base_count + extra_count, out=indptr[1:])
    # base entries keep their order at the start of their row, the new ones follow
    rows = np.repeat(np.arange(nb), base_count[:nb])
    pos_b = indptr[rows] + np.arange(base.nnz) - base.indptr[rows]
    rows_e = np.repeat(np.arange(n), extra_count)
    pos_e = indptr[rows_e] + base_count[rows_e] + np.arange(extra.nnz) - extra.indptr[rows_e]
    indices = np.empty(int(indptr[-1]), dtype=np.int32)
    data = np.empty(int(indptr[-1]))
    indices[pos_b], data[pos_b] = base.indices, base.data
    indices[pos_e], data[pos_e] = extra.indices, extra.data
    return csr_matrix((data, indices, indptr.astype(np.int32)), shape=(n, n))

@dataclass(frozen=True, eq=False)
class Query:
    """Places (origins then destinations) joined to the network of one mode group."""

    net: RoadNetwork
    snap: Snap
    n_origins: int

    def graph(self, mode: str, overrides: Mapping[str, float] | None, legs: bool = True
              ) -> tuple[csr_matrix, I64]:
        """The mode's graph with the places added; and every place's node (-1 not joined).

        Node layout: road nodes, one junction per joined place (splitting its segment),
        one node per place (joined to its junction by the off-road leg, both ways). With
        ``legs=False`` the legs weigh 0 (kept as explicit zeros): searches then give the
        minutes between the junctions, to which :meth:`leg_minutes` adds the legs."""
        net, s = self.net, self.snap
        n, p = net.n_nodes, len(s.edge)
        fwd, bwd = net.edge_minutes(mode, overrides)
        joined = np.flatnonzero(s.edge >= 0)
        junction = n + joined
        node = np.full(p, -1, dtype=np.int64)
        node[joined] = n + p + joined
        # chain along each split segment: u, junctions by t, v
        order = np.lexsort((s.t[joined], s.edge[joined]))
        j_sorted, e_sorted, t_sorted = junction[order], s.edge[joined][order], s.t[joined][order]
        start = np.r_[True, e_sorted[1:] != e_sorted[:-1]] if len(order) else np.zeros(0, bool)
        end = np.r_[e_sorted[1:] != e_sorted[:-1], True] if len(order) else np.zeros(0, bool)
        a = np.where(start, net.u[e_sorted], np.r_[-1, j_sorted[:-1]][: len(order)])
        t_prev = np.where(start, 0.0, np.r_[0.0, t_sorted[:-1]][: len(order)])
        links_a = np.concatenate([a, j_sorted[end]])
        links_b = np.concatenate([j_sorted, net.v[e_sorted[end]]])
        links_e = np.concatenate([e_sorted, e_sorted[end]])
        share = np.concatenate([t_sorted - t_prev, 1.0 - t_sorted[end]])
        with np.errstate(invalid="ignore"):  # 0 × inf: a direction not allowed, dropped
            wf, wb = share * fwd[links_e], share * bwd[links_e]
        f, b = np.isfinite(wf), np.isfinite(wb)
        leg = (s.snap_m[joined] * leg_min_per_m(mode, overrides) if legs
               else np.zeros(len(joined)))
        src = np.concatenate([links_a[f], links_b[b], node[joined], junction])
        dst = np.concatenate([links_b[f], links_a[b], junction, node[joined]])
        w = np.concatenate([wf[f], wb[b], leg, leg])
        return add_edges(net.graph(mode, overrides), src, dst, w, n + 2 * p), node

    def leg_minutes(self, mode: str, overrides: Mapping[str, float] | None) -> F64:
        """Every place's off-road leg in minutes (0 where not joined)."""
        s = self.snap
        return np.where(s.edge >= 0, s.snap_m * leg_min_per_m(mode, overrides), 0.0)

    def blocks(self, mode: str, overrides: Mapping[str, float] | None, limit: float = np.inf,
               chunk_bytes: int = CHUNK_BYTES, legs: bool = True) -> Iterator[tuple[I64, F64]]:
        """Origins × destinations minutes in blocks of origin rows: ``(origin positions,
        minutes)``; every origin appears once; rows of places not joined are ``inf``."""
        g, node = self.graph(mode, overrides, legs)
        k = self.n_origins
        o_node, d_node = node[:k], node[k:]
        o_ok, d_ok = np.flatnonzero(o_node >= 0), np.flatnonzero(d_node >= 0)
        nd = len(d_node)
        rest = np.flatnonzero(o_node < 0)
        if len(rest):
            yield rest, np.full((len(rest), nd), np.inf)
        if not len(o_ok):
            return
        rows = max(1, chunk_bytes // (8 * g.shape[0]))
        if len(d_ok) < len(o_ok):  # search from the destinations on the reversed graph
            out = np.full((len(o_ok), nd), np.inf)
            gt = g.T.tocsr()
            for i in range(0, len(d_ok), rows):
                part = d_ok[i:i + rows]
                dist = dijkstra(gt, indices=d_node[part], limit=limit)
                out[:, part] = dist[:, o_node[o_ok]].T
            for i in range(0, len(o_ok), max(rows, 1)):
                yield o_ok[i:i + rows], out[i:i + rows]
            return
        for i in range(0, len(o_ok), rows):
            part = o_ok[i:i + rows]
            dist = dijkstra(g, indices=o_node[part], limit=limit)
            block = np.full((len(part), nd), np.inf)
            block[:, d_ok] = dist[:, d_node[d_ok]]
            yield part, block


def join(net: RoadNetwork, origins: Places, destinations: Places, mode: str
          ) -> tuple[Query, NDArray[np.bool_], NDArray[np.bool_]]:
    o_lat, o_lon = coords(origins)
    d_lat, d_lon = coords(destinations)
    lat, lon = np.concatenate([o_lat, d_lat]), np.concatenate([o_lon, d_lon])
    snap = net.snap((lat, lon), mode)
    return (Query(net, snap, len(o_lat)), np.isfinite(o_lat) & np.isfinite(o_lon),
            np.isfinite(d_lat) & np.isfinite(d_lon))


def joined(cache: dict[Any, Any], net: RoadNetwork, places: tuple[F64, F64, F64, F64],
            mode: str) -> tuple[Query, NDArray[np.bool_], NDArray[np.bool_]]:
    """:func:`join` once per mode group (snapping does not depend on the settings)."""
    key = ("joined", mode_group(mode))
    hit = cache.get(key)
    if hit is None:
        o_lat, o_lon, d_lat, d_lon = places
        hit = join(net, (o_lat, o_lon), (d_lat, d_lon), mode)
        keep(cache, key, hit)
    return hit
