"""Start from your documents: upload the denial letter and the records (`/documents`), check what
was read field by field (`/documents/<id>`), then go on in the intake form, already filled in.

Nothing read is used unconfirmed: the confirm page shows each value with the text it came from
(low-confidence ones marked), every value editable; only what the person confirms reaches the
intake form (`intake_form_data`, read by the intake view's one hook), and the form itself is
still checked and submitted by the person.
"""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from werkzeug.datastructures import MultiDict

from ..access import current_principal, grant_to_session
from ..contract import PLAN_TYPES
from ..intake.documents import FIELD_LABELS, LOW_CONFIDENCE, heic_supported, tesseract_available
from ..intake.rows import LETTER_DETAIL_FIELDS
from ..services import documents as document_service

documents = Blueprint("documents", __name__, url_prefix="/documents")

MODES = {"appeal": "I was denied: help me appeal", "check": "I haven't filed yet"}
# Fields a check before filing has no use for (there is no denial yet).
_DENIAL_ONLY = {name for name in FIELD_LABELS if name.startswith("denial.")} | {"deadline"}
_MULTILINE = {"denial.text", "original_request", "denial.appeal_address"}


@documents.get("/")
def upload_page():
    mode = request.args.get("mode") if request.args.get("mode") in MODES else "appeal"
    return _upload(mode)


def _upload(mode: str, errors: list[str] | None = None, status: int = 200):
    return render_template("documents/upload.html", mode=mode, modes=MODES, errors=errors or [],
                           ocr=tesseract_available(), heic=heic_supported()), status


@documents.post("/")
def upload():
    mode = request.form.get("mode") if request.form.get("mode") in MODES else "appeal"
    files = [(upload.filename, upload.read()) for upload in request.files.getlist("files")]
    try:
        reading = document_service.read_uploads(files)
    except document_service.UploadError as error:
        return _upload(mode, [str(error)], 422)
    summaries = reading.to_json()["documents"]
    if all(item["error"] for item in summaries):
        return _upload(mode, [item["error"] for item in summaries], 422)
    draft = document_service.save_draft(reading, mode)
    if current_principal().is_anonymous:
        grant_to_session(draft)  # this browser may see its own draft, nobody else
    return redirect(url_for("documents.confirm_page", draft_id=draft.id), code=303)


@documents.get("/<draft_id>")
def confirm_page(draft_id: str):
    draft = document_service.get_draft(draft_id)
    return _confirm(draft)


def _confirm(draft, errors: list[str] | None = None, status: int = 200):
    reading = draft.reading_json
    read = {item["name"]: item for item in reading["fields"]}
    names = [name for name in FIELD_LABELS
             if not (draft.mode == "check" and name in _DENIAL_ONLY)]
    rows = [{"name": name, "label": FIELD_LABELS[name], "read": read.get(name),
             "value": "" if read.get(name) is None else str(read[name]["value"]),
             "multiline": name in _MULTILINE} for name in names]
    extra = {} if draft.mode == "check" else document_service.CONFIRM_ONLY_FIELDS
    return render_template("documents/confirm.html", draft=draft, rows=rows, extra=extra,
                           documents=reading["documents"], notes=reading["notes"],
                           plan_types=PLAN_TYPES, low=LOW_CONFIDENCE, errors=errors or []), status


@documents.post("/<draft_id>")
def confirm(draft_id: str):
    draft = document_service.get_draft(draft_id)
    values = {name: request.form.get(f"field-{name}", "") for name in FIELD_LABELS}
    for name in document_service.CONFIRM_ONLY_FIELDS:
        values[name] = request.form.get(f"field-{name}", "")
    notes = []
    for index in range(len(draft.reading_json["notes"])):
        if request.form.get(f"note-{index}-keep") != "yes":
            continue  # the person left this note out
        notes.append({"text": request.form.get(f"note-{index}-text", ""),
                      "date": request.form.get(f"note-{index}-date", "").strip() or None,
                      "source": request.form.get(f"note-{index}-source", "").strip() or None})
    document_service.confirm(draft, values, notes)
    return redirect(url_for("intake.start", draft=draft.id), code=303)


# ----------------------------------------------------------------------------------------------
# The one hook the intake form uses


def intake_form_data(draft_id: str) -> MultiDict | None:
    """The intake form's fields from a confirmed draft the caller may read (404 otherwise), or
    None before confirmation. Field names are the intake form's own."""
    draft = document_service.get_draft(draft_id)
    case = document_service.confirmed_case(draft)
    if case is None:
        return None
    denial = case.get("denial") or {}
    patient = case.get("patient") or {}
    data = {
        "mode": draft.mode, "service": case.get("service", ""), "plan_type": case.get("plan_type", ""),
        "payer": case.get("payer", ""), "patient_name": patient.get("name", ""),
        "patient_dob": patient.get("date_of_birth", ""), "member_id": patient.get("member_id", ""),
        "notice_date": denial.get("notice_date", ""), "received_date": denial.get("received_date", ""),
        "denial_reference": denial.get("reference", ""), "denial_code": denial.get("code", ""),
        "denial_text": denial.get("text", ""), "original_request": case.get("original_request", ""),
        # One note a line, "date: text", as the form reads them; the source leads the text.
        "documentation": "\n".join(
            (f"{note['date']}: " if note.get("date") else "")
            + (f"{note['source']}: " if note.get("source") else "") + " ".join(note["text"].split())
            for note in case.get("documentation", [])),
    }
    data.update(_letter_details(case))
    return MultiDict({key: value for key, value in data.items() if value})


def _letter_details(case: dict) -> dict[str, str]:
    """The letter details read from the documents (reviewer, appeal address and fax, the study,
    the clinician), under the form's own field names."""
    values = {}
    for path, name in LETTER_DETAIL_FIELDS.items():
        value: object = case
        for key in path.split("."):
            value = value.get(key) if isinstance(value, dict) else None
        if isinstance(value, list):
            value = ", ".join(value)
        if isinstance(value, str) and value:
            values[name] = value
    return values
