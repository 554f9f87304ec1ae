"""The one declared table of tunables: travel speeds, access standards, provision targets.

Every number the access and provision metrics use lives here as data, with its
unit, Chinese and English labels, help text, source and a ``verified`` flag.
``verified=True`` means the value was checked against the cited document (or a
report quoting it); ``verified=False`` marks a modelling assumption or a value
not yet checked against the original text. Pages render help text from this
table; the README/docs table is produced by :func:`settings_markdown`.

A setting that a page lets the user change also declares its slider: the range and step
(:class:`SliderRange`, floats), read by every page through :func:`slider`, so the same
URL parameter (the setting's key) means the same thing on every page.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import NamedTuple

__all__ = [
    "GROUPS", "MODES", "SETTINGS", "Setting", "SliderRange", "get", "settings_markdown", "slider",
    "speed_key",
]


class SliderRange(NamedTuple):
    """The values a page's slider offers for a setting: ``lo`` to ``hi`` in steps of ``step``."""

    lo: float
    hi: float
    step: float


@dataclass(frozen=True)
class Setting:
    """One tunable: a default value and everything needed to explain it."""

    key: str
    default: float
    unit: str
    zh: str
    en: str
    help_zh: str
    help_en: str
    source: str
    verified: bool
    group: str
    #: Slider range on every page that offers this setting; None: no page changes it.
    slider: SliderRange | None = None


#: Groups in display order: key -> (zh, en).
GROUPS: dict[str, tuple[str, str]] = {
    "travel": ("出行方式与速度", "Travel modes and speeds"),
    "access": ("可达性标准", "Access standards"),
    "provision": ("配置标准", "Provision targets"),
    "decay": ("距离衰减参数", "Distance-decay parameters"),
}

_ASSUMPTION = "assumption"

