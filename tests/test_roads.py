"""The roads register (issue 14): OSM and GIS line layers read, clipped to the county, stored
as nodes and segments, reported (counts, km by class, connectivity), loaded and withdrawn
as a register."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from etl import coords, db, registers, road_graph, road_store, roads
from metrics.geo import haversine_km
from tests.conftest import reference_db
from tests.kit_roads import process

ROOT = Path(__file__).resolve().parent.parent

# near 普安镇, the county town (WGS-84 about 107.83, 31.097; data/reference)
A0, A1, A2 = (107.830, 31.090), (107.835, 31.090), (107.840, 31.090)
B1, C1, C3 = (107.840, 31.095), (107.835, 31.085), (107.845, 31.095)
F0, F1 = (107.850, 31.100), (107.851, 31.100)


def _feature(props: dict, geom_type: str, coordinates) -> dict:
    return {"type": "Feature", "properties": props,
            "geometry": {"type": geom_type, "coordinates": coordinates}}


def _roads_geojson(path: Path, *, convert=None) -> Path:
    """Six features: three connected roads (县道 with a speed, 乡道 one-way, a two-part 村道
    one-way against its drawing), an unknown class, a point, and an isolated 城市道路."""
    def c(*pts):
        if convert is None:
            return [list(p) for p in pts]
        lon, lat = convert(np.array([p[0] for p in pts]), np.array([p[1] for p in pts]))
        return [[float(x), float(y)] for x, y in zip(lon, lat, strict=True)]

    feats = [
        _feature({"道路等级": "县道", "限速": "60", "单向": "否", "名称": "开江大道"},
                 "LineString", c(A0, A1, A2)),
        _feature({"道路等级": "乡道", "限速": None, "单向": "是", "名称": None},
                 "LineString", c(A2, B1)),
        _feature({"道路等级": "村道", "限速": "30 km/h", "单向": "-1", "名称": None},
                 "MultiLineString", [c(A1, C1), c(B1, C3)]),
        _feature({"道路等级": "大道", "限速": None, "单向": None, "名称": None},
                 "LineString", c(F0, F1)),
        _feature({"道路等级": "县道", "限速": None, "单向": None, "名称": None},
                 "Point", c(A0)[0]),
        _feature({"道路等级": "城市道路", "限速": None, "单向": None, "名称": None},
                 "LineString", c(F0, F1)),
    ]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": feats},
                               ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture
def refdb(tmp_path) -> Path:
    """A published database with the reference data only (the county boundary)."""
    path = tmp_path / "equity.duckdb"
    reference_db(path).close()
    return path


def test_a_gis_layer_with_chinese_classes_speeds_and_one_way(refdb, tmp_path):
    result, net = process(refdb, _roads_geojson(tmp_path / "roads.geojson"))
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (6, 4, 2)
    rej = result.rejects.set_index("row_number")
    assert rej.loc[4, "column_name"] == "道路等级" and "大道" in rej.loc[4, "reason_en"]
    assert "expected 高速" in rej.loc[4, "reason_en"]
    assert rej.loc[5, "column_name"] == "geometry" and "Point" in rej.loc[5, "reason_en"]
    s = net.stats
    assert (s["ways"], s["nodes"], s["segments"], s["segments_outside"]) == (5, 8, 6, 0)
    e = net.edges
    assert sorted(e["road_class"]) == ["residential", "secondary", "secondary", "tertiary",
                                       "unclassified", "unclassified"]
    by = e.set_index("road_class")
    assert set(by.loc["secondary", "oneway"]) == {0}
    assert set(by.loc["secondary", "maxspeed_kph"]) == {60.0}
    assert by.loc["tertiary", "oneway"] == 1 and np.isnan(by.loc["tertiary", "maxspeed_kph"])
    assert set(by.loc["unclassified", "oneway"]) == {-1}
    assert set(by.loc["unclassified", "maxspeed_kph"]) == {30.0}
    assert set(by.loc["secondary", "name"]) == {"开江大道"}
    # the shared vertices are one node: A2 joins 县道 and 乡道, A1 and B1 the 村道
    nodes = {(round(x, 7), round(y, 7)): i for i, x, y in net.nodes.itertuples(index=False)}
    assert len(nodes) == 8
    secondary = e[e["road_class"] == "secondary"]
    assert set(secondary["v"]) & set(e.loc[e["road_class"] == "tertiary", "u"]) == {nodes[A2]}
    expected = 1000 * haversine_km(A0[1], A0[0], A2[1], A2[0])
    assert secondary["length_m"].sum() == pytest.approx(float(expected), rel=1e-9)
    assert s["km_by_class"]["secondary"] == pytest.approx(float(expected) / 1000, abs=1e-3)
    # two pieces: the connected three roads and the isolated city road
    assert s["pieces"] == 2 and s["pieces_not_connected"] == 1
    iso = float(1000 * haversine_km(F0[1], F0[0], F1[1], F1[0]))
    assert s["largest_share_length"] == pytest.approx(1 - iso / e["length_m"].sum())
    text = "\n".join(result.notes)
    assert "pieces are not connected to it" in text and "secondary" in text


def test_gcj02_coordinates_are_converted(refdb, tmp_path):
    plain = process(refdb, _roads_geojson(tmp_path / "wgs.geojson"))[1]
    gcj = process(refdb, _roads_geojson(tmp_path / "gcj.geojson",
                                         convert=coords.wgs84_to_gcj02), crs="gcj02")[1]
    assert len(gcj.nodes) == len(plain.nodes) == 8
    a = plain.nodes.sort_values(["lon", "lat"])[["lon", "lat"]].to_numpy()
    b = gcj.nodes.sort_values(["lon", "lat"])[["lon", "lat"]].to_numpy()
    assert np.abs(a - b).max() < 1e-6


def test_segments_far_outside_the_county_are_dropped(refdb, tmp_path):
    path = tmp_path / "far.geojson"
    near_edge = (107.69724 - 0.05, 31.0)  # about 5 km west of the boundary's bbox
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        _feature({"highway": "primary"}, "LineString", [list(A0), list(A1)]),
        _feature({"highway": "primary"}, "LineString", [[100.0, 30.0], [100.01, 30.0]]),
    ]}), encoding="utf-8")
    result, net = process(refdb, path)
    assert net.stats["segments"] == 1 and net.stats["segments_outside"] == 1
    assert "dropped" in "\n".join(result.notes)
    area = coords.Area(road_store.county_geometry(db.connect(refdb, read_only=True)),
                       buffer_km=road_graph.CLIP_KM)
    assert area.contains([near_edge[0]], [near_edge[1]]).all()


def test_an_unknown_class_column_refuses_the_file(refdb, tmp_path):
    path = tmp_path / "noclass.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        _feature({"名称": "x"}, "LineString", [list(A0), list(A1)])]}), encoding="utf-8")
    with pytest.raises(roads.RegisterReadError) as err:
        process(refdb, path)
    assert "道路等级" in err.value.zh and "名称" in err.value.en


def test_a_bad_speed_or_one_way_value_rejects_the_row(refdb, tmp_path):
    path = tmp_path / "bad.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        _feature({"class": "primary", "speed_kph": "fast", "oneway": "yes"}, "LineString",
                 [list(A0), list(A1)]),
        _feature({"class": "primary", "speed_kph": "40", "oneway": "maybe"}, "LineString",
                 [list(A1), list(A2)]),
        _feature({"class": "motorway_link", "speed_kph": "30 mph", "oneway": "true"},
                 "LineString", [list(A2), list(B1)]),
    ]}), encoding="utf-8")
    result, net = process(refdb, path)
    assert result.rejects[["row_number", "column_name"]].values.tolist() == [
        [1, "speed_kph"], [2, "oneway"]]
    assert net.edges[["road_class", "oneway"]].values.tolist() == [["motorway", 1]]
    assert net.edges["maxspeed_kph"].iloc[0] == pytest.approx(48.28, abs=0.01)


SAMPLE_OSM = Path(__import__("pyogrio").__file__).parent / "tests" / "fixtures" / "sample.osm.pbf"


@pytest.mark.skipif(not SAMPLE_OSM.exists(), reason="pyogrio's sample OSM file is not installed")
def test_the_osm_sample_of_a_package_is_read_and_clipped_away(refdb):
    """pyogrio's sample (England, © OpenStreetMap contributors, ODbL): its highway ways read
    with the clip disabled (in this test only); with the county clip nothing is left."""
    read = roads.read_roads(SAMPLE_OSM)
    assert read.rows_loaded == len(read.ways) == 36
    assert all(w.ids is not None and len(w.ids) >= 2 for w in read.ways)
    result, net = process(refdb, SAMPLE_OSM, clip=False)
    got = net.edges.groupby("road_class").size().to_dict()
    assert set(got) == {"motorway", "secondary", "tertiary", "residential", "service",
                        "footway", "cycleway"}
    assert set(net.edges.loc[net.edges["road_class"] == "motorway", "oneway"]) == {1}
    assert 1709246789 in set(net.nodes["node_id"])  # OSM node ids are the node ids
    assert "not Kaijiang's network" in "\n".join(result.notes)
    clipped = process(refdb, SAMPLE_OSM)[1]
    assert clipped.stats["segments"] == 0 and clipped.stats["nodes"] == 0
    assert clipped.stats["segments_outside"] == net.stats["segments"]
    with pytest.raises(roads.RegisterReadError):
        roads.read_roads(SAMPLE_OSM, crs="gcj02")
    published = refdb.read_bytes()
    with pytest.raises(roads.RegisterReadError) as err:  # never loaded as Kaijiang's roads
        _load(refdb, SAMPLE_OSM)
    assert "nothing loaded" in err.value.en and refdb.read_bytes() == published


# -- loading, superseding, withdrawing ------------------------------------------------------


def _load(dbfile: Path, path: Path, year: int = 2024):
    with db.writing(dbfile, what="test roads") as change:
        return road_store.load_file(change.con, path, year=year, data_dir=dbfile.parent,
                                    who="test")


def _act(dbfile: Path, what: str, register_id: int):
    with db.writing(dbfile, what=f"test {what}") as change:
        fn = registers.withdraw if what == "withdraw" else registers.restore
        return fn(change.con, register_id, who="tester", data_dir=dbfile.parent)


def _network(dbfile: Path) -> tuple[int | None, list]:
    con = db.connect(dbfile, read_only=True)
    try:
        rid = road_store.active_register(con)
        edges = con.execute("SELECT u, v, road_class FROM road_edges WHERE register_id = ? "
                            "ORDER BY ALL", [rid]).fetchall()
        return rid, edges
    finally:
        con.close()


def test_load_supersede_withdraw_and_restore(refdb, tmp_path):
    assert _network(refdb) == (None, [])
    first, _ = _load(refdb, _roads_geojson(tmp_path / "roads.geojson"))
    rid1, edges1 = _network(refdb)
    assert rid1 == first.load_id and len(edges1) == 6
    assert (refdb.parent / "raw" / f"{first.sha256}.geojson").exists()
    again, _ = _load(refdb, tmp_path / "roads.geojson")
    assert again.already_loaded
    path2 = tmp_path / "roads2.geojson"
    path2.write_text(json.dumps({"type": "FeatureCollection", "features": [
        _feature({"highway": "trunk"}, "LineString", [list(A0), list(A1)])]}), encoding="utf-8")
    second, _ = _load(refdb, path2, year=2023)  # a newer load supersedes, whatever its year
    assert any(n.startswith("已替换道路登记表") for n in second.notes)
    rid2, edges2 = _network(refdb)
    assert rid2 == second.load_id and [e[2] for e in edges2] == ["trunk"]
    con = db.connect(refdb, read_only=True)
    try:
        st = {r["register_id"]: r["status"] for r in registers.list_registers(con)}
        n_rejects = con.execute("SELECT count(*) FROM rejects WHERE load_id = ?",
                                [rid1]).fetchone()[0]
    finally:
        con.close()
    assert (st[rid1], st[rid2]) == ("superseded", "active") and n_rejects == 2
    _act(refdb, "withdraw", rid2)
    assert _network(refdb) == (rid1, edges1)
    _act(refdb, "withdraw", rid1)
    assert _network(refdb) == (None, [])
    _act(refdb, "restore", rid2)
    assert _network(refdb) == (rid2, edges2)


def test_a_failed_load_leaves_the_database_as_it_was(refdb, tmp_path, monkeypatch):
    _load(refdb, _roads_geojson(tmp_path / "roads.geojson"))
    before = _network(refdb)
    published = refdb.read_bytes()

    def boom(_con):
        raise RuntimeError("disk full")

    monkeypatch.setattr(registers, "refresh", boom)
    path2 = tmp_path / "roads2.geojson"
    path2.write_text(json.dumps({"type": "FeatureCollection", "features": [
        _feature({"highway": "trunk"}, "LineString", [list(A0), list(A1)])]}), encoding="utf-8")
    with pytest.raises(RuntimeError):
        _load(refdb, path2)
    assert refdb.read_bytes() == published and _network(refdb) == before
    index = (refdb.parent / "raw" / "index.csv").read_text(encoding="utf-8")
    assert "roads2.geojson" not in index
    assert not list((refdb.parent / "raw").glob("*.part"))


def _etl(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "etl", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)


def test_the_command_line_and_a_rebuild(built_db, tmp_path):
    dbfile = tmp_path / "equity.duckdb"
    shutil.copyfile(built_db, dbfile)
    path = _roads_geojson(tmp_path / "roads.geojson")
    out = _etl("--db", str(dbfile), "validate", str(path), "--kind", "roads")
    assert out.returncode == 0, out.stderr
    assert "ways 5, nodes 8, segments 6" in out.stdout and "rejected 2" in out.stdout
    assert "[道路等级]" in out.stdout and "1 pieces are not connected" in out.stdout
    out = _etl("--db", str(dbfile), "load", str(path), "--kind", "roads")
    assert out.returncode == 2 and "--year" in out.stderr
    out = _etl("--db", str(dbfile), "load", str(path), "--kind", "roads", "--year", "2024",
               "--json")
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout)
    assert got["roads"]["segments"] == 6 and got["kind"] == "roads"
    listed = json.loads(_etl("--db", str(dbfile), "registers", "--json").stdout)
    assert listed[-1]["kind"] == "roads" and listed[-1]["status"] == "active"
    # a roads register's rows are its segments, shown while it is in force
    assert listed[-1]["rows_active"] == listed[-1]["rows_shown"] == 6
    before = _network(dbfile)
    db.build(dbfile)  # the raw copy is loaded again
    assert _network(dbfile) == before and before[0] is not None
