"""The API takes the advocate and the late reason as the contract writes them: the OpenAPI
document describes both, a bad value answers 422 naming the field, and a good one is kept."""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CASE = json.loads((ROOT / "examples/cases/lumbar_appeal_omitted_pt.json").read_text())
ADVOCATE = {"name": "Sam Carter", "organization": "Synthetic Patient Advocates",
            "phone": "555-0170", "email": "sam@example.org"}


def _schema(spec: dict, name: str) -> dict:
    return spec["components"]["schemas"][name]


def test_the_openapi_document_describes_them(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    advocate = _schema(spec, "Advocate")["properties"]
    assert set(advocate) == {"name", "organization", "phone", "email", "address"}
    assert "pattern" in json.dumps(advocate["email"])
    late = json.dumps(_schema(spec, "Denial")["properties"]["late_reason"])
    assert '"maxLength": 1000' in late


def test_bad_values_answer_422_naming_the_field(client, api_headers):
    case = {**CASE, "advocate": {"email": "sam at example", "name": "S" * 201},
            "denial": {**CASE["denial"], "late_reason": "x" * 1001}}
    response = client.post("/api/v1/match", json=case, headers=api_headers)
    assert response.status_code == 422
    fields = {e["field"]: e["message"] for e in response.get_json()["errors"]}
    assert fields["advocate.email"] == "must be an email address such as name@example.org"
    assert "200 characters" in fields["advocate.name"]
    assert "1000 characters" in fields["denial.late_reason"]


def test_an_appeal_keeps_them(client, api_headers):
    case = {**CASE, "advocate": ADVOCATE,
            "denial": {**CASE["denial"], "late_reason": "I was in the hospital."}}
    response = client.post("/api/v1/appeals?letter=advocate", json=case, headers=api_headers)
    assert response.status_code in (201, 202), response.get_json()
    appeal = client.get(f"/api/v1/appeals/{response.get_json()['id']}", headers=api_headers)
    stored = appeal.get_json()["case"]
    assert stored["advocate"] == {**ADVOCATE, "address": None}
    assert stored["denial"]["late_reason"] == "I was in the hospital."
