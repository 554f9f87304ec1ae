"""Roads in the app: the loaded network on the maps, and a roads file uploaded on the Data page
(validated with its report, loaded, withdrawn like every register)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from etl import road_store
from tests.conftest import open_app
from tests.test_pages_admin import PASSWORD, login, open_page, upload
from ui.i18n import t
from ui.maps import MAIN_ROADS, county_map_spec, road_lines

BOUNDARY = {"type": "Polygon", "coordinates": [[[108.0, 31.0], [108.2, 31.0], [108.2, 31.2],
                                                [108.0, 31.2], [108.0, 31.0]]]}


def _net(classes: dict[str, int]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Parallel east-west roads, 50 vertices each, ``n`` roads of each class."""
    nodes, edges, nid = [], [], 0
    row = 0
    for cls, n in classes.items():
        for _ in range(n):
            lat = 31.0 + 0.001 * row
            row += 1
            # a zigzag, so simplification keeps most vertices
            ids = list(range(nid, nid + 50))
            nodes += [(i, 108.0 + 0.004 * k, lat + (0.0008 if k % 2 else 0.0)) for k, i in enumerate(ids)]
            edges += [(a, b, cls) for a, b in zip(ids[:-1], ids[1:], strict=True)]
            nid += 50
    return (pd.DataFrame(nodes, columns=["node_id", "lon", "lat"]),
            pd.DataFrame(edges, columns=["u", "v", "road_class"]))


def _road_traces(spec: dict) -> list[dict]:
    return [d for d in spec["data"] if d.get("meta") == "roads"]


def test_no_road_traces_without_roads():
    for static in (False, True):
        assert not _road_traces(county_map_spec(BOUNDARY, static=static))


@pytest.mark.parametrize("static", [False, True])
def test_roads_drawn_by_class_main_roads_wider_and_under_the_points(static):
    roads = road_lines(*_net({"secondary": 2, "unclassified": 2}))
    pts = pd.DataFrame({"lon": [108.1], "lat": [31.1], "label": ["村"]})
    spec = county_map_spec(BOUNDARY, points=pts, lang="zh", roads=roads, static=static)
    traces = _road_traces(spec)
    assert [tr["name"] for tr in traces] == ["村道", "县道"]  # main roads drawn last, on top
    width = {tr["name"]: tr["line"]["width"] for tr in traces}
    assert width["县道"] > width["村道"]
    assert traces[0]["legendgrouptitle"]["text"] == t("map.roads", "zh")
    assert spec["data"].index(traces[-1]) < next(i for i, d in enumerate(spec["data"])
                                                 if d.get("name") == t("map.units", "zh"))
    assert traces[0]["type"] == ("scatter" if static else "scattermap")


def test_minor_roads_dropped_beyond_the_budget_main_roads_kept():
    nodes, edges = _net({"trunk": 3, "unclassified": 40})
    out = road_lines(nodes, edges, budget=1000)
    assert list(out["classes"]) == ["trunk"] and out["dropped"] == ["unclassified"]
    assert out["vertices"] <= 1000
    # main roads are simplified harder rather than dropped
    tight = road_lines(*_net({"secondary": 20}), budget=200)
    assert set(tight["classes"]) == {"secondary"} and tight["vertices"] <= 200
    assert set(MAIN_ROADS) >= {"motorway", "trunk", "primary", "secondary", "tertiary"}
    # every line ends with a gap, lon and lat paired
    line = out["classes"]["trunk"]
    assert len(line["lon"]) == len(line["lat"]) and line["lon"][-1] is None


def test_the_grid_on_a_map_stays_small(roads_db):
    con = duckdb.connect(str(roads_db), read_only=True)
    try:
        _, net = road_store.read_network(con)
        bounds = con.execute("SELECT geojson FROM boundaries WHERE level = 'county'").fetchone()[0]
    finally:
        con.close()
    roads = road_lines(net["nodes"], net["edges"])
    size = len(json.dumps(county_map_spec(json.loads(bounds), roads=roads)))
    assert size < 500_000, size


def test_domain_free_page_maps_switch_with_the_register(built_db, roads_db, monkeypatch):
    """The comparison page's map draws roads only when a roads register is loaded."""
    at = open_app(roads_db, monkeypatch, "travel_compare")
    assert any(_road_traces(json.loads(c.proto.spec)) for c in at.get("plotly_chart"))
    at = open_app(built_db, monkeypatch, "travel_compare")
    assert not at.get("plotly_chart")


# --- the Data page: upload, report, withdraw -----------------------------------------------------

