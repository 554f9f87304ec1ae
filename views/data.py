"""数据 Data: what is loaded, the rejected rows and why, blank templates, how to load a file;
for an admin, loading a file and rebuilding the database from the app.

View state in the URL: ``lang``, ``load`` (load id or ``all``) and ``kind`` (register kind
of the template shown). The admin login lives in Session State only, never in the URL.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from etl.aliases import FIELDS
from etl.road_graph import CLIP_KM
from etl.schema import REGISTER_KINDS, ROADS_KIND, TABLES
from etl.templates import template_bytes
from ui import auth, state, upload
from ui import registers as regs
from ui.brief import brief_html
from ui.data import query, township_names, travel_label
from ui.frame import download_buttons, page_footer, page_header, sources, synthetic_on_screen
from ui.i18n import current_lang, md_text, t
from ui.pinyin import place_label

lang = current_lang()
zh = lang == "zh"
page_header("data", lang)


def col_label(table: str, name: str) -> str:
    """Column heading from the data contract, in the chosen language."""
    for c in TABLES[table]:
        if c.name == name:
            return c.zh if zh else c.en
    return name


def kind_label(kind: str) -> str:
    key = f"kind.{kind}"
    return f"{t(key, lang)} ({kind})" if key in _KIND_KEYS else str(kind)


_KIND_KEYS = {f"kind.{k}" for k in (*REGISTER_KINDS, ROADS_KIND)}

# -- what is loaded ---------------------------------------------------------------------------
st.subheader(t("dp.loads", lang))
loads = query("SELECT load_id, file_name, kind, crs, rows_read, rows_loaded, rows_rejected, "
              "loaded_at FROM loads ORDER BY load_id")
loads_view = pd.DataFrame({col_label("loads", c): loads[c] for c in loads.columns})
loads_view[col_label("loads", "kind")] = [kind_label(k) for k in loads["kind"]]
if loads.empty:
    st.info(t("dp.no_loads", lang))
else:
    st.dataframe(loads_view, hide_index=True, width="stretch")
    download_buttons(loads_view, "kaijiang_loads", lang, "dl_loads")

# -- registers: which data is in use, every register and its status, the log -------------------
st.subheader(t("dp.reg.heading", lang))
register_rows = regs.registers()
if not register_rows:
    st.info(t("dp.reg.none", lang), icon=":material/inventory_2:")
else:
    st.caption(t("dp.reg.summary_help", lang))
    st.dataframe(regs.summary_view(regs.summary(), lang), hide_index=True, width="stretch",
                 key="reg_summary")
    st.caption(t("dp.reg.table_help", lang))
    registers_view = regs.registers_view(register_rows, lang)
    st.dataframe(registers_view, hide_index=True, width="stretch", key="reg_table")
    download_buttons(registers_view, "kaijiang_registers", lang, "dl_registers")
    with st.expander(t("dp.reg.log", lang), icon=":material/history:"):
        st.dataframe(regs.events_view(regs.events(), lang), hide_index=True, width="stretch",
                     key="reg_log")
        st.caption(t("dp.reg.log_help", lang))

# -- rejected rows ------------------------------------------------------------------------------
st.subheader(t("dp.rejects", lang))
load_names = dict(zip(loads["load_id"].astype(str), loads["file_name"].astype(str), strict=True))
load_options = ["all", *load_names]
if (new_load := st.session_state.pop(upload.SELECT_LOAD_KEY, None)) in load_names:
    st.session_state["load"] = new_load  # just loaded from this page: show its rejects
    st.session_state["reg_pick"] = int(new_load)  # and offer its register to withdraw
state.bind("load", "all", options=load_options)
st.selectbox(t("dp.load_filter", lang), load_options, key="load",
             format_func=lambda v: t("dp.all_loads", lang) if v == "all"
             else t("dp.load_label", lang, id=v, file=load_names[v]))
chosen_load = st.session_state["load"]
reason = "reason_zh" if zh else "reason_en"
cols = f"load_id, row_number, sheet, column_name, raw, {reason}"
if chosen_load == "all":
    rejects = query(f"SELECT {cols} FROM rejects ORDER BY load_id, row_number")
else:
    rejects = query(f"SELECT {cols} FROM rejects WHERE load_id = ? ORDER BY row_number",
                    (int(chosen_load),))
rejects_view = pd.DataFrame({col_label("rejects", c if c != reason else "reason_zh"): rejects[c]
                             for c in rejects.columns})
if rejects.empty:
    st.success(t("dp.no_rejects", lang))
else:
    st.caption(t("dp.rejects_count", lang, n=f"{len(rejects):,}") + " " + t("dp.rejects_help", lang))
    st.dataframe(rejects_view, hide_index=True, width="stretch",
                 column_config={col_label("rejects", "raw"): st.column_config.TextColumn()})
    download_buttons(rejects_view, "kaijiang_rejects", lang, "dl_rejects")

# -- blank templates and accepted headers ---------------------------------------------------------
st.subheader(t("dp.templates", lang))
kinds = [k for k in REGISTER_KINDS if k != "boundaries"]
state.bind("kind", kinds[0], options=kinds)
c1, c2, c3 = st.columns([2, 1, 1])
c1.selectbox(t("dp.kind", lang), kinds, key="kind", format_func=kind_label)
kind = st.session_state["kind"]
c2.download_button(t("dp.template_csv", lang), data=lambda: template_bytes(kind, "csv"),
                   file_name=f"template_{kind}.csv", mime="text/csv", key="dl_tpl_csv",
                   on_click="ignore")
c3.download_button(t("dp.template_xlsx", lang), data=lambda: template_bytes(kind, "xlsx"),
                   file_name=f"template_{kind}.xlsx", key="dl_tpl_xlsx", on_click="ignore",
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
st.caption(t("dp.fields", lang))
fields = pd.DataFrame({
    t("dp.field", lang): [f.name for f in FIELDS if kind in f.kinds],
    t("dp.field_label", lang): [f.zh if zh else f.en for f in FIELDS if kind in f.kinds],
    t("dp.aliases", lang): [" · ".join(f.aliases) for f in FIELDS if kind in f.kinds],
})
st.dataframe(fields, hide_index=True, width="stretch")

# -- how to load ------------------------------------------------------------------------------------
st.subheader(t("dp.how", lang))
st.markdown(t("dp.how_text", lang))
st.code("python -m etl load FILE --kind KIND [--crs gcj02] [--map 源列=field]\n"
        f"python -m etl validate FILE --kind {kind} --year 2024\n"
        f"python -m etl load FILE --kind {kind} --year 2024 [--scope 任市镇,长岭镇]\n"
        "python -m etl load FILE --kind roads --year 2024 [--crs gcj02]  # .osm.pbf .osm .geojson .gpkg .zip\n"
        "python -m etl registers\npython -m etl withdraw ID", language="bash")
st.caption(t("dp.how_year", lang))

# -- in the app, for an admin: upload a register, rebuild the database ---------------------------
st.subheader(t("dp.admin", lang))
admin = auth.login_panel(lang)
off = not admin
st.markdown(f"**{t('dp.upload', lang)}**")
st.caption(t("dp.up_limits", lang, mb=upload.max_upload_mb()))
towns = township_names()
outcome = st.session_state.get(upload.RESULT_KEY) or {}
with st.form("upload_form"):
    up_file = st.file_uploader(t("dp.up_file", lang), type=list(upload.UPLOAD_TYPES), disabled=off,
                               max_upload_size=upload.max_upload_mb(),
                               key=f"up_file_{st.session_state.get(upload.UPLOADER_KEY, 0)}")
    u1, u2 = st.columns(2)
    up_kind = u1.selectbox(t("dp.up_kind", lang), [*REGISTER_KINDS, ROADS_KIND], key="up_kind",
                           format_func=kind_label, disabled=off)
    up_crs = u2.selectbox(t("dp.up_crs", lang), list(upload.CRS_OPTIONS), key="up_crs",
                          format_func=lambda c: t(f"crs.{c}", lang), disabled=off)
    u3, u4 = st.columns(2)
    up_year = u3.number_input(t("dp.up_year", lang), min_value=1990, max_value=2100, value=None,
                              step=1, format="%d", key="up_year", disabled=off,
                              placeholder=t("dp.up_year_placeholder", lang),
                              help=t("dp.up_year_help", lang))
    up_type = u4.selectbox(t("dp.up_type", lang), upload.type_options(), key="up_type",
                           disabled=off, help=t("dp.up_type_help", lang),
                           format_func=lambda c: upload.type_label(c, lang))
    up_scope = st.multiselect(t("dp.up_scope", lang), list(towns), key="up_scope",
                              format_func=lambda c: place_label(towns.get(c, c), lang), disabled=off,
                              placeholder=t("dp.up_scope_placeholder", lang),
                              help=t("dp.up_scope_help", lang))
    up_map = st.text_area(t("dp.up_map", lang), key="up_map", help=t("dp.up_map_help", lang),
                          height=80, max_chars=2000, disabled=off)
    b1, b2 = st.columns(2)
    do_validate = b1.form_submit_button(t("dp.up_validate", lang), key="up_validate", disabled=off,
                                        icon=":material/fact_check:")
    do_load = b2.form_submit_button(t("dp.up_load", lang), key="up_load",
                                    type="secondary" if outcome.get("pending") else "primary",
                                    disabled=off, icon=":material/upload_file:",
                                    help=t("dp.up_load_help", lang))
    do_confirm = False
    if outcome.get("pending") and admin:
        # what the load will do, beside the button that does it
        st.warning("  \n".join([t("dp.pv_heading", lang, file=md_text(outcome["file"])),
                                *(f"- {md_text(line)}" for line in outcome["register"])]),
                   icon=":material/pending_actions:")
        st.caption(t("dp.pv_confirm_help", lang))
        do_confirm = st.form_submit_button(t("dp.up_confirm", lang), key="up_confirm", type="primary",
                                           icon=":material/check_circle:")
if do_validate or do_load or do_confirm:
    settings = upload.Settings(kind=up_kind, crs=up_crs, map_text=up_map,
                               year=None if up_year is None else int(up_year),
                               scope=tuple(up_scope), type=up_type)
    mode = "confirm" if do_confirm else "validate" if do_validate else "load"
    upload.upload_action(up_file, settings, mode=mode, lang=lang)
if outcome := st.session_state.get(upload.RESULT_KEY):
    st.markdown(f"**{t('dp.up_result', lang)}**")
    if "error" in outcome:
        # messages carry file and column names and raw values: shown as text, never Markdown
        st.error(md_text(outcome["error"]), icon=":material/error:")
        if outcome.get("hint"):
            st.caption(outcome["hint"])
        st.caption(t("dp.up_failed", lang))
    else:
        done = outcome["mode"] == "loaded"
        (st.success if done and not outcome["already"] else st.info)(md_text(outcome["summary"]))
        if outcome["mode"] == "validate":
            st.caption(t("dp.up_validated", lang))
        elif outcome["mode"] == "preview":
            if outcome.get("changed"):
                st.caption(t("dp.pv_changed", lang))
            st.caption(t("dp.pv_not_yet", lang))
        if outcome["register"] and outcome["mode"] != "preview":
            (st.success if done else st.info)("  \n".join(f"- {md_text(x)}" for x in outcome["register"]))
        m1, m2, m3 = st.columns(3)
        m1.metric(t("dp.rows_read", lang), f"{outcome['rows_read']:,}")
        m2.metric(t("dp.rows_loaded" if done else "dp.rows_loadable", lang), f"{outcome['rows_loaded']:,}")
        m3.metric(t("dp.rows_rejected", lang), f"{outcome['rows_rejected']:,}")
        if stats := outcome.get("roads"):
            # the network's counts, length by class and connectivity (etl.road_graph)
            st.markdown(f"**{t('dp.roads.heading', lang)}**")
            n1, n2, n3, n4 = st.columns(4)
            n1.metric(t("dp.roads.ways", lang), f"{stats['ways']:,}")
            n2.metric(t("dp.roads.nodes", lang), f"{stats['nodes']:,}")
            n3.metric(t("dp.roads.segments", lang), f"{stats['segments']:,}")
            n4.metric(t("dp.roads.km", lang), f"{stats['km_total']:,.1f}")
            st.dataframe(pd.DataFrame({
                t("dp.roads.class", lang): [t(f"road.{c}", lang) for c in stats["km_by_class"]],
                t("dp.roads.class_km", lang): [round(float(k), 1) for k in stats["km_by_class"].values()],
            }), hide_index=True, key="up_roads_classes")
            if stats["largest_share_length"] is not None:
                st.caption(t("dp.roads.connectivity", lang, share=f"{stats['largest_share_length']:.1%}",
                             pieces=stats["pieces_not_connected"]))
            if stats["segments_outside"]:
                st.caption(t("dp.roads.outside", lang, n=stats["segments_outside"], km=CLIP_KM))
        for note in outcome["notes"]:
            st.caption(f"{t('dp.up_notes', lang)}: {md_text(note)}")
        up_rejects = outcome["rejects"]
        if len(up_rejects):
            st.caption(t("dp.up_rejects", lang))
            st.dataframe(pd.DataFrame({col_label("rejects", c if c != reason else "reason_zh"): up_rejects[c]
                                       for c in ["row_number", "sheet", "column_name", "raw", reason]}),
                         hide_index=True, width="stretch", key="up_rejects_table",
                         column_config={col_label("rejects", "raw"): st.column_config.TextColumn()})

# -- withdraw or restore a register -----------------------------------------------------------------
st.markdown(f"**{t('dp.reg.change', lang)}**")
st.caption(t("dp.reg.change_help", lang))
if register_rows:
    by_id = {r["register_id"]: r for r in register_rows}
    ids = list(reversed(by_id))  # the latest first
    if st.session_state.get("reg_pick") not in by_id:
        st.session_state.pop("reg_pick", None)
    r1, r2, r3 = st.columns([4, 1, 1], vertical_alignment="bottom")
    pick = r1.selectbox(t("dp.reg.pick", lang), ids, key="reg_pick",
                        format_func=lambda i: regs.register_label(by_id[i], lang))
    withdrawn = by_id[pick]["status"] == "withdrawn"
    why = None if admin else t("auth.admin_only", lang)
    if r2.button(t("dp.reg.withdraw", lang), key="reg_withdraw", disabled=off or withdrawn,
                 icon=":material/remove_circle:", help=why or t("dp.reg.withdraw_help", lang),
                 width="stretch"):
        regs.status_action(by_id[pick], True, lang)
    if r3.button(t("dp.reg.restore", lang), key="reg_restore", disabled=off or not withdrawn,
                 icon=":material/undo:", help=why or t("dp.reg.restore_help", lang), width="stretch"):
        regs.status_action(by_id[pick], False, lang)
    st.caption(t("dp.reg.pick_status", lang, status=regs.status_text(by_id[pick], lang)))
if flash := st.session_state.pop(regs.FLASH_KEY, None):
    {"success": st.success, "info": st.info, "error": st.error}[flash[0]](
        "  \n".join(md_text(line) for line in flash[1]))

st.markdown(f"**{t('dp.rebuild', lang)}**")
st.caption(t("dp.rebuild_help", lang))
if flash := st.session_state.pop(upload.FLASH_KEY, None):
    (st.success if flash[0] == "success" else st.error)(md_text(flash[1]))
if st.button(t("dp.rebuild_button", lang), key="rebuild", disabled=off, icon=":material/refresh:",
             help=None if admin else t("auth.admin_only", lang)):
    upload.rebuild_action(lang)

state.sync(load=chosen_load, kind=kind)

# -- brief ---------------------------------------------------------------------------------------------
st.subheader(t("brief.heading", lang))


def brief() -> bytes:
    title = t("dp.load_filter", lang) + ": " + (t("dp.all_loads", lang) if chosen_load == "all"
                                              else t("dp.load_label", lang, id=chosen_load,
                                                     file=load_names[chosen_load]))
    tables = [(t("dp.loads", lang), loads_view)]
    if register_rows:
        tables.append((t("dp.reg.heading", lang), registers_view))
    tables.append((t("dp.rejects", lang), rejects_view.head(200)) if not rejects.empty
                  else (t("dp.no_rejects", lang), rejects_view))
    return brief_html(t("dp.brief_title", lang), title, [], [], tables, sources(lang),
                      t("synthetic.short", lang) if synthetic_on_screen() else None,
                      lang, travel=t("frame.travel", lang, model=travel_label(lang))
                      ).encode("utf-8")


st.caption(t("brief.help", lang))
st.download_button(t("download.brief", lang), data=brief, file_name="kaijiang_data_brief.html",
                   mime="text/html", key="dl_brief_data", on_click="ignore", icon=":material/description:")

page_footer(lang)
