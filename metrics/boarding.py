"""Boarding-school planner and small-school merging (pilot plan task 13: 任市, 长岭, 甘棠).

Pupils per grade band and village come from the age bands: pop_6_11 → grades 1-6,
split into grades 1-3 and 4-6 by ``grade_1_3_share`` (half each unless a finer count
is given), pop_12_14 → junior middle school. The rules of 国办发〔2018〕27号 are
editable settings (:mod:`metrics.settings`):

* grades 1-3 do not board and attend a day school within ``primary_lower_max_min``
  (30 min one way); those beyond it are reported as *unmet*, never as boarders;
* grades 4-6 attend the nearest primary school by day when it is within
  ``primary_upper_day_max_min``; beyond it they board, if ``boarding_grades_4_6`` is 1,
  at the nearest chosen boarding school that teaches primary grades;
* junior pupils attend the nearest junior school by day within ``junior_day_max_min``;
  beyond it they board at the nearest chosen boarding school that teaches junior grades.

Beds needed at school s: B_s = b · Σ_i boarders_i→s with b = ``boarding_beds_per_boarder``,
compared with ``boarding_beds``. Day pupils' travel is summarised pupil-weighted.

Merging: the smallest schools close; their students move to the nearest remaining school
of the level, teachers move with them when ``teachers_move_with_merge`` is 1 (else they
leave the pool); villages' travel is recomputed to the nearest remaining school.

Pure: DataFrames and arrays in, new tables out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from metrics import settings

__all__ = [
    "JUNIOR_TYPES",
    "PLAN_BOARDING_TOWNSHIPS",
    "PRIMARY_TYPES",
    "BoardingPlan",
    "MergeResult",
    "boarding_plan",
    "default_boarding_schools",
    "grade_bands",
    "merge_small_schools",
]

#: School types teaching grades 1-6 and grades 7-9 (etl.schema facility types).
PRIMARY_TYPES: tuple[str, ...] = ("teaching_point", "primary", "nine_year")
JUNIOR_TYPES: tuple[str, ...] = ("junior", "nine_year")
#: Townships the pilot plan names for boarding schools, by 9-digit code: 任市镇, 长岭镇,
#: 甘棠镇 (their names come from the township table, never from here).
PLAN_BOARDING_TOWNSHIPS: tuple[str, ...] = ("511723107", "511723109", "511723106")


def grade_bands(
    units: pd.DataFrame, overrides: Mapping[str, float] | None = None
) -> pd.DataFrame:
    """Children per grade band: ``g1_3``, ``g4_6``, ``junior`` (index kept).

    Uses columns ``g1_3``/``g4_6`` when present (a finer input), else splits ``pop_6_11``
    with ``grade_1_3_share``; ``junior`` = ``pop_12_14``.

    Examples
    --------
    >>> import pandas as pd
    >>> u = pd.DataFrame({"pop_6_11": [60, 7], "pop_12_14": [30, 0]}, index=["a", "b"])
    >>> grade_bands(u)
       g1_3  g4_6  junior
    a  30.0  30.0    30.0
    b   3.5   3.5     0.0
    """
    share = settings.get("grade_1_3_share", overrides)
    if share > 1:
        raise ValueError("grade_1_3_share must be between 0 and 1")
    out = pd.DataFrame(index=units.index)
    if {"g1_3", "g4_6"} <= set(units.columns):
        out["g1_3"] = units["g1_3"].astype(float)
        out["g4_6"] = units["g4_6"].astype(float)
    else:
        total = units["pop_6_11"].astype(float).fillna(0.0)
        out["g1_3"] = total * share
        out["g4_6"] = total * (1.0 - share)
    out["junior"] = units["pop_12_14"].astype(float).fillna(0.0)
    return out


def default_boarding_schools(schools: pd.DataFrame) -> pd.Index:
    """The plan's default: junior and nine-year schools in 任市镇, 长岭镇 and 甘棠镇.

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"type": ["junior", "primary", "nine_year"],
    ...                   "township_code": ["511723107", "511723109", "511723001"]},
    ...                  index=["s1", "s2", "s3"])
    >>> default_boarding_schools(s).tolist()
    ['s1']
    """
    mask = schools["type"].isin(JUNIOR_TYPES) & schools["township_code"].astype(str).isin(
        PLAN_BOARDING_TOWNSHIPS)
    return schools.index[mask.to_numpy()]


@dataclass(frozen=True)
class BoardingPlan:
    """``units``: per village the day/boarding/unmet pupils by band, the day school and its
    minutes; ``schools``: per boarding school boarders, beds needed, beds available and the
    shortfall; ``summary``: county totals and pupil-weighted day travel."""

    units: pd.DataFrame
    schools: pd.DataFrame
    summary: pd.Series


def _nearest(time_min: np.ndarray, allowed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    t = np.where(allowed[None, :] & np.isfinite(time_min), time_min, np.inf)
    if t.shape[1] == 0:
        return np.full(t.shape[0], -1), np.full(t.shape[0], np.inf)
    j = np.argmin(t, axis=1)
    best = t[np.arange(t.shape[0]), j]
    return np.where(np.isfinite(best), j, -1), best


def _ids_at(ids: np.ndarray, j: np.ndarray) -> np.ndarray:
    """``ids[j]`` where ``j >= 0``, else None (also when there are no ids at all).

    >>> _ids_at(np.array(["a", "b"]), np.array([1, -1])).tolist(), _ids_at(np.array([]), np.array([-1])).tolist()
    (['b', None], [None])
    """
    out = np.full(len(j), None, dtype=object)
    ok = np.asarray(j) >= 0
    out[ok] = ids[np.asarray(j)[ok]]
    return out


def boarding_plan(
    units: pd.DataFrame,
    schools: pd.DataFrame,
    time_min: ArrayLike,
    boarding: Sequence[object] | pd.Index | None = None,
    overrides: Mapping[str, float] | None = None,
) -> BoardingPlan:
    """Who must board, where, and the beds that needs (rules in the module docstring).

    Parameters
    ----------
    units
        Villages indexed by code with ``pop_6_11`` and ``pop_12_14`` (or ``g1_3``/``g4_6``).
    schools
        Indexed by id with ``type`` and ``boarding_beds`` (missing = 0).
    time_min
        Villages × schools one-way minutes (e.g. :func:`metrics.siting.travel_matrix_min`).
    boarding
        Ids of the boarding schools; None = :func:`default_boarding_schools`.

    Examples
    --------
    One village 10 min from a primary school and 50 min from a nine-year boarding school:
    grades 1-3 and 4-6 go by day, junior pupils board (no junior day school in 45 min).

    >>> import pandas as pd
    >>> u = pd.DataFrame({"pop_6_11": [40], "pop_12_14": [12]}, index=["v"])
    >>> s = pd.DataFrame({"type": ["primary", "nine_year"], "boarding_beds": [0, 10]},
    ...                  index=["p", "b"])
    >>> plan = boarding_plan(u, s, [[10.0, 50.0]], boarding=["b"])
    >>> plan.schools[["boarders", "beds_needed", "boarding_beds", "shortfall"]]
       boarders  beds_needed  boarding_beds  shortfall
    b      12.0         12.0           10.0        2.0
    >>> float(plan.summary["day_travel_mean_min"])
    10.0
    """
    t = np.asarray(time_min, dtype=np.float64)
    if t.shape != (len(units), len(schools)):
        raise ValueError(f"time_min must be {len(units)} × {len(schools)}, got {t.shape}")
    bands = grade_bands(units, overrides)
    board_ids = default_boarding_schools(schools) if boarding is None else pd.Index(boarding)
    unknown = set(board_ids) - set(schools.index)
    if unknown:
        raise ValueError(f"boarding schools not in the school table: {sorted(map(str, unknown))}")
    kind = schools["type"].to_numpy()
    is_board = schools.index.isin(board_ids)
    prim = np.isin(kind, PRIMARY_TYPES)
    jun = np.isin(kind, JUNIOR_TYPES)
    lim13 = settings.get("primary_lower_max_min", overrides)
    lim46 = settings.get("primary_upper_day_max_min", overrides)
    lim_j = settings.get("junior_day_max_min", overrides)
    may_board_46 = settings.get("boarding_grades_4_6", overrides) >= 0.5
    per_bed = settings.get("boarding_beds_per_boarder", overrides)
    ids = schools.index.to_numpy()

    out = pd.DataFrame(index=units.index)
    boarders = np.zeros(len(schools))
    p_j, p_t = _nearest(t, prim)
    j_j, j_t = _nearest(t, jun)
    bp_j, _ = _nearest(t, prim & is_board)
    bj_j, _ = _nearest(t, jun & is_board)
    # grades 1-3: day school only
    g13 = bands["g1_3"].to_numpy()
    ok13 = p_t <= lim13
    out["g1_3_day"] = np.where(ok13, g13, 0.0)
    out["g1_3_unmet"] = np.where(ok13, 0.0, g13)
    # grades 4-6 and junior: day within the limit, else board if a boarding school teaches them
    for band, near_t, lim, board_j, allowed in (
        ("g4_6", p_t, lim46, bp_j, may_board_46),
        ("junior", j_t, lim_j, bj_j, True),
    ):
        n = bands[band].to_numpy()
        day = near_t <= lim
        board = ~day & (board_j >= 0) & allowed
        out[f"{band}_day"] = np.where(day, n, 0.0)
        out[f"{band}_board"] = np.where(board, n, 0.0)
        out[f"{band}_unmet"] = np.where(day | board, 0.0, n)
        out[f"{band}_board_school"] = _ids_at(ids, np.where(board, board_j, -1))
        np.add.at(boarders, board_j[board], n[board])
        out[f"{band}_day_min"] = np.where(day, near_t, np.nan)
    out["primary_school"] = _ids_at(ids, p_j)
    out["primary_min"] = p_t
    out["junior_school"] = _ids_at(ids, j_j)
    out["junior_min"] = j_t

    beds = schools["boarding_beds"].astype(float).fillna(0.0).to_numpy() if (
        "boarding_beds" in schools.columns) else np.zeros(len(schools))
    sch = pd.DataFrame({"boarders": boarders[is_board], "beds_needed": per_bed * boarders[is_board],
                        "boarding_beds": beds[is_board]}, index=schools.index[is_board])
    sch["shortfall"] = np.maximum(sch["beds_needed"] - sch["boarding_beds"], 0.0)

    day_w = np.concatenate([out["g1_3_day"], out["g4_6_day"], out["junior_day"]])
    day_t = np.concatenate([np.where(ok13, p_t, 0.0), np.nan_to_num(out["g4_6_day_min"]),
                            np.nan_to_num(out["junior_day_min"])])
    summary = pd.Series({
        "pupils": float(bands.to_numpy().sum()),
        "day_pupils": float(day_w.sum()),
        "boarders": float(boarders.sum()),
        "unmet_g1_3": float(out["g1_3_unmet"].sum()),
        "unmet_g4_6": float(out["g4_6_unmet"].sum()),
        "unmet_junior": float(out["junior_unmet"].sum()),
        "beds_needed": float(sch["beds_needed"].sum()),
        "boarding_beds": float(sch["boarding_beds"].sum()),
        "shortfall": float(sch["shortfall"].sum()),
        "day_travel_mean_min": float(np.sum(day_w * day_t) / day_w.sum()) if day_w.sum()
        else float("nan"),
        "day_travel_max_min": float(day_t[day_w > 0].max()) if (day_w > 0).any()
        else float("nan"),
    })
    return BoardingPlan(out, sch, summary)


@dataclass(frozen=True)
class MergeResult:
    """``schools``: students, teachers and students per teacher before and after, and where
    each closed school's students go; ``summary``: pupil-weighted travel before/after and
    the share of grades 1-3 beyond their limit before/after."""

    schools: pd.DataFrame
    summary: pd.Series


def merge_small_schools(
    schools: pd.DataFrame,
    school_time_min: ArrayLike,
    units: pd.DataFrame | None = None,
    unit_time_min: ArrayLike | None = None,
    n_close: int = 1,
    types: Sequence[str] = ("teaching_point",),
    close: Sequence[object] | None = None,
    overrides: Mapping[str, float] | None = None,
) -> MergeResult:
    """Close the ``n_close`` smallest schools of ``types`` (or the ids in ``close``).

    Each closed school's students go to the nearest remaining primary-level school by
    ``school_time_min`` (schools × schools); teachers follow when the setting
    ``teachers_move_with_merge`` is 1. With ``units`` and ``unit_time_min`` (villages ×
    schools), grades 1-6 travel to the nearest open primary-level school is compared.

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"type": ["teaching_point", "primary"], "students": [20, 380],
    ...                   "teachers": [4, 20]}, index=["tp", "c"])
    >>> r = merge_small_schools(s, [[0, 15], [15, 0]])
    >>> r.schools.loc["c", ["students_after", "teachers_after", "spt_after"]].tolist()
    [400.0, 24.0, 16.666666666666668]
    >>> r.schools.loc["tp", "moved_to"]
    'c'
    """
    st = np.asarray(school_time_min, dtype=np.float64)
    if st.shape != (len(schools), len(schools)):
        raise ValueError("school_time_min must be schools × schools")
    students = schools["students"].astype(float).fillna(0.0).to_numpy()
    teachers = schools["teachers"].astype(float).fillna(0.0).to_numpy()
    ids = schools.index.to_numpy()
    if close is None:
        small = np.flatnonzero(schools["type"].isin(types).to_numpy())
        order = small[np.argsort(students[small], kind="stable")]
        closed = order[:n_close]
    else:
        closed = np.flatnonzero(schools.index.isin(list(close)))
    move_teachers = settings.get("teachers_move_with_merge", overrides) >= 0.5
    prim = np.isin(schools["type"].to_numpy(), PRIMARY_TYPES)
    open_ = np.ones(len(schools), dtype=bool)
    open_[closed] = False
    s_after, t_after = students.copy(), teachers.copy()
    moved_to = np.full(len(schools), None, dtype=object)
    for k in closed:
        target, _ = _nearest(st[[k]], open_ & prim)
        if target[0] < 0:
            raise ValueError(f"no remaining school can take the pupils of {ids[k]!r}")
        s_after[target[0]] += students[k]
        if move_teachers:
            t_after[target[0]] += teachers[k]
        s_after[k] = t_after[k] = 0.0
        moved_to[k] = ids[target[0]]
    with np.errstate(divide="ignore", invalid="ignore"):
        table = pd.DataFrame({
            "students_before": students, "teachers_before": teachers,
            "spt_before": np.where(teachers > 0, students / teachers, np.nan),
            "students_after": s_after, "teachers_after": t_after,
            "spt_after": np.where(t_after > 0, s_after / t_after, np.nan),
            "closed": ~open_, "moved_to": moved_to}, index=schools.index)
    rest_s, rest_t = s_after[open_].sum(), t_after[open_].sum()
    summary = {"closed": int((~open_).sum()),
               "spt_before": float(students.sum() / teachers.sum()) if teachers.sum() else np.nan,
               "spt_after": float(rest_s / rest_t) if rest_t else np.nan}
    if units is not None and unit_time_min is not None:
        ut = np.asarray(unit_time_min, dtype=np.float64)
        bands = grade_bands(units, overrides)
        pupils = (bands["g1_3"] + bands["g4_6"]).to_numpy()
        g13 = bands["g1_3"].to_numpy()
        lim = settings.get("primary_lower_max_min", overrides)
        _, before = _nearest(ut, prim)
        _, after = _nearest(ut, prim & open_)
        tot = pupils.sum()
        summary.update({
            "primary_travel_before_min": float(np.sum(pupils * before) / tot) if tot else np.nan,
            "primary_travel_after_min": float(np.sum(pupils * after) / tot) if tot else np.nan,
            "g1_3_beyond_limit_before": float(g13[before > lim].sum()),
            "g1_3_beyond_limit_after": float(g13[after > lim].sum()),
        })
    return MergeResult(table, pd.Series(summary))
