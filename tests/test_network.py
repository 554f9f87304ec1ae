"""The road-network travel model on hand-made tiny networks, times worked by hand.

The networks are drawn in metres on a local plane at the equator (lat 0, lon 100): made up
for the tests, not anybody's roads. At the defaults an off-road leg costs
metres × 1.3 (detour) ÷ 4.5 km/h (adult walking); a car on a 县道 (secondary) runs 40 km/h,
on a 乡道 (tertiary) 30 km/h.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from metrics import indicators, travel
from metrics.geo import EARTH_RADIUS_KM
from metrics.network import NetworkModel, RoadNetwork, far_from_road

R_M = EARTH_RADIUS_KM * 1000.0


def leg(m: float) -> float:
    """Minutes of an off-road leg of ``m`` straight metres at the defaults."""
    return m / 1000.0 * 1.3 / 4.5 * 60.0


def ll(x, y):
    """(lat, lon) arrays of points given in metres east (x) and north (y)."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    return np.degrees(y / R_M), 100.0 + np.degrees(x / R_M)


def places(*xy):
    lat, lon = ll([p[0] for p in xy], [p[1] for p in xy])
    return pd.DataFrame({"lat": lat, "lon": lon})


def world(points, segments):
    """``points``: {id: (x, y)}; ``segments``: (u, v, class[, oneway[, maxspeed[, ferry]]])."""
    ids = list(points)
    lat, lon = ll([points[i][0] for i in ids], [points[i][1] for i in ids])
    nodes = pd.DataFrame({"node_id": np.array(ids, dtype=np.int64), "lon": lon, "lat": lat})
    rows = []
    for s in segments:
        u, v, cls, oneway, maxspeed, ferry = (*s, 0, np.nan, False)[:6]
        (ux, uy), (vx, vy) = points[u], points[v]
        rows.append({"u": u, "v": v, "length_m": float(np.hypot(vx - ux, vy - uy)),
                     "road_class": cls, "oneway": oneway, "maxspeed_kph": maxspeed,
                     "ferry": ferry})
    return NetworkModel.from_frames(nodes, pd.DataFrame(rows))


STRAIGHT_ROAD = {1: (0.0, 0.0), 2: (10_000.0, 0.0)}


def test_straight_road_two_villages_known_minutes():
    m = world(STRAIGHT_ROAD, [(1, 2, "secondary")])
    v1, v2 = places((2000, 300)), places((8000, -400))
    # 6 km of 县道 at 40 km/h = 9 min, plus 300 m and 400 m off road
    assert m.matrix(v1, v2, "car")[0, 0] == pytest.approx(9.0 + leg(300) + leg(400))
    # on foot 6 km at 4.5 km/h = 80 min
    assert m.matrix(v1, v2, "walk")[0, 0] == pytest.approx(80.0 + leg(300) + leg(400))
    # children walk the road at 4 km/h (90 min); off-road legs stay at the adult speed
    assert m.matrix(v2, v1, "walk_child")[0, 0] == pytest.approx(90.0 + leg(300) + leg(400))
    assert m.snap_m(pd.concat([v1, v2])) == pytest.approx([300.0, 400.0])


