"""Paragraphs, tables and the blocks the letters share (emergency notice, crosswalk, rights,
deadline, enclosures, signature)."""

from __future__ import annotations

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Inches, Pt

from docx.enum.section import WD_SECTION

from .styles import (
    BAND_FILL, BLANK, HEAD_FILL, Segment, _shade, furniture, put,
)


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
    ("Reviewed by", "{{ plan.reviewer }}", "plan.reviewer"),
    ("Reference number", '{{ denial.reference or "' + BLANK + '" }}', "denial.present"),
    ("Denial notice", "dated {{ denial.notice_date }}{% if denial.received_date %}, received "
     "{{ denial.received_date }}{% endif %}{% if denial.code %} \u00b7 code {{ denial.code }}"
     "{% endif %}", "denial.present"),
    ("Study requested", "{{ study.line }}", None),
    ("Diagnosis (ICD-10)", "{{ summary.diagnosis }}", "summary.diagnosis"),
    ("Ordering clinician", "{{ clinician.line }}", "clinician.present"),
    ("Criteria", "{{ policy.citation }}", "policy.present"),
]


def emergency_block(doc, text: str = EMERGENCY_FIRST) -> None:
    tag(doc, "{%p if emergency.present %}")
    para(doc, ("b", "Emergency care comes first. "), text, style="Notice")
    tag(doc, "{%p endif %}")


def addressee(doc, department: str) -> None:
    para(doc, "{{ today }}", space_after=8)
    para(doc, ("b", "{{ plan.name }}"), style="Address")
    para(doc, department, style="Address")
    tag(doc, "{%p if denial.appeal_address %}")
    para(doc, "{{ denial.appeal_address }}", style="Address")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if denial.appeal_fax %}")
    para(doc, "By fax: {{ denial.appeal_fax }}", style="Address")
    tag(doc, "{%p endif %}")
    para(doc, "", space_after=4)


def sender_patient(doc) -> None:
    """The patient's return address: where the plan sends its decision."""
    para(doc, ("b", '{{ patient.name or "' + BLANK + '" }}'), style="Address")
    para(doc, '{{ patient.address or "Address: ' + BLANK + BLANK + '" }}', style="Address")
    para(doc, '{% if patient.phone %}Phone {{ patient.phone }} \u00b7 {% endif %}Member ID '
              '{{ patient.member_id or "' + BLANK + '" }}', style="Address", space_after=8)


def sender_clinician(doc) -> None:
    """The clinician's letterhead."""
    para(doc, ("b", '{{ clinician.facility or clinician.name or "' + BLANK + '" }}'),
         style="Address")
    para(doc, '{{ clinician.address or "Address: ' + BLANK + BLANK + '" }}', style="Address")
    para(doc, 'Phone {{ clinician.phone or "' + BLANK + '" }} \u00b7 Fax {{ clinician.fax or "'
              + BLANK + '" }} \u00b7 NPI {{ clinician.npi or "' + BLANK + '" }}',
         style="Address", space_after=8)


def answer_first(doc) -> None:
    """The first paragraph after the identifiers: the answer, then the remedy's time frame."""
    para(doc, "{{ summary.answer }}")


def story(doc, heading: str, statement_label: str) -> None:
    """The short clinical story, what the scan decides, and the patient's own statement."""
    tag(doc, "{%p if summary.narrative or summary.treatment_plan %}")
    para(doc, heading, style="Heading 1")
    tag(doc, "{%p if summary.narrative %}")
    para(doc, "{{ summary.narrative }}")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if summary.treatment_plan %}")
    para(doc, "{{ summary.treatment_plan }}")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if summary.patient_statement %}")
    para(doc, ("b", statement_label), "{{ summary.patient_statement }}")
    tag(doc, "{%p endif %}")


