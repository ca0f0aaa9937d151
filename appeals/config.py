"""Configuration defaults. Layered in create_app(): these defaults, then instance/config.py,
then APPEALS_* / well-known environment variables, then test overrides.

Every key is listed in the README's configuration table. Environment variables named APPEALS_<KEY>
set <KEY> (values are parsed as JSON when they can be: APPEALS_LETTER_TIME_LIMIT=120 is a number).
"""

import os

# Environment variables read directly (name -> config key).
ENVIRONMENT_KEYS = {
    "SECRET_KEY": "SECRET_KEY",
    "DATABASE_URL": "SQLALCHEMY_DATABASE_URI",
    "REDIS_URL": "REDIS_URL",
    "APPEALS_ENV": "APPEALS_ENV",
}

# Seconds. Redis hands an unacknowledged task to another worker after the visibility timeout, so
# every time limit and retry delay below must stay well under it (checked in celery_config()).
REDIS_VISIBILITY_TIMEOUT = 3600


def defaults(instance_path: str) -> dict:
    return {
        # "development" allows the built-in secret key; anything else requires SECRET_KEY.
        "APPEALS_ENV": "development",
        "SECRET_KEY": None,
        "SQLALCHEMY_DATABASE_URI": "sqlite:///" + os.path.join(instance_path, "appeals.sqlite"),
        # hide_parameters: a database error's message never carries the statement's values
        # (they are case data) into a log or a traceback.
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "hide_parameters": True},
        # Empty means the embedded broker (no server needed); set to redis://… to distribute.
        "REDIS_URL": None,
        # The embedded broker: kombu's SQLAlchemy transport on a SQLite file beside the database.
        "EMBEDDED_BROKER_URL": "sqla+sqlite:///" + os.path.join(instance_path, "broker.sqlite"),
        # Where celery beat (the periodic sweep) keeps its schedule state.
        "BEAT_SCHEDULE_FILE": os.path.join(instance_path, "celerybeat-schedule"),
        # The Celery queue the letter tasks go to (one per deployment; tests use a unique one).
        "CELERY_QUEUE": "appeals",
        # A letter render is stopped (and the job marked failed) after the soft limit; the worker
        # child is killed after the hard limit.
        "LETTER_SOFT_TIME_LIMIT": 60,
        "LETTER_TIME_LIMIT": 90,
        # A broker or database hiccup is retried this many times, this many seconds apart.
        "LETTER_MAX_RETRIES": 3,
        "LETTER_RETRY_DELAY": 10,
        # A job whose render was cut off this many times (worker died, hard time limit) fails.
        "LETTER_MAX_ATTEMPTS": 3,
        # Worker children are replaced after this many tasks (bounds any slow leak).
        "WORKER_MAX_TASKS_PER_CHILD": 200,
        # The sweep runs this often and re-enqueues a job still "rendering" this long after it
        # started (its worker died: longer than the hard time limit) or still "queued" this long
        # after it was queued (its message was lost).
        "SWEEP_INTERVAL": 60,
        "STUCK_RENDERING_AFTER": None,  # None: LETTER_TIME_LIMIT + 30
        "STUCK_QUEUED_AFTER": 900,
        # Test-only: seconds each render waits first, so a test can kill a worker mid-task.
        "TEST_RENDER_DELAY": 0,
        "MAX_CONTENT_LENGTH": 10 * 1024 * 1024,
        "WTF_CSRF_ENABLED": True,
    }
