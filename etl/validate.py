"""Validate one sheet of a register: every check runs on every row.

:func:`validate_sheet` returns the sheet's columns in canonical fields and the errors
found, with their row positions (:class:`etl.rejects.Errors`). The checks use arrow or
numpy kernels; names are resolved once per distinct value; messages are built only for
the rows that fail. The first error of a row names its column, so the checks run in a
fixed order: long cells and geometries, numbers, names and types, coordinates,
townships and units, then the checks of the register kind.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from geopy.geocoders.base import Geocoder

from etl import coords, facility_types, locate, schema, values
from etl.columns import Coded, encode, source_column, text_column, visible
from etl.raw_sheet import RawSheet
from etl.read_errors import RegisterReadError
from etl.read_limits import limit
from etl.rejects import Errors, code_names
from etl.resolve import Gazetteer

#: Plausible bounds per numeric field: (integer, min, max). Values outside are rejected.
NUMERIC_BOUNDS: dict[str, tuple[bool, float, float]] = {
    "students": (True, 0, 20_000),
    "teachers": (True, 0, 3_000),
    "boarders": (True, 0, 20_000),
    "boarding_beds": (True, 0, 20_000),
    "beds": (True, 0, 5_000),
    "doctors": (True, 0, 3_000),
    "nurses": (True, 0, 5_000),
    "care_beds": (True, 0, 5_000),
    "places": (True, 0, 5_000),
    "seats": (True, 0, 50_000),
    "area_m2": (False, 0, 1_000_000),
    "hours_per_week": (False, 0, 168),
    "year": (True, 1949, 2100),
    **dict.fromkeys(schema.POP_COLUMNS, (True, 0, 500000)),
    "population": (True, 0, 1_000_000),
}

#: Names of totals rows (a whole-cell match).
_TOTAL_NAMES = pa.array(["合计", "总计", "小计", "合 计", "总 计"], pa.large_string())


def validate_sheet(sheet: RawSheet, kind: str, crs: str, mapping: dict[str, str],
                   gaz: Gazetteer, area: coords.Area, geocoder: Callable[[], Geocoder],
                   forced_type: str | None = None) -> tuple[dict, Errors]:
    """Return (columns of every row in canonical fields, errors with positions).

    ``mapping`` maps source columns to fields (:func:`etl.aliases.match_columns`); points
    are in ``crs``; ``geocoder`` makes the geocoder of addresses on first use;
    ``forced_type`` is the type of every row (``--type``).
    """
    err = Errors()
    # cells over the length limit, and GeoJSON geometries that are not points: named first
    _long_cells(sheet, err)
    _geometry_errors(sheet, err)
    out = _numbers(sheet, mapping, err)
    if kind in schema.FACILITY_KINDS:
        out.update(_facility_fields(sheet, mapping, kind, forced_type, err))
    out["is_synthetic"] = _synthetic_flags(sheet, mapping)
    pts = locate.register_points(sheet, mapping, crs, area, err)
    where = locate.resolve_places(sheet, mapping, gaz, err)
    if kind == "population":
        return _finish_population(out, err, sheet, mapping, where, pts)
    locate.locate_unplaced(pts, where, out.get("address"), gaz, geocoder, err)
    out["township_code"] = where.town
    out["unit_code"] = where.unit
    out["lon"] = pts.lon
    out["lat"] = pts.lat
    out["location_method"] = pts.method
    out["location_precision_m"] = pts.precision
    return out, err


def _long_cells(sheet: RawSheet, err: Errors) -> None:
    """Reject rows with a cell over ``max_field_chars`` characters (every column of the sheet).

    Byte lengths come from the offsets (no string is read); characters are counted only
    for cells whose bytes exceed the limit (a character is at least one byte).
    """
    cap = int(limit("max_field_chars"))
    for column in sheet.frame.columns:
        arr = text_column(sheet.frame[column])
        nbytes = pc.fill_null(pc.binary_length(arr), 0).to_numpy(zero_copy_only=False)
        pos = np.flatnonzero(nbytes > cap)
        if not len(pos):
            continue
        chars = pc.utf8_length(arr.take(pa.array(pos))).to_numpy(zero_copy_only=False)
        over = chars > cap
        if over.any():
            err.add_at(pos[over], column, "field_too_long",
                       [f"{int(c):,}" for c in chars[over]], f"{cap:,}")


def _geometry_errors(sheet: RawSheet, err: Errors) -> None:
    """Reject GeoJSON features whose geometry is not a point (nor a polygon) or is unreadable."""
    g_err = sheet.row_info.get("geometry_error")
    if g_err is not None:
        for code in ("not_a_point", "bad_geometry"):
            err.add(g_err == code, "geometry", code, sheet.row_info["geometry"])


def _numbers(sheet: RawSheet, mapping: dict[str, str], err: Errors) -> dict[str, np.ndarray]:
    """The numeric fields the sheet has, parsed; values out of :data:`NUMERIC_BOUNDS` rejected."""
    mapped = set(mapping.values())
    out: dict[str, np.ndarray] = {}
    for fld, (integer, lo, hi) in NUMERIC_BOUNDS.items():
        if fld not in mapped:
            continue
        src, s = source_column(sheet, mapping, fld)
        vals, codes = values.parse_numbers_arrow(s, integer=integer, min_value=lo, max_value=hi)
        out[fld] = vals
        err.add(codes != 0, src, code_names(codes), s)
    return out


def _facility_fields(sheet: RawSheet, mapping: dict[str, str], kind: str,
                     forced_type: str | None, err: Errors) -> dict[str, object]:
    """A facility's name, type, id as written, and its text fields."""
    src, name, blank = _names(sheet, mapping, err)
    out: dict[str, object] = {"name": name}
    out["type"] = _types(sheet, mapping, kind, forced_type, src, name, blank, err)
    _, ids = source_column(sheet, mapping, "id")
    out["id_raw"] = values.strip_invisible(ids)
    for fld in ("school_group", "ownership", "address"):
        out[fld] = visible(source_column(sheet, mapping, fld)[1])
    return out