_TABLE: tuple[Setting, ...] = (
    # -- travel -------------------------------------------------------------------
    Setting("speed_walk_kmh", 4.5, "km/h", "成人步行速度", "Walking speed, adults",
            "成人平均步行速度（18—59岁）；儿童与60岁及以上老人各有单独的步行速度。",
            "Average walking speed of adults (18-59); children and people aged 60+ have "
            "speeds of their own.",
            _ASSUMPTION, False, "travel",
            slider=SliderRange(2.0, 8.0, 0.5)),
    Setting("speed_walk_child_kmh", 4.0, "km/h", "儿童步行速度（上学）",
            "Walking speed, children (school trips)",
            "6—14岁儿童上学步行的平均速度，用于小学与幼儿园步行指标（3—5岁幼儿由大人陪同，"
            "按儿童步速计，可能偏快）。平地10米步行测试中7—12岁儿童约1.2—1.3 m/s"
            "（约4.5 km/h，泗水小学生测试，2022），背书包走丘陵山路更慢，取4 km/h为假设。",
            "Average walking speed of children aged 6-14 on the way to school, used by the "
            "primary-school and kindergarten walking indicators (children of 3-5 walk with an "
            "adult at a child's pace, so this is likely fast for them). Ten-metre walk tests "
            "on the flat find about 1.2-1.3 m/s (about 4.5 km/h) at ages 7-12 (primary pupils in "
            "Surabaya, 2022); with a school bag on hill paths children walk slower, so 4 km/h "
            "is an assumption.",
            _ASSUMPTION, False, "travel",
            slider=SliderRange(2.0, 6.0, 0.5)),
    Setting("speed_walk_older_kmh", 3.6, "km/h", "老年人步行速度（60岁及以上）",
            "Walking speed, people aged 60+",
            "60岁及以上老人的步行速度，用于养老设施步行指标：1.0 m/s（3.6 km/h），即北美针对"
            "60岁以上行人、靠近老年活动中心和养老院的人行横道的设计步速；借用于乡村步行为假设。",
            "Walking speed of people aged 60+, used by the elderly-care walking indicators: "
            "1.0 m/s (3.6 km/h), the design walking speed for pedestrians over 60 at crossings "
            "near seniors' centres and nursing homes in North America; applying it to rural "
            "walks is an assumption.",
            "Coffin A. & Morrall J. (1995) Walking speeds of elderly pedestrians at crosswalks, "
            "Transportation Research Record 1487:63-67（据摘要：60岁以上行人设计步速 1.0 m/s；"
            "北美过街步速，借用为假设）",
            False, "travel",
            slider=SliderRange(2.0, 6.0, 0.2)),
    Setting("speed_bicycle_kmh", 12.0, "km/h", "自行车速度", "Bicycle speed",
            "丘陵乡村道路上的自行车平均速度。",
            "Average bicycle speed on hilly rural roads.",
            _ASSUMPTION, False, "travel",
            slider=SliderRange(5.0, 25.0, 1.0)),
    Setting("speed_ebike_kmh", 15.0, "km/h", "电动自行车速度", "E-bike speed",
            "电动自行车平均速度（GB 17761-2018 限速 25 km/h，乡村道路取较低值）。",
            "Average e-bike speed (GB 17761-2018 caps design speed at 25 km/h; rural roads lower).",
            _ASSUMPTION, False, "travel",
            slider=SliderRange(5.0, 30.0, 1.0)),
    Setting("speed_car_kmh", 40.0, "km/h", "小汽车速度", "Car speed",
            "县乡道路上的小汽车平均行程速度（含弯道与会车）。",
            "Average door-to-door car speed on county and township roads.",
            _ASSUMPTION, False, "travel",
            slider=SliderRange(10.0, 80.0, 5.0)),
    Setting("speed_school_bus_kmh", 30.0, "km/h", "校车速度", "School-bus speed",
            "校车平均行程速度（含停靠）。",
            "Average school-bus speed including stops.",
            _ASSUMPTION, False, "travel",
            slider=SliderRange(10.0, 60.0, 5.0)),
    Setting("detour_factor", 1.3, "×", "绕行系数", "Detour factor",
            "道路距离与直线距离之比；丘陵山区可取 1.3–1.4 或更高。",
            "Road distance over straight-line distance; 1.3-1.4 or more in hilly terrain "
            "(country averages of about 1.2-1.4: Ballou, Rahardja & Sakai 2002, "
            "Transportation Research A 36(9)).",
            _ASSUMPTION, False, "travel"),
    # -- access standards ------------------------------------------------------------
    Setting("primary_lower_max_min", 30.0, "min", "小学1—3年级单程上学时间上限",
            "Primary grades 1-3: one-way school trip, maximum",
            "原则上小学1—3年级学生不寄宿，就近走读上学，路途时间一般不超过半小时。",
            "In principle pupils of grades 1-3 do not board and attend a nearby school; "
            "the trip should generally not exceed half an hour.",
            "国办发〔2018〕27号《关于全面加强乡村小规模学校和乡镇寄宿制学校建设的指导意见》",
            True, "access",
            slider=SliderRange(10.0, 120.0, 5.0)),
    Setting("medical_circle_min", 15.0, "min", "15分钟医疗卫生服务圈",
            "15-minute medical service circle",
            "以县域为单位，根据服务人口和半径布局医疗卫生机构，打造15分钟医疗卫生服务圈；"
            "未规定出行方式，使用时选择。",
            "Plan facilities county by county so that care is within 15 minutes; the mode of "
            "travel is not specified, choose it when applying the standard.",
            "国家卫生健康委新闻发布会（基层卫生健康司，2022年5月）", True, "access",
            slider=SliderRange(5.0, 60.0, 5.0)),
    Setting("fca_catchment_min", 30.0, "min", "两步移动搜索法服务半径（时间）",
            "2SFCA catchment (travel time)",
            "两步移动搜索法（2SFCA）医生可达性的服务半径；30分钟车程为文献常用取值，非政策标准。",
            "Catchment of the two-step floating catchment (2SFCA) doctor accessibility; a 30-minute "
            "drive is the usual choice in the literature (Luo & Qi 2009), not a policy standard.",
            _ASSUMPTION, False, "access",
            slider=SliderRange(10.0, 120.0, 5.0)),
    Setting("life_circle_5_m", 300.0, "m", "5分钟生活圈步行距离", "5-minute life circle, walking",
            "五分钟生活圈居住区：步行距离约300米。",
            "Five-minute life-circle residential area: walking distance about 300 m.",
            "GB 50180-2018《城市居住区规划设计标准》表3.0.4（未对照原文核验）", False, "access"),
    Setting("life_circle_10_m", 500.0, "m", "10分钟生活圈步行距离", "10-minute life circle, walking",
            "十分钟生活圈居住区：居民步行十分钟（约500米）满足基本物质与文化需求。",
            "Ten-minute life-circle residential area: about 500 m, a ten-minute walk.",
            "GB 50180-2018《城市居住区规划设计标准》表3.0.4；《中国大百科全书》“十分钟生活圈居住区”",
            True, "access"),
    Setting("life_circle_15_m", 1000.0, "m", "15分钟生活圈步行距离", "15-minute life circle, walking",
            "十五分钟生活圈居住区：步行距离800–1000米，取上限。",
            "Fifteen-minute life-circle residential area: 800-1,000 m walking; upper bound used.",
            "GB 50180-2018《城市居住区规划设计标准》表3.0.4（未对照原文核验）", False, "access"),
    # -- provision targets -------------------------------------------------------------
    Setting("hospital_beds_per_1000", 6.0, "beds / 1,000 residents", "每千常住人口医疗卫生机构床位",
            "Hospital beds per 1,000 residents",
            "2020年每千常住人口医疗卫生机构床位数控制在6张。",
            "Target for 2020: 6 beds in health institutions per 1,000 residents.",
            "国办发〔2015〕14号《全国医疗卫生服务体系规划纲要（2015—2020年）》", True, "provision"),
    Setting("care_beds_per_1000_60plus", 35.0, "beds / 1,000 aged 60+", "每千名老年人养老床位",
            "Elderly-care beds per 1,000 residents aged 60+",
            "到2020年每千名老年人拥有养老床位数达到35—40张；取下限。",
            "Target for 2020: 35-40 care beds per 1,000 older people; lower bound used.",
            "国发〔2013〕35号《国务院关于加快发展养老服务业的若干意见》", True, "provision"),
    Setting("library_hours_per_week", 56.0, "h/week", "县级公共图书馆每周开放时间",
            "County library opening hours per week, minimum",
            "县（市、区）公共图书馆每周开放时间不少于56小时。",
            "County (city, district) public libraries open at least 56 hours a week.",
            "《四川省公共文化服务指导标准（2026—2030年）》，据《四川日报》2026-01-18 报道",
            True, "provision"),
    Setting("branch_hours_per_week", 42.0, "h/week", "图书馆/文化馆分馆每周开放时间",
            "Library and cultural-centre branches: opening hours per week, minimum",
            "乡镇（街道）图书馆分馆、文化馆分馆（文化站）每周开放时间不少于42小时；"
            "四川省对分馆的要求未核验。",
            "Township library and cultural-centre branches (cultural stations) open at least 42 "
            "hours a week; the Sichuan requirement for branches is not verified.",
            "县级基本公共文化服务标准常用值（如《桃江县基本公共文化服务地方标准（2023年版）》："
            "公共图书馆、文化馆（站）每周开放时间不少于42小时）；未对照四川省标准核验",
            False, "provision"),
    Setting("students_per_staff_primary", 19.0, "students / staff", "小学生师比（教职工）",
            "Primary: students per staff member",
            "小学教职工与学生比 1:19（县镇、农村统一到城市标准）。",
            "Primary school staff-to-student ratio 1:19 (county and rural unified with urban).",
            "中央编办发〔2014〕72号（统一城乡中小学教职工编制标准）；国办发〔2001〕74号城市标准",
            True, "provision"),
    Setting("students_per_staff_junior", 13.5, "students / staff", "初中生师比（教职工）",
            "Junior middle: students per staff member",
            "初中教职工与学生比 1:13.5。",
            "Junior middle school staff-to-student ratio 1:13.5.",
            "中央编办发〔2014〕72号；国办发〔2001〕74号城市标准", True, "provision"),
    Setting("students_per_staff_senior", 12.5, "students / staff", "高中生师比（教职工）",
            "Senior high: students per staff member",
            "高中教职工与学生比 1:12.5。",
            "Senior high school staff-to-student ratio 1:12.5.",
            "中央编办发〔2014〕72号；国办发〔2001〕74号城市标准", True, "provision"),
    Setting("boarding_beds_per_boarder", 1.0, "beds / boarder", "寄宿生人均床位", "Boarding beds per boarder",
            "寄宿生一人一床。", "One bed for every boarding pupil.",
            _ASSUMPTION, False, "provision",
            slider=SliderRange(0.5, 1.5, 0.05)),
    # -- boarding planner (国办发〔2018〕27号 rules, editable) ------------------------------------
    Setting("primary_upper_day_max_min", 45.0, "min", "小学4—6年级走读单程时间上限",
            "Primary grades 4-6: one-way day trip, maximum before boarding",
            "4—6年级学生以走读为主，条件具备时可适当寄宿，具体由县级人民政府确定；"
            "超过此时间的学生计为需寄宿。45分钟为建模假设。",
            "Grades 4-6 attend mainly by day and may board where conditions allow, as the "
            "county decides; pupils beyond this time count as boarders. 45 min is a modelling "
            "assumption.",
            "国办发〔2018〕27号（4—6年级以走读为主、可适当寄宿，已对照原文摘录）；45分钟为假设", False, "access",
            slider=SliderRange(10.0, 120.0, 5.0)),
    Setting("junior_day_max_min", 45.0, "min", "初中走读单程时间上限",
            "Junior middle: one-way day trip, maximum before boarding",
            "初中学生可根据实际寄宿；超过此时间的学生计为需寄宿。45分钟为建模假设。",
            "Junior pupils may board as needed; pupils beyond this time count as boarders. "
            "45 min is a modelling assumption.",
            "国办发〔2018〕27号（初中可寄宿，未对照原文核验）；时间为假设", False, "access",
            slider=SliderRange(10.0, 120.0, 5.0)),
    Setting("boarding_max_min", 60.0, "min", "寄宿生单程最长交通时间",
            "Boarders: one-way trip to the boarding school, maximum",
            "寄宿生每周往返学校；超过此时间的学校不安排寄宿，学生计为未安置并说明原因。"
            "60分钟为建模假设。",
            "Boarders travel to school and back once a week; a pupil is not placed at a boarding "
            "school beyond this time but reported as not placed, with the reason. 60 min is a "
            "modelling assumption.",
            _ASSUMPTION, False, "access",
            slider=SliderRange(15.0, 180.0, 5.0)),
    Setting("boarding_grades_4_6", 1.0, "1 = yes, 0 = no", "小学4—6年级可寄宿",
            "Primary grades 4-6 may board",
            "1：4—6年级超出走读时间的学生可到寄宿制学校寄宿；0：不寄宿（计为未满足）。",
            "1: grades 4-6 beyond the day-trip limit may board; 0: they may not (counted as "
            "unmet).",
            "国办发〔2018〕27号：4—6年级学生以走读为主，在住宿、生活、交通、安全等有保障的前提下"
            "可适当寄宿，具体由县级人民政府根据当地实际确定（对照中国政府网2018-05-02发布文本的"
            "新闻摘录核对）", True, "access"),
    Setting("grade_1_3_share", 0.5, "0–1", "6—11岁中1—3年级比例",
            "Share of the 6-11 band in grades 1-3",
            "无分年级数据时，6—11岁人口按此比例拆分为1—3年级与4—6年级（默认各半）。",
            "Without counts by grade, the 6-11 band is split into grades 1-3 and 4-6 by this "
            "share (half each by default).",
            _ASSUMPTION, False, "provision",
            slider=SliderRange(0.3, 0.7, 0.05)),
    Setting("teachers_move_with_merge", 1.0, "1 = yes, 0 = no", "撤并学校教师随学生流动",
            "Teachers move with a merged school's pupils",
            "1：撤并学校的教师随学生调入接收学校；0：教师不随迁（计算生师比时不计入）。",
            "1: teachers of a closed school move with its pupils to the receiving school; "
            "0: they do not (left out of the students-per-teacher ratio).",
            _ASSUMPTION, False, "provision"),
    # -- decay parameters ----------------------------------------------------------------
    Setting("e2sfca_w1", 1.0, "weight", "E2SFCA 第1区权重", "E2SFCA weight, zone 1 (0-10 min)",
            "增强两步移动搜索法第1时间区（0–10 分钟）的权重。",
            "Weight of the first travel-time zone (0-10 min) in the enhanced 2SFCA.",
            "Luo & Qi (2009), Health & Place 15(4):1100-1107", True, "decay"),
    Setting("e2sfca_w2", 0.68, "weight", "E2SFCA 第2区权重", "E2SFCA weight, zone 2 (10-20 min)",
            "第2时间区（10–20 分钟）的权重。", "Weight of the second zone (10-20 min).",
            "Luo & Qi (2009), Health & Place 15(4):1100-1107", True, "decay"),
    Setting("e2sfca_w3", 0.22, "weight", "E2SFCA 第3区权重", "E2SFCA weight, zone 3 (20-30 min)",
            "第3时间区（20–30 分钟）的权重。", "Weight of the third zone (20-30 min).",
            "Luo & Qi (2009), Health & Place 15(4):1100-1107", True, "decay"),
)

