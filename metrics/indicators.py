"""The indicator catalogue of the four pilot-plan domains, and its fast recomputation.

Every indicator is declared as data (:class:`Indicator`): what it measures, for which
age band, from which facility types, by which travel mode, against which threshold and
target of :mod:`metrics.settings`. Computing is split so a change of a speed, the detour
factor or a threshold is cheap:

* :func:`prepare` does the threshold-independent work once, asking the travel model
  (:mod:`metrics.travel`, straight line by default): the nearest facility of each type
  group for every unit, the unit-facility pairs within ``max_radius_km`` for the 2SFCA
  indicators; and the distance quintiles to the county town,
  and every indicator that no setting changes (provision, ratios, coverage) with its
  summaries.
* :func:`evaluate` turns them into minutes with the settings (and ``overrides``),
  applies the thresholds, runs the 2SFCA and summarises each indicator by urban/rural, by
  township and by distance quintile with :func:`metrics.inequality.summarise`.

Unit values by kind (unit *i* = village or community, P_i its population in the
indicator's age band):

* ``time_to_nearest``: t_i = minutes to the nearest facility of the types by the
  indicator's mode (:mod:`metrics.travel`; straight line: d_i × detour ÷ v × 60, d_i the
  great-circle km, v the speed of the mode). Along roads a unit with no road connection to
  any facility of the types (t_i = ∞) is left out of the mean and counted apart
  (:func:`no_road`).
* ``share_within``: 100 · [t_i ≤ t0] (%); its population-weighted mean is the share of
  the band within the standard, Σ P_i [t_i ≤ t0] / Σ P_i. A unit with no facility of the
  types anywhere, or none it can reach by road, counts as outside.
* ``provision``: per · Σ_f a_fi q_f / P_i, q_f the facility's capacity (missing = 0) and
  a_fi the share of facility f placed on unit i by the *catchment rule*: a county-tier
  facility serves the whole county (shared by population), a township-tier facility its
  township (shared by the band population of its units), a village- or group-tier
  facility its own unit (:func:`metrics.provision.allocate_to_units`). The weighted mean
  over a group equals per · Σ capacity / Σ population of the group.
  County-tier capacity is not a township's own: the health indicators count beds and
  doctors of the township and village tiers only, and the county hospitals' beds by
  access (``fca``). Where an indicator declares ``served_by_county`` (county hospitals),
  the township holding such a facility has no value: its residents are served by the
  county tier, so it is not ranked last for the township-tier capacity it does not need.
* ``ratio``: Σ_f a_fi n_f / Σ_f a_fi d_f over facilities where both columns are known
  (same catchment rule); with no denominator column, each facility counts 1 (the mean of
  the numerator, e.g. opening hours). NaN where no facility serves the unit.
* ``coverage``: 100 · [the unit has a facility of the types] (``weight="unit"``: every
  unit counts 1, the mean is the share of units) or 100 · [the unit's township has one]
  (``weight="township"``: every township counts 1, split equally over its units, so the
  county mean is the share of townships; summarised by township only, since a township
  holds urban and rural units alike — :attr:`Indicator.groupings`).
* ``fca``: per · A_i of the two-step floating catchment (Luo & Wang 2003),
  R_j = S_j / Σ_{k: t_kj ≤ t0} P_k, A_i = Σ_{j: t_ij ≤ t0} R_j.

Group values are weighted means of unit values — by the band population, by unit or by
township as the indicator's ``weight`` says (:func:`weighting_text` words it) — exactly
what :func:`metrics.inequality.summarise` reports, so the tables and the gap measures
agree. Pure: no files, no database; inputs are never modified.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from metrics import settings, travel
from metrics.access import two_step_fca_arrays
from metrics.inequality import summarise
from metrics.provision import allocate_to_units, compare_target, coverage_by_tier

__all__ = [
    "CATALOGUE",
    "COUNTY_TOWN_CODE",
    "DOMAINS",
    "GROUPINGS",
    "INDICATORS",
    "KINDS",
    "NO_SUMMARY_TEXT",
    "QUINTILES_ORDERED",
    "RETIRED",
    "current_key",
    "SERVED_BY_COUNTY_TEXT",
    "Indicator",
    "IndicatorTable",
    "Prepared",
    "evaluate",
    "indicators_markdown",
    "no_road",
    "prepare",
    "served_by_county_note",
    "weighting_text",
]

KINDS: tuple[str, ...] = ("time_to_nearest", "share_within", "provision", "ratio", "coverage", "fca")
#: Domains in display order: key -> (zh, en).
DOMAINS: dict[str, tuple[str, str]] = {
    "education": ("教育", "Education"),
    "health": ("医疗卫生", "Health"),
    "elderly_care": ("养老托育", "Elderly and child care"),
    "culture": ("文化", "Culture"),
}
#: Unit groupings summarised for every indicator: key -> (zh, en).
GROUPINGS: dict[str, tuple[str, str]] = {
    "urban_rural": ("城乡", "urban / rural"),
    "township_code": ("乡镇（街道）", "township"),
    "distance_quintile": ("距县城距离五分位", "distance-to-county-town quintile"),
}
#: Distance quintiles from most disadvantaged (farthest, Q5) to most advantaged (nearest, Q1).
QUINTILES_ORDERED: tuple[str, ...] = ("Q5", "Q4", "Q3", "Q2", "Q1")
#: Statistical code of 淙城街道, the county town of Kaijiang.
COUNTY_TOWN_CODE = "511723001"
_WEIGHTS = ("population", "unit", "township")
_STATIC_KINDS = ("provision", "ratio", "coverage")


@dataclass(frozen=True)
class Indicator:
    """One indicator, declared as data.

    ``population``: the demand band (unit columns summed) — the denominator of a
    provision, the demand of a 2SFCA and the weight of every summary when
    ``weight == "population"``. ``threshold`` and ``target`` are keys of
    :data:`metrics.settings.SETTINGS`; ``numerator``/``denominator`` are facility columns.
    ``served_by_county``: county-tier facility types that serve the residents of the
    township where they stand in place of this (township) tier; that township gets no
    value (the tier does not apply there), so it is neither ranked nor counted (a county
    seat holding the county hospitals is not ranked last for the health-centre beds it
    does not need). A target is only declared when it has the indicator's definition.
    """

    key: str
    domain: str
    kind: str
    zh: str
    en: str
    unit_zh: str
    unit_en: str
    higher_is_better: bool
    facility_types: tuple[str, ...]
    population: tuple[str, ...] = ("population",)
    weight: str = "population"
    mode: str | None = None
    threshold: str | None = None
    target: str | None = None
    numerator: str | None = None
    denominator: str | None = None
    per: float = 1000.0
    headline: bool = False
    help_zh: str = ""
    help_en: str = ""
    source: str = ""
    served_by_county: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.kind not in KINDS or self.domain not in DOMAINS or self.weight not in _WEIGHTS:
            raise ValueError(f"{self.key}: bad kind, domain or weight")
        if self.served_by_county and self.kind not in ("provision", "ratio"):
            raise ValueError(f"{self.key}: served_by_county applies to provision and ratio kinds")
        for key in (self.threshold, self.target):
            if key is not None and key not in settings.SETTINGS:
                raise ValueError(f"{self.key}: unknown setting {key!r}")
        needs_mode = self.kind in ("time_to_nearest", "share_within", "fca")
        if needs_mode != (self.mode is not None) or (self.mode and self.mode not in settings.MODES):
            raise ValueError(f"{self.key}: a travel mode is needed exactly for travel-time kinds")
        if self.kind in ("share_within", "fca") and self.threshold is None:
            raise ValueError(f"{self.key}: {self.kind} needs a threshold setting")
        if self.kind in ("provision", "ratio", "fca") and self.numerator is None:
            raise ValueError(f"{self.key}: {self.kind} needs a numerator column")

    @property
    def depends_on(self) -> tuple[str, ...]:
        """Settings that change the unit values (targets only change the verdict).

        Examples
        --------
        >>> INDICATORS["health_centre_share_15min"].depends_on
        ('speed_car_kmh', 'detour_factor', 'medical_circle_min')
        """
        if self.kind in _STATIC_KINDS:
            return ()
        keys = [settings.speed_key(self.mode), "detour_factor"]  # type: ignore[arg-type]
        if self.kind != "time_to_nearest":
            keys.append(self.threshold)  # type: ignore[arg-type]
        return tuple(keys)

    @property
    def groupings(self) -> tuple[str, ...]:
        """The groupings (:data:`GROUPINGS`) this indicator is summarised by.

        A township-level yes/no (``weight == "township"``) is compared by township only:
        a township holds urban and rural units, near and far ones alike, so an urban/rural
        or distance-quintile split of it would only reflect how its equal weight is spread
        over its units (:data:`NO_SUMMARY_TEXT`).

        Examples
        --------
        >>> INDICATORS["culture_complex_coverage"].groupings
        ('township_code',)
        >>> len(INDICATORS["health_clinic_coverage"].groupings)
        3
        """
        return ("township_code",) if self.weight == "township" else tuple(GROUPINGS)


def _formula(kind: str, lang: str, per: float, denominator: str | None, weight: str,
             own_tiers: bool = False) -> str:
    """Formula text of a kind, in Chinese or English (``own_tiers``: county-tier facilities
    are not counted, :attr:`Indicator.served_by_county`)."""
    zh = lang == "zh"
    if kind == "time_to_nearest":
        return ("t = 最近设施直线距离(km) × 绕行系数 ÷ 速度 × 60" if zh
                else "t = great-circle km to the nearest facility × detour ÷ speed × 60")
    if kind == "share_within":
        return ("100 · Σ P·[t ≤ t0] / Σ P（无此类设施者计为不达标）" if zh
                else "100 · Σ P·[t ≤ t0] / Σ P (no facility of the types = outside)")
    if kind == "provision" and own_tiers:
        return (f"{per:g} · Σ 分摊容量 / P（乡镇级本乡镇共享，村级归本村，县级设施不计）" if zh
                else f"{per:g} · Σ allocated capacity / P (township tier shared by its "
                     "township, village tier by its unit, county tier not counted)")
    if kind == "provision":
        return (f"{per:g} · Σ 分摊容量 / P（县级设施全县共享，乡镇级本乡镇共享，村级归本村）" if zh
                else f"{per:g} · Σ allocated capacity / P (county tier shared by the county, "
                     "township tier by its township, village tier by its unit)")
    if kind == "ratio":
        if denominator is None:
            return ("服务本单元设施的平均值 Σ a·n / Σ a" if zh
                    else "mean over the facilities serving the unit, Σ a·n / Σ a")
        return ("Σ a·分子 / Σ a·分母（两列均有值的设施）" if zh
                else "Σ a·numerator / Σ a·denominator (facilities with both known)")
    if kind == "coverage":
        if weight == "township":
            return ("100 · 有此设施的乡镇数 / 乡镇数" if zh
                    else "100 · townships having one / townships")
        return "100 · 有此设施的村（社区）数 / 村（社区）数" if zh else "100 · units having one / units"
    return (f"{per:g} · A，A_i = Σ_(t_ij ≤ t0) S_j / Σ_(t_kj ≤ t0) P_k（两步移动搜索法）" if zh
            else f"{per:g} · A, A_i = Σ_(t_ij ≤ t0) S_j / Σ_(t_kj ≤ t0) P_k (2SFCA)")


def _ind(note_zh: str = "", note_en: str = "", method: str = "", **kw: Any) -> Indicator:
    """Build an :class:`Indicator`, composing its help text from the kind's formula."""
    kind, per = kw["kind"], kw.get("per", 1000.0)
    den, weight = kw.get("denominator"), kw.get("weight", "population")
    sources = [settings.SETTINGS[k].source for k in (kw.get("threshold"), kw.get("target")) if k]
    source = "；".join(dict.fromkeys([*sources, *([method] if method else [])])) or "—"
    own = bool(kw.get("served_by_county"))
    help_zh = f"{_formula(kind, 'zh', per, den, weight, own)}。{note_zh}".rstrip()
    help_en = f"{_formula(kind, 'en', per, den, weight, own)}. {note_en}".rstrip()
    return Indicator(help_zh=help_zh, help_en=help_en, source=source, **kw)


