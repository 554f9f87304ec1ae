"""The four domain pages end to end in headless Chromium: shared links, drawn maps and charts, URL state."""

from __future__ import annotations

import io
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]

pytestmark = pytest.mark.browser

#: page -> (query of the shared link, text expected on the page)
LINKS = {
    "education": ("ind=edu_primary_share_30min&primary_lower_max_min=30&lang=zh", "寄宿"),
    "health": ("ind=health_doctors_2sfca_per_1000&lang=en", "Spatial access to doctors"),
    "elderly_care": ("ind=elderly_care_beds_per_1000_60plus&lang=zh", "医养结合"),
    "culture": ("ind=culture_complex_coverage&lang=en", "Townships without a township cultural complex"),
}


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


def _settle(page) -> None:
    page.wait_for_selector('[data-testid="stMetric"]', timeout=60_000)
    page.wait_for_selector('[data-testid="stStatusWidget"]', state="detached", timeout=60_000)
    page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot').length >= 3",
                           timeout=60_000)
    page.wait_for_timeout(800)  # map tiles of our own GeoJSON are drawn after the script ends


def _colours(png: bytes) -> int:
    """Number of distinct colours in a screenshot (a blank element has one or two)."""
    from PIL import Image

    img = Image.open(io.BytesIO(png)).convert("RGB").resize((200, 160))
    raw = img.tobytes()
    return len({raw[i:i + 3] for i in range(0, len(raw), 3)})


def _params(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


@pytest.mark.parametrize("domain", list(LINKS))
def test_domain_page_from_a_shared_link(server, browser, domain):
    query, expected = LINKS[domain]
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{server}/{domain}?{query}")
    _settle(page)
    assert expected in page.inner_text("body")
    assert page.locator('[data-testid="stException"]').count() == 0
    # the map (first chart) drew the county, not a blank box
    plots = page.locator(".js-plotly-plot")
    assert plots.count() >= 3
    assert _colours(plots.nth(0).screenshot()) > 30
    # comparison and ranking charts have bars
    assert page.locator(".js-plotly-plot g.barlayer .bars path").count() >= 2
    ARTIFACTS.mkdir(exist_ok=True)
    # Streamlit scrolls inside its own container: a tall viewport shows the whole page
    page.set_viewport_size({"width": 1400, "height": 4200})
    _settle(page)
    page.screenshot(path=str(ARTIFACTS / f"domain_{domain}.png"))
    page.close()


def test_changing_a_widget_updates_the_url(server, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{server}/education?ind=edu_primary_share_30min&lang=zh")
    _settle(page)
    assert _params(page.url)["primary_lower_max_min"] == ["30.0"]
    thumb = page.get_by_role("slider").first
    thumb.focus()
    thumb.press("ArrowRight")
    page.wait_for_function("() => location.search.includes('primary_lower_max_min=35')", timeout=30_000)
    _settle(page)
    assert _params(page.url)["primary_lower_max_min"] == ["35.0"]
    assert _params(page.url)["ind"] == ["edu_primary_share_30min"]
    page.screenshot(path=str(ARTIFACTS / "domain_education_35min.png"), full_page=True)
    page.close()
