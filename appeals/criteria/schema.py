"""The shape of the criteria library's data files, checked when they load.

One YAML file per service (``services/*.yaml``) plus one shared vocabulary (``vocabulary.yaml``:
the words and patterns that name each clinical fact, payer names, denial wording and codes, and
question sets shared between services). Pure code: no Flask, Celery or database imports.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

RequirementKind = Literal[
    "red_flag", "conservative_care", "follow_up", "prior_imaging", "clinical_finding"
]
QuestionType = Literal["yes_no", "number", "date", "choice", "text"]
Contrast = Literal["without", "with", "without_and_with"]
ImagingResult = Literal["normal", "nondiagnostic", "abnormal"]
DenialCategory = Literal[
    "medical_necessity", "missing_information", "no_authorization", "coding",
    "benefit_exclusion", "eligibility", "other",
]

_ID = r"^[a-z][a-z0-9_]*$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_regex(pattern: str) -> str:
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"not a valid regular expression ({exc})") from None
    return pattern


# ---------------------------------------------------------------------------------------------
# Vocabulary


class Concept(_Strict):
    """A clinical fact the extractor recognizes, with the phrases that say it."""

    label: str                                  # plain words, used in evidence and warnings
    patterns: list[str] = Field(min_length=1)   # regular expressions, matched case-insensitively
    implies: list[str] = Field(default_factory=list)  # other concepts this one also asserts
    therapy: bool = False          # a conservative treatment (duration and outcome are read)
    provider_directed: bool = True  # False: counts only with a prescription and follow-up (HEP)
    # False: a therapy for one condition (a nasal spray), counted only where a requirement names it
    # in `therapies`, never as the general conservative care a back or joint pathway asks for.
    general: bool = True
    # An earlier study or test a pathway can require first (an x-ray, a treadmill ECG, a home sleep
    # test, a mammogram): its date and result are read like an imaging report's.
    imaging: Literal["xray", "mri", "ct", "ultrasound", "emg", "stress_test", "sleep_test",
                     "mammogram"] | None = None
    # A finding a clinician elicits at the bedside: named at all, found or not ("SLR neg", "5/5"),
    # it shows that the patient was examined in person.
    examined: bool = False
    # A measured value with a threshold ("lifetime risk 24 %", "nodule 9 mm"): a match counts only
    # when the last number it contains is at least this.
    min_value: float | None = None

    @field_validator("patterns")
    @classmethod
    def _regexes(cls, value: list[str]) -> list[str]:
        return [_check_regex(p) for p in value]


class PayerRule(_Strict):
    variant: str                        # the payer variant key a pathway names (evicore, uhc…)
    label: str                          # who publishes the criteria, in words
    patterns: list[str] = Field(min_length=1)

    @field_validator("patterns")
    @classmethod
    def _regexes(cls, value: list[str]) -> list[str]:
        return [_check_regex(p) for p in value]


class DenialCode(_Strict):
    category: DenialCategory
    meaning: str                        # the X12 description, shortened


class DenialPhrase(_Strict):
    category: DenialCategory
    pattern: str
    aspect: Literal["laterality", "contrast", "code"] | None = None  # what kind of mismatch

    @field_validator("pattern")
    @classmethod
    def _regex(cls, value: str) -> str:
        return _check_regex(value)


class Question(_Strict):
    """A plain question the web form asks; its answer stands for the equivalent free text."""

    id: str = Field(pattern=_ID)
    text: str
    type: QuestionType
    choices: list[str] = Field(default_factory=list)
    help: str | None = None
    # What an answer means (exactly one of these, except for free-text questions):
    fact: str | None = None              # yes_no: yes asserts the concept, no negates it
    therapy: str | None = None           # number: weeks of this therapy concept
    date_of: Literal["episode_start", "treatment_end", "reevaluation", "imaging", "nodule_ct"] | None = None
    # What the answer says about a lung nodule: its size (number, in mm), its kind or whether there
    # are several (choice; the choice's words are read as a report's would be).
    nodule: Literal["size_mm", "kind", "count"] | None = None
    imaging: str | None = None           # choice: result of this imaging concept
    choice_results: dict[str, ImagingResult] = Field(default_factory=dict)
    choice_facts: dict[str, str] = Field(default_factory=dict)  # choice -> concept

    @model_validator(mode="after")
    def _consistent(self) -> "Question":
        if self.type == "choice" and not self.choices:
            raise ValueError("a choice question needs 'choices'")
        if self.type != "choice" and self.choices:
            raise ValueError("only a choice question has 'choices'")
        if self.type == "yes_no" and not self.fact:
            raise ValueError("a yes_no question needs 'fact' (the concept a yes asserts)")
        if self.type == "number" and not (self.therapy or self.nodule == "size_mm"):
            raise ValueError("a number question needs 'therapy' (the treatment counted in weeks) "
                             "or 'nodule: size_mm'")
        if self.nodule and self.type != {"size_mm": "number"}.get(self.nodule, "choice"):
            raise ValueError(f"'nodule: {self.nodule}' needs a "
                             f"{'number' if self.nodule == 'size_mm' else 'choice'} question")
        if self.type == "date" and not self.date_of:
            raise ValueError("a date question needs 'date_of'")
        for mapping in (self.choice_results, self.choice_facts):
            unknown = set(mapping) - set(self.choices)
            if unknown:
                raise ValueError(f"maps answers that are not among its choices: {sorted(unknown)}")
        return self


class Vocabulary(_Strict):
    concepts: dict[str, Concept]
    payers: list[PayerRule]
    denial_codes: dict[str, DenialCode]
    denial_phrases: list[DenialPhrase]
    urgent_phrases: list[str] = Field(default_factory=list)  # a clinician asking for speed
    # Names of other examinations: a service named with one of these is not in the library
    # ("MR angiography head" is not an MRI brain).
    other_exams: list[str] = Field(default_factory=list)
    # How an imaging report's result is worded, tried in this order: nondiagnostic, abnormal, normal.
    imaging_results: dict[ImagingResult, list[str]] = Field(default_factory=dict)
    question_sets: dict[str, list[Question]] = Field(default_factory=dict)
    # Correctly spelt clinical words that patients misspell; the matcher corrects toward these.
    spelling: list[str] = Field(default_factory=list)

    @field_validator("urgent_phrases", "other_exams")
    @classmethod
    def _regexes(cls, value: list[str]) -> list[str]:
        return [_check_regex(p) for p in value]

    @model_validator(mode="after")
    def _references(self) -> "Vocabulary":
        for name, concept in self.concepts.items():
            for other in concept.implies:
                if other not in self.concepts:
                    raise ValueError(f"concepts.{name}.implies names unknown concept {other!r}")
        return self


# ---------------------------------------------------------------------------------------------
# Services


class Code(_Strict):
    code: str = Field(pattern=r"^\d{5}$")
    contrast: Contrast
    name: str


class SourceVersion(_Strict):
    """An earlier version of a source, kept so a request is judged by the text then in force."""

    version: str
    effective: dt.date
    url: str = Field(pattern=r"^https?://")
    note: str | None = None


class Source(_Strict):
    id: str = Field(pattern=_ID)
    publisher: str
    title: str
    section: str
    version: str
    effective: dt.date | None = None    # None only where the publisher gives no date
    url: str = Field(pattern=r"^https?://")
    checked: dt.date                    # when the text was last read
    provenance: Literal["publisher", "secondary", "regulation"]
    note: str | None = None             # what was and was not verified
    earlier: list[SourceVersion] = Field(default_factory=list)  # older versions, newest first

    def in_force(self, on: dt.date) -> tuple[str, str, str | None]:
        """(version, url, caveat) of the text in force on a date. Where the library holds only a
        later version, it is named with a caveat rather than cited as if it had been in force."""
        for v in [self, *sorted(self.earlier, key=lambda v: v.effective, reverse=True)]:
            if v.effective is None or v.effective <= on:
                return v.version, v.url, None
        oldest = min([self, *self.earlier], key=lambda v: v.effective)
        return (oldest.version, oldest.url,
                f"{self.title}: the library holds version {oldest.version}, in force from "
                f"{oldest.effective.isoformat()}, after the request date ({on.isoformat()}); the version "
                "in force then may differ. Ask the plan for the text it applied.")


class Window(_Strict):
    """How recent the evidence must be: dated within this many days, or calendar months, before
    the request (the denial date; today for a check before filing). Undated evidence still counts."""

    days: int | None = Field(default=None, gt=0)
    months: int | None = Field(default=None, gt=0)

    @model_validator(mode="after")
    def _one(self) -> "Window":
        if (self.days is None) == (self.months is None):
            raise ValueError("a window needs exactly one of 'days' or 'months'")
        return self

    def earliest(self, reference: dt.date) -> dt.date:
        """The oldest date that is still inside the window."""
        if self.days is not None:
            return reference - dt.timedelta(days=self.days)
        return add_months(reference, -self.months)

    def words(self) -> str:
        if self.days is not None:
            return f"{self.days} days"
        return "a year" if self.months == 12 else f"{self.months} months"


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` calendar months later (or earlier), kept inside a short month."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


# Published follow-up schedules the matcher computes from a case's dates, and the vocabulary
# concepts each one reads besides the requirement's own facts.
SCHEDULES = {"fleischner_2017": ("pulmonary_nodule", "nodule_growth", "lung_cancer_risk")}
Schedule = Literal["fleischner_2017"]


class Requirement(_Strict):
    id: str = Field(pattern=_ID)
    kind: RequirementKind
    text: str                           # the requirement in plain words (close to the source)
    needed: str                         # what to obtain when nothing meets it, in plain words
    facts: list[str] = Field(default_factory=list)   # concepts; at least `min_count` must hold
    min_count: int = Field(default=1, ge=1)
    age_min: int | None = None          # with facts: the patient must be at least this old
    weeks: float | None = None          # conservative care: the shortest trial that counts
    within_weeks: int | None = None     # treatment must have run within this many weeks
    after_episode: bool = False         # only what happened after the current episode began
    therapies: list[str] = Field(default_factory=list)  # conservative care: which count (all)
    unless: list[str] = Field(default_factory=list)  # concepts that defeat it (a prior MRI)
    modality: str | None = None         # prior imaging: the imaging concept required
    results: list[ImagingResult] = Field(default_factory=list)  # prior imaging: results allowed
    # Evidence dated before this window (before the request) does not count (a finding or a study).
    within: Window | None = None
    # The interval comes from a published schedule, worked out from the case's dates where they are
    # given (a nodule's size and the date of the CT that found it); else `facts` are read as usual.
    schedule: Schedule | None = None

    @model_validator(mode="after")
    def _by_kind(self) -> "Requirement":
        if self.within and self.kind not in ("clinical_finding", "prior_imaging"):
            raise ValueError("'within' applies to a clinical_finding or prior_imaging requirement "
                             "(conservative care has 'within_weeks')")
        if self.schedule and self.kind != "clinical_finding":
            raise ValueError("'schedule' applies to a clinical_finding requirement")
        if self.kind == "conservative_care" and self.weeks is None:
            raise ValueError("a conservative_care requirement needs 'weeks'")
        if self.kind == "prior_imaging" and not self.modality:
            raise ValueError("a prior_imaging requirement needs 'modality'")
        if self.kind in ("red_flag", "clinical_finding") and not self.facts:
            raise ValueError(f"a {self.kind} requirement needs 'facts'")
        if self.min_count > max(1, len(self.facts)):
            raise ValueError("'min_count' is larger than the number of facts listed")
        return self


class Pathway(_Strict):
    id: str = Field(pattern=_ID)
    title: str
    payer: str                          # the payer variant (acr, evicore, carelon, aetna, uhc)
    source: str                         # id of one of the service's sources
    section: str | None = None          # the section within the source, when it differs
    requirements: list[Requirement] = Field(min_length=1)


class Sign(_Strict):
    """A red flag or emergency sign: its words, and the concepts any one of which shows it."""

    id: str = Field(pattern=_ID)
    text: str
    facts: list[str] = Field(min_length=1)      # any one of these…
    together_with: list[str] = Field(default_factory=list)  # …and all of these
    age_min: int | None = None


class ContrastHint(_Strict):
    """Findings for which the source favors a particular contrast study (checked against the order)."""

    facts: list[str] = Field(min_length=1)
    contrast: Contrast
    text: str


class DiagnosisHint(_Strict):
    """A diagnosis code on the request that does not reflect what the notes document."""

    code_pattern: str                   # matched against the request and the denial letter
    facts: list[str] = Field(min_length=1)
    text: str                           # "{code}" is replaced by the code found

    @field_validator("code_pattern")
    @classmethod
    def _regex(cls, value: str) -> str:
        return _check_regex(value)


class Service(_Strict):
    id: str = Field(pattern=_ID)
    name: str
    aliases: list[str] = Field(default_factory=list)
    cpt: list[Code] = Field(min_length=1)
    region: list[str] = Field(default_factory=list)     # body words that name the service
    modality: Literal["mri", "ct", "pet", "nuclear", "echo", "sleep_study"]
    lateral: bool = False               # a paired body part: left/right must agree
    selected_by: list[str] = Field(default_factory=list)  # concepts that pick it among namesakes
    sources: list[Source] = Field(min_length=1)
    pathways: list[Pathway] = Field(min_length=1)
    red_flags: list[Sign] = Field(default_factory=list)
    emergency_signs: list[Sign] = Field(default_factory=list)
    urgent_signs: list[Sign] = Field(default_factory=list)   # ask for the 72-hour appeal
    question_sets: list[str] = Field(default_factory=list)
    questions: list[Question] = Field(default_factory=list)
    contrast_hints: list[ContrastHint] = Field(default_factory=list)
    diagnosis_hints: list[DiagnosisHint] = Field(default_factory=list)

    @property
    def codes(self) -> list[str]:
        return [c.code for c in self.cpt]

    def source(self, source_id: str) -> Source:
        return next(s for s in self.sources if s.id == source_id)

    def payers(self) -> list[str]:
        return list(dict.fromkeys(p.payer for p in self.pathways))

    @model_validator(mode="after")
    def _references(self) -> "Service":
        source_ids = {s.id for s in self.sources}
        for i, pathway in enumerate(self.pathways):
            if pathway.source not in source_ids:
                raise ValueError(f"pathways[{i}].source {pathway.source!r} is not a source id")
        if "acr" not in self.payers():
            raise ValueError("needs at least one pathway for the neutral default payer 'acr'")
        for what in ("sources", "pathways", "questions"):
            ids = [item.id for item in getattr(self, what)]
            dupes = {x for x in ids if ids.count(x) > 1}
            if dupes:
                raise ValueError(f"{what} ids repeat: {sorted(dupes)}")
        return self