_PRIMARY = ("primary", "nine_year", "teaching_point")
_JUNIOR = ("junior", "nine_year")
_CENTRES = ("central_health_centre", "health_centre", "community_health_centre")
_HEALTH = ("county_hospital", *_CENTRES, "village_clinic")
_AGED = ("pop_60_64", "pop_65_plus")
_LUO_WANG = "Luo & Wang (2003), Environment and Planning B 30(6):865-884"

CATALOGUE: tuple[Indicator, ...] = (
    # -- education (task 13) ----------------------------------------------------------------
    _ind(key="edu_primary_walk_min", domain="education", kind="time_to_nearest",
         zh="到最近小学（含九年一贯制、教学点）步行时间", en="Walk to the nearest primary-level school",
         unit_zh="分钟", unit_en="min", higher_is_better=False, facility_types=_PRIMARY,
         population=("pop_6_11",), mode="walk_child", threshold="primary_lower_max_min",
         note_zh="步行：国办发〔2018〕27号要求1—3年级就近走读；按儿童步行速度计。",
         note_en="Walking: grades 1-3 are to attend a nearby school without boarding "
                 "(国办发〔2018〕27号); at children's walking speed."),
    _ind(key="edu_primary_share_30min", domain="education", kind="share_within",
         zh="6—11岁儿童步行30分钟内可达小学的比例", en="Children 6-11 within a 30-min walk of a primary-level school",
         unit_zh="%", unit_en="%", higher_is_better=True, facility_types=_PRIMARY,
         population=("pop_6_11",), mode="walk_child", threshold="primary_lower_max_min",
         headline=True,
         note_zh="标准为单程不超过半小时；按儿童步行计（寄宿生与校车不计）。",
         note_en="The standard is a one-way trip of at most half an hour, taken as a child's "
                 "walk (boarding and school buses not counted)."),
    _ind(key="edu_junior_bus_min", domain="education", kind="time_to_nearest",
         zh="到最近初中（含九年一贯制）校车时间", en="School-bus time to the nearest junior-level school",
         unit_zh="分钟", unit_en="min", higher_is_better=False, facility_types=_JUNIOR,
         population=("pop_12_14",), mode="school_bus", headline=True,
         note_zh="初中生多寄宿或乘校车，按校车速度计。",
         note_en="Junior pupils mostly board or ride the school bus; school-bus speed."),
    _ind(key="edu_kindergarten_walk_min", domain="education", kind="time_to_nearest",
         zh="到最近幼儿园步行时间", en="Walk to the nearest kindergarten",
         unit_zh="分钟", unit_en="min", higher_is_better=False, facility_types=("kindergarten",),
         population=("pop_3_5",), mode="walk_child",
         note_zh="按儿童步行速度计（幼儿由大人陪同，实际可能更慢）。",
         note_en="At children's walking speed (small children walk with an adult, often "
                 "slower still)."),
    _ind(key="edu_kindergarten_places_per_1000", domain="education", kind="provision",
         zh="每千名3—5岁儿童幼儿园学位", en="Kindergarten places per 1,000 children aged 3-5",
         unit_zh="个/千名3—5岁儿童", unit_en="places / 1,000 aged 3-5", higher_is_better=True,
         facility_types=("kindergarten",), population=("pop_3_5",), numerator="places",
         note_zh="普惠性学位（ownership）未区分。", note_en="Public and private places alike."),
    _ind(key="edu_primary_students_per_teacher", domain="education", kind="ratio",
         zh="小学生师比（专任教师）", en="Primary students per teacher",
         unit_zh="生/师", unit_en="students / teacher", higher_is_better=False,
         facility_types=("primary", "teaching_point"), population=("pop_6_11",),
         numerator="students", denominator="teachers", headline=True,
         note_zh="九年一贯制学校学生未分学段，不计入。分母为专任教师；国家编制标准"
                 "（小学1:19，中央编办发〔2014〕72号）按全部教职工计，口径不同，不作达标比较。",
         note_en="Nine-year schools are left out (students not split by level). The "
                 "denominator is full-time teachers; the national staffing standard (primary "
                 "1:19, 中央编办发〔2014〕72号) counts all staff, a different definition, so no "
                 "target is compared."),
    _ind(key="edu_junior_students_per_teacher", domain="education", kind="ratio",
         zh="初中生师比（专任教师）", en="Junior students per teacher",
         unit_zh="生/师", unit_en="students / teacher", higher_is_better=False,
         facility_types=("junior",), population=("pop_12_14",), numerator="students",
         denominator="teachers",
         note_zh="九年一贯制学校不计入。分母为专任教师；国家编制标准（初中1:13.5）按全部"
                 "教职工计，口径不同，不作达标比较。",
         note_en="Nine-year schools left out. The denominator is full-time teachers; the "
                 "national staffing standard (junior 1:13.5) counts all staff, a different "
                 "definition, so no target is compared."),
    _ind(key="edu_boarding_beds_per_boarder", domain="education", kind="ratio",
         zh="寄宿生人均寄宿床位", en="Boarding beds per boarder",
         unit_zh="床/人", unit_en="beds / boarder", higher_is_better=True,
         facility_types=("primary", "nine_year", "junior"), population=("pop_6_11", "pop_12_14"),
         numerator="boarding_beds", denominator="boarders", target="boarding_beds_per_boarder",
         note_zh="试点方案：任市、长岭、甘棠建寄宿制学校。",
         note_en="The pilot plan builds boarding schools at 任市, 长岭 and 甘棠."),
    # -- health (task 15) -------------------------------------------------------------------
    _ind(key="health_centre_car_min", domain="health", kind="time_to_nearest",
         zh="到最近乡镇卫生院/社区卫生服务中心车程", en="Drive to the nearest township health centre",
         unit_zh="分钟", unit_en="min", higher_is_better=False, facility_types=_CENTRES,
         mode="car", threshold="medical_circle_min",
         note_zh="标准未规定出行方式，按小汽车计（较宽松）。",
         note_en="The standard names no mode; car is used (a lenient reading)."),
    _ind(key="health_centre_share_15min", domain="health", kind="share_within",
         zh="15分钟车程内可达乡镇卫生院的人口比例", en="Residents within a 15-min drive of a township health centre",
         unit_zh="%", unit_en="%", higher_is_better=True, facility_types=_CENTRES,
         mode="car", threshold="medical_circle_min", headline=True),
    _ind(key="health_hospital_car_min", domain="health", kind="time_to_nearest",
         zh="到最近县级医院车程", en="Drive to the nearest county hospital",
         unit_zh="分钟", unit_en="min", higher_is_better=False,
         facility_types=("county_hospital",), mode="car"),
    _ind(key="health_township_beds_per_1000", domain="health", kind="provision",
         zh="每千常住人口乡镇卫生院（社区卫生服务中心）床位",
         en="Township health-centre beds per 1,000 residents",
         unit_zh="张/千人", unit_en="beds / 1,000 residents", higher_is_better=True,
         facility_types=_CENTRES, numerator="beds", served_by_county=("county_hospital",),
         headline=True,
         note_zh="乡镇级：本乡镇卫生院、中心卫生院、社区卫生服务中心的床位 ÷ 本乡镇常住人口，"
                 "县级医院不计入（县级床位见“县级医院床位可达性”）。县级医院所在乡镇（街道）"
                 "的居民由县级医院直接服务，乡镇级床位对其不适用：不计值、不参与排名，"
                 "全县值为其余乡镇的合计。国家目标“每千常住人口6张”按全部医疗卫生机构床位计，"
                 "口径不同，不作比较。",
         note_en="Township tier: beds of the township's health centres (central, ordinary and "
                 "community) ÷ the township's residents; county hospitals are left out (see "
                 "access to county-hospital beds). The township holding the county hospitals "
                 "is served by them directly, so the township tier does not apply there: it "
                 "has no value and no rank, and the county value covers the other townships. "
                 "The national target of 6 beds per 1,000 counts the beds of every health "
                 "institution, a different definition, so it is not compared."),
    _ind(key="health_county_beds_2sfca_per_1000", domain="health", kind="fca",
         zh="县级医院床位空间可达性（两步移动搜索法，30分钟车程）",
         en="Spatial access to county-hospital beds (2SFCA, 30-min drive)",
         unit_zh="张/千人", unit_en="beds / 1,000 residents", higher_is_better=True,
         facility_types=("county_hospital",), numerator="beds", mode="car",
         threshold="fca_catchment_min", headline=True, method=_LUO_WANG,
         note_zh="县级：县级医院床位服务全县，按所在位置与车程计可达性，不归任何乡镇所有。"
                 "全县加权平均等于县级医院床位 ÷ 全县常住人口（每所县级医院服务半径内都有居民时）；"
                 "所有县级医院服务半径之外的村（社区）为0。",
         note_en="County tier: county-hospital beds serve the whole county; access is by "
                 "where they stand and the drive, not owned by any township. The county mean "
                 "equals county-hospital beds ÷ all residents (when every county hospital has "
                 "residents within reach); villages beyond the catchment of every county "
                 "hospital get 0."),
    _ind(key="health_township_doctors_per_1000", domain="health", kind="provision",
         zh="每千常住人口乡镇及村级执业（助理）医师",
         en="Township and village doctors per 1,000 residents",
         unit_zh="人/千人", unit_en="doctors / 1,000 residents", higher_is_better=True,
         facility_types=(*_CENTRES, "village_clinic"), numerator="doctors",
         served_by_county=("county_hospital",),
         note_zh="乡镇级与村级：乡镇卫生院、社区卫生服务中心医师按本乡镇人口分摊，村卫生室医师"
                 "归本村；县级医院不计入（各级医生的可达性见两步移动搜索法指标）。县级医院所在"
                 "乡镇（街道）由县级医院直接服务：不计值、不参与排名。",
         note_en="Township and village tiers: doctors of the township's health centres spread "
                 "over its residents, village-clinic doctors on their village; county "
                 "hospitals are left out (access to doctors of every tier: the 2SFCA "
                 "indicator). The township holding the county hospitals is served by them "
                 "directly: no value, no rank."),
    _ind(key="health_clinic_coverage", domain="health", kind="coverage",
         zh="有村卫生室的村（社区）比例", en="Units with a village clinic",
         unit_zh="%", unit_en="%", higher_is_better=True, facility_types=("village_clinic",),
         population=(), weight="unit",
         note_zh="社区多由社区卫生服务站覆盖，城镇单元偏低属正常。",
         note_en="Urban communities are served by community health stations instead."),
    _ind(key="health_doctors_2sfca_per_1000", domain="health", kind="fca",
         zh="医生空间可达性（两步移动搜索法，30分钟车程）",
         en="Spatial access to doctors (2SFCA, 30-min drive)",
         unit_zh="人/千人", unit_en="doctors / 1,000 residents", higher_is_better=True,
         facility_types=_HEALTH, numerator="doctors", mode="car", threshold="fca_catchment_min",
         headline=True, method=_LUO_WANG),
    # -- elderly and child care (task 16) ------------------------------------------------------
    _ind(key="elderly_care_beds_per_1000_60plus", domain="elderly_care", kind="provision",
         zh="每千名60岁及以上老人养老床位", en="Care beds per 1,000 residents aged 60+",
         unit_zh="张/千名老人", unit_en="beds / 1,000 aged 60+", higher_is_better=True,
         facility_types=("care_home", "day_care", "medical_elderly"), population=_AGED,
         numerator="care_beds", target="care_beds_per_1000_60plus", headline=True),
    _ind(key="elderly_care_walk_min", domain="elderly_care", kind="time_to_nearest",
         zh="60岁及以上老人到最近敬老院/日间照料中心步行时间",
         en="Walk for residents 60+ to the nearest care home or day-care centre",
         unit_zh="分钟", unit_en="min", higher_is_better=False,
         facility_types=("care_home", "day_care"), population=_AGED, mode="walk_older",
         headline=True,
         note_zh="按60岁及以上老人的步行速度计。",
         note_en="At the walking speed of people aged 60+."),
    _ind(key="infant_care_places_per_1000_0_2", domain="elderly_care", kind="provision",
         zh="每千名0—2岁婴幼儿托位", en="Infant-care places per 1,000 children aged 0-2",
         unit_zh="个/千名0—2岁", unit_en="places / 1,000 aged 0-2", higher_is_better=True,
         facility_types=("infant_care",), population=("pop_0_2",), numerator="places",
         headline=True, note_zh="试点方案：托育机构试点。",
         note_en="The pilot plan pilots infant-care institutions."),
    # -- culture (task 14) ----------------------------------------------------------------------
    _ind(key="culture_complex_ebike_min", domain="culture", kind="time_to_nearest",
         zh="到最近乡镇文化综合体电动车时间", en="E-bike ride to the nearest township cultural complex",
         unit_zh="分钟", unit_en="min", higher_is_better=False,
         facility_types=("township_complex",), mode="ebike", headline=True,
         note_zh="乡村居民常用电动自行车。", note_en="E-bikes are the usual rural means."),
    _ind(key="culture_village_centre_coverage", domain="culture", kind="coverage",
         zh="有村级文化服务中心的村（社区）比例", en="Units with a village cultural service centre",
         unit_zh="%", unit_en="%", higher_is_better=True, facility_types=("village_centre",),
         population=(), weight="unit", headline=True),
    _ind(key="culture_courtyard_post_coverage", domain="culture", kind="coverage",
         zh="有院坝文化驿家的村（社区）比例", en="Units with a courtyard cultural post",
         unit_zh="%", unit_en="%", higher_is_better=True, facility_types=("courtyard_post",),
         population=(), weight="unit"),
    _ind(key="culture_complex_coverage", domain="culture", kind="coverage",
         zh="有乡镇文化综合体的乡镇比例", en="Townships with a township cultural complex",
         unit_zh="%", unit_en="%", higher_is_better=True, facility_types=("township_complex",),
         population=(), weight="township", headline=True),
    _ind(key="culture_library_branch_coverage", domain="culture", kind="coverage",
         zh="有图书馆分馆的乡镇比例", en="Townships with a library branch",
         unit_zh="%", unit_en="%", higher_is_better=True, facility_types=("library_branch",),
         population=(), weight="township"),
    _ind(key="culture_culture_branch_coverage", domain="culture", kind="coverage",
         zh="有文化馆分馆的乡镇比例", en="Townships with a cultural-centre branch",
         unit_zh="%", unit_en="%", higher_is_better=True, facility_types=("culture_branch",),
         population=(), weight="township"),
    _ind(key="culture_branch_hours_per_week", domain="culture", kind="ratio",
         zh="图书馆/文化馆分馆周开放时长", en="Weekly opening hours of library and cultural branches",
         unit_zh="小时/周", unit_en="h / week", higher_is_better=True,
         facility_types=("library_branch", "culture_branch"), numerator="hours_per_week",
         target="branch_hours_per_week",
         note_zh="无分馆的乡镇无值（见覆盖率指标）。",
         note_en="No value where the township has no branch (see the coverage indicators)."),
)

