"""Read GeoJSON: a register's features as rows, or boundary polygons.

A feature's properties are its columns; its point (a Point, or a polygon's representative
point) gives ``lon``/``lat``; its geometry is kept per row in ``RawSheet.row_info``.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from etl.csv_reader import decode
from etl.header_rows import MIN_HEADER_MATCHES, count_matches, header_error
from etl.raw_sheet import RawSheet, cell_text, finish_sheet
from etl.read_errors import RegisterReadError, read_error, scrub


def _json_text(v: object) -> str | None:
    if isinstance(v, dict | list):
        return json.dumps(v, ensure_ascii=False)
    return cell_text(v)


#: GeoJSON geometry types read as a polygon's representative point.
POLYGON_TYPES: tuple[str, ...] = ("Polygon", "MultiPolygon")


def _feature_point(geom: object) -> tuple[str | None, str | None, str | None, str | None, float]:
    """The point a GeoJSON feature's geometry stands for, as the register would write it.

    Returns ``(lon, lat, geometry type, error, extent_m)``: a Point gives its coordinates;
    a Polygon/MultiPolygon its representative point (shapely ``representative_point``,
    always inside the shape) and ``extent_m``, half its bounding box's diagonal in metres
    (the point's precision); no geometry gives no point and no error. Any other type
    (LineString, MultiLineString, MultiPoint, …) is the error ``not_a_point``; a geometry
    that cannot be read (a Point without two coordinates, an invalid or empty polygon) is
    ``bad_geometry``.

    >>> _feature_point({"type": "Point", "coordinates": [107.8, 31.1]})
    ('107.8', '31.1', 'Point', None, nan)
    >>> _feature_point({"type": "LineString", "coordinates": [[107.8, 31.1], [107.9, 31.2]]})[2:4]
    ('LineString', 'not_a_point')
    >>> _feature_point({"type": "Polygon", "coordinates": [[[0, 0], [2, 0], [2, 2], [0, 2], [0, 0]]]})[:4]
    ('1', '1', 'Polygon', None)
    """
    if not isinstance(geom, dict) or not geom.get("type"):
        return None, None, None, None, float("nan")
    gtype = str(geom.get("type"))
    coords = geom.get("coordinates")
    if gtype == "Point":
        if isinstance(coords, list) and len(coords) >= 2 and all(
                isinstance(c, int | float | str) and not isinstance(c, bool) for c in coords[:2]):
            return _json_text(coords[0]), _json_text(coords[1]), gtype, None, float("nan")
        return None, None, gtype, "bad_geometry", float("nan")
    if gtype not in POLYGON_TYPES:
        return None, None, gtype, "not_a_point", float("nan")
    from shapely.geometry import shape

    try:
        shp = shape(geom)
        ok = shp.is_valid and not shp.is_empty
        pt = shp.representative_point() if ok else None
    except Exception:  # noqa: BLE001 - shapely/GEOS on malformed coordinates
        ok, pt = False, None
    if not ok or pt is None or pt.is_empty:
        return None, None, gtype, "bad_geometry", float("nan")
    x0, y0, x1, y1 = shp.bounds
    k = float(np.cos(np.radians(max(min(pt.y, 89.0), -89.0))))
    extent = 0.5 * float(np.hypot((x1 - x0) * 111_320.0 * k, (y1 - y0) * 110_574.0))
    return cell_text(pt.x), cell_text(pt.y), gtype, None, extent


def read_geojson(path: Path, kind: str, overrides: dict[str, str] | None = None,
                 name: str | None = None) -> RawSheet:
    """Features as rows: properties as columns, plus ``lon``/``lat`` from the geometry.

    The geometry of each row is kept in ``RawSheet.row_info`` (``geometry``: its type,
    ``geometry_error``: ``not_a_point``/``bad_geometry`` or None, ``extent_m``: a polygon's
    half diagonal), for :mod:`etl.validate` to reject lines and :mod:`etl.locate` to note polygons.
    """
    name = name or path.name
    raw = path.read_bytes()
    data, encoding = decode(raw, name)
    try:
        doc = json.loads(data.decode("utf-8"))
    except json.JSONDecodeError as exc:
        raise RegisterReadError(f"“{name}”不是有效的 JSON（{exc}）",
                                f'"{name}" is not valid JSON ({exc})') from exc
    if isinstance(doc, dict) and doc.get("type") == "Feature":
        features = [doc]
    elif isinstance(doc, dict) and doc.get("type") == "FeatureCollection":
        features = doc.get("features") or []
    else:
        raise RegisterReadError(f"“{name}”不是 GeoJSON FeatureCollection",
                                f'"{name}" is not a GeoJSON FeatureCollection')
    if not isinstance(features, list) or not all(isinstance(f, dict) for f in features):
        raise RegisterReadError(f"“{name}”的 features 不是要素列表",
                                f'the "features" of "{name}" are not a list of features')
    keys: dict[str, None] = {}
    for f in features:
        props = f.get("properties")
        keys.update(dict.fromkeys(props.keys() if isinstance(props, dict) else ()))
    names = [str(k) for k in keys]
    cols = {k: [] for k in keys}
    lon, lat, gtypes, gerrors, extents, polygons, bare = [], [], [], [], [], [], []
    for i, f in enumerate(features, start=1):
        props = f.get("properties")
        props = props if isinstance(props, dict) else {}
        for k in keys:
            cols[k].append(_json_text(props.get(k)))
        x, y, gtype, gerr, extent = _feature_point(f.get("geometry"))
        lon.append(x)
        lat.append(y)
        gtypes.append(gtype)
        gerrors.append(gerr)
        extents.append(extent)
        if gtype in POLYGON_TYPES and gerr is None:
            polygons.append(i)
        elif gtype is None:
            bare.append(i)
    columns = [*names, "lon", "lat"]
    if count_matches(columns, kind, overrides) < MIN_HEADER_MATCHES:
        raise header_error(name, kind, "（GeoJSON 属性）", overrides=overrides)
    arrays = [pa.array(v, pa.large_string()) for v in (*(cols[k] for k in keys), lon, lat)]
    table = pa.table({f"c{j}": a for j, a in enumerate(arrays)})
    info = {"geometry": np.array(gtypes, dtype=object),
            "geometry_error": np.array(gerrors, dtype=object),
            "extent_m": np.array(extents, dtype=float)}
    sheet = finish_sheet(name, None, columns, table, np.arange(1, len(features) + 1), encoding,
                         0, [], row_info=info)
    sheet.encoding = None
    if bare:
        shown = ", ".join(map(str, bare[:10])) + ("…" if len(bare) > 10 else "")
        sheet.skipped.insert(0, f"要素 {shown} 没有几何，无坐标 / feature {shown} has no geometry: "
                                "no coordinates")
    if polygons:
        shown = ", ".join(map(str, polygons[:10])) + ("…" if len(polygons) > 10 else "")
        sheet.skipped.insert(0, f"要素 {shown} 是面，取其代表点（面内一点）作为位置 / feature {shown}"
                                " is a polygon: located at its representative point (inside it)")
    return sheet


def read_boundaries(path: Path, name: str | None = None) -> pd.DataFrame:
    """Township (9-digit code) or unit (12-digit code) polygons from GeoJSON.

    Any failure is a :class:`etl.read_errors.RegisterReadError` naming the file as ``name``.
    """
    name = name or path.name
    try:
        return _boundary_rows(path, name)
    except RegisterReadError:
        raise
    except Exception as exc:  # noqa: BLE001 - every parser failure becomes a clear message
        raise read_error(name, exc, path) from exc


def _boundary_rows(path: Path, name: str) -> pd.DataFrame:
    from shapely.geometry import shape
    try:
        with open(path, encoding="utf-8-sig") as f:
            fc = json.load(f)
    except (OSError, ValueError) as exc:
        detail = scrub(exc, path, name)
        raise RegisterReadError(f"{name}：不是有效的 GeoJSON（{detail}）",
                                f"{name}: not valid GeoJSON ({detail})") from exc
    if not isinstance(fc, dict):
        raise RegisterReadError(f"{name}：不是 GeoJSON FeatureCollection",
                                f"{name}: not a GeoJSON FeatureCollection")
    rows = []
    for i, feat in enumerate(fc.get("features", []), start=1):
        props = feat.get("properties") or {}
        code = str(props.get("code") or props.get("代码") or "")
        geom = feat.get("geometry") or {}
        if geom.get("type") not in ("Polygon", "MultiPolygon") or not shape(geom).is_valid:
            raise RegisterReadError(
                f"{name}：第 {i} 个要素不是有效的面",
                f"{name}: feature {i} is not a valid polygon")
        level = {9: "township", 12: "unit"}.get(len(code))
        if level is None:
            raise RegisterReadError(
                f"{name}：第 {i} 个要素的 code “{code}” 应为 9 位（乡镇）或 12 位（村）代码",
                f"{name}: feature {i} code {code!r} must be a 9-digit (township) or 12-digit (unit) code")
        rows.append({"level": level, "code": code, "name": props.get("name") or props.get("名称"),
                     "geojson": json.dumps(geom), "source": name, "is_synthetic": False})
    return pd.DataFrame(rows)
