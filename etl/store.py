"""Read the final tables the metrics need, read-only (the report's only database access)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from etl import schema

#: Tables read by :func:`read_frames`, each with the contract's columns in order.
FRAME_TABLES: tuple[str, ...] = ("units", "facilities", "townships")


def read_frames(db_path: str | Path, tables: tuple[str, ...] = FRAME_TABLES, *,
                year: int | None = None) -> dict[str, pd.DataFrame]:
    """The ``units``, ``facilities`` and ``townships`` tables as DataFrames.

    Opens the file read-only (a missing file raises instead of creating one), selects the
    columns of the data contract by name in :mod:`etl.schema` order, sorted by the key so
    the result does not depend on insertion order, and closes the connection. Table and
    column names come from the contract, never from the caller's input. With ``year`` the
    facilities are those as of that year (``facilities_in_year``): per kind and township the
    latest register year not after it.
    """
    unknown = [t for t in tables if t not in schema.TABLES]
    if unknown:
        raise ValueError(f"not tables of the data contract: {unknown}")
    path = Path(db_path)
    if not path.exists():
        raise FileNotFoundError(f"no database at {path}; build it with `python -m etl build`")
    con = duckdb.connect(str(path), read_only=True)
    try:
        out = {}
        for table in tables:
            cols = [c.name for c in schema.TABLES[table]]
            order = "id" if table == "facilities" else "code"
            source = table
            if table == "facilities" and year is not None:
                source = "facilities_in_year(?)"  # as of the year: see the data contract
            sql = f"SELECT {', '.join(cols)} FROM {source} ORDER BY {order}"
            params = [int(year)] if source != table else []
            out[table] = con.execute(sql, params).df()
        return out
    finally:
        con.close()


def read_network(db_path: str | Path) -> tuple[int, dict[str, pd.DataFrame]] | None:
    """The active roads register's id and network frames (:func:`etl.road_store.read_network`)
    of the database file, read-only; None without a roads register in force."""
    from etl import road_store

    path = Path(db_path)
    if not path.exists():
        raise FileNotFoundError(f"no database at {path}; build it with `python -m etl build`")
    con = duckdb.connect(str(path), read_only=True)
    try:
        return road_store.read_network(con)
    finally:
        con.close()
