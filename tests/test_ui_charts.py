"""Figure specifications (ui.charts, ui.maps): valid Plotly, and sent to the browser as built.

The builders write Plotly's JSON directly instead of going through ``go.Figure`` (which
costs most of a rerun). ``go.Figure(spec)`` validates every property, so a misspelt or
misplaced key fails here; the validated figure must also draw exactly what the
specification says (same JSON, empty dicts aside).
"""

from __future__ import annotations

import base64
import copy
import json
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pytest
from streamlit.testing.v1 import AppTest

from ui.charts import (
    merge,
    ranked_bar_spec,
    show_chart,
    travel_time_distribution_spec,
    urban_rural_bars_spec,
)
from ui.maps import areas_collection, county_map_spec

ROOT = Path(__file__).resolve().parent.parent
BOUNDARY = ROOT / "data" / "reference" / "kaijiang_boundary_amap_wgs84.geojson"
EVIL = "<script>alert(1)</script>"


def _plain(obj):
    """JSON with Plotly's typed arrays decoded and empty dicts left out, for comparison."""
    if isinstance(obj, dict):
        if {"dtype", "bdata"} <= set(obj):
            arr = np.frombuffer(base64.b64decode(obj["bdata"]), dtype=np.dtype(obj["dtype"]))
            return [None if isinstance(x, float) and np.isnan(x) else x for x in arr.tolist()]
        out = {k: _plain(v) for k, v in obj.items()}
        return {k: v for k, v in out.items() if v != {}}
    if isinstance(obj, list):
        return [_plain(v) for v in obj]
    return obj


def _sent(spec: dict) -> dict:
    """What Streamlit sends for a specification (plotly.io.to_json without validation)."""
    return json.loads(pio.to_json(spec, validate=False))


@pytest.fixture(scope="module")
def world():
    rng = np.random.default_rng(7)
    boundary = json.loads(BOUNDARY.read_text(encoding="utf-8"))
    n = 30
    units = pd.DataFrame({
        "code": [f"u{i}" for i in range(n)], "label": [f"村{i}" for i in range(n - 1)] + [EVIL],
        "lon": rng.uniform(107.80, 107.95, n), "lat": rng.uniform(30.95, 31.15, n),
        "time_min": rng.gamma(3, 6, n).round(1), "population": rng.integers(100, 4000, n),
        "urban_rural": rng.choice(["urban", "rural"], n),
    })
    units.loc[3, "time_min"] = np.nan
    square = [[[107.85, 31.0], [107.9, 31.0], [107.9, 31.05], [107.85, 31.05], [107.85, 31.0]]]
    areas = areas_collection(pd.DataFrame({
        "code": ["a1", "a2"],
        "geojson": [json.dumps({"type": "Polygon", "coordinates": square}),
                    json.dumps({"type": "MultiPolygon", "coordinates": [square]})]}))
    fac = pd.DataFrame({"lon": [107.88, 107.9, np.nan], "lat": [31.05, 31.0, 31.0],
                        "type": ["health_centre", "village_clinic", "village_clinic"],
                        "name": [EVIL, "卫生室", "无坐标"]})
    return {"boundary": boundary, "units": units, "areas": areas, "fac": fac}


