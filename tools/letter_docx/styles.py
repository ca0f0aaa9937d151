"""The document, its styles and page furniture, and the element order Word requires."""

from __future__ import annotations

from typing import Iterable, Union

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Inches, Pt, RGBColor

FONT = "Arial"  # Liberation Sans (same metrics) where Arial is not installed
INK = RGBColor(0x1A, 0x1A, 0x1A)
ACCENT = RGBColor(0x1F, 0x3A, 0x5F)
MUTED = RGBColor(0x59, 0x59, 0x59)
ALERT = "B00020"
HEAD_FILL = "DCE4EF"
BAND_FILL = "F3F6FA"
BLANK = "______________________"

Segment = Union[str, tuple[str, str]]  # "text" or ("b"|"i"|"bi"|"small", "text")


# --- document and styles -----------------------------------------------------------------------

# Child order the WordprocessingML schema requires (Word rejects a document whose property
# elements are out of order, where LibreOffice is lenient).
ORDER = {
    "pPr": ["pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl",
            "numPr", "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens",
            "kinsoku", "wordWrap", "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN",
            "bidi", "adjustRightInd", "snapToGrid", "spacing", "ind", "contextualSpacing",
            "mirrorIndents", "suppressOverlap", "jc", "textDirection", "textAlignment",
            "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange"],
    "tblPr": ["tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize",
              "tblStyleColBandSize", "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd",
              "tblLayout", "tblCellMar", "tblLook", "tblCaption", "tblDescription"],
    "tcPr": ["cnfStyle", "tcW", "gridSpan", "hMerge", "vMerge", "tcBorders", "shd", "noWrap",
             "tcMar", "textDirection", "tcFitText", "vAlign", "hideMark"],
    "trPr": ["cnfStyle", "divId", "gridBefore", "gridAfter", "wBefore", "wAfter", "cantSplit",
             "trHeight", "tblHeader", "tblCellSpacing", "jc", "hidden"],
}


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def put(parent, child) -> None:
    """Insert ``child`` into a pPr/tblPr/tcPr/trPr where the schema wants it, replacing one of
    the same name."""
    order = ORDER[_local(parent.tag)]
    name = _local(child.tag)
    for old in parent.findall(child.tag):
        parent.remove(old)
    rank = order.index(name)
    for index, existing in enumerate(parent):
        local = _local(existing.tag)
        if local in order and order.index(local) > rank:
            parent.insert(index, child)
            return
    parent.append(child)


def _set_font(style, size: float | None = None, bold: bool | None = None,
              color: RGBColor | None = None, italic: bool | None = None) -> None:
    font = style.font
    font.name = FONT
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    if size is not None:
        font.size = Pt(size)
        font.complex_script = False
    if bold is not None:
        font.bold = bold
    if italic is not None:
        font.italic = italic
    font.color.rgb = color or INK


def _paragraph_style(doc, name: str, base: str = "Normal"):
    styles = doc.styles
    if name in [s.name for s in styles]:
        return styles[name]
    style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = styles[base]
    style.quick_style = True
    return style


def _border(ppr_or_tcpr, tag: str, sides: Iterable[str], color: str, size: int = 8,
            space: int = 4) -> None:
    box = OxmlElement(tag)
    for side in sides:
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:val"), "single")
        edge.set(qn("w:sz"), str(size))
        edge.set(qn("w:space"), str(space))
        edge.set(qn("w:color"), color)
        box.append(edge)
    put(ppr_or_tcpr, box)


def _shade(element, fill: str) -> None:
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    put(element, shd)


