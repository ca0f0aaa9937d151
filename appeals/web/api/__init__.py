"""The JSON API under /api/v1: its own blueprint, its own JSON errors, bearer tokens (no CSRF).

Each area adds its routes in a module of this package, imported at the bottom. Every endpoint needs
`Authorization: Bearer <token>` except those decorated with @public.
"""

from flask import Blueprint, g, jsonify, request
from werkzeug.exceptions import HTTPException, Unauthorized

from ...accounts.tokens import user_for_token
from ...extensions import csrf

api = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(api)

_PUBLIC_ENDPOINTS: set[str] = set()


def public(view):
    """Mark an API view as needing no token (the OpenAPI document)."""
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


@api.get("/me")
def me():
    """Who the token belongs to: lets a script check its token."""
    user = g.api_user
    return jsonify({"email": user.email, "organization_id": user.organization_id, "role": user.role})


from . import match  # noqa: E402,F401
from . import appeals, openapi  # noqa: E402,F401
from . import batches  # noqa: E402,F401
from . import templates  # noqa: E402,F401
from . import privacy  # noqa: E402,F401
