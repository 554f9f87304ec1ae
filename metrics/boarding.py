"""Boarding-school planner and small-school merging (pilot plan task 13: 任市, 长岭, 甘棠).

**The boarding definition, one for every page.** Boarding counts in the compulsory-education
schools only: teaching points, primary, nine-year and junior middle schools
(:data:`COMPULSORY_TYPES`); senior high and vocational schools are not counted. Two figures
come from that definition and are never added together:

* *registered boarders* — the boarders and boarding beds the school register gives today
  (the education page and the plan tracker, :func:`metrics.audit.boarding_by_school`);
* *modelled need* — the pupils who need a boarding place under the rules below (the
  boarding planner, :func:`boarding_plan`).

Pupils per grade band and village come from the age bands: pop_6_11 → grades 1-6, split
into grades 1-3 and 4-6 by ``grade_1_3_share`` (whole pupils: grades 1-3 get the rounded
share, grades 4-6 the rest), pop_12_14 → junior middle school. The rules of
国办发〔2018〕27号 are editable settings (:mod:`metrics.settings`):

* grades 1-3 do not board and attend a day school within ``primary_lower_max_min``
  (30 min one way); those beyond it are reported as *unmet*, never as boarders;
* grades 4-6 attend the nearest primary-level school by day when it is within
  ``primary_upper_day_max_min``; beyond it they need a boarding place if
  ``boarding_grades_4_6`` is 1 (else they are *unmet*: they may not board);
* junior pupils attend the nearest junior-level school by day within
  ``junior_day_max_min``; beyond it they need a boarding place.

The pupils who need a boarding place are placed by :func:`metrics.boarding_assign.place_boarders`:
in the beds of every school that teaches their band and has boarding beds, and at the
chosen boarding schools, which may build beds, never farther than ``boarding_max_min``;
spare beds anywhere within reach are used before a bed is built. A pupil not placed is
reported with the reason. The totals add up: need = placed + not placed; beds needed
(``boarding_beds_per_boarder`` × placed) = existing beds used + new beds; beds today =
beds used + spare beds.

Merging: the smallest schools close; their students move to the nearest remaining school
of the level, teachers move with them when ``teachers_move_with_merge`` is 1 (else their
posts are freed); the staffing at each receiving school and the travel of each grade band
are compared before and after.

Pure: DataFrames and arrays in, new tables out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from metrics import settings
from metrics.boarding_assign import place_boarders

__all__ = [
    "BANDS",
    "BOARDING_BANDS",
    "COMPULSORY_TYPES",
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
#: The schools whose boarders and boarding beds count, on every page: compulsory education
#: (grades 1-9). Senior high and vocational schools are left out.
COMPULSORY_TYPES: tuple[str, ...] = ("teaching_point", "primary", "nine_year", "junior")
#: Grade bands, and the bands that may board.
BANDS: tuple[str, ...] = ("g1_3", "g4_6", "junior")
BOARDING_BANDS: tuple[str, ...] = ("g4_6", "junior")
#: Townships the pilot plan names for boarding schools, by 9-digit code: 任市镇, 长岭镇,
#: 甘棠镇 (their names come from the township table, never from here).
PLAN_BOARDING_TOWNSHIPS: tuple[str, ...] = ("511723107", "511723109", "511723106")


def grade_bands(
    units: pd.DataFrame, overrides: Mapping[str, float] | None = None
) -> pd.DataFrame:
    """Children per grade band: ``g1_3``, ``g4_6``, ``junior`` (index kept).

    Uses columns ``g1_3``/``g4_6`` when present (a finer input), else splits ``pop_6_11``
    with ``grade_1_3_share`` into whole pupils (grades 1-3 the share rounded half up,
    grades 4-6 the rest); ``junior`` = ``pop_12_14``.

    Examples
    --------
    >>> import pandas as pd
    >>> u = pd.DataFrame({"pop_6_11": [60, 7], "pop_12_14": [30, 0]}, index=["a", "b"])
    >>> grade_bands(u)
       g1_3  g4_6  junior
    a  30.0  30.0    30.0
    b   4.0   3.0     0.0
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
        out["g1_3"] = np.floor(total * share + 0.5)
        out["g4_6"] = total - out["g1_3"]
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
    """The modelled boarding need and where it is placed.

    ``units``: per village and band the day pupils, the pupils who need a boarding place
    (``*_need``), of them placed (``*_board``, at ``*_board_school``: the school taking the
    largest share, ``*_board_min`` minutes away) and not placed (``*_unplaced`` with
    ``*_unplaced_reason``), the unmet (``*_unmet``: grades 1-3 beyond their limit, grades
    4-6 beyond theirs when they may not board), the day school and its minutes.
    ``schools``: every school that can take boarders (beds today, or chosen): boarders
    placed, beds needed, beds today, spare beds, new beds, chosen.
    ``flows``: band, village, school, boarders, minutes of every placement.
    ``summary``: county totals that add up (see the module docstring) and travel; along
    roads ``no_road_villages``/``no_road_pupils``: the villages (and their pupils) that reach
    no school of a level by road at all (``inf`` minutes) — never day pupils, their boarders
    unplaced (no school in reach), counted apart."""

    units: pd.DataFrame
    schools: pd.DataFrame
    flows: pd.DataFrame
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