def test_oneway_car_goes_round_walk_goes_straight():
    square = {1: (0.0, 0.0), 2: (2000.0, 0.0), 3: (2000.0, 2000.0), 4: (0.0, 2000.0)}
    m = world(square, [(1, 2, "tertiary", 1), (2, 3, "tertiary"), (3, 4, "tertiary"),
                       (4, 1, "tertiary")])
    p, q = places((500, -100)), places((1500, -100))
    legs = 2 * leg(100)
    # with the one-way street: 1 km at 30 km/h
    assert m.matrix(p, q, "car")[0, 0] == pytest.approx(2.0 + legs)
    # against it: 0.5 km on to node 2, round the square (6 km), 0.5 km back = 7 km, 14 min
    assert m.matrix(q, p, "car")[0, 0] == pytest.approx(14.0 + legs)
    assert m.matrix(q, p, "school_bus")[0, 0] == pytest.approx(14.0 / 0.75 + legs)
    # walking uses the one-way street both ways: 1 km at 4.5 km/h
    assert m.matrix(q, p, "walk")[0, 0] == pytest.approx(1 / 4.5 * 60 + legs)
    # oneway -1 runs along v -> u
    m2 = world(square, [(2, 1, "tertiary", -1), (2, 3, "tertiary"), (3, 4, "tertiary"),
                        (4, 1, "tertiary")])
    assert m2.matrix(p, q, "car")[0, 0] == pytest.approx(2.0 + legs)
    assert m2.matrix(q, p, "car")[0, 0] == pytest.approx(14.0 + legs)


def test_river_with_one_bridge_straight_line_understates():
    pts = {1: (0.0, 0.0), 2: (4000.0, 0.0), 3: (4000.0, 1000.0), 4: (0.0, 1000.0)}
    m = world(pts, [(1, 2, "tertiary"), (2, 3, "tertiary"), (3, 4, "tertiary")])
    s, n = places((0, -50)), places((0, 1050))
    net = m.matrix(s, n, "walk")[0, 0]
    assert net == pytest.approx(9 / 4.5 * 60 + 2 * leg(50))  # 4 + 1 + 4 km
    straight = travel.STRAIGHT.matrix(s, n, "walk")[0, 0]  # 1.1 km × 1.3 ÷ 4.5
    assert straight == pytest.approx(1.1 * 1.3 / 4.5 * 60, rel=1e-6)
    assert net > 5 * straight


def test_disconnected_pieces_are_unreachable_never_zero():
    pts = {1: (0.0, 0.0), 2: (1000.0, 0.0), 3: (0.0, 5000.0), 4: (1000.0, 5000.0)}
    m = world(pts, [(1, 2, "secondary"), (3, 4, "secondary")])
    a, b = places((500, 10)), places((500, 4990))
    both = pd.concat([a, b], ignore_index=True)
    for mode in ("car", "walk", "ebike"):
        mat = m.matrix(both, both, mode)
        assert mat[0, 1] == np.inf and mat[1, 0] == np.inf
        assert np.isfinite(np.diag(mat)).all() and (np.diag(mat) > 0).all()
    near = m.nearest(a, b)
    assert near.index.tolist() == [-1] and near.km.tolist() == [np.inf]
    assert near.minutes("car").tolist() == [np.inf]
    o, d, t = m.within(a, b, 50.0).pairs("car", 1e6)
    assert len(o) == len(d) == len(t) == 0


def test_place_three_km_from_any_road_is_flagged():
    m = world(STRAIGHT_ROAD, [(1, 2, "secondary")])
    ps = places((5000, 3000), (5000, 100))
    snap = m.snap_m(ps)
    assert snap == pytest.approx([3000.0, 100.0])
    assert far_from_road(snap).tolist() == [True, False]
    assert m.nearest(ps, places((0, 0))).snap_m == pytest.approx([3000.0, 100.0])
    # still joined, with a long walk to the road
    assert m.matrix(ps.iloc[[0]], places((5000, 0)), "car")[0, 0] == pytest.approx(
        leg(3000) + leg(0))


def test_mode_without_a_usable_road_is_unreachable():
    m = world(STRAIGHT_ROAD, [(1, 2, "footway")])
    a, b = places((1000, 10)), places((9000, 10))
    assert m.matrix(a, b, "car")[0, 0] == np.inf
    assert m.snap_m(a, "car").tolist() == [np.inf]
    assert far_from_road(m.snap_m(a, "car")).tolist() == [True]
    assert m.matrix(a, b, "walk")[0, 0] == pytest.approx(8 / 4.5 * 60 + 2 * leg(10))
    # bicycles keep off footways too
    assert m.matrix(a, b, "bicycle")[0, 0] == np.inf


