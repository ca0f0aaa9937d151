"""The case and result shapes every intake and every consumer share.

This module is the executable form of ``docs/matching-contract.md``. The web form, the
spreadsheet importer, the JSON API and the command line all build a :class:`Case`; the matcher
returns a :class:`MatchResult`. Unknown fields are rejected so that a typo is caught, not ignored.
Pure code: no Flask, Celery or database imports.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal, Union

from pydantic import (
    BeforeValidator, BaseModel, ConfigDict, Field, StrictInt, StringConstraints, ValidationError,
    WithJsonSchema, field_validator,
)

PlanType = Literal[
    "employer", "marketplace", "government_employer", "medicare_advantage", "medicaid", "other"
]
PLAN_TYPES: tuple[str, ...] = PlanType.__args__  # type: ignore[attr-defined]

Outcome = Literal["appeal", "ready", "not_met", "administrative", "no_criteria"]
Urgency = Literal["standard", "expedited", "emergency"]
RequirementKind = Literal[
    "red_flag", "conservative_care", "follow_up", "prior_imaging", "clinical_finding"
]
RequirementStatus = Literal["met_in_request", "omitted", "unmet"]
DenialCategory = Literal[
    "medical_necessity", "missing_information", "no_authorization", "coding",
    "benefit_exclusion", "eligibility", "other",
]

AnswerValue = Union[bool, int, float, str, list[str], None]


def _iso_date(value: Any) -> Any:
    """Dates are ISO strings (or dates): 86400 is not 1970-01-02, nor is "86400"."""
    if isinstance(value, dt.date) or value is None:
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        return value.strip()
    raise ValueError("must be a date written YYYY-MM-DD")


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]


def _code(pattern: str, what: str):
    """A string code matching `pattern` (either case; stored upper-case), refused in plain words
    ("must be ..."); the OpenAPI document carries the same pattern."""
    compiled = re.compile(pattern)

    def check(value: Any) -> Any:
        if isinstance(value, str) and compiled.fullmatch(value.strip()):
            return value.strip().upper()
        raise ValueError(f"must be {what}")

    return Annotated[str, BeforeValidator(check),
                     WithJsonSchema({"type": "string", "pattern": f"^{pattern}$"})]


CptCode = _code(r"[0-9]{4}[0-9A-Za-z]", "a five-character CPT code such as 72148")
Npi = _code(r"[0-9]{10}", "a ten-digit NPI")
# ICD-10-CM: a letter, a digit, a character, then an optional dot and up to four more.
Icd10Code = _code(r"[A-TV-Za-tv-z][0-9][0-9A-Za-z](\.?[0-9A-Za-z]{1,4})?",
                  "an ICD-10 code such as M54.16")

# Text that must say something: surrounding whitespace is stripped, so the OpenAPI document asks
# for a character that is not a space (as the server does) rather than only a length.
NOT_BLANK = r"\S"
# A question id as the library writes them; kept as sent (never stripped), so the document's
# constraint on the key is exactly the server's.
QuestionId = Annotated[str, StringConstraints(strip_whitespace=False, min_length=1, max_length=100)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


# ---------------------------------------------------------------------------------------------
# Case (input)


class Patient(_Strict):
    name: str | None = Field(default=None, max_length=200)
    date_of_birth: IsoDate | None = None
    age: StrictInt | None = Field(default=None, ge=0, le=130)  # true is not an age
    sex: str | None = Field(default=None, max_length=20)
    member_id: str | None = Field(default=None, max_length=100)
    # Where the plan sends its decision (the letter's return address); not read by the matcher.
    address: str | None = Field(default=None, max_length=500)
    phone: str | None = Field(default=None, max_length=40)


class Denial(_Strict):
    notice_date: IsoDate
    received_date: IsoDate | None = None
    text: str | None = Field(default=None, max_length=20_000)
    code: str | None = Field(default=None, max_length=50)
    reference: str | None = Field(default=None, max_length=100)
    # From the denial letter, for the letter and "How to send it"; not read by the matcher.
    reviewer: str | None = Field(default=None, max_length=200)  # eviCore, Carelon, ...
    appeal_address: str | None = Field(default=None, max_length=500)
    appeal_fax: str | None = Field(default=None, max_length=40)
    # Why the appeal is filed after the deadline (good cause), in plain words; for the letter.
    late_reason: str | None = Field(default=None, max_length=1000)

    @property
    def received(self) -> dt.date:
        """The day the notice arrived; the contract defaults it to the notice date."""
        return self.received_date or self.notice_date


Side = Literal["left", "right", "bilateral"]
Contrast = Literal["without", "with", "with_and_without"]


class Study(_Strict):
    """The exact study requested, as the order reads: one CPT code, its side and contrast."""

    cpt: CptCode | None = None
    side: Side | None = None
    contrast: Contrast | None = None


class Clinician(_Strict):
    """The ordering clinician, for the identifier block and the peer-to-peer request."""

    name: str | None = Field(default=None, max_length=200)
    npi: Npi | None = None
    facility: str | None = Field(default=None, max_length=200)
    phone: str | None = Field(default=None, max_length=40)
    fax: str | None = Field(default=None, max_length=40)
    address: str | None = Field(default=None, max_length=500)


_EMAIL = r"[^@\s]+@[^@\s]+\.[^@\s]+"


def _email(value: Any) -> Any:
    """An address a reply can reach: something@somewhere.tld, at most 254 characters."""
    if value is None:
        return value
    if isinstance(value, str) and len(value.strip()) > 254:
        raise ValueError("must be at most 254 characters")
    if isinstance(value, str) and re.fullmatch(_EMAIL, value.strip()):
        return value.strip()
    raise ValueError("must be an email address such as name@example.org")


Email = Annotated[str, BeforeValidator(_email),
                  WithJsonSchema({"type": "string", "pattern": f"^{_EMAIL}$", "maxLength": 254})]


class Advocate(_Strict):
    """Who writes an advocate letter on the patient's behalf (an authorized representative:
    a family member, a patient advocate, a clinic's appeals staff)."""

    name: str | None = Field(default=None, max_length=200)
    organization: str | None = Field(default=None, max_length=200)
    phone: str | None = Field(default=None, max_length=40)
    email: Email | None = None
    address: str | None = Field(default=None, max_length=500)


