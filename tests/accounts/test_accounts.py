"""Sign up, sign in and out, lockout, rate limit, invitations, roles."""

import html
import re
from datetime import timedelta

from sqlalchemy import select

from appeals.accounts.passwords import check_password
from appeals.extensions import db
from appeals.models import Invitation, Organization, User, utcnow
from .conftest import sign_in
from conftest import PASSWORD, make_user

NEW_PASSWORD = "a brand new long passphrase"


def _alerts(response) -> list[str]:
    return [html.unescape(m) for m in re.findall(r'role="alert">([^<]*)<', response.get_data(as_text=True))]


def _errors(response) -> list[str]:
    return [html.unescape(m) for m in
            re.findall(r'class="error-message"[^>]*>([^<]*)<', response.get_data(as_text=True))]


def test_sign_up_creates_an_organization_with_its_first_user_as_admin(app, client):
    response = client.post("/signup", data={
        "organization": "Synthetic Clinic", "email": "Founder@Example.test",
        "password": PASSWORD, "confirm": PASSWORD})
    assert response.status_code == 302
    with app.app_context():
        user = db.session.execute(select(User)).scalar_one()
        assert user.email == "founder@example.test"
        assert user.role == "admin"
        assert user.organization.name == "Synthetic Clinic"
        assert user.password_hash.startswith("$argon2id$")
        assert PASSWORD not in user.password_hash
    assert client.get("/settings").status_code == 200


def test_sign_up_can_be_closed(app, client):
    app.config["SIGNUP_OPEN"] = False
    assert "/signup" not in client.get("/login").get_data(as_text=True)
    response = client.post("/signup", data={
        "organization": "Synthetic Clinic", "email": "founder@example.test",
        "password": PASSWORD, "confirm": PASSWORD})
    assert response.status_code == 404 and "ask its admin for an invitation" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.execute(select(User)).first() is None


def test_sign_up_errors_name_their_fields_and_store_nothing(app, client):
    response = client.post("/signup", data={
        "organization": "", "email": "not-an-email", "password": "short", "confirm": "other"})
    assert response.status_code == 200
    errors = _errors(response)
    assert "Enter your organization's name." in errors
    assert any(e.startswith("Enter a valid email address") for e in errors)
    assert any("at least 10 characters" in e for e in errors)
    assert "The two passwords differ." in errors
    with app.app_context():
        assert db.session.execute(select(Organization)).first() is None


def test_sign_up_with_a_taken_email_is_refused(app, client, user):
    response = client.post("/signup", data={
        "organization": "Copy Clinic", "email": "clinic.user@example.test",
        "password": PASSWORD, "confirm": PASSWORD})
    assert "An account with this email already exists; sign in instead." in _errors(response)
    with app.app_context():
        assert db.session.execute(select(Organization).where(Organization.name == "Copy Clinic")).first() is None


def test_sign_in_and_out(client, user):
    assert client.get("/settings").status_code == 302
    response = sign_in(client, "clinic.user@example.test")
    assert response.status_code == 302
    assert client.get("/settings").status_code == 200
    # A GET only asks; signing out is a POST.
    assert client.get("/logout").status_code == 200
    assert client.get("/settings").status_code == 200
    response = client.post("/logout")
    assert response.status_code == 302
    assert client.get("/settings").status_code == 302


def test_wrong_password_and_unknown_email_get_the_same_answer(client, user):
    wrong = sign_in(client, "clinic.user@example.test", "wrong password here")
    unknown = sign_in(client, "nobody@example.test", "wrong password here")
    assert wrong.status_code == unknown.status_code == 200
    assert _alerts(wrong) == _alerts(unknown) == ["Email or password is not right."]


def test_next_only_leads_to_this_site(client, user):
    response = client.post("/login?next=/settings", data={"email": "clinic.user@example.test", "password": PASSWORD})
    assert response.headers["Location"] == "/settings"
    client.post("/logout")
    for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        response = client.post("/login", query_string={"next": target},
                               data={"email": "clinic.user@example.test", "password": PASSWORD})
        assert "evil" not in response.headers["Location"]
        client.post("/logout")


def test_repeated_failures_lock_the_account_and_say_so(app, client, user):
    for _ in range(4):
        assert _alerts(sign_in(client, "clinic.user@example.test", "wrong password")) == [
            "Email or password is not right."]
    response = sign_in(client, "clinic.user@example.test", "wrong password")
    assert response.status_code == 429
    assert _alerts(response) == ["Too many failed attempts; try again in 15 minutes."]
    # Even the right password is refused while locked.
    response = sign_in(client, "clinic.user@example.test")
    assert response.status_code == 429
    assert _alerts(response)[0].startswith("Too many failed attempts; try again in ")
    assert client.get("/settings").status_code == 302
    # When the lock has run out, the right password works again.
    with app.app_context():
        locked = db.session.execute(select(User)).scalar_one()
        locked.locked_until = utcnow() - timedelta(seconds=1)
        db.session.commit()
    assert sign_in(client, "clinic.user@example.test").status_code == 302


def test_login_is_rate_limited_per_address(app, client, user):
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    for _ in range(3):
        sign_in(client, f"guess{_}@example.test", "wrong password")
    response = sign_in(client, "clinic.user@example.test")
    assert response.status_code == 429
    assert "Too many attempts from your network" in response.get_data(as_text=True)


