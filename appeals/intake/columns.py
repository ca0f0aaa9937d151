"""Spreadsheet columns: what each contract column means and the header aliases clinics use
(appeals.intake.rows turns one row of cells into a contract :class:`~appeals.contract.Case`).

Pure code: no Flask, Celery or database imports. Every problem names the row (as the spreadsheet
numbers it: the header is usually row 1) and the column (as the file's header spells it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from ..contract import PLAN_TYPES


@dataclass(frozen=True)
class Column:
    name: str
    description: str
    example: str
    aliases: tuple[str, ...] = ()
    required: bool = False


# The contract columns, in the order the sample CSV and the column reference show them.
COLUMNS: tuple[Column, ...] = (
    Column("service", "What was denied: a CPT code, a criteria id, or a plain name.", "72148",
           ("cpt", "cpt code", "procedure", "procedure code", "service requested",
            "requested service", "exam", "study", "imaging", "hcpcs", "service code"),
           required=True),
    Column("plan_type", "The kind of plan: " + ", ".join(PLAN_TYPES)
           + " (ERISA, ACA, Medicare Advantage and similar names are understood).", "employer",
           ("plan type", "coverage type", "insurance type", "line of business", "lob",
            "product type"), required=True),
    Column("payer", "The payer or plan name.", "Synthetic Health Plan",
           ("payor", "insurer", "insurance", "insurance company", "health plan", "plan name",
            "carrier", "payer name")),
    Column("patient_name", "The patient's name (\"Last, First\" or \"First Last\").", "Doe, Jane",
           ("patient", "name", "member name", "patient full name", "full name")),
    Column("patient_first_name", "Instead of patient_name: the first name.", "",
           ("first name", "patient first name", "given name")),
    Column("patient_last_name", "Instead of patient_name: the last name.", "",
           ("last name", "patient last name", "surname", "family name")),
    Column("patient_dob", "Date of birth (YYYY-MM-DD, or MM/DD/YYYY).", "1970-05-14",
           ("dob", "date of birth", "birth date", "birthdate", "patient date of birth",
            "patient birth date")),
    Column("patient_age", "Age in years, where the date of birth is not given.", "",
           ("age", "patient age")),
    Column("patient_sex", "Sex, where criteria depend on it.", "", ("sex", "gender", "patient sex")),
    Column("member_id", "The member or subscriber id.", "SYN123456",
           ("member", "member number", "member no", "subscriber id", "subscriber number",
            "insurance id", "policy number", "id number", "patient member id")),
    Column("denial_notice_date", "The date on the denial notice (YYYY-MM-DD, or MM/DD/YYYY). "
           "Leave the denial columns empty for a check before filing.", "2025-03-01",
           ("denial date", "notice date", "date of denial", "denied date", "denial letter date",
            "determination date", "denial notice")),
    Column("denial_received_date", "When the notice arrived (defaults to the notice date).",
           "2025-03-05",
           ("received date", "date received", "denial received", "notice received date",
            "date notice received")),
    Column("denial_reference", "The case, claim or reference number on the denial.", "PA-0001",
           ("reference", "reference number", "ref", "ref no", "ref number", "claim", "claim number",
            "claim no", "claim id", "case number", "auth number", "authorization number",
            "prior auth number", "pa number", "tracking number")),
    Column("denial_text", "The reason as the denial letter words it.",
           "Not medically necessary: no documentation of 6 weeks of conservative treatment.",
           ("denial reason", "reason", "reason for denial", "denial rationale", "rationale",
            "denial")),
    Column("denial_code", "A claim adjustment or remark code (CO-50, 197, N115).", "CO-50",
           ("reason code", "carc", "rarc", "adjustment code", "remark code", "denial reason code")),
    Column("original_request", "What the original request said.",
           "Low back pain with left leg radiation, MRI requested",
           ("request", "request notes", "clinical summary", "indication", "reason for exam",
            "clinical indication", "original request notes")),
    Column("documentation", "What the clinic has now: one cell, notes separated by new lines or "
           "\" | \". Several documentation columns are joined.",
           "Physical therapy 2024-12-16 to 2025-02-10, 14 visits, no improvement | "
           "Exam 2025-02-12: positive straight leg raise, diminished left ankle reflex",
           ("notes", "clinical notes", "chart notes", "supporting documentation", "evidence",
            "note", "documents")),
    # Details for the letter (optional; never read by the matcher): one column each.
    Column("patient_address", "The patient's mailing address (where the plan sends its "
           "decision).", "12 Example Lane, Springfield, IL 62701",
           ("address", "patient address", "mailing address", "member address")),
    Column("patient_phone", "The patient's phone number.", "(555) 010-2030",
           ("phone", "patient phone", "member phone", "telephone")),
    Column("denial_reviewer", "The company that reviewed for the plan (eviCore, Carelon...).",
           "eviCore", ("reviewer", "review company", "utilization review company", "rbm")),
    Column("appeal_address", "Where the denial letter says to send an appeal.",
           "Appeals Unit, PO Box 188011, Chattanooga, TN 37422",
           ("appeals address", "plan appeal address", "send appeal to")),
    Column("appeal_fax", "The appeal fax number on the denial letter.", "(555) 010-9900",
           ("appeals fax", "plan appeal fax", "appeal fax number")),
    Column("study_cpt", "The exact CPT code ordered (one code), when the service column names the "
           "study in words.", "72148", ("ordered cpt", "cpt ordered", "exact cpt", "study code")),
    Column("study_side", "The side ordered: left, right or bilateral (L, R, LT, RT, B/L).", "left",
           ("side", "laterality", "study side")),
    Column("study_contrast", "Contrast ordered: without, with, or with and without (w/o, w/, "
           "w/wo).", "without", ("contrast", "study contrast")),
    Column("clinician_name", "The ordering clinician's name.", "Dr. Maria Lopez, MD",
           ("ordering clinician", "ordering provider", "provider", "physician", "clinician",
            "referring provider", "provider name")),
    Column("clinician_npi", "The ordering clinician's ten-digit NPI.", "1234567893",
           ("npi", "provider npi", "ordering npi")),
    Column("clinician_facility", "The clinician's practice or facility.",
           "Springfield Spine Clinic", ("facility", "practice", "clinic", "practice name")),
    Column("clinician_phone", "The clinician's phone (for the peer-to-peer call-back).",
           "(555) 010-4000", ("provider phone", "clinic phone", "practice phone")),
    Column("clinician_fax", "The clinician's fax.", "(555) 010-4001",
           ("provider fax", "clinic fax", "practice fax")),
    Column("clinician_address", "The clinician's address.", "400 Main St, Springfield, IL 62701",
           ("provider address", "clinic address", "practice address")),
    Column("diagnosis_codes", "ICD-10 codes, separated by commas or spaces (at most 12).",
           "M54.16, M51.26", ("icd10", "icd 10", "icd-10 codes", "diagnosis", "diagnosis code",
                              "dx", "dx codes", "icd codes")),
    Column("late_reason", "Why the appeal is filed after the deadline, in plain words (the "
           "letter asks the plan to accept it late for good cause, giving this reason). At most "
           "1,000 characters.", "Hospitalized from 2026-10-02 to 2026-11-20",
           ("reason late", "late reason", "reason for delay", "good cause",
            "good cause reason")),
    Column("advocate_name", "Who writes the advocate letter for the patient (the authorized "
           "representative): their name.", "Sam Carter",
           ("advocate", "representative", "authorized representative", "representative name")),
    Column("advocate_organization", "The advocate's organization, if any.",
           "Synthetic Patient Advocates",
           ("advocate organization", "advocate org", "representative organization", "agency")),
    Column("advocate_phone", "The advocate's phone.", "(555) 010-7000",
           ("advocate phone", "representative phone")),
    Column("advocate_email", "The advocate's email address.", "sam@example.org",
           ("advocate email", "representative email")),
    Column("advocate_address", "The advocate's mailing address (the plan copies its decision "
           "there).", "9 Example Court, Springfield, IL 62701",
           ("advocate address", "representative address")),
    Column("row", "Only in a file of fixed rows sent back into a batch: the row's number in the "
           "original file (the validation report's invalid-rows download has it).", "",
           ("row number", "original row", "line")),
    Column("letter", "Which letter: a built-in kind (patient, clinician, advocate, checklist, "
           "correction) or a template id. Empty uses the batch's choice.", "",
           ("letter type", "letter kind", "template", "kind")),
)
COLUMN_NAMES: tuple[str, ...] = tuple(c.name for c in COLUMNS)
_BY_NAME = {c.name: c for c in COLUMNS}

# Columns that may come from several spreadsheet columns (their cells are joined).
MULTI_COLUMNS = frozenset({"documentation"})

DOCUMENT_SEPARATOR = re.compile(r"\r\n|\r|\n| \| ")

PLAN_TYPE_ALIASES: dict[str, str] = {
    "employer": "employer", "employer plan": "employer", "employer group": "employer",
    "erisa": "employer", "group": "employer", "group health plan": "employer",
    "employer sponsored": "employer",
    "marketplace": "marketplace", "aca": "marketplace", "exchange": "marketplace",
    "individual": "marketplace", "aca marketplace": "marketplace",
    "individual marketplace": "marketplace", "healthcare gov": "marketplace",
    "government employer": "government_employer", "governmental": "government_employer",
    "governmental plan": "government_employer", "public employer": "government_employer",
    "government": "government_employer", "non federal governmental": "government_employer",
    "medicare advantage": "medicare_advantage", "ma": "medicare_advantage",
    "mapd": "medicare_advantage", "medicare part c": "medicare_advantage",
    "part c": "medicare_advantage", "medicare": "medicare_advantage",
    "medicaid": "medicaid", "medicaid managed care": "medicaid", "medi cal": "medicaid",
    "other": "other",
}


def normalize_label(text: Any) -> str:
    """A header or value as compared: lower case, punctuation and spacing collapsed
    (``"Claim #"`` -> ``"claim"``, ``"patient_dob"`` -> ``"patient dob"``)."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", str(text or "").lower()).split())


