"""Speeds on the road network by road class and travel mode: the declared table.

Every road segment carries a canonical, OSM-like class (the readers map the Chinese
administrative classes: 高速→motorway, 国道→trunk, 省道→primary, 县道→secondary,
乡道→tertiary, 村道→unclassified, 专用公路→service, 城市道路→residential). The speed of a
mode on a segment comes from this table and from :mod:`metrics.settings`, so the existing
sliders move network times exactly as they move straight-line ones:

* **Motor modes** (``car``, ``school_bus``): the class speed of :data:`CLASSES` times an
  overall scale, ``speed_car_kmh ÷ 40`` for cars and ``speed_school_bus_kmh ÷ 30`` for school
  buses (40 and 30 km/h are the declared defaults: at the defaults the table applies as
  written; a car-speed slider at 50 makes every road 25 % faster). A posted ``maxspeed``
  replaces the class speed of a car (for a school bus it is capped as below), then the scale
  applies. Motor modes respect ``oneway``.
* **School buses** never exceed the caps of 《校车安全管理条例》 (2012) art. 35: 80 km/h on
  expressways, 60 km/h on other roads — and run at :data:`SCHOOL_BUS_SHARE` of the car speed
  for their stops (30 ÷ 40, the ratio of the two default door-to-door speeds).
* **Walking** (``walk``, ``walk_child``, ``walk_older``): the mode's walking speed setting
  times the class's walking factor (1 except steps); every walkable road and path both
  ways.
* **Cycling** (``bicycle``, ``ebike``): the mode's speed setting on every cyclable class,
  both ways (rural one-way roads are rare; an assumption).
* **Ferries** (``road_class == "ferry"`` or ``ferry`` true): :data:`FERRY_KMH` for every mode,
  waiting included, both ways unless ``oneway`` says otherwise.

A speed of 0 means the mode may not use the class. Why a number is what it is: the
``source`` of each row; ``assumption`` marks a modelling choice not taken from a document.
The design speeds quoted are from 《公路工程技术标准》 JTG B01-2014 (高速 120/100/80,
一级 100/80/60, 二级 80/60, 三级 40/30, 四级 30/20 km/h), a ceiling on the speeds of
rural traffic rather than a measurement of them; none of the rows has been checked against
traffic counts in 开江县 (``verified`` is False throughout).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

__all__ = [
    "CLASSES", "CYCLE_MODES", "FERRY_KMH", "MOTOR_MODES", "MOTOR_REFERENCE_KMH",
    "ONEWAY_MODES", "SCHOOL_BUS_CAP_KMH", "SCHOOL_BUS_SHARE", "WALK_MODES", "RoadClass",
    "speed_table_markdown",
]

ASSUMPTION = "assumption"


@dataclass(frozen=True)
class RoadClass:
    """Speeds on one road class: a car's km/h (0 = no motor traffic), whether walking and
    cycling may use it, the walking factor, and where the numbers come from."""

    key: str
    zh: str
    car_kmh: float
    walk: bool
    cycle: bool
    walk_factor: float
    source: str
    verified: bool = False


_JTG = "JTG B01-2014 design speed"
_TABLE: tuple[RoadClass, ...] = (
    RoadClass("motorway", "高速公路", 90.0, False, False, 1.0,
              f"{_JTG} 80-120 (80 in mountains); legal cap 120 (道路交通安全法实施条例 "
              "art. 78); no pedestrians or cycles (道路交通安全法 art. 67); 90 an assumption"),
    RoadClass("trunk", "国道", 60.0, True, True, 1.0,
              f"{_JTG}: 国道 in hilly counties mostly 二级公路, 60-80; 60 an assumption "
              "(villages, junctions, mixed traffic)"),
    RoadClass("primary", "省道", 50.0, True, True, 1.0,
              f"{_JTG}: 二级/三级公路 40-80; 50 an assumption"),
    RoadClass("secondary", "县道", 40.0, True, True, 1.0,
              f"{_JTG}: 三级公路 30-40; 40 an assumption (= the default door-to-door "
              "car speed)"),
    RoadClass("tertiary", "乡道", 30.0, True, True, 1.0,
              f"{_JTG}: 四级公路 20-30; 30 an assumption"),
    RoadClass("unclassified", "村道", 20.0, True, True, 1.0,
              f"{_JTG}: 四级公路 20 (single-lane village roads); 20 an assumption"),
    RoadClass("residential", "城市道路", 25.0, True, True, 1.0,
              "town streets; 道路交通安全法实施条例 art. 45 caps roads without a centre "
              "line at 30 in towns; 25 an assumption"),
    RoadClass("living_street", "生活街道", 10.0, True, True, 1.0, ASSUMPTION),
    RoadClass("service", "专用公路", 15.0, True, True, 1.0, ASSUMPTION),
    RoadClass("track", "机耕道", 10.0, True, True, 1.0,
              "assumption (unpaved farm tracks)"),
    RoadClass("path", "小路", 0.0, True, True, 1.0,
              "assumption: no motor traffic; cycles allowed"),
    RoadClass("footway", "人行道", 0.0, True, False, 1.0,
              "assumption: pedestrians only"),
    RoadClass("cycleway", "自行车道", 0.0, True, True, 1.0,
              "assumption: no motor traffic"),
    RoadClass("steps", "台阶", 0.0, True, False, 0.5,
              "assumption: pedestrians only, half the walking speed"),
    RoadClass("ferry", "渡口", 0.0, True, True, 1.0,
              "every mode at FERRY_KMH (waiting included): an assumption"),
)

#: Road classes by key (read-only).
CLASSES: Mapping[str, RoadClass] = MappingProxyType({c.key: c for c in _TABLE})

#: Every mode of ``settings.MODES`` in one of these groups.
WALK_MODES: frozenset[str] = frozenset({"walk", "walk_child", "walk_older"})
CYCLE_MODES: frozenset[str] = frozenset({"bicycle", "ebike"})
MOTOR_MODES: frozenset[str] = frozenset({"car", "school_bus"})
#: Modes that respect ``oneway`` (motor vehicles); the others use every segment both ways.
ONEWAY_MODES: frozenset[str] = MOTOR_MODES
#: The default door-to-door speed the class speeds of a motor mode are calibrated to: the
#: speed setting of the mode ÷ this scales every class (settings ``speed_car_kmh`` = 40,
#: ``speed_school_bus_kmh`` = 30).
MOTOR_REFERENCE_KMH: Mapping[str, float] = MappingProxyType({"car": 40.0, "school_bus": 30.0})
#: School bus at this share of the car's class speed (stops): 30 ÷ 40, an assumption.
SCHOOL_BUS_SHARE: float = 0.75
#: 《校车安全管理条例》 (2012) art. 35: 80 km/h on expressways, 60 on other roads.
SCHOOL_BUS_CAP_KMH: Mapping[str, float] = MappingProxyType({"motorway": 80.0, "other": 60.0})
#: Ferry crossing speed including waiting, every mode: an assumption.
FERRY_KMH: float = 5.0


def speed_table_markdown() -> str:
    """The class table as Markdown (default settings), for the docs.

    >>> print(speed_table_markdown().splitlines()[2])
    | motorway | 高速公路 | 90 | 67.5 | – | – | JTG B01-2014 design speed 80-120 (80 in mountains); legal cap 120 (道路交通安全法实施条例 art. 78); no pedestrians or cycles (道路交通安全法 art. 67); 90 an assumption |
    """
    lines = ["| class | 类别 | car km/h | school bus km/h | walk × | cycle | source |",
             "|---|---|---:|---:|---:|---|---|"]
    for c in _TABLE:
        cap = SCHOOL_BUS_CAP_KMH["motorway" if c.key == "motorway" else "other"]
        bus = min(c.car_kmh * SCHOOL_BUS_SHARE, cap)
        lines.append(
            f"| {c.key} | {c.zh} | {c.car_kmh:g} | {bus:g} | "
            f"{f'{c.walk_factor:g}' if c.walk else '–'} | {'yes' if c.cycle else '–'} | "
            f"{c.source} |")
    return "\n".join(lines) + "\n"
