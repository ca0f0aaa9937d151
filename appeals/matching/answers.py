"""Plain answers (the web form) stand for the equivalent free text: each becomes a mention, a
course or a study, quoted as the question and its answer."""

from __future__ import annotations

import datetime as dt
import math
import re

from ..contract import Case
from ..criteria import Library, Service
from . import text as tx
from .facts import ANSWER, Course, Facts, Mention, Nodule, Study
from .nodules import SOLID, kind_in, several_in

_YES = {"yes", "y", "true", "1"}
_NO = {"no", "n", "false", "0", "none"}


def _as_bool(value) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return value != 0
    if isinstance(value, str):
        v = value.strip().lower()
        return True if v in _YES else False if v in _NO else None
    return None


def _as_number(value) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, str):
        found = tx.durations_in(value) or tx.durations_in(value + " weeks")
        return found[0][2] if found else (0.0 if value.strip().lower() in _NO else None)
    return None


# A nodule's size: a number of millimetres ("7", "7 mm") or centimetres ("1.2 cm").
_SIZE_ANSWER = re.compile(r"\s*(\d+(?:\.\d+)?)\s*(mm|cm)?\s*", re.I)
MAX_NODULE_MM = 100  # larger is a mass, not a nodule, or a typing slip


def _as_size_mm(value) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return float(value) if math.isfinite(value) else None
    m = _SIZE_ANSWER.fullmatch(value) if isinstance(value, str) else None
    if not m:
        return None
    return float(m[1]) * (10 if (m[2] or "").lower() == "cm" else 1)


def _as_date(value) -> dt.date | None:
    if isinstance(value, str):
        found = tx.dates_in(value)
        return found[0][2] if found else None
    return None


def apply_answers(facts: Facts, case: Case, library: Library, service: Service | None) -> None:
    if not case.answers:
        return
    questions = {q.id: q for q in library.questions(service)} if service else {}
    dates: dict[str, dt.date] = {}
    answer_courses: list[Course] = []
    nodule: dict[str, tuple] = {}  # "size_mm" / "kind" / "count" / "found" -> (value, quote)
    for qid, value in case.answers.items():
        q = questions.get(qid)
        if q is None:
            facts.answer_notes.append(f"The answer '{qid}' is not a question for this service and was not used.")
            continue
        if value is None or value == "" or value == []:
            continue
        shown = value if not isinstance(value, bool) else ("yes" if value else "no")
        quote = f"{q.text} {shown}"
        if q.type == "yes_no":
            yes = _as_bool(value)
            if yes is None:
                facts.answer_notes.append(f"The answer to '{q.text}' should be yes or no; it was not used.")
                continue
            facts.add(Mention(q.fact, not yes, quote, "answers", None, ANSWER))
            for implied in library.concepts[q.fact].concept.implies:
                facts.add(Mention(implied, not yes, quote, "answers", None, ANSWER))
        elif q.type == "number" and q.nodule == "size_mm":
            size = _as_size_mm(value)
            if size is None or not 0 < size <= MAX_NODULE_MM:
                facts.answer_notes.append(f"The answer to '{q.text}' should be the nodule's size in millimetres, "
                                          f"more than 0 and at most {MAX_NODULE_MM}; it was not used.")
                continue
            nodule["size_mm"] = (size, quote)
        elif q.type == "number":
            weeks = _as_number(value)
            if weeks is None or weeks < 0:
                facts.answer_notes.append(f"The answer to '{q.text}' should be a number of weeks; it was not used.")
                continue
            mention = Mention(q.therapy, weeks == 0, quote, "answers", None, ANSWER)
            facts.add(mention)
            if weeks > 0:
                answer_courses.append(Course(q.therapy, mention, weeks=weeks))
        elif q.type == "date":
            when = _as_date(value)
            if when is None:
                facts.answer_notes.append(f"The answer to '{q.text}' should be a date (YYYY-MM-DD); it was not used.")
                continue
            dates[q.date_of] = when
            if q.date_of == "nodule_ct":
                nodule["found"] = (when, quote)
        elif q.type == "choice":
            choice = value if isinstance(value, str) else None
            if choice not in q.choices:
                facts.answer_notes.append(f"The answer to '{q.text}' is not one of its choices; it was not used.")
                continue
            if q.nodule:
                nodule[q.nodule] = (choice, quote)
            if q.imaging and choice in q.choice_results:
                facts.studies.append(Study(q.imaging, Mention(q.imaging, False, quote, "answers", None, ANSWER),
                                           result=q.choice_results[choice]))
            if choice in q.choice_facts:
                facts.add(Mention(q.choice_facts[choice], False, quote, "answers", None, ANSWER))
    _answered_nodule(facts, nodule)
    # Dates complete the other answers: when treatment ended, when the follow-up and x-ray were.
    if "episode_start" in dates and (facts.episode_start is None or facts.episode_estimated
                                     or dates["episode_start"] > facts.episode_start):
        facts.episode_start, facts.episode_estimated = dates["episode_start"], False
        facts.episode_evidence = Mention("episode_start", False,
                                         f"Symptoms of this episode started {dates['episode_start']}",
                                         "answers", None, ANSWER)
    failed = [m for m in facts.mentions.get("no_improvement", ()) if m.origin == ANSWER]
    for course in answer_courses:
        course.end = dates.get("treatment_end")
        if course.end and course.weeks:
            course.start = course.end - dt.timedelta(weeks=course.weeks)
        if failed:
            course.outcome = "improved" if failed[-1].negated else "failed"
        facts.courses.append(course)
    if "reevaluation" in dates:
        for m in facts.mentions.get("reevaluation", ()):
            if m.origin == ANSWER:
                m.when = dates["reevaluation"]
    if "imaging" in dates:
        answered = [s for s in facts.studies if s.mention.origin == ANSWER]
        if not answered:
            answered = [Study(c, m) for c, ms in facts.mentions.items() for m in ms
                        if m.origin == ANSWER and not m.negated and library.concepts[c].concept.imaging]
            facts.studies.extend(answered)
        for study in answered:
            study.date = dates["imaging"]
    else:
        # "Have you had x-rays?" yes, with no result given: a study of unknown result.
        for c, ms in facts.mentions.items():
            for m in ms:
                if (m.origin == ANSWER and not m.negated and library.concepts[c].concept.imaging
                        and not any(s.mention.origin == ANSWER and s.concept == c for s in facts.studies)):
                    facts.studies.append(Study(c, m))


def _answered_nodule(facts: Facts, answers: dict[str, tuple]) -> None:
    """The nodule the answers describe, for the same Fleischner schedule a report's nodule gets: its
    size (without which there is no interval), kind, number and the date of the CT that found it."""
    if "size_mm" not in answers:
        return
    if any(m.origin == ANSWER and m.negated for m in facts.mentions.get("pulmonary_nodule", ())):
        facts.answer_notes.append("A nodule's size was given, but the answers say no CT found a nodule; "
                                  "the size was not used.")
        return
    quote = " ".join(q for _, q in answers.values())
    found = answers["found"][0] if "found" in answers else None
    mention = Mention("pulmonary_nodule", False, quote, "answers", None, ANSWER, when=found)
    if not any(m.origin == ANSWER for m in facts.positive("pulmonary_nodule")):
        facts.add(mention)  # the size alone says a CT found a nodule
    facts.answered_nodules.append(Nodule(
        mention, answers["size_mm"][0],
        kind=kind_in(answers["kind"][0]) if "kind" in answers else SOLID,
        multiple=several_in(answers["count"][0]) if "count" in answers else False,
        found=found))
