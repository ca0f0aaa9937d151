"""The :class:`Library`: all services and the shared vocabulary with patterns compiled once, and
the lookups on them (by id, CPT code, plain name or a search box's words). Pure code.
"""

from __future__ import annotations

import re

from .anatomy import body_parts_in
from .concepts import compile_concept
from .folding import compile_folded
from .schema import Question, Service, Vocabulary


def _normalize(text: str) -> str:
    """Lower-case words of a service name: 'MRI L-spine w/o contrast' -> 'mri l spine without…'."""
    text = text.lower()
    text = re.sub(r"\bw/o\b|\bwo\b", " without ", text)
    text = re.sub(r"\bw/(?=\s|$)|\bw/(?=[a-z])", " with ", text)
    text = re.sub(r"[^a-z0-9+]+", " ", text)
    return " ".join(text.split())


_CONTRAST_WORDS = re.compile(r"\b(?:with(?:out)?|contrast|and|or|plus|\+|of|the|scan|imaging)\b")

# Words that say only how and where ("CT of the head"), and words that name why ("for headache").
_GENERIC_NAME_WORDS = {"ct", "cat", "mri", "mr", "scan", "of", "the", "a", "an", "without", "with", "w", "o"}
_INDICATION_WORDS = {"headache", "headaches", "trauma", "injury", "fall"}

# The words that name each modality (a PET/CT names CT too, so CT is among PET's own words).
_MODALITY_WORDS = {
    "mri": (" mri ", " mr ", " magnetic "),
    "ct": (" ct ", " cat ", " computed "),
    "pet": (" pet ", " positron ", " ct "),
    "nuclear": (" spect ", " nuclear ", " mpi ", " perfusion "),
    "echo": (" echo ", " echocardiogram ", " echocardiography "),
    "sleep_study": (" polysomnography ", " polysomnogram ", " psg ", " sleep study "),
}


def _region_words(service: Service) -> set[str]:
    return {w for r in service.region for w in _normalize(r).split()}


