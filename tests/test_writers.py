"""Writers never lose each other's work: real ``python -m etl`` processes at once.

Two loads that overlap both end with their rows in the database (the second waits for the
first, saying so); a writer that waits past its timeout changes nothing and exits 75 with a
message in both languages; a database held open for writing by another program is reported,
never rebuilt; a missing database is built once, not twice over each other.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from etl import db, locks
from tests.test_atomicity import ROOT, SAMPLE, _digest

sys.path.insert(0, str(ROOT / "bench"))

from bench_etl import make_csv  # noqa: E402

BIG_ROWS = 300_000


@pytest.fixture(scope="module")
def big_csv(tmp_path_factory) -> Path:
    """300,000 school rows (about 40 MB): a load takes several seconds."""
    path = tmp_path_factory.mktemp("writers") / "schools_big.csv"
    make_csv(path, BIG_ROWS, seed=11)
    return path


@pytest.fixture
def dbfile(built_db, tmp_path) -> Path:
    path = tmp_path / "equity.duckdb"
    shutil.copyfile(built_db, path)
    return path


def _etl(dbfile: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen:
    import os

    return subprocess.Popen([sys.executable, "-m", "etl", "--db", str(dbfile), *args], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, **(env or {})})


def _wait_until_holding(dbfile: Path, proc: subprocess.Popen, what: str) -> None:
    """Until ``proc`` holds the writer lock doing ``what`` (the lock file names it)."""
    deadline = time.monotonic() + 120
    while True:
        who = locks.holder(db.lock_path(dbfile)) or {}
        if who.get("pid") == proc.pid and what in str(who.get("what")):
            with locks.try_exclusive(db.lock_path(dbfile)) as free:
                if not free:
                    return
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the writer never took the lock"
        time.sleep(0.01)


def _clinics(dbfile: Path) -> int:
    return _digest(dbfile)["facilities"][0]


def test_two_overlapping_loads_both_land(dbfile, big_csv):
    before = _digest(dbfile)
    first = _etl(dbfile, "load", str(big_csv), "--kind", "schools", "--year", "2024")
    _wait_until_holding(dbfile, first, "etl load schools_big.csv")
    second = _etl(dbfile, "load", str(SAMPLE), "--kind", "clinics", "--crs", "gcj02", "--year", "2024")
    out2, err2 = second.communicate(timeout=600)
    out1, err1 = first.communicate(timeout=600)
    assert first.returncode == 0, err1
    assert second.returncode == 0, err2
    assert "另一个导入正在进行，等待中" in err2 and "another load is running, waiting" in err2
    assert "Traceback" not in err1 + err2
    after = _digest(dbfile)
    # both loads are recorded, in the order they held the lock, and both sets of rows are there
    con = db.connect(dbfile, read_only=True)
    try:
        loads = con.execute("SELECT file_name, kind, rows_loaded FROM loads ORDER BY load_id").fetchall()
        by_load = dict(con.execute("SELECT load_id, count(*) FROM facilities GROUP BY load_id").fetchall())
        ids = [r[0] for r in con.execute("SELECT load_id FROM loads ORDER BY load_id").fetchall()]
    finally:
        con.close()
    assert [(f, k) for f, k, _ in loads[-2:]] == [("schools_big.csv", "schools"),
                                                  (SAMPLE.name, "clinics")]
    assert after["loads"][0] == before["loads"][0] + 2
    big_rows, sample_rows = loads[-2][2], loads[-1][2]
    assert big_rows > 0.95 * BIG_ROWS and sample_rows > 0
    assert by_load[ids[-2]] == big_rows and by_load[ids[-1]] == sample_rows


#: A writer that holds the lock until its standard input closes (a load of any length).
HOLD = ("import sys; from etl import db\n"
        "with db.writing(sys.argv[1], what='etl load held.csv') as w:\n"
        "    w.con.execute('CREATE TABLE held AS SELECT 1 AS x')\n"
        "    print('held', flush=True); sys.stdin.read()\n")


def test_a_writer_that_waits_too_long_changes_nothing(dbfile):
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(dbfile)], cwd=ROOT,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        before = _digest(dbfile)
        second = _etl(dbfile, "load", str(SAMPLE), "--kind", "clinics", "--crs", "gcj02", "--year", "2024",
                      env={locks.ENV_TIMEOUT: "0.5"})
        _, err2 = second.communicate(timeout=120)
        assert second.returncode == locks.EXIT_BUSY, err2
        assert "另一个导入仍在进行" in err2 and "Another load is still running" in err2
        assert f"process {holder.pid}" in err2 and "etl load held.csv" in err2
        assert "Traceback" not in err2
        assert _digest(dbfile) == before  # the refused load changed nothing
    finally:
        holder.stdin.close()
        holder.wait(timeout=60)
    assert holder.returncode == 0
    con = db.connect(dbfile, read_only=True)
    try:
        names = [r[0] for r in con.execute("SELECT file_name FROM loads").fetchall()]
        held = con.execute("SELECT x FROM held").fetchall()
    finally:
        con.close()
    assert held == [(1,)] and SAMPLE.name not in names  # the holder's change, not the refused one


def test_a_build_waits_for_a_load_and_keeps_it(dbfile, big_csv):
    """A rebuild started during a load runs after it and replays it (raw copy kept)."""
    first = _etl(dbfile, "load", str(big_csv), "--kind", "schools", "--year", "2024")
    _wait_until_holding(dbfile, first, "etl load")
    build = _etl(dbfile, "build")
    _, err_b = build.communicate(timeout=900)
    _, err1 = first.communicate(timeout=600)
    assert first.returncode == 0 and build.returncode == 0, (err1, err_b)
    assert "another load is running" in err_b
    con = db.connect(dbfile, read_only=True)
    try:
        names = [r[0] for r in con.execute("SELECT file_name FROM loads").fetchall()]
    finally:
        con.close()
    assert "schools_big.csv" in names


def test_a_database_open_for_writing_elsewhere_is_reported_not_rebuilt(dbfile):
    before = _digest(dbfile)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
         "print('open', flush=True); time.sleep(60)", str(dbfile)],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "open"
        assert db.state(dbfile) == db.BUSY
        with pytest.raises(db.DatabaseInUseError):
            db.ensure(dbfile)
        proc = _etl(dbfile, "load", str(SAMPLE), "--kind", "clinics", "--crs", "gcj02", "--year", "2024")
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == locks.EXIT_BUSY, err
        assert "正被另一个程序以写入方式打开" in err and "open for writing in another program" in err
        assert "Traceback" not in err
    finally:
        holder.kill()
        holder.wait()
    assert db.state(dbfile) == db.OK
    assert _digest(dbfile) == before  # never rebuilt under the other program


def test_a_missing_database_is_built_once_when_two_ask(built_db, tmp_path):
    """``etl build`` holds the lock; ``ensure`` asked meanwhile waits and keeps its result."""
    dbfile = tmp_path / "equity.duckdb"
    build = _etl(dbfile, "build")
    _wait_until_holding(dbfile, build, "build")
    assert db.ensure(dbfile) is False  # built by the other process while this one waited
    _, err = build.communicate(timeout=900)
    assert build.returncode == 0, err
    got, ref = _digest(dbfile), _digest(built_db)
    for timed in ("loads", "registers", "register_events"):  # times differ, not the rows
        assert got.pop(timed)[0] == ref.pop(timed)[0]
    assert got == ref


def test_leftovers_of_a_killed_writer_are_removed_at_the_next_start(dbfile):
    raw = dbfile.parent / "raw"
    raw.mkdir()
    part = raw / ("0" * 64 + ".csv.part")
    part.write_bytes(b"x" * 1000)
    stale = dbfile.with_name(f".{dbfile.name}.write-99999-abcd")
    stale.write_bytes(b"y" * 1000)
    # while another writer holds the lock, nothing is touched (its .part may be in use)
    with locks.exclusive(db.lock_path(dbfile)):
        assert db.clean_stale_if_idle(dbfile) == []
    assert part.exists() and stale.exists()
    assert sorted(db.clean_stale_if_idle(dbfile)) == sorted([part, stale])
    assert not part.exists() and not stale.exists()


def test_the_lock_is_released_when_its_holder_is_killed(tmp_path):
    lock = tmp_path / "x.lock"
    proc = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from etl import locks\n"
         "with locks.exclusive(sys.argv[1], what='test'):\n"
         "    print('held', flush=True); time.sleep(60)", str(lock)],
        cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "held"
    told: list[tuple[str, str]] = []
    with (pytest.raises(locks.BusyError) as exc,
          locks.exclusive(lock, timeout=0.2, on_wait=lambda zh, en: told.append((zh, en)))):
        pass
    assert told == [(locks.WAIT_ZH, locks.WAIT_EN)]
    assert f"process {proc.pid}" in exc.value.en and "test" in exc.value.en
    proc.kill()
    proc.wait()
    with locks.exclusive(lock, timeout=5):  # the kernel dropped the dead holder's lock
        pass


def test_an_upload_while_another_writer_holds_the_lock_is_refused_cleanly(built_db, tmp_path,
                                                                          monkeypatch):
    """The app's upload waits for a command-line writer like any writer; past the timeout it
    shows the bilingual refusal (no traceback) and changes nothing."""
    from tests.test_pages_admin import PASSWORD, login, open_page, upload

    path = tmp_path / "equity.duckdb"
    shutil.copyfile(built_db, path)
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(path)], cwd=ROOT,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        before = _digest(path)
        monkeypatch.setenv(locks.ENV_TIMEOUT, "0.5")
        at = open_page(path, monkeypatch, admin_env=PASSWORD, lang="en")
        login(at, "admin", PASSWORD)
        upload(at, SAMPLE, "clinics", "gcj02")
        assert not at.exception
        errors = " ".join(e.value for e in at.error)
        assert "Another load is still running" in errors.replace("\\", ""), errors
        assert any(locks.WAIT_EN in i.value.replace("\\", "") for i in at.info)
        assert _digest(path) == before
    finally:
        holder.stdin.close()
        holder.wait(timeout=60)
