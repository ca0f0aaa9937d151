"""Small builders for test templates."""

from __future__ import annotations

import io

from docx import Document


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
