"""An anonymous patient can email their link to themselves where mail is configured."""

import pytest
from flask import render_template_string

from appeals.services import appeals as jobs
from appeals.access import Principal
from appeals.extensions import db
from .records import SYNTHETIC_MEMBER_ID, SYNTHETIC_NAME, make_appeal

PARTIAL = '{% include "appeals/_email_link.html" %}'


class RecordingSMTP:
    """Stands in for the mail server (the edge of the system): records what would be sent."""

    sent: list = []

    def __init__(self, host, port, timeout=None):
        self.host, self.port = host, port

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def starttls(self):
        self.tls = True

    def login(self, user, password):
        self.user = user

    def send_message(self, message):
        RecordingSMTP.sent.append(message)


@pytest.fixture
def anonymous_appeal(app):
    with app.app_context():
        appeal = make_appeal(Principal())
        key = jobs.create_anonymous_access(appeal)
        return appeal.id, f"http://localhost/a/{appeal.id}/{key}"


def test_without_mail_the_page_says_so_and_nothing_is_sent(app, anonymous_appeal):
    _, link = anonymous_appeal
    with app.test_request_context():
        html = render_template_string(PARTIAL, access_link=link)
    assert "not set up to send email" in html and "<form" not in html
    response = app.test_client().post("/link/email", data={"link": link, "email": "me@example.test"})
    assert response.status_code == 404


def test_patient_emails_the_link_to_themselves(app, anonymous_appeal, monkeypatch):
    from appeals.accounts import mail

    RecordingSMTP.sent = []
    monkeypatch.setattr(mail.smtplib, "SMTP", RecordingSMTP)
    app.config.update(MAIL_SERVER="smtp.example.test", MAIL_SENDER="appeals@example.test")
    appeal_id, link = anonymous_appeal
    with app.test_request_context():
        html = render_template_string(PARTIAL, access_link=link)
    assert 'action="/link/email"' in html and link in html

    client = app.test_client()
    response = client.post("/link/email", data={"link": link, "email": "Patient@Example.test"})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/appeals/{appeal_id}"
    (message,) = RecordingSMTP.sent
    assert message["To"] == "patient@example.test"
    body = message.get_content()
    assert link in body
    assert SYNTHETIC_NAME not in body and SYNTHETIC_MEMBER_ID not in body

    # Only a real link of ours with its right key sends anything.
    for bad in (link[:-3] + "xyz", f"http://localhost/appeals/{appeal_id}", "https://evil.example/a/x/y"):
        assert client.post("/link/email", data={"link": bad, "email": "p@example.test"}).status_code == 404
    assert len(RecordingSMTP.sent) == 1
    # A bad address is said so, nothing sent.
    response = client.post("/link/email", data={"link": link, "email": "nope"})
    assert response.status_code == 303 and len(RecordingSMTP.sent) == 1


def test_a_signed_in_users_appeal_cannot_be_mailed_through_a_link(app, user, monkeypatch):
    from appeals.accounts import mail
    from .records import principal_of

    RecordingSMTP.sent = []
    monkeypatch.setattr(mail.smtplib, "SMTP", RecordingSMTP)
    app.config.update(MAIL_SERVER="smtp.example.test", MAIL_SENDER="appeals@example.test")
    with app.app_context():
        appeal = make_appeal(principal_of(db.session.merge(user)))
        key = jobs.create_anonymous_access(appeal)
        link = f"http://localhost/a/{appeal.id}/{key}"
    response = app.test_client().post("/link/email", data={"link": link, "email": "p@example.test"})
    assert response.status_code == 404 and RecordingSMTP.sent == []


def test_too_many_links_from_one_network_are_refused_on_a_page(app, anonymous_appeal, monkeypatch):
    from appeals.accounts import mail

    RecordingSMTP.sent = []
    monkeypatch.setattr(mail.smtplib, "SMTP", RecordingSMTP)
    app.config.update(MAIL_SERVER="smtp.example.test", MAIL_SENDER="appeals@example.test",
                      MAIL_RATE_LIMIT="1 per hour")
    _, link = anonymous_appeal
    client = app.test_client()
    assert client.post("/link/email", data={"link": link, "email": "p@example.test"}).status_code == 303
    refused = client.post("/link/email", data={"link": link, "email": "p@example.test"})
    assert refused.status_code == 429
    assert "Too many attempts" in refused.get_data(as_text=True)
    assert len(RecordingSMTP.sent) == 1


def test_an_expired_email_form_says_so_and_sends_nothing(app, anonymous_appeal, monkeypatch):
    from appeals.accounts import mail

    RecordingSMTP.sent = []
    monkeypatch.setattr(mail.smtplib, "SMTP", RecordingSMTP)
    app.config.update(MAIL_SERVER="smtp.example.test", MAIL_SENDER="appeals@example.test",
                      WTF_CSRF_ENABLED=True)
    _, link = anonymous_appeal
    response = app.test_client().post("/link/email", data={"link": link, "email": "p@example.test"})
    assert response.status_code == 400
    assert "The form expired" in response.get_data(as_text=True)
    assert RecordingSMTP.sent == []