class Document(_Strict):
    text: str = Field(min_length=1, max_length=50_000, pattern=NOT_BLANK)
    date: IsoDate | None = None
    source: str | None = Field(default=None, max_length=200)


class Case(_Strict):
    service: str = Field(min_length=1, max_length=200, pattern=NOT_BLANK)
    plan_type: PlanType
    payer: str | None = Field(default=None, max_length=200)
    patient: Patient | None = None
    denial: Denial | None = None
    original_request: str | None = Field(default=None, max_length=50_000)
    documentation: list[Document] = Field(default_factory=list, max_length=200)
    answers: dict[QuestionId, AnswerValue] = Field(default_factory=dict)
    # Letter details (docs/matching-contract.md, "Details for the letter"): all optional, never
    # read by the matcher, so a case without them matches exactly as before.
    study: Study | None = None
    clinician: Clinician | None = None
    diagnosis_codes: list[Icd10Code] = Field(default_factory=list, max_length=12)
    advocate: Advocate | None = None

    @field_validator("answers")
    @classmethod
    def _answer_keys_are_ids(cls, answers: dict[str, AnswerValue]) -> dict[str, AnswerValue]:
        for key in answers:
            if not key or len(key) > 100:
                raise ValueError(f"answer id {key!r} is not a question id")
        return answers

    @property
    def is_check_before_filing(self) -> bool:
        return self.denial is None


# ---------------------------------------------------------------------------------------------
# Result (output)


class ServiceRef(_Strict):
    id: str | None
    name: str
    codes: list[str] = Field(default_factory=list)


class PolicyRef(_Strict):
    title: str
    source: str
    section: str | None = None
    version: str | None = None
    url: str | None = None


class PathwayRef(_Strict):
    id: str
    title: str


class Evidence(_Strict):
    quote: str
    source: str | None = None
    date: dt.date | None = None


class RequirementResult(_Strict):
    id: str
    kind: RequirementKind
    text: str
    status: RequirementStatus
    evidence: list[Evidence] = Field(default_factory=list)
    needed: str | None = None


class DenialResult(_Strict):
    category: DenialCategory
    code: str | None = None
    text: str | None = None


class Deadline(_Strict):
    date: dt.date
    days: int
    counted_from: dt.date
    basis: str


class MatchResult(_Strict):
    outcome: Outcome
    urgency: Urgency
    service: ServiceRef
    policy: PolicyRef | None = None
    pathway: PathwayRef | None = None
    requirements: list[RequirementResult] = Field(default_factory=list)
    denial: DenialResult | None = None
    deadline: Deadline | None = None
    warnings: list[str] = Field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


# ---------------------------------------------------------------------------------------------
# Parsing with errors a person can act on


class CaseError(ValueError):
    """A case that does not fit the contract. ``errors`` names each field and the problem."""

    def __init__(self, errors: list[dict[str, str]]):
        self.errors = errors
        super().__init__("; ".join(f"{e['field']}: {e['message']}" for e in errors))


def _field_path(loc: tuple[Any, ...]) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += ("." if path else "") + str(part)
    return path or "(case)"


def validation_errors(exc: ValidationError) -> list[dict[str, str]]:
    """Pydantic's errors as ``[{field, message}]`` with dotted paths (``denial.notice_date``)."""
    errors = []
    for err in exc.errors(include_url=False):
        message = err["msg"]
        if err["type"] == "extra_forbidden":
            message = "unknown field (not part of the case contract)"
        elif err["type"] == "missing":
            message = "required field is missing"
        elif err["type"] == "value_error":
            message = message.removeprefix("Value error, ")
        loc = err["loc"]
        if loc and loc[-1] == "[key]":  # a dict key (an answer's question id): name the dict
            loc, message = loc[:-2], f"answer id {err['input']!r} is not a question id"
        errors.append({"field": _field_path(loc), "message": message})
    return errors


def parse_case(data: Any) -> Case:
    """Validate a decoded JSON object as a :class:`Case` or raise :class:`CaseError`."""
    if not isinstance(data, dict):
        raise CaseError([{"field": "(case)", "message": "a case must be a JSON object"}])
    try:
        return Case.model_validate(data)
    except ValidationError as exc:
        raise CaseError(validation_errors(exc)) from None
