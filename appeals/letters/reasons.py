"""Reading the records the way the letter quotes them: sentences, a quote that stops on an
abbreviation, which items of an "any of" requirement the evidence meets, and, outside the
library, the denial's own stated reasons answered one by one. Pure code.
"""

from __future__ import annotations

import re

from appeals.contract import Case, Document

# --- sentences and quotes ----------------------------------------------------------------------
ABBREVIATIONS = {"dr", "mr", "mrs", "ms", "vs", "approx", "appt", "e.g", "i.e", "st", "no",
                 "w", "w/", "b/l", "hx", "sx", "dx", "pt", "f/u", "s/p", "c/o", "r/o", "etc"}
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+(?=[A-Z0-9\"\u201c(])")
_FULL_STOP = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"\u201c(])")


def sentences(text: str, clauses: bool = True) -> list[str]:
    """Split ``text`` into sentences (and at ";" when ``clauses``), never after an
    abbreviation ("Dr.", "approx.")."""
    parts = (_SENTENCE_END if clauses else _FULL_STOP).split(text.strip())
    out: list[str] = []
    for part in parts:
        if out and ends_on_abbreviation(out[-1]):
            out[-1] = f"{out[-1]} {part}"
        else:
            out.append(part)
    return [p.strip() for p in out if p.strip()]


def ends_on_abbreviation(quote: str) -> bool:
    words = quote.rstrip().rstrip(",:").split()
    if not words:
        return False
    last = words[-1].casefold().rstrip(".")
    return last in ABBREVIATIONS or quote.rstrip().endswith("/")


def complete_quote(quote: str, texts: list[str]) -> str:
    """A quote that stops on an abbreviation is carried on to the end of its sentence in the
    record it came from (so the letter never quotes "... seen by Dr.")."""
    if not ends_on_abbreviation(quote):
        return quote
    for text in texts:
        start = text.find(quote)
        if start < 0:
            continue
        for sentence in sentences(text[start:]):
            return sentence
    return quote


def distinct_quotes(quotes: list[str]) -> list[int]:
    """Indexes of the quotes to keep: one that repeats, or sits inside another, is dropped."""
    keep: list[int] = []
    folded = [q.casefold().strip(" .") for q in quotes]
    for i, q in enumerate(folded):
        if any(q == folded[j] or q in folded[j] for j in keep):
            continue
        if any(q != other and q in other for k, other in enumerate(folded) if k > i):
            continue
        keep.append(i)
    return keep


# --- words -------------------------------------------------------------------------------------
_STOP = {"the", "a", "an", "of", "or", "and", "to", "in", "on", "for", "with", "by", "any",
         "that", "this", "was", "were", "not", "no", "do", "does", "did", "is", "are", "be",
         "requiring", "require", "requires", "documented", "document", "documentation", "show",
         "shows", "patient", "unexplained"}
# Words a reason uses that records write differently (a record says "SLR", "ALT 182").
_ALSO = {
    "straight": ["slr"], "raise": ["slr"], "sensory": ["sensation", "numb"],
    "weakness": ["weak", "4/5", "3/5"], "reflex": ["reflex", "hyporeflex", "areflex"],
    "thunderclap": ["sudden", "maximal intensity", "worst headache"],
    "sentinel": ["sudden"], "lab": ["alt", "ast", "lipase", "wbc", "cbc", "bilirubin",
                                    "creatinine", "hemoglobin", "u/l", "mg/dl", "labs"],
    "abnormalities": ["elevated", "abnormal", "times the upper", "high", "low"],
    "abnormality": ["elevated", "abnormal", "high", "low"],
    "failed": ["nondiagnostic", "inconclusive", "non-diagnostic", "did not", "limited"],
    "initial": ["ultrasound", "x-ray", "first"], "evaluation": ["ultrasound", "exam", "workup"],
}


def _stems(text: str) -> set[str]:
    return {w[:5] for w in re.findall(r"[a-z0-9/]+", text.casefold())
            if w not in _STOP and len(w) >= 3}


