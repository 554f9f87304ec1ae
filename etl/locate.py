"""Where a register's rows are: their point, their township and their village or community.

A row's point comes from its coordinates (converted to WGS-84, a pair written the wrong
way round swapped back, a polygon at its representative point), else from its unit, its
address (a geocoder) or its township in the gazetteer. Township and unit names are
resolved once per distinct text; a row without them gets them from its point.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from geopy.geocoders.base import Geocoder

from etl import coords, values
from etl.columns import STR_TYPES, Coded, encode, source_column, spread
from etl.geojson_reader import POLYGON_TYPES
from etl.raw_sheet import RawSheet
from etl.rejects import Errors, suggestion_hint
from etl.resolve import Gazetteer, geocode_point


def gazetteer(con: duckdb.DuckDBPyConnection) -> Gazetteer:
    """The gazetteer as the database holds it now."""
    return Gazetteer(
        townships=con.execute("SELECT code, name, short_name, lon, lat FROM townships").df(),
        units=con.execute(
            "SELECT code, name, short_name, township_code, lon, lat FROM units").df(),
        aliases=con.execute("SELECT alias, township_code, rule FROM township_aliases").df(),
    )


def county_area(con: duckdb.DuckDBPyConnection) -> coords.Area:
    """The county's boundary as the database holds it now."""
    gj = con.execute(
        "SELECT geojson FROM boundaries WHERE level = 'county' LIMIT 1").fetchone()
    return coords.Area(json.loads(gj[0]))


def places(con: duckdb.DuckDBPyConnection) -> tuple[Gazetteer, coords.Area]:
    """The gazetteer and the county area: what a sheet is validated against."""
    return gazetteer(con), county_area(con)


# -- points written in the register ------------------------------------------------------


@dataclass
class Points:
    """Per row: the point (WGS-84 once converted; NaN where none), how it was found
    (``method``) and how precise it is in metres."""

    lon: np.ndarray
    lat: np.ndarray
    #: The source column of the coordinates (it names their errors).
    src: str | None
    #: True where the register gives a point.
    has_xy: np.ndarray
    method: Coded
    precision: np.ndarray


def register_points(sheet: RawSheet, mapping: dict[str, str], crs: str, area: coords.Area,
                    err: Errors) -> Points:
    """The points the register writes, parsed, converted to WGS-84 and checked to lie in the
    county; malformed or half-given coordinates are rejected."""
    n = len(sheet.frame)
    mapped = set(mapping.values())
    swapped_at_parse = np.zeros(n, dtype=bool)
    if "lonlat" in mapped:
        lon, lat, src = _parse_lonlat(sheet, mapping, err)
    elif "lon" in mapped or "lat" in mapped:
        lon, lat, src, swapped_at_parse = _parse_lon_lat(sheet, mapping, err)
    else:
        lon, lat, src = np.full(n, np.nan), np.full(n, np.nan), None
    has_xy = ~(np.isnan(lon) | np.isnan(lat))
    pts = Points(lon, lat, src, has_xy, Coded.empty(n), np.full(n, np.nan))
    if has_xy.any():
        _to_county(pts, sheet, crs, area, swapped_at_parse, err)
    return pts


def _parse_lonlat(sheet: RawSheet, mapping: dict[str, str],
                  err: Errors) -> tuple[np.ndarray, np.ndarray, str | None]:
    """Coordinates written in one cell (``107.8,31.1``)."""
    src, s = source_column(sheet, mapping, "lonlat")
    a, b = coords.split_lonlat(pd.Series(s.to_pandas(types_mapper=STR_TYPES.get)))
    lon, lon_e = coords.parse_coordinates_arrow(values.as_arrow(a), "lon")
    lat, lat_e = coords.parse_coordinates_arrow(values.as_arrow(b), "lat")
    err.add((lon_e != 0) | (lat_e != 0), src, "bad_coordinate", s)
    return lon, lat, src


