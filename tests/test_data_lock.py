"""The process's read-only connection under concurrent use: queries of other sessions never
meet a connection closed under them while loads publish new versions of the file
(``etl.db.writing``) and the app moves to each new version (``ui.data.refresh``).

Real threads, the real database file and the real Streamlit caches; no part of ours mocked.
"""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path

import pytest
import streamlit as st

from etl import db
from ui import data as ui_data

#: How long the threads race; the writer closes and reopens hundreds of times in it.
RACE_S = 3.0


@pytest.fixture
def db_copy(built_db: Path, tmp_path: Path, monkeypatch) -> Path:
    """A private copy of the built database as the app's database (the writer opens it
    read-write, which the shared session database must not see)."""
    path = tmp_path / "equity.duckdb"
    shutil.copyfile(built_db, path)
    monkeypatch.setenv("EQUITY_DB", str(path))
    st.cache_data.clear()
    st.cache_resource.clear()
    yield path
    ui_data.close_all()
    st.cache_data.clear()
    st.cache_resource.clear()


def _run(target, errors: list[BaseException]) -> threading.Thread:
    def guarded() -> None:
        try:
            target()
        except BaseException as exc:  # noqa: BLE001 - collected and asserted on below
            errors.append(exc)

    thread = threading.Thread(target=guarded, daemon=True)
    thread.start()
    return thread


def test_queries_never_fail_while_loads_publish_new_versions(db_copy):
    """One thread queries in a loop through ``ui.data.query`` (each query new, so each runs on
    the connection, and each first moves to the newest published version, closing the old
    connection); another repeatedly does what a load does: ``etl.db.writing`` (a private
    copy, written, renamed over the file). Without the lock a query meets the connection
    closed under it ("Connection already closed"); with it, nothing raises, both make
    progress, and the queries end on the last version written."""
    n_units = int(ui_data.query("SELECT count(*) AS n FROM units")["n"].iloc[0])
    assert n_units == 162
    errors: list[BaseException] = []
    stop = threading.Event()
    done = {"queries": 0, "writes": 0}

    def reader() -> None:
        i = 0
        while not stop.is_set():
            i += 1
            # a new parameter each time: a cache miss, so the query runs on the connection
            got = ui_data.query("SELECT count(*) + ? AS n FROM units", (i,))
            assert int(got["n"].iloc[0]) == n_units + i
            done["queries"] += 1

    def writer() -> None:
        while not stop.is_set():
            with db.writing(db_copy) as change:
                change.con.execute("CREATE OR REPLACE TABLE _lock_probe AS SELECT ? AS x",
                                   [done["writes"] + 1])
            done["writes"] += 1
            time.sleep(0.001)

    threads = [_run(reader, errors), _run(writer, errors)]
    # race for RACE_S, and on until both sides made 20 rounds (a loaded machine is slower;
    # a side that cannot progress at all still fails, after a minute)
    start = time.monotonic()
    while time.monotonic() - start < 60 and not errors and (
            time.monotonic() - start < RACE_S or min(done.values()) < 20):
        time.sleep(0.05)
    stop.set()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    assert not errors, [repr(e) for e in errors[:3]]
    assert done["queries"] >= 20 and done["writes"] >= 20, done
    # the connection moves to the last version written and sees it
    assert int(ui_data.query("SELECT x FROM _lock_probe")["x"].iloc[0]) == done["writes"]


def test_queries_run_side_by_side():
    """Queries do not serialise: two threads hold the connection at the same time."""
    both_in = threading.Barrier(2, timeout=10)
    errors: list[BaseException] = []

    def hold() -> None:
        with ui_data._CONNECTION_LOCK.shared():
            both_in.wait()

    threads = [_run(hold, errors), _run(hold, errors)]
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors


def test_a_write_waits_for_running_queries_and_holds_new_ones():
    """The exclusive holder enters only after the running query ends; a query arriving while
    the write waits or runs starts after it (a stream of queries cannot starve an upload)."""
    lock = ui_data._CONNECTION_LOCK
    order: list[str] = []
    errors: list[BaseException] = []
    query_in, write_waiting = threading.Event(), threading.Event()

    def query_running() -> None:
        with lock.shared():
            query_in.set()
            write_waiting.wait(10)
            time.sleep(0.2)
            order.append("query 1 ends")

    def write() -> None:
        query_in.wait(10)
        write_waiting.set()
        with lock.exclusive():
            order.append("write")
            time.sleep(0.2)

    def query_late() -> None:
        write_waiting.wait(10)
        deadline = time.monotonic() + 10  # until the write is queued at the lock
        while not lock._waiting and lock._writer is None and time.monotonic() < deadline:
            time.sleep(0.001)
        with lock.shared():
            order.append("query 2")

    threads = [_run(f, errors) for f in (query_running, write, query_late)]
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    assert order == ["query 1 ends", "write", "query 2"]


def test_a_thread_reenters_its_own_hold():
    """A loader inside a loader (shared in shared) and a write that reads (shared inside
    exclusive) do not deadlock; asking for the exclusive hold inside one's own query fails
    loudly instead of waiting for ever."""
    lock = ui_data._CONNECTION_LOCK
    with lock.shared(), lock.shared():
        pass
    with lock.exclusive(), lock.shared(), lock.exclusive():
        pass
    with lock.shared(), pytest.raises(RuntimeError):  # noqa: SIM117
        with lock.exclusive():
            pass
