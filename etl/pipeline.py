"""Load one register file into the database: read, validate, resolve, locate, write.

A load is one transaction. The good rows go in; every bad row goes to
``rejects`` with its source row number, the column at fault and a reason in
Chinese and English; if the file cannot be read nothing is written at all.
The same file (same SHA-256) loaded twice adds nothing. The raw file is kept
unchanged under ``data/raw/<sha256><suffix>`` so the database can be rebuilt.
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import datetime as dt
import functools
import hashlib
import itertools
import json
import shutil
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from geopy.geocoders.base import Geocoder

from etl import aliases, coords, paths, readers, registers, schema, values
from etl.db import transaction
from etl.resolve import Gazetteer, GazetteerGeocoder, geocode_point, online_geocoder

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

_EXTRA_REASONS: dict[str, tuple[str, str]] = {
    "missing_name": ("缺少名称（{column}）", "name is missing ({column})"),
    "total_row": ("合计/小计行，不是一条设施记录", "a total/subtotal row, not a facility"),
    "unknown_township": ("乡镇“{value}”不存在{hint}", 'unknown township "{value}"{hint}'),
    "unknown_unit": ("村（社区）“{value}”在该乡镇不存在{hint}", 'unknown village or community "{value}"{hint}'),
    "no_location": ("没有坐标，也没有可定位的村（社区）、乡镇或地址",
                    "no coordinates and no village, township or address to locate it"),
    "duplicate_id": ("编号“{value}”在文件中重复（保留第一次出现的行）",
                     'id "{value}" repeats in the file (the first row is kept)'),
    "duplicate_unit": ("村（社区）“{value}”在文件中重复", 'village or community "{value}" repeats in the file'),
    "total_mismatch": ("年龄段人数之和 {value} 与合计不符", "the age bands sum to {value}, not to the total"),
    "missing_unit": ("缺少村（社区）", "village or community is missing"),
    "field_too_long": ("“{column}”列的内容有 {value} 个字符，超过每格 {hint} 个字符的上限",
                       'the text in column "{column}" has {value} characters, over the limit '
                       "of {hint} per cell"),
    "invisible_name": ("“{column}”列的名称只含不可见字符（{value}），去掉后为空",
                       'the name in column "{column}" holds only invisible characters ({value}); '
                       "nothing is left once they are removed"),
    "type_not_told": ("没有类型，且无法从名称“{value}”判断设施类型（本类登记表的类型：{hint}）；"
                      "请填写类型列或用 --type 指定",
                      'no type given and the facility type cannot be told from the name "{value}" '
                      "(types of this kind of register: {hint}); fill in a type column or use --type"),
    "unit_township_conflict": (
        "村（社区）代码“{value}”属于{hint[0]}，不属于所填的乡镇“{hint[1]}”",
        'village/community code "{value}" belongs to {hint[0]}, not to the township written, '
        '"{hint[1]}"'),
    "not_a_point": ("要素的几何是 {value}，不是点：应为 Point（或面，取其代表点）",
                    "the feature's geometry is a {value}, not a point: a Point (or a polygon, "
                    "located at its representative point) is expected"),
    "bad_geometry": ("要素的几何（{value}）无法读取：坐标缺失或图形无效",
                     "the feature's geometry ({value}) cannot be read: missing coordinates or "
                     "an invalid shape"),
}
_EXTRA_REASONS.update(registers.REASONS)  # a register's scope and year
#: Longest cell value quoted in a reason, and kept per cell in ``rejects.raw``.
_MAX_QUOTED = 60
_MAX_RAW_CELL = 200


#: Names of totals rows (a whole-cell match).
_TOTAL_NAMES = pa.array(["合计", "总计", "小计", "合 计", "总 计"], pa.large_string())
_STR_TYPES = {pa.string(): pd.StringDtype("pyarrow", na_value=np.nan),
              pa.large_string(): pd.StringDtype("pyarrow", na_value=np.nan)}


def _reason(code: str, column: str, value: object,
            hint: str | tuple[str, ...] = "") -> tuple[str, str]:
    """Chinese and English reason for an error code; a ``hint`` tuple fills ``{hint[i]}``."""
    if code in _EXTRA_REASONS:
        zh, en = _EXTRA_REASONS[code]
        text = "" if value is None else str(value)
        if len(text) > _MAX_QUOTED:
            text = text[:_MAX_QUOTED - 3] + "…"
        return (zh.format(column=column, value=text, hint=hint),
                en.format(column=column, value=text, hint=hint))
    return values.reason_text(code, column, value)


def _raw_cell(value: object) -> object:
    """A rejected row's cell as kept in ``rejects.raw``: a text over :data:`_MAX_RAW_CELL`
    characters is cut, saying how long it was."""
    if isinstance(value, str) and len(value) > _MAX_RAW_CELL:
        return f"{value[:_MAX_RAW_CELL]}…（共 {len(value):,} 字符 / {len(value):,} characters）"
    return value


@dataclass
class LoadResult:
    """What a load (or a validation) did.

    ``table`` holds every row read, in canonical fields, with ``_keep`` true for
    the rows that load; ``clean`` is those rows as a DataFrame (built on first use).
    """

    file_name: str
    kind: str
    sha256: str
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    load_id: int | None = None
    already_loaded: bool = False
    rejects: pd.DataFrame = field(default_factory=pd.DataFrame)
    notes: list[str] = field(default_factory=list)
    table: pa.Table | None = field(default=None, repr=False)
    #: Facility registers: the year, the scope (township codes; None: the whole county) and
    #: what the load supersedes (:func:`etl.registers.preview`).
    year: int | None = None
    scope: tuple[str, ...] | None = None
    supersedes: list[dict] = field(default_factory=list)
    _clean: pd.DataFrame | None = field(default=None, init=False, repr=False)

    @property
    def clean(self) -> pd.DataFrame:
        """The rows that load, in canonical fields (plus ``_row`` and ``_sheet``)."""
        if self._clean is None:
            if self.table is None:
                self._clean = pd.DataFrame()
            else:
                good = self.table.filter(self.table["_keep"]).drop_columns(["_keep"])
                good = pa.table({k: c.cast(pa.string()) if pa.types.is_dictionary(c.type) else c
                                 for k, c in zip(good.column_names, good.columns, strict=True)})
                self._clean = good.to_pandas(types_mapper=_STR_TYPES.get)
        return self._clean

    @clean.setter
    def clean(self, frame: pd.DataFrame) -> None:
        self._clean = frame

    def summary_zh(self) -> str:
        if self.already_loaded:
            return f"{self.file_name}：该文件已导入过（批次 {self.load_id}），未重复导入。"
        return (f"{self.file_name}：读取 {self.rows_read} 行，导入 {self.rows_loaded} 行，"
                f"拒绝 {self.rows_rejected} 行。")

    def summary_en(self) -> str:
        if self.already_loaded:
            return f"{self.file_name}: already loaded (load {self.load_id}); nothing added."
        return (f"{self.file_name}: read {self.rows_read}, loaded {self.rows_loaded}, "
                f"rejected {self.rows_rejected}.")


class _Errors:
    """Collects (row position, column, code, value, hint) for a sheet; first error per row wins.

    Codes, values and hints are picked at the failing positions only: each may be a
    constant string, an array (arrow or numpy) over all rows, a function of the
    positions returning one item per position, or a list of one item per position.
    """

    def __init__(self) -> None:
        self.parts: list[tuple[np.ndarray, str, list, list, list]] = []

    def add(self, mask: np.ndarray | pd.Series, column: str, code: object,
            value: object = "", hint: object = "") -> None:
        pos = np.flatnonzero(np.asarray(mask, dtype=bool))
        if len(pos):
            self.add_at(pos, column, code, value, hint)

    def add_at(self, pos: np.ndarray, column: str, code: object, value: object = "",
               hint: object = "") -> None:
        self.parts.append((pos, column, _pick(code, pos), _pick(value, pos), _pick(hint, pos)))

    def positions(self) -> np.ndarray:
        if not self.parts:
            return np.zeros(0, dtype=np.int64)
        return np.concatenate([p[0] for p in self.parts])

    def frame(self) -> pd.DataFrame:
        if not self.parts:
            return pd.DataFrame(columns=["pos", "column", "code", "value", "hint"])
        return pd.DataFrame({
            "pos": self.positions(),
            "column": [c for p in self.parts for c in [p[1]] * len(p[0])],
            "code": [x for p in self.parts for x in p[2]],
            "value": [x for p in self.parts for x in p[3]],
            "hint": [x for p in self.parts for x in p[4]],
        })


def _pick(x: object, pos: np.ndarray) -> list:
    """``x`` at the positions ``pos`` as a list (a string is the same for every position)."""
    if isinstance(x, str):
        return [x] * len(pos)
    if isinstance(x, list):
        return x
    if callable(x):
        return list(x(pos))
    if isinstance(x, pa.Array | pa.ChunkedArray):
        return x.take(pa.array(pos)).to_pylist()
    return list(np.asarray(x, dtype=object)[pos])


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 22), b""):
            h.update(chunk)
    return h.hexdigest()


def gazetteer(con: duckdb.DuckDBPyConnection) -> Gazetteer:
    """The gazetteer as the database holds it now."""
    return Gazetteer(
        townships=con.execute("SELECT code, name, short_name, lon, lat FROM townships").df(),
        units=con.execute(
            "SELECT code, name, short_name, township_code, lon, lat FROM units").df(),
        aliases=con.execute("SELECT alias, township_code, rule FROM township_aliases").df(),
    )


def _places(con: duckdb.DuckDBPyConnection) -> tuple[Gazetteer, coords.Area]:
    return gazetteer(con), _area(con)


def _area(con: duckdb.DuckDBPyConnection) -> coords.Area:
    gj = con.execute(
        "SELECT geojson FROM boundaries WHERE level = 'county' LIMIT 1").fetchone()
    return coords.Area(json.loads(gj[0]))


# -- validation of one sheet ------------------------------------------------------------


def _col(sheet: readers.RawSheet, mapping: dict[str, str], fld: str) -> tuple[str | None, pa.Array]:
    """The source column mapped to ``fld`` and its text as arrow (all null when absent)."""
    for src, f in mapping.items():
        if f == fld:
            return src, values._as_arrow(sheet.frame[src])
    return None, pa.nulls(len(sheet.frame), pa.large_string())


def _encode(arr: pa.Array) -> tuple[np.ndarray, list]:
    """Per row the index of its distinct value (-1 for null), and the distinct values."""
    enc = pc.dictionary_encode(arr)
    idx = pc.fill_null(enc.indices, -1).to_numpy(zero_copy_only=False).astype(np.int64)
    return idx, enc.dictionary.to_pylist()


def _spread(per_value: list, idx: np.ndarray) -> np.ndarray:
    """Values given per distinct value, for every row (``None`` where ``idx`` is -1)."""
    return np.array([*per_value, None], dtype=object)[idx]


class _Coded:
    """A column of a few distinct strings: per row an index into ``values``, -1 for none.

    Codes, types and location methods repeat a handful of values over a million rows;
    kept this way they are never materialised as Python objects per row, and they go
    to arrow (and DuckDB) as a dictionary column without factorising.

    >>> c = _Coded.spread(["a", None, "b"], np.array([0, 1, 2, -1, 0]))
    >>> c.idx.tolist(), c.values
    ([0, -1, 1, -1, 0], ['a', 'b'])
    >>> c.put(np.array([1, 3]), ["b", "c"]); c.take(np.arange(5)).tolist()
    ['a', 'b', 'b', 'c', 'a']
    """

    __slots__ = ("_index", "idx", "values")

    def __init__(self, idx: np.ndarray, values: list) -> None:
        self.idx, self.values = idx, values
        self._index = {v: i for i, v in enumerate(values)}

    @classmethod
    def empty(cls, n: int) -> _Coded:
        return cls(np.full(n, -1, dtype=np.int32), [])

    @classmethod
    def spread(cls, per_value: list, idx: np.ndarray) -> _Coded:
        """Values given per distinct value (None allowed) for rows indexing them (-1: none)."""
        out = cls([], [])
        remap = np.append(out._codes_of(per_value), -1).astype(np.int32)
        out.idx = remap[idx]
        return out

    def _codes_of(self, objs: list) -> np.ndarray:
        """The index of each object (None -> -1), adding values not seen yet."""
        codes = np.empty(len(objs), dtype=np.int32)
        for i, v in enumerate(objs):
            if v is None or (not isinstance(v, str) and pd.isna(v)):
                codes[i] = -1
                continue
            k = self._index.get(v)
            if k is None:
                k = self._index[v] = len(self.values)
                self.values.append(v)
            codes[i] = k
        return codes

    def none(self) -> np.ndarray:
        return self.idx < 0

    def get(self, i: int) -> str | None:
        k = self.idx[i]
        return None if k < 0 else self.values[k]

    def take(self, pos: np.ndarray) -> np.ndarray:
        """Object array of the values at ``pos`` (None where none)."""
        return np.array([*self.values, None], dtype=object)[self.idx[pos]]

    def put(self, pos: np.ndarray, objs: object) -> None:
        """Set the rows ``pos`` to ``objs``, one value per position: a sequence, or a
        :class:`_Coded` of the same length as ``pos``."""
        if isinstance(objs, _Coded):
            remap = np.append(self._codes_of(objs.values), -1).astype(np.int32)
            self.idx[pos] = remap[objs.idx]
            return
        codes, uniques = pd.factorize(np.asarray(objs, dtype=object), use_na_sentinel=True)
        remap = np.append(self._codes_of(list(uniques)), -1).astype(np.int32)
        self.idx[pos] = remap[codes]

    def map(self, table: dict) -> _Coded:
        """``table[v]`` for every row (none where absent), mapping each distinct value once."""
        return _Coded.spread([table.get(v) for v in self.values], self.idx)

    def arrow(self) -> pa.DictionaryArray:
        return pa.DictionaryArray.from_arrays(
            pa.array(self.idx, mask=self.idx < 0), pa.array(self.values, pa.string()))


def _names(codes: np.ndarray):
    """Error code names at given positions from an int8 code array."""
    return lambda pos: values.CODE_NAMES[codes[pos]]


def _validate_sheet(sheet: readers.RawSheet, kind: str, crs: str, mapping: dict[str, str],
                    gaz: Gazetteer, area: coords.Area, geocoder: Callable[[], Geocoder],
                    forced_type: str | None = None) -> tuple[dict, _Errors]:
    """Return (columns of every row in canonical fields, errors with positions).

    Every check runs on every row with arrow or numpy kernels; names are resolved once
    per distinct value; messages are built only for the rows that fail.
    """
    n = len(sheet.frame)
    err = _Errors()
    out: dict[str, object] = {}
    mapped = set(mapping.values())

    # cells over the length limit, and GeoJSON geometries that are not points: named first
    _long_cells(sheet, err)
    g_err = sheet.row_info.get("geometry_error")
    if g_err is not None:
        for code in ("not_a_point", "bad_geometry"):
            err.add(g_err == code, "geometry", code, sheet.row_info["geometry"])

    # numbers
    for fld, (integer, lo, hi) in NUMERIC_BOUNDS.items():
        if fld not in mapped:
            continue
        src, s = _col(sheet, mapping, fld)
        vals, codes = values.parse_numbers_arrow(s, integer=integer, min_value=lo, max_value=hi)
        out[fld] = vals
        err.add(codes != 0, src, _names(codes), s)

    # name and type (facilities)
    if kind in schema.FACILITY_KINDS:
        src, raw_name = _col(sheet, mapping, "name")
        # invisible characters (zero-width, bidi controls, BOM …) never reach a stored name
        name = values.strip_invisible(raw_name)
        blank = pc.fill_null(pc.equal(name, ""), True).to_numpy(zero_copy_only=False)
        invisible = np.zeros(n, dtype=bool)
        if blank.any():
            invisible = blank & pc.fill_null(pc.match_substring_regex(
                raw_name, values.INVISIBLE_PATTERN), False).to_numpy(zero_copy_only=False)
            name = pc.if_else(pa.array(blank), pa.scalar(None, name.type), name)
        out["name"] = name
        err.add(blank & ~invisible, src or "name", "missing_name")
        err.add(invisible, src or "name", "invisible_name",
                lambda pos: [values.invisible_codepoints(x)
                             for x in raw_name.take(pa.array(pos)).to_pylist()])
        err.add(pc.fill_null(pc.is_in(name, value_set=_TOTAL_NAMES), False).to_numpy(
            zero_copy_only=False), src or "name", "total_row", name)
        tsrc, tvals = _col(sheet, mapping, "type")
        if forced_type is not None:  # --type: one type for the whole file
            tsrc, tvals = "--type", pa.repeat(pa.scalar(forced_type, pa.large_string()), n)
        t_idx, t_uniq = _encode(tvals)
        # the type of each distinct label (the last slot stands for a missing label)
        u_types, u_codes = aliases.normalise_types(pd.Series([*t_uniq, None], dtype=object), kind)
        u_types = [None if pd.isna(v) else v for v in u_types]
        u_codes = np.array([None if pd.isna(v) else v for v in u_codes], dtype=object)
        out["type"] = _Coded.spread(u_types, np.where(t_idx < 0, len(t_uniq), t_idx))
        t_bad = np.array([c is not None for c in u_codes])[t_idx]
        # no type label (no type column, or a blank cell): told from the name, else rejected
        untold = np.flatnonzero(np.array([c == "missing_type" for c in u_codes])[t_idx])
        if len(untold):
            told = aliases.types_from_names(name.take(pa.array(untold)), kind).to_pylist()
            out["type"].put(untold, told)
            t_bad[untold] = False
            lost = untold[np.array([t is None for t in told], dtype=bool) & ~blank[untold]]
            err.add_at(lost, tsrc or src or "name", "type_not_told", name,
                       ", ".join(schema.REGISTER_KINDS[kind]))
        err.add(t_bad, tsrc or "type", lambda pos: u_codes[t_idx[pos]], tvals)
        _, ids = _col(sheet, mapping, "id")
        out["id_raw"] = values.strip_invisible(ids)
        for fld in ("school_group", "ownership", "address"):
            out[fld] = _visible(_col(sheet, mapping, fld)[1])

    if "is_synthetic" in mapped:
        _, b = _col(sheet, mapping, "is_synthetic")
        flags, _ = values.parse_bool_arrow(b)
        out["is_synthetic"] = flags.fillna(False).to_numpy(dtype=bool)
    else:
        out["is_synthetic"] = np.zeros(n, dtype=bool)

    # coordinates
    lon = np.full(n, np.nan)
    lat = np.full(n, np.nan)
    coord_src = None
    swapped_at_parse = np.zeros(n, dtype=bool)
    if "lonlat" in mapped:
        coord_src, s = _col(sheet, mapping, "lonlat")
        a, b = coords.split_lonlat(pd.Series(s.to_pandas(types_mapper=_STR_TYPES.get)))
        lon, lon_e = coords.parse_coordinates_arrow(values._as_arrow(a), "lon")
        lat, lat_e = coords.parse_coordinates_arrow(values._as_arrow(b), "lat")
        err.add((lon_e != 0) | (lat_e != 0), coord_src, "bad_coordinate", s)
    elif "lon" in mapped or "lat" in mapped:
        src_lon, s_lon = _col(sheet, mapping, "lon")
        src_lat, s_lat = _col(sheet, mapping, "lat")
        lon, lon_e = coords.parse_coordinates_arrow(s_lon, "lon")
        lat, lat_e = coords.parse_coordinates_arrow(s_lat, "lat")
        # columns written the wrong way round: a latitude cannot be 107°, so retry swapped
        failed = np.flatnonzero((lon_e != 0) | (lat_e != 0))
        if len(failed):
            take = pa.array(failed)
            sw_lon, sw_lon_e = coords.parse_coordinates_arrow(s_lat.take(take), "lon")
            sw_lat, sw_lat_e = coords.parse_coordinates_arrow(s_lon.take(take), "lat")
            ok = (sw_lon_e == 0) & (sw_lat_e == 0) & ~np.isnan(sw_lon) & ~np.isnan(sw_lat)
            rows = failed[ok]
            lon[rows] = sw_lon[ok]
            lat[rows] = sw_lat[ok]
            lon_e[rows] = 0
            lat_e[rows] = 0
            swapped_at_parse[rows] = True
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
        coord_src = src_lon or src_lat
    has_xy = ~(np.isnan(lon) | np.isnan(lat))
    method = _Coded.empty(n)
    precision = np.full(n, np.nan)
    if has_xy.any():
        wlon, wlat = coords.to_wgs84(lon, lat, crs)
        # swapped columns are detected on the converted point, in the county's bbox
        slon, slat, swapped = coords.fix_swapped(wlon, wlat, area.bbox)
        if swapped.any():
            # a swapped pair was converted in the wrong order: convert the swapped raw pair again
            rlon, rlat = coords.to_wgs84(np.where(swapped, lat, lon), np.where(swapped, lon, lat), crs)
            slon, slat = np.where(swapped, rlon, slon), np.where(swapped, rlat, slat)
        lon = np.where(has_xy, slon, np.nan)
        lat = np.where(has_xy, slat, np.nan)
        inside = np.zeros(n, dtype=bool)
        inside[has_xy] = area.contains(lon[has_xy], lat[has_xy])
        err.add(has_xy & ~inside, coord_src or "lon", "outside_county",
                lambda pos: np.char.add(np.char.add(np.round(lon[pos], 5).astype(str), ","),
                                        np.round(lat[pos], 5).astype(str)))
        method.put(np.flatnonzero(has_xy), [f"register:{crs}"])
        precision[has_xy] = 10.0
        swapped = swapped | swapped_at_parse
        if swapped.any():
            method.put(np.flatnonzero(has_xy & swapped), [f"register:{crs}:swapped"])
        geometry = sheet.row_info.get("geometry")
        if geometry is not None:
            # a polygon stands at its representative point, as precise as the polygon is large
            poly = has_xy & np.array([g in readers.POLYGON_TYPES for g in geometry], dtype=bool)
            if poly.any():
                at = np.flatnonzero(poly)
                method.put(at, [f"register:{crs}:polygon" + (":swapped" if swapped[i] else "")
                                for i in at])
                precision[at] = np.fmax(10.0, sheet.row_info["extent_m"][at])

    # township, resolved once per distinct text
    tsrc, town_raw = _col(sheet, mapping, "township")
    tw_idx, tw_uniq = _encode(town_raw)
    tw_code = [gaz.township(t) for t in tw_uniq]
    town = _Coded.spread(tw_code, tw_idx)
    unknown_t = np.array([c is None for c in tw_code] + [False])[tw_idx]
    if unknown_t.any():
        hints = [_hint(gaz.township_suggestions(t)) if c is None else ""
                 for t, c in zip(tw_uniq, tw_code, strict=True)]
        err.add(unknown_t, tsrc, "unknown_township", town_raw, _spread(hints, tw_idx))

    # unit, resolved once per distinct (township, text) pair
    usrc, unit_raw = _col(sheet, mapping, "unit")
    ucsrc, unit_code_raw = _col(sheet, mapping, "unit_code")
    unit = _Coded.empty(n)
    if ucsrc is not None:
        codes = values.strip_invisible(unit_code_raw)
        c_idx, c_uniq = _encode(codes)
        known_codes = set(gaz.units["code"])
        unit = _Coded.spread([c if c in known_codes else None for c in c_uniq], c_idx)
        err.add((c_idx >= 0) & unit.none() & pc.is_null(unit_raw).to_numpy(zero_copy_only=False),
                ucsrc, "unknown_unit", codes, "")
    if usrc is not None:
        u_idx, u_uniq = _encode(unit_raw)
        todo = np.flatnonzero((u_idx >= 0) & unit.none() & ~unknown_t)
        m = len(u_uniq) + 1
        pair, pairs = pd.factorize((tw_idx[todo] + 1) * m + u_idx[todo] + 1)
        pair_town = [tw_code[k // m - 1] if k // m > 0 else None for k in pairs]
        pair_unit = [u_uniq[k % m - 1] for k in pairs]
        got = [gaz.unit(x, t) for x, t in zip(pair_unit, pair_town, strict=True)]
        unit.put(todo, _Coded.spread(got, pair))
        bad_pairs = np.array([g is None for g in got] + [False])[pair]
        if bad_pairs.any():
            hints = [_hint(gaz.unit_suggestions(x, t)) if g is None else ""
                     for x, t, g in zip(pair_unit, pair_town, got, strict=True)]
            hint_full = np.full(n, "", dtype=object)
            hint_full[todo] = _spread(hints, pair)
            err.add_at(todo[bad_pairs], usrc, "unknown_unit", unit_raw, hint_full)
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

    if kind == "population":
        return _finish_population(out, err, sheet, mapping, unit, town, lon, lat, has_xy, method)

    # locate rows without coordinates: unit point, township point, or address via geocoder
    need = ~has_xy
    addresses = out.get("address")
    if need.any():
        rows = np.flatnonzero(need)
        addr = (addresses.take(pa.array(rows)).to_pylist() if addresses is not None
                else [None] * len(rows))
        for i, address in zip(rows, addr, strict=True):
            pt = None
            if unit.get(i):
                p = gaz.point_of_unit(unit.get(i))
                if p:
                    pt = (*p, "gazetteer:unit", 1500.0)
            if pt is None and isinstance(address, str):
                pt = geocode_point(geocoder(), address)
            if pt is None and isinstance(town.get(i), str):
                p = gaz.point_of_township(town.get(i))
                if p:
                    pt = (*p, "gazetteer:township", 5000.0)
            if pt is not None:
                lon[i], lat[i], m, precision[i] = pt
                method.put(np.array([i]), [m])
        err.add(np.isnan(lon) & ~unknown_t, coord_src or "经度/纬度", "no_location")
    # township from the point when none was written
    no_town = np.flatnonzero(town.none() & ~np.isnan(lon))
    if len(no_town):
        town.put(no_town, gaz.nearest_township(lon[no_town], lat[no_town]))
    # unit from the point when none was written (nearest unit of the same township)
    no_unit = np.flatnonzero(unit.none() & ~town.none() & ~np.isnan(lon))
    if len(no_unit):
        unit.put(no_unit, gaz.nearest_units(lon[no_unit], lat[no_unit], town.take(no_unit)))

    out["township_code"] = town
    out["unit_code"] = unit
    out["lon"] = lon
    out["lat"] = lat
    out["location_method"] = method
    out["location_precision_m"] = precision
    return out, err


def _visible(arr: pa.Array) -> pa.Array:
    """Texts without invisible characters (:func:`etl.values.strip_invisible`); empty -> null."""
    arr = values.strip_invisible(arr)
    empty = pc.fill_null(pc.equal(arr, ""), False)
    if not pc.any(empty).as_py():
        return arr
    return pc.if_else(empty, pa.scalar(None, arr.type), arr)


def _long_cells(sheet: readers.RawSheet, err: _Errors) -> None:
    """Reject rows with a cell over ``max_field_chars`` characters (every column of the sheet).

    Byte lengths come from the offsets (no string is read); characters are counted only
    for cells whose bytes exceed the limit (a character is at least one byte).
    """
    cap = int(readers.limit("max_field_chars"))
    for column in sheet.frame.columns:
        arr = _text_column(sheet.frame[column])
        nbytes = pc.fill_null(pc.binary_length(arr), 0).to_numpy(zero_copy_only=False)
        pos = np.flatnonzero(nbytes > cap)
        if not len(pos):
            continue
        chars = pc.utf8_length(arr.take(pa.array(pos))).to_numpy(zero_copy_only=False)
        over = chars > cap
        if over.any():
            err.add_at(pos[over], column, "field_too_long",
                       [f"{int(c):,}" for c in chars[over]], f"{cap:,}")


def _hint(suggestions: list[str]) -> str:
    return f"（可能是：{'、'.join(suggestions)} / did you mean: {', '.join(suggestions)}）" if suggestions else ""


def _finish_population(out, err, sheet, mapping, unit, town, lon, lat, has_xy, method):  # noqa: ARG001
    usrc, _ = _col(sheet, mapping, "unit")
    err.add(unit.none() & ~np.isin(np.arange(len(unit.idx)), err.positions()),
            usrc or "村（社区）", "missing_unit")
    bands = [c for c in schema.POP_COLUMNS if c in out]
    if bands and len(bands) < len(schema.POP_COLUMNS):
        missing = [c for c in schema.POP_COLUMNS if c not in out]
        raise readers.RegisterReadError(
            f"{sheet.file_name}：人口表缺少年龄段列 {missing}",
            f"{sheet.file_name}: the population register lacks the age-band columns {missing}")
    if bands:
        # NaN when any band is missing
        band_sum = np.vstack([out[c] for c in bands]).sum(axis=0)
        if "population" in out:
            tot = out["population"]
            bad = ~np.isnan(tot) & ~np.isnan(band_sum) & (tot != band_sum)
            src, _ = _col(sheet, mapping, "population")
            err.add(bad, src, "total_mismatch",
                    lambda pos: band_sum[pos].astype("int64").astype(str))
        out["population"] = band_sum
    out["code"] = unit
    out["township_code"] = town
    out["lon"] = np.where(has_xy, lon, np.nan)
    out["lat"] = np.where(has_xy, lat, np.nan)
    return out, err


# -- the load itself --------------------------------------------------------------------


def _to_arrow(v: object) -> pa.Array:
    """A column of the validated sheet as arrow (NaN -> null; object columns dictionary-encoded)."""
    if isinstance(v, _Coded):
        return v.arrow()
    if isinstance(v, pa.ChunkedArray):
        return v.combine_chunks()
    if isinstance(v, pa.Array):
        return v
    v = np.asarray(v)
    if v.dtype == object:
        codes, uniques = pd.factorize(v, use_na_sentinel=True)
        return pa.DictionaryArray.from_arrays(
            pa.array(codes.astype(np.int32), mask=codes < 0), pa.array(list(uniques), pa.string()))
    return pa.array(v, from_pandas=True)


def _facility_ids(clean: dict, good: np.ndarray, kind: str) -> pa.Array:
    """The register's own id, else (for the good rows) a stable id derived from type, name
    and township."""
    ids = _to_arrow(clean["id_raw"]).cast(pa.string())
    missing = pc.fill_null(pc.equal(ids, ""), True).to_numpy(zero_copy_only=False) & good
    if missing.any():
        sel = pa.array(np.flatnonzero(missing))
        sub = pd.DataFrame({
            "type": _to_arrow(clean["type"]).take(sel).to_pandas(),
            "name": _to_arrow(clean["name"]).take(sel).to_pandas(),
            "township_code": clean["township_code"].take(np.flatnonzero(missing)),
        }).astype("string").fillna("")
        hashes = pd.util.hash_pandas_object(sub, index=False).to_numpy()
        derived = pa.array([f"{kind[:3].upper()}-{h:016x}" for h in hashes], pa.string())
        ids = pc.replace_with_mask(ids, pa.array(missing), derived)
    return ids


def _repeated(arr: pa.Array) -> np.ndarray:
    """True where a value appeared earlier in ``arr`` (nulls count as one value)."""
    n = len(arr)
    # registers are often sorted by id: strictly increasing values cannot repeat
    if n > 1 and arr.null_count == 0 and pc.all(pc.greater(arr.slice(1), arr.slice(0, n - 1))).as_py():
        return np.zeros(n, dtype=bool)
    idx = pc.fill_null(pc.dictionary_encode(arr).indices, -1).to_numpy(zero_copy_only=False)
    idx = idx.astype(np.int64) + 1
    order = np.arange(n)
    first = np.full(int(idx.max(initial=0)) + 1, n)
    np.minimum.at(first, idx, order)
    return first[idx] != order


def _text_column(s: pd.Series) -> pa.Array | pa.ChunkedArray:
    """A sheet column as arrow text without copying it (sheets hold arrow-backed ``str``)."""
    if isinstance(s.dtype, pd.StringDtype) and s.dtype.storage == "pyarrow":
        return pa.array(s.array)
    return values._as_arrow(s)


def _rejects_frame(sheet: readers.RawSheet, errors: _Errors) -> pd.DataFrame:
    if not errors.parts:
        return pd.DataFrame(columns=["row_number", "sheet", "column_name", "raw", "reason_zh", "reason_en"])
    e = errors.frame()
    order = np.argsort(e["pos"].to_numpy(), kind="stable")
    pos = e["pos"].to_numpy()[order]
    cols, codes = e["column"].to_numpy()[order], e["code"].to_numpy()[order]
    vals, hints = e["value"].to_numpy()[order], e["hint"].to_numpy()[order]
    starts = np.flatnonzero(np.r_[True, pos[1:] != pos[:-1]])
    ends = np.r_[starts[1:], len(pos)]
    # the failing rows' cells as text (None for blank), taken column by column from arrow
    take = pa.array(pos[starts])
    names = list(sheet.frame.columns)
    cells = [_text_column(sheet.frame[c]).take(take).to_pylist() for c in names]
    rows = []
    for a, b, raw_values in zip(starts, ends, zip(*cells, strict=True) if cells
                                else [()] * len(starts), strict=True):
        texts = [_reason(codes[i], cols[i], vals[i],
                         hints[i] if isinstance(hints[i], str | tuple) else "")
                 for i in range(a, b)]
        raw = {k: _raw_cell(v) for k, v in zip(names, raw_values, strict=True)}
        rows.append({
            "row_number": int(sheet.row_numbers[pos[a]]),
            "sheet": sheet.sheet,
            "column_name": cols[a],
            "raw": json.dumps(raw, ensure_ascii=False),
            "reason_zh": "；".join(dict.fromkeys(t[0] for t in texts)),
            "reason_en": "; ".join(dict.fromkeys(t[1] for t in texts)),
        })
    return pd.DataFrame(rows)


def process_file(con: duckdb.DuckDBPyConnection, path: Path, kind: str, *, crs: str = "wgs84",
                 type: str | None = None,  # noqa: A002 - the CLI's --type
                 overrides: dict[str, str] | None = None,
                 file_name: str | None = None, sha256: str | None = None,
                 sheets: list[readers.RawSheet] | None = None, year: int | None = None,
                 scope: str | list[str] | tuple[str, ...] | None = None,
                 require_year: bool = False) -> LoadResult:
    """Read and validate ``path`` against the database's gazetteer without writing anything.

    ``sha256`` is the file's hash and ``sheets`` the file as read by
    :func:`etl.readers.read_register` when the caller has them already. For a facility
    register, ``year`` and ``scope`` are as in :func:`load_file`, and the result says what a
    load would supersede (``result.supersedes`` and the notes).
    """
    scope = registers.resolve_scope(con, scope) if kind in schema.FACILITY_KINDS else None
    result = _process(con, path, kind, crs=crs, overrides=overrides, file_name=file_name,
                      sha256=sha256, sheets=sheets, type=type, year=year, scope=scope)
    if kind in schema.FACILITY_KINDS:
        registers.annotate(con, result, require_year=require_year)
    return result


#: Most rows validated at a time (:data:`etl.readers.PART_ROWS`, three DuckDB row groups):
#: a load writes each part while the next is validated. Every check is row by row, and duplicates are looked up in
#: the ids kept from earlier parts, so the parts give exactly the result of the whole.
CHUNK_ROWS = readers.PART_ROWS


def _parts(sheet: readers.RawSheet, size: int) -> list[readers.RawSheet]:
    """The sheet in consecutive slices of at most ``size`` rows (the sheet itself if small),
    cut where possible where the chunks of all its arrow columns end (a part's columns
    are then used without copying).

    >>> import pandas as pd
    >>> s = readers.RawSheet("f.csv", None, ["a"], pd.DataFrame({"a": list("abcdefg")}),
    ...                      np.arange(2, 9), "utf-8", 1, [])
    >>> [(p.frame["a"].tolist(), p.row_numbers.tolist()) for p in _parts(s, 3)]
    [(['a', 'b', 'c'], [2, 3, 4]), (['d', 'e', 'f'], [5, 6, 7]), (['g'], [8])]
    """
    n = len(sheet.frame)
    if n <= size:
        return [sheet]
    ends = {n}
    for i, c in enumerate(sheet.frame.columns):
        arr = _text_column(sheet.frame[c])
        lengths = [len(x) for x in arr.chunks] if isinstance(arr, pa.ChunkedArray) else [n]
        here = set(np.cumsum(lengths).tolist())
        ends = here if i == 0 else ends & here
    cuts = [0]
    while cuts[-1] < n:
        fit = [e for e in ends if cuts[-1] < e <= cuts[-1] + size]
        cuts.append(max(fit) if fit else min(cuts[-1] + size, n))
    return [dataclasses.replace(sheet, frame=sheet.frame.iloc[a:b].reset_index(drop=True),
                                row_numbers=sheet.row_numbers[a:b],
                                row_info={k: v[a:b] for k, v in sheet.row_info.items()})
            for a, b in itertools.pairwise(cuts)]


class _KeptIds:
    """Ids kept so far in this file (from earlier sheets and parts), to reject repeats."""

    def __init__(self) -> None:
        self.parts: list[pa.Array] = []
        self.max: str | None = None

    def contains(self, ids: pa.Array) -> np.ndarray:
        """True where an id (no nulls) was kept before."""
        if not self.parts or not len(ids):
            return np.zeros(len(ids), dtype=bool)
        # registers are often sorted by id: ids all above every kept one cannot repeat
        if pc.min(ids).as_py() > self.max:
            return np.zeros(len(ids), dtype=bool)
        kept = self.parts[0] if len(self.parts) == 1 else pa.concat_arrays(self.parts)
        return pc.fill_null(pc.is_in(ids, value_set=kept), False).to_numpy(zero_copy_only=False)

    def add(self, ids: pa.Array) -> None:
        if len(ids):
            self.parts.append(ids)
            top = pc.max(ids).as_py()
            self.max = top if self.max is None else max(self.max, top)


def _process(con: duckdb.DuckDBPyConnection, path: Path, kind: str, *, crs: str = "wgs84",
             overrides: dict[str, str] | None = None, file_name: str | None = None,
             sha256: str | None = None, sheets: list[readers.RawSheet] | None = None,
             on_part: Callable[[pa.Table], None] | None = None,
             places: tuple[Gazetteer, coords.Area] | None = None,
             type: str | None = None,  # noqa: A002 - the CLI's --type
             year: int | None = None, scope: tuple[str, ...] | None = None) -> LoadResult:
    """:func:`process_file`, handing each validated part's table to ``on_part`` as it is done;
    ``places`` is the database's gazetteer and county area when the caller has them; ``type``
    (a type code or label of the kind, :func:`etl.aliases.resolve_type`) is the type of every
    row, whatever the file says."""
    path = Path(path)
    if kind not in schema.REGISTER_KINDS:
        raise ValueError(f"unknown kind {kind!r}; expected one of {sorted(schema.REGISTER_KINDS)}")
    if crs not in ("wgs84", "gcj02", "bd09"):
        raise ValueError(f"unknown crs {crs!r}; expected wgs84, gcj02 or bd09")
    readers.check_overrides(overrides, kind)  # an unknown field: refused before reading
    forced_type = aliases.resolve_type(type, kind) if type is not None else None
    result = LoadResult(file_name=file_name or path.name, kind=kind,
                        sha256=sha256 or file_sha256(path))
    result.year, result.scope = year, scope  # the year is settled by etl.registers.annotate
    if kind == "boundaries":
        result.clean = _read_boundaries(path, result.file_name)
        result.rows_read = result.rows_loaded = len(result.clean)
        return result
    if sheets is None:
        sheets = readers.read_register(path, kind, overrides=overrides,
                                       file_name=result.file_name)
    gaz, area = places or _places(con)
    # made on first use: only rows without coordinates need it (building one costs ~0.2 s)
    geocoder = functools.cache(lambda: online_geocoder() or GazetteerGeocoder(gaz))
    tables, rejects = [], []
    # ids (or unit codes) kept from earlier sheets and parts: a file holds each once
    kept_ids, seen = _KeptIds(), []
    for whole in sheets:
        result.notes += whole.skipped
        match = aliases.match_columns(whole.columns, kind, overrides)
        if match.missing_required:
            raise readers.RegisterReadError(
                f"{result.file_name}（{whole.sheet or '第 1 个表'}）缺少必需的列：{'、'.join(match.missing_required)}；"
                f"找到的列：{'、'.join(whole.columns)}。可用 --map 源列=字段 指定对应关系。",
                f"{result.file_name} ({whole.sheet or 'first sheet'}) lacks required columns: "
                f"{', '.join(match.missing_required)}; columns found: {', '.join(whole.columns)}. "
                "Use --map SOURCE=field to map a column.")
        for fld, cols in match.duplicates.items():
            result.notes.append(f"{fld}: 多个列可对应，使用“{cols[0]}” / several columns map to {fld}; using {cols[0]!r}")
        if match.unmatched:
            result.notes.append(f"未使用的列 / unused columns: {', '.join(match.unmatched)}")
        if forced_type is not None:
            result.notes.append(f"类型均为 {forced_type}（--type） / every row's type is "
                                f"{forced_type} (--type)")
        elif "type" not in match.mapping.values() and len(schema.REGISTER_KINDS[kind]) > 1:
            result.notes.append("没有类型列：类型按名称判断 / no type column: types told from the names")
        for sheet in _parts(whole, CHUNK_ROWS):
            clean, errors = _validate_sheet(sheet, kind, crs, match.mapping, gaz, area, geocoder,
                                            forced_type)
            if kind in schema.FACILITY_KINDS and (scope is not None or year is not None):
                registers.check_rows(clean, errors, match.mapping, len(sheet.frame), scope=scope,
                                     year=year, town_name=gaz.township_name)
            n = len(sheet.frame)
            bad = np.zeros(n, dtype=bool)
            bad[errors.positions()] = True
            good = np.flatnonzero(~bad)
            # duplicates among the otherwise good rows (ids for facilities, units for population)
            if kind in schema.FACILITY_KINDS:
                ids = _facility_ids(clean, ~bad, kind)
                good_ids = ids if len(good) == n else ids.take(pa.array(good))
                dup = _repeated(good_ids) | kept_ids.contains(good_ids)
                dup_col = next((s for s, f in match.mapping.items() if f == "id"), "名称")
                if dup.any():
                    errors.add_at(good[dup], dup_col, "duplicate_id",
                                  good_ids.filter(pa.array(dup)).to_pylist())
                clean["id"] = ids
                kept_ids.add(good_ids.filter(pa.array(~dup)) if dup.any() else good_ids)
            else:
                codes = pd.Series(clean["code"].take(good), dtype=object)
                dup = codes.duplicated().to_numpy() | codes.isin(seen).to_numpy()
                seen += codes[~dup].tolist()
                dup_col = next((s for s, f in match.mapping.items() if f in ("unit", "unit_code")),
                               "村（社区）")
                if dup.any():
                    errors.add_at(good[dup], dup_col, "duplicate_unit", codes[dup].tolist())
            bad[good[dup]] = True
            table = {k: _to_arrow(v) for k, v in clean.items()}
            table["_row"] = pa.array(sheet.row_numbers)
            table["_sheet"] = pa.repeat(pa.scalar(sheet.sheet, pa.string()), n)
            table["_keep"] = pa.array(~bad)
            table = pa.table(table)
            if on_part is not None:
                on_part(table)
            tables.append(table)
            rejects.append(_rejects_frame(sheet, errors))
            result.rows_read += n
            result.rows_loaded += n - int(bad.sum())
    if tables:
        result.table = pa.concat_tables(tables, promote_options="default")
    # parts without rejects add nothing (and would make the columns' types object)
    rejects = [r for r in rejects if len(r)] or rejects[:1]
    result.rejects = pd.concat(rejects, ignore_index=True) if rejects else pd.DataFrame()
    result.rows_rejected = len(result.rejects)
    return result


def _read_boundaries(path: Path, name: str | None = None) -> pd.DataFrame:
    """Township (9-digit code) or unit (12-digit code) polygons from GeoJSON.

    Any failure is a :class:`etl.readers.RegisterReadError` naming the file as ``name``.
    """
    name = name or path.name
    try:
        return _boundary_rows(path, name)
    except readers.RegisterReadError:
        raise
    except Exception as exc:  # noqa: BLE001 - every parser failure becomes a clear message
        raise readers.read_error(name, exc, path) from exc


def _boundary_rows(path: Path, name: str) -> pd.DataFrame:
    from shapely.geometry import shape
    try:
        with open(path, encoding="utf-8-sig") as f:
            fc = json.load(f)
    except (OSError, ValueError) as exc:
        detail = readers.scrub(exc, path, name)
        raise readers.RegisterReadError(f"{name}：不是有效的 GeoJSON（{detail}）",
                                        f"{name}: not valid GeoJSON ({detail})") from exc
    if not isinstance(fc, dict):
        raise readers.RegisterReadError(f"{name}：不是 GeoJSON FeatureCollection",
                                        f"{name}: not a GeoJSON FeatureCollection")
    rows = []
    for i, feat in enumerate(fc.get("features", []), start=1):
        props = feat.get("properties") or {}
        code = str(props.get("code") or props.get("代码") or "")
        geom = feat.get("geometry") or {}
        if geom.get("type") not in ("Polygon", "MultiPolygon") or not shape(geom).is_valid:
            raise readers.RegisterReadError(
                f"{name}：第 {i} 个要素不是有效的面",
                f"{name}: feature {i} is not a valid polygon")
        level = {9: "township", 12: "unit"}.get(len(code))
        if level is None:
            raise readers.RegisterReadError(
                f"{name}：第 {i} 个要素的 code “{code}” 应为 9 位（乡镇）或 12 位（村）代码",
                f"{name}: feature {i} code {code!r} must be a 9-digit (township) or 12-digit (unit) code")
        rows.append({"level": level, "code": code, "name": props.get("name") or props.get("名称"),
                     "geojson": json.dumps(geom), "source": name, "is_synthetic": False})
    return pd.DataFrame(rows)


def load_file(con: duckdb.DuckDBPyConnection, path: Path, kind: str, *, crs: str = "wgs84",
              overrides: dict[str, str] | None = None, data_dir: Path = paths.DATA,
              keep_raw: bool = True, raw_path: str | None = None,
              file_name: str | None = None,
              type: str | None = None,  # noqa: A002 - the CLI's --type
              year: int | None = None, scope: str | list[str] | tuple[str, ...] | None = None,
              require_year: bool = False, synthetic: bool = False, who: str | None = None,
              loaded_at: dt.datetime | None = None) -> LoadResult:
    """Validate ``path`` and write it in one transaction (see the module docstring).

    A facility load is a register (:mod:`etl.registers`): of ``year`` (else the file's year
    column; with ``require_year`` a file without either is refused), ``scope`` (township
    names or codes; rows outside are rejected; default the whole county), generated when
    ``synthetic``; it supersedes what it covers. ``who`` and ``loaded_at`` (UTC; default
    now) are recorded.

    ``type`` sets one facility type for every row (``--type``; see :func:`process_file`).

    The file is hashed while it is read, and the raw copy is made while it is validated
    (both in a worker thread); the copy is put in place inside the transaction. Facility
    rows are validated in parts of :data:`CHUNK_ROWS`, and DuckDB writes each part (in
    another thread; it releases the GIL) while the next is validated, all in the same
    transaction.
    """
    path = Path(path)
    scope = registers.resolve_scope(con, scope) if kind in schema.FACILITY_KINDS else None
    loaded_at = loaded_at or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    if kind in schema.REGISTER_KINDS:
        readers.check_overrides(overrides, kind)  # an unknown field: refused before reading
        if type is not None:
            aliases.resolve_type(type, kind)  # a type of another kind: refused before reading
    with ThreadPoolExecutor(max_workers=1) as pool:
        sha_job = pool.submit(file_sha256, path)
        sheets, read_error, places = None, None, None
        if kind != "boundaries" and kind in schema.REGISTER_KINDS:
            # the gazetteer and the county area are read from the database while the file is
            # read (nothing else uses the connection meanwhile)
            side = ThreadPoolExecutor(max_workers=1)
            places_job = side.submit(_places, con)
            try:
                sheets = readers.read_register(path, kind, overrides=overrides,
                                               file_name=file_name or path.name)
            except readers.RegisterReadError as exc:
                read_error = exc
            finally:
                side.shutdown(wait=True)
            # if they cannot be read, the validation reads them again and fails as it would have
            with contextlib.suppress(Exception):
                places = places_job.result()
        sha = sha_job.result()  # a missing file raises here, as before
        prev = con.execute("SELECT load_id FROM loads WHERE sha256 = ? AND kind = ?",
                           [sha, kind]).fetchone()
        if prev:
            return LoadResult(file_name=file_name or path.name, kind=kind, sha256=sha,
                              load_id=prev[0], already_loaded=True)
        if read_error is not None:
            raise read_error
        raw_name = f"{sha}{path.suffix.lower()}"
        copy = _RawCopy(pool, path, data_dir / "raw", raw_name) if keep_raw else None
        try:
            with transaction(con):
                writer = (_FacilityWriter(con, file_name or path.name)
                          if kind in schema.FACILITY_KINDS else None)
                try:
                    result = _process(con, path, kind, crs=crs, overrides=overrides,
                                      file_name=file_name, sha256=sha, sheets=sheets,
                                      on_part=writer.put if writer else None,
                                      places=places, type=type, year=year, scope=scope)
                except BaseException:
                    if writer is not None:
                        writer.abort()
                    raise
                load_id = writer.finish() if writer else _next_load_id(con)
                result.load_id = load_id
                if writer is not None:  # the register's year, and what it supersedes
                    registers.annotate(con, result, require_year=require_year,
                                       synthetic=synthetic, done=True)
                con.execute(
                    "INSERT INTO loads VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [load_id, result.file_name, sha, kind, crs, result.rows_read,
                     result.rows_loaded, result.rows_rejected,
                     loaded_at, raw_path or f"raw/{raw_name}"])
                if writer is None:
                    _write_rows(con, result, kind, load_id)
                else:
                    registers.record(con, result, synthetic=synthetic, who=who,
                                     loaded_at=loaded_at, raw_path=raw_path or f"raw/{raw_name}")
                if len(result.rejects):
                    rej = result.rejects.assign(load_id=load_id)
                    con.register("_rej", rej)
                    con.execute("INSERT INTO rejects SELECT load_id, row_number, sheet, column_name, "
                                "raw, reason_zh, reason_en FROM _rej")
                    con.unregister("_rej")
                if kind in ("population", "boundaries"):
                    refresh_derived(con)
                if copy is not None:
                    copy.finish()
                    _index_raw(data_dir / "raw", raw_name, result, crs, overrides, type,
                               year=year, scope=scope, who=who, loaded_at=loaded_at)
        except BaseException:
            if copy is not None:
                copy.discard()
            raise
    return result


class _RawCopy:
    """Copy the raw file to ``raw_dir/<name>.part`` in a worker thread; ``finish`` waits for
    the copy and renames it into place (re-raising any error of the copy), ``discard``
    removes it (and the folder, if the copy made it and it is empty)."""

    def __init__(self, pool: ThreadPoolExecutor, path: Path, raw_dir: Path, name: str) -> None:
        self.raw_dir, self.target = raw_dir, raw_dir / name
        self.part = raw_dir / f"{name}.part"
        self.made_dir = not raw_dir.exists()
        self.job = pool.submit(self._copy, path)

    def _copy(self, path: Path) -> None:
        self.raw_dir.mkdir(parents=True, exist_ok=True)
        if not self.target.exists():
            shutil.copyfile(path, self.part)

    def finish(self) -> None:
        self.job.result()
        if self.part.exists():
            self.part.replace(self.target)

    def discard(self) -> None:
        with contextlib.suppress(Exception):
            self.job.result()
        with contextlib.suppress(OSError):
            self.part.unlink(missing_ok=True)
            if self.made_dir:
                self.raw_dir.rmdir()


def _write_rows(con: duckdb.DuckDBPyConnection, result: LoadResult, kind: str, load_id: int) -> None:
    if kind in ("population", "boundaries"):
        c = result.clean
        if c.empty:
            return
    if kind == "population":
        cols = list(schema.POP_COLUMNS) + ["population"]
        frame = c[["code", "lon", "lat", *cols]].copy()
        frame["pop_year"] = c.get("year", pd.NA)
        frame["is_synthetic"] = c["is_synthetic"]
        frame["source"] = result.file_name
        con.register("_pop", frame)
        sets = ", ".join(f"{k} = CAST(p.{k} AS INTEGER)" for k in [*cols, "pop_year"])
        con.execute(f"""UPDATE units SET {sets},
            lon = coalesce(p.lon, units.lon), lat = coalesce(p.lat, units.lat),
            is_synthetic = p.is_synthetic, source = p.source
            FROM _pop p WHERE units.code = p.code""")
        con.unregister("_pop")
        return
    if kind == "boundaries":
        con.register("_b", c)
        con.execute("DELETE FROM boundaries WHERE (level, code) IN (SELECT level, code FROM _b)")
        con.execute("INSERT INTO boundaries SELECT level, code, name, geojson, source, is_synthetic FROM _b")
        con.unregister("_b")
        return
    if result.table is not None and result.rows_loaded:
        _insert_facilities(con, result.table, result.file_name, load_id,
                           replace=False)  # never deleted: registers supersede


def _next_load_id(con: duckdb.DuckDBPyConnection) -> int:
    return con.execute("SELECT nextval('load_seq')").fetchall()[0][0]


def _has_facilities(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(con.execute("SELECT count(*) FROM (SELECT 1 FROM facilities LIMIT 1)").fetchall()[0][0])


class _FacilityWriter:
    """Writes the validated parts of a facility register, each in a worker thread while the
    next part is validated, on the caller's connection and inside its open transaction.

    At most one part is being written at a time, and the connection is used by one thread
    at a time: :meth:`put` waits for the previous part before it hands over the next, and
    :meth:`finish` (or :meth:`abort`, on failure) waits for the last one. The load id is
    drawn from the sequence when the first part is written (or at :meth:`finish`).
    """

    def __init__(self, con: duckdb.DuckDBPyConnection, file_name: str) -> None:
        self.con, self.file_name = con, file_name
        self.pool = ThreadPoolExecutor(max_workers=1)
        self.job = None
        self.load_id: int | None = None
        self.order: bool | None = None
        self.replace = False

    def _start(self) -> None:
        self.load_id = _next_load_id(self.con)
        # rows loaded before are never deleted: registers supersede them (etl.registers)
        self.replace = False
        # row order in the table does not matter (readers ORDER BY): let the insert run in parallel
        self.order = self.con.execute(
            "SELECT current_setting('preserve_insertion_order')").fetchall()[0][0]
        self.con.execute("SET preserve_insertion_order = false")

    def put(self, table: pa.Table) -> None:
        if self.job is not None:
            self.job.result()
        if self.load_id is None:
            self._start()
        if not pc.any(table["_keep"]).as_py():
            return
        self.job = self.pool.submit(_insert_facilities, self.con, table, self.file_name,
                                    self.load_id, replace=self.replace, set_order=False)

    def finish(self) -> int:
        """Wait for the last part (raising its error); return the load id."""
        try:
            if self.job is not None:
                self.job.result()
            if self.load_id is None:
                self.load_id = _next_load_id(self.con)
            return self.load_id
        finally:
            self._close()

    def abort(self) -> None:
        """Wait for a part being written (its error is dropped: the load is failing anyway)."""
        with contextlib.suppress(BaseException):
            if self.job is not None:
                self.job.result()
        with contextlib.suppress(duckdb.Error):
            self._close()

    def _close(self) -> None:
        self.pool.shutdown(wait=True)
        if self.order is not None:
            self.con.execute(f"SET preserve_insertion_order = {'true' if self.order else 'false'}")
            self.order = None


def _insert_facilities(con: duckdb.DuckDBPyConnection, t: pa.Table, file_name: str,
                       load_id: int, *, replace: bool, set_order: bool = True) -> None:
    """Insert the kept rows of a validated table into the stored table of their domain
    (``facilities_<domain>``, behind the ``facilities`` view; typed arrow columns, scanned
    by DuckDB without going through pandas); with ``replace``, rows of the same ids loaded
    before (in any domain) are deleted first. With ``set_order`` the insert runs with
    ``preserve_insertion_order`` off and the setting is restored after."""
    keep = t["_keep"]
    if not pc.all(keep).as_py():
        t = t.filter(keep)
    if not t.num_rows:
        return
    enc = t["type"].combine_chunks()
    enc = enc if pa.types.is_dictionary(enc.type) else pc.dictionary_encode(enc)
    labels = enc.dictionary.to_pylist()
    used = pc.unique(enc.indices).to_pylist()
    if enc.null_count or any(labels[i] not in schema.FACILITY_TYPES for i in used):
        raise ValueError("facility rows to insert must all have a known type")
    domains = {schema.FACILITY_TYPES[labels[i]][0] for i in used}
    if len(domains) != 1:  # a register kind's types all belong to one domain
        raise ValueError(f"facility rows to insert must be of one domain, not {sorted(domains)}")
    order = None
    try:
        if set_order:
            order = con.execute("SELECT current_setting('preserve_insertion_order')").fetchall()[0][0]
            con.execute("SET preserve_insertion_order = false")
        if replace:
            con.register("_ids", pa.table({"id": t["id"]}))
            try:
                for d in schema.DOMAINS:
                    con.execute(f"DELETE FROM {schema.facility_table(d)} "
                                "WHERE id IN (SELECT id FROM _ids)")
            finally:
                con.unregister("_ids")
        _insert_domain(con, domains.pop(), t, file_name, load_id)
    finally:
        if order is not None:
            con.execute(f"SET preserve_insertion_order = {'true' if order else 'false'}")


def _insert_domain(con: duckdb.DuckDBPyConnection, domain: str, t: pa.Table,
                   file_name: str, load_id: int) -> None:
    """Insert rows of one domain into its stored table; fields the register lacks are NULL,
    source and load id are bound parameters."""
    stored = schema.facility_storage(domain)
    cols = {col.name: t[col.name] for col in stored if col.name in t.column_names}
    select: list[str] = []
    params: list[object] = []
    for col in stored:
        if col.name in ("source", "load_id"):
            select.append(f"CAST(? AS {col.sql_type.split()[0]})")
            params.append(file_name if col.name == "source" else load_id)
        elif col.name in cols:
            select.append(col.name)
        else:
            select.append("NULL")
    con.register("_fac", pa.table(cols))
    try:
        con.execute(f"INSERT INTO {schema.facility_table(domain)} "
                    f"({', '.join(c.name for c in stored)}) SELECT {', '.join(select)} FROM _fac",
                    params)
    finally:
        con.unregister("_fac")


RAW_INDEX_FIELDS = ["raw_name", "file_name", "sha256", "kind", "crs", "overrides", "loaded_at",
                    "type", "year", "scope", "who"]


def read_raw_index(raw_dir: Path) -> list[dict[str, str]]:
    """User loads kept under ``data/raw/``, in the order they were loaded."""
    idx = raw_dir / "index.csv"
    if not idx.exists():
        return []
    with open(idx, encoding="utf-8", newline="") as f:
        return [r for r in csv.DictReader(f) if (raw_dir / r["raw_name"]).exists()]


def _index_raw(raw_dir: Path, raw_name: str, result: LoadResult, crs: str,
               overrides: dict[str, str] | None, type_: str | None = None, *,
               year: int | None = None, scope: tuple[str, ...] | None = None,
               who: str | None = None, loaded_at: dt.datetime | None = None) -> None:
    idx = raw_dir / "index.csv"
    new = not idx.exists()
    if not new:  # an index written before a field was added: rewritten with every field
        with open(idx, encoding="utf-8", newline="") as f:
            old = csv.DictReader(f)
            rows = list(old) if (old.fieldnames or []) != RAW_INDEX_FIELDS else None
        if rows is not None:
            with open(idx, "w", encoding="utf-8", newline="") as f:
                w = csv.DictWriter(f, fieldnames=RAW_INDEX_FIELDS, extrasaction="ignore")
                w.writeheader()
                w.writerows(rows)
    with open(idx, "a", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=RAW_INDEX_FIELDS)
        if new:
            w.writeheader()
        w.writerow({"raw_name": raw_name, "file_name": result.file_name, "sha256": result.sha256,
                    "kind": result.kind, "crs": crs, "overrides": json.dumps(overrides or {}, ensure_ascii=False),
                    "loaded_at": (loaded_at.replace(tzinfo=dt.UTC) if loaded_at
                                  else dt.datetime.now(dt.UTC)).isoformat(),
                    "type": type_ or "", "year": "" if year is None else int(year),
                    "scope": registers.scope_text(scope) if scope else "", "who": who or ""})


def refresh_derived(con: duckdb.DuckDBPyConnection) -> None:
    """Recompute the generated areas (Voronoi of unit points) used where no polygons were loaded."""
    from etl.derived import generated_areas
    units = con.execute("SELECT code, township_code, lon, lat FROM units WHERE lon IS NOT NULL").df()
    if units.empty:
        return
    county = json.loads(con.execute(
        "SELECT geojson FROM boundaries WHERE level = 'county' LIMIT 1").fetchone()[0])
    areas = generated_areas(units, county)
    con.execute("DELETE FROM boundaries WHERE is_synthetic AND level IN ('township', 'unit')")
    loaded = set(con.execute("SELECT level || ':' || code FROM boundaries").fetchall())
    loaded = {r[0] for r in loaded}
    areas = areas[~(areas["level"] + ":" + areas["code"]).isin(loaded)]
    if len(areas):
        con.register("_areas", areas)
        con.execute("INSERT INTO boundaries SELECT level, code, name, geojson, source, is_synthetic FROM _areas")
        con.unregister("_areas")
