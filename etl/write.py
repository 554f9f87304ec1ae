"""Write a validated load: facility parts as they are validated, other registers' rows,
the rejects, the raw file kept under ``data/raw/`` and its index.

Everything here runs inside the load's transaction (:func:`etl.pipeline.load_file`) on
the caller's connection; SQL takes values as bound parameters.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import json
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from etl import registers, schema
from etl.result import LoadResult


class RawCopy:
    """Copy the raw file to ``raw_dir/<name>.part`` in a worker thread; ``finish`` waits for
    the copy and renames it into place (re-raising any error of the copy), ``discard``
    removes it (and the folder, if the copy made it and it is empty)."""

    def __init__(self, pool: ThreadPoolExecutor, path: Path, raw_dir: Path, name: str) -> None:
        self.raw_dir, self.target = raw_dir, raw_dir / name
        self.part = raw_dir / f"{name}.part"
        self.made_dir = not raw_dir.exists()
        self.job = pool.submit(self._copy, path)

    def _copy(self, path: Path) -> None:
        self.raw_dir.mkdir(parents=True, exist_ok=True)
        if not self.target.exists():
            shutil.copyfile(path, self.part)

    def finish(self) -> None:
        self.job.result()
        if self.part.exists():
            self.part.replace(self.target)

    def discard(self) -> None:
        with contextlib.suppress(Exception):
            self.job.result()
        with contextlib.suppress(OSError):
            self.part.unlink(missing_ok=True)
            if self.made_dir:
                self.raw_dir.rmdir()


def record_load(con: duckdb.DuckDBPyConnection, result: LoadResult, load_id: int, *, crs: str,
                loaded_at: dt.datetime, raw_path: str) -> None:
    """The load's row in ``loads``."""
    con.execute(
        "INSERT INTO loads VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [load_id, result.file_name, result.sha256, result.kind, crs, result.rows_read,
         result.rows_loaded, result.rows_rejected, loaded_at, raw_path])


def write_rejects(con: duckdb.DuckDBPyConnection, result: LoadResult, load_id: int) -> None:
    """The load's rejected rows in ``rejects``."""
    if len(result.rejects):
        rej = result.rejects.assign(load_id=load_id)
        con.register("_rej", rej)
        con.execute("INSERT INTO rejects SELECT load_id, row_number, sheet, column_name, "
                    "raw, reason_zh, reason_en FROM _rej")
        con.unregister("_rej")


def write_rows(con: duckdb.DuckDBPyConnection, result: LoadResult, kind: str, load_id: int) -> None:
    """The loaded rows of a load not written part by part (:class:`FacilityWriter`):
    population rows update ``units``, boundaries replace theirs, facility rows are inserted."""
    if kind in ("population", "boundaries"):
        c = result.clean
        if c.empty:
            return
    if kind == "population":
        cols = list(schema.POP_COLUMNS) + ["population"]
        frame = c[["code", "lon", "lat", *cols]].copy()
        frame["pop_year"] = c.get("year", pd.NA)
        frame["is_synthetic"] = c["is_synthetic"]
        frame["source"] = result.file_name
        con.register("_pop", frame)
        sets = ", ".join(f"{k} = CAST(p.{k} AS INTEGER)" for k in [*cols, "pop_year"])
        con.execute(f"""UPDATE units SET {sets},
            lon = coalesce(p.lon, units.lon), lat = coalesce(p.lat, units.lat),
            is_synthetic = p.is_synthetic, source = p.source
            FROM _pop p WHERE units.code = p.code""")
        con.unregister("_pop")
        return
    if kind == "boundaries":
        con.register("_b", c)
        con.execute("DELETE FROM boundaries WHERE (level, code) IN (SELECT level, code FROM _b)")
        con.execute("INSERT INTO boundaries SELECT level, code, name, geojson, source, is_synthetic FROM _b")
        con.unregister("_b")
        return
    if result.table is not None and result.rows_loaded:
        insert_facilities(con, result.table, result.file_name, load_id,
                          replace=False)  # never deleted: registers supersede


def next_load_id(con: duckdb.DuckDBPyConnection) -> int:
    return con.execute("SELECT nextval('load_seq')").fetchall()[0][0]


