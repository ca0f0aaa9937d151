"""What reading a document yields: lines (with page and confidence), fields and dated notes.

Plain dataclasses that travel as JSON between the child process that parses and the caller.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

# A line or field read with less confidence than this (0-100, Tesseract's scale) is marked for
# the person to check. Text-layer lines are 100: the text is the document's own.
LOW_CONFIDENCE = 80.0


class DocumentRefused(ValueError):
    """A file that is not read: too large, too many pages, encrypted, scripted, unreadable.
    The message names the file and says why, in words a person can act on."""


@dataclass
class Line:
    text: str
    page: int
    confidence: float = 100.0


@dataclass
class ExtractedDocument:
    """The text of one file, line by line, and how it was obtained."""

    name: str
    method: str  # "text layer", "ocr", "text layer + ocr", "docx", "plain text"
    pages: int
    lines: list[Line] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "ExtractedDocument":
        lines = [Line(**line) for line in data.get("lines", [])]
        return cls(name=data["name"], method=data["method"], pages=data["pages"], lines=lines,
                   warnings=list(data.get("warnings", [])))


class _WithConfidence:
    """What was read, with a confidence: marked for checking below LOW_CONFIDENCE."""

    confidence: float

    @property
    def low_confidence(self) -> bool:
        return self.confidence < LOW_CONFIDENCE

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["low_confidence"] = self.low_confidence
        return data


@dataclass
class ReadField(_WithConfidence):
    """One value read from a document, with the text it came from."""

    name: str  # the contract's path: "denial.notice_date", "study.cpt", "plan_type"...
    value: Any
    snippet: str
    document: str
    page: int
    confidence: float = 100.0


@dataclass
class ReadNote(_WithConfidence):
    """One dated note of the records, as the matcher reads a typed note."""

    text: str
    date: str | None
    source: str
    document: str
    page: int
    confidence: float = 100.0
