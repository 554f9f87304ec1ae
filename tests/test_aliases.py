"""Header aliases and facility-type labels, table-driven."""

from pathlib import Path

import pandas as pd
import pytest

from etl.aliases import (
    FIELD_BY_NAME,
    FIELDS,
    KIND_ALIASES,
    REQUIRED,
    TYPE_ALIASES,
    aliases_markdown,
    match_columns,
    normalise_header,
    normalise_types,
    template_columns,
)
from etl.schema import FACILITY_TYPES, REGISTER_KINDS
from etl.values import REASONS


def _kind_override(alias: str, kind: str) -> bool:
    """True when the header means another field in this kind (``KIND_ALIASES``)."""
    heads = {normalise_header(a) for hs in KIND_ALIASES.get(kind, {}).values() for a in hs}
    return normalise_header(alias) in heads


ALIAS_CASES = [(a, f.name, kind) for f in FIELDS for a in f.aliases for kind in f.kinds
               if not _kind_override(a, kind)]


@pytest.mark.parametrize(("alias", "field", "kind"), ALIAS_CASES)
def test_every_alias_maps_to_its_field(alias, field, kind):
    assert match_columns([alias], kind).mapping == {alias: field}


@pytest.mark.parametrize(("header", "kind", "field"), [
    ("床位数/开放床位", "hospitals", "beds"), ("在校生数（人）", "schools", "students"),
    (" 乡镇\n（街道） ", "schools", "township"), ("ＬＮＧ", "clinics", "lon"),
    ("0～2岁", "population", "pop_0_2"), ("65+", "population", "pop_65_plus"),
    ("常住人口/合计", "population", "population"), ("经度,纬度", "culture", "lonlat"),
    ("人员/执业（助理）医师数", "hospitals", "doctors"), ("面积(㎡)", "culture", "area_m2"),
])
def test_header_variants(header, kind, field):
    assert match_columns([header], kind).mapping == {header: field}


def test_normalise_header():
    assert normalise_header("【学校】名称*") == "(学校)名称"
    assert normalise_header("Ｌａｔ") == "lat"


def test_overrides_win_and_unknown_field_raises():
    m = match_columns(["备注", "名称"], "schools", {"备注": "address"})
    assert m.mapping == {"备注": "address", "名称": "name"}
    m = match_columns(["名称"], "schools", {"名称": "school_group", "不存在": "name"})
    assert m.mapping == {"名称": "school_group"} and m.unused_overrides == ["不存在"]
    with pytest.raises(ValueError, match="valid fields: id, name"):
        match_columns(["名称"], "schools", {"名称": "nonsense"})
    with pytest.raises(ValueError):
        match_columns(["名称"], "schools", {"名称": "beds"})  # a field of another kind


@pytest.mark.parametrize(("columns", "kind", "missing"), [
    (["名称", "类型"], "schools", []), (["名称"], "schools", []),  # type: told from names
    (["名称"], "elderly_care", []), (["名称"], "hospitals", []), (["名称"], "culture", []),
    (["名称"], "clinics", []), (["经度", "纬度"], "clinics", ["name"]),
    (["乡镇", "村"], "population", []), (["乡镇", "村代码"], "population", []),
    (["乡镇", "合计"], "population", ["unit|unit_code"]),
])
def test_missing_required(columns, kind, missing):
    assert match_columns(columns, kind).missing_required == missing


def test_duplicates_reported_best_alias_wins():
    m = match_columns(["名称", "床位数/编制床位", "床位数/开放床位", "经度", "lng"], "hospitals")
    assert m.duplicates == {"beds": ["床位数/编制床位", "床位数/开放床位"], "lon": ["经度", "lng"]}
    assert m.mapping["床位数/开放床位"] == "beds" and "床位数/编制床位" not in m.mapping
    assert m.mapping["经度"] == "lon"
    m = match_columns(["名称", "名称#2"], "schools")
    assert m.mapping == {"名称": "name"} and m.unmatched == ["名称#2"]


def test_required_kinds_cover_register_kinds():
    assert set(REQUIRED) == set(REGISTER_KINDS)


@pytest.mark.parametrize(("label", "code"), sorted(TYPE_ALIASES.items()))
def test_every_type_alias(label, code):
    kind = next(k for k, v in REGISTER_KINDS.items() if code in v)
    types, errors = normalise_types(pd.Series([label]), kind)
    assert types[0] == code and pd.isna(errors[0])


@pytest.mark.parametrize("code", sorted(FACILITY_TYPES))
def test_schema_labels_are_aliases(code):
    assert TYPE_ALIASES[FACILITY_TYPES[code][2]] == code


@pytest.mark.parametrize(("values", "kind", "types", "errors"), [
    (["卫生院", "火星", None], "schools", [None, None, None],
     ["type_not_allowed", "unknown_type", "missing_type"]),
    ([None, "幼儿园"], "kindergartens", ["kindergarten", "kindergarten"], [None, None]),
    (["", "卫生室"], "clinics", ["village_clinic", "village_clinic"], [None, None]),
    (["图书馆分馆", "文化馆分馆"], "culture", ["library_branch", "culture_branch"], [None, None]),
])
def test_normalise_types(values, kind, types, errors):
    t, e = normalise_types(pd.Series(values, dtype=object), kind)
    assert [None if pd.isna(x) else x for x in t] == types
    assert [None if pd.isna(x) else x for x in e] == errors
    assert all(code in REASONS for code in e.dropna())


def test_template_columns():
    assert template_columns("schools")[:3] == ["编号", "名称", "类型"]
    for kind in REGISTER_KINDS:
        cols = template_columns(kind)
        assert match_columns(cols, kind).unmatched == []


def test_docs_contain_alias_table():
    doc = (Path(__file__).resolve().parents[1] / "docs" / "etl-parsers.md").read_text("utf-8")
    assert aliases_markdown() in doc


def test_alias_index_is_built_once_per_kind_and_read_only():
    from etl import aliases

    index = aliases._alias_index("schools")
    assert aliases._alias_index("schools") is index
    expected = {}
    for f in FIELDS:
        if "schools" in f.kinds:
            for rank, alias in enumerate(f.aliases):
                expected.setdefault(normalise_header(alias), (f.name, rank))
    for fld, heads in KIND_ALIASES["schools"].items():  # kind-dependent headers win
        for rank, alias in enumerate(heads):
            expected[normalise_header(alias)] = (fld, len(FIELD_BY_NAME[fld].aliases) + rank)
    assert dict(index) == expected
    with pytest.raises(TypeError):
        index["x"] = ("name", 0)
    for _ in range(2):  # an unknown kind is refused every time, never cached
        with pytest.raises(ValueError, match="unknown register kind"):
            aliases._alias_index("nonsense")
