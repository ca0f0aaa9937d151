"""The Celery entry point: ``celery -A worker worker`` (``-B`` adds the periodic sweeps and purge,
as `appeals run` does; a distributed setup runs ``celery -A worker beat`` once instead). The
tasks and the beat schedule live in appeals/tasks.py."""

from celery.signals import worker_process_init

from appeals.app import create_app
from appeals.extensions import db

flask_app = create_app()
celery = flask_app.extensions["celery"]


@worker_process_init.connect
def _fresh_database_pool(**_):
    # A forked worker child must not share the parent's database connections.
    with flask_app.app_context():
        db.engine.dispose(close=False)
