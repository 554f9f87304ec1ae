"""The ETL command line as the README documents it, on a temporary database."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from etl import db

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "samples" / "clinics_sample_gbk_gcj02.csv"


def etl(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "etl", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)


@pytest.fixture
def dbfile(built_db, tmp_path) -> Path:
    target = tmp_path / "equity.duckdb"
    target.write_bytes(built_db.read_bytes())
    return target


def test_validate_reports_and_changes_nothing(dbfile):
    before = dbfile.read_bytes()
    out = etl("--db", str(dbfile), "validate", str(SAMPLE), "--kind", "clinics", "--crs", "gcj02",
              "--json")
    assert out.returncode == 0, out.stderr
    res = json.loads(out.stdout)
    assert (res["rows_read"], res["rows_loaded"], res["rows_rejected"]) == (8, 6, 2)
    assert {r["row_number"] for r in res["rejects"]} == {8, 9}
    assert dbfile.read_bytes() == before


def test_load_then_status_then_load_again(dbfile):
    out = etl("--db", str(dbfile), "load", str(SAMPLE), "--kind", "clinics", "--crs", "gcj02")
    assert out.returncode == 0, out.stderr
    assert "导入 6 行" in out.stdout and "loaded 6" in out.stdout
    assert "第 8 行" in out.stdout  # the broken row is named with its row number
    con = db.connect(dbfile, read_only=True)
    try:
        rej = con.execute("SELECT row_number, reason_en FROM rejects ORDER BY row_number").df()
    finally:
        con.close()
    assert rej["row_number"].tolist() == [8, 9]
    again = etl("--db", str(dbfile), "load", str(SAMPLE), "--kind", "clinics", "--crs", "gcj02")
    assert "already loaded" in again.stdout
    status = etl("--db", str(dbfile), "status")
    assert status.returncode == 0
    assert "clinics_sample_gbk_gcj02.csv" in status.stdout
    # the raw file is kept beside the database, so a rebuild applies the user's load again
    kept = [p for p in (dbfile.parent / "raw").glob("*.csv") if p.name != "index.csv"]
    assert len(kept) == 1 and kept[0].read_bytes() == SAMPLE.read_bytes()
    rebuilt = etl("--db", str(dbfile), "build")
    assert rebuilt.returncode == 0, rebuilt.stderr
    con = db.connect(dbfile, read_only=True)
    try:
        n = con.execute("SELECT count(*) FROM rejects r JOIN loads l USING (load_id) "
                        "WHERE l.file_name = ?", [SAMPLE.name]).fetchone()[0]
    finally:
        con.close()
    assert n == 2


def test_unreadable_file_is_a_clear_error(dbfile, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("foo,bar\n1,2\n", encoding="utf-8")
    out = etl("--db", str(dbfile), "load", str(bad), "--kind", "schools")
    assert out.returncode == 1
    assert "bad.csv" in out.stderr


def test_map_option(dbfile, tmp_path):
    f = tmp_path / "k.csv"
    f.write_text("园所全称,乡镇\n甲幼儿园,任市镇\n", encoding="utf-8")
    out = etl("--db", str(dbfile), "validate", str(f), "--kind", "kindergartens", "--json")
    assert out.returncode == 1 and "--map" in out.stderr
    out = etl("--db", str(dbfile), "validate", str(f), "--kind", "kindergartens",
              "--map", "园所全称=name", "--json")
    assert json.loads(out.stdout)["rows_loaded"] == 1


@pytest.mark.parametrize("kind", ["schools", "clinics", "population"])
def test_template_has_the_preferred_headers(tmp_path, kind):
    from etl import aliases

    out_file = tmp_path / f"{kind}.xlsx"
    out = etl("template", "--kind", kind, str(out_file))
    assert out.returncode == 0, out.stderr
    headers = list(pd.read_excel(out_file).columns)
    assert headers == aliases.template_columns(kind)
