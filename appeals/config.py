"""Configuration defaults. Layered in create_app(): these defaults, then instance/config.py,
then APPEALS_* / well-known environment variables, then test overrides."""

import os

# Environment variables read directly (name -> config key).
ENVIRONMENT_KEYS = {
    "SECRET_KEY": "SECRET_KEY",
    "DATABASE_URL": "SQLALCHEMY_DATABASE_URI",
    "REDIS_URL": "REDIS_URL",
    "APPEALS_ENV": "APPEALS_ENV",
}


def defaults(instance_path: str) -> dict:
    return {
        # "development" allows the built-in secret key; anything else requires SECRET_KEY.
        "APPEALS_ENV": "development",
        "SECRET_KEY": None,
        "SQLALCHEMY_DATABASE_URI": "sqlite:///" + os.path.join(instance_path, "appeals.sqlite"),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        # Empty means the embedded broker (no server needed); set to redis://… to distribute.
        "REDIS_URL": None,
        "MAX_CONTENT_LENGTH": 10 * 1024 * 1024,
        "WTF_CSRF_ENABLED": True,
    }
