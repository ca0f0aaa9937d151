"""The appeals API: submit a case, poll its status and result, download its letter.

POST /api/v1/appeals            a contract case as the JSON body -> 202 + Location
GET  /api/v1/appeals/<id>       status, result, error, links
GET  /api/v1/appeals/<id>/letter    the .docx (?format=pdf when LibreOffice is installed)
POST /api/v1/appeals/<id>/retry     queue a failed letter again

Every record is scoped to the token's user (and their organization); another's id answers 404.
"""

from __future__ import annotations

from datetime import datetime, timezone

from flask import Response, jsonify, request, url_for

from ...services import appeals as appeal_service
from ...access import current_principal, get_owned_or_404
from ...audit import record_event
from ...models.appeals import DONE, FAILED, Appeal
from . import api
from .bodies import json_error as _error, read_case

RETRY_AFTER_SECONDS = 2
DOCX_MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _iso(moment: datetime | None) -> str | None:
    """ISO 8601 in UTC with its offset (SQLite hands back naive datetimes; they are UTC)."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).isoformat()


def appeal_json(appeal: Appeal) -> dict:
    """An appeal as the API shows it (also what POST returns)."""
    letter = appeal_service.letter_for(appeal) if appeal.status == DONE else None
    return {
        "id": appeal.id,
        "status": appeal.status,
        "kind": appeal.kind,
        "template": appeal.template_version_id,
        "error": appeal.error,
        "attempts": appeal.attempts,
        "created_at": _iso(appeal.created_at),
        "queued_at": _iso(appeal.queued_at),
        "started_at": _iso(appeal.started_at),
        "finished_at": _iso(appeal.finished_at),
        "batch_id": appeal.batch_id,
        "row_number": appeal.row_number,
        "case": appeal.case_json,
        "result": appeal.result_json,
        "letter": (
            {
                "filename": letter.filename,
                "size": len(letter.docx),
                "created_at": _iso(letter.created_at),
            }
            if letter is not None
            else None
        ),
        "links": {
            "self": url_for("api.get_appeal", appeal_id=appeal.id),
            "letter": url_for("api.get_appeal_letter", appeal_id=appeal.id),
            "letter_pdf": url_for("api.get_appeal_letter", appeal_id=appeal.id, format="pdf"),
        },
    }


def _template_version(template: str | None) -> str | None:
    """The exact template version to write with: `template` is a library template id (its
    current version) or one of its version ids, and must be visible to the caller."""
    if template is None:
        return None
    from ...letter_templates.store import resolve_template_for
    from ...letters import TemplateError

    try:
        version_id, _ = resolve_template_for(current_principal(), template)
    except (LookupError, TemplateError) as exc:
        raise appeal_service.SubmissionError([{"field": "template", "message": str(exc)}]) from None
    return version_id


@api.post("/appeals")
def create_appeal():
    case, problem = read_case()
    if problem:
        return problem
    kind = request.args.get("letter") or None
    try:
        template_version_id = _template_version(request.args.get("template") or None)
        appeal = appeal_service.submit_appeal(case, kind=kind, template_version_id=template_version_id)
    except appeal_service.SubmissionError as exc:
        return _error(422, "the request is not valid", errors=exc.errors)
    record_event("created", appeal)
    response = jsonify(appeal_json(appeal))
    response.status_code = 202
    response.headers["Location"] = url_for("api.get_appeal", appeal_id=appeal.id)
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


@api.get("/appeals/<appeal_id>")
def get_appeal(appeal_id: str):
    appeal = get_owned_or_404(Appeal, appeal_id)
    record_event("viewed", appeal)
    response = jsonify(appeal_json(appeal))
    if not appeal.is_finished:
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


@api.get("/appeals/<appeal_id>/letter")
def get_appeal_letter(appeal_id: str):
    appeal = get_owned_or_404(Appeal, appeal_id)
    wanted = request.args.get("format", "docx")
    if wanted not in ("docx", "pdf"):
        return _error(400, "format must be docx or pdf", errors=[
            {"field": "format", "message": "must be docx or pdf"}])
    if appeal.status == FAILED:
        return _error(409, f"the letter could not be written: {appeal.error}", status=appeal.status)
    letter = appeal_service.letter_for(appeal)
    if letter is None:
        response, code = _error(409, "the letter is not ready yet; try again shortly",
                                status=appeal.status)
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response, code
    if wanted == "pdf":
        try:
            from ...letters.pdf import PdfUnavailable, docx_to_pdf
        except ImportError:
            return _error(503, "PDF letters are not available on this server; download the .docx")
        try:
            body = docx_to_pdf(letter.docx)
        except PdfUnavailable as exc:
            return _error(503, f"PDF letters are not available on this server ({exc}); "
                               "download the .docx")
        mimetype, filename = "application/pdf", letter.filename.rsplit(".", 1)[0] + ".pdf"
    else:
        body, mimetype, filename = letter.docx, DOCX_MIMETYPE, letter.filename
    record_event("downloaded", appeal)
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@api.post("/appeals/<appeal_id>/retry")
def retry_appeal(appeal_id: str):
    appeal = get_owned_or_404(Appeal, appeal_id)
    if appeal.status != FAILED:
        return _error(409, f"only a failed letter can be retried; this one is {appeal.status}",
                      status=appeal.status)
    appeal_service.retry_appeal(appeal)
    record_event("retried", appeal)
    response = jsonify(appeal_json(appeal))
    response.status_code = 202
    response.headers["Location"] = url_for("api.get_appeal", appeal_id=appeal.id)
    return response




# ---------------------------------------------------------------------------------------------
# OpenAPI (assembled by openapi.py)

from .openapi import APPEAL_ID, AUTH_RESPONSES, _ref, error_response, json_body  # noqa: E402

_NOT_FOUND = error_response("No such appeal (or not yours).")

OPENAPI_PATHS = {
    "/api/v1/appeals": {
        "post": {
            "summary": "Submit a case: match it now, write its letter in the background",
            "operationId": "createAppeal",
            "parameters": [
                {"name": "letter", "in": "query", "required": False, "schema": {"type": "string"},
                 "description": "The letter kind; by default the one the result calls for."},
                {"name": "template", "in": "query", "required": False,
                 "schema": {"type": "string"},
                 "description": "A letter template from the library: a template id (its "
                                "current version is used) or one of its version ids."},
            ],
            "requestBody": {"required": True,
                            "content": {"application/json": {"schema": _ref("Case")}}},
            "responses": {
                "202": {
                    **json_body(_ref("Appeal"), "Accepted: the result now, the letter soon."),
                    "headers": {"Location": {"schema": {"type": "string"},
                                             "description": "The appeal's status URL."}},
                },
                "400": error_response("The body is not valid JSON."),
                "413": error_response("The body is larger than the server accepts."),
                "415": error_response("The body is not sent as application/json."),
                "422": error_response("The case (or letter/template) is not valid; `errors` "
                                      "names each field."),
                **AUTH_RESPONSES,
            },
        }
    },
    "/api/v1/appeals/{appeal_id}": {
        "get": {
            "summary": "An appeal's status, result and letter progress",
            "operationId": "getAppeal",
            "parameters": [APPEAL_ID],
            "responses": {"200": json_body(_ref("Appeal"), "The appeal."),
                          "404": _NOT_FOUND, **AUTH_RESPONSES},
        }
    },
    "/api/v1/appeals/{appeal_id}/letter": {
        "get": {
            "summary": "Download the appeal letter (.docx, or PDF)",
            "operationId": "getAppealLetter",
            "parameters": [
                APPEAL_ID,
                {"name": "format", "in": "query", "required": False,
                 "schema": {"type": "string", "enum": ["docx", "pdf"], "default": "docx"}},
            ],
            "responses": {
                "200": {
                    "description": "The letter.",
                    "content": {
                        DOCX_MIMETYPE: {"schema": {"type": "string", "format": "binary"}},
                        "application/pdf": {"schema": {"type": "string", "format": "binary"}},
                    },
                },
                "400": error_response("Unknown format."),
                "404": _NOT_FOUND,
                "409": error_response("The letter is not ready yet (see Retry-After), or it "
                                      "failed (the message gives the reason)."),
                "503": error_response("PDF conversion is not available on this server."),
                **AUTH_RESPONSES,
            },
        }
    },
    "/api/v1/appeals/{appeal_id}/retry": {
        "post": {
            "summary": "Write a failed letter again",
            "operationId": "retryAppeal",
            "parameters": [APPEAL_ID],
            "responses": {
                "202": json_body(_ref("Appeal"), "Queued again."),
                "404": _NOT_FOUND,
                "409": error_response("Only a failed letter can be retried."),
                **AUTH_RESPONSES,
            },
        }
    },
}
