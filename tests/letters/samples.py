"""Synthetic cases and hand-built match results for the letter tests (no real patient data)."""

from __future__ import annotations

import datetime as dt

from appeals.contract import Case, MatchResult

PT_NOTE = ("Physical therapy 2025-12-16 to 2026-02-10, 14 visits, home exercise program, "
           "no improvement in pain or function.")
REEVAL_NOTE = "Re-evaluation 2026-02-14: persistent L5 radicular pain, SLR positive at 40 degrees."
EXAM_NOTE = "Exam 2026-01-05: decreased sensation L5 dermatome, EHL weakness 4/5."

LUMBAR_POLICY = {
    "title": "Spine Imaging Guidelines", "source": "eviCore", "section": "SP.LB.0005.1.A",
    "version": "V1.0.2026", "url": "https://www.evicore.com/provider/clinical-guidelines",
}
LUMBAR_SERVICE = {"id": "mri-lumbar", "name": "MRI lumbar spine without contrast",
                  "codes": ["72148"]}


def lumbar_case(plan_type: str = "employer", **overrides) -> Case:
    data = {
        "service": "72148",
        "plan_type": plan_type,
        "payer": "Acme Health & Life",
        "patient": {"name": "Alex Rivera", "date_of_birth": "1971-03-04",
                    "member_id": "XKJ123456789"},
        "denial": {"notice_date": "2026-03-02", "received_date": "2026-03-05",
                   "text": "Conservative treatment not documented.", "code": "CO-50",
                   "reference": "PA-2026-0042"},
        "original_request": "Low back pain with left leg pain, MRI requested.",
        "documentation": [
            {"text": PT_NOTE, "date": "2026-02-10", "source": "Physical therapy discharge summary"},
            {"text": REEVAL_NOTE, "date": "2026-02-14", "source": "Office note (re-evaluation)"},
            {"text": EXAM_NOTE, "date": "2026-01-05", "source": "Office note (initial visit)"},
        ],
    }
    data.update(overrides)
    return Case.model_validate(data)


def lumbar_result(outcome: str = "appeal", urgency: str = "standard", **overrides) -> MatchResult:
    data = {
        "outcome": outcome,
        "urgency": urgency,
        "service": LUMBAR_SERVICE,
        "policy": LUMBAR_POLICY,
        "pathway": {"id": "lbp-conservative",
                    "title": "Low back pain after 6 weeks of provider-directed treatment"},
        "requirements": [
            {"id": "in-person-eval", "kind": "clinical_finding",
             "text": "An in-person clinical evaluation for the current episode",
             "status": "met_in_request",
             "evidence": [{"quote": "decreased sensation L5 dermatome, EHL weakness 4/5",
                           "source": "Office note (initial visit)", "date": "2026-01-05"}]},
            {"id": "six-week-trial", "kind": "conservative_care",
             "text": "Failure of a 6-week trial of provider-directed treatment",
             "status": "omitted",
             "evidence": [{"quote": "Physical therapy 2025-12-16 to 2026-02-10, 14 visits",
                           "source": "Physical therapy discharge summary",
                           "date": "2026-02-10"}]},
            {"id": "re-evaluation", "kind": "follow_up",
             "text": "Clinical re-evaluation after the treatment period",
             "status": "omitted",
             "evidence": [{"quote": "persistent L5 radicular pain, SLR positive at 40 degrees",
                           "source": "Office note (re-evaluation)", "date": "2026-02-14"}]},
        ],
        "denial": {"category": "medical_necessity", "code": "CO-50",
                   "text": "Conservative treatment not documented."},
        "deadline": {"date": "2026-09-01", "days": 180, "counted_from": "2026-03-05",
                     "basis": "29 CFR 2560.503-1(h)(3)(i)"},
        "warnings": ["The PT log and the office note disagree on the number of visits."],
    }
    data.update(overrides)
    return MatchResult.model_validate(data)


TODAY = dt.date(2026, 3, 10)


# --- a spread of scenarios: every outcome, urgency and plan type, several services ------------

HEADACHE_NOTE = ("ED note 2026-04-01: sudden severe headache reaching maximal intensity within one "
                 "minute, worst headache of life, neck stiffness.")
CES_NOTE = "Urgent care 2026-04-02: new urinary retention, saddle numbness, bilateral leg weakness."
KNEE_NOTE = "Knee x-ray 2026-01-20: no fracture, small joint effusion."


def headache_pair(urgency: str = "emergency", plan_type: str = "medicare_advantage"):
    case = Case.model_validate({
        "service": "70551", "plan_type": plan_type, "payer": "Sunrise Medicare Advantage",
        "patient": {"name": "Dana Øyelaran-Müller", "date_of_birth": "1958-11-30",
                    "member_id": "MA-77-0093"},
        "denial": {"notice_date": "2026-04-03", "reference": "UM-55012",
                   "text": "No red flags documented."},
        "original_request": "Headache, MRI brain requested.",
        "documentation": [{"text": HEADACHE_NOTE, "date": "2026-04-01",
                           "source": "Emergency department note"}],
    })
    result = MatchResult.model_validate({
        "outcome": "appeal", "urgency": urgency,
        "service": {"id": "mri-brain", "name": "MRI brain without contrast", "codes": ["70551"]},
        "policy": {"title": "Imaging of the Brain", "source": "Carelon",
                   "version": "2025-11-15 (updated 2026-01-01)", "section": "Headache"},
        "pathway": {"id": "thunderclap", "title": "Thunderclap headache"},
        "requirements": [{
            "id": "thunderclap", "kind": "red_flag",
            "text": "Thunderclap or sentinel headache", "status": "omitted",
            "evidence": [{"quote": "sudden severe headache reaching maximal intensity within "
                                   "one minute", "source": "Emergency department note",
                          "date": "2026-04-01"}]}],
        "denial": {"category": "medical_necessity", "text": "No red flags documented."},
        "deadline": {"date": "2026-06-07", "days": 65, "counted_from": "2026-04-03",
                     "basis": "42 CFR 422.582(b)"},
    })
    return case, result


