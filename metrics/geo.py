"""Great-circle distances and spatial queries on WGS-84 longitude/latitude points.

Distances are on a sphere of radius :data:`EARTH_RADIUS_KM` = 6371.0088 km, the
mean earth radius R1 = (2a + b) / 3 of the WGS-84 ellipsoid (Moritz 2000,
*Geodetic Reference System 1980*). On the ellipsoid the true (geodesic) distance
differs from the spherical one by at most about 0.5 %.

Nearest-neighbour and radius queries use :class:`scipy.spatial.cKDTree` on 3-D
unit vectors: for two points on the unit sphere the straight-line (chord)
distance ``c`` and the central angle ``θ`` are related by ``c = 2 sin(θ / 2)``,
so the great-circle distance is exactly ``d = 2 R asin(c / 2)`` and a radius
``r`` on the sphere is the chord ``2 sin(r / 2R)``. The tree therefore returns
exact great-circle results, not an approximation.
"""

from __future__ import annotations

from itertools import chain

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.spatial import cKDTree

#: Mean earth radius R1 of WGS-84 in kilometres.
EARTH_RADIUS_KM: float = 6371.0088

__all__ = [
    "EARTH_RADIUS_KM",
    "chord_to_km",
    "haversine_km",
    "km_to_chord",
    "nearest_km",
    "pairs_within_km",
    "to_unit_vectors",
]


def haversine_km(
    lat1: ArrayLike, lon1: ArrayLike, lat2: ArrayLike, lon2: ArrayLike
) -> NDArray[np.float64]:
    """Great-circle distance in km between points given in degrees; arrays broadcast.

    .. math:: d = 2R \\arcsin\\sqrt{\\sin^2\\frac{\\Delta\\varphi}{2}
              + \\cos\\varphi_1\\cos\\varphi_2\\sin^2\\frac{\\Delta\\lambda}{2}}

    with R = 6371.0088 km (WGS-84 mean radius).

    Examples
    --------
    One degree of latitude:

    >>> round(float(haversine_km(0.0, 0.0, 1.0, 0.0)), 3)
    111.195

    Broadcasting one point against two:

    >>> haversine_km(31.0, 108.0, [31.0, 32.0], [108.0, 108.0]).round(1)
    array([  0. , 111.2])
    """
    p1 = np.radians(np.asarray(lat1, dtype=np.float64))
    p2 = np.radians(np.asarray(lat2, dtype=np.float64))
    dlat = p2 - p1
    dlon = np.radians(np.asarray(lon2, dtype=np.float64) - np.asarray(lon1, dtype=np.float64))
    h = np.sin(dlat / 2.0) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlon / 2.0) ** 2
    return 2.0 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


def to_unit_vectors(lat: ArrayLike, lon: ArrayLike) -> NDArray[np.float64]:
    """Points in degrees as an ``(n, 3)`` array of unit vectors (x, y, z).

    Examples
    --------
    >>> to_unit_vectors([0.0, 90.0], [0.0, 0.0]).round(6) + 0.0
    array([[1., 0., 0.],
           [0., 0., 1.]])
    """
    la = np.radians(np.atleast_1d(np.asarray(lat, dtype=np.float64)))
    lo = np.radians(np.atleast_1d(np.asarray(lon, dtype=np.float64)))
    cos_la = np.cos(la)
    out = np.empty((la.shape[0], 3), dtype=np.float64)
    out[:, 0] = cos_la * np.cos(lo)
    out[:, 1] = cos_la * np.sin(lo)
    out[:, 2] = np.sin(la)
    return out


def chord_to_km(chord: ArrayLike) -> NDArray[np.float64]:
    """Chord length on the unit sphere → great-circle km: ``d = 2R asin(c / 2)``.

    Examples
    --------
    >>> round(float(chord_to_km(2.0)), 1)  # antipodes: half the circumference
    20015.1
    """
    c = np.asarray(chord, dtype=np.float64)
    return 2.0 * EARTH_RADIUS_KM * np.arcsin(np.clip(c / 2.0, 0.0, 1.0))


