"""End to end in a real browser: Debian's Chromium driven by Playwright, server on 127.0.0.1.

Every wait is for a condition (the app idle, the address carrying the new parameter, the map
drawn), never for a fixed time: see the helpers in ``tests/conftest.py``."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from tests import conftest as kit

pytestmark = pytest.mark.browser


def test_overview_from_a_shared_link(app_url, open_page):
    page = open_page(f"{app_url}/?lang=en&ind=health_township_beds_per_1000&town=511723109"
                     "&fac=county_hospital&fac=health_centre")
    kit.settle(page, '[data-testid="stMetric"]')
    page.wait_for_selector('[data-testid="stPlotlyChart"] canvas')
    charts = page.locator('[data-testid="stPlotlyChart"]')
    # the map (WebGL canvas) and the ranking (SVG bars) drew something
    assert kit.wait_drawn(charts.nth(0), 20) > 20
    kit.wait_for_count(page, '[data-testid="stPlotlyChart"] .bars path', 12)
    assert kit.wait_drawn(charts.nth(1), 5) > 5
    assert charts.count() >= 2
    text = page.inner_text("body")
    assert "Overview" in text and "Synthetic data" in text
    assert "Map: Township health-centre beds per 1,000 residents" in text
    # every headline card says how far it moves with its speed, and the ratio names its sides
    assert text.count("Sensitivity:") == 4 and "Ratio (rural ÷ urban)" in text
    assert "长岭镇" in text  # the selected township's line
    kit.screenshot(page, "overview_en")

    # a widget change writes the URL
    kit.choose(page, "Indicator", "Residents within a 15-min drive", first=True)
    kit.wait_for_param(page, "ind", "health_centre_share_15min")
    assert kit.url_params(page)["ind"] == ["health_centre_share_15min"]
    assert kit.url_params(page)["medical_circle_min"] == ["15.0"]
    assert kit.url_params(page)["lang"] == ["en"]


def test_overview_default_in_chinese(app_url, open_page):
    page = open_page(app_url)
    kit.settle(page, '[data-testid="stMetric"]')
    page.wait_for_selector('[data-testid="stPlotlyChart"] canvas')
    assert kit.wait_drawn(page.locator('[data-testid="stPlotlyChart"]').nth(0), 20) > 20
    text = page.inner_text("body")
    assert "示例数据" in text and "当前最大的城乡差距" in text and "全部 " in text
    assert "敏感性：小汽车 25–50 km/h" in text and "城乡比（乡村 ÷ 城镇）" in text
    assert "试点方案公共服务任务进度" in text
    kit.screenshot(page, "overview")


def test_language_switch_survives_page_switch(app_url, open_page):
    from playwright.sync_api import expect

    page = open_page(app_url)
    kit.settle(page, '[data-testid="stMetric"]')
    page.locator('[data-testid="stSidebar"] button:has-text("English")').click()
    kit.wait_for_param(page, "lang", "en")
    expect(page.locator("h1").first).to_have_text("Overview", timeout=kit.WAIT_MS)
    page.locator('[data-testid="stSidebarNav"] a:has-text("Data")').click()
    expect(page).to_have_url(re.compile(r"/data(\?|$)"), timeout=kit.WAIT_MS)
    kit.wait_for_param(page, "lang", "en")
    kit.settle(page, '[data-testid="stDataFrame"]')
    assert urlsplit(page.url).path.endswith("/data")
    assert kit.url_params(page)["lang"] == ["en"]
    assert "ind" not in kit.url_params(page)  # the overview's parameters stay on the overview
    expect(page.locator("h1").first).to_have_text("Data", timeout=kit.WAIT_MS)


def test_data_page_from_a_shared_link(app_url, open_page):
    page = open_page(f"{app_url}/data?lang=zh&kind=clinics")
    kit.settle(page, '[data-testid="stDataFrame"]')
    text = page.inner_text("body")
    assert "已导入的登记表" in text and "示例数据" in text
    assert "python -m etl load FILE --kind" in text
    assert "在应用内导入与重建（管理员）" in text  # the in-app load section (admin only)
    tables = page.locator('[data-testid="stDataFrame"]')
    assert tables.count() >= 2
    assert kit.wait_drawn(tables.nth(0), 5) > 5
    kit.screenshot(page, "data")
    kit.choose(page, "登记表类型", "文化设施", first=True)
    kit.wait_for_param(page, "kind", "culture")
    assert kit.url_params(page)["kind"] == ["culture"]
