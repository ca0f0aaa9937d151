"""The Celery worker entry point: ``celery -A worker worker`` (add ``-B`` to run the periodic
sweep in the same process, as `appeals run` does; a distributed setup runs ``celery -A worker
beat`` once instead).

The Flask app (and the Celery app bound to it) is created on first use, not at import, so the web
process can import the task modules (for eager tests) without building a second app.
"""

from __future__ import annotations

_celery = None


def _make_celery():
    from celery.signals import worker_process_init

    from appeals.app import create_app
    from appeals.extensions import db

    flask_app = create_app()
    celery_app = flask_app.extensions["celery"]
    # The tasks live in worker.tasks.*; importing them registers them with this app.
    celery_app.conf.imports = ("worker.tasks.letters", "worker.tasks.privacy", "worker.tasks.batches",
                               "worker.tasks.templates")

    @worker_process_init.connect(weak=False)
    def _fresh_database_pool(**_):
        # A forked worker child must not share the parent's database connections.
        with flask_app.app_context():
            db.engine.dispose(close=False)

    return celery_app


def __getattr__(name: str):
    # `celery -A worker` looks up `worker.app`, then `worker.celery`.
    global _celery
    if name == "celery":
        if _celery is None:
            _celery = _make_celery()
        return _celery
    raise AttributeError(name)
