"""卫生健康 Health (pilot-plan task 15): hospitals, health centres, clinics; beds, doctors, access."""

import streamlit as st

from ui.domain import (
    footer,
    header,
    render_domain,
    show_glance,
    show_kinds,
)
from ui.i18n import t
from ui.missing import show_far_from_road

KINDS = ("county_hospital", "central_health_centre", "health_centre", "community_health_centre",
         "village_clinic")
GLANCE = ("health_centre_car_min", "health_centre_share_15min", "health_township_beds_per_1000",
          "health_county_beds_2sfca_per_1000", "health_township_doctors_per_1000",
          "health_clinic_coverage", "health_doctors_2sfca_per_1000")

lang = header("health")
view = render_domain("health", lang)
show_far_from_road(lang)
f = view.frames

show_kinds(view, KINDS, {"beds": "dom.health.beds", "doctors": "dom.health.doctors",
                         "nurses": "dom.health.nurses"},
           ("hospitals", "clinics"), "dom.health.kinds", "health_facilities_by_kind")
st.caption(t("dom.health.sub_centre", lang, consortia=t("page.plan_consortia", lang),
             subcentre=t("page.plan_subcentre", lang)))

st.subheader(t("dom.health.by_town", lang))
show_glance(view, GLANCE, "health_by_township", t("dom.health.by_town", lang), key="dl_glance")

footer(lang)
