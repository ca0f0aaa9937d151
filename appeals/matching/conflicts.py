"""Contradictions between documents, and the signs that make a case urgent.

A later note that denies what an earlier one asserted wins (and the result says so); treatments
and studies are events, so only a note saying one never happened contradicts it.
"""

from __future__ import annotations

import re

from ..criteria import Library
from ..criteria.schema import Sign
from .facts import DOCUMENT, REQUEST, Facts, Mention


def concept_label(library: Library, concept: str) -> str:
    return library.concepts[concept].concept.label


def resolve_conflicts(facts: Facts, library: Library) -> list[str]:
    """Drop assertions that a later (or equally dated) document denies, and say so.

    The original request is left out: a request that says "no PT" while the chart shows eight
    weeks of it is exactly the omission an appeal cites, not a contradiction.
    """
    warnings: list[str] = []
    for concept, mentions in facts.mentions.items():
        if concept in ("no_improvement", "improved", "clinical_exam"):
            continue
        compiled = library.concepts.get(concept)
        event = compiled and (compiled.concept.therapy or compiled.concept.imaging)
        pos = [m for m in mentions if not m.negated and m.origin != REQUEST]
        # Treatments and studies are events: "no new films today" or "x-rays offered, declined"
        # does not undo last year's; only "no x-rays have ever been done" contradicts it.
        neg = [m for m in mentions if m.negated and m.origin != REQUEST
               and not (event and not _NEVER_DONE.search(m.quote))]
        if not pos or not neg:
            continue
        if {m.doc for m in pos} == {m.doc for m in neg} and len({m.doc for m in pos}) == 1 \
                and pos[0].origin == DOCUMENT:
            continue  # one note saying both (e.g. "no weakness on the right; 4/5 on the left")
        last_pos = max((m.when for m in pos if m.when), default=None)
        last_neg = max((m.when for m in neg if m.when), default=None)
        label = concept_label(library, concept)
        p, n = pos[-1], neg[-1]
        where = (f'"{p.quote}" ({_where(p)}) but "{n.quote}" ({_where(n)})')
        if last_pos and last_neg and last_pos > last_neg:
            continue  # the later note documents it: it developed, or was done, after
        drop = {id(m) for m in pos}
        facts.mentions[concept] = [m for m in mentions if id(m) not in drop]
        facts.courses = [c for c in facts.courses if id(c.mention) not in drop]
        facts.studies = [s for s in facts.studies if id(s.mention) not in drop]
        if last_pos and last_neg and last_neg > last_pos:
            warnings.append(f"The later document does not support {label}: {where}. "
                            "The later statement was used; correct the record if it is wrong.")
        else:
            warnings.append(f"The documents disagree about {label}: {where}. It was not counted; "
                            "reconcile the record before relying on it.")
    return warnings


_NEVER_DONE = re.compile(r"\b(?:never|ever|to date|prior|previous|on file|in the chart|(?:have|has|had) (?:not )?been"
                         r"|were (?:not )?(?:done|taken|obtained)|(?:has|have|had)(?: not|n't)? had|not had|had no"
                         r"|did(?: not|n't) (?:have|get|do|attend))\b", re.I)


def _where(m: Mention) -> str:
    return ", ".join(x for x in (m.source, m.date.isoformat() if m.date else None) if x) or "answers"


def sign_shown(sign: Sign, facts: Facts, age: int | None) -> list[Mention] | None:
    """The mentions that show a sign, or None."""
    hits = [m for c in sign.facts for m in facts.positive(c)]
    if not hits:
        return None
    for c in sign.together_with:
        also = facts.positive(c)
        if not also:
            return None
        hits += also[:1]
    if sign.age_min is not None and (age is None or age < sign.age_min):
        return None
    return hits
