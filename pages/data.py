"""数据 Data: what is loaded, the rejected rows and why, blank templates, how to load a file;
for an admin, loading a file and rebuilding the database from the app.

View state in the URL: ``lang``, ``load`` (load id or ``all``) and ``kind`` (register kind
of the template shown). The admin login lives in Session State only, never in the URL.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from etl.aliases import FIELDS
from etl.schema import REGISTER_KINDS, TABLES
from etl.templates import template_bytes
from ui import auth, state, upload
from ui.brief import brief_html
from ui.data import query
from ui.frame import download_buttons, page_footer, page_header, sources, synthetic_on_screen
from ui.i18n import current_lang, md_text, t

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


_KIND_KEYS = {f"kind.{k}" for k in REGISTER_KINDS}

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

# -- rejected rows ------------------------------------------------------------------------------
st.subheader(t("dp.rejects", lang))
load_names = dict(zip(loads["load_id"].astype(str), loads["file_name"].astype(str), strict=True))
load_options = ["all", *load_names]
if (new_load := st.session_state.pop(upload.SELECT_LOAD_KEY, None)) in load_names:
    st.session_state["load"] = new_load  # just loaded from this page: show its rejects
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
        f"python -m etl validate FILE --kind {kind}\n"
        f"python -m etl load FILE --kind {kind}", language="bash")

# -- in the app, for an admin: upload a register, rebuild the database ---------------------------
st.subheader(t("dp.admin", lang))
admin = auth.login_panel(lang)
off = not admin
st.markdown(f"**{t('dp.upload', lang)}**")
st.caption(t("dp.up_limits", lang, mb=upload.max_upload_mb()))
with st.form("upload_form"):
    up_file = st.file_uploader(t("dp.up_file", lang), type=list(upload.UPLOAD_TYPES), disabled=off,
                               max_upload_size=upload.max_upload_mb(),
                               key=f"up_file_{st.session_state.get(upload.UPLOADER_KEY, 0)}")
    u1, u2 = st.columns(2)
    up_kind = u1.selectbox(t("dp.up_kind", lang), list(REGISTER_KINDS), key="up_kind",
                           format_func=kind_label, disabled=off)
    up_crs = u2.selectbox(t("dp.up_crs", lang), list(upload.CRS_OPTIONS), key="up_crs",
                          format_func=lambda c: t(f"crs.{c}", lang), disabled=off)
    up_map = st.text_area(t("dp.up_map", lang), key="up_map", help=t("dp.up_map_help", lang),
                          height=80, max_chars=2000, disabled=off)
    b1, b2 = st.columns(2)
    do_validate = b1.form_submit_button(t("dp.up_validate", lang), key="up_validate", disabled=off,
                                        icon=":material/fact_check:")
    do_load = b2.form_submit_button(t("dp.up_load", lang), key="up_load", type="primary",
                                    disabled=off, icon=":material/upload_file:")
if do_validate or do_load:
    upload.upload_action(up_file, up_kind, up_crs, up_map, validate_only=bool(do_validate), lang=lang)
if outcome := st.session_state.get(upload.RESULT_KEY):
    st.markdown(f"**{t('dp.up_result', lang)}**")
    if "error" in outcome:
        # messages carry file and column names and raw values: shown as text, never Markdown
        st.error(md_text(outcome["error"]), icon=":material/error:")
        st.caption(t("dp.up_failed", lang))
    else:
        (st.info if outcome["validated"] or outcome["already"] else st.success)(md_text(outcome["summary"]))
        if outcome["validated"]:
            st.caption(t("dp.up_validated", lang))
        m1, m2, m3 = st.columns(3)
        m1.metric(t("dp.rows_read", lang), f"{outcome['rows_read']:,}")
        m2.metric(t("dp.rows_loaded", lang), f"{outcome['rows_loaded']:,}")
        m3.metric(t("dp.rows_rejected", lang), f"{outcome['rows_rejected']:,}")
        for note in outcome["notes"]:
            st.caption(f"{t('dp.up_notes', lang)}: {md_text(note)}")
        up_rejects = outcome["rejects"]
        if len(up_rejects):
            st.caption(t("dp.up_rejects", lang))
            st.dataframe(pd.DataFrame({col_label("rejects", c if c != reason else "reason_zh"): up_rejects[c]
                                       for c in ["row_number", "sheet", "column_name", "raw", reason]}),
                         hide_index=True, width="stretch", key="up_rejects_table",
                         column_config={col_label("rejects", "raw"): st.column_config.TextColumn()})

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
    tables.append((t("dp.rejects", lang), rejects_view.head(200)) if not rejects.empty
                  else (t("dp.no_rejects", lang), rejects_view))
    return brief_html(t("dp.brief_title", lang), title, [], [], tables, sources(lang),
                      t("synthetic.short", lang) if synthetic_on_screen() else None,
                      lang).encode("utf-8")


st.caption(t("brief.help", lang))
st.download_button(t("download.brief", lang), data=brief, file_name="kaijiang_data_brief.html",
                   mime="text/html", key="dl_brief_data", on_click="ignore", icon=":material/description:")

page_footer(lang)