def _names(sheet: RawSheet, mapping: dict[str, str],
           err: Errors) -> tuple[str | None, pa.Array, np.ndarray]:
    """The names without invisible characters (null where none is left), their source
    column and where they are blank; rejects rows without a name and totals rows."""
    src, raw_name = source_column(sheet, mapping, "name")
    # invisible characters (zero-width, bidi controls, BOM …) never reach a stored name
    name = values.strip_invisible(raw_name)
    blank = pc.fill_null(pc.equal(name, ""), True).to_numpy(zero_copy_only=False)
    invisible = np.zeros(len(sheet.frame), dtype=bool)
    if blank.any():
        invisible = blank & pc.fill_null(pc.match_substring_regex(
            raw_name, values.INVISIBLE_PATTERN), False).to_numpy(zero_copy_only=False)
        name = pc.if_else(pa.array(blank), pa.scalar(None, name.type), name)
    err.add(blank & ~invisible, src or "name", "missing_name")
    err.add(invisible, src or "name", "invisible_name",
            lambda pos: [values.invisible_codepoints(x)
                         for x in raw_name.take(pa.array(pos)).to_pylist()])
    err.add(pc.fill_null(pc.is_in(name, value_set=_TOTAL_NAMES), False).to_numpy(
        zero_copy_only=False), src or "name", "total_row", name)
    return src, name, blank


def _types(sheet: RawSheet, mapping: dict[str, str], kind: str, forced_type: str | None,
           name_src: str | None, name: pa.Array, blank: np.ndarray, err: Errors) -> Coded:
    """Facility type codes from the labels written (or ``forced_type``), else told from the
    names; unknown labels, types of another kind and types that cannot be told are rejected."""
    n = len(sheet.frame)
    tsrc, tvals = source_column(sheet, mapping, "type")
    if forced_type is not None:  # --type: one type for the whole file
        tsrc, tvals = "--type", pa.repeat(pa.scalar(forced_type, pa.large_string()), n)
    t_idx, t_uniq = encode(tvals)
    # the type of each distinct label (the last slot stands for a missing label)
    u_types, u_codes = facility_types.normalise_types(
        pd.Series([*t_uniq, None], dtype=object), kind)
    u_types = [None if pd.isna(v) else v for v in u_types]
    u_codes = np.array([None if pd.isna(v) else v for v in u_codes], dtype=object)
    types = Coded.spread(u_types, np.where(t_idx < 0, len(t_uniq), t_idx))
    t_bad = np.array([c is not None for c in u_codes])[t_idx]
    # no type label (no type column, or a blank cell): told from the name, else rejected
    untold = np.flatnonzero(np.array([c == "missing_type" for c in u_codes])[t_idx])
    if len(untold):
        told = facility_types.types_from_names(name.take(pa.array(untold)), kind).to_pylist()
        types.put(untold, told)
        t_bad[untold] = False
        lost = untold[np.array([t is None for t in told], dtype=bool) & ~blank[untold]]
        err.add_at(lost, tsrc or name_src or "name", "type_not_told", name,
                   ", ".join(schema.REGISTER_KINDS[kind]))
    err.add(t_bad, tsrc or "type", lambda pos: u_codes[t_idx[pos]], tvals)
    return types


def _synthetic_flags(sheet: RawSheet, mapping: dict[str, str]) -> np.ndarray:
    """Whether each row is generated example data (false unless the register says so)."""
    if "is_synthetic" not in mapping.values():
        return np.zeros(len(sheet.frame), dtype=bool)
    _, b = source_column(sheet, mapping, "is_synthetic")
    flags, _ = values.parse_bool_arrow(b)
    return flags.fillna(False).to_numpy(dtype=bool)


def _finish_population(out: dict, err: Errors, sheet: RawSheet, mapping: dict[str, str],
                       where: locate.Places, pts: locate.Points) -> tuple[dict, Errors]:
    """A population register: every row needs its unit, the age bands sum to the total
    (the bands' sum is the population), and the point is the one written (if any)."""
    usrc, _ = source_column(sheet, mapping, "unit")
    unit = where.unit
    err.add(unit.none() & ~np.isin(np.arange(len(unit.idx)), err.positions()),
            usrc or "村（社区）", "missing_unit")
    bands = [c for c in schema.POP_COLUMNS if c in out]
    if bands and len(bands) < len(schema.POP_COLUMNS):
        missing = [c for c in schema.POP_COLUMNS if c not in out]
        raise RegisterReadError(
            f"{sheet.file_name}：人口表缺少年龄段列 {missing}",
            f"{sheet.file_name}: the population register lacks the age-band columns {missing}")
    if bands:
        # NaN when any band is missing
        band_sum = np.vstack([out[c] for c in bands]).sum(axis=0)
        if "population" in out:
            tot = out["population"]
            bad = ~np.isnan(tot) & ~np.isnan(band_sum) & (tot != band_sum)
            src, _ = source_column(sheet, mapping, "population")
            err.add(bad, src, "total_mismatch",
                    lambda pos: band_sum[pos].astype("int64").astype(str))
        out["population"] = band_sum
    out["code"] = unit
    out["township_code"] = where.town
    out["lon"] = np.where(pts.has_xy, pts.lon, np.nan)
    out["lat"] = np.where(pts.has_xy, pts.lat, np.nan)
    return out, err
