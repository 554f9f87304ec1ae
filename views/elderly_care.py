"""养老托育 Elderly and child care (pilot-plan task 16): care beds, travel to care, medical-elderly, infant care."""

import streamlit as st

from ui.data import FACILITIES, audit_table
from ui.domain import (
    footer,
    header,
    localise,
    missing_section,
    render_domain,
    show_glance,
    show_kinds,
    show_table,
)
from ui.i18n import md_text, t
from ui.missing import show_far_from_road

KINDS = ("care_home", "day_care", "medical_elderly", "infant_care")
GLANCE = ("elderly_care_beds_per_1000_60plus", "elderly_care_walk_min",
          "infant_care_places_per_1000_0_2")

lang = header("elderly_care")
view = render_domain("elderly_care", lang)
show_far_from_road(lang)
f = view.frames

show_kinds(view, KINDS, {"care_beds": "dom.care.care_beds", "places": "dom.care.places"},
           ("elderly_care",), "dom.care.kinds", "care_facilities_by_kind")

st.subheader(t("dom.care.medical_elderly", lang))
combined = audit_table("named_list", FACILITIES, "medical_elderly")
register_missing = missing_section(("elderly_care",), lang, t("dom.care.medical_elderly", lang))
if register_missing:
    st.info(register_missing)
elif combined["n"] == 0:
    st.warning(t("dom.care.medical_elderly_none", lang))
else:
    st.success(t("dom.care.medical_elderly_some", lang, n=combined["n"], names=md_text(combined["names"])))

st.subheader(t("dom.care.infant", lang))
infant = view.facilities(("infant_care",))
show_table(localise(infant, {"name": "dom.col.name", "township_code": "dom.col.township",
                             "places": "dom.care.places"}, lang, townships=f["townships"],
                    formats={"places": ".0f"}),
           "infant_care", lang, key="dl_infant",
           empty=missing_section(("elderly_care",), lang, t("dom.care.infant", lang))
           or t("dom.care.infant_none", lang))

st.subheader(t("dom.care.by_town", lang))
show_glance(view, GLANCE, "care_by_township", t("dom.care.by_town", lang), key="dl_glance")

footer(lang)