def _objects(values: pd.Series) -> np.ndarray:
    """Values as an object array, None where missing."""
    out = values.to_numpy(dtype=object, copy=True)
    out[pd.isna(out)] = None
    return out


def _main_school(flows: pd.DataFrame, band: str, index: pd.Index) -> tuple[np.ndarray, np.ndarray]:
    """Per village the school taking the largest share of the band's boarders, and its minutes."""
    f = flows.loc[flows["band"] == band]
    if f.empty:
        return np.full(len(index), None, dtype=object), np.full(len(index), np.nan)
    top = f.sort_values(["village", "boarders", "minutes"], ascending=[True, False, True],
                        kind="stable").drop_duplicates("village").set_index("village")
    return (_objects(top["school"].reindex(index)),
            top["minutes"].reindex(index).to_numpy(dtype=float))


def boarding_plan(
    units: pd.DataFrame,
    schools: pd.DataFrame,
    time_min: ArrayLike,
    boarding: Sequence[object] | pd.Index | None = None,
    overrides: Mapping[str, float] | None = None,
    board_time_min: ArrayLike | None = None,
) -> BoardingPlan:
    """Who needs a boarding place, where they are placed, and the beds that takes (rules in
    the module docstring).

    Parameters
    ----------
    units
        Villages indexed by code with ``pop_6_11`` and ``pop_12_14`` (or ``g1_3``/``g4_6``).
    schools
        Indexed by id with ``type`` and ``boarding_beds`` (missing = 0).
    time_min
        Villages × schools one-way minutes of the day trip (e.g. :func:`metrics.travel.matrix_min`).
    boarding
        Ids of the chosen boarding schools, which may build beds; None =
        :func:`default_boarding_schools`. Every other school with boarding beds takes
        boarders up to its beds.
    board_time_min
        Villages × schools minutes of the boarders' trip (default ``time_min``), compared
        with ``boarding_max_min``.

    Examples
    --------
    One village 10 min from a primary school and 50 min from a nine-year boarding school
    with 10 beds: grades 1-3 and 4-6 go by day, the 12 junior pupils board (no junior day
    school within 45 min); the chosen school builds 2 beds.

    >>> import pandas as pd
    >>> u = pd.DataFrame({"pop_6_11": [40], "pop_12_14": [12]}, index=["v"])
    >>> s = pd.DataFrame({"type": ["primary", "nine_year"], "boarding_beds": [0, 10]},
    ...                  index=["p", "b"])
    >>> plan = boarding_plan(u, s, [[10.0, 50.0]], boarding=["b"])
    >>> plan.schools[["boarders", "beds_needed", "boarding_beds", "spare", "new_beds"]]
       boarders  beds_needed  boarding_beds  spare  new_beds
    b      12.0         12.0           10.0    0.0       2.0
    >>> plan.summary[["need", "boarders", "unplaced", "beds_used", "new_beds"]].tolist()
    [12.0, 12.0, 0.0, 10.0, 2.0]
    >>> float(plan.summary["day_travel_mean_min"])
    10.0
    """
    t = np.asarray(time_min, dtype=np.float64)
    if t.shape != (len(units), len(schools)):
        raise ValueError(f"time_min must be {len(units)} × {len(schools)}, got {t.shape}")
    tb = t if board_time_min is None else np.asarray(board_time_min, dtype=np.float64)
    if tb.shape != t.shape:
        raise ValueError(f"board_time_min must be {t.shape}, got {tb.shape}")
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
    max_board = settings.get("boarding_max_min", overrides)
    ids = schools.index.to_numpy()

    out = pd.DataFrame(index=units.index)
    p_j, p_t = _nearest(t, prim)
    j_j, j_t = _nearest(t, jun)
    # grades 1-3: day school only
    g13 = bands["g1_3"].to_numpy()
    ok13 = p_t <= lim13
    out["g1_3_day"] = np.where(ok13, g13, 0.0)
    out["g1_3_unmet"] = np.where(ok13, 0.0, g13)
    # grades 4-6 and junior: day within the limit, else a boarding place (4-6 only if allowed)
    need: dict[str, np.ndarray] = {}
    for band, near_t, lim, allowed in (("g4_6", p_t, lim46, may_board_46),
                                       ("junior", j_t, lim_j, True)):
        n = bands[band].to_numpy()
        day = near_t <= lim
        out[f"{band}_day"] = np.where(day, n, 0.0)
        out[f"{band}_day_min"] = np.where(day, near_t, np.nan)
        need[band] = np.where(~day & allowed, n, 0.0)
        out[f"{band}_need"] = need[band]
        out[f"{band}_unmet"] = np.where(~day & (not allowed), n, 0.0)

    # the boarders go to beds: every school of the band with beds, chosen schools may build
    beds = (schools["boarding_beds"].astype(float).fillna(0.0).to_numpy()
            if "boarding_beds" in schools.columns else np.zeros(len(schools)))
    beds = np.where(prim | jun, beds, 0.0)
    placement = place_boarders(need, tb, {"g4_6": prim, "junior": jun}, beds, is_board & (prim | jun),
                               max_board, beds_per_boarder=per_bed,
                               village_ids=units.index, school_ids=schools.index)
    fl, left = placement.flows, placement.unplaced
    for band in BOARDING_BANDS:
        placed = fl.loc[fl["band"] == band].groupby("village")["boarders"].sum()
        lb = left.loc[left["band"] == band].set_index("village")
        out[f"{band}_board"] = placed.reindex(units.index).fillna(0.0).to_numpy()
        out[f"{band}_unplaced"] = lb["boarders"].reindex(units.index).fillna(0.0).to_numpy()
        out[f"{band}_unplaced_reason"] = _objects(lb["reason"].reindex(units.index))
        out[f"{band}_board_school"], out[f"{band}_board_min"] = _main_school(fl, band, units.index)
    out["primary_school"] = _ids_at(ids, p_j)
    out["primary_min"] = p_t
    out["junior_school"] = _ids_at(ids, j_j)
    out["junior_min"] = j_t

    ps = placement.schools
    host = (ps["beds"].to_numpy() > 0) | ps["chosen"].to_numpy() | (ps["boarders"].to_numpy() > 0)
    sch = pd.DataFrame({
        "boarders": ps["boarders"].to_numpy(), "beds_needed": ps["beds_needed"].to_numpy(),
        "boarding_beds": ps["beds"].to_numpy(), "spare": ps["spare"].to_numpy(),
        "new_beds": ps["new_beds"].to_numpy(), "chosen": ps["chosen"].to_numpy()},
        index=schools.index)[host]

    # along roads: villages whose pupils reach no school of their level at all (inf)
    cut_p = np.isinf(p_t) & bool(prim.any())
    cut_j = np.isinf(j_t) & bool(jun.any())
    no_road_pupils = (np.where(cut_p, g13 + bands["g4_6"].to_numpy(), 0.0)
                      + np.where(cut_j, bands["junior"].to_numpy(), 0.0))

    day_w = np.concatenate([out["g1_3_day"], out["g4_6_day"], out["junior_day"]])
    day_t = np.concatenate([np.where(ok13, p_t, 0.0), np.nan_to_num(out["g4_6_day_min"]),
                            np.nan_to_num(out["junior_day_min"])])
    tot = placement.totals
    summary = pd.Series({
        "pupils": float(bands.to_numpy().sum()),
        "day_pupils": float(day_w.sum()),
        "need": float(tot["need"]),
        "need_g4_6": float(need["g4_6"].sum()),
        "need_junior": float(need["junior"].sum()),
        "boarders": float(tot["placed"]),
        "unplaced": float(tot["unplaced"]),
        "unplaced_no_school_in_reach": float(tot["unplaced_no_school_in_reach"]),
        "unplaced_beds_full": float(tot["unplaced_beds_full"]),
        "unmet_g1_3": float(out["g1_3_unmet"].sum()),
        "unmet_g4_6": float(out["g4_6_unmet"].sum()),
        "beds_needed": float(ps["beds_needed"].sum()),
        "beds_used": float(tot["beds_used"]),
        "new_beds": float(tot["new_beds"]),
        "boarding_beds": float(beds.sum()),
        "spare_beds": float(ps["spare"].sum()),
        "board_mean_min": float(tot["mean_minutes"]),
        "day_travel_mean_min": float(np.sum(day_w * day_t) / day_w.sum()) if day_w.sum()
        else float("nan"),
        "day_travel_max_min": float(day_t[day_w > 0].max()) if (day_w > 0).any()
        else float("nan"),
        "no_road_villages": float((no_road_pupils > 0).sum()),
        "no_road_pupils": float(no_road_pupils.sum()),
    })
    return BoardingPlan(out, sch, fl, summary)