def test_places_without_a_point():
    m = world(STRAIGHT_ROAD, [(1, 2, "secondary")])
    o = pd.DataFrame({"lat": [0.0, np.nan], "lon": [100.01, np.nan]})
    d = pd.DataFrame({"lat": [np.nan, 0.0], "lon": [np.nan, 100.05]})
    mat = m.matrix(o, d, "car")
    assert np.isnan(mat[1]).all() and np.isnan(mat[:, 0]).all() and np.isfinite(mat[0, 1])
    near = m.nearest(o, d)
    assert near.index.tolist() == [1, -1]
    assert np.isnan(near.minutes("walk")[1]) and np.isnan(near.km[1])


def _grid_world(seed: int = 3, n: int = 7):
    rng = np.random.default_rng(seed)
    pts = {i * n + j + 1: (i * 700.0 + rng.uniform(-150, 150), j * 700.0 + rng.uniform(-150, 150))
           for i in range(n) for j in range(n)}
    classes = ["primary", "secondary", "tertiary", "unclassified", "track", "path", "footway"]
    segs = []
    for i in range(n):
        for j in range(n):
            a = i * n + j + 1
            for b in ([a + n] if i + 1 < n else []) + ([a + 1] if j + 1 < n else []):
                if rng.uniform() < 0.15:
                    continue
                segs.append((a, b, classes[rng.integers(len(classes))],
                             int(rng.choice([0, 0, 0, 1, -1]))))
    m = world(pts, segs)
    o = places(*[tuple(p) for p in rng.uniform(-500, 4700, (40, 2))])
    d = places(*[tuple(p) for p in rng.uniform(0, 4200, (9, 2))])
    return m, o, d


@pytest.mark.parametrize("mode", ["car", "school_bus", "walk", "walk_older", "bicycle"])
def test_nearest_by_one_search_equals_brute_force_over_the_matrix(mode):
    m, o, d = _grid_world()
    mat = m.matrix(o, d, mode)
    near = m.nearest(o, d)
    idx, minutes = near.search(mode)
    np.testing.assert_allclose(minutes, mat.min(axis=1), rtol=1e-12)
    np.testing.assert_allclose(near.minutes(mode), mat.min(axis=1), rtol=1e-12)
    finite = np.isfinite(minutes)
    np.testing.assert_allclose(mat[np.flatnonzero(finite), idx[finite]], minutes[finite])
    assert (idx[~finite] == -1).all()
    # the road km of .km: a walk at 60 km/h on every road, legs × detour at 1 km per km
    km = near.km
    assert (km >= travel.distance_km(o, d).min(axis=1) - 1e-9).all()


def test_within_pairs_equal_filtering_the_matrix():
    m, o, d = _grid_world(seed=5)
    for mode, bound in (("car", 12.0), ("walk", 45.0), ("ebike", 20.0)):
        mat = m.matrix(o, d, mode)
        r, c = np.nonzero(mat <= bound)
        got = m.within(o, d, 50.0).pairs(mode, bound)
        assert got[0].tolist() == r.tolist() and got[1].tolist() == c.tolist()
        np.testing.assert_allclose(got[2], mat[r, c], rtol=1e-12)
        # and the cutoff of the matrix itself
        cut = m.matrix(o, d, mode, max_min=bound)
        np.testing.assert_array_equal(np.isfinite(cut), mat <= bound)


def test_matrix_in_small_chunks_equals_one_chunk():
    m, o, d = _grid_world(seed=7)
    small = NetworkModel(m.network, chunk_bytes=1)
    for mode in ("car", "walk"):
        np.testing.assert_array_equal(small.matrix(o, d, mode), m.matrix(o, d, mode))
        np.testing.assert_array_equal(small.matrix(d, o, mode), m.matrix(d, o, mode))


