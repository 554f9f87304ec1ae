"""Load one register file into the database: read, validate, resolve, locate, write.

A load is one transaction. The good rows go in; every bad row goes to
``rejects`` with its source row number, the column at fault and a reason in
Chinese and English; if the file cannot be read nothing is written at all.
The same file (same SHA-256) loaded twice adds nothing. The raw file is kept
unchanged under ``data/raw/<sha256><suffix>`` so the database can be rebuilt.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from etl import aliases, coords, paths, readers, schema, values
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
}


def _reason(code: str, column: str, value: object, hint: str = "") -> tuple[str, str]:
    if code in _EXTRA_REASONS:
        zh, en = _EXTRA_REASONS[code]
        return (zh.format(column=column, value=value, hint=hint),
                en.format(column=column, value=value, hint=hint))
    return values.reason_text(code, column, value)


@dataclass
class LoadResult:
    """What a load (or a validation) did."""

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
    clean: pd.DataFrame = field(default_factory=pd.DataFrame)

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
    """Collects (row position, column, code, value, hint) for a sheet; first error per row wins."""

    def __init__(self) -> None:
        self.parts: list[pd.DataFrame] = []

    def add(self, mask: np.ndarray | pd.Series, column: str, code: str | pd.Series,
            value: pd.Series | str = "", hint: pd.Series | str = "") -> None:
        mask = np.asarray(mask, dtype=bool)
        if not mask.any():
            return
        pos = np.flatnonzero(mask)

        def pick(x: pd.Series | str) -> list | str:
            return list(np.asarray(x, dtype=object)[pos]) if not isinstance(x, str) else x

        self.parts.append(pd.DataFrame({"pos": pos, "column": column, "code": pick(code),
                                        "value": pick(value), "hint": pick(hint)}))

    def frame(self) -> pd.DataFrame:
        if not self.parts:
            return pd.DataFrame(columns=["pos", "column", "code", "value", "hint"])
        return pd.concat(self.parts, ignore_index=True)


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


def _area(con: duckdb.DuckDBPyConnection) -> coords.Area:
    gj = con.execute(
        "SELECT geojson FROM boundaries WHERE level = 'county' LIMIT 1").fetchone()
    return coords.Area(json.loads(gj[0]))


# -- validation of one sheet ------------------------------------------------------------


def _col(sheet: readers.RawSheet, mapping: dict[str, str], fld: str) -> tuple[str | None, pd.Series]:
    """The source column mapped to ``fld`` and its values (all NA when absent)."""
    for src, f in mapping.items():
        if f == fld:
            return src, sheet.frame[src]
    return None, pd.Series(pd.NA, index=sheet.frame.index, dtype="string")


def _validate_sheet(sheet: readers.RawSheet, kind: str, crs: str, mapping: dict[str, str],
                    gaz: Gazetteer, area: coords.Area, geocoder) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return (clean frame of good rows in canonical fields, errors with positions)."""
    n = len(sheet.frame)
    err = _Errors()
    out = pd.DataFrame(index=pd.RangeIndex(n))
    mapped = set(mapping.values())

    # numbers
    for fld, (integer, lo, hi) in NUMERIC_BOUNDS.items():
        if fld not in mapped:
            continue
        src, s = _col(sheet, mapping, fld)
        vals, codes = values.parse_numbers(s.reset_index(drop=True), integer=integer,
                                           min_value=lo, max_value=hi)
        out[fld] = vals.to_numpy()
        bad = codes.notna().to_numpy()
        err.add(bad, src, codes.to_numpy(), s.to_numpy())

    # name and type (facilities)
    if kind in schema.FACILITY_KINDS:
        src, name = _col(sheet, mapping, "name")
        name = name.reset_index(drop=True).str.strip()
        out["name"] = name.to_numpy()
        err.add(name.isna().to_numpy(), src or "name", "missing_name")
        err.add(name.fillna("").str.fullmatch(r"(合计|总计|小计|合 计|总 计)").to_numpy(),
                src or "name", "total_row", name.to_numpy())
        tsrc, tvals = _col(sheet, mapping, "type")
        types, tcodes = aliases.normalise_types(tvals.reset_index(drop=True), kind)
        out["type"] = types.to_numpy()
        err.add(tcodes.notna().to_numpy(), tsrc or "type", tcodes.to_numpy(), tvals.to_numpy())
        isrc, ids = _col(sheet, mapping, "id")
        out["id_raw"] = ids.reset_index(drop=True).str.strip().to_numpy()
        for fld in ("school_group", "ownership", "address"):
            out[fld] = _col(sheet, mapping, fld)[1].to_numpy()

    if "is_synthetic" in mapped:
        bsrc, b = _col(sheet, mapping, "is_synthetic")
        flags, _ = values.parse_bool(b.reset_index(drop=True))
        out["is_synthetic"] = flags.fillna(False).astype(bool).to_numpy()
    else:
        out["is_synthetic"] = False

    # coordinates
    lon = np.full(n, np.nan)
    lat = np.full(n, np.nan)
    coord_src = None
    swapped_at_parse = np.zeros(n, dtype=bool)
    if "lonlat" in mapped:
        coord_src, s = _col(sheet, mapping, "lonlat")
        a, b = coords.split_lonlat(s.reset_index(drop=True))
        lon_s, lon_e = coords.parse_coordinates(a, "lon")
        lat_s, lat_e = coords.parse_coordinates(b, "lat")
        lon, lat = lon_s.to_numpy(dtype=float), lat_s.to_numpy(dtype=float)
        bad = (lon_e.notna() | lat_e.notna()).to_numpy()
        err.add(bad, coord_src, "bad_coordinate", s.to_numpy())
    elif "lon" in mapped or "lat" in mapped:
        src_lon, s_lon = _col(sheet, mapping, "lon")
        src_lat, s_lat = _col(sheet, mapping, "lat")
        s_lon, s_lat = s_lon.reset_index(drop=True), s_lat.reset_index(drop=True)
        lon_s, lon_e = coords.parse_coordinates(s_lon, "lon")
        lat_s, lat_e = coords.parse_coordinates(s_lat, "lat")
        # columns written the wrong way round: a latitude cannot be 107°, so retry swapped
        failed = (lon_e.notna() | lat_e.notna()).to_numpy()
        if failed.any():
            sw_lon, sw_lon_e = coords.parse_coordinates(s_lat[failed], "lon")
            sw_lat, sw_lat_e = coords.parse_coordinates(s_lon[failed], "lat")
            ok = (sw_lon_e.isna() & sw_lat_e.isna() & sw_lon.notna() & sw_lat.notna()).to_numpy()
            rows = np.flatnonzero(failed)[ok]
            lon_s, lat_s = lon_s.astype(float), lat_s.astype(float)
            lon_s.iloc[rows] = sw_lon.to_numpy(dtype=float)[ok]
            lat_s.iloc[rows] = sw_lat.to_numpy(dtype=float)[ok]
            lon_e, lat_e = lon_e.copy(), lat_e.copy()
            lon_e.iloc[rows] = pd.NA
            lat_e.iloc[rows] = pd.NA
            swapped_at_parse[rows] = True
        lon, lat = lon_s.to_numpy(dtype=float), lat_s.to_numpy(dtype=float)
        err.add(lon_e.notna().to_numpy(), src_lon or "lon", "bad_coordinate", s_lon.to_numpy())
        err.add(lat_e.notna().to_numpy(), src_lat or "lat", "bad_coordinate", s_lat.to_numpy())
        # one of the two missing is as bad as malformed
        half = np.isnan(lon) ^ np.isnan(lat)
        err.add(half & lon_e.isna().to_numpy() & lat_e.isna().to_numpy(),
                src_lon if np.isnan(lat).any() else src_lat or "lon", "bad_coordinate",
                (s_lon.fillna("") + " " + s_lat.fillna("")).to_numpy())
        coord_src = src_lon or src_lat
    has_xy = ~(np.isnan(lon) | np.isnan(lat))
    method = np.full(n, None, dtype=object)
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
                np.char.add(np.char.add(np.round(lon, 5).astype(str), ","), np.round(lat, 5).astype(str)))
        method[has_xy] = f"register:{crs}"
        precision[has_xy] = 10.0
        swapped = swapped | swapped_at_parse
        if swapped.any():
            method[has_xy & swapped] = f"register:{crs}:swapped"

    # township
    tsrc, town_raw = _col(sheet, mapping, "township")
    town_raw = town_raw.reset_index(drop=True)
    uniq = pd.unique(town_raw.dropna())
    town_map = {t: gaz.township(t) for t in uniq}
    town = _lookup(town_raw, town_map)
    unknown_t = town_raw.notna().to_numpy() & pd.isna(town)
    if unknown_t.any():
        hints = _lookup(town_raw, {t: _hint(gaz.township_suggestions(t))
                                   for t in pd.unique(town_raw[unknown_t])})
        err.add(unknown_t, tsrc, "unknown_township", town_raw.to_numpy(), hints)

    # unit
    usrc, unit_raw = _col(sheet, mapping, "unit")
    ucsrc, unit_code_raw = _col(sheet, mapping, "unit_code")
    unit = np.full(n, None, dtype=object)
    if ucsrc is not None:
        codes = unit_code_raw.reset_index(drop=True).str.strip()
        known = codes.isin(gaz.units["code"]).to_numpy()
        unit = np.where(known, codes.to_numpy(dtype=object), None)
        err.add(codes.notna().to_numpy() & ~known & unit_raw.reset_index(drop=True).isna().to_numpy(),
                ucsrc, "unknown_unit", codes.to_numpy(), "")
    if usrc is not None:
        u = unit_raw.reset_index(drop=True)
        pairs = pd.DataFrame({"t": town, "u": u})
        todo = pairs["u"].notna().to_numpy() & pd.isna(unit) & ~unknown_t
        pair_key = pd.Series(pairs["t"].fillna("").astype(str).to_numpy(), dtype=object) + "\x1f" \
            + pd.Series(pairs["u"].fillna("").astype(str).to_numpy(), dtype=object)
        resolved = {}
        for k in pd.unique(pair_key[todo]):
            t, x = k.split("\x1f", 1)
            resolved[k] = gaz.unit(x, t or None)
        got = _lookup(pair_key[todo], resolved)
        unit[todo] = got
        bad_u = np.zeros(n, dtype=bool)
        bad_u[np.flatnonzero(todo)[pd.isna(got)]] = True
        if bad_u.any():
            hints = [
                _hint(gaz.unit_suggestions(x, t if isinstance(t, str) else None))
                for t, x in zip(pairs["t"][bad_u], pairs["u"][bad_u], strict=True)]
            hint_full = np.full(n, "", dtype=object)
            hint_full[bad_u] = hints
            err.add(bad_u, usrc, "unknown_unit", u.to_numpy(), hint_full)
    # a unit gives its township when none was written
    unit_town = _lookup(pd.Series(unit, dtype=object), dict(zip(gaz.units["code"], gaz.units["township_code"],
                                                               strict=True)))
    town = np.where(pd.isna(town) & ~pd.isna(unit_town), unit_town, town)
    # a unit written with the wrong township: the unit's own township wins only if town is empty

    if kind == "population":
        return _finish_population(out, err, sheet, mapping, unit, town, lon, lat, has_xy, method)

    # locate rows without coordinates: unit point, township point, or address via geocoder
    need = ~has_xy
    addresses = out["address"].to_numpy(dtype=object) if "address" in out else None
    if need.any():
        for i in np.flatnonzero(need):
            pt = None
            if unit[i]:
                p = gaz.point_of_unit(unit[i])
                if p:
                    pt = (*p, "gazetteer:unit", 1500.0)
            if pt is None and addresses is not None and isinstance(addresses[i], str):
                pt = geocode_point(geocoder, addresses[i])
            if pt is None and isinstance(town[i], str):
                p = gaz.point_of_township(town[i])
                if p:
                    pt = (*p, "gazetteer:township", 5000.0)
            if pt is not None:
                lon[i], lat[i], method[i], precision[i] = pt
        err.add(np.isnan(lon) & ~unknown_t, coord_src or "经度/纬度", "no_location")
    # township from the point when none was written
    no_town = pd.isna(town) & ~np.isnan(lon)
    if no_town.any():
        town[no_town] = gaz.nearest_township(lon[no_town], lat[no_town])
    # unit from the point when none was written (nearest unit of the same township)
    no_unit = pd.isna(unit) & ~pd.isna(town) & ~np.isnan(lon)
    if no_unit.any():
        unit[no_unit] = gaz.nearest_units(lon[no_unit], lat[no_unit], town[no_unit].astype(object))

    out["township_code"] = town
    out["unit_code"] = unit
    out["lon"] = lon
    out["lat"] = lat
    out["location_method"] = method
    out["location_precision_m"] = precision
    return out, err.frame()


