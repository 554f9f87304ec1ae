"""Read a roads register: OpenStreetMap (``.osm.pbf``, ``.osm``) or GIS line layers.

OpenStreetMap files are read with pyosmium: ``highway`` ways (classes as in OSM, ``*_link``
as their road's class) and ``route=ferry`` ways, with ``maxspeed``, ``oneway`` (and the
one-way OSM implies for motorways and roundabouts), ``surface``, ``bridge`` and ``name``.
GIS layers (GeoJSON, GeoPackage, Shapefile …) are read with pyogrio: LineString and
MultiLineString features, a road class column in Chinese or OSM terms, optional speed,
one-way, name, surface and bridge columns. Rows that cannot be used are rejected with the
row, the column and the reason (like every register); the good rows are kept.

The readers are imported only when a roads file is read (the app's start is not slowed).
The result is a list of :class:`Way` in WGS-84; :mod:`etl.road_graph` makes the network.
"""

from __future__ import annotations

import json
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from etl import coords
from etl.readers import RegisterReadError

#: Canonical road classes, from the fastest to the slowest.
CLASSES: tuple[str, ...] = (
    "motorway", "trunk", "primary", "secondary", "tertiary", "unclassified", "residential",
    "living_street", "service", "track", "path", "footway", "cycleway", "steps", "ferry")

#: Other ways of writing a class (Chinese administrative and technical grades, OSM variants).
CLASS_ALIASES: dict[str, str] = {
    "高速": "motorway", "高速公路": "motorway", "国道": "trunk", "省道": "primary",
    "县道": "secondary", "乡道": "tertiary", "村道": "unclassified", "专用公路": "service",
    "专用道路": "service", "城市道路": "residential", "街道": "residential",
    "一级公路": "primary", "二级公路": "secondary", "三级公路": "tertiary",
    "四级公路": "unclassified", "等外公路": "track", "机耕道": "track", "步道": "footway",
    "人行道": "footway", "小路": "path", "自行车道": "cycleway", "台阶": "steps",
    "渡口": "ferry", "轮渡": "ferry", "航线": "ferry",
    "road": "unclassified", "unknown": "unclassified",  # Geofabrik's fclass of highway=road
    "pedestrian": "footway", "bridleway": "path",
    "motorroad": "trunk", "busway": "service",
}

#: Column names that hold each field of a GIS layer (compared case- and space-insensitively).
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "road_class": ("road_class", "道路等级", "技术等级", "行政等级", "公路等级", "道路类型",
                   "道路类别", "等级", "highway", "class", "fclass", "roadclass", "type", "类型"),
    "speed": ("限速", "设计速度", "设计时速", "maxspeed", "speed_kph", "max_speed", "speed",
              "速度"),
    "oneway": ("oneway", "one_way", "单向", "单行", "单向通行"),
    "name": ("name", "名称", "道路名称", "路名", "name_zh", "name:zh"),
    "surface": ("surface", "路面", "路面类型", "路面材质"),
    "bridge": ("bridge", "桥梁", "是否桥梁"),
}

_YES = {"yes", "是", "1", "true", "y", "t", "单向", "单行"}
_NO = {"no", "否", "0", "false", "n", "f", "双向", ""}
_REVERSE = {"-1", "reverse", "反向"}
_MPH = 1.609344


@dataclass
class Way:
    """One road (or one part of a multi-line): its vertices in WGS-84 (``ids``: OSM node ids,
    or None for a GIS layer, whose vertices are matched by position) and attributes."""

    lon: np.ndarray
    lat: np.ndarray
    ids: np.ndarray | None
    road_class: str
    oneway: int = 0
    maxspeed_kph: float | None = None
    surface: str | None = None
    bridge: bool = False
    ferry: bool = False
    name: str | None = None


@dataclass
class Read:
    """What a roads file gave: the ways, the rejected rows (the columns of ``rejects``),
    how many rows (features or OSM ways) were read and notes."""

    ways: list[Way] = field(default_factory=list)
    rejects: list[dict] = field(default_factory=list)
    rows_read: int = 0
    rows_loaded: int = 0
    notes: list[str] = field(default_factory=list)

    def reject(self, row: int, column: str, raw: object, zh: str, en: str,
               sheet: str | None = None) -> None:
        self.rejects.append({"row_number": int(row), "sheet": sheet, "column_name": column,
                             "raw": json.dumps(raw, ensure_ascii=False, default=str),
                             "reason_zh": zh, "reason_en": en})

    def rejects_frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.rejects, columns=["row_number", "sheet", "column_name", "raw",
                                                   "reason_zh", "reason_en"])


