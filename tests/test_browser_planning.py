"""The four planning pages end to end in headless Chromium: opened from a link, an optimisation
run, the map drawn; a scenario saved in one browser context opens from its link in another."""

from __future__ import annotations

import shutil

import pytest

from tests import conftest as kit
from ui.i18n import t

pytestmark = pytest.mark.browser

#: page -> (query of the link, label of the button, text expected after the run)
LINKS = {
    "plan_subcentre": ("lang=zh&n_new=2&objective=pmedian", "运行优化", "建议次中心"),
    "plan_consortia": ("lang=en&k=5", "Run the optimisation", "5 consortia, led by"),
    "plan_boarding": ("lang=zh&n_close=3", "计算", "撤并 3 个教学点"),
}


@pytest.fixture(scope="module")
def planning_url(streamlit_server, built_db, tmp_path_factory) -> str:
    """A server on a database of its own, so the scenarios file beside it starts empty."""
    db = tmp_path_factory.mktemp("browser_planning") / "equity.duckdb"
    shutil.copyfile(built_db, db)
    return streamlit_server(db)


def _settle(page) -> None:
    kit.settle(page)
    kit.wait_for_count(page, ".js-plotly-plot", 1)


@pytest.mark.parametrize("name", list(LINKS))
def test_planning_page_from_a_link_runs(planning_url, open_page, name):
    query, button, expected = LINKS[name]
    page = open_page(f"{planning_url}/{name}?{query}")
    _settle(page)
    page.get_by_role("button", name=button).click()
    kit.wait_for_text(page, expected)
    if name != "plan_boarding":  # an optimisation run is kept in the link
        kit.wait_for_param(page, "run", "1")
    _settle(page)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert kit.wait_drawn(page.locator(".js-plotly-plot").first, 30) > 30
    assert "run=1" in page.url or name == "plan_boarding"
    if name == "plan_consortia":
        # the legend's lead-hospital entry draws a visible symbol: a white dot in a dark ring
        symbol = page.evaluate("""(label) => {
            const item = [...document.querySelectorAll('.legend .traces')]
                .find(t => t.textContent.trim() === label);
            const pt = item && item.querySelector('.legendpoints path');
            if (!pt) return null;
            const s = getComputedStyle(pt);
            return {fill: s.fill, stroke: s.stroke, width: parseFloat(s.strokeWidth)};
        }""", t("plan.role.lead", "en"))
        assert symbol == {"fill": "rgb(255, 255, 255)", "stroke": "rgb(33, 33, 33)", "width": 2.5}
    kit.screenshot(page, name)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_subcentre_shared_link_reopens_the_proposal(planning_url, open_page, lang):
    """A link with run=1, opened fresh: the default proposal (central health centres) with its
    load per bed, without pressing anything; the link keeps every choice."""
    query = f"lang={lang}&n_new=2&objective=pmedian&eligible=central&cover_min=30.0&run=1"
    page = open_page(f"{planning_url}/plan_subcentre?{query}")
    kit.wait_for_text(page, t("plan.sub.result", lang).split("{")[0].strip("*"))
    _settle(page)
    body = page.inner_text("body")
    assert t("plan.sub.load_head", lang).split("**")[1] in body
    assert t("plan.sub.col.per_bed", lang) in body
    assert "开江县" in body and "中心卫生院" in body
    assert page.locator('[data-testid="stException"]').count() == 0
    assert kit.wait_drawn(page.locator(".js-plotly-plot").first, 30) > 30
    params = kit.url_params(page)
    assert {k: params[k][0] for k in ("eligible", "objective", "n_new", "run")} == {
        "eligible": "central", "objective": "pmedian", "n_new": "2", "run": "1"}
    kit.screenshot(page, f"plan_subcentre_link_{lang}")


def test_scenario_saved_in_one_context_opens_in_another(planning_url, open_page):
    page = open_page(f"{planning_url}/plan_scenarios?lang=zh&domain=health")
    _settle(page)
    page.get_by_text("新增设施", exact=True).first.click()
    form = page.locator('[data-testid="stForm"]').first
    form.get_by_label("名称").fill("测试新卫生院")
    form.get_by_label("经度").fill("107.95")
    form.get_by_label("纬度").fill("31.05")
    form.get_by_role("button", name="新增").click()
    kit.wait_for_text(page, "新增设施：测试新卫生院")
    _settle(page)
    page.get_by_label("情景名称").fill("东部新增卫生院")
    page.get_by_role("button", name="保存").click()
    kit.wait_for_param(page, "scenario")
    _settle(page)
    sid = kit.url_params(page)["scenario"][0]
    kit.screenshot(page, "plan_scenarios_saved")
    page.context.close()  # the scenario lives on the server, not in this browser

    other = open_page(f"{planning_url}/plan_scenarios?scenario={sid}&lang=zh")
    _settle(other)
    body = other.inner_text("body")
    assert "已打开情景：东部新增卫生院" in body
    assert "新增设施：测试新卫生院" in body
    assert "共 1 项修改" in body
    assert other.locator('[data-testid="stException"]').count() == 0
    assert kit.wait_drawn(other.locator(".js-plotly-plot").first, 30) > 30
    kit.screenshot(other, "plan_scenarios_opened")