def test_maxspeed_overrides_the_class_speed_for_motor_modes_only():
    m = world(STRAIGHT_ROAD, [(1, 2, "secondary", 0, 80.0)])
    a, b = places((0, 0)), places((10_000, 0))
    assert m.matrix(a, b, "car")[0, 0] == pytest.approx(7.5)  # 10 km at 80, not 40
    assert m.matrix(a, b, "walk")[0, 0] == pytest.approx(10 / 4.5 * 60)
    assert m.matrix(a, b, "bicycle")[0, 0] == pytest.approx(10 / 12 * 60)
    # a school bus: 80 × 0.75 = 60, the 60 km/h cap of 校车安全管理条例 art. 35
    assert m.matrix(a, b, "school_bus")[0, 0] == pytest.approx(10.0)
    plain = world(STRAIGHT_ROAD, [(1, 2, "secondary")])
    assert plain.matrix(a, b, "car")[0, 0] == pytest.approx(15.0)
    assert plain.matrix(a, b, "school_bus")[0, 0] == pytest.approx(20.0)  # 40 × 0.75


def test_speed_settings_move_network_times():
    m = world(STRAIGHT_ROAD, [(1, 2, "secondary")])
    a, b = places((0, 200)), places((10_000, 200))
    base = m.matrix(a, b, "car")[0, 0]
    assert base == pytest.approx(15.0 + 2 * leg(200))
    # the adult walking speed sets the off-road legs (and nothing else of a car trip)
    slow = m.matrix(a, b, "car", {"speed_walk_kmh": 3.0})[0, 0]
    assert slow == pytest.approx(15.0 + 2 * 0.2 * 1.3 / 3.0 * 60)
    assert m.matrix(a, b, "car", {"detour_factor": 1.0})[0, 0] == pytest.approx(
        15.0 + 2 * 0.2 / 4.5 * 60)
    # the car speed scales every class: 50 ÷ 40
    assert m.matrix(a, b, "car", {"speed_car_kmh": 50.0})[0, 0] == pytest.approx(
        12.0 + 2 * leg(200))
    near = m.nearest(a, b)
    assert near.minutes("car", {"speed_walk_kmh": 3.0})[0] == pytest.approx(slow)
    assert near.minutes("car")[0] == pytest.approx(base)
    with pytest.raises(ValueError):
        m.matrix(a, b, "car", {"speed_car_kmh": 0.0})


def test_entry_point_splits_its_segment_and_places_share_it():
    m = world(STRAIGHT_ROAD, [(1, 2, "secondary", 1)])
    ps = places((1000, 0), (4000, 0), (7000, 0))
    mat = m.matrix(ps, ps, "car")
    assert mat[0, 1] == pytest.approx(4.5) and mat[1, 2] == pytest.approx(4.5)
    assert mat[0, 2] == pytest.approx(9.0)
    assert mat[2, 0] == np.inf  # one way, no way back
    assert np.diag(mat) == pytest.approx([0.0, 0.0, 0.0])


def test_ferry_and_steps():
    pts = {0: (-500.0, 0.0), 1: (0.0, 0.0), 2: (1000.0, 0.0), 3: (1500.0, 0.0),
           4: (1500.0, 500.0)}
    m = world(pts, [(0, 1, "tertiary"), (1, 2, "ferry"), (2, 3, "tertiary"), (3, 4, "steps")])
    a, b, c = places((-500, 0)), places((1500, 0)), places((1500, 500))
    # every mode crosses at 5 km/h: 12 min for 1 km; 0.5 km of 乡道 each side
    assert m.matrix(a, b, "car")[0, 0] == pytest.approx(12.0 + 2 * 1.0)
    assert m.matrix(b, a, "walk")[0, 0] == pytest.approx(12.0 + 2 * 0.5 / 4.5 * 60)
    # steps at half the walking speed; no car on steps: it walks from the road
    assert m.matrix(b, c, "walk")[0, 0] == pytest.approx(0.5 / 2.25 * 60)
    assert m.matrix(b, c, "car")[0, 0] == pytest.approx(leg(500))
    # nobody joins the network in the middle of a river
    assert m.snap_m(places((500, 300))) == pytest.approx([np.hypot(500, 300)])


