"""The JSON API under /api/v1: its own blueprint, its own JSON errors, no CSRF (tokens instead).

Each area adds its routes in a module of this package, imported at the bottom.
"""

from flask import Blueprint, jsonify
from werkzeug.exceptions import HTTPException

api = Blueprint("api", __name__, url_prefix="/api/v1")


@api.errorhandler(HTTPException)
def _http_error(exc: HTTPException):
    return jsonify({"error": exc.name, "message": exc.description}), exc.code


from . import match  # noqa: E402,F401
