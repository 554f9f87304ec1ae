"""卫生次中心选址 County medical sub-centre (pilot-plan task 15): choose 1-3 township health
centres that, with the county hospitals kept, bring care closest to residents."""

import streamlit as st

from metrics import settings
from metrics.planning import SAME_PLACE_M, coverage, solve_subcentre
from ui import planning, state
from ui.charts import show_chart
from ui.frame import fmt, page_footer, page_header
from ui.i18n import current_lang, md_text, t, with_unit
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
    n_req = len(inst.required)
    req_names = "、".join(md_text(n) for n in inst.sites["name"].iloc[:n_req])
    st.markdown(t("plan.sub.intro", lang, required=req_names, n=len(inst.sites) - n_req))

    cover = settings.SETTINGS["fca_catchment_min"]
    state.bind("n_new", 1, options=[1, 2, 3], cast=int)
    state.bind("objective", "pmedian", options=["pmedian", "mclp"])
    lo, hi, step = settings.slider(cover.key)
    state.bind("cover_min", float(cover.default), cast=float, bounds=(lo, hi))
    with st.form("subcentre"):
        c1, c2, c3 = st.columns([1, 2, 2])
        n_new = c1.radio(t("plan.sub.n_new", lang), [1, 2, 3], key="n_new", horizontal=True)
        objective = c2.radio(t("plan.sub.objective", lang), ["pmedian", "mclp"], key="objective",
                             format_func=lambda k: t(f"plan.sub.obj.{k}", lang))
        minutes = c3.slider(with_unit(t("plan.sub.cover_min", lang), t("plan.min", lang), lang),
                            lo, hi, step=step, key="cover_min", format=slider_format(step),
                            help=setting_help(cover.key, lang))
        run = st.form_submit_button(t("plan.run", lang), type="primary", icon=":material/play_arrow:")

    params = (n_new, objective, minutes)
    if run or (st.query_params.get("run") == "1" and "sub_result" not in st.session_state):
        with st.status(t("plan.solving", lang), expanded=False) as box:
            st.session_state["sub_result"] = (params, solve_subcentre(inst, n_new, objective, minutes))
            box.update(label=t("plan.solved", lang), state="complete")
    stored = st.session_state.get("sub_result")
    out = stored[1] if stored and stored[0] == params else None
    state.sync(n_new=n_new, objective=objective, cover_min=minutes, run=1 if out else None)

    before = coverage(inst.cost, inst.weights, inst.required, minutes)
    after = out.after if out else None
    cols = st.columns(3)
    cols[0].metric(t("plan.sub.within", lang, n=f"{minutes:g}"),
                   fmt(after["share"] if after else before["share"], "%"),
                   delta=f"{after['share'] - before['share']:+.1f} %" if after else None,
                   help=t("plan.sub.within_help", lang))
    cols[1].metric(t("plan.sub.mean", lang), fmt(after["mean_min"] if after else before["mean_min"],
                                                 t("plan.min", lang)),
                   delta=f"{after['mean_min'] - before['mean_min']:+.1f}" if after else None,
                   delta_color="inverse")
    cols[2].metric(t("plan.sub.people_gained", lang, n=f"{minutes:g}"),
                   fmt(after["within"] - before["within"] if after else 0, "", 0))

    if out is None:
        st.info(t("plan.sub.press", lang))
    else:
        sites = inst.sites
        res = out.result
        chosen = "、".join(md_text(sites["name"].iloc[j]) for j in out.new)
        why = t(f"plan.sub.why.{objective}", lang, n=f"{minutes:g}")
        st.success(t("plan.sub.result", lang, sites=chosen, why=why,
                     b_share=fmt(before["share"], "%"), a_share=fmt(after["share"], "%"),
                     gained=fmt(after["within"] - before["within"], "", 0),
                     b_mean=fmt(before["mean_min"], "", 1), a_mean=fmt(after["mean_min"], "", 1),
                     n=f"{minutes:g}", time=f"{res.time_s:.2f}"))

    show_chart(planning.subcentre_map(inst, out, lang), key="map")
    st.caption(t("plan.sub.map_note", lang))
    if out is not None:
        st.subheader(t("plan.sub.table", lang))
        st.dataframe(planning.subcentre_table(inst, out, lang), hide_index=True, width="stretch")
        st.caption(t("plan.sub.same_place", lang, km=f"{SAME_PLACE_M / 1000:g}"))
page_footer(lang)