#: Indicators by key (read-only).
INDICATORS: Mapping[str, Indicator] = MappingProxyType({i.key: i for i in CATALOGUE})

#: Retired keys -> the indicator that took their place (for old links). Beds and doctors per
#: 1,000 mixed county-tier capacity, spread evenly over the county, with each township's own,
#: which ranked the county seat last for the health-centre capacity it does not need.
RETIRED: Mapping[str, str] = MappingProxyType({
    "health_beds_per_1000": "health_township_beds_per_1000",
    "health_doctors_per_1000": "health_township_doctors_per_1000",
})


def current_key(key: str) -> str:
    """The indicator key a link means today: a retired key gives its successor.

    >>> current_key("health_beds_per_1000"), current_key("edu_primary_walk_min")
    ('health_township_beds_per_1000', 'edu_primary_walk_min')
    """
    return RETIRED.get(str(key), str(key))


# -- explanations the pages show --------------------------------------------------------------

#: Why ``IndicatorTable.summaries[key][by]`` is None (:meth:`IndicatorTable.why_no_summary`):
#: reason -> (zh, en).
NO_SUMMARY_TEXT: Mapping[str, tuple[str, str]] = MappingProxyType({
    "township_level": (
        "这是按乡镇统计的有无（每个乡镇计一次）。一个乡镇同时含城镇和乡村、近处和远处的"
        "村（社区），拆成城乡或距县城五分位没有意义，只按乡镇比较。",
        "This is a yes or no per township, each township counted once. A township holds "
        "urban and rural, near and far villages alike, so splitting it into urban/rural or "
        "distance quintiles means nothing: it is compared by township only."),
    "no_value": ("没有村（社区）有数值。", "No village or community has a value."),
})

