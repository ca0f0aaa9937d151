"""Load-time checks for the criteria library: reading a YAML file, validating it against the
schema, and checking that every concept and question set a file names exists. A bad file raises
:class:`LibraryError` naming the file, the path inside it and what is wrong. Pure code.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import ValidationError

from .schema import SCHEDULES, Service, Vocabulary


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


def read_yaml(path: Path) -> object:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "(file)"
        raise LibraryError(path, where, f"not valid YAML: {getattr(exc, 'problem', exc)}") from None


def validate_model(model, data: object, path: Path):
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


def check_references(service: Service, vocab: Vocabulary, path: Path) -> None:
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
            for concept in SCHEDULES.get(req.schedule, ()):
                need(concept, f"{where}.schedule")
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


def check_vocabulary(vocab: Vocabulary, path: Path) -> None:
    for name, questions in vocab.question_sets.items():
        for i, q in enumerate(questions):
            for attr in ("fact", "therapy", "imaging"):
                value = getattr(q, attr)
                if value and value not in vocab.concepts:
                    raise LibraryError(path, f"question_sets.{name}[{i}].{attr}",
                                       f"unknown concept {value!r}")
