"""The JSON the API takes and answers, as pydantic models: the OpenAPI document's schemas are
generated from these (and from the contract's Case and MatchResult), never written by hand.

They describe; the views still build their JSON with the *_json() helpers, and a test checks the
real responses against the generated schemas.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, RootModel

from ...contract import NOT_BLANK, Case, IsoDate, MatchResult
from ...letters.context import LETTER_KINDS
from ...services.letter_library import MAX_DESCRIPTION, MAX_NAME

Timestamp = str  # ISO 8601, UTC, with its offset
LetterKind = Literal[LETTER_KINDS]  # type: ignore[valid-type]
Visibility = Literal["private", "organization", "public"]


def _time(description: str = "") -> object:
    return Field(None, json_schema_extra={"format": "date-time"}, description=description or None)


class FieldError(BaseModel):
    field: str
    message: str


class Error(BaseModel):
    """Every error the API answers, in one shape."""

    error: str = Field(description="The HTTP status in words.")
    message: str = Field(description="What went wrong, in plain words.")
    errors: list[FieldError] | None = Field(None, description="Each invalid field and its problem (422).")
    status: str | None = Field(None, description="The appeal's or batch's status (409).")


class OpenApiDocument(BaseModel):
    """The OpenAPI 3.1 document."""

    model_config = ConfigDict(extra="allow")
    openapi: str
    paths: dict


class Me(BaseModel):
    """The token's user."""


    email: str
    organization_id: int | None
    role: str


# --- matching ------------------------------------------------------------------------------


class ServiceSummary(BaseModel):
    id: str
    name: str
    codes: list[str] = Field(description="CPT codes")
    aliases: list[str] | None = None
    payers: list[str] | None = Field(
        None, description="Payer variants with criteria (acr is the neutral default).")


class MatchQuery(BaseModel):
    date: IsoDate | None = Field(None, json_schema_extra={"format": "date"}, description="Judge the case as on this date (YYYY-MM-DD): "
                                                   "warnings such as a passed deadline depend on it.")


class ServiceList(BaseModel):
    """The services."""

    services: list[ServiceSummary]


class ServiceCriteria(BaseModel):
    """One service's criteria: sources, pathways, signs and plain questions."""


# --- appeals -------------------------------------------------------------------------------


class LetterInfo(BaseModel):
    filename: str | None = None
    size: int | None = None
    created_at: Timestamp | None = _time()


class AppealLinks(BaseModel):
    self: str | None = None
    letter: str | None = None
    letter_pdf: str | None = None


class Appeal(BaseModel):
    """An appeal: its status, the match result, and the letter once written."""

    id: str
    status: Literal["queued", "rendering", "done", "failed"]
    kind: str = Field(description="The letter kind.")
    template: str | None = Field(None, description="The template version used.")
    error: str | None = Field(None, description="Why the letter failed.")
    attempts: int | None = None
    created_at: Timestamp | None = _time()
    queued_at: Timestamp | None = _time()
    started_at: Timestamp | None = _time()
    finished_at: Timestamp | None = _time()
    batch_id: str | None = None
    row_number: int | None = None
    case: Case | None = None
    result: MatchResult
    letter: LetterInfo | None = None
    links: AppealLinks


class AppealQuery(BaseModel):
    letter: LetterKind | None = Field(None, description="The letter kind; by default the one the result calls for.")
    template: str | None = Field(None, min_length=1, description="A letter template from the library: a template "
                                                   "id (its current version is used) or one of its version ids.")


class AppealListQuery(BaseModel):
    sort: Literal["newest", "oldest", "deadline"] = Field(
        "newest", description="newest or oldest first, or by appeal deadline (soonest first, "
                              "appeals without one last).")
    page: int = Field(1, ge=1, description="The page, from 1.")
    per_page: int = Field(50, ge=1, le=200, description="Appeals on a page.")