def _parse_lon_lat(sheet: RawSheet, mapping: dict[str, str], err: Errors
                   ) -> tuple[np.ndarray, np.ndarray, str | None, np.ndarray]:
    """Coordinates written in two columns; also the rows whose columns were swapped."""
    src_lon, s_lon = source_column(sheet, mapping, "lon")
    src_lat, s_lat = source_column(sheet, mapping, "lat")
    lon, lon_e = coords.parse_coordinates_arrow(s_lon, "lon")
    lat, lat_e = coords.parse_coordinates_arrow(s_lat, "lat")
    swapped = _retry_swapped(s_lon, s_lat, lon, lat, lon_e, lat_e)
    err.add(lon_e != 0, src_lon or "lon", "bad_coordinate", s_lon)
    err.add(lat_e != 0, src_lat or "lat", "bad_coordinate", s_lat)
    # one of the two missing is as bad as malformed
    half = np.isnan(lon) ^ np.isnan(lat)

    def both(pos: np.ndarray) -> list[str]:
        xs, ys = s_lon.take(pa.array(pos)).to_pylist(), s_lat.take(pa.array(pos)).to_pylist()
        return [f"{x or ''} {y or ''}" for x, y in zip(xs, ys, strict=True)]

    # named by the column that holds the value without its partner
    lone = half & (lon_e == 0) & (lat_e == 0)
    err.add(lone & ~np.isnan(lon), src_lon or "lon", "bad_coordinate", both)
    err.add(lone & ~np.isnan(lat), src_lat or "lat", "bad_coordinate", both)
    return lon, lat, src_lon or src_lat, swapped


def _retry_swapped(s_lon: pa.Array, s_lat: pa.Array, lon: np.ndarray, lat: np.ndarray,
                   lon_e: np.ndarray, lat_e: np.ndarray) -> np.ndarray:
    """Columns written the wrong way round: a latitude cannot be 107°, so the pairs that
    fail are parsed swapped; where both then parse they are taken (``lon``, ``lat`` and
    their error codes are updated in place). Returns the rows so swapped."""
    swapped = np.zeros(len(lon), dtype=bool)
    failed = np.flatnonzero((lon_e != 0) | (lat_e != 0))
    if not len(failed):
        return swapped
    take = pa.array(failed)
    sw_lon, sw_lon_e = coords.parse_coordinates_arrow(s_lat.take(take), "lon")
    sw_lat, sw_lat_e = coords.parse_coordinates_arrow(s_lon.take(take), "lat")
    ok = (sw_lon_e == 0) & (sw_lat_e == 0) & ~np.isnan(sw_lon) & ~np.isnan(sw_lat)
    rows = failed[ok]
    lon[rows] = sw_lon[ok]
    lat[rows] = sw_lat[ok]
    lon_e[rows] = 0
    lat_e[rows] = 0
    swapped[rows] = True
    return swapped


def _to_county(pts: Points, sheet: RawSheet, crs: str, area: coords.Area,
               swapped_at_parse: np.ndarray, err: Errors) -> None:
    """Convert the register's points to WGS-84, reject those outside the county and record
    how each was located (``register:<crs>``, ``:swapped``, ``:polygon``)."""
    has_xy, lon, lat = pts.has_xy, pts.lon, pts.lat
    wlon, wlat = coords.to_wgs84(lon, lat, crs)
    # swapped columns are detected on the converted point, in the county's bbox
    slon, slat, swapped = coords.fix_swapped(wlon, wlat, area.bbox)
    if swapped.any():
        # a swapped pair was converted in the wrong order: convert the swapped raw pair again
        rlon, rlat = coords.to_wgs84(np.where(swapped, lat, lon), np.where(swapped, lon, lat), crs)
        slon, slat = np.where(swapped, rlon, slon), np.where(swapped, rlat, slat)
    lon = pts.lon = np.where(has_xy, slon, np.nan)
    lat = pts.lat = np.where(has_xy, slat, np.nan)
    inside = np.zeros(len(lon), dtype=bool)
    inside[has_xy] = area.contains(lon[has_xy], lat[has_xy])
    err.add(has_xy & ~inside, pts.src or "lon", "outside_county",
            lambda pos: np.char.add(np.char.add(np.round(lon[pos], 5).astype(str), ","),
                                    np.round(lat[pos], 5).astype(str)))
    pts.method.put(np.flatnonzero(has_xy), [f"register:{crs}"])
    pts.precision[has_xy] = 10.0
    swapped = swapped | swapped_at_parse
    if swapped.any():
        pts.method.put(np.flatnonzero(has_xy & swapped), [f"register:{crs}:swapped"])
    geometry = sheet.row_info.get("geometry")
    if geometry is not None:
        # a polygon stands at its representative point, as precise as the polygon is large
        poly = has_xy & np.array([g in POLYGON_TYPES for g in geometry], dtype=bool)
        if poly.any():
            at = np.flatnonzero(poly)
            pts.method.put(at, [f"register:{crs}:polygon" + (":swapped" if swapped[i] else "")
                                for i in at])
            pts.precision[at] = np.fmax(10.0, sheet.row_info["extent_m"][at])


