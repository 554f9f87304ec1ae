"""Boarding schools and merging small schools (寄宿制学校, pilot-plan task 13): the tables,
the travel and the outcome of one setting of the rules.

Villages × schools and schools × schools minutes come from
:func:`metrics.travel.matrix_min`: the day trip by the chosen mode, the boarders' trip by
its own mode; the rules themselves are :func:`metrics.boarding.boarding_plan` (the boarding
definition is stated there) and :func:`metrics.boarding.merge_small_schools`. The county
primary students per teacher is the education page's indicator
(``edu_primary_students_per_teacher``, :mod:`metrics.indicators`) before and after a merge.

Pure: tables in, new objects out; inputs are never modified.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from metrics import boarding, indicators, travel

__all__ = [
    "SCHOOL_ROLES", "SCHOOL_TYPES", "BoardingOutcome", "boarders_per_unit", "boarding_outcome",
    "band_travel", "need_per_unit", "primary_students_per_teacher", "receiving_schools",
    "school_beds", "school_roles", "school_tables", "village_placements",
]

#: The schools of the boarding planner: the compulsory-education schools of the boarding
#: definition (:data:`metrics.boarding.COMPULSORY_TYPES`).
SCHOOL_TYPES: tuple[str, ...] = boarding.COMPULSORY_TYPES
#: The county primary students-per-teacher indicator of the education page.
SPT_INDICATOR = "edu_primary_students_per_teacher"
#: School roles on the map, in drawing order (the boarding schools on top).
SCHOOL_ROLES: tuple[str, ...] = ("school", "beds", "boarding")
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
    points, ``all_day_mean_min``: the mean day travel if every pupil went by day to the
    nearest school (no limit, nobody boards), the baseline of the plan's day travel, and
    ``spt_before``/``spt_after``: the county primary students per teacher as on the
    education page, before and after the merge (NaN when the tables lack what the
    indicator needs)."""

    plan: boarding.BoardingPlan
    merge: boarding.MergeResult
    all_day_mean_min: float
    spt_before: float = float("nan")
    spt_after: float = float("nan")


def primary_students_per_teacher(units: pd.DataFrame, schools: pd.DataFrame,
                                 model: travel.TravelModel | None = None) -> float:
    """The county value of the education page's primary students per teacher
    (``edu_primary_students_per_teacher``: primary schools and teaching points, full-time
    teachers, weighted by the children aged 6-11 of each village); NaN when ``units`` lack
    ``township_code``/``urban_rural``/``lat``/``lon``/``pop_6_11`` or ``schools`` their
    ``township_code``."""
    need_u = {"township_code", "urban_rural", "lat", "lon", "pop_6_11"}
    if not need_u <= set(units.columns) or "township_code" not in schools.columns or not len(units):
        return float("nan")
    u = units.drop(columns="code", errors="ignore").rename_axis("code").reset_index()
    ind = indicators.INDICATORS[SPT_INDICATOR]
    table = indicators.evaluate(indicators.prepare(u, schools.reset_index(drop=True),
                                                   catalogue=[ind], model=model))
    return float(table.county.loc[SPT_INDICATOR, "value"])


def _after_merge(schools: pd.DataFrame, merge: boarding.MergeResult) -> pd.DataFrame:
    """The schools after the merge: the closed ones gone, students and teachers as after."""
    m = merge.schools
    return schools.loc[~m["closed"].to_numpy()].assign(
        students=m.loc[~m["closed"], "students_after"].to_numpy(),
        teachers=m.loc[~m["closed"], "teachers_after"].to_numpy())


