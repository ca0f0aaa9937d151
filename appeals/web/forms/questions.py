"""Which of a scan's questions the form shows now, what each is called, and which answers are an
emergency.

The criteria library lists every question a scan may need; most only apply after another answer
("Is that weakness getting worse?" only after a clinician found weakness). The rules here read a
question by what it means (its fact, therapy or date), not by its id, so they hold for every scan
in the library:

- the end date of treatment, whether it failed and the follow-up visit come after any weeks of
  treatment, and are worded with the treatments named ("When did the physical therapy end?");
- the date of that follow-up comes after a yes to the follow-up;
- the date and result of an X-ray come after a yes to having had it;
- findings only an examination shows come after a yes to "examined in person" (where asked);
- "getting worse" comes after a yes to the weakness it asks about;
- what the follow-up of a lung nodule depends on (its size, kind, number, the date of the CT that
  found it, smoking, a recommended repeat CT) comes after a yes to a nodule found on a CT.

A follow-up whose answer has not called for it is not on the page, and whatever it held is not
sent. Without JavaScript the page shows a follow-up on the next round trip ("Next", or the submit
that is held back until the person has seen it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Mapping

from .intake import parse_number, read_attr

# fact -> the fact whose "yes" calls for it.
FOLLOWS_YES = {
    "progressive_deficit": "motor_weakness",
    "lung_cancer_risk": "pulmonary_nodule",
    "nodule_follow_up_due": "pulmonary_nodule",
}
NODULE_FACT = "pulmonary_nodule"
AFTER_TREATMENT_FACTS = {"no_improvement", "reevaluation"}
EXAM_FACT = "clinical_exam"
FOLLOW_UP_FACT = "reevaluation"


@dataclass(frozen=True)
class Shown:
    """A question as the page shows it: its field, the library's question and its label."""

    field: Any
    question: Any
    label: str
    follow_up: bool


def _answer(field) -> Any:
    return field.data


def _yes(field) -> bool:
    return field is not None and _answer(field) == "yes"


def _treatment_names(entries, concepts) -> list[str]:
    names = []
    for field, question in entries:
        if read_attr(question, "type") != "number" or not read_attr(question, "therapy"):
            continue  # a nodule's size is not a treatment
        weeks = parse_number(field.data)
        if weeks is not None and weeks > 0:
            therapy = read_attr(question, "therapy")
            concept = concepts.get(therapy)
            names.append(concept.label if concept else therapy.replace("_", " "))
    return names


def _joined(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


_THE_TREATMENT = re.compile(r"\b(?:that|the) treatment\b")


def visible_questions(entries, concepts: Mapping[str, Any]) -> list[Shown]:
    """The questions to show given what the form holds now, in the library's order.

    ``entries``: [(field, question)]; ``concepts``: the vocabulary's concepts by id (their plain
    label, whether only an examination finds them, whether they are a kind of imaging).
    """
    by_fact = {read_attr(q, "fact"): f for f, q in entries if read_attr(q, "type") == "yes_no"}
    treatments = _treatment_names(entries, concepts)
    asks_exam = EXAM_FACT in by_fact
    shown: list[Shown] = []
    shown_facts: set[str] = set()
    last_imaging_fact = None
    for field, question in entries:
        kind = read_attr(question, "type")
        fact = read_attr(question, "fact")
        date_of = read_attr(question, "date_of")
        label = read_attr(question, "text")
        parent_ok: bool | None = None  # None: not a follow-up
        if date_of == "treatment_end" or fact in AFTER_TREATMENT_FACTS and kind == "yes_no":
            parent_ok = bool(treatments)
            if treatments:
                label = _THE_TREATMENT.sub("the " + _joined(treatments), label)
        elif date_of == FOLLOW_UP_FACT:
            parent_ok = FOLLOW_UP_FACT in shown_facts and _yes(by_fact.get(FOLLOW_UP_FACT))
        elif date_of == "imaging" or (kind == "choice" and read_attr(question, "imaging")):
            imaging_fact = read_attr(question, "imaging") or last_imaging_fact
            parent_ok = imaging_fact in shown_facts and _yes(by_fact.get(imaging_fact))
        elif read_attr(question, "nodule") or date_of == "nodule_ct":
            parent_ok = NODULE_FACT in shown_facts and _yes(by_fact.get(NODULE_FACT))
        elif fact in FOLLOWS_YES:
            parent = FOLLOWS_YES[fact]
            parent_ok = parent in shown_facts and _yes(by_fact.get(parent)) if parent in by_fact \
                else None
        elif fact and asks_exam and fact != EXAM_FACT and _concept(concepts, fact, "examined"):
            parent_ok = EXAM_FACT in shown_facts and _yes(by_fact.get(EXAM_FACT))
        if kind == "yes_no" and fact and _concept(concepts, fact, "imaging"):
            last_imaging_fact = fact
        if parent_ok is False:
            continue
        if fact:
            shown_facts.add(fact)
        shown.append(Shown(field, question, label, parent_ok is not None))
    return shown


def _concept(concepts, fact: str, attribute: str):
    concept = concepts.get(fact)
    return getattr(concept, attribute, None) if concept is not None else None


def emergency_answers(shown: list[Shown], emergency_signs) -> list[Shown]:
    """The questions answered yes whose fact, on its own (or with the other facts the sign needs,
    also answered yes), is an emergency sign of this scan."""
    yes_facts = {read_attr(s.question, "fact") for s in shown
                 if read_attr(s.question, "type") == "yes_no" and _yes(s.field)}
    found = []
    for entry in shown:
        fact = read_attr(entry.question, "fact")
        if fact not in yes_facts:
            continue
        for sign in emergency_signs or []:
            needs = set(read_attr(sign, "together_with") or [])
            if fact in (read_attr(sign, "facts") or []) and needs <= yes_facts:
                found.append(entry)
                break
    return found


def emergency_facts(emergency_signs) -> set[str]:
    """Every fact that can be an emergency sign (to mark its question on the page)."""
    return {fact for sign in emergency_signs or [] for fact in (read_attr(sign, "facts") or [])}
