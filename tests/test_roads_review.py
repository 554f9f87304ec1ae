"""Review of the roads register and ``python -m metrics travel`` (issue 14): hostile and odd
road files give clear row/column errors and leave the database as it was; Geofabrik's
shapefile coding is understood; the command line answers a hand-worked trip and fails in one
line. Small hand-made layers near the county town (never Kaijiang's roads)."""

from __future__ import annotations

import json
import math
import zipfile
from pathlib import Path

import numpy as np
import pytest

from etl import db, road_store, roads
from metrics.__main__ import main as metrics_main
from tests.conftest import reference_db
from tests.kit_roads import process

A, B, C = (107.86, 31.08), (107.87, 31.08), (107.88, 31.09)
R_M = 6_371_008.8


@pytest.fixture
def refdb(tmp_path) -> Path:
    path = tmp_path / "equity.duckdb"
    reference_db(path).close()
    return path


def _geojson(path: Path, feats: list[dict] | str) -> Path:
    text = feats if isinstance(feats, str) else json.dumps(
        {"type": "FeatureCollection", "features": feats}, ensure_ascii=False)
    path.write_text(text, encoding="utf-8")
    return path


def _line(props: dict, pts) -> dict:
    return {"type": "Feature", "properties": props,
            "geometry": {"type": "LineString", "coordinates": [list(p) for p in pts]}}


def _load(dbfile: Path, path: Path, **kw):
    with db.writing(dbfile, what="test roads") as change:
        return road_store.load_file(change.con, path, year=2024, data_dir=dbfile.parent,
                                    who="test", **kw)


def _rejects(result) -> list[tuple[int, str]]:
    return [(int(r.row_number), r.column_name) for r in result.rejects.itertuples()]


# -- hostile and odd road files ------------------------------------------------------------


def test_nan_and_huge_coordinates_reject_the_row_and_never_reach_the_network(refdb, tmp_path):
    text = json.dumps({"type": "FeatureCollection", "features": [
        _line({"道路等级": "县道"}, [A, B]), _line({"道路等级": "县道"}, [B, C]),
        _line({"道路等级": "县道"}, [(1e308, 31.08), B])]}).replace(
        "[107.87, 31.08]]", "[NaN, 31.08]]", 1)  # the first line ends at NaN
    path = _geojson(tmp_path / "bad.geojson", text)
    result, net = process(refdb, path)
    assert _rejects(result) == [(1, "geometry"), (3, "geometry")]
    assert "nan" in result.rejects.reason_en[0] and "1e+308" in result.rejects.reason_en[1]
    assert "np.float64" not in " ".join(result.rejects.reason_en)
    assert np.isfinite(net.nodes[["lon", "lat"]].to_numpy()).all() and len(net.edges) == 1
    _load(refdb, path)
    con = db.connect(refdb, read_only=True)
    try:
        found = road_store.read_network(con)
    finally:
        con.close()
    assert found is not None and np.isfinite(found[1]["nodes"]["lon"]).all()


def test_a_zero_length_line_is_rejected(refdb, tmp_path):
    path = _geojson(tmp_path / "z.geojson", [_line({"道路等级": "县道"}, [A, A, A]),
                                             _line({"道路等级": "县道"}, [A, B])])
    result, net = process(refdb, path)
    assert _rejects(result) == [(1, "geometry")] and "zero length" in result.rejects.reason_en[0]
    assert result.rows_loaded == 1 and len(net.edges) == 1


def test_an_empty_layer_and_a_table_without_lines_are_refused_clearly(refdb, tmp_path):
    empty = _geojson(tmp_path / "empty.geojson", [])
    with pytest.raises(roads.RegisterReadError, match="no features"):
        process(refdb, empty)
    csv = tmp_path / "facilities.csv"
    csv.write_text("名称,类型,经度,纬度\n开江县人民医院,医院,107.86,31.08\n", encoding="utf-8")
    with pytest.raises(roads.RegisterReadError, match="not a road line layer"):
        process(refdb, csv)


