"""Word pieces python-docx has no call for: fields (TOC, SEQ, PAGE, PAGEREF), bookmarks,
fonts for Chinese text, and a named table style a bureau can restyle.

Fields are written as Word writes them (``w:fldChar`` begin / ``w:instrText`` / separate /
result / end), with a result already filled in, so the document reads right before anyone
updates its fields; ``w:updateFields`` in the settings asks Word to refresh them on opening.
"""

from __future__ import annotations

from docx.document import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor
from docx.text.paragraph import Paragraph

__all__ = ["BODY_FONT", "CELL_STYLE", "HEADING_FONT", "TABLE_STYLE", "add_bookmark", "add_field",
           "ask_update_fields", "hyperlink_anchor", "set_cell_shading", "setup_styles"]

#: Fonts named in the styles (installed with fonts-noto-cjk; Word substitutes when absent).
BODY_FONT = "Noto Serif CJK SC"
HEADING_FONT = "Noto Sans CJK SC"
#: The named table style of every table (restyle it once to restyle them all), and the
#: paragraph style of the text in its cells.
TABLE_STYLE = "Report Table"
CELL_STYLE = "Table Text"
_HEADER_FILL = "DCE6F0"


def _fonts(rpr_owner, name: str) -> None:
    """Set the Latin and East Asian fonts of a style or run."""
    rpr = rpr_owner.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)


def setup_styles(doc: Document) -> None:
    """Fonts and sizes of the built-in styles, the TOC styles and the named table style."""
    styles = doc.styles
    normal = styles["Normal"]
    normal.font.size = Pt(10.5)
    _fonts(normal.element, BODY_FONT)
    normal.paragraph_format.space_after = Pt(4)
    normal.paragraph_format.line_spacing = 1.25
    for name, size in (("Title", 22), ("Subtitle", 14), ("Heading 1", 16), ("Heading 2", 13),
                       ("Heading 3", 11.5), ("Caption", 9.5), ("Header", 8.5), ("Footer", 9)):
        st = styles[name]
        st.font.size = Pt(size)
        _fonts(st.element, HEADING_FONT if name.startswith(("Heading", "Title", "Subtitle",
                                                               "Caption")) else BODY_FONT)
    for name in ("Heading 1", "Heading 2", "Heading 3", "Title"):
        styles[name].font.color.rgb = RGBColor(0x1F, 0x3A, 0x5F)
    styles["Subtitle"].font.italic = False  # no slanted Chinese
    styles["Caption"].font.bold = True
    styles["Caption"].font.italic = False
    styles["Caption"].font.color.rgb = RGBColor(0x33, 0x33, 0x33)
    for level in (1, 2):
        name = f"toc {level}"
        if name not in [s.name for s in styles]:
            st = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
            st.base_style = normal
            st.paragraph_format.left_indent = Pt(14 * (level - 1))
            st.paragraph_format.space_after = Pt(2)
    cell = styles.add_style(CELL_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    cell.base_style = normal
    cell.font.size = Pt(8.5)
    cell.paragraph_format.space_after = Pt(0)
    cell.paragraph_format.line_spacing = 1.1
    table = styles.add_style(TABLE_STYLE, WD_STYLE_TYPE.TABLE)
    table.base_style = styles["Table Grid"]
    table.font.size = Pt(8.5)
    _table_style_xml(table.element)


def _table_style_xml(style) -> None:
    """Cell margins, light borders and a shaded, bold, repeated header row in the style."""
    tblpr = style.find(qn("w:tblPr"))
    if tblpr is None:
        tblpr = OxmlElement("w:tblPr")
        style.append(tblpr)
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        b = OxmlElement(f"w:{side}")
        b.set(qn("w:val"), "single")
        b.set(qn("w:sz"), "4")
        b.set(qn("w:space"), "0")
        b.set(qn("w:color"), "9AA8B8")
        borders.append(b)
    tblpr.append(borders)
    mar = OxmlElement("w:tblCellMar")
    for side, w in (("left", 60), ("right", 60)):
        m = OxmlElement(f"w:{side}")
        m.set(qn("w:w"), str(w))
        m.set(qn("w:type"), "dxa")
        mar.append(m)
    tblpr.append(mar)
    first = OxmlElement("w:tblStylePr")
    first.set(qn("w:type"), "firstRow")
    rpr = OxmlElement("w:rPr")
    rpr.append(OxmlElement("w:b"))
    first.append(rpr)
    trpr = OxmlElement("w:trPr")
    trpr.append(OxmlElement("w:tblHeader"))
    first.append(trpr)
    tcpr = OxmlElement("w:tcPr")
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), _HEADER_FILL)
    tcpr.append(shd)
    first.append(tcpr)
    style.append(first)


