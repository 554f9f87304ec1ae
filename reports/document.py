"""The monitoring report as a Word document (python-docx) and a PDF (LibreOffice headless).

:func:`write_report` is what ``python -m metrics report --format docx|pdf --out FILE`` calls:
it reads the database (:func:`reports.data.load`), builds the content
(:func:`reports.content.build_content`), renders every figure in one batch
(:func:`reports.figures.render`), writes the document to a temporary file beside ``out``
and renames it over ``out``, so nothing half-written is ever left there.

The document uses Word's own heading styles (Heading 1-3), a table of contents field, captions
(表 1 / 图 1 with ``SEQ`` fields), a named table style (:data:`reports.docx_tools.TABLE_STYLE`),
the page number in the footer (``PAGE`` field) and, when any data are generated, the warning on
the title page and in every page header.
"""

from __future__ import annotations

import io
import os
import re
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import docx
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from reports import docx_tools as dt
from reports.model import Content, Figure, Heading, Paragraph, Table
from reports.text import tr

__all__ = ["FORMATS", "build_docx", "check_out", "docx_bytes", "report_bytes", "write_report"]

FORMATS = ("docx", "pdf")
_TEXT_WIDTH_CM = 16.0
#: Contents levels: Heading 1 and 2.
_TOC_LEVELS = 2
#: Bookmark names of the headings: ``_Toc`` and the block's number (Word's hidden bookmarks).
_MARK = "_Toc"


def _title_page(doc: Any, content: Content) -> None:
    for _ in range(4):
        doc.add_paragraph()
    title = doc.add_paragraph(content.title, style="Title")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    sub = doc.add_paragraph(content.subtitle, style="Subtitle")
    sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
    made = doc.add_paragraph(content.made)
    made.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if content.synthetic:
        doc.add_paragraph()
        warn = doc.add_paragraph()
        warn.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = warn.add_run(tr("synthetic_title", content.lang))
        run.bold = True
        run.font.size = Pt(13)
        run.font.color.rgb = RGBColor(0xB7, 0x1C, 0x1C)
        note = doc.add_paragraph(content.synthetic_text)
        note.alignment = WD_ALIGN_PARAGRAPH.CENTER
        for r in note.runs:
            r.font.color.rgb = RGBColor(0xB7, 0x1C, 0x1C)


def _header_footer(section: Any, content: Content) -> None:
    header = section.header.paragraphs[0]
    header.text = content.header
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if content.synthetic:
        for r in header.runs:
            r.font.color.rgb = RGBColor(0xB7, 0x1C, 0x1C)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    before, _, after = tr("page", content.lang, page="\0").partition("\0")
    footer.add_run(before)
    dt.add_field(footer, "PAGE", "1")
    footer.add_run(after)


def _contents(doc: Any, content: Content, headings: list[tuple[int, str, str]],
              pages: Mapping[str, int]) -> None:
    """The contents as a TOC field, its result the headings with links and PAGEREF fields."""
    doc.add_paragraph(tr("toc", content.lang), style="TOC Heading")
    hint = doc.add_paragraph(tr("toc_hint", content.lang))
    for r in hint.runs:
        r.font.size = Pt(8.5)
        r.font.color.rgb = RGBColor(0x66, 0x66, 0x66)
    entries = [(lvl, text, mark) for lvl, text, mark in headings if lvl <= _TOC_LEVELS]
    tab = int(_TEXT_WIDTH_CM / 2.54 * 1440)
    for i, (level, text, mark) in enumerate(entries or [(1, "", "")]):
        p = doc.add_paragraph(style=f"toc {level}")
        dt.add_tab_stop_right(p, tab)
        if i == 0:
            dt.field_begin(p, f'TOC \\o "1-{_TOC_LEVELS}" \\h \\z \\u')
        if mark:
            dt.hyperlink_anchor(p, mark, text)
            p.add_run("\t")
            dt.add_field(p, f"PAGEREF {mark} \\h", str(pages.get(mark[len(_MARK):], "")))
        if i == len(entries) - 1 or not entries:
            dt.field_end(p)


