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


def test_letter_details_are_optional_checked_and_ignored_by_the_matcher():
    from appeals.matching import match_case

    base = {"service": "72148", "plan_type": "employer",
            "documentation": [{"text": "Low back pain for 8 weeks, PT 6 weeks failed"}]}
    detailed = {**base, "study": {"cpt": "72148", "side": "left", "contrast": "without"},
                "clinician": {"name": "Dr. A. Test", "npi": "1234567893", "facility": "Clinic"},
                "diagnosis_codes": ["m54.16"],
                "patient": {"address": "1 Test Way", "phone": "555-0100"},
                "denial": {"notice_date": "2026-11-02", "appeal_fax": "1-800-555-0199",
                           "appeal_address": "PO Box 1, Test City", "reviewer": "eviCore"}}
    case = parse_case(detailed)
    assert case.diagnosis_codes == ["M54.16"]
    assert case.study.cpt == "72148" and case.clinician.npi == "1234567893"
    plain = parse_case({**base, "denial": {"notice_date": "2026-11-02"}})
    assert match_case(case).to_json() == match_case(plain).to_json()


@pytest.mark.parametrize("body, field, message", [
    ({"diagnosis_codes": ["hello"]}, "diagnosis_codes[0]", "ICD-10"),
    ({"clinician": {"npi": "12"}}, "clinician.npi", "ten-digit NPI"),
    ({"study": {"cpt": "7"}}, "study.cpt", "CPT code"),
    ({"study": {"side": "up"}}, "study.side", "left"),
    ({"clinician": {"email": "x"}}, "clinician.email", "unknown field"),
])
def test_letter_details_errors_name_the_field(body, field, message):
    with pytest.raises(CaseError) as info:
        parse_case({"service": "72148", "plan_type": "employer", **body})
    assert info.value.errors[0]["field"] == field
    assert message in info.value.errors[0]["message"]
