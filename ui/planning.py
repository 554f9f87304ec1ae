"""Cached instances and small helpers of the four planning pages (规划).

Pure helpers (arrays and tables in, new tables out) sit above the ``# -- Streamlit`` line;
below it, cached loaders that build each model's instance once per database.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components

from metrics import boarding, consortia, scenario, siting
from metrics.geo import haversine_km
from metrics.indicators import CATALOGUE, Prepared, evaluate, prepare
from ui.domain import value_format
from ui.i18n import plain, t, with_unit

__all__ = [
    "CANDIDATE_TYPES", "REGION_COLOURS", "REQUIRED_TYPES", "SubcentreInstance", "coverage_stats",
    "indicator_comparison", "lead_legend_marker", "region_map", "solve_subcentre",
]

#: Sub-centre candidates and the sites kept open (the county hospitals of 淙城街道).
CANDIDATE_TYPES: tuple[str, ...] = ("central_health_centre", "health_centre")
REQUIRED_TYPES: tuple[str, ...] = ("county_hospital",)
#: Lead-hospital candidates of the medical consortia.
LEAD_TYPES: tuple[str, ...] = ("county_hospital", "central_health_centre", "health_centre")
REGION_COLOURS: tuple[str, ...] = ("#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#b07aa1",
                                   "#edc948", "#76b7b2", "#ff9da7", "#9c755f", "#bab0ac")
SCHOOL_TYPES: tuple[str, ...] = tuple(dict.fromkeys(boarding.PRIMARY_TYPES + boarding.JUNIOR_TYPES))


# -- pure helpers ----------------------------------------------------------------------------

@dataclass(frozen=True)
class SubcentreInstance:
    """Villages × sites travel minutes by car; sites = required county hospitals first."""

    units: pd.DataFrame
    sites: pd.DataFrame
    cost: np.ndarray
    weights: np.ndarray
    required: tuple[int, ...]


def coverage_stats(cost: np.ndarray, weights: np.ndarray, open_cols: Sequence[int],
                   threshold_min: float) -> dict[str, float]:
    """Population within ``threshold_min`` of an open site and the population-weighted mean
    travel to the nearest open site.

    >>> coverage_stats(np.array([[5.0, 40.0], [50.0, 20.0]]), np.array([1.0, 3.0]), [0], 30)
    {'within': 1.0, 'share': 25.0, 'mean_min': 38.75}

    No open site, or no village: nobody is within reach and the mean is unknown.

    >>> coverage_stats(np.zeros((2, 0)), np.array([1.0, 3.0]), [], 30)
    {'within': 0.0, 'share': 0.0, 'mean_min': nan}
    >>> coverage_stats(np.zeros((0, 2)), np.zeros(0), [0], 30)
    {'within': 0.0, 'share': nan, 'mean_min': nan}
    """
    tot = float(weights.sum())
    if not len(open_cols) or not cost.shape[0]:
        return {"within": 0.0, "share": 0.0 if tot else float("nan"), "mean_min": float("nan")}
    near = cost[:, list(open_cols)].min(axis=1)
    within = float(weights[near <= threshold_min].sum())
    return {"within": within, "share": 100 * within / tot if tot else float("nan"),
            "mean_min": float(np.dot(weights, near) / tot) if tot else float("nan")}


def solve_subcentre(inst: SubcentreInstance, n_new: int, objective: str, threshold_min: float,
                    solver: str | None = "highs") -> dict[str, Any]:
    """Choose ``n_new`` sub-centres besides the required sites (p-median or MCLP) and report
    coverage and mean travel before (required sites only) and after."""
    p = len(inst.required) + n_new
    if objective == "mclp":
        res = siting.max_coverage(inst.cost, inst.weights, threshold_min, p, inst.required, solver)
    else:
        res = siting.p_median(inst.cost, inst.weights, p, inst.required, solver)
    new = [int(j) for j in res.sites if int(j) not in inst.required]
    return {"result": res, "new": new,
            "before": coverage_stats(inst.cost, inst.weights, inst.required, threshold_min),
            "after": coverage_stats(inst.cost, inst.weights, [int(j) for j in res.sites],
                                    threshold_min)}


def indicator_comparison(before: Any, after: Any, domain: str, lang: str) -> pd.DataFrame:
    """Every indicator of ``domain`` before and after: county value, urban−rural gap, Gini."""
    rows = []
    for ind in CATALOGUE:
        if ind.domain != domain:
            continue
        row: dict[str, Any] = {t("plan.col.indicator", lang): ind.zh if lang == "zh" else ind.en,
                               t("plan.col.unit", lang): ind.unit_zh if lang == "zh" else ind.unit_en}
        s_b, s_a = (x.summaries[ind.key]["urban_rural"] or {} for x in (before, after))
        for tag, table in (("before", before), ("after", after)):
            row[t(f"plan.col.county_{tag}", lang)] = table.county.loc[ind.key, "value"]
        for tag, summ in (("before", s_b), ("after", s_a)):
            row[t(f"plan.col.gap_{tag}", lang)] = summ.get("pair_difference", np.nan)
        # values and gaps to the indicator's own precision (as on its domain page)
        digits = 2 if value_format(ind) == ",.2f" else 1
        for k in list(row)[2:]:
            row[k] = round(float(row[k]), digits)
        for tag, summ in (("before", s_b), ("after", s_a)):
            row[t(f"plan.col.gini_{tag}", lang)] = round(float(summ.get("gini", np.nan)), 3)
        rows.append(row)
    return pd.DataFrame(rows)


def region_map(fig: go.Figure, areas: Mapping[str, Any], labels: pd.Series,
               names: Mapping[str, str], title: str = "") -> go.Figure:
    """Add one coloured layer of areas per region label (legend = the regions)."""
    feats = {str(f["id"]): f for f in areas["features"]}
    for i, (label, codes) in enumerate(labels.groupby(labels.astype(str)).groups.items()):
        codes = [str(c) for c in codes if str(c) in feats]
        colour = REGION_COLOURS[i % len(REGION_COLOURS)]
        fig.add_trace(go.Choroplethmap(
            geojson={"type": "FeatureCollection", "features": [feats[c] for c in codes]},
            locations=codes, z=[1] * len(codes), featureidkey="id",
            colorscale=[[0, colour], [1, colour]], showscale=False,
            marker={"opacity": 0.65, "line": {"color": "#ffffff", "width": 1}},
            text=[f"<b>{plain(names.get(c, c))}</b><br>{plain(title)}: {plain(label)}" for c in codes],
            hovertemplate="%{text}<extra></extra>", name=plain(label), showlegend=True))
    return fig


# -- Streamlit -------------------------------------------------------------------------------

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


def _key() -> str:
    from ui.data import data_key

    return data_key()


@st.cache_resource(max_entries=8, show_spinner=False)
def _subcentre_instance(path: str) -> SubcentreInstance:
    from ui.data import frames

    f = frames(path)
    units = f["units"].reset_index(drop=True)
    fac = f["facilities"]
    req = fac[fac["type"].isin(REQUIRED_TYPES)]
    cand = fac[fac["type"].isin(CANDIDATE_TYPES)]
    sites = pd.concat([req, cand], ignore_index=True).dropna(subset=["lon", "lat"])
    cost = siting.travel_matrix_min(units, sites, "car")
    cost.setflags(write=False)
    n_req = int(sites["type"].isin(REQUIRED_TYPES).sum())
    return SubcentreInstance(units, sites, cost, units["population"].to_numpy(float),
                             tuple(range(n_req)))


def subcentre_instance() -> SubcentreInstance:
    """The Kaijiang sub-centre instance (cached per database; do not modify)."""
    return _subcentre_instance(_key())


@st.cache_resource(max_entries=8, show_spinner=False)
def _township_instance(path: str) -> dict[str, Any]:
    from shapely.geometry import shape

    from ui.data import boundaries, frames

    f = frames(path)
    u, towns, fac = f["units"], f["townships"], f["facilities"]
    pop = u.groupby(u["township_code"].astype(str))["population"].sum()
    # a township's point: the population-weighted centre of its villages and communities
    w = u.assign(wl=u["lon"] * u["population"], wt=u["lat"] * u["population"])
    g = w.groupby(w["township_code"].astype(str))[["wl", "wt"]].sum()
    towns = towns.assign(code=towns["code"].astype(str)).set_index("code")
    towns["population"] = pop.reindex(towns.index).fillna(0.0)
    towns["lon"] = g["wl"].reindex(towns.index) / towns["population"]
    towns["lat"] = g["wt"].reindex(towns.index) / towns["population"]
    leads = fac[fac["type"].isin(LEAD_TYPES)].dropna(subset=["lon", "lat"])
    # the largest hospital of each type per township is its candidate lead
    leads = (leads.sort_values("beds", ascending=False)
             .drop_duplicates(subset=["township_code"]).sort_values("id").reset_index(drop=True))
    leads["township_code"] = leads["township_code"].astype(str)
    cost = siting.travel_matrix_min(towns, leads, "car")
    shapes = {str(ft["id"]): shape(ft["geometry"]) for ft in boundaries(path)["township"]["features"]}
    adjacency = consortia.adjacency_from_shapes(shapes) if shapes else None
    return {"towns": towns, "leads": leads, "cost": cost, "adjacency": adjacency}


def township_instance() -> dict[str, Any]:
    """Townships (population, centre, zone), lead candidates, travel and adjacency (cached)."""
    return _township_instance(_key())


@st.cache_resource(max_entries=8, show_spinner=False)
def _schools(path: str) -> dict[str, Any]:
    from ui.data import frames

    f = frames(path)
    u = f["units"].set_index(f["units"]["code"].astype(str))
    s = f["facilities"]
    s = s[s["type"].isin(SCHOOL_TYPES)].dropna(subset=["lon", "lat"])
    s = s.set_index(s["id"].astype(str))
    return {"units": u, "schools": s}


def schools() -> dict[str, Any]:
    """Villages and primary/junior schools indexed by code and id (cached; do not modify)."""
    return _schools(_key())


@st.cache_resource(max_entries=8, show_spinner=False)
def _times(path: str, mode: str, speed: float) -> tuple[np.ndarray, np.ndarray]:
    d = _schools(path)
    over = {f"speed_{mode}_kmh": speed}
    return (siting.travel_matrix_min(d["units"], d["schools"], mode, over),
            siting.travel_matrix_min(d["schools"], d["schools"], mode, over))


def school_times(mode: str, speed: float) -> tuple[np.ndarray, np.ndarray]:
    """Villages × schools and schools × schools minutes (cached per mode and speed)."""
    return _times(_key(), mode, float(speed))


@st.cache_resource(max_entries=8, show_spinner=False)
def _scenario_table(path: str, changes_json: str) -> Any:
    from ui.data import frames

    f = frames(path)
    fac = scenario.apply_changes(f["facilities"], json.loads(changes_json))
    return evaluate(prepare(f["units"], fac))


def scenario_table(changes: list[dict[str, Any]]) -> Any:
    """Every indicator on the facilities after ``changes`` (cached per distinct changes)."""
    return _scenario_table(_key(), json.dumps(changes, sort_keys=True))


def base_prepared() -> Prepared:
    from ui.data import prepared

    return prepared()


def _site_groups(sites: pd.DataFrame, required: Sequence[int], chosen: Sequence[int],
                 lang: str) -> pd.DataFrame:
    """Sites with a ``type`` column holding their role's label (kept, chosen, candidate)."""
    role = np.full(len(sites), t("plan.role.candidate", lang), dtype=object)
    role[list(required)] = t("plan.role.kept", lang)
    if len(chosen):
        role[list(chosen)] = t("plan.role.chosen", lang)
    out = sites[["lon", "lat", "name"]].copy()
    out["type"] = role
    order = {t("plan.role.candidate", lang): 0, t("plan.role.kept", lang): 1,
             t("plan.role.chosen", lang): 2}
    return out.iloc[np.argsort([order[r] for r in role], kind="stable")]


