"""The criteria library: one data file per imaging service, validated when it loads.

``load_library()`` reads ``services/*.yaml`` and ``vocabulary.yaml`` once per process, checks
them against :mod:`appeals.criteria.schema`, checks that every concept, source and question they
name exists, and compiles every pattern once. A bad file raises :class:`LibraryError` naming the
file, the path inside it and what is wrong. Pure code: no Flask, Celery or database imports.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import ValidationError

from .anatomy import body_parts_in
from .folding import compile_folded
from .schema import Concept, Question, Service, Sign, Source, Vocabulary

__all__ = [
    "Library", "LibraryError", "Service", "Source", "Question", "Sign", "load_library",
    "DATA_DIR",
]

DATA_DIR = Path(__file__).parent


class LibraryError(ValueError):
    """A criteria file that does not fit the schema: ``file``, ``path`` inside it, ``message``."""

    def __init__(self, file: Path | str, path: str, message: str):
        self.file, self.path, self.message = str(file), path, message
        super().__init__(f"{file}: {path}: {message}")


def _loc(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else ("." if out else "") + str(part)
    return out or "(file)"


# libyaml's loader when PyYAML was built with it (several times faster), else the pure-Python one.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read_yaml(path: Path) -> object:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "(file)"
        raise LibraryError(path, where, f"not valid YAML: {getattr(exc, 'problem', exc)}") from None


def _validate(model, data: object, path: Path):
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        message = err["msg"]
        if err["type"] == "extra_forbidden":
            message = "unknown field"
        elif err["type"] == "missing":
            message = "required field is missing"
        raise LibraryError(path, _loc(err["loc"]), message) from None


def _normalize(text: str) -> str:
    """Lower-case words of a service name: 'MRI L-spine w/o contrast' -> 'mri l spine without…'."""
    text = text.lower()
    text = re.sub(r"\bw/o\b|\bwo\b", " without ", text)
    text = re.sub(r"\bw/(?=\s|$)|\bw/(?=[a-z])", " with ", text)
    text = re.sub(r"[^a-z0-9+]+", " ", text)
    return " ".join(text.split())


_CONTRAST_WORDS = re.compile(r"\b(?:with(?:out)?|contrast|and|or|plus|\+|of|the|scan|imaging)\b")


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


def _compile_concept(cid: str, concept: Concept) -> CompiledConcept:
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


# Words that say only how and where ("CT of the head"), and words that name why ("for headache").
_GENERIC_NAME_WORDS = {"ct", "cat", "mri", "mr", "scan", "of", "the", "a", "an", "without", "with", "w", "o"}
_INDICATION_WORDS = {"headache", "headaches", "trauma", "injury", "fall"}


class Library:
    """All services and the shared vocabulary, with patterns compiled once."""

    def __init__(self, services: list[Service], vocabulary: Vocabulary):
        self.services = services
        self.vocabulary = vocabulary
        self._by_id = {s.id: s for s in services}
        self.concepts = {cid: _compile_concept(cid, c) for cid, c in vocabulary.concepts.items()}
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
        if self.other_exams and self.other_exams.search(raw):
            return []
        words = _normalize(raw)
        key = " ".join(_CONTRAST_WORDS.sub(" ", words).split())
        if key in self._name_index:
            named = self._name_index[key]
            # "CT of the head" names only a modality and a region, which the headache and the
            # trauma criteria share (and their codes): offer both, so the notes decide. "CT head
            # for headache" names one.
            namesakes = {s.id: s for c in named.cpt for s in self._codes.get(c.code, [])
                         if s is not named and not (named.selected_by and s.selected_by)}
            regions = {w for s in [named, *namesakes.values()] for r in s.region for w in _normalize(r).split()}
            generic = (_GENERIC_NAME_WORDS | regions) - _INDICATION_WORDS
            if namesakes and set(key.split()) <= generic:
                return [named, *namesakes.values()]
            return [named]
        return [s for score, s in self._scored(words) if score >= 2]

    def resolve(self, text: str) -> Service | None:
        """The service a CPT code, criteria id or plain name means, or None."""
        found = self.candidates(text)
        if len(found) > 1:
            # A shared code or name: let the words pick (e.g. "CT head after a fall").
            for service in found:
                if any(self.concepts[c].regex.search(text) for c in service.selected_by):
                    return service
        return found[0] if found else None

    def _scored(self, words: str) -> list[tuple[int, Service]]:
        padded = f" {words} "
        scored = []
        for s in self.services:
            region = any(f" {_normalize(r)} " in padded for r in s.region)
            if not region:
                continue
            modality = {"mri": (" mri ", " mr ", " magnetic "), "ct": (" ct ", " cat ", " computed ")}
            score = 2 + (1 if any(m in padded for m in modality[s.modality]) else 0)
            if any(m in padded for other, ms in modality.items() if other != s.modality for m in ms):
                score -= 2  # the text names the other modality
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


def _check_references(service: Service, vocab: Vocabulary, path: Path) -> None:
    concepts = vocab.concepts

    def need(concept: str | None, where: str) -> None:
        if concept and concept not in concepts:
            raise LibraryError(path, where, f"unknown concept {concept!r} (not in vocabulary.yaml)")

    for i, pathway in enumerate(service.pathways):
        for j, req in enumerate(pathway.requirements):
            where = f"pathways[{i}].requirements[{j}]"
            for k, fact in enumerate(req.facts):
                need(fact, f"{where}.facts[{k}]")
            for k, fact in enumerate(req.unless):
                need(fact, f"{where}.unless[{k}]")
            for k, therapy in enumerate(req.therapies):
                need(therapy, f"{where}.therapies[{k}]")
                if not concepts[therapy].therapy:
                    raise LibraryError(path, f"{where}.therapies[{k}]", f"{therapy!r} is not a therapy")
            need(req.modality, f"{where}.modality")
            if req.modality and not concepts[req.modality].imaging:
                raise LibraryError(path, f"{where}.modality", f"{req.modality!r} is not imaging")
    for what in ("red_flags", "emergency_signs", "urgent_signs"):
        for i, sign in enumerate(getattr(service, what)):
            for k, fact in enumerate(sign.facts):
                need(fact, f"{what}[{i}].facts[{k}]")
            for k, fact in enumerate(sign.together_with):
                need(fact, f"{what}[{i}].together_with[{k}]")
    for k, fact in enumerate(service.selected_by):
        need(fact, f"selected_by[{k}]")
    for what in ("contrast_hints", "diagnosis_hints"):
        for i, hint in enumerate(getattr(service, what)):
            for k, fact in enumerate(hint.facts):
                need(fact, f"{what}[{i}].facts[{k}]")
    for k, name in enumerate(service.question_sets):
        if name not in vocab.question_sets:
            raise LibraryError(path, f"question_sets[{k}]", f"unknown question set {name!r}")
    for i, q in enumerate(service.questions):
        for attr in ("fact", "therapy", "imaging"):
            need(getattr(q, attr), f"questions[{i}].{attr}")
        for choice, fact in q.choice_facts.items():
            need(fact, f"questions[{i}].choice_facts.{choice}")


def _check_vocabulary(vocab: Vocabulary, path: Path) -> None:
    for name, questions in vocab.question_sets.items():
        for i, q in enumerate(questions):
            for attr in ("fact", "therapy", "imaging"):
                value = getattr(q, attr)
                if value and value not in vocab.concepts:
                    raise LibraryError(path, f"question_sets.{name}[{i}].{attr}",
                                       f"unknown concept {value!r}")


def read_library(directory: Path | str | None = None) -> Library:
    """Read and validate a library from disk (uncached; tests use it on broken copies)."""
    base = Path(directory) if directory else DATA_DIR
    vocab_path = base / "vocabulary.yaml"
    vocabulary = _validate(Vocabulary, _read_yaml(vocab_path), vocab_path)
    _check_vocabulary(vocabulary, vocab_path)
    services: list[Service] = []
    seen: dict[str, Path] = {}
    for path in sorted((base / "services").glob("*.yaml")):
        service = _validate(Service, _read_yaml(path), path)
        if service.id in seen:
            raise LibraryError(path, "id", f"{service.id!r} is already defined in {seen[service.id].name}")
        seen[service.id] = path
        _check_references(service, vocabulary, path)
        # `service.questions` is the whole form: the shared sets it names, then its own.
        shared = [q for name in service.question_sets for q in vocabulary.question_sets[name]]
        if shared:
            merged = shared + list(service.questions)
            ids = [q.id for q in merged]
            clash = sorted({x for x in ids if ids.count(x) > 1})
            if clash:
                raise LibraryError(path, "questions", f"question ids repeat those of its question sets: {clash}")
            service = service.model_copy(update={"questions": merged})
        services.append(service)
    if not services:
        raise LibraryError(base / "services", "(directory)", "no service files found")
    services.sort(key=lambda s: _ORDER.index(s.id) if s.id in _ORDER else len(_ORDER))
    return Library(services, vocabulary)


# The order services are listed in (and which wins a shared CPT code): most common first.
_ORDER = [
    "mri_lumbar_spine", "mri_cervical_spine", "mri_brain_headache", "ct_head_headache",
    "ct_head_trauma", "mri_knee", "mri_shoulder", "mri_hip",
]


def load_library(directory: str | Path | None = None) -> Library:
    """The library, read and validated once per process (per directory)."""
    return _load_cached(str(Path(directory).resolve()) if directory else str(DATA_DIR))


@functools.lru_cache(maxsize=4)
def _load_cached(directory: str) -> Library:
    return read_library(directory)


# ---------------------------------------------------------------------------------------------
# How the command line and the API show the library (one shape for both)


def service_summary(library: Library, service: Service) -> dict:
    """A service in a list: what a search box or `appeals criteria` shows."""
    return {
        "id": service.id,
        "name": service.name,
        "aliases": list(service.aliases),
        "codes": service.codes,
        "payers": service.payers(),
    }


def service_detail(library: Library, service: Service) -> dict:
    """Everything about one service: sources, pathways, signs and the form's questions."""
    data = service.model_dump(mode="json", exclude={"question_sets", "questions", "cpt"})
    data["codes"] = service.codes
    data["cpt"] = [c.model_dump(mode="json") for c in service.cpt]
    data["questions"] = [
        q.model_dump(mode="json", include={"id", "text", "type", "choices", "help"})
        for q in library.questions(service)
    ]
    return data
