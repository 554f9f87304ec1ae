"""ui.pinyin: every township of Kaijiang romanised as the standard writes it (checked by hand),
every village of the reference lists romanised, and the English view showing the pinyin."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from ui.pinyin import GENERIC, place_label, romanise

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "data" / "reference"

#: every township of Kaijiang (2023, after the 2019 reform) and the former ones (2016), with
#: the romanisation checked by hand (GB/T 16159-2012: name as one word, generic apart)
TOWNSHIPS = {
    # 2023
    "淙城街道": "Congcheng Jiedao", "新宁镇": "Xinning Zhen", "普安镇": "Pu'an Zhen",
    "回龙镇": "Huilong Zhen", "永兴镇": "Yongxing Zhen", "讲治镇": "Jiangzhi Zhen",
    "甘棠镇": "Gantang Zhen", "任市镇": "Renshi Zhen", "广福镇": "Guangfu Zhen",
    "长岭镇": "Changling Zhen", "八庙镇": "Bamiao Zhen", "灵岩镇": "Lingyan Zhen",
    "梅家乡": "Meijia Xiang",
    # merged in 2019
    "天师镇": "Tianshi Zhen", "宝石镇": "Baoshi Zhen", "长田乡": "Changtian Xiang",
    "骑龙乡": "Qilong Xiang", "新太乡": "Xintai Xiang", "沙坝场乡": "Shabachang Xiang",
    "靖安乡": "Jing'an Xiang", "新街乡": "Xinjie Xiang",
    "开江县": "Kaijiang Xian",
}


def _column(file: str, col: str) -> list[str]:
    with (REFERENCE / file).open(encoding="utf-8-sig") as f:
        return [row[col] for row in csv.DictReader(f)]


@pytest.mark.parametrize(("name", "expected"), sorted(TOWNSHIPS.items()))
def test_township(name, expected):
    assert romanise(name) == expected
    assert place_label(name, "en") == f"{name} {expected}"
    assert place_label(name, "zh") == name


def test_every_township_of_the_reference_data_is_checked():
    names = set(_column("kaijiang_townships_2023.csv", "township_name"))
    names |= set(_column("kaijiang_townships_2016_prereform.csv", "name"))
    assert names <= set(TOWNSHIPS), sorted(names - set(TOWNSHIPS))


@pytest.mark.parametrize(("name", "expected"), [
    # village committees: the village or community with its generic part
    ("沙坝场社区居民委员会", "Shabachang Shequ"), ("万花岭社区村民委员会", "Wanhualing Shequ"),
    ("长田社区居民委员会", "Changtian Shequ"), ("长堰沟村民委员会", "Changyangou Cun"),
    ("乐园村民委员会", "Leyuan Cun"), ("花朝门村民委员会", "Huachaomen Cun"),
    ("马鞍山村民委员会", "Ma'anshan Cun"), ("仙耳岩村民委员会", "Xian'eryan Cun"),
    ("竹儿坪村民委员会", "Zhu'erping Cun"), ("雁鹅坝村民委员会", "Yan'eba Cun"),
    ("报恩寺村民委员会", "Bao'ensi Cun"), ("横长沟村民委员会", "Hengchanggou Cun"),
    ("车家湾社区居民委员会", "Chejiawan Shequ"), ("石垭口村民委员会", "Shiyakou Cun"),
    # polyphones fixed for place names: surnames before 家, 朝阳, 长
    ("曾家沟", "Zengjiagou"), ("单家坝村", "Shanjiaba Cun"), ("解家湾", "Xiejiawan"),
    ("朝阳社区", "Chaoyang Shequ"), ("长子", "Changzi"),
])
def test_village_and_polyphones(name, expected):
    assert romanise(name) == expected


@pytest.mark.parametrize(("name", "expected"), [
    ("普安", "Pu'an"), ("西安", "Xi'an"), ("天峨", "Tian'e"), ("兴安", "Xing'an"),
    ("安宁", "Anning"),  # no apostrophe at the start of a word
])
def test_apostrophe_before_a_o_e(name, expected):
    assert romanise(name) == expected


def test_generic_parts_are_separate_words():
    for zh, en in GENERIC:
        assert romanise(f"新宁{zh}") == f"Xinning {en}"
        assert romanise(zh)  # a bare generic word is romanised as a name
    # characters that are not Chinese pass through
    assert romanise("任市镇2组") == "Renshizhen2zu"


def test_no_chinese_and_missing():
    assert romanise("Kaijiang") == "" and place_label("Kaijiang", "en") == "Kaijiang"
    assert place_label(None, "en") == "" and place_label(float("nan"), "en") == ""
    assert place_label("", "en") == ""


def test_every_village_of_the_reference_data():
    names = _column("kaijiang_villages_2023.csv", "village_name")
    names += _column("kaijiang_villages_2016_prereform.csv", "village_name")
    for name in names:
        roman = romanise(name)
        word, _, generic = roman.rpartition(" ")
        assert generic in {"Cun", "Shequ"}, (name, roman)
        assert word.isascii() and word.replace("'", "").isalpha(), (name, roman)
        assert word[0].isupper() and word[1:] == word[1:].lower(), (name, roman)
        assert "zhang" not in word.lower() or "长" not in name, (name, roman)


# -- in the app ---------------------------------------------------------------------------------

def _shown(at) -> str:
    """Every table cell, chart specification and text element of the page, as one string."""
    import json

    parts = [d.value.to_csv() for d in at.dataframe]
    parts += [json.dumps(json.loads(c.proto.spec), ensure_ascii=False)
              for c in at.get("plotly_chart")]
    parts += [str(e.value) for e in (*at.markdown, *at.caption, *at.info)]
    parts += [str(o) for s in at.selectbox for o in s.options]
    return "\n".join(parts)


@pytest.mark.parametrize("page", [None, "education"])
def test_english_view_shows_pinyin_beside_the_names(built_db, monkeypatch, page):
    from tests.conftest import open_app

    en = _shown(open_app(built_db, monkeypatch, page, lang="en"))
    for name in ("任市镇", "长岭镇", "淙城街道"):
        assert f"{name} {TOWNSHIPS[name]}" in en, name
    zh = _shown(open_app(built_db, monkeypatch, page, lang="zh"))
    assert "任市镇" in zh
    for roman in TOWNSHIPS.values():
        assert roman not in zh, roman