def km_to_chord(dist_km: float) -> float:
    """Great-circle km → chord on the unit sphere: ``c = 2 sin(d / 2R)``.

    Examples
    --------
    >>> round(km_to_chord(111.19), 6)
    0.017452
    """
    half_angle = min(float(dist_km) / (2.0 * EARTH_RADIUS_KM), np.pi / 2.0)
    return 2.0 * float(np.sin(half_angle))


def _check_pair(lat: ArrayLike, lon: ArrayLike, name: str) -> tuple[np.ndarray, np.ndarray]:
    la = np.atleast_1d(np.asarray(lat, dtype=np.float64))
    lo = np.atleast_1d(np.asarray(lon, dtype=np.float64))
    if la.ndim != 1 or la.shape != lo.shape:
        raise ValueError(f"{name}: lat and lon must be 1-D arrays of the same length")
    if np.any(~np.isfinite(la)) or np.any(~np.isfinite(lo)):
        raise ValueError(f"{name}: coordinates must be finite (drop missing points first)")
    if np.any(np.abs(la) > 90.0):
        raise ValueError(f"{name}: latitude outside [-90, 90]; are lat and lon swapped?")
    return la, lo


def nearest_km(
    src_lat: ArrayLike,
    src_lon: ArrayLike,
    dst_lat: ArrayLike,
    dst_lon: ArrayLike,
    k: int = 1,
    workers: int = -1,
) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """The ``k`` nearest destinations of each source, by great-circle distance.

    A :class:`scipy.spatial.cKDTree` on unit vectors finds the smallest chord
    ``c``; the distance is converted exactly with ``d = 2R asin(c / 2)``.

    Parameters
    ----------
    src_lat, src_lon, dst_lat, dst_lon
        Coordinates in degrees (WGS-84), finite.
    k
        Number of neighbours. With ``k == 1`` the outputs are 1-D, else ``(n, k)``.
    workers
        Threads for the query (``-1``: all cores).

    Returns
    -------
    dist_km, index
        Distances in km and positions in the destination arrays. Where there are
        fewer than ``k`` destinations the missing neighbours are ``inf`` / ``-1``.

    Examples
    --------
    >>> d, i = nearest_km([31.0], [108.0], [31.0, 31.5, 35.0], [108.1, 108.0, 108.0])
    >>> d.round(2), i
    (array([9.53]), array([0]))
    """
    if k < 1:
        raise ValueError("k must be at least 1")
    s_la, s_lo = _check_pair(src_lat, src_lon, "source")
    d_la, d_lo = _check_pair(dst_lat, dst_lon, "destination")
    n = s_la.shape[0]
    shape = (n,) if k == 1 else (n, k)
    if n == 0 or d_la.shape[0] == 0:
        return np.full(shape, np.inf), np.full(shape, -1, dtype=np.int64)
    tree = cKDTree(to_unit_vectors(d_la, d_lo), balanced_tree=False)
    chord, idx = tree.query(to_unit_vectors(s_la, s_lo), k=k, workers=workers)
    idx = np.asarray(idx, dtype=np.int64)
    missing = idx >= d_la.shape[0]
    dist_km = np.where(missing, np.inf, chord_to_km(np.where(missing, 0.0, chord)))
    idx[missing] = -1
    return dist_km.reshape(shape), idx.reshape(shape)


