"""Saved scenarios: a small DuckDB file beside the main database (the app's main
connection is read-only).

``scenarios(id, name, created_at, domain, changes JSON)``; ``changes`` is the list of
edits applied by :func:`metrics.scenario.apply_changes`. SQL with bound parameters only.
Each call opens and closes its own short connection.
"""

from __future__ import annotations

import contextlib
import json
import secrets
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

__all__ = ["FILE_NAME", "delete", "get", "list_all", "save", "store_path"]

#: The scenarios file's name, in the directory of the main database.
FILE_NAME = "scenarios.duckdb"
_MAX_NAME = 120
_SCHEMA = """CREATE TABLE IF NOT EXISTS scenarios (
    id VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, created_at TIMESTAMP NOT NULL,
    domain VARCHAR NOT NULL, changes JSON NOT NULL)"""


def store_path(db_path: str | Path) -> Path:
    """The scenarios file beside the main database ``db_path``.

    >>> store_path("data/equity.duckdb").as_posix()
    'data/scenarios.duckdb'
    """
    return Path(db_path).parent / FILE_NAME


@contextlib.contextmanager
def _open(path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    try:
        con.execute(_SCHEMA)
        yield con
    finally:
        con.close()


def save(path: str | Path, name: str, domain: str, changes: list[dict[str, Any]]) -> str:
    """Store a scenario; returns its new id (12 hex characters)."""
    name = str(name).strip()[:_MAX_NAME]
    if not name:
        raise ValueError("a scenario needs a name")
    sid = secrets.token_hex(6)
    with _open(Path(path)) as con:
        con.execute("INSERT INTO scenarios VALUES (?, ?, ?, ?, ?)",
                    [sid, name, datetime.now(UTC).replace(tzinfo=None), domain,
                     json.dumps(changes, ensure_ascii=False)])
    return sid


def list_all(path: str | Path) -> pd.DataFrame:
    """Every scenario, newest first: id, name, created_at, domain, n_changes."""
    with _open(Path(path)) as con:
        df = con.execute("SELECT id, name, created_at, domain, changes FROM scenarios "
                         "ORDER BY created_at DESC, id").df()
    df["n_changes"] = [len(json.loads(c)) for c in df["changes"]]
    return df.drop(columns="changes")


def get(path: str | Path, sid: str) -> dict[str, Any] | None:
    """One scenario as a dict (``changes`` parsed), or None when the id is unknown."""
    with _open(Path(path)) as con:
        row = con.execute("SELECT id, name, created_at, domain, changes FROM scenarios WHERE id = ?",
                          [str(sid)]).fetchone()
    if row is None:
        return None
    return {"id": row[0], "name": row[1], "created_at": row[2], "domain": row[3],
            "changes": json.loads(row[4])}


def delete(path: str | Path, sid: str) -> bool:
    """Delete a scenario; returns whether it existed."""
    with _open(Path(path)) as con:
        n = con.execute("SELECT count(*) FROM scenarios WHERE id = ?", [str(sid)]).fetchone()[0]
        con.execute("DELETE FROM scenarios WHERE id = ?", [str(sid)])
    return bool(n)
