"""Road-network travel times: our model (scipy csgraph) vs the straight line and networkx.

    python bench/bench_network.py            # ~100k nodes / 200k edges, 2,000 x 400
    python bench/bench_network.py --quick    # ~10k nodes, 500 x 100, for CI

The network is a SYNTHETIC square grid (100 m blocks, made-up classes and one-way streets,
placed at the equator): a workload, not anybody's roads and certainly not Kaijiang's.
The peer is networkx's single-source Dijkstra (igraph and pandana: see
bench_network_province.py), timed on a sample of destinations and scaled up to all of them. Memory: the traced peak of each step
(tracemalloc: numpy arrays included) and the process's peak RSS at the end.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from metrics import travel  # noqa: E402
from metrics.geo import EARTH_RADIUS_KM  # noqa: E402
from metrics.network import NetworkModel  # noqa: E402

R_M = EARTH_RADIUS_KM * 1000.0
CLASSES = np.array(["primary", "secondary", "tertiary", "unclassified", "unclassified",
                    "residential", "track", "path"])


def grid(side: int, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    i, j = np.divmod(np.arange(side * side), side)
    x, y = i * 100.0, j * 100.0
    nodes = pd.DataFrame({"node_id": np.arange(side * side, dtype=np.int64),
                          "lon": 100.0 + np.degrees(x / R_M), "lat": np.degrees(y / R_M)})
    ids = np.arange(side * side).reshape(side, side)
    u = np.concatenate([ids[:-1, :].ravel(), ids[:, :-1].ravel()])
    v = np.concatenate([ids[1:, :].ravel(), ids[:, 1:].ravel()])
    n = len(u)
    edges = pd.DataFrame({
        "u": u, "v": v, "length_m": 100.0,
        "road_class": CLASSES[rng.integers(len(CLASSES), size=n)],
        "oneway": rng.choice([0, 0, 0, 0, 0, 0, 0, 0, 1, -1], size=n),
        "maxspeed_kph": np.where(rng.uniform(size=n) < 0.05, 60.0, np.nan),
        "ferry": False,
    })
    return nodes, edges


def points(n: int, extent_m: float, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    xy = rng.uniform(0, extent_m, (n, 2))
    return pd.DataFrame({"lat": np.degrees(xy[:, 1] / R_M),
                         "lon": 100.0 + np.degrees(xy[:, 0] / R_M)})


def timed(label: str, fn, rows: list):
    tracemalloc.start()
    t0 = time.perf_counter()
    out = fn()
    dt = time.perf_counter() - t0
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    rows.append((label, dt, peak))
    return out


def networkx_peer(model, dests, sample: int, rows: list) -> None:
    import networkx as nx

    fwd, bwd = model.network.edge_minutes("car")
    u, v = model.network.u, model.network.v
    f, b = np.isfinite(fwd), np.isfinite(bwd)
    t0 = time.perf_counter()
    g = nx.DiGraph()
    # reversed (v -> u along a forward edge): searches run from the destinations, as ours
    g.add_weighted_edges_from(zip(v[f].tolist(), u[f].tolist(), fwd[f].tolist(), strict=True))
    g.add_weighted_edges_from(zip(u[b].tolist(), v[b].tolist(), bwd[b].tolist(), strict=True))
    build = time.perf_counter() - t0
    # the destinations' nearest road nodes (the peer gets the snapping for free)
    snap = model.network.snap(dests, "car")
    start_all = np.where(snap.t < 0.5, u[snap.edge], v[snap.edge])
    start = start_all[:sample]
    t0 = time.perf_counter()
    for s in start.tolist():
        nx.single_source_dijkstra_path_length(g, s, weight="weight")
    per = (time.perf_counter() - t0) / len(start)
    rows.append(("networkx: build DiGraph", build, float("nan")))
    rows.append((f"networkx: {len(dests)} single-source Dijkstra "
                 f"(scaled from {len(start)})", per * len(dests), float("nan")))
    t0 = time.perf_counter()
    nx.multi_source_dijkstra_path_length(g, set(start_all.tolist()), weight="weight")
    rows.append(("networkx: nearest (one multi_source_dijkstra)", time.perf_counter() - t0,
                 float("nan")))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    side, n_o, n_d, sample = (100, 500, 100, 5) if args.quick else (317, 2000, 400, 8)
    rows: list[tuple[str, float, float]] = []
    nodes, edges = grid(side)
    extent = (side - 1) * 100.0
    origins, dests = points(n_o, extent, 1), points(n_d, extent, 2)
    print(f"synthetic grid: {len(nodes):,} nodes, {len(edges):,} edges; "
          f"{n_o:,} origins x {n_d:,} destinations")

    model = timed("ours: RoadNetwork.from_frames", lambda: NetworkModel.from_frames(nodes, edges),
                  rows)
    timed("ours: snapping index + car weights (first use)",
          lambda: (model.network.snap(origins, "car"), model.network.edge_minutes("car")), rows)
    mat = timed(f"ours: matrix car (Dijkstra from the {n_d} dests, reversed)",
                lambda: model.matrix(origins, dests, "car"), rows)
    timed("ours: matrix car, cutoff 30 min (limit=)",
          lambda: model.matrix(origins, dests, "car", max_min=30.0), rows)
    timed("ours: matrix walk", lambda: model.matrix(origins, dests, "walk"), rows)
    near = timed("ours: nearest (road km, one multi-source search)",
                 lambda: model.nearest(origins, dests), rows)
    minutes = timed("ours: nearest .minutes('car') (one min_only search)",
                    lambda: near.minutes("car"), rows)
    timed("ours: nearest .minutes('car', speed 50) (new settings)",
          lambda: near.minutes("car", {"speed_car_kmh": 50.0}), rows)
    w = model.within(origins, dests, 50.0)
    pairs = timed("ours: within .pairs('car', 30 min)", lambda: w.pairs("car", 30.0), rows)
    assert np.allclose(minutes, mat.min(axis=1))
    timed("straight: matrix", lambda: travel.STRAIGHT.matrix(origins, dests, "car"), rows)
    timed("straight: nearest + minutes",
          lambda: travel.STRAIGHT.nearest(origins, dests).minutes("car"), rows)
    networkx_peer(model, dests, sample, rows)

    width = max(len(r[0]) for r in rows)
    print(f"{'step':<{width}}  {'seconds':>8}  {'traced peak MB':>14}")
    for label, dt, peak in rows:
        print(f"{label:<{width}}  {dt:8.3f}  {peak:14.1f}")
    print(f"pairs within 30 min by car: {len(pairs[0]):,}; unreachable origin-dest pairs: "
          f"{int(np.isinf(mat).sum()):,}")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"process peak RSS: {rss:.0f} MB")


if __name__ == "__main__":
    main()
