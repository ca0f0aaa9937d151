"""The batches API: many cases at once, from a spreadsheet or a JSON list.

POST /api/v1/batches                 multipart `file` (CSV or XLSX), or a JSON list of contract
                                     cases (or {"cases": [...]}); `letter` (a kind or template id)
                                     as a query or form parameter -> 202 + Location
GET  /api/v1/batches                 the caller's batches, newest first
GET  /api/v1/batches/<id>            progress {status, done, failed, total, ...} + the validation
                                     report (row, column, message for each problem)
GET  /api/v1/batches/<id>/archive    the ZIP: manifest.csv and the letters (409 while running,
                                     unless ?partial=true)
POST /api/v1/batches/<id>/retry      queue the failed rows again (only those)
POST /api/v1/batches/<id>/rows       multipart `file` of fixed rows (with their `row` numbers)
DELETE /api/v1/batches/<id>          the batch, its rows, appeals and letters, now

Every batch is scoped to the token's user and organization; another's id answers 404.
"""

from __future__ import annotations


from flask import Response, g, jsonify, request, stream_with_context, url_for
from pydantic import ValidationError

from ...services import bulk as bulk_service
from ...access import current_principal, get_owned_or_404
from ...audit import record_event
from ...intake.spreadsheet import SpreadsheetError
from ...models.batches import RUNNING, Batch
from . import api
from ...contract import validation_errors
from .bodies import delete_now, iso_utc, json_error as _error, read_json_body
from .openapi import Binary, document
from .schemas import (
    ArchiveQuery, Batch as BatchOut, BatchCaseList, BatchCases, BatchList, BatchListQuery,
    BatchQuery,
    FixedRowsUpload, SpreadsheetUpload,
)

RETRY_AFTER_SECONDS = 2


def batch_json(batch: Batch, *, report: bool = True) -> dict:
    progress = bulk_service.progress(batch)
    payload = {
        "id": batch.id,
        "filename": batch.filename,
        **progress.to_json(),
        "created_at": iso_utc(batch.created_at),
        "finished_at": iso_utc(batch.finished_at),
        "notes": batch.notes,
        "errors": bulk_service.validation_report(batch) if report else [],
        "links": {
            "self": url_for("api.get_batch", batch_id=batch.id),
            "archive": url_for("api.get_batch_archive", batch_id=batch.id),
            "retry": url_for("api.retry_batch", batch_id=batch.id),
            "rows": url_for("api.fix_batch_rows", batch_id=batch.id),
        },
    }
    return payload


def _letter_param() -> str | None:
    return (request.args.get("letter") or request.form.get("letter") or "").strip() or None


_NOT_FOUND = "No such batch (or not yours)."


@api.post("/batches")
@document("Start a batch from a spreadsheet or a list of cases", tag="batches",
          form=SpreadsheetUpload, json=[BatchCaseList, BatchCases], query=BatchQuery,
          responses={202: BatchOut, 400: "No file, or a body that is not JSON.",
                     413: "The upload is too large.",
                     415: "Neither multipart/form-data nor JSON.",
                     422: "Not a spreadsheet, no usable header, too many rows, or an unknown "
                          "letter."},
          headers={202: {"Location": "The batch's URL.", "Retry-After": "Seconds to wait."}})
def create_batch():
    principal = current_principal()
    letter = _letter_param()
    try:
        if request.mimetype == "multipart/form-data":
            upload = request.files.get("file")
            if upload is None or not upload.filename:
                return _error(400, "send the spreadsheet as the multipart field `file`")
            batch = bulk_service.stage_file(upload.read(), upload.filename, principal, source="api",
                                       letter=letter)
        elif request.is_json:
            body, problem = read_json_body("the cases")
            if problem:
                return problem
            if isinstance(body, dict):
                try:
                    wrapped = BatchCases.model_validate(body, strict=True)
                except ValidationError as exc:
                    return _error(422, "send a JSON list of cases, or {\"cases\": [...], "
                                       "\"letter\": ...}", errors=validation_errors(exc))
                letter, body = letter or wrapped.letter, wrapped.cases
            batch = bulk_service.stage_cases(body, principal, source="api", letter=letter)
        else:
            return _error(415, "send a spreadsheet as multipart/form-data (field `file`) or "
                               "a JSON list of cases")
    except SpreadsheetError as exc:
        return _error(422, str(exc))
    except bulk_service.BatchError as exc:
        return _error(422, str(exc))
    record_event("created", batch, via="api")
    bulk_service.start(batch)
    response = jsonify(batch_json(batch))
    response.status_code = 202
    response.headers["Location"] = url_for("api.get_batch", batch_id=batch.id)
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


