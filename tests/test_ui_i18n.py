"""ui.i18n: every key in both languages, facility types covered, lang from the URL."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from etl.schema import DOMAINS, FACILITY_TYPES
from ui import i18n
from ui.i18n import LANGS, TEXT, facility_label, normalise_lang, t, with_unit

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("key", sorted(TEXT))
def test_every_key_has_both_languages(key):
    zh, en = TEXT[key]
    assert isinstance(zh, str) and zh.strip(), key
    assert isinstance(en, str) and en.strip(), key
    # the same placeholders in both languages
    assert set(re.findall(r"{(\w+)}", zh)) == set(re.findall(r"{(\w+)}", en)), key


def test_no_facility_type_missing():
    for kind, (_d, _t, zh, en) in FACILITY_TYPES.items():
        assert TEXT[f"facility.{kind}"] == (zh, en)
        assert facility_label(kind, "zh") == zh and facility_label(kind, "en") == en
    for d in DOMAINS:
        assert f"domain.{d}" in TEXT


@pytest.mark.parametrize("key", ["page.overview", "page.education", "page.health",
                                 "page.elderly_care", "page.culture", "page.data", "page.planning",
                                 "urban", "rural", "unit.km", "unit.min", "unit.persons",
                                 "unit.beds_per_1000", "synthetic.banner", "share.copy_link",
                                 "download.csv", "download.xlsx", "download.brief", "empty.no_data"])
def test_required_keys_present(key):
    assert key in TEXT


def test_page_titles():
    assert [t(f"page.{p}", "zh") for p in ("overview", "education", "health", "elderly_care",
                                           "culture", "data", "planning")] == [
        "总览", "教育", "卫生健康", "养老托育", "公共文化", "数据", "规划"]
    assert t("page.health", "en") == "Health"


def test_banner_says_what_is_real_and_what_is_generated():
    zh, en = TEXT["synthetic.banner"]
    for word in ("示例数据", "名称", "代码", "县界", "2020", "位置", "人口", "登记表"):
        assert word in zh
    for word in ("names", "codes", "boundary", "2020 census", "village points", "registers"):
        assert word in en


def test_lang_fallbacks():
    assert normalise_lang("en") == "en"
    assert normalise_lang("fr") == "zh"
    assert normalise_lang("'; DROP TABLE units; --") == "zh"
    assert LANGS[0] == "zh"
    assert t("urban", "xx") == "城镇"
    with pytest.raises(KeyError):
        t("no.such.key", "zh")
    assert with_unit("时间", "", "zh") == "时间"


def test_keys_used_in_ui_modules_exist():
    """Every literal key passed to t() in ui/ exists (pages are checked the same way once added)."""
    used = set()
    for path in [*(ROOT / "ui").glob("*.py"), *(ROOT / "views").glob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) == "t"
                    and node.args and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)):
                used.add(node.args[0].value)
    missing = sorted(k for k in used if k not in TEXT)
    assert missing == []
    assert "share.copy_link" in used


def test_current_lang_from_query_params():
    from streamlit.testing.v1 import AppTest

    def app():
        import streamlit as st

        from ui.i18n import current_lang, t

        st.write(t("page.overview", current_lang()))

    at = AppTest.from_function(app)
    at.run()
    assert at.markdown[0].value == "总览"
    at = AppTest.from_function(app)
    at.query_params["lang"] = "en"
    at.run()
    assert at.markdown[0].value == "Overview"
    at = AppTest.from_function(app)
    at.query_params["lang"] = "<script>"
    at.run()
    assert at.markdown[0].value == "总览"


def test_module_does_no_work_at_import():
    src = Path(i18n.__file__).read_text(encoding="utf-8")
    assert "import streamlit" not in src.split("def current_lang")[0]


def test_the_split_tables_share_no_key():
    """``TEXT`` merges ``ui/i18n.py`` with every ``ui/i18n_*.py`` table: a key in two of them
    would silently take one of the two texts."""
    import importlib

    tables = {"ui.i18n": {**i18n._UI, **i18n._facility_text()}}
    for path in sorted((ROOT / "ui").glob("i18n_*.py")):
        mod = importlib.import_module(f"ui.{path.stem}")
        (name,) = [n for n in vars(mod) if n.endswith("_TEXT")]
        tables[mod.__name__] = getattr(mod, name)
    seen: dict[str, str] = {}
    for mod, table in tables.items():
        for key in table:
            assert key not in seen, f"{key} in {seen.get(key)} and {mod}"
            seen[key] = mod
    assert set(seen) == set(TEXT)
    assert max(len(p.read_text(encoding="utf-8").splitlines()) for p in (ROOT / "ui").glob("i18n*.py")) <= 600
