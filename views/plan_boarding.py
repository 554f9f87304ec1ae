"""寄宿制学校 Boarding schools (pilot-plan task 13: 任市, 长岭, 甘棠): who needs a boarding place
under the 2018 State Council rules, where they board (the beds of every school within the
boarders' trip limit, new beds at the chosen schools), and merging small teaching points."""

import pandas as pd
import streamlit as st

from metrics import audit, boarding, settings
from metrics import planning_boarding as pb
from ui import planning, state
from ui.charts import show_chart
from ui.data import FACILITIES, audit_table, township_names
from ui.format import plain_number
from ui.frame import download_buttons, fmt, page_footer, page_header
from ui.i18n import current_lang, md_text, t, with_unit
from ui.pinyin import place_label
from ui.settings_ui import bind_setting, setting_help, setting_slider

RULES = ("primary_lower_max_min", "primary_upper_day_max_min", "junior_day_max_min",
         "boarding_max_min", "boarding_beds_per_boarder", "grade_1_3_share")
MODES = ("walk_child", "school_bus")  # pupils walk at children's speed
COUNT = st.column_config.NumberColumn(format="localized")
ONE_DECIMAL = st.column_config.NumberColumn(format="%.1f")


def n(value: float) -> str:
    """A count for a sentence: whole, with thousands separators."""
    return fmt(value, "", 0)


def toggle_label(key: str, lang: str) -> str:
    s = settings.SETTINGS[key]
    return s.en if lang == "en" else s.zh


def table(frame, counts=(), decimals=(), name: str = "", key: str = "") -> None:
    """A table with integer counts (thousands separators) and one-decimal columns."""
    config = {**dict.fromkeys(counts, COUNT), **dict.fromkeys(decimals, ONE_DECIMAL)}
    st.dataframe(frame, hide_index=True, width="stretch", column_config=config, placeholder="–")
    if name:
        download_buttons(frame, name, lang, key)


lang = current_lang()
page_header("plan_boarding", lang)
st.markdown(t("plan.brd.intro", lang))
st.caption(t("dom.edu.boarding_def", lang))
absent = planning.tool_missing("plan_boarding", lang)
if absent:
    st.info(absent)
