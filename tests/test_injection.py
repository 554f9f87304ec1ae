"""SQL and HTML injection through the URL and through a loaded register, on every page (AppTest).

A township filter of ``'; DROP TABLE units; --`` finds no township, shows the default view and
leaves every table intact. Facility names such as ``<img src=x onerror=alert(1)>`` stay plain
text: in tables, in the map's hover text (escaped in the figure JSON), in the HTML brief and in
CSV/XLSX downloads (where a formula-like name is never a formula).
"""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

from etl import db, pipeline, reference
from tests.conftest import open_app
from tests.test_bad_inputs import table_digest
from ui.brief import brief_html
from ui.downloads import to_csv_bytes, to_xlsx_bytes

PAGES = ("overview", "education", "health", "elderly_care", "culture", "data")
SQLI = "'; DROP TABLE units; --"
SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
FORMULA = '=HYPERLINK("http://example.invalid","点我")'
AT_CMD = "@SUM(1+1)*cmd|' /C calc'!A0"
HOSTILE_NAMES = (SCRIPT, IMG, FORMULA, AT_CMD)
#: The register's own file name is shown on the Data page and in every footer.
HOSTILE_FILE = "<img src=x onerror=alert(3)>.csv"
BAD_VALUE = "<img src=x onerror=alert(2)>"


def write_hostile_register(folder: Path) -> Path:
    """Schools named like markup and formulas, near real township points; one row has a hostile
    value in a number column (so the hostile text also lands in ``rejects.raw``)."""
    towns = reference.townships().set_index("name")
    header = "编号,学校名称,学校类型,乡镇（街道）,经度,纬度,在校生数,专任教师数,寄宿生数,寄宿床位,年份"
    lines = [header]
    for i, (name, town) in enumerate(zip(HOSTILE_NAMES, ("任市镇", "普安镇", "新宁镇", "讲治镇"),
                                         strict=True), start=1):
        lon, lat = towns.loc[town, "lon"] + 0.001 * i, towns.loc[town, "lat"] + 0.001
        quoted = '"' + name.replace('"', '""') + '"'
        lines.append(f"XSS-{i},{quoted},中心校,{town},{lon:.6f},{lat:.6f},{300 + i},{20 + i},"
                     f"{200 + i},{100},2024")
    lines.append(f'XSS-9,示例坏值小学,中心校,任市镇,107.78,30.90,"{BAD_VALUE}",20,0,0,2024')
    path = folder / HOSTILE_FILE
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def make_hostile_db(built_db: Path, folder: Path) -> Path:
    """A copy of the default database with the hostile register loaded."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "equity.duckdb"
    shutil.copyfile(built_db, path)
    con = db.connect(path)
    try:
        res = pipeline.load_file(con, write_hostile_register(folder), "schools", data_dir=folder)
    finally:
        con.close()
    assert res.rows_loaded == len(HOSTILE_NAMES) and res.rows_rejected == 1, res.rejects
    return path


@pytest.fixture(scope="module")
def hostile_db(built_db, tmp_path_factory) -> Path:
    return make_hostile_db(built_db, tmp_path_factory.mktemp("hostile"))


def _digest(path: Path) -> dict:
    con = db.connect(path, read_only=True)
    try:
        return table_digest(con)
    finally:
        con.close()


# -- SQL injection through the URL -------------------------------------------------------------

@pytest.mark.parametrize("page", PAGES)
def test_sql_in_the_url_finds_nothing_and_changes_nothing(built_db, tmp_path, monkeypatch, page):
    dbfile = tmp_path / "equity.duckdb"
    shutil.copyfile(built_db, dbfile)
    before = _digest(dbfile)
    default = open_app(dbfile, monkeypatch, page, timeout=180)
    at = open_app(dbfile, monkeypatch, page, timeout=180, town=SQLI, ind=SQLI, load=SQLI, kind=SQLI, fac=[SQLI],
               lang=SQLI)
    # every URL value was refused: the view is the default view
    for key in ("town", "ind", "load", "kind", "fac"):
        if key in default.session_state:
            assert at.session_state[key] == default.session_state[key], key
    if "town" in at.session_state:
        assert at.session_state["town"] == "all"
    # the page wrote its own parameters back with valid values
    own = ("load", "kind") if page == "data" else ("town", "ind")
    for key in own:
        assert at.query_params[key] != SQLI, key
    assert [m.value for m in at.metric] == [m.value for m in default.metric]
    assert _digest(dbfile) == before


# -- hostile names from a register --------------------------------------------------------------

def _unsafe_html(at: AppTest) -> list[str]:
    """Markdown/HTML elements that would render markup and contain a hostile string."""
    out = []
    for el in at.markdown:
        if el.proto.allow_html and any(s in el.value for s in (*HOSTILE_NAMES, BAD_VALUE, "<img")):
            out.append(el.value)
    out += [h.proto.body for h in at.get("html")]
    return out


def _frames_text(at: AppTest) -> str:
    return "\n".join(str(v) for df in at.dataframe for v in df.value.to_numpy().ravel())


def _figures(at: AppTest) -> list[dict]:
    return [json.loads(el.proto.spec) for el in at.get("plotly_chart")]


def _strings(obj, key: str = "") -> list[tuple[str, str]]:
    """Every (key, string) pair in a figure's JSON."""
    if isinstance(obj, dict):
        return [p for k, v in obj.items() for p in _strings(v, k)]
    if isinstance(obj, list):
        return [p for v in obj for p in _strings(v, key)]
    return [(key, obj)] if isinstance(obj, str) else []