def new_document(header_left: str, header_right: str, footer: str):
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Inches(8.5), Inches(11)
    section.left_margin = section.right_margin = Inches(1)
    section.top_margin = Inches(0.9)
    section.bottom_margin = Inches(0.8)
    section.header_distance = Inches(0.4)
    section.footer_distance = Inches(0.4)

    styles = doc.styles
    normal = styles["Normal"]
    _set_font(normal, 10.5)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.15

    title = styles["Title"]
    _set_font(title, 15, bold=True, color=ACCENT)
    title.paragraph_format.space_before = Pt(10)
    title.paragraph_format.space_after = Pt(8)
    tpr = title.element.get_or_add_pPr()
    _border(tpr, "w:pBdr", ["bottom"], "1F3A5F", size=8, space=4)

    for name, size, before in (("Heading 1", 12, 14), ("Heading 2", 11, 10)):
        heading = styles[name]
        _set_font(heading, size, bold=True, color=ACCENT)
        heading.paragraph_format.space_before = Pt(before)
        heading.paragraph_format.space_after = Pt(4)
        heading.paragraph_format.keep_with_next = True

    for name in ("List Bullet", "List Number"):
        style = styles[name]
        style.paragraph_format.space_after = Pt(3)

    small = _paragraph_style(doc, "Small")
    _set_font(small, 8.5, color=MUTED)
    small.paragraph_format.space_after = Pt(0)
    small.paragraph_format.line_spacing = 1.0

    table_text = _paragraph_style(doc, "Table Text")
    _set_font(table_text, 9.5)
    table_text.paragraph_format.space_after = Pt(2)
    table_text.paragraph_format.line_spacing = 1.05

    quote = _paragraph_style(doc, "Quote Text", "Table Text")
    _set_font(quote, 9.5, italic=True)

    notice = _paragraph_style(doc, "Notice")
    _set_font(notice, 11, bold=True, color=RGBColor(0xB0, 0x00, 0x20))
    npr = notice.element.get_or_add_pPr()
    _border(npr, "w:pBdr", ["top", "left", "bottom", "right"], ALERT, size=18, space=6)
    _shade(npr, "FDECEE")
    notice.paragraph_format.space_before = Pt(4)
    notice.paragraph_format.space_after = Pt(12)

    box = _paragraph_style(doc, "Box")
    _set_font(box, 10)
    bpr = box.element.get_or_add_pPr()
    _border(bpr, "w:pBdr", ["top", "left", "bottom", "right"], "8EA3BF", size=6, space=6)
    _shade(bpr, BAND_FILL)
    box.paragraph_format.space_after = Pt(0)
    box.paragraph_format.left_indent = Inches(0.08)
    box.paragraph_format.right_indent = Inches(0.08)

    address = _paragraph_style(doc, "Address")
    address.paragraph_format.space_after = Pt(0)

    furniture(section, header_left, header_right, footer)
    doc.letter_furniture = (header_left, header_right, footer)

    # The document's properties: the letter's own title, created when the letter is written
    # (build_letters.py puts {{ created }} into docProps/core.xml).
    doc.core_properties.author = "appeals"
    doc.core_properties.title = "{{ title }}"
    doc.core_properties.comments = ""
    # The default document's first paragraph is empty: drop it.
    body = doc.element.body
    for p in list(body.iterchildren(qn("w:p"))):
        body.remove(p)
    return doc


def furniture(section, header_left: str, header_right: str, footer: str,
              numbered: bool = True) -> None:
    """Header (subject left, reference right, a rule under it) and footer ("Page 1 of 3",
    counted within the section, so a cover page before it is never counted)."""
    header = section.header.paragraphs[0]
    header.style = section.part.document.styles["Small"]
    header.paragraph_format.tab_stops.add_tab_stop(Inches(6.5), alignment=2)  # right
    header.add_run(header_left)
    header.add_run("\t" + header_right)
    _border(header._p.get_or_add_pPr(), "w:pBdr", ["bottom"], "BFBFBF", size=4, space=4)

    foot = section.footer.paragraphs[0]
    foot.style = section.part.document.styles["Small"]
    foot.paragraph_format.tab_stops.add_tab_stop(Inches(6.5), alignment=2)
    if not numbered:
        foot.add_run(footer)
        return
    # "Page 2", not "Page 2 of 4": a total would count the cover page (NUMPAGES), and
    # SECTIONPAGES is not computed by LibreOffice.
    foot.add_run(footer + "\tPage ")
    _field(foot, "PAGE", "1")


def _field(paragraph, instruction: str, placeholder: str) -> None:
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = placeholder
    run.append(text)
    field.append(run)
    paragraph._p.append(field)
