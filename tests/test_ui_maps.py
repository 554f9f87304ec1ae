"""ui.maps: offline county maps built from our own GeoJSON, checked as JSON and in Chromium."""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point, shape

from etl.derived import generated_areas
from ui.maps import areas_collection, bbox, county_map, feature_collection, zoom_for_bbox

ROOT = Path(__file__).resolve().parent.parent
BOUNDARY = ROOT / "data" / "reference" / "kaijiang_boundary_amap_wgs84.geojson"
POPULATION = ROOT / "data" / "registers" / "population_2020.csv"
ARTIFACTS = ROOT / "tests" / "artifacts"
EVIL = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", '<a href="javascript:alert(1)">x</a>']


@pytest.fixture(scope="module")
def boundary() -> dict:
    return json.loads(BOUNDARY.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def units() -> pd.DataFrame:
    """The 162 units of the default register, with a seeded indicator value."""
    raw = pd.read_csv(POPULATION, dtype={"村（社区）代码": str}, encoding="utf-8-sig")
    u = pd.DataFrame({
        "code": raw["村（社区）代码"], "label": raw["村（社区）"],
        "township_code": raw["村（社区）代码"].str[:9],
        "lon": raw["经度"], "lat": raw["纬度"], "population": raw["合计"],
    })
    rng = np.random.default_rng(7)
    return u.assign(value=rng.gamma(3, 6, len(u)).round(1))


@pytest.fixture(scope="module")
def township_areas(boundary, units) -> tuple[dict, pd.Series]:
    areas = generated_areas(units, feature_collection(boundary)["features"][0]["geometry"])
    towns = areas[areas["level"] == "township"]
    values = units.groupby("township_code")["value"].mean()
    return areas_collection(towns), values


@pytest.fixture(scope="module")
def facilities(units) -> pd.DataFrame:
    rng = np.random.default_rng(3)
    pick = units.sample(12, random_state=1)
    return pd.DataFrame({
        "lon": pick["lon"].to_numpy() + rng.normal(0, 0.004, 12),
        "lat": pick["lat"].to_numpy() + rng.normal(0, 0.004, 12),
        "type": ["health_centre"] * 5 + ["central_health_centre"] * 3 + ["county_hospital"] + ["village_clinic"] * 3,
        "name": ["乡镇卫生院 " + str(i) for i in range(11)] + [EVIL[0]],
    })


@pytest.fixture(scope="module")
def full_map(boundary, units, township_areas, facilities):
    areas, values = township_areas
    pts = units.drop(columns="value")
    pts.loc[pts.index[0], "label"] = EVIL[1]
    return county_map(
        boundary, areas, values, pts, facilities, "zh",
        area_title="平均出行时间（分钟）", point_fields={"population": "常住人口（人）"},
    )


@pytest.fixture(scope="module")
def unit_map(boundary, units, township_areas, facilities):
    areas, _ = township_areas
    return county_map(boundary, areas, None, units, facilities, "zh",
                      point_title="到最近卫生院时间（分钟）", reverse_scale=False)


def _urls(obj, path="") -> list[tuple[str, str]]:
    """Every string in the figure JSON that looks like a URL, with where it is."""
    out = []
    if isinstance(obj, dict):
        for k, v in obj.items():
            out += _urls(v, f"{path}.{k}")
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            out += _urls(v, f"{path}[{i}]")
    elif isinstance(obj, str) and not path.endswith(".bdata") and re.search(
            r"(https?://|mapbox://|ftp://|^//)", obj):
        out.append((path, obj))
    return out


def test_map_is_offline_white_bg(full_map):
    fig = full_map
    assert fig.layout.map.style == "white-bg"
    as_dict = json.loads(fig.to_json())
    # plotly's own template carries no URLs either, but allow only its schema links if any
    urls = [(p, u) for p, u in _urls(as_dict) if not u.startswith("https://plot.ly")]
    assert urls == []
    # the layer sources are inline GeoJSON, never a URL
    for layer in fig.layout.map.layers:
        assert layer.sourcetype == "geojson"
        assert isinstance(layer.source, dict)


def test_map_layers_and_traces(full_map):
    fig = full_map
    kinds = [type(tr).__name__ for tr in fig.data]
    assert kinds[0] == "Choroplethmap"
    assert kinds.count("Scattermap") == 2 + 1 + 4  # units and halo, facility halo, 4 types
    assert [lay.type for lay in fig.layout.map.layers] == ["fill", "line"]
    names = {tr.name for tr in fig.data if tr.showlegend}
    assert names == {"村（社区）", "乡镇卫生院", "中心卫生院", "县级医院", "村卫生室"}
    assert "分钟" in fig.data[0].colorbar.title.text
    assert all(tr.mode == "markers" for tr in fig.data[1:])  # text on a map needs glyph downloads


def test_map_legend_in_english(boundary, facilities):
    fig = county_map(boundary, facilities=facilities, lang="en")
    assert {tr.name for tr in fig.data if tr.showlegend} == {
        "Township health centre", "Central township health centre", "County hospital", "Village clinic"}
    assert fig.layout.legend.title.text == "Facility type"


def test_map_centre_inside_county_and_zoom_fits(boundary, full_map):
    poly = shape(boundary["features"][0]["geometry"])
    c = full_map.layout.map.center
    assert poly.contains(Point(c.lon, c.lat))
    assert 8.5 < full_map.layout.map.zoom < 10.5


def test_zoom_for_bbox_halves_with_double_span():
    z1 = zoom_for_bbox((107.0, 31.0, 107.4, 31.3), 800, 600)
    z2 = zoom_for_bbox((107.0, 31.0, 107.8, 31.6), 800, 600)
    assert z1 - z2 == pytest.approx(1.0, abs=0.05)


def test_bbox_of_feature_collection(boundary):
    lo_lon, lo_lat, hi_lon, hi_lat = bbox(boundary)
    assert 107.6 < lo_lon < hi_lon < 108.2 and 30.7 < lo_lat < hi_lat < 31.3


@pytest.mark.parametrize("evil", EVIL)
def test_hover_text_is_escaped(boundary, evil):
    fac = pd.DataFrame({"lon": [107.9], "lat": [31.0], "type": [evil], "name": [evil]})
    pts = pd.DataFrame({"lon": [107.9], "lat": [31.05], "value": [3.0], "label": [evil], "x": [evil]})
    fig = county_map(boundary, points=pts, facilities=fac, point_title=evil, point_fields={"x": evil})
    text = fig.to_json()
    assert evil not in text
    assert "<script" not in text and "<img" not in text and "<a " not in text
    assert "&lt;" in fig.data[1].text[0]
    assert fig.data[3].name.startswith("&lt;")


def test_map_without_areas_or_points(boundary):
    fig = county_map(boundary["features"][0]["geometry"])
    assert len(fig.data) == 1 and len(fig.layout.map.layers) == 2  # one empty map trace


def test_areas_without_values_are_drawn_plain(boundary, township_areas):
    areas, _ = township_areas
    fig = county_map(boundary, areas)
    assert fig.data[0].showscale is False


# --------------------------------------------------------------------------- browser

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]

