"""What every API module needs to read a request and refuse it: JSON errors and a JSON body."""

from __future__ import annotations

import json

from flask import jsonify, request
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.http import HTTP_STATUS_CODES

from ...contract import Case, CaseError, parse_case


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


def read_case() -> tuple[Case | None, object]:
    """The body as a contract case, or ``(None, error response)``: 422 names each invalid field."""
    data, problem = read_json_body()
    if problem:
        return None, problem
    try:
        return parse_case(data), None
    except CaseError as exc:
        return None, json_error(422, "the case is not valid", errors=exc.errors)
