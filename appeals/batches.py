"""Bulk batches: stage a spreadsheet's rows, fan the valid ones out to the workers in chunks, report
progress, and hand back the ZIP. The web page, the API, the CLI and the Celery task all go
through here; appeals.intake reads the file and appeals.delivery writes the manifest and ZIP.

Nothing is lost:
- every row is validated and stored (valid rows with their case, invalid rows with their cells and
  problems) in one transaction before any work is enqueued;
- a chunk makes each row's appeal at most once (the row's appeal_id is claimed with a conditional
  UPDATE) and each appeal's letter at most once (the letters table takes one letter per appeal);
  a redelivered chunk skips what is done;
- a chunk whose worker died is picked up again: its appeals by the jobs sweep, rows without an
  appeal by sweep_batches() (also run when someone looks at a stalled batch's progress).
"""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Callable, Iterator

from flask import current_app
from celery.exceptions import SoftTimeLimitExceeded
from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from . import jobs
from .access import Principal
from .contract import Case, CaseError, MatchResult, parse_case
from .delivery.archive import iter_zip, letter_filename, row_width
from .delivery.manifest import ManifestEntry, iter_manifest
from .extensions import db
from .intake.columns import normalize_label, row_to_case
from .intake.spreadsheet import MAX_ROWS, SpreadsheetError, parse_sheet
from .models.appeals import DONE, FAILED, QUEUED, RENDERING, Appeal, Letter
from .models.base import new_id, utcnow
from .models.batches import FINISHED, RUNNING, STAGED, Batch, BatchRow, ColumnMapping

log = logging.getLogger(__name__)

PROCESS_CHUNK_TASK = "appeals.bulk.process_chunk"
SWEEP_BATCHES_TASK = "appeals.bulk.sweep"
# Rows per task: large enough that per-task overhead vanishes, small enough that a dead worker
# costs little to redo and both workers stay busy to the end.
CHUNK_SIZE = 50
# Letters per commit inside a chunk.
COMMIT_EVERY = 10
_INSERT_BATCH = 500


class BatchError(ValueError):
    """A request about a batch that cannot be carried out (plain message)."""


# ---------------------------------------------------------------------------------------------
# Letter choices


class LetterChooser:
    """Resolves a `letter` value for one principal, once per distinct value: a built-in kind, or
    a template of the library the principal may use (by id, version id or name), recorded as
    the exact template version."""

    def __init__(self, principal: Principal):
        from .letters import LETTER_KINDS

        self.principal = principal
        self.kinds = {normalize_label(k): k for k in LETTER_KINDS}
        self._cache: dict[str, tuple[str | None, str | None, str | None]] = {}
        self._names: dict[str, str] | None = None

    def _template_names(self) -> dict[str, str]:
        """Normalized template name -> template id (names used twice are left out)."""
        if self._names is None:
            try:
                from .letter_templates.store import visible_templates
            except ImportError:
                visible_templates = None
            names: dict[str, str | None] = {}
            if visible_templates is not None and self.principal.user_id is not None:
                for template in visible_templates(self.principal):
                    key = normalize_label(template.name)
                    names[key] = None if key in names else template.id
            self._names = {k: v for k, v in names.items() if v}
        return self._names

    def _unknown(self, value: str) -> str:
        return (f"unknown letter {value!r}: use one of {', '.join(sorted(self.kinds.values()))}, "
                "or the name or id of a template in your library")

    def resolve(self, value: str) -> tuple[str | None, str | None, str | None]:
        """(kind, template_version_id, problem)."""
        if value in self._cache:
            return self._cache[value]
        key = normalize_label(value)
        if key in self.kinds:
            answer: tuple[str | None, str | None, str | None] = (self.kinds[key], None, None)
        else:
            answer = (None, None, self._unknown(value))
            template_id = self._template_names().get(key, value.strip())
            try:
                from .letter_templates.store import resolve_template_for

                version_id, _ = resolve_template_for(self.principal, template_id)
                answer = (None, version_id, None)
            except ImportError:  # no template library installed
                pass
            except LookupError:
                pass
        self._cache[value] = answer
        return answer


def saved_mapping(principal: Principal) -> ColumnMapping | None:
    from .access import scoped

    if principal.user_id is None:
        return None
    query = scoped(ColumnMapping, principal).order_by(
        ColumnMapping.organization_id.is_(None), ColumnMapping.updated_at.desc())
    return db.session.scalars(query.limit(1)).first()