def _hint(suggestions: list[str]) -> str:
    return f"（可能是：{'、'.join(suggestions)} / did you mean: {', '.join(suggestions)}）" if suggestions else ""


def _finish_population(out, err, sheet, mapping, unit, town, lon, lat, has_xy, method):  # noqa: ARG001
    usrc, _ = _col(sheet, mapping, "unit")
    err.add(pd.isna(unit) & ~np.isin(np.arange(len(unit)), err.frame()["pos"].to_numpy()),
            usrc or "村（社区）", "missing_unit")
    bands = [c for c in schema.POP_COLUMNS if c in out]
    if bands and len(bands) < len(schema.POP_COLUMNS):
        missing = [c for c in schema.POP_COLUMNS if c not in out]
        raise readers.RegisterReadError(
            f"{sheet.file_name}：人口表缺少年龄段列 {missing}",
            f"{sheet.file_name}: the population register lacks the age-band columns {missing}")
    if bands:
        band_sum = out[bands].sum(axis=1, min_count=len(bands)).to_numpy()
        if "population" in out:
            tot = out["population"].to_numpy()
            bad = ~np.isnan(tot) & ~np.isnan(band_sum) & (tot != band_sum)
            src, _ = _col(sheet, mapping, "population")
            err.add(bad, src, "total_mismatch", band_sum.astype("int64").astype(str))
        out["population"] = band_sum
    out["code"] = unit
    out["township_code"] = town
    out["lon"] = np.where(has_xy, lon, np.nan)
    out["lat"] = np.where(has_xy, lat, np.nan)
    return out, err.frame()


