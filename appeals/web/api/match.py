"""POST /api/v1/match and GET /api/v1/criteria[/<id>]: the matcher and its library over HTTP.

The match runs in the request (it takes about a millisecond); nothing is stored. 422 names each
invalid field of the case, exactly as `appeals match` does.
"""

from __future__ import annotations

from flask import g, jsonify

from ...criteria import load_library, service_detail, service_summary
from ...matching import match_case
from . import api
from .bodies import json_error as _error, read_case
from .openapi import document
from .schemas import Case, MatchQuery, MatchResult, ServiceCriteria, ServiceList


@api.post("/match")
@document("Match a case against the published criteria (nothing is stored)", tag="matching",
          json=Case, query=MatchQuery,
          responses={200: MatchResult, 400: "The body is not valid JSON.",
                     415: "The body is not sent as application/json.",
                     422: "The case is not valid; `errors` names each field."})
def match():
    case, problem = read_case()
    if problem:
        return problem
    # Judged as on `date` when given, so "the deadline has passed" is reproducible.
    return jsonify(match_case(case, today=g.api_query.date).to_json())


@api.get("/criteria")
@document("The services the criteria library covers", tag="matching",
          responses={200: ServiceList})
def list_criteria():
    library = load_library()
    return jsonify({"services": [service_summary(library, s) for s in library.services]})


@api.get("/criteria/<service_id>")
@document("One service's criteria: sources, pathways, signs and plain questions", tag="matching",
          responses={200: ServiceCriteria, 404: "No criteria for that service."})
def get_criteria(service_id: str):
    library = load_library()
    service = library.get(service_id) or library.resolve(service_id)
    if service is None:
        return _error(404, f"no criteria for {service_id!r}")
    return jsonify(service_detail(library, service))
