"""情景对比 Scenarios: add, move, close or upgrade facilities and change capacities; every
indicator and gap measure before and after; scenarios saved, listed, reopened and shared.

Names and the ``scenario`` URL value are data: shown through :func:`ui.i18n.md_text` (never as
Markdown); an id that is not 12 hex characters is not looked up nor echoed. Saves are limited
per session (``EQUITY_MAX_SCENARIOS_PER_SESSION``) and in total (``EQUITY_MAX_SCENARIOS``,
enforced by :func:`etl.scenarios.save`)."""

import re

import streamlit as st

from etl import scenarios as store
from metrics.indicators import DOMAINS
from metrics.planning import editor_frame, new_facility
from metrics.scenario import DOMAIN_FIELDS, diff_changes
from ui import auth, planning, state
from ui.charts import show_chart
from ui.data import frames, indicator_table
from ui.frame import page_footer, page_header
from ui.i18n import current_lang, domain_label, facility_label, md_text, t
from ui.pinyin import place_label

_ID = re.compile(r"[0-9a-f]{12}")
#: Session State key counting this session's saves.
SAVES_KEY = "scn_saves"

lang = current_lang()
page_header("plan_scenarios", lang)
st.markdown(t("plan.scn.intro", lang))
path = planning.store_path()
f = frames()

# a scenario from the link: seed the view once per scenario id
sid = st.query_params.get("scenario")
if sid and st.session_state.get("scn_id") != sid:
    loaded = store.get(path, sid) if _ID.fullmatch(sid) else None
    if loaded is None:
        st.warning(t("plan.scn.not_found", lang, id=md_text(sid)) if _ID.fullmatch(sid)
                   else t("plan.scn.bad_id", lang))
        del st.query_params["scenario"]
    else:
        st.session_state.update(scn_id=sid, scn_name=loaded["name"], domain=loaded["domain"],
                                scn_domain=loaded["domain"],
                                scn_added=[c for c in loaded["changes"] if c["op"] == "add"],
                                scn_edits=[c for c in loaded["changes"] if c["op"] != "add"])
domain = state.bind("domain", "health", options=list(DOMAINS))
c1, c2 = st.columns([1, 2])
domain = c1.selectbox(t("plan.scn.domain", lang), list(DOMAINS), key="domain",
                      format_func=lambda d: domain_label(d, lang))
if st.session_state.get("scn_domain") != domain:
    # another domain: start from its current facilities
    st.session_state.update(scn_domain=domain, scn_added=[], scn_edits=[], scn_id=None, scn_name="")
if st.session_state.get("scn_id"):
    c2.info(t("plan.scn.opened", lang, name=md_text(st.session_state["scn_name"])))
fields = DOMAIN_FIELDS[domain]
fac = f["facilities"][f["facilities"]["domain"] == domain].reset_index(drop=True)
types = list(dict.fromkeys(fac["type"]))

# without the village points and population, or any facility of the domain, nothing to compare
absent = planning.tool_missing("plan_scenarios", lang,
                               planning.domain_kinds(domain) if fac.empty else ())
if absent:
    st.info(absent)
