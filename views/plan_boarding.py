"""寄宿制学校 Boarding schools (pilot-plan task 13: 任市, 长岭, 甘棠): who must board under the
2018 State Council rules, beds needed against beds available, and merging small teaching points."""

import streamlit as st

from metrics import boarding, settings
from ui import planning, state
from ui.charts import show_chart
from ui.frame import fmt, page_footer, page_header
from ui.i18n import current_lang, md_text, t, with_unit
from ui.settings_ui import bind_setting, setting_help, setting_slider

RULES = ("primary_lower_max_min", "primary_upper_day_max_min", "junior_day_max_min",
         "boarding_beds_per_boarder", "grade_1_3_share")
MODES = ("walk", "school_bus")

lang = current_lang()
page_header("plan_boarding", lang)
st.markdown(t("plan.brd.intro", lang))
absent = planning.tool_missing("plan_boarding", lang)
if absent:
    st.info(absent)
else:
    _units, schools = planning.schools()
    offer = schools[schools["type"].isin(("junior", "nine_year", "primary"))]
    default = [s for s in boarding.default_boarding_schools(schools) if s in offer.index]
    label = dict(zip(schools.index, schools["name"].astype(str), strict=True))

    state.bind_list("boarding", default, list(offer.index))
    state.bind("mode", "walk", options=list(MODES))
    values: dict[str, float] = {}
    for key in RULES:
        bind_setting(key)
    state.bind("boarding_grades_4_6", True, cast=state.as_bool)
    state.bind("n_close", 0, cast=int, bounds=(0, 20))

    with st.form("boarding_form"):
        chosen = st.multiselect(t("plan.brd.schools", lang), list(offer.index), key="boarding",
                                format_func=lambda s: label[s])
        st.markdown(f"**{t('plan.brd.rules', lang)}**")
        cols = st.columns(3)
        for i, key in enumerate(RULES):
            values[key] = setting_slider(cols[i % 3], key, lang,
                                         help_text=setting_help(key, lang, flag_unverified=True))
        may46 = cols[2].toggle(settings.SETTINGS["boarding_grades_4_6"].en if lang == "en"
                               else settings.SETTINGS["boarding_grades_4_6"].zh, key="boarding_grades_4_6")
        c1, c2 = st.columns(2)
        mode = c1.radio(t("plan.brd.mode", lang), MODES, key="mode", horizontal=True,
                        format_func=lambda m: t(f"dom.mode.{m}", lang))
        n_close = c2.slider(t("plan.brd.n_close", lang), 0, 20, key="n_close",
                            help=t("plan.brd.n_close_help", lang))
        run = st.form_submit_button(t("plan.compute", lang), type="primary", icon=":material/play_arrow:")

    over = {k: v for k, v in values.items() if v != settings.SETTINGS[k].default}
    if not may46:
        over["boarding_grades_4_6"] = 0.0
    state.sync(boarding=list(chosen), mode=mode, n_close=n_close, boarding_grades_4_6=may46, **values)
    speed = settings.get(settings.speed_key(mode))
    with st.spinner(t("plan.solving", lang)):
        out = planning.boarding_result(tuple(chosen), mode, speed, tuple(sorted(over.items())), n_close)
    plan, merge, before = out.plan, out.merge, out.all_day_mean_min
    sm = plan.summary

    cols = st.columns(5)
    cols[0].metric(t("plan.brd.boarders", lang), fmt(sm["boarders"], "", 0))
    cols[1].metric(t("plan.brd.need", lang), fmt(sm["beds_needed"], "", 0), help=t("plan.brd.beds_help", lang))
    cols[2].metric(t("plan.brd.have", lang), fmt(sm["boarding_beds"], "", 0), help=t("plan.brd.beds_help", lang))
    cols[3].metric(t("plan.brd.shortfall", lang), fmt(sm["shortfall"], "", 0), help=t("plan.brd.shortfall_help", lang))
    cols[4].metric(with_unit(t("plan.brd.day_mean", lang), t("plan.min", lang), lang),
                   fmt(sm["day_travel_mean_min"], "", 1),
                   delta=f"{sm['day_travel_mean_min'] - before:+.1f}", delta_color="inverse",
                   help=t("plan.brd.day_mean_help", lang))
    st.markdown(t("plan.brd.result", lang, boarders=f"{sm['boarders']:,.0f}", n=len(chosen),
                  need=f"{sm['beds_needed']:,.0f}", have=f"{sm['boarding_beds']:,.0f}",
                  short=f"{sm['shortfall']:,.0f}", before=f"{before:.1f}",
                  after=f"{sm['day_travel_mean_min']:.1f}", unmet13=f"{sm['unmet_g1_3']:,.0f}",
                  unmet=f"{sm['unmet_g4_6'] + sm['unmet_junior']:,.0f}"))
    if mode == "walk":
        st.info(t("plan.brd.mode_note", lang), icon=":material/directions_walk:")
    if not chosen:
        st.warning(t("plan.brd.none", lang))

    show_chart(planning.boarding_map(plan, chosen, lang), key="map")
    st.caption(t("plan.brd.map_note", lang))
    st.subheader(t("plan.brd.by_school", lang))
    tbl = plan.schools.reset_index(names="id")
    tbl.insert(0, t("plan.col.school", lang), tbl["id"].map(label))
    st.dataframe(tbl.drop(columns="id").rename(columns={
        "boarders": t("plan.brd.boarders", lang), "beds_needed": t("plan.brd.need", lang),
        "boarding_beds": t("plan.brd.have", lang), "shortfall": t("plan.brd.shortfall", lang)}).round(0),
        hide_index=True, width="stretch")

    st.subheader(t("plan.brd.merge", lang))
    ms = merge.summary
    if n_close == 0:
        st.info(t("plan.brd.merge_none", lang))
    else:
        c = st.columns(3)
        c[0].metric(t("plan.brd.spt", lang), fmt(ms["spt_after"], "", 1),
                    delta=f"{ms['spt_after'] - ms['spt_before']:+.2f}", delta_color="off")
        c[1].metric(t("plan.brd.primary_travel", lang), fmt(ms["primary_travel_after_min"], t("plan.min", lang)),
                    delta=f"{ms['primary_travel_after_min'] - ms['primary_travel_before_min']:+.1f}",
                    delta_color="inverse")
        c[2].metric(t("plan.brd.beyond", lang), fmt(ms["g1_3_beyond_limit_after"], "", 0),
                    delta=f"{ms['g1_3_beyond_limit_after'] - ms['g1_3_beyond_limit_before']:+,.0f}",
                    delta_color="inverse")
        closed = merge.schools[merge.schools["closed"]]
        st.markdown(t("plan.brd.merge_result", lang, n=int(ms["closed"]),
                      names="、".join(md_text(label[s]) for s in closed.index),
                      spt_b=f"{ms['spt_before']:.2f}", spt_a=f"{ms['spt_after']:.2f}",
                      tb=f"{ms['primary_travel_before_min']:.1f}", ta=f"{ms['primary_travel_after_min']:.1f}"))
        shown = closed.reset_index(names="id")
        st.dataframe(shown.assign(**{
            t("plan.col.school", lang): shown["id"].map(label),
            t("plan.brd.moved_to", lang): shown["moved_to"].map(label),
            t("plan.brd.students", lang): shown["students_before"],
            t("plan.brd.teachers", lang): shown["teachers_before"]})[
            [t("plan.col.school", lang), t("plan.brd.students", lang), t("plan.brd.teachers", lang),
             t("plan.brd.moved_to", lang)]], hide_index=True, width="stretch")
page_footer(lang)
