"""The four planning pages end to end in headless Chromium: opened from a link, an optimisation
run, the map drawn; a scenario saved in one browser context opens from its link in another."""

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

#: page -> (query of the link, label of the button, text expected after the run)
LINKS = {
    "plan_subcentre": ("lang=zh&n_new=2&objective=pmedian", "运行优化", "建议次中心"),
    "plan_consortia": ("lang=en&k=5", "Run the optimisation", "5 consortia, led by"),
    "plan_boarding": ("lang=zh&n_close=3", "计算", "撤并 3 个教学点"),
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(built_db, tmp_path_factory):
    if not os.path.exists(CHROMIUM):
        pytest.fail("Chromium is not installed: run `make browser` (apt-get install chromium fonts-noto-cjk)")
    # a database of its own, so the scenarios file beside it starts empty
    db = tmp_path_factory.mktemp("browser_planning") / "equity.duckdb"
    db.write_bytes(Path(built_db).read_bytes())
    port = _free_port()
    env = dict(os.environ, EQUITY_DB=str(db))
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
    page.wait_for_selector('[data-testid="stStatusWidget"]', state="detached", timeout=60_000)
    page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot').length >= 1",
                           timeout=60_000)
    page.wait_for_timeout(1000)  # the map's own GeoJSON layers are drawn after the script ends


def _colours(png: bytes) -> int:
    from PIL import Image

    img = Image.open(io.BytesIO(png)).convert("RGB").resize((200, 160))
    raw = img.tobytes()
    return len({raw[i:i + 3] for i in range(0, len(raw), 3)})


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.set_viewport_size({"width": 1400, "height": 3000})
    _settle(page)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


@pytest.mark.parametrize("name", list(LINKS))
def test_planning_page_from_a_link_runs(server, browser, name):
    query, button, expected = LINKS[name]
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{server}/{name}?{query}")
    _settle(page)
    page.get_by_role("button", name=button).click()
    page.wait_for_function(f"() => document.body.innerText.includes({expected!r})", timeout=60_000)
    _settle(page)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert _colours(page.locator(".js-plotly-plot").first.screenshot()) > 30
    assert "run=1" in page.url or name == "plan_boarding"
    _shot(page, name)
    page.close()


def test_scenario_saved_in_one_context_opens_in_another(server, browser):
    a = browser.new_context(viewport={"width": 1400, "height": 1400})
    page = a.new_page()
    page.goto(f"{server}/plan_scenarios?lang=zh&domain=health")
    _settle(page)
    page.get_by_text("新增设施", exact=True).first.click()
    form = page.locator('[data-testid="stForm"]').first
    form.get_by_label("名称").fill("测试新卫生院")
    form.get_by_label("lon").fill("107.95")
    form.get_by_label("lat").fill("31.05")
    form.get_by_role("button", name="新增").click()
    page.wait_for_function("() => document.body.innerText.includes('新增设施：测试新卫生院')", timeout=60_000)
    _settle(page)
    page.get_by_label("情景名称").fill("东部新增卫生院")
    page.get_by_role("button", name="保存").click()
    page.wait_for_function("() => location.search.includes('scenario=')", timeout=60_000)
    _settle(page)
    sid = parse_qs(urlsplit(page.url).query)["scenario"][0]
    _shot(page, "plan_scenarios_saved")
    a.close()

    b = browser.new_context(viewport={"width": 1400, "height": 1400})
    other = b.new_page()
    other.goto(f"{server}/plan_scenarios?scenario={sid}&lang=zh")
    _settle(other)
    body = other.inner_text("body")
    assert "已打开情景：东部新增卫生院" in body
    assert "新增设施：测试新卫生院" in body
    assert "共 1 项修改" in body
    assert other.locator('[data-testid="stException"]').count() == 0
    assert _colours(other.locator(".js-plotly-plot").first.screenshot()) > 30
    _shot(other, "plan_scenarios_opened")
    b.close()
