"""Nobody reads or changes another's records: every route that takes a record id, discovered from
the app's URL map (so routes added later are covered without editing this test), is requested by
another organization's user and by a user without an organization, each with a browser session
and with an API token, for every method the route allows. Each answers "not found" and the
database is unchanged afterwards.

A route variable this test cannot fill with a real record id fails the test: whoever adds a route
with a new kind of id adds its factory to RECORD_FACTORIES.
"""

from __future__ import annotations

import secrets

import pytest
from sqlalchemy import select

from appeals.accounts import invitations
from appeals.accounts.tokens import create_token
from appeals.extensions import db
from appeals.models import User
from conftest import make_user

from .conftest import sign_in
from .records import make_appeal, make_batch, make_document_draft, make_template, principal_of

# Variables that are not record ids, with where they are tested instead.
NOT_RECORD_IDS = {
    "filename": "static files",
    "kind": "a built-in letter kind: public, the same for everyone",
    "service_id": "a service in the public criteria library",
    "sample": "a sample case's key inside a template's preview (the template id is the record)",
    "page": "a page number inside a template's preview (the template id is the record)",
    "row_number": "a row inside a batch (the batch id is the record)",
    "token": "an invitation link's secret (test_invitations.py)",
    "key": "an anonymous link's secret (test_anonymous_links in this file)",
}
IGNORED_METHODS = {"HEAD", "OPTIONS"}
# Columns a request may change without changing a record: bookkeeping of the caller's own token.
VOLATILE_COLUMNS = {("api_tokens", "last_used_at"), ("users", "failed_logins"),
                    ("users", "locked_until")}


class Records:
    """Real records of each kind owned by `owner` (their ids: usable outside the app context)."""

    def __init__(self, owner: User):
        principal = principal_of(owner)
        self.owner_id = owner.id
        self.appeal_id = make_appeal(principal).id
        self.batch_id = make_batch(principal).id
        template = make_template(principal)
        self.template_id = template.id
        self.version_id = template.current_version_id
        self.draft_id = make_document_draft(principal).id
        token, self.plain_token = create_token(owner, "owner's script")
        self.token_id = token.id
        self.member_id = None
        self.invitation_id = None
        if owner.organization_id is not None:
            member = make_user(f"member-{secrets.token_hex(3)}@example.test")
            member.organization_id = owner.organization_id
            db.session.commit()
            self.member_id = member.id
            invitation, _ = invitations.create_invitation(owner.organization, owner)
            self.invitation_id = invitation.id


# variable name -> the owner's record id for it (None: this owner has no such record)
RECORD_FACTORIES = {
    "appeal_id": lambda r: r.appeal_id,
    "batch_id": lambda r: r.batch_id,
    "template_id": lambda r: r.template_id,
    "version_id": lambda r: r.version_id,
    "token_id": lambda r: r.token_id,
    "invitation_id": lambda r: r.invitation_id,
    "user_id": lambda r: r.member_id,
    "draft_id": lambda r: r.draft_id,
}


def _value_for(variable: str, records: Records, rule=None):
    if variable in NOT_RECORD_IDS:
        converter = rule._converters.get(variable) if rule is not None else None
        if converter is not None and converter.__class__.__name__ == "IntegerConverter":
            return 1
        return secrets.token_urlsafe(16)
    factory = RECORD_FACTORIES.get(variable)
    if factory is None:
        pytest.fail(f"no record factory for route variable <{variable}>: add one to "
                    f"RECORD_FACTORIES in {__file__}")
    return factory(records)


def record_routes(app):
    """(rule, method, variables) for every route taking at least one record id."""
    routes = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        if not set(rule.arguments) - set(NOT_RECORD_IDS):
            continue
        for method in sorted(rule.methods - IGNORED_METHODS):
            routes.append((rule, method))
    return routes


def snapshot() -> dict:
    """Every row of every table (but the audit log, which records attempts), as plain values."""
    state = {}
    for table in db.metadata.sorted_tables:
        if table.name == "audit_events":
            continue
        columns = [c for c in table.columns if (table.name, c.name) not in VOLATILE_COLUMNS]
        rows = db.session.execute(select(*columns).order_by(*table.primary_key.columns)).all()
        state[table.name] = [tuple(row) for row in rows]
    db.session.rollback()
    return state


# A body that would change something if a view forgot to check ownership: the fields the
# record-changing forms and endpoints take.
PLAUSIBLE_CHANGE = {"name": "Renamed by an intruder", "description": "x", "visibility": "public",
                    "role": "admin", "retention_days": "1", "email": "intruder@example.test",
                    "letter": "patient"}


def _request(client, method, url, headers=None):
    kwargs = {"headers": headers or {}}
    if method in ("POST", "PUT", "PATCH"):
        if url.startswith("/api/"):
            kwargs["json"] = dict(PLAUSIBLE_CHANGE)
        else:
            kwargs["data"] = dict(PLAUSIBLE_CHANGE)
    response = client.open(url, method=method, **kwargs)
    # Read and close it as a server would: a streamed body keeps its request context open.
    response.get_data()
    response.close()
    return response


