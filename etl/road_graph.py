"""The road network of a roads register: nodes and straight segments, clipped to the county.

Every way of :mod:`etl.roads` becomes one edge per pair of consecutive vertices. Vertices
shared by ways are one node: OSM node ids for OpenStreetMap, and for GIS layers vertices
equal after rounding to 1e-7° (about 1 cm). Segments with neither end inside the county
boundary plus :data:`CLIP_KM` are dropped (a segment crossing the edge is kept whole), so
routes may leave the county and come back. Lengths are great-circle (haversine) metres.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from etl import coords
from etl.roads import CLASSES, Way
from metrics.geo import haversine_km  # pure geometry, the one great-circle formula

#: Buffer around the county boundary inside which roads are kept (km).
CLIP_KM = 15.0
#: Vertices of GIS layers equal after rounding to this many decimals of a degree are one node.
ROUND_DECIMALS = 7

EDGE_COLUMNS = ("u", "v", "length_m", "road_class", "oneway", "maxspeed_kph", "surface",
                "bridge", "ferry", "name")


@dataclass
class Network:
    """Nodes (``node_id``, ``lon``, ``lat``) and edges (:data:`EDGE_COLUMNS`), with how many
    ways and segments were read and how many segments the clip dropped."""

    nodes: pd.DataFrame
    edges: pd.DataFrame
    ways_read: int = 0
    ways_kept: int = 0
    segments_read: int = 0
    segments_outside: int = 0
    stats: dict = field(default_factory=dict)


def _vertex_ids(ways: list[Way], lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Node ids of every vertex: OSM ids where the ways carry them, else one id per rounded
    position (1, 2, … in order of position)."""
    if ways and all(w.ids is not None for w in ways):
        return np.concatenate([w.ids for w in ways]).astype(np.int64)
    scale = 10.0 ** ROUND_DECIMALS
    key = np.stack([np.round(lon * scale), np.round(lat * scale)], axis=1).astype(np.int64)
    _, inverse = np.unique(key, axis=0, return_inverse=True)
    return inverse.reshape(-1).astype(np.int64) + 1


def node_t_junctions(ways: list[Way]) -> tuple[list[Way], int]:
    """GIS ways with a vertex added where another way's end lies on one of their segments
    (within 1e-7°, the rounding that joins vertices): a road drawn up to another one, snapped
    to its line but not to a vertex of it (a T-junction), then joins it. Crossings where
    neither road ends (a bridge over a road) stay apart. OSM ways (node ids) are left as they
    are. Returns the ways and how many junctions were added.

    >>> from etl.roads import Way
    >>> main = Way(np.array([0.0, 0.002]), np.array([0.0, 0.0]), None, "secondary")
    >>> side = Way(np.array([0.001, 0.001]), np.array([0.001, 0.0]), None, "tertiary")
    >>> out, n = node_t_junctions([main, side])
    >>> n, out[0].lon.tolist()
    (1, [0.0, 0.001, 0.002])
    """
    if not ways or any(w.ids is not None for w in ways):
        return ways, 0
    import shapely  # only when a GIS layer is read

    tol = 10.0 ** -ROUND_DECIMALS
    sizes = np.array([len(w.lon) for w in ways])
    lon = np.concatenate([w.lon for w in ways])
    lat = np.concatenate([w.lat for w in ways])
    way_of = np.repeat(np.arange(len(ways)), sizes)
    a = np.flatnonzero(way_of[:-1] == way_of[1:])
    segs = shapely.linestrings(np.stack([np.column_stack([lon[a], lat[a]]),
                                         np.column_stack([lon[a + 1], lat[a + 1]])], axis=1))
    first = np.cumsum(sizes) - sizes
    end_idx = np.unique(np.concatenate([first, first + sizes - 1]))
    pts = shapely.points(lon[end_idx], lat[end_idx])
    p_i, s_i = shapely.STRtree(segs).query(pts, predicate="dwithin", distance=tol)
    if not len(p_i):
        return ways, 0
    px, py = lon[end_idx[p_i]], lat[end_idx[p_i]]
    ax, ay, bx, by = lon[a[s_i]], lat[a[s_i]], lon[a[s_i] + 1], lat[a[s_i] + 1]
    dx, dy = bx - ax, by - ay
    len2 = dx * dx + dy * dy
    with np.errstate(invalid="ignore", divide="ignore"):
        t = np.where(len2 > 0, ((px - ax) * dx + (py - ay) * dy) / len2, 0.0)
    # the end lies strictly inside the segment, not on one of its vertices
    far_a = np.hypot(px - ax, py - ay) > tol
    far_b = np.hypot(px - bx, py - by) > tol
    hit = far_a & far_b & (t > 0) & (t < 1)
    if not hit.any():
        return ways, 0
    seg_way = way_of[a[s_i[hit]]]
    seg_pos = a[s_i[hit]] - first[seg_way]  # the segment after this vertex of its way
    inserts: dict[int, list[tuple[int, float, float, float]]] = {}
    for w, k, tt, x, y in zip(seg_way.tolist(), seg_pos.tolist(), t[hit].tolist(),
                              px[hit].tolist(), py[hit].tolist(), strict=True):
        inserts.setdefault(w, []).append((k, tt, x, y))
    out = list(ways)
    added = 0
    for w, items in inserts.items():
        way = ways[w]
        items = sorted(set(items))
        at = np.array([k + 1 for k, _, _, _ in items])
        out[w] = replace(way, lon=np.insert(way.lon, at, [x for _, _, x, _ in items]),
                         lat=np.insert(way.lat, at, [y for _, _, _, y in items]))
        added += len(items)
    return out, added


