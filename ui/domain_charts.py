"""The charts of a domain page: the map, the urban-rural comparison and the township ranking
(rank 1, the township furthest behind the county, on top: the overview's order).

Figure specifications (:mod:`ui.charts`) built from a :class:`ui.domain.DomainView`; the
page caches them per view (``ui.domain``), the brief draws them again statically.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import pandas as pd

from metrics import settings
from ui.format import label_of, unit_of, value_format
from ui.i18n import t, with_unit
from ui.pinyin import place_label

if TYPE_CHECKING:
    from ui.domain import DomainView

__all__ = ["map_spec", "ranking_spec", "urban_rural_spec"]


def map_spec(view: DomainView, units: pd.DataFrame, *, static: bool = False) -> dict[str, Any]:
    """Village areas coloured by the value, township outlines, the indicator's facilities.

    A figure specification (:mod:`ui.charts`); ``units`` is :func:`ui.tables.unit_table`'s rows shown.
    """
    from ui.charts import merge
    from ui.data import boundaries, road_lines
    from ui.maps import county_map_spec

    ind, lang = view.indicator, view.lang
    fac = view.facilities(ind.facility_types)[["lon", "lat", "type", "name"]]
    b = boundaries()
    keep = set(units["code"])
    areas = {"type": "FeatureCollection",
             "features": [f for f in b["unit"]["features"] if str(f.get("id")) in keep]}
    sep = "，" if lang == "zh" else ", "
    names = {c: f"{place_label(n, lang)}{sep}{place_label(tn, lang)}"
             for c, n, tn in zip(units["code"], units["name"], units["township"], strict=True)}
    size = 6 if len(fac) > 60 else 8 if static else 12
    height = 560 if not static else 460
    # colours span the whole county's values, so a township shown alone keeps its colours
    county_values = view.table.values[ind.key].dropna()
    lo, hi = (float(county_values.min()), float(county_values.max())) if len(county_values) else (0, 0)
    spec = county_map_spec(
        b["county"], areas, pd.Series(units["value"].to_numpy(), index=units["code"]), None,
        fac, lang,
        area_title=with_unit(t("dom.map_value", lang), unit_of(ind, lang), lang),
        area_names=names, reverse_scale=ind.higher_is_better, value_format=value_format(ind),
        height=height, width_hint=760, static=static, outlines=b["township"], facility_size=size,
        value_range=(lo, hi) if hi > lo else None, roads=road_lines())
    # the legend under the map, so it hides no village: a bottom margin as tall as the legend
    # keeps the map area (for which county_map fitted the zoom) at its full height
    n_types = int(fac["type"].nunique())
    legend_px = 34 + 24 * math.ceil(n_types / 2) if n_types else 0
    spec["layout"] = merge(spec["layout"], {
        "height": height + legend_px,
        "legend": {"orientation": "h", "x": 0, "y": 0, "yanchor": "top", "xanchor": "left",
                   "title": {"side": "top left"}, "font": {"size": 12}, "entrywidth": 0.5,
                   "entrywidthmode": "fraction"},
        "margin": {"l": 0, "r": 0, "t": 0, "b": legend_px}})
    return spec


def urban_rural_spec(view: DomainView) -> dict[str, Any] | None:
    from ui.charts import urban_rural_bars_spec

    ind, lang = view.indicator, view.lang
    s = view.table.summaries[ind.key]["urban_rural"]
    if s is None:
        return None
    g = s["groups"]["mean"]
    frame = pd.DataFrame({k: [g[k]] for k in ("urban", "rural") if k in g.index}, index=[ind.key])
    frame["county"] = view.table.county.loc[ind.key, "value"]
    short = t("dom.col.value", lang)
    return urban_rural_bars_spec(frame, short, unit_of(ind, lang),
                                 indicator_labels={ind.key: label_of(ind, lang)},
                                 value_format=value_format(ind), lang=lang)


def ranking_spec(view: DomainView, ranked: pd.DataFrame) -> dict[str, Any]:
    from ui.charts import ranked_bar_spec
    from ui.data import in_rank_order

    ind, lang = view.indicator, view.lang
    target = view.table.county.loc[ind.key, "target"]
    if pd.isna(target) and ind.kind == "time_to_nearest" and ind.threshold:
        target = settings.get(ind.threshold, view.overrides)
    # township names with their pinyin in English, on the axis and in the order
    ranked = ranked.assign(group="county", name=[place_label(n, lang) for n in ranked["name"]])
    spec = ranked_bar_spec(ranked, "value", "name", t("dom.col.value", lang),
                           unit_of(ind, lang), group_col="group",
                           target=None if pd.isna(target) else float(target),
                           # rank 1 (furthest behind the county) on top, as on the overview
                           higher_is_better=not ind.higher_is_better, value_format=value_format(ind),
                           lang=lang, colour="#5b7fa6")
    spec["layout"]["showlegend"] = False
    return in_rank_order(spec, ranked["name"])
