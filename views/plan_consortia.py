"""医共体分区 Regional medical consortia (pilot-plan task 15: five close consortia): group the
townships into k regions around lead hospitals; compare with the four 片区 and a user grouping."""

import pandas as pd
import streamlit as st

from metrics.planning import solve_consortia
from metrics.siting import SitingError
from ui import planning, state
from ui.charts import show_chart
from ui.frame import page_footer, page_header
from ui.i18n import current_lang, md_text, t, with_unit
from ui.pinyin import place_label

lang = current_lang()
page_header("plan_consortia", lang)
absent = planning.tool_missing("plan_consortia", lang)
if absent:
    st.info(absent)
else:
    inst = planning.township_instance()
    towns, leads = inst.towns, inst.leads
    st.markdown(t("plan.con.intro", lang, n=len(towns), leads=len(leads)))

    state.bind("k", 5, cast=int, bounds=(2, 8))
    state.bind("deviation", 0.5, cast=float, bounds=(0.1, 1.0))
    with st.form("consortia"):
        c1, c2 = st.columns(2)
        k = c1.slider(with_unit(t("plan.con.k", lang), t("unit.regions", lang), lang), 2, 8, key="k")
        dev = c2.slider(with_unit(t("plan.con.deviation", lang), t("unit.share_of_mean", lang), lang),
                        0.1, 1.0, step=0.1, key="deviation", format="%.1f",
                        help=t("plan.con.deviation_help", lang))
        run = st.form_submit_button(t("plan.run", lang), type="primary", icon=":material/play_arrow:")

    params = (k, dev)
    if run or (st.query_params.get("run") == "1" and "con_result" not in st.session_state):
        with st.status(t("plan.solving", lang), expanded=False) as box:
            try:
                st.session_state["con_result"] = (params, solve_consortia(inst, k, dev))
                box.update(label=t("plan.solved", lang), state="complete")
            except SitingError as exc:
                st.session_state["con_result"] = (params, str(exc))
                box.update(label=t("plan.failed", lang), state="error")
    stored = st.session_state.get("con_result")
    out = stored[1] if stored and stored[0] == params else None
    state.sync(k=k, deviation=dev, run=1 if out is not None else None)

    names = towns["name"].astype(str).to_dict()
    model = None
    if isinstance(out, str):
        st.error(t("plan.con.infeasible", lang, reason=md_text(out)))
    elif out is None:
        st.info(t("plan.con.press", lang))
    else:
        table = out.table
        model = table["region"]
        pops = out.populations
        st.success(t("plan.con.result", lang, k=k, leads="、".join(md_text(x) for x in pops.index),
                     low=f"{pops.min():,.0f}", high=f"{pops.max():,.0f}",
                     contiguous=t("plan.con.contiguous" if out.result.contiguous else "plan.con.not_contiguous",
                                  lang),
                     mean=f"{out.mean_min:.1f}"))

    labels = model if model is not None else towns["zone"].astype(str)
    title = t("plan.con.region" if model is not None else "plan.con.zone", lang)
    show_chart(planning.consortia_map(labels, leads if model is not None else None, title, lang), key="map")
    st.caption(t("plan.con.map_note" if model is not None else "plan.con.map_zones", lang))

    st.subheader(t("plan.con.user", lang))
    st.caption(t("plan.con.user_help", lang))
    user_in = pd.DataFrame({t("plan.col.township", lang): [place_label(n, lang) for n in
                                                           towns["name"].astype(str)],
                            t("plan.con.region", lang): towns["zone"].astype(str)})
    edited = st.data_editor(user_in, key="user_regions", hide_index=True, disabled=[0], width="stretch",
                            height=35 * (len(user_in) + 1) + 3)
    if model is not None:
        user = pd.Series(edited.iloc[:, 1].fillna("").astype(str).to_numpy(), index=towns.index)
        st.subheader(t("plan.con.compare", lang))
        st.dataframe(planning.comparison_table(inst, model, towns["zone"].astype(str), user, lang,
                                               model_travel=table["travel"]),
                     hide_index=True, width="stretch")
        st.caption(t("plan.con.compare_help", lang))
        st.subheader(t("plan.con.members", lang))
        members = pd.DataFrame({t("plan.col.township", lang): [place_label(names[c], lang)
                                                                for c in towns.index],
                                t("plan.con.region", lang): model.to_numpy(),
                                t("plan.con.zone", lang): towns["zone"].to_numpy(),
                                t("plan.col.population", lang): towns["population"].round().astype("Int64").to_numpy(),
                                t("plan.col.lead_min", lang): table["travel"].round(1).to_numpy()})
        st.dataframe(members, hide_index=True, width="stretch", height=35 * (len(members) + 1) + 3)
page_footer(lang)
