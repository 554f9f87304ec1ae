"""Coordinates: Chinese map datums, written formats, swapped axes and the county area.

Registers carry points copied from Amap/Tencent (GCJ-02), Baidu (BD-09) or GPS
(WGS-84), written as decimals or degrees-minutes-seconds. Everything is brought
to WGS-84 decimal degrees here, where the data enters, and nowhere deeper.

GCJ-02 uses the standard public formula (Krasovsky ellipsoid, a = 6378245 m,
e² = 0.00669342162296594323), applied only inside China's rough bounding box.
The inverse is solved by fixed-point iteration, not the usual one-step
approximation. BD-09 adds Baidu's public offset on top of GCJ-02.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import shapely
from shapely.geometry import shape

from etl.values import CODE, as_arrow, cast_if_plain, codes_to_series, plain_decimals

_A = 6378245.0
_EE = 0.00669342162296594323
_X_PI = np.pi * 3000.0 / 180.0
CRS_CODES: tuple[str, ...] = ("wgs84", "gcj02", "bd09")


def _arrays(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    return np.asarray(lon, dtype="float64"), np.asarray(lat, dtype="float64")


def in_china(lon, lat) -> np.ndarray:
    """Rough bounding box of China where the GCJ-02 offset applies (NaN -> False)."""
    lon, lat = _arrays(lon, lat)
    return (lon >= 72.004) & (lon <= 137.8347) & (lat >= 0.8293) & (lat <= 55.8271)


def _offset(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """GCJ-02 offset in degrees at a WGS-84 point (the public formula)."""
    x, y = lon - 105.0, lat - 35.0
    dlat = (-100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
            + (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
            + (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
            + (160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0)
    dlon = (300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
            + (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
            + (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
            + (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0)
    radlat = lat / 180.0 * np.pi
    magic = 1.0 - _EE * np.sin(radlat) ** 2
    sqrtmagic = np.sqrt(magic)
    dlat = dlat * 180.0 / ((_A * (1.0 - _EE)) / (magic * sqrtmagic) * np.pi)
    dlon = dlon * 180.0 / (_A / sqrtmagic * np.cos(radlat) * np.pi)
    inside = in_china(lon, lat)
    return np.where(inside, dlon, 0.0), np.where(inside, dlat, 0.0)


def wgs84_to_gcj02(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """WGS-84 to GCJ-02 (Amap, Tencent); points outside China are returned unchanged.

    Examples
    --------
    >>> x, y = wgs84_to_gcj02(107.865457, 31.083848)
    >>> round(float(x), 5), round(float(y), 5)
    (107.86979, 31.08139)
    """
    lon, lat = _arrays(lon, lat)
    dlon, dlat = _offset(lon, lat)
    return lon + dlon, lat + dlat


def gcj02_to_wgs84(lon, lat, *, tol: float = 1e-9, max_iter: int = 30) -> tuple[np.ndarray, np.ndarray]:
    """GCJ-02 to WGS-84, exact inverse of :func:`wgs84_to_gcj02` by fixed-point iteration.

    Solves ``w + offset(w) = g`` with ``w <- g - offset(w)`` until the forward
    transform of ``w`` is within `tol` degrees of the input (about 0.1 mm at 1e-9).

    Examples
    --------
    >>> x, y = gcj02_to_wgs84(107.869794, 31.081393)
    >>> round(float(x), 6), round(float(y), 6)
    (107.865457, 31.083848)
    """
    glon, glat = _arrays(lon, lat)
    wlon, wlat = glon.copy(), glat.copy()
    for _ in range(max_iter):
        dlon, dlat = _offset(wlon, wlat)
        nlon, nlat = glon - dlon, glat - dlat
        change = np.nanmax(np.abs(np.concatenate([np.ravel(nlon - wlon), np.ravel(nlat - wlat)])),
                           initial=0.0)
        wlon, wlat = nlon, nlat
        if change < tol:
            break
    return wlon, wlat


def gcj02_to_bd09(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """GCJ-02 to BD-09 (Baidu)."""
    x, y = _arrays(lon, lat)
    z = np.sqrt(x * x + y * y) + 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) + 0.000003 * np.cos(x * _X_PI)
    return z * np.cos(theta) + 0.0065, z * np.sin(theta) + 0.006


def bd09_to_gcj02(lon, lat, *, tol: float = 1e-10, max_iter: int = 20) -> tuple[np.ndarray, np.ndarray]:
    """BD-09 to GCJ-02: the public approximate inverse, refined by fixed-point iteration.

    Examples
    --------
    >>> bx, by = gcj02_to_bd09(107.8698, 31.0814)
    >>> x, y = bd09_to_gcj02(bx, by)
    >>> abs(float(x) - 107.8698) < 1e-9 and abs(float(y) - 31.0814) < 1e-9
    True
    """
    blon, blat = _arrays(lon, lat)
    x, y = blon - 0.0065, blat - 0.006
    z = np.sqrt(x * x + y * y) - 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) - 0.000003 * np.cos(x * _X_PI)
    glon, glat = z * np.cos(theta), z * np.sin(theta)
    for _ in range(max_iter):
        flon, flat = gcj02_to_bd09(glon, glat)
        elon, elat = flon - blon, flat - blat
        glon, glat = glon - elon, glat - elat
        if np.nanmax(np.abs(np.concatenate([np.ravel(elon), np.ravel(elat)])), initial=0.0) < tol:
            break
    return glon, glat


def wgs84_to_bd09(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """WGS-84 to BD-09."""
    return gcj02_to_bd09(*wgs84_to_gcj02(lon, lat))


def bd09_to_wgs84(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """BD-09 to WGS-84."""
    return gcj02_to_wgs84(*bd09_to_gcj02(lon, lat))


def to_wgs84(lon, lat, crs: str) -> tuple[np.ndarray, np.ndarray]:
    """Convert points in `crs` (``'wgs84'``, ``'gcj02'`` or ``'bd09'``) to WGS-84.

    Examples
    --------
    >>> to_wgs84([107.0], [31.0], "wgs84")
    (array([107.]), array([31.]))
    """
    if crs == "wgs84":
        return _arrays(lon, lat)
    if crs == "gcj02":
        return gcj02_to_wgs84(lon, lat)
    if crs == "bd09":
        return bd09_to_wgs84(lon, lat)
    raise ValueError(f"unknown coordinate system {crs!r}; valid: {', '.join(CRS_CODES)}")


def detect_crs(texts: Iterable[str]) -> str | None:
    """A coordinate system named in header or note texts (高德/GCJ, 百度/BD-09, WGS/GPS), or None.

    Examples
    --------
    >>> detect_crs(["名称", "经度（高德）", "纬度（高德）"])
    'gcj02'
    """
    found = set()
    for t in texts:
        t = str(t).lower()
        if any(k in t for k in ("gcj", "高德", "火星", "腾讯", "amap")):
            found.add("gcj02")
        if any(k in t for k in ("bd09", "bd-09", "百度", "baidu")):
            found.add("bd09")
        if any(k in t for k in ("wgs", "gps", "天地图", "cgcs2000")):
            found.add("wgs84")
    return found.pop() if len(found) == 1 else None


# --- written coordinates ----------------------------------------------------

_HEMI = {"e": "lon", "w": "lon", "n": "lat", "s": "lat", "东经": "lon", "西经": "lon",
         "北纬": "lat", "南纬": "lat"}
_NEG = {"w", "s", "西经", "南纬"}
_DEC_RE = (r"^(?P<pre>[neswNESW]|东经|西经|北纬|南纬)?\s*(?P<num>[+-]?(?:\d+(?:\.\d*)?|\.\d+))"
           r"\s*°?\s*(?P<post>[neswNESW])?$")
_DMS_RE = re.compile(
    r"^(?P<pre>[nesw]|东经|西经|北纬|南纬)?\s*(?P<sign>[+-])?"
    r"(?P<d>\d+(?:\.\d+)?)\s*(?:°|度|:|\s)\s*"
    r"(?:(?P<m>\d+(?:\.\d+)?)\s*(?:'|分|:|\s)?\s*"
    r"(?:(?P<s>\d+(?:\.\d+)?)\s*(?:\"|''|秒)?)?)?\s*(?P<post>[nesw])?$"
)
_DMS_MARKS = str.maketrans({"º": "°", "˚": "°", "′": "'", "’": "'", "‘": "'", "″": '"',
                            "”": '"', "“": '"', "：": ":"})


def _axis_ok(hemi: str | None, axis: str) -> bool:
    return not hemi or _HEMI[hemi.lower()] == axis


def _parse_dms(text: str, axis: str) -> float | None:
    """One degrees-minutes-seconds text to decimal degrees, None if malformed."""
    t = unicodedata.normalize("NFKC", text).translate(_DMS_MARKS).strip().lower()
    t = t.replace("''", '"')
    m = _DMS_RE.match(t)
    if not m or (m["pre"] and m["post"]):
        return None
    hemi = m["pre"] or m["post"]
    if not _axis_ok(hemi, axis) or (hemi and m["sign"]):
        return None
    d, mi, s = m["d"], m["m"], m["s"]
    if mi is None:
        return None  # a bare number is decimal, handled elsewhere
    if "." in d or (s is not None and "." in mi):
        return None  # only the last part may have decimals
    deg, mins, secs = float(d), float(mi), float(s) if s is not None else 0.0
    if mins >= 60 or secs >= 60:
        return None
    value = deg + mins / 60.0 + secs / 3600.0
    if (hemi and hemi.lower() in _NEG) or m["sign"] == "-":
        value = -value
    return value


def parse_coordinates(s: pd.Series, axis: str) -> tuple[pd.Series, pd.Series]:
    """Parse written longitudes or latitudes to decimal degrees.

    Decimal: ``"107.8652"``, ``"107.8652°"``, ``"E107.86"``, ``"东经107.86"``.
    Degrees-minutes-seconds: ``"107°52′13.2″E"``, ``"31°05′N"``, ``"107度52分13秒"``,
    ``"31:05:30"``. S and W give negative values. Malformed values (``"107.86.5"``,
    ``"abc"``, minutes or seconds >= 60, a hemisphere of the other axis) are errors,
    never guessed. Missing markers of :data:`etl.values.MISSING_TOKENS` are missing.

    Parameters
    ----------
    s : pd.Series
        Text values.
    axis : {'lon', 'lat'}

    Returns
    -------
    values : pd.Series
        float64 decimal degrees, NaN where missing or invalid.
    errors : pd.Series
        ``bad_coordinate``, ``coordinate_out_of_range`` or NA.

    Examples
    --------
    >>> v, e = parse_coordinates(pd.Series(["107.8652", "107°52′13.2″E", "107度52分", "107.86.5"]),
    ...                          "lon")
    >>> v.round(6).tolist()[:3], e.tolist()
    ([107.8652, 107.870333, 107.866667], [nan, nan, nan, 'bad_coordinate'])
    """
    if axis not in ("lon", "lat"):
        raise ValueError("axis must be 'lon' or 'lat'")
    values, errors = parse_coordinates_arrow(as_arrow(s), axis)
    return pd.Series(values, index=s.index), codes_to_series(errors, s.index)


def parse_coordinates_arrow(arr: pa.Array, axis: str) -> tuple[np.ndarray, np.ndarray]:
    """The kernel of :func:`parse_coordinates` on an arrow string array.

    Returns float64 decimal degrees (NaN where missing or invalid) and int8 error
    codes (0 = fine; names in :data:`etl.values.CODE_NAMES`).
    """
    if axis not in ("lon", "lat"):
        raise ValueError("axis must be 'lon' or 'lat'")
    from etl.values import MISSING_TOKENS

    n = len(arr)
    values = np.full(n, np.nan)
    errors = np.zeros(n, dtype=np.int8)
    valid = pc.is_valid(arr).to_numpy(zero_copy_only=False)
    # fast path: a plain decimal number
    fast = cast_if_plain(arr, signed=True)
    if fast is not None:
        simple, values = valid, fast
    elif (simple := plain_decimals(arr, signed=True)).all():
        values = np.array(pc.cast(arr, pa.float64()).to_numpy(zero_copy_only=False))
    elif simple.any():
        values[simple] = pc.cast(pc.filter(arr, pa.array(simple)), pa.float64()).to_numpy(
            zero_copy_only=False)
    rest = np.flatnonzero(valid & ~simple)
    if len(rest):
        enc = pc.dictionary_encode(arr.take(pa.array(rest)))
        uniq = enc.dictionary.to_pylist()
        u_val = np.full(len(uniq), np.nan)
        u_err = np.zeros(len(uniq), dtype=np.int8)
        missing = set(MISSING_TOKENS)
        dec = re.compile(_DEC_RE)
        for i, text in enumerate(uniq):
            t = unicodedata.normalize("NFKC", text).strip()
            if t.lower() in missing:
                continue
            m = dec.match(t)
            v = None
            if m and not (m["pre"] and m["post"]):
                hemi = m["pre"] or m["post"]
                if _axis_ok(hemi, axis) and not (hemi and m["num"][0] in "+-"):
                    v = float(m["num"]) * (-1.0 if hemi and hemi.lower() in _NEG else 1.0)
            elif not m:
                v = _parse_dms(t, axis)
            if v is None:
                u_err[i] = CODE["bad_coordinate"]
            else:
                u_val[i] = v
        idx = enc.indices.to_numpy(zero_copy_only=False)
        values[rest] = u_val[idx]
        errors[rest] = u_err[idx]
    limit = 180.0 if axis == "lon" else 90.0
    out = np.abs(values) > limit
    values[out] = np.nan
    errors[out] = CODE["coordinate_out_of_range"]
    return values, errors


def split_lonlat(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Split combined ``"经度,纬度"`` cells into longitude and latitude texts.

    Separators: ``,``  ``，``  ``;``  ``；``  ``、`` or whitespace; surrounding brackets
    are dropped. The parts stay text, for :func:`parse_coordinates`. A cell that cannot
    be split is returned whole as the longitude text with an NA latitude, so that
    parsing reports it instead of silently losing it.

    Examples
    --------
    >>> lon, lat = split_lonlat(pd.Series(["107.86,31.08", "107.86，31.08", "(107.86 31.08)"]))
    >>> lon.tolist(), lat.tolist()
    (['107.86', '107.86', '107.86'], ['31.08', '31.08', '31.08'])
    """
    text = s.astype("str").str.strip().str.strip("()（）[]【】 ")
    parts = text.str.extract(r"^([^,，;；、]+?)\s*[,，;；、]\s*([^,，;；、]+)$")
    spaced = text.str.extract(r"^(\S+)\s+(\S+)$")
    lon = parts[0].fillna(spaced[0]).fillna(text)
    lat = parts[1].fillna(spaced[1])
    return lon.astype("str").rename(None), lat.astype("str").rename(None)