def boarding_outcome(units: pd.DataFrame, schools: pd.DataFrame, chosen: Sequence[str],
                     mode: str, overrides: Mapping[str, float] | None = None, n_close: int = 0,
                     model: travel.TravelModel | None = None,
                     board_mode: str | None = None) -> BoardingOutcome:
    """Who needs a boarding place and where they board (the beds of every school, the
    ``chosen`` schools may build), and the merge of the ``n_close`` smallest teaching
    points, under ``overrides`` (rules, and the speed and detour of the travel) with the
    day trip by ``mode`` and the boarders' trip by ``board_mode`` (default ``mode``),
    minutes by ``model`` (default the straight line).

    Examples
    --------
    One village 0.1° north of a primary school and 0.5° north of a nine-year boarding
    school: by school bus (30 km/h, detour 1.3) 28.9 and 144.6 minutes, so its 12 junior
    pupils need a boarding place; at most 60 minutes from home they are not placed. With a
    180-minute limit they board there. Were everybody to go by day, the 40 primary pupils
    would take 28.9 minutes and the 12 junior ones 144.6, a mean of 55.6 (the baseline).

    >>> u = pd.DataFrame({"pop_6_11": [40], "pop_12_14": [12], "lat": [31.5], "lon": [108.0]},
    ...                  index=["v"])
    >>> s = pd.DataFrame({"type": ["primary", "nine_year"], "boarding_beds": [0, 10],
    ...                   "students": [200, 400], "teachers": [10, 30],
    ...                   "lat": [31.4, 31.0], "lon": [108.0, 108.0]}, index=["p", "b"])
    >>> out = boarding_outcome(u, s, ["b"], "school_bus")
    >>> out.plan.summary[["need", "boarders", "unplaced_no_school_in_reach"]].tolist()
    [12.0, 0.0, 12.0]
    >>> far = boarding_outcome(u, s, ["b"], "school_bus", {"boarding_max_min": 180.0})
    >>> far.plan.summary[["boarders", "beds_used", "new_beds"]].tolist(), round(far.all_day_mean_min, 1)
    ([12.0, 10.0, 2.0], 55.6)
    """
    over = dict(overrides or {})
    unit_min = travel.matrix_min(units, schools, mode, over, model=model)
    board_min = (unit_min if board_mode in (None, mode)
                 else travel.matrix_min(units, schools, board_mode, over, model=model))
    school_min = travel.matrix_min(schools, schools, mode, over, model=model)
    plan = boarding.boarding_plan(units, schools, unit_min, list(chosen), over,
                                  board_time_min=board_min)
    all_day = boarding.boarding_plan(units, schools, unit_min, [], {**over, **_NO_LIMITS}).summary
    merge = boarding.merge_small_schools(schools, school_min, units, unit_min, n_close,
                                         overrides=over)
    before = primary_students_per_teacher(units, schools, model)
    after = (primary_students_per_teacher(units, _after_merge(schools, merge), model) if n_close
             else before)
    return BoardingOutcome(plan, merge, float(all_day["day_travel_mean_min"]), before, after)


def need_per_unit(plan: boarding.BoardingPlan) -> pd.Series:
    """Pupils who need a boarding place per village: grades 4-6 and junior beyond the day
    limit (placed or not).

    >>> u = pd.DataFrame({"pop_6_11": [40], "pop_12_14": [12]}, index=["v"])
    >>> s = pd.DataFrame({"type": ["primary", "nine_year"], "boarding_beds": [0, 10]},
    ...                  index=["p", "b"])
    >>> need_per_unit(boarding.boarding_plan(u, s, [[10.0, 50.0]], ["b"])).to_dict()
    {'v': 12.0}
    """
    u = plan.units
    return u["g4_6_need"] + u["junior_need"]


def boarders_per_unit(plan: boarding.BoardingPlan) -> pd.Series:
    """Boarders placed per village: grades 4-6 and junior pupils who board.

    >>> u = pd.DataFrame({"pop_6_11": [40], "pop_12_14": [12]}, index=["v"])
    >>> s = pd.DataFrame({"type": ["primary", "nine_year"], "boarding_beds": [0, 10]},
    ...                  index=["p", "b"])
    >>> boarders_per_unit(boarding.boarding_plan(u, s, [[10.0, 50.0]], ["b"])).to_dict()
    {'v': 12.0}
    """
    u = plan.units
    return u["g4_6_board"] + u["junior_board"]


