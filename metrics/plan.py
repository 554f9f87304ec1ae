"""The pilot plan's public-service targets (tasks 13-16) against what the data shows.

《开江县城乡融合发展改革试点实施方案》(2022) names a few countable targets in its
public-service tasks. They are declared here as data (:data:`TARGETS`: task number, the
plan's own wording, how the data measures it) and :func:`plan_status` checks each one
against the facility register:

* ``count``: facilities of the types in the county; met when ``in_data >= planned``.
* ``townships_with`` / ``units_with``: townships (villages and communities) having at
  least one facility of the types; planned = every township (unit) in the data.
* ``boarding``: of the named towns, those whose schools of the types hold at least one
  registered boarding bed per registered boarder (Σ boarding_beds ≥ Σ boarders > 0); the
  sums are those of the education page (:func:`metrics.audit.boarding_by_township`) over
  the compulsory-education schools of the boarding definition
  (:data:`metrics.boarding.COMPULSORY_TYPES`, senior high not counted).
* ``not_in_data``: the register has no field for it yet (e.g. medical consortia).

Status: ``met`` (in_data ≥ planned), ``partly`` (0 < in_data < planned), ``not_met``
(in_data = 0), ``no_data`` (the register that would show it is empty or has no field).
Pure: no files, no database; inputs are never modified.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from metrics.audit import boarding_by_township
from metrics.boarding import COMPULSORY_TYPES

__all__ = ["MEASURES", "STATUSES", "TARGETS", "TARGET_YEAR", "PlanTarget", "plan_path", "plan_status"]

MEASURES: tuple[str, ...] = ("count", "townships_with", "units_with", "boarding", "not_in_data")
#: Status values, best first.
STATUSES: tuple[str, ...] = ("met", "partly", "not_met", "no_data")

# types of each register kind (as in etl.schema.REGISTER_KINDS): an empty register means "no data"
_SCHOOLS = ("teaching_point", "primary", "nine_year", "junior", "senior_high", "vocational",
            "special", "teacher_training")
_ELDERLY = ("care_home", "day_care", "medical_elderly", "infant_care")
_CULTURE = ("county_stage", "township_complex", "village_centre", "courtyard_post", "library",
            "library_branch", "culture_centre", "culture_branch")


@dataclass(frozen=True)
class PlanTarget:
    """One countable target of the plan, with the plan's wording and how the data measures it."""

    key: str
    task: int
    plan_zh: str
    plan_en: str
    measure: str
    measure_zh: str
    measure_en: str
    types: tuple[str, ...] = ()
    register: tuple[str, ...] = ()
    planned: int | None = None
    towns: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.measure not in MEASURES:
            raise ValueError(f"{self.key}: unknown measure {self.measure!r}")
        if self.measure != "not_in_data" and not self.types:
            raise ValueError(f"{self.key}: a measured target needs facility types")
        if self.measure == "count" and self.planned is None:
            raise ValueError(f"{self.key}: a count target needs a planned number")
        if self.measure == "boarding" and not self.towns:
            raise ValueError(f"{self.key}: a boarding target names its towns")


TARGETS: tuple[PlanTarget, ...] = (
    PlanTarget(
        "boarding_schools", 13, "加强任市、长岭、甘棠等地寄宿制学校建设",
        "Strengthen boarding schools at 任市 (Renshi), 长岭 (Changling) and 甘棠 (Gantang)",
        "boarding", "登记床位不少于登记寄宿生的乡镇数（义务教育学校，不含高中）",
        "Of these towns, those whose schools register a bed for every registered boarder "
        "(compulsory education; senior high not counted)",
        types=COMPULSORY_TYPES, register=_SCHOOLS, planned=3,
        towns=("任市", "长岭", "甘棠")),
    PlanTarget(
        "county_stage", 14, "四级公共服务网点体系：田园大舞台",
        "Four-tier network: the county rural stage (田园大舞台)",
        "count", "田园大舞台个数", "County rural stages in the register",
        types=("county_stage",), register=_CULTURE, planned=1),
    PlanTarget(
        "township_complex", 14, "四级公共服务网点体系：乡镇文化综合体",
        "Four-tier network: a township cultural complex (乡镇文化综合体) in every township",
        "townships_with", "有乡镇文化综合体的乡镇（街道）数", "Townships with a township cultural complex",
        types=("township_complex",), register=_CULTURE),
    PlanTarget(
        "village_centre", 14, "四级公共服务网点体系：村级文化服务中心",
        "Four-tier network: a village cultural service centre (村级文化服务中心) in every "
        "village and community",
        "units_with", "有村级文化服务中心的村（社区）数",
        "Villages and communities with a village cultural service centre",
        types=("village_centre",), register=_CULTURE),
    PlanTarget(
        "medical_elderly_centre", 15, "设立医养结合中心1个",
        "Set up one medical-elderly care centre (医养结合中心)",
        "count", "医养结合中心个数", "Medical-elderly care centres in the register",
        types=("medical_elderly",), register=_ELDERLY, planned=1),
    PlanTarget(
        "medical_consortia", 15, "组建紧密型区域医合体5个（一体化管理和一体化保障）",
        "Form five close regional medical consortia (紧密型区域医合体)",
        "not_in_data", "登记表尚无医合体字段", "The registers have no consortium field yet",
        planned=5),
    PlanTarget(
        "medical_subcentre", 15, "建立县域医疗卫生次中心",
        "Establish a county medical sub-centre (县域医疗卫生次中心)",
        "not_in_data", "登记表尚无次中心字段", "The registers have no sub-centre field yet",
        planned=1),
    PlanTarget(
        "infant_care_pilot", 16, "试点建设婴幼儿照护机构",
        "Pilot infant-care institutions for ages 0-2 (婴幼儿照护机构)",
        "count", "托育机构（0—2岁）个数", "Infant-care institutions in the register",
        types=("infant_care",), register=_ELDERLY, planned=1),
    PlanTarget(
        "minor_protection", 16, "未成年人保护工作站",
        "Minors' protection stations (未成年人保护工作站)",
        "not_in_data", "登记表尚无此类设施", "No such facility type in the registers yet"),
)