def save_mapping(principal: Principal, mapping: dict[str, str]) -> ColumnMapping:
    record = saved_mapping(principal)
    if record is None:
        record = ColumnMapping(owner_id=principal.user_id, organization_id=principal.organization_id)
        db.session.add(record)
    record.mapping = {k.strip(): v for k, v in mapping.items() if k.strip()}
    db.session.commit()
    return record


# ---------------------------------------------------------------------------------------------
# Staging


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
    mapping_record = saved_mapping(principal)
    sheet = parse_sheet(
        data, mapping=mapping_record.mapping if mapping_record else None,
        max_bytes=max_bytes or current_app.config.get("BULK_MAX_BYTES", 10 * 1024 * 1024),
        max_rows=current_app.config.get("BULK_MAX_ROWS", MAX_ROWS),
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
                    from .intake.columns import RowProblem

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
    limit = current_app.config.get("BULK_MAX_ROWS", MAX_ROWS)
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
            from .intake.columns import RowProblem

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


# ---------------------------------------------------------------------------------------------
# Enqueueing


def start(batch: Batch, row_ids: list[int] | None = None) -> None:
    """Mark the batch running and enqueue its pending rows (or just `row_ids`) in chunks, after
    the commit."""
    if row_ids is None:
        row_ids = list(db.session.scalars(
            select(BatchRow.id).where(BatchRow.batch_id == batch.id, BatchRow.problems.is_(None))
            .order_by(BatchRow.row_number)))
    batch.status = RUNNING if batch.valid_rows else FINISHED
    batch.finished_at = None if batch.valid_rows else utcnow()
    batch.progressed_at = utcnow()
    db.session.commit()
    enqueue_chunks(batch.id, row_ids)


def enqueue_chunks(batch_id: str, row_ids: list[int]) -> None:
    celery = current_app.extensions["celery"]
    size = current_app.config.get("BULK_CHUNK_SIZE") or CHUNK_SIZE
    for i in range(0, len(row_ids), size):
        chunk = row_ids[i:i + size]
        if celery.conf.task_always_eager:  # view tests: run in this process
            process_chunk(batch_id, chunk)
            continue
        try:
            celery.send_task(PROCESS_CHUNK_TASK, args=[batch_id, chunk])
        except Exception as exc:  # broker down: the batch stalls and sweep_batches resumes it
            log.warning("could not enqueue a chunk of batch %s (%s)", batch_id,
                        type(exc).__name__)
            return


# ---------------------------------------------------------------------------------------------
# The work (what the chunk task calls)


def _letter_for_row(batch: Batch, choice: str | None, result: MatchResult) -> tuple[str, str | None]:
    """(kind, template_version_id): the row's own letter, else the batch's, else the kind that
    suits the outcome."""
    from .letters import LETTER_KINDS, default_kind

    if choice:
        if choice in LETTER_KINDS:
            return choice, None
        return default_kind(result), choice
    if batch.template_version_id:
        return batch.kind or default_kind(result), batch.template_version_id
    return batch.kind or default_kind(result), None


@dataclass
class _Job:
    """What writing one letter needs, held in memory (no ORM object to expire and reload)."""

    id: str
    row_number: int
    case: Case
    result: MatchResult
    kind: str
    template_version_id: str | None

    @property
    def result_json(self) -> dict:  # what jobs.letter_filename reads
        return {"service": {"id": self.result.service.id}}


def process_chunk(batch_id: str, row_ids: list[int], _retrying: bool = False, *,
                  fail_slow: bool = False) -> None:
    """Make the appeals of these rows (matching each case) and write their letters. Idempotent:
    rows that have an appeal and appeals that have ended are skipped, so a redelivered chunk
    writes nothing twice. Celery's soft time limit propagates (the task starts the chunk again,
    done rows skipped) unless `fail_slow`, when the row or letter it interrupts fails instead."""
    from .matching import match_case

    batch = db.session.get(Batch, batch_id)
    if batch is None:  # purged
        return
    owner_id, organization_id = batch.owner_id, batch.organization_id
    # Lock the unclaimed rows (PostgreSQL): a second delivery of this chunk waits here, then
    # finds them claimed.
    rows = db.session.execute(
        select(BatchRow.id, BatchRow.row_number, BatchRow.case_json, BatchRow.letter)
        .where(BatchRow.batch_id == batch_id, BatchRow.id.in_(row_ids),
               BatchRow.problems.is_(None), BatchRow.appeal_id.is_(None),
               BatchRow.error.is_(None))
        .order_by(BatchRow.row_number).with_for_update()).all()
    now = utcnow()
    fresh: list[_Job] = []
    claims, appeals, errors = [], [], []
    for row in rows:
        try:
            case = Case.model_validate(row.case_json)
            result = match_case(case)
            kind, template = _letter_for_row(batch, row.letter, result)
        except SoftTimeLimitExceeded:
            if not fail_slow:
                raise
            errors.append({"row_id": row.id, "reason": MATCH_FAILED})
            continue
        except Exception as exc:  # noqa: BLE001 — a matcher failure fails this row alone
            log.error("matching row %s of batch %s failed: %s", row.row_number, batch_id,
                      type(exc).__name__)
            errors.append({"row_id": row.id, "reason": MATCH_FAILED})
            continue
        job = _Job(new_id(), row.row_number, case, result, kind, template)
        fresh.append(job)
        claims.append({"row_id": row.id, "new_appeal_id": job.id})
        appeals.append({
            "id": job.id, "case_json": row.case_json,  # the validated case, as staged
            "result_json": result.to_json(), "kind": kind, "template_version_id": template,
            "status": RENDERING, "attempts": 1, "queued_at": now, "started_at": now,
            "batch_id": batch_id, "row_number": row.row_number, "owner_id": owner_id,
            "organization_id": organization_id, "created_at": now,
        })
    if appeals:
        table = BatchRow.__table__
        claimed = db.session.execute(
            update(table).where(table.c.id == bindparam("row_id"), table.c.appeal_id.is_(None))
            .values(appeal_id=bindparam("new_appeal_id"), case_json=None), claims).rowcount
        if claimed != len(claims):
            # Another delivery of this chunk claimed rows meanwhile (SQLite has no FOR UPDATE):
            # leave them to it and take up what is left.
            db.session.rollback()
            if _retrying:
                return
            return process_chunk(batch_id, row_ids, _retrying=True, fail_slow=fail_slow)
        db.session.execute(insert(Appeal), appeals)
    if errors:
        db.session.execute(
            update(BatchRow.__table__).where(BatchRow.__table__.c.id == bindparam("row_id"))
            .values(error=bindparam("reason")), errors)
    db.session.commit()
    claimed = {job.id for job in fresh}
    # Appeals of these rows made earlier (a redelivered or retried chunk) that have not ended.
    earlier = list(db.session.scalars(
        select(BatchRow.appeal_id).where(BatchRow.id.in_(row_ids),
                                         BatchRow.appeal_id.is_not(None))))
    write_letters(fresh + _unfinished_jobs([a for a in earlier if a not in claimed]),
                  fail_slow=fail_slow)
    _record_progress(batch_id)


MATCH_FAILED = "The case could not be matched because of an internal error. Retry it."


def _unfinished_jobs(appeal_ids: list[str]) -> list[_Job]:
    """Jobs for existing appeals that have not ended (marked rendering again)."""
    if not appeal_ids:
        return []
    rows = db.session.execute(
        select(Appeal.id, Appeal.row_number, Appeal.case_json, Appeal.result_json, Appeal.kind,
               Appeal.template_version_id, Appeal.status)
        .where(Appeal.id.in_(appeal_ids), Appeal.status.not_in((DONE, FAILED)))).all()
    if not rows:
        return []
    ids = [r.id for r in rows]
    db.session.execute(
        update(Appeal).where(Appeal.id.in_(ids), Appeal.status != RENDERING)
        .values(status=RENDERING, started_at=utcnow(), attempts=Appeal.attempts + 1)
        .execution_options(synchronize_session=False))
    db.session.commit()
    return [_Job(r.id, r.row_number, Case.model_validate(r.case_json),
                 MatchResult.model_validate(r.result_json), r.kind, r.template_version_id)
            for r in rows]


def render_letter_for(job: _Job) -> bytes:
    """The .docx for one job: the template library's template when one was chosen, else the
    built-in one for the kind (as jobs.render_appeal does, without reloading the appeal)."""
    from .letters import TemplateError, render_letter

    template = None
    if job.template_version_id:
        if jobs.template_resolver is None:
            raise TemplateError("the template library is not available to this worker")
        template = jobs.template_resolver(job.template_version_id)
    return render_letter(job.case, job.result, kind=job.kind, template=template)


def write_letters(todo: list[_Job], *, fail_slow: bool = True) -> None:
    """Write and store each job's letter, COMMIT_EVERY letters per commit (each letter with its
    appeal's "done" in the same commit). An appeal that already has a letter is marked done
    without writing another; a render failure fails that appeal alone, with a reason."""
    if not todo:
        return
    have = set(db.session.scalars(
        select(Letter.appeal_id).where(Letter.appeal_id.in_([j.id for j in todo]))))
    delay = float(current_app.config.get("TEST_RENDER_DELAY") or 0)  # lets a test kill mid-batch
    for i in range(0, len(todo), COMMIT_EVERY):
        group = todo[i:i + COMMIT_EVERY]
        letters, done, failed = [], [], []
        for job in group:
            if job.id in have:
                done.append(job.id)
                continue
            try:
                if delay:
                    time.sleep(delay)
                docx = render_letter_for(job)
            except SoftTimeLimitExceeded as exc:
                if not fail_slow:
                    _commit_letters(group, letters, done, failed)
                    raise
                failed.append({"appeal_id": job.id, "reason": jobs.failure_reason(exc)})
                continue
            except Exception as exc:  # noqa: BLE001 — the job fails with a reason; others go on
                log.error("letter for appeal %s failed: %s", job.id, type(exc).__name__)
                failed.append({"appeal_id": job.id, "reason": jobs.failure_reason(exc)})
                continue
            letters.append({"id": new_id(), "appeal_id": job.id, "docx": docx,
                            "filename": jobs.letter_filename(job), "text_preview": "",
                            "template_version_id": job.template_version_id,
                            "created_at": utcnow()})
            done.append(job.id)
        _commit_letters(group, letters, done, failed)


def _commit_letters(group: list[_Job], letters: list[dict], done: list[str],
                    failed: list[dict]) -> None:
    """Store a group's letters with their appeals' new status, in one commit."""
    now = utcnow()
    try:
        if letters:
            db.session.execute(insert(Letter), letters)
        if done:
            db.session.execute(
                update(Appeal).where(Appeal.id.in_(done), Appeal.status != DONE)
                .values(status=DONE, error=None, finished_at=now)
                .execution_options(synchronize_session=False))
        if failed:
            db.session.execute(
                update(Appeal.__table__)
                .where(Appeal.__table__.c.id == bindparam("appeal_id"),
                       Appeal.__table__.c.status != DONE)
                .values(status=FAILED, error=bindparam("reason"), finished_at=now), failed)
        db.session.commit()
    except IntegrityError:
        # Another delivery stored some of these letters first: settle them one by one.
        db.session.rollback()
        written = set(done) | {letter["appeal_id"] for letter in letters}
        for job in group:
            if job.id in written:
                jobs.render_appeal(job.id)


def _record_progress(batch_id: str) -> None:
    if remaining(batch_id) == 0:
        db.session.execute(update(Batch).where(Batch.id == batch_id, Batch.status != FINISHED)
                           .values(status=FINISHED, finished_at=utcnow(), progressed_at=utcnow()))
    else:
        db.session.execute(update(Batch).where(Batch.id == batch_id)
                           .values(progressed_at=utcnow()))
    db.session.commit()


def remaining(batch_id: str) -> int:
    """Valid rows whose letter has not ended (no appeal yet, or an appeal still in work)."""
    rows = db.session.scalar(select(func.count()).select_from(BatchRow).where(
        BatchRow.batch_id == batch_id, BatchRow.problems.is_(None),
        BatchRow.appeal_id.is_(None), BatchRow.error.is_(None)))
    appeals = db.session.scalar(select(func.count()).select_from(Appeal).where(
        Appeal.batch_id == batch_id, Appeal.status.not_in((DONE, FAILED))))
    return rows + appeals


# ---------------------------------------------------------------------------------------------
# Progress, retry, sweep


@dataclass
class Progress:
    status: str
    total: int  # letters expected (valid rows)
    done: int
    failed: int
    invalid: int
    rows: int  # every data row of the file

    @property
    def pending(self) -> int:
        return max(self.total - self.done - self.failed, 0)

    @property
    def percent(self) -> int:
        return int(100 * (self.done + self.failed) / self.total) if self.total else 100

    def to_json(self) -> dict[str, Any]:
        return {"status": self.status, "total": self.total, "done": self.done,
                "failed": self.failed, "pending": self.pending, "invalid": self.invalid,
                "rows": self.rows}


def progress(batch: Batch, *, resume: bool = True) -> Progress:
    counts = dict(db.session.execute(
        select(Appeal.status, func.count()).where(Appeal.batch_id == batch.id)
        .group_by(Appeal.status)).all())
    row_failures = db.session.scalar(select(func.count()).select_from(BatchRow).where(
        BatchRow.batch_id == batch.id, BatchRow.error.is_not(None)))
    if resume and batch.status in (STAGED, RUNNING):
        resume_if_stalled(batch)
    return Progress(status=batch.status, total=batch.valid_rows, done=counts.get(DONE, 0),
                    failed=counts.get(FAILED, 0) + row_failures, invalid=batch.invalid_rows,
                    rows=batch.total_rows)


def retry_failed(batch: Batch) -> int:
    """Queue the batch's failed rows again (only those). Returns how many."""
    failed_rows = list(db.session.execute(
        select(BatchRow.id, BatchRow.appeal_id).outerjoin(Appeal, Appeal.id == BatchRow.appeal_id)
        .where(BatchRow.batch_id == batch.id,
               (BatchRow.error.is_not(None)) | (Appeal.status == FAILED))).all())
    if not failed_rows:
        return 0
    row_ids = [r.id for r in failed_rows]
    appeal_ids = [r.appeal_id for r in failed_rows if r.appeal_id]
    db.session.execute(update(BatchRow).where(BatchRow.id.in_(row_ids)).values(error=None)
                       .execution_options(synchronize_session=False))
    if appeal_ids:
        db.session.execute(
            update(Appeal).where(Appeal.id.in_(appeal_ids), Appeal.status == FAILED)
            .values(status=QUEUED, error=None, queued_at=utcnow(), started_at=None,
                    finished_at=None).execution_options(synchronize_session=False))
    db.session.commit()
    start(batch, row_ids)
    return len(row_ids)


def _stalled_after() -> timedelta:
    """No chunk runs longer than the hard time limit: a batch that has not moved for as long as
    a stuck letter job has lost its worker (or its messages)."""
    from .celery_app import stuck_rendering_after

    return timedelta(seconds=float(stuck_rendering_after(current_app.config)))


def resume_if_stalled(batch: Batch) -> bool:
    """Re-enqueue the unfinished rows of a running batch that has not moved for longer than a
    chunk may take (its worker died, or the broker lost the message), or of a batch staged but
    never started (the web process died between the commit and the enqueue)."""
    if batch.status not in (STAGED, RUNNING) or batch.progressed_at is None:
        return False
    progressed = batch.progressed_at
    if progressed.tzinfo is None:  # SQLite hands back naive times
        from datetime import timezone

        progressed = progressed.replace(tzinfo=timezone.utc)
    if progressed > utcnow() - _stalled_after():
        return False
    stuck = list(db.session.scalars(
        select(BatchRow.id).outerjoin(Appeal, Appeal.id == BatchRow.appeal_id)
        .where(BatchRow.batch_id == batch.id, BatchRow.problems.is_(None),
               BatchRow.error.is_(None),
               BatchRow.appeal_id.is_(None) | Appeal.status.not_in((DONE, FAILED)))
        .order_by(BatchRow.row_number)))
    # Move the clock first so concurrent lookers do not all re-enqueue.
    moved = db.session.execute(
        update(Batch).where(Batch.id == batch.id, Batch.progressed_at == batch.progressed_at)
        .values(progressed_at=utcnow(), status=RUNNING))
    db.session.commit()
    if moved.rowcount != 1:
        return False
    if not stuck:
        _record_progress(batch.id)
        return False
    log.info("resuming %d row(s) of stalled batch %s", len(stuck), batch.id)
    enqueue_chunks(batch.id, stuck)
    return True


def sweep_batches() -> int:
    """Resume every stalled running batch (the periodic counterpart of resume_if_stalled)."""
    cutoff = utcnow() - _stalled_after()
    batches = list(db.session.scalars(
        select(Batch).where(Batch.status.in_((STAGED, RUNNING)), Batch.progressed_at < cutoff)
        .limit(100)))
    return sum(1 for b in batches if resume_if_stalled(b))


# ---------------------------------------------------------------------------------------------
# Manifest and ZIP


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


def run_in_process(batch: Batch, on_progress: Callable[[Progress], None] | None = None) -> None:
    """Do a batch's work in this process, chunk by chunk (the CLI's mode: no broker needed)."""
    row_ids = list(db.session.scalars(
        select(BatchRow.id).where(BatchRow.batch_id == batch.id, BatchRow.problems.is_(None))
        .order_by(BatchRow.row_number)))
    batch.status, batch.progressed_at = RUNNING, utcnow()
    db.session.commit()
    step = COMMIT_EVERY  # small steps: the progress shown moves often
    for i in range(0, len(row_ids), step):
        process_chunk(batch.id, row_ids[i:i + step])
        if on_progress:
            db.session.refresh(batch)
            on_progress(progress(batch, resume=False))
    _record_progress(batch.id)
    db.session.refresh(batch)


def delete_batch(batch: Batch) -> None:
    """Remove a batch with its rows and the appeals and letters made from it (audited)."""
    from .privacy import delete_record

    delete_record(batch)
