"""Every realistic messy register under tests/data/messy/ through the whole load pipeline.

EXPECTED.json (written with the files by make_messy.py) says, per file, how many rows
must load, which source rows must be rejected and why, and where some good rows must land.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from etl import paths, pipeline, reference
from tests.conftest import reference_db

MESSY = Path(__file__).parent / "data" / "messy"
EXPECTED = json.loads((MESSY / "EXPECTED.json").read_text("utf-8"))

#: A word of the English reason that each error code must produce.
KEYWORD = {
    "unknown_township": "unknown township",
    "unknown_unit": "unknown village",
    "not_a_number": "not a number",
    "bad_coordinate": "cannot be read",
    "outside_county": "outside Kaijiang",
    "unknown_type": "not a known facility type",
    "type_not_allowed": "does not belong to this kind",
    "type_not_told": "cannot be told from the name",
}


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    """Reference data plus unit points and population from the default population register."""
    path = tmp_path_factory.mktemp("messy") / "m.duckdb"
    c = reference_db(path)
    pipeline.load_file(c, paths.REGISTERS / "population_2020.csv", "population", keep_raw=False)
    yield c
    c.close()


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_messy_register(con, name):
    exp = EXPECTED[name]
    res = pipeline.process_file(con, MESSY / name, exp["kind"], crs=exp.get("crs") or "wgs84")
    assert res.rows_read == exp["rows_read"]
    assert res.rows_loaded == exp["rows_loaded"], res.rejects.to_dict("records")
    rejected = {int(r.row_number): r for r in res.rejects.itertuples()}
    assert set(rejected) == {e["row"] for e in exp["errors"]}
    for e in exp["errors"]:
        r = rejected[e["row"]]
        assert KEYWORD[e["code"]] in r.reason_en, (e, r.reason_en)
        assert e["column"] in (r.column_name, *json.loads(r.raw).keys())
        assert r.reason_zh  # every reason also in Chinese
    clean = res.clean.set_index("_row")
    key = "code" if exp["kind"] == "population" else "township_code"
    for g in exp["good"]:
        row = clean.loc[g["row"]]
        assert row["township_code"] == g["township_code"]
        if "lon" in g and key != "code":
            assert row["lon"] == pytest.approx(g["lon"], abs=g.get("tol_deg", 1e-5))
            assert row["lat"] == pytest.approx(g["lat"], abs=g.get("tol_deg", 1e-5))
        if "type" in g:
            assert row["type"] == g["type"]
        if "care_beds" in g:
            assert row["care_beds"] == g["care_beds"]


#: Registers written in a bureau's own way: they load without --map, into a real database.
DIALECTS = ["schools_xueduan.xlsx", "elderly_care_no_type.csv"]


@pytest.mark.parametrize("name", DIALECTS)
def test_dialect_register_loads_without_map(tmp_path, name):
    exp = EXPECTED[name]
    c = reference_db(tmp_path / "d.duckdb")
    try:
        pipeline.load_file(c, paths.REGISTERS / "population_2020.csv", "population",
                           keep_raw=False)
        res = pipeline.load_file(c, MESSY / name, exp["kind"], crs=exp["crs"],
                                 data_dir=tmp_path / "data")
        assert (res.rows_read, res.rows_loaded) == (exp["rows_read"], exp["rows_loaded"])
        got = c.execute("SELECT name, type, township_code, lon, lat, care_beds, location_method "
                        "FROM facilities WHERE load_id = ? ORDER BY name",
                        [res.load_id]).df().set_index("name")
        assert len(got) == exp["rows_loaded"]
        clean = res.clean.set_index("_row")
        for g in exp["good"]:
            row = got.loc[clean.loc[g["row"], "name"]]
            assert row["type"] == g["type"]
            assert row["township_code"] == g["township_code"]
            assert row["lon"] == pytest.approx(g["lon"], abs=g["tol_deg"])
            assert row["lat"] == pytest.approx(g["lat"], abs=g["tol_deg"])
            assert row["location_method"] == f"register:{exp['crs']}"
            if "care_beds" in g:
                assert row["care_beds"] == g["care_beds"]
        stored = c.execute("SELECT count(*) FROM rejects WHERE load_id = ?",
                           [res.load_id]).fetchone()[0]
        assert stored == len(exp["errors"])
    finally:
        c.close()


def test_messy_registers_cover_every_facility_kind():
    kinds = {e["kind"] for e in EXPECTED.values()}
    assert kinds >= {"schools", "kindergartens", "hospitals", "clinics", "elderly_care", "culture",
                     "population"}
    assert len(reference.townships()) == 13
