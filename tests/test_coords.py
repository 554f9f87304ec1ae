"""Coordinate systems, written formats, swapped axes and the county area."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from etl import paths
from etl.coords import (
    Area,
    bd09_to_gcj02,
    bd09_to_wgs84,
    detect_crs,
    fix_swapped,
    gcj02_to_bd09,
    gcj02_to_wgs84,
    parse_coordinates,
    split_lonlat,
    to_wgs84,
    wgs84_to_bd09,
    wgs84_to_gcj02,
)


def _ring(path: Path) -> np.ndarray:
    geom = json.loads(path.read_text("utf-8"))["features"][0]["geometry"]
    return np.array(geom["coordinates"][0])


def test_boundary_gcj02_to_wgs84_matches_reference_file():
    g, w = _ring(paths.BOUNDARY_GCJ02), _ring(paths.BOUNDARY_WGS84)
    lon, lat = gcj02_to_wgs84(g[:, 0], g[:, 1])
    # the reference file is rounded to 6 decimals: at most 5e-7 degree from the exact inverse
    assert np.abs(lon - w[:, 0]).max() <= 5.1e-7
    assert np.abs(lat - w[:, 1]).max() <= 5.1e-7
    # the one-step approximation would be off by ~1.4e-5 degree (~1.5 m)
    flon, flat = wgs84_to_gcj02(g[:, 0], g[:, 1])
    assert np.abs((2 * g[:, 0] - flon) - w[:, 0]).max() > 1e-5


def test_round_trips():
    rng = np.random.default_rng(7)
    lon, lat = rng.uniform(73, 135, 5000), rng.uniform(18, 53, 5000)
    back = gcj02_to_wgs84(*wgs84_to_gcj02(lon, lat))
    assert np.abs(back[0] - lon).max() < 1e-7 and np.abs(back[1] - lat).max() < 1e-7
    back = bd09_to_gcj02(*gcj02_to_bd09(lon, lat))
    assert np.abs(back[0] - lon).max() < 1e-6 and np.abs(back[1] - lat).max() < 1e-6
    back = bd09_to_wgs84(*wgs84_to_bd09(lon, lat))
    assert np.abs(back[0] - lon).max() < 1e-6 and np.abs(back[1] - lat).max() < 1e-6


def test_gcj02_offset_size_and_outside_china():
    x, y = wgs84_to_gcj02(107.865457, 31.083848)  # 淙城街道 reference point
    assert (float(x), float(y)) == pytest.approx((107.869794, 31.081393), abs=1e-6)
    x, y = wgs84_to_gcj02([2.35], [48.85])  # Paris: unchanged
    assert (x[0], y[0]) == (2.35, 48.85)


@pytest.mark.parametrize("crs", ["wgs84", "gcj02", "bd09"])
def test_to_wgs84(crs):
    lon, lat = np.array([107.8]), np.array([31.0])
    forward = {"wgs84": lambda a, b: (a, b), "gcj02": wgs84_to_gcj02, "bd09": wgs84_to_bd09}[crs]
    x, y = to_wgs84(*forward(lon, lat), crs)
    assert x[0] == pytest.approx(107.8, abs=1e-7) and y[0] == pytest.approx(31.0, abs=1e-7)


def test_to_wgs84_unknown():
    with pytest.raises(ValueError, match="wgs84"):
        to_wgs84([1], [2], "cgcs2000")


# DMS values worked out by hand: 52′ = 0.866667°, 13.2″ = 0.003667°
COORDS = [
    ("107.8652", "lon", 107.8652, None), ("107.8652°", "lon", 107.8652, None),
    ("E107.86", "lon", 107.86, None), ("107.86E", "lon", 107.86, None),
    ("东经107.86", "lon", 107.86, None), ("W107.5", "lon", -107.5, None),
    ("-107.5", "lon", -107.5, None),
    ("107°52′13.2″E", "lon", 107 + 52 / 60 + 13.2 / 3600, None),
    ("107°52'13.2\"E", "lon", 107 + 52 / 60 + 13.2 / 3600, None),
    ("107度52分13秒", "lon", 107 + 52 / 60 + 13 / 3600, None),
    ("107°52.5′", "lon", 107.875, None),
    ("107 52 13", "lon", 107 + 52 / 60 + 13 / 3600, None),
    ("31°05′N", "lat", 31 + 5 / 60, None), ("31:05:30", "lat", 31 + 5 / 60 + 30 / 3600, None),
    ("31°05′S", "lat", -(31 + 5 / 60), None), ("北纬31.08", "lat", 31.08, None),
    ("", "lon", None, None), ("—", "lon", None, None), (None, "lat", None, None),
    ("107.86.5", "lon", None, "bad_coordinate"), ("abc", "lon", None, "bad_coordinate"),
    ("107°60′", "lon", None, "bad_coordinate"), ("31°05′70″", "lat", None, "bad_coordinate"),
    ("31°05′N", "lon", None, "bad_coordinate"), ("E107.86", "lat", None, "bad_coordinate"),
    ("107,86", "lon", None, "bad_coordinate"), ("200", "lon", None, "coordinate_out_of_range"),
    ("95", "lat", None, "coordinate_out_of_range"),
]


@pytest.mark.parametrize(("text", "axis", "value", "error"), COORDS)
def test_parse_coordinates(text, axis, value, error):
    v, e = parse_coordinates(pd.Series([text], dtype=object), axis)
    assert (np.isnan(v[0]) if value is None else v[0] == pytest.approx(value, abs=1e-9))
    assert (pd.isna(e[0]) if error is None else e[0] == error)


@pytest.mark.parametrize(("text", "lon", "lat"), [
    ("107.86,31.08", "107.86", "31.08"), ("107.86，31.08", "107.86", "31.08"),
    ("107.86 31.08", "107.86", "31.08"), ("(107.86, 31.08)", "107.86", "31.08"),
    ("107°52′E；31°05′N", "107°52′E", "31°05′N"), ("abc", "abc", None), (None, None, None),
])
def test_split_lonlat(text, lon, lat):
    a, b = split_lonlat(pd.Series([text], dtype=object))
    assert (pd.isna(a[0]) if lon is None else a[0] == lon)
    assert (pd.isna(b[0]) if lat is None else b[0] == lat)


def test_fix_swapped():
    bbox = (107.5, 30.7, 108.2, 31.4)
    lon, lat, swapped = fix_swapped([31.08, 107.8, 10.0, np.nan], [107.86, 31.1, 20.0, 31.0], bbox)
    assert swapped.tolist() == [True, False, False, False]
    assert lon[:3].tolist() == [107.86, 107.8, 10.0] and lat[:3].tolist() == [31.08, 31.1, 20.0]


def test_area_contains_matches_shapely_and_buffer():
    geom = json.loads(paths.BOUNDARY_WGS84.read_text("utf-8"))["features"][0]["geometry"]
    exact = Area(geom, buffer_km=0)
    area = Area(geom, buffer_km=2)
    pts = pd.read_csv(paths.REFERENCE / "kaijiang_townships_2023.csv")
    lon, lat = pts["point_lon_wgs84_converted"], pts["point_lat_wgs84_converted"]
    assert exact.contains(lon, lat).all()
    assert not area.contains([104.06, 116.4, np.nan], [30.67, 39.9, 31.0]).any()
    rng = np.random.default_rng(3)
    x0, y0, x1, y1 = area.bbox
    x, y = rng.uniform(x0 - 0.1, x1 + 0.1, 3000), rng.uniform(y0 - 0.1, y1 + 0.1, 3000)
    import shapely
    naive = np.array([exact.geometry.contains(shapely.Point(a, b)) for a, b in zip(x, y, strict=True)])
    np.testing.assert_array_equal(exact.contains(x, y), naive)
    assert (area.contains(x, y) >= exact.contains(x, y)).all()  # buffer only adds
    # a point 1 km outside the boundary is inside the 2 km buffer, 3 km outside is not
    west = np.argmin(_ring(paths.BOUNDARY_WGS84)[:, 0])
    wx, wy = _ring(paths.BOUNDARY_WGS84)[west]
    km = 1 / (111.32 * np.cos(np.radians(wy)))
    assert area.contains([wx - 1 * km], [wy])[0] and not area.contains([wx - 3 * km], [wy])[0]


COUNTY = json.loads(paths.BOUNDARY_WGS84.read_text("utf-8"))["features"][0]["geometry"]
# a square with a square hole, and two squares apart (a MultiPolygon)
HOLED = {"type": "Polygon", "coordinates": [
    [[107, 31], [108, 31], [108, 32], [107, 32], [107, 31]],
    [[107.3, 31.3], [107.7, 31.3], [107.7, 31.7], [107.3, 31.7], [107.3, 31.3]]]}
TWO = {"type": "MultiPolygon", "coordinates": [
    [[[107, 31], [107.4, 31], [107.4, 31.4], [107, 31.4], [107, 31]]],
    [[[107.6, 31.6], [108, 31.6], [108, 32], [107.6, 32], [107.6, 31.6]]]]}


@pytest.mark.parametrize(("geom", "buffer_km"), [(COUNTY, 2), (COUNTY, 0), (HOLED, 0), (TWO, 0)])
def test_area_grid_gives_exactly_the_polygon_test(geom, buffer_km):
    """A large batch goes through the grid of inside/outside/edge cells; the answer is the
    polygon test's, point for point: random points, the boundary's own vertices (on the
    edge: not contained), points on the grid lines, on the bbox edges and NaN."""
    import shapely

    area = Area(geom, buffer_km=buffer_km)
    x0, y0, x1, y1 = area.bbox
    rng = np.random.default_rng(11)
    n = 60_000
    x = rng.uniform(x0 - 0.05, x1 + 0.05, n)
    y = rng.uniform(y0 - 0.05, y1 + 0.05, n)
    vertices = shapely.get_coordinates(shapely.boundary(area.geometry))
    k = Area.GRID_CELLS
    grid_x = np.repeat(x0 + np.arange(k + 1) * (x1 - x0) / k, 40)
    grid_y = np.repeat(y0 + np.arange(k + 1) * (y1 - y0) / k, 40)
    x = np.concatenate([x, vertices[:, 0], grid_x, rng.uniform(x0, x1, len(grid_y)), [x0, x1, np.nan]])
    y = np.concatenate([y, vertices[:, 1], rng.uniform(y0, y1, len(grid_x)), grid_y, [y0, y1, 31.0]])
    assert len(x) >= Area.GRID_MIN_POINTS
    got = area.contains(x, y)
    np.testing.assert_array_equal(got, shapely.contains_xy(area.geometry, x, y))
    # the grid was used, and it has cells of all three kinds
    cells = area._grid()
    assert {Area._IN, Area._OUT, Area._EDGE} <= set(np.unique(cells).tolist())
    assert got.any() and not got.all()


@pytest.mark.parametrize(("texts", "crs"), [
    (["经度（高德）"], "gcj02"), (["百度经度"], "bd09"), (["GPS经度"], "wgs84"), (["经度"], None),
])
def test_detect_crs(texts, crs):
    assert detect_crs(texts) == crs


def test_coordinate_kernel_agrees_with_one_value_at_a_time():
    """The arrow kernel on a whole column (with repeats) equals the table-driven cases."""
    import pyarrow as pa

    from etl.coords import parse_coordinates_arrow
    from etl.values import CODE_NAMES

    for axis in ("lon", "lat"):
        texts = [t for t, _, _, _ in COORDS] * 2
        vals, codes = parse_coordinates_arrow(pa.array(texts, pa.large_string()), axis)
        for i, text in enumerate(texts):
            v, e = parse_coordinates(pd.Series([text], dtype=object), axis)
            assert (np.isnan(vals[i]) and np.isnan(v[0])) or vals[i] == v[0], text
            assert CODE_NAMES[codes[i]] == (None if pd.isna(e[0]) else e[0]), text
