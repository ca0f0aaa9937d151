"""Fixtures for the bulk tests: an app whose chunk tasks run in-process (Celery eager mode)."""

from __future__ import annotations

import pytest

from appeals.app import create_app
from appeals.extensions import db
from tests.conftest import PASSWORD, bearer, make_user


def make_bulk_app(tmp_path, database_url: str | None = None):
    """The bulk app on ``database_url`` (a SQLite file under ``tmp_path`` by default), its tables
    created."""
    app = create_app({
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url or "sqlite:///" + str(tmp_path / "bulk.sqlite"),
        "WTF_CSRF_ENABLED": False,
        "EMBEDDED_BROKER_URL": "sqla+sqlite:///" + str(tmp_path / "broker.sqlite"),
        "CELERY": {"task_always_eager": True},
    })
    with app.app_context():
        db.create_all()
    return app


@pytest.fixture
def app(tmp_path):
    return make_bulk_app(tmp_path)


@pytest.fixture
def clinic(app):
    """A signed-in clinic user's test client and API headers."""
    with app.app_context():
        user = make_user("billing@clinic.example.test", "Synthetic Clinic")
        headers = bearer(user)
    client = app.test_client()
    response = client.post("/login", data={"email": "billing@clinic.example.test",
                                           "password": PASSWORD})
    assert response.status_code in (302, 303), response.status_code
    return client, headers


@pytest.fixture
def stranger_headers(app):
    with app.app_context():
        return bearer(make_user("other@elsewhere.example.test", "Other Clinic"))
