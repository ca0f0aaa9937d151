"""Sessions expire; API tokens are shown once, stored hashed and revoked at once."""

import re
import time

from sqlalchemy import select

from appeals.accounts import sessions
from appeals.extensions import db
from appeals.models import ApiToken
from .conftest import sign_in


class Clock:
    def __init__(self):
        self.now = int(time.time())

    def __call__(self) -> int:
        return self.now


def test_idle_session_expires(app, client, user, monkeypatch):
    clock = Clock()
    monkeypatch.setattr(sessions, "_now", clock)
    sign_in(client, "clinic.user@example.test")
    clock.now += 59 * 60
    assert client.get("/settings").status_code == 200
    clock.now += 59 * 60  # idle time counts from the last request
    assert client.get("/settings").status_code == 200
    clock.now += 61 * 60
    response = client.get("/settings")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Your session expired; sign in again." in page
    clock.now += 60
    assert client.get("/settings").status_code == 302  # stays signed out


def test_session_ends_after_its_lifetime_however_busy(app, client, user, monkeypatch):
    clock = Clock()
    monkeypatch.setattr(sessions, "_now", clock)
    sign_in(client, "clinic.user@example.test")
    for _ in range(23):  # every half hour for eleven and a half hours
        clock.now += 30 * 60
        assert client.get("/settings").status_code == 200
    clock.now += 31 * 60  # twelve hours and a minute after signing in
    assert client.get("/settings").status_code == 302


def test_an_anonymous_patients_access_ends_when_unused(app, monkeypatch):
    from appeals.services import appeals as jobs
    from appeals.access import Principal

    from .records import make_appeal

    clock = Clock()
    monkeypatch.setattr(sessions, "_now", clock)
    with app.app_context():
        appeal = make_appeal(Principal())
        appeal_id, key = appeal.id, jobs.create_anonymous_access(appeal)
    patient = app.test_client()
    patient.get(f"/a/{appeal_id}/{key}")
    clock.now += 50 * 60
    assert patient.get(f"/appeals/{appeal_id}").status_code == 200
    clock.now += 61 * 60
    assert patient.get(f"/appeals/{appeal_id}").status_code == 404
    assert patient.get(f"/a/{appeal_id}/{key}").status_code == 303  # the link opens it again
    assert patient.get(f"/appeals/{appeal_id}").status_code == 200


def test_session_cookie_flags(app, client, user):
    response = sign_in(client, "clinic.user@example.test")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Expires=" in cookie  # a bounded, permanent session, not "until the browser closes"


def test_production_cookies_are_secure(tmp_path):
    from appeals.app import create_app

    app = create_app({"APPEALS_ENV": "production", "SECRET_KEY": "s" * 32,
                      "SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(tmp_path / "p.sqlite")})
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def _token_on_page(html: str) -> str | None:
    match = re.search(r"(apl_[A-Za-z0-9_-]{20,})", html)
    return match.group(1) if match else None


def test_token_created_on_settings_is_shown_once_stored_hashed_and_revoked_at_once(app, client, user):
    sign_in(client, "clinic.user@example.test")
    response = client.post("/settings/tokens", data={"name": "billing export"})
    assert response.status_code == 200
    token = _token_on_page(response.get_data(as_text=True))
    assert token
    assert _token_on_page(client.get("/settings").get_data(as_text=True)) is None  # only once
    with app.app_context():
        record = db.session.execute(select(ApiToken).where(ApiToken.name == "billing export")).scalar_one()
        assert token not in (record.token_hash, record.name)
        token_id = record.id

    api = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    assert api.get("/api/v1/me", headers=headers).status_code == 200
    assert client.post(f"/settings/tokens/{token_id}/revoke").status_code == 302
    assert api.get("/api/v1/me", headers=headers).status_code == 401
    assert client.post(f"/settings/tokens/{token_id}/revoke").status_code == 404  # already gone


def test_cli_tokens_create_list_revoke(app, runner, user):
    from appeals.cli import cli

    result = runner.invoke(cli, ["tokens", "create", "--email", "clinic.user@example.test",
                                 "--name", "nightly job"])
    assert result.exit_code == 0, result.output
    token = _token_on_page(result.stdout)
    headers = {"Authorization": f"Bearer {token}"}
    client = app.test_client()
    assert client.get("/api/v1/me", headers=headers).status_code == 200

    listing = runner.invoke(cli, ["tokens", "list", "--email", "clinic.user@example.test"])
    assert "nightly job" in listing.output and token not in listing.output
    token_id = listing.output.split("\t", 1)[0]
    result = runner.invoke(cli, ["tokens", "revoke", token_id])
    assert result.exit_code == 0, result.output
    assert client.get("/api/v1/me", headers=headers).status_code == 401

    assert runner.invoke(cli, ["tokens", "revoke", "999999"]).exit_code != 0
    with app.app_context():
        from appeals.models import AuditEvent

        events = db.session.execute(select(AuditEvent.action, AuditEvent.via)
                                    .where(AuditEvent.record_type == "api_tokens")).all()
        assert sorted(events) == [("created", "cli"), ("revoked", "cli")]
    missing = runner.invoke(cli, ["tokens", "create", "--email", "nobody@example.test", "--name", "x"])
    assert missing.exit_code != 0 and "no user with the email" in missing.output


def test_cli_users_create_makes_the_first_admin(app, runner):
    from appeals.cli import cli

    result = runner.invoke(cli, ["users", "create", "--email", "first.admin@example.test",
                                 "--org", "Synthetic Clinic", "--admin", "--password-stdin"],
                           input="a long enough passphrase\n")
    assert result.exit_code == 0, result.output
    assert "created admin first.admin@example.test" in result.output
    client = app.test_client()
    assert sign_in(client, "first.admin@example.test", "a long enough passphrase").status_code == 302
    assert client.get("/organization").status_code == 200

    prompted = runner.invoke(cli, ["users", "create", "--email", "second@example.test",
                                   "--org", "Synthetic Clinic"],
                             input="another long passphrase\nanother long passphrase\n")
    assert prompted.exit_code == 0, prompted.output
    assert "created member second@example.test" in prompted.output
    assert "in organization 'Synthetic Clinic'" in prompted.output  # joined, not a new one

    weak = runner.invoke(cli, ["users", "create", "--email", "weak@example.test", "--password-stdin"],
                         input="short\n")
    assert weak.exit_code != 0 and "password" in weak.output
    again = runner.invoke(cli, ["users", "create", "--email", "first.admin@example.test",
                                "--password-stdin"], input="a long enough passphrase\n")
    assert again.exit_code != 0 and "already exists" in again.output


def test_cli_set_password_lifts_a_lock(app, runner, user):
    from appeals.cli import cli

    client = app.test_client()
    for _ in range(5):
        sign_in(client, "clinic.user@example.test", "wrong password")
    assert sign_in(client, "clinic.user@example.test").status_code == 429
    result = runner.invoke(cli, ["users", "set-password", "--email", "clinic.user@example.test",
                                 "--password-stdin"], input="a fresh long passphrase\n")
    assert result.exit_code == 0, result.output
    assert sign_in(client, "clinic.user@example.test", "a fresh long passphrase").status_code == 302