class AppealSummary(BaseModel):
    """An appeal in a list: where it stands, without its case (GET the appeal for that)."""

    id: str
    status: str
    kind: str | None = None
    created_at: Timestamp | None = _time()
    service: str | None = Field(None, description="The criteria's service id.")
    outcome: str | None = None
    urgency: str | None = None
    deadline: str | None = Field(None, description="The last day to appeal (YYYY-MM-DD), if any.")
    deadline_passed: bool = Field(description="Whether that day is before today.")
    check_before_filing: bool = Field(description="True for a check before filing (no denial).")
    batch_id: str | None = None
    links: dict[str, str]


class AppealList(BaseModel):
    """A page of the caller's appeals."""

    appeals: list[AppealSummary]
    page: int
    per_page: int
    total: int = Field(description="Appeals in all pages.")
    links: dict[str, str] = Field(description="self, and next/prev where there is such a page.")


class LetterQuery(BaseModel):
    format: Literal["docx", "pdf"] = "docx"


# --- batches -------------------------------------------------------------------------------


class RowProblem(BaseModel):
    row: int = Field(description="As the spreadsheet numbers it (or the case's 1-based position "
                                 "in a JSON list).")
    column: str = Field(description="As the file's header spells it.")
    field: str = Field(description="The contract column.")
    message: str


class Batch(BaseModel):
    """A batch: progress, and the validation report (row, column, problem)."""

    id: str
    filename: str | None = None
    status: Literal["staged", "running", "finished"]
    total: int = Field(description="Letters expected (valid rows).")
    done: int
    failed: int
    pending: int
    invalid: int = Field(description="Rows that failed validation.")
    rows: int = Field(description="Data rows in the file.")
    created_at: Timestamp | None = _time()
    finished_at: Timestamp | None = _time()
    notes: list[str] | None = None
    errors: list[RowProblem] = Field(description="The validation report: one item per problem.")
    retried: int | None = None
    fixed: int | None = None
    still_invalid: int | None = None
    links: dict[str, str]


class BatchList(BaseModel):
    """The batches."""

    batches: list[Batch]


_BATCH_ITEMS = ("Contract cases (see Case). A case that is not valid does not refuse the batch: "
                "it is reported in the batch's `errors`, row by row.")


class BatchCaseList(RootModel[list[Any]]):
    root: list[Any] = Field(min_length=1, description=_BATCH_ITEMS)


class BatchCases(BaseModel):
    model_config = ConfigDict(extra="forbid")
    cases: list[Any] = Field(min_length=1, description=_BATCH_ITEMS)
    letter: str | None = Field(None, min_length=1)


class BatchQuery(BaseModel):
    letter: str | None = Field(None, min_length=1, description="The letter for rows that do not name one: a "
                                                 "built-in kind (patient, clinician, advocate, "
                                                 "checklist, correction) or a template id.")


class BatchListQuery(BaseModel):
    limit: int = Field(50, ge=1, le=200)


class ArchiveQuery(BaseModel):
    partial: bool | None = Field(None, description="The letters so far, while running.")


class SpreadsheetUpload(BaseModel):
    file: bytes = Field(description="CSV (UTF-8, comma or semicolon) or XLSX")
    letter: str | None = None


class FixedRowsUpload(BaseModel):
    file: bytes = Field(description="The fixed rows, each with a `row` column naming its original row.")


# --- letter templates ----------------------------------------------------------------------


class CheckProblem(BaseModel):
    severity: Literal["error", "warning"]
    code: str
    message: str
    location: str | None = None
    part: str | None = None
    paragraph: int | None = None
    where: str | None = None
    snippet: str | None = None
    suggestion: str | None = None


class CheckVariable(BaseModel):
    name: str
    path: str | None = None
    known: bool | None = None
    count: int | None = None
    locations: list[str] | None = None
    suggestion: str | None = None


