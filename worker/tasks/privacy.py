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
    summary = ", ".join(f"{count} {table}" for table, count in sorted(deleted.items()))
    log.info("retention purge deleted %s", summary or "nothing")
    return deleted
