"""The spreadsheet's optional letter-detail columns: one column per detail, clinics' own header
names understood, each bad value named by row and column."""

from __future__ import annotations

from appeals.intake.columns import map_headers
from appeals.intake.rows import row_to_case

BASE = {"service": "MRI lumbar spine", "plan_type": "ERISA", "patient_name": "Doe, Jane",
        "denial_notice_date": "2026-01-02"}


def test_headers_clinics_use_map_to_one_column_each():
    headers = ["CPT", "Plan type", "Patient address", "Ordering provider", "NPI", "ICD-10 codes",
               "Laterality", "Contrast", "Appeal fax", "Reviewer", "Ordered CPT"]
    mapped = map_headers(headers).used
    assert mapped == {"CPT": "service", "Plan type": "plan_type",
                      "Patient address": "patient_address", "Ordering provider": "clinician_name",
                      "NPI": "clinician_npi", "ICD-10 codes": "diagnosis_codes",
                      "Laterality": "study_side", "Contrast": "study_contrast",
                      "Appeal fax": "appeal_fax", "Reviewer": "denial_reviewer",
                      "Ordered CPT": "study_cpt"}


def test_details_reach_the_case():
    parsed = row_to_case(2, {**BASE, "patient_address": "12 Example Lane",
                             "patient_phone": "(555) 010-2030", "study_cpt": "72148",
                             "study_side": "LT", "study_contrast": "w/o",
                             "clinician_name": "Dr. Maria Lopez, MD",
                             "clinician_npi": "1234567893", "clinician_phone": "(555) 010-4000",
                             "diagnosis_codes": "m54.16; M51.26", "appeal_fax": "(555) 010-9900",
                             "appeal_address": "PO Box 1", "denial_reviewer": "eviCore"})
    assert parsed.problems == []
    case = parsed.case
    assert (case.study.cpt, case.study.side, case.study.contrast) == ("72148", "left", "without")
    assert case.clinician.npi == "1234567893" and case.clinician.phone == "(555) 010-4000"
    assert case.diagnosis_codes == ["M54.16", "M51.26"]
    assert case.patient.address == "12 Example Lane" and case.patient.phone == "(555) 010-2030"
    assert (case.denial.appeal_fax, case.denial.appeal_address, case.denial.reviewer) == (
        "(555) 010-9900", "PO Box 1", "eviCore")


def test_bad_details_name_their_column():
    parsed = row_to_case(7, {**BASE, "study_side": "up", "clinician_npi": "12",
                             "diagnosis_codes": "XYZ"},
                         header_for={"study_side": "Laterality", "clinician_npi": "NPI",
                                     "diagnosis_codes": "ICD-10"}.get)
    found = {(p.row, p.column, p.field) for p in parsed.problems}
    assert found == {(7, "Laterality", "study_side"), (7, "NPI", "clinician_npi"),
                     (7, "ICD-10", "diagnosis_codes")}
    assert parsed.case is None
