"""Province size along roads: nearest facility beside pandana and igraph, 30-minute 2SFCA by
county in parallel processes, peak memory.

    python bench/bench_network_province.py            # 1,000,000 nodes, 30,000 x 60,000
    python bench/bench_network_province.py --quick    # 40,000 nodes, 1,200 x 2,400

Targets (issue 14): nearest facility < 5 s and at least 3x faster than pandana's
``nearest_pois``; 30-minute 2SFCA < 60 s; memory < 4 GiB.

The network is SYNTHETIC (seed 0): a ``side`` x ``side`` grid of roads 700 m apart with the
vertices moved up to 20 % of a block, every 10th line a 县道 (40 km/h), every 5th a 乡道
(30), the rest 村道 (20), 5 % one-way, and fast 国道 diagonals (60) every 100 lines — about
Sichuan's extent (700 km a side) but nobody's roads. Villages and facilities are uniform
at random over it; counties are a grid of boxes (``--counties``, about 180 like Sichuan).

Each part runs in a child process of its own, so every figure of memory is that part's
peak RSS alone (getrusage; the 2SFCA's worker processes are reported apart). The peers get
the places moved to their nearest graph node (a KD-tree, timed with them); ours joins each
place at the nearest point of the nearest segment with an off-road leg. pandana builds a
contraction hierarchy first (reported apart) and ``nearest_pois`` answers for every node;
when ``--peer-side`` is smaller than ``--side`` pandana (and ours, for the ratio) run on
that smaller grid with places in proportion, and pandana's times are also shown scaled
linearly to the full size, marked as such.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))

SPACING_M = 700.0
R_M = 6_371_008.8
LAT0, LON0 = 27.0, 98.0


def province_graph(side: int, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    from metrics.geo import haversine_km

    rng = np.random.default_rng(seed)
    n = side * side
    i, j = np.divmod(np.arange(n), side)
    dlat = np.degrees(SPACING_M / R_M)
    dlon = dlat / np.cos(np.radians(LAT0 + side * dlat / 2))
    lat = LAT0 + (i + rng.uniform(-0.2, 0.2, n)) * dlat
    lon = LON0 + (j + rng.uniform(-0.2, 0.2, n)) * dlon
    nodes = pd.DataFrame({"node_id": np.arange(n, dtype=np.int64), "lon": lon, "lat": lat})
    ids = np.arange(n).reshape(side, side)
    line = np.concatenate([np.repeat(np.arange(side), side - 1), np.tile(np.arange(side), side - 1)])
    u = np.concatenate([ids[:, :-1].ravel(), ids[:-1, :].ravel()])
    v = np.concatenate([ids[:, 1:].ravel(), ids[1:, :].ravel()])
    cls = np.where(line % 10 == 0, "secondary",
                   np.where(line % 5 == 0, "tertiary", "unclassified")).astype(object)
    du, dv = [], []
    for k in range(0, side - 1, 100):  # diagonals from the left and the bottom edges
        a = np.arange(side - 1 - k)
        du += [ids[a, a + k], ids[a + k, a]]
        dv += [ids[a + 1, a + k + 1], ids[a + k + 1, a + 1]]
    u = np.concatenate([u, *du])
    v = np.concatenate([v, *dv])
    cls = np.concatenate([cls, np.full(len(u) - len(cls), "trunk", dtype=object)])
    length = haversine_km(lat[u], lon[u], lat[v], lon[v]) * 1000.0
    edges = pd.DataFrame({"u": u, "v": v, "length_m": length, "road_class": cls,
                          "oneway": rng.choice([0] * 38 + [1, -1], size=len(u)),
                          "maxspeed_kph": np.nan, "ferry": False})
    return nodes, edges


def places(nodes: pd.DataFrame, n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"lat": rng.uniform(nodes["lat"].min(), nodes["lat"].max(), n),
                         "lon": rng.uniform(nodes["lon"].min(), nodes["lon"].max(), n),
                         "weight": rng.integers(1, 3000, n).astype(float)})


def counties(nodes: pd.DataFrame, count: int) -> dict[str, tuple[float, float, float, float]]:
    k = max(1, round(count ** 0.5))
    la = np.linspace(nodes["lat"].min() - 1e-6, nodes["lat"].max() + 1e-6, k + 1)
    lo = np.linspace(nodes["lon"].min() - 1e-6, nodes["lon"].max() + 1e-6, k + 1)
    return {f"c{a}_{b}": (lo[b], la[a], lo[b + 1], la[a + 1]) for a in range(k) for b in range(k)}


def _world(a):
    nodes, edges = province_graph(a.side)
    frac = (a.side / a.full_side) ** 2
    return (nodes, edges, places(nodes, max(1, round(a.origins * frac)), 1),
            places(nodes, max(1, round(a.facilities * frac)), 2))


def _rss_mb(who=resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def _nearest_nodes(nodes: pd.DataFrame, *tables: pd.DataFrame) -> list[np.ndarray]:
    from scipy.spatial import cKDTree

    k = np.cos(np.radians(nodes["lat"].mean()))
    tree = cKDTree(np.column_stack([nodes["lon"] * k, nodes["lat"]]))
    return [tree.query(np.column_stack([t["lon"] * k, t["lat"]]))[1] for t in tables]


def part_ours(a) -> dict:
    from scipy.sparse.csgraph import dijkstra

    from metrics.network import NetworkModel

    nodes, edges, o, f = _world(a)
    out: dict = {"nodes": len(nodes), "edges": len(edges), "origins": len(o),
                 "facilities": len(f)}
    t0 = time.perf_counter()
    model = NetworkModel.from_frames(nodes, edges)
    out["build"] = time.perf_counter() - t0
    for when in ("cold", "warm"):  # cold: weights and snapping indexes made on the way
        t0 = time.perf_counter()
        near = model.nearest(o, f)
        t1 = time.perf_counter()
        minutes = near.minutes("car")
        out[f"road_km_{when}"], out[f"car_{when}"] = t1 - t0, time.perf_counter() - t1
        out[f"nearest_{when}"] = time.perf_counter() - t0
    out["unreachable"] = int((~np.isfinite(minutes)).sum())
    out["median_min"] = float(np.median(minutes[np.isfinite(minutes)]))
    # the kernel alone, places on their nearest node as the peers have them
    t0 = time.perf_counter()
    o_node, f_node = _nearest_nodes(nodes, o, f)
    g = model.network.graph("car").T.tocsr()
    dist = dijkstra(g, indices=np.unique(f_node), min_only=True)[o_node]
    out["kernel_nodes"] = time.perf_counter() - t0
    out["kernel_checksum"] = float(np.sum(dist[np.isfinite(dist)]))
    out["rss_mb"] = _rss_mb()
    return out


def part_igraph(a) -> dict:
    import igraph as ig

    from metrics.network import RoadNetwork

    nodes, edges, o, f = _world(a)
    net = RoadNetwork.from_frames(nodes, edges)
    s, d, w = net.directed_edges("car", None)
    n = len(nodes)
    t0 = time.perf_counter()
    o_node, f_node = _nearest_nodes(nodes, o, f)
    snap = time.perf_counter() - t0
    t0 = time.perf_counter()
    fac = np.unique(f_node)
    # reversed graph and a super-source joined to every facility at 0: one Dijkstra
    src = np.concatenate([d, np.full(len(fac), n)])
    dst = np.concatenate([s, fac])
    g = ig.Graph(n=n + 1, edges=np.column_stack([src, dst]).tolist(), directed=True)
    weights = np.concatenate([w, np.zeros(len(fac))]).tolist()
    build = time.perf_counter() - t0
    t0 = time.perf_counter()
    dist = np.asarray(g.distances(source=[n], weights=weights, mode="out")[0])[o_node]
    query = time.perf_counter() - t0
    return {"build": build, "query": query + snap, "rss_mb": _rss_mb(),
            "checksum": float(np.sum(dist[np.isfinite(dist)]))}


def part_pandana(a) -> dict:
    import pandana as pdna

    from metrics.network import RoadNetwork

    nodes, edges, o, f = _world(a)
    net = RoadNetwork.from_frames(nodes, edges)
    s, d, w = net.directed_edges("car", None)
    k = np.cos(np.radians(nodes["lat"].mean()))
    t0 = time.perf_counter()
    p = pdna.Network(nodes["lon"] * k, nodes["lat"], pd.Series(s), pd.Series(d),
                     pd.DataFrame({"minutes": w}), twoway=False)
    build = time.perf_counter() - t0
    t0 = time.perf_counter()
    o_node = p.get_node_ids(o["lon"] * k, o["lat"])
    p.set_pois("fac", 240.0, 1, f["lon"] * k, f["lat"])
    got = p.nearest_pois(240.0, "fac", num_pois=1)
    dist = got.loc[o_node.to_numpy(), 1].to_numpy()
    query = time.perf_counter() - t0
    return {"build": build, "query": query, "rss_mb": _rss_mb(),
            "unreached": int((dist >= 240.0).sum())}


def part_2sfca(a) -> dict:
    import province

    nodes, edges, o, f = _world(a)
    cs = counties(nodes, a.counties)
    t0 = time.perf_counter()
    r = province.run_2sfca(nodes, edges, o.rename(columns={"weight": "demand"}),
                           f.rename(columns={"weight": "supply"}), cs, "car", 30.0,
                           workers=a.workers)
    dt = time.perf_counter() - t0
    return {"seconds": dt, "counties": len(cs), "rss_mb": _rss_mb(),
            "worker_rss_mb": _rss_mb(resource.RUSAGE_CHILDREN),
            "with_access": int((r.access > 0).sum()), "origins": len(o)}


PARTS = {"ours": part_ours, "igraph": part_igraph, "pandana": part_pandana,
         "2sfca": part_2sfca}


def child(part: str, side: int, a, timeout: float) -> dict:
    cmd = [sys.executable, __file__, "--part", part, "--side", str(side), "--full-side",
           str(a.side), "--origins", str(a.origins), "--facilities", str(a.facilities),
           "--counties", str(a.counties), "--workers", str(a.workers)]
    t0 = time.perf_counter()
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:.0f} s"}
    if out.returncode != 0:
        return {"error": out.stderr.strip().splitlines()[-1] if out.stderr else "failed"}
    got = json.loads(out.stdout[out.stdout.rfind("RESULT ") + 7:].splitlines()[0])
    got["wall"] = time.perf_counter() - t0
    return got


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--side", type=int, default=1000)
    ap.add_argument("--full-side", type=int, default=None, help=argparse.SUPPRESS)
    ap.add_argument("--peer-side", type=int, default=300,
                    help="grid side for pandana (and ours beside it); default 300 (90,000 nodes)")
    ap.add_argument("--origins", type=int, default=30_000)
    ap.add_argument("--facilities", type=int, default=60_000)
    ap.add_argument("--counties", type=int, default=180)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--skip", action="append", default=[], choices=sorted(PARTS))
    ap.add_argument("--part", choices=sorted(PARTS), help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if a.part:
        a.full_side = a.full_side or a.side
        print("RESULT " + json.dumps(PARTS[a.part](a)))
        return
    if a.quick:
        a.side, a.peer_side, a.origins, a.facilities, a.counties = 200, 100, 1200, 2400, 16
    a.peer_side = min(a.peer_side, a.side)
    scale = (a.side / a.peer_side) ** 2
    print(f"synthetic province (not anybody's roads): {a.side ** 2:,} nodes; {a.origins:,} "
          f"villages, {a.facilities:,} facilities; {a.counties} counties; {a.workers} workers")
    res = {}
    for name, side in (("ours", a.side), ("igraph", a.side), ("ours_peer", a.peer_side),
                       ("pandana", a.peer_side), ("2sfca", a.side)):
        part = "ours" if name == "ours_peer" else name
        if part in a.skip or (name == "ours_peer" and a.peer_side == a.side):
            continue
        res[name] = child(part, side, a, timeout=1800)
        print(f"  {name} ({side ** 2:,} nodes): {res[name]}", flush=True)
    ours = res.get("ours", {})
    peer_ours = res.get("ours_peer", ours)
    rows = []
    if "nearest_warm" in ours:
        rows += [
            ("ours: network build (once per register)", ours["build"], ""),
            ("ours: nearest facility by car, first use (weights, snapping indexes)",
             ours["nearest_cold"], f"target < 5 s: {ours['nearest_cold'] < 5}"),
            ("ours: nearest facility by car, again (new places)", ours["nearest_warm"],
             f"target < 5 s: {ours['nearest_warm'] < 5}"),
            ("  of which .nearest(): snapping, road-km search", ours["road_km_warm"], ""),
            ("  of which .minutes('car'): snapping, car search", ours["car_warm"], ""),
            ("ours: kernel only, places on nodes (as the peers)", ours["kernel_nodes"], ""),
        ]
    ig_ = res.get("igraph", {})
    if "query" in ig_:
        rows += [("igraph: build graph + super-source", ig_["build"], ""),
                 ("igraph: nearest facility (one Dijkstra from a super-source)", ig_["query"],
                  f"ours (kernel) {ig_['query'] / ours.get('kernel_nodes', np.nan):.1f}x faster; "
                  f"ours (full) {ig_['query'] / ours.get('nearest_warm', np.nan):.1f}x")]
    pa = res.get("pandana", {})
    if "query" in pa:
        n_peer = f"{a.peer_side ** 2:,} nodes"
        ratio = pa["query"] / peer_ours.get("nearest_warm", np.nan)
        rows += [(f"pandana: build + contraction ({n_peer})", pa["build"], ""),
                 (f"pandana: set_pois + nearest_pois ({n_peer})", pa["query"],
                  f"ours on the same graph {peer_ours.get('nearest_warm', np.nan):.3f} s: "
                  f"{ratio:.1f}x faster (target >= 3x)")]
        if scale > 1:
            rows.append((f"pandana: nearest_pois scaled x{scale:.1f} to {a.side ** 2:,} nodes "
                         "(linear; not run)", pa["query"] * scale,
                         f"ours at full size {ours.get('nearest_warm', np.nan):.3f} s: "
                         f"{pa['query'] * scale / ours.get('nearest_warm', np.nan):.1f}x"))
    tf = res.get("2sfca", {})
    if "seconds" in tf:
        rows.append((f"ours: 30-min 2SFCA by car, {tf['counties']} counties, {a.workers} "
                     "processes", tf["seconds"], f"target < 60 s: {tf['seconds'] < 60}"))
    width = max((len(r[0]) for r in rows), default=10)
    print(f"\n{'step':<{width}}  {'seconds':>8}  note")
    for label, sec, note in rows:
        print(f"{label:<{width}}  {sec:8.3f}  {note}")
    print("\npeak memory (RSS, each part in its own process; target < 4096 MB):")
    for name, r in res.items():
        if "rss_mb" in r:
            extra = (f"; largest worker {r['worker_rss_mb']:.0f} MB"
                     if "worker_rss_mb" in r else "")
            print(f"  {name}: {r['rss_mb']:.0f} MB{extra}")
        elif "error" in r:
            print(f"  {name}: {r['error']}")


if __name__ == "__main__":
    main()
