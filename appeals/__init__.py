"""appeals: turn a denied imaging prior authorization into a cited appeal letter.

The flow, one folder each: intake/ (form, spreadsheet, JSON -> Case) -> matching/ (Case -> result,
with criteria/) -> letters/ (result -> .docx) -> delivery/ (status, download, ZIP). web/ and
worker/ are thin adapters around that pure core.
"""

import os

from flask import Flask

from . import config as config_defaults
from .extensions import csrf, db, login_manager, migrate

DEVELOPMENT_SECRET_KEY = "development-only-not-secret"


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
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

    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(__file__), "migrations"))
    csrf.init_app(app)
    login_manager.init_app(app)

    from . import models  # noqa: F401  (registers the tables with SQLAlchemy)
    from .web import register_blueprints

    register_blueprints(app)
    return app


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
