"""The spreadsheet's advocate and late-reason columns: clinics' own headers understood, the
values reach the case, and a value too long (or an email that is not one) is named by row and
column as the file spells it."""

from __future__ import annotations

import csv
import io

from appeals.intake.columns import column_reference, map_headers
from appeals.intake.rows import row_to_case
from appeals.intake.spreadsheet import parse_sheet

BASE = {"service": "MRI lumbar spine", "plan_type": "ERISA", "patient_name": "Doe, Jane",
        "denial_notice_date": "2026-01-02"}
REASON = "Hospitalized from 2026-06-01 to 2026-07-20; the notice went to an old address."


def _csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


def test_headers_clinics_use_map_to_the_new_columns():
    headers = ["CPT", "Plan type", "Reason for delay", "Representative", "Advocate org",
               "Advocate phone", "Advocate email", "Advocate address"]
    assert map_headers(headers).used == {
        "CPT": "service", "Plan type": "plan_type", "Reason for delay": "late_reason",
        "Representative": "advocate_name", "Advocate org": "advocate_organization",
        "Advocate phone": "advocate_phone", "Advocate email": "advocate_email",
        "Advocate address": "advocate_address"}


def test_a_row_from_a_file_reaches_the_case():
    data = _csv([
        ["service", "plan_type", "patient_name", "denial_notice_date", "Reason for delay",
         "Advocate", "Advocate organization", "Advocate phone", "Advocate email"],
        ["72148", "employer", "Doe, Jane", "2026-01-02", REASON, "Sam Carter",
         "Synthetic Patient Advocates", "(555) 010-7000", "sam@example.org"],
    ])
    (row,) = list(parse_sheet(data).rows)
    assert row.problems == [] and row.row == 2
    assert row.case.denial.late_reason == REASON
    advocate = row.case.advocate
    assert (advocate.name, advocate.organization, advocate.phone, advocate.email) == (
        "Sam Carter", "Synthetic Patient Advocates", "(555) 010-7000", "sam@example.org")
    assert advocate.address is None


def test_without_the_columns_the_case_has_neither():
    parsed = row_to_case(2, BASE)
    assert parsed.problems == []
    assert parsed.case.advocate is None and parsed.case.denial.late_reason is None


def test_bad_values_name_the_row_and_the_files_column():
    data = _csv([
        ["service", "plan_type", "patient_name", "denial_notice_date", "Good cause",
         "Representative", "Advocate email"],
        ["72148", "employer", "Doe, Jane", "2026-01-02", "x" * 1001, "S" * 201, "sam at example"],
    ])
    (row,) = list(parse_sheet(data).rows)
    assert row.case is None
    found = {(p.row, p.column, p.field): p.message for p in row.problems}
    assert set(found) == {(2, "Good cause", "late_reason"),
                          (2, "Representative", "advocate_name"),
                          (2, "Advocate email", "advocate_email")}
    assert "1000 characters" in found[(2, "Good cause", "late_reason")]
    assert "200 characters" in found[(2, "Representative", "advocate_name")]
    assert "email address" in found[(2, "Advocate email", "advocate_email")]
    assert str(row.problems[0]).startswith("row 2, column ")


def test_a_late_reason_without_a_denial_date_asks_for_the_date():
    parsed = row_to_case(5, {"service": "72148", "plan_type": "employer", "late_reason": REASON})
    assert [(p.row, p.field) for p in parsed.problems] == [(5, "denial_notice_date")]


def test_the_column_reference_documents_them():
    reference = {c["column"]: c for c in column_reference()}
    for column in ("late_reason", "advocate_name", "advocate_organization", "advocate_phone",
                   "advocate_email", "advocate_address"):
        assert reference[column]["meaning"] and not reference[column]["required"]
    assert "good cause" in reference["late_reason"]["meaning"]
