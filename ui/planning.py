"""Cached instances and drawing of the four planning pages (规划).

Every computation is :mod:`metrics.planning` (every travel time from
:mod:`metrics.travel`); here: cached loaders that call it with the current database's
frames, and the translated tables and maps (figure specifications, drawn with
:func:`ui.charts.show_chart`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from metrics import planning as mp
from metrics import settings
from metrics.indicators import INDICATORS, IndicatorTable
from ui.cache import cached
from ui.charts import merge
from ui.format import digits as fmt_digits
from ui.i18n import plain, t, with_unit
from ui.pinyin import place_label

__all__ = [
    "REGION_COLOURS", "SCENARIO_STYLE", "SCHOOL_STYLE", "SITE_HALO_BASE", "SITE_STYLE", "TOOL_KINDS",
    "boarding_map", "boarding_result", "comparison_table", "consortia_map", "domain_kinds", "indicator_comparison", "lead_legend_marker", "region_traces",
    "scenario_map", "scenario_table", "schools", "store_path", "subcentre_instance",
    "subcentre_map", "subcentre_table", "tool_missing", "township_instance",
]

REGION_COLOURS: tuple[str, ...] = ("#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#b07aa1",
                                   "#edc948", "#76b7b2", "#ff9da7", "#9c755f", "#bab0ac")
#: Marker colour and size (px) per role on the planning maps (the chosen ones stand out).
SITE_STYLE: dict[str, tuple[str, int]] = {"ineligible": ("#eceff1", 6), "candidate": ("#4e79a7", 11),
                                          "kept": ("#d62728", 13), "chosen": ("#1a9850", 17)}
#: Symbol size (px) of the sub-centre map's facilities: its dark halo is 3 px larger, so the
#: centres that are not eligible (smaller) show as white dots in a dark ring.
SITE_HALO_BASE = 8
SCHOOL_STYLE: dict[str, tuple[str, int]] = {"school": ("#90a4ae", 7), "beds": ("#2c7fb8", 11),
                                            "boarding": ("#1a9850", 16)}
SCENARIO_STYLE: dict[str, tuple[str, int]] = {
    "same": ("#b0bec5", 8), "changed": ("#1f77b4", 14), "moved": ("#ff7f0e", 14),
    "closed": ("#d62728", 14), "added": ("#1a9850", 16)}


# -- Streamlit: cached loaders -----------------------------------------------------------------

#: The register kinds each planning tool needs, besides the village points and population.
TOOL_KINDS: dict[str, tuple[str, ...]] = {
    "plan_subcentre": ("hospitals",), "plan_consortia": ("hospitals",),
    "plan_boarding": ("schools",),
}


def domain_kinds(domain: str) -> list[str]:
    """The register kinds of a domain's facilities.

    >>> domain_kinds("health")
    ['hospitals', 'clinics']
    """
    from etl.schema import FACILITY_TYPES
    from ui.domain import kinds_of_types

    return kinds_of_types([ty for ty, spec in FACILITY_TYPES.items() if spec[0] == domain])


def tool_missing(page_key: str, lang: str, kinds: Sequence[str] | None = None) -> str | None:
    """The sentence naming the registers a planning tool lacks (village points and population,
    its :data:`TOOL_KINDS` or ``kinds``) and how to load them; None when it can run."""
    from ui.domain import missing_note

    return missing_note(TOOL_KINDS.get(page_key, ()) if kinds is None else kinds, lang,
                        t("plan.missing.tool", lang, name=t(f"page.{page_key}", lang)))


@cached(max_entries=8, ttl=None)
def subcentre_instance(path: str | None = None) -> mp.SubcentreInstance:
    """The sub-centre instance of the data on screen (cached, read-only)."""
    from ui.data import frames, travel_model

    f = frames(path)
    return mp.subcentre_instance(f["units"], f["facilities"], travel_model(path))


@cached(max_entries=8, ttl=None)
def township_instance(path: str | None = None) -> mp.TownshipInstance:
    """Townships (population, centre, zone), lead candidates, travel and adjacency (cached)."""
    from ui.data import boundaries, frames, travel_model

    f = frames(path)
    shapes = {str(ft["id"]): ft["geometry"] for ft in boundaries(path)["township"]["features"]}
    return mp.township_instance(f["units"], f["townships"], f["facilities"], shapes,
                                model=travel_model(path))


@cached(max_entries=8, ttl=None)
def schools(path: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Villages by code and primary/junior schools by id (cached, read-only)."""
    from ui.data import frames

    f = frames(path)
    return mp.school_tables(f["units"], f["facilities"])


