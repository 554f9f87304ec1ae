"""Translations as data: every UI string as key -> (中文, English).

Pages never write literal labels: they call :func:`t` with a key and the current
language (:func:`current_lang`). Facility-type, domain and tier labels come from
:data:`etl.schema.FACILITY_TYPES` so the two never drift apart.

>>> t("urban", "zh"), t("urban", "en")
('城镇', 'Urban')
>>> t("unit.min", "en")
'min'
>>> t("facility.village_clinic", "zh")
'村卫生室'
>>> plain("<b>x</b>")
'&lt;b&gt;x&lt;/b&gt;'
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

from etl.schema import DOMAINS, FACILITY_TYPES

__all__ = [
    "DEFAULT_LANG", "LANGS", "TEXT", "current_lang", "domain_label", "facility_label",
    "group_label", "labels", "normalise_lang", "plain", "t", "with_unit",
]

#: Supported languages, the first is the default.
LANGS: tuple[str, ...] = ("zh", "en")
DEFAULT_LANG = "zh"

_UI: dict[str, tuple[str, str]] = {
    # app and pages
    "app.title": ("开江县城乡公共服务均等化监测", "Kaijiang County urban-rural public-service monitor"),
    "app.subtitle": ("教育、卫生健康、养老托育、公共文化的城乡差距",
                     "Urban-rural gaps in education, health, elderly and child care, and culture"),
    "page.overview": ("总览", "Overview"),
    "page.education": ("教育", "Education"),
    "page.health": ("卫生健康", "Health"),
    "page.elderly_care": ("养老托育", "Elderly & child care"),
    "page.culture": ("公共文化", "Culture"),
    "page.data": ("数据", "Data"),
    "page.planning": ("规划", "Planning"),
    # groups
    "urban": ("城镇", "Urban"),
    "rural": ("乡村", "Rural"),
    "county": ("全县", "County"),
    "all": ("全部", "All"),
    "gap": ("城乡差距", "Urban-rural gap"),
    "ratio": ("城乡比", "Urban/rural ratio"),
    "township": ("乡镇（街道）", "Township"),
    "unit": ("村（社区）", "Village / community"),
    "facility": ("设施", "Facility"),
    "facility_type": ("设施类型", "Facility type"),
    "population": ("常住人口", "Residents"),
    "target": ("目标", "Target"),
    "value": ("数值", "Value"),
    "count": ("个数", "Count"),
    "share": ("占比", "Share"),
    "language": ("语言", "Language"),
    "lang.zh": ("中文", "中文"),
    "lang.en": ("English", "English"),
    # tiers
    "tier.county": ("县级", "County level"),
    "tier.township": ("乡镇级", "Township level"),
    "tier.village": ("村级", "Village level"),
    "tier.group": ("组级（院坝）", "Group level (courtyard)"),
    # units of measurement
    "unit.km": ("公里", "km"),
    "unit.min": ("分钟", "min"),
    "unit.persons": ("人", "persons"),
    "unit.percent": ("%", "%"),
    "unit.beds_per_1000": ("张/千人", "beds per 1,000"),
    "unit.places_per_1000": ("个/千人", "places per 1,000"),
    "unit.per_1000": ("/千人", "per 1,000"),
    "unit.m2_per_1000": ("平方米/千人", "m² per 1,000"),
    "unit.facilities": ("个", "facilities"),
    "unit.hours_per_week": ("小时/周", "hours per week"),
    # indicators (axis and colour-bar titles add the unit: "{label}（{unit}）")
    "ind.travel_time_min": ("到最近设施的出行时间", "Travel time to the nearest facility"),
    "ind.distance_km": ("到最近设施的距离", "Distance to the nearest facility"),
    "ind.share_within": ("标准时间内可达的人口占比", "Share of residents within the standard time"),
    "ind.access_2sfca": ("可达性（两步移动搜索法）", "Accessibility (2SFCA)"),
    "ind.beds_per_1000": ("每千人床位", "Beds per 1,000 residents"),
    "ind.places_per_1000": ("每千人学位/托位", "Places per 1,000 residents"),
    "chart.frequency": ("村（社区）数", "Villages and communities"),
    "chart.residents": ("常住人口", "Residents"),
    "chart.group": ("城乡", "Urban / rural"),
    "chart.indicator": ("指标", "Indicator"),
    # map
    "map.county_outline": ("县界", "County boundary"),
    "map.units": ("村（社区）", "Villages and communities"),
    "map.areas": ("区域", "Areas"),
    "map.areas_generated": ("区域为按村点生成的近似范围（泰森多边形），非官方界线",
                            "Areas are approximations generated from village points (Voronoi), "
                            "not official boundaries"),
    # synthetic-data banner
    "synthetic.title": ("示例数据", "Synthetic data"),
    "synthetic.banner": (
        "**示例数据。** 乡镇、村（社区）名称与统计代码、县界、2020 年第七次人口普查总数为真实数据；"
        "村（社区）位置、分村人口和各类设施登记表为按真实总数生成的示例数据（合成），"
        "不是官方统计，不能作为决策依据。导入本县登记表后即替换。",
        "**Synthetic data.** Township and village names and codes, the county boundary and the "
        "2020 census totals are real; village points, population by village and the facility "
        "registers are generated to match the real totals. They are not official statistics and "
        "must not be used for decisions. Loading the county's own registers replaces them.",
    ),
    "synthetic.short": ("含示例（合成）数据，非官方统计", "Contains synthetic data, not official statistics"),
    # data year and sources
    "data.year": ("数据年份：{year}", "Data year: {year}"),
    "data.pop_year": ("人口：{year} 年", "Population: {year}"),
    "data.sources": ("数据来源", "Sources"),
    "source.codes": ("国家统计局统计用区划代码（2023）", "NBS statistical division codes (2023)"),
    "source.census": ("第七次全国人口普查（2020）开江县数据", "7th national census (2020), Kaijiang"),
    "source.boundary": ("县界：高德地图/Vonng adcode（CC BY 4.0），已转换为 WGS-84",
                        "County boundary: Amap via Vonng/adcode (CC BY 4.0), converted to WGS-84"),
    "source.registers_synthetic": ("设施登记表：示例数据（合成，2024）",
                                   "Facility registers: synthetic sample data (2024)"),
    "source.registers": ("设施登记表：{source}", "Facility registers: {source}"),
    # empty states
    "empty.no_data": ("暂无数据。", "No data yet."),
    "empty.no_facilities": ("所选类型暂无设施记录。", "No facilities of the selected type."),
    "empty.no_selection": ("请至少选择一项。", "Select at least one item."),
    "empty.no_match": ("没有符合筛选条件的记录。", "No records match the filters."),
    "empty.no_boundary": ("未加载县界，地图无法显示。", "No boundary loaded: the map cannot be drawn."),
    "empty.no_target": ("该指标暂无配置标准。", "No target is defined for this indicator."),
    # sharing and downloads
    "share.title": ("分享当前视图", "Share this view"),
    "share.copy_link": ("复制链接", "Copy link"),
    "share.copied": ("已复制", "Copied"),
    "share.help": ("链接包含当前全部筛选条件，打开后显示同一视图（只读）。",
                   "The link holds every current filter and reopens this exact view (read-only)."),
    "download.csv": ("下载 CSV", "Download CSV"),
    "download.xlsx": ("下载 XLSX", "Download XLSX"),
    "download.brief": ("下载简报", "Download brief"),
    "brief.generated": ("生成时间：{time}", "Generated: {time}"),
    "brief.print_hint": ("可用浏览器“打印 → 另存为 PDF”导出", "Print to PDF from the browser"),
}


def _facility_text() -> dict[str, tuple[str, str]]:
    out = {f"facility.{k}": (zh, en) for k, (_d, _t, zh, en) in FACILITY_TYPES.items()}
    for d in DOMAINS:
        out[f"domain.{d}"] = _UI[f"page.{d}"]
    return out


#: Every UI string: key -> (中文, English).
TEXT: dict[str, tuple[str, str]] = {**_UI, **_facility_text()}


def normalise_lang(value: Any) -> str:
    """A supported language code, or the default for anything else.

    >>> normalise_lang("en"), normalise_lang("EN "), normalise_lang("<x>"), normalise_lang(None)
    ('en', 'en', 'zh', 'zh')
    """
    v = str(value).strip().lower() if value is not None else ""
    return v if v in LANGS else DEFAULT_LANG


def current_lang() -> str:
    """The language of this view from the ``lang`` query parameter (``zh`` by default)."""
    import streamlit as st

    return normalise_lang(st.query_params.get("lang"))


def t(key: str, lang: str = DEFAULT_LANG, **fmt: Any) -> str:
    """The text for ``key`` in ``lang``, with ``{placeholders}`` filled from ``fmt``.

    Raises ``KeyError`` for an unknown key (the tests check that every key used exists).

    >>> t("data.year", "en", year=2024)
    'Data year: 2024'
    """
    zh, en = TEXT[key]
    text = en if normalise_lang(lang) == "en" else zh
    return text.format(**fmt) if fmt else text


def facility_label(facility_type: str, lang: str = DEFAULT_LANG) -> str:
    """Label of a facility type; an unknown type is returned as is (escaped by the caller)."""
    key = f"facility.{facility_type}"
    return t(key, lang) if key in TEXT else str(facility_type)


def domain_label(domain: str, lang: str = DEFAULT_LANG) -> str:
    """Label of a service domain (education, health, elderly_care, culture)."""
    key = f"domain.{domain}"
    return t(key, lang) if key in TEXT else str(domain)


def group_label(group: Any, lang: str = DEFAULT_LANG) -> str:
    """Label of an urban/rural group value (``urban``, ``rural``, ``county``), else the value."""
    key = str(group)
    return t(key, lang) if key in ("urban", "rural", "county") else key


def with_unit(label: str, unit: str, lang: str = DEFAULT_LANG) -> str:
    """An axis title with its unit: ``出行时间（分钟）`` or ``Travel time (min)``.

    >>> with_unit("出行时间", "分钟", "zh"), with_unit("Travel time", "min", "en")
    ('出行时间（分钟）', 'Travel time (min)')
    """
    if not unit:
        return label
    return f"{label}（{unit}）" if normalise_lang(lang) == "zh" else f"{label} ({unit})"


def plain(text: Any) -> str:
    """Text made safe for Plotly labels and HTML: ``<``, ``>``, ``&`` and quotes escaped.

    Plotly renders a subset of HTML (``<b>``, ``<br>``, ``<a href>``) in hover text,
    tick labels and legend names; data must go through this first.
    """
    return html.escape("" if text is None else str(text), quote=True)


def labels(mapping: Mapping[str, str], lang: str = DEFAULT_LANG) -> dict[str, str]:
    """Translate the values of ``{column: key}`` (handy for renaming table columns)."""
    return {col: t(key, lang) for col, key in mapping.items()}

