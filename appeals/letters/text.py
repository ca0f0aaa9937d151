"""Plain text of a .docx, for previews and tests: body paragraphs and tables in document order,
then headers and footers (each distinct part once).

Read straight from the package's XML: a status page shows a letter's text on every view, and
opening the whole document with python-docx costs ten times the parse. The text is the same as
python-docx gives (tests/letters/test_text.py compares them)."""

from __future__ import annotations

import io
import posixpath
import zipfile

from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PACKAGE_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
OFFICE_DOCUMENT = ("http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
                   "officeDocument")
# Header and footer kinds a letter shows: every page's and the first page's (not even pages).
SHOWN_KINDS = ("default", "first")
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


def _run_text(run) -> str:
    parts = []
    for child in run:
        tag = child.tag
        if tag == W + "t":
            parts.append(child.text or "")
        elif tag in (W + "tab", W + "ptab"):
            parts.append("\t")
        elif tag == W + "cr" or (tag == W + "br" and child.get(W + "type", "textWrapping")
                                  == "textWrapping"):
            parts.append("\n")  # a page or column break is no text
        elif tag == W + "noBreakHyphen":
            parts.append("-")
    return "".join(parts)


def _paragraph_text(paragraph) -> str:
    """Runs directly in the paragraph and in its hyperlinks, as Word shows them."""
    return "".join(_run_text(run) for child in paragraph
                   for run in ((child,) if child.tag == W + "r" else
                               child.iterchildren(W + "r") if child.tag == W + "hyperlink" else ()))


def _block_text(container) -> list[str]:
    lines: list[str] = []
    for block in container:
        if block.tag == W + "p":
            lines.append(_paragraph_text(block))
        elif block.tag == W + "tbl":
            for row in block.iterchildren(W + "tr"):
                cells: list[str] = []
                for cell in row.iterchildren(W + "tc"):
                    text = "\n".join(_block_text(cell)).strip()
                    if not cells or cells[-1] != text:  # a merged cell repeats; print it once
                        cells.append(text)
                lines.append(" | ".join(cells))
    return lines


def _relations(package: zipfile.ZipFile, part: str) -> dict[str, str]:
    """Relationship id -> the member it points to, for ``part``."""
    folder, name = posixpath.split(part)
    try:
        xml = etree.fromstring(package.read(posixpath.join(folder, "_rels", name + ".rels")),
                               _PARSER)
    except KeyError:
        return {}
    return {rel.get("Id"): posixpath.normpath(posixpath.join(folder, rel.get("Target", "")))
            for rel in xml.iterchildren(PACKAGE_RELS + "Relationship")
            if rel.get("TargetMode") != "External"}


def _main_part(package: zipfile.ZipFile) -> str:
    root = etree.fromstring(package.read("_rels/.rels"), _PARSER)
    for rel in root.iterchildren(PACKAGE_RELS + "Relationship"):
        if rel.get("Type") == OFFICE_DOCUMENT:
            return rel.get("Target", "").lstrip("/")
    return "word/document.xml"


def docx_text(data: bytes) -> str:
    """The document's text: one line per paragraph, table rows as ``cell | cell``."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        main = _main_part(package)
        body = etree.fromstring(package.read(main), _PARSER).find(W + "body")
        lines = _block_text(body)
        relations = _relations(package, main)
        seen: set[str] = set()
        for section in body.iter(W + "sectPr"):
            references = {(ref.tag, ref.get(W + "type", "default")): ref.get(R + "id")
                          for ref in section
                          if ref.tag in (W + "headerReference", W + "footerReference")}
            for tag in (W + "headerReference", W + "footerReference"):
                for kind in SHOWN_KINDS:
                    member = relations.get(references.get((tag, kind)))
                    if member is None or member in seen:
                        continue
                    seen.add(member)
                    lines.extend(_block_text(etree.fromstring(package.read(member), _PARSER)))
    return "\n".join(lines)
