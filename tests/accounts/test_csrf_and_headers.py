"""CSRF on every browser form, found by visiting every page; security headers on every response."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from flask import url_for
from sqlalchemy import select

from appeals.app import create_app
from appeals.accounts import invitations
from appeals.extensions import db
from appeals.models import User
from appeals.web.security import CONTENT_SECURITY_POLICY
from .records import make_appeal, make_batch, principal_of
from .test_ownership import NOT_RECORD_IDS, RECORD_FACTORIES, Records
from conftest import PASSWORD, make_user


class Forms(HTMLParser):
    """The POST forms of a page: action, and the names and values of their fields."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._current: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "get").lower() == "post":
            self._current = {"action": attrs.get("action"), "fields": {}}
            self.forms.append(self._current)
        elif self._current is not None and tag in ("input", "select", "textarea", "button"):
            name = attrs.get("name")
            if name:
                self._current["fields"][name] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None


def post_forms(html: str, page_url: str) -> list[dict]:
    parser = Forms()
    parser.feed(html)
    for form in parser.forms:
        form["url"] = urlsplit(urljoin("http://localhost" + page_url, form["action"] or page_url))
        form["path"] = form["url"].path + (f"?{form['url'].query}" if form["url"].query else "")
    return parser.forms


def _get(client, url):
    response = client.get(url)
    response.get_data()
    response.close()  # a streamed download keeps its request context until closed
    return response


@pytest.fixture
def csrf_app(tmp_path):
    app = create_app({
        "TESTING": True, "SECRET_KEY": "test-secret", "WTF_CSRF_ENABLED": True,
        "SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(tmp_path / "csrf.sqlite"),
    })
    with app.app_context():
        db.create_all()
    return app


def _sign_in_with_csrf(app, email):
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    (form,) = post_forms(page, "/login")
    response = client.post(form["path"], data={**form["fields"], "email": email, "password": PASSWORD})
    assert response.status_code == 302, "signing in with the form's own token works"
    return client


def _pages(app, records, join_token) -> list[str]:
    """Every page (GET, not the API) that this test can fill with real ids."""
    urls = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods or rule.endpoint == "static" or rule.rule.startswith("/api/"):
                continue
            values = {}
            for name in rule.arguments:
                if name == "token":
                    values[name] = join_token
                elif name == "kind":
                    values[name] = "patient"
                elif name == "row_number":
                    values[name] = 1
                elif name in NOT_RECORD_IDS:
                    values = None
                    break
                else:
                    values[name] = RECORD_FACTORIES[name](records)
            if values is None or any(v is None for v in values.values()):
                continue
            urls.append(url_for(rule.endpoint, **values))
    return urls


def test_every_browser_form_needs_its_csrf_token(csrf_app):
    app = csrf_app
    with app.app_context():
        owner = make_user("owner.admin@example.test", "Owner Clinic", role="admin")
        records = Records(owner)
        _, join_token = invitations.create_invitation(owner.organization, owner)
        # Records in the states that show their own forms (retry, fix a row).
        failed_appeal = make_appeal(principal_of(owner), failed=True).id
        mixed_batch = make_batch(principal_of(owner), rows=2, failed_rows=1, invalid_rows=1).id
    extra_pages = [f"/appeals/{failed_appeal}", f"/bulk/{mixed_batch}", f"/bulk/{mixed_batch}/rows/3"]
    visitors = {"signed in": _sign_in_with_csrf(app, "owner.admin@example.test"),
                "visitor": app.test_client()}
    seen: dict[str, str] = {}
    failures = []
    for who, client in visitors.items():
        for page in _pages(app, records, join_token) + extra_pages:
            response = _get(client, page)
            if response.status_code != 200 or "text/html" not in response.content_type:
                continue
            for form in post_forms(response.get_data(as_text=True), page):
                if "csrf_token" not in form["fields"]:
                    failures.append(f"{who}: form posting to {form['path']} on {page} has no csrf_token")
                key = form["url"].path
                if key in seen:
                    continue
                seen[key] = page
                fields = {k: v for k, v in form["fields"].items() if k != "csrf_token"}
                posted = client.post(form["path"], data=fields)
                posted.close()
                if posted.status_code != 400:
                    failures.append(f"{who}: POST {form['path']} (form on {page}) without its CSRF "
                                    f"token answered {posted.status_code}, not 400")
    assert not failures, "\n".join(failures)
    # Every browser route that takes a POST was reached through a form on some page (so a new
    # one is checked too, or this names it: show it on a page above).
    adapter = app.url_map.bind("localhost")
    reached = {adapter.match(path, method="POST")[0] for path in seen}
    posting = {rule.endpoint for rule in app.url_map.iter_rules()
               if "POST" in rule.methods and not rule.rule.startswith("/api/")}
    # The "email me my link" form shows only once, right after an anonymous submission.
    shown_once = {"appeal_pages.email_link"}
    assert posting - reached - shown_once == set(), "POST routes no page's form was found for"
    app.config.update(MAIL_SERVER="smtp.example.test", MAIL_SENDER="appeals@example.test")
    assert visitors["visitor"].post("/link/email", data={"link": "/", "email": "a@example.test"}).status_code == 400
    # The forms this must have found, at least: each area's main form.
    for expected in ("/login", "/logout", "/settings/tokens", "/organization/invitations",
                     "/organization/retention", f"/settings/tokens/{records.token_id}/revoke",
                     f"/appeals/{records.appeal_id}/delete", f"/bulk/{records.batch_id}/delete"):
        assert expected in seen, f"no form posting to {expected} was found"
    with app.test_request_context():
        assert url_for("intake.start") in seen


