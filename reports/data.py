"""What the report reads: the tables, the travel model, the indicators and the JSON report.

The one place of :mod:`reports` that opens the database (read-only, through :mod:`etl.store`
and one short connection for boundaries and register years). The numbers come from the
same computation as ``python -m metrics report --json``: :func:`metrics.report.build_report`
on the tables of :func:`etl.store.read_frames`, with the travel model of the active roads
register.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import shapely
import shapely.geometry

from etl import paths, store
from metrics import indicators, travel
from metrics.report import build_report, county_town

__all__ = ["DISPLAY_TOLERANCE_DEG", "Inputs", "load", "load_year"]

#: Simplification of boundaries for the figures (degrees, about 20 m; as the app's maps).
DISPLAY_TOLERANCE_DEG = 0.0002


@dataclass
class Inputs:
    """Everything read for one report: ``frames`` (units, facilities, townships as of
    ``year``), the ``table`` of every indicator, the JSON ``report``, the travel ``model``,
    the ``boundaries`` (county geometry, unit and township collections, generated flags),
    ``register_years`` (kind -> years) and the ``plan_tasks`` table."""

    db_path: Path
    year: int | None
    overrides: dict[str, float]
    frames: dict[str, pd.DataFrame]
    model: travel.TravelModel
    table: indicators.IndicatorTable
    report: dict[str, Any]
    boundaries: dict[str, Any]
    register_years: dict[str, tuple[int, ...]]
    plan_tasks: pd.DataFrame | None


def _display(geojson_text: str) -> dict:
    geom = shapely.geometry.shape(json.loads(geojson_text))
    return shapely.geometry.mapping(shapely.set_precision(
        geom.simplify(DISPLAY_TOLERANCE_DEG, preserve_topology=True), 1e-6))


def _boundaries(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    rows = con.execute("SELECT level, code, geojson, is_synthetic FROM boundaries").df()
    out: dict[str, Any] = {"generated": {}}
    county = rows[rows["level"] == "county"]
    out["county"] = _display(county["geojson"].iloc[0]) if len(county) else {}
    for level in ("township", "unit"):
        sub = rows[rows["level"] == level]
        out[level] = {"type": "FeatureCollection", "features": [
            {"type": "Feature", "id": r.code, "properties": {"code": r.code},
             "geometry": _display(r.geojson)} for r in sub.itertuples()]}
        out["generated"][level] = bool(len(sub)) and bool(sub["is_synthetic"].all())
    return out


def _register_years(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[int, ...]]:
    rows = con.execute("SELECT kind, year FROM registers WHERE status <> 'withdrawn' "
                       "AND year IS NOT NULL GROUP BY kind, year ORDER BY kind, year").fetchall()
    out: dict[str, list[int]] = {}
    for kind, year in rows:
        out.setdefault(str(kind), []).append(int(year))
    return {k: tuple(v) for k, v in out.items()}


def _plan_tasks() -> pd.DataFrame | None:
    path = paths.REFERENCE / "plan" / "tasks.csv"
    return pd.read_csv(path, dtype={"task": int}) if path.exists() else None


def read_model(db_path: str | Path) -> travel.TravelModel:
    """The travel model of the database: its road network, else the straight-line estimate."""
    found = store.read_network(db_path)
    if found is None:
        return travel.STRAIGHT
    from metrics.network import NetworkModel

    return NetworkModel.from_frames(**found[1])


def evaluate(frames: Mapping[str, pd.DataFrame], overrides: Mapping[str, float],
             model: travel.TravelModel) -> indicators.IndicatorTable:
    """Every indicator, as :func:`metrics.report.build_report` evaluates it."""
    town = county_town(frames["townships"])
    prepared = indicators.prepare(frames["units"], frames["facilities"], county_town=town,
                                  model=model)
    return indicators.evaluate(prepared, dict(overrides))


def _check_year(db_path: Path, year: int, frames: Mapping[str, pd.DataFrame]) -> None:
    """Raise the one-line reason a report of ``year`` cannot be made: no facility as of it
    (before the first register), or a year after the latest register (a title page would
    name a year no register speaks of)."""
    from etl.schema import FACILITY_KINDS
    from reports.pdf import ReportError

    con = duckdb.connect(str(db_path), read_only=True)
    try:
        held = sorted({y for k, ys in _register_years(con).items() if k in FACILITY_KINDS
                       for y in ys})
    finally:
        con.close()
    if len(frames["facilities"]) and held and year <= held[-1]:
        return
    raise ReportError(f"no facility data of {year} in {db_path.name}: its registers are of "
                      + (", ".join(map(str, held)) if held else "no year") + "; choose --year "
                      "accordingly")


def load(db_path: str | Path, *, year: int | None = None,
         overrides: Mapping[str, float] | None = None) -> Inputs:
    """Read and compute everything one report needs (``FileNotFoundError`` without a database)."""
    db_path = Path(db_path)
    over = {k: float(v) for k, v in (overrides or {}).items()}
    frames = store.read_frames(db_path, year=year)
    if year is not None:
        _check_year(db_path, year, frames)
    model = read_model(db_path)
    table = evaluate(frames, over, model)
    report = build_report(frames, over, table=table,
                          model=None if model is travel.STRAIGHT else model)
    if year is not None:
        report["meta"]["year"] = year
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        bounds = _boundaries(con)
        years = _register_years(con)
    finally:
        con.close()
    return Inputs(db_path=db_path, year=year, overrides=over, frames=frames, model=model,
                  table=table, report=report, boundaries=bounds, register_years=years,
                  plan_tasks=_plan_tasks())


def load_year(inputs: Inputs, year: int) -> tuple[dict[str, pd.DataFrame], indicators.IndicatorTable]:
    """The tables and indicators as of another ``year`` (the previous-year comparison)."""
    frames = store.read_frames(inputs.db_path, year=year)
    return frames, evaluate(frames, inputs.overrides, inputs.model)


def data_year(inputs: Inputs) -> int | None:
    """The year the report speaks of: the one asked for, else the latest facility register
    year."""
    if inputs.year is not None:
        return inputs.year
    from etl.schema import FACILITY_KINDS

    # the facility registers' (as the app's year selector), not the population's
    years = [y for k in FACILITY_KINDS for y in inputs.register_years.get(k, ())]
    return max(years) if years else None