#: Marker colour and size per role (the chosen sites stand out).
def _role_style(lang: str) -> dict[str, tuple[str, int]]:
    return {t("plan.role.candidate", lang): ("#90a4ae", 9), t("plan.role.kept", lang): ("#d62728", 13),
            t("plan.role.chosen", lang): ("#1a9850", 17)}


def style_roles(fig: go.Figure, styles: Mapping[str, tuple[str, int]]) -> go.Figure:
    """Recolour and resize the facility traces of a county map by their legend name."""
    for tr in fig.data:
        name = getattr(tr, "name", None)
        if name in {plain(k) for k in styles}:
            colour, size = next(v for k, v in styles.items() if plain(k) == name)
            tr.marker.color, tr.marker.size = colour, size
    return fig


def subcentre_map(inst: SubcentreInstance, out: Mapping[str, Any] | None, lang: str) -> go.Figure:
    """Village areas coloured by car minutes to the nearest open site; sites by role."""
    from ui.data import boundaries
    from ui.maps import add_outlines, county_map

    b = boundaries()
    open_cols = list(inst.required) + (list(out["new"]) if out else [])
    near = pd.Series(inst.cost[:, open_cols].min(axis=1), index=inst.units["code"].astype(str))
    names = dict(zip(inst.units["code"].astype(str), inst.units["name"].astype(str), strict=True))
    fac = _site_groups(inst.sites, inst.required, out["new"] if out else [], lang)
    # one colour scale before and after (0 to the longest drive today), so that the map
    # after the optimisation compares with the map before it colour for colour
    before = inst.cost[:, list(inst.required)].min(axis=1)
    fig = county_map(b["county"], b["unit"], near, None, fac, lang,
                     area_title=with_unit(t("plan.sub.map_value", lang), t("plan.min", lang), lang),
                     area_names=names, height=560, width_hint=900,
                     value_range=(0.0, float(before.max())))
    add_outlines(fig, b["township"])
    fig.update_layout(legend_title_text=plain(t("plan.role", lang)))
    return style_roles(fig, _role_style(lang))