def is_osm(path: Path) -> bool:
    """Whether the file is an OpenStreetMap file (by its name)."""
    name = Path(path).name.lower()
    return name.endswith((".osm.pbf", ".pbf", ".osm", ".osm.bz2", ".osm.gz"))


def canonical_class(value: object) -> str | None:
    """The canonical class of a written class, None when unknown.

    >>> [canonical_class(v) for v in ("县道", "motorway_link", " Primary ", "track_grade2", "x")]
    ['secondary', 'motorway', 'primary', 'track', None]
    """
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    text = str(value).strip().lower()
    text = re.sub(r"_link$", "", text)
    text = re.sub(r"_grade\d$", "", text)
    if text in CLASSES:
        return text
    return (CLASS_ALIASES.get(text) or CLASS_ALIASES.get(str(value).strip())
            or _route_class(str(value).strip()))


#: The letters of GB/T 917-2017 (公路路线标识规则) for the administrative classes.
_ROUTE_LETTERS = {"G": "trunk", "S": "primary", "X": "secondary", "Y": "tertiary",
                  "C": "unclassified", "Z": "service"}


def _route_class(text: str) -> str | None:
    """The class of a route code of GB/T 917-2017: a letter alone (行政等级 coded G, S, X, Y,
    C, Z) or with its number; G or S with 1, 2 or 4 digits is an expressway (G42, S2, G4213),
    with 3 a 普通国道/省道 (G318, S202).

    >>> [_route_class(v) for v in ("G", "G318", "G42", "S4213", "S202", "X123", "Y", "C1", "x")]
    ['trunk', 'trunk', 'motorway', 'motorway', 'primary', 'secondary', 'tertiary', 'unclassified', None]
    """
    m = re.fullmatch(r"([GSXYCZ])(\d{0,4})", text)
    if m is None:
        return None
    letter, digits = m.groups()
    if letter in "GS" and len(digits) in (1, 2, 4):
        return "motorway"
    return _ROUTE_LETTERS[letter]


def parse_speed(value: object) -> float | None:
    """A speed in km/h from ``60``, ``60 km/h``, ``30 mph``, ``60公里/小时``; None when blank.

    Raises ValueError for a value that is not a speed (``CN:urban``, ``none`` are blank).

    >>> parse_speed("60"), parse_speed("60 km/h"), round(parse_speed("30 mph"), 1), parse_speed("")
    (60.0, 60.0, 48.3, None)
    >>> parse_speed(0), parse_speed("0")  # none posted
    (None, None)
    """
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    text = str(value).strip().lower()
    if not text or text in ("none", "signals", "variable", "walk") or ":" in text:
        return None
    m = re.fullmatch(r"(\d+(?:\.\d+)?)\s*(km/h|kmh|kph|公里/小时|千米/小时|mph)?", text)
    if m is None:
        raise ValueError(text)
    kph = float(m.group(1)) * (_MPH if m.group(2) == "mph" else 1.0)
    if kph == 0:
        return None  # no speed posted (Geofabrik's shapefiles write 0 for unknown)
    if not 0 < kph <= 200:
        raise ValueError(text)
    return kph


def parse_oneway(value: object) -> int:
    """0 both ways, 1 along the drawing direction, -1 against it.

    >>> [parse_oneway(v) for v in ("yes", "是", "-1", None, "否")]
    [1, 1, -1, 0, 0]
    """
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return 0
    text = str(value).strip().lower()
    if text.endswith(".0"):
        text = text[:-2]
    if text in _YES:
        return 1
    if text in _REVERSE:
        return -1
    if text in _NO:
        return 0
    raise ValueError(text)


#: Geofabrik's OpenStreetMap shapefiles code ``oneway`` as B (both ways), F (along the
#: drawing direction) and T (against it).
_GEOFABRIK_ONEWAY = {"B": 0, "F": 1, "T": -1}


def parse_oneway_geofabrik(value: object) -> int:
    """The one-way of Geofabrik's coding (B, F, T; blank both ways).

    >>> [parse_oneway_geofabrik(v) for v in ("B", "F", "T", None)]
    [0, 1, -1, 0]
    """
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return 0
    text = str(value).strip().upper()
    if text in _GEOFABRIK_ONEWAY:
        return _GEOFABRIK_ONEWAY[text]
    raise ValueError(text)