class FacilityWriter:
    """Writes the validated parts of a facility register, each in a worker thread while the
    next part is validated, on the caller's connection and inside its open transaction.

    At most one part is being written at a time, and the connection is used by one thread
    at a time: :meth:`put` waits for the previous part before it hands over the next, and
    :meth:`finish` (or :meth:`abort`, on failure) waits for the last one. The load id is
    drawn from the sequence when the first part is written (or at :meth:`finish`).
    """

    def __init__(self, con: duckdb.DuckDBPyConnection, file_name: str) -> None:
        self.con, self.file_name = con, file_name
        self.pool = ThreadPoolExecutor(max_workers=1)
        self.job = None
        self.load_id: int | None = None
        self.order: bool | None = None
        self.replace = False

    def _start(self) -> None:
        self.load_id = next_load_id(self.con)
        # rows loaded before are never deleted: registers supersede them (etl.registers)
        self.replace = False
        # row order in the table does not matter (readers ORDER BY): let the insert run in parallel
        self.order = self.con.execute(
            "SELECT current_setting('preserve_insertion_order')").fetchall()[0][0]
        self.con.execute("SET preserve_insertion_order = false")

    def put(self, table: pa.Table) -> None:
        if self.job is not None:
            self.job.result()
        if self.load_id is None:
            self._start()
        if not pc.any(table["_keep"]).as_py():
            return
        self.job = self.pool.submit(insert_facilities, self.con, table, self.file_name,
                                    self.load_id, replace=self.replace, set_order=False)

    def finish(self) -> int:
        """Wait for the last part (raising its error); return the load id."""
        try:
            if self.job is not None:
                self.job.result()
            if self.load_id is None:
                self.load_id = next_load_id(self.con)
            return self.load_id
        finally:
            self._close()

    def abort(self) -> None:
        """Wait for a part being written (its error is dropped: the load is failing anyway)."""
        with contextlib.suppress(BaseException):
            if self.job is not None:
                self.job.result()
        with contextlib.suppress(duckdb.Error):
            self._close()

    def _close(self) -> None:
        self.pool.shutdown(wait=True)
        if self.order is not None:
            self.con.execute(f"SET preserve_insertion_order = {'true' if self.order else 'false'}")
            self.order = None


def insert_facilities(con: duckdb.DuckDBPyConnection, t: pa.Table, file_name: str,
                      load_id: int, *, replace: bool, set_order: bool = True) -> None:
    """Insert the kept rows of a validated table into the stored table of their domain
    (``facilities_<domain>``, behind the ``facilities`` view; typed arrow columns, scanned
    by DuckDB without going through pandas); with ``replace``, rows of the same ids loaded
    before (in any domain) are deleted first. With ``set_order`` the insert runs with
    ``preserve_insertion_order`` off and the setting is restored after."""
    keep = t["_keep"]
    if not pc.all(keep).as_py():
        t = t.filter(keep)
    if not t.num_rows:
        return
    enc = t["type"].combine_chunks()
    enc = enc if pa.types.is_dictionary(enc.type) else pc.dictionary_encode(enc)
    labels = enc.dictionary.to_pylist()
    used = pc.unique(enc.indices).to_pylist()
    if enc.null_count or any(labels[i] not in schema.FACILITY_TYPES for i in used):
        raise ValueError("facility rows to insert must all have a known type")
    domains = {schema.FACILITY_TYPES[labels[i]][0] for i in used}
    if len(domains) != 1:  # a register kind's types all belong to one domain
        raise ValueError(f"facility rows to insert must be of one domain, not {sorted(domains)}")
    order = None
    try:
        if set_order:
            order = con.execute("SELECT current_setting('preserve_insertion_order')").fetchall()[0][0]
            con.execute("SET preserve_insertion_order = false")
        if replace:
            con.register("_ids", pa.table({"id": t["id"]}))
            try:
                for d in schema.DOMAINS:
                    con.execute(f"DELETE FROM {schema.facility_table(d)} "
                                "WHERE id IN (SELECT id FROM _ids)")
            finally:
                con.unregister("_ids")
        _insert_domain(con, domains.pop(), t, file_name, load_id)
    finally:
        if order is not None:
            con.execute(f"SET preserve_insertion_order = {'true' if order else 'false'}")