#: Open sites closer together than this (metres) are one place in the table of residents
#: served: the three county hospitals stand within about 1 km of each other in the county
#: town, and splitting residents among them by a minute of travel would be noise (people
#: do not choose between a general, a TCM and a maternal-child hospital by distance).
SAME_PLACE_M = 2000.0


def same_place_groups(sites: pd.DataFrame, idx: Sequence[int],
                      radius_m: float = SAME_PLACE_M) -> list[list[int]]:
    """The sites ``idx`` grouped by place: chains of sites less than ``radius_m`` apart
    (single linkage), each group in the order of ``idx``, groups by their first site.

    >>> s = pd.DataFrame({"lon": [107.0, 107.2, 107.001, 107.0025], "lat": [31.0] * 4})
    >>> same_place_groups(s, [0, 1, 2, 3])
    [[0, 2, 3], [1]]
    >>> same_place_groups(s, [1, 3], radius_m=10)
    [[1], [3]]
    """
    idx = [int(j) for j in idx]
    lon = sites["lon"].to_numpy(float)[idx]
    lat = sites["lat"].to_numpy(float)[idx]
    near = haversine_km(lat[:, None], lon[:, None], lat[None, :], lon[None, :]) * 1000 < radius_m
    # components are numbered in the order of their first site
    _, label = connected_components(csr_matrix(near), directed=False)
    out: dict[int, list[int]] = {}
    for k, j in enumerate(idx):
        out.setdefault(int(label[k]), []).append(j)
    return list(out.values())


