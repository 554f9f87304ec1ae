"""开江县城乡公共服务均等化监测 — the app's frame: page config, language switch, navigation.

Every page calls ``ui.frame.page_header``/``page_footer`` itself (title, synthetic-data
banner, data year, sources, link to the view). The language lives in ``?lang=`` and in
Session State, so it survives page switches.
"""

from pathlib import Path

import streamlit as st

from ui.data import ensure_database
from ui.i18n import normalise_lang, t
from ui.state import copy_link, language_selector, year_selector

# a local icon: a Material icon as page_icon makes every browser fetch it from Google's font host
st.set_page_config(page_title="开江县城乡公共服务均等化监测",
                   page_icon=str(Path(__file__).parent / "ui" / "static" / "favicon.png"), layout="wide")
ensure_database()
# the switch is drawn after st.navigation (below); its current value is already known here
lang = normalise_lang(st.session_state.get("lang") or st.query_params.get("lang"))


def _page(path: str, key: str, icon: str, default: bool = False) -> st.Page:
    # url_path is fixed so links stay the same in both languages
    return st.Page(path, title=t(f"page.{key}", lang), icon=icon, url_path=key, default=default)


pages = {
    t("page.overview", lang): [_page("views/overview.py", "overview", ":material/dashboard:", default=True)],
    t("nav.services", lang): [
        _page("views/education.py", "education", ":material/school:"),
        _page("views/health.py", "health", ":material/local_hospital:"),
        _page("views/elderly_care.py", "elderly_care", ":material/elderly:"),
        _page("views/culture.py", "culture", ":material/theater_comedy:"),
    ],
    t("page.planning", lang): [
        _page("views/plan_subcentre.py", "plan_subcentre", ":material/add_location_alt:"),
        _page("views/plan_consortia.py", "plan_consortia", ":material/hub:"),
        _page("views/plan_boarding.py", "plan_boarding", ":material/hotel:"),
        _page("views/plan_scenarios.py", "plan_scenarios", ":material/compare:"),
    ],
    t("page.data", lang): [_page("views/data.py", "data", ":material/database:"),
                           _page("views/travel_compare.py", "travel_compare", ":material/route:")],
}
page = st.navigation(pages)
lang = language_selector()
year_selector(lang)
page.run()
# the link to this exact view, after the page has written its state to the URL
with st.sidebar:
    st.subheader(t("share.title", lang))
    copy_link(lang)
