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

Every batch is scoped to the token's user and organization; another's id answers 404.
"""

from __future__ import annotations


from flask import Response, jsonify, request, stream_with_context, url_for

from ...services import bulk as bulk_service
from ...access import current_principal, get_owned_or_404
from ...audit import record_event
from ...intake.spreadsheet import SpreadsheetError
from ...models.batches import RUNNING, Batch
from . import api
from .bodies import json_error as _error, read_json_body
from .openapi import AUTH_RESPONSES, error_response, json_body

RETRY_AFTER_SECONDS = 2


def batch_json(batch: Batch, *, report: bool = True) -> dict:
    progress = bulk_service.progress(batch)
    payload = {
        "id": batch.id,
        "filename": batch.filename,
        **progress.to_json(),
        "created_at": batch.created_at.isoformat() if batch.created_at else None,
        "finished_at": batch.finished_at.isoformat() if batch.finished_at else None,
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


@api.post("/batches")
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
            if isinstance(body, dict) and set(body) <= {"cases", "letter"}:
                letter = letter or body.get("letter")
                body = body.get("cases")
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
def list_batches():
    """The caller's (and their organization's) batches, newest first, without their reports."""
    from ...access import scoped
    from ...extensions import db

    try:
        limit = min(max(int(request.args.get("limit", 50)), 1), 200)
    except ValueError:
        return _error(400, "limit must be a whole number from 1 to 200")
    records = db.session.scalars(scoped(Batch).order_by(Batch.created_at.desc()).limit(limit))
    return jsonify({"batches": [batch_json(batch, report=False) for batch in records]})


@api.get("/batches/<batch_id>")
def get_batch(batch_id: str):
    batch = get_owned_or_404(Batch, batch_id)
    response = jsonify(batch_json(batch))
    if batch.status == RUNNING:
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


@api.get("/batches/<batch_id>/archive")
def get_batch_archive(batch_id: str):
    batch = get_owned_or_404(Batch, batch_id)
    partial = request.args.get("partial", "").lower() in ("1", "true", "yes")
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
def retry_batch(batch_id: str):
    batch = get_owned_or_404(Batch, batch_id)
    retried = bulk_service.retry_failed(batch)
    payload = batch_json(batch)
    payload["retried"] = retried
    return jsonify(payload), 202 if retried else 200


@api.post("/batches/<batch_id>/rows")
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


# ---------------------------------------------------------------------------------------------
# OpenAPI

BATCH_ID = {
    "name": "batch_id", "in": "path", "required": True,
    "schema": {"type": "string", "pattern": "^[0-9a-f]{32}$"},
    "description": "The batch's id (from POST /api/v1/batches).",
}
_BATCH_REF = {"$ref": "#/components/schemas/Batch"}

OPENAPI_SCHEMAS = {
    "Batch": {
        "type": "object",
        "required": ["id", "status", "total", "done", "failed", "pending", "invalid", "rows",
                     "errors", "links"],
        "properties": {
            "id": {"type": "string"},
            "filename": {"type": "string"},
            "status": {"type": "string", "enum": ["staged", "running", "finished"]},
            "total": {"type": "integer", "description": "Letters expected (valid rows)."},
            "done": {"type": "integer"},
            "failed": {"type": "integer"},
            "pending": {"type": "integer"},
            "invalid": {"type": "integer", "description": "Rows that failed validation."},
            "rows": {"type": "integer", "description": "Data rows in the file."},
            "created_at": {"type": ["string", "null"], "format": "date-time"},
            "finished_at": {"type": ["string", "null"], "format": "date-time"},
            "notes": {"type": "array", "items": {"type": "string"}},
            "errors": {
                "type": "array",
                "description": "The validation report: one item per problem.",
                "items": {
                    "type": "object",
                    "required": ["row", "column", "field", "message"],
                    "properties": {
                        "row": {"type": "integer", "description": "As the spreadsheet numbers it "
                                "(or the case's 1-based position in a JSON list)."},
                        "column": {"type": "string", "description": "As the file's header spells it."},
                        "field": {"type": "string", "description": "The contract column."},
                        "message": {"type": "string"},
                    },
                },
            },
            "retried": {"type": "integer"},
            "fixed": {"type": "integer"},
            "still_invalid": {"type": "integer"},
            "links": {"type": "object", "additionalProperties": {"type": "string"}},
        },
    },
}

_LETTER_PARAM = {
    "name": "letter", "in": "query", "required": False, "schema": {"type": "string"},
    "description": "The letter for rows that do not name one: a built-in kind (patient, "
                   "clinician, advocate, checklist, correction) or a template id.",
}

OPENAPI_PATHS = {
    "/api/v1/batches": {
        "get": {
            "summary": "Your batches, newest first (progress without the validation reports)",
            "operationId": "listBatches",
            "parameters": [{"name": "limit", "in": "query", "required": False,
                            "schema": {"type": "integer", "minimum": 1, "maximum": 200,
                                       "default": 50}}],
            "responses": {
                "200": json_body({"type": "object", "required": ["batches"], "properties": {
                    "batches": {"type": "array", "items": _BATCH_REF}}}, "The batches."),
                "400": error_response("A limit that is not a number."),
                **AUTH_RESPONSES,
            },
        },
        "post": {
            "summary": "Start a batch from a spreadsheet or a list of cases",
            "operationId": "createBatch",
            "parameters": [_LETTER_PARAM],
            "requestBody": {
                "required": True,
                "content": {
                    "multipart/form-data": {"schema": {
                        "type": "object", "required": ["file"],
                        "properties": {"file": {"type": "string", "format": "binary",
                                                "description": "CSV (UTF-8, comma or semicolon) "
                                                               "or XLSX"},
                                       "letter": {"type": "string"}}}},
                    "application/json": {"schema": {"oneOf": [
                        {"type": "array", "items": {"$ref": "#/components/schemas/Case"}},
                        {"type": "object", "required": ["cases"], "properties": {
                            "cases": {"type": "array",
                                      "items": {"$ref": "#/components/schemas/Case"}},
                            "letter": {"type": "string"}}},
                    ]}},
                },
            },
            "responses": {
                "202": json_body(_BATCH_REF, "Rows checked and valid ones queued; `errors` "
                                             "names each invalid row's column and problem."),
                "400": error_response("No file, or a body that is not JSON."),
                "413": error_response("The upload is too large."),
                "415": error_response("Neither multipart/form-data nor JSON."),
                "422": error_response("Not a spreadsheet, no usable header, too many rows, or "
                                      "an unknown letter."),
                **AUTH_RESPONSES,
            },
        }
    },
    "/api/v1/batches/{batch_id}": {
        "get": {
            "summary": "A batch's progress and validation report",
            "operationId": "getBatch",
            "parameters": [BATCH_ID],
            "responses": {"200": json_body(_BATCH_REF, "Progress and report."),
                          "404": error_response("No such batch (or not yours)."),
                          **AUTH_RESPONSES},
        }
    },
    "/api/v1/batches/{batch_id}/archive": {
        "get": {
            "summary": "The ZIP of letters with manifest.csv",
            "operationId": "getBatchArchive",
            "parameters": [BATCH_ID, {"name": "partial", "in": "query", "required": False,
                                      "schema": {"type": "boolean"},
                                      "description": "The letters so far, while running."}],
            "responses": {
                "200": {"description": "manifest.csv (one line per row: outcome, urgency, "
                                       "omitted and unmet requirements, deadline, letter file, "
                                       "error) then one .docx per done row.",
                        "content": {"application/zip": {}}},
                "404": error_response("No such batch (or not yours)."),
                "409": error_response("Still running (add ?partial=true)."),
                **AUTH_RESPONSES,
            },
        }
    },
    "/api/v1/batches/{batch_id}/retry": {
        "post": {
            "summary": "Queue the failed rows again",
            "operationId": "retryBatch",
            "parameters": [BATCH_ID],
            "responses": {"202": json_body(_BATCH_REF, "Failed rows queued (`retried`)."),
                          "200": json_body(_BATCH_REF, "Nothing had failed."),
                          "404": error_response("No such batch (or not yours)."),
                          **AUTH_RESPONSES},
        }
    },
    "/api/v1/batches/{batch_id}/rows": {
        "post": {
            "summary": "Send fixed versions of invalid rows",
            "operationId": "fixBatchRows",
            "parameters": [BATCH_ID],
            "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
                "type": "object", "required": ["file"],
                "properties": {"file": {"type": "string", "format": "binary",
                                        "description": "The fixed rows, each with a `row` "
                                                       "column naming its original row."}}}}}},
            "responses": {"202": json_body(_BATCH_REF, "Fixed rows queued (`fixed`)."),
                          "200": json_body(_BATCH_REF, "No row became valid."),
                          "400": error_response("No file."),
                          "404": error_response("No such batch (or not yours)."),
                          "422": error_response("Not usable, or a row that was not invalid."),
                          **AUTH_RESPONSES},
        }
    },
}