def subcentre_table(inst: SubcentreInstance, out: Mapping[str, Any], lang: str) -> pd.DataFrame:
    """Per open place (sites less than :data:`SAME_PLACE_M` apart are one): its hospitals,
    role, beds, the residents whose nearest open site is there, their mean car minutes."""
    res = out["result"]
    sites = [int(j) for j in res.sites]
    near = np.asarray(sites)[np.argmin(inst.cost[:, sites], axis=1)]
    tmin = inst.cost[np.arange(len(near)), near]
    sep = "、" if lang == "zh" else ", "
    rows = []
    for members in same_place_groups(inst.sites, sites):
        served = np.isin(near, members)
        w = inst.weights[served]
        roles = dict.fromkeys(t("plan.role.kept" if j in inst.required else "plan.role.chosen", lang)
                              for j in members)
        rows.append({
            t("plan.col.site", lang): sep.join(str(inst.sites["name"].iloc[j]) for j in members),
            t("plan.col.role", lang): " / ".join(roles),
            t("plan.col.beds", lang): inst.sites["beds"].iloc[members].sum(min_count=1),
            t("plan.col.served", lang): round(float(w.sum())),
            with_unit(t("plan.col.served_min", lang), t("plan.min", lang), lang):
                round(float(np.dot(w, tmin[served]) / w.sum()), 1) if w.sum() else np.nan,
        })
    return pd.DataFrame(rows)


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


