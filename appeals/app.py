"""The application factory: settings, then everything the app installs, each listed here.

`create_app()` reads the settings (appeals/settings.py), then registers the extensions, the
blueprints, the error handlers, the request hooks and the template helpers. Nothing is installed as a side effect of
importing or registering something else. The commands are not added here: the `appeals` command
(appeals/cli, a FlaskGroup) creates this app for the commands that need one, so the CLI sits above
the app in the layers rather than in an import circle with it.
"""

from __future__ import annotations

import os

from flask import Flask, request
from sqlalchemy import event
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.middleware.proxy_fix import ProxyFix

from . import settings
from .accounts import sessions
from .celery_app import celery_init_app
from .extensions import csrf, db, limiter, login_manager, migrate, talisman
from .web import security

MIGRATIONS_DIR = os.path.join(os.path.dirname(__file__), "migrations")


def create_app(test_config: dict | None = None) -> Flask:
    # APPEALS_INSTANCE_PATH: where instance/config.py, the SQLite files and the beat schedule
    # live when the package is installed rather than run from a checkout (the Docker image).
    app = Flask("appeals", instance_relative_config=True,
                instance_path=os.environ.get("APPEALS_INSTANCE_PATH") or None)
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.from_mapping(settings.load(app.instance_path, test_config))

    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_request_hooks(app)
    register_template_helpers(app)
    return app


def register_extensions(app: Flask) -> None:
    from . import models  # noqa: F401  (registers the tables with SQLAlchemy)

    db.init_app(app)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        with app.app_context():
            event.listen(db.engine, "connect", _sqlite_for_several_processes)
    # Batch mode lets migrations alter SQLite tables (it copies them) as well as PostgreSQL ones.
    migrate.init_app(app, db, directory=MIGRATIONS_DIR, render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.user_loader(sessions.load_user)
    limiter.init_app(app)
    talisman.init_app(app, **security.talisman_options(app.config))
    proxies = app.config["TRUSTED_PROXY_COUNT"]
    if proxies:
        # Behind a TLS-terminating proxy: the client's address (for rate limits), https (for
        # links and HSTS) and host come from its X-Forwarded-* headers, trusted for this many
        # hops only. Never set it without such a proxy: clients could forge them.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
    security.install_log_filter()
    celery_init_app(app)


def register_blueprints(app: Flask) -> None:
    from .web.accounts import auth
    from .web.api import api
    from .web.appeal_pages import appeal_pages
    from .web.bulk import bulk
    from .web.documents import documents
    from .web.intake import intake
    from .web.letter_library import letter_library
    from .web.organization import organization

    for blueprint in (intake, documents, appeal_pages, bulk, letter_library, auth, organization,
                      api):
        app.register_blueprint(blueprint)
    # The JSON API authenticates every request with a bearer token, never a cookie: no CSRF token.
    csrf.exempt(api)


def register_errorhandlers(app: Flask) -> None:
    # Each blueprint answers its own errors in its own form (pages, or JSON under /api/v1); the
    # one app-wide rule is the body-size cap, enforced before any view runs.
    app.before_request(_reject_oversized_body)
    # Every other error outside the API: the site's own page, in its layout.
    from .web import errors

    errors.register(app)


def register_request_hooks(app: Flask) -> None:
    app.before_request(sessions.expire_stale_session)
    app.after_request(security.add_headers)
    app.after_request(security.log_request)


def register_template_helpers(app: Flask) -> None:
    from .accounts.mail import mail_configured
    from .web import layout

    app.add_template_global(layout.nav_links)
    app.add_template_global(mail_configured)
    app.add_template_filter(layout.long_date)
    app.add_template_filter(layout.backticks_to_code)


def _sqlite_for_several_processes(connection, _record) -> None:
    """The embedded mode shares one SQLite file between the web server and the worker: WAL lets
    readers work while a letter is written, and a busy timeout waits out a writer, not fails.
    SQLite enforces foreign keys (ON DELETE CASCADE included) only when asked, per connection."""
    cursor = connection.cursor()
    cursor.execute("PRAGMA busy_timeout = 30000")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


def _reject_oversized_body():
    """Refuse a body larger than MAX_CONTENT_LENGTH before any view runs (a chunked body without
    a length is cut off with the same 413 as it is read)."""
    limit = request.max_content_length
    if limit is not None and request.content_length is not None and request.content_length > limit:
        raise RequestEntityTooLarge(f"the request body is larger than {limit} bytes")