else:
    units, schools = planning.schools()
    offer = schools[schools["type"].isin(("junior", "nine_year", "primary"))]
    default = [s for s in boarding.default_boarding_schools(schools) if s in offer.index]
    label = dict(zip(schools.index, schools["name"].astype(str), strict=True))
    towns = township_names()

    state.bind_list("boarding", default, list(offer.index))
    state.bind("mode", "walk_child", options=list(MODES))
    state.bind("board_mode", "school_bus", options=list(MODES))
    values: dict[str, float] = {}
    for key in RULES:
        bind_setting(key)
    state.bind("boarding_grades_4_6", True, cast=state.as_bool)
    state.bind("teachers_move_with_merge", True, cast=state.as_bool)
    state.bind("n_close", 0, cast=int, bounds=(0, 20))

    with st.form("boarding_form"):
        chosen = st.multiselect(t("plan.brd.schools", lang), list(offer.index), key="boarding",
                                format_func=lambda s: label[s], help=t("plan.brd.schools_help", lang))
        st.markdown(f"**{t('plan.brd.rules', lang)}**")
        cols = st.columns(3)
        for i, key in enumerate(RULES):
            values[key] = setting_slider(cols[i % 3], key, lang,
                                         help_text=setting_help(key, lang, flag_unverified=True))
        c1, c2, c3 = st.columns(3)
        mode = c1.radio(t("plan.brd.mode", lang), MODES, key="mode", horizontal=True,
                        format_func=lambda m: t(f"dom.mode.{m}", lang))
        board_mode = c2.radio(t("plan.brd.board_mode", lang), MODES, key="board_mode",
                              horizontal=True, format_func=lambda m: t(f"dom.mode.{m}", lang),
                              help=t("plan.brd.board_mode_help", lang))
        may46 = c3.toggle(toggle_label("boarding_grades_4_6", lang), key="boarding_grades_4_6",
                          help=setting_help("boarding_grades_4_6", lang))
        c1, c2 = st.columns(2)
        n_close = c1.slider(with_unit(t("plan.brd.n_close", lang), t("unit.facilities", lang), lang),
                            0, 20, key="n_close",
                            help=t("plan.brd.n_close_help", lang))
        move = c2.toggle(toggle_label("teachers_move_with_merge", lang), key="teachers_move_with_merge",
                         help=setting_help("teachers_move_with_merge", lang))
        st.form_submit_button(t("plan.compute", lang), type="primary", icon=":material/play_arrow:")

    over = {k: v for k, v in values.items() if v != settings.SETTINGS[k].default}
    if not may46:
        over["boarding_grades_4_6"] = 0.0
    if not move:
        over["teachers_move_with_merge"] = 0.0
    state.sync(boarding=list(chosen), mode=mode, board_mode=board_mode, n_close=n_close,
               boarding_grades_4_6=may46, teachers_move_with_merge=move, **values)
    speed = settings.get(settings.speed_key(mode))
    with st.spinner(t("plan.solving", lang)):
        out = planning.boarding_result(tuple(chosen), mode, speed, tuple(sorted(over.items())),
                                       n_close, board_mode)
    plan, merge, before = out.plan, out.merge, out.all_day_mean_min
    sm = plan.summary

    # pupils: need = placed + not placed
    cols = st.columns(4)
    cols[0].metric(t("plan.brd.need_pupils", lang), n(sm["need"]), help=t("plan.brd.need_help", lang))
    cols[1].metric(t("plan.brd.placed", lang), n(sm["boarders"]), help=t("plan.brd.placed_help", lang))
    cols[2].metric(t("plan.brd.unplaced", lang), n(sm["unplaced"]), help=t("plan.brd.unplaced_help", lang))
    cols[3].metric(with_unit(t("plan.brd.day_mean", lang), t("plan.min", lang), lang),
                   fmt(sm["day_travel_mean_min"], "", 1),
                   delta=plain_number(sm['day_travel_mean_min'] - before, 1, sign=True), delta_color="inverse",
                   help=t("plan.brd.day_mean_help", lang))
    # beds: needed = used + new; today = used + left empty
    cols = st.columns(4)
    cols[0].metric(t("plan.brd.beds_needed", lang), n(sm["beds_needed"]), help=t("plan.brd.beds_needed_help", lang))
    cols[1].metric(t("plan.brd.beds_used", lang), n(sm["beds_used"]), help=t("plan.brd.beds_used_help", lang))
    cols[2].metric(t("plan.brd.new_beds", lang), n(sm["new_beds"]), help=t("plan.brd.new_beds_help", lang))
    cols[3].metric(t("plan.brd.spare", lang), n(sm["spare_beds"]), help=t("plan.brd.spare_help", lang))

    limit = f"{settings.get('boarding_max_min', over):g}"
    st.markdown(t("plan.brd.result", lang, need=n(sm["need"]), need46=n(sm["need_g4_6"]),
                  needj=n(sm["need_junior"]), placed=n(sm["boarders"]), limit=limit,
                  board_min=fmt(sm["board_mean_min"], "", 1), unplaced=n(sm["unplaced"]),
                  beds=n(sm["beds_needed"]), used=n(sm["beds_used"]), new=n(sm["new_beds"]),
                  have=n(sm["boarding_beds"]), spare=n(sm["spare_beds"])))
    if sm["unplaced"] > 0:
        st.warning(t("plan.brd.unplaced_why", lang, reach=n(sm["unplaced_no_school_in_reach"]),
                     full=n(sm["unplaced_beds_full"]), limit=limit))
    if sm.get("no_road_pupils", 0) > 0:
        st.warning(t("plan.brd.no_road", lang, n=n(sm["no_road_villages"]), pupils=n(sm["no_road_pupils"])))
    day = t("plan.brd.day_result", lang, before=f"{before:.1f}", after=f"{sm['day_travel_mean_min']:.1f}",
            unmet13=n(sm["unmet_g1_3"]))
    if sm["unmet_g4_6"] > 0:
        day += " " + t("plan.brd.unmet46", lang, n=n(sm["unmet_g4_6"]))
    st.markdown(day)
    registered = audit_table("boarding_by_school", FACILITIES, domain="education")
    reg = audit.boarding_totals(registered)
    st.caption(t("plan.brd.registered", lang, boarders=n(reg["boarders"]), beds=n(reg["boarding_beds"])))
    if mode == "walk_child":
        st.info(t("plan.brd.mode_note", lang), icon=":material/directions_walk:")
    if not chosen:
        st.warning(t("plan.brd.none", lang))

    show_chart(planning.boarding_map(plan, chosen, lang), key="map")
    st.caption(t("plan.brd.map_note", lang))

    st.subheader(t("plan.brd.by_school", lang))
    beds = pb.school_beds(plan, schools)
    total = t("plan.brd.total", lang)
    shown = {
        t("plan.col.school", lang): [total if tt else label.get(i, i) for i, tt in zip(beds["id"], beds["total"], strict=True)],
        t("plan.col.township", lang): [towns.get(c, "") if c else "" for c in beds["township_code"]],
        t("plan.brd.col_chosen", lang): [("" if tt else t("dom.yes" if c else "dom.no", lang))
                                         for c, tt in zip(beds["chosen"], beds["total"], strict=True)],
        t("plan.brd.col_boarders", lang): beds["boarders"].round(0),
        t("plan.brd.have", lang): beds["boarding_beds"].round(0),
        t("plan.brd.spare", lang): beds["spare"].round(0),
        t("plan.brd.new_beds", lang): beds["new_beds"].round(0),
        t("plan.brd.beds_needed", lang): beds["beds_needed"].round(0),
    }
    by_school = pd.DataFrame(shown)
    table(by_school, counts=list(by_school.columns[3:]), name="kaijiang_boarding_by_school", key="dl_brd_school")
    st.caption(t("plan.brd.by_school_note", lang))

    places = pb.village_placements(plan)
    if len(places):
        st.subheader(t("plan.brd.by_village", lang))
        vname = units["name"].astype(str).to_dict()
        vtown = units["township_code"].astype(str).to_dict() if "township_code" in units.columns else {}
        by_village = pd.DataFrame({
            t("plan.brd.col_village", lang): [place_label(vname.get(v, ""), lang)
                                              for v in places["village"]],
            t("plan.col.township", lang): [place_label(towns.get(vtown.get(v, ""), ""), lang)
                                           for v in places["village"]],
            t("plan.brd.col_band", lang): [t(f"plan.brd.band.{b}", lang) for b in places["band"]],
            t("plan.brd.need_pupils", lang): places["need"].round(0),
            t("plan.brd.placed", lang): places["placed"].round(0),
            t("plan.brd.col_school", lang): [
                "" if not sc else label.get(sc, sc) if k <= 1
                else t("plan.brd.and_more", lang, name=label.get(sc, sc), more=k - 1)
                for sc, k in zip(places["school"], places["n_schools"], strict=True)],
            t("plan.brd.col_minutes", lang): places["minutes"].round(1),
            t("plan.brd.unplaced", lang): places["unplaced"].round(0),
            t("plan.brd.col_reason", lang): [t(f"plan.brd.reason.{r}", lang) if r else "" for r in places["reason"]],
        })
        cols = list(by_village.columns)
        table(by_village, counts=[cols[3], cols[4], cols[7]], decimals=[cols[6]],
              name="kaijiang_boarding_by_village", key="dl_brd_village")
        st.caption(t("plan.brd.by_village_note", lang))

    st.subheader(t("plan.brd.merge", lang))
    ms = merge.summary
    sep = "、" if lang == "zh" else ", "
    if n_close == 0:
        st.info(t("plan.brd.merge_none", lang))
    else:
        c = st.columns(3)
        c[0].metric(t("plan.brd.spt", lang), fmt(out.spt_after, "", 1),
                    delta=plain_number(out.spt_after - out.spt_before, 2, sign=True), delta_color="off",
                    help=t("plan.brd.spt_help", lang))
        c[1].metric(t("plan.brd.posts_freed", lang), n(ms["posts_freed"]),
                    help=t("plan.brd.posts_freed_help", lang))
        c[2].metric(t("plan.brd.keep", lang), fmt(ms["teachers_to_keep_ratio"], "", 1),
                    help=t("plan.brd.keep_help", lang))
        closed = merge.schools[merge.schools["closed"]]
        st.markdown(t("plan.brd.merge_result", lang, n=int(ms["closed"]),
                      names=sep.join(md_text(label[s]) for s in closed.index),
                      moved=n(ms["students_moved"]), r=int(ms["receiving"]),
                      spt_b=f"{out.spt_before:.2f}", spt_a=f"{out.spt_after:.2f}"))
        keep = ms["teachers_to_keep_ratio"]
        staff = (t("plan.brd.staff_move", lang, tc=n(ms["teachers_closed"]), keep=f"{keep:.1f}",
                   extra=f"{max(ms['teachers_closed'] - keep, 0.0):.1f}") if move
                 else t("plan.brd.staff_stay", lang, tc=n(ms["teachers_closed"]), keep=f"{keep:.1f}"))
        st.markdown(staff)

        st.markdown(f"**{t('plan.brd.receiving', lang)}**")
        rec = pb.receiving_schools(merge)
        receiving = pd.DataFrame({
            t("plan.col.school", lang): [label.get(i, i) for i in rec.index],
            t("plan.brd.col_in", lang): rec["students_in"].round(0).to_numpy(),
            t("plan.brd.col_teachers_in", lang): rec["teachers_in"].round(0).to_numpy(),
            t("plan.brd.col_students", lang): [f"{a:,.0f} → {b:,.0f}" for a, b in
                                                zip(rec["students_before"], rec["students_after"], strict=True)],
            t("plan.brd.col_teachers", lang): [f"{a:,.0f} → {b:,.0f}" for a, b in
                                                zip(rec["teachers_before"], rec["teachers_after"], strict=True)],
            t("plan.brd.col_spt", lang): [f"{a:.1f} → {b:.1f}" for a, b in
                                           zip(rec["spt_before"], rec["spt_after"], strict=True)],
        })
        cols = list(receiving.columns)
        table(receiving, counts=cols[1:3])

        st.markdown(f"**{t('plan.brd.travel_bands', lang)}**")
        bt = pb.band_travel(merge)
        bands = pd.DataFrame({
            t("plan.brd.col_band", lang): [t(f"plan.brd.band.{b}", lang) for b in bt.index],
            t("plan.brd.col_limit", lang): bt["limit_min"].round(0).to_numpy(),
            t("plan.brd.col_trip_before", lang): bt["travel_before_min"].round(1).to_numpy(),
            t("plan.brd.col_trip_after", lang): bt["travel_after_min"].round(1).to_numpy(),
            t("plan.brd.col_beyond_before", lang): bt["beyond_before"].round(0).to_numpy(),
            t("plan.brd.col_beyond_after", lang): bt["beyond_after"].round(0).to_numpy(),
        })
        cols = list(bands.columns)
        table(bands, counts=[cols[1], cols[4], cols[5]], decimals=cols[2:4])

        st.markdown(f"**{t('plan.brd.closed', lang)}**")
        shown = closed.reset_index(names="id")
        table(pd.DataFrame({
            t("plan.col.school", lang): shown["id"].map(label),
            t("plan.brd.students", lang): shown["students_before"].round(0),
            t("plan.brd.teachers", lang): shown["teachers_before"].round(0),
            t("plan.brd.moved_to", lang): shown["moved_to"].map(label)}),
            counts=[t("plan.brd.students", lang), t("plan.brd.teachers", lang)])
page_footer(lang)
