"""The intake form's answers as a contract case, and the contract's complaints back on the form.

The form builds the case as a plain dict (what the JSON API would receive) and
``appeals.contract.parse_case`` judges it; a CaseError is mapped back onto the field it names.
"""

from __future__ import annotations

import re
from typing import Any

from ..contract import CaseError
from .forms.letter_details import detail_field_for, details_into_case
from .forms.intake import (
    MODE_APPEAL, DocumentationLine, IntakeForm, parse_documentation, parse_number, read_attr,
)


def _text(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def _answers(form: IntakeForm) -> dict[str, Any]:
    """The answers to the questions on the page (a follow-up not called for is not sent)."""
    answers: dict[str, Any] = {}
    shown = getattr(form, "shown_questions", None)
    entries = [(s.field, s.question) for s in shown] if shown is not None else form.question_fields
    for field, question in entries:
        kind = read_attr(question, "type")
        qid = str(read_attr(question, "id"))
        if kind == "yes_no":
            if field.data in ("yes", "no"):
                answers[qid] = field.data == "yes"
        elif kind == "number":
            number = parse_number(field.data)
            if number is not None:
                answers[qid] = number
        elif kind == "date":
            if field.data:
                answers[qid] = field.data.isoformat()
        elif _text(field.data) is not None:
            answers[qid] = _text(field.data)
    return answers


def case_data(form: IntakeForm, service_id: str) -> tuple[dict[str, Any], list[DocumentationLine]]:
    """The case as the JSON API would receive it (dates as ISO strings), plus the note lines
    (to name the line of a note the contract refuses)."""
    data: dict[str, Any] = {"service": service_id, "plan_type": form.plan_type.data}
    if _text(form.payer.data):
        data["payer"] = _text(form.payer.data)
    patient = {
        "name": _text(form.patient_name.data),
        "date_of_birth": form.patient_dob.data.isoformat() if form.patient_dob.data else None,
        "member_id": _text(form.member_id.data),
    }
    patient = {key: value for key, value in patient.items() if value is not None}
    if patient:
        data["patient"] = patient
    if form.mode.data == MODE_APPEAL:
        denial: dict[str, Any] = {"notice_date": form.notice_date.data.isoformat()}
        if form.received_date.data:
            denial["received_date"] = form.received_date.data.isoformat()
        for key, field in (("text", form.denial_text), ("code", form.denial_code),
                           ("reference", form.denial_reference)):
            if _text(field.data):
                denial[key] = _text(field.data)
        data["denial"] = denial
    if _text(form.original_request.data):
        data["original_request"] = _text(form.original_request.data)
    notes, _ = parse_documentation(form.documentation.data)
    source = _text(form.documentation_source.data)
    if notes:
        data["documentation"] = [
            {key: value for key, value in (("text", note.text), ("date", note.date),
                                           ("source", source)) if value is not None}
            for note in notes
        ]
    details_into_case(form, data, with_denial=form.mode.data == MODE_APPEAL)
    answers = _answers(form)
    if answers:
        data["answers"] = answers
    return data, notes


# Contract field path -> form field name.
_CASE_FIELDS = {
    "service": "service",
    "plan_type": "plan_type",
    "payer": "payer",
    "patient": "patient_name",
    "patient.name": "patient_name",
    "patient.date_of_birth": "patient_dob",
    "patient.member_id": "member_id",
    "denial": "notice_date",
    "denial.notice_date": "notice_date",
    "denial.received_date": "received_date",
    "denial.text": "denial_text",
    "denial.code": "denial_code",
    "denial.reference": "denial_reference",
    "original_request": "original_request",
    "documentation": "documentation",
}
_DOC_ITEM = re.compile(r"^documentation\[(\d+)\](?:\.(\w+))?$")


def apply_case_errors(form: IntakeForm, error: CaseError, notes: list[DocumentationLine]) -> None:
    """Put each contract error next to the form field it came from."""
    by_question = {str(read_attr(q, "id")): field.name for field, q in form.question_fields}
    for item in error.errors:
        path, message = item["field"], item["message"]
        doc = _DOC_ITEM.match(path)
        if doc:
            index = int(doc.group(1))
            if doc.group(2) == "source":
                form.add_error("documentation_source", message)
            else:
                line = notes[index].line_number if index < len(notes) else index + 1
                form.add_error("documentation", f"Line {line}: {message}")
        elif path.startswith("answers."):
            form.add_error(by_question.get(path[len("answers."):]), message)
        elif path == "answers":
            form.add_error(None, f"Answers: {message}")
        elif detail_field_for(path):
            form.add_error(detail_field_for(path), message)
        else:
            form.add_error(_CASE_FIELDS.get(path), message if path in _CASE_FIELDS
                           else f"{path}: {message}")
