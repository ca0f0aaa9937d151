"""Shared fixtures and the rule for tests that need real parts.

A test marked redis / postgres / libreoffice / chromium runs against the real thing. Where that
part is missing, the test is skipped with the reason (pytest -ra lists them at the end); under CI
(CI=true) nothing may be skipped, so a missing part fails the test instead.
"""

import os
import shutil
import socket

import pytest

from appeals.app import create_app
from appeals.extensions import db


def _port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def _chromium_ready() -> bool:
    try:
        import playwright  # noqa: F401
    except ImportError:
        return False
    return shutil.which("chromium") is not None


REQUIREMENTS = {
    "redis": (lambda: _port_open(6379), "Redis is not running on 127.0.0.1:6379"),
    "postgres": (lambda: _port_open(5432), "PostgreSQL is not running on 127.0.0.1:5432"),
    "libreoffice": (
        lambda: shutil.which("soffice") is not None,
        "LibreOffice is not installed (apt-get install libreoffice-writer-nogui)",
    ),
    "ocr": (
        lambda: shutil.which("tesseract") is not None,
        "Tesseract OCR is not installed (apt-get install tesseract-ocr tesseract-ocr-eng "
        "tesseract-ocr-spa tesseract-ocr-osd)",
    ),
    "chromium": (
        _chromium_ready,
        "Chromium or playwright is not installed (apt-get install chromium; pip install playwright)",
    ),
}
_available: dict[str, bool] = {}


def pytest_runtest_setup(item):
    for name, (check, reason) in REQUIREMENTS.items():
        if item.get_closest_marker(name) is None:
            continue
        if name not in _available:
            _available[name] = check()
        if not _available[name]:
            if os.environ.get("CI") == "true":
                pytest.fail(f"CI must run every test, but {reason}", pytrace=False)
            pytest.skip(reason)


@pytest.fixture
def app(tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(tmp_path / "test.sqlite"),
            "WTF_CSRF_ENABLED": False,
        }
    )
    with app.app_context():
        db.create_all()
    yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


PASSWORD = "correct horse battery staple"


def make_user(email: str, org_name: str | None = None, role: str = "member"):
    """A synthetic user (and organization) in the current app context."""
    from appeals.accounts.passwords import hash_password
    from appeals.models import Organization, User

    org = None
    if org_name:
        org = Organization(name=org_name)
        db.session.add(org)
        db.session.flush()
    user = User(email=email, password_hash=hash_password(PASSWORD), role=role,
                organization_id=org.id if org else None)
    db.session.add(user)
    db.session.commit()
    return user


def bearer(user) -> dict:
    from appeals.accounts.tokens import create_token

    _, plain = create_token(user, "test")
    return {"Authorization": f"Bearer {plain}"}


@pytest.fixture
def user(app):
    with app.app_context():
        u = make_user("clinic.user@example.test", "Synthetic Clinic", role="admin")
        return db.session.get(type(u), u.id)


@pytest.fixture
def api_headers(app, user):
    """Authorization headers with a live token for `user`."""
    with app.app_context():
        return bearer(db.session.merge(user))


@pytest.fixture
def other_api_headers(app):
    """A token for a user of another organization (for "nobody reads another's" tests)."""
    with app.app_context():
        return bearer(make_user("stranger@example.test", "Other Clinic"))