def consortia_map(labels: pd.Series, leads: pd.DataFrame | None, title: str,
                  lang: str) -> go.Figure:
    """Townships coloured by region label, with the lead hospitals when given."""
    from ui.data import boundaries, township_names
    from ui.maps import add_outlines, county_map

    b = boundaries()
    names = township_names()
    fac = None
    if leads is not None:
        chosen = leads[leads["name"].isin(set(labels))]
        fac = chosen[["lon", "lat", "name"]].assign(type=t("plan.role.lead", lang))
    fig = county_map(b["county"], None, None, None, None, lang, height=560, width_hint=900)
    region_map(fig, b["township"], labels, names, title)
    add_outlines(fig, b["township"], color="#ffffff", width=1.5)
    if fac is not None and len(fac):
        lead = plain(t("plan.role.lead", lang))
        fig.add_trace(go.Scattermap(lon=fac["lon"], lat=fac["lat"], mode="markers",
                                    marker={"size": LEAD_RING, "color": LEAD_LINE}, hoverinfo="skip",
                                    legendgroup="lead", showlegend=False))
        fig.add_trace(go.Scattermap(
            lon=fac["lon"], lat=fac["lat"], mode="markers",
            marker={"size": LEAD_DOT, "color": LEAD_FILL},
            text=[f"<b>{plain(n)}</b><br>{lead}" for n in fac["name"]],
            hovertemplate="%{text}<extra></extra>", name=lead, legendgroup="lead",
            showlegend=False))
        # the legend entry: no point of its own, the map's symbol drawn with an SVG outline;
        # its empty axes are hidden and fixed (the map still pans and zooms)
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", marker=lead_legend_marker(),
                                 name=lead, legendgroup="lead", showlegend=True, hoverinfo="skip"))
        fig.update_layout(xaxis={"visible": False, "fixedrange": True},
                          yaxis={"visible": False, "fixedrange": True})
    fig.update_layout(legend_title_text=plain(title))
    return fig


def comparison_table(model: pd.Series, zones: pd.Series, user: pd.Series, towns: pd.DataFrame,
                     inst: Mapping[str, Any], lang: str,
                     model_travel: pd.Series | None = None) -> pd.DataFrame:
    """The model's grouping, the four 片区 and the user's side by side: one column per
    grouping, one row per measure (regions, balance, connectedness, mean travel to the lead,
    agreement with the model). ``model_travel``: the model's own minutes per township;
    without it the model's regions get their best lead like the other groupings. Values
    are text so that numbers and yes/no share a column."""
    pop = towns["population"]
    adj = inst["adjacency"]
    home = [towns.index.get_loc(c) for c in inst["leads"]["township_code"]]

    def travel(labels: pd.Series) -> consortia.GroupingTravel:
        return consortia.grouping_travel(labels.to_numpy(), inst["cost"], pop.to_numpy(float), home)

    def yes_no(v: Any) -> str:
        return t("dom.yes" if v else "dom.no", lang)

    model_mean = (float((model_travel * pop).sum() / pop.sum()) if model_travel is not None
                  else travel(model).mean)
    cmp = {key: consortia.compare_assignments(model, other, pop, None, adj)
           for key, other in (("zones", zones), ("user", user))}
    own = cmp["zones"].table.loc["a"]
    columns = {t("plan.con.col_model", lang): [
        f"{int(own['regions'])}", f"{100 * float(own['max_deviation']):.1f}", yes_no(own["connected"]),
        f"{model_mean:.1f}", "0", "–", "–", "–"]}
    for key, other, label in (("zones", zones, "plan.con.col_zones"), ("user", user, "plan.con.col_user")):
        c, tr = cmp[key], travel(other)
        b = c.table.loc["b"]
        columns[t(label, lang)] = [
            f"{int(b['regions'])}", f"{100 * float(b['max_deviation']):.1f}", yes_no(b["connected"]),
            f"{tr.mean:.1f}", f"{int(tr.region_lead['outside'].sum())}", f"{c.rand:.3f}",
            f"{c.adjusted_rand:.3f}", f"{100 * c.matched_share:.1f}"]
    measures = ["plan.con.m_regions", "plan.con.m_deviation", "plan.con.m_connected",
                "plan.con.m_travel", "plan.con.m_outside", "plan.con.rand", "plan.con.ari",
                "plan.con.matched"]
    return pd.DataFrame({t("plan.con.measure", lang): [t(m, lang) for m in measures], **columns})


