"""Plotly chart builders: every label from :mod:`ui.i18n`, units in axis titles.

Builders take tidy DataFrames and return a ``go.Figure``; they never touch the
database or Streamlit. Category labels (township names) are data and are escaped
with :func:`ui.i18n.plain` because Plotly renders a subset of HTML in tick labels.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from ui.i18n import DEFAULT_LANG, group_label, plain, t, with_unit

__all__ = ["GROUP_COLOURS", "ranked_bar", "travel_time_distribution", "urban_rural_bars"]

#: Colours of the urban/rural groups, used by every chart and the brief.
GROUP_COLOURS: dict[str, str] = {"urban": "#3b6ea8", "rural": "#d9822b", "county": "#6d6d6d"}
_FONT = "Noto Sans CJK SC, Microsoft YaHei, PingFang SC, sans-serif"
_GROUPS = ("urban", "rural")


def _layout(fig: go.Figure, height: int) -> go.Figure:
    fig.update_layout(
        height=height, font={"family": _FONT, "size": 13}, plot_bgcolor="white",
        paper_bgcolor="white", margin={"l": 10, "r": 10, "t": 30, "b": 10},
        legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0, "title": None},
        hoverlabel={"font": {"family": _FONT}},
    )
    fig.update_xaxes(gridcolor="#eceff1", zerolinecolor="#b0bec5", automargin=True)
    fig.update_yaxes(gridcolor="#eceff1", zerolinecolor="#b0bec5", automargin=True)
    return fig


def ranked_bar(
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
) -> go.Figure:
    """Horizontal bars of areas ranked by ``value_col``, the worst at the bottom.

    Bars are coloured by ``group_col`` (``urban``/``rural``); ``target`` adds a dashed
    line labelled 目标 / Target. The value axis title is ``value_title`` with ``unit``.
    """
    d = frame[[c for c in (label_col, value_col, group_col) if c]].dropna(subset=[value_col])
    d = d.sort_values(value_col, ascending=higher_is_better)  # best at the top of the chart
    fig = go.Figure()
    groups = d[group_col].astype(str) if group_col else pd.Series("county", index=d.index)
    for g in [*_GROUPS, *sorted(set(groups) - set(_GROUPS))]:
        part = d[groups == g]
        if part.empty:
            continue
        fig.add_trace(go.Bar(
            x=part[value_col], y=[plain(v) for v in part[label_col]], orientation="h",
            name=plain(group_label(g, lang)), marker_color=GROUP_COLOURS.get(g, "#90a4ae"),
            hovertemplate=f"%{{y}}: %{{x:{value_format}}} {plain(unit)}<extra>%{{fullData.name}}</extra>",
        ))
    order = [plain(v) for v in d[label_col]]
    fig.update_yaxes(categoryorder="array", categoryarray=order, title=None)
    fig.update_xaxes(title=plain(with_unit(value_title, unit, lang)))
    if target is not None:
        fig.add_vline(x=target, line={"dash": "dash", "color": "#c62828", "width": 2},
                      annotation_text=plain(f"{t('target', lang)} {target:g}"),
                      annotation_position="bottom right")
    return _layout(fig, height=max(300, 28 * len(d) + 100))


def urban_rural_bars(
    values: pd.DataFrame,
    value_title: str,
    unit: str = "",
    *,
    indicator_labels: Mapping[str, str] | None = None,
    value_format: str = ",.1f",
    lang: str = DEFAULT_LANG,
) -> go.Figure:
    """Urban versus rural, side by side, for one or more indicators.

    ``values`` has one row per indicator and columns ``urban`` and ``rural``
    (optionally ``county``); ``indicator_labels`` maps the index to display labels.
    """
    labels = dict(indicator_labels or {})
    cats = [plain(labels.get(i, i)) for i in values.index]
    fig = go.Figure()
    for g in [c for c in ("urban", "rural", "county") if c in values.columns]:
        fig.add_trace(go.Bar(
            x=cats, y=values[g], name=plain(group_label(g, lang)),
            marker_color=GROUP_COLOURS[g], texttemplate=f"%{{y:{value_format}}}",
            textposition="outside",
            hovertemplate=f"%{{x}}: %{{y:{value_format}}} {plain(unit)}<extra>%{{fullData.name}}</extra>",
        ))
    fig.update_layout(barmode="group")
    fig.update_yaxes(title=plain(with_unit(value_title, unit, lang)), rangemode="tozero")
    fig.update_xaxes(title=None)
    return _layout(fig, height=380)


def travel_time_distribution(
    frame: pd.DataFrame,
    time_col: str = "time_min",
    group_col: str = "urban_rural",
    *,
    weight_col: str | None = "population",
    threshold_min: float | None = None,
    kind: str = "histogram",
    lang: str = DEFAULT_LANG,
) -> go.Figure:
    """Travel time by urban/rural: a histogram (residents per band) or a box plot.

    With ``weight_col`` the histogram counts residents instead of villages.
    ``threshold_min`` draws the standard as a dashed line.
    """
    if kind not in ("histogram", "box"):
        raise ValueError(f"kind must be 'histogram' or 'box', not {kind!r}")
    time_title = with_unit(t("ind.travel_time_min", lang), t("unit.min", lang), lang)
    fig = go.Figure()
    d = frame.dropna(subset=[time_col])
    for g in _GROUPS:
        part = d[d[group_col].astype(str) == g]
        if part.empty:
            continue
        name = plain(group_label(g, lang))
        if kind == "box":
            fig.add_trace(go.Box(y=part[time_col], name=name, marker_color=GROUP_COLOURS[g],
                                 boxpoints="outliers"))
        else:
            w = part[weight_col] if weight_col and weight_col in part.columns else None
            fig.add_trace(go.Histogram(
                x=part[time_col], y=w, histfunc="sum" if w is not None else "count",
                name=name, marker_color=GROUP_COLOURS[g], opacity=0.75,
                xbins={"size": 5}))
    if kind == "box":
        fig.update_yaxes(title=plain(time_title), rangemode="tozero")
        if threshold_min is not None:
            fig.add_hline(y=threshold_min, line={"dash": "dash", "color": "#c62828"},
                          annotation_text=plain(f"{t('target', lang)} {threshold_min:g}"))
    else:
        count_title = (with_unit(t("chart.residents", lang), t("unit.persons", lang), lang)
                       if weight_col and weight_col in d.columns else t("chart.frequency", lang))
        fig.update_layout(barmode="overlay")
        fig.update_xaxes(title=plain(time_title))
        fig.update_yaxes(title=plain(count_title))
        if threshold_min is not None:
            fig.add_vline(x=threshold_min, line={"dash": "dash", "color": "#c62828"},
                          annotation_text=plain(f"{t('target', lang)} {threshold_min:g}"))
    return _layout(fig, height=380)