def _geofabrik_oneway(values: pd.Series) -> bool:
    """Whether a one-way column uses Geofabrik's B/F/T coding (only those letters, with B:
    ``T`` alone could mean true)."""
    seen = {str(v).strip().upper() for v in values.dropna()}
    return bool(seen) and seen <= set(_GEOFABRIK_ONEWAY) and "B" in seen


def _truthy(value: object) -> bool:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return False
    return str(value).strip().lower() not in _NO


def read_roads(path: Path, crs: str = "wgs84", file_name: str | None = None) -> Read:
    """Read a roads file (OSM or a GIS line layer), in WGS-84.

    Raises
    ------
    RegisterReadError
        The file cannot be read, has no class column, or is OSM with ``crs`` not WGS-84.
    """
    path = Path(path)
    name = file_name or path.name
    if not path.exists():
        raise FileNotFoundError(f"no such file: {path}")
    if is_osm(path):
        if crs != "wgs84":
            raise RegisterReadError(
                f"{name}：OpenStreetMap 数据均为 WGS-84，不能指定 --crs {crs}",
                f"{name}: OpenStreetMap data is always WGS-84; --crs {crs} does not apply")
        return read_osm(path, name)
    return read_gis(path, crs, name)


# -- OpenStreetMap -------------------------------------------------------------------------

#: highway values that are not roads one travels along (skipped, counted in a note).
_NOT_ROADS = {"construction", "proposed", "platform", "bus_stop", "corridor", "elevator",
              "raceway", "abandoned", "disused", "rest_area", "services", "emergency_bay",
              "escape", "bus_guideway", "via_ferrata", "razed", "no"}


def _osm_oneway(tags: dict[str, str], highway: str) -> int:
    """The one-way of an OSM way, with what OSM implies for motorways, their links and
    roundabouts.

    >>> _osm_oneway({}, "motorway_link"), _osm_oneway({"oneway": "no"}, "motorway_link")
    (1, 0)
    """
    value = tags.get("oneway")
    if value is not None:
        try:
            return parse_oneway(value)
        except ValueError:
            return 0  # oneway=alternating, reversible …: usable both ways at some time
    if (tags.get("junction") in ("roundabout", "circular")
            or highway in ("motorway", "motorway_link")):
        return 1
    return 0


def _osm_way(tags: dict[str, str]) -> tuple[str | None, str | None]:
    """(canonical class, None) or (None, the highway value skipped)."""
    if tags.get("route") == "ferry":
        return "ferry", None
    highway = tags.get("highway")
    if highway is None or tags.get("area") == "yes":
        return None, highway or "area"
    if highway in _NOT_ROADS:
        return None, highway
    return canonical_class(highway), None if canonical_class(highway) else highway


def read_osm(path: Path, name: str) -> Read:
    """``highway`` and ``route=ferry`` ways of an OSM file, with their node locations."""
    import osmium  # only when an OSM file is read

    out = Read()
    skipped: dict[str, int] = {}
    try:
        fp = (osmium.FileProcessor(str(path), osmium.osm.NODE | osmium.osm.WAY)
              .with_locations().with_filter(osmium.filter.KeyFilter("highway", "route")))
        for w in fp:
            if not w.is_way():
                continue
            tags = {t.k: t.v for t in w.tags}
            if "highway" not in tags and tags.get("route") != "ferry":
                continue
            out.rows_read += 1
            cls, skip = _osm_way(tags)
            if cls is None:
                skipped[skip or "?"] = skipped.get(skip or "?", 0) + 1
                continue
            pts = [(n.ref, n.location.lon, n.location.lat) for n in w.nodes
                   if n.location.valid()]
            if len(pts) < 2:
                out.reject(w.id, "nodes", len(pts), "道路缺少节点位置（文件被裁剪？）",
                           "the way lacks node locations (a clipped extract?)", sheet="way")
                continue
            out.ways.append(_osm_make(tags, cls, np.array(pts)))
            out.rows_loaded += 1
    except RuntimeError as exc:
        why = str(exc).replace(str(path), name)
        raise RegisterReadError(f"{name}：无法读取 OpenStreetMap 文件：{why}",
                                f"{name}: cannot read the OpenStreetMap file: {why}") from exc
    if skipped:
        listed = ", ".join(f"{k} {v}" for k, v in sorted(skipped.items()))
        out.notes.append(f"跳过非道路的 highway 路径 / skipped highway ways that are not roads: "
                         f"{listed}")
    return out


