"""What every API module needs to read a request and answer it: JSON errors, a JSON body, and
deleting a record now."""

from __future__ import annotations

import json
from datetime import datetime, timezone

from flask import g, jsonify, request
from werkzeug.exceptions import Forbidden, RequestEntityTooLarge
from werkzeug.http import HTTP_STATUS_CODES

from ...contract import Case, CaseError, parse_case
from ...privacy import delete_record, may_delete


def iso_utc(moment: datetime | None) -> str | None:
    """ISO 8601 in UTC with its offset (SQLite hands back naive datetimes; they are UTC)."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).isoformat()


def json_error(code: int, message: str, **extra):
    """An error response in the API's one shape: ``{"error", "message", ...}``."""
    payload = {"error": HTTP_STATUS_CODES.get(code, "Error"), "message": message, **extra}
    return jsonify(payload), code


def read_json_body(what: str = "the case"):
    """``(decoded body, None)``, or ``(None, error response)`` naming what is wrong with it."""
    if not request.is_json:
        return None, json_error(
            415, f"send {what} as a JSON body with Content-Type: application/json"
        )
    raw = request.get_data(cache=False)
    limit = request.max_content_length
    if request.content_length is None and limit is not None and len(raw) >= limit:
        # A streamed (chunked) body is cut off at the limit rather than refused when it reaches it.
        raise RequestEntityTooLarge(f"the request body is larger than {limit} bytes")
    try:
        return json.loads(raw), None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        where = f" (line {exc.lineno}, column {exc.colno})" if hasattr(exc, "lineno") else ""
        return None, json_error(400, f"the body is not valid JSON{where}")
    except (RecursionError, ValueError):  # "[" x 100,000; an integer of thousands of digits
        return None, json_error(400, "the body is not valid JSON: nested too deeply or a number too long")


def read_case() -> tuple[Case | None, object]:
    """The body as a contract case, or ``(None, error response)``: 422 names each invalid field."""
    data, problem = read_json_body()
    if problem:
        return None, problem
    try:
        return parse_case(data), None
    except CaseError as exc:
        return None, json_error(422, "the case is not valid", errors=exc.errors)


def delete_now(record, what: str):
    """DELETE: the record and everything that depends on it, at once (appeals.privacy); only its
    filer or an admin of its organization may."""
    if not may_delete(record, g.api_user):
        raise Forbidden(f"only the person who filed this {what} or an admin of the "
                        "organization can delete it")
    delete_record(record)
    return "", 204
