"""The OpenAPI document describes exactly the API that exists, and is a valid OpenAPI 3.1 document
whose schemas the real responses satisfy."""

from __future__ import annotations

import re

import jsonschema
from openapi_spec_validator import validate

from .conftest import LUMBAR_CASE

METHODS = {"get", "post", "put", "patch", "delete"}


def api_routes(app) -> set[tuple[str, str]]:
    routes = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1"):
            continue
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            routes.add((method.lower(), path))
    return routes


def documented(spec) -> set[tuple[str, str]]:
    return {(method, path) for path, item in spec["paths"].items()
            for method in item if method in METHODS}


def test_the_document_is_public_and_valid_openapi_3_1(client):
    response = client.get("/api/v1/openapi.json")  # no token
    assert response.status_code == 200
    spec = response.get_json()
    assert spec["openapi"].startswith("3.1")
    validate(spec)


def test_every_api_route_is_documented_and_every_documented_path_exists(app, client):
    spec = client.get("/api/v1/openapi.json").get_json()
    routes, described = api_routes(app), documented(spec)
    assert routes - described == set(), "routes missing from the OpenAPI document"
    assert described - routes == set(), "documented paths that no route serves"


def test_path_parameters_match_the_routes(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    for path, item in spec["paths"].items():
        names = set(re.findall(r"{([^}]+)}", path))
        for method, operation in item.items():
            if method not in METHODS:
                continue
            declared = {p["name"] for p in operation.get("parameters", []) + item.get("parameters", [])
                        if p["in"] == "path"}
            assert declared == names, f"{method.upper()} {path}"


def test_real_responses_match_the_documented_schemas(app, client, api_headers):
    spec = client.get("/api/v1/openapi.json").get_json()

    def check(body, path, method, status):
        schema = spec["paths"][path][method]["responses"][status]["content"]["application/json"]["schema"]
        jsonschema.validate(body, {**schema, "components": spec["components"]},
                            cls=jsonschema.Draft202012Validator)

    created = client.post("/api/v1/appeals", json=LUMBAR_CASE, headers=api_headers)
    check(created.get_json(), "/api/v1/appeals", "post", "202")
    appeal_id = created.get_json()["id"]
    check(client.get(f"/api/v1/appeals/{appeal_id}", headers=api_headers).get_json(),
          "/api/v1/appeals/{appeal_id}", "get", "200")
    invalid = client.post("/api/v1/appeals", json={"service": ""}, headers=api_headers)
    check(invalid.get_json(), "/api/v1/appeals", "post", "422")
    missing = client.get("/api/v1/appeals/" + "0" * 32, headers=api_headers)
    check(missing.get_json(), "/api/v1/appeals/{appeal_id}", "get", "404")
    waiting = client.get(f"/api/v1/appeals/{appeal_id}/letter", headers=api_headers)
    check(waiting.get_json(), "/api/v1/appeals/{appeal_id}/letter", "get", "409")
