"""Denial classification (text and CARC/RARC codes), deadlines by plan type, check before filing."""

import datetime as dt

import pytest

from appeals.contract import Denial
from appeals.criteria import load_library
from appeals.matching.deadlines import deadline_for, next_level
from appeals.matching.denial import classify

from .helpers import make_case, run, warned


def category(text=None, code=None):
    return classify(Denial(notice_date=dt.date(2025, 1, 1), text=text, code=code), load_library()).result.category


@pytest.mark.parametrize("code, expected", [
    ("CO-50", "medical_necessity"),
    ("50", "medical_necessity"),
    ("CO-197", "no_authorization"),
    ("CO 198", "no_authorization"),
    ("PR-204", "benefit_exclusion"),
    ("CO-96 N115", "benefit_exclusion"),
    ("CO-27", "eligibility"),
    ("CO-16 M127", "missing_information"),
    ("N706", "missing_information"),
    ("CO-4", "coding"),
    ("CO-11", "coding"),
    ("N54", "coding"),
    ("N115", "medical_necessity"),
    ("CO-29", "other"),
    ("XYZ", "other"),
])
def test_claim_codes(code, expected):
    assert category(code=code) == expected


@pytest.mark.parametrize("text, expected", [
    ("The requested MRI is not medically necessary based on eviCore guidelines.", "medical_necessity"),
    ("Does not meet Carelon clinical appropriateness criteria.", "medical_necessity"),
    ("The request is premature; conservative treatment should be tried first.", "medical_necessity"),
    ("Insufficient clinical information was submitted.", "missing_information"),
    ("We did not receive documentation of conservative therapy.", "missing_information"),
    ("Service performed without prior authorization.", "no_authorization"),
    ("No authorization was obtained before the service.", "no_authorization"),
    ("The member's coverage terminated on 2024-12-31.", "eligibility"),
    ("Not a covered benefit under the member's plan.", "benefit_exclusion"),
    ("The CPT code billed does not match the authorized service.", "coding"),
    ("Right knee was requested but the records describe the left knee: laterality mismatch.", "coding"),
    ("The study was requested with contrast but the notes do not support contrast; contrast does not match.", "coding"),
    ("Your prior authorization request was reviewed.", "other"),
])
def test_letter_wording(text, expected):
    assert category(text=text) == expected


def test_administrative_reason_wins_over_clinical_wording():
    assert category("Not medically necessary and performed without prior authorization.") == "no_authorization"


def test_the_letter_names_the_mismatch_kind():
    reading = classify(Denial(notice_date=dt.date(2025, 1, 1), text="Wrong side: laterality does not match."),
                       load_library())
    assert reading.aspect == "laterality"


@pytest.mark.parametrize("code, outcome", [("CO-197", "administrative"), ("CO-27", "administrative"),
                                           ("PR-204", "administrative"), ("CO-4", "administrative"),
                                           ("CO-50", "not_met"), ("CO-16", "not_met")])
def test_administrative_categories_set_the_outcome(code, outcome):
    r = run(make_case(denial=None, code=code, notes=["Low back pain for 2 weeks."]))
    assert r["outcome"] == outcome


def test_no_authorization_result_says_what_to_do():
    r = run(make_case(code="CO-197", denial="Performed without authorization."))
    assert warned(r, "retroactive authorization")


# --- deadlines --------------------------------------------------------------------------------

@pytest.mark.parametrize("plan, days, counted_from, cite", [
    ("employer", 180, "2025-03-07", "2560.503-1(h)(3)(i)"),
    ("marketplace", 180, "2025-03-07", "147.136"),
    ("government_employer", 180, "2025-03-07", "2719"),
    ("medicare_advantage", 65, "2025-03-03", "422.582(b)"),
    ("medicaid", 60, "2025-03-03", "438.402(c)(2)(ii)"),
    ("other", 60, "2025-03-03", "plan type is not known"),
])
def test_deadline_by_plan_type(plan, days, counted_from, cite):
    r = run(make_case(plan_type=plan, notice="2025-03-03", received="2025-03-07", notes=["Back pain."]))
    d = r["deadline"]
    assert d["days"] == days and d["counted_from"] == counted_from
    start = dt.date.fromisoformat(counted_from)
    assert d["date"] == (start + dt.timedelta(days=days)).isoformat()
    assert cite in d["basis"]


def test_received_date_defaults_to_notice_date():
    d = deadline_for("employer", dt.date(2025, 1, 10), None)
    assert d.counted_from == dt.date(2025, 1, 10) and d.date == dt.date(2025, 7, 9)


@pytest.mark.parametrize("plan, words", [
    ("employer", "4 months"), ("marketplace", "external review"), ("government_employer", "4 months"),
    ("medicare_advantage", "Independent Review Entity"), ("medicaid", "State fair hearing"),
    ("other", "denial letter"),
])
def test_next_level_in_plain_words(plan, words):
    assert words in next_level(plan)


# --- check before filing ---------------------------------------------------------------------

def test_check_before_filing_ready_has_no_deadline_and_cites_what_the_draft_leaves_out():
    r = run(make_case(payer="Cigna", denial=None, request="MRI for back pain.", notes=[
        ("2025-08-01", "Clinic note", "Back pain since 2025-06-20. Exam in clinic: lumbar tenderness."),
        ("2025-08-20", "PT note", "Physical therapy 2025-07-01 to 2025-08-15, no improvement."),
        ("2025-08-25", "Follow-up visit", "Follow-up visit: pain persists.")]))
    assert r["outcome"] == "ready"
    assert r["deadline"] is None and r["denial"] is None
    assert {q["status"] for q in r["requirements"]} == {"omitted"}


def test_check_before_filing_not_met():
    r = run(make_case(payer="Cigna", denial=None, notes=["Back pain for 1 week. Started ibuprofen."]))
    assert r["outcome"] == "not_met" and r["deadline"] is None


def test_request_already_showing_everything_says_the_criteria_were_misapplied():
    r = run(make_case(payer="Anthem", request="Exam: positive SLR on the left, absent left ankle reflex.",
                      notes=["Exam: positive SLR on the left."]))
    assert r["outcome"] == "appeal"
    assert r["requirements"][0]["status"] == "met_in_request"
    assert warned(r, "misapplied")