def _osm_make(tags: dict[str, str], cls: str, pts: np.ndarray) -> Way:
    try:
        speed = parse_speed(tags.get("maxspeed"))
    except ValueError:
        speed = None
    highway = tags.get("highway", "")
    return Way(lon=pts[:, 1].astype(float), lat=pts[:, 2].astype(float),
               ids=pts[:, 0].astype(np.int64), road_class=cls,
               oneway=_osm_oneway(tags, highway), maxspeed_kph=speed,
               surface=tags.get("surface"), bridge=_truthy(tags.get("bridge")),
               ferry=cls == "ferry" or tags.get("route") == "ferry",
               name=tags.get("name:zh") or tags.get("name"))


# -- GIS line layers ----------------------------------------------------------------------


def find_columns(columns: list[str], *, cut: bool = False) -> dict[str, str]:
    """``{field: column}`` for the columns whose names are known aliases (first one wins);
    ``cut``: names cut short (a Shapefile's 10 bytes) also match the alias they begin, when
    two characters or more and that alias is not matched whole.

    >>> find_columns(["FID", "道路等级", "限速", "单向"])
    {'road_class': '道路等级', 'speed': '限速', 'oneway': '单向'}
    >>> find_columns(["道路等", "限速"], cut=True)
    {'road_class': '道路等', 'speed': '限速'}
    """
    norm = {re.sub(r"\s+", "", c).lower(): c for c in columns}
    out: dict[str, str] = {}
    for fld, names in COLUMN_ALIASES.items():
        for alias in names:
            if alias.lower() in norm and norm[alias.lower()] not in out.values():
                out[fld] = norm[alias.lower()]
                break
    if cut:
        for fld, names in COLUMN_ALIASES.items():
            if fld in out:
                continue
            hit = next((c for alias in names for k, c in norm.items()
                        if len(k) >= 2 and alias.lower().startswith(k)
                        and c not in out.values()), None)
            if hit is not None:
                out[fld] = hit
    return {f: out[f] for f in COLUMN_ALIASES if f in out}


def _utf8(text: object, *, cut: bool = False) -> object:
    """Text read as Latin-1 decoded again as UTF-8 (``cut``: a name cut inside a character
    keeps its whole characters); anything else as it is.

    >>> _utf8("道路等级".encode()[:10].decode("latin1"), cut=True)
    '道路等'
    """
    if not isinstance(text, str):
        return text
    raw = text.encode("latin1")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("utf-8", errors="ignore" if cut else "replace")


_ROAD_LAYER_WORDS = ("road", "道路", "公路", "lrdl", "highway")


def _line_layer(layers: np.ndarray, name: str) -> str | int:
    """The layer to read: the only one; else the line layer (a file of several layers, e.g.
    Geofabrik's zip of buildings, POIs, roads …), one named for roads first.

    >>> _line_layer(np.array([["buildings", "Polygon"], ["gis_osm_roads", "LineString"],
    ...                       ["rivers", "MultiLineString"]]), "x.zip")
    'gis_osm_roads'
    """
    if len(layers) <= 1:
        return 0
    lines = [str(n) for n, kind in layers if "LINESTRING" in str(kind).upper()]
    if not lines:
        listed = ", ".join(f"{n} ({k})" for n, k in layers)
        raise RegisterReadError(f"{name}：文件中没有线图层（道路）；图层：{listed}",
                                f"{name}: no line layer (roads) in the file; layers: {listed}")
    return next((n for n in lines if any(w in n.lower() for w in _ROAD_LAYER_WORDS)), lines[0])


