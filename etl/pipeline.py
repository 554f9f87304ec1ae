"""Load one register file into the database: read, validate, resolve, locate, write.

A load is one transaction. The good rows go in; every bad row goes to
``rejects`` with its source row number, the column at fault and a reason in
Chinese and English; if the file cannot be read nothing is written at all.
The same file (same SHA-256) loaded twice adds nothing. The raw file is kept
unchanged under ``data/raw/<sha256><suffix>`` so the database can be rebuilt.

This module runs a load; the jobs are done apart: reading (:mod:`etl.readers`),
validating a sheet (:mod:`etl.validate`, with :mod:`etl.locate` for points, townships
and units, :mod:`etl.duplicates` for repeated rows and :mod:`etl.rejects` for the
reasons) and writing (:mod:`etl.write`). Public names of those used with a load are
re-exported here.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import functools
import hashlib
import itertools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
from geopy.geocoders.base import Geocoder

from etl import aliases, coords, geojson_reader, locate, paths, readers, registers, schema, write
from etl.columns import text_column, to_arrow
from etl.db import transaction
from etl.duplicates import Repeats
from etl.locate import gazetteer
from etl.rejects import rejects_frame
from etl.resolve import Gazetteer, GazetteerGeocoder, online_geocoder
from etl.result import LoadResult
from etl.validate import validate_sheet
from etl.write import read_raw_index, refresh_derived

__all__ = ["CHUNK_ROWS", "LoadResult", "file_sha256", "gazetteer", "load_file", "process_file",
           "read_raw_index", "refresh_derived"]


def file_sha256(path: Path) -> str:
    """The file's SHA-256 as hex (a load's identity: the same file is loaded once)."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 22), b""):
            h.update(chunk)
    return h.hexdigest()


def process_file(con: duckdb.DuckDBPyConnection, path: Path, kind: str, *, crs: str = "wgs84",
                 type: str | None = None,  # noqa: A002 - the CLI's --type
                 overrides: dict[str, str] | None = None,
                 file_name: str | None = None, sha256: str | None = None,
                 sheets: list[readers.RawSheet] | None = None, year: int | None = None,
                 scope: str | list[str] | tuple[str, ...] | None = None,
                 require_year: bool = False) -> LoadResult:
    """Read and validate ``path`` against the database's gazetteer without writing anything.

    ``sha256`` is the file's hash and ``sheets`` the file as read by
    :func:`etl.readers.read_register` when the caller has them already. For a facility
    register, ``year`` and ``scope`` are as in :func:`load_file`, and the result says what a
    load would supersede (``result.supersedes`` and the notes).
    """
    scope = registers.resolve_scope(con, scope) if kind in schema.FACILITY_KINDS else None
    result = _process(con, path, kind, crs=crs, overrides=overrides, file_name=file_name,
                      sha256=sha256, sheets=sheets, type=type, year=year, scope=scope)
    if kind in schema.FACILITY_KINDS:
        registers.annotate(con, result, require_year=require_year)
    return result


#: Most rows validated at a time (:data:`etl.readers.PART_ROWS`, three DuckDB row groups):
#: a load writes each part while the next is validated. Every check is row by row, and duplicates are looked up in
#: the ids kept from earlier parts, so the parts give exactly the result of the whole.
CHUNK_ROWS = readers.PART_ROWS


def _parts(sheet: readers.RawSheet, size: int) -> list[readers.RawSheet]:
    """The sheet in consecutive slices of at most ``size`` rows (the sheet itself if small),
    cut where possible where the chunks of all its arrow columns end (a part's columns
    are then used without copying).

    >>> import pandas as pd
    >>> s = readers.RawSheet("f.csv", None, ["a"], pd.DataFrame({"a": list("abcdefg")}),
    ...                      np.arange(2, 9), "utf-8", 1, [])
    >>> [(p.frame["a"].tolist(), p.row_numbers.tolist()) for p in _parts(s, 3)]
    [(['a', 'b', 'c'], [2, 3, 4]), (['d', 'e', 'f'], [5, 6, 7]), (['g'], [8])]
    """
    n = len(sheet.frame)
    if n <= size:
        return [sheet]
    ends = {n}
    for i, c in enumerate(sheet.frame.columns):
        arr = text_column(sheet.frame[c])
        lengths = [len(x) for x in arr.chunks] if isinstance(arr, pa.ChunkedArray) else [n]
        here = set(np.cumsum(lengths).tolist())
        ends = here if i == 0 else ends & here
    cuts = [0]
    while cuts[-1] < n:
        fit = [e for e in ends if cuts[-1] < e <= cuts[-1] + size]
        cuts.append(max(fit) if fit else min(cuts[-1] + size, n))
    return [dataclasses.replace(sheet, frame=sheet.frame.iloc[a:b].reset_index(drop=True),
                                row_numbers=sheet.row_numbers[a:b],
                                row_info={k: v[a:b] for k, v in sheet.row_info.items()})
            for a, b in itertools.pairwise(cuts)]


