"""The facts the reader finds in a case: mentions of a concept (asserted or denied), courses of
treatment, imaging studies, and the episode they belong to. Plain data, no reading here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

REQUEST = "request"
DOCUMENT = "documentation"
ANSWER = "answer"


@dataclass
class Mention:
    concept: str
    negated: bool
    quote: str
    source: str | None
    date: dt.date | None
    origin: str                  # REQUEST, DOCUMENT or ANSWER
    doc: int = -1                # index in case.documentation (-1: request or answers)
    sentence: int = -1           # sentence start offset within its document (for grouping)
    when: dt.date | None = None  # when it happened: a date in the same sentence, else `date`

    def __post_init__(self) -> None:
        if self.when is None:
            self.when = self.date


@dataclass
class Course:
    """A course of conservative treatment."""

    concept: str
    mention: Mention
    weeks: float | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    outcome: str | None = None   # "failed", "improved" or None (not stated)
    prescribed: bool = False     # for a home program: a written prescription is documented
    followed_up: bool = False    # for a home program: documented follow-up after it
    start_estimated: bool = False  # start worked out from the length, not written
    planned: bool = False        # ordered or recommended in this note, not yet done
    self_directed: bool = False  # "OTC ibuprofen on his own": no clinician directed it
    outcome_mention: Mention | None = None  # the sentence saying how it went, when another one
    parts: set[str] = field(default_factory=set)   # body parts its sentence (or record) names
    sides: set[str] = field(default_factory=set)


@dataclass
class Study:
    concept: str
    mention: Mention
    date: dt.date | None = None
    result: str | None = None    # normal / nondiagnostic / abnormal / None
    parts: set[str] = field(default_factory=set)   # body parts its sentence (or record) names
    sides: set[str] = field(default_factory=set)
    vague: bool = False          # "X-rays on file": no date, side or part of its own
    planned: bool = False        # ordered or recommended, not yet done


@dataclass
class Nodule:
    """A lung nodule as one sentence of a report (or the form's answers) describes it."""

    mention: Mention
    size_mm: float
    kind: str = "solid"              # or "part-solid", "ground-glass"
    multiple: bool = False
    found: dt.date | None = None     # the date of the CT that measured it

    def words(self) -> str:
        several = "largest of several " if self.multiple else ""
        return f"{self.size_mm:g} mm {several}{self.kind} nodule"


@dataclass
class Facts:
    mentions: dict[str, list[Mention]] = field(default_factory=dict)
    courses: list[Course] = field(default_factory=list)
    studies: list[Study] = field(default_factory=list)
    episode_start: dt.date | None = None
    episode_evidence: Mention | None = None
    episode_estimated: bool = False        # worked out from "x 3 months" rather than stated
    age: int | None = None
    requested_sides: set[str] = field(default_factory=set)
    documented_sides: set[str] = field(default_factory=set)
    answer_notes: list[str] = field(default_factory=list)  # answers that could not be used
    answered_nodules: list[Nodule] = field(default_factory=list)  # the nodule the form's answers describe

    def add(self, m: Mention) -> None:
        self.mentions.setdefault(m.concept, []).append(m)

    def positive(self, concept: str) -> list[Mention]:
        return [m for m in self.mentions.get(concept, ()) if not m.negated]
