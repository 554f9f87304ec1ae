"""The DuckDB database: schema, reference tables, and the atomic rebuild.

The database file is always derived: ``build`` makes it anew from ``data/``
(reference facts, the registers listed in ``data/registers/manifest.csv`` and
the user loads kept under ``data/raw/``) into a temporary file that replaces
the old one only when everything succeeded.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb
import pandas as pd

from etl import paths, reference, schema

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


def build(db_path: str | Path = paths.DEFAULT_DB, *, data_dir: Path = paths.DATA,
          progress: Progress = _quiet) -> dict[str, int]:
    """Rebuild the database from ``data/`` atomically; returns a summary of row counts.

    Builds into a temporary file next to ``db_path`` and renames it over the old
    file only at the end, so a failure at any step leaves the old database intact.
    """
    from etl import pipeline  # the loader needs the schema created here

    db_path = Path(db_path)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = db_path.with_name(db_path.name + f".tmp-{os.getpid()}")
    for p in (tmp, Path(str(tmp) + ".wal")):
        p.unlink(missing_ok=True)
    registers = data_dir / "registers"
    manifest = read_manifest(registers / "manifest.csv")
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
                                   keep_raw=False, raw_path=f"registers/{entry['file']}")
                done += 1
            for entry in user_loads:
                progress(done / steps, entry["file_name"])
                pipeline.load_file(con, raw_dir / entry["raw_name"], entry["kind"],
                                   crs=entry["crs"], overrides=json.loads(entry["overrides"] or "{}"),
                                   data_dir=data_dir, keep_raw=False,
                                   raw_path=f"raw/{entry['raw_name']}",
                                   file_name=entry["file_name"])
                done += 1
            pipeline.refresh_derived(con)
            summary = status(con)
            con.execute("CHECKPOINT")
        finally:
            con.close()
        os.replace(tmp, db_path)
        Path(str(db_path) + ".wal").unlink(missing_ok=True)
    finally:
        for p in (tmp, Path(str(tmp) + ".wal")):
            p.unlink(missing_ok=True)
    progress(1.0, "done")
    return summary


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


def is_usable(db_path: str | Path) -> bool:
    """True when the file opens and holds the contract's tables (and the stored tables
    behind its views, so that a file of an older layout is rebuilt) with townships in them."""
    db_path = Path(db_path)
    if not db_path.exists():
        return False
    try:
        con = connect(db_path, read_only=True)
    except duckdb.Error:
        return False
    try:
        return con.execute("SELECT count(*) FROM townships").fetchone()[0] > 0 and all(
            con.execute(
                "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [t]
            ).fetchone()[0] for t in (*schema.TABLES, *schema.STORED_TABLES))
    except duckdb.Error:
        return False
    finally:
        con.close()


def ensure(db_path: str | Path = paths.DEFAULT_DB, *, progress: Progress = _quiet) -> bool:
    """Build the database when it is missing or unreadable. Returns True when it was (re)built."""
    if is_usable(db_path):
        return False
    build(db_path, progress=progress)
    return True