# -- townships and units written in the register -------------------------------------------


@dataclass
class Places:
    """Per row: the township and unit codes (:class:`Coded`; none where unknown or not given),
    and whether a township was written that is not known."""

    town: Coded
    unit: Coded
    unknown_town: np.ndarray


def resolve_places(sheet: RawSheet, mapping: dict[str, str], gaz: Gazetteer,
                   err: Errors) -> Places:
    """Township and unit codes of the names and codes written, each distinct text resolved
    once; unknown names are rejected with suggestions, a unit of another township than the
    one written is rejected, and a unit gives its township when none was written."""
    tsrc, town_raw = source_column(sheet, mapping, "township")
    tw_idx, tw_uniq = encode(town_raw)
    tw_code = [gaz.township(t) for t in tw_uniq]
    town = Coded.spread(tw_code, tw_idx)
    unknown_t = np.array([c is None for c in tw_code] + [False])[tw_idx]
    if unknown_t.any():
        hints = [suggestion_hint(gaz.township_suggestions(t)) if c is None else ""
                 for t, c in zip(tw_uniq, tw_code, strict=True)]
        err.add(unknown_t, tsrc, "unknown_township", town_raw, spread(hints, tw_idx))
    usrc, unit_raw = source_column(sheet, mapping, "unit")
    ucsrc, unit_code_raw = source_column(sheet, mapping, "unit_code")
    unit = Coded.empty(len(sheet.frame))
    if ucsrc is not None:
        unit = _units_by_code(ucsrc, unit_code_raw, unit_raw, gaz, err)
    if usrc is not None:
        _units_by_name(unit, usrc, unit_raw, tw_idx, tw_code, unknown_t, gaz, err)
    unit_town = unit.map(dict(zip(gaz.units["code"], gaz.units["township_code"], strict=True)))
    # a unit code of another township than the one written: rejected (never bent to either)
    both = np.flatnonzero(~town.none() & ~unit_town.none())
    if len(both):
        clash = both[town.take(both) != unit_town.take(both)]
        if len(clash):
            err.add_at(clash, ucsrc or usrc or tsrc, "unit_township_conflict",
                       unit.take(clash).tolist(),
                       [(gaz.township_name(unit_town.get(i)),
                         values.strip_invisible_text(str(town_raw[int(i)].as_py())))
                        for i in clash])
    # a unit gives its township when none was written
    fill = np.flatnonzero(town.none() & ~unit_town.none())
    if len(fill):
        town.put(fill, unit_town.take(fill))
    return Places(town, unit, unknown_t)


def _units_by_code(src: str, code_raw: pa.Array, unit_raw: pa.Array, gaz: Gazetteer,
                   err: Errors) -> Coded:
    """Units given by their 12-digit code; an unknown code is rejected unless a unit name
    is written too (the name is then resolved)."""
    codes = values.strip_invisible(code_raw)
    c_idx, c_uniq = encode(codes)
    known_codes = set(gaz.units["code"])
    unit = Coded.spread([c if c in known_codes else None for c in c_uniq], c_idx)
    err.add((c_idx >= 0) & unit.none() & pc.is_null(unit_raw).to_numpy(zero_copy_only=False),
            src, "unknown_unit", codes, "")
    return unit