def _is_login_redirect(response) -> bool:
    return response.status_code in (301, 302, 303) and "/login" in response.headers.get("Location", "")


def _sweep(app, owner_email: str, intruder_emails: list[str], only: set[str] | None = None) -> list[str]:
    """Try every record route with the owner's ids as each intruder. `only`: just the routes
    whose record variables are all among these names."""
    failures: list[str] = []
    with app.app_context():
        owner = db.session.execute(select(User).where(User.email == owner_email)).scalar_one()
        records = Records(owner)
        owner_token = records.plain_token
        intruders = []
        for email in intruder_emails:
            intruder = db.session.execute(select(User).where(User.email == email)).scalar_one()
            _, plain = create_token(intruder, "intruder")
            intruders.append((email, plain))
        routes = []
        for rule, method in record_routes(app):
            values = {name: _value_for(name, records, rule) for name in rule.arguments}
            if any(value is None for value in values.values()):
                continue
            if only is not None and not set(rule.arguments) - set(NOT_RECORD_IDS) <= only:
                continue
            with app.test_request_context():
                from flask import url_for

                routes.append((rule, method, url_for(rule.endpoint, **values)))
    assert routes, "no routes with record ids were found"

    owner_session = app.test_client()
    assert sign_in(owner_session, owner_email).status_code == 302
    sessions = {}
    for email, _ in intruders:
        client = app.test_client()
        assert sign_in(client, email).status_code == 302
        sessions[email] = client

    for rule, method, url in routes:
        is_api = rule.rule.startswith("/api/")
        for email, plain in intruders:
            attempts = [
                ("session", sessions[email], None),
                ("token", app.test_client(), {"Authorization": f"Bearer {plain}"}),
            ]
            for how, client, headers in attempts:
                with app.app_context():
                    before = snapshot()
                try:
                    response = _request(client, method, url, headers)
                except Exception as exc:  # noqa: BLE001  (reported with the route, not fatal)
                    failures.append(f"{method} {rule.rule} as {email} by {how}: raised {exc!r}")
                    continue
                with app.app_context():
                    after = snapshot()
                status = response.status_code
                if is_api:
                    ok = status == (404 if how == "token" else 401)
                else:
                    ok = status == 404 or (how == "token" and _is_login_redirect(response))
                if not ok:
                    failures.append(f"{method} {rule.rule} as {email} by {how}: {status}")
                if before != after:
                    changed = [t for t in before if before[t] != after.get(t)]
                    failures.append(f"{method} {rule.rule} as {email} by {how}: changed {changed}")
        # The same id works for its owner, so the 404s above are about ownership, not bad ids.
        if method == "GET" and not set(rule.arguments) & set(NOT_RECORD_IDS):
            if is_api:
                response = _request(app.test_client(), "GET", url,
                                    {"Authorization": f"Bearer {owner_token}"})
            else:
                response = _request(owner_session, "GET", url)
            if response.status_code == 404:
                failures.append(f"GET {rule.rule}: 404 for its owner too (the test's ids are wrong)")
    return failures


@pytest.fixture
def people(app):
    with app.app_context():
        make_user("owner.admin@example.test", "Owner Clinic", role="admin")
        make_user("other.org.admin@example.test", "Other Clinic", role="admin")
        make_user("solo.advocate@example.test")  # no organization
    return app


def test_another_organization_and_another_user_get_404_everywhere(people):
    failures = _sweep(people, "owner.admin@example.test",
                      ["other.org.admin@example.test", "solo.advocate@example.test"])
    assert not failures, "routes that leak or change another's records:\n" + "\n".join(failures)


def test_a_user_without_organization_is_private_even_to_admins(people):
    failures = _sweep(people, "solo.advocate@example.test",
                      ["owner.admin@example.test", "other.org.admin@example.test"])
    assert not failures, "routes that leak or change another's records:\n" + "\n".join(failures)


def test_a_colleague_cannot_reach_private_or_personal_records(people):
    """Within one organization appeals and batches are shared; a private template, someone's API
    tokens and the admin's pages are not."""
    with people.app_context():
        owner = db.session.execute(select(User).where(User.email == "owner.admin@example.test")).scalar_one()
        colleague = make_user("colleague@example.test")
        colleague.organization_id = owner.organization_id
        db.session.commit()
    failures = _sweep(people, "owner.admin@example.test", ["colleague@example.test"],
                      only={"template_id", "version_id", "token_id", "user_id", "invitation_id"})
    assert not failures, "routes that leak or change another's records:\n" + "\n".join(failures)


def test_the_sweep_covers_every_kind_of_record(app):
    """Guards the guard: the routes the sweep must reach are there (and so are swept)."""
    rules = {rule.rule for rule, _ in record_routes(app)}
    for expected in ("/appeals/<appeal_id>", "/api/v1/appeals/<appeal_id>",
                     "/settings/tokens/<int:token_id>/revoke",
                     "/organization/members/<int:user_id>/remove"):
        assert expected in rules