# -- the load itself --------------------------------------------------------------------


def _lookup(values: pd.Series, table: dict) -> np.ndarray:
    """``table[v]`` for every value (None where absent), mapping each distinct value once."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    mapped = np.array([table.get(u) for u in uniques] + [None], dtype=object)
    return mapped[codes]


def _facility_ids(clean: pd.DataFrame, kind: str) -> pd.Series:
    """The register's own id, else a stable id derived from type, name and township."""
    ids = clean["id_raw"].astype("string")
    missing = (ids.isna() | (ids == "")).to_numpy()
    if missing.any():
        sub = clean.loc[missing, ["type", "name", "township_code"]].astype("string").fillna("")
        hashes = pd.util.hash_pandas_object(sub, index=False).to_numpy()
        ids = ids.copy()
        ids[missing] = [f"{kind[:3].upper()}-{h:016x}" for h in hashes]
    return ids


def _rejects_frame(sheet: readers.RawSheet, errors: pd.DataFrame) -> pd.DataFrame:
    if errors.empty:
        return pd.DataFrame(columns=["row_number", "sheet", "column_name", "raw", "reason_zh", "reason_en"])
    first = errors.groupby("pos", sort=True).agg(list)
    raw_rows = sheet.frame.iloc[first.index.to_numpy(dtype=int)].astype(object).to_dict("records")
    rows = []
    for (pos, e), raw_values in zip(first.iterrows(), raw_rows, strict=True):
        texts = [_reason(c, col, v, h if isinstance(h, str) else "")
                 for c, col, v, h in zip(e["code"], e["column"], e["value"], e["hint"], strict=True)]
        raw = {k: (None if pd.isna(v) else str(v)) for k, v in raw_values.items()}
        rows.append({
            "row_number": int(sheet.row_numbers[pos]),
            "sheet": sheet.sheet,
            "column_name": e["column"][0],
            "raw": json.dumps(raw, ensure_ascii=False),
            "reason_zh": "；".join(dict.fromkeys(t[0] for t in texts)),
            "reason_en": "; ".join(dict.fromkeys(t[1] for t in texts)),
        })
    return pd.DataFrame(rows)


