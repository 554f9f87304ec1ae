"""Cached access to the database for the pages: one read-only connection per process."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from etl import db, paths


def db_path() -> Path:
    return Path(os.environ.get("EQUITY_DB", paths.DEFAULT_DB))


def ensure_database() -> None:
    """Build the database from data/ when it is missing or unreadable, with progress shown."""
    path = db_path()
    if db.is_usable(path):
        return
    bar = st.progress(0.0, text="正在从 data/ 构建数据库… / Building the database from data/…")

    def progress(fraction: float, message: str) -> None:
        bar.progress(min(max(fraction, 0.0), 1.0), text=f"构建数据库 / Building: {message}")

    db.build(path, progress=progress)
    bar.empty()
    connection.clear()


@st.cache_resource
def connection() -> duckdb.DuckDBPyConnection:
    return db.connect(db_path(), read_only=True)


@st.cache_data(max_entries=64, ttl=3600)
def query(sql: str, params: tuple = ()) -> pd.DataFrame:
    """Run a read-only query with bound parameters; the result is cached (do not mutate it)."""
    cur = connection().cursor()
    try:
        return cur.execute(sql, list(params)).df()
    finally:
        cur.close()


@st.cache_data(max_entries=4, ttl=3600)
def status() -> dict[str, int]:
    cur = connection().cursor()
    try:
        return db.status(cur)
    finally:
        cur.close()
