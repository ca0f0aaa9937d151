"""Staging a batch: every row of a spreadsheet (or a JSON list of cases) is validated and stored,
valid rows with their case and invalid rows with their cells and problems, in one transaction
before any work is enqueued. Invalid rows are fixed one at a time or by a file of fixed rows."""

from __future__ import annotations

import hashlib
from typing import Any

from flask import current_app
from sqlalchemy import insert, select

from ...access import Principal
from ...contract import CaseError, parse_case
from ...extensions import db
from ...intake.rows import RowProblem, row_to_case
from ...intake.spreadsheet import SpreadsheetError, parse_sheet
from ...models.base import new_id
from ...models.batches import STAGED, Batch, BatchRow
from .choices import LetterChooser, saved_mapping
from .enqueue import start

_INSERT_BATCH = 500


class BatchError(ValueError):
    """A request about a batch that cannot be carried out (plain message)."""


def _new_batch(principal: Principal, filename: str, source: str, letter: str | None) -> Batch:
    kind = template = None
    if letter:
        kind, template, problem = LetterChooser(principal).resolve(letter)
        if problem:
            raise BatchError(problem)
    batch = Batch(id=new_id(), filename=(filename or "")[:255], source=source, kind=kind,
                  template_version_id=template, status=STAGED, notes=[],
                  owner_id=principal.user_id, organization_id=principal.organization_id)
    db.session.add(batch)
    return batch


def _problems_json(problems) -> list[dict]:
    return [{"column": p.column, "field": p.field, "message": p.message} for p in problems]


def _insert_rows(rows: list[dict]) -> None:
    if rows:
        db.session.execute(insert(BatchRow), rows)
        rows.clear()


def stage_file(data: bytes, filename: str, principal: Principal, *, source: str = "web",
               letter: str | None = None, max_bytes: int | None = None) -> Batch:
    """Validate every row of a spreadsheet and store the batch (nothing enqueued yet).
    Raises SpreadsheetError for a file that cannot be used and BatchError for a bad letter."""
    config = current_app.config
    mapping_record = saved_mapping(principal)
    sheet = parse_sheet(
        data, mapping=mapping_record.mapping if mapping_record else None,
        max_bytes=max_bytes or config["BULK_MAX_BYTES"], max_rows=config["BULK_MAX_ROWS"],
    )
    batch = _new_batch(principal, filename, source, letter)
    batch.notes = [f"Header found on row {sheet.header_row} ({sheet.format.upper()})",
                   *sheet.notes]
    chooser = LetterChooser(principal)
    pending: list[dict] = []
    total = invalid = 0
    # Identical rows (an export that repeats a case) each get a letter, but the clinic is told.
    seen: dict[bytes, int] = {}
    repeats: list[tuple[int, int]] = []
    try:
        for parsed in sheet.rows:
            total += 1
            row_letter = None
            if parsed.letter:
                kind, template, problem = chooser.resolve(parsed.letter)
                row_letter = kind or template
                if problem:
                    parsed.problems.append(RowProblem(
                        parsed.row, sheet.header.header_for("letter"), "letter", problem))
            if parsed.valid:
                case_json = parsed.case.model_dump(mode="json")
                # Same cells, same case and letter; a digest keeps memory small for big files.
                key = hashlib.blake2b(repr(sorted(parsed.cells.items())).encode(),
                                      digest_size=16).digest()
                if key in seen:
                    repeats.append((parsed.row, seen[key]))
                else:
                    seen[key] = parsed.row
                pending.append({"batch_id": batch.id, "row_number": parsed.row,
                                "case_json": case_json,
                                "letter": row_letter, "cells": None, "problems": None})
            else:
                invalid += 1
                pending.append({"batch_id": batch.id, "row_number": parsed.row,
                                "case_json": None, "letter": None, "cells": parsed.cells,
                                "problems": _problems_json(parsed.problems)})
            if len(pending) >= _INSERT_BATCH:
                db.session.flush()
                _insert_rows(pending)
    except SpreadsheetError:
        db.session.rollback()
        raise
    if total == 0:
        db.session.rollback()
        raise SpreadsheetError("the file has a header but no rows")
    db.session.flush()
    _insert_rows(pending)
    batch.total_rows, batch.invalid_rows = total, invalid
    if repeats:
        shown = ", ".join(f"row {row} repeats row {first}" for row, first in repeats[:10])
        more = f" (and {len(repeats) - 10} more)" if len(repeats) > 10 else ""
        batch.notes = [*batch.notes, f"Identical rows, each given a letter: {shown}{more}"]
    db.session.commit()
    return batch