def test_api_needs_no_csrf_token_but_a_bearer_token(csrf_app):
    with csrf_app.app_context():
        from conftest import bearer

        headers = bearer(make_user("script.owner@example.test"))
    client = csrf_app.test_client()
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    # Without a token: refused for the token, not for CSRF.
    assert client.post("/api/v1/appeals", json={}).status_code == 401


EXPECTED_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


def test_security_headers_on_every_kind_of_response(app, client, user, api_headers):
    with app.app_context():
        appeal_id = make_appeal(principal_of(db.session.merge(user))).id
    responses = {
        "sign-in page": client.get("/login"),
        "not found": client.get("/no/such/page"),
        "api": client.get("/api/v1/me", headers=api_headers),
        "api error": client.get("/api/v1/me"),
        "static": client.get("/static/site.css"),
    }
    responses["static"].close()
    client.post("/login", data={"email": "clinic.user@example.test", "password": PASSWORD})
    responses["appeal page"] = client.get(f"/appeals/{appeal_id}")
    responses["letter download"] = client.get(f"/appeals/{appeal_id}/letter.docx")
    for name, response in responses.items():
        for header, value in EXPECTED_HEADERS.items():
            assert response.headers.get(header) == value, f"{name}: {header}"
        if name != "static":
            assert response.headers["Cache-Control"] == "no-store", name
    assert "'unsafe-inline'" not in CONTENT_SECURITY_POLICY
    assert "frame-ancestors 'none'" in CONTENT_SECURITY_POLICY


def test_pages_use_no_inline_script_or_style(app, client, user):
    """The CSP forbids them, so a page using one would break: none may."""
    import re

    client.post("/login", data={"email": "clinic.user@example.test", "password": PASSWORD})
    with app.app_context():
        owner = db.session.execute(select(User)).scalar_one()
        records = Records(owner)
        _, join_token = invitations.create_invitation(owner.organization, owner)
    inline = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=|\son[a-z]+=|javascript:", re.I)
    for page in _pages(app, records, join_token):
        response = _get(client, page)
        if "text/html" in response.content_type:
            found = inline.search(response.get_data(as_text=True))
            assert found is None, f"{page} uses inline code the CSP blocks: {found.group(0)!r}"


def test_an_expired_form_says_so_and_keeps_nothing(csrf_app):
    with csrf_app.app_context():
        make_user("owner.admin@example.test", "Owner Clinic", role="admin")
    client = csrf_app.test_client()
    response = client.post("/login", data={"email": "owner.admin@example.test", "password": PASSWORD,
                                           "csrf_token": "stale"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "This form had expired, so nothing was done." in page
    assert 'name="csrf_token"' in page  # a fresh token to try again with
    signed_in = _sign_in_with_csrf(csrf_app, "owner.admin@example.test")
    response = signed_in.post("/settings/tokens", data={"name": "x"})
    assert response.status_code == 400 and 'href="/settings"' in response.get_data(as_text=True)
    with csrf_app.app_context():
        from appeals.models import ApiToken

        assert db.session.execute(select(ApiToken)).first() is None


def test_behind_a_trusted_proxy_the_client_address_and_https_come_from_it(tmp_path):
    app = create_app({"TESTING": True, "SECRET_KEY": "test-secret", "TRUSTED_PROXY_COUNT": 1,
                      "SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(tmp_path / "p.sqlite")})
    with app.app_context():
        db.create_all()
    response = app.test_client().get("/login", headers={
        "X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"})
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    # Without the setting the same headers are not believed.
    plain = create_app({"TESTING": True, "SECRET_KEY": "test-secret",
                        "SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(tmp_path / "q.sqlite")})
    response = plain.test_client().get("/login", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in response.headers