else:
    st.subheader(t("plan.scn.edit", lang))
    st.caption(t("plan.scn.edit_help", lang))
    frame = editor_frame(fac, st.session_state.get("scn_edits", []), fields)
    cfg = {"id": st.column_config.TextColumn(t("plan.col.id", lang), disabled=True),
           "name": st.column_config.TextColumn(t("plan.col.name", lang), disabled=True),
           "type": st.column_config.SelectboxColumn(t("plan.col.type", lang), options=types, required=True,
                                                    format_func=lambda k: facility_label(k, lang)),
           "lon": st.column_config.NumberColumn(t("plan.col.lon", lang), format="%.5f", min_value=-180, max_value=180),
           "lat": st.column_config.NumberColumn(t("plan.col.lat", lang), format="%.5f", min_value=-90, max_value=90),
           "open": st.column_config.CheckboxColumn(t("plan.col.open", lang))}
    cfg.update({k: st.column_config.NumberColumn(t(f"plan.field.{k}", lang), min_value=0) for k in fields})
    edited = st.data_editor(frame, key=f"editor_{domain}_{st.session_state.get('scn_id') or 'new'}",
                            hide_index=True, column_config=cfg, num_rows="fixed", height=300,
                            width="stretch")

    with st.expander(t("plan.scn.add", lang), expanded=False), st.form("add_facility", clear_on_submit=True):
        a1, a2 = st.columns(2)
        new_name = a1.text_input(t("plan.col.name", lang), max_chars=60)
        new_type = a2.selectbox(t("plan.col.type", lang), types, format_func=lambda k: facility_label(k, lang))
        units = f["units"]
        unit_names = dict(zip(units["code"].astype(str), units["name"].astype(str), strict=True))
        b1, b2, b3 = st.columns(3)
        at_unit = b1.selectbox(t("plan.scn.at_unit", lang), ["", *unit_names],
                               format_func=lambda c: t("plan.scn.use_lonlat", lang) if not c
                               else place_label(unit_names[c], lang))
        lon = b2.number_input(t("plan.col.lon", lang), value=None, min_value=107.0, max_value=109.0, format="%.5f")
        lat = b3.number_input(t("plan.col.lat", lang), value=None, min_value=30.5, max_value=32.0, format="%.5f")
        caps = {}
        for col, k in zip(st.columns(len(fields)), fields, strict=True):
            caps[k] = col.number_input(t(f"plan.field.{k}", lang), value=None, min_value=0.0)
        if st.form_submit_button(t("plan.scn.add_button", lang), icon=":material/add_location:"):
            try:
                added = st.session_state.get("scn_added", [])
                edit = new_facility(f["facilities"], units, new_type, new_name, lon, lat,
                                             at_unit or None, caps, [c["id"] for c in added])
                st.session_state["scn_added"] = [*added, edit]
            except ValueError:
                st.error(t("plan.scn.add_error", lang))
    added = st.session_state.get("scn_added", [])
    if added:
        st.caption(t("plan.scn.added_list", lang, names="、".join(md_text(c["name"]) for c in added)))
        if st.button(t("plan.scn.clear_added", lang), key="clear_added"):
            st.session_state["scn_added"] = []
            st.rerun()

    changes = [*added, *diff_changes(editor_frame(fac, [], fields), edited, fields)]
    st.session_state["scn_changes"] = changes
    before = indicator_table()
    try:
        with st.spinner(t("plan.scn.computing", lang)):
            after = planning.scenario_table(changes) if changes else before
    except ValueError as exc:
        st.error(t("plan.scn.bad_change", lang, reason=md_text(exc)))
        after = before

    st.subheader(t("plan.scn.results", lang))
    st.caption(t("plan.scn.n_changes", lang, n=len(changes)))
    st.dataframe(planning.indicator_comparison(before, after, domain, lang), hide_index=True,
                 width="stretch")
    st.caption(t("plan.scn.table_help", lang))
    show_chart(planning.scenario_map(fac, changes, lang), key="map")

    st.subheader(t("plan.scn.save", lang))
    with st.form("save_scenario"):
        # the field follows the scenario's name when that changes (opened, another domain, deleted),
        # and otherwise keeps what was typed
        if st.session_state.get("scn_name_shown") != st.session_state.get("scn_name", ""):
            st.session_state["scn_name_field"] = st.session_state["scn_name_shown"] = \
                st.session_state.get("scn_name", "")
        name = st.text_input(t("plan.scn.name", lang), key="scn_name_field",
                             max_chars=1000)  # longer than MAX_NAME: refused with a message, not cut
        if st.form_submit_button(t("plan.scn.save_button", lang), type="primary", icon=":material/save:"):
            saves, most = int(st.session_state.get(SAVES_KEY, 0)), store.max_per_session()
            try:
                if saves >= most:
                    st.error(t("plan.scn.session_limit", lang, n=saves, max=most))
                else:
                    new_id = store.save(path, name, domain, changes)
                    st.session_state[SAVES_KEY] = saves + 1
                    clean = store.clean_name(name)
                    st.session_state.update(scn_id=new_id, scn_name=clean, scn_name_shown=clean, scn_edits=[
                        c for c in changes if c["op"] != "add"])
                    st.query_params["scenario"] = new_id
                    st.success(t("plan.scn.saved", lang, id=new_id))
            except store.ScenarioNameError as exc:
                st.error(t("plan.scn.need_name", lang) if exc.reason == "empty"
                         else t("plan.scn.name_control", lang) if exc.reason == "control"
                         else t("plan.scn.name_too_long", lang, max=store.MAX_NAME, n=exc.length))
            except store.ScenarioLimitError as exc:
                st.error(t("plan.scn.store_full", lang, max=exc.limit))

st.subheader(t("plan.scn.list", lang))
st.caption(t("plan.scn.access_note", lang))
saved = store.list_all(path)
if saved.empty:
    st.info(t("plan.scn.none", lang))
else:
    shown = saved.assign(domain=saved["domain"].map(lambda d: domain_label(d, lang)))
    st.dataframe(shown.rename(columns={"id": t("plan.col.id", lang), "name": t("plan.scn.name", lang),
                                       "created_at": t("plan.scn.created", lang),
                                       "domain": t("plan.scn.domain", lang),
                                       "n_changes": t("plan.scn.changes", lang)}),
                 hide_index=True, width="stretch")
    ids = saved["id"].tolist()
    label = dict(zip(saved["id"], saved["name"], strict=True))
    p1, p2, p3 = st.columns([3, 1, 1], vertical_alignment="bottom")
    pick = p1.selectbox(t("plan.scn.pick", lang), ids, key="scn_pick",
                        format_func=lambda i: f"{label[i]} ({i})")
    if p2.button(t("plan.scn.open", lang), key="scn_open"):
        st.query_params["scenario"] = pick
        st.session_state["scn_id"] = None
        st.rerun()
    # deleting needs an admin login (on the Data page); checked again when clicked
    admin = auth.is_admin()
    if p3.button(t("plan.scn.delete", lang), key="scn_delete", disabled=not admin,
                 help=None if admin else t("plan.scn.delete_admin_only", lang)):
        if not auth.is_admin():
            st.error(t("plan.scn.delete_refused", lang))
        else:
            store.delete(path, pick)
            if st.query_params.get("scenario") == pick:
                del st.query_params["scenario"]
                st.session_state.update(scn_id=None, scn_name="")
            st.toast(t("plan.scn.deleted", lang, id=pick))
            st.rerun()
    if not admin:
        st.caption(t("plan.scn.delete_admin_only", lang))
state.sync(domain=domain)
page_footer(lang)