def cover_page(doc) -> None:
    """The "Before you send" page for the sender, in a section of its own: the plan's copy
    starts on the next page, and its page numbers start there at 1."""
    tag(doc, "{%p if cover.present %}")
    tag(doc, "{%p if emergency.present %}")
    para(doc, ("b", "Emergency care comes first. "), "{{ emergency.notice }}", style="Notice")
    tag(doc, "{%p endif %}")
    para(doc, "Before you send", style="Title")
    para(doc, "Keep this page: it is for you, not for the plan. The letter to send starts on "
              "the next page (its page 1).", style="Small", space_after=10)
    tag(doc, "{%p for step in cover.steps %}")
    para(doc, "\u2610  {{ step }}", space_after=6)
    tag(doc, "{%p endfor %}")
    # The section break (its paragraph holds the cover's section properties) goes with the
    # cover: without a cover the letter is one section.
    letter = doc.add_section(WD_SECTION.NEW_PAGE)
    cover = doc.sections[-2]  # python-docx moves the earlier section into the break paragraph
    tag(doc, "{%p endif %}")
    left, right, footer = doc.letter_furniture
    letter.header.is_linked_to_previous = False
    letter.footer.is_linked_to_previous = False
    furniture(letter, left, right, footer)
    for part in (cover.header, cover.footer):
        for paragraph in part.paragraphs:
            for run in list(paragraph.runs):
                run._r.getparent().remove(run._r)
            for field in paragraph._p.findall(qn("w:fldSimple")):
                paragraph._p.remove(field)
    cover.footer.paragraphs[0].add_run("Before you send \u00b7 keep this page; do not send it "
                                       "to the plan")
    numbering = OxmlElement("w:pgNumType")
    numbering.set(qn("w:start"), "1")
    sect = letter._sectPr
    # pgNumType sits after pgMar/paperSrc/pgBorders/lnNumType, before cols (schema order).
    cols = sect.find(qn("w:cols"))
    if cols is not None:
        cols.addprevious(numbering)
    else:
        sect.append(numbering)


def crosswalk(doc, voice: str) -> None:
    grid_table(
        doc,
        ["Requirement", "Evidence " + voice + " (quote, date, source)", "Enclosed"],
        [2.0, 3.4, 1.1],
        "r in cited_requirements",
        [
            [[("b", "{{ r.number }}. "), "{{ r.text }}"],
             [("i", "{{ r.kind_label }}")]],
            ["{%p if r.met_items %}",
             [("b", "Met: "), "{{ r.met_items }}"],
             "{%p endif %}",
             "{%p for e in r.evidence %}",
             [("q", "{% if e.is_statement %}Statement, not a record: {{ e.quote }}{% else %}"
                    "\u201c{{ e.quote }}\u201d{% endif %}")],
             ["{{ e.source }}{% if e.date_iso or not e.in_original_request %}, {{ e.date }}"
              "{% endif %}"],
             "{%p endfor %}"],
            [["{{ r.enclosed_in }}"]],
        ],
    )


def records_block(doc, heading: str) -> None:
    """Outside the library the denial's own reasons are the checklist: each answered with the
    record that meets it, or said to be missing (records are never pasted whole)."""
    tag(doc, "{%p if reasons %}")
    para(doc, heading, style="Heading 1")
    grid_table(doc, ["The denial says this is missing", "What the records show", "Enclosed"],
               [2.0, 3.4, 1.1], "x in reasons",
               [[[("b", "{{ x.number }}. "), "{{ x.reason }}"]],
                [[("q", "{% if x.met %}\u201c{{ x.answer }}\u201d{% else %}{{ x.answer }}"
                        "{% endif %}")],
                 ["{{ x.source }}"]],
                [["{{ x.enclosure or \"\u2014\" }}"]]])
    tag(doc, "{%p endif %}")


def rights_block(doc, heading: str | None = "{{ rights.title }}") -> None:
    if heading:
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
    # Kept with the enclosure list that follows, so a last page never holds the list alone.
    para(doc, "Sincerely,", space_after=26, keep_next=True)
    para(doc, "______________________________", space_after=0, keep_next=True)
    for line in lines:
        para(doc, *line, style="Address", keep_next=True)
    para(doc, "", space_after=4, keep_next=True)


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
