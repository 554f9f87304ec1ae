"""Every page at a phone's width (390 x 844 CSS px, as a shared link opened in WeChat's browser):
no sideways scrolling of the page, charts, maps and tables within the width (tables scroll
inside themselves), colour bars clear of the maps, the language switch and the page menu
reachable from the sidebar. Screenshots: ``tests/artifacts/phone_<page>_<lang>.png``."""

from __future__ import annotations

import re

import pytest

from tests import conftest as kit

pytestmark = pytest.mark.browser


def _pages() -> list[str]:
    """Every page the app declares (``_page("views/<key>.py", "<key>", …)`` in app.py)."""
    return re.findall(r'_page\("views/(\w+)\.py"', (kit.ROOT / "app.py").read_text("utf-8"))


PAGES = _pages()
#: the default page is served at the root (its own path says "page not found")
DEFAULT = re.search(r'_page\("views/(\w+)\.py"[^)]*default=True',
                    (kit.ROOT / "app.py").read_text("utf-8")).group(1)

#: the page's sideways overflow and every chart, map and table sticking out of the width
_MEASURE_JS = """() => {
  const w = window.innerWidth;
  const out = [];
  const box = (el, what) => {
    const r = el.getBoundingClientRect();
    if (r.width > 0 && (r.left < -0.5 || r.right > w + 0.5))
      out.push(`${what} ${Math.round(r.left)}..${Math.round(r.right)}`);
  };
  document.querySelectorAll('[data-testid="stPlotlyChart"]').forEach(e => box(e, 'chart'));
  document.querySelectorAll('.js-plotly-plot .main-svg').forEach(e => box(e, 'plot svg'));
  document.querySelectorAll('[data-testid="stDataFrame"]').forEach(e => box(e, 'dataframe'));
  document.querySelectorAll('[data-testid="stTable"]').forEach(e => box(e, 'table'));
  document.querySelectorAll('[data-testid="stMetric"]').forEach(e => box(e, 'metric'));
  document.querySelectorAll('[data-testid="stButton"], [data-testid="stDownloadButton"]')
    .forEach(e => box(e, 'button'));
  // a map's colour bar lies clear of the map (above it on a phone)
  document.querySelectorAll('.js-plotly-plot').forEach(plot => {
    const canvas = plot.querySelector('.maplibregl-canvas');
    if (!canvas) return;
    const map = canvas.getBoundingClientRect();
    plot.querySelectorAll('.colorbar').forEach(bar => {
      const r = bar.getBoundingClientRect();
      if (r.height > 0 && r.bottom > map.top + 1 && r.top < map.bottom - 1)
        out.push(`colour bar ${Math.round(r.top)}..${Math.round(r.bottom)} over the map ${Math.round(map.top)}..${Math.round(map.bottom)}`);
    });
  });
  const main = document.querySelector('[data-testid="stMain"]');
  return {width: w, page: document.documentElement.scrollWidth,
          main: main ? main.scrollWidth - main.clientWidth : 0, outside: out};
}"""


def _open(open_page, url: str):
    page = open_page(url, **kit.PHONE)
    kit.settle(page, "h1")
    # charts size themselves to the width after the first paint
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    kit.settle(page)
    return page


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("key", PAGES)
def test_page_fits_a_phone(app_url, open_page, key, lang):
    page = _open(open_page, f"{app_url}/{'' if key == DEFAULT else key}?lang={lang}")
    assert page.locator('[data-testid="stException"]').count() == 0
    assert "Page not found" not in page.inner_text("body")
    m = page.evaluate(_MEASURE_JS)
    assert m["width"] == 390
    assert m["page"] <= m["width"], f"the page scrolls sideways: {m}"
    assert m["main"] <= 0, f"the main block scrolls sideways: {m}"
    assert not m["outside"], f"wider than the screen: {m['outside']}"
    kit.screenshot(page, f"phone_{key}_{lang}")


def test_sidebar_reachable_on_a_phone(app_url, open_page):
    """The sidebar starts closed on a phone; its button opens the page menu and the switch."""
    from playwright.sync_api import expect

    page = _open(open_page, f"{app_url}/?lang=zh")
    sidebar = page.locator('[data-testid="stSidebar"]')
    expect(sidebar).to_have_attribute("data-collapsed", "true", timeout=kit.WAIT_MS)
    button = page.locator('[data-testid="stExpandSidebarButton"]')
    box = button.bounding_box()
    assert box is not None and box["x"] >= 0 and box["y"] >= 0  # on screen, top-left
    button.tap()
    expect(sidebar).to_have_attribute("data-collapsed", "false", timeout=kit.WAIT_MS)
    switch = sidebar.locator('button:has-text("English")')
    expect(switch).to_be_visible(timeout=kit.WAIT_MS)
    assert sidebar.locator('[data-testid="stSidebarNav"] a').count() == len(PAGES)
    box = sidebar.bounding_box()
    assert box is not None and box["width"] <= 390
    switch.tap()
    kit.wait_for_param(page, "lang", "en")
    kit.wait_for_text(page, "Overview")
