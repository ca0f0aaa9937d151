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

from .reasons import complete_quote, distinct_quotes, met_items
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
    "prior_imaging": "the clinician who orders the X-ray, and the imaging center for its report",
    "clinical_finding": "your treating clinician (the visit note, exam or test result that records "
                        "the finding)",
}


# The study a prior-imaging requirement names, in the words of its text (an ultrasound is not an X-ray).
_STUDY_WORDS = re.compile(r"\b(ultrasound|x-?rays?|radiographs?|CT|MRI|stress test|"
                          r"treadmill (?:ECG|EKG|test)|exercise (?:ECG|EKG)|"
                          r"home sleep (?:apnea )?test|mammogram)\b", re.I)
# A course of treatment a physical therapist or chiropractor gives; other courses (a nasal spray,
# antibiotics) come from the prescribing clinician alone.
_THERAPIST_WORDS = re.compile(r"physical therap|chiropract|manipulation|provider-directed|conservative",
                              re.I)


def obtain_from(requirement: RequirementResult) -> str:
    """Who can provide what an unmet requirement needs, in the requirement's own terms."""
    text = requirement.text or ""
    if requirement.kind == "prior_imaging":
        study = _STUDY_WORDS.search(text)
        if study and not study.group(1).lower().startswith(("x", "radio")):
            word = study.group(1)
            if word[1:2].islower():  # "Ultrasound" → "ultrasound"; "CT", "treadmill ECG" kept
                word = word[0].lower() + word[1:]
            imaging = word.upper() in ("CT", "MRI") or word.lower() in ("ultrasound", "mammogram")
            where = "imaging center" if imaging else "center that does it"
            return f"the clinician who orders the {word}, and the {where} for its report"
    if requirement.kind == "conservative_care" and not _THERAPIST_WORDS.search(text):
        return ("the clinician who prescribed the treatment (the visit notes or prescriptions with "
                "dates, and how you responded)")
    return OBTAIN_FROM.get(requirement.kind, "your treating clinician")


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


MAX_QUOTES = 2  # per requirement in the crosswalk
ANSWERS_SOURCE = "answers"  # the matcher's source for facts taken from the web form's answers
REQUEST_SOURCE = "original request"


class Supplied:
    """What the case itself contains, to check every quote against before a letter cites it."""

    def __init__(self, case: Case):
        texts = [d.text for d in case.documentation]
        if case.original_request:
            texts.append(case.original_request)
        self.raw = texts
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


def _question_texts(case: Case) -> dict[str, set[str]]:
    if not case.answers:
        return {}
    from appeals.criteria import load_library  # the question texts live with the criteria

    texts: dict[str, set[str]] = {}
    for service in load_library().services:
        for question in service.questions:
            texts.setdefault(question.id, set()).add(question.text)
    return texts


def question_texts(case: Case) -> dict[str, str]:
    """Each answered question's text (the first the library has under that id)."""
    return {qid: sorted(texts)[0] for qid, texts in _question_texts(case).items()}


def _answer_quotes(case: Case) -> list[str]:
    texts = _question_texts(case)
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
                      enclosures: Enclosures, statements: bool = True,
                      first_person: bool = True) -> list[EvidenceContext]:
    """The evidence a letter cites for one requirement: supplied, each quote once (one inside
    another is dropped), never stopping on an abbreviation. The patient's form answers are
    their statement (``is_statement``), left out where ``statements`` is false (the clinician's
    letter) and kept only when no record meets the requirement."""
    cited = [e for e in requirement.evidence if supplied.has(e)]  # never cite what was not given
    records = [e for e in cited if (e.source or "").casefold() != ANSWERS_SOURCE]
    if records or not statements:
        cited = records
    cited = [cited[i] for i in distinct_quotes([e.quote for e in cited])]
    # Two quotes make the point; more repeat it. What the original request showed leads where
    # the requirement was met there; elsewhere the records the request left out lead.
    in_request_first = requirement.status == "met_in_request"
    cited = sorted(cited, key=lambda e: ((e.source or "").casefold() == REQUEST_SOURCE)
                   != in_request_first)
    cited = cited[:MAX_QUOTES]
    out = []
    for evidence in cited:
        in_request = requirement.status == "met_in_request"
        given = (evidence.source or "").casefold()
        source = evidence.source or (REQUEST_SOURCE if in_request else "records supplied")
        if given == REQUEST_SOURCE or (in_request and not evidence.source):
            source, enclosure = REQUEST_SOURCE, "in the original request"
        elif given == ANSWERS_SOURCE:
            # The patient's own answer: their statement, in this letter; nothing is enclosed.
            source = ("my answer on the appeal form" if first_person
                      else "the patient's answer on the appeal form")
            enclosure = "stated in this letter"
        else:
            enclosure = f"Enclosure {enclosures.add(source, evidence.date)}"
        out.append(EvidenceContext(
            quote=complete_quote(evidence.quote, supplied.raw),
            date=format_date(evidence.date) or "undated",
            date_iso=iso_date(evidence.date), source=source, enclosure=enclosure,
            in_original_request=in_request, is_statement=given == ANSWERS_SOURCE))
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
        met_items="; ".join(met_items(requirement.text, [e.quote for e in evidence])),
        needed=(requirement.needed or requirement.text) if unmet else "",
        obtain_from=obtain_from(requirement) if unmet else "",
    )
