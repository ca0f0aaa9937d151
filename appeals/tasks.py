"""Celery tasks: thin and named, ids in, a service called; and the one beat schedule.

Every task is acknowledged late and handed back when its worker dies, and is idempotent (a
redelivery writes each letter once). A database that went away is retried by Celery
(`autoretry_for`, exponential backoff; how often and from what delay come from the settings, see
celery_app.task_annotations); the job stays "queued"/"rendering" in the database meanwhile, so the
sweep catches it even if every retry fails. The tasks are registered with the app's Celery by
celery_app.celery_init_app(); services send them by name.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from flask import current_app
from sqlalchemy.exc import DBAPIError

from . import heartbeat, privacy
from .services import letter_library as store
from .services import appeals, bulk

log = logging.getLogger(__name__)

DATABASE_ERRORS = (DBAPIError,)  # OperationalError (connection lost) is one
RELIABLE = dict(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
# After two restarts for time, the row or letter that keeps running out of it fails.
MAX_CHUNK_RESTARTS = 2
# A template preview renders an advocate's own template: its own strict limits (the render
# itself also runs in a child process killed after preview.PREVIEW_TIMEOUT seconds).
PREVIEW_SOFT_TIME_LIMIT = 240
PREVIEW_TIME_LIMIT = 300
PROBE_TASK = "appeals.probe"
# Periodic tasks beat runs itself (celery_app.SweepingScheduler), where no stuck pool holds them.
RUN_IN_BEAT = frozenset({appeals.SWEEP_TASK, bulk.SWEEP_BATCHES_TASK})


@shared_task(name=appeals.RENDER_LETTER_TASK, autoretry_for=DATABASE_ERRORS, **RELIABLE)
def render_letter(appeal_id: str) -> None:
    appeals.render_appeal(appeal_id)


@shared_task(name=bulk.PROCESS_CHUNK_TASK, bind=True, autoretry_for=DATABASE_ERRORS, **RELIABLE)
def process_chunk(self, batch_id: str, row_ids: list[int], restarts: int = 0) -> None:
    try:
        bulk.process_chunk(batch_id, row_ids, fail_slow=restarts >= MAX_CHUNK_RESTARTS)
    except SoftTimeLimitExceeded:
        # Out of time (a slow machine, a huge template): what is committed stays; the rest of
        # the chunk starts again in a fresh task (done rows are skipped).
        log.warning("chunk of batch %s ran out of time; continuing it in a new task", batch_id)
        self.apply_async(args=[batch_id, row_ids, restarts + 1])


@shared_task(name=appeals.SWEEP_TASK, ignore_result=True)
def sweep_stuck() -> int:
    return appeals.sweep_stuck()


@shared_task(name=bulk.SWEEP_BATCHES_TASK, ignore_result=True)
def sweep_batches() -> int:
    return bulk.sweep_batches()


@shared_task(name=privacy.PURGE_TASK, ignore_result=True, acks_late=True)
def purge_expired() -> dict[str, int]:
    # Idempotent: a second run finds nothing left to delete.
    deleted = privacy.purge_expired()
    # Table names and counts only.
    summary = ", ".join(f"{count} {table}" for table, count in sorted(deleted.items()))
    log.info("retention purge deleted %s", summary or "nothing")
    return deleted


@shared_task(name=store.PREVIEW_TASK, soft_time_limit=PREVIEW_SOFT_TIME_LIMIT,
             time_limit=PREVIEW_TIME_LIMIT, **RELIABLE)
def render_preview(version_id: str) -> None:
    try:
        store.run_preview(version_id)
    except SoftTimeLimitExceeded:
        store.preview_failed(version_id, f"the preview took longer than "
                                         f"{PREVIEW_SOFT_TIME_LIMIT} s and was stopped")


@shared_task(name=PROBE_TASK, bind=True, ignore_result=True)
def probe(self, token: str) -> None:
    """The watchdog's probe: a pool child that runs it proves the pool takes work."""
    if self.request.hostname:
        heartbeat.probe_answered(heartbeat.worker_dir(
            current_app.config["WORKER_HEARTBEAT_DIR"], self.request.hostname), token)


def beat_schedule(config) -> dict:
    """Every periodic task, in one place (beat reads it from the Celery settings)."""
    sweep = timedelta(seconds=config["SWEEP_INTERVAL"])
    purge = config["PURGE_INTERVAL"]
    return {
        # Run by beat itself (RUN_IN_BEAT), not sent to a worker.
        "sweep-stuck-appeals": {"task": appeals.SWEEP_TASK, "schedule": sweep},
        "sweep-stalled-batches": {"task": bulk.SWEEP_BATCHES_TASK, "schedule": sweep},
        "purge-expired-records": {"task": privacy.PURGE_TASK,
                                  "schedule": timedelta(seconds=purge),
                                  "options": {"expires": purge}},
    }


def task_annotations(config) -> dict:
    """Per-task settings that come from the app's settings (Celery applies them as the tasks
    are bound, before autoretry reads them): retries of a lost database."""
    retries = {"max_retries": config["LETTER_MAX_RETRIES"],
               "retry_backoff": config["LETTER_RETRY_DELAY"],
               "retry_backoff_max": config["LETTER_RETRY_DELAY"]
               * max(1, config["LETTER_MAX_RETRIES"])}
    return {appeals.RENDER_LETTER_TASK: retries, bulk.PROCESS_CHUNK_TASK: retries}