@cached(max_entries=16, ttl=None)
def _boarding(chosen: tuple[str, ...], mode: str, speed: float,
              over: tuple[tuple[str, float], ...], n_close: int, board_mode: str,
              board_speed: float, path: str | None = None) -> mp.BoardingOutcome:
    from ui.data import travel_model

    units, school_table = schools(path)
    speeds = {settings.speed_key(board_mode): board_speed, settings.speed_key(mode): speed}
    return mp.boarding_outcome(units, school_table, chosen, mode, {**dict(over), **speeds},
                               n_close, model=travel_model(path), board_mode=board_mode)


def boarding_result(chosen: tuple[str, ...], mode: str, speed: float,
                    over: tuple[tuple[str, float], ...], n_close: int,
                    board_mode: str | None = None,
                    board_speed: float | None = None) -> mp.BoardingOutcome:
    """Boarding plan, merge and all-by-day baseline for the rules ``over``, day trips by
    ``mode`` and the boarders' trip by ``board_mode`` (default ``mode``) (cached)."""
    board_mode = board_mode or mode
    if board_speed is None:
        board_speed = speed if board_mode == mode else settings.get(settings.speed_key(board_mode))
    return _boarding(tuple(chosen), mode, float(speed), tuple(over), int(n_close), board_mode,
                     float(board_speed))


@cached(max_entries=8, ttl=None)
def _scenario_table(changes_json: str, path: str | None = None) -> IndicatorTable:
    from ui.data import frames, travel_model

    f = frames(path)
    return mp.scenario_indicators(f["units"], f["facilities"], json.loads(changes_json),
                                  model=travel_model(path))


def scenario_table(changes: list[dict[str, Any]]) -> IndicatorTable:
    """Every indicator on the facilities after ``changes`` (cached per distinct changes)."""
    return _scenario_table(json.dumps(changes, sort_keys=True))


def store_path() -> Any:
    """The scenarios file beside the current database."""
    from etl.scenarios import store_path as _path
    from ui.data import db_path

    return _path(db_path())


# -- tables ----------------------------------------------------------------------------------

def subcentre_table(inst: mp.SubcentreInstance, out: mp.SubcentreSolution, lang: str) -> pd.DataFrame:
    """:func:`metrics.planning.subcentre_assignment` for the screen: per open place its
    hospitals, role, beds, the residents it serves, the load (residents per bed, times the
    county's per bed, ⚠ above :data:`metrics.planning.LOAD_FLAG_RATIO`, beds needed at the
    county's level), doctors and residents per doctor, and the residents' mean car minutes."""
    a = mp.subcentre_assignment(inst, out.result)
    sep = "、" if lang == "zh" else ", "
    served = "plan.sub.col.assigned" if out.objective == "pmedian_cap" else "plan.col.served"

    def counted(key: str, unit: str) -> str:
        # the English labels name their unit already (beds, residents per bed)
        return with_unit(t(key, lang), t(unit, lang), lang) if lang == "zh" else t(key, lang)

    def rounded(values: pd.Series, digits: int = 0) -> list[float]:
        return [round(float(v), digits) if pd.notna(v) else np.nan for v in values]

    return pd.DataFrame({
        t("plan.col.site", lang): [sep.join(names) for names in a["names"]],
        t("plan.col.role", lang): [" / ".join(t(f"plan.role.{r}", lang) for r in roles)
                                   for roles in a["roles"]],
        counted("plan.col.beds", "plan.sub.unit.beds"): rounded(a["beds"]),
        counted(served, "plan.sub.unit.people"): rounded(a["served"]),
        counted("plan.sub.col.per_bed", "plan.sub.unit.per_bed"): rounded(a["per_bed"]),
        t("plan.sub.col.times", lang): [
            "–" if pd.isna(r) else t("plan.sub.times_flag" if over else "plan.sub.times", lang,
                                     times=f"{r:,.2f}")
            for r, over in zip(a["load_ratio"], a["over"], strict=True)],
        counted("plan.sub.col.need", "plan.sub.unit.beds"): rounded(a["beds_at_county"]),
        counted("plan.sub.col.doctors", "plan.sub.unit.people"): rounded(a["doctors"]),
        counted("plan.sub.col.per_doctor", "plan.sub.unit.per_doctor"): rounded(a["per_doctor"]),
        with_unit(t("plan.col.served_min", lang), t("plan.min", lang), lang): rounded(a["mean_min"], 1),
    })