@api.get("/batches")
@document("Your batches, newest first (progress without the validation reports)", tag="batches",
          query=BatchListQuery, responses={200: BatchList, 400: "A limit that is not a whole "
                                                               "number from 1 to 200."})
def list_batches():
    """The caller's (and their organization's) batches, newest first, without their reports."""
    from ...access import scoped
    from ...extensions import db

    limit = g.api_query.limit
    records = db.session.scalars(scoped(Batch).order_by(Batch.created_at.desc()).limit(limit))
    return jsonify({"batches": [batch_json(batch, report=False) for batch in records]})


@api.get("/batches/<batch_id>")
@document("A batch's progress and validation report", tag="batches",
          responses={200: BatchOut, 404: _NOT_FOUND})
def get_batch(batch_id: str):
    batch = get_owned_or_404(Batch, batch_id)
    response = jsonify(batch_json(batch))
    if batch.status == RUNNING:
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


@api.get("/batches/<batch_id>/archive")
@document("The ZIP of letters with manifest.csv", tag="batches", query=ArchiveQuery,
          responses={200: Binary("application/zip", "manifest.csv (one line per row: outcome, "
                                 "urgency, omitted and unmet requirements, deadline, letter file, "
                                 "error) then one .docx per done row."),
                     404: _NOT_FOUND, 409: "Still running (add ?partial=true)."})
def get_batch_archive(batch_id: str):
    batch = get_owned_or_404(Batch, batch_id)
    partial = bool(g.api_query.partial)
    if batch.status == RUNNING and not partial:
        progress = bulk_service.progress(batch)
        return _error(409, f"the batch is still running ({progress.pending} letters to go); "
                           "poll the batch, or add ?partial=true for the letters so far",
                      status=batch.status)
    record_event("downloaded", batch, via="api")
    response = Response(stream_with_context(bulk_service.iter_archive(batch)),
                        mimetype="application/zip")
    response.headers["Content-Disposition"] = f'attachment; filename="batch-{batch.id[:8]}.zip"'
    return response


@api.post("/batches/<batch_id>/retry")
@document("Queue the failed rows again (`retried`: 202 when some were, 200 when none had failed)",
          tag="batches", responses={202: BatchOut, 200: BatchOut, 404: _NOT_FOUND})
def retry_batch(batch_id: str):
    batch = get_owned_or_404(Batch, batch_id)
    retried = bulk_service.retry_failed(batch)
    payload = batch_json(batch)
    payload["retried"] = retried
    return jsonify(payload), 202 if retried else 200


@api.post("/batches/<batch_id>/rows")
@document("Send fixed versions of invalid rows (`fixed`: 202 when some were, 200 when none)",
          tag="batches", form=FixedRowsUpload,
          responses={202: BatchOut, 200: BatchOut, 400: "No file.", 404: _NOT_FOUND,
                     422: "Not usable, or a row that was not invalid."})
def fix_batch_rows(batch_id: str):
    batch = get_owned_or_404(Batch, batch_id)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _error(400, "send the fixed rows as the multipart field `file`, with a `row` "
                           "column giving each row's number in the original file")
    try:
        fixed, still = bulk_service.resubmit_file(batch, upload.read(), current_principal())
    except SpreadsheetError as exc:
        return _error(422, str(exc))
    payload = batch_json(batch)
    payload.update({"fixed": fixed, "still_invalid": still})
    return jsonify(payload), 202 if fixed else 200


@api.delete("/batches/<batch_id>")
@document("Delete the batch now: its rows, the appeals made from them and their letters (cannot "
          "be undone)", tag="batches",
          responses={204: None, 404: _NOT_FOUND,
                     403: "You may see this batch but did not file it and are not an admin of "
                          "its organization."})
def delete_batch(batch_id: str):
    return delete_now(get_owned_or_404(Batch, batch_id), "batch")
