"""Plotly chart builders: every label from :mod:`ui.i18n`, units in axis titles.

Builders take tidy DataFrames and return a figure *specification*: the plain dict that
Plotly's JSON holds (``{"data": [...], "layout": {...}}``). Building the dict directly
costs a millisecond where Plotly's validated object model costs about a hundred, which
is most of a rerun; :func:`show_chart` hands the dict to Streamlit without validating or
copying it again, and ``go.Figure(spec)`` validates it (the tests do, and the brief).
The ``ranked_bar``/``urban_rural_bars``/``travel_time_distribution`` wrappers return a
validated ``go.Figure`` of the same specification. Builders never touch the database
or Streamlit (apart from :func:`show_chart`). Category labels (township names) are data
and are escaped with :func:`ui.i18n.plain` because Plotly renders a subset of HTML in
tick labels.

On a phone (:func:`on_phone`, from the browser's ``User-Agent``: WeChat's built-in
browser, iOS and Android) :func:`show_chart` draws :func:`phone_spec` of the figure: a
map zoomed to the narrow width with its colour bar above it and its legend below, and no
Plotly tool bar over the legend. Every chart takes the container's width on any screen.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Mapping
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from ui.i18n import DEFAULT_LANG, group_label, plain, t, with_unit

__all__ = [
    "GROUP_COLOURS", "PHONE_WIDTH_PX", "merge", "on_phone", "phone_spec", "ranked_bar", "ranked_bar_spec", "show_chart", "template",
    "travel_time_distribution", "travel_time_distribution_spec", "urban_rural_bars",
    "urban_rural_bars_spec",
]

#: Colours of the urban/rural groups, used by every chart and the brief.
GROUP_COLOURS: dict[str, str] = {"urban": "#3b6ea8", "rural": "#d9822b", "county": "#6d6d6d"}
_FONT = "Noto Sans CJK SC, Microsoft YaHei, PingFang SC, sans-serif"
_GROUPS = ("urban", "rural")
_TARGET_LINE = {"dash": "dash", "color": "#c62828"}


@functools.cache
def template() -> dict[str, Any]:
    """Plotly's default template as a dict (what ``go.Figure`` puts in every figure's layout).

    Shared by every specification: never modify it.
    """
    import plotly.io as pio

    return pio.templates[pio.templates.default].to_plotly_json()


def merge(base: Mapping[str, Any], update: Mapping[str, Any]) -> dict[str, Any]:
    """``base`` updated by ``update``, nested dicts merged as ``fig.update_layout`` does.

    A new dict; neither argument is modified.

    >>> merge({"legend": {"x": 0, "title": {"text": "a"}}}, {"legend": {"title": {"side": "top"}}})
    {'legend': {'x': 0, 'title': {'text': 'a', 'side': 'top'}}}
    """
    out = dict(base)
    for key, value in update.items():
        old = out.get(key)
        out[key] = merge(old, value) if isinstance(old, Mapping) and isinstance(value, Mapping) else value
    return out


def _values(series: Any) -> list:
    """A column as a plain list of Python numbers (missing values as NaN)."""
    return pd.Series(series, dtype="float64").tolist()


def _spec(data: list[dict[str, Any]], layout: dict[str, Any], height: int) -> dict[str, Any]:
    """The figure with the house layout (font, white background, legend on top)."""
    grid = {"gridcolor": "#eceff1", "zerolinecolor": "#b0bec5", "automargin": True}
    layout = merge(layout, {"xaxis": grid, "yaxis": grid})
    layout.update(
        height=height, font={"family": _FONT, "size": 13}, plot_bgcolor="white",
        paper_bgcolor="white", margin={"l": 10, "r": 10, "t": 30, "b": 10},
        legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0, "title": {}},
        hoverlabel={"font": {"family": _FONT}}, template=template(),
    )
    return {"data": data, "layout": layout}


def _vline(x: float, text: str, *, bottom: bool = False, width: float | None = None) -> dict[str, Any]:
    """A dashed vertical target line with its label (what ``fig.add_vline`` adds)."""
    line = {**_TARGET_LINE, **({"width": width} if width is not None else {})}
    return {
        "shapes": [{"type": "line", "x0": x, "x1": x, "xref": "x", "y0": 0, "y1": 1,
                    "yref": "y domain", "line": line}],
        "annotations": [{"showarrow": False, "text": text, "x": x, "xanchor": "left", "xref": "x",
                         "y": 0 if bottom else 1, "yanchor": "bottom" if bottom else "top",
                         "yref": "y domain"}],
    }


def _hline(y: float, text: str) -> dict[str, Any]:
    """A dashed horizontal target line with its label (what ``fig.add_hline`` adds)."""
    return {
        "shapes": [{"type": "line", "x0": 0, "x1": 1, "xref": "x domain", "y0": y, "y1": y,
                    "yref": "y", "line": dict(_TARGET_LINE)}],
        "annotations": [{"showarrow": False, "text": text, "x": 1, "xanchor": "right",
                         "xref": "x domain", "y": y, "yanchor": "bottom", "yref": "y"}],
    }


def ranked_bar_spec(
    frame: pd.DataFrame,
    value_col: str,
    label_col: str,
    value_title: str,
    unit: str = "",
    *,
    group_col: str | None = "urban_rural",
    target: float | None = None,
    higher_is_better: bool = True,
    value_format: str = ",.1f",
    lang: str = DEFAULT_LANG,
    colour: str | None = None,
) -> dict[str, Any]:
    """Horizontal bars of areas ranked by ``value_col``, the worst at the bottom.

    Bars are coloured by ``group_col`` (``urban``/``rural``), or all in ``colour``;
    ``target`` adds a dashed line labelled 目标 / Target. The value axis title is
    ``value_title`` with ``unit``.

    >>> s = ranked_bar_spec(pd.DataFrame({"n": ["a", "b"], "v": [1.0, 2.0]}), "v", "n", "V",
    ...                     group_col=None)
    >>> s["layout"]["yaxis"]["categoryarray"], s["data"][0]["x"]
    (['a', 'b'], [1.0, 2.0])
    """
    d = frame[[c for c in (label_col, value_col, group_col) if c]].dropna(subset=[value_col])
    d = d.sort_values(value_col, ascending=higher_is_better)  # best at the top of the chart
    groups = d[group_col].astype(str) if group_col else pd.Series("county", index=d.index)
    data = []
    for g in [*_GROUPS, *sorted(set(groups) - set(_GROUPS))]:
        part = d[groups == g]
        if part.empty:
            continue
        data.append({
            "type": "bar", "orientation": "h", "x": _values(part[value_col]),
            "y": [plain(v) for v in part[label_col]], "name": plain(group_label(g, lang)),
            "marker": {"color": colour or GROUP_COLOURS.get(g, "#90a4ae")},
            "hovertemplate": f"%{{y}}: %{{x:{value_format}}} {plain(unit)}<extra>%{{fullData.name}}</extra>",
        })
    layout: dict[str, Any] = {
        "yaxis": {"categoryorder": "array", "categoryarray": [plain(v) for v in d[label_col]],
                  "title": {}},
        "xaxis": {"title": {"text": plain(with_unit(value_title, unit, lang))}},
    }
    if target is not None:
        layout.update(_vline(target, plain(f"{t('target', lang)} {target:g}"), bottom=True, width=2))
    return _spec(data, layout, height=max(300, 28 * len(d) + 100))


def ranked_bar(frame: pd.DataFrame, value_col: str, label_col: str, value_title: str,
               unit: str = "", **kw: Any) -> go.Figure:
    """:func:`ranked_bar_spec` as a validated ``go.Figure``."""
    return go.Figure(ranked_bar_spec(frame, value_col, label_col, value_title, unit, **kw))


def urban_rural_bars_spec(
    values: pd.DataFrame,
    value_title: str,
    unit: str = "",
    *,
    indicator_labels: Mapping[str, str] | None = None,
    value_format: str = ",.1f",
    lang: str = DEFAULT_LANG,
) -> dict[str, Any]:
    """Urban versus rural, side by side, for one or more indicators.

    ``values`` has one row per indicator and columns ``urban`` and ``rural``
    (optionally ``county``); ``indicator_labels`` maps the index to display labels.
    """
    labels = dict(indicator_labels or {})
    cats = [plain(labels.get(i, i)) for i in values.index]
    data = [{
        "type": "bar", "x": cats, "y": _values(values[g]), "name": plain(group_label(g, lang)),
        "marker": {"color": GROUP_COLOURS[g]}, "texttemplate": f"%{{y:{value_format}}}",
        "textposition": "outside",
        "hovertemplate": f"%{{x}}: %{{y:{value_format}}} {plain(unit)}<extra>%{{fullData.name}}</extra>",
    } for g in ("urban", "rural", "county") if g in values.columns]
    layout = {"barmode": "group", "xaxis": {"title": {}},
              "yaxis": {"title": {"text": plain(with_unit(value_title, unit, lang))},
                        "rangemode": "tozero"}}
    return _spec(data, layout, height=380)


def urban_rural_bars(values: pd.DataFrame, value_title: str, unit: str = "", **kw: Any) -> go.Figure:
    """:func:`urban_rural_bars_spec` as a validated ``go.Figure``."""
    return go.Figure(urban_rural_bars_spec(values, value_title, unit, **kw))


def travel_time_distribution_spec(
    frame: pd.DataFrame,
    time_col: str = "time_min",
    group_col: str = "urban_rural",
    *,
    weight_col: str | None = "population",
    threshold_min: float | None = None,
    kind: str = "histogram",
    lang: str = DEFAULT_LANG,
) -> dict[str, Any]:
    """Travel time by urban/rural: a histogram (residents per band) or a box plot.

    With ``weight_col`` the histogram counts residents instead of villages.
    ``threshold_min`` draws the standard as a dashed line.
    """
    if kind not in ("histogram", "box"):
        raise ValueError(f"kind must be 'histogram' or 'box', not {kind!r}")
    time_title = with_unit(t("ind.travel_time_min", lang), t("unit.min", lang), lang)
    d = frame.dropna(subset=[time_col])
    data = []
    for g in _GROUPS:
        part = d[d[group_col].astype(str) == g]
        if part.empty:
            continue
        name = plain(group_label(g, lang))
        if kind == "box":
            data.append({"type": "box", "y": _values(part[time_col]), "name": name,
                         "marker": {"color": GROUP_COLOURS[g]}, "boxpoints": "outliers"})
            continue
        trace = {"type": "histogram", "x": _values(part[time_col]), "name": name,
                 "marker": {"color": GROUP_COLOURS[g]}, "opacity": 0.75, "xbins": {"size": 5}}
        if weight_col and weight_col in part.columns:
            trace.update(y=_values(part[weight_col]), histfunc="sum")
        else:
            trace["histfunc"] = "count"
        data.append(trace)
    label = plain(f"{t('target', lang)} {threshold_min:g}") if threshold_min is not None else ""
    if kind == "box":
        layout: dict[str, Any] = {"yaxis": {"title": {"text": plain(time_title)}, "rangemode": "tozero"}}
        if threshold_min is not None:
            layout.update(_hline(threshold_min, label))
    else:
        count_title = (with_unit(t("chart.residents", lang), t("unit.persons", lang), lang)
                       if weight_col and weight_col in d.columns else t("chart.frequency", lang))
        layout = {"barmode": "overlay", "xaxis": {"title": {"text": plain(time_title)}},
                  "yaxis": {"title": {"text": plain(count_title)}}}
        if threshold_min is not None:
            layout.update(_vline(threshold_min, label))
    return _spec(data, layout, height=380)


def travel_time_distribution(frame: pd.DataFrame, time_col: str = "time_min",
                             group_col: str = "urban_rural", **kw: Any) -> go.Figure:
    """:func:`travel_time_distribution_spec` as a validated ``go.Figure``."""
    return go.Figure(travel_time_distribution_spec(frame, time_col, group_col, **kw))


class _Spec(go.Figure):
    """A specification handed to ``st.plotly_chart`` as it is.

    Streamlit validates a dict again (``go.Figure(**spec)``, about 100 ms for a map) and
    deep-copies a ``go.Figure`` (``to_dict``); this figure is empty and answers
    ``to_dict`` with the specification itself, which Streamlit only serialises.
    """

    def __init__(self, spec: Mapping[str, Any]) -> None:
        super().__init__()
        self._plain_spec = spec

    def to_dict(self) -> dict[str, Any]:  # type: ignore[override]
        return dict(self._plain_spec)


#: what a phone's browser says it is in ``User-Agent`` (WeChat's built-in browser adds
#: ``MicroMessenger``; iOS and Android browsers ``Mobile``/``Android``)
_PHONE_AGENT = re.compile(r"Mobile|Android|iPhone|iPod|MicroMessenger|HarmonyOS|OpenHarmony")
#: the map width a phone leaves for a chart (390 px screen less the page's padding)
PHONE_WIDTH_PX = 350
#: height of one horizontal colour bar above a map on a phone, title included
_PHONE_BAR_PX = 72


def on_phone() -> bool:
    """Whether the page was requested by a phone's browser (its ``User-Agent``).

    The server cannot see the screen's width: charts and tables fit any width by
    themselves, only a map's zoom (fitted on the server) and its colour bar need this.
    """
    import streamlit as st

    try:
        agent = st.context.headers.get("User-Agent") or ""
    except Exception:  # no request (AppTest, bare script run)
        return False
    return bool(_PHONE_AGENT.search(agent))


def _with_colorbar(trace: Mapping[str, Any], bar: Mapping[str, Any]) -> dict[str, Any] | None:
    """``trace`` with its colour bar (trace- or marker-level) updated by ``bar``; None
    when it shows none."""
    if "colorbar" in trace and trace.get("showscale", True):
        return {**trace, "colorbar": merge(trace["colorbar"], bar)}
    marker = trace.get("marker")
    if isinstance(marker, Mapping) and "colorbar" in marker and marker.get("showscale"):
        return {**trace, "marker": {**marker, "colorbar": merge(marker["colorbar"], bar)}}
    return None


def phone_spec(spec: Mapping[str, Any]) -> dict[str, Any]:
    """The figure for a phone's narrow screen (a new dict; ``spec`` is not modified).

    Every chart loses Plotly's tool bar (it covered the legend; Streamlit's own full-screen
    button stays). A map (a ``layout.map``) is zoomed to fit the county into
    :data:`PHONE_WIDTH_PX` (its ``county_fill`` layer), its colour bars lie horizontally
    above it instead of over its right edge, and a legend drawn over the map moves below it.
    """
    from ui.maps import bbox, zoom_for_bbox

    layout = dict(spec.get("layout", {}))
    data = list(spec.get("data", []))
    if not isinstance(layout.get("map"), Mapping):
        return {"data": data, "layout": layout}
    margin = {"t": 0, "b": 0, "l": 0, "r": 0, **layout.get("margin", {})}
    height = int(layout.get("height") or 450)
    # colour bars: one horizontal strip each, stacked at the top of the figure
    n_bars = sum(1 for tr in data if _with_colorbar(tr, {}) is not None)
    extra_top = n_bars * _PHONE_BAR_PX
    k = 0
    for i, trace in enumerate(data):
        bar = {"orientation": "h", "x": 0.03, "xanchor": "left", "xref": "container",
               "y": 1 - (k * _PHONE_BAR_PX + 4) / (height + extra_top), "yanchor": "top",
               "yref": "container", "len": 0.94, "lenmode": "fraction", "thickness": 10, "ypad": 2,
               "title": {"side": "top"}}
        new = _with_colorbar(trace, bar)
        if new is not None:
            data[i], k = new, k + 1
    # the legend below the map, one entry a line (a legend over the map, at its top-left
    # corner, moves there); the bottom margin, the legend's, grows to hold it
    legend = dict(layout.get("legend", {}))
    # (Plotly shows no legend entry for an area trace unless told to)
    entries = sum(1 for tr in data if tr.get("name") and tr.get(
        "showlegend", not str(tr.get("type", "")).startswith("choropleth")))
    extra_bottom = 0
    if entries and layout.get("showlegend", True) is not False:
        inside = float(legend.get("y", 1)) > 0.5
        extra_bottom = max(0, 34 + 24 * entries - (0 if inside else margin["b"]))
        legend.update(orientation="h", x=0, xanchor="left", y=0, yanchor="top",
                      entrywidth=1, entrywidthmode="fraction")
    map_h = height - margin["t"] - margin["b"]
    view = dict(layout["map"])
    county = next((ly.get("source") for ly in view.get("layers", [])
                   if ly.get("name") == "county_fill"), None)
    if county is not None:
        box = bbox(county)
        view["zoom"] = min(float(view.get("zoom", 99)), zoom_for_bbox(box, PHONE_WIDTH_PX, map_h))
        # no taller than the county at that zoom (zoom_for_bbox's 6 % margins): no empty bands
        merc = [math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)) for lat in box[1::2]]
        needed = (merc[1] - merc[0]) / (2 * math.pi) * 512 * 2 ** view["zoom"] / 0.88
        height -= max(0, map_h - math.ceil(needed) - 8)
    layout.update(map=view, legend=legend, height=height + extra_top + extra_bottom,
                  margin={**margin, "t": margin["t"] + extra_top,
                          "b": margin["b"] + extra_bottom})
    return {"data": data, "layout": layout}


def show_chart(spec: Mapping[str, Any] | go.Figure, *, key: str, container: Any = None,
               **kwargs: Any) -> None:
    """Draw a figure specification (or a ``go.Figure``) with ``st.plotly_chart``, at the
    container's width; on a phone as :func:`phone_spec` makes it.

    The specification goes to the browser as it is (the JSON a ``go.Figure`` of it
    would send): never modify a specification after building it, it may be cached.
    """
    import streamlit as st

    where = container if container is not None else st
    config = {"displaylogo": False}
    if on_phone():
        plain_spec = spec.to_plotly_json() if isinstance(spec, go.Figure) else spec
        spec = phone_spec(plain_spec)
        config["displayModeBar"] = False
    fig = spec if isinstance(spec, go.Figure) else _Spec(spec)
    kwargs.setdefault("config", config)
    kwargs.setdefault("width", "stretch")
    where.plotly_chart(fig, key=key, **kwargs)