def _read_layer(path: Path, name: str) -> tuple[pd.DataFrame, np.ndarray, str | None]:
    """The attribute table, the geometries (shapely) and the layer's CRS."""
    import pyogrio  # only when a GIS layer is read
    import shapely

    cut = False
    try:
        layer = _line_layer(pyogrio.list_layers(str(path)), name)
        try:
            meta, _fids, geom, fields = pyogrio.raw.read(str(path), layer=layer)
        except UnicodeDecodeError:
            # a Shapefile's field names are at most 10 bytes: GDAL cuts a UTF-8 Chinese name
            # (3 bytes a character) inside a character; read the bytes as they are, decode
            # them again and keep the whole characters ('道路等级' becomes '道路等')
            meta, _fids, geom, fields = pyogrio.raw.read(str(path), layer=layer,
                                                         encoding="latin1")
            meta = {**meta, "fields": [_utf8(f, cut=True) for f in meta["fields"]]}
            fields = [np.array([_utf8(v) for v in col], dtype=object)
                      if col.dtype == object else col for col in fields]
            cut = True
    except RegisterReadError:
        raise
    except Exception as exc:  # pyogrio raises its own DataSourceError, DataLayerError …
        why = str(exc).replace(str(path), name)  # never the machine's path (an upload's temp)
        raise RegisterReadError(f"{name}：无法读取道路图层：{why}",
                                f"{name}: cannot read the road layer: {why}") from exc
    if geom is None:
        raise RegisterReadError(
            f"{name}：没有几何（线）列，不是道路图层（例如设施表格？）；道路应为 GeoJSON、"
            "GeoPackage、压缩的 Shapefile 或 OpenStreetMap 文件中的线",
            f"{name}: no geometry column: not a road line layer (a table of facilities?); "
            "roads are lines in GeoJSON, GeoPackage, a zipped Shapefile or OpenStreetMap")
    n = len(geom)
    if n == 0:
        raise RegisterReadError(f"{name}：图层中没有要素（0 条线），未导入",
                                f"{name}: the layer holds no features (0 lines); nothing loaded")
    frame = pd.DataFrame(dict(zip(meta["fields"], fields, strict=True)), index=pd.RangeIndex(n))
    frame.attrs["names_cut"] = cut
    frame.attrs["layer"] = layer
    with warnings.catch_warnings():  # NaN coordinates: rejected row by row (_lines)
        warnings.simplefilter("ignore", RuntimeWarning)
        geoms = shapely.from_wkb(geom)
    return frame, geoms, meta.get("crs")


def _check_crs(layer_crs: str | None, name: str) -> None:
    """A layer in projected coordinates is refused (convert it to longitude/latitude)."""
    if not layer_crs:
        return
    code = layer_crs.upper().replace(" ", "")
    if code in ("EPSG:4326", "EPSG:4490", "OGC:CRS84", "EPSG:4979", "EPSG:4610"):
        return
    raise RegisterReadError(
        f"{name}：图层坐标系为 {layer_crs}，请先转换为经纬度（WGS-84、GCJ-02 或 BD-09）",
        f"{name}: the layer's CRS is {layer_crs}; convert it to longitude/latitude first "
        "(WGS-84, GCJ-02 or BD-09)")


def read_gis(path: Path, crs: str, name: str) -> Read:
    """LineString and MultiLineString features of a GIS layer, with a class column."""
    frame, geoms, layer_crs = _read_layer(path, name)
    _check_crs(layer_crs, name)
    cols = find_columns(list(frame.columns), cut=bool(frame.attrs.get("names_cut")))
    if "road_class" not in cols:
        raise RegisterReadError(
            f"{name}：缺少道路等级列（道路等级、技术等级、highway、class、fclass …）；"
            f"找到的列：{'、'.join(frame.columns) or '无'}",
            f"{name}: no road class column (道路等级, 技术等级, highway, class, fclass …); "
            f"columns found: {', '.join(frame.columns) or 'none'}")
    out = Read(rows_read=len(frame))
    out.notes.append("使用的列 / columns used: "
                     + ", ".join(f"{f}={c}" for f, c in cols.items()))
    if isinstance(frame.attrs.get("layer"), str):
        out.notes.append(f"文件有多个图层，读取线图层 {frame.attrs['layer']} / the file holds "
                         f"several layers; read the line layer {frame.attrs['layer']}")
    if frame.attrs.get("names_cut"):
        out.notes.append("列名在 Shapefile 中被截断（最多 10 字节），已按开头匹配 / column names "
                         "were cut short in the Shapefile (10 bytes at most) and matched by "
                         "their beginning")
    geofabrik = "oneway" in cols and _geofabrik_oneway(frame[cols["oneway"]])
    if geofabrik:
        out.notes.append(f"单向列 {cols['oneway']} 按 Geofabrik 编码读取（B 双向、F 顺画线方向、"
                         f"T 逆画线方向） / one-way column {cols['oneway']} read as Geofabrik's "
                         "coding (B both ways, F along the drawing direction, T against it)")
    for i, row in enumerate(frame.to_dict("records")):  # one conversion, not a Series a row
        way_attrs = _gis_attrs(row, cols, i + 1, out, geofabrik=geofabrik)
        if way_attrs is None:
            continue
        lines = _lines(geoms[i], i + 1, out)
        if lines is None:
            continue
        for xy in lines:
            lon, lat = coords.to_wgs84(xy[:, 0], xy[:, 1], crs)
            out.ways.append(Way(lon=np.asarray(lon, float), lat=np.asarray(lat, float),
                                ids=None, **way_attrs))
        out.rows_loaded += 1
    return out


