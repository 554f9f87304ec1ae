"""Saved scenarios: a small DuckDB file beside the main database (the app's main
connection is read-only).

``scenarios(id, name, created_at, domain, changes JSON)``; ``changes`` is the list of
edits applied by :func:`metrics.scenario.apply_changes`. SQL with bound parameters only.
Each call opens and closes its own short connection.

Anyone may save, so what is saved is bounded: a name is 1-120 characters once invisible
characters are removed and holds no control character (:func:`clean_name`; a longer name is
refused, never cut), and the store holds at most ``EQUITY_MAX_SCENARIOS`` scenarios (500 by
default), counted in the same transaction as the insert (:func:`save`). The page also limits
the saves of one browser session to ``EQUITY_MAX_SCENARIOS_PER_SESSION`` (20 by default,
:func:`max_per_session`).
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import threading
import unicodedata
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from etl import locks

__all__ = [
    "DEFAULT_MAX_PER_SESSION", "DEFAULT_MAX_TOTAL", "ENV_MAX_PER_SESSION", "ENV_MAX_TOTAL",
    "FILE_NAME", "MAX_NAME", "ScenarioLimitError", "ScenarioNameError", "clean_name", "delete",
    "get", "list_all", "max_per_session", "max_total", "save", "store_path",
]

#: The scenarios file's name, in the directory of the main database.
FILE_NAME = "scenarios.duckdb"
#: Longest scenario name, in characters (after invisible characters are removed).
MAX_NAME = 120
#: Environment variables of the limits and their defaults.
ENV_MAX_TOTAL = "EQUITY_MAX_SCENARIOS"
ENV_MAX_PER_SESSION = "EQUITY_MAX_SCENARIOS_PER_SESSION"
DEFAULT_MAX_TOTAL = 500
DEFAULT_MAX_PER_SESSION = 20
# one save at a time in this process: the count and the insert see the same table
_SAVE_LOCK = threading.Lock()


class ScenarioNameError(ValueError):
    """A scenario name that is refused; ``reason`` is ``"empty"``, ``"too_long"`` or
    ``"control"``; ``length`` the name's length once invisible characters are removed."""

    def __init__(self, reason: str, length: int = 0) -> None:
        super().__init__(f"scenario name refused: {reason}")
        self.reason, self.length = reason, length


class ScenarioLimitError(RuntimeError):
    """The store already holds ``limit`` scenarios: nothing was saved."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"the scenario store is full ({limit} scenarios)")
        self.limit = limit


def _env_int(name: str, default: int, environ: Mapping[str, str] | None = None) -> int:
    raw = (os.environ if environ is None else environ).get(name, "")
    try:
        value = int(str(raw).strip())
    except ValueError:
        return default
    return value if value >= 0 else default


def max_total(environ: Mapping[str, str] | None = None) -> int:
    """Most scenarios the store holds (``EQUITY_MAX_SCENARIOS``, default 500).

    >>> max_total({}), max_total({"EQUITY_MAX_SCENARIOS": "3"}), max_total({"EQUITY_MAX_SCENARIOS": "x"})
    (500, 3, 500)
    """
    return _env_int(ENV_MAX_TOTAL, DEFAULT_MAX_TOTAL, environ)


def max_per_session(environ: Mapping[str, str] | None = None) -> int:
    """Most saves of one browser session (``EQUITY_MAX_SCENARIOS_PER_SESSION``, default 20).

    >>> max_per_session({}), max_per_session({"EQUITY_MAX_SCENARIOS_PER_SESSION": "2"})
    (20, 2)
    """
    return _env_int(ENV_MAX_PER_SESSION, DEFAULT_MAX_PER_SESSION, environ)


def clean_name(name: Any) -> str:
    r"""The name to store: invisible characters removed, surrounding spaces stripped.

    Invisible format characters (zero-width spaces and joiners, bidi controls, BOM, soft
    hyphen) are removed; a name that then is empty, is longer than :data:`MAX_NAME`
    characters or holds a control character (line breaks and tabs included) is refused
    with :class:`ScenarioNameError`.

    >>> clean_name("  关闭\u200b甘棠\u202e ")
    '关闭甘棠'
    >>> for bad in ("\u200b ", "x" * 121, "a\nb"):
    ...     try:
    ...         clean_name(bad)
    ...     except ScenarioNameError as exc:
    ...         print(exc.reason)
    empty
    too_long
    control
    """
    text = "" if name is None else str(name)
    text = "".join(c for c in text if unicodedata.category(c) != "Cf").strip()
    if not text:
        raise ScenarioNameError("empty")
    if any(unicodedata.category(c) in ("Cc", "Cs", "Zl", "Zp") for c in text):
        raise ScenarioNameError("control", len(text))
    if len(text) > MAX_NAME:
        raise ScenarioNameError("too_long", len(text))
    return text
_SCHEMA = """CREATE TABLE IF NOT EXISTS scenarios (
    id VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, created_at TIMESTAMP NOT NULL,
    domain VARCHAR NOT NULL, changes JSON NOT NULL)"""


def store_path(db_path: str | Path) -> Path:
    """The scenarios file beside the main database ``db_path``.

    >>> store_path("data/equity.duckdb").as_posix()
    'data/scenarios.duckdb'
    """
    return Path(db_path).parent / FILE_NAME


#: Longest wait for another process's access to the scenarios file (seconds); each is short.
LOCK_TIMEOUT_S = 30.0


@contextlib.contextmanager
def _open(path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-write connection to the store, held alone across processes (DuckDB lets one
    process at a time open a file for writing; every app process reaches the same file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with locks.exclusive(path.with_name(path.name + ".lock"), what="scenarios",
                         timeout=LOCK_TIMEOUT_S):
        con = duckdb.connect(str(path))
        try:
            con.execute(_SCHEMA)
            yield con
        finally:
            con.close()


def save(path: str | Path, name: str, domain: str, changes: list[dict[str, Any]], *,
         limit: int | None = None) -> str:
    """Store a scenario; returns its new id (12 hex characters).

    Parameters
    ----------
    path : str or Path
        The scenarios file.
    name : str
        Its name, checked by :func:`clean_name` (``ScenarioNameError`` when refused).
    domain : str
        The service domain.
    changes : list of dict
        The edits (:func:`metrics.scenario.apply_changes`).
    limit : int, optional
        Most scenarios the store may hold; :func:`max_total` (the environment) by default.
        Counted in the same transaction as the insert: when the store is full nothing is
        written and ``ScenarioLimitError`` is raised.
    """
    name = clean_name(name)
    cap = max_total() if limit is None else int(limit)
    sid = secrets.token_hex(6)
    with _SAVE_LOCK, _open(Path(path)) as con:
        con.execute("BEGIN TRANSACTION")
        try:
            n = con.execute("SELECT count(*) FROM scenarios").fetchone()[0]
            if n >= cap:
                raise ScenarioLimitError(cap)
            con.execute("INSERT INTO scenarios VALUES (?, ?, ?, ?, ?)",
                        [sid, name, datetime.now(UTC).replace(tzinfo=None), domain,
                         json.dumps(changes, ensure_ascii=False)])
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
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