def _alias_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for column in COLUMNS:
        for label in (column.name, *column.aliases):
            key = normalize_label(label)
            assert table.get(key, column.name) == column.name, f"alias {label!r} used twice"
            table[key] = column.name
    return table


ALIASES: dict[str, str] = _alias_table()


def column_letter(index: int) -> str:
    """0 -> "A", 25 -> "Z", 26 -> "AA": how a spreadsheet names the column."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# ---------------------------------------------------------------------------------------------
# Headers


@dataclass
class HeaderMap:
    """How the file's header row maps onto the contract columns."""

    headers: list[str]
    # Index of each file column -> contract column (None: not used).
    targets: list[str | None]
    # File headers that map to nothing (reported, not fatal: exports carry extra columns).
    ignored: list[str] = field(default_factory=list)
    # Problems that make the header unusable (duplicate or missing required columns).
    problems: list[str] = field(default_factory=list)

    @property
    def used(self) -> dict[str, str]:
        """File header -> contract column, for the columns that are used."""
        return {h: t for h, t in zip(self.headers, self.targets) if t}

    def header_for(self, column: str) -> str:
        """The file's own name for a contract column (for messages)."""
        for header, target in zip(self.headers, self.targets):
            if target == column:
                return header
        return column

    @property
    def usable(self) -> bool:
        return not self.problems


