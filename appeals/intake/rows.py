"""One spreadsheet row of cells -> a contract :class:`~appeals.contract.Case`, with every problem
named by row (as the spreadsheet numbers it) and column (as the file's header spells it).

Pure code: no Flask, Celery or database imports.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any, Mapping

from ..contract import PLAN_TYPES, Case, CaseError, parse_case
from .columns import DOCUMENT_SEPARATOR, PLAN_TYPE_ALIASES, normalize_label

@dataclass(frozen=True)
class RowProblem:
    row: int
    column: str  # the column as the file names it (or the contract column where the file has none)
    field: str  # the contract column
    message: str

    def __str__(self) -> str:
        return f"row {self.row}, column {self.column!r}: {self.message}"

    def to_json(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "field": self.field,
                "message": self.message}


@dataclass
class ParsedRow:
    """One data row: its case (when valid), the letter it asks for, and any problems."""

    row: int
    cells: dict[str, str]  # contract column -> cell text (kept so a person can fix the row)
    case: Case | None = None
    letter: str | None = None
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return self.case is not None and not self.problems


_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00(?:\.0+)?)?)?$")
_YMD_SLASH = re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$")
_US = re.compile(r"^(\d{1,2})[/-](\d{1,2})[/-](\d{4})$")
_DOTTED = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
DATE_FORMATS_HELP = "use YYYY-MM-DD (or MM/DD/YYYY)"


def parse_date(text: str) -> dt.date:
    """A date as clinics write it: ISO (2025-03-01), US (03/01/2025), or day-first with dots
    (01.03.2025, as European spreadsheets export). Two-digit years are refused: they are
    ambiguous."""
    text = text.strip()
    for pattern, order in ((_ISO, "ymd"), (_YMD_SLASH, "ymd"), (_US, "mdy"), (_DOTTED, "dmy")):
        match = pattern.match(text)
        if match:
            parts = dict(zip(order, (int(g) for g in match.groups())))
            try:
                return dt.date(parts["y"], parts["m"], parts["d"])
            except ValueError as exc:
                raise ValueError(f"{text!r} is not a real date ({exc})") from None
    raise ValueError(f"{text!r} is not a date: {DATE_FORMATS_HELP}")


def parse_plan_type(text: str) -> str:
    value = PLAN_TYPE_ALIASES.get(normalize_label(text))
    if value is None:
        raise ValueError(f"unknown plan type {text!r}: use one of {', '.join(PLAN_TYPES)}")
    return value


def split_documentation(text: str) -> list[str]:
    return [part.strip() for part in DOCUMENT_SEPARATOR.split(text) if part.strip()]


# As on the web form: a note that starts with YYYY-MM-DD is dated by it; list bullets are dropped.
_DATED_NOTE = re.compile(r"^(\d{4}-\d{1,2}-\d{1,2})\s*[:\-–—,]?\s*(.*)$", re.S)
_BULLETS = "•*-– "


def documentation_notes(text: str) -> tuple[list[dict[str, str]], list[str]]:
    """The documentation cell as contract documents ``[{text, date?}]``, and the problems."""
    notes: list[dict[str, str]] = []
    problems: list[str] = []
    for number, part in enumerate(split_documentation(text), start=1):
        note = part.lstrip(_BULLETS).strip()
        if not note:
            continue
        match = _DATED_NOTE.match(note)
        if match:
            try:
                date = parse_date(match.group(1))
            except ValueError:
                problems.append(f"note {number}: {match.group(1)!r} is not a real date")
                continue
            if date > dt.date.today():
                problems.append(f"note {number}: the date {date.isoformat()} is in the future")
                continue
            if not match.group(2).strip():
                problems.append(f"note {number}: there is a date but no note after it")
                continue
            notes.append({"text": match.group(2).strip(), "date": date.isoformat()})
        else:
            notes.append({"text": note})
    return notes, problems


def unescape_cell(text: str) -> str:
    """A leading apostrophe before = + - @ is the spreadsheet's "this is text" mark (and what the
    manifest and the invalid-rows download add): drop it."""
    if text.startswith("'") and text[1:2] in ("=", "+", "-", "@"):
        return text[1:]
    return text


def _patient_name(cells: Mapping[str, str]) -> str:
    if cells.get("patient_name"):
        return cells["patient_name"]
    first, last = cells.get("patient_first_name", ""), cells.get("patient_last_name", "")
    if first and last:
        return f"{last}, {first}"
    return first or last


ADVOCATE_KEYS = ("name", "organization", "phone", "email", "address")

# The letter details' contract paths -> their name as a spreadsheet column and as a web form field
# (the two use the same names).
LETTER_DETAIL_FIELDS = {
    "patient.address": "patient_address",
    "patient.phone": "patient_phone",
    "denial.reviewer": "denial_reviewer",
    "denial.appeal_address": "appeal_address",
    "denial.appeal_fax": "appeal_fax",
    "study": "study_cpt",
    "study.cpt": "study_cpt",
    "study.side": "study_side",
    "study.contrast": "study_contrast",
    "clinician": "clinician_name",
    **{f"clinician.{key}": f"clinician_{key}"
       for key in ("name", "npi", "facility", "phone", "fax", "address")},
    "diagnosis_codes": "diagnosis_codes",
    "denial.late_reason": "late_reason",
    "advocate": "advocate_name",
    **{f"advocate.{key}": f"advocate_{key}" for key in ADVOCATE_KEYS},
}

# Contract field path (as CaseError names it) -> spreadsheet column.
_FIELD_COLUMNS = {
    "service": "service",
    "plan_type": "plan_type",
    "payer": "payer",
    "patient.name": "patient_name",
    "patient.date_of_birth": "patient_dob",
    "patient.age": "patient_age",
    "patient.sex": "patient_sex",
    "patient.member_id": "member_id",
    "denial": "denial_notice_date",
    "denial.notice_date": "denial_notice_date",
    "denial.received_date": "denial_received_date",
    "denial.text": "denial_text",
    "denial.code": "denial_code",
    "denial.reference": "denial_reference",
    "original_request": "original_request",
    "documentation": "documentation",
    **LETTER_DETAIL_FIELDS,
}
_SIDES = {"left": "left", "l": "left", "lt": "left", "right": "right", "r": "right",
          "rt": "right", "bilateral": "bilateral", "b l": "bilateral", "both": "bilateral",
          "bil": "bilateral"}
_CONTRASTS = {"without": "without", "w o": "without", "wo": "without", "none": "without",
              "no contrast": "without", "without contrast": "without", "with": "with",
              "w": "with", "with contrast": "with", "with and without": "with_and_without",
              "without and with": "with_and_without", "w wo": "with_and_without",
              "w and wo": "with_and_without", "wo w": "with_and_without",
              "with and without contrast": "with_and_without"}
_REQUIRED_MESSAGES = {
    "service": "service is required: a CPT code (72148) or the name of the imaging",
    "plan_type": "plan type is required: " + ", ".join(PLAN_TYPES),
    "denial_notice_date": "the denial notice date is required when any denial column is filled "
                          "(leave all denial columns empty for a check before filing)",
}


def _column_for_field(path: str) -> str:
    if path in _FIELD_COLUMNS:
        return _FIELD_COLUMNS[path]
    if path.startswith("documentation"):
        return "documentation"
    head = re.split(r"[.\[]", path)[0]  # "diagnosis_codes[0]" is the diagnosis_codes column
    return _FIELD_COLUMNS.get(head, head)


def row_to_case(
    row: int,
    cells: Mapping[str, str],
    *,
    header_for=lambda column: column,
    letter_choices: Mapping[str, str] | None = None,
) -> ParsedRow:
    """Build the contract case for one row. ``cells`` maps contract columns to cell text.
    ``letter_choices`` maps a normalized letter name to its canonical value (kinds and the
    template ids this user may use); None accepts any value."""
    cells = {k: unescape_cell((v or "").strip()) for k, v in cells.items()}
    parsed = ParsedRow(row=row, cells=dict(cells))

    def problem(column: str, message: str) -> None:
        parsed.problems.append(RowProblem(row, header_for(column), column, message))

    def date_of(column: str) -> str | None:
        if not cells.get(column):
            return None
        try:
            return parse_date(cells[column]).isoformat()
        except ValueError as exc:
            problem(column, str(exc))
            return None

    data: dict[str, Any] = {}
    if cells.get("service"):
        data["service"] = cells["service"]
    if cells.get("plan_type"):
        try:
            data["plan_type"] = parse_plan_type(cells["plan_type"])
        except ValueError as exc:
            problem("plan_type", str(exc))
    if cells.get("payer"):
        data["payer"] = cells["payer"]

    patient: dict[str, Any] = {}
    if name := _patient_name(cells):
        patient["name"] = name
    if dob := date_of("patient_dob"):
        if dob > dt.date.today().isoformat():
            problem("patient_dob", f"date of birth {cells['patient_dob']!r} is in the future")
        else:
            patient["date_of_birth"] = dob
    if cells.get("patient_age"):
        try:
            patient["age"] = int(float(cells["patient_age"]))
        except ValueError:
            problem("patient_age", f"age {cells['patient_age']!r} is not a number of years")
    if cells.get("patient_sex"):
        patient["sex"] = cells["patient_sex"]
    if cells.get("member_id"):
        patient["member_id"] = cells["member_id"]
    for column, key in (("patient_address", "address"), ("patient_phone", "phone")):
        if cells.get(column):
            patient[key] = cells[column]
    if patient:
        data["patient"] = patient

    denial_columns = ("denial_notice_date", "denial_received_date", "denial_reference",
                      "denial_text", "denial_code", "denial_reviewer", "appeal_address",
                      "appeal_fax", "late_reason")
    if any(cells.get(c) for c in denial_columns):
        denial: dict[str, Any] = {}
        notice, received = date_of("denial_notice_date"), date_of("denial_received_date")
        if notice:
            denial["notice_date"] = notice
        elif not cells.get("denial_notice_date"):
            problem("denial_notice_date", _REQUIRED_MESSAGES["denial_notice_date"])
        if received:
            if notice and received < notice:
                problem("denial_received_date",
                        f"received {cells['denial_received_date']!r} before the notice date "
                        f"{cells['denial_notice_date']!r}")
            else:
                denial["received_date"] = received
        for column, key in (("denial_reference", "reference"), ("denial_text", "text"),
                            ("denial_code", "code"), ("denial_reviewer", "reviewer"),
                            ("appeal_address", "appeal_address"), ("appeal_fax", "appeal_fax"),
                            ("late_reason", "late_reason")):
            if cells.get(column):
                denial[key] = cells[column]
        data["denial"] = denial
    if cells.get("original_request"):
        data["original_request"] = cells["original_request"]
    if cells.get("documentation"):
        notes, note_problems = documentation_notes(cells["documentation"])
        for message in note_problems:
            problem("documentation", message)
        if notes:
            data["documentation"] = notes

    _letter_details(cells, data, problem)

    if cells.get("letter"):
        if letter_choices is None:
            parsed.letter = cells["letter"]
        else:
            parsed.letter = letter_choices.get(normalize_label(cells["letter"]))
            if parsed.letter is None:
                problem("letter", f"unknown letter {cells['letter']!r}: use one of "
                        + ", ".join(sorted(set(letter_choices.values()))))

    try:
        case = parse_case(data)
    except CaseError as exc:
        reported = {p.field for p in parsed.problems}
        for error in exc.errors:
            column = _column_for_field(error["field"])
            if column in reported:
                continue  # already explained in the column's own words
            reported.add(column)
            message = error["message"]
            if message == "required field is missing":
                message = _REQUIRED_MESSAGES.get(column, f"{column} is required")
            problem(column, message)
        return parsed
    if not parsed.problems:
        parsed.case = case
    return parsed




def _letter_details(cells: Mapping[str, str], data: dict[str, Any], problem) -> None:
    """The optional letter details: the exact study, the ordering clinician, ICD-10 codes, the
    advocate who writes for the patient."""
    study: dict[str, Any] = {}
    if cells.get("study_cpt"):
        study["cpt"] = cells["study_cpt"]
    for column, key, words in (("study_side", "side", _SIDES),
                               ("study_contrast", "contrast", _CONTRASTS)):
        if cells.get(column):
            value = words.get(normalize_label(cells[column]))
            if value is None:
                problem(column, f"{key} {cells[column]!r} is not one of: "
                        + ", ".join(sorted(set(words.values()))))
            else:
                study[key] = value
    if study:
        data["study"] = study
    clinician = {key: cells[f"clinician_{key}"]
                 for key in ("name", "npi", "facility", "phone", "fax", "address")
                 if cells.get(f"clinician_{key}")}
    if clinician:
        data["clinician"] = clinician
    advocate = {key: cells[f"advocate_{key}"] for key in ADVOCATE_KEYS
                if cells.get(f"advocate_{key}")}
    if advocate:
        data["advocate"] = advocate
    if cells.get("diagnosis_codes"):
        data["diagnosis_codes"] = [c for c in re.split(r"[\s,;|]+", cells["diagnosis_codes"])
                                   if c]
