"""End to end in a real browser: Debian's Chromium driven by Playwright, server on 127.0.0.1."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from io import BytesIO
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]

pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(built_db):
    if not os.path.exists(CHROMIUM):
        pytest.fail("Chromium is not installed: run `make browser` (apt-get install chromium fonts-noto-cjk)")
    port = _free_port()
    env = dict(os.environ, EQUITY_DB=str(built_db))
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.address", "127.0.0.1",
         "--server.port", str(port), "--server.headless", "true"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=1).status == 200:
                break
        except OSError:
            time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail("streamlit did not start")
    yield url
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        yield b
        b.close()


def _settle(page, selector: str = '[data-testid="stMetric"]') -> None:
    page.wait_for_selector(selector, timeout=60_000)
    page.wait_for_selector('[data-testid="stStatusWidget"]', state="detached", timeout=60_000)
    page.wait_for_timeout(500)
    page.wait_for_selector('[data-testid="stStatusWidget"]', state="detached", timeout=60_000)


def _params(page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def _colours(png: bytes) -> int:
    """Distinct colours in a screenshot: a blank element has one or two."""
    from PIL import Image

    im = Image.open(BytesIO(png)).convert("RGB").resize((200, 150))
    return len({im.tobytes()[i:i + 3] for i in range(0, 200 * 150 * 3, 3)})


def _full_screenshot(page, name: str) -> None:
    """The whole page: Streamlit scrolls inside its main block, so grow the viewport to fit."""
    height = page.evaluate(
        "() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": 1400, "height": min(int(height) + 40, 8000)})
    page.wait_for_timeout(1500)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)


def _choose(page, label: str, option: str) -> None:
    """Pick ``option`` in the select box labelled ``label``."""
    box = page.get_by_role("combobox", name=label)
    box.click()
    box.fill(option)
    page.get_by_role("option").filter(has_text=option).first.wait_for(timeout=10_000)
    page.wait_for_timeout(300)
    page.keyboard.press("Enter")
    _settle(page, '[data-testid="stMain"]')


def test_overview_from_a_shared_link(server, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{server}/?lang=en&ind=health_beds_per_1000&town=511723109"
              "&fac=county_hospital&fac=health_centre")
    _settle(page)
    page.wait_for_selector('[data-testid="stPlotlyChart"] canvas', timeout=30_000)
    page.wait_for_timeout(2000)
    text = page.inner_text("body")
    assert "Overview" in text and "Synthetic data" in text
    assert "Map: Hospital beds per 1,000 residents" in text
    assert "长岭镇" in text  # the selected township's line
    charts = page.locator('[data-testid="stPlotlyChart"]')
    assert charts.count() >= 2
    # the map (WebGL canvas) and the ranking (SVG bars) drew something
    assert _colours(charts.nth(0).screenshot()) > 20
    assert page.locator('[data-testid="stPlotlyChart"] .bars path').count() >= 13
    assert _colours(charts.nth(1).screenshot()) > 5
    _full_screenshot(page, "overview_en.png")

    # a widget change writes the URL
    page.set_viewport_size({"width": 1400, "height": 1000})
    _choose(page, "Indicator", "Residents within a 15-min drive")
    assert _params(page)["ind"] == ["health_centre_share_15min"]
    assert _params(page)["medical_circle_min"] == ["15"]
    assert _params(page)["lang"] == ["en"]
    page.close()


def test_overview_default_in_chinese(server, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(server)
    _settle(page)
    page.wait_for_selector('[data-testid="stPlotlyChart"] canvas', timeout=30_000)
    page.wait_for_timeout(2000)
    text = page.inner_text("body")
    assert "示例数据" in text and "当前最大的城乡差距" in text
    assert "试点方案公共服务任务进度" in text
    assert _colours(page.locator('[data-testid="stPlotlyChart"]').nth(0).screenshot()) > 20
    _full_screenshot(page, "overview.png")
    page.close()


def test_language_switch_survives_page_switch(server, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(server)
    _settle(page)
    page.locator('[data-testid="stSidebar"] button:has-text("English")').click()
    _settle(page)
    assert _params(page)["lang"] == ["en"]
    assert page.locator("h1").first.inner_text() == "Overview"
    page.locator('[data-testid="stSidebarNav"] a:has-text("Data")').click()
    _settle(page, '[data-testid="stDataFrame"]')
    assert urlsplit(page.url).path.endswith("/data")
    assert _params(page)["lang"] == ["en"]
    assert "ind" not in _params(page)  # the overview's parameters stay on the overview
    assert page.locator("h1").first.inner_text() == "Data"
    page.close()


def test_data_page_from_a_shared_link(server, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{server}/data?lang=zh&kind=clinics")
    _settle(page, '[data-testid="stDataFrame"]')
    text = page.inner_text("body")
    assert "已导入的登记表" in text and "示例数据" in text
    assert "python -m etl load FILE --kind" in text
    assert "在应用内上传文件尚未开放" in text
    tables = page.locator('[data-testid="stDataFrame"]')
    assert tables.count() >= 2
    assert _colours(tables.nth(0).screenshot()) > 5
    _full_screenshot(page, "data.png")
    page.set_viewport_size({"width": 1400, "height": 1000})
    _choose(page, "登记表类型", "文化设施")
    assert _params(page)["kind"] == ["culture"]
    page.close()