# decode a PNG in the page (no PIL needed) and count pixels that are not near-white
_COUNT_JS = """async (b64) => {
  const img = new Image();
  img.src = "data:image/png;base64," + b64;
  await img.decode();
  const c = document.createElement("canvas");
  c.width = img.width; c.height = img.height;
  const ctx = c.getContext("2d");
  ctx.drawImage(img, 0, 0);
  const d = ctx.getImageData(0, 0, c.width, c.height).data;
  let n = 0;
  for (let i = 0; i < d.length; i += 4) if (d[i] < 235 || d[i+1] < 235 || d[i+2] < 235) n++;
  return [n, c.width * c.height];
}"""


@contextlib.contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve ``directory`` on 127.0.0.1 (MapLibre's blob worker dies on ``file://`` pages)."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(directory)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def open_offline(browser, url: str, viewport=(1000, 700)):
    """Open ``url`` allowing only its own origin, ``data:`` and ``blob:``; returns (page, blocked)."""
    page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
    origin = url.split("/", 3)[:3]
    own = "/".join(origin) + "/" if url.startswith("http") else "file://"
    blocked: list[str] = []

    def guard(route):
        req = route.request.url
        if req.startswith((own, "data:", "blob:")) and not req.endswith("/favicon.ico"):
            route.continue_()
        else:
            if not req.endswith("/favicon.ico"):
                blocked.append(req)
            route.abort()

    page.route("**/*", guard)
    page.goto(url)
    return page, blocked


def non_white_share(page, selector: str) -> float:
    import base64

    png = page.locator(selector).first.screenshot()
    n, total = page.evaluate(_COUNT_JS, base64.b64encode(png).decode())
    return n / total


@pytest.mark.browser
@pytest.mark.parametrize("which", ["full_map", "unit_map"])
def test_map_draws_offline(browser, which, request, tmp_path):
    fig = request.getfixturevalue(which)
    (tmp_path / "map.html").write_text(
        fig.to_html(include_plotlyjs=True, full_html=True, config={"displaylogo": False}),
        encoding="utf-8")
    with serve(tmp_path) as base:
        page, blocked = open_offline(browser, f"{base}/map.html")
        _check_map(page, blocked, which)


def _check_map(page, blocked, name: str) -> None:
    page.wait_for_selector(".js-plotly-plot .maplibregl-canvas", timeout=20_000)
    page.wait_for_function(
        "document.querySelector('.js-plotly-plot')._fullLayout.map._subplot.map.loaded()",
        timeout=20_000)
    page.wait_for_timeout(500)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}_offline.png"))
    assert blocked == []
    # the map canvas alone (WebGL): outline, areas and points drawn, not a blank rectangle
    share = non_white_share(page, ".js-plotly-plot .maplibregl-canvas")
    assert share > 0.05, f"map canvas looks blank ({share:.1%} non-white)"
    # the legend shows the Chinese facility labels
    legend = page.locator(".legend").first.text_content()
    assert "乡镇卫生院" in legend and "村卫生室" in legend
    # the hostile unit and facility names created no elements
    assert page.evaluate("document.querySelectorAll('img[src=\"x\"]').length") == 0
    assert page.evaluate("window.__xss === undefined")
    page.close()


