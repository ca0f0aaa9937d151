"""Stored appeals with chosen, contract-valid results, and helpers to read their pages (for the
appeal page tests)."""

from __future__ import annotations

import copy
import datetime as dt
import io

import docx

from appeals.contract import MatchResult
from appeals.extensions import db
from appeals.models import Appeal
from appeals.models.appeals import DONE
from appeals.services import appeals as jobs

from .conftest import PATIENT_NAME, parse, valid_form

SERVICE = {"id": "mri_lumbar_spine", "name": "MRI lumbar spine", "codes": ["72148"]}
POLICY = {"title": "Synthetic Spine Imaging Guideline", "source": "Synthetic Payer",
          "section": "SP-5.1", "version": "V1", "url": None}


def deadline(days_from_today: int) -> dict:
    """A 180-day deadline ending that many days from today (negative: already passed)."""
    last = dt.date.today() + dt.timedelta(days=days_from_today)
    return {"date": last.isoformat(), "days": 180,
            "counted_from": (last - dt.timedelta(days=180)).isoformat(),
            "basis": "180 days from receipt under 29 CFR 2560.503-1(h)(3)(i)"}


# Still open: the page's ordinary case. A passed one: stored_appeal(..., deadline_days=-10).
DEADLINE = deadline(60)
PT_QUOTE = "Physical therapy completed, 8 weeks, 16 visits, no improvement."


def requirement(status, rid="conservative_care", text="Six weeks of provider-directed treatment",
                quote=None, needed=None, kind="conservative_care"):
    return {"id": rid, "kind": kind, "text": text, "status": status,
            "evidence": [{"quote": quote, "source": "Synthetic Clinic visit notes",
                          "date": "2025-09-01"}] if quote else [],
            "needed": needed}


RESULTS = {
    "appeal": {
        "outcome": "appeal", "urgency": "standard", "service": SERVICE, "policy": POLICY,
        "pathway": {"id": "after_conservative_care", "title": "Pain after six weeks of care"},
        "requirements": [
            requirement("omitted", quote=PT_QUOTE),
            requirement("met_in_request", rid="exam", kind="clinical_finding",
                        text="An in-person evaluation", quote="Seen in clinic for back pain."),
        ],
        "denial": {"category": "medical_necessity", "code": "CO-50", "text": None},
        "deadline": DEADLINE, "warnings": [],
    },
    "not_met": {
        "outcome": "not_met", "urgency": "standard", "service": SERVICE, "policy": POLICY,
        "pathway": {"id": "after_conservative_care", "title": "Pain after six weeks of care"},
        "requirements": [
            requirement("unmet", needed="Six weeks of physical therapy or other provider-directed "
                        "treatment for this episode, with the dates"),
            requirement("unmet", rid="follow_up", kind="follow_up", text="A re-evaluation",
                        needed="A follow-up visit after the treatment"),
        ],
        "denial": {"category": "medical_necessity", "code": None, "text": None},
        "deadline": DEADLINE, "warnings": ["The physical therapy note is older than 12 weeks."],
    },
    "administrative": {
        "outcome": "administrative", "urgency": "standard", "service": SERVICE, "policy": None,
        "pathway": None, "requirements": [],
        "denial": {"category": "coding", "code": "CO-11", "text": None},
        "deadline": DEADLINE, "warnings": [],
    },
    "emergency": {
        "outcome": "appeal", "urgency": "emergency", "service": SERVICE, "policy": POLICY,
        "pathway": {"id": "red_flag", "title": "A red flag"},
        "requirements": [requirement("omitted", rid="cauda_equina", kind="red_flag",
                                     text="Signs of cauda equina syndrome",
                                     quote="New numbness in the groin and trouble urinating.")],
        "denial": {"category": "medical_necessity", "code": None, "text": None},
        "deadline": DEADLINE, "warnings": [],
    },
    "expedited": {
        "outcome": "appeal", "urgency": "expedited", "service": SERVICE, "policy": POLICY,
        "pathway": None, "requirements": [], "denial": None, "deadline": DEADLINE, "warnings": [],
    },
    "ready": {
        "outcome": "ready", "urgency": "standard", "service": SERVICE, "policy": POLICY,
        "pathway": {"id": "after_conservative_care", "title": "Pain after six weeks of care"},
        "requirements": [requirement("omitted", quote=PT_QUOTE),
                         requirement("unmet", rid="follow_up", kind="follow_up",
                                     text="A re-evaluation", needed="A follow-up visit note")],
        "denial": None, "deadline": None, "warnings": [],
    },
}


def stored_appeal(app, result_name, *, status=DONE, check=False, owner=None, letter_text=None,
                  error=None, deadline_days=None, case_extra=None, kind="patient"):
    """An appeal as the jobs area stores it, with a given (contract-valid) result."""
    raw = copy.deepcopy(RESULTS[result_name])
    if deadline_days is not None:
        raw["deadline"] = deadline(deadline_days)
    result = MatchResult.model_validate(raw).to_json()
    case = {"service": SERVICE["id"], "plan_type": "employer", "patient": {"name": PATIENT_NAME},
            "documentation": [{"text": PT_QUOTE}]}
    if not check:
        case["denial"] = {"notice_date": "2025-11-01", "reference": "REF-0001"}
    for key, value in (case_extra or {}).items():
        case[key] = {**case.get(key, {}), **value} if isinstance(value, dict) else value
    with app.app_context():
        appeal = Appeal(case_json=case, result_json=result, kind=kind, status=status,
                        error=error)
        if owner is not None:
            appeal.owner_id, appeal.organization_id = owner.id, owner.organization_id
        db.session.add(appeal)
        db.session.commit()
        if letter_text is not None:
            from appeals.models import Letter

            document = docx.Document()
            for line in letter_text.split("\n"):
                document.add_paragraph(line)
            buffer = io.BytesIO()
            document.save(buffer)
            db.session.add(Letter(appeal_id=appeal.id, docx=buffer.getvalue(),
                                  filename="appeal-letter-test.docx"))
            db.session.commit()
        key = jobs.create_anonymous_access(appeal) if owner is None else None
        return appeal.id, key


def open_as_anonymous(client, appeal_id, key):
    response = client.get(f"/a/{appeal_id}/{key}")
    assert response.status_code == 303
    return client.get(f"/appeals/{appeal_id}")


def section_text(response, heading_id: str) -> str:
    section = parse(response).xpath(f'//section[@aria-labelledby="{heading_id}"]')[0]
    return " ".join(section.text_content().split())


def main_text(response) -> str:
    return " ".join(parse(response).xpath('//main')[0].text_content().split())


def post_and_open(client, **changes):
    from appeals.criteria import load_library

    from appeals.web.forms.intake import question_field_name

    library = load_library()
    service = library.resolve("72148")
    # As after the questions (follow-ups included) were on the page and an emergency panel read.
    shown = " ".join(question_field_name(q.id) for q in library.questions(service))
    changes = {"questions_shown": shown, "emergency_seen": "1", **changes}
    response = client.post("/", data=valid_form(questions_for=service.id, **changes))
    assert response.status_code == 303
    return client.get(response.headers["Location"])