#: Sentence naming the townships that have no value of a ``served_by_county`` indicator:
#: (zh, en) with ``{towns}`` and ``{facilities}``.
SERVED_BY_COUNTY_TEXT: tuple[str, str] = (
    "{towns}有{facilities}（县级），其居民由县级设施直接服务：本乡镇级指标对其不适用，"
    "不计值、不参与乡镇排名。",
    "{towns}: the {facilities} (county tier) stand here and serve its residents directly, so "
    "this township-tier indicator does not apply: no value and no rank.",
)


def _age_text(columns: Sequence[str], zh: bool) -> str:
    """The age band of population columns in words (``pop_60_64`` + ``pop_65_plus`` → 60+)."""
    if tuple(columns) == ("population",):
        return "常住人口" if zh else "all residents"
    spans = []
    for c in columns:
        parts = c.split("_")
        if len(parts) != 3 or parts[0] != "pop" or not parts[1].isdigit():
            return " + ".join(columns)
        spans.append((int(parts[1]), None if parts[2] == "plus" else int(parts[2])))
    spans.sort(key=lambda x: x[0])
    for (_, hi), (lo, _) in zip(spans, spans[1:], strict=False):
        if hi is None or lo != hi + 1:
            return " + ".join(columns)
    lo, hi = spans[0][0], spans[-1][1]
    if zh:
        return f"{lo}岁及以上人口" if hi is None else f"{lo}—{hi}岁人口"
    return f"residents aged {lo}+" if hi is None else f"residents aged {lo}-{hi}"


def weighting_text(ind: Indicator, lang: str, *, short: bool = False) -> str:
    """How every summary of ``ind`` (group means, Gini, Theil, gap measures) weights units.

    ``population``: every resident of the band counts once; ``unit``: every village or
    community counts once; ``township``: every township counts once (split equally over its
    units). ``short`` gives the few words for a parenthesis.

    Examples
    --------
    >>> weighting_text(INDICATORS["elderly_care_walk_min"], "zh", short=True)
    '按60岁及以上人口加权'
    >>> weighting_text(INDICATORS["health_clinic_coverage"], "en", short=True)
    'each village counts once'
    >>> weighting_text(INDICATORS["culture_complex_coverage"], "en")[:40]
    'Township-weighted: every township counts'
    """
    zh = lang == "zh"
    if ind.weight == "unit":
        if short:
            return "每个村（社区）计一次" if zh else "each village counts once"
        return ("按村（社区）等权：每个村（社区）计一次，不论人口多少。" if zh
                else "Unit-weighted: every village or community counts once, whatever its "
                     "population.")
    if ind.weight == "township":
        if short:
            return "每个乡镇计一次" if zh else "each township counts once"
        return ("按乡镇等权：每个乡镇计一次（平分到其村（社区）），不论人口多少、村数多少。" if zh
                else "Township-weighted: every township counts once (split equally over its "
                     "villages), whatever its population or number of villages.")
    band = _age_text(ind.population, zh)
    if short:
        return f"按{band}加权" if zh else f"weighted by {band}"
    return (f"按{band}加权：每人计一次，人多的村（社区）分量大。" if zh
            else f"Population-weighted ({band}): every resident counts once, so villages with "
                 "more people count more.")