@pytest.fixture
def roads_file(built_db, tmp_path) -> Path:
    """Two roads inside the county (a 县道 and a 村道 through villages) and one of an unknown
    class (rejected)."""
    con = duckdb.connect(str(built_db), read_only=True)
    try:
        pts = con.execute("SELECT lon, lat FROM units ORDER BY code LIMIT 3").fetchall()
    finally:
        con.close()
    line = [[float(x), float(y)] for x, y in pts]
    feats = [
        {"type": "Feature", "properties": {"道路等级": "县道", "名称": "测试路"},
         "geometry": {"type": "LineString", "coordinates": line[:2]}},
        {"type": "Feature", "properties": {"道路等级": "村道"},
         "geometry": {"type": "LineString", "coordinates": line[1:]}},
        {"type": "Feature", "properties": {"道路等级": "神秘道路"},
         "geometry": {"type": "LineString", "coordinates": line[:2]}},
    ]
    path = tmp_path / "test_roads.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": feats},
                               ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture
def private_db(built_db, tmp_path) -> Path:
    folder = tmp_path / "db"
    folder.mkdir()
    path = folder / "equity.duckdb"
    shutil.copy(built_db, path)
    return path


def _roads_registers(path: Path) -> list[tuple]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute("SELECT register_id, status FROM registers WHERE kind = 'roads' "
                           "ORDER BY register_id").fetchall()
    finally:
        con.close()


def test_roads_validate_shows_the_report_and_writes_nothing(private_db, roads_file, monkeypatch):
    at = open_page(private_db, monkeypatch, admin_env=PASSWORD, lang="en")
    login(at, "admin", PASSWORD)
    upload(at, roads_file, "roads", action="up_validate", year=None)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[t("dp.roads.ways", "en")] == "2"
    assert metrics[t("dp.rows_rejected", "en")] == "1"
    classes = next(d.value for d in at.dataframe if t("dp.roads.class", "en") in d.value.columns)
    assert set(classes[t("dp.roads.class", "en")]) == {"County road", "Village road"}
    assert np.all(classes[t("dp.roads.class_km", "en")] > 0)
    assert any("Connectivity" in c.value for c in at.caption)
    assert any("神秘道路" in d.value.to_string() for d in at.dataframe)  # the rejected row
    assert _roads_registers(private_db) == []


def test_roads_load_needs_a_year_and_no_facility_options(private_db, roads_file, monkeypatch):
    at = open_page(private_db, monkeypatch, admin_env=PASSWORD, lang="zh")
    login(at, "admin", PASSWORD)
    upload(at, roads_file, "roads", year=None)
    assert any(t("dp.up_roads_year", "zh") in e.value for e in at.error)
    upload(at, roads_file, "roads", mapping="名称=name")
    assert any("列对应" in e.value for e in at.error)
    assert _roads_registers(private_db) == []


def test_roads_load_confirm_and_withdraw(private_db, roads_file, monkeypatch):
    at = open_page(private_db, monkeypatch, admin_env=PASSWORD, lang="en")
    login(at, "admin", PASSWORD)
    upload(at, roads_file, "roads", year=2024)
    ((rid, status),) = _roads_registers(private_db)
    assert status == "active"
    assert any(t("frame.travel", "en", model="road network") in c.value for c in at.caption)
    registers = next(d.value for d in at.dataframe if t("dp.reg.col_status", "en") in d.value.columns)
    assert t("kind.roads", "en") in set(registers[t("dp.reg.col_kind", "en")])
    at.selectbox(key="reg_pick").set_value(rid).run()
    at.button(key="reg_withdraw").click().run()
    assert not at.exception, at.exception
    assert _roads_registers(private_db) == [(rid, "withdrawn")]
    assert any(t("frame.travel", "en", model="straight-line estimate") in c.value for c in at.caption)


def test_marked_villages_drawn_on_top_with_their_legend_name():
    far = pd.DataFrame({"lon": [108.1], "lat": [31.1], "label": ["<b>远村</b>"]})
    fac = pd.DataFrame({"lon": [108.05], "lat": [31.05], "type": ["health_centre"], "name": ["院"]})
    spec = county_map_spec(BOUNDARY, facilities=fac, lang="zh", marks=[(far, "离道路较远的村", "#6d4c41"),
                                                                      (far.iloc[0:0], "空", "#000")])
    names = [d.get("name") for d in spec["data"]]
    assert names[-1] == "离道路较远的村" and "空" not in names
    assert spec["data"][-1]["text"] == ["<b>&lt;b&gt;远村&lt;/b&gt;</b>"]  # data escaped
