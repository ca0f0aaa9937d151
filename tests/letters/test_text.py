"""The letter text a status page and a preview show (appeals/letters/text.py) reads the package's
XML itself, for speed. It must read what python-docx reads: every built-in letter for every example
case, and documents with the parts a hand-made template may have (tables with merged cells,
breaks and tabs, hyperlinks, headers and footers, a first-page header)."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest
from docx import Document
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from appeals.contract import Case
from appeals.letters import LETTER_KINDS, render_letter
from appeals.letters.text import docx_text
from appeals.matching import match_case

from .helpers import python_docx_text

ROOT = Path(__file__).resolve().parents[2]
CASES = sorted((ROOT / "examples/cases").glob("*.json")) + sorted(
    (ROOT / "docs/letters/cases").glob("*.json"))


def _case(path: Path) -> Case:
    raw = json.loads(path.read_text())
    return Case.model_validate(raw.get("case", raw))


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_every_builtin_letter_reads_as_python_docx_reads_it(path):
    case = _case(path)
    result = match_case(case, today=dt.date(2026, 6, 1))
    for kind in LETTER_KINDS:
        data = render_letter(case, result, kind=kind, today=dt.date(2026, 6, 1))
        text = docx_text(data)
        assert text == python_docx_text(data), (path.stem, kind)
        assert len(text) > 500, (path.stem, kind)  # a whole letter, not an empty read


def _hyperlink(paragraph, text: str) -> None:
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), paragraph.part.relate_to(
        "https://example.org", "http://schemas.openxmlformats.org/officeDocument/2006/"
        "relationships/hyperlink", is_external=True))
    run = OxmlElement("w:r")
    node = OxmlElement("w:t")
    node.text = text
    run.append(node)
    link.append(run)
    paragraph._p.append(link)


def test_a_hand_made_document_reads_the_same():
    doc = Document()
    first = doc.add_paragraph("Dear plan,")
    first.add_run("\tafter a tab")
    first.add_run().add_break()  # a line break is a new line
    first.add_run("next line")
    first.add_run().add_break(WD_BREAK.PAGE)  # a page break is no text
    first.add_run("same line")
    _hyperlink(doc.add_paragraph("See "), "the criteria")
    grid = doc.add_table(rows=2, cols=3)
    grid.cell(0, 0).merge(grid.cell(0, 1)).text = "merged across"
    grid.cell(0, 2).text = "right"
    grid.cell(1, 0).text = "a"
    grid.cell(1, 1).add_table(rows=1, cols=2).cell(0, 1).text = "nested"
    doc.add_paragraph("After the table")
    section = doc.sections[0]
    section.different_first_page_header_footer = True
    section.header.paragraphs[0].text = "Every page's header"
    section.first_page_header.paragraphs[0].text = "First page header"
    section.footer.paragraphs[0].text = "Footer"
    second = doc.add_section()
    second.header.is_linked_to_previous = False
    second.header.paragraphs[0].text = "Second section header"
    doc.add_paragraph("In the second section")
    out = io.BytesIO()
    doc.save(out)
    data = out.getvalue()

    text = docx_text(data)
    assert text == python_docx_text(data)
    assert "Dear plan,\tafter a tab\nnext linesame line" in text
    assert "See the criteria" in text
    assert "merged across | right" in text and "nested" in text
    for part in ("Every page's header", "First page header", "Footer", "Second section header"):
        assert text.count(part) == 1, part