def served_by_county_note(ind: Indicator, towns: Sequence[str], lang: str) -> str:
    """The sentence for the townships (names) without a value of ``ind`` because county-tier
    facilities serve them (:attr:`Indicator.served_by_county`); empty when there are none.

    Examples
    --------
    >>> served_by_county_note(INDICATORS["health_township_beds_per_1000"], ["淙城街道"], "zh")[:14]
    '淙城街道有县级医院（县级），'
    >>> served_by_county_note(INDICATORS["health_township_beds_per_1000"], ["淙城街道"], "en")[:40]
    '淙城街道: the county hospitals (county tier)'
    """
    if not towns or not ind.served_by_county:
        return ""
    from etl.schema import FACILITY_TYPES

    zh = lang == "zh"
    labels = [FACILITY_TYPES[ty][2 if zh else 3] if ty in FACILITY_TYPES else ty
              for ty in ind.served_by_county]
    text = SERVED_BY_COUNTY_TEXT[0 if zh else 1]
    return text.format(towns=("、" if zh else ", ").join(towns),
                       facilities=("、" if zh else ", ").join(labels if zh else
                                                           [x.lower() + "s" for x in labels]))


# -- prepared state ---------------------------------------------------------------------------

@dataclass(frozen=True)
class _Catchment:
    """Unit-facility pairs of one 2SFCA indicator (from the travel model) and the supply."""

    pairs: travel.Pairs
    supply: np.ndarray


@dataclass(frozen=True)
class Prepared:
    """Threshold-independent state of :func:`prepare`; read it, never modify it.

    ``units``: one row per unit (index ``code``) with ``urban_rural``, ``township_code``,
    ``dist_town_km`` and ``distance_quintile`` (Q1 nearest the county town). ``weights``:
    the summary weight of every indicator per unit. ``nearest``: the nearest facility of
    each type group (key ``"+".join(types)``), as the travel model answered it;
    :attr:`nearest_km` its km as a table (inf when there is none, NaN when the unit has no
    point). ``model``: the travel model used. ``static_values``/``static_summaries``: indicators no
    setting changes. ``base_values``/``base_summaries``: the travel-time indicators at
    the default settings, reused by :func:`evaluate` when an indicator's own settings
    (:attr:`Indicator.depends_on`) are unchanged or its unit values come out the same.
    ``notes``: what was left out, for the reader. ``unloaded``: the indicators whose
    registers are not loaded at all, whose values are NaN (unknown, not zero).
    ``not_applicable``: per indicator with :attr:`Indicator.served_by_county`, the township
    codes served by the county tier instead, whose units are NaN (the tier does not apply).
    ``population``: residents per unit (0 unknown). ``n_destinations``: per type group, the
    facilities with a point (a unit that reaches none of them has no road connection).
    """

    catalogue: tuple[Indicator, ...]
    units: pd.DataFrame = field(repr=False)
    weights: pd.DataFrame = field(repr=False)
    nearest: Mapping[str, travel.Nearest] = field(repr=False)
    static_values: pd.DataFrame = field(repr=False)
    static_summaries: Mapping[str, Mapping[str, dict[str, Any] | None]] = field(repr=False)
    base_values: pd.DataFrame = field(repr=False)
    base_summaries: Mapping[str, Mapping[str, dict[str, Any] | None]] = field(repr=False)
    catchments: Mapping[str, _Catchment] = field(repr=False)
    located: np.ndarray = field(repr=False)
    max_radius_km: float = 50.0
    notes: tuple[str, ...] = ()
    #: Indicators whose facility registers hold no row (:func:`register_loaded`): no data.
    unloaded: frozenset[str] = frozenset()
    model: travel.TravelModel = travel.STRAIGHT
    #: Per ``served_by_county`` indicator, the townships left without a value (codes).
    not_applicable: Mapping[str, tuple[str, ...]] = field(default_factory=dict, repr=False)
    population: np.ndarray = field(default_factory=lambda: np.zeros(0), repr=False)
    n_destinations: Mapping[str, int] = field(default_factory=dict, repr=False)
    #: :func:`no_road` of every travel-time indicator at the default settings (units × keys).
    base_no_road: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)

    @property
    def nearest_km(self) -> pd.DataFrame:
        """Km to the nearest facility of each type group (units × groups)."""
        return pd.DataFrame({k: v.km for k, v in self.nearest.items()}, index=self.units.index)


def _group_label(types: Sequence[str]) -> str:
    return "+".join(types)


def _units_table(units: pd.DataFrame) -> pd.DataFrame:
    u = units.set_index("code", drop=True) if "code" in units.columns else units.copy()
    u.index = u.index.astype(str)
    u.index.name = "code"
    if not u.index.is_unique:
        raise ValueError("unit codes must be unique")
    for col in ("lat", "lon", "township_code", "urban_rural"):
        if col not in u.columns:
            raise ValueError(f"units lack column {col!r}")
    return u


def _band(u: pd.DataFrame, columns: Sequence[str]) -> np.ndarray:
    missing = [c for c in columns if c not in u.columns]
    if missing:
        raise ValueError(f"units lack population columns {missing}")
    return u[list(columns)].apply(pd.to_numeric, errors="coerce").fillna(0).to_numpy(float).sum(axis=1)


def _placeable(u: pd.DataFrame, fac: pd.DataFrame) -> pd.DataFrame:
    """Facilities under the catchment rule: only village/group tiers keep their unit."""
    f = fac.copy()
    tier = f["tier"] if "tier" in f.columns else pd.Series("township", index=f.index)
    if "unit_code" not in f.columns:
        f["unit_code"] = None
    f["unit_code"] = f["unit_code"].where(tier.isin(["village", "group"]), None)
    known_unit = f["unit_code"].astype("string").isin(u.index).fillna(False)
    known_town = f["township_code"].astype("string").isin(
        u["township_code"].dropna().astype(str)).fillna(False)
    return f.loc[(tier == "county") | known_unit | known_town]


def _allocated(u: pd.DataFrame, fac: pd.DataFrame, columns: list[str],
               pop: Sequence[str]) -> pd.DataFrame:
    """Σ share and Σ share·column per unit (rows = units, zeros where nothing falls)."""
    alloc = allocate_to_units(u, fac, columns, pop_columns=pop or ("population",))
    sums = alloc.groupby("unit")[["share", *columns]].sum(min_count=0)
    return sums.reindex(u.index).astype(float).fillna(0.0)


def _distance_quintiles(dist: np.ndarray, pop: np.ndarray) -> np.ndarray:
    """Population quintiles of distance: Q1 nearest; a unit's quintile holds its mid-point."""
    out = np.full(dist.shape, None, dtype=object)
    ok = np.isfinite(dist)
    if not ok.any():
        return out
    d, p = dist[ok], pop[ok]
    if p.sum() <= 0:
        p = np.ones_like(p)
    order = np.argsort(d, kind="stable")
    cum = np.cumsum(p[order])
    mid = (cum - p[order] / 2.0) / cum[-1]
    q = np.empty(d.shape, dtype=object)
    q[order] = np.array([f"Q{int(min(m * 5, 4)) + 1}" for m in mid], dtype=object)
    out[ok] = q
    return out


