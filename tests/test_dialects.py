"""Register dialects: how different bureaus write the same register, one table row per rule.

Headings of the type column (学段, 学校类别, 办学层次 …), their values (小学, 初中, 完全中学 …),
types told from facility names when a register has no type (…中心卫生院, …敬老院 …), and
headers whose meaning depends on the register kind (a bare 床位数). The rules are declared as
data in ``etl/aliases.py`` (``KIND_ALIASES``, ``TYPE_ALIASES``, ``NAME_RULES``).
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

from etl import aliases, paths, pipeline
from etl.aliases import (
    KIND_ALIASES,
    NAME_RULES,
    match_columns,
    normalise_types,
    resolve_type,
    types_from_names,
)
from etl.schema import FACILITY_TYPES, REGISTER_KINDS
from tests.conftest import reference_db

ROOT = Path(__file__).resolve().parent.parent

# -- headings of the type column ---------------------------------------------------------

TYPE_HEADINGS = [
    ("学段", "schools"), ("学校类别", "schools"), ("办学层次", "schools"),
    ("学校类型", "schools"), ("学段类别", "schools"), ("学校层次", "schools"),
    ("办学类别", "schools"), ("学段类型", "schools"), ("学段", "kindergartens"),
    ("办学层次", "kindergartens"), ("学段（小学/初中）", "schools"), (" 学\n段 ", "schools"),
]


@pytest.mark.parametrize(("header", "kind"), TYPE_HEADINGS)
def test_type_heading(header, kind):
    m = match_columns(["学校名称", header], kind)
    assert m.mapping == {"学校名称": "name", header: "type"} and m.missing_required == []


@pytest.mark.parametrize("kind", ["hospitals", "elderly_care", "culture"])
def test_school_headings_mean_nothing_elsewhere(kind):
    assert match_columns(["名称", "学段"], kind).unmatched == ["学段"]


# -- values of a 学段 / type column ------------------------------------------------------

STAGE_VALUES = [
    ("小学", "schools", "primary"), ("普通小学", "schools", "primary"),
    ("完全小学", "schools", "primary"), ("完小", "schools", "primary"),
    ("初中", "schools", "junior"), ("普通初中", "schools", "junior"),
    ("初级中学", "schools", "junior"),
    ("九年一贯制", "schools", "nine_year"), ("九年制", "schools", "nine_year"),
    ("九年一贯", "schools", "nine_year"), ("小学、初中", "schools", "nine_year"),
    ("小学+初中", "schools", "nine_year"), ("小学，初中", "schools", "nine_year"),
    ("完全中学", "schools", "senior_high"), ("完中", "schools", "senior_high"),
    ("高中", "schools", "senior_high"), ("高级中学", "schools", "senior_high"),
    ("十二年一贯制", "schools", "senior_high"), ("初中、高中", "schools", "senior_high"),
    ("职高", "schools", "vocational"), ("中职", "schools", "vocational"),
    ("职中", "schools", "vocational"), ("中等职业学校", "schools", "vocational"),
    ("职业学校", "schools", "vocational"),
    ("特教", "schools", "special"), ("特殊教育", "schools", "special"),
    ("特教学校", "schools", "special"), ("特校", "schools", "special"),
    ("小学教学点", "schools", "teaching_point"), ("教学点", "schools", "teaching_point"),
    ("幼儿园", "kindergartens", "kindergarten"), ("学前教育", "kindergartens", "kindergarten"),
    ("学前", "kindergartens", "kindergarten"),
    ("中医医院", "hospitals", "county_hospital"),
]


@pytest.mark.parametrize(("label", "kind", "code"), STAGE_VALUES)
def test_stage_value(label, kind, code):
    types, errors = normalise_types(pd.Series([label]), kind)
    assert types[0] == code and pd.isna(errors[0])


def test_kindergarten_in_a_school_register_is_another_kind():
    _, errors = normalise_types(pd.Series(["幼儿园"]), "schools")
    assert errors[0] == "type_not_allowed"


# -- types told from names ---------------------------------------------------------------

NAMES = [
    # elderly and child care
    ("开江县甘棠镇敬老院", "elderly_care", "care_home"),
    ("开江县长岭镇中心敬老院", "elderly_care", "care_home"),
    ("开江县社会福利院", "elderly_care", "care_home"),
    ("讲治镇养老院", "elderly_care", "care_home"),
    ("任市镇特困人员供养服务中心", "elderly_care", "care_home"),
    ("任市镇桥亭社区日间照料中心", "elderly_care", "day_care"),
    ("新宁镇双河村日间照料站", "elderly_care", "day_care"),
    ("开江县医养结合中心", "elderly_care", "medical_elderly"),
    ("普安镇医养结合服务中心", "elderly_care", "medical_elderly"),
    ("开江县医养结合中心敬老院", "elderly_care", "care_home"),  # 中心敬老院 (5) > 医养结合 (4)
    ("开江县托育服务中心", "elderly_care", "infant_care"),
    ("淙城街道托儿所", "elderly_care", "infant_care"),
    ("普安镇老年协会", "elderly_care", None),
    # hospitals: 中心卫生院 before 卫生院; 社区卫生服务中心 only in a hospital register
    ("开江县任市镇中心卫生院", "hospitals", "central_health_centre"),
    ("开江县长岭镇卫生院", "hospitals", "health_centre"),
    ("开江县淙城街道社区卫生服务中心", "hospitals", "community_health_centre"),
    ("开江县人民医院", "hospitals", "county_hospital"),
    ("开江县人民医院（二级甲等）", "hospitals", "county_hospital"),
    ("开江县中医院", "hospitals", "county_hospital"),
    ("开江县中医医院", "hospitals", "county_hospital"),
    ("开江县妇幼保健院", "hospitals", "county_hospital"),
    ("开江县妇幼保健计划生育服务中心", "hospitals", "county_hospital"),
    ("开江县某某专科医院", "hospitals", None),
    ("沙坝村卫生室", "hospitals", None),  # a village clinic: the clinics register
    ("新宁镇梅子村综合文化服务中心", "hospitals", None),
    ("沙坝村卫生室", "clinics", "village_clinic"),
    # schools
    ("开江县任市镇中心小学", "schools", "primary"),
    ("开江县梅家乡小学", "schools", "primary"),
    ("开江县灵岩镇中心校", "schools", "primary"),
    ("开江县甘棠镇中心小学（本部）", "schools", "primary"),
    ("开江县八庙镇村小", "schools", "teaching_point"),
    ("开江县八庙镇大田村小学", "schools", "teaching_point"),
    ("开江县八庙镇大田村中心小学", "schools", "primary"),  # 中心小学 (4) > 村小学 (3)
    ("开江县普安镇教学点", "schools", "teaching_point"),
    ("开江县广福镇初级中学", "schools", "junior"),
    ("开江县讲治镇中学", "schools", "junior"),
    ("开江县灵岩镇初中", "schools", "junior"),
    ("开江县永兴镇九年一贯制学校", "schools", "nine_year"),
    ("开江县永兴镇九年制学校", "schools", "nine_year"),
    ("开江县职业中学", "schools", "vocational"),  # 职业中学 (4) > 中学 (2)
    ("开江县职中", "schools", "vocational"),
    ("开江县高级中学", "schools", "senior_high"),
    ("开江县完全中学", "schools", "senior_high"),
    ("开江县特殊教育学校", "schools", "special"),
    ("开江县教师进修学校", "schools", "teacher_training"),
    ("开江县某某学校", "schools", None),
    ("开江县新宁镇中心幼儿园", "schools", None),  # the kindergartens register
    ("开江县新宁镇中心幼儿园", "kindergartens", "kindergarten"),
    # culture: 文化服务中心 only in a culture register
    ("新宁镇梅子村综合文化服务中心", "culture", "village_centre"),
    ("任市镇村级文化服务中心", "culture", "village_centre"),
    ("开江县淙城街道社区卫生服务中心", "culture", None),
    ("金牛社区院坝文化驿家", "culture", "courtyard_post"),
    ("梅家乡文化综合体", "culture", "township_complex"),
    ("回龙镇综合文化站", "culture", "township_complex"),
    ("回龙镇文化站", "culture", "township_complex"),
    ("开江县田园大舞台", "culture", "county_stage"),
    ("开江县图书馆", "culture", "library"),
    ("开江县图书馆任市分馆", "culture", "library_branch"),
    ("任市镇图书分馆", "culture", "library_branch"),
    ("开江县文化馆", "culture", "culture_centre"),
    ("开江县文化馆普安分馆", "culture", "culture_branch"),
    ("任市分馆", "culture", None),  # a branch of what?
    ("　开江县 图书馆 ", "culture", "library"),  # spaces (full-width too) ignored
]


@pytest.mark.parametrize(("name", "kind", "code"), NAMES)
def test_type_from_name(name, kind, code):
    assert types_from_names([name], kind).to_pylist() == [code]


@pytest.mark.parametrize("rule", NAME_RULES, ids=lambda r: f"{r.type}:{r.contains}…{r.ends}")
def test_every_name_rule_tells_its_type(rule):
    kind = next(k for k, v in REGISTER_KINDS.items() if rule.type in v)
    name = f"开江县某某{rule.contains}{rule.ends or '服务中心'}"
    assert types_from_names([name], kind).to_pylist() == [rule.type]


@pytest.mark.parametrize("rule", NAME_RULES, ids=lambda r: f"{r.type}:{r.contains}…{r.ends}")
def test_name_rules_are_of_known_types(rule):
    assert rule.type in FACILITY_TYPES and (rule.ends or rule.contains)


def test_types_from_names_keeps_nulls_and_is_vectorised():
    names = pa.array(["甲镇敬老院", None, "乙村日间照料中心"] * 1000, pa.large_string())
    out = types_from_names(names, "elderly_care")
    assert out.to_pylist()[:3] == ["care_home", None, "day_care"] and len(out) == 3000


# -- --type ------------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "kind", "code"), [
    ("care_home", "elderly_care", "care_home"), ("敬老院", "elderly_care", "care_home"),
    ("日间照料中心", "elderly_care", "day_care"), ("primary", "schools", "primary"),
    ("小学", "schools", "primary"), ("卫生院", "hospitals", "health_centre"),
    ("village_clinic", "clinics", "village_clinic"),
])
def test_resolve_type(value, kind, code):
    assert resolve_type(value, kind) == code


@pytest.mark.parametrize(("value", "kind"), [
    ("primary", "elderly_care"), ("火星", "schools"), ("幼儿园", "schools"),
    ("care_home", "population"),
])
def test_resolve_type_refuses_other_kinds_bilingually(value, kind):
    with pytest.raises(ValueError) as exc:
        resolve_type(value, kind)
    msg = str(exc.value)
    assert "可用类型" in msg and "valid types" in msg
    for code in REGISTER_KINDS[kind]:
        assert code in msg


# -- headers whose meaning depends on the kind -------------------------------------------

KIND_DEPENDENT = [
    ("床位数", "elderly_care", "care_beds"), ("床位", "elderly_care", "care_beds"),
    ("床位数（张）", "elderly_care", "care_beds"), ("床位（张）", "elderly_care", "care_beds"),
    ("床位数(张)", "elderly_care", "care_beds"), ("实有床位数", "elderly_care", "care_beds"),
    ("总床位数", "elderly_care", "care_beds"), ("开放床位", "elderly_care", "beds"),
    ("床位数", "hospitals", "beds"), ("床位（张）", "hospitals", "beds"),
    ("床位数（张）", "hospitals", "beds"), ("实有床位数", "hospitals", "beds"),
    ("床位数", "clinics", "beds"), ("床位数（张）", "clinics", "beds"),
    ("床位数", "schools", "boarding_beds"), ("床位（张）", "schools", "boarding_beds"),
    ("建筑面积（平方米）", "elderly_care", "area_m2"), ("建筑面积(平方米)", "schools", "area_m2"),
    ("建筑面积（㎡）", "culture", "area_m2"), ("所在乡镇", "elderly_care", "township"),
]


@pytest.mark.parametrize(("header", "kind", "field"), KIND_DEPENDENT)
def test_kind_dependent_header(header, kind, field):
    assert match_columns(["名称", header], kind).mapping[header] == field


@pytest.mark.parametrize(("kind", "field", "alias"),
                         [(k, f, a) for k, fs in KIND_ALIASES.items() for f, heads in fs.items()
                          for a in heads])
def test_every_kind_alias(kind, field, alias):
    assert field in aliases.valid_fields(kind)
    assert match_columns([alias], kind).mapping == {alias: field}


def test_specific_header_beats_a_bare_one():
    m = match_columns(["机构名称", "床位数", "养老床位"], "elderly_care")
    assert m.mapping["养老床位"] == "care_beds" and m.duplicates == {
        "care_beds": ["床位数", "养老床位"]}


# -- through the pipeline ----------------------------------------------------------------

@pytest.fixture(scope="module")
def con(tmp_path_factory):
    c = reference_db(tmp_path_factory.mktemp("dialects") / "d.duckdb")
    pipeline.load_file(c, paths.REGISTERS / "population_2020.csv", "population", keep_raw=False)
    yield c
    c.close()


def _csv(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "r.csv"
    p.write_text(text, encoding="utf-8")
    return p


def test_blank_type_cell_is_told_from_the_name(con, tmp_path):
    p = _csv(tmp_path, "名称,类型,乡镇\n甲镇敬老院,,任市镇\n乙日间照料中心,敬老院,任市镇\n"
                       "老年协会,,任市镇\n,,任市镇\n")
    res = pipeline.process_file(con, p, "elderly_care")
    assert res.clean["type"].tolist() == ["care_home", "care_home"]  # a label wins over the name
    rej = res.rejects.set_index("row_number")
    assert "老年协会" in rej.loc[4, "reason_zh"] and "老年协会" in rej.loc[4, "reason_en"]
    assert rej.loc[4, "column_name"] == "类型"
    assert "cannot be told" not in rej.loc[5, "reason_en"]  # no name: said once, as missing


def test_type_option_sets_every_row(con, tmp_path):
    p = _csv(tmp_path, "名称,类型,乡镇\n甲,敬老院,任市镇\n乙,,任市镇\n")
    res = pipeline.process_file(con, p, "elderly_care", type="day_care")
    assert res.rows_loaded == 2 and set(res.clean["type"]) == {"day_care"}
    assert any("--type" in n for n in res.notes)
    with pytest.raises(ValueError, match="valid types"):
        pipeline.process_file(con, p, "elderly_care", type="primary")
    with pytest.raises(ValueError, match="可用类型"):
        pipeline.load_file(con, p, "elderly_care", type="primary", keep_raw=False)


def test_type_option_is_kept_for_rebuilds(con, tmp_path):
    p = _csv(tmp_path, "名称,乡镇\n甲,任市镇\n")
    data = tmp_path / "data"
    (data / "raw").mkdir(parents=True)
    (data / "raw" / "index.csv").write_text(  # an index written before the type was kept
        "raw_name,file_name,sha256,kind,crs,overrides,loaded_at\nx.csv,x.csv,0,clinics,wgs84,{},t\n",
        encoding="utf-8")
    res = pipeline.load_file(con, p, "elderly_care", type="敬老院", data_dir=data)
    assert res.rows_loaded == 1
    with open(data / "raw" / "index.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["type"] for r in rows] == ["", "敬老院"]  # the old row kept, with no type
    assert rows[0]["raw_name"] == "x.csv" and rows[1]["kind"] == "elderly_care"


def test_cli_type_option(built_db, tmp_path):
    dbfile = tmp_path / "equity.duckdb"
    dbfile.write_bytes(built_db.read_bytes())
    p = _csv(tmp_path, "机构名称,所在乡镇,床位数（张）,年份\n"
                       "某某之家,任市镇,30,2024\n任市镇敬老院,任市镇,40,2024\n")

    def etl(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "etl", "--db", str(dbfile), *args],
                              cwd=ROOT, capture_output=True, text=True, timeout=300)

    out = etl("validate", str(p), "--kind", "elderly_care", "--crs", "bd09", "--json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["rows_loaded"] == 1  # 某某之家: type not told
    out = etl("validate", str(p), "--kind", "elderly_care", "--type", "primary")
    assert out.returncode == 1 and "可用类型" in out.stderr and "care_home" in out.stderr
    out = etl("load", str(p), "--kind", "elderly_care", "--type", "care_home", "--json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["rows_loaded"] == 2


def test_docs_contain_dialect_tables():
    doc = (ROOT / "docs" / "etl-parsers.md").read_text("utf-8")
    assert aliases.kind_aliases_markdown() in doc
    assert aliases.name_rules_markdown() in doc
    assert aliases.types_markdown() in doc
