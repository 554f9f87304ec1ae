"""Scenarios: a list of edits to the facility table, applied by a pure function.

A scenario is stored as data (``changes``: a JSON list of edits), so it can be saved,
shared by link and re-applied to a newer facility table. Each edit is a dict with an
``op``:

* ``add``: a new facility — ``id``, ``type``, ``lon``, ``lat`` and optionally ``name``,
  ``domain``, ``tier``, ``township_code``, ``unit_code`` and capacity columns;
* ``move``: ``id``, new ``lon`` and ``lat``;
* ``close``: ``id`` (the row is removed);
* ``upgrade``: ``id``, new ``type`` (and optionally ``tier``);
* ``set``: ``id``, ``field`` (a capacity column of :data:`CAPACITY_FIELDS`), ``value``.

Pure: a new table is returned, the input is never modified.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

__all__ = ["CAPACITY_FIELDS", "DOMAIN_FIELDS", "OPS", "apply_changes", "diff_changes"]

OPS: tuple[str, ...] = ("add", "move", "close", "upgrade", "set")
#: Capacity columns a scenario may change, per domain (in display order).
DOMAIN_FIELDS: dict[str, tuple[str, ...]] = {
    "education": ("students", "teachers", "boarding_beds"),
    "health": ("beds", "doctors", "nurses"),
    "elderly_care": ("care_beds", "places"),
    "culture": ("seats", "area_m2", "hours_per_week"),
}
CAPACITY_FIELDS: tuple[str, ...] = tuple(dict.fromkeys(
    f for fields in DOMAIN_FIELDS.values() for f in fields))
_ADD_KEYS = ("id", "type", "lon", "lat")


def _coord(edit: Mapping[str, Any]) -> tuple[float, float]:
    lon, lat = float(edit["lon"]), float(edit["lat"])
    if not (math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90):
        raise ValueError(f"bad coordinates in {edit!r}")
    return lon, lat


def apply_changes(facilities: pd.DataFrame, changes: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """The facility table after the edits, in order (see the module docstring).

    Raises ``ValueError`` for an unknown op, an unknown or duplicate id, a bad coordinate
    or a field that is not a capacity column.

    Examples
    --------
    >>> f = pd.DataFrame({"id": ["a", "b"], "type": ["health_centre"] * 2, "lon": [108.0, 108.1],
    ...                   "lat": [31.0, 31.1], "beds": [10, 20]})
    >>> out = apply_changes(f, [{"op": "close", "id": "a"},
    ...                         {"op": "set", "id": "b", "field": "beds", "value": 40},
    ...                         {"op": "add", "id": "n", "type": "health_centre",
    ...                          "lon": 108.2, "lat": 31.2}])
    >>> out[["id", "beds"]].to_dict("list")
    {'id': ['b', 'n'], 'beds': [40.0, nan]}
    """
    out = facilities.copy()
    out.index = range(len(out))
    ids = out["id"].astype(str)
    for edit in changes:
        op = edit.get("op")
        if op not in OPS:
            raise ValueError(f"unknown op {op!r}")
        fid = str(edit.get("id", ""))
        if op == "add":
            missing = [k for k in _ADD_KEYS if edit.get(k) in (None, "")]
            if missing:
                raise ValueError(f"an added facility needs {missing}")
            if fid in set(ids):
                raise ValueError(f"facility id {fid!r} exists already")
            lon, lat = _coord(edit)
            row = {k: v for k, v in edit.items() if k != "op" and k in out.columns}
            row.update(id=fid, lon=lon, lat=lat)
            out = pd.concat([out, pd.DataFrame([row])], ignore_index=True)
            ids = out["id"].astype(str)
            continue
        hit = ids == fid
        if not hit.any():
            raise ValueError(f"no facility with id {fid!r}")
        if op == "close":
            out = out.loc[~hit].reset_index(drop=True)
            ids = out["id"].astype(str)
        elif op == "move":
            lon, lat = _coord(edit)
            out.loc[hit, "lon"], out.loc[hit, "lat"] = lon, lat
        elif op == "upgrade":
            out.loc[hit, "type"] = str(edit["type"])
            if edit.get("tier") and "tier" in out.columns:
                out.loc[hit, "tier"] = str(edit["tier"])
        else:
            field = edit.get("field")
            if field not in CAPACITY_FIELDS:
                raise ValueError(f"field {field!r} cannot be changed")
            value = edit.get("value")
            value = float("nan") if value is None or pd.isna(value) else float(value)
            if value < 0:
                raise ValueError(f"{field} cannot be negative")
            if field not in out.columns:
                out[field] = float("nan")
            out[field] = out[field].astype("float64")
            out.loc[hit, field] = value
    return out


def _differs(a: Any, b: Any) -> bool:
    na, nb = a is None or pd.isna(a), b is None or pd.isna(b)
    if na or nb:
        return na != nb
    try:
        return not math.isclose(float(a), float(b), rel_tol=0, abs_tol=1e-9)
    except (TypeError, ValueError):
        return str(a) != str(b)


def diff_changes(before: pd.DataFrame, after: pd.DataFrame, fields: Sequence[str] = (),
                 open_col: str = "open") -> list[dict[str, Any]]:
    """The edits that turn ``before`` into ``after`` (same ids, e.g. an edited table).

    Rows whose ``open_col`` is False close; a new ``type`` upgrades; new ``lon``/``lat``
    move; a new value in ``fields`` sets it.

    Examples
    --------
    >>> b = pd.DataFrame({"id": ["a"], "type": ["x"], "lon": [1.0], "lat": [2.0], "beds": [5]})
    >>> diff_changes(b, b.assign(beds=[7], open=[True]), ["beds"])
    [{'op': 'set', 'id': 'a', 'field': 'beds', 'value': 7.0}]
    """
    out: list[dict[str, Any]] = []
    old = before.set_index(before["id"].astype(str))
    for row in after.to_dict("records"):
        fid = str(row["id"])
        if fid not in old.index:
            continue
        if open_col in row and not bool(row[open_col]):
            out.append({"op": "close", "id": fid})
            continue
        o = old.loc[fid]
        if "type" in row and _differs(o["type"], row["type"]):
            out.append({"op": "upgrade", "id": fid, "type": str(row["type"])})
        if _differs(o["lon"], row["lon"]) or _differs(o["lat"], row["lat"]):
            out.append({"op": "move", "id": fid, "lon": float(row["lon"]), "lat": float(row["lat"])})
        for f in fields:
            if f in row and _differs(o.get(f), row[f]):
                v = row[f]
                out.append({"op": "set", "id": fid, "field": f,
                            "value": None if v is None or pd.isna(v) else float(v)})
    return out