def _summaries(ind: Indicator, values: np.ndarray, weights: np.ndarray,
               groupings: Mapping[str, np.ndarray]) -> dict[str, dict[str, Any] | None]:
    """:func:`summarise` by every grouping; None where no unit has a value."""
    out: dict[str, dict[str, Any] | None] = {}
    for by, groups in groupings.items():
        if by not in ind.groupings:
            out[by] = None  # not split this way (IndicatorTable.why_no_summary)
            continue
        ordered = QUINTILES_ORDERED if by == "distance_quintile" else None
        try:
            out[by] = summarise(values, weights, groups, ind.higher_is_better, ordered=ordered)
        except ValueError:
            out[by] = None
    return out


def register_loaded(fac: pd.DataFrame, types: Sequence[str]) -> bool:
    """Whether ``fac`` holds any row of the register kinds that carry ``types``
    (``etl.schema.REGISTER_KINDS``): without such a register a count, coverage or ratio
    is unknown, not zero. Types of no register kind count as loaded.

    >>> fac = pd.DataFrame({"type": ["health_centre"]})
    >>> register_loaded(fac, ["village_clinic"]), register_loaded(fac, ["central_health_centre"])
    (False, True)
    >>> register_loaded(fac.iloc[0:0], ["no_such_type"])
    True
    """
    from etl.schema import REGISTER_KINDS

    kinds = [set(ts) for ts in REGISTER_KINDS.values() if set(ts) & set(types)]
    if not kinds:
        return True
    present = set(fac["type"].astype(str)) if len(fac) else set()
    return bool(present & set().union(*kinds))


def _served_towns(u: pd.DataFrame, fac: pd.DataFrame, ind: Indicator) -> tuple[str, ...]:
    """Township codes (sorted) holding a facility of ``ind.served_by_county``, by the
    facility's township or, without one, its unit's township."""
    if not ind.served_by_county or not len(fac):
        return ()
    hold = fac.loc[fac["type"].isin(ind.served_by_county)]
    town = hold["township_code"].astype("string") if "township_code" in hold.columns else \
        pd.Series(pd.NA, index=hold.index, dtype="string")
    if "unit_code" in hold.columns:
        of_unit = hold["unit_code"].astype("string").map(u["township_code"].astype("string"))
        town = town.fillna(of_unit)
    known = set(u["township_code"].dropna().astype(str))
    return tuple(sorted({str(c) for c in town.dropna()} & known))


def _static_values(u: pd.DataFrame, fac: pd.DataFrame, ind: Indicator) -> np.ndarray:
    """Unit values of a provision, ratio or coverage indicator; NaN (no data) when the
    registers of its facility types hold no row at all (:func:`register_loaded`), and NaN
    (not applicable) in the townships served by the county tier instead
    (:attr:`Indicator.served_by_county`)."""
    values = _static_raw(u, fac, ind)
    served = _served_towns(u, fac, ind)
    if served:
        values = np.where(u["township_code"].astype(str).isin(served).to_numpy(), np.nan, values)
    return values


def _static_raw(u: pd.DataFrame, fac: pd.DataFrame, ind: Indicator) -> np.ndarray:
    if not register_loaded(fac, ind.facility_types):
        return np.full(len(u), np.nan)
    of_type = fac.loc[fac["type"].isin(ind.facility_types)]
    if ind.kind == "coverage":
        level = "township" if ind.weight == "township" else "unit"
        cov = coverage_by_tier(u, of_type, dict.fromkeys(ind.facility_types, level))
        if level == "unit":
            has = cov.units[[f"has_{t}" for t in ind.facility_types]].any(axis=1)
        else:
            town = cov.townships[[f"has_{t}" for t in ind.facility_types]].any(axis=1)
            has = u["township_code"].astype("string").map(town).fillna(False).astype(bool)
        return 100.0 * has.to_numpy(dtype=float)
    placed = _placeable(u, of_type)
    if ind.kind == "provision":
        sums = _allocated(u, placed, [ind.numerator], ind.population)  # type: ignore[list-item]
        pop = _band(u, ind.population)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(pop > 0, ind.per * sums[ind.numerator].to_numpy() / pop, np.nan)
    cols = [c for c in (ind.numerator, ind.denominator) if c is not None]
    complete = placed.loc[placed[cols].notna().all(axis=1)]
    sums = _allocated(u, complete, cols, ind.population)
    den = sums["share"] if ind.denominator is None else sums[ind.denominator]
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, sums[ind.numerator] / den.where(den > 0, 1.0), np.nan)


def _weights(u: pd.DataFrame, ind: Indicator) -> np.ndarray:
    if ind.weight == "unit":
        return np.ones(len(u))
    if ind.weight == "township":
        return 1.0 / u.groupby("township_code")["township_code"].transform("size").to_numpy(float)
    return _band(u, ind.population)


