"""The whole default dataset: build from data/ through the CLI, as the README says."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from etl import db, paths, reference

ROOT = Path(__file__).resolve().parent.parent


def run_etl(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "etl", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=600)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("build") / "equity.duckdb"
    out = run_etl("--db", str(path), "build")
    assert out.returncode == 0, out.stderr
    assert "100%] done" in out.stderr  # progress is shown
    return path


def test_status_reports_the_county(built):
    out = run_etl("--db", str(built), "status")
    assert out.returncode == 0, out.stderr
    s = json.loads(out.stdout[: out.stdout.index("}") + 1])
    assert s["townships"] == 13
    assert s["units"] == 162
    assert s["residents"] == 414_310
    for domain in ("education", "health", "elderly_care", "culture"):
        assert s[f"facilities_{domain}"] > 0
    assert s["units_synthetic"] == 162
    assert s["facilities_synthetic"] == s["facilities"]


def test_population_equals_the_census_by_band(built):
    from etl.demo import census_band_totals

    con = db.connect(built, read_only=True)
    try:
        sums = con.execute("SELECT " + ", ".join(f"sum({c})" for c, _, _ in
                           __import__("etl.schema", fromlist=["AGE_BANDS"]).AGE_BANDS)
                           + " FROM units").fetchone()
        urban = con.execute("SELECT sum(population) FROM units WHERE urban_rural = 'urban'").fetchone()[0]
        no_point = con.execute("SELECT count(*) FROM units WHERE lon IS NULL").fetchone()[0]
        areas = con.execute("SELECT level, count(*) FROM boundaries GROUP BY level").fetchall()
    finally:
        con.close()
    bands = census_band_totals(reference.census_age())
    assert list(sums) == list(bands.values())
    assert urban == 180_354
    assert no_point == 0
    assert dict(areas) == {"county": 1, "township": 13, "unit": 162}


def test_default_registers_load_without_rejects(built):
    con = db.connect(built, read_only=True)
    try:
        loads = con.execute("SELECT file_name, rows_read, rows_loaded, rows_rejected FROM loads").df()
    finally:
        con.close()
    manifest = db.read_manifest(paths.MANIFEST)
    assert sorted(loads["file_name"]) == sorted(m["file"] for m in manifest)
    assert (loads["rows_rejected"] == 0).all(), loads
    assert (loads["rows_read"] == loads["rows_loaded"]).all()


def test_rebuild_replaces_a_corrupt_file(tmp_path):
    path = tmp_path / "equity.duckdb"
    path.write_bytes(b"this is not a database")
    assert not db.is_usable(path)
    assert db.ensure(path) is True
    assert db.is_usable(path)
    assert db.ensure(path) is False


def test_no_demo_is_kept_by_later_builds_and_ensure(tmp_path):
    """``build --no-demo`` leaves out the generated registers; later builds, ``ensure`` of a
    lost file and the user's loads keep that choice until ``build --demo``."""
    path = tmp_path / "equity.duckdb"
    out = run_etl("--db", str(path), "build", "--no-demo")
    assert out.returncode == 0, out.stderr
    assert db.demo_marker(path).exists() and not db.uses_demo(path)

    def counts() -> tuple[int, int, int, int]:
        con = db.connect(path, read_only=True)
        try:
            return con.execute(
                "SELECT (SELECT count(*) FROM units), (SELECT count(*) FROM units "
                "WHERE lon IS NOT NULL OR population IS NOT NULL), "
                "(SELECT count(*) FROM facilities), (SELECT count(*) FROM loads)").fetchone()
        finally:
            con.close()

    # the reference units (codes, names, urban/rural), no point, no population, no facility
    assert counts() == (162, 0, 0, 0)
    status = run_etl("--db", str(path), "status")
    assert status.returncode == 0, status.stderr
    s = json.loads(status.stdout[: status.stdout.index("}") + 1])
    assert s["demo"] is False and s["facilities"] == 0 and s["residents"] == 0
    assert "--no-demo" in status.stdout
    # a real register loaded, then rebuilt without saying anything: still no demo
    load = run_etl("--db", str(path), "load", str(ROOT / "data/samples/clinics_sample_gbk_gcj02.csv"),
                   "--kind", "clinics", "--crs", "gcj02", "--year", "2024")
    assert load.returncode == 0, load.stderr
    db.build(path)
    assert counts() == (162, 0, 6, 1)
    # the file lost: ensure rebuilds it, still without the demo and with the kept load
    path.unlink()
    assert db.ensure(path) is True
    assert counts() == (162, 0, 6, 1)
    # --demo brings the generated registers back (and the real clinics replace the generated ones)
    back = run_etl("--db", str(path), "build", "--demo")
    assert back.returncode == 0, back.stderr
    assert db.uses_demo(path) and not db.demo_marker(path).exists()
    n_units, located, n_fac, n_loads = counts()
    assert located == 162 and n_fac > 6 and n_loads == len(db.read_manifest(paths.MANIFEST)) + 1
