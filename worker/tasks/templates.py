"""Celery tasks for the template library: ids in, appeals.letter_templates.store called.

A preview renders an advocate's own template, so it has its own strict limits: the render itself
runs in a child process killed after preview.PREVIEW_TIMEOUT seconds, and the task as a whole
(rendering plus LibreOffice page images) is stopped by the soft and hard limits below.
"""

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

from appeals.letter_templates import store

PREVIEW_SOFT_TIME_LIMIT = 240
PREVIEW_TIME_LIMIT = 300


@shared_task(name=store.PREVIEW_TASK, acks_late=True, reject_on_worker_lost=True,
             ignore_result=True, soft_time_limit=PREVIEW_SOFT_TIME_LIMIT,
             time_limit=PREVIEW_TIME_LIMIT)
def render_preview(version_id: str) -> None:
    try:
        store.run_preview(version_id)
    except SoftTimeLimitExceeded:
        store.preview_failed(version_id, f"the preview took longer than "
                                         f"{PREVIEW_SOFT_TIME_LIMIT} s and was stopped")
