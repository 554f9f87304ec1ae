"""Header aliases and facility-type labels, declared as data in one place.

Every field a register may carry is one :class:`Field` row of :data:`FIELDS`:
its canonical name, value type, the header texts that mean it (Chinese and
English), labels, and the register kinds that use it. Header matching,
blank templates and the docs' alias table all come from this table.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from etl.schema import AGE_BANDS, FACILITY_KINDS, FACILITY_TYPES, REGISTER_KINDS
from etl.values import _to_str_series, is_invisible


@dataclass(frozen=True)
class Field:
    """One field a register may carry."""

    name: str
    dtype: str  # 'text' | 'int' | 'float' | 'coord' | 'bool' | 'code'
    aliases: tuple[str, ...]
    zh: str
    en: str
    kinds: tuple[str, ...]


_FAC = FACILITY_KINDS
_ALL = (*FACILITY_KINDS, "population")
_SCHOOL = ("schools", "kindergartens")
_HEALTH = ("hospitals", "clinics", "elderly_care")


def _age_aliases(col: str, lo: int, hi: int | None) -> tuple[str, ...]:
    if hi is None:
        return (f"{lo}岁及以上", f"{lo}岁以上", f"{lo}+", f"{lo}岁+", f"{lo}周岁及以上",
                f"{lo}周岁以上", f"{lo}及以上", f"≥{lo}岁", col)
    return (f"{lo}-{hi}岁", f"{lo}～{hi}岁", f"{lo}至{hi}岁", f"{lo}到{hi}岁", f"{lo}-{hi}周岁",
            f"{lo}-{hi}", col)


FIELDS: tuple[Field, ...] = (
    Field("id", "code", ("编号", "机构代码", "学校代码", "学校标识码", "统一社会信用代码",
                         "组织机构代码", "机构编码", "code", "id"),
          "编号", "Id / code", _FAC),
    Field("name", "text", ("名称", "学校名称", "单位名称", "机构名称", "设施名称", "幼儿园名称",
                           "医院名称", "卫生室名称", "场馆名称", "阵地名称", "name"),
          "名称", "Name", _FAC),
    Field("type", "text", ("类型", "学校类型", "机构类别", "机构类型", "办学类型", "设施类型",
                           "类别", "type"),
          "类型", "Type", _FAC),
    Field("township", "text", ("乡镇（街道）", "乡镇", "所属乡镇", "乡镇名称", "所属乡镇（街道）",
                               "乡镇（街道）名称", "乡镇街道", "所在乡镇", "所在乡镇（街道）",
                               "township", "town"),
          "乡镇（街道）", "Township", _ALL),
    Field("unit", "text", ("村（社区）", "村", "所属村", "所在村", "村（社区）名称", "社区（村）",
                           "村/社区", "村社区", "社区", "村名", "village", "unit"),
          "村（社区）", "Village or community", _ALL),
    Field("unit_code", "code", ("村（社区）代码", "村代码", "社区代码", "村（社区）统计代码",
                                "区划代码", "unit_code", "village_code"),
          "村（社区）代码", "Village/community code (12 digits)", _ALL),
    Field("address", "text", ("地址", "详细地址", "单位地址", "学校地址", "所在地址", "address"),
          "地址", "Address", _FAC),
    Field("lon", "coord", ("经度", "lng", "lon", "longitude", "long", "x坐标"),
          "经度", "Longitude", _ALL),
    Field("lat", "coord", ("纬度", "lat", "latitude", "y坐标"),
          "纬度", "Latitude", _ALL),
    Field("lonlat", "coord", ("经纬度", "坐标", "经度,纬度", "经度，纬度", "lonlat", "lnglat",
                              "lng,lat", "lon,lat", "coordinates"),
          "经纬度", "Longitude,latitude (one cell)", _ALL),
    Field("students", "int", ("在校生数", "学生数", "在校学生数", "在园幼儿数", "幼儿数",
                              "在校生", "students"),
          "在校生数", "Students", _SCHOOL),
    Field("teachers", "int", ("专任教师数", "教职工数", "教师数", "专任教师", "teachers"),
          "专任教师数", "Teachers", _SCHOOL),
    Field("boarders", "int", ("寄宿生数", "住宿生数", "寄宿学生数", "寄宿生", "boarders"),
          "寄宿生数", "Boarding pupils", ("schools",)),
    Field("ownership", "text", ("办园性质", "办学性质", "举办性质", "性质", "公办/民办", "ownership"),
          "办学性质", "Ownership (公办/民办)", _FAC),
    Field("boarding_beds", "int", ("寄宿床位", "住宿床位", "寄宿床位数", "住宿床位数",
                                   "boarding_beds"),
          "寄宿床位", "Boarding beds", ("schools",)),
    # 开放床位 ranks before 编制床位: the contract's beds are open beds
    Field("beds", "int", ("床位数", "开放床位", "实有床位", "开放床位数", "实有床位数", "编制床位",
                          "编制床位数", "床位", "beds"),
          "床位数", "Beds", _HEALTH),
    Field("doctors", "int", ("执业（助理）医师数", "医生数", "乡村医生数", "医师数", "执业医师数",
                             "执业（助理）医师", "乡村医生", "医生", "doctors"),
          "执业（助理）医师数", "Doctors", _HEALTH),
    Field("nurses", "int", ("护士数", "注册护士", "注册护士数", "护士", "nurses"),
          "护士数", "Nurses", _HEALTH),
    Field("care_beds", "int", ("养老床位", "养老床位数", "护理床位", "护理床位数", "care_beds"),
          "养老床位", "Elderly-care beds", ("elderly_care",)),
    Field("places", "int", ("学位数", "托位数", "托位", "学位", "places"),
          "学位数", "Places", ("kindergartens", "elderly_care")),
    Field("seats", "int", ("座位数", "座位", "容纳人数", "seats"),
          "座位数", "Seats", ("culture",)),
    Field("area_m2", "float", ("建筑面积（平方米）", "建筑面积", "面积（㎡）", "面积（平方米）",
                               "面积", "建筑面积（㎡）", "area", "area_m2"),
          "建筑面积（平方米）", "Floor area (m²)", _FAC),
    Field("hours_per_week", "float", ("周开放时长（小时）", "每周开放时长", "周开放小时",
                                      "周开放时长", "每周开放小时", "hours", "hours_per_week"),
          "周开放时长（小时）", "Opening hours per week", ("culture", "elderly_care")),
    Field("school_group", "text", ("所属教育集团", "教育集团", "学区", "所属学区", "school_group"),
          "所属教育集团", "School group", _SCHOOL),
    Field("year", "int", ("年份", "统计年度", "统计年份", "年度", "数据年份", "year"),
          "年份", "Year", _ALL),
    Field("is_synthetic", "bool", ("数据性质", "示例数据", "是否示例数据", "是否合成数据",
                                   "is_synthetic", "synthetic"),
          "数据性质", "Synthetic (示例数据)", _ALL),
    *(Field(col, "int", _age_aliases(col, lo, hi),
            f"{lo}-{hi}岁" if hi is not None else f"{lo}岁及以上",
            f"Aged {lo}-{hi}" if hi is not None else f"Aged {lo}+", ("population",))
      for col, lo, hi in AGE_BANDS),
    Field("population", "int", ("合计", "总人口", "常住人口", "常住人口合计", "人口合计",
                                "人口数", "population", "total"),
          "合计", "Total population", ("population",)),
)

FIELD_BY_NAME: dict[str, Field] = {f.name: f for f in FIELDS}

#: Header texts whose meaning depends on the register kind: kind -> field -> headers. In that
#: kind they win over the aliases of :data:`FIELDS` (a bare 床位数 is care beds in an
#: elderly-care register, beds in a hospital or clinic register, boarding beds in a school
#: register), and rank after the field's own aliases (养老床位 beats 床位数 for care_beds).
KIND_ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    "schools": {
        "type": ("学段", "学校类别", "办学层次", "学段类别", "学校层次", "办学类别", "学段类型"),
        "boarding_beds": ("床位数", "床位", "床位总数"),
    },
    "kindergartens": {
        "type": ("学段", "学校类别", "办学层次", "学段类别", "学校层次", "办学类别", "学段类型"),
    },
    "elderly_care": {
        "care_beds": ("床位数", "床位", "床位总数", "总床位数", "实有床位", "实有床位数",
                      "设计床位", "设计床位数"),
    },
}

#: Required fields per register kind. An entry "a|b" is satisfied by either field:
#: a population register needs the unit name or the 12-digit unit code. The type is not
#: required: without a type column it is told from the name (:data:`NAME_RULES`) or set
#: for the whole file (``--type``); a row whose type cannot be told is rejected.
REQUIRED: dict[str, tuple[str, ...]] = {
    "schools": ("name",),
    "kindergartens": ("name",),
    "hospitals": ("name",),
    "clinics": ("name",),
    "elderly_care": ("name",),
    "culture": ("name",),
    "population": ("unit|unit_code",),
    "boundaries": (),
}

_BRACKETS = str.maketrans({"【": "(", "】": ")", "[": "(", "]": ")", "〔": "(", "〕": ")",
                           "{": "(", "}": ")", "〈": "(", "〉": ")", "《": "(", "》": ")",
                           "～": "-", "~": "-", "〜": "-", "–": "-", "—": "-", "−": "-",
                           "：": ":", "﹙": "(", "﹚": ")"})
_SPACE_RE = re.compile(r"\s+")
_TRAILING_PAREN = re.compile(r"\([^()]*\)$")


def normalise_header(text: str) -> str:
    """Canonical form of a header text for matching.

    NFKC (full-width to half-width), all whitespace, newlines and invisible characters
    (zero-width, bidi controls, BOM: :func:`etl.values.is_invisible`) removed, brackets
    unified to ``()``, range dashes unified to ``-``, required-field stars dropped,
    ASCII lower-cased.

    Examples
    --------
    >>> normalise_header(" 乡镇（街道）\\n")
    '乡镇(街道)'
    >>> normalise_header("Ｌｎｇ*")
    'lng'
    >>> normalise_header("0～2岁")
    '0-2岁'
    """
    text = unicodedata.normalize("NFKC", str(text)).translate(_BRACKETS)
    text = "".join(c for c in _SPACE_RE.sub("", text) if not is_invisible(c)).strip("*:")
    return "".join(c.lower() if c.isascii() else c for c in text)


_CRS_PREFIX = re.compile(r"^(百度|高德|腾讯|gps|wgs-?84|gcj-?02|bd-?09|天地图|cgcs2000)")


def _candidates(norm: str) -> list[str]:
    """Forms tried in order: full text, without a trailing unit "(人)", last part of "a/b",
    and without a map-source prefix ("百度经度" -> "经度")."""
    out = [norm, _TRAILING_PAREN.sub("", norm)]
    if "/" in norm:
        last = norm.rsplit("/", 1)[1]
        out += [last, _TRAILING_PAREN.sub("", last)]
    out += [_CRS_PREFIX.sub("", c) for c in out if _CRS_PREFIX.match(c)]
    return [c for c in out if c]


def _alias_index(kind: str) -> Mapping[str, tuple[str, int]]:
    """Normalised alias -> (field, rank of the alias in its field) for a kind.

    Built once per kind (:data:`FIELDS` is constant) and shared read-only.
    """
    if kind not in REGISTER_KINDS:
        raise ValueError(f"unknown register kind {kind!r}; valid: {', '.join(REGISTER_KINDS)}")
    return _build_alias_index(kind)


@functools.cache
def _build_alias_index(kind: str) -> Mapping[str, tuple[str, int]]:
    index: dict[str, tuple[str, int]] = {}
    for f in FIELDS:
        if kind in f.kinds:
            for rank, alias in enumerate(f.aliases):
                index.setdefault(normalise_header(alias), (f.name, rank))
    for fld, heads in KIND_ALIASES.get(kind, {}).items():
        base = len(FIELD_BY_NAME[fld].aliases)
        for rank, alias in enumerate(heads):
            index[normalise_header(alias)] = (fld, base + rank)
    return MappingProxyType(index)


def match_header(text: str, kind: str) -> str | None:
    """The field a single header text means for a register kind, or None.

    Examples
    --------
    >>> match_header("床位数/开放床位", "hospitals")
    'beds'
    >>> match_header("在校生数（人）", "schools")
    'students'
    """
    hit = _match(text, _alias_index(kind))
    return hit[0] if hit else None


def _match(text: str, index: Mapping[str, tuple[str, int]]) -> tuple[str, int] | None:
    if text is None:
        return None
    for cand in _candidates(normalise_header(text)):
        if cand in index:
            return index[cand]
    return None


@dataclass
class ColumnMatch:
    """Result of matching a sheet's columns to fields.

    ``mapping`` maps source column -> field; when several columns mean the same
    field, the one whose alias ranks earliest in ``Field.aliases`` wins (ties: the
    first column) and all of them are listed in ``duplicates``.
    """

    mapping: dict[str, str]
    unmatched: list[str]
    missing_required: list[str]
    duplicates: dict[str, list[str]]
    unused_overrides: list[str] = field(default_factory=list)


def valid_fields(kind: str) -> list[str]:
    """Names of the fields a register kind may carry."""
    _alias_index(kind)
    return [f.name for f in FIELDS if kind in f.kinds]


def match_columns(columns: list[str], kind: str,
                  overrides: dict[str, str] | None = None) -> ColumnMatch:
    """Map a sheet's header texts to fields of a register kind.

    Parameters
    ----------
    columns : list of str
        Header texts as read (two-row headers joined as ``"上级/下级"``).
    kind : str
        A key of ``etl.schema.REGISTER_KINDS``.
    overrides : dict, optional
        ``{source column: field}`` from the CLI ``--map 源列=field``; they win over
        aliases. Keys are compared as written and, failing that, normalised.

    Returns
    -------
    ColumnMatch

    Raises
    ------
    ValueError
        An override names a field that the kind does not have (the message lists
        the valid fields), or the kind is unknown.

    Examples
    --------
    >>> m = match_columns(["序号", "学校名称", "类型", "在校生数（人）"], "schools")
    >>> m.mapping
    {'学校名称': 'name', '类型': 'type', '在校生数（人）': 'students'}
    >>> m.unmatched, m.missing_required
    (['序号'], [])
    """
    index = _alias_index(kind)
    allowed = valid_fields(kind)
    overrides = dict(overrides or {})
    for src, fld in overrides.items():
        if fld not in allowed:
            raise ValueError(f"--map {src}={fld}：“{fld}”不是{kind}登记表的字段；可用字段："
                             f"{', '.join(allowed)} / --map {src}={fld}: unknown field {fld!r} "
                             f"for kind {kind!r}; valid fields: {', '.join(allowed)}")
    norm_over = {normalise_header(k): v for k, v in overrides.items()}
    used: set[str] = set()
    hits: dict[str, list[tuple[int, int, str]]] = {}  # field -> [(rank, position, column)]
    unmatched: list[str] = []
    for pos, col in enumerate(columns):
        if col in overrides:
            fld, rank = overrides[col], -1
            used.add(col)
        elif normalise_header(col) in norm_over:
            fld, rank = norm_over[normalise_header(col)], -1
            used.update(k for k in overrides if normalise_header(k) == normalise_header(col))
        else:
            hit = _match(col, index)
            if hit is None:
                unmatched.append(col)
                continue
            fld, rank = hit
        hits.setdefault(fld, []).append((rank, pos, col))
    mapping_by_field = {f: min(h)[2] for f, h in hits.items()}
    order = {c: i for i, c in enumerate(columns)}
    mapping = dict(sorted(((c, f) for f, c in mapping_by_field.items()), key=lambda x: order[x[0]]))
    duplicates = {f: [c for _, _, c in sorted(h, key=lambda x: x[1])]
                  for f, h in hits.items() if len(h) > 1}
    present = set(mapping.values())
    missing = [req for req in REQUIRED.get(kind, ())
               if not any(alt in present for alt in req.split("|"))]
    return ColumnMatch(mapping, unmatched, missing, duplicates,
                       [k for k in overrides if k not in used])


def count_matches(cells: list[object], kind: str) -> int:
    """How many cells of a row are header aliases of the kind (for header detection)."""
    index = _alias_index(kind)
    return sum(1 for c in cells if isinstance(c, str) and c.strip() and _match(c, index))


def template_columns(kind: str) -> list[str]:
    """Preferred Chinese headers for a blank register template of the kind.

    Examples
    --------
    >>> template_columns("clinics")[:4]
    ['编号', '名称', '类型', '乡镇（街道）']
    """
    return [f.aliases[0] for f in FIELDS if kind in f.kinds and f.name != "lonlat"]


def _type_aliases() -> dict[str, str]:
    out: dict[str, str] = {}
    for code, (_, _, zh, en) in FACILITY_TYPES.items():
        out[zh] = code
        out[en] = code
        out[code] = code
    variants = {
        # values of 学段 / 学校类别 / 办学层次 columns too
        "primary": ("中心校", "中心小学", "小学", "中心校（小学）", "普通小学", "完全小学", "完小"),
        "teaching_point": ("村小", "教学点", "村小学", "村小/教学点", "小学教学点"),
        "nine_year": ("九年一贯制", "九年制学校", "九年一贯制学校", "九年制", "九年一贯",
                      "小学、初中", "小学+初中", "小学和初中", "小学及初中", "小学,初中"),
        "junior": ("初中", "初级中学", "单设初中", "普通初中"),
        # a complete middle school (完全中学: junior and senior sections) has no type of its own:
        # it is a county-tier senior high; its junior section is not counted as a junior school
        "senior_high": ("高中", "普通高中", "完全中学", "高级中学", "完中", "十二年一贯制",
                        "初中、高中", "初中+高中", "初中和高中", "初中及高中", "初中,高中"),
        "vocational": ("职中", "职业高中", "中职", "职业中学", "职高", "中等职业学校", "中职学校",
                       "职业学校", "职业技术学校", "职校", "中等职业教育"),
        "special": ("特校", "特殊教育学校", "特教", "特殊教育", "特教学校", "特殊学校"),
        "teacher_training": ("教师进修校", "教师进修学校"),
        "kindergarten": ("幼儿园", "公办幼儿园", "民办幼儿园", "学前", "学前教育"),
        "county_hospital": ("县医院", "县级医院", "二级医院", "县人民医院", "中医院",
                            "妇幼保健院", "县中医院", "中医医院"),
        "central_health_centre": ("中心卫生院",),
        "health_centre": ("卫生院", "乡镇卫生院"),
        "community_health_centre": ("社区卫生服务中心",),
        "village_clinic": ("村卫生室", "卫生室"),
        "care_home": ("敬老院", "养老院", "公办养老机构", "特困供养服务机构"),
        "day_care": ("日间照料中心", "日间照料", "老年人日间照料中心"),
        "medical_elderly": ("医养结合中心", "医养结合机构"),
        "infant_care": ("托育机构", "托育园", "托儿所"),
        "county_stage": ("田园大舞台",),
        "township_complex": ("乡镇文化综合体", "综合文化站", "文化站"),
        "village_centre": ("村级文化服务中心", "村综合文化服务中心", "文化室"),
        "courtyard_post": ("院坝文化驿家", "文化驿家"),
        "library": ("图书馆", "图书馆总馆"),
        "library_branch": ("图书馆分馆",),
        "culture_centre": ("文化馆", "文化馆总馆"),
        "culture_branch": ("文化馆分馆",),
    }
    for code, labels in variants.items():
        for label in labels:
            if out.get(label, code) != code:
                raise ValueError(f"type label {label!r} declared for {out[label]} and {code}")
            out[label] = code
    return out


#: Written facility-type label -> facility type code of ``etl.schema.FACILITY_TYPES``.
TYPE_ALIASES: dict[str, str] = _type_aliases()
_TYPE_INDEX: dict[str, str] = {normalise_header(k): v for k, v in TYPE_ALIASES.items()}


def resolve_type(value: str, kind: str) -> str:
    """The facility type ``--type`` names for a whole register of ``kind`` (a type code such as
    ``care_home`` or a written label such as ``敬老院``).

    Raises
    ------
    ValueError
        The value is not a type of the kind; the message (Chinese and English) lists them.

    Examples
    --------
    >>> resolve_type("敬老院", "elderly_care"), resolve_type("day_care", "elderly_care")
    ('care_home', 'day_care')
    """
    allowed = REGISTER_KINDS.get(kind)
    if allowed is None:
        raise ValueError(f"unknown register kind {kind!r}; valid: {', '.join(REGISTER_KINDS)}")
    code = _TYPE_INDEX.get(normalise_header(value)) if isinstance(value, str) else None
    if code is not None and code in allowed:
        return code
    listing = ", ".join(f"{c}（{FACILITY_TYPES[c][2]}）" for c in allowed)
    if not allowed:
        listing = "—"
    raise ValueError(f"--type {value}：不是{kind}登记表的设施类型；可用类型：{listing} / "
                     f"--type {value}: not a facility type of a {kind!r} register; valid types: "
                     f"{listing}")


@dataclass(frozen=True)
class NameRule:
    """A facility type told from a name: the name ends with ``ends`` and contains ``contains``."""

    type: str
    ends: str
    contains: str = ""

    @property
    def specificity(self) -> int:
        return len(self.ends) + len(self.contains)


def _rules(type_: str, *ends: str, contains: str = "") -> tuple[NameRule, ...]:
    return tuple(NameRule(type_, e, contains) for e in ends)


#: How a facility's type is told from its name when the register has no type label for it
#: (no type column, or a blank cell). Only the rules of the register kind's types apply; of
#: those that match, the most specific wins (longest ``ends`` + ``contains``; ties: the first
#: declared), so 中心卫生院 beats 卫生院 and 职业中学 beats 中学. Names are compared after NFKC,
#: without spaces and without a trailing note in brackets (开江县人民医院（二甲） → 开江县人民医院).
NAME_RULES: tuple[NameRule, ...] = (
    # schools
    *_rules("primary", "小学", "中心小学", "中心校", "完全小学", "完小"),
    *_rules("teaching_point", "村小", "村小学", "教学点"),
    *_rules("nine_year", "九年一贯制学校", "九年制学校", "九年一贯制"),
    # a bare …中学 is read as a junior middle school: a complete middle school or a senior high
    # written so (e.g. 四川省开江中学) needs a type column or --type senior_high
    *_rules("junior", "中学", "初级中学", "初中"),
    *_rules("senior_high", "高级中学", "高中", "完全中学"),
    *_rules("vocational", "职业中学", "职业高级中学", "职中", "职高", "职业学校", "职业技术学校"),
    *_rules("special", "特殊教育学校", "特殊学校", "特校"),
    *_rules("teacher_training", "教师进修学校", "进修学校", "进修校"),
    *_rules("kindergarten", "幼儿园"),
    # hospitals
    *_rules("county_hospital", "人民医院", "中医院", "中医医院"),
    *_rules("county_hospital", "", contains="妇幼保健"),
    *_rules("central_health_centre", "中心卫生院"),
    *_rules("health_centre", "卫生院"),
    *_rules("community_health_centre", "社区卫生服务中心"),
    *_rules("village_clinic", "卫生室"),
    # elderly and child care
    *_rules("care_home", "敬老院", "养老院", "中心敬老院", "福利院", "光荣院", "供养服务中心"),
    *_rules("day_care", "日间照料中心", "日间照料站", "日间照料服务中心"),
    *_rules("medical_elderly", "医养中心"),
    *_rules("medical_elderly", "", contains="医养结合"),
    *_rules("infant_care", "托儿所"),
    *_rules("infant_care", "", contains="托育"),
    # culture
    *_rules("county_stage", "大舞台"),
    *_rules("township_complex", "文化综合体", "综合文化站", "文化站"),
    *_rules("village_centre", "文化服务中心", "文化室"),
    *_rules("courtyard_post", "文化驿家"),
    *_rules("library", "图书馆"),
    *_rules("library_branch", "图书分馆"),
    *_rules("library_branch", "分馆", contains="图书馆"),
    *_rules("culture_centre", "文化馆"),
    *_rules("culture_branch", "分馆", contains="文化馆"),
)


@functools.cache
def _kind_rules(kind: str) -> tuple[NameRule, ...]:
    allowed = REGISTER_KINDS[kind]
    rules = [r for r in NAME_RULES if r.type in allowed]
    return tuple(sorted(rules, key=lambda r: -r.specificity))  # stable: ties keep their order


def _name_key(names: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """Names as compared by :data:`NAME_RULES` (NFKC, no spaces, no trailing bracketed note)."""
    key = pc.utf8_normalize(names.cast(pa.large_string()), "NFKC")
    key = pc.replace_substring_regex(key, r"\s+", "")
    return pc.replace_substring_regex(key, r"\([^()]*\)$", "")


def types_from_names(names: pa.Array | pa.ChunkedArray | list, kind: str) -> pa.Array:
    """Facility types of ``kind`` told from names by :data:`NAME_RULES` (null where none is).

    Vectorised: one arrow kernel per rule of the kind, whatever the number of rows.

    Examples
    --------
    >>> types_from_names(["任市镇中心卫生院", "长岭镇卫生院", "某某诊所"], "hospitals").to_pylist()
    ['central_health_centre', 'health_centre', None]
    >>> types_from_names(["普安镇社区卫生服务中心"], "culture").to_pylist()
    [None]
    """
    if kind not in REGISTER_KINDS:
        raise ValueError(f"unknown register kind {kind!r}; valid: {', '.join(REGISTER_KINDS)}")
    if not isinstance(names, pa.Array | pa.ChunkedArray):
        names = pa.array(names, pa.large_string())
    if isinstance(names, pa.ChunkedArray):
        names = names.combine_chunks()
    key = _name_key(names)
    out = pa.nulls(len(names), pa.large_string())
    for rule in _kind_rules(kind):
        hit = pc.ends_with(key, rule.ends) if rule.ends else None
        if rule.contains:
            has = pc.match_substring(key, rule.contains)
            hit = has if hit is None else pc.and_(hit, has)
        hit = pc.and_(pc.fill_null(hit, False), pc.is_null(out))
        if pc.any(hit).as_py():
            out = pc.if_else(hit, pa.scalar(rule.type, pa.large_string()), out)
    return out


def normalise_types(values: pd.Series, kind: str) -> tuple[pd.Series, pd.Series]:
    """Facility type codes from written labels.

    A single-type kind (kindergartens, clinics) fills missing labels with its type.

    Returns
    -------
    types : pd.Series
        Type codes (``str`` dtype) or NA.
    errors : pd.Series
        ``unknown_type``, ``type_not_allowed`` (known type of another kind),
        ``missing_type`` (empty label in a multi-type kind) or NA.

    Examples
    --------
    >>> t, e = normalise_types(pd.Series(["中心校", "村小", "卫生院", "火星学校", None]), "schools")
    >>> t.tolist(), e.tolist()
    (['primary', 'teaching_point', nan, nan, nan], [nan, nan, 'type_not_allowed', 'unknown_type', 'missing_type'])
    """
    allowed = REGISTER_KINDS.get(kind)
    if allowed is None:
        raise ValueError(f"unknown register kind {kind!r}")
    # work on the distinct labels, then spread back (registers repeat a few labels)
    idx, uniques = pd.factorize(values, use_na_sentinel=True)
    norm = [normalise_header(u) if isinstance(u, str) else "" for u in uniques]
    u_type = [_TYPE_INDEX.get(u) if u else None for u in norm] + [None]  # last slot: NA
    u_err = []
    for u, code in zip([*norm, ""], u_type, strict=True):
        if not u:
            u_err.append(None if len(allowed) == 1 else "missing_type")
        elif code is None:
            u_err.append("unknown_type")
        elif code not in allowed:
            u_err.append("type_not_allowed")
        else:
            u_err.append(None)
    if len(allowed) == 1:
        u_type = [allowed[0] if not u else c for u, c in zip([*norm, ""], u_type, strict=True)]
    u_type = [c if e is None else None for c, e in zip(u_type, u_err, strict=True)]
    idx = np.where(idx < 0, len(norm), idx)
    return _spread(u_type, idx, values.index), _spread(u_err, idx, values.index)


def _spread(per_unique: list[str | None], idx: np.ndarray, index: pd.Index) -> pd.Series:
    """Values per distinct label spread to rows, as a ``str`` series (fast for 1M rows)."""
    labels = sorted({v for v in per_unique if v is not None})
    pos = {v: i for i, v in enumerate(labels)}
    u_idx = np.array([pos.get(v, -1) if v is not None else -1 for v in per_unique], dtype=np.int32)
    row_idx = u_idx[idx]
    dict_arr = pa.DictionaryArray.from_arrays(pa.array(row_idx, mask=row_idx < 0),
                                              pa.array(labels, pa.large_string()))
    return _to_str_series(dict_arr.cast(pa.large_string()), index)


def aliases_markdown() -> str:
    """The header-alias table of the docs, rendered from :data:`FIELDS`."""
    lines = ["| field | type | 中文 | English | register kinds | accepted headers |",
             "|---|---|---|---|---|---|"]
    for f in FIELDS:
        kinds = "all facility kinds" if f.kinds == _FAC else (
            "all" if f.kinds == _ALL else ", ".join(f.kinds))
        heads = " · ".join(a.replace("|", "\\|") for a in f.aliases)
        lines.append(f"| `{f.name}` | {f.dtype} | {f.zh} | {f.en} | {kinds} | {heads} |")
    return "\n".join(lines) + "\n"


def types_markdown() -> str:
    """The facility-type label table of the docs, rendered from :data:`TYPE_ALIASES`."""
    by_code: dict[str, list[str]] = {}
    for label, code in TYPE_ALIASES.items():
        if label != code:
            by_code.setdefault(code, []).append(label)
    lines = ["| type | register kind | accepted labels |", "|---|---|---|"]
    for code in FACILITY_TYPES:
        kind = next(k for k, v in REGISTER_KINDS.items() if code in v)
        lines.append(f"| `{code}` | {kind} | {' · '.join(by_code[code])} |")
    return "\n".join(lines) + "\n"


def kind_aliases_markdown() -> str:
    """The table of kind-dependent headers of the docs, rendered from :data:`KIND_ALIASES`."""
    lines = ["| register kind | field | headers that mean it in this kind |", "|---|---|---|"]
    for kind, fields in KIND_ALIASES.items():
        for fld, heads in fields.items():
            lines.append(f"| {kind} | `{fld}` | {' · '.join(heads)} |")
    return "\n".join(lines) + "\n"


def name_rules_markdown() -> str:
    """The name-to-type table of the docs, rendered from :data:`NAME_RULES`."""
    lines = ["| type | register kind | name ends with | and contains |", "|---|---|---|---|"]
    for code in FACILITY_TYPES:
        kind = next(k for k, v in REGISTER_KINDS.items() if code in v)
        for contains in dict.fromkeys(r.contains for r in NAME_RULES if r.type == code):
            ends = [f"…{r.ends}" if r.ends else "(any)" for r in NAME_RULES
                    if r.type == code and r.contains == contains]
            lines.append(f"| `{code}` | {kind} | {' · '.join(ends)} | {contains or '—'} |")
    return "\n".join(lines) + "\n"
