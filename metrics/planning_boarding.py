"""Boarding schools and merging small schools (寄宿制学校, pilot-plan task 13): the tables,
the travel and the outcome of one setting of the rules.

Villages × schools and schools × schools minutes come from
:func:`metrics.travel.matrix_min` by the chosen mode; the rules themselves are
:func:`metrics.boarding.boarding_plan` and :func:`metrics.boarding.merge_small_schools`.

Pure: tables in, new objects out; inputs are never modified.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from metrics import boarding, travel

__all__ = [
    "SCHOOL_ROLES", "SCHOOL_TYPES", "BoardingOutcome", "boarders_per_unit", "boarding_outcome",
    "school_roles", "school_tables",
]

#: The schools of the boarding planner: primary and junior levels.
SCHOOL_TYPES: tuple[str, ...] = tuple(dict.fromkeys(boarding.PRIMARY_TYPES + boarding.JUNIOR_TYPES))
#: School roles on the map, in drawing order (the boarding schools on top).
SCHOOL_ROLES: tuple[str, ...] = ("school", "boarding")
#: Day-trip limits lifted for the "everybody by day" baseline.
_NO_LIMITS = {"primary_lower_max_min": 1e9, "primary_upper_day_max_min": 1e9,
              "junior_day_max_min": 1e9}


def school_tables(units: pd.DataFrame, facilities: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Villages indexed by code and the located schools of :data:`SCHOOL_TYPES` indexed by
    id (both as text).

    Examples
    --------
    >>> u = pd.DataFrame({"code": [1, 2]})
    >>> f = pd.DataFrame({"id": ["p", "x", "k"], "type": ["primary", "primary", "kindergarten"],
    ...                   "lon": [108.0, None, 108.0], "lat": [31.0, 31.0, 31.0]})
    >>> units, schools = school_tables(u, f)
    >>> units.index.tolist(), schools.index.tolist()
    (['1', '2'], ['p'])
    """
    u = units.set_index(units["code"].astype(str))
    s = facilities[facilities["type"].isin(list(SCHOOL_TYPES))].dropna(subset=["lon", "lat"])
    return u, s.set_index(s["id"].astype(str))


@dataclass(frozen=True)
class BoardingOutcome:
    """The boarding ``plan`` for the chosen schools, the ``merge`` of the smallest teaching
    points and ``all_day_mean_min``: the mean day travel if every pupil went by day to the
    nearest school (no limit, nobody boards), the baseline of the plan's day travel."""

    plan: boarding.BoardingPlan
    merge: boarding.MergeResult
    all_day_mean_min: float


def boarding_outcome(units: pd.DataFrame, schools: pd.DataFrame, chosen: Sequence[str],
                     mode: str, overrides: Mapping[str, float] | None = None, n_close: int = 0,
                     model: travel.TravelModel | None = None) -> BoardingOutcome:
    """Who boards at ``chosen``, the beds that needs, and the merge of the ``n_close``
    smallest teaching points, under ``overrides`` (rules, and the speed and detour of the
    travel) with minutes by ``mode`` and ``model`` (default the straight line).

    Examples
    --------
    One village 0.1° north of a primary school and 0.5° north of a nine-year boarding
    school: by school bus (30 km/h, detour 1.3) 28.9 and 144.6 minutes, so its 12 junior
    pupils board; were everybody to go by day, the 40 primary pupils would take 28.9
    minutes and the 12 junior ones 144.6, a mean of 55.6 (the baseline).

    >>> u = pd.DataFrame({"pop_6_11": [40], "pop_12_14": [12], "lat": [31.5], "lon": [108.0]},
    ...                  index=["v"])
    >>> s = pd.DataFrame({"type": ["primary", "nine_year"], "boarding_beds": [0, 10],
    ...                   "students": [200, 400], "teachers": [10, 30],
    ...                   "lat": [31.4, 31.0], "lon": [108.0, 108.0]}, index=["p", "b"])
    >>> out = boarding_outcome(u, s, ["b"], "school_bus")
    >>> float(out.plan.summary["boarders"]), round(out.all_day_mean_min, 1)
    (12.0, 55.6)
    """
    over = dict(overrides or {})
    unit_min = travel.matrix_min(units, schools, mode, over, model=model)
    school_min = travel.matrix_min(schools, schools, mode, over, model=model)
    plan = boarding.boarding_plan(units, schools, unit_min, list(chosen), over)
    all_day = boarding.boarding_plan(units, schools, unit_min, [], {**over, **_NO_LIMITS}).summary
    merge = boarding.merge_small_schools(schools, school_min, units, unit_min, n_close,
                                         overrides=over)
    return BoardingOutcome(plan, merge, float(all_day["day_travel_mean_min"]))


def boarders_per_unit(plan: boarding.BoardingPlan) -> pd.Series:
    """Boarders per village: grades 4-6 and junior pupils who board.

    >>> u = pd.DataFrame({"pop_6_11": [40], "pop_12_14": [12]}, index=["v"])
    >>> s = pd.DataFrame({"type": ["primary", "nine_year"], "boarding_beds": [0, 10]},
    ...                  index=["p", "b"])
    >>> boarders_per_unit(boarding.boarding_plan(u, s, [[10.0, 50.0]], ["b"])).to_dict()
    {'v': 12.0}
    """
    u = plan.units
    return u["g4_6_board"] + u["junior_board"]


def school_roles(schools: pd.DataFrame, chosen: Sequence[str]) -> pd.DataFrame:
    """The schools for the map: ``lon``, ``lat``, ``name`` and ``role`` (``school`` or
    ``boarding`` for the ``chosen``), the boarding schools last (drawn on top).

    >>> s = pd.DataFrame({"name": ["P", "B", "Q"], "lon": [1.0, 2.0, 3.0], "lat": [0.0] * 3},
    ...                  index=["p", "b", "q"])
    >>> school_roles(s, ["b"])["role"].to_dict()
    {'p': 'school', 'q': 'school', 'b': 'boarding'}
    """
    role = np.where(schools.index.isin(list(chosen)), "boarding", "school")
    out = schools[["lon", "lat", "name"]].assign(role=role)
    return out.sort_values("role", key=lambda c: c == "boarding", kind="stable")
