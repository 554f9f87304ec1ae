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
    if exp["outcome"] == "refused":
        with pytest.raises(RegisterReadError) as info:
            pipeline.load_file(con, path, exp["kind"], data_dir=folder)
        message = str(info.value)
        for part in exp["error"]:
            assert part in message, (part, message)
        assert info.value.zh and info.value.en  # both languages
        assert table_digest(con) == before  # nothing written
        after = _tree(folder / "raw") if (folder / "raw").exists() else {}
        assert after == files_before  # no raw copy, no index line
    else:
        res = pipeline.load_file(con, path, exp["kind"], data_dir=folder)
        assert (res.rows_read, res.rows_loaded) == (exp["rows_read"], exp["rows_loaded"])
        got = {(int(r.row_number), r.column_name): r for r in res.rejects.itertuples()}
        assert set(got) == {(r["row"], r["column"]) for r in exp["rejects"]}, res.rejects
        for r in exp["rejects"]:
            rej = got[(r["row"], r["column"])]
            assert r["reason"] in rej.reason_en and rej.reason_zh
        # nothing lost: every row read is either loaded or rejected
        assert res.rows_loaded + res.rows_rejected == res.rows_read
        after = table_digest(con)
        assert after["facilities"][0] == before["facilities"][0] + exp["rows_loaded"]
        assert after["rejects"][0] == before["rejects"][0] + len(exp["rejects"])
        assert after["loads"][0] == before["loads"][0] + 1
        stored = con.execute("SELECT row_number, column_name FROM rejects WHERE load_id = ?",
                             [res.load_id]).fetchall()
        assert set(stored) == set(got)
        for pt in exp.get("points", []):
            lon, lat, method = con.execute(
                "SELECT lon, lat, location_method FROM facilities WHERE load_id = ? "
                "AND id = (SELECT id FROM facilities WHERE load_id = ? ORDER BY id "
                "LIMIT 1 OFFSET ?)", [res.load_id, res.load_id, pt["row"] - 2]).fetchone()
            assert (lon, lat) == (pytest.approx(pt["lon"], abs=1e-5), pytest.approx(pt["lat"], abs=1e-5))
            assert method == pt["method"]
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
