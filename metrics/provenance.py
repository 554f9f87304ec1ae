"""What on screen is generated and what is real: per data item, rows by origin.

A page shows village points and population (the ``units`` table) and the facilities of some
register kinds. Each item is *real* (every row from a county register), *synthetic* (every
row generated), *mixed* (a real register covering some townships, generated rows elsewhere)
or *missing* (no row at all). Pure functions on the data-contract tables.

The ``units`` item counts the villages and communities that have a point or a population:
a database built without the demo (``etl build --no-demo``) lists every unit of the
reference codes, with neither, until a population register is loaded; that item is then
*missing*. :func:`missing_items` names what a page section lacks.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

__all__ = ["MISSING", "MIXED", "POPULATION", "REAL", "SYNTHETIC", "UNITS", "located_units",
           "missing_items", "origin"]

#: The item name of the village points and population.
UNITS = "units"
#: The register kind that brings the village points and population.
POPULATION = "population"
REAL, SYNTHETIC, MIXED, MISSING = "real", "synthetic", "mixed", "missing"

_COLUMNS = ["item", "rows", "synthetic_rows", "real_rows", "status", "real_years", "real_sources"]


def _status(real: int, synthetic: int) -> str:
    if real and synthetic:
        return MIXED
    if real:
        return REAL
    return SYNTHETIC if synthetic else MISSING


def _row(item: str, frame: pd.DataFrame, year_col: str) -> dict:
    synthetic = frame["is_synthetic"].fillna(False).astype(bool).to_numpy()
    real = frame.loc[~synthetic]
    years = sorted({int(y) for y in real[year_col].dropna()}) if year_col in real else []
    sources = sorted({str(s) for s in real["source"].dropna()}) if "source" in real else []
    n_syn = int(synthetic.sum())
    return {"item": item, "rows": len(frame), "synthetic_rows": n_syn,
            "real_rows": len(frame) - n_syn, "status": _status(len(frame) - n_syn, n_syn),
            "real_years": years, "real_sources": sources}


def _with_data(units: pd.DataFrame) -> pd.DataFrame:
    """Units with a point or a population (all rows when the table has neither column)."""
    cols = [c for c in ("lon", "population") if c in units.columns]
    if not cols:
        return units
    return units.loc[units[cols].notna().any(axis=1)]


def located_units(units: pd.DataFrame) -> pd.DataFrame:
    """Units with both a point and a population: those every indicator can use.

    >>> u = pd.DataFrame({"lon": [107.8, None, 107.9], "lat": [31.0, None, 31.1],
    ...                   "population": [100, None, None]})
    >>> len(located_units(u))
    1
    """
    need = [c for c in ("lon", "lat", "population") if c in units.columns]
    if len(need) < 3:
        return units.iloc[0:0]
    return units.loc[units[need].notna().all(axis=1)]


def missing_items(units: pd.DataFrame | None, facilities: pd.DataFrame,
                  kind_types: Mapping[str, Sequence[str]],
                  kinds: Sequence[str] = ()) -> list[str]:
    """What a section needs and the data lack: :data:`POPULATION` first when ``units`` is
    given and no unit has a point and a population, then each of ``kinds`` (register kinds,
    keys of ``kind_types``) with no facility row. Empty when nothing is missing.

    >>> u = pd.DataFrame({"lon": [None], "lat": [None], "population": [None]})
    >>> f = pd.DataFrame({"type": ["village_clinic"]})
    >>> kt = {"clinics": ("village_clinic",), "hospitals": ("health_centre",)}
    >>> missing_items(u, f, kt, ["hospitals", "clinics"])
    ['population', 'hospitals']
    >>> missing_items(None, f.iloc[0:0], kt, ["clinics"])
    ['clinics']
    """
    out = []
    if units is not None and located_units(units).empty:
        out.append(POPULATION)
    present = set(facilities["type"].astype(str)) if len(facilities) else set()
    for kind in kinds:
        if not present & set(kind_types.get(kind, ())):
            out.append(kind)
    return out


def origin(units: pd.DataFrame, facilities: pd.DataFrame,
           kind_types: Mapping[str, Sequence[str]]) -> pd.DataFrame:
    """One row per item: ``units`` first, then each register kind of ``kind_types``.

    Parameters
    ----------
    units : DataFrame
        The ``units`` table (``is_synthetic``, ``pop_year``, ``source``).
    facilities : DataFrame
        The ``facilities`` table as the pages read it (``type``, ``is_synthetic``, ``year``,
        ``source``).
    kind_types : mapping
        Register kind -> the facility types its registers hold.

    Returns
    -------
    DataFrame
        ``item, rows, synthetic_rows, real_rows, status, real_years, real_sources``; status is
        ``real``, ``synthetic``, ``mixed`` or ``missing``; the years and sources are those of
        the real rows.

    Examples
    --------
    >>> u = pd.DataFrame({"is_synthetic": [True, True], "pop_year": [2020, 2020],
    ...                   "source": ["demo", "demo"]})
    >>> f = pd.DataFrame({"type": ["village_clinic", "village_clinic", "primary"],
    ...                   "is_synthetic": [False, True, True], "year": [2024, 2024, 2024],
    ...                   "source": ["卫生室.xlsx", "demo", "demo"]})
    >>> origin(u, f, {"clinics": ("village_clinic",), "schools": ("primary",),
    ...               "culture": ("village_centre",)})[["item", "status", "real_years"]]
          item     status real_years
    0    units  synthetic         []
    1  clinics      mixed     [2024]
    2  schools  synthetic         []
    3  culture    missing         []
    """
    rows = [_row(UNITS, _with_data(units), "pop_year")]
    for kind, types in kind_types.items():
        rows.append(_row(kind, facilities.loc[facilities["type"].isin(list(types))], "year"))
    return pd.DataFrame(rows, columns=_COLUMNS)
