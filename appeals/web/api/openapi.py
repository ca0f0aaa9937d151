"""GET /api/v1/openapi.json: the OpenAPI 3.1 document, assembled from per-area pieces.

Each module of this package that adds routes describes them in a module-level ``OPENAPI_PATHS``
dict (OpenAPI path items keyed by the full path, ``/api/v1/...`` with ``{name}`` parameters) and may
add reusable schemas in ``OPENAPI_SCHEMAS``. A test checks that every /api/v1 route is described
and every described path exists, so the document cannot drift from what the endpoints do.
"""

from __future__ import annotations

import importlib
import pkgutil

from flask import jsonify

from ...contract import Case, MatchResult
from . import api, public

SCHEMA_REF = "#/components/schemas/{model}"


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def json_body(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def error_response(description: str) -> dict:
    return json_body(_ref("Error"), description)


# Responses every authenticated endpoint can give.
AUTH_RESPONSES = {"401": error_response("No valid API token (send `Authorization: Bearer <token>`).")}

APPEAL_ID = {
    "name": "appeal_id", "in": "path", "required": True,
    "schema": {"type": "string", "pattern": "^[0-9a-f]{32}$"},
    "description": "The appeal's id (from POST /api/v1/appeals).",
}

_BASE_SCHEMAS = {
    "Error": {
        "type": "object",
        "required": ["error", "message"],
        "properties": {
            "error": {"type": "string", "description": "The HTTP status in words."},
            "message": {"type": "string", "description": "What went wrong, in plain words."},
            "errors": {
                "type": "array",
                "description": "Each invalid field and its problem (422).",
                "items": {
                    "type": "object",
                    "required": ["field", "message"],
                    "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
                },
            },
            "status": {"type": "string", "description": "The appeal's status (409)."},
        },
    },
    "Appeal": {
        "type": "object",
        "required": ["id", "status", "kind", "result", "links"],
        "properties": {
            "id": {"type": "string"},
            "status": {"type": "string", "enum": ["queued", "rendering", "done", "failed"]},
            "kind": {"type": "string", "description": "The letter kind."},
            "template": {"type": ["string", "null"], "description": "Template version used."},
            "error": {"type": ["string", "null"], "description": "Why the letter failed."},
            "attempts": {"type": "integer"},
            "created_at": {"type": ["string", "null"], "format": "date-time"},
            "queued_at": {"type": ["string", "null"], "format": "date-time"},
            "started_at": {"type": ["string", "null"], "format": "date-time"},
            "finished_at": {"type": ["string", "null"], "format": "date-time"},
            "batch_id": {"type": ["string", "null"]},
            "row_number": {"type": ["integer", "null"]},
            "case": _ref("Case"),
            "result": _ref("MatchResult"),
            "letter": {
                "oneOf": [
                    {"type": "null"},
                    {
                        "type": "object",
                        "properties": {
                            "filename": {"type": "string"},
                            "size": {"type": "integer"},
                            "created_at": {"type": "string", "format": "date-time"},
                        },
                    },
                ]
            },
            "links": {
                "type": "object",
                "properties": {
                    "self": {"type": "string"},
                    "letter": {"type": "string"},
                    "letter_pdf": {"type": "string"},
                },
            },
        },
    },
}

# /me lives in the package's __init__; it is described here with the document's own path.
OPENAPI_PATHS = {
    "/api/v1/openapi.json": {
        "get": {
            "summary": "This OpenAPI document",
            "operationId": "getOpenApi",
            "security": [],
            "responses": {"200": {"description": "The OpenAPI 3.1 document.",
                                  "content": {"application/json": {}}}},
        }
    },
    "/api/v1/me": {
        "get": {
            "summary": "Who the token belongs to",
            "operationId": "getMe",
            "responses": {
                "200": json_body(
                    {
                        "type": "object",
                        "properties": {
                            "email": {"type": "string"},
                            "organization_id": {"type": ["integer", "null"]},
                            "role": {"type": "string"},
                        },
                    },
                    "The token's user.",
                ),
                **AUTH_RESPONSES,
            },
        }
    },
}


def _contract_schemas() -> dict:
    schemas = {}
    for model in (Case, MatchResult):
        schema = model.model_json_schema(ref_template=SCHEMA_REF)
        schemas.update(schema.pop("$defs", {}))
        schemas[model.__name__] = schema
    return schemas


def build_document() -> dict:
    """The whole document: this module's pieces plus every api module's OPENAPI_PATHS."""
    from . import __name__ as package_name, __path__ as package_path

    paths: dict = {}
    schemas = {**_contract_schemas(), **_BASE_SCHEMAS}
    for info in sorted(pkgutil.iter_modules(package_path), key=lambda m: m.name):
        module = importlib.import_module(f"{package_name}.{info.name}")
        for path, item in getattr(module, "OPENAPI_PATHS", {}).items():
            paths.setdefault(path, {}).update(item)
        schemas.update(getattr(module, "OPENAPI_SCHEMAS", {}))
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Imaging prior-authorization appeals API",
            "version": "1",
            "description": (
                "Submit a denied imaging prior authorization as a case (the matching contract), "
                "get where it stands against the insurer's published criteria, and download the "
                "cited appeal letter. Authenticate with `Authorization: Bearer <token>`."
            ),
        },
        "servers": [{"url": "/"}],
        "security": [{"bearerAuth": []}],
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": schemas,
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
        },
    }


@api.get("/openapi.json")
@public
def openapi_document():
    return jsonify(build_document())
