"""Records split into dated notes with their source, and the order read as the original request.

A patient portal's export or a clinic's fax strings notes one after another, each under a heading
that says what it is (an office visit, a PT discharge summary, a radiology report) and usually
its date of service. Each heading starts a note; the heading names its source, and the date on
the heading (or a "Date of service" line right under it) dates it. Lines before the first heading
(the portal's cover: patient name, "Medical records") belong to no note.
"""

from __future__ import annotations

import re

from .model import ExtractedDocument, Line, ReadNote
from .patterns import DATE, first_date

# The kinds of note a record heading names, most specific first.
NOTE_KINDS = [
    r"physical therapy (?:discharge|evaluation|progress|re-?evaluation|daily)(?: summary| note| report)?",
    r"(?:pt|physiotherapy) (?:discharge|evaluation|progress)(?: summary| note)?",
    r"radiology report|imaging report|x-?ray report|(?:mri|ct) report",
    r"telehealth visit|video visit|telemedicine visit",
    r"urgent care visit|emergency department (?:visit|note)|ed note",
    r"follow-?up visit|office visit|clinic (?:visit|note)|progress note|consultation(?: note)?",
    r"nurse (?:note|call)|telephone encounter|phone note",
    r"chiropractic (?:note|visit)|discharge summary|history and physical",
    r"nota de (?:consulta|evoluci[oó]n)|consulta m[eé]dica|informe de radiolog[ií]a",
]
_HEADING = re.compile(rf"^\s*(?P<kind>{'|'.join(NOTE_KINDS)})\b(?P<rest>.*)$", re.I)
_SERVICE_DATE = re.compile(r"^\s*(?:date of service|service date|visit date|date|dos|fecha)\s*[:#]",
                           re.I)
_ORDER_TITLE = re.compile(r"^\s*(?:imaging order|order(?: for imaging)?|requisition|prior "
                          r"authori[sz]ation request|request for (?:prior )?authori[sz]ation|"
                          r"orden(?: de imagen)?|solicitud de autorizaci[oó]n)\b", re.I)
MAX_NOTE_CHARS = 50_000  # the contract's limit on one note


def is_order(document: ExtractedDocument) -> bool:
    return any(_ORDER_TITLE.match(line.text) for line in document.lines[:4])


_INSURANCE_LINE = re.compile(r"^\s*(?:insurance|insurer|health plan|plan)\s*:", re.I)
_STUDY_LINE = re.compile(r"^\s*(?:study|exam|test|procedure|imaging)(?: ordered| requested)?\s*:\s*"
                         r"(?P<rest>.+)$", re.I)


def original_request(document: ExtractedDocument) -> tuple[str, list[Line]]:
    """The order's own words, without its title and its "Study ordered:" line."""
    body = [line for line in document.lines
            if not _ORDER_TITLE.match(line.text) and not _STUDY_LINE.match(line.text)
            and not _INSURANCE_LINE.match(line.text)]
    return _join(body), body


def ordered_study(document: ExtractedDocument) -> tuple[str, str, Line] | None:
    """("study.cpt" or "service", value, line) from the order's "Study ordered:" line, else from
    its words."""
    for line in document.lines:
        match = _STUDY_LINE.match(line.text)
        if match and (found := requested_service(match["rest"], labelled=True)):
            return (*found, line)
    for line in document.lines:
        if (found := requested_service(line.text)):
            return (*found, line)
    return None


def split_notes(document: ExtractedDocument) -> list[ReadNote]:
    notes: list[ReadNote] = []
    current: dict | None = None

    def close() -> None:
        if current and current["lines"]:
            text = _join(current["lines"])[:MAX_NOTE_CHARS]
            if text:
                used = current["lines"] + [current["heading"]]
                notes.append(ReadNote(
                    text=text, date=current["date"], source=current["source"],
                    document=document.name, page=current["heading"].page,
                    confidence=round(min(line.confidence for line in used), 1)))

    for line in document.lines:
        heading = _HEADING.match(line.text)
        if heading and _only_a_date(heading["rest"]):
            close()
            found = first_date(heading["rest"])
            current = {"heading": line, "source": _title(heading["kind"]),
                       "date": found[0].isoformat() if found else None, "lines": []}
            continue
        if current is None:
            continue
        if current["date"] is None and not current["lines"] and _SERVICE_DATE.match(line.text):
            found = first_date(line.text)
            if found:
                current["date"] = found[0].isoformat()
                continue
        current["lines"].append(line)
    close()
    if not notes and document.lines:  # no headings: the whole document is one note
        found = first_date(document.text)
        notes.append(ReadNote(
            text=_join(document.lines)[:MAX_NOTE_CHARS],
            date=found[0].isoformat() if found else None, source="Records",
            document=document.name, page=document.lines[0].page,
            confidence=round(min(line.confidence for line in document.lines), 1)))
    return notes


def _only_a_date(rest: str) -> bool:
    """A heading is the kind and its date alone: "Follow-up visit 2026-10-28: pain persists" is a
    sentence of a note, not the start of another."""
    rest = DATE.sub("", rest)
    return bool(re.fullmatch(r"[\s:|,.;()–—-]*(?:(?:date of service|service date|visit date|dos|"
                             r"date|fecha)[\s:|,.;()–—-]*)?", rest, re.I))


_SERVICE_PHRASE = re.compile(r"\b(?:MRI|MR|CT|CAT scan|magnetic resonance|resonancia|tomograf[ií]a)"
                             r"\b[^.;\n]{3,70}", re.I)
_CPT_IN_TEXT = re.compile(r"\bCPT(?:\s*code)?\s*[:#]?\s*(?P<code>\d{4}[0-9A-Z])\b", re.I)


def requested_service(text: str, labelled: bool = False) -> tuple[str, str] | None:
    """("study.cpt" or "service", value) named by an order's words."""
    cpt = _CPT_IN_TEXT.search(text)
    if cpt:
        return "study.cpt", cpt["code"]
    if labelled:
        return "service", re.sub(r"\s+", " ", text).strip(" ,:")
    phrase = _SERVICE_PHRASE.search(text)
    if phrase:
        words = re.sub(r"\s+(?:is |was |be )?(?:requested|ordered|needed|recommended|to)\b.*$", "",
                       phrase.group(0), flags=re.I)
        return "service", words.strip(" ,:")
    return None


def _title(kind: str) -> str:
    words = re.sub(r"\s+", " ", kind.strip()).split(" ")
    small = {"of", "and", "de"}
    return " ".join(word if word.lower() in small else
                    (word.upper() if word.lower() in {"pt", "ed", "mri", "ct"} else
                     word[:1].upper() + word[1:].lower()) for word in words)


def _join(lines: list[Line]) -> str:
    return re.sub(r"\s+", " ", " ".join(line.text for line in lines)).strip()
