"""Review of the monitoring report (issue 15): clear one-line errors with exit status 2 and
nothing left behind, hostile names as text, English without untranslated Chinese words,
tables whose intervals and long names lay out.

Fast: the content is built once per module without rendering the figures (a blank image
stands in), and the command line runs in this process.
"""

from __future__ import annotations

import dataclasses
import io
import math

import pandas as pd
import pytest
from docx import Document

from metrics.__main__ import main
from reports import content as rc
from reports import data, document, figures, pdf, sections
from reports.model import Figure

HOSTILE_TOWN = "<b>甘棠镇</b> & {{x}} ' 🏞️ <script>x</script>"
HOSTILE_FACILITY = "<script>alert(1)</script>图书馆{{x}}分馆 & 'O'Brien' 🎉 </w:t> ]]>"
LONG_NAME = "开江县文化馆" + "非常长的名称" * 40 + "分馆"


def _blank_png() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buf, format="PNG")
    return buf.getvalue()


def _stub(content) -> None:
    png = _blank_png()
    for f in content.figures:
        f.png = png


@pytest.fixture(scope="module")
def inputs(built_db):
    return data.load(built_db)


@pytest.fixture(scope="module")
def english(inputs):
    return rc.build_content(inputs, "en")


@pytest.fixture(scope="module")
def chinese(inputs):
    return rc.build_content(inputs, "zh")


def _table(content, key):
    return next(tb.frame for tb in content.tables if tb.key == key)


# -- the command line: one line, exit 2, nothing written ------------------------------------


def _run(capsys, *args) -> tuple[int, str]:
    code = main(["report", "--format", "docx", *args])
    err = capsys.readouterr().err.strip()
    return code, err


def test_a_year_without_data_is_one_line_exit_2(built_db, tmp_path, capsys):
    out = tmp_path / "r.docx"
    code, err = _run(capsys, "--db", str(built_db), "--year", "1990", "--out", str(out))
    assert code == 2 and len(err.splitlines()) == 1, err
    assert "1990" in err and "2024" in err and "Traceback" not in err
    # after the latest register: the title page would name a year no register speaks of
    code, err = _run(capsys, "--db", str(built_db), "--year", "2030", "--out", str(out))
    assert code == 2 and len(err.splitlines()) == 1 and "2030" in err, err
    assert list(tmp_path.iterdir()) == []


def test_out_into_a_missing_folder_or_onto_a_folder(built_db, tmp_path, capsys):
    code, err = _run(capsys, "--db", str(built_db), "--out", str(tmp_path / "no" / "r.docx"))
    assert code == 2 and len(err.splitlines()) == 1 and "no folder" in err, err
    assert not (tmp_path / "no").exists()  # no folder made behind the user's back
    code, err = _run(capsys, "--db", str(built_db), "--out", str(tmp_path))
    assert code == 2 and "folder" in err, err
    assert list(tmp_path.iterdir()) == []


def test_out_to_a_read_only_location(built_db, tmp_path, capsys, monkeypatch):
    """A location that cannot be written (as root, ``os.access`` says yes even for a
    read-only folder: the probe finds out) fails before the report is built."""
    import tempfile

    def refuse(*_args, **_kw):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(document, "report_bytes", lambda *_a, **_k: pytest.fail("built anyway"))
    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    code, err = _run(capsys, "--db", str(built_db), "--out", str(tmp_path / "r.docx"))
    assert code == 2 and err == f"cannot write {tmp_path / 'r.docx'}: Permission denied"
    assert list(tmp_path.iterdir()) == []