class Library:
    """All services and the shared vocabulary, with patterns compiled once."""

    def __init__(self, services: list[Service], vocabulary: Vocabulary):
        self.services = services
        self.vocabulary = vocabulary
        self._by_id = {s.id: s for s in services}
        self.concepts = {cid: compile_concept(cid, c) for cid, c in vocabulary.concepts.items()}
        # Matched against folded text (see folding.py).
        self.payer_patterns = [
            (rule, compile_folded("|".join(f"(?:{p})" for p in rule.patterns)))
            for rule in vocabulary.payers
        ]
        self.denial_phrases = [(rule, compile_folded(rule.pattern)) for rule in vocabulary.denial_phrases]
        self.imaging_results = [
            (result, re.compile("|".join(f"(?:{p})" for p in patterns), re.I))  # has (?-i:OA)
            for result in ("nondiagnostic", "abnormal", "normal")
            if (patterns := vocabulary.imaging_results.get(result))
        ]
        self.other_exams = (
            re.compile("|".join(f"(?:{p})" for p in vocabulary.other_exams), re.I)
            if vocabulary.other_exams else None
        )
        self.urgent_regex = (  # has case-sensitive parts (STAT): matched against the original text
            re.compile("|".join(f"(?:{p})" for p in vocabulary.urgent_phrases), re.I)
            if vocabulary.urgent_phrases else None
        )
        self.cache: dict = {}  # derived lookups the matcher memoizes per library

        # Names for resolve(): id, name and aliases, normalized, without the contrast words.
        self._name_index = {
            " ".join(_CONTRAST_WORDS.sub(" ", _normalize(n)).split()): s
            for s in services for n in [s.id.replace("_", " "), s.name, *s.aliases]
        }
        self._codes: dict[str, list[Service]] = {}
        for s in services:
            for code in s.codes:
                self._codes.setdefault(code, []).append(s)

    # -- lookup --------------------------------------------------------------------------------

    def get(self, service_id: str) -> Service | None:
        return self._by_id.get(service_id)

    def questions(self, service: Service | str) -> list[Question]:
        """Every question the form asks for a service (shared sets first, then its own)."""
        found = self.get(service) if isinstance(service, str) else service
        return list(found.questions) if found else []

    def body_part(self, service: Service) -> str | None:
        """The body part a service images ('lumbar', 'knee'), from its name and region words."""
        key = ("body_part", service.id)
        if key not in self.cache:
            parts = body_parts_in(" ".join([service.name, *service.region]))
            parts = parts - {"head"} if len(parts) > 1 else parts
            self.cache[key] = next(iter(parts)) if len(parts) == 1 else None
        return self.cache[key]

    def candidates(self, text: str) -> list[Service]:
        """Services the text could name, best first (several when a CPT code is shared)."""
        if not text or not text.strip():
            return []
        raw = text.strip()
        if raw in self._by_id:
            return [self._by_id[raw]]
        found: list[Service] = []
        for code in re.findall(r"(?<!\d)\d{5}(?!\d)", raw):
            found += [s for s in self._codes.get(code, []) if s not in found]
        if found:
            return found
        # Another examination named ("MR angiography head") is not one of the library's, unless a
        # service's own names carry that word ("coronary CT angiography", "PET/CT").
        others = {m.group(0).lower() for m in self.other_exams.finditer(raw)} if self.other_exams else set()
        words = _normalize(raw)
        key = " ".join(_CONTRAST_WORDS.sub(" ", words).split())
        if key in self._name_index and self._names_carry(self._name_index[key], others):
            named = self._name_index[key]
            # "CT of the head" names only a modality and a region, which the headache and the
            # trauma criteria share (and their codes): offer both, so the notes decide. "CT head
            # for headache" names one.
            # A namesake sharing only the code but imaging another part ("MRI wrist" and the
            # shoulder's 73221) is not offered: the name must fit the namesake's own region.
            namesakes = [s for s in {s.id: s for c in named.cpt for s in self._codes.get(c.code, [])
                                     if s is not named and not (named.selected_by and s.selected_by)}.values()
                         if set(key.split()) <= (_GENERIC_NAME_WORDS | _region_words(s)) - _INDICATION_WORDS]
            if namesakes and set(key.split()) <= (_GENERIC_NAME_WORDS | _region_words(named)) - _INDICATION_WORDS:
                return [named, *namesakes]
            return [named]
        return [s for score, s in self._scored(words) if score >= 2 and self._names_carry(s, others)]

    def _names_carry(self, service: Service, words: set[str]) -> bool:
        names = " ".join([service.name, *service.aliases]).lower()
        return all(w in names for w in words)

    def resolve(self, text: str) -> Service | None:
        """The service a CPT code, criteria id or plain name means, or None (also when the words
        fit several different examinations: "heart scan" is a nuclear test, an echo or a CT)."""
        found = self.candidates(text)
        if len(found) > 1:
            # A shared code or name: let the words pick (e.g. "CT head after a fall").
            for service in found:
                if any(self.concepts[c].regex.search(text) for c in service.selected_by):
                    return service
            if self.unrelated(found):
                return None
        return found[0] if found else None

    @staticmethod
    def unrelated(found: list[Service]) -> bool:
        """Several services that share no CPT code: different examinations, not namesakes."""
        return len(found) > 1 and not set.intersection(*(set(s.codes) for s in found))

    def _scored(self, words: str) -> list[tuple[int, Service]]:
        padded = f" {words} "
        scored = []
        for s in self.services:
            region = any(f" {_normalize(r)} " in padded for r in s.region)
            if not region:
                continue
            own = _MODALITY_WORDS[s.modality]
            score = 2 + (1 if any(m in padded for m in own) else 0)
            if any(m in padded and m not in own for ms in _MODALITY_WORDS.values() for m in ms):
                score -= 2  # the text names another modality
            if s.selected_by and any(self.concepts[c].regex.search(words) for c in s.selected_by):
                score += 1
            scored.append((score, s))
        scored.sort(key=lambda pair: -pair[0])
        return scored

    def search(self, query: str) -> list[Service]:
        """Services for a search box, best first: by CPT code (or its start), name or alias."""
        q = (query or "").strip()
        if not q:
            return list(self.services)
        if q.isdigit():
            return [s for s in self.services if any(c.startswith(q) for c in s.codes)]
        words = _normalize(q)
        ranked: list[tuple[int, int, Service]] = []
        for order, s in enumerate(self.services):
            names = [_normalize(n) for n in [s.name, *s.aliases, s.id.replace("_", " ")]]
            if any(n.startswith(words) for n in names):
                score = 0
            elif any(words in n for n in names):
                score = 1
            elif all(any(w in n.split() or any(t.startswith(w) for t in n.split()) for n in names)
                     for w in words.split()):
                score = 2
            else:
                region = [x for x in self._scored(words) if x[1] is s]
                if not region or region[0][0] < 2:
                    continue
                score = 3
            ranked.append((score, order, s))
        ranked.sort(key=lambda t: (t[0], t[1]))
        return [s for _, _, s in ranked]