def village_placements(plan: boarding.BoardingPlan) -> pd.DataFrame:
    """One row per village and band with pupils who need a boarding place: ``village``,
    ``band``, ``need``, ``placed``, ``school`` (the one taking the largest share),
    ``minutes`` to it, ``n_schools`` (schools sharing the village's boarders of the band),
    ``unplaced`` and ``reason``; most unplaced first, then most need.

    >>> u = pd.DataFrame({"pop_6_11": [40, 10], "pop_12_14": [12, 3]}, index=["v", "w"])
    >>> s = pd.DataFrame({"type": ["primary", "nine_year"], "boarding_beds": [0, 10]},
    ...                  index=["p", "b"])
    >>> plan = boarding.boarding_plan(u, s, [[10.0, 50.0], [10.0, 70.0]], [])
    >>> village_placements(plan)[["village", "band", "need", "placed", "school", "unplaced", "reason"]].values.tolist()
    [['w', 'junior', 3.0, 0.0, None, 3.0, 'no_school_in_reach'], ['v', 'junior', 12.0, 10.0, 'b', 2.0, 'beds_full']]
    """
    u = plan.units
    shares = plan.flows.groupby(["band", "village"]).size()
    rows = []
    for band in boarding.BOARDING_BANDS:
        part = u.loc[u[f"{band}_need"] > 0]
        rows.append(pd.DataFrame({
            "village": part.index, "band": band, "need": part[f"{band}_need"].to_numpy(),
            "placed": part[f"{band}_board"].to_numpy(),
            "school": part[f"{band}_board_school"].to_numpy(),
            "minutes": part[f"{band}_board_min"].to_numpy(),
            "n_schools": [int(shares.get((band, v), 0)) for v in part.index],
            "unplaced": part[f"{band}_unplaced"].to_numpy(),
            "reason": part[f"{band}_unplaced_reason"].to_numpy()}))
    cols = ["village", "band", "need", "placed", "school", "minutes", "n_schools", "unplaced",
            "reason"]
    out = pd.concat(rows, ignore_index=True).sort_values(
        ["unplaced", "need"], ascending=False, kind="stable").reset_index(drop=True)[cols]
    for col in ("school", "reason"):  # text, None where missing
        values = out[col].to_numpy(dtype=object, copy=True)
        values[pd.isna(values)] = None
        out[col] = pd.Series(values, index=out.index, dtype=object)
    return out


def receiving_schools(merge: boarding.MergeResult) -> pd.DataFrame:
    """The schools that take in the pupils of closed schools: students, teachers and
    students per teacher before and after, students and teachers taken in, and the closed
    schools they come from (ids, in a list).

    >>> s = pd.DataFrame({"type": ["teaching_point", "primary"], "students": [20, 400],
    ...                   "teachers": [4, 20]}, index=["tp", "c"])
    >>> r = receiving_schools(boarding.merge_small_schools(s, [[0, 15], [15, 0]]))
    >>> r[["students_in", "spt_before", "spt_after", "from"]].to_dict("index")
    {'c': {'students_in': 20.0, 'spt_before': 20.0, 'spt_after': 17.5, 'from': ['tp']}}
    """
    m = merge.schools
    got = m.loc[m["students_in"] > 0].copy()
    got["from"] = [m.index[m["moved_to"] == r].tolist() for r in got.index]
    return got[["students_before", "students_after", "teachers_before", "teachers_after",
                "spt_before", "spt_after", "students_in", "teachers_in", "from"]]


