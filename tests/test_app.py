"""The app's frame through Streamlit's AppTest, on the database built from data/."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import open_app
from ui.i18n import t

ROOT = Path(__file__).resolve().parent.parent
PAGES = ["views/overview.py", "views/education.py", "views/health.py", "views/elderly_care.py",
         "views/culture.py", "views/plan_subcentre.py", "views/plan_consortia.py",
         "views/plan_boarding.py", "views/plan_scenarios.py", "views/data.py",
         "views/travel_compare.py"]


def test_every_registered_page_runs(built_db, monkeypatch):
    at = open_app(built_db, monkeypatch)
    for page in PAGES:
        at.switch_page(page)
        at.run()
        assert not at.exception, (page, at.exception)


def test_pages_are_grouped_overview_services_planning_data():
    tree = ast.parse((ROOT / "app.py").read_text(encoding="utf-8"))
    pages = next(n for n in ast.walk(tree) if isinstance(n, ast.Assign)
                 and getattr(n.targets[0], "id", "") == "pages")
    sections = [ast.unparse(k) for k in pages.value.keys]
    assert sections == ["t('page.overview', lang)", "t('nav.services', lang)", "t('page.planning', lang)",
                        "t('page.data', lang)"]
    paths = [ast.literal_eval(c.args[0]) for v in pages.value.values for c in v.elts]
    assert paths == PAGES


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_frame_on_overview_and_data(built_db, monkeypatch, lang):
    at = open_app(built_db, monkeypatch, lang=lang)
    # the frame's sidebar: the link to this view (AppTest keeps the entrypoint's sidebar on
    # the first run only; the browser test checks it after reruns)
    assert any(t("share.help", lang) in c.value for c in at.sidebar.caption)
    assert at.sidebar.button_group(key="lang").value == lang
    for page, key in (("views/overview.py", "overview"), ("views/data.py", "data")):
        at.switch_page(page)
        at.run()
        assert at.title[0].value == t(f"page.{key}", lang)
        assert any(t("synthetic.title", lang) in w.value for w in at.warning)
        captions = [c.value for c in at.caption]
        assert any(t("frame.registers_year", lang, year=2024) in c for c in captions)
        assert any(t("source.census", lang) in c for c in captions)


def test_language_survives_page_switches(built_db, monkeypatch):
    # clicking the switch itself is checked in the browser (tests/test_browser.py): AppTest
    # loses sidebar widgets drawn before st.navigation on reruns
    at = open_app(built_db, monkeypatch, lang="en")
    assert at.title[0].value == "Overview"
    at.switch_page("views/data.py")
    at.run()
    assert at.title[0].value == "Data"
    assert at.query_params["lang"] in ("en", ["en"])
    at.switch_page("views/overview.py")
    at.run()
    assert at.title[0].value == "Overview"
    assert at.query_params["lang"] in ("en", ["en"])


def test_invalid_language_falls_back(built_db, monkeypatch):
    at = open_app(built_db, monkeypatch, lang="'; DROP TABLE units; --")
    assert at.title[0].value == "总览"
    assert at.query_params["lang"] in ("zh", ["zh"])


@pytest.mark.parametrize(("raw", "lang"), [("EN", "en"), (" en ", "en"), ("ZH", "zh"), ("xx", "zh")])
def test_language_parameter_is_normalised_in_the_url(built_db, monkeypatch, raw, lang):
    # the switch, the navigation, the page and the address agree on one valid language
    at = open_app(built_db, monkeypatch, lang=raw)
    assert at.query_params["lang"] in (lang, [lang])
    assert at.sidebar.button_group(key="lang").value == lang
    assert at.title[0].value == t("page.overview", lang)
