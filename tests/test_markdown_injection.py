"""Text stays text: Markdown in data and in the address never becomes links, images or markup.

``ui.i18n.md_text`` is checked over a table of hostile strings (every Markdown special escaped,
shortcodes and auto-links broken, bidi controls gone, the text itself kept); then the app is
opened (AppTest) with hostile values in every query parameter it reads, with a saved scenario
whose name is hostile and with a register whose school names are hostile, and no Markdown body,
label or help text holds live link, image, HTML, directive, LaTeX or shortcode syntax.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from etl import db, pipeline, reference, scenarios
from tests.conftest import open_app
from ui.i18n import md_text

WJ = "\u2060"
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
PHISH = "会话已过期，请[重新登录](https://evil.example/login)![p](https://evil.example/p.png)"
HOSTILE = (
    PHISH,
    "[click](javascript:alert(1)) [ref][1]\n\n[1]: https://evil.example/ref",
    "![img](https://evil.example/i.png \"t\") <img src=https://evil.example/h.png>",
    "<a href='https://evil.example/a'>a</a> <https://evil.example/auto> &lt;b&gt; &#x3c;",
    "bare https://evil.example/x http://evil.example www.evil.example WWW.EVIL.EXAMPLE "
    "bob@evil.example mailto:bob@evil.example",
    ":material/warning: :red[红字] :blue-background[x] :smile: :streamlit: :+1:",
    "$x^2$ $$\\int$$ \\(a\\) `code` ```fence```",
    "**bold** __b__ *i* _i_ ~~s~~ ~s~",
    "# h1\n## h2\n- item\n1. one\n> quote\n| a | b |\n|---|---|\n***",
    "学校\u202egnp.exe\u2066x\u2069\u202a\u202b\u202c\u202d\u2067\u2068 end",
    "tab\tnew\nline\rcr\x00nul\x7fdel\x85nel",
    "\\[escaped\\](https://evil.example/e) \\\\[x](https://evil.example/y)",
    "{{curly}} <!-- c --> %s {0} =1+1 @SUM(1)",
)
#: ASCII punctuation: each one in md_text's output must be backslash-escaped.
PUNCT = set(r"""!"#$%&'()*+,-./:;<=>?@[\]^_`{|}~""")


def live(text: str) -> str:
    """``text`` with every backslash-escaped character replaced by ``·`` (what is left is what
    a Markdown renderer may still read as syntax)."""
    return re.sub(r"\\[!-/:-@\[-`{-~]", "·", text)


#: Syntax that must not be live in any Markdown the app shows from data or from the address.
LIVE_SYNTAX = ("](", "![", "<img", "<a ", "<https", "https://", "http://", "www.evil", "@evil",
               ":material/", ":red[", ":blue", ":streamlit:", ":smile:", "$x", "javascript:")


def live_syntax(text: str) -> list[str]:
    """The dangerous patterns live in ``text`` (empty: safe), and any bidi control in it."""
    rest = live(text).replace(WJ, "")  # a word joiner alone does not make a pattern live
    found = [s for s in LIVE_SYNTAX if s.lower() in rest.lower()]
    # the word joiner must follow every live-looking ':' and '@' and break every 'www.'
    found += [f"unbroken {m.group()!r}" for m in re.finditer(r"\\[:@](?!\u2060)", text)]
    found += [f"bidi U+{ord(c):04X}" for c in text if c in BIDI]
    return found