def process_file(con: duckdb.DuckDBPyConnection, path: Path, kind: str, *, crs: str = "wgs84",
                 overrides: dict[str, str] | None = None,
                 file_name: str | None = None) -> LoadResult:
    """Read and validate ``path`` against the database's gazetteer without writing anything."""
    path = Path(path)
    if kind not in schema.REGISTER_KINDS:
        raise ValueError(f"unknown kind {kind!r}; expected one of {sorted(schema.REGISTER_KINDS)}")
    if crs not in ("wgs84", "gcj02", "bd09"):
        raise ValueError(f"unknown crs {crs!r}; expected wgs84, gcj02 or bd09")
    result = LoadResult(file_name=file_name or path.name, kind=kind, sha256=file_sha256(path))
    if kind == "boundaries":
        result.clean = _read_boundaries(path)
        result.rows_read = result.rows_loaded = len(result.clean)
        return result
    sheets = readers.read_register(path, kind)
    gaz = gazetteer(con)
    area = _area(con)
    geocoder = online_geocoder() or GazetteerGeocoder(gaz)
    cleans, rejects = [], []
    for sheet in sheets:
        result.notes += sheet.skipped
        match = aliases.match_columns(sheet.columns, kind, overrides)
        if match.missing_required:
            raise readers.RegisterReadError(
                f"{result.file_name}（{sheet.sheet or '第 1 个表'}）缺少必需的列：{'、'.join(match.missing_required)}；"
                f"找到的列：{'、'.join(sheet.columns)}。可用 --map 源列=字段 指定对应关系。",
                f"{result.file_name} ({sheet.sheet or 'first sheet'}) lacks required columns: "
                f"{', '.join(match.missing_required)}; columns found: {', '.join(sheet.columns)}. "
                "Use --map SOURCE=field to map a column.")
        for fld, cols in match.duplicates.items():
            result.notes.append(f"{fld}: 多个列可对应，使用“{cols[0]}” / several columns map to {fld}; using {cols[0]!r}")
        if match.unmatched:
            result.notes.append(f"未使用的列 / unused columns: {', '.join(match.unmatched)}")
        clean, errors = _validate_sheet(sheet, kind, crs, match.mapping, gaz, area, geocoder)
        bad = np.zeros(len(clean), dtype=bool)
        bad[errors["pos"].to_numpy(dtype=int)] = True
        clean = clean.assign(_row=sheet.row_numbers, _sheet=sheet.sheet)
        # duplicates among the otherwise good rows (ids for facilities, units for population)
        good = clean[~bad]
        if kind in schema.FACILITY_KINDS:
            ids = _facility_ids(good, kind)
            clean.loc[~bad, "id"] = ids.to_numpy()
            dup = ids.duplicated().to_numpy()
            dup_col = next((s for s, f in match.mapping.items() if f == "id"), "名称")
            extra = pd.DataFrame({"pos": np.flatnonzero(~bad)[dup], "column": dup_col,
                                  "code": "duplicate_id", "value": ids[dup].to_numpy(), "hint": ""})
        else:
            dup = good["code"].duplicated().to_numpy()
            dup_col = next((s for s, f in match.mapping.items() if f in ("unit", "unit_code")), "村（社区）")
            extra = pd.DataFrame({"pos": np.flatnonzero(~bad)[dup], "column": dup_col,
                                  "code": "duplicate_unit", "value": good["code"][dup].to_numpy(), "hint": ""})
        if len(extra):
            errors = pd.concat([errors, extra], ignore_index=True)
            bad[extra["pos"].to_numpy(dtype=int)] = True
        cleans.append(clean[~bad])
        rejects.append(_rejects_frame(sheet, errors))
        result.rows_read += len(clean)
    result.clean = pd.concat(cleans, ignore_index=True) if cleans else pd.DataFrame()
    result.rejects = pd.concat(rejects, ignore_index=True) if rejects else pd.DataFrame()
    result.rows_loaded = len(result.clean)
    result.rows_rejected = len(result.rejects)
    return result


