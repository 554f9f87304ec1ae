"""A shared link opened first after a restart gets the whole app, not a bare page.

Streamlit runs a fresh server in its old multipage mode when a folder named ``pages/`` sits
beside the main script: a first visitor arriving on ``/health`` would get the page script alone,
with Streamlit's automatic file list (app, culture, data, …) instead of our menu, and no
language switch or share box. The page scripts therefore live in ``views/`` and every run goes
through ``app.py``'s ``st.navigation``; no Streamlit internals are touched. Each test starts its
own server, so the link really is the first visit.
"""

from __future__ import annotations

import pytest

from tests import conftest as kit

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("page_key, title", [("health", "Health"), ("plan_boarding", "Boarding")])
def test_first_visit_on_a_deep_link_gets_the_frame(built_db, streamlit_server, open_page, page_key,
                                                   title):
    # a server of its own: the env marker makes the kit start a new one
    url = streamlit_server(built_db, EQUITY_TEST_FRESH_SERVER=f"deeplink-{page_key}")
    page = open_page(f"{url}/{page_key}?lang=en")
    kit.wait_for_text(page, "Share this view")
    kit.settle(page)
    sidebar = page.locator('[data-testid="stSidebar"]')
    nav = sidebar.inner_text()
    # our menu with its groups, the language switch and the share box, not the file list
    assert "Public services" in nav and "Planning" in nav
    assert "English" in nav and "中文" in nav
    assert "plan_scenarios" not in nav and "elderly_care" not in nav
    assert title in page.locator("h1").first.inner_text()
    assert kit.url_params(page)["lang"] == ["en"]
    assert page.url.split("?")[0].endswith(f"/{page_key}")
