"""The monitoring report as Word and PDF (issue 15): sections, tables, figures, fields, the
numbers of ``metrics report --json``, the PDF's pages and fonts, the overview's download.

The report is built once per session (``doc``): rendering 26 figures and two LibreOffice
layouts take about 20 s.
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from docx import Document

from metrics.gaps import urban_rural_gap
from metrics.indicators import CATALOGUE, DOMAINS
from reports import content as rc
from reports import data, document, figures, pdf
from tests.conftest import open_app
from ui.format import digits, label_of, plain_number
from ui.i18n import domain_label

ROOT = Path(__file__).resolve().parent.parent
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
HEADLINE = [i for i in CATALOGUE if i.headline]
HAS_PDF = pdf.available() and shutil.which("pdftoppm") is not None


@pytest.fixture(scope="module")
def built(built_db):
    """Inputs, content (zh), the Word bytes and (with LibreOffice) the PDF bytes."""
    inputs = data.load(built_db)
    content = rc.build_content(inputs, "zh")
    figures.render(content.figures)
    pages = pdf.bookmark_pages(pdf.docx_to_pdf(document.docx_bytes(content))) if HAS_PDF else {}
    raw = document.docx_bytes(content, pages)
    return {"inputs": inputs, "content": content, "docx": raw, "pages": pages,
            "pdf": pdf.docx_to_pdf(raw) if HAS_PDF else None}


@pytest.fixture(scope="module")
def doc(built):
    return Document(io.BytesIO(built["docx"]))


@pytest.fixture(scope="module")
def json_report(built_db):
    out = subprocess.run([sys.executable, "-m", "metrics", "report", "--json", "--db", str(built_db)],
                         cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def _tables(doc, built) -> dict[str, list[list[str]]]:
    """Each table of the document by its key in the content (same order), as rows of text."""
    keys = [tb.key for tb in built["content"].tables]
    assert len(doc.tables) == len(keys)
    return {k: [[c.text for c in row.cells] for row in tb.rows] for k, tb in zip(keys, doc.tables, strict=True)}


def test_every_section_is_there(doc):
    heads = [(p.style.name, p.text) for p in doc.paragraphs if p.style.name.startswith("Heading")]
    h1 = [text for style, text in heads if style == "Heading 1"]
    h2 = {text for style, text in heads if style == "Heading 2"}
    assert h1[0] == "一、摘要"
    for domain in DOMAINS:
        assert any(domain_label(domain, "zh") in h for h in h1), domain
    assert any("四级网络" in h for h in h1)
    assert any("任务 13—16" in h for h in h1)
    assert h1[-1] == "附录"
    assert {label_of(i, "zh") for i in HEADLINE} <= h2
    assert {"A. 指标公式", "B. 参数设置及来源", "C. 出行时间模型", "D. 数据来源与生成数据"} <= h2


def test_title_page_and_header_say_what_is_generated(doc, built):
    assert built["content"].synthetic
    text = "\n".join(p.text for p in doc.paragraphs[:15])
    assert "开江县城乡基本公共服务均等化监测报告（2024年）" in text
    assert "含示例（生成）数据" in text and "村（社区）位置与人口" in text
    header = doc.sections[0].header.paragraphs[0].text
    assert "含示例（生成）数据" in header
    assert all(s.header.is_linked_to_previous for s in doc.sections[1:])


def test_fields_toc_captions_page_numbers(doc, built):
    body = doc.element.body.xml
    instr = [el.text.strip() for el in doc.element.body.iter(f"{W}instrText")]
    assert any(i.startswith("TOC ") for i in instr)
    seq_tables = [i for i in instr if i.startswith("SEQ 表")]
    seq_figures = [i for i in instr if i.startswith("SEQ 图")]
    assert len(seq_tables) == len(built["content"].tables) == len(doc.tables)
    assert len(seq_figures) == len(built["content"].figures) == len(doc.inline_shapes) == 2 * len(HEADLINE)
    captions = [p.text for p in doc.paragraphs if p.style.name == "Caption"]
    assert captions[0].startswith("表 1") and any(c.startswith("图 1") for c in captions)
    footer = doc.sections[0].footer.paragraphs[0]._p.xml
    assert "PAGE" in footer and "第" in doc.sections[0].footer.paragraphs[0].text
    assert "updateFields" in doc.settings.element.xml
    assert "_Toc" in body  # the headings' bookmarks the contents point to
    if built["pages"]:
        # the contents carry page numbers from LibreOffice's layout
        toc = [p.text for p in doc.paragraphs if p.style.name == "toc 1"]
        assert toc and all(t.rstrip()[-1].isdigit() for t in toc)


def test_named_table_style(doc):
    assert doc.styles["Report Table"].type == 3  # a table style a bureau can restyle
    assert all(tb.style.name == "Report Table" for tb in doc.tables)
    assert {p.style.name for tb in doc.tables for c in tb.rows[0].cells for p in c.paragraphs} == {"Table Text"}


def test_numbers_equal_metrics_report_json(doc, built, json_report):
    tables = _tables(doc, built)
    by_key = {i["key"]: i for d in json_report["domains"] for i in d["indicators"]}
    assert set(by_key) == {i.key for i in HEADLINE}
    for domain in DOMAINS:
        rows = tables[f"indicators:{domain}"]
        head, body = rows[0], {r[0]: r for r in rows[1:]}
        col = {name: k for k, name in enumerate(head)}
        for ind in [i for i in HEADLINE if i.domain == domain]:
            j, row, n = by_key[ind.key], body[label_of(ind, "zh")], digits(ind)
            groups = {g["group"]: g["value"] for g in j["by"]["urban_rural"]["groups"]}
            assert row[col["全县"]] == plain_number(j["county"]["value"], n)
            assert row[col["城镇"]] == plain_number(groups.get("urban"), n)
            assert row[col["乡村"]] == plain_number(groups.get("rural"), n)
            gap = urban_rural_gap({"groups": pd.DataFrame({"mean": groups})}, ind.higher_is_better)
            assert row[col["城乡比（落后方 ÷ 领先方）"]] == plain_number(gap and gap["ratio"], 2)
            assert row[col["基尼系数（95% 区间）"]].startswith(plain_number(j["inequality"]["gini"], 3))
            # the township ranking: every township's value as in the JSON
            towns = {g["label"]: g["value"] for g in j["by"]["township_code"]["groups"]}
            rank = tables[f"rank:{ind.key}"]
            assert [r[0] for r in rank[1:]] == [str(k) for k in range(1, len(towns) + 1)]
            assert {r[1]: r[2] for r in rank[1:]} == {k: plain_number(v, n) for k, v in towns.items()}


def test_counts_have_separators_and_units_are_named(doc, built, json_report):
    text = "\n".join(p.text for p in doc.paragraphs)
    assert f"{json_report['meta']['population']:,}" in text  # 414,310, never 414310.0
    for key, rows in _tables(doc, built).items():
        if key.startswith("rank:"):
            assert "（" in rows[0][2] and "（" in rows[0][3], rows[0]  # value and gap with units
        for row in rows[1:]:
            assert not any(c.endswith(".0") and c.replace(".", "").isdigit() and len(c) > 6
                           for c in row), (key, row)


def test_english_names_in_pinyin(built):
    content = rc.build_content(built["inputs"], "en")
    assert content.title.startswith("Kaijiang County")
    rank = next(tb for tb in content.tables if tb.key.startswith("rank:"))
    assert "任市镇 Renshi Zhen" in set(rank.frame["Township"])


@pytest.mark.skipif(not HAS_PDF, reason="LibreOffice (soffice) and poppler-utils are not installed")
def test_pdf_pages_fonts_and_images(built, tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(built["pdf"])
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    n_pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    assert n_pages > 20
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    rows = fonts.stdout.splitlines()[2:]
    assert rows and all(r.split()[-5] == "yes" for r in rows), fonts.stdout  # every font embedded
    assert any("CJK" in r for r in rows)
    first_domain = built["pages"][next(k for k, b in _numbered(built["content"])
                                      if b.text.startswith("二、"))]
    from PIL import Image

    for page in (1, first_domain + 1):
        subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", str(page), "-l", str(page),
                        str(path), str(tmp_path / f"p{page}")], check=True)
        image = Image.open(next(tmp_path.glob(f"p{page}*.png"))).convert("L")
        dark = int((np.asarray(image) < 200).sum())
        assert dark > 0.01 * image.width * image.height, page  # not a blank page


def _numbered(content):
    from reports.model import Heading

    return [(f"{i:05d}", b) for i, b in enumerate(content.blocks) if isinstance(b, Heading)]


def test_write_report_renames_a_complete_file(built_db, tmp_path, monkeypatch):
    stub = _tiny_png()

    def fake_render(figs):
        for f in figs:
            f.png = stub

    monkeypatch.setattr(figures, "render", fake_render)
    monkeypatch.setattr(pdf, "available", lambda: False)
    out = tmp_path / "out" / "report.docx"
    out.parent.mkdir()  # --out's folder must exist (tests/test_report_review.py)
    document.write_report(built_db, out, fmt="docx", lang="en")
    assert [p.name for p in out.parent.iterdir()] == ["report.docx"]
    assert Document(str(out)).paragraphs
    with pytest.raises(pdf.PdfError):
        document.write_report(built_db, tmp_path / "out" / "report.pdf", fmt="pdf")
    assert [p.name for p in out.parent.iterdir()] == ["report.docx"]


def _tiny_png() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buf, format="PNG")
    return buf.getvalue()


def test_overview_offers_the_download(built_db, monkeypatch):
    import reports

    calls = []

    def fake(db_path, fmt="docx", **kw):
        calls.append((Path(db_path), fmt, kw))
        return b"PK fake " + fmt.encode()

    monkeypatch.setattr(reports, "report_bytes", fake)
    at = open_app(built_db, monkeypatch, "overview")
    buttons = {b.key for b in at.button}
    assert "report_build_docx" in buttons
    assert ("report_build_pdf" in buttons) == pdf.available()
    at.button(key="report_build_docx").click().run()
    assert not at.exception
    labels = [b.proto.label for b in at.get("download_button")]
    assert "下载 Word 报告（.docx）" in labels
    assert calls and calls[0][0] == Path(built_db) and calls[0][1] == "docx"
    assert calls[0][2]["lang"] == "zh"


def test_saved_scenarios_and_the_previous_year(built):
    """A chosen scenario gets its section (the domain's headline indicators now and with it);
    with registers of two years the summary says what changed since the earlier one."""
    import dataclasses

    from reports.model import Heading

    inputs = dataclasses.replace(built["inputs"], register_years={
        k: (2023, *v) for k, v in built["inputs"].register_years.items()})
    scenario = {"id": "abc", "name": "新增卫生院", "domain": "health", "changes": [
        {"op": "add", "id": "new-1", "type": "health_centre", "lon": 107.9, "lat": 31.1,
         "beds": 20, "doctors": 5}]}
    content = rc.build_content(inputs, "zh", [scenario])
    heads = [b.text for b in content.blocks if isinstance(b, Heading) and b.level == 1]
    assert "八、规划情景" in heads and heads[-1] == "附录"
    table = next(tb.frame for tb in content.tables if tb.key == "scenarios")
    assert set(table["情景名称"]) == {"新增卫生院"}
    assert {"现状", "实施情景后", "单位"} <= set(table.columns)
    assert len(table) == 3 * sum(1 for i in HEADLINE if i.domain == "health")
    texts = [getattr(b, "text", "") for b in content.blocks]
    assert "与 2023 年相比（同一组登记表口径）：" in texts


def test_reports_do_not_import_streamlit():
    """The command line writes the report without the app's framework."""
    code = ("import sys, reports.content, reports.document, reports.figures; "
            "sys.exit('streamlit' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT).returncode == 0
