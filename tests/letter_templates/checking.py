"""The upload check run against a fixed slice of the letter schema, and ways to read its report
(for the check tests)."""

from __future__ import annotations

from appeals.letter_templates import check_docx

# A slice of the letter context schema, so these tests do not move when the schema grows.
NAMES = [
    "patient.name", "patient.member_id", "urgency", "plan_type", "payer",
    "requirements[].text", "requirements[].status", "requirements[].evidence[].quote",
    "requirements[].evidence[].date", "deadline.date", "service.name",
]


def check(data: bytes):
    return check_docx(data, NAMES)


def codes(report) -> list[str]:
    return [p.code for p in report.problems]


def only_error(report, code: str):
    errors = [p for p in report.errors if p.code == code]
    assert errors, f"expected a {code} error, got {[(p.code, p.message) for p in report.problems]}"
    return errors[0]