def test_bad_frames_raise():
    nodes = pd.DataFrame({"node_id": [1, 2], "lon": [100.0, 100.01], "lat": [0.0, 0.0]})
    edge = {"u": [1], "v": [2], "length_m": [1000.0], "road_class": ["secondary"], "oneway": [0]}
    with pytest.raises(ValueError, match="unknown road classes"):
        RoadNetwork.from_frames(nodes, pd.DataFrame({**edge, "road_class": ["县道"]}))
    with pytest.raises(ValueError, match="not in nodes"):
        RoadNetwork.from_frames(nodes, pd.DataFrame({**edge, "v": [3]}))
    with pytest.raises(ValueError, match="oneway"):
        RoadNetwork.from_frames(nodes, pd.DataFrame({**edge, "oneway": [2]}))
    # optional columns may be left out
    RoadNetwork.from_frames(nodes, pd.DataFrame(edge).drop(columns="oneway"))


def test_inputs_are_not_modified():
    m, o, d = _grid_world()
    o0, d0 = o.copy(), d.copy()
    m.matrix(o, d, "car")
    m.nearest(o, d).minutes("walk")
    m.within(o, d, 10.0).pairs("car", 10.0)
    pd.testing.assert_frame_equal(o, o0)
    pd.testing.assert_frame_equal(d, d0)


def test_prepare_runs_on_a_tiny_world_with_hand_worked_minutes():
    m = world(STRAIGHT_ROAD, [(1, 2, "secondary")])
    u_lat, u_lon = ll([1000.0, 7000.0], [200.0, -300.0])
    units = pd.DataFrame({"code": ["a", "b"], "lat": u_lat, "lon": u_lon,
                          "township_code": ["t", "t"], "urban_rural": ["urban", "rural"],
                          "population": [100, 300], "pop_6_11": [10, 30]})
    f_lat, f_lon = ll([2000.0], [100.0])
    fac = pd.DataFrame({"id": ["s"], "type": ["primary"], "tier": ["township"],
                        "unit_code": ["a"], "township_code": ["t"], "lat": f_lat,
                        "lon": f_lon, "students": [40], "teachers": [4]})
    cat = [indicators.INDICATORS["edu_primary_walk_min"]]
    p = indicators.prepare(units, fac, catalogue=cat, model=m)
    got = p.base_values["edu_primary_walk_min"].to_numpy()
    # children walk the road at 4 km/h: 1 km = 15 min, 5 km = 75 min; legs at 4.5 km/h
    assert got == pytest.approx([15.0 + leg(200) + leg(100), 75.0 + leg(300) + leg(100)])
    # road km: 1 + 5 km, off-road legs × 1.3
    assert p.nearest_km.iloc[:, 0].to_numpy() == pytest.approx(
        [1.0 + 0.3 * 1.3, 5.0 + 0.4 * 1.3])
    table = indicators.evaluate(p, {"speed_walk_child_kmh": 5.0})
    assert table.values["edu_primary_walk_min"].to_numpy() == pytest.approx(
        [12.0 + leg(300), 60.0 + leg(400)])