def map_headers(headers: Iterable[Any], mapping: Mapping[str, str] | None = None) -> HeaderMap:
    """Map a header row onto the contract columns. ``mapping`` is a clinic's saved mapping
    (its header text -> contract column, or "" to ignore the column); it wins over the aliases."""
    saved = {normalize_label(k): v for k, v in (mapping or {}).items()}
    texts = [str(h).strip() if h is not None else "" for h in headers]
    targets: list[str | None] = []
    ignored: list[str] = []
    seen: dict[str, int] = {}
    problems: list[str] = []
    for index, text in enumerate(texts):
        key = normalize_label(text)
        if key in saved:
            target = saved[key] or None
        else:
            target = ALIASES.get(key)
        if target is not None and target not in _BY_NAME:
            problems.append(f"the saved column mapping sends {text!r} to {target!r}, which is "
                            "not a column")
            target = None
        if target and target not in MULTI_COLUMNS and target in seen:
            first = seen[target]
            problems.append(
                f"columns {column_letter(first)} ({texts[first]!r}) and {column_letter(index)} "
                f"({text!r}) both mean {target}: keep one, or rename one in the column mapping"
            )
            target = None
        if target:
            seen.setdefault(target, index)
        elif text:
            ignored.append(text)
        targets.append(target)
    for column in COLUMNS:
        if column.required and column.name not in seen:
            problems.append(f"no {column.name} column: add a column headed {column.name!r} "
                            f"(or {', '.join(repr(a) for a in column.aliases[:3])}), or map one")
    return HeaderMap(headers=texts, targets=targets, ignored=ignored, problems=problems)


def recognized_count(headers: Iterable[Any], mapping: Mapping[str, str] | None = None) -> int:
    return sum(1 for t in map_headers(headers, mapping).targets if t)


def letter_choices(kinds: Iterable[str], template_ids: Iterable[str] = ()) -> dict[str, str]:
    """The ``letter`` column's accepted values: built-in kinds and template ids, normalized."""
    choices = {normalize_label(k): k for k in kinds}
    choices.update({normalize_label(t): t for t in template_ids})
    return choices


def column_reference() -> list[dict[str, Any]]:
    """The column reference the page and the API offer for download."""
    return [
        {"column": c.name, "required": c.required, "meaning": c.description,
         "example": c.example, "also_recognized": ", ".join(c.aliases)}
        for c in COLUMNS
    ]
