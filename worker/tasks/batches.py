"""Celery tasks for bulk batches: a chunk of row ids in, appeals.batches does the work. Thin.

A chunk is acknowledged late and handed back if its worker dies; re-running it skips every row
that already has its appeal and every appeal that already has its letter, so a redelivery writes
each letter exactly once.
"""

from celery import shared_task
from sqlalchemy.exc import DBAPIError, OperationalError

from appeals import batches


@shared_task(
    name=batches.PROCESS_CHUNK_TASK,
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
)
def process_chunk(self, batch_id: str, row_ids: list[int]) -> None:
    from flask import current_app

    config = current_app.config
    try:
        batches.process_chunk(batch_id, row_ids)
    except (OperationalError, DBAPIError) as exc:
        from appeals.extensions import db

        db.session.rollback()
        raise self.retry(exc=exc, countdown=config["LETTER_RETRY_DELAY"],
                         max_retries=config["LETTER_MAX_RETRIES"])


@shared_task(name=batches.SWEEP_BATCHES_TASK, ignore_result=True, acks_late=False)
def sweep_batches() -> int:
    return batches.sweep_batches()
