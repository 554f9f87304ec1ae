"""County size along roads: every mode's matrix and all indicators, beside the straight line.

    python -m bench.bench_network_county [--db PATH] [--side 160] [--repeat 3]

Target (issue 14): < 1 s for every mode's matrix (162 villages x 400 facilities) and < 1 s
for all indicators (``indicators.prepare`` + ``evaluate``) on a network of about 50,000
segments. The places are the default dataset's units and facilities (``data/equity.duckdb``,
or the default dataset built into a temporary directory); the network is a SYNTHETIC
perturbed grid drawn over their bounding box (about 300 m blocks; every fourth line a 县道,
every eighth a 乡道 between them, the rest 村道; 5 % one-way; a few 国道 diagonals) — a
workload of the county's size, not Kaijiang's roads. Times are the best of ``--repeat``
runs with the network already built (it is built once per roads register and cached); the
first-use costs (graph weights, snapping index) are printed on their own. The peer in the
same run is the straight-line model on the same places; the ratio is road ÷ straight.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from bench.timing import best
from etl import db, paths, store
from metrics import settings, travel
from metrics.geo import haversine_km
from metrics.indicators import evaluate, prepare
from metrics.network import NetworkModel
from metrics.report import county_town

TARGET_S = 1.0


def synthetic_county(lat0: float, lat1: float, lon0: float, lon1: float, side: int,
                     seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A perturbed ``side`` x ``side`` grid of roads over the box, with diagonals."""
    rng = np.random.default_rng(seed)
    i, j = np.divmod(np.arange(side * side), side)
    dlat, dlon = (lat1 - lat0) / (side - 1), (lon1 - lon0) / (side - 1)
    lat = lat0 + i * dlat + rng.uniform(-0.2, 0.2, side * side) * dlat
    lon = lon0 + j * dlon + rng.uniform(-0.2, 0.2, side * side) * dlon
    nodes = pd.DataFrame({"node_id": np.arange(side * side, dtype=np.int64), "lon": lon,
                          "lat": lat})
    ids = np.arange(side * side).reshape(side, side)
    line_h = np.repeat(np.arange(side), side - 1)  # row of each horizontal segment
    line_v = np.tile(np.arange(side), side - 1)  # column of each vertical segment
    u = np.concatenate([ids[:, :-1].ravel(), ids[:-1, :].ravel()])
    v = np.concatenate([ids[:, 1:].ravel(), ids[1:, :].ravel()])
    line = np.concatenate([line_h, line_v])
    cls = np.where(line % 4 == 0, "secondary", np.where(line % 8 == 2, "tertiary",
                                                        "unclassified")).astype(object)
    # a few fast diagonals (国道) corner to corner
    diag = np.arange(side - 1)
    du = np.concatenate([ids[diag, diag], ids[diag, side - 1 - diag]])
    dv = np.concatenate([ids[diag + 1, diag + 1], ids[diag + 1, side - 2 - diag]])
    u, v = np.concatenate([u, du]), np.concatenate([v, dv])
    cls = np.concatenate([cls, np.full(len(du), "trunk", dtype=object)])
    length = haversine_km(lat[u], lon[u], lat[v], lon[v]) * 1000.0
    edges = pd.DataFrame({"u": u, "v": v, "length_m": length, "road_class": cls,
                          "oneway": rng.choice([0] * 18 + [1, -1], size=len(u)),
                          "maxspeed_kph": np.nan, "ferry": False})
    return nodes, edges