def test_members_of_the_same_organization_share_records(people):
    with people.app_context():
        owner = db.session.execute(select(User).where(User.email == "owner.admin@example.test")).scalar_one()
        appeal_id = make_appeal(principal_of(owner)).id
        colleague = make_user("colleague@example.test")
        colleague.organization_id = owner.organization_id
        db.session.commit()
    client = people.test_client()
    sign_in(client, "colleague@example.test")
    assert client.get(f"/appeals/{appeal_id}").status_code == 200


def test_anonymous_links(app):
    """An anonymous patient's appeal opens only with its key, in the browser that used it."""
    from appeals.services import appeals as jobs
    from appeals.access import Principal

    with app.app_context():
        appeal = make_appeal(Principal())
        appeal_id = appeal.id
        key = jobs.create_anonymous_access(appeal)
        make_user("someone@example.test", "Some Clinic", role="admin")
        _, plain = create_token(db.session.execute(select(User)).scalars().first(), "t")

    patient = app.test_client()
    assert patient.get(f"/appeals/{appeal_id}").status_code == 404
    assert patient.get(f"/a/{appeal_id}/{key[:-2]}xx").status_code == 404
    assert patient.get(f"/a/{appeal_id}/{key}").status_code == 303
    assert patient.get(f"/appeals/{appeal_id}").status_code == 200

    stranger = app.test_client()
    assert stranger.get(f"/appeals/{appeal_id}").status_code == 404
    signed_in = app.test_client()
    sign_in(signed_in, "someone@example.test")
    assert signed_in.get(f"/appeals/{appeal_id}").status_code == 404
    api = app.test_client()
    assert api.get(f"/api/v1/appeals/{appeal_id}",
                   headers={"Authorization": f"Bearer {plain}"}).status_code == 404


def test_lists_and_pages_without_ids_show_nothing_of_anothers(people):
    """Every GET route without a record id (lists, indexes, exports) as another organization's
    admin and a user without one: none of the owner's ids or case data appear."""
    from .records import SYNTHETIC_MEMBER_ID, SYNTHETIC_NAME

    app = people
    with app.app_context():
        owner = db.session.execute(select(User).where(User.email == "owner.admin@example.test")).scalar_one()
        records = Records(owner)
        secrets_of_owner = [records.appeal_id, records.batch_id, records.template_id,
                            records.version_id, SYNTHETIC_NAME, SYNTHETIC_MEMBER_ID]
        tokens = {}
        for email in ("other.org.admin@example.test", "solo.advocate@example.test"):
            intruder = db.session.execute(select(User).where(User.email == email)).scalar_one()
            tokens[email] = create_token(intruder, "intruder")[1]
    urls = []
    with app.test_request_context():
        from flask import url_for

        for rule in app.url_map.iter_rules():
            if "GET" in rule.methods and not rule.arguments:
                urls.append(url_for(rule.endpoint))
    assert "/appeals" in urls and "/api/v1/templates" in urls
    failures = []
    for email, token in tokens.items():
        browser = app.test_client()
        sign_in(browser, email)
        for url in urls:
            if url.startswith("/api/"):
                response = _request(app.test_client(), "GET", url, {"Authorization": f"Bearer {token}"})
            else:
                response = _request(browser, "GET", url)
            textual = response.mimetype.startswith(("text/", "application/json"))
            body = response.get_data(as_text=True) if textual else ""
            for secret in secrets_of_owner:
                if secret in body:
                    failures.append(f"GET {url} as {email} shows {secret!r}")
    assert not failures, "\n".join(failures)
    # The same lists do show the owner's own records (so the check above can fail).
    owner_browser = app.test_client()
    sign_in(owner_browser, "owner.admin@example.test")
    assert records.appeal_id in _request(owner_browser, "GET", "/appeals").get_data(as_text=True)
    listed = _request(app.test_client(), "GET", "/api/v1/templates",
                      {"Authorization": f"Bearer {records.plain_token}"}).get_data(as_text=True)
    assert records.template_id in listed


@pytest.mark.postgres
def test_the_sweep_on_postgresql(tmp_path):
    """The same sweep where production data lives (types and comparisons are stricter there)."""
    from support.workers import postgres_database

    from appeals.app import create_app

    with postgres_database() as url:
        app = create_app({"TESTING": True, "SECRET_KEY": "test-secret", "WTF_CSRF_ENABLED": False,
                          "SQLALCHEMY_DATABASE_URI": url,
                          "EMBEDDED_BROKER_URL": "sqla+sqlite:///" + str(tmp_path / "broker.sqlite")})
        try:
            with app.app_context():
                db.create_all()
                make_user("owner.admin@example.test", "Owner Clinic", role="admin")
                make_user("other.org.admin@example.test", "Other Clinic", role="admin")
                make_user("solo.advocate@example.test")
            failures = _sweep(app, "owner.admin@example.test",
                              ["other.org.admin@example.test", "solo.advocate@example.test"])
            assert not failures, "routes that leak or change another's records:\n" + "\n".join(failures)
        finally:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()