class TemplateCheck(BaseModel):
    """The upload check: errors refuse the upload, warnings are advice."""

    ok: bool
    error_count: int | None = None
    warning_count: int | None = None
    problems: list[CheckProblem]
    variables: list[CheckVariable]
    parts: list[str] | None = None
    render_seconds: float | None = Field(None, description="The slowest sample letter's render "
                                         "(s), when measured against the render budget.")


class TemplateVersion(BaseModel):
    id: str = Field(description="What POST /api/v1/appeals?template= takes.")
    number: int
    filename: str | None = None
    created_at: Timestamp | None = _time()
    preview_status: str | None = None
    check: TemplateCheck | None = None


class LetterTemplate(BaseModel):
    """A letter template."""

    id: str
    name: str
    description: str | None = None
    visibility: Visibility
    based_on: str | None = None
    mine: bool | None = None
    updated_at: Timestamp | None = _time()
    current_version: TemplateVersion | None = None
    versions: list[TemplateVersion] | None = None
    links: dict[str, str] | None = None


class BuiltinLetter(BaseModel):
    kind: str
    name: str


class TemplateList(BaseModel):
    """The templates, and the built-in kinds."""

    templates: list[LetterTemplate]
    builtins: list[BuiltinLetter]


class TemplateStored(BaseModel):
    """Stored: the template (and new version) with its check report."""

    template: LetterTemplate
    check: TemplateCheck
    version: TemplateVersion | None = None


class TemplatePreview(BaseModel):
    """The preview's status and results."""

    status: Literal["none", "queued", "done", "failed"] | None = None
    version: TemplateVersion | None = None
    preview: dict | None = Field(None, description="{ok, images_note, samples: [{key, label, "
                                                   "outcome, ok, error, text, pages}]}")


class TemplateUpload(BaseModel):
    file: bytes = Field(description="The Word .docx template.")
    name: str | None = Field(None, max_length=MAX_NAME)
    description: str | None = Field(None, max_length=MAX_DESCRIPTION)
    visibility: Visibility | None = None


class DocxUpload(BaseModel):
    file: bytes


class TemplateSettings(BaseModel):
    name: str | None = Field(None, min_length=1, max_length=MAX_NAME, pattern=NOT_BLANK)
    description: str | None = Field(None, max_length=MAX_DESCRIPTION)
    visibility: Visibility | None = None


class DocxQuery(BaseModel):
    version: int | None = Field(None, description="A version number (default: current).")


# --- documents read (POST /api/v1/documents) -------------------------------------------------


class DocumentsUpload(BaseModel):
    file: list[bytes] = Field(min_length=1, description="One or more files: PDF, PNG, JPEG, "
                              "HEIC, DOCX or TXT (repeat the field for each).")


class DocumentRead(BaseModel):
    name: str
    role: Literal["denial letter", "order", "records", "refused"]
    method: str | None = Field(None, description="text layer, ocr, text layer + ocr, docx, plain text")
    pages: int
    lines: int
    warnings: list[str]
    error: str | None = Field(None, description="Why the file was refused.")


class FieldRead(BaseModel):
    name: str = Field(description="The case's field: denial.notice_date, denial.reference, "
                                  "denial.code, denial.text, payer, denial.reviewer, service, "
                                  "study.cpt, study.side, study.contrast, plan_type, "
                                  "denial.appeal_address, denial.appeal_fax, deadline, "
                                  "original_request, patient.name, patient.member_id, "
                                  "patient.date_of_birth")
    value: str | int | float | None
    snippet: str = Field(description="The text the value was read from.")
    document: str
    page: int
    confidence: float = Field(description="0-100; 100 for a text layer.")
    low_confidence: bool


class NoteRead(BaseModel):
    text: str
    date: dt.date | None
    source: str
    document: str
    page: int
    confidence: float
    low_confidence: bool


class DocumentsReading(BaseModel):
    documents: list[DocumentRead]
    fields: list[FieldRead]
    notes: list[NoteRead]
    case: dict = Field(description="The case built from everything read, unconfirmed: check and "
                                   "correct it (plan_type is often absent) before POST /appeals.")
