"""Province-scale travel times: one task per county, run in parallel processes, merged.

The design is in docs/province.md; the cutting and merging are :mod:`metrics.partition`
(pure), the travel times :class:`metrics.network.NetworkModel`. This driver only moves data:
each worker process receives its county's piece of the network (the nodes within the county
plus the buffer and the segments between them) and its places, builds the county's network
there, answers, and sends back small arrays. The parent never builds the province's graph.

    python tools/province.py --nodes nodes.parquet --edges edges.parquet \\
        --counties counties.geojson --origins villages.csv --facilities clinics.csv \\
        --task nearest --mode car --out nearest.csv [--workers 4] [--buffer-km 15]
    python tools/province.py ... --task 2sfca --max-min 30 --out access.csv

Tables: nodes (``node_id``, ``lon``, ``lat``), edges (as :mod:`metrics.network`), origins
(``lon``, ``lat``, ``demand`` for the 2SFCA), facilities (``lon``, ``lat``, ``supply``);
counties: a GeoJSON FeatureCollection whose features carry a ``name`` (or ``code``).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import deque
from collections.abc import Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from metrics import access, partition, travel  # noqa: E402
from metrics.network import RoadNetwork  # noqa: E402
from metrics.partition import CountyTask  # noqa: E402

F64 = np.ndarray


def _run(fn, pieces: Iterator[dict[str, Any]], workers: int, *args: Any) -> list[Any]:
    """``fn(piece, *args)`` for every piece, in order; at most ``2 × workers`` pieces in
    flight, so the parent never holds every county's piece at once."""
    if workers <= 1:
        return [fn(p, *args) for p in pieces]
    out: list[Any] = []
    with ProcessPoolExecutor(max_workers=workers) as pool:
        window: deque[Future] = deque()
        for p in pieces:
            window.append(pool.submit(fn, p, *args))
            if len(window) >= 2 * workers:
                out.append(window.popleft().result())
        out += [f.result() for f in window]
    return out


def _plan(nodes, origins, dests, counties, buffer_km) -> list[CountyTask]:
    return partition.plan(counties, nodes["lat"], nodes["lon"], origins["lat"], origins["lon"],
                          dests["lat"], dests["lon"], buffer_km)


def run_nearest(nodes: pd.DataFrame, edges: pd.DataFrame, origins: pd.DataFrame,
                dests: pd.DataFrame, counties: Mapping[str, Any], mode: str = "car", *,
                buffer_km: float = partition.BUFFER_KM, workers: int = 1,
                overrides: Mapping[str, float] | None = None) -> tuple[np.ndarray, F64]:
    """``(index into dests, minutes)`` of every origin's quickest destination, county by
    county (origins outside every county: -1 and NaN)."""
    tasks = _plan(nodes, origins, dests, counties, buffer_km)
    ends = partition.edge_ends(nodes, edges)
    pieces = (partition.piece(t, nodes, edges, origins, dests, ends) for t in tasks)
    out = _run(partition.nearest_task, pieces, workers, mode, overrides)
    return partition.merge_nearest(len(origins), [(t, i, m) for t, (i, m) in
                                                  zip(tasks, out, strict=True)])


def top_speed_kmh(edges: pd.DataFrame, mode: str,
                  overrides: Mapping[str, float] | None = None) -> float:
    """The fastest any segment may be travelled by ``mode``, km/h: one 1 km segment per
    distinct class, posted speed and ferry flag, timed by :class:`RoadNetwork` (the
    off-road legs are slower: walking)."""
    cols = [c for c in ("road_class", "maxspeed_kph", "ferry") if c in edges.columns]
    kinds = edges[cols].drop_duplicates().reset_index(drop=True)
    k = len(kinds)
    nodes = pd.DataFrame({"node_id": np.arange(2 * k), "lon": 0.0, "lat": 0.0})
    net = RoadNetwork.from_frames(nodes, kinds.assign(u=np.arange(k), v=np.arange(k, 2 * k),
                                                      length_m=1000.0))
    minutes = np.minimum(*net.edge_minutes(mode, overrides))
    ok = np.isfinite(minutes) & (minutes > 0)
    walk = 60.0 / travel.minutes_per_km("walk", overrides)  # straight km/h of off-road legs
    return float(max(walk, np.max(60.0 / minutes[ok]))) if ok.any() else walk


