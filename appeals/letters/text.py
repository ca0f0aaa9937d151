"""Plain text of a .docx, for previews and tests: body paragraphs and tables in document order,
then headers and footers (each distinct part once)."""

from __future__ import annotations

import io

from docx import Document
from docx.table import Table
from docx.text.paragraph import Paragraph


def _block_text(container) -> list[str]:
    lines: list[str] = []
    for block in container.iter_inner_content():
        if isinstance(block, Paragraph):
            lines.append(block.text)
        elif isinstance(block, Table):
            for row in block.rows:
                cells: list[str] = []
                for cell in row.cells:
                    text = "\n".join(_block_text(cell)).strip()
                    if not cells or cells[-1] != text:  # a merged cell repeats; print it once
                        cells.append(text)
                lines.append(" | ".join(cells))
    return lines


def docx_text(data: bytes) -> str:
    """The document's text: one line per paragraph, table rows as ``cell | cell``."""
    document = Document(io.BytesIO(data))
    lines = _block_text(document)
    seen: set[str] = set()
    for section in document.sections:
        for part in (section.header, section.first_page_header, section.footer,
                     section.first_page_footer):
            if part.is_linked_to_previous:
                continue
            name = str(part.part.partname)
            if name in seen:
                continue
            seen.add(name)
            lines.extend(_block_text(part))
    return "\n".join(lines)
