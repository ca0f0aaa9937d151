"""The appeals API: submit a case, poll its status and result, download its letter.

POST /api/v1/appeals            a contract case as the JSON body -> 202 + Location
GET  /api/v1/appeals/<id>       status, result, error, links
GET  /api/v1/appeals/<id>/letter    the .docx (?format=pdf when LibreOffice is installed)
POST /api/v1/appeals/<id>/retry     queue a failed letter again

Every record is scoped to the token's user (and their organization); another's id answers 404.
"""

from __future__ import annotations

from datetime import datetime, timezone

from flask import Response, g, jsonify, request, url_for

from ...services import appeals as appeal_service
from ...access import current_principal, get_owned_or_404
from ...audit import record_event
from ...letters.pdf import PdfUnavailable, docx_to_pdf
from ...models.appeals import DONE, FAILED, Appeal
from . import api
from .bodies import delete_now, iso_utc as _iso, json_error as _error, read_case
from .openapi import DOCX_MIMETYPE, Binary, document
from .schemas import (
    Appeal as AppealOut, AppealList, AppealListQuery, AppealQuery, Case, LetterQuery,
)

RETRY_AFTER_SECONDS = 2


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
    from ...services.letter_library import resolve_template_for
    from ...letters import TemplateError

    try:
        version_id, _ = resolve_template_for(current_principal(), template)
    except (LookupError, TemplateError) as exc:
        raise appeal_service.SubmissionError([{"field": "template", "message": str(exc)}]) from None
    return version_id


_NOT_FOUND = "No such appeal (or not yours)."


@api.post("/appeals")
@document("Submit a case: match it now, write its letter in the background", tag="appeals",
          json=Case, query=AppealQuery,
          responses={202: (AppealOut, "Accepted: the result now, the letter soon."),
                     400: "The body is not valid JSON.",
                     413: "The body is larger than the server accepts.",
                     415: "The body is not sent as application/json.",
                     422: "The case (or the template) is not valid; `errors` names each field."},
          headers={202: {"Location": "The appeal's status URL."}})
def create_appeal():
    case, problem = read_case()
    if problem:
        return problem
    kind, template = g.api_query.letter, g.api_query.template
    try:
        template_version_id = _template_version(template)
        appeal = appeal_service.submit_appeal(case, kind=kind, template_version_id=template_version_id)
    except appeal_service.SubmissionError as exc:
        return _error(422, "the request is not valid", errors=exc.errors)
    record_event("created", appeal)
    response = jsonify(appeal_json(appeal))
    response.status_code = 202
    response.headers["Location"] = url_for("api.get_appeal", appeal_id=appeal.id)
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def appeal_summary(appeal: Appeal, today: str) -> dict:
    result = appeal.result_json or {}
    deadline = (result.get("deadline") or {}).get("date")
    return {
        "id": appeal.id, "status": appeal.status, "kind": appeal.kind,
        "created_at": _iso(appeal.created_at),
        "service": (result.get("service") or {}).get("id"),
        "outcome": result.get("outcome"), "urgency": result.get("urgency"),
        "deadline": deadline, "deadline_passed": bool(deadline) and deadline < today,
        "check_before_filing": not appeal.case_json.get("denial"),
        "batch_id": appeal.batch_id,
        "links": {"self": url_for("api.get_appeal", appeal_id=appeal.id)},
    }


@api.get("/appeals")
@document("Your appeals (and your organization's), a page at a time", tag="appeals",
          query=AppealListQuery,
          responses={200: AppealList, 400: "A sort, page or per_page that is not valid."})
def list_appeals():
    from ..appeal_list import ListError, appeal_page

    args = request.args
    try:
        listing = appeal_page(args.get("sort"), args.get("page"), args.get("per_page"))
    except ListError as exc:
        return _error(400, str(exc), errors=[{"field": exc.field, "message": str(exc)}])
    today = datetime.now(timezone.utc).date().isoformat()

    def link(page: int) -> str:
        return url_for("api.list_appeals", sort=listing.sort, page=page,
                       per_page=listing.per_page)

    links = {"self": link(listing.page)}
    if listing.page < listing.pages:
        links["next"] = link(listing.page + 1)
    if listing.page > 1:
        links["prev"] = link(listing.page - 1)
    return jsonify({"appeals": [appeal_summary(a, today) for a in listing.appeals],
                    "page": listing.page, "per_page": listing.per_page,
                    "total": listing.total, "links": links})


@api.get("/appeals/<appeal_id>")
@document("An appeal's status, result and letter progress", tag="appeals",
          responses={200: AppealOut, 404: _NOT_FOUND})
def get_appeal(appeal_id: str):
    appeal = get_owned_or_404(Appeal, appeal_id)
    record_event("viewed", appeal)
    response = jsonify(appeal_json(appeal))
    if not appeal.is_finished:
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


@api.get("/appeals/<appeal_id>/letter")
@document("Download the appeal letter (.docx, or PDF)", tag="appeals", query=LetterQuery,
          responses={200: Binary(f"{DOCX_MIMETYPE},application/pdf", "The letter."),
                     400: "Unknown format.", 404: _NOT_FOUND,
                     409: "The letter is not ready yet (see Retry-After), or it failed (the "
                          "message gives the reason).",
                     503: "PDF conversion is not available on this server."})
def get_appeal_letter(appeal_id: str):
    appeal = get_owned_or_404(Appeal, appeal_id)
    wanted = g.api_query.format
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
@document("Write a failed letter again", tag="appeals",
          responses={202: (AppealOut, "Queued again."), 404: _NOT_FOUND,
                     409: "Only a failed letter can be retried."})
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


@api.delete("/appeals/<appeal_id>")
@document("Delete the appeal now: its case, result and letter (cannot be undone)", tag="appeals",
          responses={204: None, 404: _NOT_FOUND,
                     403: "You may see this appeal but did not file it and are not an admin "
                          "of its organization."})
def delete_appeal(appeal_id: str):
    return delete_now(get_owned_or_404(Appeal, appeal_id), "appeal")