def _read_boundaries(path: Path) -> pd.DataFrame:
    """Township (9-digit code) or unit (12-digit code) polygons from GeoJSON."""
    from shapely.geometry import shape
    try:
        with open(path, encoding="utf-8-sig") as f:
            fc = json.load(f)
    except (OSError, ValueError) as exc:
        raise readers.RegisterReadError(f"{path.name}：不是有效的 GeoJSON（{exc}）",
                                        f"{path.name}: not valid GeoJSON ({exc})") from exc
    rows = []
    for i, feat in enumerate(fc.get("features", []), start=1):
        props = feat.get("properties") or {}
        code = str(props.get("code") or props.get("代码") or "")
        geom = feat.get("geometry") or {}
        if geom.get("type") not in ("Polygon", "MultiPolygon") or not shape(geom).is_valid:
            raise readers.RegisterReadError(
                f"{path.name}：第 {i} 个要素不是有效的面",
                f"{path.name}: feature {i} is not a valid polygon")
        level = {9: "township", 12: "unit"}.get(len(code))
        if level is None:
            raise readers.RegisterReadError(
                f"{path.name}：第 {i} 个要素的 code “{code}” 应为 9 位（乡镇）或 12 位（村）代码",
                f"{path.name}: feature {i} code {code!r} must be a 9-digit (township) or 12-digit (unit) code")
        rows.append({"level": level, "code": code, "name": props.get("name") or props.get("名称"),
                     "geojson": json.dumps(geom), "source": path.name, "is_synthetic": False})
    return pd.DataFrame(rows)


