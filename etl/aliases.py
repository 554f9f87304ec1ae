"""Header aliases, declared as data in one place.

Every field a register may carry is one :class:`Field` row of :data:`FIELDS`:
its canonical name, value type, the header texts that mean it (Chinese and
English), labels, and the register kinds that use it. Header matching,
blank templates and the docs' alias table all come from this table. The
facility-type labels and name rules (:mod:`etl.facility_types`) are re-exported here.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from etl.facility_types import (  # noqa: F401 - re-exported: type labels live beside the aliases
    NAME_RULES,
    TYPE_ALIASES,
    NameRule,
    name_rules_markdown,
    normalise_types,
    resolve_type,
    types_from_names,
    types_markdown,
)
from etl.normalise import normalise_header
from etl.schema import AGE_BANDS, FACILITY_KINDS, REGISTER_KINDS


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

_TRAILING_PAREN = re.compile(r"\([^()]*\)$")
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


def kind_aliases_markdown() -> str:
    """The table of kind-dependent headers of the docs, rendered from :data:`KIND_ALIASES`."""
    lines = ["| register kind | field | headers that mean it in this kind |", "|---|---|---|"]
    for kind, fields in KIND_ALIASES.items():
        for fld, heads in fields.items():
            lines.append(f"| {kind} | `{fld}` | {' · '.join(heads)} |")
    return "\n".join(lines) + "\n"