def prepare(
    units: pd.DataFrame,
    facilities: pd.DataFrame,
    *,
    county_town: tuple[float, float] | None = None,
    max_radius_km: float = 50.0,
    catalogue: Sequence[Indicator] = CATALOGUE,
    model: travel.TravelModel | None = None,
) -> Prepared:
    """Threshold-independent work for every indicator of ``catalogue``, done once.

    Parameters
    ----------
    units, facilities : DataFrame
        Tables of the schema (``units`` with ``code``, ``lat``, ``lon``,
        ``township_code``, ``urban_rural`` and the population columns; ``facilities``
        with ``type``, ``tier``, ``unit_code``, ``township_code``, ``lat``, ``lon`` and
        the capacity columns).
    county_town : (lat, lon), optional
        The county-town point for the distance quintiles; default the
        population-weighted centre of the units of 淙城街道 (:data:`COUNTY_TOWN_CODE`),
        else of the urban units.
    max_radius_km : float
        Radius of the unit-facility pairs kept for the 2SFCA. :func:`evaluate` finds
        new pairs itself when a catchment needs more (correct, just slower).
    catalogue : sequence of Indicator
        The indicators to prepare.
    model : TravelModel, optional
        The travel model (:mod:`metrics.travel`); default the straight line.

    Returns
    -------
    Prepared

    Examples
    --------
    >>> units = pd.DataFrame({"code": ["a", "b"], "lat": [31.0, 31.0], "lon": [108.0, 108.1],
    ...                       "township_code": ["t", "t"], "urban_rural": ["urban", "rural"],
    ...                       "population": [100, 300], "pop_6_11": [10, 30]})
    >>> fac = pd.DataFrame({"id": ["s"], "type": ["primary"], "tier": ["township"],
    ...                     "unit_code": ["a"], "township_code": ["t"],
    ...                     "lat": [31.0], "lon": [108.0], "students": [40], "teachers": [4]})
    >>> p = prepare(units, fac, catalogue=[INDICATORS["edu_primary_walk_min"]])
    >>> p.nearest_km.round(2).iloc[:, 0].tolist()  # 0.1° of longitude at 31° N
    [0.0, 9.53]
    """
    u = _units_table(units)
    fac = facilities.reset_index(drop=True)
    cat = tuple(catalogue)
    # capacity columns a register did not provide count as unknown
    needed = {c for i in cat for c in (i.numerator, i.denominator) if c is not None}
    fac = fac.assign(**dict.fromkeys(sorted(needed - set(fac.columns)), np.nan))
    lat = pd.to_numeric(u["lat"], errors="coerce").to_numpy(float)
    lon = pd.to_numeric(u["lon"], errors="coerce").to_numpy(float)
    notes: list[str] = []

    # county town and distance quintiles (by total population when present)
    pop_all = _band(u, ("population",)) if "population" in u.columns else np.ones(len(u))
    if county_town is None:
        pick = (u["township_code"].astype(str) == COUNTY_TOWN_CODE).to_numpy()
        if not pick.any():
            pick = (u["urban_rural"] == "urban").to_numpy()
        ok = pick & np.isfinite(lat) & np.isfinite(lon)
        if ok.any():
            w = pop_all[ok] if pop_all[ok].sum() > 0 else np.ones(ok.sum())
            county_town = (float(np.average(lat[ok], weights=w)),
                           float(np.average(lon[ok], weights=w)))
    if county_town is not None:
        # remoteness as a place, not a trip: the straight distance to the county town
        dist_town = travel.distance_km((lat, lon), ([county_town[0]], [county_town[1]]))[:, 0]
    else:
        dist_town = np.full(len(u), np.nan)
        notes.append("no county-town point: distance quintiles left out")
    frame = pd.DataFrame({
        "urban_rural": u["urban_rural"].to_numpy(object),
        "township_code": u["township_code"].astype("string").to_numpy(object),
        "dist_town_km": dist_town,
        "distance_quintile": _distance_quintiles(dist_town, pop_all),
    }, index=u.index)
    frame.attrs["county_town"] = county_town
    groupings = {by: frame[by].to_numpy(object) for by in GROUPINGS}

    model = model or travel.STRAIGHT
    nearest_cols: dict[str, travel.Nearest] = {}
    weights: dict[str, np.ndarray] = {}
    static_values: dict[str, np.ndarray] = {}
    static_summaries: dict[str, dict[str, dict[str, Any] | None]] = {}
    catchments: dict[str, _Catchment] = {}
    located = fac["lat"].notna() & fac["lon"].notna()
    unloaded = frozenset(i.key for i in cat if not register_loaded(fac, i.facility_types))
    not_applicable: dict[str, tuple[str, ...]] = {}
    n_destinations: dict[str, int] = {}
    for ind in cat:
        weights[ind.key] = _weights(u, ind)
        of_type = fac.loc[fac["type"].isin(ind.facility_types)]
        if ind.served_by_county:
            not_applicable[ind.key] = _served_towns(u, fac, ind)
        if ind.kind in _STATIC_KINDS:
            values = _static_values(u, fac, ind)
            static_values[ind.key] = values
            static_summaries[ind.key] = _summaries(ind, values, weights[ind.key], groupings)
            continue
        label = _group_label(ind.facility_types)
        if label not in nearest_cols:
            nearest_cols[label] = model.nearest((lat, lon), of_type)
            n_destinations[label] = int(located.loc[of_type.index].sum())
        if ind.kind == "fca":
            sup = of_type.loc[located]
            supply = pd.to_numeric(sup[ind.numerator], errors="coerce").fillna(0).to_numpy(float)
            catchments[ind.key] = _Catchment(model.within((lat, lon), sup, max_radius_km), supply)
        n_lost = int((~located.loc[of_type.index]).sum())
        if n_lost:
            notes.append(f"{ind.key}: {n_lost} facilities without coordinates left out")
    index = u.index
    partial = Prepared(
        catalogue=cat, units=frame,
        weights=pd.DataFrame(weights, index=index),
        nearest=MappingProxyType(nearest_cols),
        static_values=pd.DataFrame(static_values, index=index),
        static_summaries=MappingProxyType(static_summaries),
        base_values=pd.DataFrame(index=index), base_summaries=MappingProxyType({}),
        catchments=MappingProxyType(catchments), located=np.isfinite(lat) & np.isfinite(lon),
        max_radius_km=float(max_radius_km), notes=tuple(dict.fromkeys(notes)),
        unloaded=unloaded, model=model, not_applicable=MappingProxyType(not_applicable),
        population=pop_all if "population" in u.columns else np.zeros(len(u)),
        n_destinations=MappingProxyType(n_destinations),
    )
    # the travel-time indicators at the default settings, for evaluate to reuse
    base_values: dict[str, np.ndarray] = {}
    base_summaries: dict[str, dict[str, dict[str, Any] | None]] = {}
    base_no_road: dict[str, np.ndarray] = {}
    for ind in cat:
        if ind.kind not in _STATIC_KINDS:
            base_values[ind.key] = _dynamic_values(partial, ind, {})
            base_summaries[ind.key] = _summaries(ind, base_values[ind.key],
                                                 weights[ind.key], groupings)
            base_no_road[ind.key] = no_road(partial, ind)
    return replace(partial, base_values=pd.DataFrame(base_values, index=index),
                   base_summaries=MappingProxyType(base_summaries),
                   base_no_road=pd.DataFrame(base_no_road, index=index, dtype=bool))


# -- evaluation ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class IndicatorTable:
    """Result of :func:`evaluate`; shared pieces (static summaries) must not be modified.

    ``values``/``weights``: unit × indicator. ``summaries[key][by]``: the
    :func:`metrics.inequality.summarise` dict of indicator ``key`` by grouping ``by``
    (``urban_rural``, ``township_code``, ``distance_quintile``), or None when no unit has
    a value or when the indicator is not split that way (:meth:`why_no_summary`). ``county``:
    per indicator ``value`` (weighted mean), ``n_units`` with a value, ``target``, ``gap``,
    ``status`` (``met``/``not_met``/``no_data``/None without a target), and of the
    travel-time indicators the units with a point that reach no facility of the indicator
    although one has a point, ``no_road_units``, and their residents, ``no_road_pop``: no
    road connection (never with straight lines; :func:`no_road`). A share-within indicator
    counts them as not within, a time-to-nearest one leaves them out of its mean, a 2SFCA
    gives them no access. ``settings``:
    every setting value used. ``not_applicable``: per indicator with
    :attr:`Indicator.served_by_county`, the township codes without a value because the
    county tier serves them (:func:`served_by_county_note` words it).
    """

    catalogue: tuple[Indicator, ...]
    values: pd.DataFrame = field(repr=False)
    weights: pd.DataFrame = field(repr=False)
    units: pd.DataFrame = field(repr=False)
    summaries: Mapping[str, Mapping[str, dict[str, Any] | None]] = field(repr=False)
    county: pd.DataFrame = field(repr=False)
    settings: Mapping[str, float] = field(repr=False)
    not_applicable: Mapping[str, tuple[str, ...]] = field(default_factory=dict, repr=False)

    def why_no_summary(self, key: str, by: str) -> str | None:
        """Why ``summaries[key][by]`` is None — a key of :data:`NO_SUMMARY_TEXT`
        (``township_level``: the indicator is not split that way; ``no_value``: no unit has
        a value) — or None when there is a summary."""
        if self.summaries[key][by] is not None:
            return None
        ind = next(i for i in self.catalogue if i.key == key)
        return "no_value" if by in ind.groupings else "township_level"

    def by_group(self, by: str = "urban_rural") -> pd.DataFrame:
        """Group values (weighted means): index group, one column per indicator."""
        if by not in GROUPINGS:
            raise ValueError(f"by must be one of {list(GROUPINGS)}")
        cols = {}
        for ind in self.catalogue:
            s = self.summaries[ind.key][by]
            cols[ind.key] = s["groups"]["mean"] if s is not None else pd.Series(dtype=float)
        return pd.DataFrame(cols)


def _checked(overrides: Mapping[str, float] | None) -> dict[str, float]:
    over = dict(overrides or {})
    for key in over:  # validates names and values
        settings.get(key, over)
    return over


def _dynamic_values(p: Prepared, ind: Indicator, over: Mapping[str, float]) -> np.ndarray:
    """Unit values of a travel-time indicator under the settings (NaN when its registers
    are not loaded)."""
    if ind.key in p.unloaded:
        return np.full(len(p.located), np.nan)
    if ind.kind == "fca":
        c = p.catchments[ind.key]
        t0 = settings.get(ind.threshold, over)  # type: ignore[arg-type]
        # the pairs within t0 by the mode (found afresh beyond the prepared bound)
        o, d, minutes = c.pairs.pairs(ind.mode, t0, over)  # type: ignore[arg-type]
        demand = p.weights[ind.key].to_numpy()
        res = two_step_fca_arrays(demand, c.supply, o, d, minutes, np.inf)
        return np.where(p.located, ind.per * res.access, np.nan)
    minutes = p.nearest[_group_label(ind.facility_types)].minutes(ind.mode, over)  # type: ignore[arg-type]
    if ind.kind == "time_to_nearest":
        return np.where(np.isinf(minutes), np.nan, minutes)
    t0 = settings.get(ind.threshold, over)  # type: ignore[arg-type]
    return np.where(np.isnan(minutes), np.nan, 100.0 * (minutes <= t0))


