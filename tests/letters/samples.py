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
