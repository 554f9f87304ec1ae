"""Offline maps: Plotly ``go.Figure`` on a blank ``white-bg`` style with our own GeoJSON.

No tiles, sprites, glyphs or world outlines are fetched: the county boundary is a
GeoJSON *line layer*, areas are a ``go.Choroplethmap`` on our polygons, points are
``go.Scattermap`` circles (the only marker symbol that needs no sprite) and no
trace uses text mode (text on a map needs downloaded glyphs). Every piece of data
that becomes a label goes through :func:`ui.i18n.plain` first, because Plotly
renders a subset of HTML in hover text and legend names.

:func:`county_map_spec` builds the figure as a plain specification (see :mod:`ui.charts`),
in milliseconds; :func:`county_map` is the same as a validated ``go.Figure``.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.colors import get_colorscale, sample_colorscale

from ui.i18n import DEFAULT_LANG, facility_label, plain, t

__all__ = [
    "FACILITY_COLOURS", "ROAD_STYLES", "areas_collection", "bbox", "county_map", "county_map_spec",
    "feature_collection", "hover_lines", "road_lines", "road_traces", "zoom_for_bbox",
]

#: Colour per facility type (qualitative, distinguishable on white; types not listed cycle).
FACILITY_COLOURS: dict[str, str] = {
    "kindergarten": "#e377c2", "teaching_point": "#bcbd22", "primary": "#1f77b4",
    "nine_year": "#17becf", "junior": "#9467bd", "senior_high": "#8c564b",
    "vocational": "#7f7f7f", "special": "#ff7f0e", "teacher_training": "#2ca02c",
    "county_hospital": "#d62728", "central_health_centre": "#ff7f0e",
    "health_centre": "#1f77b4", "community_health_centre": "#9467bd",
    "village_clinic": "#2ca02c", "care_home": "#8c564b", "day_care": "#17becf",
    "medical_elderly": "#d62728", "infant_care": "#e377c2", "county_stage": "#d62728",
    "township_complex": "#1f77b4", "village_centre": "#2ca02c", "courtyard_post": "#bcbd22",
    "library": "#9467bd", "library_branch": "#17becf", "culture_centre": "#ff7f0e",
    "culture_branch": "#8c564b",
}
_CYCLE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
          "#7f7f7f", "#bcbd22", "#17becf")
_OUTLINE = "#37474f"
_COUNTY_FILL = "#f4f6f8"
_AREA_LINE = "#ffffff"
_EMPTY_AREA = "#e3e8ee"
_FONT = "Noto Sans CJK SC, Microsoft YaHei, PingFang SC, sans-serif"
#: Roads by class, most important first: (colour, width in px). Main classes always show at
#: county zoom; the rest (village roads, tracks, paths) only within :data:`ROAD_VERTEX_BUDGET`.
ROAD_STYLES: dict[str, tuple[str, float]] = {
    "motorway": ("#c77c2e", 3.0), "trunk": ("#d4954b", 2.6), "primary": ("#c7a56b", 2.2),
    "secondary": ("#8d99a6", 1.7), "tertiary": ("#a3adb8", 1.3), "ferry": ("#4f8fc0", 1.3),
    "residential": ("#b4bdc6", 0.9), "unclassified": ("#c2c9d0", 0.7),
    "living_street": ("#c2c9d0", 0.6), "service": ("#c9cfd5", 0.6), "track": ("#cdb89a", 0.6),
    "path": ("#cfcfcf", 0.5), "cycleway": ("#cfcfcf", 0.5), "footway": ("#d6d6d6", 0.5),
    "steps": ("#d6d6d6", 0.5),
}
MAIN_ROADS: tuple[str, ...] = ("motorway", "trunk", "primary", "secondary", "tertiary", "ferry")
#: Vertices of roads sent to the browser at most (≈ 20 bytes each in the figure's JSON).
ROAD_VERTEX_BUDGET = 12_000


def feature_collection(geojson: Mapping[str, Any]) -> dict[str, Any]:
    """Wrap a GeoJSON geometry or Feature as a FeatureCollection (a collection is copied).

    >>> feature_collection({"type": "Point", "coordinates": [1, 2]})["features"][0]["geometry"]
    {'type': 'Point', 'coordinates': [1, 2]}
    """
    kind = geojson.get("type")
    if kind == "FeatureCollection":
        return {"type": "FeatureCollection", "features": list(geojson["features"])}
    if kind == "Feature":
        return {"type": "FeatureCollection", "features": [dict(geojson)]}
    return {"type": "FeatureCollection",
            "features": [{"type": "Feature", "properties": {}, "geometry": dict(geojson)}]}


def areas_collection(frame: pd.DataFrame) -> dict[str, Any]:
    """A FeatureCollection from rows of the ``boundaries`` table (``code``, ``geojson`` text).

    Feature ids are the codes, as :func:`county_map` expects.

    >>> f = pd.DataFrame({"code": ["511723100"], "geojson": ['{"type": "Point", "coordinates": [1, 2]}']})
    >>> areas_collection(f)["features"][0]["id"]
    '511723100'
    """
    features = []
    for code, geom in zip(frame["code"], frame["geojson"], strict=True):
        g = json.loads(geom) if isinstance(geom, str) else geom
        if g.get("type") == "Feature":
            g = g["geometry"]
        features.append({"type": "Feature", "id": str(code), "properties": {"code": str(code)},
                         "geometry": g})
    return {"type": "FeatureCollection", "features": features}


def _positions(coords: Any) -> Iterable[tuple[float, float]]:
    if coords and isinstance(coords[0], (int, float)):
        yield float(coords[0]), float(coords[1])
        return
    for c in coords:
        yield from _positions(c)


def _geometries(geojson: Mapping[str, Any]) -> Iterable[Mapping[str, Any]]:
    for f in feature_collection(geojson)["features"]:
        g = f.get("geometry") or {}
        if g.get("type") == "GeometryCollection":
            yield from g.get("geometries", [])
        else:
            yield g


def bbox(geojson: Mapping[str, Any]) -> tuple[float, float, float, float]:
    """``(min_lon, min_lat, max_lon, max_lat)`` of any GeoJSON object.

    >>> bbox({"type": "Polygon", "coordinates": [[[0, 0], [2, 0], [2, 1], [0, 0]]]})
    (0.0, 0.0, 2.0, 1.0)
    """
    pts = [p for g in _geometries(geojson) for p in _positions(g.get("coordinates", []))]
    if not pts:
        raise ValueError("the GeoJSON has no coordinates")
    lons, lats = zip(*pts, strict=True)
    return min(lons), min(lats), max(lons), max(lats)


def _merc_y(lat: float) -> float:
    lat = max(min(lat, 85.0), -85.0)
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def zoom_for_bbox(
    box: tuple[float, float, float, float], width_px: int = 700, height_px: int = 560,
    padding: float = 0.06,
) -> float:
    """The Web-Mercator zoom at which ``box`` fills a ``width_px`` × ``height_px`` map.

    At zoom ``z`` the world is ``512 · 2**z`` pixels wide in MapLibre (512-px tiles), so
    ``z = log2(width_px / (512 · Δlon/360))`` horizontally and the same with the
    Mercator ``y`` span vertically; the smaller of the two fits both, less ``padding``
    (a share of the map left as margin on each side).

    >>> round(zoom_for_bbox((0, -1, 360 / 512 * 1.0, 1), 512, 100000, padding=0), 3)
    9.0
    """
    min_lon, min_lat, max_lon, max_lat = box
    usable = 1 - 2 * padding
    dlon = max(max_lon - min_lon, 1e-6) / 360
    dy = max(_merc_y(max_lat) - _merc_y(min_lat), 1e-6) / (2 * math.pi)
    z_w = math.log2(width_px * usable / (512 * dlon))
    z_h = math.log2(height_px * usable / (512 * dy))
    return round(min(z_w, z_h), 2)


def hover_lines(
    frame: pd.DataFrame, title_col: str, fields: Mapping[str, str] | None = None,
    value_col: str | None = None, value_label: str = "", value_format: str = ",.1f",
) -> list[str]:
    """One escaped hover text per row: a bold title, then ``label: value`` lines.

    Only our own ``<b>`` and ``<br>`` tags stay live; every data value is escaped.

    >>> hover_lines(pd.DataFrame({"n": ["<script>alert(1)</script>"], "v": [1.25]}), "n",
    ...             value_col="v", value_label="时间")
    ['<b>&lt;script&gt;alert(1)&lt;/script&gt;</b><br>时间: 1.2']
    """
    out = []
    fields = dict(fields or {})
    for row in frame.to_dict("records"):
        parts = [f"<b>{plain(row.get(title_col))}</b>"]
        if value_col is not None:
            v = row.get(value_col)
            shown = format(v, value_format) if isinstance(v, (int, float)) and not pd.isna(v) else "–"
            parts.append(f"{plain(value_label)}: {plain(shown)}")
        for col, label in fields.items():
            v = row.get(col)
            shown = "–" if v is None or (isinstance(v, float) and pd.isna(v)) else v
            if isinstance(shown, float):
                shown = format(shown, ",.2f")
            parts.append(f"{plain(label)}: {plain(shown)}")
        out.append("<br>".join(parts))
    return out


def _colorbar(title: str, x: float) -> dict[str, Any]:
    return {"title": {"text": plain(title), "side": "right"}, "x": x, "xanchor": "right",
            "y": 0.5, "len": 0.6, "thickness": 14, "bgcolor": "rgba(255,255,255,0.85)",
            "outlinewidth": 0}


def _colour(kind: str, i: int) -> str:
    return FACILITY_COLOURS.get(kind, _CYCLE[i % len(_CYCLE)])


@functools.cache
def _scale(name: str) -> tuple[tuple[float, str], ...]:
    """A named Plotly colour scale as (position, colour) pairs, as ``go.Figure`` spells it out."""
    return tuple((float(p), c) for p, c in get_colorscale(name))


def _scale_spec(name: str) -> list[list[Any]]:
    return [list(pair) for pair in _scale(name)]


def _list(values: Any) -> list:
    return pd.Series(values, dtype="float64").tolist()


def _rings(geometry: Mapping[str, Any]) -> tuple[list[float | None], list[float | None]]:
    """Exterior and interior rings of a (multi)polygon as x/y lists separated by ``None``."""
    polys = {"Polygon": [geometry.get("coordinates", [])],
             "MultiPolygon": geometry.get("coordinates", [])}.get(geometry.get("type"), [])
    xs: list[float | None] = []
    ys: list[float | None] = []
    for poly in polys:
        for ring in poly:
            xs += [float(p[0]) for p in ring] + [None]
            ys += [float(p[1]) for p in ring] + [None]
    return xs, ys


def _scatter(static: bool, **kw: Any) -> dict[str, Any]:
    """A point trace: WebGL map (lon/lat) or SVG cartesian (x/y) with the same look."""
    if static:
        kw["x"], kw["y"] = kw.pop("lon"), kw.pop("lat")
        return {"type": "scatter", **kw}
    return {"type": "scattermap", **kw}


def _add_areas(data: list[dict[str, Any]], areas: Mapping[str, Any], values: pd.Series | None,
               names: Mapping[str, str], title: str, colorscale: str, reverse: bool,
               value_format: str, static: bool, lang: str,
               value_range: tuple[float, float] | None = None) -> bool:
    """Append the area traces to ``data``; returns whether a colour bar was added.

    ``value_range`` pins the ends of the colour scale (else the shown values' range)."""
    codes = [str(f.get("id")) for f in areas["features"]]
    has_values = values is not None and len(values) > 0 and pd.Series(values).notna().any()
    z: list[float] = [float("nan")] * len(codes)
    if has_values:
        vals = pd.Series(values, dtype="float64")
        vals.index = vals.index.astype(str)
        lookup = vals.to_dict()
        z = [float(lookup.get(c, float("nan"))) for c in codes]
    text = [f"<b>{plain(names.get(c, c))}</b>" + (
        f"<br>{plain(title)}: {plain(format(v, value_format)) if not pd.isna(v) else '–'}"
        if has_values else "") for c, v in zip(codes, z, strict=True)]
    if not static:
        trace: dict[str, Any] = {
            "type": "choroplethmap", "geojson": areas, "locations": codes,
            "z": z if has_values else [0.0] * len(codes), "featureidkey": "id",
            "colorscale": _scale_spec(colorscale) if has_values else [[0.0, _EMPTY_AREA], [1.0, _EMPTY_AREA]],
            "reversescale": reverse, "showscale": bool(has_values),
            "marker": {"opacity": 0.6 if has_values else 0.5, "line": {"color": _AREA_LINE, "width": 1}},
            "text": text, "hovertemplate": "%{text}<extra></extra>",
            "name": plain(t("map.areas", lang)), "showlegend": False,
        }
        if has_values:
            trace["colorbar"] = _colorbar(title, 0.99)
            if value_range is not None:
                trace["zmin"], trace["zmax"] = value_range
        data.append(trace)
        return bool(has_values)
    # SVG: one filled path per area, coloured from the same scale
    finite = [v for v in z if not pd.isna(v)]
    lo, hi = (min(finite), max(finite)) if finite else (0.0, 1.0)
    if value_range is not None:
        lo, hi = value_range
    scale = colorscale + ("_r" if reverse else "")
    for code, v, txt, f in zip(codes, z, text, areas["features"], strict=True):
        xs, ys = _rings(f.get("geometry") or {})
        if pd.isna(v):
            fill = _EMPTY_AREA
        else:
            fill = sample_colorscale(scale, [(v - lo) / (hi - lo) if hi > lo else 0.5])[0]
        data.append({
            "type": "scatter", "x": xs, "y": ys, "mode": "lines", "fill": "toself", "fillcolor": fill,
            "opacity": 0.75, "line": {"color": _AREA_LINE, "width": 0.8}, "hoveron": "fills",
            "text": txt, "hoverinfo": "text", "name": plain(code), "showlegend": False})
    if has_values:
        data.append({
            "type": "scatter", "x": [None], "y": [None], "mode": "markers", "hoverinfo": "skip",
            "showlegend": False,
            "marker": {"color": [lo, hi], "colorscale": _scale_spec(colorscale), "reversescale": reverse,
                       "cmin": lo, "cmax": hi, "showscale": True, "colorbar": _colorbar(title, 0.99)}})
    return bool(has_values)


def _halo(static: bool, lon: Any, lat: Any, size: float) -> dict[str, Any]:
    # map markers have no outline: a slightly larger dark dot underneath keeps light dots legible
    return _scatter(static, lon=_list(lon), lat=_list(lat), mode="markers", hoverinfo="skip",
                    showlegend=False, marker={"size": size + 3, "color": _OUTLINE, "opacity": 0.85})


def _outline_trace(areas: Mapping[str, Any], color: str, width: float) -> dict[str, Any]:
    xs: list[float | None] = []
    ys: list[float | None] = []
    for g in _geometries(areas):
        gx, gy = _rings(g)
        xs += gx
        ys += gy
    return {"type": "scatter", "x": xs, "y": ys, "mode": "lines",
            "line": {"color": color, "width": width}, "hoverinfo": "skip", "showlegend": False}


def county_map_spec(
    boundary_geojson: Mapping[str, Any],
    areas: Mapping[str, Any] | None = None,
    area_values: pd.Series | None = None,
    points: pd.DataFrame | None = None,
    facilities: pd.DataFrame | None = None,
    lang: str = DEFAULT_LANG,
    *,
    area_title: str = "",
    point_title: str = "",
    area_names: Mapping[str, str] | None = None,
    point_fields: Mapping[str, str] | None = None,
    colorscale: str = "YlOrRd",
    reverse_scale: bool = False,
    value_format: str = ",.1f",
    height: int = 600,
    width_hint: int = 800,
    static: bool = False,
    outlines: Mapping[str, Any] | None = None,
    outline_colour: str = _OUTLINE,
    outline_width: float = 1.2,
    facility_size: int = 12,
    styles: Mapping[str, tuple[str, int]] | None = None,
    legend_title: str | None = None,
    value_range: tuple[float, float] | None = None,
    roads: Mapping[str, Any] | None = None,
    marks: Sequence[tuple[pd.DataFrame, str, str]] = (),
) -> dict[str, Any]:
    """The county on a blank background with areas, roads, unit points and facilities.

    The figure as a specification (the dict of Plotly's JSON; see :mod:`ui.charts`):
    GeoJSON given here is shared, not copied, so neither it nor the result may be modified.
    :func:`county_map` returns the same figure as a validated ``go.Figure``.

    Parameters
    ----------
    boundary_geojson : dict
        County boundary (geometry, Feature or FeatureCollection, WGS-84).
    areas : dict, optional
        FeatureCollection of township or unit polygons whose feature ``id`` is the code
        (see :func:`areas_collection`).
    area_values : pd.Series, optional
        Choropleth value by code; without it the areas are drawn in one light colour.
    points : pd.DataFrame, optional
        Units: ``lon``, ``lat``, ``label``, optionally ``value`` (colours the points)
        and any ``point_fields`` columns.
    facilities : pd.DataFrame, optional
        ``lon``, ``lat``, ``type``, ``name``; one legend entry per type, in ``lang``.
    lang : {"zh", "en"}
        Language of legend and hover labels.
    area_title, point_title : str
        Colour-bar titles, including the unit, e.g. ``"出行时间（分钟）"``.
    area_names : mapping, optional
        Code -> display name for area hover text.
    point_fields : mapping, optional
        Extra hover lines for points: column -> label.
    colorscale, reverse_scale : str, bool
        Plotly colour scale for areas and points (reverse when low values are bad).
    height, width_hint : int
        Figure height in pixels and the expected width, used to fit the zoom.
    static : bool
        ``False``: a WebGL map (``Choroplethmap``/``Scattermap``, ``map_style="white-bg"``)
        for the app. ``True``: the same picture as plain SVG traces on lon/lat axes with
        the right aspect ratio, for the downloadable brief and printing: MapLibre's
        worker does not start on a ``file://`` page, so a WebGL map in a saved HTML
        file stays blank.
    outlines : dict, optional
        A FeatureCollection (e.g. townships) drawn as outlines over everything, in
        ``outline_colour`` and ``outline_width`` px.
    facility_size : int
        Diameter of the facility symbols in pixels (their dark halo is 3 px larger).
    styles : mapping, optional
        Marker ``(colour, size in px)`` per value of the facilities' ``type`` column (e.g.
        a role on a planning map), used when the facility traces are made; other types
        keep their colour and ``facility_size``. The halo stays ``facility_size`` + 3.
    legend_title : str, optional
        The legend's title (default 设施类型 / Facility type).
    value_range : (float, float), optional
        The values at the two ends of the area colour scale, e.g. the county's range when
        only one township is shown, so that a value has the same colour in every view
        (and a township whose villages all have one value is not painted mid-scale).
    roads : dict, optional
        The loaded road network for the screen (:func:`road_lines`), drawn by class over the
        areas and under everything else; None (no roads register): no road is drawn.
    marks : sequence of (DataFrame, str, str)
        Extra point groups drawn on top, each ``(frame with lon, lat, label; legend name;
        colour)``, e.g. villages far from any road.

    Returns
    -------
    dict
        Centred on the county's bounding box; nothing is fetched from the internet.
    """
    from ui.charts import template

    county = feature_collection(boundary_geojson)
    min_lon, min_lat, max_lon, max_lat = bbox(county)
    data: list[dict[str, Any]] = []

    if static:
        for g in _geometries(county):
            xs, ys = _rings(g)
            data.append({"type": "scatter", "x": xs, "y": ys, "mode": "lines", "fill": "toself",
                         "fillcolor": _COUNTY_FILL, "line": {"width": 0}, "hoverinfo": "skip",
                         "showlegend": False})

    area_scale = False
    if areas is not None and areas.get("features"):
        area_scale = _add_areas(data, areas, area_values, dict(area_names or {}), area_title,
                                colorscale, reverse_scale, value_format, static, lang, value_range)
    if roads:
        data += road_traces(roads, lang, static)

    if points is not None and len(points):
        pts = points.dropna(subset=["lon", "lat"])
        coloured = "value" in pts.columns and bool(pts["value"].notna().any())
        marker: dict[str, Any] = {"size": 8, "opacity": 1.0}
        if coloured:
            marker.update(color=_list(pts["value"]), colorscale=_scale_spec(colorscale),
                          reversescale=reverse_scale, showscale=True,
                          colorbar=_colorbar(point_title, 0.86 if area_scale else 0.99))
        else:
            marker.update(color="#78909c", size=6)
        data.append(_halo(static, pts["lon"], pts["lat"], marker["size"]))
        data.append(_scatter(
            static, lon=_list(pts["lon"]), lat=_list(pts["lat"]), mode="markers", marker=marker,
            text=hover_lines(pts, "label" if "label" in pts.columns else "lon", point_fields,
                             "value" if coloured else None, point_title, value_format),
            hovertemplate="%{text}<extra></extra>",
            name=plain(t("map.units", lang)), showlegend=not coloured,
        ))

    if facilities is not None and len(facilities):
        fac = facilities.dropna(subset=["lon", "lat"])
        fields = {"type_label": t("facility_type", lang)}
        data.append(_halo(static, fac["lon"], fac["lat"], facility_size))
        for i, (kind, grp) in enumerate(fac.groupby("type", sort=False)):
            label = facility_label(str(kind), lang)
            colour, size = dict(styles or {}).get(str(kind), (_colour(str(kind), i), facility_size))
            data.append(_scatter(
                static, lon=_list(grp["lon"]), lat=_list(grp["lat"]), mode="markers",
                marker={"size": size, "color": colour, "opacity": 1.0},
                text=hover_lines(grp.assign(type_label=label), "name", fields),
                hovertemplate="%{text}<extra></extra>",
                name=plain(label), legendgroup=plain(kind), showlegend=True,
            ))

    for frame, name, colour in marks:
        pts = frame.dropna(subset=["lon", "lat"])
        if len(pts):
            data.append(_halo(static, pts["lon"], pts["lat"], 10))
            data.append(_scatter(static, lon=_list(pts["lon"]), lat=_list(pts["lat"]), mode="markers",
                                 marker={"size": 10, "color": colour, "opacity": 1.0},
                                 text=hover_lines(pts, "label"), hovertemplate="%{text}<extra></extra>",
                                 name=plain(name), showlegend=True))

    layout: dict[str, Any] = {
        "height": height,
        "margin": {"l": 0, "r": 0, "t": 0, "b": 0},
        "legend": {"title": {"text": plain(t("facility_type", lang) if legend_title is None
                                           else legend_title)}, "x": 0.01, "y": 0.99,
                   "xanchor": "left", "yanchor": "top", "bgcolor": "rgba(255,255,255,0.85)",
                   "bordercolor": "#cfd8dc", "borderwidth": 1, "font": {"size": 13}},
        "font": {"family": _FONT},
        "hoverlabel": {"font": {"family": _FONT}},
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "template": template(),
    }
    if static:
        for g in _geometries(county):
            xs, ys = _rings(g)
            data.append({"type": "scatter", "x": xs, "y": ys, "mode": "lines",
                         "line": {"color": _OUTLINE, "width": 2}, "hoverinfo": "skip",
                         "showlegend": False})
        lat0 = math.radians((min_lat + max_lat) / 2)
        pad_x, pad_y = (max_lon - min_lon) * 0.04, (max_lat - min_lat) * 0.04
        axis = {"visible": False, "showgrid": False, "zeroline": False, "fixedrange": False}
        layout["xaxis"] = {**axis, "range": [min_lon - pad_x, max_lon + pad_x], "constrain": "domain"}
        layout["yaxis"] = {**axis, "range": [min_lat - pad_y, max_lat + pad_y], "scaleanchor": "x",
                           "scaleratio": 1 / math.cos(lat0), "constrain": "domain"}
        if outlines and outlines.get("features"):
            data.append(_outline_trace(outlines, outline_colour, outline_width))
        return {"data": data, "layout": layout}

    if not data:
        # a map subplot exists only with a map trace: an empty one draws the outline alone
        data.append({"type": "scattermap", "lon": [], "lat": [], "showlegend": False,
                     "hoverinfo": "skip"})
    layout["map"] = {
        "style": "white-bg",
        "center": {"lon": (min_lon + max_lon) / 2, "lat": (min_lat + max_lat) / 2},
        "zoom": zoom_for_bbox((min_lon, min_lat, max_lon, max_lat), width_hint, height),
        # county: a light fill under the traces and a dark outline above them
        "layers": [
            {"sourcetype": "geojson", "source": county, "type": "fill",
             "color": _COUNTY_FILL, "below": "traces", "name": "county_fill"},
            {"sourcetype": "geojson", "source": county, "type": "line",
             "color": _OUTLINE, "line": {"width": 2.2}, "name": "county_outline"},
            *([{"sourcetype": "geojson", "source": feature_collection(outlines),
                "type": "line", "color": outline_colour, "line": {"width": outline_width},
                "name": "outlines"}]
              if outlines and outlines.get("features") else []),
        ],
    }
    return {"data": data, "layout": layout}


def county_map(*args: Any, **kwargs: Any) -> go.Figure:
    """:func:`county_map_spec` as a validated ``go.Figure`` (same arguments)."""
    return go.Figure(county_map_spec(*args, **kwargs))


def road_lines(nodes: pd.DataFrame, edges: pd.DataFrame, *, tolerance_deg: float = 0.0003,
               budget: int = ROAD_VERTEX_BUDGET) -> dict[str, Any]:
    """A road network (``road_nodes``/``road_edges`` frames) simplified for a county map: per
    class of :data:`ROAD_STYLES`, segments merged into lines, simplified (Douglas-Peucker,
    ``tolerance_deg`` ≈ 30 m), rounded to 1e-5°, as ``lon``/``lat`` lists with ``None`` between
    lines. :data:`MAIN_ROADS` are always kept (simplified harder until they fit ``budget``
    vertices); the others while the total fits (``dropped``: the classes left out).

    >>> n = pd.DataFrame({"node_id": [1, 2, 3], "lon": [108.0, 108.1, 108.2], "lat": [31.0] * 3})
    >>> e = pd.DataFrame({"u": [1, 2], "v": [2, 3], "road_class": ["secondary", "secondary"]})
    >>> road_lines(n, e)["classes"]["secondary"]
    {'lon': [108.0, 108.2, None], 'lat': [31.0, 31.0, None]}
    """
    import shapely

    index = pd.Index(nodes["node_id"])
    xy = np.column_stack([nodes["lon"].to_numpy(float), nodes["lat"].to_numpy(float)])
    u, v = index.get_indexer(edges["u"]), index.get_indexer(edges["v"])
    cls = edges["road_class"].astype(str).to_numpy()

    def lines(c: str, tol: float) -> tuple[list, list]:
        pick = (cls == c) & (u >= 0) & (v >= 0)
        segs = shapely.linestrings(np.stack([xy[u[pick]], xy[v[pick]]], axis=1))
        parts = shapely.get_parts(shapely.simplify(shapely.line_merge(
            shapely.multilinestrings(segs)), tol))
        coords = np.round(shapely.get_coordinates(parts), 5)
        at = np.cumsum(shapely.get_num_coordinates(parts))  # a None ends each line
        lon = np.insert(coords[:, 0].astype(object), at, None).tolist()
        lat = np.insert(coords[:, 1].astype(object), at, None).tolist()
        return lon, lat

    present = [c for c in ROAD_STYLES if (cls == c).any()]
    main, tol = [c for c in present if c in MAIN_ROADS], tolerance_deg
    while True:
        out = {c: dict(zip(("lon", "lat"), lines(c, tol), strict=True)) for c in main}
        used = sum(len(x["lon"]) for x in out.values())
        if used <= budget or tol > 0.01:
            break
        tol *= 2
    dropped = []
    for c in (c for c in present if c not in main):
        lon, lat = lines(c, tol)
        if used + len(lon) > budget:
            dropped.append(c)
            continue
        out[c], used = {"lon": lon, "lat": lat}, used + len(lon)
    return {"classes": {c: out[c] for c in present if c in out}, "dropped": dropped,
            "vertices": used}


def road_traces(roads: Mapping[str, Any], lang: str = DEFAULT_LANG, static: bool = False
                ) -> list[dict[str, Any]]:
    """One line trace per road class of :func:`road_lines`, main classes on top; one legend
    group headed 道路 / Roads (never a place name: a loaded network may be any file)."""
    out = []
    for i, (c, line) in enumerate(reversed(list(roads["classes"].items()))):
        colour, width = ROAD_STYLES.get(c, ("#c2c9d0", 0.6))
        trace = _scatter(static, lon=list(line["lon"]), lat=list(line["lat"]), mode="lines",
                         line={"color": colour, "width": width}, hoverinfo="skip",
                         name=plain(t(f"road.{c}", lang)), legendgroup="roads", showlegend=True,
                         legendrank=2000 - i, meta="roads")
        if i == 0:
            trace["legendgrouptitle"] = {"text": plain(t("map.roads", lang))}
        out.append(trace)
    return out
