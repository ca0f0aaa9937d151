"""Celery tasks for bulk batches: a chunk of row ids in, appeals.batches does the work. Thin.

A chunk is acknowledged late and handed back if its worker dies; re-running it skips every row
that already has its appeal and every appeal that already has its letter, so a redelivery writes
each letter exactly once.
"""

import logging

from celery import current_app as current_celery
from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from sqlalchemy.exc import DBAPIError, OperationalError

from appeals import batches

log = logging.getLogger(__name__)
MAX_RESTARTS = 2


@shared_task(
    name=batches.PROCESS_CHUNK_TASK,
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
)
def process_chunk(self, batch_id: str, row_ids: list[int], restarts: int = 0) -> None:
    from flask import current_app

    config = current_app.config
    try:
        # After two restarts for time, the row or letter that keeps running out of it fails.
        batches.process_chunk(batch_id, row_ids, fail_slow=restarts >= MAX_RESTARTS)
    except SoftTimeLimitExceeded:
        # Out of time (a slow machine, a huge template): what is committed stays; the rest of
        # the chunk starts again in a fresh task (done rows are skipped).
        from appeals.extensions import db

        db.session.rollback()
        log.warning("chunk of batch %s ran out of time; continuing it in a new task", batch_id)
        self.app.send_task(batches.PROCESS_CHUNK_TASK, args=[batch_id, row_ids, restarts + 1])
    except (OperationalError, DBAPIError) as exc:
        from appeals.extensions import db

        db.session.rollback()
        raise self.retry(exc=exc, countdown=config["LETTER_RETRY_DELAY"],
                         max_retries=config["LETTER_MAX_RETRIES"])


@shared_task(name=batches.SWEEP_BATCHES_TASK, ignore_result=True, acks_late=False)
def sweep_batches() -> int:
    return batches.sweep_batches()


SWEEP_ENTRY = "sweep-stalled-batches"


def add_beat_entry(celery_app) -> None:
    """Run the batch sweep as often as the letter-job sweep (same schedule and queue). Beat and
    the worker import this module before they read the schedule, so the entry is in place."""
    schedule = celery_app.conf.beat_schedule
    if schedule is None or SWEEP_ENTRY in schedule:
        return
    jobs_sweep = next((entry for entry in schedule.values()
                       if entry.get("task") == "appeals.sweep_stuck"), None)
    if jobs_sweep is None:
        return
    schedule[SWEEP_ENTRY] = {"task": batches.SWEEP_BATCHES_TASK,
                             "schedule": jobs_sweep["schedule"],
                             "options": dict(jobs_sweep.get("options") or {})}


add_beat_entry(current_celery)