@pytest.mark.browser
def test_hover_shows_markup_as_text(browser, boundary, tmp_path):
    pts = pd.DataFrame({"lon": [107.89], "lat": [31.03], "value": [1.0],
                        "label": ["<img src=x onerror=window.__xss=1>"]})
    fig = county_map(boundary, points=pts, height=500, width_hint=700)
    (tmp_path / "hover.html").write_text(
        fig.to_html(include_plotlyjs=True, full_html=True, default_width="700px", default_height="500px"),
        encoding="utf-8")
    with serve(tmp_path) as base:
        page, blocked = open_offline(browser, f"{base}/hover.html", viewport=(760, 540))
        _check_hover(page, blocked)


def _check_hover(page, blocked) -> None:
    page.wait_for_selector(".js-plotly-plot canvas", timeout=20_000)
    page.wait_for_timeout(1500)
    # move over the point: its pixel position comes from the map's own projection
    xy = page.evaluate("""() => {
      const gd = document.querySelector('.js-plotly-plot');
      const m = gd._fullLayout.map._subplot.map;
      const p = m.project([107.89, 31.03]);
      const r = m.getCanvas().getBoundingClientRect();
      return [r.left + p.x, r.top + p.y];
    }""")
    page.mouse.move(xy[0], xy[1])
    page.wait_for_selector(".hoverlayer .hovertext", timeout=5_000)
    shown = page.locator(".hoverlayer .hovertext").first.text_content()
    assert "<img src=x onerror=window.__xss=1>" in shown
    assert page.evaluate("document.querySelectorAll('.hoverlayer img').length") == 0
    assert page.evaluate("window.__xss === undefined")
    assert blocked == []
    page.close()