def test_a_file_whose_rows_are_all_rejected_names_the_row_and_loads_nothing(refdb, tmp_path):
    path = _geojson(tmp_path / "abc.geojson", [_line({"道路等级": "县道", "限速": "abc"}, [A, B])])
    result, _ = process(refdb, path)
    assert any("nothing loaded" in n and "row 1 [限速]" in n for n in result.notes)
    published = refdb.read_bytes()
    with pytest.raises(roads.RegisterReadError) as err:
        _load(refdb, path)
    assert "all 1 rows were rejected" in err.value.en and "row 1 [限速]" in err.value.en
    assert refdb.read_bytes() == published


def test_geofabrik_shapefile_coding_is_understood(refdb, tmp_path):
    import pyogrio
    import shapely

    folder = tmp_path / "shp"
    folder.mkdir()
    wkb = shapely.to_wkb([shapely.LineString([A, B]), shapely.LineString([B, C]),
                          shapely.LineString([C, (107.89, 31.10)])])
    pyogrio.raw.write(str(folder / "gis_osm_roads_free_1.shp"), wkb, geometry_type="LineString",
                      field_data=[np.array(["secondary", "tertiary", "unknown"], dtype=object),
                                  np.array([0, 50, 0], dtype="int32"),
                                  np.array(["B", "F", "T"], dtype=object)],
                      fields=["fclass", "maxspeed", "oneway"], crs="EPSG:4326",
                      driver="ESRI Shapefile")
    zipped = tmp_path / "roads.zip"
    with zipfile.ZipFile(zipped, "w") as z:
        for f in folder.iterdir():
            z.write(f, f.name)
    result, net = process(refdb, zipped)
    assert result.rows_rejected == 0 and result.rows_loaded == 3  # maxspeed 0: none posted
    by_class = net.edges.set_index("road_class")
    assert by_class.loc["secondary", "oneway"] == 0 and by_class.loc["tertiary", "oneway"] == 1
    assert by_class.loc["unclassified", "oneway"] == -1
    assert by_class.loc["tertiary", "maxspeed_kph"] == 50
    assert np.isnan(by_class.loc["secondary", "maxspeed_kph"])


def test_yes_no_one_way_columns_keep_their_meaning():
    assert not roads._geofabrik_oneway(__import__("pandas").Series(["T", "F", None]))
    assert roads.parse_oneway("T") == 1 and roads.parse_oneway("F") == 0


def test_the_osm_sample_clipped_away_says_why_in_validate(refdb):
    sample = Path(__import__("pyogrio").__file__).parent / "tests" / "fixtures" / "sample.osm.pbf"
    result, net = process(refdb, sample)
    assert net.edges.empty
    assert any("all" in n and "segments lie outside" in n for n in result.notes)


# -- python -m metrics travel ---------------------------------------------------------------


def _hav_m(p, q) -> float:
    (lo1, la1), (lo2, la2) = p, q
    p1, p2 = math.radians(la1), math.radians(la2)
    a = (math.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lo2 - lo1) / 2) ** 2)
    return 2 * R_M * math.asin(math.sqrt(a))


