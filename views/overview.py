"""总览 Overview: a headline card per domain, the county map, townships ranked by gap, the plan tracker.

View state in the URL: ``lang``, ``ind`` (indicator key), the indicator's threshold (its
setting key, e.g. ``medical_circle_min``), ``town`` (township code or ``all``) and ``fac``
(facility types on the map, repeated).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from etl.schema import FACILITY_TYPES, REGISTER_KINDS
from metrics import settings
from metrics.gaps import headline_by_domain, largest_gaps, township_gaps
from metrics.indicators import CATALOGUE, INDICATORS, current_key
from metrics.plan import TARGET_YEAR, TARGETS
from ui import state
from ui.brief import page_brief
from ui.cards import behind_text, gap_card, group_cards, headline_card, sensitivity_text
from ui.charts import show_chart
from ui.data import (
    boundaries,
    frames,
    gini_ci,
    indicator_sensitivity,
    indicator_table,
    overview_bar,
    overview_map,
    plan_history,
    plan_table,
    township_names,
)
from ui.format import digits, label_of, plain_number, source_text, unit_of, weighting_text
from ui.frame import (
    data_facts,
    download_buttons,
    fmt,
    number_columns,
    page_footer,
    page_header,
    synthetic_on_screen,
)
from ui.i18n import current_lang, domain_label, facility_label, md_text, t, with_unit
from ui.missing import kinds_of_types, missing_note
from ui.pinyin import place_label
from ui.plan_text import lead_text, names_in
from ui.report_download import report_section
from ui.settings_ui import overrides_from, setting_slider
from ui.tables import all_gaps_table, township_gap_table, urban_rural_rule

N_BOOT = 100
TRACKER_ROW_PX = 76  # three lines of wrapped text per row of the plan tracker

lang = current_lang()
page_header("overview", lang)


# -- widgets (state in the URL) -------------------------------------------------------------
f = frames()
towns = f["townships"]
town_names = township_names()
heads = headline_by_domain(CATALOGUE)
keys = [i.key for i in CATALOGUE]
# the map and the ranking open on the largest urban-rural gap of any indicator
base_gaps = largest_gaps({k: v["urban_rural"] for k, v in indicator_table().summaries.items()},
                         CATALOGUE)
default_ind = base_gaps.index[0] if len(base_gaps) else next(iter(heads.values())).key

st.subheader(t("ov.view", lang))
c1, c2, c3 = st.columns([3, 2, 2])
state.bind("ind", default_ind, options=keys, cast=current_key)
c1.selectbox(t("ov.indicator", lang), keys, key="ind",
             format_func=lambda k: f"{domain_label(INDICATORS[k].domain, lang)} · {label_of(INDICATORS[k], lang)}")
ind = INDICATORS[st.session_state["ind"]]

# the indicator's time standard, if it has one (the URL parameter is the setting's key)
setting = settings.SETTINGS[ind.threshold] if ind.threshold else None
overrides: dict[str, float] = {}
if setting is not None:
    value = setting_slider(c2, setting.key, lang, help_text=t(
        "ov.threshold_help", lang, help=setting.help_zh if lang == "zh" else setting.help_en,
        source=source_text(setting.source, lang), default=setting.default))
    overrides = overrides_from({setting.key: value})
else:
    c2.caption(t("ov.no_threshold", lang))

town_options = ["all", *town_names]
state.bind("town", "all", options=town_options)
c3.selectbox(t("township", lang), town_options, key="town",
             format_func=lambda c: t("ov.all_townships", lang) if c == "all"
             else place_label(town_names[c], lang))
town = st.session_state["town"]

present = [k for k in FACILITY_TYPES if k in set(f["facilities"]["type"])]
fac_default = [k for k in ind.facility_types if k in present]
state.bind_list("fac", fac_default, options=present)
st.multiselect(t("ov.facilities", lang), present, key="fac",
               format_func=lambda k: facility_label(k, lang))
chosen_types = list(st.session_state["fac"])

state.sync(ind=ind.key, town=town, fac=chosen_types,
           **{s.key: (st.session_state[s.key] if setting is not None and s.key == setting.key else None)
              for s in settings.SETTINGS.values() if s.group == "access"})

table = indicator_table(overrides)
years = data_facts()["years"]

# -- headline cards ------------------------------------------------------------------------------
st.subheader(t("ov.cards", lang))
# the largest gap is sought over every indicator, not only the four headline ones
gaps_now = largest_gaps({k: v["urban_rural"] for k, v in table.summaries.items()}, CATALOGUE)
if len(gaps_now):
    top, g0 = INDICATORS[gaps_now.index[0]], gaps_now.iloc[0]
    high, low = ("urban", "rural") if g0["urban"] > g0["rural"] else ("rural", "urban")
    named = {"high": t(high, lang).lower(), "low": t(low, lang).lower()}
    times = (t("gap.zero", lang, low=named["low"]) if not np.isfinite(g0["factor"])
             else t("gap.times", lang, factor=plain_number(g0["factor"], 2 if g0["factor"] < 10 else 1),
                    **named))
    st.info(t("ov.biggest", lang, n=len(CATALOGUE), domain=domain_label(top.domain, lang),
              indicator=label_of(top, lang),
              behind=behind_text({"worse": g0["worse"], "better": g0["better"]}, top, lang),
              urban=fmt(g0["urban"], unit_of(top, lang), digits(top)),
              rural=fmt(g0["rural"], unit_of(top, lang), digits(top)), times=times),
            icon=":material/priority_high:")
with st.expander(t("ov.all_gaps", lang)):
    st.caption(t("ov.all_gaps_help", lang))
    shown_gaps = all_gaps_table(table, CATALOGUE, lang, screen=True)
    widths = {"ov.col.domain": 80, "ov.col.indicator": 300, "ov.col.values": 180,
              "ov.col.behind": 60, "ov.col.ratio": 150, "ov.col.factor": 150}
    st.dataframe(shown_gaps, hide_index=True, width="stretch", column_config={
        t(k, lang): {**number_columns(shown_gaps).get(t(k, lang), {}), "width": w}
        for k, w in widths.items()})
    # the download: values as numbers, with their unit and direction in their own columns
    download_buttons(lambda: all_gaps_table(table, CATALOGUE, lang), "kaijiang_urban_rural_gaps",
                     lang, "dl_gaps")
st.caption(t("ov.cards_help", lang))
st.caption(urban_rural_rule(f["units"], lang))
cards_for_brief: list[dict] = []
grid = [c for _ in range(2) for c in st.columns(2)]
for col, (domain, hind) in zip(grid, heads.items(), strict=False):
    ur = table.summaries[hind.key]["urban_rural"]
    u = unit_of(hind, lang)
    better = t("ov.better_high" if hind.higher_is_better else "ov.better_low", lang)
    weighting = weighting_text(hind, lang)
    with col.container(border=True):
        st.markdown(f"**{domain_label(domain, lang)}**")
        st.caption(f"{label_of(hind, lang)}（{u}，{better}；{weighting}）" if lang == "zh" else
                   f"{label_of(hind, lang)} ({u}; {better}; {weighting})")
        if ur is None:
            st.info(missing_note(kinds_of_types(hind.facility_types), lang,
                                 t("dom.missing.card", lang, name=label_of(hind, lang)))
                    or t("ov.no_value", lang))
            continue
        # the domain page's urban and rural cards (long units stay in the caption above)
        for m, card in zip(st.columns(2), group_cards(table, hind, lang, ("urban", "rural"),
                                                       unit_in_label=False), strict=True):
            m.metric(card["label"], card["value"])
        own = {k: v for k, v in overrides.items() if k in hind.depends_on}
        g, ci = gini_ci(hind.key, own, n_boot=N_BOOT)
        m3, m4 = st.columns(2)
        ratio = gap_card(table, hind, lang)
        if ratio is not None:
            m3.metric(ratio["label"], ratio["value"], help=ratio["help"])
            m3.caption(ratio["note"])
        m4.metric(t("ov.gini", lang), plain_number(g, 3),
                  help=t("ov.gini_help", lang, weighting=weighting) + " " + t("ov.ci_help", lang, n=N_BOOT))
        if ci is not None:
            m4.caption(t("ov.ci", lang, lo=plain_number(ci[0], 3), hi=plain_number(ci[1], 3)))
        sens = sensitivity_text(indicator_sensitivity(hind.key, own), hind, lang)
        st.caption(sens)
        if len(years) <= 1:
            st.caption(t("ov.one_year", lang, year=years[0] if years else "–"))
        cards_for_brief.append(headline_card(table, hind, lang, g, sens))

# -- map -----------------------------------------------------------------------------------------
u = unit_of(ind, lang)
b = boundaries()
areas_level = "unit" if b["unit"]["features"] else "township"
n_shown = int(f["facilities"]["type"].isin(chosen_types).sum())
relevant = {k: v for k, v in overrides.items() if k in ind.depends_on}
# what the map lacks: the indicator's values (population, registers) and facilities to show
map_missing = missing_note(kinds_of_types(ind.facility_types), lang, t("dom.missing.map", lang))
has_values = bool(table.values[ind.key].notna().any())
map_shown = bool(b.get("county")) and (has_values or n_shown > 0)


def build_map(static: bool = False) -> dict:
    return overview_map(ind.key, relevant, tuple(chosen_types), lang, static)


st.subheader(t("ov.map", lang, indicator=label_of(ind, lang)))
map_col, rank_col = st.columns([5, 4])
with map_col:
    if not b.get("county"):
        st.info(t("empty.no_boundary", lang))
    elif not map_shown:
        st.info(map_missing or t("empty.no_data", lang))
    else:
        if not has_values and map_missing:
            st.info(map_missing)
        show_chart(build_map(), width="stretch", key="map")
    direction = t("ov.better_high" if ind.higher_is_better else "ov.better_low", lang)
    st.caption(t("ov.map_caption", lang, direction=direction))
    if b["unit"]["features"] or b["township"]["features"]:
        st.caption(t("map.areas_generated", lang) if b["generated"].get(areas_level)
                   else t("ov.map_loaded_areas", lang))
    if map_shown and chosen_types and not n_shown:
        st.info(t("empty.no_facilities", lang))
    elif not chosen_types:
        st.caption(t("empty.no_selection", lang))
    st.caption(ind.help_zh if lang == "zh" else ind.help_en)

# -- townships ranked by gap ------------------------------------------------------------------------
county_value = float(table.county.loc[ind.key, "value"])
gaps = township_gaps(table.summaries[ind.key]["township_code"], county_value, ind.higher_is_better)
ranking = township_gap_table(gaps, ind, towns, lang)
n_digits = digits(ind)  # as on the indicator's domain page


def build_bar() -> dict:
    return overview_bar(ind.key, relevant, lang)


with rank_col:
    st.markdown(f"**{t('rank.title', lang)}**")
    colon = "：" if lang == "zh" else ": "
    st.caption(f"{t('col.county', lang)}{colon}{fmt(county_value, u, n_digits)} · "
               f"{t('ov.ranking_help', lang, order=t('rank.order', lang))}")
    if gaps.empty:
        st.info(missing_note(kinds_of_types(ind.facility_types), lang,
                             t("dom.missing.ranking", lang)) or t("ov.no_ranking", lang))
    else:
        if town != "all" and town in gaps.index:
            st.info(t("ov.selected", lang, name=md_text(place_label(town_names[town], lang)),
                      value=fmt(gaps.loc[town, "value"], u, n_digits),
                      county=fmt(county_value, u, n_digits), rank=int(gaps.loc[town, "rank"]),
                      n=len(gaps), order=t("rank.order", lang)))
        show_chart(build_bar(), width="stretch", key="bar")

if not gaps.empty:
    st.dataframe(ranking, hide_index=True, width="stretch", height=36 * (len(ranking) + 1) + 3,
                 column_config=number_columns(ranking, helps={t("col.rank", lang): t("rank.order", lang)}))
    download_buttons(ranking, f"kaijiang_{ind.key}_townships", lang, "dl_rank")

# -- plan tracker ------------------------------------------------------------------------------------
st.subheader(t("ov.plan", lang))
st.caption(t("ov.plan_help", lang))
plan = plan_table()
zh = lang == "zh"
def count_text(v) -> str:
    return "–" if pd.isna(v) else f"{int(v):,}"


def path_text(years, values, planned, lang: str) -> str:
    """``2023：2 → 2024：4 → 2025 年目标：5`` (the values by year, then the plan's target)."""
    if not isinstance(years, list) or not years:
        return "–"
    sep = "：" if lang == "zh" else ": "
    parts = [f"{y}{sep}{int(v):,}" for y, v in zip(years, values, strict=True)]
    if planned is not None and not pd.isna(planned) and years[-1] < TARGET_YEAR:
        parts.append(t("plan.path_target", lang, year=TARGET_YEAR, value=f"{int(planned):,}"))
    return " → ".join(parts)


def detail_text(key: str, status: str, detail: str) -> str:
    """The row's detail; for a row without data, the registers not loaded yet, by name."""
    target = next((tg for tg in TARGETS if tg.key == key), None)
    if status != "no_data" or target is None or not target.register:
        return detail
    kinds = [k for k in kinds_of_types(target.register)
             if not f["facilities"]["type"].isin(REGISTER_KINDS[k]).any()]
    if not kinds:
        return detail
    names = [t("origin.register", lang, kind=t(f"kind.{k}", lang) if zh
               else t(f"kind.{k}", lang).lower()) for k in kinds]
    return t("dom.missing.tracker", lang, items=("、" if zh else ", ").join(names))


tracker = pd.DataFrame({
    t("plan.task", lang): plan["task"],
    t("plan.target", lang): plan["plan_zh" if zh else "plan_en"],
    t("plan.lead", lang): [lead_text(x, lang) for x in plan["lead_unit"]],
    t("plan.status", lang): [t(f"status.{s}", lang) for s in plan["status"]],
    t("plan.planned", lang): [count_text(v) for v in plan["planned"]],
    t("plan.in_data", lang): [count_text(v) for v in plan["in_data"]],
    t("plan.measure", lang): plan["measure_zh" if zh else "measure_en"],
    t("plan.detail", lang): [names_in(detail_text(k, s, d), lang) for k, s, d in
                             zip(plan["key"], plan["status"], plan["detail_zh" if zh else "detail_en"],
                                 strict=True)],
})
# the path from the baseline year to the 2025 target: a small chart and the same in words
path = plan_history().set_index("key").reindex(plan["key"])
tracker.insert(6, t("plan.path", lang), [p if isinstance(p, list) else [] for p in path["path"]])
tracker.insert(7, t("plan.path_text", lang), [
    path_text(ys, vs, p, lang)
    for ys, vs, p in zip(path["years"], path["values"], path["planned"], strict=True)])
# tall rows: the plan's wording and the details wrap instead of being cut off
st.dataframe(tracker, hide_index=True, width="stretch", row_height=TRACKER_ROW_PX,
             height=TRACKER_ROW_PX * len(tracker) + 40, column_config={
    t("plan.task", lang): st.column_config.NumberColumn(width=40),
    t("plan.target", lang): st.column_config.TextColumn(width="medium"),
    t("plan.lead", lang): st.column_config.TextColumn(width=100),
    t("plan.path", lang): st.column_config.LineChartColumn(width=110, y_min=0),
    t("plan.path_text", lang): st.column_config.TextColumn(width="medium"),
    t("plan.measure", lang): st.column_config.TextColumn(width="medium"),
    t("plan.detail", lang): st.column_config.TextColumn(width="large")})
download_buttons(tracker, "kaijiang_plan_tracker", lang, "dl_plan")

# -- brief ---------------------------------------------------------------------------------------------
st.subheader(t("brief.heading", lang))
setting_text = (f"{setting.zh if zh else setting.en} = {st.session_state[setting.key]:g} {t('unit.min', lang)}"
                if setting is not None else t("brief.no_setting", lang))
town_text = ("" if town == "all" else f"；{town_names[town]}" if zh
             else f"; {place_label(town_names[town], lang)}")


def brief() -> bytes:
    figs = [build_map(static=True)] if map_shown else []
    if not gaps.empty:
        figs.append(build_bar())
    return page_brief(
        t("brief.overview_title", lang),
        t("brief.overview_subtitle", lang, indicator=with_unit(label_of(ind, lang), u, lang),
          setting=setting_text) + town_text,
        cards_for_brief, figs,
        [(t("rank.title", lang), ranking), (t("ov.plan", lang), tracker)],
        lang, synthetic=synthetic_on_screen(),
    ).encode("utf-8")


st.caption(t("brief.help", lang))
st.download_button(t("download.brief", lang), data=brief, file_name=f"kaijiang_brief_{ind.key}.html",
                   mime="text/html", key="dl_brief", on_click="ignore", icon=":material/description:")

# -- the monitoring report (Word / PDF) -------------------------------------------------------------
report_section(lang)

page_footer(lang)