def _status(in_data: int | None, planned: int | None, has_data: bool) -> str:
    if in_data is None or not has_data:
        return "no_data"
    if planned is None or in_data >= planned:
        return "met" if in_data > 0 else "not_met"
    return "partly" if in_data > 0 else "not_met"


def _num(series: pd.Series) -> pd.Series:
    return pd.to_numeric(series, errors="coerce")


def _boarding(fac: pd.DataFrame, townships: pd.DataFrame, tg: PlanTarget
              ) -> tuple[int, bool, str, str]:
    """Towns meeting one bed per boarder, whether any is known, and detail texts (the
    township sums of the education page)."""
    names = {}
    for col in ("short_name", "name"):
        if col in townships.columns:
            for code, name in zip(townships["code"].astype(str), townships[col].astype(str),
                                  strict=True):
                names.setdefault(name, code)
    towns = boarding_by_township(fac, townships, types=tg.types).set_index("township_code")
    met, known, zh, en = 0, False, [], []
    for town in tg.towns:
        code = names.get(town) or names.get(f"{town}镇")
        if code is None:
            zh.append(f"{town}：无此乡镇")
            en.append(f"{town}: no such township")
            continue
        row = towns.loc[code]
        if row["n_schools"] == 0:
            zh.append(f"{town}：无寄宿数据")
            en.append(f"{town}: no boarding data")
            continue
        known = True
        b, n = int(row["boarding_beds"]), int(row["boarders"])
        ok = n > 0 and b >= n
        met += ok
        zh.append(f"{town}：床位 {b:,} / 寄宿生 {n:,}")
        en.append(f"{town}: {b:,} beds / {n:,} boarders")
    return met, known, "；".join(zh), "; ".join(en)


