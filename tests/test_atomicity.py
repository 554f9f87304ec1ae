"""A load killed half way leaves the database exactly as it was; a broken database is rebuilt
from data/; raw inputs are never modified."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from etl import db, pipeline

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from bench_etl import make_csv  # noqa: E402

from tests.test_bad_inputs import table_digest  # noqa: E402

SAMPLE = ROOT / "data" / "samples" / "clinics_sample_gbk_gcj02.csv"


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _tree(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): _sha(p) for p in sorted(folder.rglob("*")) if p.is_file()}


def _digest(path: Path) -> dict[str, tuple[int, str]]:
    con = db.connect(path, read_only=True)
    try:
        return table_digest(con)
    finally:
        con.close()


@pytest.fixture(scope="module")
def big_csv(tmp_path_factory) -> Path:
    """300,000 school rows (about 40 MB): a load takes a few seconds."""
    path = tmp_path_factory.mktemp("big") / "schools_big.csv"
    make_csv(path, 300_000, seed=7)
    return path


# Killed while the rows are validated (just after the raw copy's .part file appears: the
# file has been read and hashed), or while they are written inside the transaction (the
# writer's private copy of the database grows as DuckDB writes the new row groups, before
# COMMIT and long before the copy is published).
@pytest.mark.parametrize("moment", ["validating", "writing"])
def test_load_killed_midway_leaves_the_database_as_it_was(built_db, big_csv, tmp_path, moment):
    dbfile = tmp_path / "equity.duckdb"
    shutil.copyfile(built_db, dbfile)
    before = _digest(dbfile)
    input_sha = _sha(big_csv)
    proc = subprocess.Popen([sys.executable, "-m", "etl", "--db", str(dbfile), "load", str(big_csv),
                             "--kind", "schools", "--year", "2024"], cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    raw = tmp_path / "raw"
    try:
        deadline = time.monotonic() + 120
        while not any(raw.glob("*.part")):
            assert proc.poll() is None, proc.stderr.read().decode()
            assert time.monotonic() < deadline, "the load never reached the copy step"
            time.sleep(0.01)
        if moment == "validating":
            time.sleep(0.2)
        else:
            copy = next(tmp_path.glob(f".{dbfile.name}.write-*"))
            size = copy.stat().st_size
            while copy.stat().st_size == size:
                assert proc.poll() is None, "the load finished before its rows were seen written"
                time.sleep(0.005)
        assert proc.poll() is None, "the load finished before it could be killed"
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    # the file opens (WAL replayed or discarded) and holds exactly what it held before
    assert db.is_usable(dbfile)
    assert _digest(dbfile) == before
    assert pipeline.read_raw_index(raw) == []  # a rebuild will not apply the killed load
    assert _sha(big_csv) == input_sha
    # and the next load of the same file goes through
    done = subprocess.run([sys.executable, "-m", "etl", "--db", str(dbfile), "load", str(big_csv),
                           "--kind", "schools", "--year", "2024"], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    after = _digest(dbfile)
    assert after["loads"][0] == before["loads"][0] + 1
    assert after["facilities"][0] > before["facilities"][0] + 290_000
    assert [e["sha256"] for e in pipeline.read_raw_index(raw)] == [input_sha]
    # what the killed writer left (its .part copy, its private database copy) is gone
    assert not list(raw.glob("*.part"))
    assert not list(tmp_path.glob(f".{dbfile.name}.write-*"))


@pytest.mark.parametrize("damage", ["missing", "empty", "garbage", "truncated"])
def test_a_broken_database_is_not_usable(built_db, tmp_path, damage):
    path = tmp_path / "equity.duckdb"
    if damage == "empty":
        path.write_bytes(b"")
    elif damage == "garbage":
        path.write_bytes(os.urandom(1 << 16))
    elif damage == "truncated":
        path.write_bytes(built_db.read_bytes()[: 1 << 14])
    assert not db.is_usable(path)


def test_a_corrupted_database_is_rebuilt_from_data_with_a_message(built_db, tmp_path):
    dbfile = tmp_path / "equity.duckdb"
    dbfile.write_bytes(os.urandom(1 << 16))
    data_before = _tree(ROOT / "data" / "registers") | _tree(ROOT / "data" / "reference")
    sample_sha = _sha(SAMPLE)
    out = subprocess.run([sys.executable, "-m", "etl", "--db", str(dbfile), "validate", str(SAMPLE),
                          "--kind", "clinics", "--crs", "gcj02", "--year", "2024"], cwd=ROOT, capture_output=True,
                         text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    assert "reference" in out.stderr and "done" in out.stderr  # the rebuild's progress is shown
    assert db.is_usable(dbfile)
    assert _digest(dbfile)["facilities"] == _digest(built_db)["facilities"]
    # building read data/ and never wrote to it; the validated file is untouched
    assert _tree(ROOT / "data" / "registers") | _tree(ROOT / "data" / "reference") == data_before
    assert _sha(SAMPLE) == sample_sha


def test_a_missing_database_is_rebuilt_by_ensure(built_db, tmp_path, monkeypatch):
    dbfile = tmp_path / "equity.duckdb"
    calls = []
    monkeypatch.setattr(db, "_build", lambda path, **_k: calls.append(path) or shutil.copyfile(
        built_db, path))
    assert db.ensure(dbfile) is True and calls == [dbfile]
    assert db.ensure(dbfile) is False and calls == [dbfile]  # usable now: not rebuilt again


def test_a_load_never_modifies_its_input(built_db, tmp_path):
    dbfile = tmp_path / "equity.duckdb"
    shutil.copyfile(built_db, dbfile)
    src = tmp_path / "in" / SAMPLE.name
    src.parent.mkdir()
    shutil.copyfile(SAMPLE, src)
    before, mtime = _sha(src), src.stat().st_mtime_ns
    con = db.connect(dbfile)
    try:
        res = pipeline.load_file(con, src, "clinics", crs="gcj02", data_dir=tmp_path)
    finally:
        con.close()
    assert res.rows_loaded == 6
    assert _sha(src) == before and src.stat().st_mtime_ns == mtime
    kept = tmp_path / "raw" / f"{before}.csv"  # the kept copy is byte for byte the input
    assert _sha(kept) == before
