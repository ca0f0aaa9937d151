"""Real records of every owned kind, made directly in the database for a given owner.

Used by the ownership, purge and deletion tests. The case data is synthetic; the shapes are the
contract's (appeals.contract), so the pages that show them render as they do in production.
"""

from __future__ import annotations

import datetime as dt
import io

from appeals.access import Principal
from appeals.contract import Case, MatchResult
from appeals.extensions import db

SYNTHETIC_NAME = "Quentin Zeffirelli-Testcase"
SYNTHETIC_MEMBER_ID = "ZQX-4417-SYNTH"
SYNTHETIC_NOTE = "Synthetic note: lumbar pain for nine weeks despite physiotherapy, Zorbexa trial"


def synthetic_case() -> Case:
    return Case.model_validate({
        "service": "MRI lumbar spine without contrast",
        "plan_type": "employer",
        "payer": "Synthetic Mutual",
        "patient": {"name": SYNTHETIC_NAME, "member_id": SYNTHETIC_MEMBER_ID,
                    "date_of_birth": "1970-01-02"},
        "denial": {"notice_date": "2026-10-01", "reference": "SYN-REF-1",
                   "text": "Not medically necessary: conservative care not documented."},
        "original_request": "MRI lumbar spine for low back pain.",
        "documentation": [{"text": SYNTHETIC_NOTE, "date": "2026-09-20"}],
    })


def synthetic_result() -> MatchResult:
    return MatchResult.model_validate({
        "outcome": "appeal",
        "urgency": "standard",
        "service": {"id": "mri-lumbar-spine", "name": "MRI lumbar spine", "codes": ["72148"]},
        "requirements": [{
            "id": "conservative-care", "kind": "conservative_care",
            "text": "Six weeks of conservative care", "status": "omitted",
            "evidence": [{"quote": "nine weeks despite physiotherapy"}],
        }],
        "denial": {"category": "medical_necessity"},
        "deadline": {"date": "2027-03-30", "days": 180, "counted_from": "2026-10-01",
                     "basis": "ERISA internal appeal: 180 days"},
    })


def docx_bytes(text: str = "Synthetic letter") -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _stamp(record, principal: Principal, created_at: dt.datetime | None) -> None:
    record.owner_id = principal.user_id
    record.organization_id = principal.organization_id
    if created_at is not None:
        record.created_at = created_at


def make_appeal(principal: Principal, *, created_at=None, batch_id=None, row_number=None,
                letter: bool = True, failed: bool = False):
    from appeals.models.appeals import DONE, FAILED, Appeal, Letter

    letter = letter and not failed
    appeal = Appeal(
        case_json=synthetic_case().model_dump(mode="json"),
        result_json=synthetic_result().to_json(),
        kind="appeal",
        status=FAILED if failed else DONE,
        error="The template could not be read." if failed else None,
        batch_id=batch_id,
        row_number=row_number,
    )
    _stamp(appeal, principal, created_at)
    db.session.add(appeal)
    db.session.flush()
    if letter:
        db.session.add(Letter(appeal_id=appeal.id, docx=docx_bytes(), filename="appeal-letter.docx"))
    db.session.commit()
    return appeal


def make_document_draft(principal: Principal, *, created_at=None):
    """What was read from uploaded documents, not yet confirmed."""
    from appeals.models import DocumentDraft

    draft = DocumentDraft(mode="appeal", reading_json={
        "documents": [], "notes": [],
        "fields": [{"name": "denial.reference", "value": "SYN-1", "snippet": "Ref #: SYN-1",
                    "document": "letter.txt", "page": 1, "confidence": 100.0,
                    "low_confidence": False}]})
    _stamp(draft, principal, created_at)
    db.session.add(draft)
    db.session.commit()
    return draft


def make_batch(principal: Principal, *, created_at=None, rows: int = 2, failed_rows: int = 0,
               invalid_rows: int = 0):
    """A finished batch: `rows` valid rows with appeals (the last `failed_rows` of them failed),
    then `invalid_rows` rows with problems."""
    from appeals.models.batches import FINISHED, Batch, BatchRow

    batch = Batch(filename="synthetic.csv", status=FINISHED, total_rows=rows + invalid_rows,
                  invalid_rows=invalid_rows, notes=[])
    _stamp(batch, principal, created_at)
    db.session.add(batch)
    db.session.flush()
    for number in range(1, rows + 1):
        appeal = make_appeal(principal, created_at=created_at, batch_id=batch.id, row_number=number,
                             failed=number > rows - failed_rows)
        db.session.add(BatchRow(batch_id=batch.id, row_number=number,
                                case_json=synthetic_case().model_dump(mode="json"),
                                appeal_id=appeal.id))
    for number in range(rows + 1, rows + invalid_rows + 1):
        db.session.add(BatchRow(batch_id=batch.id, row_number=number,
                                cells={"service": "MRI lumbar spine", "plan_type": "employer",
                                       "patient_name": SYNTHETIC_NAME, "denial_notice_date": "31/31/2026"},
                                problems=[{"column": "denial_notice_date", "field": "denial.notice_date",
                                           "message": "not a date"}]))
    db.session.commit()
    return batch


def principal_of(user) -> Principal:
    return Principal(user_id=user.id, organization_id=user.organization_id)


def make_template(principal: Principal, *, visibility: str = "private", created_at=None):
    """A library template made the way an upload makes it (checked, version 1), from the
    built-in patient letter."""
    from appeals.services.letter_library import create_template
    from appeals.letters import builtin_template_bytes

    template, _ = create_template(principal, name="Synthetic private template",
                                  data=builtin_template_bytes("patient"), visibility=visibility)
    if created_at is not None:
        template.created_at = created_at
        db.session.commit()
    return template
