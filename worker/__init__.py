"""The Celery entry point: ``celery -A worker worker`` (``-B`` adds the periodic sweeps and purge;
`appeals run` and a distributed setup run ``celery -A worker beat`` once instead). The tasks and
the beat schedule live in appeals/tasks.py; the pool's watchdog in worker/watchdog.py."""

import logging

from celery.signals import (celeryd_after_setup, task_postrun, task_prerun, worker_process_init,
                            worker_ready, worker_shutting_down)

from appeals import heartbeat
from appeals.app import create_app
from appeals.celery_app import probe_queue
from appeals.extensions import db

from appeals.tasks import PROBE_TASK

from .watchdog import Watchdog

flask_app = create_app()
celery = flask_app.extensions["celery"]
_watchdogs: list[Watchdog] = []


def _not_a_probe(record: logging.LogRecord) -> bool:
    return PROBE_TASK not in record.getMessage()


# The watchdog's probes every few seconds would bury the log's "received"/"succeeded" lines.
for _name in ("celery.worker.strategy", "celery.app.trace"):
    logging.getLogger(_name).addFilter(_not_a_probe)


@worker_process_init.connect
def _fresh_database_pool(**_):
    # A forked worker child must not share the parent's database connections.
    with flask_app.app_context():
        db.engine.dispose(close=False)


@celeryd_after_setup.connect
def _consume_own_probe_queue(sender, instance, **_):
    # `sender` is the worker's hostname: its watchdog's probes come on a queue of its own.
    instance.app.amqp.queues.select_add(probe_queue(flask_app.config, sender))


@worker_ready.connect
def _start_watchdog(sender, **_):
    watchdog = Watchdog(celery, flask_app.config, sender.hostname,
                        getattr(sender, "controller", None))
    _watchdogs.append(watchdog)
    watchdog.start()


@worker_shutting_down.connect
def _stop_watchdog(**_):
    for watchdog in _watchdogs:
        watchdog.stop()


def _heartbeat_dir(task):
    hostname = getattr(task.request, "hostname", None)
    if not hostname or task.request.is_eager:
        return None
    return heartbeat.worker_dir(flask_app.config["WORKER_HEARTBEAT_DIR"], hostname)


@task_prerun.connect
def _task_started(task, **_):
    directory = _heartbeat_dir(task)
    if directory is not None:
        limits = task.request.timelimit or (None, None)
        limit = limits[0] or task.time_limit or celery.conf.task_time_limit
        heartbeat.task_started(directory, limit)


@task_postrun.connect
def _task_ended(task, **_):
    directory = _heartbeat_dir(task)
    if directory is not None:
        heartbeat.task_ended(directory)