def test_a_failed_write_leaves_no_part_file(built_db, tmp_path, monkeypatch):
    import os

    monkeypatch.setattr(document, "report_bytes", lambda *_a, **_k: b"PK body")

    def fail(*_args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(pdf.ReportError, match="No space left"):
        document.write_report(built_db, tmp_path / "r.docx")
    assert list(tmp_path.iterdir()) == []


def test_missing_database_and_unknown_language(tmp_path, capsys):
    code, err = _run(capsys, "--db", str(tmp_path / "none.duckdb"), "--out", str(tmp_path / "r.docx"))
    assert code == 2 and len(err.splitlines()) == 1 and "no database" in err
    with pytest.raises(SystemExit) as exc:
        main(["report", "--format", "pdf", "--lang", "xx", "--out", str(tmp_path / "r.pdf")])
    assert exc.value.code == 2
    with pytest.raises(pdf.ReportError):
        document.report_bytes(tmp_path / "none.duckdb", "docx", lang="xx")
    assert list(tmp_path.iterdir()) == []


# -- hostile names ------------------------------------------------------------------------------


def test_hostile_names_are_text_in_the_document(inputs):
    frames = dict(inputs.frames)
    towns = frames["townships"].copy()
    towns.loc[towns["name"] == "甘棠镇", "name"] = HOSTILE_TOWN
    fac = frames["facilities"].copy()
    branches = fac.index[fac["type"].isin(["library_branch", "culture_branch"])]
    fac.loc[branches[0], "name"] = HOSTILE_FACILITY
    fac.loc[branches[1], "name"] = LONG_NAME
    frames.update(townships=towns, facilities=fac)
    content = rc.build_content(dataclasses.replace(inputs, frames=frames), "en")
    _stub(content)
    doc = Document(io.BytesIO(document.docx_bytes(content)))
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    assert any(HOSTILE_TOWN in c for c in cells)
    assert HOSTILE_FACILITY in cells and LONG_NAME in cells
    # a long name never takes the whole width from the numbers beside it
    hours = _table(content, "culture_hours")
    widths = document.column_widths_cm(hours)
    assert max(widths) <= 16.0 * 0.5 + 1e-9 and min(widths) > 1.0


def test_a_long_name_is_shortened_in_the_chart_only(inputs):
    towns = inputs.frames["townships"].copy()
    towns.loc[towns["name"] == "广福镇", "name"] = "广福镇" + "很长" * 60
    ind = next(i for i in rc.CATALOGUE if i.headline)
    spec = figures.bar_spec(ind, inputs.table, towns, "zh")
    labels = [str(v) for tr in spec["data"] for v in tr.get("y", [])]
    assert max(len(x) for x in labels) <= figures.LABEL_WIDTH
    assert any(x.startswith("广福镇很长") and x.endswith("…") for x in labels)


def test_a_gini_without_data_is_a_dash(inputs):
    key = next(i.key for i in rc.CATALOGUE if i.headline)
    values = inputs.table.values.copy()
    values[key] = math.nan
    table = dataclasses.replace(inputs.table, values=values)
    assert rc.gini_ci(table, key) == (None, None)


# -- English: names with pinyin, no untranslated words ----------------------------------------


def test_english_zones_leads_and_details(english):
    rank = next(tb.frame for tb in english.tables if tb.key.startswith("rank:"))
    assert set(rank["Planning zone"]) <= {"城乡融合片区 Chengxiangronghe Pianqu",
                                          "后厢片区 Houxiang Pianqu", "前厢片区 Qianxiang Pianqu",
                                          "环宝石湖片区 Huanbaoshihu Pianqu"}
    plan = _table(english, "plan")
    leads = set(plan["Lead unit (牵头单位)"])
    assert "County Civil Affairs Bureau (县民政局)" in leads
    assert not any("推断" in x for x in leads)
    bullets = [b.text for b in english.blocks if getattr(b, "style", None) == "List Bullet"]
    assert any("甘棠镇 Gantang Zhen" in x for x in bullets)
    assert any("任市 Renshi:" in x for x in bullets)


def test_sources_and_switches_in_the_reports_language(chinese, english):
    zh_sources = " ".join(_table(chinese, "formulas")["来源"])
    assert "assumption" not in zh_sources and "假设" in zh_sources
    en_sources = " ".join(_table(english, "formulas")["Source"])
    assert "；" not in en_sources
    settings_zh = _table(chinese, "settings")
    assert "1（是）" in set(settings_zh["取值"])
    assert not any(v.startswith("1\u00a01 =") or v.endswith("0–1") for v in settings_zh["取值"])


def test_no_nan_none_or_keys_anywhere(chinese, english):
    for content in (chinese, english):
        texts = [getattr(b, "text", "") for b in content.blocks]
        for tb in content.tables:
            texts += [str(c) for c in tb.frame.columns]
            texts += [str(v) for v in tb.frame.to_numpy().ravel()]
        bad = [x for x in texts if any(w in x for w in ("nan", "None", "report.", "{", "}"))
               or x in ("-0", "-0.0", "-0.00")]
        assert not bad, bad[:5]


# -- tables ---------------------------------------------------------------------------------------


def test_an_interval_is_never_broken_at_its_dash():
    frame = pd.DataFrame({"指标": ["很长的指标名称" * 6], "基尼系数（95% 区间）": ["0.007（0.000–0.020）"],
                          "Gini (95% interval)": ["0.283 (0.228–0.334)"]})
    widths = document.column_widths_cm(frame)
    for col, w in zip(frame.columns[1:], widths[1:], strict=True):
        need = document._text_width(frame[col].iloc[0]) * document._CM_PER_CHAR
        assert w >= need, (col, w, need)


def test_rows_do_not_split_across_pages(english):
    _stub(english)
    doc = Document(io.BytesIO(document.docx_bytes(english)))
    rows = [r for t in doc.tables for r in t.rows[1:]]
    ns = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    assert all(r._tr.find(f"{ns}trPr/{ns}cantSplit") is not None for r in rows)
    assert isinstance(english.figures[0], Figure)


def test_settings_values_read_as_values():
    assert sections.setting_text(0.0, "1 = yes, 0 = no", "", "en") == "0 (no)"
    assert sections.setting_text(0.68, "weight", "权重", "zh") == "0.68"


def test_a_very_long_word_gives_way_not_the_numbers():
    """A name romanised to one very long word: its column wraps, the others keep their
    narrowest width (no "Cultur-al", "Hour-s")."""
    frame = pd.DataFrame({"Name": ["Guangfuzhen" + "henchang" * 60], "Type": ["Cultural centre branch"],
                          "Hours per week": ["20.0"], "Standard (h)": ["42.0"], "Gap (h)": ["-22.0"]})
    widths = document.column_widths_cm(frame)
    assert math.isclose(sum(widths), 16.0)
    assert widths[0] == max(widths)
    for col, w in zip(frame.columns[1:], widths[1:], strict=True):
        word = max(str(col).split() + frame[col].iloc[0].split(), key=len)
        assert w >= len(word) * document._CM_PER_CHAR, (col, w)
