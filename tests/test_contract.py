import pytest

from appeals.contract import CaseError, parse_case


def test_unknown_and_missing_fields_are_named():
    with pytest.raises(CaseError) as info:
        parse_case({"service": "72148", "plan_type": "employer", "denail": {}})
    fields = {e["field"] for e in info.value.errors}
    assert fields == {"denail"}
    assert "unknown field" in info.value.errors[0]["message"]


def test_denial_needs_notice_date_and_received_defaults_to_it():
    with pytest.raises(CaseError) as info:
        parse_case({"service": "72148", "plan_type": "employer", "denial": {"text": "x"}})
    assert info.value.errors[0]["field"] == "denial.notice_date"
    case = parse_case(
        {"service": "72148", "plan_type": "medicaid", "denial": {"notice_date": "2025-03-01"}}
    )
    assert case.denial.received.isoformat() == "2025-03-01"


def test_nested_list_errors_carry_their_index():
    with pytest.raises(CaseError) as info:
        parse_case({"service": "x", "plan_type": "other", "documentation": [{"text": "ok"}, {}]})
    assert info.value.errors[0]["field"] == "documentation[1].text"
