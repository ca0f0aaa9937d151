"""Celery bound to the Flask app, following Flask's Celery pattern: every setting under the one
``CELERY`` config key, tasks run inside an app context, tasks declared with ``shared_task``.

The broker is Redis when REDIS_URL is set, else the embedded broker (kombu's SQLAlchemy transport
on a SQLite file: no server to install). Job state lives in the database, not in a result backend,
so results are ignored.
"""

from __future__ import annotations

from celery import Celery, Task
from celery.beat import PersistentScheduler
from flask import Flask
from kombu.transport import TRANSPORT_ALIASES
from kombu.transport import sqlalchemy as kombu_sqlalchemy

from . import tasks  # noqa: F401  (declares the shared tasks this app runs)
from .settings import REDIS_VISIBILITY_TIMEOUT

EMBEDDED_TRANSPORT = "appeals-sqla"


class EmbeddedTransport(kombu_sqlalchemy.Transport):
    """kombu's SQLAlchemy transport (the embedded broker), polling its table four times a second
    instead of once: a letter is picked up in a quarter second. (Its transport options all go to
    create_engine, so the interval cannot be set there.)"""

    polling_interval = 0.25


# `sqla+sqlite:///…` URLs are served by EmbeddedTransport (see broker_url()).
TRANSPORT_ALIASES.setdefault(EMBEDDED_TRANSPORT, f"{__name__}:EmbeddedTransport")


def bulk_queue(config) -> str:
    """Batch chunks have their own queue, so a worker that reads only the main one (single
    appeals, previews) is never behind another organization's batch."""
    return f"{config['CELERY_QUEUE']}.bulk"


def probe_queue(config, hostname: str) -> str:
    """Each worker's own queue for the probes its watchdog sends (worker/watchdog.py)."""
    return f"{config['CELERY_QUEUE']}.probe.{hostname}"


class SweepingScheduler(PersistentScheduler):
    """Beat that runs the sweeps itself instead of sending them to the workers: a sweep must run
    even when every worker's pool is stuck (it re-sends the jobs those pools lost). The other
    periodic tasks (the purge) are sent as usual."""

    def apply_async(self, entry, producer=None, advance=True, **kwargs):
        if entry.task not in tasks.RUN_IN_BEAT:
            return super().apply_async(entry, producer=producer, advance=advance, **kwargs)
        entry = self.reserve(entry) if advance else entry
        # Calling the task runs it here, inside the app context (FlaskTask); an error is logged
        # by beat's apply_entry and the next sweep comes as scheduled.
        return self.app.tasks[entry.task]()


def broker_url(config) -> str:
    url = config.get("REDIS_URL") or config["EMBEDDED_BROKER_URL"]
    if url.startswith(("sqla+", "sqlalchemy+")):
        url = f"{EMBEDDED_TRANSPORT}+{url.split('+', 1)[1]}"
    return url


def celery_config(config) -> dict:
    """The CELERY settings derived from the app config; an explicit CELERY dict overrides them."""
    limits = [
        config["LETTER_SOFT_TIME_LIMIT"],
        config["LETTER_TIME_LIMIT"],
        config["LETTER_RETRY_DELAY"] * max(1, config["LETTER_MAX_RETRIES"]),
    ]
    if max(limits) * 2 > REDIS_VISIBILITY_TIMEOUT:
        raise RuntimeError(
            "LETTER_TIME_LIMIT, LETTER_SOFT_TIME_LIMIT and the total retry delay must stay well "
            f"under the Redis visibility timeout ({REDIS_VISIBILITY_TIMEOUT} s)"
        )
    if config["STUCK_RENDERING_AFTER"] <= config["LETTER_TIME_LIMIT"]:
        raise RuntimeError(
            "STUCK_RENDERING_AFTER must be longer than LETTER_TIME_LIMIT: a job still rendering "
            "after the hard time limit has lost its worker, sooner it may still be running"
        )
    queue = config["CELERY_QUEUE"]
    url = broker_url(config)
    transport_options: dict = {}
    if url.startswith("redis"):
        transport_options = {
            "visibility_timeout": REDIS_VISIBILITY_TIMEOUT,
            # Keys are prefixed by queue, so deployments (and tests) sharing a Redis DB never
            # see each other's messages or unacknowledged lists.
            "global_keyprefix": f"{queue}:",
        }
    else:
        # The embedded broker: these go to SQLAlchemy's create_engine (kombu polls the table
        # once a second). Wait for a busy SQLite file rather than fail at once.
        transport_options = {"connect_args": {"timeout": 30}}
    settings = {
        "broker_url": url,
        "broker_transport_options": transport_options,
        "broker_connection_retry_on_startup": True,
        "task_default_queue": queue,
        "task_ignore_result": True,
        "result_backend": None,
        # Work that must not be lost: acknowledge after the task ran, hand the task back when
        # the worker child dies under it, and take one task at a time.
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        "task_soft_time_limit": config["LETTER_SOFT_TIME_LIMIT"],
        "task_time_limit": config["LETTER_TIME_LIMIT"],
        "worker_max_tasks_per_child": config["WORKER_MAX_TASKS_PER_CHILD"],
        "task_serializer": "json",
        "accept_content": ["json"],
        "beat_schedule_filename": config["BEAT_SCHEDULE_FILE"],
        "beat_scheduler": f"{__name__}:SweepingScheduler",
        "task_routes": {tasks.bulk.PROCESS_CHUNK_TASK: {"queue": bulk_queue(config)}},
        "beat_schedule": tasks.beat_schedule(config),
        "task_annotations": tasks.task_annotations(config),
    }
    settings.update(config.get("CELERY") or {})
    return settings


def celery_init_app(app: Flask) -> Celery:
    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            with app.app_context():
                return self.run(*args, **kwargs)

    app.config["CELERY"] = celery_config(app.config)
    celery_app = Celery(app.name, task_cls=FlaskTask)
    celery_app.config_from_object(app.config["CELERY"])
    celery_app.set_default()
    app.extensions["celery"] = celery_app

    return celery_app
