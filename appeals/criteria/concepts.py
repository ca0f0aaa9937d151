"""The vocabulary's concepts compiled once: one regex for all of a concept's patterns, its folded
and case-sensitive halves, and the literal words one of which any match must contain (a cheap
substring test before the regex scan). Pure code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .folding import compile_folded
from .schema import Concept


@dataclass(frozen=True)
class CompiledConcept:
    id: str
    concept: Concept
    regex: re.Pattern
    # Lower-case words one of which must appear for the regex to match (None: always try it).
    # A substring test is far cheaper than a regex scan, and most concepts are absent from a note.
    literals: tuple[str, ...] | None = None
    folded: re.Pattern | None = None   # the case-insensitive patterns, for folded text
    cased: re.Pattern | None = None    # patterns with a case-sensitive part, for the original

    def search(self, text: str, folded_text: str) -> bool:
        return bool((self.folded and self.folded.search(folded_text))
                    or (self.cased and self.cased.search(text)))

    def finditer(self, text: str, folded_text: str):
        """Matches in document order (offsets are the same in the text and its folded copy)."""
        found = list(self.folded.finditer(folded_text)) if self.folded else []
        if self.cased:
            found += self.cased.finditer(text)
            found.sort(key=lambda m: m.start())
        return found


def compile_concept(cid: str, concept: Concept) -> CompiledConcept:
    plain = [p for p in concept.patterns if "(?-i:" not in p]
    cased = [p for p in concept.patterns if "(?-i:" in p]
    return CompiledConcept(
        cid, concept,
        re.compile("|".join(f"(?:{p})" for p in concept.patterns), re.I),
        required_literals(concept.patterns),
        compile_folded("|".join(f"(?:{p})" for p in plain)) if plain else None,
        re.compile("|".join(f"(?:{p})" for p in cased), re.I) if cased else None,
    )


try:  # the standard library's own regex parser, used only to find required literal text
    from re import _constants as _sre_c, _parser as _sre_parse  # Python 3.11+
except ImportError:  # pragma: no cover - older layouts
    _sre_c = _sre_parse = None


def _literal_run(items) -> str:
    """The longest run of literal characters that every match of this sequence contains."""
    best = cur = ""
    for op, av in items:
        if op is _sre_c.LITERAL:
            cur += chr(av).lower()
            continue
        if op is _sre_c.AT:
            continue  # \b and friends are zero-width: the run goes on
        if op is _sre_c.SUBPATTERN and not any(o is _sre_c.BRANCH for o, _ in av[-1]):
            inner = _literal_run(list(av[-1]))
            best, cur = max(best, cur, inner, key=len), ""
            continue
        best, cur = max(best, cur, key=len), ""
    return max(best, cur, key=len)


def _alternatives(items) -> list[str] | None:
    """Literal texts one of which every match of this sequence contains, or None."""
    if len(items) == 1 and items[0][0] is _sre_c.BRANCH:
        out: list[str] = []
        for branch in items[0][1][1]:
            found = _alternatives(list(branch))
            if found is None:
                return None
            out += found
        return out
    options: list[list[str]] = []
    run = _literal_run(items).strip()
    if len(run) >= 2:
        options.append([run])
    for op, av in items:  # a required group of alternatives: "(?:positive|+) SLR"
        found = None
        if op is _sre_c.SUBPATTERN:
            found = _alternatives(list(av[-1]))
        elif op is _sre_c.BRANCH:
            found = _alternatives([(op, av)])
        if found:
            options.append(found)
    if not options:
        return None
    return max(options, key=lambda words: min(len(w) for w in words))


def required_literals(patterns: list[str]) -> tuple[str, ...] | None:
    """For a concept's patterns: literal texts, one of which any match contains; else None."""
    if _sre_parse is None:
        return None
    out: list[str] = []
    for pattern in patterns:
        try:
            found = _alternatives(list(_sre_parse.parse(pattern, re.I)))
        except Exception:  # noqa: BLE001 - an unusual pattern simply gets no shortcut
            return None
        if found is None:
            return None
        out += found
    return tuple(dict.fromkeys(out))
