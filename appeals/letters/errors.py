"""The one error a letter template can raise."""

from __future__ import annotations


class TemplateError(ValueError):
    """A letter template that cannot be used: it does not parse, uses an undefined variable,
    tries something the sandbox forbids, or renders a document that is not valid.

    ``part`` is the package part (``word/document.xml``, ``word/header1.xml``), ``paragraph`` the
    1-based paragraph number within that part (table-cell paragraphs count), ``snippet`` the text
    of that paragraph as the author typed it. Any of them may be None when unknown.
    """

    def __init__(self, message: str, *, part: str | None = None, paragraph: int | None = None,
                 snippet: str | None = None):
        self.message = message
        self.part = part
        self.paragraph = paragraph
        self.snippet = snippet
        super().__init__(self._describe())

    @property
    def location(self) -> str:
        where = []
        if self.part:
            where.append(self.part)
        if self.paragraph:
            where.append(f"paragraph {self.paragraph}")
        text = ", ".join(where)
        if self.snippet:
            text += f' ("{self.snippet}")'
        return text.strip()

    def _describe(self) -> str:
        return f"{self.location}: {self.message}" if self.location else self.message
