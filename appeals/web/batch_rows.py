"""A batch's rows as a table: sorted, filtered and paginated in SQL, so a batch of 10,000 rows
shows one page of 100 without loading the rest. Each row is the appeal made from a spreadsheet
row (its case and result are JSON columns; the sort and filters read them with JSON paths, which
SQLAlchemy renders for SQLite and PostgreSQL alike, and count the warnings with
``json_array_length``, compiled for each below).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

from sqlalchemy import Integer, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from ..extensions import db
from ..models.appeals import DONE, FAILED, QUEUED, RENDERING, Appeal

PER_PAGE = 100


def _patient():
    return Appeal.case_json["patient"]["name"].as_string()


def _deadline():
    return Appeal.result_json["deadline"]["date"].as_string()


class json_array_length(FunctionElement):
    """The number of items of a JSON array value (an index into a JSON column); 0 when the value
    is missing or not an array."""

    type = Integer()
    inherit_cache = True


@compiles(json_array_length)
def _json_array_length_default(element, compiler, **kw):
    # SQLite (the project runs on it and PostgreSQL): json_array_length reads the JSON text
    # SQLAlchemy's index gives, and answers 0 for anything but an array (a missing key too).
    return f"json_array_length({compiler.process(element.clauses, **kw)})"


@compiles(json_array_length, "postgresql")
def _json_array_length_postgresql(element, compiler, **kw):
    # PostgreSQL's raises on a scalar or JSON null, so only arrays are measured (the column is
    # `json`, not `jsonb`).
    value = compiler.process(element.clauses, **kw)
    return (f"CASE WHEN json_typeof({value}) = 'array' THEN json_array_length({value}) "
            "ELSE 0 END")


def _warning_count():
    return json_array_length(Appeal.result_json["warnings"])


SORTS = {
    "row": lambda: Appeal.row_number,
    "patient": _patient,
    "deadline": _deadline,
    "outcome": lambda: Appeal.result_json["outcome"].as_string(),
    "urgency": lambda: Appeal.result_json["urgency"].as_string(),
    "warnings": _warning_count,
}
OUTCOMES = {"appeal": "Appeal now", "ready": "Ready to file", "not_met": "Criteria not met yet",
            "administrative": "Paperwork to correct", "no_criteria": "No criteria"}
URGENCIES = {"standard": "Standard", "expedited": "Expedited (72 hours)",
             "emergency": "Emergency"}
LETTER_STATES = {"done": "Written", "failed": "Failed", "pending": "Not written yet"}
DEADLINE_FILTERS = {"passed": "Passed", "open": "Not passed"}
WARNING_FILTERS = {"with": "With warnings", "without": "Without warnings"}


@dataclass
class RowFilter:
    sort: str = "row"
    descending: bool = False
    outcome: str = ""
    urgency: str = ""
    letter: str = ""
    deadline: str = ""
    warnings: str = ""
    patient: str = ""
    page: int = 1

    @classmethod
    def from_args(cls, args) -> "RowFilter":
        """From the query string; anything unknown falls back to no filter (a hand-edited link
        still shows the table)."""
        sort = args.get("sort", "row")
        descending = sort.startswith("-")
        sort = sort.lstrip("-")
        try:
            page = max(1, int(args.get("page", 1)))
        except ValueError:
            page = 1

        def pick(name, allowed):
            value = args.get(name, "")
            return value if value in allowed else ""

        return cls(sort if sort in SORTS else "row", descending,
                   pick("outcome", OUTCOMES), pick("urgency", URGENCIES),
                   pick("letter", LETTER_STATES), pick("deadline", DEADLINE_FILTERS),
                   pick("warnings", WARNING_FILTERS), (args.get("patient") or "").strip()[:100],
                   page)

    @property
    def filtered(self) -> bool:
        return any((self.outcome, self.urgency, self.letter, self.deadline, self.warnings,
                    self.patient))

    def args(self, **changes) -> dict:
        """The query string for this view with some parts changed (links keep the filters)."""
        values = {"sort": ("-" if self.descending else "") + self.sort, "outcome": self.outcome,
                  "urgency": self.urgency, "letter": self.letter, "deadline": self.deadline,
                  "warnings": self.warnings, "patient": self.patient, "page": self.page}
        values.update(changes)
        return {key: value for key, value in values.items() if value not in ("", None, 1)
                or key == "sort"}

    def sort_arg(self, key: str) -> str:
        """The sort a column's header link asks for: this column, flipped if already sorted."""
        if key == self.sort:
            return key if self.descending else "-" + key
        return key


@dataclass
class RowPage:
    rows: list = field(default_factory=list)
    total: int = 0
    page: int = 1

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / PER_PAGE))


def _filtered(batch_id: str, view: RowFilter, today: str):
    query = select(Appeal).where(Appeal.batch_id == batch_id)
    if view.outcome:
        query = query.where(Appeal.result_json["outcome"].as_string() == view.outcome)
    if view.urgency:
        query = query.where(Appeal.result_json["urgency"].as_string() == view.urgency)
    if view.letter == "done":
        query = query.where(Appeal.status == DONE)
    elif view.letter == "failed":
        query = query.where(Appeal.status == FAILED)
    elif view.letter == "pending":
        query = query.where(Appeal.status.in_((QUEUED, RENDERING)))
    if view.deadline == "passed":
        query = query.where(_deadline() < today)
    elif view.deadline == "open":
        query = query.where(_deadline() >= today)
    if view.warnings == "with":
        query = query.where(_warning_count() > 0)
    elif view.warnings == "without":
        query = query.where(_warning_count() == 0)
    if view.patient:
        escaped = view.patient.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(func.lower(_patient()).like(f"%{escaped}%", escape="\\"))
    return query


def batch_rows(batch_id: str, view: RowFilter, today: dt.date | None = None) -> RowPage:
    today_text = (today or dt.date.today()).isoformat()
    query = _filtered(batch_id, view, today_text)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    column = SORTS[view.sort]()
    order = column.desc() if view.descending else column.asc()
    pages = max(1, math.ceil(total / PER_PAGE))
    page = min(view.page, pages)
    appeals = db.session.scalars(
        query.order_by(order.nulls_last(), Appeal.row_number)
        .offset((page - 1) * PER_PAGE).limit(PER_PAGE)).all()
    rows = []
    for appeal in appeals:
        result = appeal.result_json or {}
        deadline = (result.get("deadline") or {}).get("date")
        rows.append({
            "appeal": appeal,
            "row": appeal.row_number,
            "patient": ((appeal.case_json or {}).get("patient") or {}).get("name") or "",
            "service": (result.get("service") or {}).get("name") or "",
            "outcome": OUTCOMES.get(result.get("outcome"), result.get("outcome") or ""),
            "urgency": result.get("urgency") or "",
            "deadline": deadline,
            "deadline_passed": bool(deadline) and deadline < today_text,
            "warnings": result.get("warnings") or [],
            "letter": {DONE: "done", FAILED: "failed"}.get(appeal.status, "pending"),
        })
    return RowPage(rows, total, page)
