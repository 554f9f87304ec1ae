"""Cached access to the database for the pages: one read-only connection per process.

Loaders are cached at the expensive step: the tables once per process, the
threshold-independent ``metrics.indicators.prepare`` once, and each evaluation per
distinct set of setting overrides (bounded). Cached objects are shared between
sessions: pages must never modify them.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import duckdb
import pandas as pd
import shapely
import shapely.geometry
import streamlit as st

from etl import db, paths
from metrics import indicators


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
    st.cache_resource.clear()
    st.cache_data.clear()


# Every cache is keyed by the database path, so two databases never share results.


@st.cache_resource(max_entries=4)
def _connection(path: str) -> duckdb.DuckDBPyConnection:
    return db.connect(path, read_only=True)


def connection() -> duckdb.DuckDBPyConnection:
    """The process's read-only connection to the current database (use a cursor per query)."""
    return _connection(str(db_path()))


@st.cache_data(max_entries=64, ttl=3600, show_spinner=False)
def _query(path: str, sql: str, params: tuple) -> pd.DataFrame:
    cur = _connection(path).cursor()
    try:
        return cur.execute(sql, list(params)).df()
    finally:
        cur.close()


def query(sql: str, params: tuple = ()) -> pd.DataFrame:
    """Run a read-only query with bound parameters; the result is cached (do not mutate it)."""
    return _query(str(db_path()), sql, tuple(params))


@st.cache_data(max_entries=4, ttl=3600, show_spinner=False)
def _status(path: str) -> dict[str, int]:
    cur = _connection(path).cursor()
    try:
        return db.status(cur)
    finally:
        cur.close()


def status() -> dict[str, int]:
    return _status(str(db_path()))


@st.cache_data(max_entries=4, ttl=3600, show_spinner=False)
def _frames(path: str) -> dict[str, pd.DataFrame]:
    return {
        "units": _query(path, "SELECT * FROM units ORDER BY code", ()),
        "facilities": _query(path, "SELECT * FROM facilities ORDER BY id", ()),
        "townships": _query(path, "SELECT * FROM townships ORDER BY code", ()),
    }


def frames() -> dict[str, pd.DataFrame]:
    """units, facilities and townships as in the data contract."""
    return _frames(str(db_path()))


@st.cache_resource(max_entries=4, show_spinner="计算指标… / Computing indicators…")
def _prepared(path: str) -> indicators.Prepared:
    f = _frames(path)
    return indicators.prepare(f["units"], f["facilities"])


def prepared() -> indicators.Prepared:
    """The threshold-independent part of every indicator, once per process and database."""
    return _prepared(str(db_path()))


@st.cache_resource(max_entries=32, show_spinner=False)
def _evaluated(path: str, overrides: tuple[tuple[str, float], ...]) -> indicators.IndicatorTable:
    return indicators.evaluate(_prepared(path), dict(overrides))


def indicator_table(overrides: dict[str, float] | None = None) -> indicators.IndicatorTable:
    """Every indicator under the settings; cached per distinct overrides. Do not modify."""
    return _evaluated(str(db_path()), tuple(sorted((overrides or {}).items())))


@st.cache_data(max_entries=4, ttl=3600, show_spinner=False)
def _boundaries(path: str) -> dict[str, dict]:
    rows = _query(path, "SELECT level, code, name, geojson, is_synthetic FROM boundaries", ())
    out: dict[str, dict] = {"generated": {}}
    county = rows[rows["level"] == "county"]
    out["county"] = _for_display(county["geojson"].iloc[0]) if len(county) else {}
    for level in ("township", "unit"):
        sub = rows[rows["level"] == level]
        out[level] = {"type": "FeatureCollection", "features": [
            {"type": "Feature", "id": r.code, "properties": {"code": r.code},
             "geometry": _for_display(r.geojson)} for r in sub.itertuples()]}
        out["generated"][level] = bool(len(sub)) and bool(sub["is_synthetic"].all())
    return out


#: Tolerance (degrees, ≈ 20 m) of the geometry simplification for maps: invisible at county
#: scale, and it keeps the GeoJSON sent to the browser (and validated by plotly) small.
DISPLAY_TOLERANCE_DEG = 0.0002


def _for_display(geojson_text: str) -> dict:
    geom = shapely.geometry.shape(json.loads(geojson_text))
    return shapely.geometry.mapping(shapely.set_precision(
        geom.simplify(DISPLAY_TOLERANCE_DEG, preserve_topology=True), 1e-6))


def boundaries() -> dict[str, dict]:
    """GeoJSON per level: ``county`` (a geometry), ``township`` and ``unit`` (FeatureCollections
    with feature id = code), plus which levels are generated (``generated``)."""
    return _boundaries(str(db_path()))
