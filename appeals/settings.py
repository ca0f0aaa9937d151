"""Every setting, its type and its default, in one place.

Loaded one way, each layer overriding the one before: these defaults, then `instance/config.py`
(Python, `KEY = value`), then the environment (`APPEALS_<KEY>` for any key below, plus the
documented names `SECRET_KEY`, `DATABASE_URL`, `REDIS_URL`, `APPEALS_ENV`), then the test
overrides given to `create_app()`. The result feeds `app.config`; code reads `app.config[KEY]`
and never holds a default of its own.

Keys Flask and its extensions define (TESTING, SESSION_COOKIE_*, RATELIMIT_*, ...) pass through
unchanged when given; those the app relies on are declared here with the value it needs.
"""

from __future__ import annotations

import os
from datetime import timedelta
from typing import Any

from flask import Config
from pydantic import AliasChoices, Field, field_validator, model_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

# Seconds. Redis hands an unacknowledged task to another worker after the visibility timeout, so
# every time limit and retry delay must stay well under it (checked in celery_app.celery_config()).
REDIS_VISIBILITY_TIMEOUT = 3600
DEVELOPMENT_SECRET_KEY = "development-only-not-secret"
MEBIBYTE = 1024 * 1024


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="APPEALS_", case_sensitive=True, extra="allow", populate_by_name=True,
    )

    # --- Where the app keeps its files (set by create_app from APPEALS_INSTANCE_PATH) ---------
    INSTANCE_PATH: str = ""

    # --- Deployment --------------------------------------------------------------------------
    # "development" (or "testing") allows the built-in secret key and plain-HTTP cookies.
    APPEALS_ENV: str = Field("development", validation_alias=AliasChoices("APPEALS_ENV"))
    # Signs sessions and CSRF tokens; required unless development.
    SECRET_KEY: str | None = Field(None, validation_alias=AliasChoices("SECRET_KEY", "APPEALS_SECRET_KEY"))
    TESTING: bool = False
    # None: sqlite:///<instance>/appeals.sqlite
    SQLALCHEMY_DATABASE_URI: str | None = Field(
        None, validation_alias=AliasChoices("DATABASE_URL", "APPEALS_SQLALCHEMY_DATABASE_URI"))
    # hide_parameters: a database error's message never carries the statement's values (they are
    # case data) into a log or a traceback.
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, Any] = {"pool_pre_ping": True, "hide_parameters": True}
    # Behind this many TLS-terminating proxies, trust their X-Forwarded-* headers (0: none).
    TRUSTED_PROXY_COUNT: int = 0
    # Larger request bodies are refused with 413 before any view runs.
    MAX_CONTENT_LENGTH: int | None = 10 * MEBIBYTE

    # --- Broker and worker -------------------------------------------------------------------
    # Empty: the embedded broker (no server needed); redis://… to distribute.
    REDIS_URL: str | None = Field(None, validation_alias=AliasChoices("REDIS_URL", "APPEALS_REDIS_URL"))
    # None: kombu's SQLAlchemy transport on sqla+sqlite:///<instance>/broker.sqlite (memory://
    # under TESTING)
    EMBEDDED_BROKER_URL: str | None = None
    # None: <instance>/celerybeat-schedule
    BEAT_SCHEDULE_FILE: str | None = None
    # The Celery queue (and Redis key prefix): deployments sharing a Redis keep apart.
    CELERY_QUEUE: str = "appeals"
    # Celery's own settings, overriding those derived from the keys here.
    CELERY: dict[str, Any] = {}
    # A letter still rendering after the soft limit is stopped (the job fails with a reason);
    # after the hard limit the worker child is killed. Seconds.
    LETTER_SOFT_TIME_LIMIT: float = 60
    LETTER_TIME_LIMIT: float = 90
    # The render budget (seconds a letter may take to render; a letter normally takes a few
    # milliseconds): a template slower than this on the sample letters is refused at upload,
    # with its measured time (0: not measured). A render still running after
    # LETTER_RENDER_STOP_SECONDS is stopped and its letter fails, saying why (at most the
    # sandbox's own 10 s).
    LETTER_RENDER_SECONDS: float = 2.0
    LETTER_RENDER_STOP_SECONDS: float = 5.0
    # A database or broker hiccup is retried this many times, this many seconds apart.
    LETTER_MAX_RETRIES: int = 3
    LETTER_RETRY_DELAY: float = 10
    # A job cut off this many times (worker died, hard limit) fails instead of being swept again.
    LETTER_MAX_ATTEMPTS: int = 3
    # Worker children are replaced after this many tasks (bounds any slow leak).
    WORKER_MAX_TASKS_PER_CHILD: int = 200
    # The sweep runs this often (seconds) and re-sends a job still "rendering" this long after it
    # started (None: LETTER_TIME_LIMIT + 30) or still "queued" this long after it was queued.
    SWEEP_INTERVAL: float = 60
    STUCK_RENDERING_AFTER: float | None = None
    STUCK_QUEUED_AFTER: float = 900
    # Worker health (appeals/heartbeat.py): each worker probes its own pool this often (seconds)
    # and is replaced when a probe waits this long while no task starts, ends or runs.
    WORKER_PROBE_INTERVAL: float = 5
    WORKER_STUCK_AFTER: float = 30
    # None: <instance>/heartbeat; where workers leave the state the probes read.
    WORKER_HEARTBEAT_DIR: str | None = None

    # --- Bulk --------------------------------------------------------------------------------
    BULK_MAX_BYTES: int = 10 * MEBIBYTE  # also capped by MAX_CONTENT_LENGTH
    BULK_MAX_ROWS: int = 20_000
    BULK_CHUNK_SIZE: int = 50  # rows per worker task

    # --- Letter templates --------------------------------------------------------------------
    # Preview a template right after each upload (by a worker task)...
    TEMPLATE_PREVIEW_ON_UPLOAD: bool = True
    # ...or in the web process itself (tests), with page images where LibreOffice is installed.
    TEMPLATE_PREVIEW_INLINE: bool = False
    TEMPLATE_PREVIEW_IMAGES: bool = True

    # --- Reading uploaded documents (appeals/intake/documents) ------------------------------
    DOCUMENT_MAX_BYTES: int = 10 * MEBIBYTE  # one file; also capped by MAX_CONTENT_LENGTH
    DOCUMENT_MAX_FILES: int = 10  # files in one upload
    DOCUMENT_MAX_PAGES: int = 50  # pages of one PDF
    DOCUMENT_MAX_PIXELS: int = 60_000_000  # one image (a 12-megapixel phone photo is 12,000,000)
    DOCUMENT_TIME_LIMIT: float = 120  # seconds to read one file, OCR included; then it is killed
    DOCUMENT_MEMORY_MB: int = 1536  # the reading child process's memory limit

    # --- Privacy -----------------------------------------------------------------------------
    # Days an appeal is kept when its owner has no organization (or it has no owner).
    DEFAULT_RETENTION_DAYS: int = 90
    PURGE_INTERVAL: float = 3600  # seconds between retention purges

    # --- Accounts and sessions ---------------------------------------------------------------
    # False: organizations are made only with `appeals users create`; people join by invitation.
    SIGNUP_OPEN: bool = True
    # Absolute session lifetime after sign-in (seconds or an ISO 8601 duration), and idle time.
    PERMANENT_SESSION_LIFETIME: timedelta = timedelta(hours=12)
    SESSION_IDLE_MINUTES: int = 60
    LOGIN_MAX_FAILURES: int = 5
    LOGIN_LOCKOUT_MINUTES: int = 15
    INVITATION_DAYS: int = 7
    SESSION_COOKIE_HTTPONLY: bool = True
    SESSION_COOKIE_SAMESITE: str = "Lax"
    REMEMBER_COOKIE_HTTPONLY: bool = True
    REMEMBER_COOKIE_SAMESITE: str = "Lax"
    # None: secure (HTTPS-only) cookies everywhere but development and tests.
    SESSION_COOKIE_SECURE: bool | None = None
    REMEMBER_COOKIE_SECURE: bool | None = None
    WTF_CSRF_ENABLED: bool = True

    # --- Rate limits (Flask-Limiter) ---------------------------------------------------------
    LOGIN_RATE_LIMIT: str = "20 per minute; 200 per hour"
    MAIL_RATE_LIMIT: str = "5 per hour"
    # None: REDIS_URL (shared by every web process), else counted in memory.
    RATELIMIT_STORAGE_URI: str | None = None
    RATELIMIT_KEY_PREFIX: str = "appeals-limits"
    # Redis unreachable: count in this process rather than refuse every sign-in.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED: bool = True
    RATELIMIT_SWALLOW_ERRORS: bool = True

    # --- Mail (only an anonymous patient's own link is ever sent) ----------------------------
    MAIL_SERVER: str | None = None
    MAIL_SENDER: str | None = None
    MAIL_PORT: int = 587
    MAIL_TIMEOUT: float = 10
    MAIL_USE_SSL: bool = False
    MAIL_USE_TLS: bool = True
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None

    @field_validator("PERMANENT_SESSION_LIFETIME", mode="before")
    @classmethod
    def _seconds(cls, value):
        # An environment variable arrives as text: "43200" means seconds, as a number would.
        return float(value) if isinstance(value, str) and value.replace(".", "", 1).isdigit() else value

    @property
    def development(self) -> bool:
        return self.APPEALS_ENV in ("development", "testing") or self.TESTING

    @model_validator(mode="after")
    def _derived(self) -> "Settings":
        """Defaults that depend on another setting or on the instance folder."""
        instance = self.INSTANCE_PATH
        if self.SQLALCHEMY_DATABASE_URI is None:
            self.SQLALCHEMY_DATABASE_URI = "sqlite:///" + os.path.join(instance, "appeals.sqlite")
        if self.EMBEDDED_BROKER_URL is None and self.TESTING:
            # Unit tests: tasks go to an in-process broker nobody consumes (a test that needs a
            # worker sets its own broker; see tests/support/workers.py).
            self.EMBEDDED_BROKER_URL = "memory://"
        elif self.EMBEDDED_BROKER_URL is None:
            self.EMBEDDED_BROKER_URL = "sqla+sqlite:///" + os.path.join(instance, "broker.sqlite")
        if self.BEAT_SCHEDULE_FILE is None:
            self.BEAT_SCHEDULE_FILE = os.path.join(instance, "celerybeat-schedule")
        if self.LETTER_RENDER_STOP_SECONDS < self.LETTER_RENDER_SECONDS:
            raise ValueError("LETTER_RENDER_STOP_SECONDS must be at least LETTER_RENDER_SECONDS: "
                             "a template accepted at upload must be able to finish its letters")
        if self.WORKER_HEARTBEAT_DIR is None:
            self.WORKER_HEARTBEAT_DIR = os.path.join(instance, "heartbeat")
        if self.STUCK_RENDERING_AFTER is None:
            self.STUCK_RENDERING_AFTER = self.LETTER_TIME_LIMIT + 30
        if self.RATELIMIT_STORAGE_URI is None:
            self.RATELIMIT_STORAGE_URI = self.REDIS_URL or "memory://"
        if self.SESSION_COOKIE_SECURE is None:
            self.SESSION_COOKIE_SECURE = not self.development
        if self.REMEMBER_COOKIE_SECURE is None:
            self.REMEMBER_COOKIE_SECURE = not self.development
        if not self.SECRET_KEY:
            if not self.development:
                raise RuntimeError(
                    "SECRET_KEY is required outside development: set the SECRET_KEY environment "
                    "variable or SECRET_KEY in instance/config.py"
                )
            self.SECRET_KEY = DEVELOPMENT_SECRET_KEY
        return self

    @classmethod
    def settings_customise_sources(cls, settings_cls, init_settings, env_settings,
                                   dotenv_settings, file_secret_settings):
        # First wins: test overrides, environment, instance/config.py, then the defaults above.
        instance = init_settings.init_kwargs.get("INSTANCE_PATH", "")
        return init_settings, env_settings, InstanceFileSource(settings_cls, instance)


class InstanceFileSource(PydanticBaseSettingsSource):
    """`instance/config.py`, read as Flask reads a config file (its upper-case names)."""

    def __init__(self, settings_cls: type[BaseSettings], instance_path: str):
        super().__init__(settings_cls)
        self.instance_path = instance_path

    def get_field_value(self, field, field_name):  # required by the base class; unused
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        if not self.instance_path:
            return {}
        config = Config(self.instance_path)
        config.from_pyfile("config.py", silent=True)
        return dict(config)


def load(instance_path: str, overrides: dict | None = None) -> dict[str, Any]:
    """The app's configuration: every layer read, validated and typed, as a dict for app.config."""
    settings = Settings(**{**(overrides or {}), "INSTANCE_PATH": instance_path})
    return settings.model_dump()