def pairs_within_km(
    src_lat: ArrayLike,
    src_lon: ArrayLike,
    dst_lat: ArrayLike,
    dst_lon: ArrayLike,
    radius_km: float,
    workers: int = -1,
    chunk_size: int = 32_768,
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]]:
    """Every (source, destination) pair within ``radius_km`` great-circle distance.

    A sort-based grid join, all in numpy: destinations are sorted by latitude
    row (rows a quarter of the radius high) then longitude; for each source and
    each row in reach, the longitude window that can hold points within the
    radius follows from the haversine formula,

    .. math:: \\operatorname{hav}\\Delta\\lambda \\le
              \\frac{\\operatorname{hav}(r/R) - \\operatorname{hav}\\Delta\\varphi_{\\min}}
                   {\\cos\\varphi_s \\, \\min_{\\text{row}} \\cos\\varphi},

    and is found with ``np.searchsorted``; candidates are then checked with the
    exact haversine distance. Sources whose window crosses the antimeridian or
    a pole are answered by :class:`scipy.spatial.cKDTree.query_ball_point` on
    unit vectors (chord radius ``2 sin(r / 2R)``). Unlike ``query_ball_point``
    for all sources, no Python lists are built, so 18 million pairs take seconds
    and about 30 bytes each.

    Returns
    -------
    src_idx, dst_idx, dist_km
        Positions in the source and destination arrays and the distance of each
        pair in km, in no particular order (sort if you need one).

    Examples
    --------
    >>> s, d, km = pairs_within_km([31.0, 40.0], [108.0, 108.0],
    ...                            [31.0, 31.05, 31.5], [108.0, 108.0, 108.0], 10.0)
    >>> s.tolist(), d.tolist(), km.round(2).tolist()
    ([0, 0], [0, 1], [0.0, 5.56])
    """
    if not radius_km >= 0:
        raise ValueError("radius_km must be non-negative")
    s_la, s_lo = _check_pair(src_lat, src_lon, "source")
    d_la, d_lo = _check_pair(dst_lat, dst_lon, "destination")
    n_src, n_dst = s_la.shape[0], d_la.shape[0]
    empty = (np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, np.float64))
    if n_src == 0 or n_dst == 0:
        return empty
    ang = float(radius_km) / EARTH_RADIUS_KM
    if ang >= 0.5:  # continental radii: the grid buys nothing, use the tree for all
        return _pairs_kdtree(s_la, s_lo, d_la, d_lo, np.arange(n_src), radius_km, workers)

    # destinations sorted by (row, quantised longitude) in one int64 key
    row_h = max(ang / _ROWS_PER_RADIUS, 1e-7)
    phi_d, lam_d = np.radians(d_la), np.radians(d_lo)
    key_d = _grid_key(_row_of(phi_d, row_h), _lon_q(lam_d, np.floor))
    order = np.argsort(key_d)
    key_d = key_d[order]
    xyz_d = to_unit_vectors(d_la[order], d_lo[order]).T.copy()
    c2_max = km_to_chord(radius_km) ** 2 * (1.0 + 1e-9)

    # sources visited in grid order, so that the searches and gathers stay local
    phi_s_all, lam_s_all = np.radians(s_la), np.radians(s_lo)
    src_order = np.argsort(_grid_key(_row_of(phi_s_all, row_h), _lon_q(lam_s_all, np.floor)))
    xyz_s_all = to_unit_vectors(s_la, s_lo).T.copy()
    offsets = np.arange(2 * _ROWS_PER_RADIUS + 2)
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    fallback: list[np.ndarray] = []
    for start in range(0, n_src, chunk_size):
        ids = src_order[start:start + chunk_size]
        phi_s, lam_s = phi_s_all[ids], lam_s_all[ids]
        cos_s = np.cos(phi_s)
        # rows in reach of each source: (n, n_offsets)
        rows = _row_of(phi_s - ang, row_h)[:, None] + offsets[None, :]
        in_reach = rows <= _row_of(phi_s + ang, row_h)[:, None]
        band_lo = rows * row_h - np.pi / 2.0
        band_hi = band_lo + row_h
        dphi_min = np.maximum(0.0, np.maximum(band_lo - phi_s[:, None], phi_s[:, None] - band_hi))
        cos_min = np.clip(np.minimum(np.cos(band_lo), np.cos(band_hi)), 0.0, 1.0)
        denom = cos_s[:, None] * cos_min
        with np.errstate(divide="ignore", invalid="ignore"):
            rhs = (np.sin(ang / 2.0) ** 2 - np.sin(dphi_min / 2.0) ** 2) / denom
        in_reach &= rhs >= 0.0
        half = 2.0 * np.arcsin(np.sqrt(np.clip(rhs, 0.0, 1.0)))
        lo = lam_s[:, None] - half
        hi = lam_s[:, None] + half
        # windows that wrap round the antimeridian or reach a pole go to the tree
        bad = (in_reach & ((rhs >= 1.0) | (denom <= 0.0) | (lo < -np.pi) | (hi > np.pi))).any(axis=1)
        if bad.any():
            fallback.append(ids[bad])
            in_reach[bad] = False
        key_lo = _grid_key(rows[in_reach], _lon_q(lo[in_reach], np.floor) - 1)
        key_hi = _grid_key(rows[in_reach], _lon_q(hi[in_reach], np.ceil) + 1)
        first = np.searchsorted(key_d, key_lo, side="left")
        count = np.searchsorted(key_d, key_hi, side="right") - first
        owner = np.broadcast_to(np.arange(ids.shape[0])[:, None], rows.shape)[in_reach]
        total = int(count.sum())
        if total == 0:
            continue
        # expand the ranges into candidate pairs and keep those within the chord
        dst_pos = np.arange(total) + np.repeat(first - (np.cumsum(count) - count), count)
        c2 = np.zeros(total)
        for axis in range(3):
            diff = xyz_d[axis][dst_pos] - np.repeat(xyz_s_all[axis][ids][owner], count)
            c2 += diff * diff
        keep = np.flatnonzero(c2 <= c2_max)
        km = chord_to_km(np.sqrt(c2[keep]))
        exact = km <= radius_km
        keep = keep[exact]
        src_loc = np.repeat(owner, count)[keep]
        parts.append((ids[src_loc], order[dst_pos[keep]], km[exact]))
    if fallback:
        parts.append(_pairs_kdtree(s_la, s_lo, d_la, d_lo, np.concatenate(fallback),
                                   radius_km, workers))
    if not parts:
        return empty
    src_idx = np.concatenate([p[0] for p in parts]).astype(np.int64, copy=False)
    dst_idx = np.concatenate([p[1] for p in parts]).astype(np.int64, copy=False)
    dist_km = np.concatenate([p[2] for p in parts])
    return src_idx, dst_idx, dist_km