@dataclass(frozen=True)
class _Checks:
    """What every part of a file is validated against."""

    kind: str
    crs: str
    gaz: Gazetteer
    area: coords.Area
    geocoder: Callable[[], Geocoder]
    forced_type: str | None
    year: int | None
    scope: tuple[str, ...] | None


def _process(con: duckdb.DuckDBPyConnection, path: Path, kind: str, *, crs: str = "wgs84",
             overrides: dict[str, str] | None = None, file_name: str | None = None,
             sha256: str | None = None, sheets: list[readers.RawSheet] | None = None,
             on_part: Callable[[pa.Table], None] | None = None,
             places: tuple[Gazetteer, coords.Area] | None = None,
             type: str | None = None,  # noqa: A002 - the CLI's --type
             year: int | None = None, scope: tuple[str, ...] | None = None) -> LoadResult:
    """:func:`process_file`, handing each validated part's table to ``on_part`` as it is done;
    ``places`` is the database's gazetteer and county area when the caller has them; ``type``
    (a type code or label of the kind, :func:`etl.aliases.resolve_type`) is the type of every
    row, whatever the file says."""
    path = Path(path)
    if kind not in schema.REGISTER_KINDS:
        raise ValueError(f"unknown kind {kind!r}; expected one of {sorted(schema.REGISTER_KINDS)}")
    if crs not in ("wgs84", "gcj02", "bd09"):
        raise ValueError(f"unknown crs {crs!r}; expected wgs84, gcj02 or bd09")
    readers.check_overrides(overrides, kind)  # an unknown field: refused before reading
    forced_type = aliases.resolve_type(type, kind) if type is not None else None
    result = LoadResult(file_name=file_name or path.name, kind=kind,
                        sha256=sha256 or file_sha256(path))
    result.year, result.scope = year, scope  # the year is settled by etl.registers.annotate
    if kind == "boundaries":
        result.clean = geojson_reader.read_boundaries(path, result.file_name)
        result.rows_read = result.rows_loaded = len(result.clean)
        return result
    if sheets is None:
        sheets = readers.read_register(path, kind, overrides=overrides,
                                       file_name=result.file_name)
    gaz, area = places or locate.places(con)
    # made on first use: only rows without coordinates need it (building one costs ~0.2 s)
    geocoder = functools.cache(lambda: online_geocoder() or GazetteerGeocoder(gaz))
    checks = _Checks(kind, crs, gaz, area, geocoder, forced_type, year, scope)
    tables, rejects = [], []
    # ids (or unit codes) kept from earlier sheets and parts: a file holds each once
    repeats = Repeats(kind)
    for whole in sheets:
        mapping = _match_sheet(whole, kind, overrides, forced_type, result)
        for sheet in _parts(whole, CHUNK_ROWS):
            table, part_rejects, n_bad = _validate_part(sheet, mapping, checks, repeats)
            if on_part is not None:
                on_part(table)
            tables.append(table)
            rejects.append(part_rejects)
            result.rows_read += table.num_rows
            result.rows_loaded += table.num_rows - n_bad
    if tables:
        result.table = pa.concat_tables(tables, promote_options="default")
    # parts without rejects add nothing (and would make the columns' types object)
    rejects = [r for r in rejects if len(r)] or rejects[:1]
    result.rejects = pd.concat(rejects, ignore_index=True) if rejects else pd.DataFrame()
    result.rows_rejected = len(result.rejects)
    return result