def school_beds(plan: boarding.BoardingPlan, schools: pd.DataFrame) -> pd.DataFrame:
    """Every school that can take boarders (beds today, or chosen), the chosen first, then
    most boarders: ``id``, ``name``, ``township_code``, ``chosen``, ``boarders`` placed,
    ``beds_needed``, ``boarding_beds`` today, ``spare``, ``new_beds``; then a total row
    (``total`` True, no id) whose figures are the plan's summary.

    >>> u = pd.DataFrame({"pop_6_11": [0], "pop_12_14": [12]}, index=["v"])
    >>> s = pd.DataFrame({"type": ["junior", "nine_year"], "boarding_beds": [5, 4],
    ...                   "name": ["J", "B"], "township_code": ["t", "t"]}, index=["j", "b"])
    >>> tb = school_beds(boarding.boarding_plan(u, s, [[60.0, 50.0]], ["b"]), s)
    >>> tb[["name", "boarders", "boarding_beds", "new_beds", "total"]].values.tolist()
    [['B', 7.0, 4.0, 3.0, False], ['J', 5.0, 5.0, 0.0, False], [None, 12.0, 9.0, 3.0, True]]
    """
    sch = plan.schools
    out = sch.join(schools[["name", "township_code"]]).rename_axis("id").reset_index()
    out = out.sort_values(["chosen", "boarders"], ascending=False, kind="stable")
    cols = ["boarders", "beds_needed", "boarding_beds", "spare", "new_beds"]
    total = {c: float(out[c].sum()) for c in cols}
    out = pd.concat([out.assign(total=False),
                     pd.DataFrame([{"id": None, "name": None, "township_code": None,
                                    "chosen": False, **total, "total": True}])],
                    ignore_index=True)
    return out[["id", "name", "township_code", "chosen", *cols, "total"]]


def band_travel(merge: boarding.MergeResult) -> pd.DataFrame:
    """Per grade band (index ``g1_3``, ``g4_6``, ``junior``): the pupil-weighted trip to the
    nearest open school of the level before and after the merge, the pupils beyond the
    band's day limit before and after, and the limit (empty without villages).

    >>> s = pd.DataFrame({"type": ["teaching_point", "primary"], "students": [20, 400],
    ...                   "teachers": [4, 20]}, index=["tp", "c"])
    >>> u = pd.DataFrame({"pop_6_11": [20], "pop_12_14": [0]}, index=["v"])
    >>> m = boarding.merge_small_schools(s, [[0, 15], [15, 0]], u, [[5.0, 35.0]])
    >>> band_travel(m).loc["g1_3"].tolist()
    [5.0, 35.0, 0.0, 10.0, 30.0]
    """
    sm = merge.summary
    cols = ["travel_before_min", "travel_after_min", "beyond_before", "beyond_after", "limit_min"]
    if "g1_3_travel_before_min" not in sm:
        return pd.DataFrame(columns=cols)
    return pd.DataFrame([[float(sm[f"{b}_{c}"]) for c in cols] for b in boarding.BANDS],
                        index=pd.Index(boarding.BANDS, name="band"), columns=cols)


def school_roles(schools: pd.DataFrame, chosen: Sequence[str]) -> pd.DataFrame:
    """The schools for the map: ``lon``, ``lat``, ``name`` and ``role``: ``boarding`` for
    the ``chosen``, ``beds`` for the other schools with boarding beds, ``school`` for the
    rest; drawn in :data:`SCHOOL_ROLES` order (the boarding schools on top).

    >>> s = pd.DataFrame({"name": ["P", "B", "Q"], "lon": [1.0, 2.0, 3.0], "lat": [0.0] * 3,
    ...                   "boarding_beds": [50, 0, None]}, index=["p", "b", "q"])
    >>> school_roles(s, ["b"])["role"].to_dict()
    {'q': 'school', 'p': 'beds', 'b': 'boarding'}
    """
    beds = (pd.to_numeric(schools["boarding_beds"], errors="coerce").fillna(0).to_numpy() > 0
            if "boarding_beds" in schools.columns else np.zeros(len(schools), dtype=bool))
    role = np.where(schools.index.isin(list(chosen)), "boarding", np.where(beds, "beds", "school"))
    out = schools[["lon", "lat", "name"]].assign(role=role)
    return out.sort_values("role", key=lambda c: c.map(SCHOOL_ROLES.index), kind="stable")