def run_pairs(nodes: pd.DataFrame, edges: pd.DataFrame, origins: pd.DataFrame,
              dests: pd.DataFrame, counties: Mapping[str, Any], mode: str, max_min: float, *,
              buffer_km: float | None = None, workers: int = 1,
              overrides: Mapping[str, float] | None = None
              ) -> tuple[np.ndarray, np.ndarray, F64]:
    """Every (origin, destination, minutes) pair within ``max_min``, county by county.
    ``buffer_km`` defaults to the reach in ``max_min`` at the network's top speed by
    ``mode`` (:func:`top_speed_kmh`), so the pairs equal the whole network's."""
    if buffer_km is None:
        buffer_km = partition.buffer_for(max_min, top_speed_kmh(edges, mode, overrides))
    tasks = _plan(nodes, origins, dests, counties, buffer_km)
    ends = partition.edge_ends(nodes, edges)
    pieces = (partition.piece(t, nodes, edges, origins, dests, ends) for t in tasks)
    out = _run(partition.pairs_task, pieces, workers, mode, max_min, overrides)
    return partition.merge_pairs([(t, o, d, m) for t, (o, d, m) in zip(tasks, out, strict=True)])


def run_2sfca(nodes: pd.DataFrame, edges: pd.DataFrame, origins: pd.DataFrame,
              dests: pd.DataFrame, counties: Mapping[str, Any], mode: str, max_min: float,
              **kw: Any) -> access.FcaResult:
    """The 2SFCA (Luo & Wang 2003) of ``origins.demand`` and ``dests.supply`` within
    ``max_min``: pairs county by county, the two steps once on all of them."""
    o, d, m = run_pairs(nodes, edges, origins, dests, counties, mode, max_min, **kw)
    return access.two_step_fca_arrays(origins["demand"].to_numpy(float),
                                      dests["supply"].to_numpy(float), o, d, m, max_min)


def _read(path: str) -> pd.DataFrame:
    p = Path(path)
    return pd.read_parquet(p) if p.suffix == ".parquet" else pd.read_csv(p)


def _counties(path: str) -> dict[str, Any]:
    data = json.loads(Path(path).read_text("utf-8"))
    out = {}
    for i, f in enumerate(data["features"]):
        props = f.get("properties") or {}
        out[str(props.get("name") or props.get("code") or i)] = f["geometry"]
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    for name in ("nodes", "edges", "counties", "origins", "facilities", "out"):
        ap.add_argument(f"--{name}", required=True)
    ap.add_argument("--task", choices=("nearest", "2sfca"), default="nearest")
    ap.add_argument("--mode", default="car")
    ap.add_argument("--max-min", type=float, default=30.0)
    ap.add_argument("--buffer-km", type=float, default=None)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = ap.parse_args(argv)
    nodes, edges = _read(args.nodes), _read(args.edges)
    origins, dests = _read(args.origins), _read(args.facilities)
    counties = _counties(args.counties)
    if args.task == "nearest":
        index, minutes = run_nearest(nodes, edges, origins, dests, counties, args.mode,
                                     buffer_km=(partition.BUFFER_KM if args.buffer_km is None
                                                else args.buffer_km),
                                     workers=args.workers)
        out = origins.assign(facility=index, minutes=minutes)
    else:
        r = run_2sfca(nodes, edges, origins, dests, counties, args.mode, args.max_min,
                      buffer_km=args.buffer_km, workers=args.workers)
        out = origins.assign(access=r.access)
    out.to_csv(args.out, index=False)
    print(f"wrote {len(out)} rows to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
