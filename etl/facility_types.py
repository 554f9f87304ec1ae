"""Facility-type labels and name rules, declared as data in one place.

A register writes a facility's type as a label (中心校, 卫生院, …): :data:`TYPE_ALIASES`
maps every accepted label to a type code of ``etl.schema.FACILITY_TYPES``. Without a
label the type is told from the facility's name by :data:`NAME_RULES`. The docs' type
tables are rendered from these tables.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from etl.normalise import normalise_header
from etl.schema import FACILITY_TYPES, REGISTER_KINDS
from etl.values import to_str_series


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
    return to_str_series(dict_arr.cast(pa.large_string()), index)


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