def set_cell_shading(cell, fill: str = _HEADER_FILL) -> None:
    """Shade one cell (the header row, for readers that ignore conditional table styles)."""
    tcpr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tcpr.append(shd)


def _run(paragraph: Paragraph, child) -> None:
    r = OxmlElement("w:r")
    r.append(child)
    paragraph._p.append(r)


def _fld_char(kind: str):
    el = OxmlElement("w:fldChar")
    el.set(qn("w:fldCharType"), kind)
    if kind == "begin":
        el.set(qn("w:dirty"), "true")
    return el


def field_begin(paragraph: Paragraph, instruction: str) -> None:
    """Open a complex field: begin, its instruction, separate (the result follows)."""
    _run(paragraph, _fld_char("begin"))
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    _run(paragraph, instr)
    _run(paragraph, _fld_char("separate"))


def field_end(paragraph: Paragraph) -> None:
    _run(paragraph, _fld_char("end"))


def add_field(paragraph: Paragraph, instruction: str, result: str = "") -> None:
    """A complex field (``PAGE``, ``SEQ 表 \\* ARABIC``, ``PAGEREF x \\h`` …) with its result."""
    field_begin(paragraph, instruction)
    if result:
        paragraph.add_run(result)
    field_end(paragraph)


def add_bookmark(paragraph: Paragraph, name: str, bid: int) -> None:
    """A bookmark around the paragraph's text (a heading the contents point to)."""
    start = OxmlElement("w:bookmarkStart")
    start.set(qn("w:id"), str(bid))
    start.set(qn("w:name"), name)
    end = OxmlElement("w:bookmarkEnd")
    end.set(qn("w:id"), str(bid))
    p = paragraph._p
    ppr = p.find(qn("w:pPr"))
    p.insert(0 if ppr is None else list(p).index(ppr) + 1, start)
    p.append(end)


def hyperlink_anchor(paragraph: Paragraph, anchor: str, text: str) -> None:
    """An internal link to bookmark ``anchor`` (a contents entry)."""
    link = OxmlElement("w:hyperlink")
    link.set(qn("w:anchor"), anchor)
    link.set(qn("w:history"), "1")
    r = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.set(qn("xml:space"), "preserve")
    t.text = text
    r.append(t)
    link.append(r)
    paragraph._p.append(link)


def add_tab_stop_right(paragraph: Paragraph, pos_twips: int) -> None:
    """A right-aligned tab stop with a dot leader (the page numbers of the contents)."""
    ppr = paragraph._p.get_or_add_pPr()
    tabs = OxmlElement("w:tabs")
    tab = OxmlElement("w:tab")
    tab.set(qn("w:val"), "right")
    tab.set(qn("w:leader"), "dot")
    tab.set(qn("w:pos"), str(pos_twips))
    tabs.append(tab)
    ppr.append(tabs)


def ask_update_fields(doc: Document) -> None:
    """``w:updateFields``: Word refreshes the contents and numbers when the file is opened."""
    settings = doc.settings.element
    el = OxmlElement("w:updateFields")
    el.set(qn("w:val"), "true")
    # in the schema's order: before the first element that must follow it
    later = {qn(f"w:{n}") for n in _AFTER_UPDATE_FIELDS}
    following = next((child for child in settings if child.tag in later), None)
    if following is None:
        settings.append(el)
    else:
        following.addprevious(el)


#: Elements of ``w:settings`` that come after ``w:updateFields`` (ECMA-376 CT_Settings).
_AFTER_UPDATE_FIELDS = (
    "hdrShapeDefaults", "footnotePr", "endnotePr", "compat", "docVars", "rsids", "mathPr",
    "attachedSchema", "themeFontLang", "clrSchemeMapping", "doNotIncludeSubdocsInStats",
    "doNotAutoCompressPictures", "forceUpgrade", "captions", "readModeInkLockDown",
    "smartTagType", "schemaLibrary", "shapeDefaults", "doNotEmbedSmartTags", "decimalSymbol",
    "listSeparator")
