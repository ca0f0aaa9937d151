"""appeals: turn a denied imaging prior authorization into a cited appeal letter.

The flow, one folder each: intake/ (form, spreadsheet, JSON -> Case) -> matching/ (Case -> result,
with criteria/) -> letters/ (result -> .docx) -> delivery/ (status, download, ZIP). web/ and
worker/ are thin adapters around that pure core.
"""

import os

from flask import Flask, request
from sqlalchemy import event
from werkzeug.exceptions import RequestEntityTooLarge

from . import config as config_defaults
from .celery_app import celery_init_app
from .extensions import csrf, db, login_manager, migrate

DEVELOPMENT_SECRET_KEY = "development-only-not-secret"
MIGRATIONS_DIR = os.path.join(os.path.dirname(__file__), "migrations")


def create_app(test_config: dict | None = None) -> Flask:
    # APPEALS_INSTANCE_PATH: where instance/config.py, the SQLite files and the beat schedule
    # live when the package is installed rather than run from a checkout (the Docker image).
    app = Flask(__name__, instance_relative_config=True,
                instance_path=os.environ.get("APPEALS_INSTANCE_PATH") or None)
    os.makedirs(app.instance_path, exist_ok=True)

    app.config.from_mapping(config_defaults.defaults(app.instance_path))
    app.config.from_pyfile("config.py", silent=True)
    for env_name, key in config_defaults.ENVIRONMENT_KEYS.items():
        if os.environ.get(env_name):
            app.config[key] = os.environ[env_name]
    app.config.from_prefixed_env("APPEALS")
    if test_config:
        app.config.from_mapping(test_config)
    _require_secret_key(app)
    if app.testing and "EMBEDDED_BROKER_URL" not in (test_config or {}):
        # Unit tests: tasks go to an in-process broker nobody consumes (a test that needs a worker
        # sets its own broker; see tests/support/workers.py), never to instance/broker.sqlite.
        app.config["EMBEDDED_BROKER_URL"] = "memory://"

    db.init_app(app)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        with app.app_context():
            event.listen(db.engine, "connect", _sqlite_for_several_processes)
    # Batch mode lets migrations alter SQLite tables (it copies them) as well as PostgreSQL ones.
    migrate.init_app(app, db, directory=MIGRATIONS_DIR, render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    celery_init_app(app)

    from . import models  # noqa: F401  (registers the tables with SQLAlchemy)
    from .web import register_blueprints

    register_blueprints(app)
    app.before_request(_reject_oversized_body)
    return app


def _sqlite_for_several_processes(connection, _record) -> None:
    """The embedded mode shares one SQLite file between the web server and the worker: WAL lets
    readers work while a letter is written, and a busy timeout waits out a writer, not fails."""
    cursor = connection.cursor()
    cursor.execute("PRAGMA busy_timeout = 30000")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.close()


def _reject_oversized_body():
    """Refuse a body larger than MAX_CONTENT_LENGTH before any view runs (a chunked body without
    a length is cut off with the same 413 as it is read)."""
    limit = request.max_content_length
    if limit is not None and request.content_length is not None and request.content_length > limit:
        raise RequestEntityTooLarge(f"the request body is larger than {limit} bytes")


def _require_secret_key(app: Flask) -> None:
    if app.config.get("SECRET_KEY"):
        return
    if app.config["APPEALS_ENV"] in ("development", "testing") or app.testing:
        app.config["SECRET_KEY"] = DEVELOPMENT_SECRET_KEY
        return
    raise RuntimeError(
        "SECRET_KEY is required outside development: set the SECRET_KEY environment variable "
        "or SECRET_KEY in instance/config.py"
    )