def cauda_equina_pair():
    case = lumbar_case("medicaid", documentation=[
        {"text": CES_NOTE, "date": "2026-04-02", "source": "Urgent care note"}])
    result = lumbar_result(
        urgency="emergency",
        pathway={"id": "red-flag", "title": "Suspected cauda equina syndrome"},
        requirements=[{
            "id": "ces", "kind": "red_flag", "text": "Clinical suspicion of cauda equina syndrome",
            "status": "omitted",
            "evidence": [{"quote": "new urinary retention, saddle numbness",
                          "source": "Urgent care note", "date": "2026-04-02"}]}],
        deadline={"date": "2026-05-01", "days": 60, "counted_from": "2026-03-02",
                  "basis": "42 CFR 438.402(c)(2)(ii)"})
    return case, result


def not_met_pair(plan_type: str = "marketplace"):
    case = lumbar_case(plan_type, documentation=[
        {"text": "Office visit 2026-02-20: low back pain for 2 weeks, ibuprofen started.",
         "date": "2026-02-20", "source": "Office note"}])
    result = lumbar_result(
        outcome="not_met",
        requirements=[
            {"id": "in-person-eval", "kind": "clinical_finding",
             "text": "An in-person clinical evaluation for the current episode",
             "status": "met_in_request",
             "evidence": [{"quote": "low back pain for 2 weeks", "source": "Office note",
                           "date": "2026-02-20"}]},
            {"id": "six-week-trial", "kind": "conservative_care",
             "text": "Failure of a 6-week trial of provider-directed treatment",
             "status": "unmet",
             "needed": "Six weeks of treatment directed by a clinician (such as physical "
                       "therapy), with notes showing it did not help"},
            {"id": "re-evaluation", "kind": "follow_up",
             "text": "Clinical re-evaluation after the treatment period", "status": "unmet",
             "needed": "A follow-up visit after the treatment that records how you responded"},
        ])
    return case, result


def administrative_pair(category: str = "no_authorization", plan_type: str = "employer"):
    case = lumbar_case(plan_type, denial={
        "notice_date": "2026-03-02", "code": "CO-197", "reference": "CLM-88812",
        "text": "Precertification/authorization absent."})
    result = lumbar_result(
        outcome="administrative",
        denial={"category": category, "code": "CO-197",
                "text": "Precertification/authorization absent."})
    return case, result


def knee_ready_pair():
    case = Case.model_validate({
        "service": "73721", "plan_type": "government_employer", "payer": "State Employees Plan",
        "patient": {"name": "Sam Lee", "age": 44},
        "original_request": "Right knee pain, MRI requested.",
        "documentation": [{"text": KNEE_NOTE, "date": "2026-01-20", "source": "Radiology report"}],
    })
    result = MatchResult.model_validate({
        "outcome": "ready", "urgency": "standard",
        "service": {"id": "mri-knee", "name": "MRI knee without contrast", "codes": ["73721"]},
        "policy": {"title": "Musculoskeletal Imaging Guidelines", "source": "eviCore",
                   "version": "V1.0.2026", "section": "MS.CS.0029.1"},
        "pathway": {"id": "meniscal", "title": "Suspected meniscal tear"},
        "requirements": [{
            "id": "xray-first", "kind": "prior_imaging",
            "text": "Plain x-rays after the current episode began", "status": "omitted",
            "evidence": [{"quote": "Knee x-ray 2026-01-20: no fracture",
                          "source": "Radiology report", "date": "2026-01-20"}]}],
    })
    return case, result


def no_criteria_pair():
    case = lumbar_case("other", service="Bone scan", documentation=[])
    result = MatchResult.model_validate({
        "outcome": "no_criteria", "urgency": "standard",
        "service": {"id": None, "name": "Bone scan", "codes": []},
        "denial": {"category": "other"},
        "deadline": {"date": "2026-05-01", "days": 60, "counted_from": "2026-03-02",
                     "basis": "60 days from the notice date"},
    })
    return case, result


def scenarios():
    """(id, case, result) for every outcome, urgency and plan type."""
    return [
        ("appeal-erisa", lumbar_case(), lumbar_result()),
        ("appeal-expedited-marketplace", lumbar_case("marketplace"),
         lumbar_result(urgency="expedited")),
        ("emergency-headache-ma", *headache_pair()),
        ("emergency-ces-medicaid", *cauda_equina_pair()),
        ("not-met-marketplace", *not_met_pair()),
        ("administrative-no-auth", *administrative_pair()),
        ("administrative-coding-medicaid", *administrative_pair("coding", "medicaid")),
        ("ready-knee-government", *knee_ready_pair()),
        ("no-criteria-other", *no_criteria_pair()),
    ]
