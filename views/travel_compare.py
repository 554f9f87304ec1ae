"""路网与直线 Roads vs straight lines: where the straight-line estimate understates the trip,
village by village, and the shares within each standard under both travel models.

Without a roads register: what loading one would give and how. View state in the URL:
``lang``, ``ind`` (indicator key), ``measure`` (``diff`` or ``ratio``).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from metrics.network import FAR_FROM_ROAD_M
from metrics.travel_compare import time_indicators
from ui import registers as regs
from ui import state
from ui.charts import show_chart
from ui.data import boundaries, frames, road_lines, township_names, travel_comparison
from ui.frame import download_buttons, fmt, page_footer, page_header
from ui.i18n import current_lang, facility_label, md_text, t, with_unit
from ui.maps import county_map_spec
from ui.pinyin import place_label

lang = current_lang()
zh = lang == "zh"
page_header("travel_compare", lang)
comparison = travel_comparison()

if comparison is None:
    st.info(t("tc.empty", lang), icon=":material/route:")
    st.markdown(t("tc.empty_gives", lang))
    st.code("python -m etl validate FILE --kind roads [--crs gcj02]\n"
            "python -m etl load FILE --kind roads --year 2024 [--crs gcj02]", language="bash")
    st.page_link("views/data.py", label=t("tc.to_data", lang), icon=":material/database:")
else:
    st.markdown(t("tc.intro", lang))
    keys = [i.key for i in time_indicators()]
    by_key = {i.key: i for i in comparison.catalogue}
    state.bind("ind", keys[0], options=keys)
    state.bind("measure", "diff", options=["diff", "ratio"])
    c1, c2 = st.columns([3, 1])
    key = c1.selectbox(t("tc.indicator", lang), keys, key="ind",
                       format_func=lambda k: by_key[k].zh if zh else by_key[k].en)
    measure = c2.radio(t("tc.measure", lang), ["diff", "ratio"], key="measure", horizontal=True,
                       format_func=lambda m: t(f"tc.measure.{m}", lang))
    ind = by_key[key]
    st.caption(t("tc.mode", lang, mode=t(f"dom.mode.{ind.mode}", lang),
                 types="、".join(facility_label(x, lang) for x in ind.facility_types)))

    # -- the counts ---------------------------------------------------------------------------
    s = comparison.summary(key)
    cols = [*st.columns(3), *st.columns(3)]
    cols[0].metric(t("tc.m.n", lang), f"{s['n']:,}")
    cols[1].metric(t("tc.m.over_5", lang), f"{s['over_5']:,}")
    cols[2].metric(t("tc.m.over_15", lang), f"{s['over_15']:,}")
    cols[3].metric(t("tc.m.median", lang), fmt(s["median_diff"], t("unit.min", lang)))
    cols[4].metric(t("tc.m.unreachable", lang), f"{s['unreachable']:,}")
    cols[5].metric(t("tc.m.far", lang, km=f"{FAR_FROM_ROAD_M / 1000:g}"), f"{s['far']:,}")

    # -- the map ------------------------------------------------------------------------------
    st.subheader(t("tc.map_heading", lang))
    villages = comparison.villages[key]
    units = frames()["units"].set_index("code")
    towns = township_names()
    names = {c: f"{place_label(towns.get(str(units.at[c, 'township_code']), ''), lang)} "
                f"{place_label(units.at[c, 'name'], lang)}"
             for c in villages.index if c in units.index}
    b = boundaries()
    areas = b["unit"] if b["unit"]["features"] else b["township"]
    fac = frames()["facilities"]
    fac = fac.loc[fac["type"].isin(ind.facility_types), ["lon", "lat", "type", "name"]]
    values = villages["diff_min" if measure == "diff" else "ratio"]
    # a scale of zero width (every village the same under both models) would draw nothing
    top = max(float(values.abs().max()), 0.1) if values.notna().any() else 1.0
    # ratios: a village beside its facility may show 10× for a minute; the scale stops at the 95th
    high = max(float(values.quantile(0.95)), 1.5) if values.notna().any() else 2.0
    roads = road_lines()

    def marked(flag: str) -> pd.DataFrame:
        codes = villages.index[villages[flag].to_numpy(bool)]
        pts = units.reindex(codes)
        return pd.DataFrame({"lon": pts["lon"], "lat": pts["lat"],
                             "label": [names.get(c, c) for c in codes]})

    spec = county_map_spec(
        b["county"], areas, values, None, fac, lang,
        area_title=with_unit(t(f"tc.map_value.{measure}", lang),
                             t("unit.min", lang) if measure == "diff" else "×", lang),
        area_names=names, colorscale="RdBu" if measure == "diff" else "YlOrRd",
        reverse_scale=measure == "diff", value_format=",.1f" if measure == "diff" else ",.2f",
        value_range=(-top, top) if measure == "diff" else (1.0, high), height=600, width_hint=900,
        outlines=b["township"], facility_size=10, roads=roads,
        marks=[(marked("far_from_road"), t("tc.mark.far", lang), "#6d4c41"),
               (marked("unreachable"), t("tc.mark.unreachable", lang), "#212121")])
    show_chart(spec, key="tc_map")
    st.caption(t(f"tc.map_caption.{measure}", lang))
    if roads and roads["dropped"]:
        st.caption(t("map.roads_dropped", lang, classes="、".join(
            t(f"road.{c}", lang) for c in roads["dropped"])))

    # -- shares within each standard, both models ---------------------------------------------
    st.subheader(t("tc.table_heading", lang))
    st.caption(t("tc.table_help", lang))
    g = comparison.groups
    share = g["kind"] == "share_within"
    table = pd.DataFrame({
        t("tc.col.indicator", lang): [by_key[k].zh if zh else by_key[k].en for k in g["indicator"]],
        t("tc.col.standard", lang): [t("tc.standard", lang, t0=x) if s else t("tc.mean_time", lang)
                                     for x, s in zip(g["t0"], share, strict=True)],
        t("tc.col.group", lang): [t(x, lang) for x in g["group"]],
        t("tc.col.straight", lang): g["straight"].round(1),
        t("tc.col.network", lang): g["network"].round(1),
        t("tc.col.diff", lang): g["diff"].round(1),
        t("tc.col.unit", lang): ["%" if s else t("unit.min", lang) for s in share],
        t("tc.col.unreachable", lang): g["n_unreachable"],
    })
    st.dataframe(table, hide_index=True, width="stretch", key="tc_groups",
                 height=35 * (len(table) + 1) + 3)
    download_buttons(table, "kaijiang_roads_vs_straight", lang, "dl_tc_groups")

    # -- village by village -------------------------------------------------------------------
    with st.expander(t("tc.villages", lang), icon=":material/list:"):
        st.caption(t("tc.villages_help", lang))
        order = villages.sort_values("diff_min", ascending=False, na_position="first", kind="stable")
        flag = [t("tc.mark.unreachable", lang) if u else t("tc.mark.far", lang) if f else ""
                for u, f in zip(order["unreachable"], order["far_from_road"], strict=True)]
        rows = pd.DataFrame({
            t("tc.col.village", lang): [str(units.at[c, "name"]) if c in units.index else c
                                        for c in order.index],
            t("tc.col.township", lang): [towns.get(str(units.at[c, "township_code"]), "")
                                         if c in units.index else "" for c in order.index],
            t("tc.col.straight_min", lang): order["straight_min"].round(1),
            t("tc.col.network_min", lang): order["network_min"].round(1),
            t("tc.col.diff_min", lang): order["diff_min"].round(1),
            t("tc.col.ratio", lang): order["ratio"].round(2),
            t("tc.col.snap_m", lang): order["snap_m"].round(0),
            t("tc.col.flag", lang): flag,
        })
        st.dataframe(rows, hide_index=True, width="stretch", key="tc_villages")
        download_buttons(rows, f"kaijiang_roads_vs_straight_{key}", lang, "dl_tc_villages")

    register = next((r for r in regs.registers() if roads and r["register_id"] == roads["register_id"]),
                    None)
    if register is not None:
        st.caption(t("tc.roads_source", lang, id=register["register_id"],
                     file=md_text(str(register["file_name"] or "")),
                     year=register["year"] if register["year"] is not None else "–"))
    state.sync(ind=key, measure=measure)

page_footer(lang)