def _caption(doc: Any, kind: str, number: int, text: str, lang: str) -> None:
    label = tr(kind, lang)
    p = doc.add_paragraph(style="Caption")
    p.add_run(f"{label} " if lang == "en" else label + " ")
    dt.add_field(p, f"SEQ {label} \\* ARABIC", str(number))
    p.add_run(f"  {text}")
    if kind == "table":
        p.paragraph_format.keep_with_next = True
    else:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _text_width(text: str) -> float:
    """Display width of a text in Latin characters (a Chinese character counts two)."""
    return sum(2.0 if ord(ch) > 0x2E80 else 1.0 for ch in text)


#: A number with its interval (a Gini and its 95 % interval): never broken at the dash.
_INTERVAL = re.compile(r"^-?[\d.,]+ ?[（(]-?[\d.,]+–-?[\d.,]+[）)]$")


def _unbreakable(text: str) -> float:
    """Width of the longest piece a line cannot break inside: a number with its unit (joined
    by a no-break space), a Latin word; Chinese text may break between characters, but a
    column of Chinese is kept at least two characters wide."""
    if _INTERVAL.match(text):  # a value with its interval, "0.283（0.228–0.334）": one line
        return _text_width(text)
    runs = re.findall(r"[^ \t\n\u2e80-\uffff]+", text)
    cjk = min(_text_width(text), 4.0) if re.search(r"[\u2e80-\uffff]", text) else 0.0
    return max([_text_width(r) for r in runs] + [cjk])


#: Centimetres per unit of :func:`_text_width` at the table's 8.5 pt, and a cell's padding.
_CM_PER_CHAR, _PAD_CM = 0.17, 0.35
#: The most of the text width one column asks for beyond its unbreakable pieces.
_MAX_SHARE = 0.5
#: How much wider a bold header's word is than the estimate of :func:`_text_width`.
_BOLD = 1.15


def column_widths_cm(frame: Any, total_cm: float = _TEXT_WIDTH_CM) -> list[float]:
    """Widths of a table's columns: each at least its longest unbreakable piece (numbers
    never wrap), the rest of the text width shared by how much more each needs to fit on
    one line."""
    least, want = [], []
    for col in frame.columns:
        texts = [str(col), *(str(v) for v in frame[col])]
        # the header is bold: its words are wider
        widest = max([_unbreakable(texts[0]) * _BOLD] + [_unbreakable(x) for x in texts[1:]])
        least.append(min(widest * _CM_PER_CHAR + _PAD_CM, total_cm * _MAX_SHARE))
        # a header may wrap onto about three lines, a cell's text wants one
        need = max([_text_width(x) for x in texts[1:]] + [_text_width(texts[0]) / 3])
        # a column of long text (a long name) wraps rather than squeezing the others
        want.append(max(min(need * _CM_PER_CHAR + _PAD_CM, total_cm * _MAX_SHARE), least[-1]))
    if sum(least) >= total_cm:  # too wide: cut the widest columns down, keep the narrow ones
        return _cut_widest(least, total_cm)
    extra = [w - lo for w, lo in zip(want, least, strict=True)]
    room = total_cm - sum(least)
    if sum(extra) <= room:  # everything fits on one line: share the rest by width
        return [total_cm * w / sum(want) for w in want]
    return [lo + room * e / sum(extra) for lo, e in zip(least, extra, strict=True)]


def _cut_widest(widths: list[float], total: float) -> list[float]:
    """``widths`` capped at one common width so that they add up to ``total``: only the
    widest columns give way (a very long word wraps; the numbers beside it stay whole).

    >>> _cut_widest([1.0, 2.0, 12.0, 8.0], 16.0)
    [1.0, 2.0, 6.5, 6.5]
    """
    order = sorted(widths)
    rest = total
    for i, w in enumerate(order):
        share = rest / (len(order) - i)
        if w > share:  # this and every wider column get the same share
            return [min(x, share) for x in widths]
        rest -= w
    return list(widths)