def _specs(world) -> dict[str, dict]:
    u, b, areas, fac = world["units"], world["boundary"], world["areas"], world["fac"]
    towns = pd.DataFrame({"name": ["淙城街道", "普安镇", EVIL, "讲治镇"], "value": [1.2, 0.8, 0.5, np.nan],
                          "urban_rural": ["urban", "rural", "rural", "other"]})
    values = pd.Series([3.5, np.nan], index=["a1", "a2"])
    out = {
        "ranked": ranked_bar_spec(towns, "value", "name", "每千人床位", "张/千人", target=1.0),
        "ranked_plain": ranked_bar_spec(towns, "value", "name", "v", group_col=None,
                                        higher_is_better=False, lang="en", colour="#5b7fa6"),
        "urban_rural": urban_rural_bars_spec(
            pd.DataFrame({"urban": [22.0, 0.9], "rural": [35.0, np.nan], "county": [30.0, 0.7]},
                         index=["t", "b"]), "数值", "%", indicator_labels={"b": EVIL}),
        "histogram": travel_time_distribution_spec(u, threshold_min=30),
        "histogram_count": travel_time_distribution_spec(u, weight_col=None, lang="en"),
        "box": travel_time_distribution_spec(u, kind="box", threshold_min=20, lang="en"),
    }
    for static in (False, True):
        s = "static" if static else "webgl"
        out[f"map_full_{s}"] = county_map_spec(
            b, areas, values, u.assign(value=u["time_min"]), fac, "zh", area_title="时间（分钟）",
            point_title=EVIL, area_names={"a1": EVIL}, point_fields={"population": "人口"},
            reverse_scale=True, static=static, outlines=areas, facility_size=8)
        out[f"map_plain_{s}"] = county_map_spec(b, areas, None, u, None, "en", static=static)
        out[f"map_empty_{s}"] = county_map_spec(b["features"][0]["geometry"], static=static)
    return out


def test_every_specification_is_valid_plotly_and_draws_as_written(world):
    for name, spec in _specs(world).items():
        fig = go.Figure(spec)  # raises ValueError on any property Plotly does not know
        assert _plain(json.loads(fig.to_json())) == _plain(_sent(spec)), name


def test_a_misspelt_property_is_caught(world):
    spec = copy.deepcopy(_specs(world)["ranked"])
    spec["data"][0]["markr"] = {"color": "red"}
    with pytest.raises(ValueError, match="markr"):
        go.Figure(spec)


def test_specifications_escape_data_and_carry_the_template(world):
    specs = _specs(world)
    text = json.dumps(specs["map_full_webgl"], ensure_ascii=False)
    assert EVIL not in text and "&lt;script&gt;" in text
    assert EVIL not in json.dumps(specs["urban_rural"], ensure_ascii=False)
    # the same look as a go.Figure: Plotly's default template is in the layout
    template = json.loads(go.Figure().to_json())["layout"]["template"]
    assert all(_sent(s)["layout"]["template"] == template for s in specs.values())


def test_builders_do_not_modify_their_inputs(world):
    before = copy.deepcopy(world)
    _specs(world)
    assert json.dumps(world["areas"]) == json.dumps(before["areas"])
    pd.testing.assert_frame_equal(world["units"], before["units"])


def test_merge_is_nested_and_leaves_its_inputs():
    base = {"legend": {"x": 0, "title": {"text": "a"}}, "height": 1}
    update = {"legend": {"title": {"side": "top"}}, "height": 2}
    kept = copy.deepcopy((base, update))
    assert merge(base, update) == {"legend": {"x": 0, "title": {"text": "a", "side": "top"}},
                                   "height": 2}
    assert (base, update) == kept


def _chart_page():
    import pandas as pd

    from ui.charts import ranked_bar_spec, show_chart

    frame = pd.DataFrame({"n": ["甲", "<b>乙</b>"], "v": [1.0, 2.0]})
    show_chart(ranked_bar_spec(frame, "v", "n", "V", group_col=None, target=1.5), key="chart")


def test_show_chart_sends_the_specification_unchanged():
    at = AppTest.from_function(_chart_page)
    at.run()
    assert not at.exception
    charts = at.get("plotly_chart")
    assert len(charts) == 1
    frame = pd.DataFrame({"n": ["甲", "<b>乙</b>"], "v": [1.0, 2.0]})
    expected = ranked_bar_spec(frame, "v", "n", "V", group_col=None, target=1.5)
    assert json.loads(charts[0].proto.spec) == _sent(expected)
    assert json.loads(charts[0].proto.config) == {"displaylogo": False}


def test_show_chart_takes_a_figure_too():
    def page():
        import plotly.graph_objects as go

        from ui.charts import show_chart

        show_chart(go.Figure(go.Bar(x=[1, 2], y=[3, 4])), key="fig")

    at = AppTest.from_function(page)
    at.run()
    assert not at.exception
    sent = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert sent["data"][0]["type"] == "bar"
    assert callable(show_chart)


