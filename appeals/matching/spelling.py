"""Bounded spelling correction for patients' own words ("physcial therapy", "numbess").

A word is corrected only toward the clinical lexicon (criteria/vocabulary.yaml `spelling`), only
when it is not itself a lexicon word, starts with the same letter, is at least six letters long,
and lies within one edit (two for words of ten letters or more) by optimal string alignment
(rapidfuzz), so "ladder" never becomes "bladder". The corrected copy is used only to find
concepts: every match is mapped back to the original offsets, so a quote is always what was
written.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import OSA

_WORD = re.compile(r"[a-z]{6,}")


@dataclass(frozen=True)
class Corrected:
    """A folded text with misspelt words replaced, and the way back to the original offsets."""

    text: str
    # (start in corrected, end in corrected, start in original, end in original), ascending
    edits: tuple[tuple[int, int, int, int], ...] = ()

    def original(self, pos: int, *, end: bool = False) -> int:
        """The original offset of a corrected one (inside a corrected word: its edge)."""
        if not self.edits:
            return pos
        i = bisect.bisect_right([e[0] for e in self.edits], pos) - 1
        if i < 0:
            return pos
        c_start, c_end, o_start, o_end = self.edits[i]
        if pos < c_end or (end and pos == c_end):
            return o_end if end else o_start
        return pos - c_end + o_end


class Speller:
    def __init__(self, lexicon: list[str]):
        self.lexicon = sorted({w.lower() for w in lexicon})
        self._known = set(self.lexicon)
        self._by_letter: dict[str, list[str]] = {}
        for w in self.lexicon:
            self._by_letter.setdefault(w[0], []).append(w)
        self._memo: dict[str, str | None] = {}

    def _fix(self, word: str) -> str | None:
        if word in self._known:
            return None
        if word in self._memo:
            return self._memo[word]
        choices = self._by_letter.get(word[0], ())
        limit = 2 if len(word) >= 10 else 1
        found = process.extractOne(word, choices, scorer=OSA.distance, score_cutoff=limit) if choices else None
        fix = None
        if found and found[1] > 0:
            candidate = found[0]
            # An inflection ("shoulders", "exercise" beside "exercises") is not a misspelling.
            if not (word.startswith(candidate) or candidate.startswith(word)):
                fix = candidate
        if len(self._memo) < 50_000:  # bounded: a worker reads many notes
            self._memo[word] = fix
        return fix

    def correct(self, folded: str) -> Corrected:
        parts, edits, last, shift = [], [], 0, 0
        for m in _WORD.finditer(folded):
            fix = self._fix(m.group())
            if fix is None:
                continue
            parts.append(folded[last:m.start()])
            c_start = m.start() + shift
            parts.append(fix)
            edits.append((c_start, c_start + len(fix), m.start(), m.end()))
            shift += len(fix) - (m.end() - m.start())
            last = m.end()
        if not edits:
            return Corrected(folded)
        parts.append(folded[last:])
        return Corrected("".join(parts), tuple(edits))