def _plain(value: object) -> object:
    """A cell as a plain Python value (numpy scalars shown as numbers), None when blank."""
    if isinstance(value, np.generic):
        value = value.item()
    try:
        return None if pd.isna(value) else value
    except (TypeError, ValueError):  # a list or an array: not a scalar
        return value


def _gis_attrs(row: dict, cols: dict[str, str], n: int, out: Read, *,
               geofabrik: bool = False) -> dict | None:
    """A row's attributes, or None (rejected, with the column and reason) when unusable."""
    raw = {k: _plain(v) for k, v in row.items()}
    cls_col = cols["road_class"]
    cls = canonical_class(raw[cls_col])
    if cls is None:
        out.reject(n, cls_col, raw,
                   f"道路等级“{raw[cls_col]}”无法识别；应为 高速、国道、省道、县道、乡道、村道、"
                   "专用公路、城市道路，或 OSM 的 motorway … track、path、footway",
                   f"unknown road class {raw[cls_col]!r}; expected 高速, 国道, 省道, 县道, 乡道, "
                   "村道, 专用公路, 城市道路 or an OSM class (motorway … track, path, footway)")
        return None
    attrs: dict = {"road_class": cls, "ferry": cls == "ferry"}
    for fld, parse, zh, en in (
            ("speed", parse_speed, "限速无法识别；应为 km/h 数值（如 60、60 km/h、30 mph）",
             "speed not understood; expected km/h (e.g. 60, 60 km/h, 30 mph)"),
            ("oneway", parse_oneway_geofabrik if geofabrik else parse_oneway,
             "单向无法识别；应为 是/否、yes/no、1/0/-1（或 Geofabrik 的 B/F/T）",
             "one-way not understood; expected yes/no, 是/否, 1/0/-1 (or Geofabrik's B/F/T)")):
        if fld in cols:
            try:
                attrs["maxspeed_kph" if fld == "speed" else fld] = parse(raw[cols[fld]])
            except ValueError:
                out.reject(n, cols[fld], raw, f"{zh}（“{raw[cols[fld]]}”）",
                           f"{en} (got {raw[cols[fld]]!r})")
                return None
    for fld in ("name", "surface"):
        if fld in cols and raw[cols[fld]] is not None:
            attrs[fld] = str(raw[cols[fld]])
    if "bridge" in cols:
        attrs["bridge"] = _truthy(raw[cols["bridge"]])
    return attrs


def _lines(geom, n: int, out: Read) -> list[np.ndarray] | None:
    """The coordinate arrays of a LineString or MultiLineString, or None (rejected)."""
    kind = None if geom is None else geom.geom_type
    if kind == "LineString":
        parts = [geom]
    elif kind == "MultiLineString":
        parts = list(geom.geoms)
    else:
        out.reject(n, "geometry", kind,
                   f"几何类型为 {kind or '空'}；应为 LineString 或 MultiLineString（线）",
                   f"geometry is {kind or 'empty'}; expected LineString or MultiLineString")
        return None
    lines = [np.asarray(p.coords, dtype=float)[:, :2] for p in parts
             if not p.is_empty and len(p.coords) >= 2]
    if not lines:
        out.reject(n, "geometry", kind, "线少于两个点", "the line has fewer than two points")
        return None
    for xy in lines:
        bad = ~(np.isfinite(xy).all(axis=1) & (np.abs(xy[:, 0]) <= 180)
                & (np.abs(xy[:, 1]) <= 90))
        if bad.any():
            x, y = (float(c) for c in xy[np.argmax(bad)])
            out.reject(n, "geometry", f"{x!r},{y!r}",
                       f"坐标 {x!r},{y!r} 不是有效的经纬度（应为有限数值，经度 ±180、纬度 ±90 以内）",
                       f"coordinate {x!r},{y!r} is not a valid longitude/latitude (finite, "
                       "longitude within ±180, latitude within ±90)")
            return None
    # a part whose points are all the same (after rounding to about 1 cm) has no length
    scale = 10.0 ** 7
    lines = [xy for xy in lines
             if (np.round(xy[1:] * scale) != np.round(xy[:-1] * scale)).any()]
    if not lines:
        out.reject(n, "geometry", kind, "线的长度为 0（各点位置相同）",
                   "the line has zero length (all its points are the same)")
        return None
    return lines