def _table(doc: Any, block: Table) -> None:
    frame = block.frame
    table = doc.add_table(rows=1, cols=len(frame.columns))
    table.style = doc.styles[dt.TABLE_STYLE]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    look = table._tbl.tblPr.find(qn("w:tblLook"))
    if look is None:
        look = OxmlElement("w:tblLook")
        table._tbl.tblPr.append(look)
    look.set(qn("w:firstRow"), "1")
    look.set(qn("w:val"), "0020")
    hdr = table.rows[0]
    tr_pr = hdr._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:tblHeader"))
    cell_style = doc.styles[dt.CELL_STYLE]
    for cell, name in zip(hdr.cells, frame.columns, strict=True):
        cell.text = str(name)
        cell.paragraphs[0].style = cell_style
        dt.set_cell_shading(cell)
        for r in cell.paragraphs[0].runs:
            r.bold = True
    numeric = [_is_numeric(frame[c]) for c in frame.columns]
    for row in frame.itertuples(index=False):
        added = table.add_row()
        added._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))  # a row on one page
        cells = added.cells
        for cell, value, right in zip(cells, row, numeric, strict=True):
            cell.text = "–" if value is None else str(value)
            cell.paragraphs[0].style = cell_style
            if right:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for col, width in zip(table.columns, column_widths_cm(frame), strict=True):
        col.width = Cm(width)
        for cell in col.cells:
            cell.width = Cm(width)


def _is_numeric(col: Any) -> bool:
    """A text column of numbers (right-aligned): every cell a number, a dash or a range."""
    allowed = set("0123456789,.-–+% ()（）")
    vals = [str(v) for v in col]
    return bool(vals) and all(v and set(v) <= allowed for v in vals) and \
        any(ch.isdigit() for v in vals for ch in v)


def _figure(doc: Any, block: Figure) -> None:
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.keep_with_next = True
    width_cm = _TEXT_WIDTH_CM if block.width_px >= 700 else _TEXT_WIDTH_CM * 0.7
    # a tall chart no taller than most of a page
    height_cm = width_cm * block.height_px / block.width_px
    if height_cm > 19:
        width_cm *= 19 / height_cm
    p.add_run().add_picture(io.BytesIO(block.png or b""), width=Cm(width_cm))
    docpr = p._p.find(".//" + qn("wp:docPr"))
    if docpr is not None:
        docpr.set("descr", block.caption)


def build_docx(content: Content, pages: Mapping[str, int] | None = None) -> docx.document.Document:
    """The Word document of ``content`` (figures already rendered); ``pages``: the page of each
    heading (by block number, from a first layout) for the contents."""
    doc = docx.Document()
    dt.setup_styles(doc)
    dt.ask_update_fields(doc)
    props = doc.core_properties
    props.title, props.language = content.title, "zh-CN" if content.lang == "zh" else "en-GB"
    props.author = props.last_modified_by = "Kaijiang equity monitor"
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.5)
    section.top_margin, section.bottom_margin = Cm(2.5), Cm(2.2)
    _header_footer(section, content)
    _title_page(doc, content)
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    marks, counters = [], {"table": 0, "figure": 0}
    for i, block in enumerate(content.blocks):
        if isinstance(block, Heading):
            marks.append((block.level, block.text, f"{_MARK}{i:05d}"))
    _contents(doc, content, marks, pages or {})
    new = doc.add_section(WD_SECTION.NEW_PAGE)
    new.header.is_linked_to_previous = new.footer.is_linked_to_previous = True
    mark_of = {i: f"{_MARK}{i:05d}" for i, b in enumerate(content.blocks) if isinstance(b, Heading)}
    for i, block in enumerate(content.blocks):
        if isinstance(block, Heading):
            if block.level == 1 and i and i in mark_of and _follows_text(content, i):
                doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
            h = doc.add_heading(block.text, level=block.level)
            dt.add_bookmark(h, mark_of[i], i)
        elif isinstance(block, Paragraph):
            doc.add_paragraph(block.text, style=block.style)
        elif isinstance(block, Table):
            counters["table"] += 1
            _caption(doc, "table", counters["table"], block.caption, content.lang)
            _table(doc, block)
            if block.note:
                doc.add_paragraph(block.note)
            doc.add_paragraph()
        elif isinstance(block, Figure):
            counters["figure"] += 1
            _figure(doc, block)
            _caption(doc, "figure", counters["figure"], block.caption, content.lang)
    return doc


