"""A test's worker entry point: the real one (``worker``) with every letter render delayed by
RENDER_DELAY_ENV seconds, so a test can kill a worker in the middle of a task. Started by
support.workers.WorkerProcess when its ServiceConfig has a render_delay; production code holds
no test hook."""

import os
import time

from appeals.services import rendering
from worker import celery, flask_app  # noqa: F401  (what `celery -A` looks up)

RENDER_DELAY_ENV = "TEST_WORKER_RENDER_DELAY"
_delay = float(os.environ.get(RENDER_DELAY_ENV) or 0)
_render = rendering.render_docx


def _slow_render(job):
    time.sleep(_delay)
    return _render(job)


if _delay:
    rendering.render_docx = _slow_render
