"""Read the real reference facts in ``data/reference/`` into tidy DataFrames.

These files are copied unchanged from the project's fact collection (see
``data/reference/SOURCES.md``). Nothing here is generated.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from etl import paths

#: Planning zones (片区) of the county's 2022 township-level zone plan.
#: 普安镇 is split: 骑龙社区, 新店子村 and 沙河村 belong to 前厢片区.
ZONES: dict[str, str] = {
    "淙城街道": "城乡融合片区", "新宁镇": "城乡融合片区", "普安镇": "城乡融合片区",
    "永兴镇": "前厢片区", "回龙镇": "前厢片区",
    "讲治镇": "环宝石湖片区", "灵岩镇": "环宝石湖片区", "梅家乡": "环宝石湖片区",
    "任市镇": "后厢片区", "长岭镇": "后厢片区", "甘棠镇": "后厢片区", "广福镇": "后厢片区",
    "八庙镇": "后厢片区",
}
ZONE_EXCEPTIONS: dict[str, str] = {"骑龙": "前厢片区", "新店子": "前厢片区", "沙河": "前厢片区"}


def urban_rural_class(unit_type: str, ur_code_2016: str | None) -> tuple[str, str]:
    """Urban/rural class of a unit and the rule that gave it.

    The NBS urban-rural code (城乡分类代码) starts with 1 for urban (城镇) and 2 for
    rural (乡村). The 2016 code of the matching pre-merger unit is used as a proxy;
    without one, communities (社区) count as urban and villages (村) as rural.

    >>> urban_rural_class("村", "122")
    ('urban', 'ur2016:122')
    >>> urban_rural_class("社区", None)
    ('urban', 'type')
    """
    if ur_code_2016 and str(ur_code_2016)[:1] in {"1", "2"}:
        return ("urban" if str(ur_code_2016)[0] == "1" else "rural"), f"ur2016:{ur_code_2016}"
    return ("urban" if unit_type == "社区" else "rural"), "type"


def townships(ref: Path = paths.REFERENCE) -> pd.DataFrame:
    """The 13 current townships, one row each, columns as in ``schema.TABLES['townships']``."""
    t = pd.read_csv(ref / "kaijiang_townships_2023.csv", dtype=str)
    out = pd.DataFrame({
        "code": t["township_code_9"],
        "code_12": t["township_code_12"],
        "name": t["township_name"],
        "short_name": t["township_name"].str.replace(r"(街道|镇|乡)$", "", regex=True),
        "kind": t["kind"],
        "zone": t["township_name"].map(ZONES),
        "lon": t["point_lon_wgs84_converted"].astype(float),
        "lat": t["point_lat_wgs84_converted"].astype(float),
        "point_basis": t["point_basis"],
        "n_communities": t["n_communities_2023"].astype(int),
        "n_villages": t["n_villages_2023"].astype(int),
    })
    return out


def units(ref: Path = paths.REFERENCE) -> pd.DataFrame:
    """The 162 communities and villages with their codes, type and urban/rural class."""
    v = pd.read_csv(ref / "kaijiang_villages_2023.csv", dtype=str)
    unit_type = v["unit_type"].map(lambda s: "社区" if "社区" in s else "村")
    ur = [urban_rural_class(t, c) for t, c in zip(unit_type, v["ur_code_2016_name_match"], strict=True)]
    return pd.DataFrame({
        "code": v["village_code_12"],
        "name": v["village_name"],
        "short_name": v["village_short_name"],
        "township_code": v["township_code_9"],
        "unit_type": unit_type,
        "urban_rural": [u for u, _ in ur],
        "urban_rural_rule": [r for _, r in ur],
    })


def township_changes(ref: Path = paths.REFERENCE) -> pd.DataFrame:
    """Abolished pre-2019 townships and the current township that took them over."""
    c = pd.read_csv(ref / "kaijiang_township_changes_2019.csv", dtype=str)
    c = c[c["old_code_12"].str.fullmatch(r"\d{12}")]
    return pd.DataFrame({
        "old_name": c["old_name"],
        "old_code_12": c["old_code_12"],
        "township_code": c["new_code_12"].str[:9],
    })


def census_age(ref: Path = paths.REFERENCE) -> pd.DataFrame:
    """2020 census population by 5-year age group and sex (sums to 414,310)."""
    return pd.read_csv(ref / "kaijiang_census2020_age_sex.csv")


def census(ref: Path = paths.REFERENCE) -> pd.DataFrame:
    """2020 census headline figures for the county."""
    c = pd.read_csv(ref / "kaijiang_census2020_county.csv")
    c["value"] = pd.to_numeric(c["value"], errors="coerce")
    return c[["indicator", "value", "unit", "source"]]


def boundary_geojson(path: Path = paths.BOUNDARY_WGS84) -> dict:
    """The county boundary as a GeoJSON geometry (WGS-84)."""
    with open(path, encoding="utf-8") as f:
        fc = json.load(f)
    return fc["features"][0]["geometry"]
