"""Logs never contain health data: every log record made during a full submission (web form,
letter written by the task, page, download; the JSON API; a bulk upload; a form with an error),
at DEBUG level from every logger, is free of the synthetic patient's name, member id and notes.
Secrets that unlock records (an anonymous link's key, an invitation token) stay out too."""

from __future__ import annotations

import datetime as dt
import io
import logging
import re

import pytest

from appeals.app import create_app
from appeals.extensions import db
from appeals.web.security import loggable_path, redact_line
from .conftest import sign_in
from conftest import bearer, make_user

NAME = "Ottoline Pemberton-Synthetica"
MEMBER_ID = "SYNMEM-88231-QZ"
NOTE = "Quillfeather physiotherapy course ended without relief"
SECRETS_SEEN: list[str] = []


def _days_ago(days: int) -> str:
    return (dt.date.today() - dt.timedelta(days=days)).isoformat()


def _form(**changes) -> dict:
    form = {
        "mode": "appeal", "service": "72148", "plan_type": "employer",
        "payer": "Synthetic Health Plan", "patient_name": NAME, "patient_dob": "1971-04-09",
        "member_id": MEMBER_ID, "notice_date": _days_ago(10), "received_date": _days_ago(7),
        "denial_reference": "REF-LOG-1", "denial_code": "CO-50",
        "denial_text": "Not medically necessary: no 6 weeks of conservative treatment.",
        "original_request": "Low back pain radiating to the left leg. MRI requested.",
        "documentation": "\n".join([
            f"{_days_ago(120)}: Low back pain with left leg pain began after lifting.",
            f"{_days_ago(50)}: {NOTE}, 8 weeks, 16 visits.",
            f"{_days_ago(40)}: Radicular pain persists, positive straight leg raise on the left.",
        ]),
        "documentation_source": "Synthetic Clinic visit notes", "letter_kind": "",
        "submit": "See where I stand",
    }
    form.update(changes)
    return form


def _case() -> dict:
    return {
        "service": "72148", "plan_type": "employer", "payer": "Synthetic Health Plan",
        "patient": {"name": NAME, "member_id": MEMBER_ID, "date_of_birth": "1971-04-09"},
        "denial": {"notice_date": _days_ago(10), "text": "Not medically necessary."},
        "documentation": [{"text": f"{NOTE}, 8 weeks of therapy", "date": _days_ago(50)}],
    }


@pytest.fixture
def eager_app(tmp_path):
    app = create_app({
        "TESTING": True, "SECRET_KEY": "test-secret", "WTF_CSRF_ENABLED": False,
        "SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(tmp_path / "logs.sqlite"),
        "EMBEDDED_BROKER_URL": "sqla+sqlite:///" + str(tmp_path / "broker.sqlite"),
        # Letters are written in-process, so the task's logging is captured here too.
        "CELERY": {"task_always_eager": True},
    })
    with app.app_context():
        db.create_all()
    return app


def _all_text(records: list[logging.LogRecord]) -> str:
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    return "\n".join(formatter.format(record) for record in records)


def test_a_full_submission_logs_no_health_data(eager_app, caplog):
    app = eager_app
    with app.app_context():
        headers = bearer(make_user("clinic.staff@example.test", "Synthetic Clinic", role="admin"))
    caplog.set_level(logging.DEBUG)

    # A patient, anonymous, through the form: result page, letter, download, link.
    patient = app.test_client()
    bad = patient.post("/", data=_form(notice_date="not a date"))
    assert bad.status_code in (200, 400, 422)
    response = patient.post("/", data=_form())
    if response.status_code == 200:
        # The form first shows the chosen service's questions; post again as a browser would,
        # with what the page added (its hidden fields).
        from .test_csrf_and_headers import post_forms

        (form,) = [f for f in post_forms(response.get_data(as_text=True), "/") if f["url"].path == "/"]
        hidden = {k: v for k, v in form["fields"].items() if k not in _form()}
        response = patient.post("/", data={**hidden, **_form()})
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    page = patient.get(response.headers["Location"]).get_data(as_text=True)
    assert NAME in page  # the page shows it to its owner; the logs must not
    link = re.search(r"http://localhost(/a/[0-9a-f]{32}/[A-Za-z0-9_-]+)", page)
    assert link, "the anonymous link is shown"
    SECRETS_SEEN.append(link.group(1).rsplit("/", 1)[1])
    assert app.test_client().get(link.group(1)).status_code == 303
    download = re.search(r'href="([^"]+letter\.docx)"', page)
    assert download and patient.get(download.group(1)).status_code == 200

    # A script, through the API.
    api = app.test_client()
    created = api.post("/api/v1/appeals", json=_case(), headers=headers)
    assert created.status_code == 202
    assert api.get(created.headers["Location"], headers=headers).status_code == 200
    assert api.post("/api/v1/appeals", json={**_case(), "plan_type": NAME},
                    headers=headers).status_code == 422

    # A clinic, through a bulk upload.
    staff = app.test_client()
    sign_in(staff, "clinic.staff@example.test")
    csv = ("service,plan_type,payer,patient_name,member_id,denial_notice_date,documentation\n"
           f'72148,employer,Synthetic Plan,{NAME},{MEMBER_ID},{_days_ago(9)},"{NOTE}"\n'
           f'72148,employer,Synthetic Plan,{NAME},{MEMBER_ID},not-a-date,"{NOTE}"\n')
    uploaded = staff.post("/bulk/", data={"file": (io.BytesIO(csv.encode()), "clinic.csv")},
                          content_type="multipart/form-data")
    assert uploaded.status_code == 303

    text = _all_text(caplog.records)
    assert caplog.records, "the requests were logged"
    assert "/api/v1/appeals" in text  # the request log names paths…
    for secret in (NAME, MEMBER_ID, NOTE, *SECRETS_SEEN):
        assert secret not in text, f"{secret!r} appears in the logs"
    assert "Pemberton" not in text and "Quillfeather" not in text


