"""GET /api/v1/openapi.json: the OpenAPI 3.1 document, generated.

Each API view declares what it takes and answers with ``@document(...)``, naming the pydantic
models of ``schemas.py``; the document is built from the app's URL map (every /api/v1 route, its
methods and path parameters, as Flask routes it) and those declarations, with the schemas from
``model_json_schema``. A route without a declaration fails the build, so the document cannot leave
a route out or describe one that does not exist.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from flask import current_app, jsonify
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from . import api
from . import public as no_token_needed
from .schemas import Error, OpenApiDocument

REF_TEMPLATE = "#/components/schemas/{model}"
DOCX_MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# Path parameters, by name: the same id means the same thing on every route.
PATH_PARAMETERS = {
    "appeal_id": ({"type": "string", "pattern": "^[0-9a-f]{32}$"},
                  "The appeal's id (from POST /api/v1/appeals)."),
    "batch_id": ({"type": "string", "pattern": "^[0-9a-f]{32}$"},
                 "The batch's id (from POST /api/v1/batches)."),
    "template_id": ({"type": "string", "pattern": "^[0-9a-f]{32}$"}, "The template's id."),
    "service_id": ({"type": "string"}, "A criteria id, a CPT code or a service name."),
}


@dataclass(frozen=True)
class Binary:
    """A response that is a file, not JSON."""

    media_type: str
    description: str


@dataclass(frozen=True)
class Operation:
    summary: str
    responses: dict[int, object]
    tag: str
    json: object = None
    form: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    public: bool = False
    headers: dict[int, dict[str, str]] = field(default_factory=dict)


def document(summary: str, *, responses: dict[int, object], tag: str, json=None, form=None,
             query=None, public: bool = False, headers: dict | None = None):
    """Describe an API view. ``responses`` maps a status to a model (JSON; or a (model,
    description) pair), a string (an Error with that description), a Binary, or None (no body); ``json`` is the request body's model
    (or a list of alternatives), ``form`` a multipart body's, ``query`` the query parameters';
    ``public`` operations need no token."""

    def decorate(view):
        view.openapi = Operation(summary, responses, tag, json, form, query, public, headers or {})
        # What the document says is what the API does: a public operation needs no token.
        return no_token_needed(view) if public else view

    return decorate


def _models(*candidates) -> list[type[BaseModel]]:
    """The models named in responses and bodies (inside lists of alternatives too)."""
    found = []
    for candidate in candidates:
        if isinstance(candidate, (list, tuple)):
            found += _models(*candidate)
        elif isinstance(candidate, type) and issubclass(candidate, BaseModel):
            found.append(candidate)
    return found


def _ref(model: type[BaseModel]) -> dict:
    return {"$ref": REF_TEMPLATE.format(model=model.__name__)}


def _response(status: int, answer, headers: dict[str, str]) -> dict:
    if answer is None:
        item = {"description": "No content."}
    elif isinstance(answer, Binary):
        item = {"description": answer.description, "content": {
            media: {"schema": {"type": "string", "format": "binary"}}
            for media in answer.media_type.split(",")}}
    elif isinstance(answer, str):
        item = {"description": answer, "content": {"application/json": {"schema": _ref(Error)}}}
    else:
        model, description = answer if isinstance(answer, tuple) else (answer, None)
        description = description or (model.__doc__ or model.__name__).strip().splitlines()[0]
        item = {"description": description,
                "content": {"application/json": {"schema": _ref(model)}}}
    if headers:
        item["headers"] = {name: {"schema": {"type": "string"}, "description": text}
                           for name, text in headers.items()}
    return item


def _query_parameters(model: type[BaseModel] | None) -> list[dict]:
    if model is None:
        return []
    schema = model.model_json_schema()
    return [{"name": name, "in": "query", "required": name in schema.get("required", []),
             "schema": {k: v for k, v in prop.items() if k not in ("title", "description")},
             **({"description": prop["description"]} if "description" in prop else {})}
            for name, prop in schema["properties"].items()]


def _operation(view_name: str, rule, operation: Operation) -> dict:
    words = view_name.split("_")
    item: dict = {
        "summary": operation.summary,
        "operationId": words[0] + "".join(w.capitalize() for w in words[1:]),
        "tags": [operation.tag],
    }
    parameters = []
    for name in sorted(rule.arguments):
        schema, description = PATH_PARAMETERS[name]
        parameters.append({"name": name, "in": "path", "required": True, "schema": schema,
                           "description": description})
    parameters += _query_parameters(operation.query)
    if parameters:
        item["parameters"] = parameters
    content = {}
    if operation.form is not None:
        content["multipart/form-data"] = {"schema": _ref(operation.form)}
    if isinstance(operation.json, list):
        content["application/json"] = {"schema": {"oneOf": [
            {"type": "array", "items": _ref(m[0])} if isinstance(m, list) else _ref(m)
            for m in operation.json]}}
    elif operation.json is not None:
        content["application/json"] = {"schema": _ref(operation.json)}
    if content:
        item["requestBody"] = {"required": True, "content": content}
    responses = dict(operation.responses)
    if operation.query is not None:  # checked before the view runs (query.py)
        responses.setdefault(400, "A query parameter that is not valid, or given more than once.")
    if operation.public:
        item["security"] = []
    else:
        responses.setdefault(401, "No valid API token (send `Authorization: Bearer <token>`).")
    item["responses"] = {str(status): _response(status, answer, operation.headers.get(status, {}))
                         for status, answer in sorted(responses.items())}
    return item


def build_document(app) -> dict:
    """The whole document, from the app's /api/v1 routes and their @document declarations."""
    paths: dict[str, dict] = {}
    models: dict[str, type[BaseModel]] = {}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(api.url_prefix + "/"):
            continue
        view = app.view_functions[rule.endpoint]
        operation: Operation | None = getattr(view, "openapi", None)
        if operation is None:
            raise LookupError(f"{rule.endpoint} ({rule.rule}) has no @document: describe it")
        for model in _models(Error, *operation.responses.values(), operation.json, operation.form):
            models[model.__name__] = model
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            paths.setdefault(path, {})[method.lower()] = _operation(view.__name__, rule, operation)
    _, definitions = models_json_schema(
        [(model, "validation") for _, model in sorted(models.items())], ref_template=REF_TEMPLATE)
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
            "schemas": definitions.get("$defs", {}),
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
        },
    }


@api.get("/openapi.json")
@document("This OpenAPI document", tag="meta", public=True,
          responses={200: OpenApiDocument})
def get_openapi():
    return jsonify(build_document(current_app))
