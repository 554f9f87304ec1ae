"""The province case (issue 14, item 7): counties cut with a buffer, computed one by one (and
in parallel processes), merged — equal to the whole network's answer wherever the best
route stays within the buffer, and never better than it anywhere.

The world: a made-up 2 × 2 grid of square counties (0.1° ≈ 10 km a side, near the
equator) under one road grid every 0.005° (≈ 556 m) of 县道/乡道/村道 at random (seeded), with
villages and clinics scattered at random. Not anybody's roads.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from metrics import access, partition
from metrics.network import NetworkModel

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))

import province  # noqa: E402

COUNTIES = {"sw": (0.0, 0.0, 0.1, 0.1), "se": (0.1, 0.0, 0.2, 0.1),
            "nw": (0.0, 0.1, 0.1, 0.2), "ne": (0.1, 0.1, 0.2, 0.2)}
TOP_KMH = 40.0  # the fastest class of the grid: 县道 (secondary) by car


@pytest.fixture(scope="module")
def world():
    rng = np.random.default_rng(5)
    step, side = 0.005, 45  # from -0.01° to 0.21°: a margin round the counties
    i, j = np.divmod(np.arange(side * side), side)
    nodes = pd.DataFrame({"node_id": np.arange(side * side) + 1000,
                          "lon": -0.01 + j * step, "lat": -0.01 + i * step})
    ids = nodes["node_id"].to_numpy().reshape(side, side)
    u = np.concatenate([ids[:, :-1].ravel(), ids[:-1, :].ravel()])
    v = np.concatenate([ids[:, 1:].ravel(), ids[1:, :].ravel()])
    edges = pd.DataFrame({"u": u, "v": v, "length_m": step * 111_195.0,
                          "road_class": rng.choice(["secondary", "tertiary", "unclassified"],
                                                   size=len(u), p=[0.3, 0.3, 0.4])})
    origins = pd.DataFrame({"lon": rng.uniform(0, 0.2, 300), "lat": rng.uniform(0, 0.2, 300),
                            "demand": rng.integers(50, 2000, 300)})
    dests = pd.DataFrame({"lon": rng.uniform(-0.005, 0.205, 60),
                          "lat": rng.uniform(-0.005, 0.205, 60),
                          "supply": rng.integers(1, 20, 60)})
    return nodes, edges, origins, dests


def test_every_origin_in_one_county_and_the_buffer_takes_neighbours(world):
    nodes, _, origins, dests = world
    tasks = partition.plan(COUNTIES, nodes["lat"], nodes["lon"], origins["lat"], origins["lon"],
                           dests["lat"], dests["lon"], buffer_km=5.0)
    assert sorted(t.county for t in tasks) == sorted(COUNTIES)
    got = np.sort(np.concatenate([t.origins for t in tasks]))
    assert got.tolist() == list(range(len(origins)))
    for t in tasks:  # a county's own nodes and more, never the whole grid
        x0, y0, x1, y1 = COUNTIES[t.county]
        lon, lat = nodes["lon"].to_numpy()[t.nodes], nodes["lat"].to_numpy()[t.nodes]
        own = ((nodes["lon"] >= x0) & (nodes["lon"] <= x1) & (nodes["lat"] >= y0)
               & (nodes["lat"] <= y1)).sum()
        assert own < len(t.nodes) < len(nodes)
        assert lon.min() == pytest.approx(max(x0 - 0.045, -0.01), abs=0.006)  # 5 km ≈ 0.045°
        assert lat.max() == pytest.approx(min(y1 + 0.045, 0.21), abs=0.006)


@pytest.mark.parametrize("workers", [1, 2])
def test_nearest_by_county_equals_the_whole_network_within_the_buffer(world, workers):
    nodes, edges, origins, dests = world
    whole = NetworkModel.from_frames(nodes, edges).nearest(origins, dests)
    w_index, w_min = whole.search("car")
    buffer_km = 6.0
    index, minutes = province.run_nearest(nodes, edges, origins, dests, COUNTIES, "car",
                                          buffer_km=buffer_km, workers=workers)
    assert np.isfinite(minutes).all()
    # a sub-network has fewer paths: never quicker than the whole (the off-road legs differ
    # by ~1e-6: snapping's local plane is centred on each network)
    assert (minutes >= w_min * (1 - 1e-5)).all()
    # a trip of t minutes at ≤ TOP_KMH stays within t × TOP_KMH ÷ 60 km of its start
    # (the off-road legs are slower still): inside the buffer, the answers are the same
    sure = w_min * TOP_KMH / 60.0 <= buffer_km
    assert sure.mean() > 0.8
    assert minutes[sure] == pytest.approx(w_min[sure], rel=1e-5)
    assert (index[sure] == w_index[sure]).all()


def test_2sfca_by_county_equals_the_whole_network_with_the_reach_as_buffer(world):
    nodes, edges, origins, dests = world
    max_min = 12.0
    model = NetworkModel.from_frames(nodes, edges)
    o, d, m = model.within(origins, dests, 0.0).pairs("car", max_min)
    whole = access.two_step_fca_arrays(origins["demand"], dests["supply"], o, d, m, max_min)
    buffer_km = partition.buffer_for(max_min, TOP_KMH)
    po, pd_, pm = province.run_pairs(nodes, edges, origins, dests, COUNTIES, "car", max_min,
                                     buffer_km=buffer_km, workers=2)
    assert (po.tolist(), pd_.tolist()) == (o.tolist(), d.tolist())
    assert pm == pytest.approx(m, rel=1e-5)
    got = province.run_2sfca(nodes, edges, origins, dests, COUNTIES, "car", max_min,
                             buffer_km=buffer_km)
    assert got.access == pytest.approx(whole.access, rel=1e-9)
    assert got.ratio == pytest.approx(whole.ratio, rel=1e-9)
    # a facility near a border draws demand from more than one county
    home = partition.county_of(COUNTIES, origins["lat"], origins["lon"])
    shared = pd.Series(home[o]).groupby(d).nunique()
    assert (shared > 1).any()


def test_the_command_line_driver(world, tmp_path):
    nodes, edges, origins, dests = world
    for name, df in (("nodes", nodes), ("edges", edges), ("origins", origins),
                     ("facilities", dests)):
        df.to_csv(tmp_path / f"{name}.csv", index=False)
    feats = [{"type": "Feature", "properties": {"name": k},
              "geometry": {"type": "Polygon", "coordinates": [[[x0, y0], [x1, y0], [x1, y1],
                                                                [x0, y1], [x0, y0]]]}}
             for k, (x0, y0, x1, y1) in COUNTIES.items()]
    (tmp_path / "counties.geojson").write_text(
        json.dumps({"type": "FeatureCollection", "features": feats}), "utf-8")
    args = [f"--{n}={tmp_path / f'{n}.csv'}" for n in ("nodes", "edges", "origins",
                                                         "facilities")]
    assert province.main([*args, f"--counties={tmp_path / 'counties.geojson'}",
                          f"--out={tmp_path / 'out.csv'}", "--workers=1",
                          "--buffer-km=5"]) == 0
    out = pd.read_csv(tmp_path / "out.csv")
    expected = province.run_nearest(nodes, edges, origins, dests, COUNTIES, "car",
                                    buffer_km=5.0)[1]
    assert out["minutes"].to_numpy() == pytest.approx(expected)
    assert province.main([*args, f"--counties={tmp_path / 'counties.geojson'}",
                          f"--out={tmp_path / 'access.csv'}", "--workers=1", "--task=2sfca",
                          "--max-min=12"]) == 0
    got = pd.read_csv(tmp_path / "access.csv")["access"].to_numpy()
    assert got == pytest.approx(province.run_2sfca(nodes, edges, origins, dests, COUNTIES,
                                                   "car", 12.0).access)
