"""The JSON API under /api/v1: its own blueprint, its own JSON errors, bearer tokens (no CSRF).

One module per resource adds its routes (imported at the bottom), each described for the OpenAPI
document with @document (openapi.py). Every endpoint needs `Authorization: Bearer <token>` except
those documented as public (@document(..., public=True)).
"""

from flask import Blueprint, g, jsonify, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed, Unauthorized
from werkzeug.routing import BaseConverter

from ...accounts.tokens import user_for_token
from .query import check_query

api = Blueprint("api", __name__, url_prefix="/api/v1")

_PUBLIC_ENDPOINTS: set[str] = set()


class RecordId(BaseConverter):
    """A record id (models.base.new_id: 32 hex digits). Used for template ids so that
    /templates/check is never read as a template's URL (nor advertise its methods to OPTIONS)."""

    regex = "[0-9a-f]{32}"


def json_error(exc: HTTPException):
    """An API error in JSON. Also the answer for an unknown /api/v1 path or a method it does not
    take: routing fails before the blueprint's handlers could run, so the site's error handler
    (web/errors.py) hands those here."""
    response, code = _http_error(exc)
    if isinstance(exc, MethodNotAllowed) and exc.valid_methods:
        response.headers["Allow"] = ", ".join(sorted(exc.valid_methods))
    return response, code


@api.record_once
def _install(state):
    # Before any route is added (this is the blueprint's first deferred function).
    state.app.url_map.converters["record_id"] = RecordId


def public(view):
    """Mark an API view as needing no token (done by @document(..., public=True))."""
    _PUBLIC_ENDPOINTS.add(f"{api.name}.{view.__name__}")
    return view


@api.before_request
def _authenticate():
    if request.endpoint in _PUBLIC_ENDPOINTS:
        return None
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    user = user_for_token(token.strip()) if scheme.lower() == "bearer" else None
    if user is None:
        raise Unauthorized("send a valid API token as 'Authorization: Bearer <token>'")
    g.api_user = user
    return None


# After the token: an unauthenticated request learns nothing about the parameters.
api.before_request(check_query)


@api.errorhandler(HTTPException)
def _http_error(exc: HTTPException):
    response = jsonify({"error": exc.name, "message": exc.description})
    if exc.code == 401:
        response.headers["WWW-Authenticate"] = "Bearer"
    return response, exc.code


# Each resource's routes, added to `api` as they are imported.
from . import account, appeals, batches, documents, match, openapi, reference, templates  # noqa: E402,F401