def fix_swapped(lon, lat, bbox: tuple[float, float, float, float]
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Swap longitude and latitude where only the swapped point lies in `bbox`.

    Parameters
    ----------
    lon, lat : array-like
    bbox : (min_lon, min_lat, max_lon, max_lat)

    Returns
    -------
    lon, lat : np.ndarray
        Fixed coordinates.
    swapped : np.ndarray
        Boolean mask of the rows that were swapped (report as ``swapped_fixed``).

    Examples
    --------
    >>> fix_swapped([31.08, 107.8], [107.86, 31.1], (107.5, 30.7, 108.2, 31.4))
    (array([107.86, 107.8 ]), array([31.08, 31.1 ]), array([ True, False]))
    """
    lon, lat = _arrays(lon, lat)
    x0, y0, x1, y1 = bbox

    def inside(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        return (x >= x0) & (x <= x1) & (y >= y0) & (y <= y1)

    swap = inside(lat, lon) & ~inside(lon, lat)
    return np.where(swap, lat, lon), np.where(swap, lon, lat), swap


class Area:
    """The county boundary plus a buffer, for fast vectorised point-in-area tests.

    The buffer is applied in a local equirectangular plane (km), so `buffer_km`
    is a true distance to within a fraction of a percent at county scale.

    Parameters
    ----------
    geometry : dict
        GeoJSON geometry (Polygon or MultiPolygon), WGS-84.
    buffer_km : float
        Tolerance around the boundary.

    Examples
    --------
    >>> a = Area({"type": "Polygon", "coordinates": [[[107, 31], [108, 31], [108, 32],
    ...                                              [107, 32], [107, 31]]]}, buffer_km=2)
    >>> a.contains([107.5, 106.99, 106.9], [31.5, 31.5, 31.5]).tolist()
    [True, True, False]
    """

    def __init__(self, geometry: dict, buffer_km: float = 2.0):
        geom = shape(geometry)
        lat0 = geom.centroid.y
        kx = 111.320 * np.cos(np.radians(lat0))
        ky = 110.574
        plane = shapely.transform(geom, lambda xy: xy * np.array([kx, ky]))
        buffered = plane.buffer(buffer_km, quad_segs=8) if buffer_km > 0 else plane
        self.geometry = shapely.transform(buffered, lambda xy: xy / np.array([kx, ky]))
        shapely.prepare(self.geometry)
        self.buffer_km = buffer_km
        self.bbox: tuple[float, float, float, float] = tuple(
            float(v) for v in self.geometry.bounds)
        self._cells: np.ndarray | None = None

    #: Cells per side of the grid that answers most points of a large batch without
    #: a polygon test, and the batch size from which the grid is worth building.
    GRID_CELLS = 64
    GRID_MIN_POINTS = 20_000
    _OUT, _IN, _EDGE = np.int8(0), np.int8(1), np.int8(2)

    def _grid(self) -> np.ndarray:
        """Per cell of a regular grid over the bbox: wholly outside, wholly inside, or on the edge.

        A cell counts as inside or outside only when the cell grown by a margin is, so a
        point that rounding puts in a neighbouring cell is still classed correctly; every
        point of an edge cell gets the exact polygon test.
        """
        if self._cells is None:
            x0, y0, x1, y1 = self.bbox
            k = self.GRID_CELLS
            dx, dy = (x1 - x0) / k, (y1 - y0) / k
            ix, iy = np.meshgrid(np.arange(k), np.arange(k), indexing="ij")
            margin = 1e-3 * min(dx, dy)
            boxes = shapely.box(x0 + ix * dx - margin, y0 + iy * dy - margin,
                                x0 + (ix + 1) * dx + margin, y0 + (iy + 1) * dy + margin)
            cells = np.full((k, k), self._EDGE, dtype=np.int8)
            cells[shapely.contains_properly(self.geometry, boxes)] = self._IN
            cells[~shapely.intersects(self.geometry, boxes)] = self._OUT
            self._cells = cells
        return self._cells

    def contains(self, lon, lat) -> np.ndarray:
        """True where the point lies inside the buffered area (NaN -> False).

        Exactly ``shapely.contains_xy`` on the area; for a large batch a grid answers the
        points of cells wholly inside or outside and only the rest are tested.
        """
        lon, lat = _arrays(lon, lat)
        x0, y0, x1, y1 = self.bbox
        cand = (lon >= x0) & (lon <= x1) & (lat >= y0) & (lat <= y1)
        out = np.zeros(lon.shape, dtype=bool)
        n_cand = int(cand.sum())
        if n_cand >= self.GRID_MIN_POINTS and x1 > x0 and y1 > y0:
            pos = np.flatnonzero(cand)
            k = self.GRID_CELLS
            cx, cy = lon.ravel()[pos], lat.ravel()[pos]
            ix = np.clip(((cx - x0) * (k / (x1 - x0))).astype(np.int64), 0, k - 1)
            iy = np.clip(((cy - y0) * (k / (y1 - y0))).astype(np.int64), 0, k - 1)
            state = self._grid()[ix, iy]
            hit = state == self._IN
            edge = np.flatnonzero(state == self._EDGE)
            if len(edge):
                hit[edge] = shapely.contains_xy(self.geometry, cx[edge], cy[edge])
            out.ravel()[pos] = hit
        elif n_cand:
            out[cand] = shapely.contains_xy(self.geometry, lon[cand], lat[cand])
        return out
