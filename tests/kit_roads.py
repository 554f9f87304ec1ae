"""A made-up road grid over the county for tests that need a roads register loaded.

Never Kaijiang's roads: a regular grid of 县道 (every fourth line) and 村道 over the villages'
bounding box plus a margin, drawn as GeoJSON lines, so every village and facility is near a
road and network times differ from straight lines in a known direction (a grid trip is at
least the straight one at the same speed). Loaded like any roads register with
``python -m etl load --kind roads`` (the raw copy goes beside the test database).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import numpy as np

ROOT = Path(__file__).resolve().parent.parent


def grid_roads(path: Path, db_path: Path, *, step_deg: float = 0.01, margin_deg: float = 0.02
               ) -> Path:
    """Write a grid of roads covering every unit and facility of ``db_path`` to ``path``."""
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        lat0, lat1, lon0, lon1 = con.execute(
            "SELECT min(lat), max(lat), min(lon), max(lon) FROM (SELECT lat, lon FROM units "
            "UNION ALL SELECT lat, lon FROM facilities) WHERE lat IS NOT NULL").fetchone()
    finally:
        con.close()
    lats = np.arange(lat0 - margin_deg, lat1 + margin_deg + step_deg, step_deg)
    lons = np.arange(lon0 - margin_deg, lon1 + margin_deg + step_deg, step_deg)
    feats = []
    for i, lat in enumerate(lats):
        cls = "县道" if i % 4 == 0 else "村道"
        feats.append(_line(cls, [[float(x), float(lat)] for x in lons]))
    for j, lon in enumerate(lons):
        cls = "县道" if j % 4 == 0 else "村道"
        feats.append(_line(cls, [[float(lon), float(y)] for y in lats]))
    path.write_text(json.dumps({"type": "FeatureCollection", "features": feats},
                               ensure_ascii=False), encoding="utf-8")
    return path


def _line(cls: str, coords: list[list[float]]) -> dict:
    return {"type": "Feature", "properties": {"道路等级": cls},
            "geometry": {"type": "LineString", "coordinates": coords}}


def etl(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "etl", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=600)


def load_grid(built_db: Path, folder: Path, **grid) -> Path:
    """A copy of ``built_db`` in ``folder`` with the test grid loaded as the roads register."""
    folder.mkdir(parents=True, exist_ok=True)
    dbfile = folder / "equity.duckdb"
    shutil.copyfile(built_db, dbfile)
    roads = grid_roads(folder / "grid_roads.geojson", dbfile, **grid)
    out = etl("--db", str(dbfile), "load", str(roads), "--kind", "roads", "--year", "2024")
    if out.returncode != 0:
        raise RuntimeError(out.stderr)
    return dbfile


def withdraw_roads(dbfile: Path) -> None:
    """Withdraw the active roads register (straight lines come back)."""
    listed = json.loads(etl("--db", str(dbfile), "registers", "--json").stdout)
    rid = [r["register_id"] for r in listed if r["kind"] == "roads" and r["status"] == "active"]
    out = etl("--db", str(dbfile), "withdraw", str(rid[-1]))
    if out.returncode != 0:
        raise RuntimeError(out.stderr)


def process(dbfile: Path, path: Path, **kw):
    """:func:`etl.road_store.process` (validate a roads file) on a read-only connection."""
    from etl import db, road_store

    con = db.connect(dbfile, read_only=True)
    try:
        return road_store.process(con, path, **kw)
    finally:
        con.close()