def test_an_exception_with_health_data_in_its_message_is_logged_without_it(app, caplog):
    log = logging.getLogger("appeals.some.area")
    try:
        raise ValueError(f"cannot parse patient {NAME} ({MEMBER_ID})")
    except ValueError:
        log.exception("the case could not be read")
    text = logging.Formatter().format(caplog.records[-1])
    assert "the case could not be read" in text and "ValueError" in text
    assert "test_logs.py" in text  # the traceback's frames stay
    assert NAME not in text and MEMBER_ID not in text


def test_server_request_lines_lose_query_strings_and_secrets():
    line = ('127.0.0.1 - - [26/Nov/2026 17:00:00] "GET /a/' + "ab" * 16
            + '/s3cretKey_-x?name=Ottoline HTTP/1.1" 303 -')
    redacted = redact_line(line)
    assert "s3cretKey" not in redacted and "Ottoline" not in redacted
    assert "/a/" + "ab" * 16 + "/[redacted]" in redacted and '" 303 -' in redacted
    assert "tok3n" not in redact_line('"POST /join/tok3n HTTP/1.1" 302')
    assert redact_line("see https://x.example/p?member=1 now") == "see https://x.example/p now"


def test_request_log_path_hides_route_secrets(app):
    with app.test_request_context("/join/abcDEF123"):
        app.url_map.bind("localhost")
        from flask import request

        request.view_args = {"token": "abcDEF123"}
        assert loggable_path() == "/join/[redacted]"


def test_a_failed_celery_task_is_logged_without_its_exception_message(app, caplog):
    # The shape celery.app.trace logs a failure in.
    logging.getLogger("celery.app.trace").error(
        "Task %(name)s[%(id)s] %(description)s: %(exc)s",
        {"name": "appeals.render_letter", "id": "abc", "description": "raised unexpected",
         "exc": f"IntegrityError('(sqlite3.IntegrityError) [parameters: ({NAME!r}, {MEMBER_ID!r})]')"})
    text = logging.Formatter().format(caplog.records[-1])
    assert "appeals.render_letter" in text and "IntegrityError" in text
    assert NAME not in text and MEMBER_ID not in text


def test_the_audit_log_follows_an_appeal_through_the_api(eager_app):
    """created → viewed → downloaded → deleted, each with who and how, and no case data."""
    from sqlalchemy import select

    from appeals.models import AuditEvent

    app = eager_app
    with app.app_context():
        staff = make_user("clinic.staff@example.test", "Synthetic Clinic", role="admin")
        staff_id, org_id = staff.id, staff.organization_id
        headers = bearer(staff)
    api = app.test_client()
    created = api.post("/api/v1/appeals", json=_case(), headers=headers)
    assert created.status_code == 202
    appeal_id = created.get_json()["id"]
    assert api.get(f"/api/v1/appeals/{appeal_id}", headers=headers).status_code == 200
    assert api.get(f"/api/v1/appeals/{appeal_id}/letter", headers=headers).status_code == 200
    assert api.delete(f"/api/v1/appeals/{appeal_id}", headers=headers).status_code == 204
    with app.app_context():
        events = db.session.execute(select(AuditEvent).where(AuditEvent.record_id == appeal_id)
                                    .order_by(AuditEvent.id)).scalars().all()
        assert [e.action for e in events] == ["created", "viewed", "downloaded", "deleted"]
        assert {(e.user_id, e.organization_id, e.via, e.record_type) for e in events} == {
            (staff_id, org_id, "api", "appeals")}


def test_the_audit_log_follows_an_appeal_filed_through_the_form(eager_app):
    """An anonymous patient: created, viewed, downloaded, by "anon", without an owner."""
    from sqlalchemy import select

    from appeals.models import AuditEvent

    from .test_csrf_and_headers import post_forms

    app = eager_app
    patient = app.test_client()
    response = patient.post("/", data=_form())
    if response.status_code == 200:  # the service's questions first, as in the test above
        (form,) = [f for f in post_forms(response.get_data(as_text=True), "/") if f["url"].path == "/"]
        response = patient.post("/", data={**{k: v for k, v in form["fields"].items()
                                              if k not in _form()}, **_form()})
    assert response.status_code == 303
    appeal_id = response.headers["Location"].split("/appeals/", 1)[1].split("?", 1)[0]
    page = patient.get(f"/appeals/{appeal_id}").get_data(as_text=True)
    download = re.search(r'href="([^"]+letter\.docx)"', page)
    assert download and patient.get(download.group(1)).status_code == 200
    with app.app_context():
        events = db.session.execute(select(AuditEvent).where(AuditEvent.record_id == appeal_id)
                                    .order_by(AuditEvent.id)).scalars().all()
        actions = [e.action for e in events]
        assert actions[0] == "created" and "viewed" in actions and actions[-1] == "downloaded"
        assert {(e.user_id, e.organization_id, e.via) for e in events} == {(None, None, "anon")}