def test_travel_gives_the_hand_worked_minutes(refdb, tmp_path, capsys):
    # one 县道 (secondary: car 40 km/h at the default car speed) of two segments A-B-C,
    # one-way along its drawing; the start 0.001° north of A: an off-road leg of 111.2 m
    # × 1.3 at 4.5 km/h
    _load(refdb, _geojson(tmp_path / "r.geojson", [_line({"道路等级": "县道", "单向": "是"},
                                                         [A, B, C])]))
    leg = R_M * math.radians(0.001) * 1.3 / 4500 * 60
    car = leg + (_hav_m(A, B) + _hav_m(B, C)) / 1000 / 40 * 60
    assert metrics_main(["travel", "--db", str(refdb), "--mode", "car", "--from",
                         "107.86,31.081", "--to", "107.88,31.09", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"model", "mode", "minutes", "snap_m"} and out["model"] == "network"
    assert out["minutes"][0] == pytest.approx(car, rel=1e-9)
    assert out["snap_m"][0] == pytest.approx(111.195, abs=0.01)
    # the way back is against the one-way: unreachable by car (null, never 0)
    assert metrics_main(["travel", "--db", str(refdb), "--mode", "car", "--from",
                         "107.88,31.09", "--to", "107.86,31.081", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["minutes"] == [None]


@pytest.mark.parametrize("args", [
    ["--mode", "car", "--from", "abc", "--to", "107.88,31.09"],
    ["--mode", "car", "--from", "200,100", "--to", "107.88,31.09"],
    ["--mode", "plane", "--from", "107.86,31.08", "--to", "107.88,31.09"],
])
def test_travel_argument_errors_are_one_line(args, capsys):
    with pytest.raises(SystemExit) as stop:
        metrics_main(["travel", *args])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "usage" not in err


def test_travel_with_a_database_that_is_not_one_exits_2(tmp_path, capsys):
    for bad in (tmp_path, tmp_path / "missing.duckdb"):
        assert metrics_main(["travel", "--db", str(bad), "--mode", "car", "--from",
                             "107.86,31.08", "--to", "107.88,31.09"]) == 2
        assert len(capsys.readouterr().err.strip().splitlines()) == 1


def test_a_shapefile_with_chinese_names_cut_inside_a_character_is_read(refdb, tmp_path):
    import warnings

    import pyogrio
    import shapely

    folder = tmp_path / "shp"
    folder.mkdir()
    with warnings.catch_warnings():  # GDAL warns that it cuts '道路等级' to 10 bytes
        warnings.simplefilter("ignore")
        pyogrio.raw.write(str(folder / "roads.shp"),
                          shapely.to_wkb([shapely.LineString([A, B, C])]),
                          geometry_type="LineString",
                          field_data=[np.array(["县道"], dtype=object),
                                      np.array(["是"], dtype=object)],
                          fields=["道路等级", "单向"], crs="EPSG:4326",
                          driver="ESRI Shapefile", encoding="UTF-8")
    zipped = tmp_path / "roads.zip"
    with zipfile.ZipFile(zipped, "w") as z:
        for f in folder.iterdir():
            z.write(f, f.name)
    result, net = process(refdb, zipped)
    assert result.rows_loaded == 1 and any("cut short" in n for n in result.notes)
    assert set(net.edges["road_class"]) == {"secondary"} and set(net.edges["oneway"]) == {1}


OSM_XML = """<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6" generator="hand">
 <node id="1" lat="31.08" lon="107.86" version="1"/>
 <node id="2" lat="31.08" lon="107.87" version="1"/>
 <node id="3" lat="31.09" lon="107.88" version="1"/>
 <way id="10" version="1"><nd ref="1"/><nd ref="2"/><nd ref="3"/>
  <tag k="highway" v="secondary"/><tag k="oneway" v="yes"/></way>
</osm>
"""


def test_a_compressed_osm_file_is_kept_with_its_ending_and_built_again(built_db, tmp_path):
    import gzip
    import shutil

    dbfile = tmp_path / "equity.duckdb"
    shutil.copyfile(built_db, dbfile)
    path = tmp_path / "开江.osm.gz"
    path.write_bytes(gzip.compress(OSM_XML.encode()))
    result, _ = _load(dbfile, path)
    assert (tmp_path / "raw" / f"{result.sha256}.osm.gz").exists()
    before = _edges(dbfile)
    db.build(dbfile)  # the kept raw copy is read again as OpenStreetMap
    assert _edges(dbfile) == before and len(before) == 2


def _edges(dbfile: Path) -> list:
    con = db.connect(dbfile, read_only=True)
    try:
        return con.execute("SELECT u, v, road_class, oneway FROM road_edges WHERE register_id = "
                           "(SELECT max(register_id) FROM registers WHERE kind = 'roads' AND "
                           "status = 'active') ORDER BY ALL").fetchall()
    finally:
        con.close()


def test_route_codes_of_gb_t_917_are_classes(refdb, tmp_path):
    feats = [_line({"行政等级": code}, [A, B]) for code in ("G318", "G42", "S202", "X", "Y", "C")]
    result, net = process(refdb, _geojson(tmp_path / "codes.geojson", feats))
    assert result.rows_rejected == 0
    assert sorted(net.stats["km_by_class"]) == sorted(
        ["trunk", "motorway", "primary", "secondary", "tertiary", "unclassified"])


def test_a_zip_of_several_layers_is_read_at_its_road_layer(refdb, tmp_path):
    import pyogrio
    import shapely

    folder = tmp_path / "shp"
    folder.mkdir()
    for layer, geom, kind in (
            ("gis_osm_buildings_a_free_1", shapely.Polygon([A, B, C]), "Polygon"),
            ("gis_osm_pois_free_1", shapely.Point(A), "Point"),
            ("gis_osm_roads_free_1", shapely.LineString([A, B, C]), "LineString")):
        pyogrio.raw.write(str(folder / f"{layer}.shp"), shapely.to_wkb([geom]),
                          geometry_type=kind, field_data=[np.array(["secondary"], dtype=object)],
                          fields=["fclass"], crs="EPSG:4326", driver="ESRI Shapefile")
    zipped = tmp_path / "sichuan-latest-free.shp.zip"
    with zipfile.ZipFile(zipped, "w") as z:
        for f in folder.iterdir():
            z.write(f, f.name)
    result, net = process(refdb, zipped)
    assert result.rows_rejected == 0 and len(net.edges) == 2
    assert any("gis_osm_roads_free_1" in n for n in result.notes)


def test_files_without_roads_or_unreadable_say_so_without_the_machine_path(refdb, tmp_path):
    nodes = tmp_path / "nodes.osm"
    nodes.write_text('<?xml version="1.0"?>\n<osm version="0.6"><node id="1" lat="31.08" '
                     'lon="107.86" version="1"/></osm>\n', encoding="utf-8")
    result, _ = process(refdb, nodes)
    assert any("the file holds no road" in n for n in result.notes)
    with pytest.raises(roads.RegisterReadError, match="holds no road"):
        _load(refdb, nodes)
    garbage = tmp_path / "garbage.geojson"
    garbage.write_bytes(bytes(range(256)))
    with pytest.raises(roads.RegisterReadError) as err:
        process(refdb, garbage)
    assert "cannot read the road layer" in err.value.en and str(tmp_path) not in err.value.en


def test_a_road_drawn_up_to_another_joins_it_and_a_crossing_does_not(refdb, tmp_path, capsys):
    # the 乡道 ends on the middle of the 县道's only segment (a T-junction without a shared
    # vertex); the 村道 crosses the 县道 with no end on it (a bridge: no junction)
    feats = [_line({"道路等级": "县道"}, [(107.86, 31.08), (107.88, 31.08)]),
             _line({"道路等级": "乡道"}, [(107.87, 31.09), (107.87, 31.08)]),
             _line({"道路等级": "村道"}, [(107.865, 31.07), (107.865, 31.09)])]
    path = _geojson(tmp_path / "t.geojson", feats)
    result, net = process(refdb, path)
    assert net.stats["t_junctions"] == 1 and any("T-junctions" in n for n in result.notes)
    assert net.stats["pieces"] == 2  # the 县道 with the 乡道; the 村道 alone
    _load(refdb, path)
    assert metrics_main(["travel", "--db", str(refdb), "--mode", "car", "--from",
                         "107.87,31.09", "--to", "107.86,31.08", "--to", "107.865,31.07",
                         "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    # 乡道 1.11 km at 30 km/h, then 县道 0.95 km west at 40 km/h; no way onto the 村道
    tertiary = _hav_m((107.87, 31.09), (107.87, 31.08)) / 1000 / 30 * 60
    secondary = _hav_m((107.87, 31.08), (107.86, 31.08)) / 1000 / 40 * 60
    assert out["minutes"][0] == pytest.approx(tertiary + secondary, rel=1e-6)
    assert out["minutes"][1] is None


def test_travel_on_a_damaged_stored_network_exits_2_in_one_line(refdb, tmp_path, capsys):
    _load(refdb, _geojson(tmp_path / "r.geojson", [_line({"道路等级": "县道"}, [A, B, C])]))
    con = db.connect(refdb)
    try:
        con.execute("UPDATE road_nodes SET lon = 'NaN'::DOUBLE WHERE node_id = 1")
    finally:
        con.close()
    assert metrics_main(["travel", "--db", str(refdb), "--mode", "car", "--from",
                         "107.86,31.081", "--to", "107.88,31.09"]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "cannot be used" in err