def comparison_table(inst: mp.TownshipInstance, model: pd.Series, zones: pd.Series,
                     user: pd.Series, lang: str, model_travel: pd.Series | None = None) -> pd.DataFrame:
    """:func:`metrics.planning.compare_groupings` of the model's grouping, the four 片区 and
    the user's, as text (numbers and yes/no share a column), one row per measure."""
    cmp = mp.compare_groupings(inst, model, {"zones": zones, "user": user}, model_travel)
    formats = {"regions": "d", "max_deviation_pct": ".1f", "mean_travel_min": ".1f",
               "outside": "d", "rand": ".3f", "adjusted_rand": ".3f", "matched_pct": ".1f"}

    def shown(measure: str, v: Any) -> str:
        if v is None:
            return "–"
        if measure == "connected":
            return t("dom.yes" if v else "dom.no", lang)
        return format(v, formats[measure])

    labels = {"regions": "plan.con.m_regions", "max_deviation_pct": "plan.con.m_deviation",
              "connected": "plan.con.m_connected", "mean_travel_min": "plan.con.m_travel",
              "outside": "plan.con.m_outside", "rand": "plan.con.rand",
              "adjusted_rand": "plan.con.ari", "matched_pct": "plan.con.matched"}
    columns = {t(f"plan.con.col_{col}", lang): [shown(m, cmp.loc[m, col]) for m in cmp.index]
               for col in ("model", "zones", "user")}
    return pd.DataFrame({t("plan.con.measure", lang): [t(labels[m], lang) for m in cmp.index],
                         **columns})


def indicator_comparison(before: IndicatorTable, after: IndicatorTable, domain: str,
                         lang: str) -> pd.DataFrame:
    """:func:`metrics.planning.indicator_comparison` for the screen: every indicator of
    ``domain``, its unit, county value, urban−rural gap and Gini before and after, values
    and gaps to the indicator's own precision (as on its domain page)."""
    nums = mp.indicator_comparison(before, after, domain)
    rows = []
    for key, r in nums.iterrows():
        ind = INDICATORS[str(key)]
        digits = fmt_digits(ind)
        row: dict[str, Any] = {t("plan.col.indicator", lang): ind.zh if lang == "zh" else ind.en,
                               t("plan.col.unit", lang): ind.unit_zh if lang == "zh" else ind.unit_en}
        for measure, places in (("county", digits), ("gap", digits), ("gini", 3)):
            for tag in ("before", "after"):
                row[t(f"plan.col.{measure}_{tag}", lang)] = round(float(r[f"{measure}_{tag}"]), places)
        rows.append(row)
    return pd.DataFrame(rows)


# -- maps ------------------------------------------------------------------------------------

def _styles(prefix: str, styles: Mapping[str, tuple[str, int]], lang: str) -> dict[str, tuple[str, int]]:
    """Role styles keyed by the role's label (the facilities' ``type`` on the map)."""
    return {t(f"{prefix}.{role}", lang): style for role, style in styles.items()}


def _labelled(frame: pd.DataFrame, prefix: str, lang: str) -> pd.DataFrame:
    """The map's facilities: ``role`` codes become the ``type`` labels of the legend."""
    return frame[["lon", "lat", "name"]].assign(
        type=[t(f"{prefix}.{r}", lang) for r in frame["role"]])


