"""Small builders for test templates."""

from __future__ import annotations

import io

from docx import Document
from docx.table import Table
from docx.text.paragraph import Paragraph


def make_docx(*paragraphs: str, header: str | None = None, table: list[list[str]] | None = None,
              footnote_free: bool = True) -> bytes:
    """A .docx whose body holds ``paragraphs`` (one run each), optionally a header text and a
    table (rows of cell texts)."""
    doc = Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    if table:
        grid = doc.add_table(rows=len(table), cols=len(table[0]))
        for row, cells in zip(grid.rows, table):
            for cell, text in zip(row.cells, cells):
                cell.text = text
    if header is not None:
        doc.sections[0].header.paragraphs[0].text = header
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def split_runs_docx(pieces: list[str]) -> bytes:
    """One paragraph whose text is split over several runs, as Word does mid-tag."""
    doc = Document()
    paragraph = doc.add_paragraph()
    for piece in pieces:
        paragraph.add_run(piece).bold = len(piece) % 2 == 0
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _blocks(container) -> list[str]:
    lines = []
    for block in container.iter_inner_content():
        if isinstance(block, Paragraph):
            lines.append(block.text)
        elif isinstance(block, Table):
            for row in block.rows:
                cells: list[str] = []
                for cell in row.cells:
                    text = "\n".join(_blocks(cell)).strip()
                    if not cells or cells[-1] != text:
                        cells.append(text)
                lines.append(" | ".join(cells))
    return lines


def python_docx_text(data: bytes) -> str:
    """What python-docx reads: the reference the fast reader is held to."""
    document = Document(io.BytesIO(data))
    lines = _blocks(document)
    seen = set()
    for section in document.sections:
        for part in (section.header, section.first_page_header, section.footer,
                     section.first_page_footer):
            if part.is_linked_to_previous or part.part.partname in seen:
                continue
            seen.add(part.part.partname)
            lines.extend(_blocks(part))
    return "\n".join(lines)