# -- on a phone ---------------------------------------------------------------------------------

def _phone_map(legend_inside: bool = True) -> dict:
    county = json.loads(BOUNDARY.read_text("utf-8"))
    fac = pd.DataFrame({"lon": [107.9, 108.0], "lat": [31.0, 31.1], "type": ["clinic", "hospital"],
                        "name": ["a", "b"]})
    pts = pd.DataFrame({"lon": [107.9, 108.0], "lat": [31.0, 31.1], "label": ["x", "y"],
                        "value": [1.0, 2.0]})
    spec = county_map_spec(county, None, None, pts, fac, "en", point_title="Minutes",
                           height=560, width_hint=760)
    if not legend_inside:
        spec["layout"] = merge(spec["layout"], {"legend": {"y": 0, "yanchor": "top"},
                                                "margin": {"b": 82}, "height": 642})
    return spec


@pytest.mark.parametrize("inside", [True, False])
def test_phone_map_fits_the_width_with_its_colour_bar_above(inside):
    from ui.charts import PHONE_WIDTH_PX, phone_spec
    from ui.maps import bbox, zoom_for_bbox

    spec = _phone_map(inside)
    before = copy.deepcopy(spec)
    phone = phone_spec(spec)
    assert spec == before  # the (cached) specification is not modified
    go.Figure(phone)  # valid Plotly
    county = json.loads(BOUNDARY.read_text("utf-8"))
    lay = phone["layout"]
    assert lay["map"]["zoom"] <= zoom_for_bbox(bbox(county), PHONE_WIDTH_PX, 560) + 1e-9
    assert lay["map"]["zoom"] < spec["layout"]["map"]["zoom"]
    # the colour bar lies horizontally at the top, in a margin of its own
    bars = [tr["marker"]["colorbar"] for tr in phone["data"]
            if isinstance(tr.get("marker"), dict) and "colorbar" in tr["marker"]]
    assert len(bars) == 1 and bars[0]["orientation"] == "h" and bars[0]["yanchor"] == "top"
    assert lay["margin"]["t"] >= 60
    # the legend below the map, one entry a line, with the room it needs (2 facility types)
    assert lay["legend"]["y"] == 0 and lay["legend"]["yanchor"] == "top"
    assert lay["legend"]["entrywidth"] == 1
    assert lay["margin"]["b"] >= 34 + 24 * 2
    # the map area keeps no empty bands above and below the county
    map_h = lay["height"] - lay["margin"]["t"] - lay["margin"]["b"]
    assert 100 < map_h <= 560


def test_phone_leaves_other_charts_alone():
    from ui.charts import phone_spec

    spec = ranked_bar_spec(pd.DataFrame({"n": ["a", "b"], "v": [1.0, 2.0]}), "v", "n", "V",
                           group_col=None)
    assert phone_spec(spec) == spec


def _phone_chart_page():
    from tests.test_ui_charts import _phone_map
    from ui.charts import show_chart

    show_chart(_phone_map(), key="chart")


@pytest.mark.parametrize(("agent", "phone"), [
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
     "Gecko) Mobile/15E148 MicroMessenger/8.0.50(0x1800323c) NetType/WIFI Language/zh_CN", True),
    ("Mozilla/5.0 (Linux; Android 14; V2309A) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/116.0 Mobile Safari/537.36 XWEB/1160117 MMWEBSDK/20240301 MicroMessenger/8.0.48", True),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/126.0 Safari/537.36", False),
])
def test_phone_agents(monkeypatch, agent, phone):
    import streamlit as st

    from ui import charts

    class Context:
        headers = {"User-Agent": agent}

    monkeypatch.setattr(st, "context", Context())
    assert charts.on_phone() is phone


def test_show_chart_on_a_phone_sends_the_phone_figure(monkeypatch):
    from ui import charts

    monkeypatch.setattr(charts, "on_phone", lambda: True)
    at = AppTest.from_function(_phone_chart_page)
    at.run()
    assert not at.exception
    sent = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert sent["layout"]["legend"]["y"] == 0
    assert json.loads(at.get("plotly_chart")[0].proto.config)["displayModeBar"] is False