def _match_sheet(whole: readers.RawSheet, kind: str, overrides: dict[str, str] | None,
                 forced_type: str | None, result: LoadResult) -> dict[str, str]:
    """The sheet's columns mapped to fields (a required field missing: refused), noting the
    sheet's skipped rows, ambiguous and unused columns and where the types come from."""
    result.notes += whole.skipped
    match = aliases.match_columns(whole.columns, kind, overrides)
    if match.missing_required:
        raise readers.RegisterReadError(
            f"{result.file_name}（{whole.sheet or '第 1 个表'}）缺少必需的列：{'、'.join(match.missing_required)}；"
            f"找到的列：{'、'.join(whole.columns)}。可用 --map 源列=字段 指定对应关系。",
            f"{result.file_name} ({whole.sheet or 'first sheet'}) lacks required columns: "
            f"{', '.join(match.missing_required)}; columns found: {', '.join(whole.columns)}. "
            "Use --map SOURCE=field to map a column.")
    for fld, cols in match.duplicates.items():
        result.notes.append(f"{fld}: 多个列可对应，使用“{cols[0]}” / several columns map to {fld}; using {cols[0]!r}")
    if match.unmatched:
        result.notes.append(f"未使用的列 / unused columns: {', '.join(match.unmatched)}")
    if forced_type is not None:
        result.notes.append(f"类型均为 {forced_type}（--type） / every row's type is "
                            f"{forced_type} (--type)")
    elif "type" not in match.mapping.values() and len(schema.REGISTER_KINDS[kind]) > 1:
        result.notes.append("没有类型列：类型按名称判断 / no type column: types told from the names")
    return match.mapping


def _validate_part(sheet: readers.RawSheet, mapping: dict[str, str], c: _Checks,
                   repeats: Repeats) -> tuple[pa.Table, pd.DataFrame, int]:
    """One part validated: its table (every row, ``_keep`` true for those that load), its
    rejects and how many rows are rejected."""
    clean, errors = validate_sheet(sheet, c.kind, c.crs, mapping, c.gaz, c.area, c.geocoder,
                                   c.forced_type)
    n = len(sheet.frame)
    if c.kind in schema.FACILITY_KINDS and (c.scope is not None or c.year is not None):
        registers.check_rows(clean, errors, mapping, n, scope=c.scope, year=c.year,
                             town_name=c.gaz.township_name)
    bad = np.zeros(n, dtype=bool)
    bad[errors.positions()] = True
    # duplicates among the otherwise good rows (ids for facilities, units for population)
    repeats.reject(clean, errors, bad, mapping)
    table = {k: to_arrow(v) for k, v in clean.items()}
    table["_row"] = pa.array(sheet.row_numbers)
    table["_sheet"] = pa.repeat(pa.scalar(sheet.sheet, pa.string()), n)
    table["_keep"] = pa.array(~bad)
    return pa.table(table), rejects_frame(sheet, errors), int(bad.sum())


@dataclass(frozen=True)
class _Load:
    """A load's file and options, as given to :func:`load_file`."""

    path: Path
    kind: str
    crs: str
    overrides: dict[str, str] | None
    file_name: str | None
    type_: str | None
    year: int | None
    scope: tuple[str, ...] | None
    require_year: bool
    synthetic: bool
    who: str | None
    loaded_at: dt.datetime


