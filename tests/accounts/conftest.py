"""Helpers for the accounts tests: sign in through the real form."""

import re

import pytest

from conftest import PASSWORD


def sign_in(client, email: str, password: str = PASSWORD):
    return client.post("/login", data={"email": email, "password": password})


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html)
    assert match, "page has no CSRF token"
    return match.group(1)


@pytest.fixture
def signed_in(client, user):
    response = sign_in(client, "clinic.user@example.test")
    assert response.status_code == 302
    return client


@pytest.fixture
def user_id(app, user):
    from appeals.extensions import db

    with app.app_context():
        return db.session.merge(user).id
