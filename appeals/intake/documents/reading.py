"""Several files in, one reading out: which file is the denial letter, which the order, which the
records; the letter's fields, the dated notes, the original request; and the draft case they
make, which a person confirms (or corrects) before anything is matched."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from . import denial_letter, records
from .extract import Limits, extract
from .isolate import extract_isolated
from .model import DocumentRefused, ExtractedDocument, ReadField, ReadNote

# The fields a confirm page shows, in the letter's order, with their labels.
FIELD_LABELS = {
    "denial.notice_date": "Date of the denial notice",
    "denial.reference": "Reference or case number",
    "denial.code": "Denial code (CARC/RARC)",
    "denial.text": "The reason, as the letter words it",
    "payer": "Insurance plan",
    "denial.reviewer": "Reviewer for the plan",
    "patient.name": "Patient",
    "patient.member_id": "Member ID",
    "patient.date_of_birth": "Date of birth",
    "service": "The scan that was requested",
    "study.cpt": "CPT code",
    "study.side": "Side",
    "study.contrast": "Contrast",
    "plan_type": "Kind of plan",
    "denial.appeal_address": "Where to send the appeal",
    "denial.appeal_fax": "Appeal fax number",
    "deadline": "Deadline the letter states",
    "original_request": "What the original request said",
}


@dataclass
class DocumentSummary:
    name: str
    role: str  # "denial letter", "order", "records", "refused"
    method: str | None = None
    pages: int = 0
    lines: int = 0
    warnings: list[str] = field(default_factory=list)
    error: str | None = None


@dataclass
class Reading:
    documents: list[DocumentSummary] = field(default_factory=list)
    fields: list[ReadField] = field(default_factory=list)
    notes: list[ReadNote] = field(default_factory=list)

    def field(self, name: str) -> ReadField | None:
        return next((item for item in self.fields if item.name == name), None)

    def values(self) -> dict[str, Any]:
        return {item.name: item.value for item in self.fields}

    def to_json(self) -> dict[str, Any]:
        return {
            "documents": [vars(document) for document in self.documents],
            "fields": [item.to_json() for item in self.fields],
            "notes": [note.to_json() for note in self.notes],
            "case": build_case(self.values(), [note.to_json() for note in self.notes]),
        }


Extractor = Callable[[str, bytes, Limits], ExtractedDocument]


def read_documents(files: list[tuple[str, bytes]], limits: Limits | None = None,
                   isolated: bool = True) -> Reading:
    """Read every file (each in its own child process unless `isolated` is false); a refused
    file is listed with its reason and the others are read all the same."""
    limits = limits or Limits()
    extractor: Extractor = extract_isolated if isolated else extract
    reading = Reading()
    for name, data in files:
        try:
            document = extractor(name, data, limits)
        except DocumentRefused as refused:
            reading.documents.append(DocumentSummary(name=name, role="refused", error=str(refused)))
            continue
        add_document(reading, document)
    return reading


def add_document(reading: Reading, document: ExtractedDocument) -> None:
    summary = DocumentSummary(name=document.name, role="records", method=document.method,
                              pages=document.pages, lines=len(document.lines),
                              warnings=list(document.warnings))
    have_letter = any(item.role == "denial letter" for item in reading.documents)
    if denial_letter.is_denial_letter(document) and not have_letter:
        summary.role = "denial letter"
        reading.fields.extend(denial_letter.read_denial_letter(document))
    elif records.is_order(document) and reading.field("original_request") is None:
        summary.role = "order"
        text, used = records.original_request(document)
        if text:
            confidence = min(line.confidence for line in used)
            reading.fields.append(ReadField(
                name="original_request", value=text, snippet=text[:300], document=document.name,
                page=used[0].page, confidence=confidence))
            payer = denial_letter.labelled_payer(document)
            if payer and reading.field("payer") is None:
                reading.fields.append(payer)
            study = records.ordered_study(document)
            if study and reading.field(study[0]) is None:  # the letter's own words win
                reading.fields.append(ReadField(
                    name=study[0], value=study[1], snippet=study[2].text,
                    document=document.name, page=study[2].page, confidence=study[2].confidence))
    else:
        reading.notes.extend(records.split_notes(document))
    for item in denial_letter.read_patient(document):  # a cover page names the patient too
        if reading.field(item.name) is None:
            reading.fields.append(item)
    reading.documents.append(summary)


def build_case(values: dict[str, Any], notes: list[dict[str, Any]]) -> dict[str, Any]:
    """The contract's case from confirmed values (contract paths) and notes. Fields not given
    are left out; `appeals.contract.parse_case` then names what is still missing."""
    case: dict[str, Any] = {}
    service = values.get("study.cpt") or values.get("service")
    if service:
        case["service"] = service
    for key in ("plan_type", "payer", "original_request"):
        if values.get(key):
            case[key] = values[key]
    denial = {key.split(".", 1)[1]: values[key] for key in
              ("denial.notice_date", "denial.received_date", "denial.reference", "denial.code",
               "denial.text", "denial.reviewer", "denial.appeal_address", "denial.appeal_fax")
              if values.get(key)}
    if denial:
        case["denial"] = denial
    patient = {key.split(".", 1)[1]: values[key] for key in
               ("patient.name", "patient.member_id", "patient.date_of_birth") if values.get(key)}
    if patient:
        case["patient"] = patient
    study = {key.split(".", 1)[1]: values[key] for key in ("study.cpt", "study.side", "study.contrast")
             if values.get(key)}
    if study:
        case["study"] = study
    documentation = []
    for note in notes:
        item = {"text": note["text"]}
        if note.get("date"):
            item["date"] = note["date"]
        if note.get("source"):
            item["source"] = note["source"]
        documentation.append(item)
    if documentation:
        case["documentation"] = documentation
    return case