def build(ways: list[Way], area: coords.Area | None) -> Network:
    """The network of ``ways`` clipped to ``area`` (None: not clipped, for tests only); GIS
    ways joined at their T-junctions first (:func:`node_t_junctions`)."""
    if not ways:
        return _finish(Network(_empty_nodes(), pd.DataFrame(columns=list(EDGE_COLUMNS))))
    ways, junctions = node_t_junctions(ways)
    sizes = np.array([len(w.lon) for w in ways])
    lon = np.concatenate([w.lon for w in ways])
    lat = np.concatenate([w.lat for w in ways])
    ids = _vertex_ids(ways, lon, lat)
    way_of = np.repeat(np.arange(len(ways)), sizes)
    a = np.flatnonzero(way_of[:-1] == way_of[1:])  # segment i: vertex a -> a + 1
    b = a + 1
    a, b = a[ids[a] != ids[b]], b[ids[a] != ids[b]]  # repeated vertices make no segment
    n_read = len(a)
    if area is not None:
        inside = area.contains(lon, lat)
        keep = inside[a] | inside[b]
        a, b = a[keep], b[keep]
    w = way_of[a]
    edges = pd.DataFrame({
        "u": ids[a], "v": ids[b],
        "length_m": 1000.0 * haversine_km(lat[a], lon[a], lat[b], lon[b]),
        "road_class": np.array([x.road_class for x in ways], dtype=object)[w],
        "oneway": np.array([x.oneway for x in ways], dtype=np.int16)[w],
        "maxspeed_kph": np.array([np.nan if x.maxspeed_kph is None else x.maxspeed_kph
                                  for x in ways], dtype=float)[w],
        "surface": np.array([x.surface for x in ways], dtype=object)[w],
        "bridge": np.array([x.bridge for x in ways], dtype=bool)[w],
        "ferry": np.array([x.ferry for x in ways], dtype=bool)[w],
        "name": np.array([x.name for x in ways], dtype=object)[w],
    })
    used = np.union1d(a, b)
    nodes = (pd.DataFrame({"node_id": ids[used], "lon": lon[used], "lat": lat[used]})
             .drop_duplicates("node_id").sort_values("node_id").reset_index(drop=True))
    net = Network(nodes, edges, ways_read=len(ways), ways_kept=int(len(np.unique(w))),
                  segments_read=n_read, segments_outside=n_read - len(a))
    net = _finish(net)
    net.stats["t_junctions"] = junctions
    return net


