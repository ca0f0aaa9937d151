"""manifest.csv: one line per spreadsheet row telling where its case stands.

Pure code: no Flask, Celery or database imports. Cells are neutralized so that a spreadsheet
program never runs them as formulas (OWASP "CSV injection"): a cell that starts with = + - @,
a tab or a carriage return gets a leading single quote, and every cell is quoted.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from typing import Any, Iterable, Iterator

from ..contract import MatchResult

MANIFEST_COLUMNS = (
    "row", "status", "patient", "service", "outcome", "urgency", "omitted_requirements",
    "unmet_requirements", "deadline", "letter_file", "error", "warnings", "deadline_passed",
)
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
LIST_SEPARATOR = "; "


def neutralize(value: Any) -> str:
    """The cell as text that no spreadsheet evaluates."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


@dataclass
class ManifestEntry:
    """What the manifest says about one row. ``status`` is done, failed, pending, invalid or
    deleted (its appeal was deleted since)."""

    row: int
    status: str
    patient: str = ""
    service: str = ""
    result: MatchResult | dict | None = None
    letter_file: str = ""
    error: str = ""


def _requirements(result: MatchResult, status: str) -> str:
    texts = []
    for requirement in result.requirements:
        if requirement.status == status:
            text = requirement.text
            if status == "unmet" and requirement.needed:
                text = f"{requirement.text} (needed: {requirement.needed})"
            texts.append(text)
    return LIST_SEPARATOR.join(texts)


def manifest_cells(entry: ManifestEntry, today: dt.date | None = None) -> list[Any]:
    """The row's cells. ``deadline_passed`` is judged on ``today`` (the day the file is made):
    yes, no, or empty where there is no deadline."""
    result = entry.result
    if isinstance(result, dict):
        result = MatchResult.model_validate(result)
    passed = warnings = ""
    if result is None:
        outcome = urgency = omitted = unmet = deadline = ""
        service = entry.service
    else:
        outcome, urgency = result.outcome, result.urgency
        omitted = _requirements(result, "omitted")
        unmet = _requirements(result, "unmet")
        deadline = result.deadline.date.isoformat() if result.deadline else ""
        service = result.service.name or entry.service
        warnings = LIST_SEPARATOR.join(result.warnings)
        if result.deadline:
            passed = "yes" if result.deadline.date < (today or dt.date.today()) else "no"
    return [entry.row, entry.status, entry.patient, service, outcome, urgency, omitted, unmet,
            deadline, entry.letter_file, entry.error, warnings, passed]


def iter_manifest(entries: Iterable[ManifestEntry],
                  today: dt.date | None = None) -> Iterator[bytes]:
    """manifest.csv as UTF-8 with a BOM (so Excel reads accents right), line by line."""
    today = today or dt.date.today()
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\r\n")

    def take() -> bytes:
        data = buffer.getvalue().encode("utf-8")
        buffer.seek(0)
        buffer.truncate()
        return data

    writer.writerow(MANIFEST_COLUMNS)
    yield b"\xef\xbb\xbf" + take()
    for entry in entries:
        writer.writerow([neutralize(c) for c in manifest_cells(entry, today)])
        yield take()


def build_manifest(entries: Iterable[ManifestEntry], today: dt.date | None = None) -> bytes:
    return b"".join(iter_manifest(entries, today))