#: All settings by key (read-only).
SETTINGS: Mapping[str, Setting] = MappingProxyType({s.key: s for s in _TABLE})

#: Travel modes: mode -> key of its speed setting. Walking has one mode per age group:
#: ``walk`` (adults), ``walk_child`` (school trips of children) and ``walk_older`` (60+).
MODES: dict[str, str] = {
    "walk": "speed_walk_kmh",
    "walk_child": "speed_walk_child_kmh",
    "walk_older": "speed_walk_older_kmh",
    "bicycle": "speed_bicycle_kmh",
    "ebike": "speed_ebike_kmh",
    "car": "speed_car_kmh",
    "school_bus": "speed_school_bus_kmh",
}


def speed_key(mode: str) -> str:
    """Key of the speed setting of a travel mode.

    Examples
    --------
    >>> speed_key("walk")
    'speed_walk_kmh'
    """
    try:
        return MODES[mode]
    except KeyError:
        raise ValueError(f"unknown travel mode {mode!r}; choose one of {sorted(MODES)}") from None


def get(key: str, overrides: Mapping[str, float] | None = None) -> float:
    """Value of a setting: the override if given, else the declared default.

    Examples
    --------
    >>> get("speed_walk_kmh")
    4.5
    >>> get("speed_walk_kmh", {"speed_walk_kmh": 4.0})
    4.0
    """
    if key not in SETTINGS:
        raise KeyError(f"unknown setting {key!r}")
    if overrides:
        unknown = set(overrides) - set(SETTINGS)
        if unknown:
            raise KeyError(f"unknown setting(s) in overrides: {sorted(unknown)}")
        if key in overrides:
            value = float(overrides[key])
            if not value >= 0:
                raise ValueError(f"{key} must be a non-negative number, got {overrides[key]!r}")
            return value
    return SETTINGS[key].default


