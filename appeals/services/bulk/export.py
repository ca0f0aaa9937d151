"""What a batch hands back: the manifest (row by row), the ZIP of letters, the invalid rows and
their problems. appeals.delivery writes the CSV and the ZIP; this reads the database."""

from __future__ import annotations

from typing import Iterator

from sqlalchemy import func, select

from ...contract import MatchResult
from ...delivery.archive import iter_zip, letter_filename, row_width
from ...delivery.manifest import ManifestEntry, iter_manifest
from ...extensions import db
from ...models.appeals import DONE, FAILED, Appeal, Letter
from ...models.batches import Batch, BatchRow


def _patient_name(case_json: dict | None, cells: dict | None) -> str:
    if case_json and isinstance(case_json.get("patient"), dict):
        return str(case_json["patient"].get("name") or "")
    cells = cells or {}
    if cells.get("patient_name"):
        return cells["patient_name"]
    return " ".join(x for x in (cells.get("patient_first_name"), cells.get("patient_last_name")) if x)


def _problems_text(problems: list[dict]) -> str:
    return "; ".join(f"column {p['column']!r}: {p['message']}" for p in problems)


def _row_width(batch: Batch) -> int:
    top = db.session.scalar(select(func.max(BatchRow.row_number))
                            .where(BatchRow.batch_id == batch.id)) or 0
    return row_width(top)


def manifest_entries(batch: Batch) -> Iterator[ManifestEntry]:
    width = _row_width(batch)
    query = (
        select(BatchRow.row_number, BatchRow.cells, BatchRow.problems, BatchRow.error,
               BatchRow.case_json, BatchRow.appeal_id, Appeal.case_json, Appeal.result_json,
               Appeal.status, Appeal.error)
        .outerjoin(Appeal, Appeal.id == BatchRow.appeal_id)
        .where(BatchRow.batch_id == batch.id).order_by(BatchRow.row_number)
        .execution_options(yield_per=500)
    )
    for (number, cells, problems, row_error, staged_case, appeal_id, case_json, result_json,
         status, error) in db.session.execute(query):
        if problems is not None:
            cells = cells or {}
            sent = cells.get("case") if isinstance(cells.get("case"), dict) else None
            yield ManifestEntry(number, "invalid", _patient_name(sent, cells),
                                str((sent or cells).get("service") or ""), None, "",
                                _problems_text(problems))
            continue
        if appeal_id and status is None:
            yield ManifestEntry(number, "deleted", "", "", None, "",
                                "the appeal made from this row was deleted")
            continue
        case_json = case_json or staged_case or {}
        service = case_json.get("service", "")
        if status is None:
            yield ManifestEntry(number, "failed" if row_error else "pending",
                                _patient_name(case_json, None), service, None, "",
                                row_error or "")
            continue
        result = MatchResult.model_validate(result_json)
        name = _patient_name(case_json, None)
        letter = (letter_filename(number, name, result.service.name or service, width=width)
                  if status == DONE else "")
        state = {DONE: "done", FAILED: "failed"}.get(status, "pending")
        yield ManifestEntry(number, state, name, service, result, letter, error or "")


def iter_letters(batch: Batch) -> Iterator[tuple[str, bytes]]:
    width = _row_width(batch)
    query = (
        select(Appeal.row_number, Appeal.case_json, Appeal.result_json, Letter.docx)
        .join(Letter, Letter.appeal_id == Appeal.id)
        .where(Appeal.batch_id == batch.id, Appeal.status == DONE).order_by(Appeal.row_number)
        .execution_options(yield_per=50)
    )
    for number, case_json, result_json, docx in db.session.execute(query):
        service = (result_json.get("service") or {}).get("name") or case_json.get("service")
        yield letter_filename(number, _patient_name(case_json, None), service, width=width), docx


def iter_archive(batch: Batch) -> Iterator[bytes]:
    """The batch's ZIP, streamed: manifest.csv then every letter written so far."""
    return iter_zip(iter_manifest(manifest_entries(batch)), iter_letters(batch))


def invalid_rows(batch: Batch, limit: int | None = None) -> list[BatchRow]:
    query = (select(BatchRow).where(BatchRow.batch_id == batch.id,
                                    BatchRow.problems.is_not(None))
             .order_by(BatchRow.row_number))
    if limit:
        query = query.limit(limit)
    return list(db.session.scalars(query))


def validation_report(batch: Batch, limit: int | None = None) -> list[dict]:
    """[{row, column, field, message}] for every problem, in row order."""
    return [{"row": r.row_number, **p} for r in invalid_rows(batch, limit) for p in r.problems]
