"""Build the built-in letter templates (patient.docx, clinician.docx, advocate.docx,
checklist.docx, correction.docx) with python-docx.

The .docx files are committed in appeals/templates/letters/ (where appeals.letters loads them);
run this after changing the wording or the look:

    .venv/bin/python tools/build_letters.py

They are ordinary docxtpl templates (``{%p if %}`` paragraphs, ``{%tr for %}`` table rows) over
the letter context documented in appeals/letters/schema.py, so an advocate can download one, edit
it in Word and upload it as their own. Styles, not direct formatting, carry the look (Normal,
Heading 1/2, Title, List Bullet/Number, and "Notice", "Small", "Table Text", "Quote Text").
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Iterable, Union

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Inches, Pt, RGBColor

# Where the package loads the built-in letters from (appeals.letters.builtin_template_bytes).
HERE = Path(__file__).resolve().parents[1] / "appeals" / "templates" / "letters"
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

    # Header: one line with the subject left and the reference right, a rule under it.
    header = section.header.paragraphs[0]
    header.style = small
    header.paragraph_format.tab_stops.add_tab_stop(Inches(6.5), alignment=2)  # right
    header.add_run(header_left)
    header.add_run("\t" + header_right)
    _border(header._p.get_or_add_pPr(), "w:pBdr", ["bottom"], "BFBFBF", size=4, space=4)

    foot = section.footer.paragraphs[0]
    foot.style = small
    foot.paragraph_format.tab_stops.add_tab_stop(Inches(6.5), alignment=2)
    foot.add_run(footer + "\tPage ")
    _field(foot, "PAGE", "1")
    foot.add_run(" of ")
    _field(foot, "NUMPAGES", "1")

    doc.core_properties.author = "appeals"
    doc.core_properties.title = header_left
    doc.core_properties.comments = ("Built-in appeals letter template (docxtpl syntax; "
                                    "variables: see the letter variables reference).")
    # The default document's first paragraph is empty: drop it.
    body = doc.element.body
    for p in list(body.iterchildren(qn("w:p"))):
        body.remove(p)
    return doc


def _field(paragraph, instruction: str, placeholder: str) -> None:
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = placeholder
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


# --- content helpers ---------------------------------------------------------------------------

def para(container, *segments: Segment, style: str | None = None, align=None,
         space_after: float | None = None, keep_next: bool = False):
    paragraph = container.add_paragraph(style=style)
    for segment in segments:
        kind, text = ("", segment) if isinstance(segment, str) else segment
        run = paragraph.add_run(text)
        if "b" in kind:
            run.bold = True
        if "i" in kind:
            run.italic = True
    if align is not None:
        paragraph.alignment = align
    if space_after is not None:
        paragraph.paragraph_format.space_after = Pt(space_after)
    if keep_next:
        paragraph.paragraph_format.keep_with_next = True
    return paragraph


def tag(container, text: str):
    """A paragraph that holds only a docxtpl block tag ({%p ... %}); docxtpl removes it."""
    return container.add_paragraph(text)


def _no_borders(table) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:val"), "nil")
        borders.append(edge)
    put(tbl_pr, borders)


def _cell_margins(table, top=50, bottom=50, left=90, right=90) -> None:
    tbl_pr = table._tbl.tblPr
    margins = OxmlElement("w:tblCellMar")
    for side, value in (("top", top), ("left", left), ("bottom", bottom), ("right", right)):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:w"), str(value))
        edge.set(qn("w:type"), "dxa")
        margins.append(edge)
    put(tbl_pr, margins)


def _widths(table, widths: list[float]) -> None:
    table.autofit = False
    grid = table._tbl.tblGrid
    for col, width in zip(grid.findall(qn("w:gridCol")), widths):
        col.set(qn("w:w"), str(int(width * 1440)))
    for row in table.rows:
        for cell, width in zip(row.cells, widths):
            cell.width = Inches(width)


def _cell(cell, *segments: Segment, style: str = "Table Text", fill: str | None = None):
    paragraph = cell.paragraphs[0]
    paragraph.style = style
    for segment in segments:
        kind, text = ("", segment) if isinstance(segment, str) else segment
        run = paragraph.add_run(text)
        run.bold = "b" in kind or None
        run.italic = "i" in kind or None
    if fill:
        _shade(cell._tc.get_or_add_tcPr(), fill)
    return paragraph


def _cell_para(cell, *segments: Segment, style: str = "Table Text"):
    paragraph = cell.add_paragraph(style=style)
    for segment in segments:
        kind, text = ("", segment) if isinstance(segment, str) else segment
        run = paragraph.add_run(text)
        run.bold = "b" in kind or None
        run.italic = "i" in kind or None
    return paragraph


def identifiers(doc, rows: list[tuple[str, str, str | None]]) -> None:
    """The RE: block: label | value rows on a light band; a row with a condition is wrapped in
    {%tr if %}...{%tr endif %}."""
    total = sum(3 if cond else 1 for _, _, cond in rows)
    table = doc.add_table(rows=total, cols=2)
    _no_borders(table)
    _cell_margins(table, top=30, bottom=30)
    index = 0
    for label, value, condition in rows:
        if condition:
            _cell(table.rows[index].cells[0], "{%tr if " + condition + " %}")
            index += 1
        _cell(table.rows[index].cells[0], ("b", label), fill=BAND_FILL)
        _cell(table.rows[index].cells[1], value, fill=BAND_FILL)
        index += 1
        if condition:
            _cell(table.rows[index].cells[0], "{%tr endif %}")
            index += 1
    _widths(table, [1.55, 4.95])
    para(doc, "", space_after=2)


def grid_table(doc, headers: list[str], widths: list[float], loop: str,
               cells: list[list[list[Segment] | str]]) -> None:
    """A bordered table: a shaded header row repeated on each page, and one body row per item
    of ``loop`` (``r in cited_requirements``). Each cell is a list of paragraphs; a paragraph is
    a list of segments, or a bare string holding a {%p %} tag."""
    table = doc.add_table(rows=4, cols=len(headers))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _cell_margins(table)
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:val"), "single")
        edge.set(qn("w:sz"), "4")
        edge.set(qn("w:color"), "A6B4C8")
        borders.append(edge)
    put(tbl_pr, borders)
    head = table.rows[0]
    tr_pr = head._tr.get_or_add_trPr()
    put(tr_pr, OxmlElement("w:tblHeader"))
    for cell, text in zip(head.cells, headers):
        _cell(cell, ("b", text), fill=HEAD_FILL)
    _cell(table.rows[1].cells[0], "{%tr for " + loop + " %}")
    body = table.rows[2]
    cant_split = OxmlElement("w:cantSplit")
    put(body._tr.get_or_add_trPr(), cant_split)
    for cell, content in zip(body.cells, cells):
        first = True
        for paragraph in content:
            segments = [paragraph] if isinstance(paragraph, str) else paragraph
            style = "Quote Text" if any(isinstance(s, tuple) and s[0] == "q" for s in segments) \
                else "Table Text"
            segments = [("i", s[1]) if isinstance(s, tuple) and s[0] == "q" else s
                        for s in segments]
            if first:
                _cell(cell, *segments, style=style)
                first = False
            else:
                _cell_para(cell, *segments, style=style)
    _cell(table.rows[3].cells[0], "{%tr endfor %}")
    _widths(table, widths)
    para(doc, "", space_after=2)


def bullets(doc, loop: str, *segments: Segment, style: str = "List Bullet") -> None:
    tag(doc, "{%p for " + loop + " %}")
    para(doc, *segments, style=style)
    tag(doc, "{%p endfor %}")


# --- shared blocks -----------------------------------------------------------------------------

EMERGENCY_FIRST = "{{ emergency.notice }}"
REF_ROWS: list[tuple[str, str, str | None]] = [
    ("Patient", '{{ patient.name or "' + BLANK + '" }}', None),
    ("Date of birth", '{{ patient.date_of_birth or "' + BLANK + '" }}', None),
    ("Member ID", '{{ patient.member_id or "' + BLANK + '" }}', None),
    ("Health plan", "{{ plan.name }} ({{ plan.type_label }})", None),
    ("Reference number", '{{ denial.reference or "' + BLANK + '" }}', "denial.present"),
    ("Denial notice", "dated {{ denial.notice_date }}, received {{ denial.received_date }}",
     "denial.present"),
    ("Denial code", "{{ denial.code }}", "denial.code"),
    ("Service", "{{ service.description }}", None),
    ("Criteria", "{{ policy.citation }}", "policy.present"),
]


def emergency_block(doc, text: str = EMERGENCY_FIRST) -> None:
    tag(doc, "{%p if emergency.present %}")
    para(doc, ("b", "Emergency care comes first. "), text, style="Notice")
    tag(doc, "{%p endif %}")


def addressee(doc, department: str) -> None:
    para(doc, "{{ today }}", space_after=10)
    para(doc, ("b", "{{ plan.name }}"), style="Address")
    para(doc, department, style="Address", space_after=10)


def crosswalk(doc, voice: str) -> None:
    grid_table(
        doc,
        ["Requirement", "Evidence " + voice + " (quote, date, source)", "Enclosed"],
        [2.0, 3.4, 1.1],
        "r in cited_requirements",
        [
            [[("b", "{{ r.number }}. "), "{{ r.text }}"],
             [("i", "{{ r.kind_label }}")]],
            ["{%p for e in r.evidence %}",
             [("q", "\u201c{{ e.quote }}\u201d")],
             ["{{ e.source }}{% if e.date_iso or not e.in_original_request %}, {{ e.date }}"
              "{% endif %}"],
             "{%p endfor %}"],
            [["{{ r.enclosed_in }}"]],
        ],
    )


def records_block(doc, heading: str) -> None:
    """Without matched criteria, the supplied records themselves (shortened) support the letter."""
    tag(doc, "{%p if not cited_requirements and records %}")
    para(doc, heading, style="Heading 1")
    tag(doc, "{%p for rec in records %}")
    para(doc, ("b", "{{ rec.source }}, {{ rec.date }}: "), "{{ rec.text|truncate(400) }}",
         style="List Bullet")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endif %}")


def rights_block(doc, heading: str = "{{ rights.title }}") -> None:
    para(doc, heading, style="Heading 1")
    bullets(doc, "item in rights.entries",
            "{{ item.sentence }}")


def deadline_block(doc, filed_by: str) -> None:
    tag(doc, "{%p if denial.present %}")
    para(doc, "Deadline and next step", style="Heading 1")
    tag(doc, "{%p if deadline.present %}")
    para(doc, "{{ deadline.text }} " + filed_by)
    tag(doc, "{%p endif %}")
    para(doc, "{{ next_level }}")
    tag(doc, "{%p endif %}")


def enclosures_block(doc) -> None:
    tag(doc, "{%p if enclosures %}")
    para(doc, "Enclosures", style="Heading 2", keep_next=True)
    tag(doc, "{%p for item in enclosures %}")
    # Kept together (and with its heading) so the list never splits over a page.
    para(doc, "{{ item.number }}. {{ item.title }}{% if item.detail %}, {{ item.detail }}"
              "{% endif %}", space_after=1, keep_next=True)
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endif %}")


def signature(doc, lines: list[list[Segment]]) -> None:
    para(doc, "Sincerely,", space_after=28, keep_next=True)
    para(doc, "______________________________", space_after=0, keep_next=True)
    for i, line in enumerate(lines):
        para(doc, *line, style="Address", keep_next=i < len(lines) - 1)
    para(doc, "", space_after=4)


def clinician_statement(doc) -> None:
    """The attestation a treating clinician signs for an expedited review (patient/advocate)."""
    tag(doc, "{%p if is_expedited %}")
    title = para(doc, "Clinician statement for expedited review", style="Title")
    title.paragraph_format.page_break_before = True
    para(doc, "To be completed and signed by the treating clinician and sent with this appeal.",
         style="Small", space_after=10)
    para(doc, "I am a treating clinician of {{ patient.name or \"the patient named above\" }}"
              "{% if patient.date_of_birth %} (date of birth {{ patient.date_of_birth }})"
              "{% endif %}. In my judgment, applying the standard time frame to this "
              "{{ appeal.level }} could seriously jeopardize the patient's life, health or "
              "ability to regain maximum function{% if emergency.present %}, and the patient "
              "needs emergency evaluation now{% endif %}. I ask {{ plan.name }} to decide "
              "within 72 hours{% if appeal.expedited_basis %} ({{ appeal.expedited_basis }})"
              "{% endif %}.")
    para(doc, "Clinical reason for urgency: " + BLANK + BLANK + BLANK, space_after=14)
    for label in ("Signature", "Name and credentials", "NPI", "Phone", "Date"):
        para(doc, label + ": " + BLANK + "______________", space_after=10)
    tag(doc, "{%p endif %}")


# --- the five templates ------------------------------------------------------------------------

def patient_template():
    doc = new_document("{{ appeal.title }}", "{% if denial.reference %}Ref. "
                       "{{ denial.reference }}{% endif %}",
                       "{{ patient.name }}{% if patient.member_id %} \u00b7 Member ID "
                       "{{ patient.member_id }}{% endif %}")
    emergency_block(doc)
    para(doc, ("b", '{{ patient.name or "' + BLANK + '" }}'), style="Address")
    para(doc, "Member ID {{ patient.member_id or \"" + BLANK + "\" }}", style="Address",
         space_after=10)
    addressee(doc, "{% if denial.present %}Appeals and Grievances Department"
                   "{% else %}Prior Authorization Department{% endif %}")
    para(doc, "{{ appeal.title }}", style="Title")
    identifiers(doc, REF_ROWS)
    para(doc, "Dear Reviewer,")
    para(doc, "{% if denial.present %}I am writing to appeal your decision dated "
              "{{ denial.notice_date }}{% if denial.reference %} (reference "
              "{{ denial.reference }}){% endif %} to deny {{ service.description }}."
              "{% if denial.text %} The notice says: \u201c{{ denial.text }}\u201d{% endif %}"
              "{% else %}I am writing in support of the request for "
              "{{ service.description }}.{% endif %} {{ appeal.request }}")
    tag(doc, "{%p if emergency.present %}")
    para(doc, ("b", "{{ emergency.plan_notice }}"))
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if is_expedited %}")
    para(doc, ("b", "Expedited review. "),
         "I ask for a decision within 72 hours. My treating clinician's statement supporting "
         "this request is on the last page of this letter.")
    tag(doc, "{%p endif %}")

    tag(doc, "{%p if policy.present %}")
    para(doc, "The criteria", style="Heading 1")
    para(doc, "The published criteria for this service are {{ policy.citation }}."
              "{% if pathway.title %} My records {% if criteria_met %}meet{% else %}are "
              "measured against{% endif %} the pathway \u201c{{ pathway.title }}\u201d."
              "{% endif %}{% if omitted_requirements and denial.present %} The original "
              "request left out records that show {{ omitted_requirements|length }} of its "
              "requirements; I enclose them now.{% endif %}")
    tag(doc, "{%p else %}")
    para(doc, "The criteria", style="Heading 1")
    para(doc, "{% if denial.present %}Your notice does not name published criteria that this "
              "decision relied on. {% endif %}Please send me the specific criteria you apply"
              "{% if records %}, and review my request against the enclosed records{% endif %}.")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if cited_requirements %}")
    para(doc, "How my records meet each requirement", style="Heading 1")
    crosswalk(doc, "in my records")
    tag(doc, "{%p endif %}")
    records_block(doc, "My records")
    rights_block(doc)
    deadline_block(doc, "I am filing within that time.")
    para(doc, "Please confirm in writing that you received this letter, and send your decision "
              "to me at the address above.")
    signature(doc, [[('{{ patient.name or "' + BLANK + '" }}')],
                    ["Member ID {{ patient.member_id or \"" + BLANK + "\" }}"],
                    ["Phone " + BLANK + "   Email " + BLANK]])
    enclosures_block(doc)
    clinician_statement(doc)
    return doc


def clinician_template():
    doc = new_document("Letter of medical necessity \u00b7 {{ patient.name }}",
                       "{% if denial.reference %}Ref. {{ denial.reference }}{% endif %}",
                       "{{ patient.name }}{% if patient.date_of_birth %} \u00b7 DOB "
                       "{{ patient.date_of_birth }}{% endif %}")
    emergency_block(doc, "{{ emergency.plan_notice }} This letter supports the request; it must "
                         "not delay emergency care.")
    para(doc, ("b", "From: "), BLANK + BLANK + "__________", style="Address")
    para(doc, "Treating clinician \u00b7 practice \u00b7 address \u00b7 phone \u00b7 NPI",
         style="Small", space_after=10)
    addressee(doc, "{% if denial.present %}Utilization Review / Appeals Department"
                   "{% else %}Utilization Management / Prior Authorization{% endif %}")
    para(doc, "{% if denial.present %}Letter of medical necessity \u2014 {{ appeal.title|lower }}"
              "{% else %}{{ appeal.title }}{% endif %}", style="Title")
    identifiers(doc, REF_ROWS + [("Ordering clinician", "Name " + BLANK + "  NPI " + BLANK,
                                  None)])
    para(doc, "Dear Medical Director,")
    para(doc, "I am the treating clinician for {{ patient.name or \"the patient named above\" }}"
              " and I write {% if denial.present %}to appeal the denial dated "
              "{{ denial.notice_date }} of {{ service.description }}"
              "{% if denial.text %}, which states: \u201c{{ denial.text }}\u201d"
              "{% else %}.{% endif %}{% else %}in support of the prior-authorization request "
              "for {{ service.description }}.{% endif %}"
              "{% if policy.present %} The documentation {% if criteria_met %}meets{% else %}"
              "is set against{% endif %} {{ policy.citation }}"
              "{% if pathway.title %}, pathway \u201c{{ pathway.title }}\u201d{% endif %}, "
              "element by element, as set out below.{% endif %}")
    tag(doc, "{%p if is_expedited %}")
    para(doc, "Request for expedited review", style="Heading 1")
    para(doc, "As the treating clinician I certify that applying the standard time frame could "
              "seriously jeopardize the patient's life, health or ability to regain maximum "
              "function. I ask for a decision within 72 hours"
              "{% if appeal.expedited_basis %} ({{ appeal.expedited_basis }}){% endif %}.")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if cited_requirements %}")
    para(doc, "Criterion crosswalk", style="Heading 1")
    tag(doc, "{%p if policy.present %}")
    para(doc, ("b", "Criterion: "), "{{ policy.citation }}"
              "{% if policy.url %} ({{ policy.url }}){% endif %}", space_after=2, keep_next=True)
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if pathway.title %}")
    para(doc, ("b", "Pathway: "), "{{ pathway.title }}", keep_next=True)
    tag(doc, "{%p endif %}")
    crosswalk(doc, "in the record")
    tag(doc, "{%p if omitted_requirements and denial.present %}")
    para(doc, "The original request did not include the documentation for "
              "{{ omitted_requirements|length }} of these elements; it is enclosed with this "
              "letter.")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p elif not policy.present %}")
    para(doc, "Criteria", style="Heading 1")
    para(doc, "{% if denial.present %}The notice does not identify published criteria. "
              "{% endif %}Please provide the specific criteria applied so that the enclosed "
              "documentation can be reviewed against them.")
    tag(doc, "{%p endif %}")
    records_block(doc, "Clinical documentation")
    rights_block(doc, "Requests for this review")
    deadline_block(doc, "This {{ appeal.level }} is filed within that time.")
    # Medicare Advantage: after a decision the route is reconsideration, not peer-to-peer.
    para(doc, "{% if plan.rules == \"medicare_advantage\" and denial.present %}I am available to "
              "discuss this case with the physician reviewing the reconsideration"
              "{% else %}I am available for a peer-to-peer discussion with the reviewing "
              "physician{% endif %} at the number below. Please confirm receipt of this letter "
              "in writing.")
    signature(doc, [["Treating clinician (name, credentials): " + BLANK],
                    ["NPI " + BLANK + "   Phone " + BLANK],
                    ["Date " + BLANK]])
    enclosures_block(doc)
    return doc


def advocate_template():
    doc = new_document("{{ appeal.title }} \u00b7 authorized representative",
                       "{% if denial.reference %}Ref. {{ denial.reference }}{% endif %}",
                       "On behalf of {{ patient.name }}{% if patient.member_id %} \u00b7 "
                       "Member ID {{ patient.member_id }}{% endif %}")
    emergency_block(doc)
    para(doc, ("b", "From: "), BLANK + BLANK + "__________", style="Address")
    para(doc, "Authorized representative \u00b7 organization \u00b7 address \u00b7 phone",
         style="Small", space_after=10)
    addressee(doc, "{% if denial.present %}Appeals and Grievances Department"
                   "{% else %}Prior Authorization Department{% endif %}")
    para(doc, "{{ appeal.title }}", style="Title")
    identifiers(doc, REF_ROWS)
    para(doc, "Dear Reviewer,")
    para(doc, "I am the authorized representative of {{ patient.name or \"the member named "
              "above\" }}; the signed authorization is enclosed. {% if denial.present %}On the "
              "patient's behalf I appeal your decision dated {{ denial.notice_date }}"
              "{% if denial.reference %} (reference {{ denial.reference }}){% endif %} to deny "
              "{{ service.description }}.{% if denial.text %} The notice says: "
              "\u201c{{ denial.text }}\u201d{% endif %}{% else %}I write in support of the "
              "request for {{ service.description }}.{% endif %} {{ appeal.request }}")
    tag(doc, "{%p if emergency.present %}")
    para(doc, ("b", "{{ emergency.plan_notice }}"))
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if is_expedited %}")
    para(doc, ("b", "Expedited review. "),
         "I ask for a decision within 72 hours. The treating clinician's statement supporting "
         "this request is on the last page of this letter.")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if policy.present %}")
    para(doc, "The criteria", style="Heading 1")
    para(doc, "The published criteria for this service are {{ policy.citation }}."
              "{% if pathway.title %} The patient's records {% if criteria_met %}meet"
              "{% else %}are measured against{% endif %} the pathway \u201c"
              "{{ pathway.title }}\u201d.{% endif %}"
              "{% if omitted_requirements and denial.present %} The original request left out "
              "records that show {{ omitted_requirements|length }} of its requirements; they are "
              "enclosed now.{% endif %}")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if cited_requirements %}")
    para(doc, "How the records meet each requirement", style="Heading 1")
    crosswalk(doc, "in the patient's records")
    tag(doc, "{%p endif %}")
    records_block(doc, "The patient's records")
    rights_block(doc, "Requests on the patient's behalf")
    deadline_block(doc, "This {{ appeal.level }} is filed within that time.")
    para(doc, "Please send your decision to the patient and to me, and confirm in writing that "
              "you received this letter.")
    signature(doc, [["Authorized representative of {{ patient.name or \"the patient\" }}"],
                    ["Name " + BLANK + "   Organization " + BLANK],
                    ["Phone " + BLANK + "   Email " + BLANK]])
    enclosures_block(doc)
    clinician_statement(doc)
    return doc


def checklist_template():
    doc = new_document("Before you appeal \u00b7 {{ service.name }}",
                       "Prepared {{ today }}",
                       "For {{ patient.name or \"you\" }} \u2014 not for sending to the plan "
                       "(except the records request)")
    emergency_block(doc)
    para(doc, "Before you appeal: what to obtain first", style="Title")
    para(doc, "Prepared {{ today }}{% if patient.name %} for {{ patient.name }}{% endif %} "
              "\u00b7 {{ service.description }} \u00b7 {{ plan.name }}", style="Small",
         space_after=10)
    tag(doc, "{%p if checklist %}")
    para(doc, "{% if policy.present %}The records you supplied do not yet meet "
              "{{ policy.citation }}{% if pathway.title %} (the closest pathway is \u201c"
              "{{ pathway.title }}\u201d){% endif %}.{% else %}The records you supplied do not "
              "yet show what the criteria for this service ask for.{% endif %} An appeal sent "
              "now would most likely fail. It is usually faster to obtain what is missing and "
              "then have your clinician send a new request, with the records attached.")
    tag(doc, "{%p elif criteria_met %}")
    para(doc, "Nothing is missing: the records you supplied meet every requirement of "
              "{{ policy.citation }}{% if pathway.title %} (\u201c{{ pathway.title }}\u201d)"
              "{% endif %}. You can {% if denial.present %}appeal{% else %}ask for the scan"
              "{% endif %} now; the appeal letter cites each record.")
    tag(doc, "{%p else %}")
    para(doc, "There are no published criteria in this service's library entry to check the "
              "records against. Ask {{ plan.name }} in writing for the criteria it applies, then "
              "compare your records with them.")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if deadline.present %}")
    para(doc, ("b", "Keep the appeal deadline in mind. "), "{{ deadline.text }} If you cannot "
         "obtain the records in time, file the appeal before the deadline and send the records "
         "when you have them.", style="Box")
    para(doc, "", space_after=0)
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if checklist %}")
    para(doc, "What is missing", style="Heading 1")
    grid_table(doc, ["#", "The criteria ask for", "What to obtain", "From whom"],
               [0.35, 2.15, 2.2, 1.8], "item in checklist",
               [[["{{ item.number }}"]], [["{{ item.requirement }}"]],
                [["{{ item.needed }}"]], [["{{ item.obtain_from }}"]]])
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if cited_requirements %}")
    para(doc, "What your records already show", style="Heading 1")
    tag(doc, "{%p for r in cited_requirements %}")
    para(doc, ("b", "{{ r.text }}: "), "{{ r.evidence_text }}", style="List Bullet")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if checklist %}")
    para(doc, "Then", style="Heading 1")
    para(doc, "When you have these records, ask your clinician to send a new prior-authorization "
              "request with them attached{% if denial.present %}, or prepare the appeal letter "
              "with them before the deadline{% endif %}.")
    para(doc, "Request to send your clinic", style="Heading 1")
    para(doc, "Copy this note into a message or letter to your clinic (or print this page):",
         space_after=4, keep_next=True)
    para(doc, "Dear clinic team,", style="Box", keep_next=True)
    para(doc, "{{ clinic_request }}", style="Box", keep_next=True)
    para(doc, "{{ patient.name or \"" + BLANK + "\" }}{% if patient.date_of_birth %}, date of "
              "birth {{ patient.date_of_birth }}{% endif %}"
              "{% if patient.member_id %}, member ID {{ patient.member_id }}{% endif %}",
         style="Box")
    tag(doc, "{%p endif %}")
    return doc


def correction_template():
    doc = new_document("{{ correction.title }}",
                       "{% if denial.reference %}Ref. {{ denial.reference }}{% endif %}",
                       "{{ patient.name }}{% if patient.member_id %} \u00b7 Member ID "
                       "{{ patient.member_id }}{% endif %}")
    emergency_block(doc)
    # A cover page for the sender: what to check first. The letter itself starts on the next
    # page, so the page that goes to the plan holds no instructions.
    tag(doc, "{%p if correction.steps %}")
    para(doc, "Before you send this letter", style="Title")
    para(doc, "Keep this page. Send the pages that follow, with the enclosures listed at the end.",
         style="Small", space_after=10)
    tag(doc, "{%p for step in correction.steps %}")
    para(doc, "\u2610 {{ step }}", style="Box")
    tag(doc, "{%p endfor %}")
    breaker = doc.add_paragraph()
    breaker.add_run().add_break(WD_BREAK.PAGE)
    tag(doc, "{%p endif %}")
    para(doc, ("b", '{{ patient.name or "' + BLANK + '" }}'), style="Address")
    para(doc, "Member ID {{ patient.member_id or \"" + BLANK + "\" }}", style="Address",
         space_after=10)
    addressee(doc, "Claims and Authorizations Department")
    para(doc, "{{ correction.title }}", style="Title")
    identifiers(doc, REF_ROWS + [
        ("Corrected details", "CPT {{ service.cpt or \"______\" }} \u00b7 side ______ \u00b7 "
         "contrast ______ \u00b7 ICD-10 ______", None)])
    para(doc, "Dear Reviewer,")
    para(doc, "{% if denial.present %}I am writing about your decision dated "
              "{{ denial.notice_date }}{% if denial.reference %} (reference "
              "{{ denial.reference }}){% endif %} on {{ service.description }}."
              "{% if denial.text %} The notice{% if denial.code %} (code {{ denial.code }})"
              "{% endif %} says: \u201c{{ denial.text }}\u201d{% endif %}"
              "{% else %}I am writing about the request for {{ service.description }}."
              "{% endif %} {{ correction.problem }}")
    para(doc, "{% if correction.request_type == \"retro-authorization\" %}I ask you to grant "
              "retrospective authorization for this service and to reprocess the claim."
              "{% elif correction.request_type == \"eligibility review\" %}I ask you to check "
              "my coverage with the details above and to reprocess the request."
              "{% else %}I ask you to reprocess the request with the corrected details above."
              "{% endif %}{% if cited_requirements and criteria_met %} The records show that the "
              "service met the published criteria, as set out below.{% endif %}")
    tag(doc, "{%p if emergency.present %}")
    para(doc, ("b", "{{ emergency.plan_notice }}"))
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if cited_requirements %}")
    para(doc, "The criteria and the records", style="Heading 1")
    tag(doc, "{%p if policy.present %}")
    para(doc, "Criteria: {{ policy.citation }}"
              "{% if pathway.title %}, pathway \u201c{{ pathway.title }}\u201d{% endif %}.",
         keep_next=True)
    tag(doc, "{%p endif %}")
    crosswalk(doc, "in the records")
    tag(doc, "{%p endif %}")
    rights_block(doc)
    deadline_block(doc, "I am writing within that time.")
    para(doc, "Please confirm in writing that you received this letter.")
    signature(doc, [['{{ patient.name or "' + BLANK + '" }}'],
                    ["Member ID {{ patient.member_id or \"" + BLANK + "\" }}"],
                    ["Phone " + BLANK + "   Email " + BLANK]])
    enclosures_block(doc)
    return doc


TEMPLATES = {
    "patient": patient_template,
    "clinician": clinician_template,
    "advocate": advocate_template,
    "checklist": checklist_template,
    "correction": correction_template,
}


def build(out_dir: Path = HERE) -> list[Path]:
    written = []
    for kind, make in TEMPLATES.items():
        path = out_dir / f"{kind}.docx"
        doc = make()
        doc.core_properties.revision = 1
        doc.save(path)
        written.append(path)
    return written


if __name__ == "__main__":
    for path in build(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE):
        print(path)
