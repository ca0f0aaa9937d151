"""Classify a denial from its letter's wording and its claim adjustment / remark codes.

Codes and phrases live in criteria/vocabulary.yaml. Pure code: no Flask, Celery or database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..contract import Denial, DenialResult
from ..criteria import Library
from ..criteria.folding import fold

# Which category wins when the letter and the codes say several things: the reasons that change
# what to do (correct and resubmit rather than argue the criteria) come first.
_PRECEDENCE = ["no_authorization", "eligibility", "coding", "benefit_exclusion", "other",
               "missing_information", "medical_necessity"]
ADMINISTRATIVE = {"no_authorization", "eligibility", "coding", "benefit_exclusion"}

_CODE = re.compile(r"\b(?:(?P<group>CO|PR|OA|PI|CR)\s*[-: ]?\s*)?(?P<code>[A-Z]{1,2}\d{1,4}|\d{1,3})\b", re.I)


@dataclass
class DenialReading:
    result: DenialResult
    aspect: str | None = None       # laterality / contrast / code, when the letter says which
    code_meaning: str | None = None


def classify(denial: Denial, library: Library) -> DenialReading:
    vocab = library.vocabulary
    found: list[tuple[str, str | None]] = []
    meaning = None
    if denial.code:
        for m in _CODE.finditer(denial.code):
            key = m["code"].upper()
            entry = vocab.denial_codes.get(key) or vocab.denial_codes.get(key.lstrip("0") or "0")
            if entry:
                found.append((entry.category, None))
                meaning = meaning or entry.meaning
    text = fold(denial.text or "")
    for rule, regex in library.denial_phrases:
        if regex.search(text):
            found.append((rule.category, rule.aspect))
    if found:
        category, aspect = min(found, key=lambda f: _PRECEDENCE.index(f[0]))
        aspect = next((a for c, a in found if c == category and a), aspect)
    else:
        category, aspect = "other", None
    return DenialReading(DenialResult(category=category, code=denial.code, text=denial.text),
                         aspect, meaning)
