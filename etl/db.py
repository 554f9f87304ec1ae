"""The DuckDB database: schema, reference tables, and the atomic rebuild.

The database file is always derived: ``build`` makes it anew from ``data/``
(reference facts, the registers listed in ``data/registers/manifest.csv`` and
the user loads kept under ``data/raw/``) into a temporary file that replaces
the old one only when everything succeeded.

Without the demo (``build(demo=False)``, ``python -m etl build --no-demo``) the generated
registers of the manifest are left out: the database holds the reference data and the
county's own loads only. The choice is kept in a marker file beside the database,
``<database>.no-demo`` (:func:`demo_marker`), so that later builds, ``ensure`` and the
rebuilds of :func:`writing` keep it until ``build(demo=True)`` (``etl build --demo``).

The file at the database path is **published**: nobody ever opens it for writing. A change
(:func:`writing`: a load, a withdrawal) copies it to a private file, writes there and renames
the result over the published file in one atomic step; a rebuild does the same with a new
file. Readers (the app's processes, ``etl status``, ``etl validate``) keep their read-only
connections to the version they opened and see the new one when they reopen. Writers hold
the lock of :mod:`etl.locks` on ``<database>.lock``, one at a time across processes; a lock
taken by another writer is waited for, never mistaken for a broken database.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import secrets
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb
import pandas as pd

from etl import locks, paths, reference, schema

Progress = Callable[[float, str], None]


def _quiet(_fraction: float, _message: str) -> None:
    return None


def connect(db_path: str | Path = paths.DEFAULT_DB, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the database file (created when missing unless ``read_only``)."""
    return duckdb.connect(str(db_path), read_only=read_only)


@contextlib.contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """BEGIN … COMMIT, or ROLLBACK on any exception (the database is left as it was)."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def init_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create every table of the data contract (no-op for tables that exist)."""
    for stmt in schema.ddl():
        con.execute(stmt)
    con.execute("CREATE SEQUENCE IF NOT EXISTS load_seq START 1")


