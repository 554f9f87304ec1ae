"""卫生次中心选址 County medical sub-centre (pilot-plan task 15): choose township health
centres, among those eligible (default: the central health centres), that with the county
hospitals kept bring care closest to residents; show the load on their beds and the
next-best proposal."""

import pandas as pd
import streamlit as st

from metrics import planning as mp
from metrics import settings, siting
from ui import planning, state
from ui.charts import show_chart
from ui.data import travel_model
from ui.format import fmt_number, plain_number
from ui.frame import fmt, page_footer, page_header
from ui.i18n import current_lang, md_text, t, with_unit
from ui.pinyin import place_label
from ui.settings_ui import setting_help, slider_format

lang = current_lang()
page_header("plan_subcentre", lang)
absent = planning.tool_missing("plan_subcentre", lang)
inst = None if absent else planning.subcentre_instance()
if inst is not None and len(inst.sites) <= len(inst.required):
    absent = t("plan.missing.candidates", lang)
if absent:
    st.info(absent)
else:
    zh = lang == "zh"
    n_req = len(inst.required)
    req_names = "、".join(md_text(n) for n in inst.sites["name"].iloc[:n_req])
    st.markdown(t("plan.sub.intro", lang, required=req_names, n=len(inst.sites) - n_req,
                  travel=t(f"plan.travel.{travel_model().key}", lang)))

    def rule_label(key: str) -> str:
        rule = mp.ELIGIBILITY[key]
        return rule.zh if zh else rule.en

    def site_text(j: int) -> str:
        name, beds = md_text(inst.sites["name"].iloc[j]), inst.sites["beds"].iloc[j]
        return name if pd.isna(beds) else t("plan.sub.site_beds", lang, name=name,
                                             beds=fmt(beds, "", 0))

    def sites_text(cols, beds: bool = True) -> str:
        return ("、" if zh else ", ").join(
            site_text(j) if beds else md_text(inst.sites["name"].iloc[j]) for j in cols)

    cover = settings.SETTINGS["fca_catchment_min"]
    state.bind("eligible", mp.ELIGIBLE_DEFAULT, options=list(mp.ELIGIBILITY))
    state.bind("objective", "pmedian", options=list(mp.MODELS))
    state.bind("n_new", 1, options=[1, 2, 3], cast=int)
    lo, hi, step = settings.slider(cover.key)
    state.bind("cover_min", float(cover.default), cast=float, bounds=(lo, hi))
    with st.form("subcentre"):
        c1, c2, c3 = st.columns([2, 4, 2])
        eligible = c1.radio(t("plan.sub.eligible", lang), list(mp.ELIGIBILITY), key="eligible",
                            format_func=rule_label,
                            help="\n\n".join(f"**{rule_label(k)}**: {r.help_zh if zh else r.help_en}"
                                             for k, r in mp.ELIGIBILITY.items()))
        objective = c2.selectbox(t("plan.sub.objective", lang), list(mp.MODELS), key="objective",
                                 format_func=lambda k: t(f"plan.sub.obj.{k}", lang),
                                 help=t("plan.sub.objective_help", lang))
        n_new = c3.radio(t("plan.sub.n_new", lang), [1, 2, 3], key="n_new", horizontal=True,
                         help=t("plan.sub.n_new_help", lang))
        minutes = st.slider(with_unit(t("plan.sub.cover_min", lang), t("plan.min", lang), lang),
                            lo, hi, step=step, key="cover_min", format=slider_format(step),
                            help=setting_help(cover.key, lang))
        run = st.form_submit_button(t("plan.run", lang), type="primary", icon=":material/play_arrow:")

    rule = mp.ELIGIBILITY[eligible]
    rule_text = rule_label(eligible) if zh else rule_label(eligible).lower()  # within a sentence
    cols = mp.eligible_columns(inst, rule.types)
    county = mp.county_load(inst)
    other = len(inst.sites) - n_req - len(cols)
    st.caption(t("plan.sub.eligible_note", lang, rule=rule_label(eligible), k=len(cols),
                 others=t("plan.sub.eligible_others", lang, other=other) if other else "",
                 help=rule.help_zh if zh else rule.help_en))

    cut = mp.no_road(inst, rule.types)
    if len(cut):
        st.warning(t("plan.sub.no_road", lang, n=len(cut), people=fmt(cut["population"].sum(), "", 0)))

    # a model that cannot run on this choice says why instead of solving
    problem = None
    if objective == "lscp":
        limit = mp.cover_limit_min(inst, rule.types)
        if minutes < limit:
            far = mp.beyond_reach(inst, minutes, rule.types)
            problem = t("plan.sub.lscp_beyond", lang, rule=rule_text, n=f"{minutes:g}",
                        names="、".join(md_text(place_label(n, lang)) for n in far["name"]),
                        limit=f"{limit:.1f}")
    elif len(cols) < n_new:
        problem = t("plan.sub.too_few", lang, rule=rule_text, k=len(cols), n=n_new)
    elif objective == "pmedian_cap" and not county["per_bed"] > 0:
        problem = t("plan.sub.no_beds", lang)

    params = (n_new, objective, eligible, minutes)
    if problem is None and (run or (st.query_params.get("run") == "1"
                                    and "sub_result" not in st.session_state)):
        with st.status(t("plan.solving", lang), expanded=False) as box:
            try:
                solved = mp.solve_subcentre(inst, n_new, objective, minutes,
                                            eligible_types=rule.types)
                st.session_state["sub_result"] = (params, solved, mp.next_best(inst, solved))
                box.update(label=t("plan.solved", lang), state="complete")
            except siting.SitingError as err:
                problem = f"{t('plan.failed', lang)}: {md_text(err)}"
                box.update(label=t("plan.failed", lang), state="error")
    stored = st.session_state.get("sub_result")
    out, alt = (stored[1], stored[2]) if stored and stored[0] == params else (None, None)
    state.sync(eligible=eligible, objective=objective, n_new=n_new, cover_min=minutes,
               run=1 if out else None)

    before = mp.coverage(inst.cost, inst.weights, inst.required, minutes)
    after = out.after if out else None
    cols3 = st.columns(3)
    cols3[0].metric(t("plan.sub.within", lang, n=f"{minutes:g}"),
                    fmt(after["share"] if after else before["share"], "%"),
                    delta=fmt_number(after['share'] - before['share'], "pp", lang) if after else None,
                    help=t("plan.sub.within_help", lang))
    cols3[1].metric(t("plan.sub.mean", lang), fmt(after["mean_min"] if after else before["mean_min"],
                                                  t("plan.min", lang)),
                    delta=plain_number(after['mean_min'] - before['mean_min'], 1, sign=True) if after else None,
                    delta_color="inverse")
    cols3[2].metric(t("plan.sub.people_gained", lang, n=f"{minutes:g}"),
                    fmt(after["within"] - before["within"] if after else 0, "", 0))

    if problem is not None:
        st.warning(problem)
    elif out is None:
        st.info(t("plan.sub.press", lang))
    else:
        value = mp.model_value(inst, out)

        def measure(sol_value: float, digits: int = 1) -> str:
            shown = fmt(sol_value, "", 0 if objective in ("mclp", "lscp") else digits)
            return t(f"plan.sub.measure.{objective}", lang, value=shown, n=f"{minutes:g}")

        why = t(f"plan.sub.why.{objective}", lang, rule=rule_text, n=f"{minutes:g}",
                per_bed=fmt(county["per_bed"], "", 0),
                value=fmt(value, "", 0 if objective == "lscp" else 1))
        st.success(t("plan.sub.result", lang, sites=sites_text(out.new), why=why,
                     b_share=fmt(before["share"], "%"), a_share=fmt(after["share"], "%"),
                     gained=fmt(after["within"] - before["within"], "", 0),
                     b_mean=fmt(before["mean_min"], "", 1), a_mean=fmt(after["mean_min"], "", 1),
                     n=f"{minutes:g}", time=f"{out.result.time_s:.2f}"))
        if alt is None:
            st.markdown(t("plan.sub.next_none", lang))
        else:
            alt_value = mp.model_value(inst, alt.solution)
            same = abs(alt_value - value) <= 1e-9 * max(1.0, abs(value))
            # two decimals when one would show a difference as none
            digits = 2 if not same and measure(alt_value) == measure(value) else 1
            # the other measures besides the model's own, proposal against next best
            other = {"pmedian": ("share",), "mclp": ("mean",)}.get(objective, ("share", "mean"))
            shown = {"share": lambda a: fmt(a["share"], "%"),
                     "mean": lambda a: fmt(a["mean_min"], "", 1)}
            detail = ("；" if zh else "; ").join(
                t(f"plan.sub.detail.{k}", lang, n=f"{minutes:g}", alt=shown[k](alt.solution.after),
                  best=shown[k](out.after)) for k in other)
            st.markdown(t("plan.sub.next_equal" if same else "plan.sub.next_best", lang,
                          sites=sites_text(alt.solution.new), added=sites_text(alt.added, False),
                          dropped=sites_text(alt.dropped, False), alt=measure(alt_value, digits),
                          best=measure(value, digits), detail=detail))
        load = mp.subcentre_assignment(inst, out.result)
        chosen_load = load[[("chosen" in r) for r in load["roles"]]]
        over = chosen_load[chosen_load["over"]]
        ratio, county_bed = f"{mp.LOAD_FLAG_RATIO:g}", fmt(county["per_bed"], "", 0)
        if len(over):
            st.warning(t("plan.sub.load_head", lang, county=county_bed, ratio=ratio) + "\n\n" + "\n".join([
                "- " + t("plan.sub.load_row", lang, name=md_text("、".join(r.names)),
                         beds=fmt(r.beds, "", 0), served=fmt(r.served, "", 0),
                         per_bed=fmt(r.per_bed, "", 0), times=fmt(r.load_ratio, "", 1),
                         need=fmt(r.beds_at_county, "", 0))
                for r in over.itertuples()]))
        elif chosen_load["per_bed"].notna().any():
            st.info(t("plan.sub.load_ok", lang, county=county_bed, ratio=ratio))

    show_chart(planning.subcentre_map(inst, out, lang, cols), key="map")
    st.caption(t("plan.sub.map_note", lang))
    if out is not None:
        st.subheader(t("plan.sub.table", lang))
        table = planning.subcentre_table(inst, out, lang)
        minutes_col = table.columns[-1]  # the residents' mean drive, one decimal
        st.dataframe(table, hide_index=True, width="stretch", placeholder="–", column_config={
            table.columns[0]: st.column_config.TextColumn(width="medium"),
            **{c: st.column_config.NumberColumn(format="localized" if c != minutes_col else "%.1f")
               for c in table.select_dtypes("number").columns}})
        st.caption(t("plan.sub.load_note", lang, residents=fmt(county["residents"], "", 0),
                     beds=fmt(county["beds"], "", 0), per_bed=fmt(county["per_bed"], "", 0),
                     per_doctor=fmt(county["per_doctor"], "", 0), ratio=f"{mp.LOAD_FLAG_RATIO:g}"))
        if objective == "pmedian_cap":
            st.caption(t("plan.sub.cap_note", lang, per_bed=fmt(county["per_bed"], "", 0)))
        st.caption(t("plan.sub.same_place", lang, km=f"{mp.SAME_PLACE_M / 1000:g}"))
page_footer(lang)