def _reached_mean(n: np.ndarray, minutes: np.ndarray) -> float:
    """Pupil-weighted mean minutes over the villages that reach a school (``inf``: no road
    connection, left out and counted beyond the limit); NaN without pupils.

    >>> _reached_mean(np.array([1.0, 3.0, 5.0]), np.array([10.0, 20.0, np.inf]))
    17.5
    """
    ok = np.isfinite(minutes)
    tot = n[ok].sum()
    return float(np.sum(n[ok] * minutes[ok]) / tot) if tot else float("nan")


@dataclass(frozen=True)
class MergeResult:
    """``schools``: students, teachers and students per teacher before and after, where
    each closed school's students go (``moved_to``) and what each receiving school takes in
    (``students_in``, ``teachers_in``); ``summary``: the staffing (teachers at the closed
    schools, moved, posts freed, teachers the receiving schools would need to keep their
    own ratio) and, per grade band, the pupil-weighted trip and the pupils beyond the band's
    day limit before and after."""

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
    ``teachers_move_with_merge`` is 1, else their posts are freed (``posts_freed``). At a
    receiving school r with S_r students and T_r teachers taking in s_r students, keeping
    its own ratio would take s_r · T_r / S_r more teachers (``teachers_to_keep_ratio``).
    With ``units`` and ``unit_time_min`` (villages × schools), the trip of each grade band
    to the nearest open school of its level is compared, and the pupils beyond the band's
    day limit (``primary_lower_max_min``, ``primary_upper_day_max_min``,
    ``junior_day_max_min``).

    Examples
    --------
    A teaching point of 20 pupils and 4 teachers closes; its pupils and teachers move to a
    primary school of 400 pupils and 20 teachers (20 per teacher), which then has 17.5 per
    teacher, though one more teacher would have kept its 20.

    >>> import pandas as pd

    >>> s = pd.DataFrame({"type": ["teaching_point", "primary"], "students": [20, 400],
    ...                   "teachers": [4, 20]}, index=["tp", "c"])
    >>> r = merge_small_schools(s, [[0, 15], [15, 0]])
    >>> r.schools.loc["c", ["students_after", "teachers_after", "spt_after"]].tolist()
    [420.0, 24.0, 17.5]
    >>> r.schools.loc["tp", "moved_to"]
    'c'
    >>> r.summary[["teachers_closed", "teachers_moved", "posts_freed", "teachers_to_keep_ratio"]].tolist()
    [4.0, 4.0, 0.0, 1.0]
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
    kind = schools["type"].to_numpy()
    prim = np.isin(kind, PRIMARY_TYPES)
    jun = np.isin(kind, JUNIOR_TYPES)
    open_ = np.ones(len(schools), dtype=bool)
    open_[closed] = False
    s_after, t_after = students.copy(), teachers.copy()
    s_in, t_in = np.zeros(len(schools)), np.zeros(len(schools))
    moved_to = np.full(len(schools), None, dtype=object)
    for k in closed:
        target, _ = _nearest(st[[k]], open_ & prim)
        if target[0] < 0:
            raise ValueError(f"no remaining school can take the pupils of {ids[k]!r}")
        r = target[0]
        s_after[r] += students[k]
        s_in[r] += students[k]
        if move_teachers:
            t_after[r] += teachers[k]
            t_in[r] += teachers[k]
        s_after[k] = t_after[k] = 0.0
        moved_to[k] = ids[r]
    with np.errstate(divide="ignore", invalid="ignore"):
        spt_b = np.where(teachers > 0, students / teachers, np.nan)
        table = pd.DataFrame({
            "students_before": students, "teachers_before": teachers, "spt_before": spt_b,
            "students_after": s_after, "teachers_after": t_after,
            "spt_after": np.where(t_after > 0, s_after / t_after, np.nan),
            "students_in": s_in, "teachers_in": t_in,
            "closed": ~open_, "moved_to": moved_to}, index=schools.index)
        keep = np.where((s_in > 0) & (teachers > 0), s_in * teachers / np.where(students > 0, students, 1.0),
                        0.0)
    rest_s, rest_t = s_after[open_].sum(), t_after[open_].sum()
    t_closed = float(teachers[closed].sum())
    t_moved = float(t_in.sum())
    summary = {"closed": int((~open_).sum()),
               "receiving": int((s_in > 0).sum()),
               "students_moved": float(s_in.sum()),
               "teachers_closed": t_closed, "teachers_moved": t_moved,
               "posts_freed": t_closed - t_moved,
               "teachers_to_keep_ratio": float(keep[students > 0].sum()),
               "spt_before": float(students.sum() / teachers.sum()) if teachers.sum() else np.nan,
               "spt_after": float(rest_s / rest_t) if rest_t else np.nan}
    if units is not None and unit_time_min is not None:
        ut = np.asarray(unit_time_min, dtype=np.float64)
        bands = grade_bands(units, overrides)
        limits = {"g1_3": settings.get("primary_lower_max_min", overrides),
                  "g4_6": settings.get("primary_upper_day_max_min", overrides),
                  "junior": settings.get("junior_day_max_min", overrides)}
        for band, level in (("g1_3", prim), ("g4_6", prim), ("junior", jun)):
            n = bands[band].to_numpy()
            _, before = _nearest(ut, level)
            _, after = _nearest(ut, level & open_)
            summary[f"{band}_limit_min"] = float(limits[band])
            for tag, m in (("before", before), ("after", after)):
                summary[f"{band}_travel_{tag}_min"] = _reached_mean(n, m)
                summary[f"{band}_beyond_{tag}"] = float(n[m > limits[band]].sum())
        pupils = (bands["g1_3"] + bands["g4_6"]).to_numpy()
        _, before = _nearest(ut, prim)
        _, after = _nearest(ut, prim & open_)
        summary.update({
            "primary_travel_before_min": _reached_mean(pupils, before),
            "primary_travel_after_min": _reached_mean(pupils, after),
            "g1_3_beyond_limit_before": summary["g1_3_beyond_before"],
            "g1_3_beyond_limit_after": summary["g1_3_beyond_after"],
        })
    return MergeResult(table, pd.Series(summary))
