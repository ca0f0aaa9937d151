"""The appeals API through Flask's test client. No worker here: where a test needs the letter it
runs the task's own function (render_appeal), as a worker would. The real-worker paths are in
test_service_integration.py."""

from __future__ import annotations

import io
import json

import docx
import pytest
from sqlalchemy import func, select

from appeals.services import appeals as appeal_service
from appeals.services import rendering
from appeals.contract import parse_case
from appeals.extensions import db
from appeals.models import Appeal, AuditEvent, Letter, User

from .conftest import LUMBAR_CASE, lumbar_case, store_broken_template


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def post_case(client, headers, case=None, **params):
    return client.post("/api/v1/appeals", json=case if case is not None else LUMBAR_CASE,
                       headers=headers, query_string=params)


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def audit_actions(app, appeal_id) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(
            select(AuditEvent.action).where(AuditEvent.record_id == appeal_id).order_by(AuditEvent.id)))


def render(app, appeal_id) -> None:
    """What the worker does for this appeal."""
    with app.app_context():
        appeal_service.render_appeal(appeal_id)


def test_post_answers_202_with_location_and_the_result_at_once(app, client, api_headers):
    from appeals.matching import match_case

    response = post_case(client, api_headers)

    assert response.status_code == 202
    body = response.get_json()
    assert body["status"] == "queued"
    assert response.headers["Location"] == body["links"]["self"] == f"/api/v1/appeals/{body['id']}"
    assert body["result"] == match_case(parse_case(LUMBAR_CASE)).to_json()
    assert body["case"]["denial"]["reference"] == "SYN-PA-42"
    assert body["letter"] is None
    assert body["created_at"].endswith("+00:00") and body["queued_at"].endswith("+00:00")
    with app.app_context():
        appeal = db.session.get(Appeal, body["id"])
        assert appeal.owner_id is not None and appeal.organization_id is not None
    assert audit_actions(app, body["id"]) == ["created"]


def test_letter_is_409_until_written_then_a_docx_that_opens(app, client, api_headers):
    appeal_id = post_case(client, api_headers).get_json()["id"]

    waiting = client.get(f"/api/v1/appeals/{appeal_id}/letter", headers=api_headers)
    assert waiting.status_code == 409
    assert waiting.get_json()["status"] == "queued"
    assert waiting.headers["Retry-After"]

    render(app, appeal_id)

    status = client.get(f"/api/v1/appeals/{appeal_id}", headers=api_headers).get_json()
    assert status["status"] == "done" and status["error"] is None
    assert status["letter"]["size"] > 1000
    download = client.get(status["links"]["letter"], headers=api_headers)
    assert download.status_code == 200
    assert download.mimetype == DOCX
    disposition = download.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and ".docx" in disposition
    assert "Robin" not in disposition and "SYN-0001" not in disposition  # no PHI in names
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(download.data)).paragraphs)
    assert "SYN-PA-42" in text  # the denial's reference is cited
    assert audit_actions(app, appeal_id) == ["created", "viewed", "downloaded"]


def test_an_invalid_case_is_422_naming_each_field_and_nothing_is_stored(app, client, api_headers):
    case = lumbar_case(plan_type="union", denial={"notice_date": "yesterday"}, colour="blue")
    del case["service"]

    response = post_case(client, api_headers, case)

    assert response.status_code == 422
    fields = {error["field"] for error in response.get_json()["errors"]}
    assert fields == {"service", "plan_type", "denial.notice_date", "colour"}
    assert count(app, Appeal) == 0


def test_a_case_that_is_not_an_object_is_422(client, api_headers):
    response = post_case(client, api_headers, ["72148"])
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["field"] == "(case)"


def test_malformed_json_is_a_400_json_error(app, client, api_headers):
    response = client.post("/api/v1/appeals", data='{"service": "72148",', headers=api_headers,
                           content_type="application/json")
    assert response.status_code == 400
    assert response.is_json and "not valid JSON" in response.get_json()["message"]
    assert count(app, Appeal) == 0


