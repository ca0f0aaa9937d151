"""Synthetic sample cases for previews: one per outcome a template must handle.

Each sample is a contract Case with the MatchResult the matcher gives such a case, written out
here so a preview shows every branch of a template (appeal, not met, administrative, emergency /
expedited, check before filing) whatever the criteria library holds today. All data is invented.
Pure code.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from appeals.contract import Case, MatchResult

PREVIEW_DATE = dt.date(2026, 3, 20)  # "today" in previews, so they do not change day to day


@dataclass(frozen=True)
class Sample:
    key: str
    label: str
    case: Case
    result: MatchResult
    kind: str  # the letter kind whose context the preview uses


_SERVICE = {"id": "mri-lumbar-spine", "name": "MRI lumbar spine without contrast",
            "codes": ["72148"]}
_POLICY = {"title": "Advanced Imaging of the Spine", "source": "Synthetic Imaging Guidelines",
           "section": "LS-1.2", "version": "2026.1"}
_PATIENT = {"name": "Alex Rivera", "date_of_birth": "1971-03-04", "member_id": "SYN123456789",
            "address": "12 Example Lane, Springfield, IL 62701", "phone": "(555) 010-2030"}
# The letter details, so a preview shows every variable filled (identifier block, signature).
_DETAILS = {
    "study": {"cpt": "72148", "contrast": "without"},
    "clinician": {"name": "Dr. Dana Lee, MD", "npi": "1234567893",
                  "facility": "Synthetic Spine Clinic", "phone": "(555) 010-4000",
                  "fax": "(555) 010-4001", "address": "400 Main St, Springfield, IL 62701"},
    "diagnosis_codes": ["M54.16"],
}
_DOCS = [
    {"text": "Low back pain radiating to left leg since 12/01/2025. PT 2x/week for 6 weeks, "
             "ibuprofen 600 mg, no improvement.", "date": "2026-01-20",
     "source": "Clinic note, Dr. Lee"},
    {"text": "Lumbar X-ray 12/15/2025: mild degenerative change, no fracture.",
     "date": "2025-12-15", "source": "Radiology report"},
]


def _case(**changes) -> Case:
    data = {"service": "MRI lumbar spine", "plan_type": "employer", "payer": "Synthetic Health",
            "patient": _PATIENT,
            "denial": {"notice_date": "2026-03-02", "received_date": "2026-03-05",
                       "reference": "PA-2026-0042",
                       "text": "Conservative treatment not documented.",
                       "appeal_address": "Appeals Unit, PO Box 100, Springfield, IL 62701",
                       "appeal_fax": "(555) 010-9900"},
            "original_request": "MRI lumbar spine for low back pain.", "documentation": _DOCS,
            **_DETAILS}
    data.update(changes)
    return Case.model_validate(data)


def _requirements(status: str) -> list[dict]:
    return [
        {"id": "conservative-care-6w", "kind": "conservative_care",
         "text": "Six weeks of physician-directed conservative care within the last 6 months",
         "status": status,
         "evidence": [] if status == "unmet" else [
             {"quote": "PT 2x/week for 6 weeks, ibuprofen 600 mg, no improvement",
              "source": "Clinic note, Dr. Lee", "date": "2026-01-20"}],
         "needed": "Notes showing six weeks of therapy" if status == "unmet" else None},
        {"id": "prior-xray", "kind": "prior_imaging",
         "text": "Plain radiographs of the lumbar spine before advanced imaging",
         "status": "omitted" if status != "unmet" else "met_in_request",
         "evidence": [{"quote": "Lumbar X-ray 12/15/2025: mild degenerative change",
                       "source": "Radiology report", "date": "2025-12-15"}]},
    ]


def _result(outcome: str, urgency: str = "standard", status: str = "omitted",
            denial_category: str = "medical_necessity", with_deadline: bool = True) -> MatchResult:
    data = {
        "outcome": outcome, "urgency": urgency, "service": _SERVICE, "policy": _POLICY,
        "pathway": {"id": "radiculopathy", "title": "Radiculopathy after conservative care"},
        "requirements": _requirements(status),
        "denial": {"category": denial_category, "text": "Conservative treatment not documented."},
        "deadline": ({"date": "2026-08-29", "days": 180, "counted_from": "2026-03-02",
                      "basis": "ERISA: 180 days from the denial notice"}
                     if with_deadline else None),
    }
    return MatchResult.model_validate(data)


def samples() -> list[Sample]:
    """The preview cases, in the order they are shown."""
    return [
        Sample("appeal", "Appeal: the evidence was left out of the request",
               _case(), _result("appeal"), "advocate"),
        Sample("not_met", "Not met yet: what to obtain before appealing",
               _case(plan_type="marketplace"), _result("not_met", status="unmet"), "checklist"),
        Sample("administrative", "Administrative: a coding error to correct",
               _case(plan_type="medicaid"),
               _result("administrative", denial_category="coding"), "correction"),
        Sample("expedited", "Expedited / emergency: urgent review (Medicare Advantage)",
               _case(plan_type="medicare_advantage"),
               _result("appeal", urgency="expedited"), "advocate"),
        Sample("check_before_filing", "Check before filing (no denial yet)",
               _case(denial=None), _result("ready", with_deadline=False), "advocate"),
    ]
