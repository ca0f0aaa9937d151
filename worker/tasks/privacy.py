"""Celery task: the periodic retention purge (appeals.privacy does the work)."""

import logging

from celery import shared_task

from appeals import privacy

log = logging.getLogger(__name__)


@shared_task(name=privacy.PURGE_TASK, ignore_result=True, acks_late=True)
def purge_expired() -> dict[str, int]:
    # Idempotent: a second run finds nothing left to delete.
    deleted = privacy.purge_expired()
    # Table names and counts only.
    log.info("retention purge deleted %s", ", ".join(f"{n} {t}" for t, n in sorted(deleted.items())) or "nothing")
    return deleted