def _empty_nodes() -> pd.DataFrame:
    return pd.DataFrame({"node_id": pd.Series(dtype="int64"), "lon": pd.Series(dtype=float),
                         "lat": pd.Series(dtype=float)})


def connectivity(nodes: pd.DataFrame, edges: pd.DataFrame) -> dict:
    """Connected pieces of the network (undirected): how many, the largest one's share of
    the length and of the nodes, and the pieces not connected to it."""
    if edges.empty:
        return {"pieces": 0, "largest_share_length": None, "largest_share_nodes": None,
                "pieces_not_connected": 0, "largest_km": 0.0}
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    index = pd.Index(nodes["node_id"])
    u, v = index.get_indexer(edges["u"]), index.get_indexer(edges["v"])
    n = len(index)
    graph = coo_matrix((np.ones(len(u)), (u, v)), shape=(n, n)).tocsr()
    count, labels = connected_components(graph, directed=False)
    length = np.bincount(labels[u], weights=edges["length_m"].to_numpy(float), minlength=count)
    big = int(np.argmax(length))
    total = float(length.sum())
    return {"pieces": int(count),
            "largest_share_length": float(length[big] / total) if total else None,
            "largest_share_nodes": float((labels == big).sum() / n),
            "pieces_not_connected": int(count - 1),
            "largest_km": float(length[big] / 1000)}


def _finish(net: Network) -> Network:
    """The network's counts, kilometres by class and connectivity in ``stats``."""
    km = net.edges.groupby("road_class")["length_m"].sum() / 1000 if len(net.edges) else {}
    by_class = {c: round(float(km[c]), 3) for c in CLASSES if c in km}
    net.stats = {"ways": net.ways_kept, "ways_read": net.ways_read,
                 "nodes": len(net.nodes), "segments": len(net.edges),
                 "segments_outside": net.segments_outside,
                 "km_total": round(float(net.edges["length_m"].sum()) / 1000, 3)
                 if len(net.edges) else 0.0,
                 "km_by_class": by_class,
                 **connectivity(net.nodes, net.edges)}
    return net


def summary_lines(stats: dict) -> list[str]:
    """The network's counts, length by class and connectivity, in Chinese and English."""
    lines = [f"道路 {stats['ways']} 条，节点 {stats['nodes']} 个，路段 {stats['segments']} 段，"
             f"总长 {stats['km_total']:.1f} km / ways {stats['ways']}, nodes {stats['nodes']}, "
             f"segments {stats['segments']}, total {stats['km_total']:.1f} km"]
    if stats.get("t_junctions"):
        lines.append(f"道路端点落在另一条道路的线段上、已接入该道路 {stats['t_junctions']} 处 / "
                     f"{stats['t_junctions']} road ends lying on another road's segment "
                     "joined to it (T-junctions)")
    if stats["segments_outside"]:
        lines.append(f"县界外 {CLIP_KM:g} km 以外的路段 {stats['segments_outside']} 段已舍去 / "
                     f"{stats['segments_outside']} segments beyond the county boundary + "
                     f"{CLIP_KM:g} km dropped")
    if stats["km_by_class"]:
        lines.append("按等级 / by class: " + ", ".join(
            f"{c} {k:.1f} km" for c, k in stats["km_by_class"].items()))
    if stats["largest_share_length"] is not None:
        share = stats["largest_share_length"]
        lines.append(f"连通性：最大连通部分占总长 {share:.1%}，另有 {stats['pieces_not_connected']} "
                     f"个部分与其不连通 / connectivity: the largest connected piece holds "
                     f"{share:.1%} of the length; {stats['pieces_not_connected']} pieces are "
                     "not connected to it")
    return lines
