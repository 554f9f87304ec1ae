"""教育 Education (pilot-plan task 13): schools, travel to school, teachers, boarding, school groups."""

import streamlit as st

from metrics import audit
from metrics.boarding import PLAN_BOARDING_TOWNSHIPS
from ui.data import FACILITIES, TOWNSHIPS, audit_table, township_names
from ui.domain import (
    footer,
    header,
    localise,
    missing_section,
    render_domain,
    show_kinds,
    show_table,
)
from ui.i18n import t
from ui.missing import show_far_from_road

#: Boarding outside the boarding definition (metrics.boarding.COMPULSORY_TYPES), shown apart.
OTHER_BOARDING = ("senior_high", "vocational")
SCHOOLS = ("kindergarten", "teaching_point", "primary", "nine_year", "junior", "senior_high",
           "vocational", "special", "teacher_training")

lang = header("education")
view = render_domain("education", lang)
show_far_from_road(lang)
f = view.frames

show_kinds(view, SCHOOLS, {"students": "dom.edu.students", "teachers": "dom.edu.teachers",
                           "places": "dom.edu.places"},
           ("schools", "kindergartens"), "dom.edu.kinds", "schools_by_kind")

st.subheader(t("dom.edu.spt_title", lang))
spt = view.audit("students_per_teacher_by_school", FACILITIES, ("primary", "nine_year", "junior"))
show_table(localise(spt, {"name": "dom.col.name", "type": "dom.col.type",
                          "township_code": "dom.col.township", "students": "dom.edu.students",
                          "teachers": "dom.edu.teachers", "students_per_teacher": "dom.edu.spt"},
                    lang, townships=f["townships"],
                    formats={"students": ".0f", "teachers": ".0f", "students_per_teacher": ".1f"}),
           "students_per_teacher", lang, key="dl_spt",
           empty=missing_section(("schools",), lang, t("dom.edu.spt_title", lang)))

st.subheader(t("dom.edu.boarding", lang))
st.caption(t("dom.edu.boarding_def", lang))
st.caption(t("dom.edu.boarding_plan", lang))
by_school = view.audit("boarding_by_school", FACILITIES)  # compulsory-education schools
if by_school.empty:
    st.info(missing_section(("schools",), lang, t("dom.edu.boarding", lang))
            or t("dom.edu.no_boarding", lang))
else:
    tot = audit.boarding_totals(by_school)
    st.markdown(t("dom.edu.short_summary", lang, boarders=f"{tot['boarders']:,.0f}",
                  beds=f"{tot['boarding_beds']:,.0f}", n=tot["n_schools"], n_short=tot["n_short"],
                  short=f"{tot['short']:,.0f}", spare=f"{tot['spare']:,.0f}",
                  balance=f"{tot['boarding_beds'] - tot['boarders']:+,.0f}"))
    tab1, tab2 = st.tabs([t("dom.edu.boarding_by_town", lang), t("dom.edu.boarding_by_school", lang)])
    with tab1:
        names = township_names()  # the plan's boarding townships, named by the township table
        plan_towns = tuple(names[c] for c in PLAN_BOARDING_TOWNSHIPS if c in names)
        towns = audit_table("boarding_by_township", FACILITIES, TOWNSHIPS, plan_towns)
        show_table(localise(towns,
                            {"name": "dom.col.township", "in_plan": "dom.edu.in_plan",
                             "n_schools": "dom.edu.n_boarding_schools", "boarders": "dom.edu.boarders",
                             "boarding_beds": "dom.edu.boarding_beds", "gap": "dom.edu.gap",
                             "beds_per_boarder": "dom.edu.beds_per_boarder"},
                            lang, formats={"boarders": ".0f", "boarding_beds": ".0f", "gap": ".0f",
                                           "beds_per_boarder": ".2f"}),
                   "boarding_by_township", lang, key="dl_board_town")
    with tab2:
        show_table(localise(by_school, {"name": "dom.col.name", "type": "dom.col.type",
                                        "township_code": "dom.col.township",
                                        "boarders": "dom.edu.boarders",
                                        "boarding_beds": "dom.edu.boarding_beds", "gap": "dom.edu.gap",
                                        "beds_per_boarder": "dom.edu.beds_per_boarder",
                                        "status": "dom.col.status"},
                            lang, townships=f["townships"],
                            formats={"boarders": ".0f", "boarding_beds": ".0f", "gap": ".0f",
                                     "beds_per_boarder": ".2f"}),
                   "boarding_by_school", lang, key="dl_board_school")
other = audit.boarding_totals(view.audit("boarding_by_school", FACILITIES, OTHER_BOARDING))
if other["n_schools"]:
    st.caption(t("dom.edu.other_boarding", lang, boarders=f"{other['boarders']:,.0f}",
                 beds=f"{other['boarding_beds']:,.0f}"))
st.caption(t("dom.edu.modelled", lang))

st.subheader(t("dom.edu.groups", lang))
groups = view.audit("school_groups", FACILITIES)
show_table(localise(groups, {"school_group": "dom.edu.group", "n_schools": "dom.edu.n_schools",
                             "n_townships": "dom.edu.n_townships", "students": "dom.edu.students",
                             "teachers": "dom.edu.teachers", "members": "dom.edu.members"},
                    lang, formats={"students": ".0f", "teachers": ".0f"}),
           "school_groups", lang, key="dl_groups",
           empty=missing_section(("schools",), lang, t("dom.edu.groups", lang))
           or t("dom.edu.no_groups", lang))

footer(lang)
