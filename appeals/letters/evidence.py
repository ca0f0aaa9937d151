"""The evidence a letter may cite and the enclosures it lists.

Evidence is cited only when it was supplied: each quote must be found in the case's own text
(documentation, original request, structured answers); anything else is dropped. Cited source
documents are numbered as enclosures after the denial notice. Pure code.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Iterable

from appeals.contract import Case, Evidence, RequirementResult

from .schema import EnclosureContext, EvidenceContext, RequirementContext

# --- requirements ------------------------------------------------------------------------------
KIND_WORDS = {
    "red_flag": "red flag (waives the waiting period)",
    "conservative_care": "conservative treatment",
    "follow_up": "re-evaluation after treatment",
    "prior_imaging": "earlier imaging or test",
    "clinical_finding": "clinical finding",
}
STATUS_WORDS = {
    "met_in_request": "met, and shown in the original request",
    "omitted": "met, but left out of the original request",
    "unmet": "not met yet",
}
OBTAIN_FROM = {
    "red_flag": "your treating clinician (an exam that documents the finding)",
    "conservative_care": "the clinician who directed the treatment, or your physical "
                         "therapist or chiropractor (their visit notes with dates)",
    "follow_up": "your treating clinician (a follow-up visit or documented contact after the "
                 "treatment, saying how you responded)",
    "prior_imaging": "the clinician who orders the earlier test the criteria name (an X-ray, a treadmill "
                     "ECG, a home sleep test, a mammogram), and the center that does it for its report",
    "clinical_finding": "your treating clinician (an exam that records the finding)",
}


def format_date(value: dt.date | None) -> str:
    """"March 4, 2026" (no leading zero, no locale dependence)."""
    if value is None:
        return ""
    return f"{value:%B} {value.day}, {value.year}"


def iso_date(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


_SPACES = re.compile(r"\s+")


def _normal(text: str) -> str:
    return _SPACES.sub(" ", text).strip().casefold()


ANSWERS_SOURCE = "answers"  # the matcher's source for facts taken from the web form's answers
REQUEST_SOURCE = "original request"


class Supplied:
    """What the case itself contains, to check every quote against before a letter cites it."""

    def __init__(self, case: Case):
        texts = [d.text for d in case.documentation]
        if case.original_request:
            texts.append(case.original_request)
        self.texts = [_normal(t) for t in texts]
        # The matcher quotes an answer as "<question text> <answer>" (yes/no for booleans): the
        # quotes the case's answers can produce, from the criteria library's question texts.
        self.answer_quotes = {_normal(q) for q in _answer_quotes(case)}

    def has(self, evidence: Evidence) -> bool:
        quote = _normal(evidence.quote)
        if not quote:
            return False
        if (evidence.source or "").casefold() == ANSWERS_SOURCE:
            return quote in self.answer_quotes
        return any(quote in text for text in self.texts)


def _answer_quotes(case: Case) -> list[str]:
    if not case.answers:
        return []
    from appeals.criteria import load_library  # the question texts live with the criteria

    texts: dict[str, set[str]] = {}
    for service in load_library().services:
        for question in service.questions:
            texts.setdefault(question.id, set()).add(question.text)
    quotes = []
    for qid, value in case.answers.items():
        if value is None or value == "" or value == []:
            continue
        shown = ("yes" if value else "no") if isinstance(value, bool) else value
        quotes.extend(f"{text} {shown}" for text in texts.get(qid, ()))
    return quotes


class Enclosures:
    """Numbers the enclosures: the denial notice first, then each source document cited."""

    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []
        self._by_title: dict[str, dict[str, Any]] = {}

    def add(self, title: str, date: dt.date | None = None) -> int:
        key = title.casefold()
        item = self._by_title.get(key)
        if item is None:
            item = {"number": len(self.items) + 1, "title": title, "dates": set()}
            self.items.append(item)
            self._by_title[key] = item
        if date:
            item["dates"].add(date)
        return item["number"]

    def contexts(self) -> list[EnclosureContext]:
        out = []
        for item in self.items:
            dates = sorted(item["dates"])
            if not dates:
                detail = ""
            elif len(dates) == 1:
                detail = f"dated {format_date(dates[0])}"
            else:
                detail = f"dated {format_date(dates[0])} to {format_date(dates[-1])}"
            out.append(EnclosureContext(number=item["number"], title=item["title"],
                                        detail=item.get("detail") or detail))
        return out


def _numbers_phrase(numbers: Iterable[int]) -> str:
    ordered = sorted(set(numbers))
    if not ordered:
        return ""
    if len(ordered) == 1:
        return f"Enclosure {ordered[0]}"
    return "Enclosures " + ", ".join(map(str, ordered[:-1])) + f" and {ordered[-1]}"


def evidence_contexts(requirement: RequirementResult, supplied: Supplied,
                      enclosures: Enclosures) -> list[EvidenceContext]:
    out = []
    for evidence in requirement.evidence:
        if not supplied.has(evidence):
            continue  # never cite what the case does not contain
        in_request = requirement.status == "met_in_request"
        given = (evidence.source or "").casefold()
        source = evidence.source or (REQUEST_SOURCE if in_request else "records supplied")
        if given == REQUEST_SOURCE or (in_request and not evidence.source):
            source, enclosure = REQUEST_SOURCE, "in the original request"
        elif given == ANSWERS_SOURCE:
            # The patient's own answers: stated, but no record is enclosed for them.
            source, enclosure = "the patient's answers", "not enclosed (patient's statement)"
        else:
            enclosure = f"Enclosure {enclosures.add(source, evidence.date)}"
        out.append(EvidenceContext(
            quote=evidence.quote, date=format_date(evidence.date) or "undated",
            date_iso=iso_date(evidence.date), source=source, enclosure=enclosure,
            in_original_request=in_request))
    return out


def requirement_context(number: int, requirement: RequirementResult,
                        evidence: list[EvidenceContext]) -> RequirementContext:
    unmet = requirement.status == "unmet" or not evidence
    status = "unmet" if unmet else requirement.status
    numbers = [int(e.enclosure.split()[-1]) for e in evidence if e.enclosure.startswith("Encl")]
    others = sorted({e.enclosure for e in evidence if not e.enclosure.startswith("Encl")})
    enclosed = "; ".join(([_numbers_phrase(numbers)] if numbers else []) + others)
    return RequirementContext(
        number=number, id=requirement.id, kind=requirement.kind,
        kind_label=KIND_WORDS.get(requirement.kind, requirement.kind), text=requirement.text,
        status=status, status_label=STATUS_WORDS[status], evidence=evidence,
        evidence_text="; ".join(f"\u201c{e.quote}\u201d ({e.source}, {e.date})" for e in evidence),
        enclosed_in=enclosed,
        needed=(requirement.needed or requirement.text) if unmet else "",
        obtain_from=OBTAIN_FROM.get(requirement.kind, "your treating clinician") if unmet else "",
    )
