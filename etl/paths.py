"""Every path the project uses, defined in one place (relative to the repository)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
REFERENCE = DATA / "reference"
REGISTERS = DATA / "registers"
DEFAULT_DB = DATA / "equity.duckdb"
MANIFEST = REGISTERS / "manifest.csv"
BOUNDARY_WGS84 = REFERENCE / "kaijiang_boundary_amap_wgs84.geojson"
BOUNDARY_GCJ02 = REFERENCE / "kaijiang_boundary_amap_gcj02.geojson"
