"""A batch's progress, the retry of its failed rows, and resuming a batch that stopped moving
(its worker died, or the broker lost a chunk's message)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timezone
from typing import Any

from sqlalchemy import func, select, update

from ...extensions import db
from ...models.appeals import DONE, FAILED, QUEUED, Appeal
from ...models.base import utcnow
from ...models.batches import FINISHED, RUNNING, STAGED, Batch, BatchRow
from ..appeals import stuck_rendering_after
from .enqueue import enqueue_chunks, start

log = logging.getLogger(__name__)


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


def remaining(batch_id: str) -> int:
    """Valid rows whose letter has not ended (no appeal yet, or an appeal still in work)."""
    rows = db.session.scalar(select(func.count()).select_from(BatchRow).where(
        BatchRow.batch_id == batch_id, BatchRow.problems.is_(None),
        BatchRow.appeal_id.is_(None), BatchRow.error.is_(None)))
    appeals = db.session.scalar(select(func.count()).select_from(Appeal).where(
        Appeal.batch_id == batch_id, Appeal.status.not_in((DONE, FAILED))))
    return rows + appeals


def record_progress(batch_id: str) -> None:
    """Note that the batch moved (the stall clock restarts); finish it when nothing remains."""
    if remaining(batch_id) == 0:
        db.session.execute(update(Batch).where(Batch.id == batch_id, Batch.status != FINISHED)
                           .values(status=FINISHED, finished_at=utcnow(), progressed_at=utcnow()))
    else:
        db.session.execute(update(Batch).where(Batch.id == batch_id)
                           .values(progressed_at=utcnow()))
    db.session.commit()


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
            .values(status=QUEUED, error=None, attempts=0, queued_at=utcnow(), started_at=None,
                    finished_at=None).execution_options(synchronize_session=False))
    db.session.commit()
    start(batch, row_ids)
    return len(row_ids)


def resume_if_stalled(batch: Batch) -> bool:
    """Re-enqueue the unfinished rows of a running batch that has not moved for longer than a
    chunk may take (its worker died, or the broker lost the message), or of a batch staged but
    never started (the web process died between the commit and the enqueue)."""
    if batch.status not in (STAGED, RUNNING) or batch.progressed_at is None:
        return False
    progressed = batch.progressed_at
    if progressed.tzinfo is None:  # SQLite hands back naive times
        progressed = progressed.replace(tzinfo=timezone.utc)
    if progressed > utcnow() - stuck_rendering_after():
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
        record_progress(batch.id)
        return False
    log.info("resuming %d row(s) of stalled batch %s", len(stuck), batch.id)
    enqueue_chunks(batch.id, stuck)
    return True


def sweep_batches() -> int:
    """Resume every stalled running batch (the periodic counterpart of resume_if_stalled)."""
    cutoff = utcnow() - stuck_rendering_after()
    batches = list(db.session.scalars(
        select(Batch).where(Batch.status.in_((STAGED, RUNNING)), Batch.progressed_at < cutoff)
        .limit(100)))
    return sum(1 for b in batches if resume_if_stalled(b))