def slider(key: str) -> SliderRange:
    """The slider of a setting: ``(lo, hi, step)``, floats, as every page offers it.

    Examples
    --------
    >>> slider("primary_lower_max_min")
    SliderRange(lo=10.0, hi=120.0, step=5.0)
    >>> lo, hi, step = slider("speed_walk_kmh")
    >>> lo <= SETTINGS["speed_walk_kmh"].default <= hi, step
    (True, 0.5)
    """
    if key not in SETTINGS:
        raise KeyError(f"unknown setting {key!r}")
    r = SETTINGS[key].slider
    if r is None:
        raise KeyError(f"setting {key!r} has no slider: declare one in metrics/settings.py")
    return r


def _range_text(r: SliderRange | None, zh: bool) -> str:
    if r is None:
        return "–"
    return f"{r.lo:g}–{r.hi:g}，步长 {r.step:g}" if zh else f"{r.lo:g}–{r.hi:g}, step {r.step:g}"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def settings_markdown(lang: str = "en") -> str:
    """The settings as a Markdown table, grouped, for the README and the docs.

    Examples
    --------
    >>> print(settings_markdown().splitlines()[0])
    | Group | Key | Setting | Default | Unit | Slider | Source | Verified |
    """
    if lang not in ("en", "zh"):
        raise ValueError("lang must be 'en' or 'zh'")
    zh = lang == "zh"
    head = ("| 类别 | 键 | 名称 | 默认值 | 单位 | 滑块范围 | 来源 | 已核验 |" if zh
            else "| Group | Key | Setting | Default | Unit | Slider | Source | Verified |")
    lines = [head, "|---|---|---|---:|---|---|---|---|"]
    for group in GROUPS:
        for s in _TABLE:
            if s.group != group:
                continue
            label = GROUPS[group][0 if zh else 1]
            name = s.zh if zh else s.en
            verified = ("是" if s.verified else "否（假设）") if zh else ("yes" if s.verified else "no")
            lines.append(
                f"| {label} | `{s.key}` | {_cell(name)} | {s.default:g} | {_cell(s.unit)} "
                f"| {_range_text(s.slider, zh)} | {_cell(s.source)} | {verified} |"
            )
    return "\n".join(lines) + "\n"