def no_road(p: Prepared, ind: Indicator, overrides: Mapping[str, float] | None = None
            ) -> np.ndarray:
    """Per unit, whether it has a point but reaches no facility of ``ind`` by its mode
    although some facility of it has a point: no road connection (``inf`` minutes; never
    with straight lines). False for the indicators without travel.

    >>> units = pd.DataFrame({"code": ["a"], "lat": [31.0], "lon": [108.0], "pop_6_11": [5],
    ...                       "township_code": ["t"], "urban_rural": ["rural"]})
    >>> fac = pd.DataFrame({"id": ["s"], "type": ["primary"], "tier": ["township"],
    ...                     "unit_code": ["a"], "township_code": ["t"], "lat": [31.1], "lon": [108.0]})
    >>> no_road(prepare(units, fac, catalogue=[INDICATORS["edu_primary_walk_min"]]),
    ...         INDICATORS["edu_primary_walk_min"]).tolist()
    [False]
    """
    label = _group_label(ind.facility_types)
    if ind.kind in _STATIC_KINDS or ind.key in p.unloaded or not p.n_destinations.get(label):
        return np.zeros(len(p.located), dtype=bool)
    minutes = p.nearest[label].minutes(ind.mode, _checked(overrides))  # type: ignore[arg-type]
    return p.located & np.isinf(minutes)


def _depends_on(ind: Indicator) -> tuple[str, ...]:
    """:attr:`Indicator.depends_on` and, for a travel-time indicator, the adult walking
    speed: along roads the off-road legs are walked at it (:mod:`metrics.network`)."""
    keys = ind.depends_on
    return (*keys, "speed_walk_kmh") if keys and "speed_walk_kmh" not in keys else keys


def evaluate(prepared: Prepared, overrides: Mapping[str, float] | None = None) -> IndicatorTable:
    """Every indicator under the settings (defaults replaced by ``overrides``).

    Recomputes only what the settings change — the travel-time, share-within and 2SFCA
    indicators whose own settings differ from the defaults, summarised again only when
    their unit values changed — and reuses the rest from :func:`prepare`. On Kaijiang a
    threshold change takes a few milliseconds, a detour-factor change (every travel-time
    indicator) a few tens (``bench/bench_recompute.py``).

    Examples
    --------
    >>> units = pd.DataFrame({"code": ["a", "b"], "lat": [31.0, 31.0], "lon": [108.0, 108.1],
    ...                       "township_code": ["t", "t"], "urban_rural": ["urban", "rural"],
    ...                       "population": [100, 300], "pop_6_11": [10, 30]})
    >>> fac = pd.DataFrame({"id": ["s"], "type": ["primary"], "tier": ["township"],
    ...                     "unit_code": ["a"], "township_code": ["t"],
    ...                     "lat": [31.0], "lon": [108.0], "students": [40], "teachers": [4]})
    >>> p = prepare(units, fac, catalogue=[INDICATORS["edu_primary_share_30min"]])
    >>> evaluate(p).values.iloc[:, 0].tolist()  # b: 9.53 km × 1.3 / 4 km/h (a child) = 186 min
    [100.0, 0.0]
    >>> float(evaluate(p, {"primary_lower_max_min": 190}).county.loc["edu_primary_share_30min", "value"])
    100.0
    """
    over = _checked(overrides)
    groupings = {by: prepared.units[by].to_numpy(object) for by in GROUPINGS}
    values: dict[str, np.ndarray] = {}
    summaries: dict[str, Mapping[str, dict[str, Any] | None]] = {}
    rows = []
    for ind in prepared.catalogue:
        w = prepared.weights[ind.key].to_numpy()
        if ind.key in prepared.static_summaries:
            v = prepared.static_values[ind.key].to_numpy()
            summaries[ind.key] = prepared.static_summaries[ind.key]
            cut = np.zeros(len(v), dtype=bool)
        elif all(settings.get(k, over) == settings.get(k) for k in _depends_on(ind)):
            v = prepared.base_values[ind.key].to_numpy()
            summaries[ind.key] = prepared.base_summaries[ind.key]
            cut = prepared.base_no_road[ind.key].to_numpy()
        else:
            v = _dynamic_values(prepared, ind, over)
            base = prepared.base_values[ind.key].to_numpy()
            same = np.array_equal(v, base, equal_nan=True)
            summaries[ind.key] = (prepared.base_summaries[ind.key] if same
                                  else _summaries(ind, v, w, groupings))
            cut = no_road(prepared, ind, over)
        values[ind.key] = v
        ok = ~np.isnan(v) & (w > 0)
        value = float(np.dot(v[ok], w[ok]) / w[ok].sum()) if ok.any() else float("nan")
        pop = prepared.population
        row = {"key": ind.key, "value": value, "n_units": int(ok.sum()),
               "target": np.nan, "gap": np.nan, "gap_pct": np.nan, "status": None,
               "no_road_units": int(cut.sum()),
               "no_road_pop": float(pop[cut].sum()) if len(pop) == len(cut) else 0.0}
        if ind.target is not None:
            cmp = compare_target(None if np.isnan(value) else value,
                                 settings.get(ind.target, over), ind.higher_is_better)
            row.update(target=cmp.target, gap=cmp.gap, gap_pct=cmp.gap_pct, status=cmp.status)
        rows.append(row)
    used = {k: settings.get(k, over) for k in settings.SETTINGS}
    return IndicatorTable(
        catalogue=prepared.catalogue,
        values=pd.DataFrame(values, index=prepared.units.index),
        weights=prepared.weights, units=prepared.units,
        summaries=MappingProxyType(summaries),
        county=pd.DataFrame(rows).set_index("key"),
        settings=MappingProxyType(used),
        not_applicable=prepared.not_applicable,
    )


# -- documentation ------------------------------------------------------------------------------

def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _population_label(ind: Indicator) -> str:
    if ind.weight == "unit":
        return "units (equal weight)"
    if ind.weight == "township":
        return "townships (equal weight)"
    return " + ".join(f"`{c}`" for c in ind.population)


def _standard(ind: Indicator) -> str:
    parts = []
    for role, key in (("threshold", ind.threshold), ("target", ind.target)):
        if key is not None:
            s = settings.SETTINGS[key]
            flag = "" if s.verified else " (unverified)"
            parts.append(f"{role} `{key}` = {s.default:g} {s.unit}{flag}")
    return "; ".join(parts) or "—"


def indicators_markdown() -> str:
    """The catalogue as a Markdown table (``docs/indicators.md`` contains this text).

    Examples
    --------
    >>> print(indicators_markdown().splitlines()[0])
    | Domain | Key | 中文 | English | Unit | Kind | Formula | Population | Facility types | Mode | Standard / target | Source | Higher is better |
    """
    lines = [
        "| Domain | Key | 中文 | English | Unit | Kind | Formula | Population | Facility types "
        "| Mode | Standard / target | Source | Higher is better |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for ind in CATALOGUE:
        formula = _formula(ind.kind, "en", ind.per, ind.denominator, ind.weight,
                           bool(ind.served_by_county))
        if ind.numerator:
            formula += f"; numerator `{ind.numerator}`"
        if ind.denominator:
            formula += f", denominator `{ind.denominator}`"
        if ind.served_by_county:
            held = ", ".join(f"`{t}`" for t in ind.served_by_county)
            formula += f"; no value in a township holding a {held} (served by the county tier)"
        if ind.weight == "township":
            formula += "; compared by township only (no urban/rural or quintile split)"
        types = ", ".join(f"`{t}`" for t in ind.facility_types)
        cells = [DOMAINS[ind.domain][1], f"`{ind.key}`", ind.zh, ind.en,
                 f"{ind.unit_zh} / {ind.unit_en}", ind.kind, formula, _population_label(ind),
                 types, ind.mode or "—", _standard(ind), ind.source,
                 "yes" if ind.higher_is_better else "no"]
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return "\n".join(lines) + "\n"
