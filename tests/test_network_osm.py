"""Travel times on real OpenStreetMap data, checked against networkx.

The data: ``tests/fixtures/sample.osm.pbf`` shipped inside the pyogrio package (a few streets
in England). © OpenStreetMap contributors, available under the Open Database License (ODbL
1.0, https://www.openstreetmap.org/copyright). It is read with the roads reader and built
into a network WITHOUT the county clip (it lies far outside 开江县, and is never Kaijiang's
network); then:

* the connectivity the loader reports equals networkx's connected components;
* car and walking times between node pairs, from :class:`metrics.network.RoadNetwork`'s
  graph and from :class:`metrics.network.NetworkModel` with places put on the nodes, equal
  networkx's Dijkstra on a graph whose weights this test computes on its own from the
  segment lengths and the class speeds written out below.
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import numpy as np
import pytest
from scipy.sparse.csgraph import dijkstra

from etl import road_graph, roads
from metrics import settings
from metrics.network import NetworkModel, RoadNetwork

SAMPLE_OSM = Path(__import__("pyogrio").__file__).parent / "tests" / "fixtures" / "sample.osm.pbf"

pytestmark = pytest.mark.skipif(not SAMPLE_OSM.exists(),
                                reason="pyogrio's sample OSM file is not installed")

#: Car km/h by class at the default settings, written out independently of
#: metrics.road_speeds (its table, docs/roads.md); None: no cars.
CAR_KMH = {"motorway": 90.0, "secondary": 40.0, "tertiary": 30.0, "residential": 25.0,
           "service": 15.0, "footway": None, "cycleway": None}
WALK_KMH = 4.5  # speed_walk_kmh's default; every class here but the motorway is walkable


@pytest.fixture(scope="module")
def osm():
    read = roads.read_roads(SAMPLE_OSM)
    net = road_graph.build(read.ways, None)  # no clip: tests only, not Kaijiang's network
    return net


def reference_graph(edges, mode: str) -> nx.DiGraph:
    """The mode's directed graph, minutes from lengths and the speeds above (cheapest of
    parallel segments)."""
    g = nx.DiGraph()
    for u, v, length, cls, oneway in edges[["u", "v", "length_m", "road_class",
                                             "oneway"]].itertuples(index=False):
        if mode == "car":
            kmh = CAR_KMH[cls]
            if kmh is None:
                continue
            pairs = [(u, v)] if oneway == 1 else [(v, u)] if oneway == -1 else [(u, v), (v, u)]
        else:
            if cls == "motorway":
                continue
            kmh, pairs = WALK_KMH, [(u, v), (v, u)]
        w = length / 1000.0 / kmh * 60.0
        for a, b in pairs:
            if not g.has_edge(a, b) or g[a][b]["weight"] > w:
                g.add_edge(a, b, weight=w)
    return g


def test_the_defaults_the_reference_assumes():
    assert settings.get("speed_walk_kmh") == WALK_KMH and settings.get("speed_car_kmh") == 40.0


def test_read_without_clip_and_connectivity_equals_networkx(osm):
    s = osm.stats
    assert (s["ways"], s["nodes"], s["segments"], s["segments_outside"]) == (36, 154, 158, 0)
    assert osm.edges["maxspeed_kph"].isna().all()  # class speeds everywhere
    g = nx.Graph()
    g.add_nodes_from(osm.nodes["node_id"])
    for u, v, length in osm.edges[["u", "v", "length_m"]].itertuples(index=False):
        g.add_edge(u, v, length=g[u][v]["length"] + length if g.has_edge(u, v) else length)
    pieces = list(nx.connected_components(g))
    lengths = sorted((g.subgraph(p).size(weight="length") for p in pieces), reverse=True)
    assert s["pieces"] == len(pieces) == 4 and s["pieces_not_connected"] == 3
    assert s["largest_share_length"] == pytest.approx(lengths[0] / sum(lengths), rel=1e-9)
    assert s["km_total"] == pytest.approx(osm.edges["length_m"].sum() / 1000, abs=1e-3)


@pytest.mark.parametrize("mode", ["car", "walk"])
def test_segment_minutes_equal_the_independent_speeds(osm, mode):
    rn = RoadNetwork.from_frames(osm.nodes, osm.edges)
    fwd, bwd = rn.edge_minutes(mode)
    e = osm.edges
    for i, (length, cls, oneway) in enumerate(e[["length_m", "road_class",
                                                 "oneway"]].itertuples(index=False)):
        kmh = CAR_KMH[cls] if mode == "car" else (None if cls == "motorway" else WALK_KMH)
        want = np.inf if kmh is None else length / 1000.0 / kmh * 60.0
        want_back = np.inf if mode == "car" and oneway == 1 else want
        assert (fwd[i], bwd[i]) == pytest.approx((want, want_back), rel=1e-12)


@pytest.mark.parametrize("mode", ["car", "walk"])
def test_graph_times_equal_networkx_dijkstra(osm, mode):
    rn = RoadNetwork.from_frames(osm.nodes, osm.edges)
    ref = reference_graph(osm.edges, mode)
    ids = rn.node_id
    sources = [i for i in np.random.default_rng(7).permutation(len(ids))
               if ids[i] in ref][:12]
    dist = dijkstra(rn.graph(mode), indices=sources)
    checked = reached = 0
    for row, s in zip(dist, sources, strict=True):
        want = nx.single_source_dijkstra_path_length(ref, ids[s], weight="weight")
        for j, node in enumerate(ids):
            expected = want.get(node, np.inf)
            assert row[j] == pytest.approx(expected, rel=1e-9, abs=1e-12), (ids[s], node)
            checked += 1
            reached += np.isfinite(expected)
    assert checked == 12 * len(ids) and 0 < reached < checked  # some pairs unreachable


@pytest.mark.parametrize("mode", ["car", "walk"])
def test_model_times_between_places_on_nodes_equal_networkx(osm, mode):
    """Places put exactly on road nodes (no off-road leg) of two-way segments the mode may
    join at (never a motorway); the model's minutes equal networkx's node-to-node times."""
    model = NetworkModel.from_frames(osm.nodes, osm.edges)
    ref = reference_graph(osm.edges, mode)
    e = osm.edges
    join_ok = (e["road_class"] != "motorway") & (e["oneway"] == 0)
    if mode == "car":
        join_ok &= e["road_class"].map(CAR_KMH).notna()
    bad = set(e.loc[~join_ok & (e["road_class"] != "motorway"), ["u", "v"]].to_numpy().ravel())
    good = sorted(set(e.loc[join_ok, ["u", "v"]].to_numpy().ravel()) - bad)
    rng = np.random.default_rng(11)
    pick = rng.choice(good, size=16, replace=False)
    nodes = osm.nodes.set_index("node_id").loc[pick]
    snap = model.snap_m(nodes, mode)
    assert snap == pytest.approx(np.zeros(len(pick)), abs=1e-6)
    got = model.matrix(nodes.iloc[:8], nodes.iloc[8:], mode)
    finite = 0
    for i, a in enumerate(pick[:8]):
        for j, b in enumerate(pick[8:]):
            try:
                want = nx.dijkstra_path_length(ref, a, b, weight="weight")
            except nx.NetworkXNoPath:
                want = np.inf
            assert got[i, j] == pytest.approx(want, rel=1e-9, abs=1e-6), (a, b)
            finite += np.isfinite(want)
    assert finite > 0
    near = model.nearest(nodes.iloc[:8], nodes.iloc[8:])
    quickest = near.minutes(mode)
    assert quickest == pytest.approx(got.min(axis=1), rel=1e-9, abs=1e-6)
