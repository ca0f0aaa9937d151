"""The text of a Word part as an author sees it: paragraphs, and where Word split them into runs.

Word stores a paragraph as runs of text (<w:r><w:t>…</w:t></w:r>); a new run starts wherever
formatting, spell-check or revision marks change, which can fall in the middle of a typed tag.
Here each paragraph keeps its text and the offsets where those pieces start, so a tag can be
located ("body, paragraph 12") and a split tag detected. Pure code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"

# Tags a template may hold, in the paragraph text: {{ expression }}, {% statement %}, {# comment #}.
OPENER = re.compile(r"\{[{%#]")
CLOSER_FOR = {"{{": "}}", "{%": "%}", "{#": "#}"}
STRAY_CLOSER = re.compile(r"\}\}|%\}")
SPACED_DELIMITER = re.compile(r"\{\s+[{%]|[}%]\s+\}")


@dataclass
class Paragraph:
    number: int  # 1-based, in document order within its part (table cells included)
    text: str
    piece_starts: list[int]  # offset in `text` where each run's text begins
    where: str = ""  # "table 1, row 2, cell 3" for a paragraph inside a table

    def pieces_between(self, start: int, end: int) -> int:
        """How many runs the text[start:end] is spread over."""
        inside = [s for s in self.piece_starts if start < s < end]
        return len(set(inside)) + 1


@dataclass
class Tag:
    paragraph: Paragraph
    start: int
    end: int

    @property
    def text(self) -> str:
        return self.paragraph.text[self.start:self.end]

    @property
    def kind(self) -> str:
        return self.text[:2]


@dataclass
class TagScan:
    tags: list[Tag] = field(default_factory=list)
    # (paragraph, offset, code, message)
    issues: list[tuple[Paragraph, int, str, str]] = field(default_factory=list)


def paragraphs(root: Element) -> list[Paragraph]:
    """Every paragraph of a part (body, header, footer…), in reading order."""
    found: list[Paragraph] = []
    _walk(root, "", found)
    return found


def _walk(element: Element, where: str, found: list[Paragraph]) -> None:
    table_number = 0
    for child in element:
        if child.tag == f"{W}p":
            _paragraph(child, where, found)
        elif child.tag == f"{W}tbl":
            table_number += 1
            _table(child, table_number, where, found)
        elif child.tag == f"{MC}Fallback":
            continue  # the same content as mc:Choice, for older readers
        else:
            _walk(child, where, found)


def _table(table: Element, number: int, outer: str, found: list[Paragraph]) -> None:
    prefix = f"{outer}, " if outer else ""
    for row_number, row in enumerate(table.findall(f"{W}tr"), start=1):
        for cell_number, cell in enumerate(row.findall(f"{W}tc"), start=1):
            _walk(cell, f"{prefix}table {number}, row {row_number}, cell {cell_number}", found)


def _paragraph(p: Element, where: str, found: list[Paragraph]) -> None:
    pieces: list[str] = []
    nested: list[Element] = []
    _collect(p, pieces, nested)
    starts, offset = [], 0
    for piece in pieces:
        starts.append(offset)
        offset += len(piece)
    found.append(Paragraph(len(found) + 1, "".join(pieces), starts, where))
    for inner in nested:  # text boxes anchored in this paragraph
        _walk(inner, where, found)


def _collect(element: Element, pieces: list[str], nested: list[Element]) -> None:
    for child in element:
        tag = child.tag
        if tag == f"{W}t":
            pieces.append(child.text or "")
        elif tag == f"{W}tab":
            pieces.append("\t")
        elif tag in (f"{W}br", f"{W}cr"):
            pieces.append(" ")
        elif tag == f"{W}txbxContent":
            nested.append(child)
        elif tag == f"{MC}Fallback":
            continue
        else:
            _collect(child, pieces, nested)


def scan_tags(paragraph: Paragraph) -> TagScan:
    """Find the tags of one paragraph, and tags that are left open or look mistyped."""
    scan = TagScan()
    text = paragraph.text
    position = 0
    while True:
        match = OPENER.search(text, position)
        if not match:
            break
        start = match.start()
        closer = CLOSER_FOR[match.group()]
        end = text.find(closer, start + 2)
        if end < 0:
            scan.issues.append(
                (paragraph, start, "unclosed_tag",
                 f"`{_clip(text[start:], 40)}` is opened with `{match.group()}` but not closed "
                 f"with `{closer}` in the same paragraph; type the whole tag on one line")
            )
            break
        scan.tags.append(Tag(paragraph, start, end + 2))
        position = end + 2
    outside = _outside_tags(text, scan.tags)
    for match in STRAY_CLOSER.finditer(outside):
        scan.issues.append(
            (paragraph, match.start(), "stray_closer",
             f"`{match.group()}` closes a tag that was never opened; it would be printed as is")
        )
    for match in SPACED_DELIMITER.finditer(outside):
        scan.issues.append(
            (paragraph, match.start(), "spaced_delimiter",
             f"`{match.group()}` looks like a tag with a space between its braces; write "
             f"`{{{{` / `{{%` and `}}}}` / `%}}` without spaces")
        )
    return scan


def _outside_tags(text: str, tags: list[Tag]) -> str:
    """The paragraph text with its tags blanked out (same length, so offsets still hold)."""
    chars = list(text)
    for tag in tags:
        for i in range(tag.start, tag.end):
            chars[i] = " "
    return "".join(chars)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def snippet(paragraph: Paragraph, start: int = 0, end: int | None = None, width: int = 30) -> str:
    """A short excerpt of the paragraph around text[start:end], for locating it in Word."""
    text = paragraph.text
    end = len(text) if end is None else end
    left = max(0, start - width)
    right = min(len(text), end + width)
    excerpt = text[left:right].strip()
    return ("…" if left > 0 else "") + excerpt + ("…" if right < len(text) else "")


def all_text(root: Element) -> str:
    """Every text node of an XML part (for parts that are not Word paragraphs, like properties)."""
    return " ".join(t for t in root.itertext() if t)
