"""Starting a batch: its valid rows go to the workers in chunks of row ids, after the commit."""

from __future__ import annotations

import logging

from flask import current_app
from sqlalchemy import select

from ...extensions import db
from ...models.base import utcnow
from ...models.batches import FINISHED, RUNNING, Batch, BatchRow
from ..appeals import send_task

log = logging.getLogger(__name__)

# Task names (declared in appeals/tasks.py, sent by name).
PROCESS_CHUNK_TASK = "appeals.bulk.process_chunk"
SWEEP_BATCHES_TASK = "appeals.bulk.sweep"


def valid_row_ids(batch_id: str) -> list[int]:
    return list(db.session.scalars(
        select(BatchRow.id).where(BatchRow.batch_id == batch_id, BatchRow.problems.is_(None))
        .order_by(BatchRow.row_number)))


def start(batch: Batch, row_ids: list[int] | None = None) -> None:
    """Mark the batch running and enqueue its pending rows (or just `row_ids`) in chunks, after
    the commit."""
    if row_ids is None:
        row_ids = valid_row_ids(batch.id)
    batch.status = RUNNING if batch.valid_rows else FINISHED
    batch.finished_at = None if batch.valid_rows else utcnow()
    batch.progressed_at = utcnow()
    db.session.commit()
    enqueue_chunks(batch.id, row_ids)


def enqueue_chunks(batch_id: str, row_ids: list[int]) -> None:
    # Rows per task: large enough that per-task overhead vanishes, small enough that a dead
    # worker costs little to redo and every worker stays busy to the end.
    size = current_app.config["BULK_CHUNK_SIZE"]
    for i in range(0, len(row_ids), size):
        try:
            send_task(PROCESS_CHUNK_TASK, [batch_id, row_ids[i:i + size]])
        except Exception as exc:  # broker down: the batch stalls and sweep_batches resumes it
            log.warning("could not enqueue a chunk of batch %s (%s)", batch_id,
                        type(exc).__name__)
            return
