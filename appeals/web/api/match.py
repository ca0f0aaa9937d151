"""POST /api/v1/match and GET /api/v1/criteria[/<id>]: the matcher and its library over HTTP.

The match runs in the request (it takes about a millisecond); nothing is stored. 422 names each
invalid field of the case, exactly as `appeals match` does.
"""

from __future__ import annotations

import datetime as dt

from flask import jsonify, request

from ...criteria import load_library, service_detail, service_summary
from ...matching import match_case
from . import api
from .bodies import json_error as _error, read_case
from .openapi import AUTH_RESPONSES, error_response, json_body


@api.post("/match")
def match():
    case, problem = read_case()
    if problem:
        return problem
    today = None
    if "date" in request.args:  # judge as on this date, so "the deadline has passed" is reproducible
        try:
            today = dt.date.fromisoformat(request.args["date"])
        except ValueError:
            return _error(422, "the query parameter is not valid",
                          errors=[{"field": "date", "message": "must be a date written YYYY-MM-DD"}])
    return jsonify(match_case(case, today=today).to_json())


@api.get("/criteria")
def list_criteria():
    library = load_library()
    return jsonify({"services": [service_summary(library, s) for s in library.services]})


@api.get("/criteria/<service_id>")
def get_criteria(service_id: str):
    library = load_library()
    service = library.get(service_id) or library.resolve(service_id)
    if service is None:
        return _error(404, f"no criteria for {service_id!r}")
    return jsonify(service_detail(library, service))


_SERVICE_SUMMARY = {
    "type": "object",
    "required": ["id", "name", "codes"],
    "properties": {
        "id": {"type": "string"}, "name": {"type": "string"},
        "aliases": {"type": "array", "items": {"type": "string"}},
        "codes": {"type": "array", "items": {"type": "string"}, "description": "CPT codes"},
        "payers": {"type": "array", "items": {"type": "string"},
                   "description": "Payer variants with criteria (acr is the neutral default)."},
    },
}

OPENAPI_PATHS = {
    "/api/v1/match": {
        "post": {
            "summary": "Match a case against the published criteria (nothing is stored)",
            "operationId": "matchCase",
            "parameters": [{"name": "date", "in": "query", "required": False,
                            "description": "Judge the case as on this date (warnings such as a passed deadline).",
                            "schema": {"type": "string", "format": "date"}}],
            "requestBody": {"required": True,
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Case"}}}},
            "responses": {
                "200": json_body({"$ref": "#/components/schemas/MatchResult"}, "The result."),
                "400": error_response("The body is not valid JSON."),
                "415": error_response("The body is not sent as application/json."),
                "422": error_response("The case is not valid; `errors` names each field."),
                **AUTH_RESPONSES,
            },
        }
    },
    "/api/v1/criteria": {
        "get": {
            "summary": "The services the criteria library covers",
            "operationId": "listCriteria",
            "responses": {
                "200": json_body({"type": "object", "properties": {
                    "services": {"type": "array", "items": _SERVICE_SUMMARY}}}, "The services."),
                **AUTH_RESPONSES,
            },
        }
    },
    "/api/v1/criteria/{service_id}": {
        "get": {
            "summary": "One service's criteria: sources, pathways, signs and plain questions",
            "operationId": "getCriteria",
            "parameters": [{"name": "service_id", "in": "path", "required": True,
                            "schema": {"type": "string"},
                            "description": "A criteria id, a CPT code or a service name."}],
            "responses": {
                "200": json_body({"type": "object"}, "The service's criteria."),
                "404": error_response("No criteria for that service."),
                **AUTH_RESPONSES,
            },
        }
    },
}