@pytest.mark.browser
def test_static_map_draws_from_a_file(browser, boundary, units, township_areas, facilities, tmp_path):
    """The SVG version (for the brief) draws on a file:// page, where WebGL maps stay blank."""
    areas, values = township_areas
    fig = county_map(boundary, areas, values, units.drop(columns="value"), facilities, "zh",
                     area_title="平均出行时间（分钟）", static=True)
    assert not any("map" in tr.type for tr in fig.data)
    path = tmp_path / "static.html"
    path.write_text(fig.to_html(include_plotlyjs=True, full_html=True), encoding="utf-8")
    page, blocked = open_offline(browser, path.as_uri())
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=20_000)
    page.wait_for_timeout(500)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "map_static_file.png"))
    assert blocked == []
    assert non_white_share(page, ".js-plotly-plot") > 0.05
    page.close()


def test_value_range_pins_the_colour_scale_in_both_renderings(boundary, township_areas):
    """Areas that all hold the top of the range get the top colour, in the app's WebGL map
    and in the brief's SVG map alike; without a range Plotly would centre them."""
    from plotly.colors import sample_colorscale

    from ui.maps import county_map_spec

    areas, values = township_areas
    same = pd.Series(100.0, index=values.index)
    live = county_map_spec(boundary, areas, same, value_range=(40.0, 100.0), colorscale="YlOrRd")
    trace = next(tr for tr in live["data"] if tr["type"] == "choroplethmap")
    assert (trace["zmin"], trace["zmax"]) == (40.0, 100.0)
    svg = county_map_spec(boundary, areas, same, value_range=(40.0, 100.0), colorscale="YlOrRd",
                          static=True)
    fills = {tr["fillcolor"] for tr in svg["data"] if tr.get("fill") == "toself" and tr.get("hoveron")}
    assert fills == {sample_colorscale("YlOrRd", [1.0])[0]}
    # without a range: the automatic scale, the middle colour for a single value
    auto = county_map_spec(boundary, areas, same, colorscale="YlOrRd", static=True)
    fills = {tr["fillcolor"] for tr in auto["data"] if tr.get("fill") == "toself" and tr.get("hoveron")}
    assert fills == {sample_colorscale("YlOrRd", [0.5])[0]}


def test_facility_styles_are_given_up_front(boundary, facilities):
    """A planning map's roles get their colour and size when the facility traces are made
    (nothing is recoloured afterwards by legend name); other types keep theirs."""
    from ui.maps import FACILITY_COLOURS, county_map_spec

    fac = facilities.assign(type=["选中"] * 2 + ["<b>保留</b>"] + list(facilities["type"][3:]))
    spec = county_map_spec(boundary, facilities=fac, lang="zh", legend_title="图例",
                           styles={"选中": ("#1a9850", 17), "<b>保留</b>": ("#d62728", 13)})
    traces = {tr.get("name"): tr for tr in spec["data"] if tr.get("showlegend")}
    assert traces["选中"]["marker"] == {"size": 17, "color": "#1a9850", "opacity": 1.0}
    assert traces["&lt;b&gt;保留&lt;/b&gt;"]["marker"]["color"] == "#d62728"  # names are escaped
    assert traces["乡镇卫生院"]["marker"] == {"size": 12, "color": FACILITY_COLOURS["health_centre"],
                                          "opacity": 1.0}
    halo = next(tr for tr in spec["data"] if tr["type"] == "scattermap" and not tr.get("showlegend"))
    assert halo["marker"]["size"] == 15  # the halo stays facility_size + 3 under every symbol
    assert spec["layout"]["legend"]["title"]["text"] == "图例"
    assert county_map_spec(boundary, facilities=fac, lang="en")["layout"]["legend"]["title"]["text"] == (
        "Facility type")


@pytest.mark.parametrize("static", [False, True])
def test_outlines_take_their_colour_and_width(boundary, township_areas, static):
    from ui.maps import county_map_spec

    areas, _ = township_areas
    spec = county_map_spec(boundary, areas, static=static, outlines=areas, outline_colour="#ffffff",
                           outline_width=1.5)
    if static:
        line = spec["data"][-1]["line"]
    else:
        layer = spec["layout"]["map"]["layers"][-1]
        assert layer["name"] == "outlines"
        line = {"color": layer["color"], "width": layer["line"]["width"]}
    assert line == {"color": "#ffffff", "width": 1.5}
