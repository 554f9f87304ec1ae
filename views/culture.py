"""公共文化 Culture (pilot-plan task 14): the four-tier network, branches, opening hours."""

import streamlit as st

from metrics import settings
from ui.data import FACILITIES, TOWNSHIPS, UNITS, audit_table
from ui.domain import footer, header, localise, missing_section, render_domain, show_table
from ui.i18n import facility_label, md_text, t
from ui.missing import show_far_from_road

TOWNSHIP_TYPES = ("township_complex", "library_branch", "culture_branch")
UNIT_TYPES = ("village_centre", "courtyard_post")

lang = header("culture")
view = render_domain("culture", lang)
show_far_from_road(lang)
f = view.frames
sep = "、" if lang == "zh" else ", "


def sections() -> None:
    """The four-tier network, branches and opening hours (needs the culture register)."""
    st.subheader(t("dom.culture.tiers", lang))
    st.caption(t("dom.culture.tiers_note", lang))
    stage = audit_table("named_list", FACILITIES, "county_stage")
    st.markdown(t("dom.culture.county_stage_ok", lang, n=stage["n"]) if stage["n"]
                else t("dom.culture.county_stage_none", lang))
    cov = audit_table("township_coverage", UNITS, FACILITIES, TOWNSHIPS, TOWNSHIP_TYPES, UNIT_TYPES)
    missing = [md_text(n) for n in cov.loc[~cov["has_township_complex"], "name"]]
    st.markdown(t("dom.culture.missing_complex", lang, names=sep.join(missing)) if missing
                else t("dom.culture.all_complex", lang))
    lacking = audit_table("units_lacking", UNITS, FACILITIES, UNIT_TYPES)
    st.markdown(t("dom.culture.missing_units", lang,
                  n=int((~lacking["has_village_centre"]).sum()),
                  m=int((~lacking["has_courtyard_post"]).sum())))
    columns = {"name": "dom.col.township", "n_units": "dom.col.n_units",
               **{f"has_{k}": f"facility.{k}" for k in TOWNSHIP_TYPES},
               **{f"lacking_{k}": f"dom.culture.lack.{k}" for k in UNIT_TYPES}}
    tab1, tab2 = st.tabs([t("dom.culture.by_town", lang), t("dom.culture.units_lacking", lang)])
    with tab1:
        shown = cov if not view.township else cov.loc[cov["township_code"] == view.township]
        show_table(localise(shown, columns, lang), "culture_coverage_by_township", lang, key="dl_cov")
    with tab2:
        shown = lacking if not view.township else lacking.loc[lacking["township_code"] == view.township]
        show_table(localise(shown, {"code": "dom.col.code", "name": "dom.col.unit",
                                    "township_code": "dom.col.township",
                                    **{f"has_{k}": f"facility.{k}" for k in UNIT_TYPES}},
                            lang, townships=f["townships"]),
                   "culture_units_lacking", lang, key="dl_lacking")

    st.subheader(t("dom.culture.branches", lang))
    for kind in ("library_branch", "culture_branch"):
        gone = [md_text(n) for n in cov.loc[~cov[f"has_{kind}"], "name"]]
        what = facility_label(kind, lang)
        st.markdown(t("dom.culture.missing_branch", lang, what=what, names=sep.join(gone)) if gone
                    else t("dom.culture.all_branch", lang, what=what))

    st.subheader(t("dom.culture.hours", lang))
    county_h = settings.get("library_hours_per_week", view.overrides)
    branch_h = settings.get("branch_hours_per_week", view.overrides)
    st.caption(t("dom.culture.hours_note", lang, county=f"{county_h:g}", branch=f"{branch_h:g}"))
    hours = view.audit("hours_against_standard", FACILITIES, {
        "library": county_h, "culture_centre": county_h,
        "library_branch": branch_h, "culture_branch": branch_h})
    st.markdown(t("dom.culture.hours_summary", lang, n=int((hours["status"] == "not_met").sum())))
    show_table(localise(hours, {"name": "dom.col.name", "type": "dom.col.type",
                                "township_code": "dom.col.township",
                                "hours_per_week": "dom.culture.hours_col",
                                "standard": "dom.culture.standard_col", "gap": "dom.culture.gap_col",
                                "status": "dom.col.status"},
                        lang, townships=f["townships"]),
               "culture_opening_hours", lang, key="dl_hours")

# every section below counts cultural facilities: without the register, say so once
absent = missing_section(("culture",), lang, t("dom.culture.tiers", lang))
if absent:
    st.subheader(t("dom.culture.tiers", lang))
    st.info(absent)
else:
    sections()

footer(lang)
