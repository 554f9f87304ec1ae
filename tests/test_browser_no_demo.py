"""Going live without the demo, in headless Chromium: on a ``--no-demo`` database with no
register, every page opens through a real server with no exception and says what is missing."""

from __future__ import annotations

from pathlib import Path

import pytest

from etl import db
from tests import conftest as kit
from ui.i18n import t

pytestmark = pytest.mark.browser

PAGES = ("overview", "education", "health", "elderly_care", "culture", "plan_subcentre",
         "plan_consortia", "plan_boarding", "plan_scenarios", "data")


@pytest.fixture(scope="module")
def no_demo_url(tmp_path_factory, streamlit_server) -> str:
    path: Path = tmp_path_factory.mktemp("nodemo_browser") / "equity.duckdb"
    db.build(path, demo=False)
    return streamlit_server(path)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_without_the_demo_says_what_is_missing(no_demo_url, open_page, lang):
    missing = "尚未导入" if lang == "zh" else "Not loaded yet"
    page = open_page()
    for key in PAGES:
        # the overview is the default page: at the root (its own path would say "page not found")
        page.goto(f"{no_demo_url}/{'' if key == 'overview' else key}?lang={lang}")
        kit.settle(page, '[data-testid="stMainBlockContainer"] h1')
        kit.wait_for_text(page, missing)
        assert page.locator('[data-testid="stException"]').count() == 0, key
        assert t("page." + key, lang) in page.inner_text("h1"), key  # this page, not another
        body = page.inner_text("body")
        if key != "data":
            assert "python -m etl load" in body, key  # says how to load what is missing
        # no chart is drawn without data
        assert page.locator(".js-plotly-plot").count() == 0, key
        if key in ("overview", "health"):
            kit.screenshot(page, f"no_demo_{lang}_{key}")
