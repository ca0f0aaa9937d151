"""Spreadsheet columns: what each contract column means, the header aliases clinics use, and the
conversion of one row of cells into a contract :class:`~appeals.contract.Case`.

Pure code: no Flask, Celery or database imports. Every problem names the row (as the spreadsheet
numbers it: the header is usually row 1) and the column (as the file's header spells it).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from ..contract import PLAN_TYPES, Case, CaseError, parse_case


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


# ---------------------------------------------------------------------------------------------
# Cells -> case


@dataclass(frozen=True)
class RowProblem:
    row: int
    column: str  # the column as the file names it (or the contract column where the file has none)
    field: str  # the contract column
    message: str

    def __str__(self) -> str:
        return f"row {self.row}, column {self.column!r}: {self.message}"

    def to_json(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "field": self.field,
                "message": self.message}


@dataclass
class ParsedRow:
    """One data row: its case (when valid), the letter it asks for, and any problems."""

    row: int
    cells: dict[str, str]  # contract column -> cell text (kept so a person can fix the row)
    case: Case | None = None
    letter: str | None = None
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return self.case is not None and not self.problems


_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00(?:\.0+)?)?)?$")
_YMD_SLASH = re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$")
_US = re.compile(r"^(\d{1,2})[/-](\d{1,2})[/-](\d{4})$")
_DOTTED = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
DATE_FORMATS_HELP = "use YYYY-MM-DD (or MM/DD/YYYY)"


def parse_date(text: str) -> dt.date:
    """A date as clinics write it: ISO (2025-03-01), US (03/01/2025), or day-first with dots
    (01.03.2025, as European spreadsheets export). Two-digit years are refused: they are
    ambiguous."""
    text = text.strip()
    for pattern, order in ((_ISO, "ymd"), (_YMD_SLASH, "ymd"), (_US, "mdy"), (_DOTTED, "dmy")):
        match = pattern.match(text)
        if match:
            parts = dict(zip(order, (int(g) for g in match.groups())))
            try:
                return dt.date(parts["y"], parts["m"], parts["d"])
            except ValueError as exc:
                raise ValueError(f"{text!r} is not a real date ({exc})") from None
    raise ValueError(f"{text!r} is not a date: {DATE_FORMATS_HELP}")


def parse_plan_type(text: str) -> str:
    value = PLAN_TYPE_ALIASES.get(normalize_label(text))
    if value is None:
        raise ValueError(f"unknown plan type {text!r}: use one of {', '.join(PLAN_TYPES)}")
    return value


def split_documentation(text: str) -> list[str]:
    return [part.strip() for part in DOCUMENT_SEPARATOR.split(text) if part.strip()]


# As on the web form: a note that starts with YYYY-MM-DD is dated by it; list bullets are dropped.
_DATED_NOTE = re.compile(r"^(\d{4}-\d{1,2}-\d{1,2})\s*[:\-–—,]?\s*(.*)$", re.S)
_BULLETS = "•*-– "


def documentation_notes(text: str) -> tuple[list[dict[str, str]], list[str]]:
    """The documentation cell as contract documents ``[{text, date?}]``, and the problems."""
    notes: list[dict[str, str]] = []
    problems: list[str] = []
    for number, part in enumerate(split_documentation(text), start=1):
        note = part.lstrip(_BULLETS).strip()
        if not note:
            continue
        match = _DATED_NOTE.match(note)
        if match:
            try:
                date = parse_date(match.group(1))
            except ValueError:
                problems.append(f"note {number}: {match.group(1)!r} is not a real date")
                continue
            if date > dt.date.today():
                problems.append(f"note {number}: the date {date.isoformat()} is in the future")
                continue
            if not match.group(2).strip():
                problems.append(f"note {number}: there is a date but no note after it")
                continue
            notes.append({"text": match.group(2).strip(), "date": date.isoformat()})
        else:
            notes.append({"text": note})
    return notes, problems


def unescape_cell(text: str) -> str:
    """A leading apostrophe before = + - @ is the spreadsheet's "this is text" mark (and what the
    manifest and the invalid-rows download add): drop it."""
    if text.startswith("'") and text[1:2] in ("=", "+", "-", "@"):
        return text[1:]
    return text


def _patient_name(cells: Mapping[str, str]) -> str:
    if cells.get("patient_name"):
        return cells["patient_name"]
    first, last = cells.get("patient_first_name", ""), cells.get("patient_last_name", "")
    if first and last:
        return f"{last}, {first}"
    return first or last


# Contract field path (as CaseError names it) -> spreadsheet column.
_FIELD_COLUMNS = {
    "service": "service",
    "plan_type": "plan_type",
    "payer": "payer",
    "patient.name": "patient_name",
    "patient.date_of_birth": "patient_dob",
    "patient.age": "patient_age",
    "patient.sex": "patient_sex",
    "patient.member_id": "member_id",
    "denial": "denial_notice_date",
    "denial.notice_date": "denial_notice_date",
    "denial.received_date": "denial_received_date",
    "denial.text": "denial_text",
    "denial.code": "denial_code",
    "denial.reference": "denial_reference",
    "original_request": "original_request",
    "documentation": "documentation",
}
_REQUIRED_MESSAGES = {
    "service": "service is required: a CPT code (72148) or the name of the imaging",
    "plan_type": "plan type is required: " + ", ".join(PLAN_TYPES),
    "denial_notice_date": "the denial notice date is required when any denial column is filled "
                          "(leave all denial columns empty for a check before filing)",
}


def _column_for_field(path: str) -> str:
    if path in _FIELD_COLUMNS:
        return _FIELD_COLUMNS[path]
    if path.startswith("documentation"):
        return "documentation"
    head = path.split(".")[0]
    return _FIELD_COLUMNS.get(head, head)


def row_to_case(
    row: int,
    cells: Mapping[str, str],
    *,
    header_for=lambda column: column,
    letter_choices: Mapping[str, str] | None = None,
) -> ParsedRow:
    """Build the contract case for one row. ``cells`` maps contract columns to cell text.
    ``letter_choices`` maps a normalized letter name to its canonical value (kinds and the
    template ids this user may use); None accepts any value."""
    cells = {k: unescape_cell((v or "").strip()) for k, v in cells.items()}
    parsed = ParsedRow(row=row, cells=dict(cells))

    def problem(column: str, message: str) -> None:
        parsed.problems.append(RowProblem(row, header_for(column), column, message))

    def date_of(column: str) -> str | None:
        if not cells.get(column):
            return None
        try:
            return parse_date(cells[column]).isoformat()
        except ValueError as exc:
            problem(column, str(exc))
            return None

    data: dict[str, Any] = {}
    if cells.get("service"):
        data["service"] = cells["service"]
    if cells.get("plan_type"):
        try:
            data["plan_type"] = parse_plan_type(cells["plan_type"])
        except ValueError as exc:
            problem("plan_type", str(exc))
    if cells.get("payer"):
        data["payer"] = cells["payer"]

    patient: dict[str, Any] = {}
    if name := _patient_name(cells):
        patient["name"] = name
    if dob := date_of("patient_dob"):
        if dob > dt.date.today().isoformat():
            problem("patient_dob", f"date of birth {cells['patient_dob']!r} is in the future")
        else:
            patient["date_of_birth"] = dob
    if cells.get("patient_age"):
        try:
            patient["age"] = int(float(cells["patient_age"]))
        except ValueError:
            problem("patient_age", f"age {cells['patient_age']!r} is not a number of years")
    if cells.get("patient_sex"):
        patient["sex"] = cells["patient_sex"]
    if cells.get("member_id"):
        patient["member_id"] = cells["member_id"]
    if patient:
        data["patient"] = patient

    denial_columns = ("denial_notice_date", "denial_received_date", "denial_reference",
                      "denial_text", "denial_code")
    if any(cells.get(c) for c in denial_columns):
        denial: dict[str, Any] = {}
        notice, received = date_of("denial_notice_date"), date_of("denial_received_date")
        if notice:
            denial["notice_date"] = notice
        elif not cells.get("denial_notice_date"):
            problem("denial_notice_date", _REQUIRED_MESSAGES["denial_notice_date"])
        if received:
            if notice and received < notice:
                problem("denial_received_date",
                        f"received {cells['denial_received_date']!r} before the notice date "
                        f"{cells['denial_notice_date']!r}")
            else:
                denial["received_date"] = received
        for column, key in (("denial_reference", "reference"), ("denial_text", "text"),
                            ("denial_code", "code")):
            if cells.get(column):
                denial[key] = cells[column]
        data["denial"] = denial
    if cells.get("original_request"):
        data["original_request"] = cells["original_request"]
    if cells.get("documentation"):
        notes, note_problems = documentation_notes(cells["documentation"])
        for message in note_problems:
            problem("documentation", message)
        if notes:
            data["documentation"] = notes

    if cells.get("letter"):
        if letter_choices is None:
            parsed.letter = cells["letter"]
        else:
            parsed.letter = letter_choices.get(normalize_label(cells["letter"]))
            if parsed.letter is None:
                problem("letter", f"unknown letter {cells['letter']!r}: use one of "
                        + ", ".join(sorted(set(letter_choices.values()))))

    try:
        case = parse_case(data)
    except CaseError as exc:
        reported = {p.field for p in parsed.problems}
        for error in exc.errors:
            column = _column_for_field(error["field"])
            if column in reported:
                continue  # already explained in the column's own words
            reported.add(column)
            message = error["message"]
            if message == "required field is missing":
                message = _REQUIRED_MESSAGES.get(column, f"{column} is required")
            problem(column, message)
        return parsed
    if not parsed.problems:
        parsed.case = case
    return parsed


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