def _insert_frame(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> None:
    cols = [c.name for c in schema.TABLES[table] if c.name in frame.columns]
    con.register("_frame", frame[cols])
    try:
        con.execute(f"INSERT INTO {table} ({', '.join(cols)}) SELECT {', '.join(cols)} FROM _frame")
    finally:
        con.unregister("_frame")


def township_aliases(townships: pd.DataFrame, changes: pd.DataFrame) -> pd.DataFrame:
    """Every accepted way of writing a township: full name, short name, codes, pre-2019 names.

    >>> t = pd.DataFrame({"code": ["511723107"], "code_12": ["511723107000"],
    ...                   "name": ["任市镇"], "short_name": ["任市"]})
    >>> c = pd.DataFrame({"old_name": ["靖安乡"], "old_code_12": ["511723207000"],
    ...                   "township_code": ["511723107"]})
    >>> township_aliases(t, c).sort_values("alias")["alias"].tolist()
    ['511723107', '511723107000', '511723207', '511723207000', '任市', '任市镇', '靖安', '靖安乡']
    """
    rows: list[tuple[str, str, str]] = []
    for t in townships.itertuples():
        rows += [(t.name, t.code, "name"), (t.short_name, t.code, "short"),
                 (t.code, t.code, "code"), (t.code_12, t.code, "code")]
    for c in changes.itertuples():
        short = c.old_name[:-1] if c.old_name[-1] in "镇乡" else c.old_name
        rows += [(c.old_name, c.township_code, "old_name"), (short, c.township_code, "old_name"),
                 (c.old_code_12, c.township_code, "old_code"),
                 (c.old_code_12[:9], c.township_code, "old_code")]
    out = pd.DataFrame(rows, columns=["alias", "township_code", "rule"])
    return out.drop_duplicates("alias").reset_index(drop=True)


def load_reference(con: duckdb.DuckDBPyConnection, ref: Path = paths.REFERENCE) -> None:
    """Insert the real reference facts: townships, units, aliases, census, boundary, facts."""
    towns = reference.townships(ref)
    units = reference.units(ref)
    units["is_synthetic"] = False
    units["source"] = "NBS 统计用区划代码 2023 (data/reference/kaijiang_villages_2023.csv)"
    _insert_frame(con, "townships", towns)
    _insert_frame(con, "units", units)
    _insert_frame(con, "township_aliases", township_aliases(towns, reference.township_changes(ref)))
    _insert_frame(con, "census", reference.census(ref))
    _insert_frame(con, "census_age", reference.census_age(ref))
    boundary = pd.DataFrame([{
        "level": "county", "code": "511723", "name": "开江县",
        "geojson": json.dumps(reference.boundary_geojson(ref / paths.BOUNDARY_WGS84.name)),
        "source": "Vonng/adcode fences/511723.json (Amap, CC BY 4.0), converted GCJ-02 → WGS-84",
        "is_synthetic": False,
    }])
    _insert_frame(con, "boundaries", boundary)
    facts = pd.read_csv(ref / "kaijiang_public_service_facts_secondary.csv", dtype=str)
    facts = facts.rename(columns={"source_url": "source"})
    _insert_frame(con, "facts", facts)


def read_manifest(path: Path = paths.MANIFEST) -> list[dict[str, str]]:
    """The registers of the default dataset, in load order: file, kind, crs."""
    if not path.exists():
        return []
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def demo_marker(db_path: str | Path) -> Path:
    """The file whose presence says the database is built without the demo registers:
    ``<database>.no-demo`` beside it.

    >>> demo_marker("data/equity.duckdb").as_posix()
    'data/equity.duckdb.no-demo'
    """
    db_path = Path(db_path)
    return db_path.with_name(db_path.name + ".no-demo")


def uses_demo(db_path: str | Path) -> bool:
    """Whether builds of ``db_path`` load the generated registers (no ``.no-demo`` marker)."""
    return not demo_marker(db_path).exists()


def _set_demo(db_path: Path, demo: bool) -> None:
    marker = demo_marker(db_path)
    if demo:
        marker.unlink(missing_ok=True)
    elif not marker.exists():
        marker.write_text("built with --no-demo: reference data and the county's own registers "
                          "only (python -m etl build --demo brings the demo back)\n",
                          encoding="utf-8")


def build(db_path: str | Path = paths.DEFAULT_DB, *, data_dir: Path = paths.DATA,
          progress: Progress = _quiet, on_wait: locks.OnWait | None = None,
          timeout: float | None = None, demo: bool | None = None) -> dict[str, int]:
    """Rebuild the database from ``data/`` atomically; returns a summary of row counts.

    Holds the writer lock (waiting for another writer as :func:`etl.locks.exclusive` says),
    builds into a temporary file next to ``db_path`` and renames it over the old file only
    at the end, so a failure at any step leaves the old database intact.

    ``demo``: load the generated registers of the manifest (True) or not (False); ``None``
    keeps the database's choice (:func:`uses_demo`). A choice given is remembered once the
    build succeeded.
    """
    with locks.exclusive(lock_path(db_path), what="build", timeout=timeout, on_wait=on_wait):
        clean_stale(db_path)
        return _build(db_path, data_dir=data_dir, progress=progress, demo=demo)


def _build(db_path: str | Path, *, data_dir: Path = paths.DATA,
           progress: Progress = _quiet, demo: bool | None = None) -> dict[str, int]:
    """:func:`build` without the lock: the caller holds it."""
    from etl import pipeline  # the loader needs the schema created here
    from etl import registers as register_log

    db_path = Path(db_path)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    if demo is None:
        demo = uses_demo(db_path)
    tmp = db_path.with_name(db_path.name + f".tmp-{os.getpid()}")
    for p in (tmp, Path(str(tmp) + ".wal")):
        p.unlink(missing_ok=True)
    registers = data_dir / "registers"
    manifest = read_manifest(registers / "manifest.csv") if demo else []
    raw_dir = db_path.parent / "raw"  # user loads are kept beside the database
    user_loads = pipeline.read_raw_index(raw_dir)
    steps = 1 + len(manifest) + len(user_loads)
    try:
        con = connect(tmp)
        try:
            init_schema(con)
            progress(0.0, "reference")
            with transaction(con):
                load_reference(con, data_dir / "reference")
            done = 1
            for entry in manifest:
                progress(done / steps, entry["file"])
                pipeline.load_file(con, registers / entry["file"], entry["kind"],
                                   crs=entry.get("crs") or "wgs84", data_dir=data_dir,
                                   keep_raw=False, raw_path=f"registers/{entry['file']}",
                                   synthetic=True, who="build")
                done += 1
            # withdrawals and restorations (raw/events.csv), replayed in time order with the loads
            events = register_log.read_events(raw_dir)
            for entry in user_loads:
                progress(done / steps, entry["file_name"])
                events = register_log.replay(con, events,
                                             before=register_log.parse_at(entry.get("loaded_at")))
                if entry["kind"] == schema.ROADS_KIND:
                    _replay_roads(con, raw_dir, entry, data_dir)
                    done += 1
                    continue
                pipeline.load_file(con, raw_dir / entry["raw_name"], entry["kind"],
                                   crs=entry["crs"], overrides=json.loads(entry["overrides"] or "{}"),
                                   data_dir=data_dir, keep_raw=False,
                                   raw_path=f"raw/{entry['raw_name']}",
                                   file_name=entry["file_name"], type=entry.get("type") or None,
                                   year=int(entry["year"]) if entry.get("year") else None,
                                   scope=register_log.parse_scope(entry.get("scope")),
                                   who=entry.get("who") or None,
                                   loaded_at=register_log.parse_at(entry.get("loaded_at")))
                done += 1
            register_log.replay(con, events)
            pipeline.refresh_derived(con)
            summary = status(con)
            con.execute("CHECKPOINT")
        finally:
            con.close()
        _publish(tmp, db_path)
        _set_demo(db_path, demo)
    finally:
        for p in (tmp, Path(str(tmp) + ".wal")):
            p.unlink(missing_ok=True)
    progress(1.0, "done")
    return summary


def _replay_roads(con: duckdb.DuckDBPyConnection, raw_dir: Path, entry: dict[str, str],
                  data_dir: Path) -> None:
    """A roads register of ``raw/index.csv`` loaded again by ``build``."""
    from etl import registers as register_log
    from etl import road_store

    road_store.load_file(con, raw_dir / entry["raw_name"], crs=entry["crs"] or "wgs84",
                         year=int(entry["year"]) if entry.get("year") else None,
                         data_dir=data_dir, keep_raw=False, raw_path=f"raw/{entry['raw_name']}",
                         file_name=entry["file_name"], who=entry.get("who") or None,
                         loaded_at=register_log.parse_at(entry.get("loaded_at")))


def status(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Row counts that tell whether the database is complete."""
    one = lambda sql: con.execute(sql).fetchone()[0]  # noqa: E731
    out = {
        "townships": one("SELECT count(*) FROM townships"),
        "units": one("SELECT count(*) FROM units"),
        "residents": int(one("SELECT coalesce(sum(population), 0) FROM units")),
        "units_synthetic": one("SELECT count(*) FROM units WHERE is_synthetic"),
        "facilities": one("SELECT count(*) FROM facilities"),
        "facilities_synthetic": one("SELECT count(*) FROM facilities WHERE is_synthetic"),
        "loads": one("SELECT count(*) FROM loads"),
        "rejects": one("SELECT count(*) FROM rejects"),
    }
    for domain in schema.DOMAINS:
        out[f"facilities_{domain}"] = con.execute(
            "SELECT count(*) FROM facilities WHERE domain = ?", [domain]).fetchone()[0]
    return out


#: What :func:`state` finds at a database path.
OK, MISSING, BROKEN, BUSY = "ok", "missing", "broken", "busy"


def state(db_path: str | Path) -> str:
    """``ok``: the file opens read-only and holds the contract's tables (and the stored tables
    behind its views, so that a file of an older layout is rebuilt) with townships in them;
    ``missing``; ``busy``: another program holds the file open for writing (DuckDB's own file
    lock; not a fault of the file, so never a reason to rebuild); ``broken``: anything else."""
    db_path = Path(db_path)
    if not db_path.exists():
        return MISSING
    try:
        con = connect(db_path, read_only=True)
    except duckdb.IOException as exc:
        return BUSY if "lock" in str(exc).lower() else BROKEN
    except duckdb.Error:
        return BROKEN
    try:
        ok = con.execute("SELECT count(*) FROM townships").fetchone()[0] > 0 and all(
            con.execute(
                "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [t]
            ).fetchone()[0] for t in (*schema.TABLES, *schema.STORED_TABLES))
        return OK if ok else BROKEN
    except duckdb.Error:
        return BROKEN
    finally:
        con.close()


def is_usable(db_path: str | Path) -> bool:
    """True when :func:`state` is ``ok``."""
    return state(db_path) == OK


class DatabaseInUseError(Exception):
    """Another program holds the database file open for writing outside our writer lock."""

    def __init__(self, db_path: str | Path) -> None:
        name = Path(db_path).name
        self.zh = (f"数据库文件 {name} 正被另一个程序以写入方式打开；本次未做任何更改。"
                   "请关闭该程序后重试。")
        self.en = (f"The database file {name} is open for writing in another program; nothing "
                   "was changed. Close that program and try again.")
        super().__init__(f"{self.zh} / {self.en}")


def ensure(db_path: str | Path = paths.DEFAULT_DB, *, progress: Progress = _quiet,
           on_wait: locks.OnWait | None = None, timeout: float | None = None,
           demo: bool | None = None) -> bool:
    """Build the database when it is missing or unreadable. Returns True when it was (re)built.

    The build holds the writer lock; the file is checked again once the lock is held, so a
    database that another process built (or published) meanwhile is kept, not rebuilt. It
    keeps the database's demo choice (the ``.no-demo`` marker, :func:`uses_demo`) unless
    ``demo`` is given, which applies only when it builds.
    """
    if state(db_path) == OK:
        return False
    with locks.exclusive(lock_path(db_path), what="build (database missing or unusable)",
                         timeout=timeout, on_wait=on_wait):
        found = state(db_path)
        if found == OK:
            return False
        if found == BUSY:
            raise DatabaseInUseError(db_path)
        clean_stale(db_path)
        _build(db_path, progress=progress, demo=demo)
    return True


def lock_path(db_path: str | Path) -> Path:
    """The writer lock file of a database: ``<database>.lock`` beside it.

    >>> lock_path("data/equity.duckdb").as_posix()
    'data/equity.duckdb.lock'
    """
    db_path = Path(db_path)
    return db_path.with_name(db_path.name + ".lock")


def _temp_patterns(db_path: Path) -> tuple[str, ...]:
    return (f"{db_path.name}.tmp-*", f".{db_path.name}.write-*")


def clean_stale(db_path: str | Path) -> list[Path]:
    """Remove what a killed writer left: temporary database files beside ``db_path`` and
    ``raw/*.part`` copies. Call only while holding the writer lock (no writer is running).
    Returns the removed paths."""
    db_path = Path(db_path)
    removed: list[Path] = []
    candidates = [p for pat in _temp_patterns(db_path) for p in db_path.parent.glob(pat)]
    candidates += list((db_path.parent / "raw").glob("*.part"))
    for p in candidates:
        with contextlib.suppress(OSError):
            p.unlink()
            removed.append(p)
    return removed


def clean_stale_if_idle(db_path: str | Path) -> list[Path]:
    """:func:`clean_stale` when no writer holds the lock now (at start-up); else nothing."""
    with locks.try_exclusive(lock_path(db_path), what="clean-up") as free:
        return clean_stale(db_path) if free else []


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _publish(new_file: Path, db_path: Path) -> None:
    """Put a complete, closed database file in place of the published one, atomically."""
    _fsync(new_file)
    os.replace(new_file, db_path)
    # a write-ahead log beside the published file can only be stale: nobody writes it in place
    Path(str(db_path) + ".wal").unlink(missing_ok=True)
    with contextlib.suppress(OSError):
        _fsync(db_path.parent)


class Write:
    """A change in progress (see :func:`writing`): ``con`` is a read-write connection to a
    private copy of the database; :meth:`discard` drops the copy instead of publishing it."""

    def __init__(self, con: duckdb.DuckDBPyConnection, path: Path) -> None:
        self.con, self.path = con, path
        self.publish = True

    def discard(self) -> None:
        """Publish nothing at the end (the change turned out to change nothing)."""
        self.publish = False


@contextlib.contextmanager
def writing(db_path: str | Path = paths.DEFAULT_DB, *, what: str = "",
            progress: Progress = _quiet, on_wait: locks.OnWait | None = None,
            timeout: float | None = None) -> Iterator[Write]:
    """Change the database as the only writer, and publish the result atomically.

    Takes the writer lock (waiting up to ``timeout``, telling ``on_wait`` once), builds the
    database first if it is missing or unusable, copies the published file to a private one
    beside it and yields a :class:`Write` on the copy. When the block ends normally the copy
    is checkpointed, closed and renamed over the published file; when it raises, the copy is
    removed and the published database is exactly as it was. Readers are never blocked.

    Raises
    ------
    etl.locks.BusyError
        Another writer held the lock for longer than ``timeout``; nothing was changed.
    DatabaseInUseError
        Another program has the file open for writing outside the lock.
    """
    db_path = Path(db_path)
    with locks.exclusive(lock_path(db_path), what=what, timeout=timeout, on_wait=on_wait):
        clean_stale(db_path)
        found = state(db_path)
        if found == BUSY:
            raise DatabaseInUseError(db_path)
        if found != OK:
            _build(db_path, progress=progress)
        tmp = db_path.with_name(f".{db_path.name}.write-{os.getpid()}-{secrets.token_hex(4)}")
        try:
            shutil.copyfile(db_path, tmp)
            con = connect(tmp)
            try:
                change = Write(con, tmp)
                yield change
                if change.publish:
                    con.execute("CHECKPOINT")
            finally:
                con.close()
            if change.publish:
                _publish(tmp, db_path)
        finally:
            for p in (tmp, Path(str(tmp) + ".wal")):
                p.unlink(missing_ok=True)