def subcentre_map(inst: mp.SubcentreInstance, out: mp.SubcentreSolution | None,
                  lang: str, eligible: Sequence[int] | None = None) -> dict[str, Any]:
    """Village areas coloured by car minutes to the nearest open site; sites by role (those
    not among the ``eligible`` columns apart), their beds in the hover."""
    from ui.data import boundaries, road_lines
    from ui.maps import county_map_spec

    b = boundaries()
    chosen = list(out.new) if out else []
    sites = mp.site_roles(inst, chosen, eligible)
    sites = sites.assign(name=[name if pd.isna(beds) else
                               t("plan.sub.site_beds", lang, name=name, beds=f"{beds:,.0f}")
                               for name, beds in zip(sites["name"], sites["beds"], strict=True)])
    near = pd.Series(mp.nearest_open_min(inst.cost, [*inst.required, *chosen]),
                     index=inst.units["code"].astype(str))
    near = near.where(np.isfinite(near))  # no road to any open site: no colour, never 0
    names = {c: place_label(n, lang) for c, n in
             zip(inst.units["code"].astype(str), inst.units["name"].astype(str), strict=True)}
    # one colour scale before and after (0 to the longest drive today), so that the map
    # after the optimisation compares with the map before it colour for colour
    today = mp.nearest_open_min(inst.cost, inst.required)
    today = today[np.isfinite(today)]
    return county_map_spec(
        b["county"], b["unit"], near, None, _labelled(sites, "plan.sub.role", lang),
        lang, area_title=with_unit(t("plan.sub.map_value", lang), t("plan.min", lang), lang),
        area_names=names, height=560, width_hint=900,
        value_range=(0.0, float(today.max())) if today.size else None,
        outlines=b["township"], styles=_styles("plan.sub.role", SITE_STYLE, lang),
        facility_size=SITE_HALO_BASE, legend_title=t("plan.role", lang), roads=road_lines())


def region_traces(areas: Mapping[str, Any], labels: pd.Series, names: Mapping[str, str],
                  title: str = "") -> list[dict[str, Any]]:
    """One coloured layer of areas per region label (legend = the regions), in label order.

    >>> areas = {"features": [{"id": "a", "geometry": {}}, {"id": "b", "geometry": {}}]}
    >>> [tr["name"] for tr in region_traces(areas, pd.Series(["Y", "X"], index=["a", "b"]), {})]
    ['X', 'Y']
    """
    feats = {str(f["id"]): f for f in areas["features"]}
    out = []
    for i, (label, codes) in enumerate(labels.groupby(labels.astype(str)).groups.items()):
        codes = [str(c) for c in codes if str(c) in feats]
        colour = REGION_COLOURS[i % len(REGION_COLOURS)]
        out.append({
            "type": "choroplethmap",
            "geojson": {"type": "FeatureCollection", "features": [feats[c] for c in codes]},
            "locations": codes, "z": [1] * len(codes), "featureidkey": "id",
            "colorscale": [[0, colour], [1, colour]], "showscale": False,
            "marker": {"opacity": 0.65, "line": {"color": "#ffffff", "width": 1}},
            "text": [f"<b>{plain(names.get(c, c))}</b><br>{plain(title)}: {plain(label)}"
                     for c in codes],
            "hovertemplate": "%{text}<extra></extra>", "name": plain(label), "showlegend": True})
    return out


#: The lead hospitals' symbol on the consortia map: a white dot (px) in a dark ring (px).
LEAD_DOT, LEAD_RING, LEAD_FILL, LEAD_LINE = 11, 16, "#ffffff", "#212121"


def lead_legend_marker() -> dict[str, Any]:
    """The legend's marker for the lead hospitals: the map's white dot in its dark ring.

    Map markers have no outline (the ring is a larger dark dot underneath), so the legend of
    the map trace would show a white dot on the white legend; an SVG marker with an outline
    draws the same ring: line centred on the edge, inner diameter ``LEAD_DOT`` and outer
    ``LEAD_RING``.

    >>> m = lead_legend_marker()
    >>> m["size"] - m["line"]["width"], m["size"] + m["line"]["width"]
    (11.0, 16.0)
    """
    return {"symbol": "circle", "size": (LEAD_DOT + LEAD_RING) / 2, "color": LEAD_FILL,
            "opacity": 1.0, "line": {"color": LEAD_LINE, "width": (LEAD_RING - LEAD_DOT) / 2}}