@st.cache_resource(max_entries=16, show_spinner=False)
def _boarding(path: str, chosen: tuple[str, ...], mode: str, speed: float,
              over: tuple[tuple[str, float], ...], n_close: int) -> dict[str, Any]:
    d = _schools(path)
    ut, stt = _times(path, mode, speed)
    o = dict(over)
    plan = boarding.boarding_plan(d["units"], d["schools"], ut, list(chosen), o)
    # before: every pupil by day to the nearest school (no day limit, nobody boards)
    free = {**o, "primary_lower_max_min": 1e9, "primary_upper_day_max_min": 1e9,
            "junior_day_max_min": 1e9}
    all_day = boarding.boarding_plan(d["units"], d["schools"], ut, [], free).summary
    merge = boarding.merge_small_schools(d["schools"], stt, d["units"], ut, n_close, overrides=o)
    return {"plan": plan, "merge": merge, "all_day": float(all_day["day_travel_mean_min"])}


def boarding_result(chosen: tuple[str, ...], mode: str, speed: float,
                    over: tuple[tuple[str, float], ...], n_close: int) -> dict[str, Any]:
    """Boarding plan, the all-by-day baseline mean travel and the merge result (cached)."""
    return _boarding(_key(), chosen, mode, speed, over, n_close)


def boarding_map(plan: Any, chosen: Sequence[str], lang: str) -> go.Figure:
    """Village areas coloured by boarders per village; the chosen boarding schools marked."""
    from ui.data import boundaries
    from ui.maps import add_outlines, county_map

    b = boundaries()
    d = schools()
    u = plan.units
    boarders = u["g4_6_board"] + u["junior_board"]
    s = d["schools"]
    fac = s[["lon", "lat", "name"]].assign(type=np.where(
        s.index.isin(list(chosen)), t("plan.role.boarding", lang), t("plan.role.school", lang)))
    fac = fac.sort_values("type", key=lambda c: c == t("plan.role.boarding", lang))
    names = d["units"]["name"].astype(str).to_dict()
    fig = county_map(b["county"], b["unit"], boarders, None, fac, lang,
                     area_title=t("plan.brd.map_value", lang), area_names=names,
                     value_format=",.0f", height=520, width_hint=760)
    add_outlines(fig, b["township"])
    fig.update_layout(legend_title_text=plain(t("plan.role", lang)))
    return style_roles(fig, {t("plan.role.school", lang): ("#90a4ae", 7),
                             t("plan.role.boarding", lang): ("#1a9850", 16)})


# -- scenarios -------------------------------------------------------------------------------

def editor_frame(facilities: pd.DataFrame, changes: Sequence[Mapping[str, Any]],
                 fields: Sequence[str]) -> pd.DataFrame:
    """The facilities of one domain as an editable table, with ``changes`` (no ``add``) applied:
    id, name, type, lon, lat, the capacity ``fields`` and ``open``."""
    base = facilities[["id", "name", "type", "lon", "lat", *fields]].copy()
    closed = {str(c["id"]) for c in changes if c.get("op") == "close"}
    kept = [c for c in changes if c.get("op") not in ("close", "add")]
    out = scenario.apply_changes(base, kept)
    for f in fields:
        out[f] = out[f].astype("float64")
    out["open"] = ~out["id"].astype(str).isin(closed)
    return out.reset_index(drop=True)


