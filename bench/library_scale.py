"""A criteria library twice the size of the real one, for timing the matcher as the library grows.

Every service and every vocabulary concept gets a twin: the same patterns and pathways under new
ids, names, region words and CPT codes, so the twins never match a real case's service but every
lookup over the library (names, codes, concepts, payer rules) has twice as much to go through.
"""

from __future__ import annotations

from appeals.criteria import Library

_SUFFIX = "__twin"
# Fields of a service file (at any depth) that name vocabulary concepts.
_CONCEPT_LISTS = {"facts", "unless", "therapies", "together_with", "selected_by"}
_CONCEPT_FIELDS = {"modality", "fact", "therapy", "imaging"}


def _twin_concepts(value):
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if k in _CONCEPT_LISTS:
                out[k] = [c + _SUFFIX for c in v]
            elif k in _CONCEPT_FIELDS and isinstance(v, str):
                out[k] = v + _SUFFIX
            elif k == "choice_facts":
                out[k] = {choice: c + _SUFFIX for choice, c in v.items()}
            else:
                out[k] = _twin_concepts(v)
        return out
    if isinstance(value, list):
        return [_twin_concepts(v) for v in value]
    return value


def doubled(library: Library) -> Library:
    vocab = library.vocabulary
    concepts = dict(vocab.concepts)
    for cid, concept in vocab.concepts.items():
        concepts[cid + _SUFFIX] = concept.model_copy(update={"implies": [c + _SUFFIX for c in concept.implies]})
    twin_vocab = vocab.model_copy(update={"concepts": concepts})
    code = 10000
    twins = []
    for service in library.services:
        data = _twin_concepts(service.model_dump())
        data["modality"] = service.modality  # the service's own modality is not a concept
        data["id"] = service.id + "_twin"
        data["name"] = service.name + " twin"
        data["aliases"] = [a + " twin" for a in service.aliases]
        data["region"] = [r + " twin" for r in service.region]
        for c in data["cpt"]:
            c["code"] = f"{code:05d}"
            code += 1
        twins.append(type(service).model_validate(data))
    return Library(library.services + twins, twin_vocab)