def _units_by_name(unit: Coded, src: str, unit_raw: pa.Array, tw_idx: np.ndarray,
                   tw_code: list, unknown_t: np.ndarray, gaz: Gazetteer, err: Errors) -> None:
    """Units given by name, for the rows without a unit yet and without an unknown township:
    resolved once per distinct (township, name) pair; an unknown name is rejected."""
    n = len(unit.idx)
    u_idx, u_uniq = encode(unit_raw)
    todo = np.flatnonzero((u_idx >= 0) & unit.none() & ~unknown_t)
    m = len(u_uniq) + 1
    pair, pairs = pd.factorize((tw_idx[todo] + 1) * m + u_idx[todo] + 1)
    pair_town = [tw_code[k // m - 1] if k // m > 0 else None for k in pairs]
    pair_unit = [u_uniq[k % m - 1] for k in pairs]
    got = [gaz.unit(x, t) for x, t in zip(pair_unit, pair_town, strict=True)]
    unit.put(todo, Coded.spread(got, pair))
    bad_pairs = np.array([g is None for g in got] + [False])[pair]
    if bad_pairs.any():
        hints = [suggestion_hint(gaz.unit_suggestions(x, t)) if g is None else ""
                 for x, t, g in zip(pair_unit, pair_town, got, strict=True)]
        hint_full = np.full(n, "", dtype=object)
        hint_full[todo] = spread(hints, pair)
        err.add_at(todo[bad_pairs], src, "unknown_unit", unit_raw, hint_full)


# -- rows the register does not place ------------------------------------------------------


def locate_unplaced(pts: Points, where: Places, addresses: pa.Array | None, gaz: Gazetteer,
                    geocoder: Callable[[], Geocoder], err: Errors) -> None:
    """Place the rows without coordinates at their unit, their address (geocoded) or their
    township, rejecting those with none of them; then give the rows that lack a township or
    a unit the ones of their point (the nearest unit of the same township)."""
    lon, lat, town, unit = pts.lon, pts.lat, where.town, where.unit
    need = ~pts.has_xy
    if need.any():
        rows = np.flatnonzero(need)
        addr = (addresses.take(pa.array(rows)).to_pylist() if addresses is not None
                else [None] * len(rows))
        for i, address in zip(rows, addr, strict=True):
            pt = _point_of(i, address, where, gaz, geocoder)
            if pt is not None:
                lon[i], lat[i], m, pts.precision[i] = pt
                pts.method.put(np.array([i]), [m])
        err.add(np.isnan(lon) & ~where.unknown_town, pts.src or "经度/纬度", "no_location")
    # township from the point when none was written
    no_town = np.flatnonzero(town.none() & ~np.isnan(lon))
    if len(no_town):
        town.put(no_town, gaz.nearest_township(lon[no_town], lat[no_town]))
    # unit from the point when none was written (nearest unit of the same township)
    no_unit = np.flatnonzero(unit.none() & ~town.none() & ~np.isnan(lon))
    if len(no_unit):
        unit.put(no_unit, gaz.nearest_units(lon[no_unit], lat[no_unit], town.take(no_unit)))


def _point_of(i: int, address: object, where: Places, gaz: Gazetteer,
              geocoder: Callable[[], Geocoder]) -> tuple[float, float, str, float] | None:
    """Row ``i``'s point as (lon, lat, method, precision in metres): its unit's point, else
    its address geocoded, else its township's point; None when none is known."""
    unit, town = where.unit.get(i), where.town.get(i)
    if unit:
        p = gaz.point_of_unit(unit)
        if p:
            return (*p, "gazetteer:unit", 1500.0)
    if isinstance(address, str):
        pt = geocode_point(geocoder(), address)
        if pt is not None:
            return pt
    if isinstance(town, str):
        p = gaz.point_of_township(town)
        if p:
            return (*p, "gazetteer:township", 5000.0)
    return None
