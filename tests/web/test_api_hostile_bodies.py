"""Bodies the JSON reader cannot take answer 400, and a number is not a date (issue 14)."""

import pytest

from appeals.contract import CaseError, parse_case

CASE = {"service": "72148", "plan_type": "employer"}


@pytest.mark.parametrize("path", ["/api/v1/appeals", "/api/v1/match", "/api/v1/batches"])
@pytest.mark.parametrize("raw", ["[" * 100_000, '{"service": ' + "9" * 5000 + "}"])
def test_deep_nesting_and_huge_numbers_are_a_400(client, api_headers, path, raw):
    response = client.post(path, data=raw, headers={**api_headers, "Content-Type": "application/json"})
    assert response.status_code == 400
    assert "not valid JSON" in response.json["message"]


@pytest.mark.parametrize("value", [86400, "86400", 1.5, "2025-1-5", "01/02/2025"])
def test_a_date_is_an_iso_string_only(value):
    with pytest.raises(CaseError) as caught:
        parse_case({**CASE, "denial": {"notice_date": value}})
    assert caught.value.errors == [{"field": "denial.notice_date",
                                    "message": "must be a date written YYYY-MM-DD"}]
    assert parse_case({**CASE, "denial": {"notice_date": "2025-01-02"}}).denial.notice_date.isoformat() \
        == "2025-01-02"


def test_the_api_names_the_date_field(client, api_headers):
    response = client.post("/api/v1/match", json={**CASE, "patient": {"date_of_birth": 86400}},
                           headers=api_headers)
    assert response.status_code == 422
    assert response.json["errors"] == [{"field": "patient.date_of_birth",
                                        "message": "must be a date written YYYY-MM-DD"}]
