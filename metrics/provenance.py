"""What on screen is generated and what is real: per data item, rows by origin.

A page shows village points and population (the ``units`` table) and the facilities of some
register kinds. Each item is *real* (every row from a county register), *synthetic* (every
row generated), *mixed* (a real register covering some townships, generated rows elsewhere)
or *missing* (no row at all). Pure functions on the data-contract tables.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

__all__ = ["MISSING", "MIXED", "REAL", "SYNTHETIC", "UNITS", "origin"]

#: The item name of the village points and population.
UNITS = "units"
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
    rows = [_row(UNITS, units, "pop_year")]
    for kind, types in kind_types.items():
        rows.append(_row(kind, facilities.loc[facilities["type"].isin(list(types))], "year"))
    return pd.DataFrame(rows, columns=_COLUMNS)
