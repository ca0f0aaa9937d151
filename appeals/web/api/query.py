"""The query parameters each operation declares (``@document(query=Model)``), checked before the
view runs, so the server takes exactly what the OpenAPI document describes: a value the model
refuses, or a declared parameter given twice, answers 400 naming it. Parameters an operation does
not declare are ignored (as a cache-busting ``?_=…`` from a client would be)."""

from __future__ import annotations

from flask import current_app, g, request
from pydantic import BaseModel, ValidationError

from ...contract import validation_errors
from .bodies import json_error


def declared_query_model(endpoint: str | None) -> type[BaseModel] | None:
    view = current_app.view_functions.get(endpoint) if endpoint else None
    operation = getattr(view, "openapi", None)
    return getattr(operation, "query", None)


def check_query():
    """A before_request hook: ``g.api_query`` is the validated query, or a 400 is answered."""
    model = declared_query_model(request.endpoint)
    if model is None:
        return None
    declared = model.model_fields
    repeated = [name for name in declared if len(request.args.getlist(name)) > 1]
    if repeated:
        return json_error(400, "a query parameter was given more than once", errors=[
            {"field": name, "message": "give this query parameter once"} for name in repeated])
    try:
        g.api_query = model.model_validate(
            {name: request.args[name] for name in declared if name in request.args})
    except ValidationError as exc:
        return json_error(400, "a query parameter is not valid", errors=validation_errors(exc))
    return None
