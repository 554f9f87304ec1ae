"""ui.brief and ui.charts: a standalone one-page brief, escaped, drawn offline from a file."""

from __future__ import annotations

import json
import re
from datetime import datetime
from html.parser import HTMLParser

import numpy as np
import pandas as pd
import pytest

from tests.test_ui_maps import ARTIFACTS, BOUNDARY, non_white_share, open_offline
from ui.brief import brief_html
from ui.charts import ranked_bar, travel_time_distribution, urban_rural_bars
from ui.maps import county_map

EVIL = "<script>alert(1)</script>"
EVIL_IMG = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def units() -> pd.DataFrame:
    rng = np.random.default_rng(11)
    n = 40
    return pd.DataFrame({
        "label": [f"村{i}" for i in range(n - 1)] + [EVIL],
        "urban_rural": np.where(np.arange(n) < 14, "urban", "rural"),
        "time_min": rng.gamma(3, 6, n).round(1),
        "population": rng.integers(800, 4000, n),
        "lon": rng.uniform(107.80, 107.95, n), "lat": rng.uniform(30.95, 31.15, n),
    })


@pytest.fixture(scope="module")
def figures(units):
    towns = pd.DataFrame({"name": ["淙城街道", "普安镇", "讲治镇", EVIL_IMG],
                          "value": [1.2, 0.8, 0.5, 0.9],
                          "urban_rural": ["urban", "rural", "rural", "rural"]})
    boundary = json.loads(BOUNDARY.read_text(encoding="utf-8"))
    fac = pd.DataFrame({"lon": [107.88], "lat": [31.05], "type": ["health_centre"], "name": [EVIL]})
    return [
        ranked_bar(towns, "value", "name", "每千人床位", "张/千人", target=1.0),
        urban_rural_bars(pd.DataFrame({"urban": [22.0, 0.9], "rural": [35.0, 0.6]},
                                      index=["time", "beds"]), "数值", "",
                         indicator_labels={"time": "出行时间", "beds": EVIL}),
        travel_time_distribution(units, threshold_min=30),
        county_map(boundary, points=units.assign(value=units["time_min"]), facilities=fac,
                   point_title="出行时间（分钟）", static=True, height=420),
    ]


@pytest.fixture(scope="module")
def brief(figures) -> str:
    table = pd.DataFrame({"乡镇（街道）": ["淙城街道", EVIL], "时间（分钟）": [12.0, 35.5]})
    return brief_html(
        title=f"卫生健康城乡差距 {EVIL}", subtitle=EVIL_IMG,
        cards=[{"label": "30 分钟内覆盖率", "value": "86.5 %", "note": EVIL},
               {"label": "乡村平均出行时间", "value": "24.1 分钟"}],
        figures=figures, tables=[(f"最差的乡镇 {EVIL}", table)],
        sources=["第七次全国人口普查（2020）", EVIL, "https://example.org/not-a-link"],
        synthetic_note="村点位置与登记表为示例（合成）数据", lang="zh",
        generated=datetime(2025, 1, 1, 9, 0),
    )


class _Fetches(HTMLParser):
    """Attributes a browser would fetch: src, href, poster, srcset, data."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        for k, v in attrs:
            if k in ("src", "href", "poster", "srcset", "data", "action") and v:
                self.urls.append(v)


def test_user_text_is_escaped(brief):
    assert EVIL not in brief and EVIL_IMG not in brief
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in brief
    # the only script elements are plotly.js and plotly's own newPlot calls
    p = _Fetches()
    p.feed(brief)
    assert "img" not in p.tags
    assert p.tags.count("script") == 1 + 4


def test_nothing_is_fetched(brief):
    p = _Fetches()
    p.feed(brief)
    assert p.urls == []
    assert not re.search(r"<link[^>]+href", brief)
    assert not re.search(r"@import|url\(\s*['\"]?https?:", brief)


def test_plotly_inlined_once(brief):
    assert brief.count("Plotly.newPlot") == 4
    assert len(re.findall(r"/\*! For license information please see plotly", brief)) <= 1
    assert brief.count('<script type="text/javascript">') <= 5


def test_webgl_maps_are_refused():
    boundary = json.loads(BOUNDARY.read_text(encoding="utf-8"))
    with pytest.raises(ValueError, match="static=True"):
        brief_html("t", "", [], [county_map(boundary)], [], [], None)


def test_brief_without_figures_has_no_script():
    html = brief_html("标题", "", [], [], [], [], None, "en")
    assert "<script" not in html and 'lang="en"' in html


def test_chart_labels_translated_and_escaped(figures):
    bar, ur, hist, _ = figures
    assert bar.layout.xaxis.title.text == "每千人床位（张/千人）"
    assert "&lt;img" in " ".join(bar.layout.yaxis.categoryarray)
    assert {tr.name for tr in bar.data} == {"城镇", "乡村"}
    assert "&lt;script" in ur.data[0].x[1]
    assert hist.layout.xaxis.title.text == "到最近设施的出行时间（分钟）"
    assert hist.layout.yaxis.title.text == "常住人口（人）"
    assert "http" not in bar.to_json().replace("https://plot.ly", "")


def test_brief_tables_read_as_on_the_screen():
    """Counts with separators (not 20419.0), a rounded -0.04 as 0.0, a missing value as –."""
    table = pd.DataFrame({"乡镇（街道）": ["淙城街道", "任市镇"], "人口": pd.array([110065, 20419], "Int64"),
                          "与全县之差（个百分点）": [round(-0.04, 1), 12.5], "数值": [None, 3.5]})
    html = brief_html("t", "", [], [], [("排名", table)], [], None)
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", html)
    assert cells == ["淙城街道", "110,065", "0.0", "–", "任市镇", "20,419", "12.5", "3.5"]


def test_a_cached_figure_specification_makes_a_brief():
    """The overview's ranking chart comes from a cache, read-only: the brief still draws it."""
    from ui.cache import freeze
    from ui.charts import ranked_bar_spec

    spec = freeze(ranked_bar_spec(pd.DataFrame({"n": ["a", "b"], "v": [1.0, 2.0]}), "v", "n", "V",
                                  group_col=None))
    html = brief_html("t", "", [], [spec], [], [], None)
    assert html.count("Plotly.newPlot") == 1


def test_charts_in_english(units):
    fig = travel_time_distribution(units, kind="box", lang="en")
    assert fig.layout.yaxis.title.text == "Travel time to the nearest facility (min)"
    assert {tr.name for tr in fig.data} == {"Urban", "Rural"}
    with pytest.raises(ValueError):
        travel_time_distribution(units, kind="violin")


@pytest.mark.browser
def test_brief_renders_offline_from_a_file(browser, brief, tmp_path):
    path = tmp_path / "brief.html"
    path.write_text(brief, encoding="utf-8")
    page, blocked = open_offline(browser, path.as_uri(), viewport=(900, 1200))
    alerts: list[str] = []
    page.on("dialog", lambda d: (alerts.append(d.message), d.dismiss()))
    page.wait_for_function("document.querySelectorAll('.plot-container .main-svg').length >= 4",
                           timeout=30_000)
    page.wait_for_timeout(800)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "brief.png"), full_page=True)
    assert blocked == []
    assert alerts == []
    assert page.evaluate("document.querySelectorAll('img').length") == 0
    assert EVIL in page.inner_text("h1")  # shown as text
    for i in range(4):
        assert non_white_share(page, f"#fig{i}") > 0.02
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")
    (ARTIFACTS / "brief.pdf").write_bytes(pdf)
    page.close()
