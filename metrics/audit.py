"""Facility audits of the domain pages: counts by kind, boarding, school groups, coverage, hours.

Pure functions on the ``facilities``, ``units`` and ``townships`` tables of
``etl/schema.py``: inputs are never modified, every result is a new DataFrame with
plain column names (the pages translate them). Missing capacity values stay missing
(``NaN``); sums skip them and report how many facilities gave a value.

* :func:`counts_by_type` — facilities of some types, their number and capacity totals.
* :func:`boarding_by_school` / :func:`boarding_by_township` / :func:`boarding_totals` —
  registered boarding beds against registered boarders, gap = beds − boarders (negative:
  pupils without a bed), in the compulsory-education schools of the boarding definition
  (:data:`metrics.boarding.COMPULSORY_TYPES`: senior high and vocational schools are left
  out unless asked for).
* :func:`students_per_teacher_by_school` — students ÷ full-time teachers per school.
* :func:`school_groups` — members of each "4+1" school group (``school_group``).
* :func:`township_coverage` / :func:`units_lacking` — which township lacks a facility of
  a township-level type, which village or community lacks one of a unit-level type.
* :func:`hours_against_standard` — weekly opening hours against a standard per type.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from metrics.boarding import COMPULSORY_TYPES
from metrics.provision import coverage_by_tier

__all__ = [
    "boarding_by_school",
    "boarding_by_township",
    "boarding_shortfall",
    "boarding_totals",
    "counts_by_type",
    "hours_against_standard",
    "named_list",
    "school_groups",
    "students_per_teacher_by_school",
    "township_coverage",
    "units_lacking",
]


def _of_types(facilities: pd.DataFrame, types: Sequence[str]) -> pd.DataFrame:
    return facilities.loc[facilities["type"].isin(list(types))]


def _num(frame: pd.DataFrame, col: str) -> pd.Series:
    if col not in frame.columns:
        return pd.Series(np.nan, index=frame.index, dtype="float64")
    return pd.to_numeric(frame[col], errors="coerce").astype("float64")


def counts_by_type(
    facilities: pd.DataFrame,
    types: Sequence[str],
    capacity: Sequence[str] = (),
    township_code: str | None = None,
) -> pd.DataFrame:
    """Number of facilities of each type and the sum of capacity columns, in ``types`` order.

    Every type of ``types`` gets a row, 0 when there is none (an absent type is news).
    ``township_code`` restricts to one township. Sums skip missing values and are NaN
    when no facility of the type gave one.

    Examples
    --------
    >>> fac = pd.DataFrame({"type": ["primary", "primary", "junior"], "township_code": ["a", "b", "a"],
    ...                     "students": [100, None, 300]})
    >>> counts_by_type(fac, ["primary", "junior", "kindergarten"], ["students"]).to_dict("list")
    {'type': ['primary', 'junior', 'kindergarten'], 'n': [2, 1, 0], 'students': [100.0, 300.0, nan]}
    >>> counts_by_type(fac, ["primary"], township_code="b")["n"].tolist()
    [1]
    """
    fac = _of_types(facilities, types)
    if township_code is not None:
        fac = fac.loc[fac["township_code"].astype(str) == str(township_code)]
    rows = []
    for kind in types:
        part = fac.loc[fac["type"] == kind]
        row: dict[str, object] = {"type": kind, "n": int(len(part))}
        for col in capacity:
            v = _num(part, col)
            row[col] = float(v.sum()) if v.notna().any() else np.nan
        rows.append(row)
    return pd.DataFrame(rows, columns=["type", "n", *capacity])


def boarding_by_school(
    facilities: pd.DataFrame,
    types: Sequence[str] = COMPULSORY_TYPES,
) -> pd.DataFrame:
    """Registered boarding beds against registered boarders for every school of ``types``
    (default the compulsory-education schools) that has either.

    Columns: ``id``, ``name``, ``type``, ``township_code``, ``boarders``,
    ``boarding_beds``, ``gap`` = beds − boarders (negative: pupils without a bed),
    ``beds_per_boarder`` (NaN without boarders) and ``status``: ``short`` (gap < 0),
    ``enough``, or ``no_data`` when a column is missing. Sorted worst gap first.

    Examples
    --------
    >>> fac = pd.DataFrame({"id": ["s1", "s2", "s3"], "name": ["A", "B", "C"],
    ...                     "type": ["junior"] * 3, "township_code": ["t"] * 3,
    ...                     "boarders": [500, 200, 0], "boarding_beds": [400, 250, 0]})
    >>> b = boarding_by_school(fac)
    >>> b[["name", "gap", "beds_per_boarder", "status"]].values.tolist()
    [['A', -100.0, 0.8, 'short'], ['B', 50.0, 1.25, 'enough']]
    """
    fac = _of_types(facilities, types)
    boarders, beds = _num(fac, "boarders"), _num(fac, "boarding_beds")
    keep = (boarders.fillna(0) > 0) | (beds.fillna(0) > 0)
    ids = fac["id"].astype(str) if "id" in fac.columns else pd.Series(fac.index.astype(str),
                                                                        index=fac.index)
    out = pd.DataFrame({
        "id": ids, "name": fac["name"] if "name" in fac.columns else ids, "type": fac["type"],
        "township_code": fac["township_code"].astype(str),
        "boarders": boarders, "boarding_beds": beds,
    }).loc[keep]
    out["gap"] = out["boarding_beds"] - out["boarders"]
    out["beds_per_boarder"] = out["boarding_beds"] / out["boarders"].where(out["boarders"] > 0)
    out["status"] = np.select([out["gap"].isna(), out["gap"] < 0], ["no_data", "short"], "enough")
    return out.sort_values(["gap", "name"], na_position="last").reset_index(drop=True)


def boarding_by_township(
    facilities: pd.DataFrame,
    townships: pd.DataFrame,
    plan_towns: Sequence[str] = (),
    types: Sequence[str] = COMPULSORY_TYPES,
) -> pd.DataFrame:
    """Registered boarders and boarding beds summed per township over the schools of
    ``types`` (default the compulsory-education schools), every township listed.

    ``plan_towns``: township short names (or names) the plan names for boarding
    schools; ``in_plan`` flags them. Columns: ``township_code``, ``name``,
    ``in_plan``, ``n_schools`` (schools with boarders or beds), ``boarders``,
    ``boarding_beds``, ``gap`` (beds − boarders), ``beds_per_boarder``.

    Examples
    --------
    >>> fac = pd.DataFrame({"id": ["s1", "s2"], "name": ["A", "B"], "type": ["junior"] * 2,
    ...                     "township_code": ["t1", "t1"], "boarders": [300, 100],
    ...                     "boarding_beds": [200, 150]})
    >>> towns = pd.DataFrame({"code": ["t1", "t2"], "name": ["任市镇", "新宁镇"],
    ...                       "short_name": ["任市", "新宁"]})
    >>> b = boarding_by_township(fac, towns, plan_towns=["任市"])
    >>> b[["name", "in_plan", "boarders", "gap", "beds_per_boarder"]].values.tolist()
    [['任市镇', True, 400.0, -50.0, 0.875], ['新宁镇', False, 0.0, 0.0, nan]]
    """
    per = boarding_by_school(facilities, types)
    agg = per.groupby("township_code").agg(
        n_schools=("id", "size"), boarders=("boarders", "sum"), boarding_beds=("boarding_beds", "sum"))
    codes = townships["code"].astype(str)
    short = townships["short_name"].astype(str) if "short_name" in townships.columns else codes
    names = townships["name"].astype(str) if "name" in townships.columns else short
    plan = {str(p) for p in plan_towns}
    out = pd.DataFrame({
        "township_code": codes.to_numpy(), "name": names.to_numpy(),
        "in_plan": [s in plan or n in plan for s, n in zip(short, names, strict=True)],
    })
    out = out.join(agg, on="township_code")
    out["n_schools"] = out["n_schools"].fillna(0).astype(int)
    out[["boarders", "boarding_beds"]] = out[["boarders", "boarding_beds"]].fillna(0.0)
    out["gap"] = out["boarding_beds"] - out["boarders"]
    out["beds_per_boarder"] = out["boarding_beds"] / out["boarders"].where(out["boarders"] > 0)
    return out


def students_per_teacher_by_school(
    facilities: pd.DataFrame, types: Sequence[str]
) -> pd.DataFrame:
    """Students ÷ full-time teachers per school (NaN without teachers), highest first.

    Examples
    --------
    >>> fac = pd.DataFrame({"id": ["a", "b", "c"], "name": ["A", "B", "C"], "type": ["primary"] * 3,
    ...                     "township_code": ["t"] * 3, "students": [380, 90, 50],
    ...                     "teachers": [20, 10, 0]})
    >>> students_per_teacher_by_school(fac, ["primary"])[["name", "students_per_teacher"]].values.tolist()
    [['A', 19.0], ['B', 9.0], ['C', nan]]
    """
    fac = _of_types(facilities, types)
    students, teachers = _num(fac, "students"), _num(fac, "teachers")
    out = pd.DataFrame({
        "id": fac["id"].astype(str), "name": fac["name"], "type": fac["type"],
        "township_code": fac["township_code"].astype(str),
        "students": students, "teachers": teachers,
        "students_per_teacher": students / teachers.where(teachers > 0),
    })
    return out.sort_values("students_per_teacher", ascending=False, na_position="last"
                           ).reset_index(drop=True)


def school_groups(facilities: pd.DataFrame) -> pd.DataFrame:
    """One row per school group ("4+1") with its members; empty when no school has a group.

    Columns: ``school_group``, ``n_schools``, ``n_townships``, ``students``,
    ``teachers``, ``members`` (school names joined with "、", in name order).

    Examples
    --------
    >>> fac = pd.DataFrame({"name": ["甲小", "乙小", "丙中"], "type": ["primary", "primary", "junior"],
    ...                     "township_code": ["t1", "t2", "t1"], "students": [100, 50, 200],
    ...                     "teachers": [5, 3, 12], "school_group": ["一组", "一组", None]})
    >>> school_groups(fac).to_dict("records")
    [{'school_group': '一组', 'n_schools': 2, 'n_townships': 2, 'students': 150.0, 'teachers': 8.0, 'members': '乙小、甲小'}]
    """
    cols = ["school_group", "n_schools", "n_townships", "students", "teachers", "members"]
    if "school_group" not in facilities.columns:
        return pd.DataFrame(columns=cols)
    grp = facilities["school_group"].astype("string").str.strip()
    fac = facilities.assign(_g=grp, _s=_num(facilities, "students"), _t=_num(facilities, "teachers"))
    fac = fac.loc[fac["_g"].notna() & (fac["_g"] != "")]
    rows = []
    for name, part in fac.groupby("_g", sort=True):
        rows.append({
            "school_group": str(name), "n_schools": int(len(part)),
            "n_townships": int(part["township_code"].nunique()),
            "students": float(part["_s"].sum()), "teachers": float(part["_t"].sum()),
            "members": "、".join(sorted(part["name"].astype(str))),
        })
    return pd.DataFrame(rows, columns=cols)


def township_coverage(
    units: pd.DataFrame,
    facilities: pd.DataFrame,
    townships: pd.DataFrame,
    township_types: Sequence[str],
    unit_types: Sequence[str] = (),
) -> pd.DataFrame:
    """Per township: whether it has each township-level type, how many units lack each unit-level type.

    Built on :func:`metrics.provision.coverage_by_tier`. Columns: ``township_code``,
    ``name``, ``n_units``, ``has_<type>`` (bool) per township type, ``lacking_<type>``
    (number of units without one) per unit type. Every township of ``townships`` is listed.

    Examples
    --------
    >>> units = pd.DataFrame({"code": ["a", "b", "c"], "township_code": ["t1", "t1", "t2"]})
    >>> fac = pd.DataFrame({"type": ["township_complex", "village_centre"],
    ...                     "unit_code": [None, "a"], "township_code": ["t1", "t1"]})
    >>> towns = pd.DataFrame({"code": ["t1", "t2"], "name": ["甲镇", "乙乡"]})
    >>> township_coverage(units, fac, towns, ["township_complex"], ["village_centre"]).to_dict("records")
    [{'township_code': 't1', 'name': '甲镇', 'n_units': 2, 'has_township_complex': True, 'lacking_village_centre': 1}, {'township_code': 't2', 'name': '乙乡', 'n_units': 1, 'has_township_complex': False, 'lacking_village_centre': 1}]
    """
    types = {**dict.fromkeys(unit_types, "unit"), **dict.fromkeys(township_types, "township")}
    cov = coverage_by_tier(units, facilities, types)
    codes = townships["code"].astype(str)
    out = pd.DataFrame({"township_code": codes.to_numpy(),
                        "name": townships["name"].astype(str).to_numpy()})
    by_town = cov.townships
    out["n_units"] = [int(by_town["n_units"].get(c, 0)) for c in codes]
    for kind in township_types:
        col = f"has_{kind}"
        out[col] = [bool(by_town[col].get(c, False)) for c in codes]
    town_of_unit = cov.units["township_code"].astype(str)
    for kind in unit_types:
        lacking = (~cov.units[f"has_{kind}"].astype(bool)).groupby(town_of_unit).sum()
        out[f"lacking_{kind}"] = [int(lacking.get(c, 0)) for c in codes]
    return out


def units_lacking(
    units: pd.DataFrame, facilities: pd.DataFrame, unit_types: Sequence[str]
) -> pd.DataFrame:
    """Villages and communities without a facility of at least one of ``unit_types``.

    Columns: ``code``, ``name``, ``township_code``, ``urban_rural`` (if present) and
    ``has_<type>`` per type; only units lacking one or more types, in code order.

    Examples
    --------
    >>> units = pd.DataFrame({"code": ["a", "b"], "name": ["甲村", "乙村"], "township_code": ["t", "t"]})
    >>> fac = pd.DataFrame({"type": ["village_centre"], "unit_code": ["a"], "township_code": ["t"]})
    >>> units_lacking(units, fac, ["village_centre"])[["name", "has_village_centre"]].values.tolist()
    [['乙村', False]]
    """
    cov = coverage_by_tier(units, facilities, dict.fromkeys(unit_types, "unit"))
    has = cov.units[[f"has_{k}" for k in unit_types]].astype(bool)
    u = units.set_index(units["code"].astype(str)) if "code" in units.columns else units
    keep = [c for c in ("name", "township_code", "urban_rural") if c in u.columns]
    out = u[keep].join(has)
    out = out.loc[~has.all(axis=1).reindex(out.index).fillna(False).astype(bool)]
    out = out.rename_axis("code").reset_index().sort_values("code").reset_index(drop=True)
    out["township_code"] = out["township_code"].astype(str)
    return out


def hours_against_standard(
    facilities: pd.DataFrame, standards: Mapping[str, float]
) -> pd.DataFrame:
    """Weekly opening hours of facilities of the ``standards`` types against their standard.

    ``standards``: type -> minimum hours per week. Columns: ``id``, ``name``, ``type``,
    ``township_code``, ``hours_per_week``, ``standard``, ``gap`` (hours − standard) and
    ``status`` (``met``, ``not_met``, ``no_data``); shortest gap first.

    Examples
    --------
    >>> fac = pd.DataFrame({"id": ["l", "b1", "b2"], "name": ["馆", "分馆一", "分馆二"],
    ...                     "type": ["library", "library_branch", "library_branch"],
    ...                     "township_code": ["t0", "t1", "t2"], "hours_per_week": [63, 24, None]})
    >>> h = hours_against_standard(fac, {"library": 56, "library_branch": 42})
    >>> h[["name", "gap", "status"]].values.tolist()
    [['分馆一', -18.0, 'not_met'], ['馆', 7.0, 'met'], ['分馆二', nan, 'no_data']]
    """
    fac = _of_types(facilities, list(standards))
    hours = _num(fac, "hours_per_week")
    standard = fac["type"].map(dict(standards)).astype("float64")
    out = pd.DataFrame({
        "id": fac["id"].astype(str), "name": fac["name"], "type": fac["type"],
        "township_code": fac["township_code"].astype(str),
        "hours_per_week": hours, "standard": standard, "gap": hours - standard,
    })
    out["status"] = np.select([out["gap"].isna(), out["gap"] < 0], ["no_data", "not_met"], "met")
    return out.sort_values(["gap", "name"], na_position="last").reset_index(drop=True)


def boarding_shortfall(by_school: pd.DataFrame) -> dict[str, float]:
    """Schools short of beds and the beds missing, from :func:`boarding_by_school`.

    Examples
    --------
    >>> b = pd.DataFrame({"gap": [-100.0, -20.0, 50.0, float("nan")]})
    >>> boarding_shortfall(b)
    {'n_schools': 2, 'beds': 120.0}
    """
    short = by_school["gap"] < 0
    return {"n_schools": int(short.sum()), "beds": float(-by_school.loc[short, "gap"].sum())}


def boarding_totals(by_school: pd.DataFrame) -> dict[str, float]:
    """Totals of :func:`boarding_by_school` that add up: ``boarding_beds`` − ``boarders`` =
    ``spare`` (beds beyond the boarders, summed over the schools with spare beds) −
    ``short`` (boarders without a bed, summed over the ``n_short`` schools short of beds);
    ``n_schools`` schools have boarders or beds. Missing values count as 0.

    Examples
    --------
    >>> b = pd.DataFrame({"boarders": [500.0, 200.0, 0.0], "boarding_beds": [400.0, 250.0, 30.0],
    ...                   "gap": [-100.0, 50.0, 30.0]})
    >>> boarding_totals(b)
    {'n_schools': 3, 'boarders': 700.0, 'boarding_beds': 680.0, 'n_short': 1, 'short': 100.0, 'spare': 80.0}
    """
    boarders = by_school["boarders"].fillna(0.0)
    beds = by_school["boarding_beds"].fillna(0.0)
    gap = beds - boarders
    return {"n_schools": int(len(by_school)), "boarders": float(boarders.sum()),
            "boarding_beds": float(beds.sum()), "n_short": int((gap < 0).sum()),
            "short": float(-gap[gap < 0].sum()), "spare": float(gap[gap > 0].sum())}


def named_list(facilities: pd.DataFrame, facility_type: str, sep: str = "、") -> dict[str, object]:
    """How many facilities of one type there are, and their names joined (sorted).

    Examples
    --------
    >>> named_list(pd.DataFrame({"type": ["library", "day_care"], "name": ["县图书馆", "x"]}), "library")
    {'n': 1, 'names': '县图书馆'}
    >>> named_list(pd.DataFrame({"type": ["library"], "name": ["县图书馆"]}), "medical_elderly")
    {'n': 0, 'names': ''}
    """
    names = sorted(facilities.loc[facilities["type"] == facility_type, "name"].astype(str))
    return {"n": len(names), "names": sep.join(names)}