def load_file(con: duckdb.DuckDBPyConnection, path: Path, kind: str, *, crs: str = "wgs84",
              overrides: dict[str, str] | None = None, data_dir: Path = paths.DATA,
              keep_raw: bool = True, raw_path: str | None = None,
              file_name: str | None = None) -> LoadResult:
    """Validate ``path`` and write it in one transaction (see the module docstring)."""
    path = Path(path)
    sha = file_sha256(path)
    prev = con.execute("SELECT load_id FROM loads WHERE sha256 = ? AND kind = ?", [sha, kind]).fetchone()
    if prev:
        return LoadResult(file_name=file_name or path.name, kind=kind, sha256=sha,
                          load_id=prev[0], already_loaded=True)
    result = process_file(con, path, kind, crs=crs, overrides=overrides, file_name=file_name)
    raw_name = f"{sha}{path.suffix.lower()}"
    with transaction(con):
        load_id = con.execute("SELECT nextval('load_seq')").fetchone()[0]
        result.load_id = load_id
        con.execute(
            "INSERT INTO loads VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [load_id, result.file_name, sha, kind, crs, result.rows_read, result.rows_loaded,
             result.rows_rejected, dt.datetime.now(dt.UTC).replace(tzinfo=None),
             raw_path or f"raw/{raw_name}"])
        _write_rows(con, result, kind, load_id)
        if len(result.rejects):
            rej = result.rejects.assign(load_id=load_id)
            con.register("_rej", rej)
            con.execute("INSERT INTO rejects SELECT load_id, row_number, sheet, column_name, raw, "
                        "reason_zh, reason_en FROM _rej")
            con.unregister("_rej")
        if kind in ("population", "boundaries"):
            refresh_derived(con)
        if keep_raw:
            _keep_raw(path, data_dir / "raw", raw_name, result, crs, overrides)
    return result


def _write_rows(con: duckdb.DuckDBPyConnection, result: LoadResult, kind: str, load_id: int) -> None:
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
    f = pd.DataFrame({
        "id": c["id"].astype(str),
        "domain": _lookup(c["type"], {t: v[0] for t, v in schema.FACILITY_TYPES.items()}),
        "type": c["type"],
        "tier": _lookup(c["type"], {t: v[1] for t, v in schema.FACILITY_TYPES.items()}),
        "name": c["name"],
        "township_code": c["township_code"],
        "unit_code": c["unit_code"],
        "lon": c["lon"], "lat": c["lat"],
        "location_method": c["location_method"],
        "location_precision_m": c["location_precision_m"],
    })
    for cap in schema.CAPACITY_COLUMNS:
        f[cap] = c.get(cap, np.nan)
    f["school_group"] = c["school_group"]
    f["ownership"] = c["ownership"]
    f["year"] = c.get("year", np.nan)
    f["source"] = result.file_name
    f["load_id"] = load_id
    f["is_synthetic"] = c["is_synthetic"]
    cols = [col.name for col in schema.TABLES["facilities"]]
    con.register("_fac", f[cols])
    con.execute("DELETE FROM facilities WHERE id IN (SELECT id FROM _fac)")
    con.execute(f"INSERT INTO facilities SELECT {', '.join(cols)} FROM _fac")
    con.unregister("_fac")


RAW_INDEX_FIELDS = ["raw_name", "file_name", "sha256", "kind", "crs", "overrides", "loaded_at"]


def read_raw_index(raw_dir: Path) -> list[dict[str, str]]:
    """User loads kept under ``data/raw/``, in the order they were loaded."""
    idx = raw_dir / "index.csv"
    if not idx.exists():
        return []
    with open(idx, encoding="utf-8", newline="") as f:
        return [r for r in csv.DictReader(f) if (raw_dir / r["raw_name"]).exists()]


def _keep_raw(path: Path, raw_dir: Path, raw_name: str, result: LoadResult, crs: str,
              overrides: dict[str, str] | None) -> None:
    raw_dir.mkdir(parents=True, exist_ok=True)
    target = raw_dir / raw_name
    if not target.exists():
        tmp = target.with_name(target.name + ".part")
        shutil.copyfile(path, tmp)
        tmp.replace(target)
    idx = raw_dir / "index.csv"
    new = not idx.exists()
    with open(idx, "a", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=RAW_INDEX_FIELDS)
        if new:
            w.writeheader()
        w.writerow({"raw_name": raw_name, "file_name": result.file_name, "sha256": result.sha256,
                    "kind": result.kind, "crs": crs, "overrides": json.dumps(overrides or {}, ensure_ascii=False),
                    "loaded_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")})


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