def unescape(text: str) -> str:
    """What a CommonMark renderer shows for ``md_text``'s output: escapes undone, joiners gone."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", text).replace(WJ, "")


# -- md_text -------------------------------------------------------------------------------------

@pytest.mark.parametrize("hostile", HOSTILE)
def test_md_text_escapes_every_special_and_keeps_the_text(hostile):
    out = md_text(hostile)
    # every ASCII punctuation character is escaped by the backslash before it
    i = 0
    while i < len(out):
        if out[i] == "\\":
            assert i + 1 < len(out) and out[i + 1] in PUNCT, (out, i)
            i += 2
            continue
        assert out[i] not in PUNCT, (out, i, out[i])
        i += 1
    assert not live_syntax(out), live_syntax(out)
    # one line, no control or bidi characters
    assert not [c for c in out if ord(c) < 32 or 0x7F <= ord(c) <= 0x9F or c in BIDI]
    # shown as exactly the text (less bidi controls; control characters as spaces)
    expected = re.sub(r"[\x00-\x1f\x7f-\x9f]", " ", "".join(c for c in hostile if c not in BIDI))
    assert unescape(out) == expected


def test_md_text_breaks_shortcodes_and_autolinks_with_an_invisible_joiner():
    out = md_text(":smile: :material/lock: https://a.example www.a.example x@a.example")
    assert ":smile:" not in out.replace("\\", "") and ":material/" not in out.replace("\\", "")
    for pattern in ("https://", "www.", "x@a"):
        assert pattern not in out.replace("\\", ""), pattern
    assert out.count(WJ) == 7  # after 5 colons and 1 "@", inside "www."


def test_md_text_leaves_plain_chinese_and_numbers_readable():
    assert md_text("任市镇中心卫生院") == "任市镇中心卫生院"
    assert md_text(None) == ""
    assert unescape(md_text("1,234.5 张/千人")) == "1,234.5 张/千人"


def test_the_live_check_catches_raw_markdown():
    """The checker used below is not vacuous: raw hostile text fails it."""
    for hostile in (PHISH, ":red[x]", "see https://evil.example", "a\u202eb"):
        assert live_syntax(hostile), hostile


# -- the app: every Markdown element, label and help text -----------------------------------------

def rendered_text(at: AppTest) -> list[str]:
    """Every string the app hands to Streamlit's Markdown renderer: bodies of markdown,
    captions, alerts, headings, toasts; labels and help of every element and widget."""
    out: list[str] = []

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None:
            for field in ("body", "label", "help", "value" if node.type == "toast" else ""):
                if field and hasattr(proto, field) and isinstance(getattr(proto, field), str):
                    out.append(getattr(proto, field))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return [s for s in out if s]


def assert_no_live_markup(at: AppTest) -> None:
    bad = {s: live_syntax(s) for s in rendered_text(at) if live_syntax(s)}
    assert not bad, bad


#: A hostile value for every query parameter the app reads (ui.state.bind* and st.query_params).
PARAMS = ("lang", "ind", "town", "fac", "load", "kind", "domain", "scenario", "boarding", "mode",
          "n_close", "boarding_grades_4_6", "k", "deviation", "run", "n_new", "objective",
          "cover_min", "eligible", "max_min", "boarding_max_min", "speed_walk_kmh", "fca_catchment_min", "page")


@pytest.mark.parametrize("page", ["overview", "education", "culture", "data", "plan_scenarios",
                                  "plan_boarding", "plan_subcentre", "plan_consortia"])
def test_hostile_query_values_never_render_as_markdown(built_db, monkeypatch, page):
    at = open_app(built_db, monkeypatch, page, timeout=240,
                  **{**dict.fromkeys(PARAMS, PHISH), "fac": [PHISH, ":red[x]"]})
    assert_no_live_markup(at)
    assert not [s for s in rendered_text(at) if "evil" in s and "evil\\.example" not in s]


@pytest.fixture
def scenario_db(built_db, tmp_path) -> Path:
    path = tmp_path / "equity.duckdb"
    shutil.copyfile(built_db, path)
    return path


def test_a_hostile_scenario_name_and_id_are_text(scenario_db, monkeypatch):
    store = scenarios.store_path(scenario_db)
    name = PHISH + " :material/lock: $x$ \u202egnp"
    added = {"op": "add", "id": "NEW-1", "type": "health_centre", "lon": 108.0, "lat": 31.0,
             "name": "![a](https://evil.example/a.png)", "beds": 10}
    sid = scenarios.save(store, name, "health", [added])
    at = open_app(scenario_db, monkeypatch, "plan_scenarios", timeout=240, lang="en", scenario=sid)
    assert at.session_state["scn_name"] == scenarios.clean_name(name)
    opened = [i.value for i in at.info if "Opened scenario" in i.value]
    assert opened and md_text(scenarios.clean_name(name)) in opened[0]
    assert_no_live_markup(at)
    # a hostile value that is no id: not looked up and not echoed
    at = open_app(scenario_db, monkeypatch, "plan_scenarios", timeout=240, lang="en",
                  scenario=PHISH)
    assert_no_live_markup(at)
    assert not [w.value for w in at.warning if "evil" in w.value]
    assert any("not valid" in w.value for w in at.warning)


# -- hostile names from a register ------------------------------------------------------------------

#: School names holding Markdown, shown on the Education and boarding pages (and their maps).
MD_SCHOOLS = (PHISH, "![p](https://evil.example/school.png)<img src=https://evil.example/s.png>",
              ":red[红] :material/warning: $x^2$ www.evil.example",
              "学校\u202egnp.exe\u2066 https://evil.example/bidi")
MD_FILE = "md_schools.csv"


def write_md_register(folder: Path) -> Path:
    """Small primary schools named with Markdown, near real township points."""
    towns = reference.townships().set_index("name")
    header = "编号,学校名称,学校类型,乡镇（街道）,经度,纬度,在校生数,专任教师数,寄宿生数,寄宿床位,年份"
    lines = [header]
    for i, (name, town) in enumerate(zip(MD_SCHOOLS, ("任市镇", "普安镇", "新宁镇", "讲治镇"),
                                         strict=True), start=1):
        lon, lat = towns.loc[town, "lon"] + 0.002 * i, towns.loc[town, "lat"] - 0.002
        quoted = '"' + name.replace('"', '""') + '"'
        lines.append(f"MD-{i},{quoted},中心校,{town},{lon:.6f},{lat:.6f},{3 + i},1,0,0,2024")
    path = folder / MD_FILE
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def make_md_db(built_db: Path, folder: Path) -> Path:
    """A copy of the default database with the Markdown-named schools loaded."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "equity.duckdb"
    shutil.copyfile(built_db, path)
    con = db.connect(path)
    try:
        res = pipeline.load_file(con, write_md_register(folder), "schools", data_dir=folder)
    finally:
        con.close()
    assert res.rows_loaded == len(MD_SCHOOLS), res.rejects
    return path


@pytest.fixture(scope="module")
def md_db(built_db, tmp_path_factory) -> Path:
    return make_md_db(built_db, tmp_path_factory.mktemp("md"))


@pytest.mark.parametrize(("page", "params"), [
    ("education", {"lang": "en"}),
    ("plan_boarding", {"lang": "en", "n_close": "20"}),
])
def test_markdown_school_names_are_text(md_db, monkeypatch, page, params):
    at = open_app(md_db, monkeypatch, page, timeout=240, **params)
    assert_no_live_markup(at)
