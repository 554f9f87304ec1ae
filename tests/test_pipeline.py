"""The load pipeline on real files and a real DuckDB database (no mocks)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from openpyxl import Workbook

from etl import coords, duplicates, pipeline, reference
from etl.readers import RegisterReadError
from tests.conftest import reference_db


@pytest.fixture
def con(tmp_path):
    """A database holding only the real reference data (no population, no facilities)."""
    c = reference_db(tmp_path / "t.duckdb")
    yield c
    c.close()


def _town_point(name: str) -> tuple[float, float]:
    t = reference.townships().set_index("name")
    return float(t.loc[name, "lon"]), float(t.loc[name, "lat"])


def _snapshot(con) -> dict:
    return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("facilities", "loads", "rejects", "units")} | {
        "pop": con.execute("SELECT sum(population) FROM units").fetchone()[0]}


def _write_gbk_clinics(path: Path) -> dict:
    """A clinic register as a bureau writes it: title row, GBK, GCJ-02 points, an old township
    name, a short township name, one broken row. Returns the true WGS-84 points."""
    lon_w = np.array([_town_point("回龙镇")[0] + 0.01, _town_point("任市镇")[0] - 0.005,
                      _town_point("甘棠镇")[0]])
    lat_w = np.array([_town_point("回龙镇")[1] + 0.004, _town_point("任市镇")[1] + 0.003,
                      _town_point("甘棠镇")[1] - 0.002])
    glon, glat = coords.wgs84_to_gcj02(lon_w, lat_w)
    lines = [
        "开江县村卫生室基本情况表（2024年）,,,,,,",
        "序号,机构名称,乡镇,所属村,经度,纬度,乡村医生数",
        f"1,天师社区卫生室,天师镇,天师社区,{glon[0]:.6f},{glat[0]:.6f},2人",
        f"2,凉风垭村卫生室,任市,凉风垭村,{glon[1]:.6f},{glat[1]:.6f},１",
        f"3,甘棠社区卫生室,甘棠镇,甘棠社区,{glon[2]:.6f},{glat[2]:.6f},3",
        "4,无名卫生室,北京镇,某村,107.0,31.0,abc",
    ]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("gbk"))
    return {"lon": lon_w, "lat": lat_w}


def test_messy_gbk_register_loads_good_rows_and_quarantines_the_bad(con, tmp_path):
    path = tmp_path / "村卫生室.csv"
    truth = _write_gbk_clinics(path)
    res = pipeline.load_file(con, path, "clinics", crs="gcj02", data_dir=tmp_path / "data")
    assert (res.rows_read, res.rows_loaded, res.rows_rejected) == (4, 3, 1)
    got = con.execute("SELECT name, township_code, unit_code, lon, lat, doctors, location_method "
                      "FROM facilities ORDER BY name").df().set_index("name")
    assert got.loc["天师社区卫生室", "township_code"] == "511723102"  # old name → 回龙镇
    assert got.loc["天师社区卫生室", "unit_code"] == "511723102002"
    assert got.loc["凉风垭村卫生室", "township_code"] == "511723107"  # short name 任市
    assert got.loc["凉风垭村卫生室", "doctors"] == 1  # full-width digit
    assert got.loc["天师社区卫生室", "doctors"] == 2  # "2人"
    order = ["天师社区卫生室", "凉风垭村卫生室", "甘棠社区卫生室"]
    np.testing.assert_allclose(got.loc[order, "lon"], truth["lon"], atol=1e-6)
    np.testing.assert_allclose(got.loc[order, "lat"], truth["lat"], atol=1e-6)
    assert set(got["location_method"]) == {"register:gcj02"}
    rej = con.execute("SELECT * FROM rejects").df()
    assert len(rej) == 1
    assert rej.loc[0, "row_number"] == 6  # title row and header counted
    assert "北京镇" in rej.loc[0, "reason_zh"]
    assert json.loads(rej.loc[0, "raw"])["机构名称"] == "无名卫生室"
    load = con.execute("SELECT * FROM loads").df().iloc[0]
    assert (load["rows_read"], load["rows_loaded"], load["rows_rejected"]) == (4, 3, 1)
    # the raw file is kept unchanged under its hash
    kept = tmp_path / "data" / "raw" / f"{res.sha256}.csv"
    assert kept.read_bytes() == path.read_bytes()


def test_same_file_twice_adds_nothing(con, tmp_path):
    path = tmp_path / "c.csv"
    _write_gbk_clinics(path)
    pipeline.load_file(con, path, "clinics", crs="gcj02", data_dir=tmp_path / "data")
    before = _snapshot(con)
    again = pipeline.load_file(con, path, "clinics", crs="gcj02", data_dir=tmp_path / "data")
    assert again.already_loaded
    assert _snapshot(con) == before


def test_unreadable_file_writes_nothing(con, tmp_path):
    before = _snapshot(con)
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(RegisterReadError):
        pipeline.load_file(con, empty, "clinics", data_dir=tmp_path / "data")
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"PK\x03\x04 this is not really a workbook")
    with pytest.raises(RegisterReadError):
        pipeline.load_file(con, junk, "schools", data_dir=tmp_path / "data")
    assert _snapshot(con) == before
    assert not (tmp_path / "data" / "raw").exists()


def test_failure_midway_rolls_back(con, tmp_path):
    """The rows are inserted, then keeping the raw file fails: the transaction rolls back."""
    path = tmp_path / "c.csv"
    _write_gbk_clinics(path)
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / "raw").write_text("a file where the raw folder should be")
    before = _snapshot(con)
    with pytest.raises(OSError):
        pipeline.load_file(con, path, "clinics", crs="gcj02", data_dir=data_dir)
    assert _snapshot(con) == before


def test_validate_changes_nothing(con, tmp_path):
    path = tmp_path / "c.csv"
    _write_gbk_clinics(path)
    before = _snapshot(con)
    res = pipeline.process_file(con, path, "clinics", crs="gcj02")
    assert (res.rows_loaded, res.rows_rejected) == (3, 1)
    assert _snapshot(con) == before


def _xlsx(path: Path, rows: list[list]) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "学校"
    for r in rows:
        ws.append(r)
    wb.save(path)


def test_rows_without_coordinates_are_located_from_the_gazetteer(con, tmp_path):
    path = tmp_path / "schools.xlsx"
    _xlsx(path, [
        ["开江县学校统计表"],
        ["学校名称", "学校类型", "乡镇（街道）", "村（社区）", "在校生数", "专任教师数"],
        ["任市镇中心小学", "中心校", "任市镇", "新康社区", "1,200", "60"],
        ["某村小", "村小", "讲治", None, "35人", "3"],
        ["合计", None, None, None, "1235", "63"],
    ])
    res = pipeline.load_file(con, path, "schools", data_dir=tmp_path / "data")
    assert res.rows_loaded == 2
    f = con.execute("SELECT * FROM facilities ORDER BY name").df().set_index("name")
    assert f.loc["任市镇中心小学", "students"] == 1200
    assert f.loc["任市镇中心小学", "type"] == "primary"
    assert f.loc["某村小", "type"] == "teaching_point"
    assert f.loc["某村小", "township_code"] == "511723105"
    # units have no points in this database: both fall back to the township point
    assert f.loc["某村小", "location_method"] == "gazetteer:township"
    assert (f.loc["某村小", "lon"], f.loc["某村小", "lat"]) == pytest.approx(_town_point("讲治镇"))
    # the totals row is not a facility: skipped by the reader and reported in the notes
    assert any("row 5" in n and "total" in n for n in res.notes), res.notes


def test_unknown_township_suggests_the_closest(con, tmp_path):
    path = tmp_path / "k.csv"
    path.write_text("名称,乡镇,学位数\n甲幼儿园,任事镇,100\n", encoding="utf-8")
    res = pipeline.load_file(con, path, "kindergartens", data_dir=tmp_path / "data")
    assert res.rows_loaded == 0
    assert "任市镇" in res.rejects.loc[0, "reason_zh"]
    assert res.rejects.loc[0, "column_name"] == "乡镇"


def test_map_override_and_missing_required(con, tmp_path):
    path = tmp_path / "k.csv"
    path.write_text("园所全称,乡镇,学位数\n甲幼儿园,任市镇,100\n", encoding="utf-8")
    with pytest.raises(RegisterReadError) as exc:
        pipeline.process_file(con, path, "kindergartens")
    assert "--map" in str(exc.value)
    res = pipeline.process_file(con, path, "kindergartens", overrides={"园所全称": "name"})
    assert res.rows_loaded == 1
    assert res.clean.iloc[0]["places"] == 100


def test_swapped_and_outside_points(con, tmp_path):
    lon, lat = _town_point("甘棠镇")
    path = tmp_path / "k.csv"
    path.write_text(
        "名称,乡镇,经度,纬度\n"
        f"甲幼儿园,甘棠镇,{lat},{lon}\n"  # swapped
        "乙幼儿园,甘棠镇,104.06,30.67\n",  # Chengdu
        encoding="utf-8")
    res = pipeline.process_file(con, path, "kindergartens")
    assert res.rows_loaded == 1
    assert (res.clean.iloc[0]["lon"], res.clean.iloc[0]["lat"]) == pytest.approx((lon, lat))
    assert res.clean.iloc[0]["location_method"].endswith("swapped")
    assert res.rejects.loc[0, "row_number"] == 3


def test_duplicate_ids_keep_the_first(con, tmp_path):
    path = tmp_path / "k.csv"
    path.write_text("编号,名称,乡镇\nK1,甲幼儿园,任市镇\nK1,乙幼儿园,任市镇\n", encoding="utf-8")
    res = pipeline.process_file(con, path, "kindergartens")
    assert res.rows_loaded == 1
    assert res.clean.iloc[0]["name"] == "甲幼儿园"
    assert res.rejects.loc[0, "row_number"] == 3


def test_population_register_updates_units(con, tmp_path):
    units = reference.units().head(2)
    head = "村（社区）代码,村（社区）,0-2岁,3-5岁,6-11岁,12-14岁,15-17岁,18-59岁,60-64岁,65岁及以上,合计"
    rows = [f"{units.iloc[0]['code']},{units.iloc[0]['name']},1,2,3,4,5,60,10,15,100",
            f"{units.iloc[1]['code']},{units.iloc[1]['name']},1,2,3,4,5,60,10,15,999"]
    path = tmp_path / "pop.csv"
    path.write_text("\n".join([head, *rows]) + "\n", encoding="utf-8-sig")
    res = pipeline.load_file(con, path, "population", data_dir=tmp_path / "data")
    assert (res.rows_loaded, res.rows_rejected) == (1, 1)
    got = con.execute("SELECT code, population, pop_65_plus FROM units WHERE population IS NOT NULL").df()
    assert got.to_dict("records") == [{"code": units.iloc[0]["code"], "population": 100, "pop_65_plus": 15}]
    assert "100" in res.rejects.loc[0, "reason_en"]  # the bands sum to 100, not 999


def test_boundaries_replace_generated_areas(con, tmp_path):
    sq = {"type": "Polygon", "coordinates": [[[107.7, 30.9], [107.8, 30.9], [107.8, 31.0],
                                              [107.7, 31.0], [107.7, 30.9]]]}
    path = tmp_path / "towns.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": "511723107", "name": "任市镇"}, "geometry": sq}]}))
    pipeline.load_file(con, path, "boundaries", data_dir=tmp_path / "data")
    got = con.execute("SELECT level, code, is_synthetic FROM boundaries WHERE code = '511723107'").df()
    assert got.to_dict("records") == [{"level": "township", "code": "511723107", "is_synthetic": False}]
    bad = tmp_path / "bad.geojson"
    bad.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": "123"}, "geometry": sq}]}))
    with pytest.raises(RegisterReadError):
        pipeline.load_file(con, bad, "boundaries", data_dir=tmp_path / "data")


def test_ids_are_stable_when_the_register_has_none(con, tmp_path):
    path = tmp_path / "k.csv"
    path.write_text("名称,乡镇\n甲幼儿园,任市镇\n", encoding="utf-8")
    a = pipeline.process_file(con, path, "kindergartens").clean["id"].iloc[0]
    b = pipeline.process_file(con, path, "kindergartens").clean["id"].iloc[0]
    assert a == b and a.startswith("KIN-")
    assert isinstance(pd.Series([a]).iloc[0], str)


@pytest.mark.parametrize("ids", [
    ["a", "b", "c"], ["a", "b", "a", "c", "b"], ["c", "b", "a"], [None, "a", None], ["x"], [],
    [f"JY-{i:07d}" for i in range(50)] + ["JY-0000007"],
])
def test_repeated_ids_match_pandas(ids):
    import pyarrow as pa

    got = duplicates.repeated(pa.array(ids, pa.string()))
    assert got.tolist() == pd.Series(ids, dtype=object).duplicated().tolist()


def test_an_id_already_loaded_is_replaced(con, tmp_path):
    a = tmp_path / "a.csv"
    a.write_text("编号,名称,乡镇,学位数\nK1,甲幼儿园,任市镇,100\nK2,乙幼儿园,任市镇,50\n", encoding="utf-8")
    b = tmp_path / "b.csv"
    b.write_text("编号,名称,乡镇,学位数\nK1,甲幼儿园（新）,任市镇,120\n", encoding="utf-8")
    pipeline.load_file(con, a, "kindergartens", data_dir=tmp_path / "data")
    pipeline.load_file(con, b, "kindergartens", data_dir=tmp_path / "data")
    got = con.execute("SELECT id, name, places, source FROM facilities ORDER BY id").df()
    assert got.to_dict("records") == [
        {"id": "K1", "name": "甲幼儿园（新）", "places": 120, "source": "b.csv"},
        {"id": "K2", "name": "乙幼儿园", "places": 50, "source": "a.csv"}]


def test_written_rows_are_typed_and_complete(con, tmp_path):
    """Every facility column comes from the validated rows: domain and tier from the type,
    NULL for fields the register lacks, the load id and the source."""
    path = tmp_path / "k.csv"
    path.write_text("名称,乡镇,学位数,年份\n甲幼儿园,任市镇,100,2024\n", encoding="utf-8")
    res = pipeline.load_file(con, path, "kindergartens", data_dir=tmp_path / "data")
    row = con.execute("SELECT * FROM facilities").df().iloc[0]
    assert (row["domain"], row["type"], row["tier"]) == ("education", "kindergarten", "township")
    assert (row["places"], row["year"], row["load_id"], row["source"]) == (100, 2024, res.load_id, "k.csv")
    assert pd.isna(row["students"]) and pd.isna(row["school_group"])
    assert row["location_method"] == "gazetteer:township" and not row["is_synthetic"]


def test_two_sheets_load_together(con, tmp_path):
    """Sheets with different columns and types are written in one load; row numbers per sheet."""
    path = tmp_path / "two.xlsx"
    wb = Workbook()
    a = wb.active
    a.title = "小学"
    for r in [["编号", "学校名称", "学校类型", "乡镇（街道）", "在校生数"],
              ["S1", "甲小学", "中心校", "任市镇", "300"], ["S2", "乙村小", "村小", "讲治镇", "abc"]]:
        a.append(r)
    b = wb.create_sheet("中学")
    for r in [["编号", "学校名称", "学校类型", "乡镇（街道）", "专任教师数"],
              ["S3", "丙中学", "初级中学", "甘棠镇", "40"], ["S1", "重复", "初级中学", "甘棠镇", "1"]]:
        b.append(r)
    wb.save(path)
    res = pipeline.load_file(con, path, "schools", data_dir=tmp_path / "data")
    assert (res.rows_read, res.rows_loaded, res.rows_rejected) == (4, 2, 2)
    got = con.execute("SELECT id, type, domain, students, teachers FROM facilities ORDER BY id").df()
    assert got["id"].tolist() == ["S1", "S3"]
    assert got["type"].tolist() == ["primary", "junior"]
    assert got["domain"].tolist() == ["education", "education"]
    assert got.loc[0, "students"] == 300 and pd.isna(got.loc[0, "teachers"])
    assert got.loc[1, "teachers"] == 40 and pd.isna(got.loc[1, "students"])
    rej = res.rejects.set_index("sheet")
    assert rej.loc["小学", "row_number"] == 3 and "not a number" in rej.loc["小学", "reason_en"]
    assert rej.loc["中学", "row_number"] == 3 and "repeats" in rej.loc["中学", "reason_en"]
    assert set(res.clean["_sheet"]) == {"小学", "中学"}


def test_a_file_that_fails_validation_leaves_no_raw_copy(con, tmp_path):
    """The raw copy is made while validating; a load that fails keeps nothing of it."""
    path = tmp_path / "k.csv"
    path.write_text("园所全称,乡镇,学位数\n甲幼儿园,任市镇,100\n", encoding="utf-8")
    before = _snapshot(con)
    with pytest.raises(RegisterReadError, match="--map"):
        pipeline.load_file(con, path, "kindergartens", data_dir=tmp_path / "data")
    assert _snapshot(con) == before
    assert not (tmp_path / "data" / "raw").exists()
    res = pipeline.load_file(con, path, "kindergartens", overrides={"园所全称": "name"},
                             data_dir=tmp_path / "data")
    assert res.rows_loaded == 1
    kept = sorted(p.name for p in (tmp_path / "data" / "raw").iterdir())
    assert kept == [f"{res.sha256}.csv", "index.csv"]
    # loaded once: the same file again is recognised even without the mapping
    again = pipeline.load_file(con, path, "kindergartens", data_dir=tmp_path / "data")
    assert again.already_loaded and again.load_id == res.load_id


def test_facility_insert_keeps_the_connection_settings(con, tmp_path):
    path = tmp_path / "k.csv"
    path.write_text("名称,乡镇\n甲幼儿园,任市镇\n", encoding="utf-8")
    pipeline.load_file(con, path, "kindergartens", data_dir=tmp_path / "data")
    assert con.execute("SELECT current_setting('preserve_insertion_order')").fetchone()[0] is True


# -- loads in parts ---------------------------------------------------------------------


def _write_parts_register(path: Path) -> None:
    """40 school rows whose checks reach across any cut into parts: ids out of order that
    repeat far apart (K05 at rows 3 and 40; K07 first on a bad row, then on a good one),
    rows without an id whose derived id repeats (same type, name and township at rows
    5 and 30), rows without coordinates, half coordinates, a bad count, an unknown township."""
    lon, lat = _town_point("任市镇")
    rows = []
    for i in range(40):
        rid = f"K{(i * 7) % 43 + 100}"  # distinct, out of order
        rows.append([rid, f"学校{i}", "中心校", "任市镇", f"{lon + i * 1e-4:.6f}", f"{lat:.6f}", str(100 + i)])
    rows[1][0] = "K05"       # row 3
    rows[38][0] = "K05"      # row 40: a repeat of row 3
    rows[4][0] = rows[28][0] = ""  # rows 6 and 30: no id, the same type, name and township
    rows[28][1] = rows[4][1]
    rows[9][0], rows[9][6] = "K07", "abc"  # row 11: bad count, its id is not kept
    rows[33][0] = "K07"      # row 35: the only good row with K07
    rows[12][4] = rows[12][5] = ""  # row 14: located from the township
    rows[15][5] = ""         # row 17: a longitude alone
    rows[20][4] = ""         # row 22: a latitude alone
    rows[25][3] = "北京镇"    # row 27: unknown township
    head = "编号,学校名称,学校类型,乡镇（街道）,经度,纬度,在校生数"
    path.write_text("\n".join([head, *(",".join(r) for r in rows)]) + "\n", encoding="utf-8")


def _dump(con) -> dict:
    """Every written row, as text (NULL as None) so that two dumps compare with ``==``."""
    def rows(sql: str) -> list:
        return [tuple(None if v is None else str(v) for v in r) for r in con.execute(sql).fetchall()]

    return {
        "facilities": rows("SELECT * EXCLUDE (load_id) FROM facilities ORDER BY id"),
        "rejects": rows("SELECT * EXCLUDE (load_id) FROM rejects ORDER BY row_number"),
        "loads": rows("SELECT rows_read, rows_loaded, rows_rejected FROM loads"),
    }


def test_a_load_in_parts_equals_the_load_in_one(con, tmp_path, monkeypatch):
    path = tmp_path / "s.csv"
    _write_parts_register(path)
    whole = pipeline.load_file(con, path, "schools", data_dir=tmp_path / "d1")
    monkeypatch.setattr(pipeline, "CHUNK_ROWS", 6)  # 7 parts of 5 or 6 rows
    con2 = reference_db(tmp_path / "parts.duckdb")
    try:
        parts = pipeline.load_file(con2, path, "schools", data_dir=tmp_path / "d2")
        assert _dump(con2) == _dump(con)
        assert con2.execute("SELECT current_setting('preserve_insertion_order')").fetchone()[0] is True
    finally:
        con2.close()
    assert (parts.rows_read, parts.rows_loaded, parts.rows_rejected) == (40, 34, 6)
    pd.testing.assert_frame_equal(parts.rejects, whole.rejects)
    pd.testing.assert_frame_equal(parts.clean.reset_index(drop=True), whole.clean.reset_index(drop=True))
    # the answers worked out by hand
    rej = whole.rejects.set_index("row_number")
    assert sorted(rej.index) == [11, 17, 22, 27, 30, 40]
    assert rej.loc[40, "reason_en"] == 'id "K05" repeats in the file (the first row is kept)'
    assert rej.loc[30, "reason_en"].startswith('id "SCH-')
    assert rej.loc[17, "column_name"] == "经度" and rej.loc[22, "column_name"] == "纬度"
    kept = set(whole.clean["id"])
    assert "K07" in kept and whole.clean.set_index("id").loc["K07", "name"] == "学校33"
    assert whole.clean.set_index("_row").loc[14, "location_method"] == "gazetteer:township"


@pytest.mark.parametrize("ids", [
    ["a", "b", "c", "d", "e", "f"],           # sorted: later parts are all above the kept ones
    ["f", "e", "d", "c", "b", "a"],
    ["c", "a", "c", "b", "a", "d", "b", "e"],
    ["x1", "x10", "x2", "x1", "x20", "x10"],
])
@pytest.mark.parametrize("size", [1, 2, 3])
def test_ids_kept_from_earlier_parts(ids, size):
    import pyarrow as pa

    kept, naive = duplicates.KeptIds(), set()
    for a in range(0, len(ids), size):
        part = pa.array(ids[a:a + size], pa.string())
        got = kept.contains(part)
        assert got.tolist() == [x in naive for x in ids[a:a + size]]
        new = part.filter(pa.array(~got))
        kept.add(new)
        naive |= set(new.to_pylist())


def test_a_failure_after_parts_were_written_rolls_back_everything(con, tmp_path, monkeypatch):
    """The first sheet is validated and written in three parts; the second lacks a required
    column: the load fails and the database is as it was."""
    monkeypatch.setattr(pipeline, "CHUNK_ROWS", 2)
    path = tmp_path / "two.xlsx"
    wb = Workbook()
    a = wb.active
    a.title = "小学"
    a.append(["编号", "学校名称", "学校类型", "乡镇（街道）", "在校生数"])
    for i in range(6):
        a.append([f"S{i}", f"小学{i}", "中心校", "任市镇", "300"])
    b = wb.create_sheet("中学")
    b.append(["编号", "学校类型", "乡镇（街道）", "专任教师数"])
    b.append(["S9", "初级中学", "甘棠镇", "40"])
    wb.save(path)
    before = _snapshot(con)
    with pytest.raises(RegisterReadError, match="name"):
        pipeline.load_file(con, path, "schools", data_dir=tmp_path / "data")
    assert _snapshot(con) == before
    assert con.execute("SELECT current_setting('preserve_insertion_order')").fetchone()[0] is True
    assert not (tmp_path / "data" / "raw").exists()
    # the connection is usable and the next load goes through
    k = tmp_path / "k.csv"
    k.write_text("名称,乡镇\n甲幼儿园,任市镇\n乙幼儿园,任市镇\n丙幼儿园,任市镇\n", encoding="utf-8")
    assert pipeline.load_file(con, k, "kindergartens", data_dir=tmp_path / "data").rows_loaded == 3
    assert con.execute("SELECT count(*) FROM facilities").fetchone()[0] == 3


# --- issue 11: limits, invisible names, unit code against township, --map mistakes --------------

def test_cell_length_limit_is_per_row_and_set_by_its_variable(con, tmp_path, monkeypatch):
    """With EQUITY_MAX_FIELD_CHARS=12: a 12-character name loads, 13 characters (any column,
    mapped or not) rejects the row with the count and the limit; the row is kept cut."""
    monkeypatch.setenv("EQUITY_MAX_FIELD_CHARS", "12")
    path = tmp_path / "k.csv"
    twelve, thirteen = "甲" * 10 + "小学", "乙" * 11 + "小学"
    path.write_text(f"名称,乡镇,备注\n{twelve},任市镇,\n{thirteen},任市镇,\n丙幼儿园,任市镇,"
                    f"{'x' * 13}\n", encoding="utf-8")
    res = pipeline.load_file(con, path, "kindergartens", data_dir=tmp_path / "data")
    assert (res.rows_read, res.rows_loaded) == (3, 1)
    got = {(r.row_number, r.column_name): r for r in res.rejects.itertuples()}
    assert set(got) == {(3, "名称"), (4, "备注")}
    assert "13 characters, over the limit of 12 per cell" in got[(3, "名称")].reason_en
    assert "13 个字符" in got[(3, "名称")].reason_zh
    assert con.execute("SELECT name FROM facilities").fetchall() == [(twelve,)]


def test_a_huge_cell_is_rejected_and_kept_cut(con, tmp_path):
    """The default limit (10,000 characters): a 350,000-character name rejects its row only;
    the rejects table keeps the first 200 characters and the length."""
    path = tmp_path / "k.csv"
    path.write_text(f"名称,乡镇\n甲幼儿园,任市镇\n{'长' * 350_000},任市镇\n丙幼儿园,任市镇\n",
                    encoding="utf-8")
    res = pipeline.load_file(con, path, "kindergartens", data_dir=tmp_path / "data")
    assert (res.rows_read, res.rows_loaded, res.rows_rejected) == (3, 2, 1)
    raw, reason = con.execute("SELECT raw, reason_en FROM rejects").fetchone()
    assert "350,000 characters, over the limit of 10,000" in reason
    assert json.loads(raw)["名称"] == "长" * 200 + "…（共 350,000 字符 / 350,000 characters）"


def test_invisible_characters_never_reach_stored_texts(con, tmp_path):
    """Bidi controls, zero-width characters, BOM and soft hyphens are removed from names,
    addresses and ids; a name of nothing else is rejected, a blank one is 'missing'."""
    path = tmp_path / "k.csv"
    path.write_text(
        "编号,名称,乡镇,地址\n"
        "K\u200b1,\u202e甲\u00ad幼儿园\u2069,\u2066任市镇\u2069,任市镇\u200d新街 1 号\n"
        "K2,\u200c\ufeff,任市镇,\n"
        "K3,\u3000,任市镇,\n", encoding="utf-8")
    res = pipeline.load_file(con, path, "kindergartens", data_dir=tmp_path / "data")
    assert res.rows_loaded == 1
    stored = con.execute("SELECT id, name, township_code FROM facilities").fetchall()
    town = reference.townships().set_index("name").loc["任市镇", "code"]
    assert stored == [("K1", "甲幼儿园", town)]
    assert res.clean["address"].tolist() == ["任市镇新街 1 号"]
    rej = res.rejects.set_index("row_number")
    assert "only invisible characters (U+200C U+FEFF)" in rej.loc[3, "reason_en"]
    assert "name is missing" in rej.loc[4, "reason_en"]


def test_unit_code_of_another_township_is_rejected(con, tmp_path):
    """A village code with the wrong township is rejected naming both; the same code with its
    own township (or an old name of it, or none) loads."""
    units = reference.units()
    code = units.loc[units["township_code"] == "511723102", "code"].iloc[0]  # a unit of 回龙镇
    path = tmp_path / "k.csv"
    path.write_text(f"名称,乡镇,村（社区）代码\n甲幼儿园,任市镇,{code}\n乙幼儿园,天师镇,{code}\n"
                    f"丙幼儿园,回龙镇,{code}\n丁幼儿园,,{code}\n", encoding="utf-8")
    res = pipeline.process_file(con, path, "kindergartens")
    assert (res.rows_read, res.rows_loaded) == (4, 3)
    [r] = res.rejects.itertuples()
    assert (r.row_number, r.column_name) == (2, "村（社区）代码")
    assert r.reason_en == (f'village/community code "{code}" belongs to 回龙镇, not to the '
                           'township written, "任市镇"')
    assert "回龙镇" in r.reason_zh and "任市镇" in r.reason_zh


def test_map_mistakes_refuse_the_whole_load(con, tmp_path):
    """Validate and load alike: an unknown field lists the kind's fields, a column not in the
    file lists the file's columns; nothing is written, no raw copy is kept."""
    from etl.readers import MappingError

    path = tmp_path / "k.csv"
    path.write_text("名称,乡镇,学位数\n甲幼儿园,任市镇,100\n", encoding="utf-8")
    before = _snapshot(con)
    for call in (pipeline.process_file, pipeline.load_file):
        kw = {"data_dir": tmp_path / "data"} if call is pipeline.load_file else {}
        with pytest.raises(MappingError) as info:
            call(con, path, "kindergartens", overrides={"学位数": "seats"}, **kw)
        assert "places" in info.value.en and "可用字段" in info.value.zh
        assert "seats" in info.value.en
        with pytest.raises(MappingError) as info:
            call(con, path, "kindergartens", overrides={"园所全称": "name"}, **kw)
        assert "名称, 乡镇, 学位数" in info.value.en and "名称、乡镇、学位数" in info.value.zh
        assert isinstance(info.value, ValueError)  # callers catching ValueError still do
    assert _snapshot(con) == before
    assert not (tmp_path / "data" / "raw").exists()