def load_file(con: duckdb.DuckDBPyConnection, path: Path, kind: str, *, crs: str = "wgs84",
              overrides: dict[str, str] | None = None, data_dir: Path = paths.DATA,
              keep_raw: bool = True, raw_path: str | None = None,
              file_name: str | None = None,
              type: str | None = None,  # noqa: A002 - the CLI's --type
              year: int | None = None, scope: str | list[str] | tuple[str, ...] | None = None,
              require_year: bool = False, synthetic: bool = False, who: str | None = None,
              loaded_at: dt.datetime | None = None) -> LoadResult:
    """Validate ``path`` and write it in one transaction (see the module docstring).

    A facility load is a register (:mod:`etl.registers`): of ``year`` (else the file's year
    column; with ``require_year`` a file without either is refused), ``scope`` (township
    names or codes; rows outside are rejected; default the whole county), generated when
    ``synthetic``; it supersedes what it covers. ``who`` and ``loaded_at`` (UTC; default
    now) are recorded.

    ``type`` sets one facility type for every row (``--type``; see :func:`process_file`).

    The file is hashed while it is read, and the raw copy is made while it is validated
    (both in a worker thread); the copy is put in place inside the transaction. Facility
    rows are validated in parts of :data:`CHUNK_ROWS`, and DuckDB writes each part (in
    another thread; it releases the GIL) while the next is validated, all in the same
    transaction.
    """
    path = Path(path)
    load = _Load(path, kind, crs, overrides, file_name, type, year,
                 registers.resolve_scope(con, scope) if kind in schema.FACILITY_KINDS else None,
                 require_year, synthetic, who,
                 loaded_at or dt.datetime.now(dt.UTC).replace(tzinfo=None))
    if kind in schema.REGISTER_KINDS:
        readers.check_overrides(overrides, kind)  # an unknown field: refused before reading
        if type is not None:
            aliases.resolve_type(type, kind)  # a type of another kind: refused before reading
    with ThreadPoolExecutor(max_workers=1) as pool:
        sha_job = pool.submit(file_sha256, path)
        sheets, read_error, places = _read_beside(con, load)
        sha = sha_job.result()  # a missing file raises here, as before
        prev = con.execute("SELECT load_id FROM loads WHERE sha256 = ? AND kind = ?",
                           [sha, kind]).fetchone()
        if prev:
            return LoadResult(file_name=file_name or path.name, kind=kind, sha256=sha,
                              load_id=prev[0], already_loaded=True)
        if read_error is not None:
            raise read_error
        raw_name = f"{sha}{path.suffix.lower()}"
        copy = write.RawCopy(pool, path, data_dir / "raw", raw_name) if keep_raw else None
        try:
            with transaction(con):
                result = _validate_and_write(con, load, sha, sheets, places,
                                             raw_path or f"raw/{raw_name}")
                if copy is not None:
                    copy.finish()
                    write.index_raw(data_dir / "raw", raw_name, result, crs, overrides, type,
                                    year=year, scope=load.scope, who=who,
                                    loaded_at=load.loaded_at)
        except BaseException:
            if copy is not None:
                copy.discard()
            raise
    return result


def _read_beside(con: duckdb.DuckDBPyConnection, load: _Load
                 ) -> tuple[list[readers.RawSheet] | None, readers.RegisterReadError | None,
                            tuple[Gazetteer, coords.Area] | None]:
    """Read a register while the gazetteer and the county area are read from the database
    (nothing else uses the connection meanwhile): the sheets, or the error that the file
    cannot be read, and the places (None if they cannot be read: the validation reads them
    again and fails as it would have). Nothing is read ahead for boundaries."""
    if load.kind == "boundaries" or load.kind not in schema.REGISTER_KINDS:
        return None, None, None
    sheets, read_error, places = None, None, None
    side = ThreadPoolExecutor(max_workers=1)
    places_job = side.submit(locate.places, con)
    try:
        sheets = readers.read_register(load.path, load.kind, overrides=load.overrides,
                                       file_name=load.file_name or load.path.name)
    except readers.RegisterReadError as exc:
        read_error = exc
    finally:
        side.shutdown(wait=True)
    with contextlib.suppress(Exception):
        places = places_job.result()
    return sheets, read_error, places


def _validate_and_write(con: duckdb.DuckDBPyConnection, load: _Load, sha: str,
                        sheets: list[readers.RawSheet] | None,
                        places: tuple[Gazetteer, coords.Area] | None,
                        raw_path: str) -> LoadResult:
    """Inside the load's transaction: validate the file (a facility register's parts are
    written as they are validated), then record the load, its rows and its rejects."""
    writer = (write.FacilityWriter(con, load.file_name or load.path.name)
              if load.kind in schema.FACILITY_KINDS else None)
    try:
        result = _process(con, load.path, load.kind, crs=load.crs, overrides=load.overrides,
                          file_name=load.file_name, sha256=sha, sheets=sheets,
                          on_part=writer.put if writer else None, places=places,
                          type=load.type_, year=load.year, scope=load.scope)
    except BaseException:
        if writer is not None:
            writer.abort()
        raise
    load_id = writer.finish() if writer else write.next_load_id(con)
    result.load_id = load_id
    if writer is not None:  # the register's year, and what it supersedes
        registers.annotate(con, result, require_year=load.require_year,
                           synthetic=load.synthetic, done=True)
    write.record_load(con, result, load_id, crs=load.crs, loaded_at=load.loaded_at,
                      raw_path=raw_path)
    if writer is None:
        write.write_rows(con, result, load.kind, load_id)
    else:
        registers.record(con, result, synthetic=load.synthetic, who=load.who,
                         loaded_at=load.loaded_at, raw_path=raw_path)
    write.write_rejects(con, result, load_id)
    if load.kind in ("population", "boundaries"):
        refresh_derived(con)
    return result