def stage_cases(items: Any, principal: Principal, *, source: str = "api",
                letter: str | None = None) -> Batch:
    """A batch from a JSON list of contract cases (row n is the list's n-th item, from 1)."""
    if not isinstance(items, list) or not items:
        raise BatchError("send a non-empty JSON list of cases (or {\"cases\": [...]})")
    limit = current_app.config["BULK_MAX_ROWS"]
    if len(items) > limit:
        raise BatchError(f"{len(items)} cases; the limit is {limit} per batch")
    batch = _new_batch(principal, "", source, letter)
    db.session.flush()
    pending, invalid = [], 0
    for number, item in enumerate(items, start=1):
        try:
            case = parse_case(item)
            pending.append({"batch_id": batch.id, "row_number": number,
                            "case_json": case.model_dump(mode="json"), "letter": None,
                            "cells": None, "problems": None})
        except CaseError as exc:
            invalid += 1
            pending.append({"batch_id": batch.id, "row_number": number, "case_json": None,
                            "letter": None, "cells": {"case": item} if isinstance(item, dict)
                            else None,
                            "problems": [{"column": e["field"], "field": e["field"],
                                          "message": e["message"]} for e in exc.errors]})
        if len(pending) >= _INSERT_BATCH:
            _insert_rows(pending)
    _insert_rows(pending)
    batch.total_rows, batch.invalid_rows = len(items), invalid
    db.session.commit()
    return batch


# ---------------------------------------------------------------------------------------------
# Fixing invalid rows


def fix_row(batch: Batch, row_number: int, cells: dict[str, str], principal: Principal) -> BatchRow:
    """Re-check one invalid row with corrected cells; a now-valid row joins the work."""
    row = db.session.scalar(select(BatchRow).where(BatchRow.batch_id == batch.id,
                                                   BatchRow.row_number == row_number))
    if row is None or not row.is_invalid:
        raise BatchError(f"row {row_number} is not an invalid row of this batch")
    _apply_fix(batch, row, cells, LetterChooser(principal))
    db.session.commit()
    if not row.is_invalid:
        start(batch, [row.id])
    return row


def _apply_fix(batch: Batch, row: BatchRow, cells: dict[str, str], chooser: LetterChooser) -> None:
    parsed = row_to_case(row.row_number, cells)
    row_letter = None
    if parsed.letter:
        kind, template, problem = chooser.resolve(parsed.letter)
        row_letter = kind or template
        if problem:
            parsed.problems.append(RowProblem(row.row_number, "letter", "letter", problem))
    if parsed.valid:
        row.case_json, row.letter = parsed.case.model_dump(mode="json"), row_letter
        row.cells = row.problems = None
        batch.invalid_rows -= 1
    else:
        row.cells = {k: v for k, v in parsed.cells.items() if k != "row"}
        row.problems = _problems_json(parsed.problems)


def resubmit_file(batch: Batch, data: bytes, principal: Principal) -> tuple[int, int]:
    """Apply a file of fixed rows (each with its original `row` number) to the batch's invalid
    rows. Returns (rows now valid, rows still invalid). The file as a whole is refused (nothing
    changed) when a row number is missing or names a row that was not invalid."""
    sheet = parse_sheet(data, max_rows=max(batch.invalid_rows, 1))
    if "row" not in sheet.header.targets:
        raise SpreadsheetError("a file of fixed rows needs a `row` column with each row's number "
                               "in the original file (download the invalid rows to start from)")
    invalid = {r.row_number: r for r in db.session.scalars(
        select(BatchRow).where(BatchRow.batch_id == batch.id, BatchRow.problems.is_not(None)))}
    chooser = LetterChooser(principal)
    fixed: list[int] = []
    still = 0
    for parsed in sheet.rows:
        text = parsed.cells.get("row", "")
        number = int(text) if text.isdigit() else None
        if number is None or number not in invalid:
            db.session.rollback()
            raise SpreadsheetError(
                f"row {parsed.row} of this file: `row` {text!r} is not the number of an invalid "
                "row in this batch")
        row = invalid.pop(number)
        cells = {k: v for k, v in parsed.cells.items() if k != "row"}
        _apply_fix(batch, row, cells, chooser)
        if row.is_invalid:
            still += 1
        else:
            fixed.append(row.id)
    db.session.commit()
    if fixed:
        start(batch, fixed)
    return len(fixed), still
