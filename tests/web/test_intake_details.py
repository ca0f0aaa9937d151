"""The form's optional letter details build the case with the contract's names; a malformed one
is reported next to its field."""

from __future__ import annotations

from sqlalchemy import select

from appeals.extensions import db
from appeals.models import Appeal

from .conftest import appeal_count, errors_for, parse, summary_links, with_questions_shown

DETAILS = {
    "patient_address": "1 Synthetic Way\nTestville, ST 00000",
    "patient_phone": "555-0100",
    "appeal_address": "Appeals Unit, PO Box 0000, Testville, ST 00000",
    "appeal_fax": "555-0199",
    "denial_reviewer": "eviCore",
    "study_cpt": "72148",
    "study_side": "left",
    "study_contrast": "without",
    "diagnosis_codes": "m54.16, M51.16",
    "clinician_name": "Dr. Synthetic Example",
    "clinician_npi": "1234567893",
    "clinician_facility": "Synthetic Spine Clinic",
    "clinician_phone": "555-0110",
    "clinician_fax": "555-0111",
    "clinician_address": "2 Example Street",
}


def test_details_reach_the_case_with_the_contract_names(client, app):
    response = client.post("/", data=with_questions_shown(**DETAILS))
    assert response.status_code == 303
    with app.app_context():
        case = db.session.scalars(select(Appeal)).one().case_json
    assert case["patient"]["address"] == DETAILS["patient_address"]
    assert case["patient"]["phone"] == "555-0100"
    assert case["denial"]["appeal_address"].startswith("Appeals Unit")
    assert case["denial"]["appeal_fax"] == "555-0199"
    assert case["denial"]["reviewer"] == "eviCore"
    assert case["study"] == {"cpt": "72148", "side": "left", "contrast": "without"}
    assert case["diagnosis_codes"] == ["M54.16", "M51.16"]
    assert case["clinician"] == {"name": "Dr. Synthetic Example", "npi": "1234567893",
                                 "facility": "Synthetic Spine Clinic", "phone": "555-0110",
                                 "fax": "555-0111", "address": "2 Example Street"}


def test_check_before_filing_keeps_no_appeal_address(client, app):
    response = client.post("/", data=with_questions_shown(mode="check", **DETAILS))
    assert response.status_code == 303
    with app.app_context():
        case = db.session.scalars(select(Appeal)).one().case_json
    assert not case.get("denial")
    assert case["clinician"]["name"] == "Dr. Synthetic Example"


def test_malformed_details_are_reported_at_their_fields(client, app):
    response = client.post("/", data=with_questions_shown(
        clinician_npi="12345", study_cpt="7214", diagnosis_codes="M54.16, banana"))
    assert response.status_code == 422
    tree = parse(response)
    assert any("NPI" in m for m in errors_for(tree, "clinician_npi"))
    assert any("CPT" in m for m in errors_for(tree, "study_cpt"))
    assert any("ICD-10" in m for m in errors_for(tree, "diagnosis_codes"))
    assert appeal_count(app) == 0


def test_error_summary_lists_details_in_the_pages_order(client):
    response = client.post("/", data=with_questions_shown(
        plan_type="", clinician_npi="1" * 21, patient_phone="9" * 41))
    links = list(summary_links(parse(response)))
    assert links.index("plan_type") < links.index("patient_phone") < links.index("clinician_npi")