def _insert_domain(con: duckdb.DuckDBPyConnection, domain: str, t: pa.Table,
                   file_name: str, load_id: int) -> None:
    """Insert rows of one domain into its stored table; fields the register lacks are NULL,
    source and load id are bound parameters."""
    stored = schema.facility_storage(domain)
    cols = {col.name: t[col.name] for col in stored if col.name in t.column_names}
    select: list[str] = []
    params: list[object] = []
    for col in stored:
        if col.name in ("source", "load_id"):
            select.append(f"CAST(? AS {col.sql_type.split()[0]})")
            params.append(file_name if col.name == "source" else load_id)
        elif col.name in cols:
            select.append(col.name)
        else:
            select.append("NULL")
    con.register("_fac", pa.table(cols))
    try:
        con.execute(f"INSERT INTO {schema.facility_table(domain)} "
                    f"({', '.join(c.name for c in stored)}) SELECT {', '.join(select)} FROM _fac",
                    params)
    finally:
        con.unregister("_fac")


RAW_INDEX_FIELDS = ["raw_name", "file_name", "sha256", "kind", "crs", "overrides", "loaded_at",
                    "type", "year", "scope", "who"]


def read_raw_index(raw_dir: Path) -> list[dict[str, str]]:
    """User loads kept under ``data/raw/``, in the order they were loaded."""
    idx = raw_dir / "index.csv"
    if not idx.exists():
        return []
    with open(idx, encoding="utf-8", newline="") as f:
        return [r for r in csv.DictReader(f) if (raw_dir / r["raw_name"]).exists()]


def index_raw(raw_dir: Path, raw_name: str, result: LoadResult, crs: str,
              overrides: dict[str, str] | None, type_: str | None = None, *,
              year: int | None = None, scope: tuple[str, ...] | None = None,
              who: str | None = None, loaded_at: dt.datetime | None = None) -> None:
    idx = raw_dir / "index.csv"
    new = not idx.exists()
    if not new:  # an index written before a field was added: rewritten with every field
        with open(idx, encoding="utf-8", newline="") as f:
            old = csv.DictReader(f)
            rows = list(old) if (old.fieldnames or []) != RAW_INDEX_FIELDS else None
        if rows is not None:
            with open(idx, "w", encoding="utf-8", newline="") as f:
                w = csv.DictWriter(f, fieldnames=RAW_INDEX_FIELDS, extrasaction="ignore")
                w.writeheader()
                w.writerows(rows)
    with open(idx, "a", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=RAW_INDEX_FIELDS)
        if new:
            w.writeheader()
        w.writerow({"raw_name": raw_name, "file_name": result.file_name, "sha256": result.sha256,
                    "kind": result.kind, "crs": crs, "overrides": json.dumps(overrides or {}, ensure_ascii=False),
                    "loaded_at": (loaded_at.replace(tzinfo=dt.UTC) if loaded_at
                                  else dt.datetime.now(dt.UTC)).isoformat(),
                    "type": type_ or "", "year": "" if year is None else int(year),
                    "scope": registers.scope_text(scope) if scope else "", "who": who or ""})


def refresh_derived(con: duckdb.DuckDBPyConnection) -> None:
    """Recompute the generated areas (Voronoi of unit points) used where no polygons were loaded."""
    from etl.derived import generated_areas
    units = con.execute("SELECT code, township_code, lon, lat FROM units WHERE lon IS NOT NULL").df()
    if units.empty:
        return
    county = json.loads(con.execute(
        "SELECT geojson FROM boundaries WHERE level = 'county' LIMIT 1").fetchone()[0])
    areas = generated_areas(units, county)
    con.execute("DELETE FROM boundaries WHERE is_synthetic AND level IN ('township', 'unit')")
    loaded = set(con.execute("SELECT level || ':' || code FROM boundaries").fetchall())
    loaded = {r[0] for r in loaded}
    areas = areas[~(areas["level"] + ":" + areas["code"]).isin(loaded)]
    if len(areas):
        con.register("_areas", areas)
        con.execute("INSERT INTO boundaries SELECT level, code, name, geojson, source, is_synthetic FROM _areas")
        con.unregister("_areas")