def plan_status(
    facilities: pd.DataFrame,
    units: pd.DataFrame,
    townships: pd.DataFrame,
    tasks: pd.DataFrame | None = None,
    targets: Sequence[PlanTarget] = TARGETS,
) -> pd.DataFrame:
    """Each target of the plan with what the data shows.

    Parameters
    ----------
    facilities : DataFrame
        ``type``, ``township_code``, ``unit_code`` (and ``boarding_beds``, ``boarders``
        for the boarding target), as in the data contract.
    units, townships : DataFrame
        ``code`` of every village/community and township (``short_name``/``name`` of
        townships for the towns the plan names).
    tasks : DataFrame, optional
        The plan's task list (``task``, ``title``, ``lead_unit``) for the lead units.
    targets : sequence of PlanTarget
        Default :data:`TARGETS`.

    Returns
    -------
    DataFrame
        One row per target: ``task``, ``key``, ``title``, ``lead_unit``, ``plan_zh``,
        ``plan_en``, ``measure_zh``, ``measure_en``, ``planned`` and ``in_data``
        (nullable integers), ``status`` (:data:`STATUSES`), ``detail_zh``, ``detail_en``.

    Examples
    --------
    >>> fac = pd.DataFrame({"type": ["infant_care", "care_home"], "township_code": ["t1", "t1"],
    ...                     "unit_code": ["u1", "u1"]})
    >>> units = pd.DataFrame({"code": ["u1", "u2"]})
    >>> towns = pd.DataFrame({"code": ["t1"], "short_name": ["任市"]})
    >>> out = plan_status(fac, units, towns).set_index("key")
    >>> r = out.loc["infant_care_pilot"]
    >>> int(r["planned"]), int(r["in_data"]), r["status"]
    (1, 1, 'met')
    >>> int(out.loc["medical_elderly_centre", "in_data"]), out.loc["medical_elderly_centre", "status"]
    (0, 'not_met')
    >>> out.loc["village_centre", "status"]  # no culture register loaded
    'no_data'
    """
    fac = facilities
    for col in ("boarding_beds", "boarders", "unit_code", "township_code"):
        if col not in fac.columns:
            fac = fac.assign(**{col: pd.NA})
    types = fac["type"].astype(str)
    lead: dict[int, str] = {}
    title: dict[int, str] = {}
    if tasks is not None and len(tasks):
        for row in tasks.to_dict("records"):
            lead[int(row["task"])] = row.get("lead_unit")
            title[int(row["task"])] = row.get("title")
    unit_codes = set(units["code"].astype(str))
    town_codes = set(townships["code"].astype(str))
    rows = []
    for tg in targets:
        has_data = bool(types.isin(tg.register).any()) if tg.register else False
        of_type = fac.loc[types.isin(tg.types)]
        planned, in_data, zh, en = tg.planned, None, "", ""
        if tg.measure == "count":
            in_data = len(of_type)
        elif tg.measure == "townships_with":
            planned = len(town_codes)
            have = set(of_type["township_code"].dropna().astype(str)) & town_codes
            in_data = len(have)
            label = (dict(zip(townships["code"].astype(str), townships["name"].astype(str),
                              strict=True)) if "name" in townships.columns else {})
            missing = [label.get(c, c) for c in sorted(town_codes - have)]
            if has_data and missing:
                zh, en = "缺：" + "、".join(missing), "Missing: " + ", ".join(missing)
        elif tg.measure == "units_with":
            planned = len(unit_codes)
            in_data = len(set(of_type["unit_code"].dropna().astype(str)) & unit_codes)
            if has_data and in_data < planned:
                zh, en = f"缺 {planned - in_data} 个", f"{planned - in_data} missing"
        elif tg.measure == "boarding":
            in_data, known, zh, en = _boarding(fac, townships, tg)
            has_data = has_data and known
        rows.append({
            "task": tg.task, "key": tg.key, "title": title.get(tg.task),
            "lead_unit": lead.get(tg.task), "plan_zh": tg.plan_zh, "plan_en": tg.plan_en,
            "measure_zh": tg.measure_zh, "measure_en": tg.measure_en,
            "planned": planned, "in_data": in_data if tg.measure != "not_in_data" else None,
            "status": _status(in_data, planned, has_data), "detail_zh": zh, "detail_en": en,
        })
    out = pd.DataFrame(rows)
    for col in ("planned", "in_data"):
        out[col] = out[col].astype("Int64")
    return out


#: The year the plan's targets are set for (《实施方案》: tasks 13-16 run to 2025).
TARGET_YEAR = 2025


def plan_path(by_year: Mapping[int, pd.DataFrame], target_year: int = TARGET_YEAR) -> pd.DataFrame:
    """Each target's path from its baseline year to the plan's target year.

    Parameters
    ----------
    by_year : mapping of int to DataFrame
        :func:`plan_status` of the data as of each year that has registers; a year whose
        status is ``no_data`` (no register that would show the target) has no value.
    target_year : int
        The year the plan sets its targets for (2025).

    Returns
    -------
    DataFrame
        One row per target key: ``baseline_year`` (the first year with a value),
        ``years`` and ``values`` (lists, the years with a value and ``in_data`` in each),
        ``planned`` (as of the latest year), ``path`` (the values, then the planned number at
        ``target_year`` when it is known: the chart from the baseline to the target) and
        ``path_years``; targets without any value have empty lists.

    Examples
    --------
    >>> a = pd.DataFrame({"key": ["k"], "in_data": pd.array([2], "Int64"),
    ...                   "planned": pd.array([5], "Int64")})
    >>> b = pd.DataFrame({"key": ["k"], "in_data": pd.array([4], "Int64"),
    ...                   "planned": pd.array([5], "Int64")})
    >>> r = plan_path({2024: b, 2023: a}).iloc[0]
    >>> int(r["baseline_year"]), r["path_years"], r["path"]
    (2023, [2023, 2024, 2025], [2.0, 4.0, 5.0])
    """
    years = sorted(by_year)
    keys: list[str] = []
    for y in years:
        keys += [k for k in by_year[y]["key"] if k not in keys]
    rows = []
    for key in keys:
        ys, vals, planned = [], [], None
        for y in years:
            row = by_year[y].loc[by_year[y]["key"] == key]
            if row.empty:
                continue
            v, p = row["in_data"].iloc[0], row["planned"].iloc[0]
            planned = None if pd.isna(p) else int(p)
            no_data = "status" in row and row["status"].iloc[0] == "no_data"
            if not pd.isna(v) and not no_data:  # a year without the register has no value
                ys.append(y)
                vals.append(float(v))
        path_years, path = list(ys), list(vals)
        if planned is not None and ys and ys[-1] < target_year:
            path_years.append(target_year)
            path.append(float(planned))
        rows.append({"key": key, "baseline_year": ys[0] if ys else None, "years": ys,
                     "values": vals, "planned": planned, "path_years": path_years, "path": path})
    return pd.DataFrame(rows, columns=["key", "baseline_year", "years", "values", "planned",
                                       "path_years", "path"])