def _follows_text(content: Content, i: int) -> bool:
    """Whether a top-level heading at ``i`` follows other blocks (a new chapter: new page)."""
    return any(not isinstance(b, Heading) for b in content.blocks[:i])


def docx_bytes(content: Content, pages: Mapping[str, int] | None = None) -> bytes:
    buf = io.BytesIO()
    build_docx(content, pages).save(buf)
    return buf.getvalue()


def report_bytes(db_path: str | Path, fmt: str = "docx", *, year: int | None = None,
                 lang: str = "zh", overrides: Mapping[str, float] | None = None,
                 scenarios: Sequence[dict[str, Any]] = ()) -> bytes:
    """The report as bytes of a ``docx`` or ``pdf`` file (temporary files removed)."""
    from reports import content as rc
    from reports import data, figures

    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}, not {fmt!r}")
    if lang not in ("zh", "en"):
        from reports.pdf import ReportError

        raise ReportError(f"language must be zh or en, not {lang!r}")
    inputs = data.load(db_path, year=year, overrides=overrides)
    content = rc.build_content(inputs, lang, scenarios)
    figures.render(content.figures)
    from reports import pdf

    if not pdf.available():
        if fmt == "pdf":
            raise pdf.PdfError("LibreOffice (soffice) is not installed: apt-get install "
                               "libreoffice-writer-nogui")
        return docx_bytes(content)
    # a first layout by LibreOffice gives the page of every heading for the contents
    pages = pdf.bookmark_pages(pdf.docx_to_pdf(docx_bytes(content)))
    raw = docx_bytes(content, pages)
    return raw if fmt == "docx" else pdf.docx_to_pdf(raw)


def check_out(out: str | Path) -> Path:
    """``out`` as a path a report can be written to, else :class:`reports.pdf.ReportError`
    with the reason (checked before the report is built, and again when it is written)."""
    from reports.pdf import ReportError

    out = Path(out)
    if out.is_dir():
        raise ReportError(f"--out {out} is a folder: give the report's file name")
    folder = out.parent
    if not folder.is_dir():
        raise ReportError(f"no folder {folder} for --out {out}: create it first")
    if not os.access(folder, os.W_OK | os.X_OK) or (out.exists() and not os.access(out, os.W_OK)):
        raise ReportError(f"cannot write {out}: the location is read-only")
    try:  # what access() cannot tell (a read-only file system, /proc): try, then clean up
        fd, probe = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".part", dir=folder)
    except OSError as exc:
        raise ReportError(f"cannot write {out}: {exc.strerror or exc}") from exc
    os.close(fd)
    Path(probe).unlink(missing_ok=True)
    return out


def write_report(db_path: str | Path, out: str | Path, *, fmt: str = "docx",
                 year: int | None = None, lang: str = "zh",
                 overrides: Mapping[str, float] | None = None,
                 scenarios: Sequence[dict[str, Any]] = ()) -> Path:
    """Write the report to ``out`` (a temporary file beside it, renamed when complete).

    ``out``'s folder must exist and be writable (:func:`check_out`, before anything is
    built); nothing is left behind when the report cannot be made or written."""
    from reports.pdf import ReportError

    out = check_out(out)
    body = report_bytes(db_path, fmt, year=year, lang=lang, overrides=overrides,
                        scenarios=scenarios)
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".part", dir=out.parent)
        with os.fdopen(fd, "wb") as fh:
            fh.write(body)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # as an ordinary new file, not mkstemp's 0600
        os.replace(tmp, out)
    except OSError as exc:
        raise ReportError(f"cannot write {out}: {exc.strerror or exc}") from exc
    finally:
        if tmp is not None:  # gone once renamed; left only when writing failed
            Path(tmp).unlink(missing_ok=True)
    return out