def new_facility(facilities: pd.DataFrame, units: pd.DataFrame, kind: str, name: str,
                 lon: float | None, lat: float | None, unit_code: str | None,
                 capacities: Mapping[str, float], taken: Sequence[str]) -> dict[str, Any]:
    """An ``add`` edit: at a unit's point or at lon/lat (then placed in the nearest unit),
    with the tier of the existing facilities of the type and a fresh id ``NEW-n``."""
    u = units.set_index(units["code"].astype(str))
    if unit_code:
        lon, lat = float(u.loc[unit_code, "lon"]), float(u.loc[unit_code, "lat"])
    else:
        if lon is None or lat is None:
            raise ValueError("give a unit or lon/lat")
        d2 = (u["lon"] - float(lon)) ** 2 + (u["lat"] - float(lat)) ** 2
        unit_code = str(d2.idxmin())
    same = facilities.loc[facilities["type"] == kind]
    tier = str(same["tier"].mode().iloc[0]) if len(same) and same["tier"].notna().any() else "township"
    domain = str(same["domain"].iloc[0]) if len(same) else None
    n = 1
    while f"NEW-{n}" in set(taken):
        n += 1
    edit = {"op": "add", "id": f"NEW-{n}", "type": kind, "name": name.strip() or f"NEW-{n}",
            "lon": float(lon), "lat": float(lat), "tier": tier, "domain": domain,
            "unit_code": unit_code, "township_code": str(u.loc[unit_code, "township_code"])}
    edit.update({k: float(v) for k, v in capacities.items() if v is not None})
    return edit


def change_roles(facilities: pd.DataFrame, changes: Sequence[Mapping[str, Any]],
                 lang: str) -> pd.DataFrame:
    """Facilities of the map with a ``type`` column naming what happened to each:
    unchanged, added, closed (at its old place), moved, changed (type or capacity)."""
    ops: dict[str, str] = {}
    for c in changes:
        fid = str(c.get("id"))
        if c["op"] in ("add", "close", "move"):
            ops[fid] = {"add": "added", "close": "closed", "move": "moved"}[c["op"]]
        else:
            ops.setdefault(fid, "changed")
    kept = [c for c in changes if c.get("op") != "close"]
    after = scenario.apply_changes(facilities, kept)
    role = after["id"].astype(str).map(lambda i: ops.get(i, "same"))
    out = after[["lon", "lat", "name"]].assign(type=[t(f"plan.scn.role.{r}", lang) for r in role])
    order = {t(f"plan.scn.role.{r}", lang): i for i, r in enumerate(
        ("same", "changed", "moved", "closed", "added"))}
    return out.iloc[np.argsort([order[x] for x in out["type"]], kind="stable")]


SCENARIO_STYLE = {"same": ("#b0bec5", 8), "changed": ("#1f77b4", 14), "moved": ("#ff7f0e", 14),
                  "closed": ("#d62728", 14), "added": ("#1a9850", 16)}


def scenario_map(facilities: pd.DataFrame, changes: Sequence[Mapping[str, Any]],
                 lang: str) -> go.Figure:
    """The domain's facilities after the scenario, coloured by what changed."""
    from ui.data import boundaries
    from ui.maps import add_outlines, county_map

    b = boundaries()
    fac = change_roles(facilities, changes, lang)
    fig = county_map(b["county"], None, None, None, fac, lang, height=540, width_hint=760)
    add_outlines(fig, b["township"])
    fig.update_layout(legend_title_text=plain(t("plan.scn.what", lang)))
    return style_roles(fig, {t(f"plan.scn.role.{k}", lang): v for k, v in SCENARIO_STYLE.items()})


def store_path() -> Any:
    """The scenarios file beside the current database."""
    from etl.scenarios import store_path as _path
    from ui.data import db_path

    return _path(db_path())