def run(db_path: Path, side: int, repeat: int) -> None:
    frames = store.read_frames(db_path)
    units, fac = frames["units"], frames["facilities"]
    town = county_town(frames["townships"])
    pts = pd.concat([units[["lat", "lon"]], fac[["lat", "lon"]]]).dropna()
    m = 0.02
    nodes, edges = synthetic_county(pts["lat"].min() - m, pts["lat"].max() + m,
                                    pts["lon"].min() - m, pts["lon"].max() + m, side)
    villages = units[["lat", "lon"]]
    places = fac[["lat", "lon"]]
    print(f"synthetic network over the county's box: {len(nodes):,} nodes, {len(edges):,} "
          f"segments (not Kaijiang's roads); {len(villages)} units x {len(places)} facilities")
    t0 = time.perf_counter()
    model = NetworkModel.from_frames(nodes, edges)
    build = time.perf_counter() - t0
    t0 = time.perf_counter()
    for mode in settings.MODES:
        model.network.edge_minutes(mode)
        model.snap_m(villages, mode)
    first = time.perf_counter() - t0
    rows = []

    def fresh() -> NetworkModel:
        # the same network (graph weights and snapping made once) without remembered searches
        return NetworkModel(model.network)

    for mode in settings.MODES:  # each mode alone, on a model that remembers no search
        t_net, mat = best(lambda mode=mode: fresh().matrix(villages, places, mode), repeat)
        t_st, _ = best(lambda mode=mode: travel.STRAIGHT.matrix(villages, places, mode), repeat)
        rows.append((f"matrix {mode} (alone)", t_net, t_st,
                     f"{np.isinf(mat).mean():.1%} unreachable"))

    def every_mode(m) -> None:
        for mode in settings.MODES:
            m.matrix(villages, places, mode)

    # every mode in one pass: modes whose segment times are proportional (the walking modes;
    # bicycle and e-bike) share one search (NetworkModel._proportional)
    total_net, _ = best(lambda: every_mode(fresh()), repeat)
    total_st, _ = best(lambda: every_mode(travel.STRAIGHT), repeat)
    rows.append(("every mode's matrix, one pass", total_net, total_st,
                 f"target < {TARGET_S:g} s: {total_net < TARGET_S}"))
    t_pn, p_net = best(lambda: prepare(units, fac, county_town=town, model=model), repeat)
    t_ps, p_st = best(lambda: prepare(units, fac, county_town=town), repeat)
    t_en, _ = best(lambda: evaluate(p_net), repeat)
    t_es, _ = best(lambda: evaluate(p_st), repeat)
    over = {"speed_walk_kmh": 4.0, "speed_car_kmh": 45.0}
    t_on, _ = best(lambda: evaluate(p_net, over), 1)
    t_os, _ = best(lambda: evaluate(p_st, over), 1)
    n_ind = len(p_net.catalogue)
    rows.append((f"indicators.prepare ({n_ind} indicators)", t_pn, t_ps, ""))
    rows.append(("indicators.evaluate (defaults)", t_en, t_es, ""))
    rows.append(("indicators.evaluate (new speeds)", t_on, t_os, ""))
    rows.append(("all indicators: prepare + evaluate", t_pn + t_en, t_ps + t_es,
                 f"target < {TARGET_S:g} s: {t_pn + t_en < TARGET_S}"))
    width = max(len(r[0]) for r in rows)
    print(f"network built once: {build:.3f} s; graph weights + snapping index, every mode "
          f"(first use): {first:.3f} s")
    print(f"{'step':<{width}}  {'roads s':>8}  {'straight s':>10}  {'ratio':>6}  note")
    for label, a, b, note in rows:
        print(f"{label:<{width}}  {a:8.3f}  {b:10.4f}  {a / b:6.1f}  {note}")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", default=None, help="database (default data/equity.duckdb)")
    ap.add_argument("--side", type=int, default=160, help="grid side (160: ~51,000 segments)")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    path = Path(args.db) if args.db else paths.DEFAULT_DB
    if path.exists():
        run(path, args.side, args.repeat)
        return
    with tempfile.TemporaryDirectory() as tmp:
        built = Path(tmp) / "equity.duckdb"
        print(f"{path.name} missing: building the default dataset into a temporary directory")
        db.build(built)
        run(built, args.side, args.repeat)


if __name__ == "__main__":
    main()