def test_a_body_that_is_not_json_is_415(client, api_headers):
    response = client.post("/api/v1/appeals", data="service=72148", headers=api_headers,
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415
    assert "application/json" in response.get_json()["message"]


def test_an_oversized_body_is_413_before_the_view_runs(app, client, api_headers, monkeypatch):
    app.config["MAX_CONTENT_LENGTH"] = 50_000
    calls = []
    monkeypatch.setattr(appeal_service, "submit_appeal", lambda *a, **k: calls.append(a))
    big = lumbar_case(documentation=[{"text": "x" * 40_000}, {"text": "y" * 40_000}])

    response = post_case(client, api_headers, big)

    assert response.status_code == 413
    assert response.is_json and "larger than 50000 bytes" in response.get_json()["message"]
    assert calls == [] and count(app, Appeal) == 0


def test_an_oversized_chunked_body_is_413_as_it_is_read(app, client, api_headers):
    app.config["MAX_CONTENT_LENGTH"] = 50_000
    body = json.dumps(lumbar_case(documentation=[{"text": "x" * 40_000}] * 2)).encode()
    # No Content-Length: the body streams in until the limit cuts it off. (A server that
    # decodes chunked bodies, as gunicorn and Werkzeug's do, marks the input terminated.)
    response = client.post("/api/v1/appeals", input_stream=io.BytesIO(body),
                           headers={**api_headers, "Transfer-Encoding": "chunked",
                                    "Content-Type": "application/json"},
                           environ_overrides={"wsgi.input_terminated": True})
    assert response.status_code == 413
    assert response.is_json
    assert count(app, Appeal) == 0


def test_unknown_and_others_ids_are_404_everywhere(app, client, api_headers, other_api_headers):
    appeal_id = post_case(client, api_headers).get_json()["id"]
    render(app, appeal_id)
    for headers in (api_headers, other_api_headers):
        for target in ("0" * 32, appeal_id):
            if headers is api_headers and target == appeal_id:
                continue
            for method, url in (("get", f"/api/v1/appeals/{target}"),
                                ("get", f"/api/v1/appeals/{target}/letter"),
                                ("post", f"/api/v1/appeals/{target}/retry")):
                response = getattr(client, method)(url, headers=headers)
                assert response.status_code == 404, (method, url)
                assert response.is_json
    assert audit_actions(app, appeal_id) == ["created"]


def test_the_letter_kind_is_a_query_parameter_and_is_checked(app, client, api_headers):
    from appeals.letters import LETTER_KINDS

    other_kind = next(kind for kind in LETTER_KINDS if kind != "patient") if LETTER_KINDS else None
    chosen = post_case(client, api_headers, letter=other_kind).get_json()
    assert chosen["kind"] == other_kind

    response = post_case(client, api_headers, letter="sonnet")
    assert response.status_code == 400  # a query parameter the document does not allow
    assert response.get_json()["errors"][0]["field"] == "letter"
    assert count(app, Appeal) == 1


def test_an_unknown_template_is_422_naming_the_template(app, client, api_headers):
    response = post_case(client, api_headers, template="f" * 32)
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["field"] == "template"
    assert count(app, Appeal) == 0


def test_a_broken_template_fails_the_job_with_a_reason(app, client, api_headers, user):
    with app.app_context():
        template_id, version_id = store_broken_template(user.id, user.organization_id)
    created = post_case(client, api_headers, template=template_id).get_json()
    assert created["template"] == version_id  # the exact version is recorded

    render(app, created["id"])

    status = client.get(f"/api/v1/appeals/{created['id']}", headers=api_headers).get_json()
    assert status["status"] == "failed"
    assert status["error"].startswith("The letter template could not be used:")
    assert "insurer_nickname" in status["error"]
    letter = client.get(f"/api/v1/appeals/{created['id']}/letter", headers=api_headers)
    assert letter.status_code == 409 and "insurer_nickname" in letter.get_json()["message"]
    assert count(app, Letter) == 0


def test_another_organizations_template_is_422(app, client, api_headers, other_api_headers):
    with app.app_context():
        stranger = db.session.scalar(select(User).where(User.email == "stranger@example.test"))
        template_id, version_id = store_broken_template(stranger.id, stranger.organization_id)
    for template in (template_id, version_id):
        response = post_case(client, api_headers, template=template)
        assert response.status_code == 422
        assert response.get_json()["errors"][0]["field"] == "template"
    assert count(app, Appeal) == 0


def test_a_failed_job_can_be_retried(app, client, api_headers, monkeypatch):
    def out_of_memory(*args, **kwargs):
        raise MemoryError

    with monkeypatch.context() as patch:
        patch.setattr(rendering, "render_letter", out_of_memory)
        appeal_id = post_case(client, api_headers).get_json()["id"]
        render(app, appeal_id)
    failed = client.get(f"/api/v1/appeals/{appeal_id}", headers=api_headers).get_json()
    assert failed["status"] == "failed" and "internal error" in failed["error"]

    retried = client.post(f"/api/v1/appeals/{appeal_id}/retry", headers=api_headers)
    assert retried.status_code == 202 and retried.get_json()["status"] == "queued"
    assert retried.headers["Location"] == f"/api/v1/appeals/{appeal_id}"
    render(app, appeal_id)
    done = client.get(f"/api/v1/appeals/{appeal_id}", headers=api_headers).get_json()
    assert done["status"] == "done" and done["error"] is None and done["attempts"] == 1
    again = client.post(f"/api/v1/appeals/{appeal_id}/retry", headers=api_headers)
    assert again.status_code == 409 and again.get_json()["status"] == "done"
    assert audit_actions(app, appeal_id) == ["created", "viewed", "retried", "viewed"]


def test_format_must_be_docx_or_pdf(app, client, api_headers):
    appeal_id = post_case(client, api_headers).get_json()["id"]
    render(app, appeal_id)
    response = client.get(f"/api/v1/appeals/{appeal_id}/letter?format=rtf", headers=api_headers)
    assert response.status_code == 400
    assert response.get_json()["errors"][0]["field"] == "format"


def test_pdf_without_libreoffice_is_a_clear_503(app, client, api_headers, monkeypatch):
    import appeals.letters.pdf as pdf

    monkeypatch.setattr(pdf, "soffice_path", lambda: None)
    appeal_id = post_case(client, api_headers).get_json()["id"]
    render(app, appeal_id)
    response = client.get(f"/api/v1/appeals/{appeal_id}/letter?format=pdf", headers=api_headers)
    assert response.status_code == 503
    assert "LibreOffice" in response.get_json()["message"]
    assert ".docx" in response.get_json()["message"]


@pytest.mark.libreoffice
def test_pdf_letter_with_libreoffice(app, client, api_headers):
    appeal_id = post_case(client, api_headers).get_json()["id"]
    render(app, appeal_id)
    response = client.get(f"/api/v1/appeals/{appeal_id}/letter?format=pdf", headers=api_headers)
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    assert '.pdf"' in response.headers["Content-Disposition"]