def _lead_traces(leads: pd.DataFrame, lang: str) -> list[dict[str, Any]]:
    """The lead hospitals: a dark ring (a larger dot underneath), the white dot, and the
    legend entry (no point of its own: the map's symbol drawn with an SVG outline)."""
    lead = plain(t("plan.role.lead", lang))
    lon, lat = leads["lon"].astype(float).tolist(), leads["lat"].astype(float).tolist()
    return [
        {"type": "scattermap", "lon": lon, "lat": lat, "mode": "markers",
         "marker": {"size": LEAD_RING, "color": LEAD_LINE}, "hoverinfo": "skip",
         "legendgroup": "lead", "showlegend": False},
        {"type": "scattermap", "lon": lon, "lat": lat, "mode": "markers",
         "marker": {"size": LEAD_DOT, "color": LEAD_FILL},
         "text": [f"<b>{plain(n)}</b><br>{lead}" for n in leads["name"]],
         "hovertemplate": "%{text}<extra></extra>", "name": lead, "legendgroup": "lead",
         "showlegend": False},
        {"type": "scatter", "x": [None], "y": [None], "mode": "markers",
         "marker": lead_legend_marker(), "name": lead, "legendgroup": "lead",
         "showlegend": True, "hoverinfo": "skip"},
    ]


def consortia_map(labels: pd.Series, leads: pd.DataFrame | None, title: str,
                  lang: str) -> dict[str, Any]:
    """Townships coloured by region label, with the lead hospitals (those named in
    ``labels``) when given."""
    from ui.data import boundaries, road_lines, township_names
    from ui.maps import county_map_spec

    b = boundaries()
    base = county_map_spec(b["county"], None, None, None, None, lang, height=560, width_hint=900,
                           outlines=b["township"], outline_colour="#ffffff", outline_width=1.5,
                           legend_title=title, roads=road_lines())
    towns = {c: place_label(n, lang) for c, n in township_names().items()}
    data = [*base["data"], *region_traces(b["township"], labels, towns, title)]
    layout = base["layout"]
    chosen = leads[leads["name"].isin(set(labels))] if leads is not None else None
    if chosen is not None and len(chosen):
        data += _lead_traces(chosen, lang)
        # the legend trace's empty axes are hidden and fixed (the map still pans and zooms)
        layout = merge(layout, {"xaxis": {"visible": False, "fixedrange": True},
                                "yaxis": {"visible": False, "fixedrange": True}})
    return {"data": data, "layout": layout}


def boarding_map(plan: Any, chosen: Sequence[str], lang: str) -> dict[str, Any]:
    """Village areas coloured by the pupils who need a boarding place; the chosen boarding
    schools and the other schools with boarding beds marked."""
    from metrics import planning_boarding as pb
    from ui.data import boundaries, road_lines
    from ui.maps import county_map_spec

    b = boundaries()
    units, school_table = schools()
    return county_map_spec(
        b["county"], b["unit"], pb.need_per_unit(plan), None,
        _labelled(pb.school_roles(school_table, chosen), "plan.brd.role", lang), lang,
        area_title=t("plan.brd.map_value", lang),
        area_names={c: place_label(n, lang) for c, n in units["name"].astype(str).items()},
        value_format=",.0f", height=520, width_hint=760, outlines=b["township"],
        styles=_styles("plan.brd.role", SCHOOL_STYLE, lang), legend_title=t("plan.role", lang),
        roads=road_lines())


def scenario_map(facilities: pd.DataFrame, changes: Sequence[Mapping[str, Any]],
                 lang: str) -> dict[str, Any]:
    """The domain's facilities after the scenario, coloured by what changed."""
    from ui.data import boundaries, road_lines
    from ui.maps import county_map_spec

    b = boundaries()
    fac = _labelled(mp.change_roles(facilities, changes), "plan.scn.role", lang)
    return county_map_spec(b["county"], None, None, None, fac, lang, height=540, width_hint=760,
                           outlines=b["township"],
                           styles=_styles("plan.scn.role", SCENARIO_STYLE, lang),
                           legend_title=t("plan.scn.what", lang), roads=road_lines())
