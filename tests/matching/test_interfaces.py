"""`appeals match`, `appeals criteria`, POST /api/v1/match and GET /api/v1/criteria; the examples."""

import json
from pathlib import Path

import pytest

from appeals.cli import cli
from appeals.contract import MatchResult, parse_case
from appeals.matching import match_case

EXAMPLES = sorted((Path(__file__).parents[2] / "examples" / "cases").glob("*.json"))


def test_examples_cover_the_outcomes_the_letters_need():
    outcomes = {}
    for path in EXAMPLES:
        result = match_case(parse_case(json.loads(path.read_text())))
        outcomes[path.stem] = (result.outcome, result.urgency)
    assert outcomes["lumbar_appeal_omitted_pt"] == ("appeal", "standard")
    assert outcomes["headache_thunderclap_emergency"][1] == "emergency"
    assert outcomes["knee_not_met"][0] == "not_met"
    assert outcomes["administrative_no_auth"][0] == "administrative"
    assert outcomes["check_before_filing_lumbar"][0] in {"ready", "not_met"}
    assert len(EXAMPLES) >= 5


# --- command line ---------------------------------------------------------------------------

def test_cli_match_prints_the_result(runner):
    path = next(p for p in EXAMPLES if p.stem == "lumbar_appeal_omitted_pt")
    out = runner.invoke(cli, ["match", str(path)])
    assert out.exit_code == 0, out.output
    result = json.loads(out.stdout)
    MatchResult.model_validate(result)
    assert result["outcome"] == "appeal" and result["deadline"]["days"] == 180


def test_cli_match_reads_standard_input(runner):
    case = {"service": "MRI knee", "plan_type": "medicaid", "denial": {"notice_date": "2025-01-01"}}
    out = runner.invoke(cli, ["match", "-"], input=json.dumps(case))
    assert out.exit_code == 0
    assert json.loads(out.stdout)["deadline"]["date"] == "2025-03-02"


def test_cli_bad_case_exits_2_naming_each_field(runner):
    case = {"service": "72148", "plan_type": "employer_plan", "denial": {"text": "x"}, "extra": 1}
    out = runner.invoke(cli, ["match", "-"], input=json.dumps(case))
    assert out.exit_code == 2
    assert "plan_type" in out.stderr and "denial.notice_date" in out.stderr and "extra" in out.stderr
    assert out.stdout == ""


def test_cli_bad_json_exits_2_with_the_line(runner):
    out = runner.invoke(cli, ["match", "-"], input='{"service": "72148",\n "plan_type": }')
    assert out.exit_code == 2 and "line 2" in out.stderr


def test_cli_criteria_lists_and_shows(runner):
    listing = json.loads(runner.invoke(cli, ["criteria"]).stdout)
    assert {"mri_lumbar_spine", "mri_knee", "ct_head_trauma"} <= {s["id"] for s in listing}
    shown = runner.invoke(cli, ["criteria", "72148"])
    detail = json.loads(shown.stdout)
    assert detail["id"] == "mri_lumbar_spine" and detail["codes"] == ["72148", "72149", "72158"]
    assert any(q["id"] == "pt_weeks" and q["type"] == "number" for q in detail["questions"])
    assert all(s["url"] and s["version"] for s in detail["sources"])
    missing = runner.invoke(cli, ["criteria", "colonoscopy"])
    assert missing.exit_code == 2 and "colonoscopy" in missing.stderr


# --- API ------------------------------------------------------------------------------------

def test_api_match_returns_the_result(client, api_headers):
    case = json.loads(next(p for p in EXAMPLES if p.stem == "knee_not_met").read_text())
    r = client.post("/api/v1/match", json=case, headers=api_headers)
    assert r.status_code == 200
    assert r.get_json()["outcome"] == "not_met"
    assert r.get_json() == match_case(parse_case(case)).to_json()


def test_api_match_422_names_each_field(client, api_headers):
    r = client.post("/api/v1/match", json={"service": "", "plan_type": "x", "documentation": [{}]},
                    headers=api_headers)
    assert r.status_code == 422
    body = r.get_json()
    assert body["error"] and {e["field"] for e in body["errors"]} == {"service", "plan_type", "documentation[0].text"}


@pytest.mark.parametrize("kwargs, status", [
    ({"data": "{not json", "content_type": "application/json"}, 400),
    ({"data": "service=72148", "content_type": "application/x-www-form-urlencoded"}, 415),
    ({"json": [1, 2]}, 422),
])
def test_api_match_rejects_bodies_that_are_not_cases(client, api_headers, kwargs, status):
    assert client.post("/api/v1/match", headers=api_headers, **kwargs).status_code == status


def test_api_needs_a_token(client):
    assert client.post("/api/v1/match", json={"service": "72148", "plan_type": "other"}).status_code == 401
    assert client.get("/api/v1/criteria").status_code == 401


def test_api_criteria_list_and_one(client, api_headers):
    listing = client.get("/api/v1/criteria", headers=api_headers).get_json()["services"]
    assert len(listing) >= 8 and all(s["codes"] for s in listing)
    one = client.get("/api/v1/criteria/mri_knee", headers=api_headers)
    assert one.status_code == 200 and one.get_json()["lateral"] is True
    assert client.get("/api/v1/criteria/73221", headers=api_headers).get_json()["id"] == "mri_shoulder"
    assert client.get("/api/v1/criteria/nope", headers=api_headers).status_code == 404
