"""Read the final tables the metrics need, read-only (the report's only database access)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from etl import schema

#: Tables read by :func:`read_frames`, each with the contract's columns in order.
FRAME_TABLES: tuple[str, ...] = ("units", "facilities", "townships")


def read_frames(db_path: str | Path, tables: tuple[str, ...] = FRAME_TABLES) -> dict[str, pd.DataFrame]:
    """The ``units``, ``facilities`` and ``townships`` tables as DataFrames.

    Opens the file read-only (a missing file raises instead of creating one), selects the
    columns of the data contract by name in :mod:`etl.schema` order, sorted by the key so
    the result does not depend on insertion order, and closes the connection. Table and
    column names come from the contract, never from the caller's input.
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
            sql = f"SELECT {', '.join(cols)} FROM {table} ORDER BY {order}"
            out[table] = con.execute(sql).df()
        return out
    finally:
        con.close()
