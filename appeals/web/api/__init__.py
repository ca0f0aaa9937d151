"""The JSON API under /api/v1: its own blueprint, its own JSON errors, bearer tokens (no CSRF).

One module per resource adds its routes (imported at the bottom), each described for the OpenAPI
document with @document (openapi.py). Every endpoint needs `Authorization: Bearer <token>` except
those documented as public (@document(..., public=True)).
"""

from flask import Blueprint, g, jsonify, request
from werkzeug.exceptions import HTTPException, Unauthorized

from ...accounts.tokens import user_for_token

api = Blueprint("api", __name__, url_prefix="/api/v1")

_PUBLIC_ENDPOINTS: set[str] = set()


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


@api.errorhandler(HTTPException)
def _http_error(exc: HTTPException):
    response = jsonify({"error": exc.name, "message": exc.description})
    if exc.code == 401:
        response.headers["WWW-Authenticate"] = "Bearer"
    return response, exc.code


# Each resource's routes, added to `api` as they are imported.
from . import account, appeals, batches, match, openapi, reference, templates  # noqa: E402,F401
