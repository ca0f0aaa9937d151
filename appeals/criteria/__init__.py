"""The criteria library: one data file per imaging service, validated when it loads.

``load_library()`` reads ``services/*.yaml`` and ``vocabulary.yaml`` once per process, checks
them against :mod:`appeals.criteria.schema`, checks that every concept, source and question they
name exists, and compiles every pattern once. A bad file raises :class:`LibraryError` naming the
file, the path inside it and what is wrong. Pure code: no Flask, Celery or database imports.
"""

from __future__ import annotations

import functools
from pathlib import Path

from .library import Library
from .schema import Question, Service, Sign, Source, Vocabulary
from .validation import (
    LibraryError, check_references, check_vocabulary, read_yaml, validate_model,
)

__all__ = [
    "Library", "LibraryError", "Service", "Source", "Question", "Sign", "load_library",
    "DATA_DIR",
]

DATA_DIR = Path(__file__).parent


def read_library(directory: Path | str | None = None) -> Library:
    """Read and validate a library from disk (uncached; tests use it on broken copies)."""
    base = Path(directory) if directory else DATA_DIR
    vocab_path = base / "vocabulary.yaml"
    vocabulary = validate_model(Vocabulary, read_yaml(vocab_path), vocab_path)
    check_vocabulary(vocabulary, vocab_path)
    services: list[Service] = []
    seen: dict[str, Path] = {}
    for path in sorted((base / "services").glob("*.yaml")):
        service = validate_model(Service, read_yaml(path), path)
        if service.id in seen:
            raise LibraryError(path, "id", f"{service.id!r} is already defined in {seen[service.id].name}")
        seen[service.id] = path
        check_references(service, vocabulary, path)
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
    # issue 16: after the first eight, so those keep a shared code (73221, 73721, 72197) when the
    # notes name neither (the newer services are picked by their `selected_by` words)
    "mri_thoracic_spine", "mri_foot_ankle", "mri_wrist", "mri_elbow", "ct_abdomen_pelvis", "ct_chest",
    "ct_sinus", "mri_prostate",
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