def test_hostile_names_are_plain_text_on_the_education_page(hostile_db, monkeypatch):
    at = open_app(hostile_db, monkeypatch, "education", timeout=180, lang="en")
    assert not _unsafe_html(at)
    text = _frames_text(at)
    for name in HOSTILE_NAMES:
        assert name in text, name  # shown literally in a table
    # the map's hover text is HTML to Plotly: the names are there, escaped
    rendered = [(k, s) for fig in _figures(at) for k, s in _strings(fig)
                if k in ("text", "hovertext", "name", "hovertemplate", "title")]
    assert any("&lt;script&gt;alert(1)&lt;/script&gt;" in s for _, s in rendered)
    assert any("&lt;img src=x onerror=alert(1)&gt;" in s for _, s in rendered)
    assert not [s for _, s in rendered if "<script" in s or "<img" in s]


def test_hostile_rejects_and_file_names_are_plain_text_on_the_data_page(hostile_db, monkeypatch):
    at = open_app(hostile_db, monkeypatch, "data", timeout=180, lang="en")
    assert not _unsafe_html(at)
    text = _frames_text(at)
    assert HOSTILE_FILE in text and BAD_VALUE in text
    assert not [el.value for el in at.markdown if "onerror" in el.value and el.proto.allow_html]


@pytest.mark.parametrize("page", ["overview", "education", "health", "elderly_care", "culture"])
def test_no_page_renders_the_hostile_data_as_html(hostile_db, monkeypatch, page):
    at = open_app(hostile_db, monkeypatch, page, timeout=180, lang="en")
    assert not _unsafe_html(at)
    for fig in _figures(at):
        assert not [s for k, s in _strings(fig) if k in ("text", "hovertext", "name", "title",
                                                         "hovertemplate") and "<img" in s]


def test_downloads_and_brief_of_hostile_tables(hostile_db):
    con = db.connect(hostile_db, read_only=True)
    try:
        fac = con.execute("SELECT id, name, students FROM facilities WHERE id LIKE 'XSS-%' "
                          "ORDER BY id").df()
        rej = con.execute("SELECT row_number, raw FROM rejects").df()
    finally:
        con.close()
    frame = pd.concat([fac, rej], ignore_index=True)
    # CSV: every formula-like cell starts with an apostrophe; the markup stays literal text
    csv_cells = pd.read_csv(io.BytesIO(to_csv_bytes(frame)), dtype=str).stack().tolist()
    assert f"'{FORMULA}" in csv_cells and f"'{AT_CMD}" in csv_cells and SCRIPT in csv_cells
    assert not [c for c in csv_cells if isinstance(c, str) and c.startswith(("=", "@", "+", "-"))]
    # XLSX: text cells, never formulas
    ws = load_workbook(io.BytesIO(to_xlsx_bytes(frame, "x"))).active
    cells = [c for row in ws.iter_rows() for c in row if c.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert {FORMULA, AT_CMD, SCRIPT, IMG} <= {c.value for c in cells}
    # the brief escapes every value
    html = brief_html("t", "s", [], [], [("schools", frame)], ["src"], None, "en")
    assert SCRIPT not in html and IMG not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
