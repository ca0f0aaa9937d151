"""Celery tasks for letters: ids in, appeals.jobs called, results stored by it. Thin on purpose."""

from celery import shared_task
from sqlalchemy.exc import DBAPIError, OperationalError

from appeals import jobs


@shared_task(
    name=jobs.RENDER_LETTER_TASK,
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
)
def render_letter(self, appeal_id: str) -> None:
    from flask import current_app

    config = current_app.config
    try:
        jobs.render_appeal(appeal_id)
    except (OperationalError, DBAPIError) as exc:
        # The database went away: try again shortly (the job is still queued/rendering in the
        # database, so the sweep catches it even if every retry fails).
        from appeals.extensions import db

        db.session.rollback()
        raise self.retry(
            exc=exc, countdown=config["LETTER_RETRY_DELAY"], max_retries=config["LETTER_MAX_RETRIES"]
        )


@shared_task(name=jobs.SWEEP_TASK, ignore_result=True, acks_late=False)
def sweep_stuck() -> int:
    return jobs.sweep_stuck()
