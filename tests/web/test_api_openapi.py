"""The generated OpenAPI document against the real responses of every resource: the schemas come
from pydantic models, so this checks the models say what the views answer."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from appeals.web.api.openapi import build_document

ROOT = Path(__file__).resolve().parents[2]
CASE = json.loads((ROOT / "examples/cases/lumbar_appeal_omitted_pt.json").read_text())
PATIENT_LETTER = ROOT / "appeals/templates/letters/patient.docx"


@pytest.fixture
def spec(client):
    return client.get("/api/v1/openapi.json").get_json()


def check(spec, response, path, method):
    status = str(response.status_code)
    operation = spec["paths"][path][method]
    assert status in operation["responses"], f"{method.upper()} {path} answered {status}"
    content = operation["responses"][status].get("content", {})
    if response.status_code == 204:
        assert content == {}
        return
    schema = content["application/json"]["schema"]
    jsonschema.validate(response.get_json(), {**schema, "components": spec["components"]},
                        cls=jsonschema.Draft202012Validator)


def test_every_route_declares_itself_or_the_document_is_not_built(app):
    view = app.view_functions["api.me"]
    del view.openapi
    try:
        with pytest.raises(LookupError, match="api.me"):
            build_document(app)
    finally:
        from appeals.web.api.openapi import document
        from appeals.web.api.schemas import Me

        document("Who the token belongs to", tag="account", responses={200: Me})(view)


def test_matching_and_account_responses(spec, client, api_headers):
    check(spec, client.get("/api/v1/me", headers=api_headers), "/api/v1/me", "get")
    check(spec, client.get("/api/v1/me"), "/api/v1/me", "get")
    check(spec, client.get("/api/v1/criteria", headers=api_headers), "/api/v1/criteria", "get")
    for service in ("72148", "no-such-scan"):
        check(spec, client.get(f"/api/v1/criteria/{service}", headers=api_headers),
              "/api/v1/criteria/{service_id}", "get")
    check(spec, client.post("/api/v1/match", json=CASE, headers=api_headers), "/api/v1/match", "post")
    check(spec, client.post("/api/v1/match", json={"service": ""}, headers=api_headers),
          "/api/v1/match", "post")


def test_batch_responses(spec, client, api_headers):
    created = client.post("/api/v1/batches", json={"cases": [CASE, {"service": ""}]},
                          headers=api_headers)
    check(spec, created, "/api/v1/batches", "post")
    batch = created.get_json()
    assert batch["errors"], "the invalid case is reported"
    check(spec, client.get(f"/api/v1/batches/{batch['id']}", headers=api_headers),
          "/api/v1/batches/{batch_id}", "get")
    check(spec, client.get("/api/v1/batches", headers=api_headers), "/api/v1/batches", "get")
    check(spec, client.post(f"/api/v1/batches/{batch['id']}/retry", headers=api_headers),
          "/api/v1/batches/{batch_id}/retry", "post")
    check(spec, client.delete(f"/api/v1/batches/{batch['id']}", headers=api_headers),
          "/api/v1/batches/{batch_id}", "delete")
    check(spec, client.get(f"/api/v1/batches/{batch['id']}", headers=api_headers),
          "/api/v1/batches/{batch_id}", "get")


def test_template_responses(app, spec, client, api_headers):
    app.config["TEMPLATE_PREVIEW_ON_UPLOAD"] = False
    docx = PATIENT_LETTER.read_bytes()

    def upload(path, **fields):
        import io

        return client.post(path, headers=api_headers, content_type="multipart/form-data",
                           data={"file": (io.BytesIO(docx), "mine.docx"), **fields})

    check(spec, upload("/api/v1/templates/check"), "/api/v1/templates/check", "post")
    created = upload("/api/v1/templates", name="Mine")
    check(spec, created, "/api/v1/templates", "post")
    template_id = created.get_json()["template"]["id"]
    item = f"/api/v1/templates/{template_id}"
    check(spec, client.get("/api/v1/templates", headers=api_headers), "/api/v1/templates", "get")
    check(spec, client.get(item, headers=api_headers), "/api/v1/templates/{template_id}", "get")
    check(spec, client.patch(item, json={"name": "Renamed"}, headers=api_headers),
          "/api/v1/templates/{template_id}", "patch")
    check(spec, upload(item + "/versions"), "/api/v1/templates/{template_id}/versions", "post")
    check(spec, client.get(item + "/preview", headers=api_headers),
          "/api/v1/templates/{template_id}/preview", "get")
    check(spec, client.delete(item, headers=api_headers), "/api/v1/templates/{template_id}", "delete")


def test_appeal_delete_response(spec, client, api_headers):
    created = client.post("/api/v1/appeals", json=CASE, headers=api_headers)
    check(spec, created, "/api/v1/appeals", "post")
    item = f"/api/v1/appeals/{created.get_json()['id']}"
    check(spec, client.post(item + "/retry", headers=api_headers), "/api/v1/appeals/{appeal_id}/retry", "post")
    check(spec, client.delete(item, headers=api_headers), "/api/v1/appeals/{appeal_id}", "delete")
    check(spec, client.delete(item, headers=api_headers), "/api/v1/appeals/{appeal_id}", "delete")