def mentions(item: str, text: str) -> int:
    """How many of ``item``'s words ``text`` carries (a word's spellings in records count)."""
    folded = text.casefold()
    words = [w for w in re.findall(r"[a-z0-9/-]+", item.casefold())
             if w not in _STOP and len(w) >= 3]
    stems = _stems(text)
    score = 0
    for word in words:
        if word[:5] in stems or any(alt in folded for alt in _ALSO.get(word, ())):
            score += 1
    return score


def _items(listing: str) -> list[str]:
    listing = re.sub(r",?\s+(?:or|and)\s+(?=[^,]*$)", ", ", listing.strip().rstrip("."))
    return [i.strip() for i in listing.split(",") if i.strip()]


def any_of_items(requirement_text: str) -> list[str]:
    """The items of "Any of - a, b, or c" or "An objective sign - a, b or c"; [] otherwise."""
    head, dash, listing = requirement_text.partition(" - ")
    if not dash:
        return []
    items = _items(listing)
    return items if len(items) >= 2 else []


def _words(text: str) -> list[str]:
    return [w for w in re.findall(r"[a-z0-9/-]+", text.casefold())
            if w not in _STOP and len(w) >= 3]


def met_items(requirement_text: str, quotes: list[str]) -> list[str]:
    """Which of the requirement's listed items the quoted evidence meets: an item counts when
    the quotes carry at least half of its own words (a word several items share, "headache",
    says nothing about which one is met)."""
    items = any_of_items(requirement_text)
    joined = " ".join(quotes)
    counts: dict[str, int] = {}
    for item in items:
        for word in set(_words(item)):
            counts[word] = counts.get(word, 0) + 1
    met = []
    for item in items:
        own = [w for w in _words(item) if counts[w] == 1]
        if own and mentions(" ".join(own), joined) * 2 >= len(own):
            met.append(item)
    return met


# --- outside the library: the denial's own reasons ---------------------------------------------
_REASON_CLAUSE = re.compile(
    r"(?:do(?:es)?\s+not|did\s+not|fail(?:s|ed)?\s+to)\s+(?:document|show|demonstrate|"
    r"include|indicate|support)\s+(?P<a>[^.;]+)|no\s+documentation\s+of\s+(?P<b>[^.;]+)|"
    r"(?P<c>[^.;]+?)\s+(?:was|were|is|are)\s+not\s+documented", re.I)


def denial_reasons(text: str | None) -> list[str]:
    """The things the denial says the records lack: "do not document lab abnormalities, a
    failed initial evaluation, or findings requiring CT" → three reasons."""
    out: list[str] = []
    for match in _REASON_CLAUSE.finditer(text or ""):
        listing = match.group("a") or match.group("b") or match.group("c")
        for item in _items(listing):
            item = re.sub(r"^(?:any|a|an|the)\s+", "", item, flags=re.I).strip()
            if item and item.casefold() not in (o.casefold() for o in out):
                out.append(item)
    return out[:8]


def _is_patient_message(document: Document, sentence: str) -> bool:
    source = (document.source or "").casefold()
    return sentence.rstrip().endswith("?") or any(
        w in source for w in ("portal", "message", "patient question", "email"))


def answer_reason(reason: str, case: Case) -> tuple[str, Document] | None:
    """The record sentence that best answers ``reason`` (a patient's own message or question
    never counts), or None."""
    best: tuple[int, str, Document] | None = None
    wanted = max(1, len([w for w in re.findall(r"[a-z0-9/-]+", reason.casefold())
                         if w not in _STOP and len(w) >= 3]) // 2)
    for document in case.documentation:
        for sentence in sentences(document.text):
            if _is_patient_message(document, sentence):
                continue
            score = mentions(reason, sentence)
            if score >= wanted and (best is None or score > best[0]):
                best = (score, sentence, document)
    return (best[1], best[2]) if best else None
