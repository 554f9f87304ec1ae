"""Every file of the bad-input corpus (tests/data/bad/) through ``pipeline.load_file`` on a real
database: each gives the outcome EXPECTED.json documents, and docs/bad-inputs.md lists them all.

Refused files leave the database, ``raw/`` and its index exactly as they were; partly bad files
load their good rows and reject each bad row with its source row, column and reason.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import shutil
from pathlib import Path

import pytest

from etl import db, pipeline, schema
from etl.readers import RegisterReadError

ROOT = Path(__file__).resolve().parent.parent
BAD = Path(__file__).parent / "data" / "bad"
EXPECTED = json.loads((BAD / "EXPECTED.json").read_text("utf-8"))


def _make_bad():
    spec = importlib.util.spec_from_file_location("make_bad", BAD / "make_bad.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def table_digest(con) -> dict[str, tuple[int, str]]:
    """Row count and an order-independent checksum of every table of the data contract."""
    out = {}
    for table in schema.TABLES:
        n, digest = con.execute(
            f"SELECT count(*), coalesce(md5(string_agg(h, '' ORDER BY h)), '') "
            f"FROM (SELECT md5(CAST(t AS VARCHAR)) AS h FROM {table} t)").fetchone()
        out[table] = (n, digest)
    return out


def _tree(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def loaded_db(built_db, tmp_path):
    """A copy of the default database in its own folder (the raw copies go beside it)."""
    target = tmp_path / "equity.duckdb"
    shutil.copyfile(built_db, target)
    con = db.connect(target)
    yield con, tmp_path
    con.close()


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_input(loaded_db, name):
    con, folder = loaded_db
    exp = EXPECTED[name]
    path = BAD / name
    raw_before = path.read_bytes()
    before = table_digest(con)
    files_before = _tree(folder / "raw") if (folder / "raw").exists() else {}
    overrides = exp.get("overrides")
    if exp["outcome"] == "refused":
        with pytest.raises(RegisterReadError) as info:
            pipeline.load_file(con, path, exp["kind"], data_dir=folder, overrides=overrides)
        message = str(info.value)
        for part in exp["error"]:
            assert part in message, (part, message)
        assert info.value.zh and info.value.en  # both languages
        assert str(BAD) not in message and str(ROOT) not in message  # no server path
        assert table_digest(con) == before  # nothing written
        after = _tree(folder / "raw") if (folder / "raw").exists() else {}
        assert after == files_before  # no raw copy, no index line
    else:
        res = pipeline.load_file(con, path, exp["kind"], data_dir=folder, overrides=overrides)
        assert (res.rows_read, res.rows_loaded) == (exp["rows_read"], exp["rows_loaded"])
        got = {(int(r.row_number), r.column_name): r for r in res.rejects.itertuples()}
        assert set(got) == {(r["row"], r["column"]) for r in exp["rejects"]}, res.rejects
        for r in exp["rejects"]:
            rej = got[(r["row"], r["column"])]
            assert r["reason"] in rej.reason_en and rej.reason_zh
        # nothing lost: every row read is either loaded or rejected
        assert res.rows_loaded + res.rows_rejected == res.rows_read
        after = table_digest(con)
        if exp["kind"] == "population":
            # a population register updates the units it names; no facility changes
            assert after["facilities"] == before["facilities"]
            assert after["units"][0] == before["units"][0]
            total = con.execute("SELECT sum(population) FROM units").fetchone()[0]
            assert total == exp["county_population"]
        else:
            assert after["facilities_all"][0] == before["facilities_all"][0] + exp["rows_loaded"]
        assert after["rejects"][0] == before["rejects"][0] + len(exp["rejects"])
        assert after["loads"][0] == before["loads"][0] + 1
        stored = con.execute("SELECT row_number, column_name FROM rejects WHERE load_id = ?",
                             [res.load_id]).fetchall()
        assert set(stored) == set(got)
        for pt in exp.get("points", []):
            if "id" in pt:
                lon, lat, method = con.execute(
                    "SELECT lon, lat, location_method FROM facilities WHERE load_id = ? AND id = ?",
                    [res.load_id, pt["id"]]).fetchone()
                assert (lon, lat) == (pytest.approx(pt["lon"], abs=1e-5),
                                      pytest.approx(pt["lat"], abs=1e-5))
                assert method == pt["method"]
                continue
            lon, lat, method = con.execute(
                "SELECT lon, lat, location_method FROM facilities WHERE load_id = ? "
                "AND id = (SELECT id FROM facilities WHERE load_id = ? ORDER BY id "
                "LIMIT 1 OFFSET ?)", [res.load_id, res.load_id, pt["row"] - 2]).fetchone()
            assert (lon, lat) == (pytest.approx(pt["lon"], abs=1e-5), pytest.approx(pt["lat"], abs=1e-5))
            assert method == pt["method"]
        for fid, name in exp.get("names", {}).items():
            stored = con.execute("SELECT name FROM facilities WHERE load_id = ? AND id = ?",
                                 [res.load_id, fid]).fetchone()
            assert stored == (name,), (fid, stored)
        for r in res.rejects.itertuples():
            assert len(r.raw) < 5_000  # a huge cell is kept cut, saying how long it was
    assert path.read_bytes() == raw_before  # the input is never modified


def test_every_corpus_file_has_a_documented_outcome():
    files = {p.name for p in BAD.iterdir() if p.name not in ("make_bad.py", "EXPECTED.json")
             and not p.name.startswith((".", "__"))}
    assert files == set(EXPECTED)
    doc = (ROOT / "docs" / "bad-inputs.md").read_text("utf-8")
    assert _make_bad().render_doc(doc, EXPECTED) == doc, \
        "docs/bad-inputs.md is stale: run python tests/data/bad/make_bad.py"
    for name in EXPECTED:
        assert f"| `{name}` |" in doc


def test_corpus_covers_the_issue():
    """The problems Issue 6 lists each have a file."""
    need = {"truncated.xlsx", "shift_jis.csv", "utf16_no_bom.csv", "empty.csv", "header_only.csv",
            "duplicate_ids.csv", "nan_inf.csv", "dms_coordinates.csv", "swapped_lat_lon.csv",
            "other_province.csv", "negative_beds.csv", "huge_students.csv",
            "dates_as_numbers.xlsx", "unclosed_quote.csv"}
    assert need <= set(EXPECTED)


def test_corpus_covers_issue_11():
    """Issue 11 (items 4 and 5): each problem has a file with its documented outcome."""
    need = {"long_field.csv", "broken_xml.xlsx", "unit_code_conflict.csv",
            "facility_unit_conflict.csv", "line_geometry.geojson", "invisible_names.csv",
            "map_missing_column.csv", "map_unknown_field.csv"}
    assert need <= set(EXPECTED)


@pytest.mark.parametrize("name", sorted(n for n, e in EXPECTED.items() if e["outcome"] == "refused"))
def test_refusal_names_the_upload_never_its_path(loaded_db, tmp_path, name):
    """As the app loads an upload: from a temporary file, under the user's file name. The
    message names the file as the user knows it and holds no path of the server."""
    con, folder = loaded_db
    exp = EXPECTED[name]
    upload_dir = tmp_path / "equity-upload-x1"
    upload_dir.mkdir()
    tmp_file = upload_dir / ("upload" + Path(name).suffix)
    tmp_file.write_bytes((BAD / name).read_bytes())
    before = table_digest(con)
    with pytest.raises(RegisterReadError) as info:
        pipeline.load_file(con, tmp_file, exp["kind"], data_dir=folder,
                           overrides=exp.get("overrides"), file_name=name)
    message = str(info.value)
    assert name in message or exp.get("overrides")
    assert str(tmp_path) not in message and "upload" + Path(name).suffix not in message
    assert table_digest(con) == before


def test_unit_code_conflict_worked_by_hand(loaded_db):
    """The population conflict of the issue: 511723001002 (新安社区 of 淙城街道) written with
    任市镇 and a population of 8. Loaded as written it would cut the county total from
    414,310 to 414,310 - 7,232 + 8 = 407,086; rejected, the total only takes the 10 residents
    the file adds to 淙城社区 (511723001001): 414,320. 新安社区 keeps its 7,232."""
    con, folder = loaded_db
    assert con.execute("SELECT sum(population) FROM units").fetchone()[0] == 414_310
    assert con.execute("SELECT population FROM units WHERE code = '511723001002'"
                       ).fetchone()[0] == 7_232
    res = pipeline.load_file(con, BAD / "unit_code_conflict.csv", "population", data_dir=folder)
    [rej] = res.rejects.itertuples()
    assert (rej.row_number, rej.column_name) == (3, "村（社区）代码")
    assert "淙城街道" in rej.reason_zh and "任市镇" in rej.reason_zh
    assert "淙城街道" in rej.reason_en and "任市镇" in rej.reason_en
    assert con.execute("SELECT sum(population) FROM units").fetchone()[0] == 414_320
    assert con.execute("SELECT population FROM units WHERE code = '511723001002'"
                       ).fetchone()[0] == 7_232
