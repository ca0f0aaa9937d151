"""appeals/settings.py: every layer in its order (defaults, instance/config.py, environment, test
overrides), values typed, and a wrong value stopping the app with its key named."""

from datetime import timedelta

import pytest
from pydantic import ValidationError

from appeals.settings import load


@pytest.fixture
def instance(tmp_path, monkeypatch):
    for name in ("SECRET_KEY", "DATABASE_URL", "REDIS_URL", "APPEALS_ENV"):
        monkeypatch.delenv(name, raising=False)
    (tmp_path / "config.py").write_text("BULK_CHUNK_SIZE = 7\nLETTER_TIME_LIMIT = 100\n"
                                        "SIGNUP_OPEN = False\nSESSION_COOKIE_NAME = 'mine'\n")
    return str(tmp_path)


def test_defaults_then_instance_file_then_environment_then_overrides(instance, monkeypatch):
    config = load(instance)
    assert config["BULK_CHUNK_SIZE"] == 7 and config["LETTER_TIME_LIMIT"] == 100
    assert config["SIGNUP_OPEN"] is False and config["BULK_MAX_ROWS"] == 20_000
    assert config["SESSION_COOKIE_NAME"] == "mine"  # Flask's own keys pass through
    # Defaults that follow another setting or the instance folder.
    assert config["STUCK_RENDERING_AFTER"] == 130
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{instance}/appeals.sqlite"

    monkeypatch.setenv("APPEALS_LETTER_TIME_LIMIT", "120")
    monkeypatch.setenv("APPEALS_SIGNUP_OPEN", "true")
    monkeypatch.setenv("APPEALS_PERMANENT_SESSION_LIFETIME", "3600")
    monkeypatch.setenv("APPEALS_CELERY", '{"worker_concurrency": 2}')
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://db/appeals")
    config = load(instance)
    assert config["LETTER_TIME_LIMIT"] == 120 and config["SIGNUP_OPEN"] is True
    assert config["PERMANENT_SESSION_LIFETIME"] == timedelta(hours=1)
    assert config["CELERY"] == {"worker_concurrency": 2}
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://db/appeals"

    config = load(instance, {"LETTER_TIME_LIMIT": 5, "TESTING": True})
    assert config["LETTER_TIME_LIMIT"] == 5 and config["EMBEDDED_BROKER_URL"] == "memory://"


def test_a_wrong_value_stops_the_app_naming_the_key(instance, monkeypatch):
    monkeypatch.setenv("APPEALS_BULK_MAX_ROWS", "many")
    with pytest.raises(ValidationError, match="BULK_MAX_ROWS"):
        load(instance)


def test_cookies_are_secure_outside_development(instance, monkeypatch):
    assert load(instance)["SESSION_COOKIE_SECURE"] is False
    monkeypatch.setenv("APPEALS_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "s" * 32)
    config = load(instance)
    assert config["SESSION_COOKIE_SECURE"] is True and config["REMEMBER_COOKIE_SECURE"] is True
