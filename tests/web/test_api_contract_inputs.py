"""Issue 14's list, as regression tests: every input the OpenAPI document does not allow answers a
4xx in JSON (none a 500, none an HTML page), timestamps carry their time zone, OPTIONS tells the
truth, and no value sent reaches the log."""

from __future__ import annotations

import io
import json
import logging
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CASE = json.loads((ROOT / "examples/cases/lumbar_appeal_omitted_pt.json").read_text())
LETTER = (ROOT / "appeals/templates/letters/patient.docx").read_bytes()
# Hostile values, each unique so the log can be searched for it.
NAME = "Quintessa Hostilevalue-Synthetica"
MEMBER = "SYNHOSTILE-77123-ZZ"
OFFSET = re.compile(r"(\+00:00|Z)$")


def _upload(client, headers, path, **fields):
    return client.post(path, headers=headers, content_type="multipart/form-data",
                       data={"file": (io.BytesIO(LETTER), "mine.docx"), **fields})


@pytest.fixture
def quiet_app(app):
    app.config["TEMPLATE_PREVIEW_ON_UPLOAD"] = False
    return app


def hostile_requests(client, headers, batch_id):
    """(what it is, response) for each hostile input of the issue's list."""
    query = f"patient_name={NAME}&member_id={MEMBER}"
    post = client.post
    yield "limit=0", client.get(f"/api/v1/batches?limit=0&{query}", headers=headers)
    yield "limit=201", client.get("/api/v1/batches?limit=201", headers=headers)
    yield "limit twice", client.get("/api/v1/batches?limit=5&limit=6", headers=headers)
    yield "format twice", client.get(f"/api/v1/batches/{batch_id}/archive?partial=true"
                                     "&partial=false", headers=headers)
    yield "date not a date", post(f"/api/v1/match?date=86400&{query}", json=CASE, headers=headers)
    yield "letter unknown", post(f"/api/v1/appeals?letter=sonnet&{query}", json=CASE,
                                 headers=headers)
    yield "letter empty", post("/api/v1/appeals?letter=", json=CASE, headers=headers)
    yield "empty visibility", _upload(client, headers, "/api/v1/templates", visibility="",
                                      name=NAME)
    yield "answers key empty", post("/api/v1/match", headers=headers,
                                    json={**CASE, "answers": {"": True}})
    yield "age true", post("/api/v1/match", headers=headers,
                           json={**CASE, "patient": {"name": NAME, "age": True}})
    yield "blank service", post("/api/v1/appeals", headers=headers, json={**CASE, "service": "  "})
    yield "empty batch", post("/api/v1/batches", json=[], headers=headers)
    yield "batch object with extra", post("/api/v1/batches", headers=headers,
                                          json={"cases": [CASE], "member": MEMBER})
    yield "unknown path", client.get(f"/api/v1/nope?{query}", headers=headers)
    yield "unknown path no token", client.get(f"/api/v1/{NAME}")
    yield "PUT /me", client.put("/api/v1/me", headers=headers, json={"name": NAME})
    yield "GET /templates/check", client.get("/api/v1/templates/check", headers=headers)
    yield "template id not an id", client.get(f"/api/v1/templates/{MEMBER}", headers=headers)
    yield "deep nesting", post("/api/v1/match", data="[" * 100_000, headers={
        **headers, "Content-Type": "application/json"})
    yield "number as date", post("/api/v1/match", headers=headers, json={
        **CASE, "patient": {"name": NAME, "member_id": MEMBER, "date_of_birth": 86400}})
    yield "PATCH name not text", client.patch("/api/v1/templates/" + "0" * 32, headers=headers,
                                              json={"name": 123})


def test_every_hostile_input_is_a_json_4xx_and_none_reaches_the_log(quiet_app, client,
                                                                      api_headers, caplog):
    batch_id = client.post("/api/v1/batches", json=[CASE], headers=api_headers).json["id"]
    with caplog.at_level(logging.DEBUG):
        answers = list(hostile_requests(client, api_headers, batch_id))
    for what, response in answers:
        assert 400 <= response.status_code < 500, f"{what}: {response.status_code}"
        assert response.mimetype == "application/json", f"{what}: {response.mimetype}"
        assert set(response.json) >= {"error", "message"}, what
    log = caplog.text
    for value in (NAME, MEMBER, NAME.split("-")[0], "86400"):
        assert value not in log, f"{value!r} reached the log"


def test_refusals_name_what_is_wrong(quiet_app, client, api_headers):
    response = client.get("/api/v1/batches?limit=0", headers=api_headers)
    assert response.status_code == 400 and response.json["errors"][0]["field"] == "limit"
    response = client.get("/api/v1/batches?limit=5&limit=6", headers=api_headers)
    assert response.json["errors"] == [{"field": "limit",
                                        "message": "give this query parameter once"}]
    response = _upload(client, api_headers, "/api/v1/templates", visibility="")
    assert response.status_code == 422 and response.json["errors"][0]["field"] == "visibility"
    response = client.post("/api/v1/match", headers=api_headers, json={**CASE, "answers": {"": 1}})
    assert response.status_code == 422
    assert response.json["errors"] == [{"field": "answers",
                                        "message": "answer id '' is not a question id"}]


def test_unknown_paths_and_methods_answer_json_with_allow(client, api_headers):
    missing = client.get("/api/v1/appeals/list/everything", headers=api_headers)
    assert missing.status_code == 404 and missing.json["error"] == "Not Found"
    wrong = client.put("/api/v1/me", headers=api_headers)
    assert wrong.status_code == 405 and wrong.json["error"] == "Method Not Allowed"
    assert set(wrong.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
    # Pages outside the API keep their own (HTML) error pages.
    assert client.get("/no-such-page").mimetype == "text/html"


def test_options_on_the_check_advertises_only_its_own_methods(client, api_headers):
    response = client.open("/api/v1/templates/check", method="OPTIONS", headers=api_headers)
    assert set(response.headers["Allow"].split(", ")) == {"POST", "OPTIONS"}


def test_every_timestamp_carries_its_time_zone(quiet_app, client, api_headers):
    batch = client.post("/api/v1/batches", json=[CASE], headers=api_headers).json
    listed = client.get("/api/v1/batches", headers=api_headers).json["batches"][0]
    template = _upload(client, api_headers, "/api/v1/templates", name="Mine").json["template"]
    appeal = client.post("/api/v1/appeals", json=CASE, headers=api_headers).json
    stamps = [batch["created_at"], listed["created_at"], template["updated_at"],
              template["current_version"]["created_at"], appeal["created_at"]]
    for stamp in stamps:
        assert OFFSET.search(stamp), stamp


def test_the_document_says_what_the_server_checks(client):
    spec = client.get("/api/v1/openapi.json").json
    batches = {p["name"]: p for p in spec["paths"]["/api/v1/batches"]["get"]["parameters"]}
    assert batches["limit"]["schema"]["minimum"] == 1 and batches["limit"]["schema"]["maximum"] == 200
    assert "400" in spec["paths"]["/api/v1/batches"]["get"]["responses"]
    case = spec["components"]["schemas"]["Case"]["properties"]
    assert case["answers"]["propertyNames"] == {"minLength": 1, "maxLength": 100}
    template_id = spec["paths"]["/api/v1/templates/{template_id}"]["get"]["parameters"][0]
    assert template_id["schema"]["pattern"] == "^[0-9a-f]{32}$"
    upload = spec["components"]["schemas"]["TemplateUpload"]["properties"]["visibility"]
    allowed = [choice for option in upload["anyOf"] for choice in option.get("enum", [])]
    assert sorted(allowed) == ["organization", "private", "public"]