def _invite(client, **data) -> str:
    response = client.post("/organization/invitations", data={"role": "member", **data})
    assert response.status_code == 200
    match = re.search(r"http://localhost(/join/[A-Za-z0-9_-]+)", response.get_data(as_text=True))
    assert match, "the invitation link is shown"
    return match.group(1)


def test_invitation_joins_the_organization_as_member_once(app, client, user):
    sign_in(client, "clinic.user@example.test")
    link = _invite(client)
    with app.app_context():
        stored = db.session.execute(select(Invitation)).scalar_one()
        assert link.rsplit("/", 1)[1] not in (stored.token_hash,)  # only a hash is stored
    invitee = app.test_client()
    assert invitee.get(link).status_code == 200
    response = invitee.post(link, data={"email": "new.colleague@example.test",
                                        "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    with app.app_context():
        joined = db.session.execute(select(User).where(User.email == "new.colleague@example.test")).scalar_one()
        admin = db.session.execute(select(User).where(User.email == "clinic.user@example.test")).scalar_one()
        assert joined.organization_id == admin.organization_id
        assert joined.role == "member"
    # Used up: the link opens nothing now.
    assert app.test_client().get(link).status_code == 404


def test_invitation_for_an_address_expired_or_withdrawn(app, client, user):
    sign_in(client, "clinic.user@example.test")
    link = _invite(client, email="only.me@example.test")
    response = app.test_client().post(link, data={"email": "someone.else@example.test",
                                                  "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert "This invitation is for another email address." in _errors(response)

    with app.app_context():
        invitation = db.session.execute(select(Invitation)).scalar_one()
        invitation.expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    assert app.test_client().get(link).status_code == 404

    link = _invite(client)
    with app.app_context():
        pending = db.session.execute(select(Invitation).where(Invitation.revoked_at.is_(None),
                                                              Invitation.expires_at > utcnow())).scalar_one()
        pending_id = pending.id
    assert client.post(f"/organization/invitations/{pending_id}/revoke").status_code == 302
    assert app.test_client().get(link).status_code == 404


def test_members_cannot_administer(app, client, user, user_id):
    with app.app_context():
        admin = db.session.merge(user)
        member = make_user("plain.member@example.test")
        member.organization_id = org_id = admin.organization_id
        db.session.commit()
    sign_in(client, "plain.member@example.test")
    page = client.get("/organization")
    assert page.status_code == 200 and "clinic.user@example.test" in page.get_data(as_text=True)
    assert client.post("/organization/invitations", data={"role": "admin"}).status_code == 404
    assert client.post("/organization/retention", data={"retention_days": "1"}).status_code == 404
    assert client.post(f"/organization/members/{user_id}/role", data={"role": "member"}).status_code == 404
    with app.app_context():
        assert db.session.get(Organization, org_id).retention_days == 90
        assert db.session.execute(select(Invitation)).first() is None


def test_admin_sets_retention_roles_and_removes_members(app, client, user, user_id):
    with app.app_context():
        admin = db.session.merge(user)
        member = make_user("leaving@example.test")
        member.organization_id = org_id = admin.organization_id
        db.session.commit()
        member_id = member.id
        from conftest import bearer
        member_headers = bearer(member)
    sign_in(client, "clinic.user@example.test")
    response = client.post("/organization/retention", data={"retention_days": "0"})
    assert "Enter a number of days from 1 to 3650." in _errors(response)
    assert client.post("/organization/retention", data={"retention_days": "30"}).status_code == 302
    # The last admin cannot step down.
    client.post(f"/organization/members/{user_id}/role", data={"role": "member"})
    assert client.post(f"/organization/members/{member_id}/role", data={"role": "admin"}).status_code == 302
    with app.app_context():
        assert db.session.get(Organization, org_id).retention_days == 30
        assert db.session.get(User, user_id).role == "admin"
        assert db.session.get(User, member_id).role == "admin"

    member_browser = app.test_client()
    sign_in(member_browser, "leaving@example.test")
    assert app.test_client().get("/api/v1/me", headers=member_headers).status_code == 200
    assert client.post(f"/organization/members/{member_id}/remove").status_code == 302
    # Removed: open session, tokens and password all stop working at once.
    assert member_browser.get("/settings").status_code == 302
    assert app.test_client().get("/api/v1/me", headers=member_headers).status_code == 401
    assert sign_in(app.test_client(), "leaving@example.test").status_code == 200


def test_change_password_ends_other_sessions(app, client, user, user_id):
    sign_in(client, "clinic.user@example.test")
    other_browser = app.test_client()
    sign_in(other_browser, "clinic.user@example.test")
    assert other_browser.get("/settings").status_code == 200
    response = client.post("/settings/password", data={
        "current": "not it at all", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert "This is not your current password." in _errors(response)
    response = client.post("/settings/password", data={
        "current": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert client.get("/settings").status_code == 200  # this one stays
    assert other_browser.get("/settings").status_code == 302  # the other is over
    assert sign_in(other_browser, "clinic.user@example.test", NEW_PASSWORD).status_code == 302
    with app.app_context():
        assert check_password(db.session.get(User, user_id).password_hash, NEW_PASSWORD)