def test_prepare_2sfca_catchment_follows_the_roads():
    m = world({1: (0.0, 0.0), 2: (40_000.0, 0.0)}, [(1, 2, "secondary")])
    u_lat, u_lon = ll([5000.0, 30_000.0], [200.0, 0.0])
    units = pd.DataFrame({"code": ["a", "b"], "lat": u_lat, "lon": u_lon,
                          "township_code": ["t", "t"], "urban_rural": ["urban", "rural"],
                          "population": [100, 300]})
    f_lat, f_lon = ll([1000.0], [0.0])
    fac = pd.DataFrame({"id": ["h"], "type": ["county_hospital"], "tier": ["county"],
                        "unit_code": ["a"], "township_code": ["t"], "lat": f_lat,
                        "lon": f_lon, "beds": [50]})
    key = "health_county_beds_2sfca_per_1000"
    p = indicators.prepare(units, fac, catalogue=[indicators.INDICATORS[key]], model=m)
    # a: 4 km of 县道 at 40 km/h = 6 min + its leg; b: 29 km = 43.5 min, beyond 30
    o, d, t = p.catchments[key].pairs.pairs("car", 30.0)
    assert o.tolist() == [0] and d.tolist() == [0]
    assert t == pytest.approx([6.0 + leg(200)])
    values = p.base_values[key].to_numpy()
    assert values[0] == pytest.approx(50 / 100 * 1000) and values[1] == 0.0
    # a faster car brings b inside: 29 km at 60 km/h = 29 min
    table = indicators.evaluate(p, {"speed_car_kmh": 60.0})
    assert table.values[key].to_numpy() == pytest.approx([50 / 400 * 1000] * 2)


def test_modes_with_proportional_segment_times_share_one_search():
    """Walking modes differ only by speed (bicycle and e-bike too): their matrices are the
    reference mode's junction-to-junction search scaled, plus the legs, which do not scale;
    equal to searching each mode on its own, on a random grid with steps, tracks, footways
    and one-way streets; a school bus held to its 60 km/h cap where cars may drive 120 is searched on its own."""
    import pandas as pd

    from metrics.network import NetworkModel
    from metrics.network_search import join

    rng = np.random.default_rng(7)
    n = 25
    xs, ys = np.meshgrid(np.arange(n), np.arange(n))
    nodes = pd.DataFrame({"node_id": np.arange(n * n), "lon": 107.8 + xs.ravel() * 0.003,
                          "lat": 31.0 + ys.ravel() * 0.003})
    u = [k for k in range(n * n) if k % n + 1 < n] + list(range(n * n - n))
    v = [k + 1 for k in range(n * n) if k % n + 1 < n] + [k + n for k in range(n * n - n)]
    edges = pd.DataFrame({"u": u, "v": v, "length_m": 300.0,
                          "road_class": rng.choice(["secondary", "unclassified", "track",
                                                    "footway", "steps"], len(u)),
                          "oneway": rng.choice([0, 0, 1], len(u))})
    model = NetworkModel.from_frames(nodes, edges)
    o = (31.0 + rng.random(20) * 0.07, 107.8 + rng.random(20) * 0.07)
    d = (31.0 + rng.random(30) * 0.07, 107.8 + rng.random(30) * 0.07)
    over = {"speed_walk_child_kmh": 3.3, "speed_ebike_kmh": 17.0}
    shared = {m: model._proportional(m, over) for m in
              ("walk", "walk_child", "walk_older", "bicycle", "ebike", "car", "school_bus")}
    assert shared["walk_child"][0] == "walk" and shared["ebike"][0] == "bicycle"
    # no motorway: no school-bus cap binds, the bus runs at 0.75 of the car speed (defaults)
    assert shared["school_bus"] == ("car", pytest.approx(1 / 0.75))
    for mode in shared:
        got = model.matrix(o, d, mode, over)
        q, _, _ = join(model.network, o, d, mode)
        want = np.full_like(got, np.inf)
        for rows, block in q.blocks(mode, over):
            want[rows] = block
        assert np.array_equal(np.isfinite(got), np.isfinite(want)), mode
        fin = np.isfinite(want)
        assert fin.any() and np.allclose(got[fin], want[fin], rtol=1e-12, atol=1e-9), mode
    edges["maxspeed_kph"] = np.nan
    edges.loc[0, ["road_class", "maxspeed_kph"]] = ["secondary", 120.0]  # bus capped at 60
    capped = NetworkModel.from_frames(nodes, edges)
    assert capped._proportional("school_bus", over) is None