_ROWS_PER_RADIUS = 4
_LON_STEPS = 2.0**32


def _row_of(phi: np.ndarray, row_h: float) -> np.ndarray:
    return np.floor((phi + np.pi / 2.0) / row_h).astype(np.int64)


def _lon_q(lam: np.ndarray, rounding) -> np.ndarray:
    return rounding((lam + np.pi) / (2.0 * np.pi) * _LON_STEPS).astype(np.int64)


def _grid_key(row: np.ndarray, lon_q: np.ndarray) -> np.ndarray:
    return row * (2**33) + lon_q


def _pairs_kdtree(
    s_la: np.ndarray, s_lo: np.ndarray, d_la: np.ndarray, d_lo: np.ndarray,
    ids: np.ndarray, radius_km: float, workers: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs within the radius for the sources ``ids``, by ``cKDTree.query_ball_point``."""
    # a hair of slack on the chord so pairs exactly at the radius are kept; trimmed below
    chord = km_to_chord(radius_km) * (1.0 + 1e-12) + 1e-15
    tree = cKDTree(to_unit_vectors(d_la, d_lo), balanced_tree=False)
    hits = tree.query_ball_point(to_unit_vectors(s_la[ids], s_lo[ids]), chord,
                                 workers=workers, return_sorted=False)
    counts = np.fromiter(map(len, hits), dtype=np.int64, count=ids.shape[0])
    dst = np.fromiter(chain.from_iterable(hits), dtype=np.int64, count=int(counts.sum()))
    src = np.repeat(ids.astype(np.int64), counts)
    km = haversine_km(s_la[src], s_lo[src], d_la[dst], d_lo[dst])
    keep = km <= radius_km
    return src[keep], dst[keep], km[keep]
