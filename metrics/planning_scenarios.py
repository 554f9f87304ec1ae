"""Scenarios (情景对比): the editable facility table, a new facility, what changed where,
and every indicator of a domain before and after.

A scenario is a list of edits (:mod:`metrics.scenario`); the indicators after it are
:func:`metrics.indicators.evaluate` on the facilities with the edits applied.

Pure: tables in, new tables out; inputs are never modified.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from metrics import scenario, travel
from metrics.indicators import CATALOGUE, IndicatorTable, evaluate, prepare

__all__ = [
    "CHANGE_ROLES", "change_roles", "editor_frame", "indicator_comparison", "new_facility",
    "scenario_indicators",
]

#: What happened to a facility, in drawing order (the added ones on top).
CHANGE_ROLES: tuple[str, ...] = ("same", "changed", "moved", "closed", "added")
_OP_ROLES = {"add": "added", "close": "closed", "move": "moved"}


def editor_frame(facilities: pd.DataFrame, changes: Sequence[Mapping[str, Any]],
                 fields: Sequence[str]) -> pd.DataFrame:
    """The facilities of one domain as an editable table, with ``changes`` (no ``add``)
    applied: id, name, type, lon, lat, the capacity ``fields`` (as floats) and ``open``
    (False for the closed ones, which stay in the table).

    Examples
    --------
    >>> f = pd.DataFrame({"id": ["a", "b"], "name": ["A", "B"], "type": ["health_centre"] * 2,
    ...                   "lon": [108.0, 108.1], "lat": [31.0, 31.1], "beds": [10, 20]})
    >>> out = editor_frame(f, [{"op": "close", "id": "a"},
    ...                        {"op": "set", "id": "b", "field": "beds", "value": 40}], ["beds"])
    >>> out[["id", "beds", "open"]].to_dict("list")
    {'id': ['a', 'b'], 'beds': [10.0, 40.0], 'open': [False, True]}
    """
    base = facilities[["id", "name", "type", "lon", "lat", *fields]].copy()
    closed = {str(c["id"]) for c in changes if c.get("op") == "close"}
    kept = [c for c in changes if c.get("op") not in ("close", "add")]
    out = scenario.apply_changes(base, kept)
    for f in fields:
        out[f] = out[f].astype("float64")
    out["open"] = ~out["id"].astype(str).isin(closed)
    return out.reset_index(drop=True)


def new_facility(facilities: pd.DataFrame, units: pd.DataFrame, kind: str, name: str,
                 lon: float | None, lat: float | None, unit_code: str | None,
                 capacities: Mapping[str, float | None], taken: Sequence[str] = (),
                 model: travel.TravelModel | None = None) -> dict[str, Any]:
    """An ``add`` edit of type ``kind``: at the point of unit ``unit_code``, or at
    ``lon``/``lat`` and then in the unit nearest by great-circle distance (``model``'s
    :meth:`~metrics.travel.StraightLine.nearest`); with the usual tier and the domain of
    the existing facilities of that type (else ``township``), the ``capacities`` given
    (None: unknown) and a fresh id ``NEW-n`` (not in ``taken`` nor among the facilities).

    Raises ``ValueError`` without a unit or a full point, for an unknown unit, or when no
    unit has a point.

    Examples
    --------
    At 31° N a degree of longitude is 0.857 of a degree of latitude: the point is 0.011° of
    longitude (1.05 km) from unit e and 0.010° of latitude (1.11 km) from unit n, so it
    lies in e (squared degrees would say n).

    >>> u = pd.DataFrame({"code": ["e", "n"], "township_code": ["t", "t"],
    ...                   "lon": [108.011, 108.0], "lat": [31.0, 31.01]})
    >>> f = pd.DataFrame({"id": ["h"], "type": ["health_centre"], "tier": ["township"],
    ...                   "domain": ["health"]})
    >>> edit = new_facility(f, u, "health_centre", " ", 108.0, 31.0, None, {"beds": 20})
    >>> edit["id"], edit["name"], edit["unit_code"], edit["domain"], edit["beds"]
    ('NEW-1', 'NEW-1', 'e', 'health', 20.0)
    """
    u = units.set_index(units["code"].astype(str))
    if unit_code:
        if unit_code not in u.index:
            raise ValueError(f"no unit {unit_code!r}")
        lon, lat = float(u.loc[unit_code, "lon"]), float(u.loc[unit_code, "lat"])
    else:
        if lon is None or lat is None:
            raise ValueError("give a unit or lon/lat")
        pos = int(travel.nearest(([float(lat)], [float(lon)]), u, model=model).index[0])
        if pos < 0:
            raise ValueError("no unit has a point")
        unit_code = str(u.index[pos])
    if not (np.isfinite(lon) and np.isfinite(lat)):
        raise ValueError(f"unit {unit_code!r} has no point")
    same = facilities.loc[facilities["type"] == kind]
    tier = (str(same["tier"].mode().iloc[0]) if len(same) and "tier" in same.columns
            and same["tier"].notna().any() else "township")
    domain = str(same["domain"].iloc[0]) if len(same) and "domain" in same.columns else None
    used = {str(i) for i in taken} | set(facilities["id"].astype(str))
    n = 1
    while f"NEW-{n}" in used:
        n += 1
    edit = {"op": "add", "id": f"NEW-{n}", "type": kind, "name": name.strip() or f"NEW-{n}",
            "lon": float(lon), "lat": float(lat), "tier": tier, "domain": domain,
            "unit_code": unit_code, "township_code": str(u.loc[unit_code, "township_code"])}
    edit.update({k: float(v) for k, v in capacities.items() if v is not None})
    return edit


def change_roles(facilities: pd.DataFrame, changes: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """The facilities after the scenario, the closed ones at their old place: ``lon``,
    ``lat``, ``name`` and ``role`` (:data:`CHANGE_ROLES`: ``same``, ``changed`` in type or
    capacity, ``moved``, ``closed``, ``added``), in that order (the added ones last).

    Examples
    --------
    >>> f = pd.DataFrame({"id": ["a", "b", "c"], "name": ["A", "B", "C"], "type": ["x"] * 3,
    ...                   "lon": [1.0, 2.0, 3.0], "lat": [0.0] * 3, "beds": [1, 2, 3]})
    >>> out = change_roles(f, [{"op": "close", "id": "a"},
    ...                        {"op": "set", "id": "c", "field": "beds", "value": 9},
    ...                        {"op": "add", "id": "n", "type": "x", "lon": 4.0, "lat": 0.0}])
    >>> out[["lon", "role"]].values.tolist()
    [[2.0, 'same'], [3.0, 'changed'], [1.0, 'closed'], [4.0, 'added']]
    """
    ops: dict[str, str] = {}
    for c in changes:
        fid = str(c.get("id"))
        if c["op"] in _OP_ROLES:
            ops[fid] = _OP_ROLES[c["op"]]
        else:
            ops.setdefault(fid, "changed")
    after = scenario.apply_changes(facilities, [c for c in changes if c.get("op") != "close"])
    role = after["id"].astype(str).map(lambda i: ops.get(i, "same"))
    out = after[["lon", "lat", "name"]].assign(role=role.to_numpy())
    return out.iloc[np.argsort([CHANGE_ROLES.index(r) for r in out["role"]], kind="stable")]


def scenario_indicators(units: pd.DataFrame, facilities: pd.DataFrame,
                        changes: Sequence[Mapping[str, Any]],
                        model: travel.TravelModel | None = None) -> IndicatorTable:
    """Every indicator (default settings) on the facilities after ``changes``, travel times
    by ``model`` (default the straight line)."""
    return evaluate(prepare(units, scenario.apply_changes(facilities, changes), model=model))


def indicator_comparison(before: IndicatorTable, after: IndicatorTable, domain: str) -> pd.DataFrame:
    """Every indicator of ``domain`` before and after, indexed by key: the county value
    (``county_before``/``county_after``), the urban−rural difference
    (``gap_before``/``gap_after``) and the urban-rural Gini (``gini_before``/``gini_after``);
    NaN where an indicator has no value."""
    rows = {}
    for ind in CATALOGUE:
        if ind.domain != domain:
            continue
        row: dict[str, float] = {}
        for tag, table in (("before", before), ("after", after)):
            summ = table.summaries[ind.key]["urban_rural"] or {}
            row[f"county_{tag}"] = float(table.county.loc[ind.key, "value"])
            row[f"gap_{tag}"] = float(summ.get("pair_difference", np.nan))
            row[f"gini_{tag}"] = float(summ.get("gini", np.nan))
        rows[ind.key] = row
    columns = [f"{m}_{tag}" for m in ("county", "gap", "gini") for tag in ("before", "after")]
    return pd.DataFrame.from_dict(rows, orient="index", columns=columns)
