"""The library through the API and the pages: upload with the check, versions, sharing, preview,
and a library template used for a letter (its version recorded)."""

from __future__ import annotations

import io

import pytest

from appeals.extensions import db
from tests.accounts.conftest import sign_in
from tests.conftest import bearer, make_user

from .docx_factory import make_docx

GOOD = make_docx(
    ["Dear {{ plan.name }},", "I appeal for {{ patient.name }} ({{ patient.member_id }}).",
     "{%p for r in requirements %}", "{{ r.number }}. {{ r.text }}", "{%p endfor %}",
     "{%p if is_expedited %}", "EXPEDITED REVIEW REQUESTED", "{%p endif %}",
     "Library letter marker."],
    header=["Ref {{ denial.reference }}"],
)


@pytest.fixture
def library_app(app):
    # Previews render in this process's child (no worker), without LibreOffice images; only the
    # tests about previews ask for one (each costs a few seconds).
    app.config.update(TEMPLATE_PREVIEW_INLINE=True, TEMPLATE_PREVIEW_IMAGES=False,
                      TEMPLATE_PREVIEW_ON_UPLOAD=False)
    return app


def render_preview(client, headers, template_id):
    response = client.post(f"/api/v1/templates/{template_id}/preview", headers=headers)
    assert response.status_code == 202
    return response.json


def upload(client, headers, data=GOOD, **form):
    fields = {"name": "My letter", **form, "file": (io.BytesIO(data), "letter.docx")}
    return client.post("/api/v1/templates", data=fields, headers=headers,
                       content_type="multipart/form-data")


# --- API -------------------------------------------------------------------------------------


def test_upload_checks_stores_and_previews(library_app, client, api_headers):
    response = upload(client, api_headers, description="For MRI denials")
    assert response.status_code == 201, response.json
    body = response.json
    assert body["check"]["ok"] is True
    template = body["template"]
    assert template["name"] == "My letter" and template["visibility"] == "private"
    assert template["current_version"]["number"] == 1
    assert response.headers["Location"].endswith(template["id"])

    assert client.get(f"/api/v1/templates/{template['id']}/preview",
                      headers=api_headers).json["status"] == "none"
    render_preview(client, api_headers, template["id"])
    preview = client.get(f"/api/v1/templates/{template['id']}/preview", headers=api_headers).json
    assert preview["status"] == "done"
    samples = {s["key"]: s for s in preview["preview"]["samples"]}
    assert set(samples) == {"appeal", "not_met", "administrative", "expedited",
                            "check_before_filing"}
    assert all(s["ok"] for s in samples.values())
    assert "Alex Rivera" in samples["appeal"]["text"]
    assert "EXPEDITED REVIEW REQUESTED" in samples["expedited"]["text"]
    assert "EXPEDITED REVIEW REQUESTED" not in samples["appeal"]["text"]

    listed = client.get("/api/v1/templates", headers=api_headers).json
    assert [t["id"] for t in listed["templates"]] == [template["id"]]
    assert {b["kind"] for b in listed["builtins"]} >= {"patient", "advocate"}


def test_refused_upload_returns_the_report_and_stores_nothing(library_app, client, api_headers):
    data = make_docx(["Dear {{ patient.nme }},",
                      "{{ cycler.__init__.__globals__.os.popen('id').read() }}"])
    response = upload(client, api_headers, data=data)
    assert response.status_code == 422
    problems = response.json["check"]["problems"]
    assert any("did you mean `patient.name`?" in p["message"] and
               p["location"] == "body, paragraph 1" for p in problems)
    assert any(p["code"] == "forbidden_attribute" for p in problems)
    assert client.get("/api/v1/templates", headers=api_headers).json["templates"] == []


def test_check_endpoint_and_bad_requests(library_app, client, api_headers):
    response = client.post("/api/v1/templates/check", headers=api_headers,
                           data={"file": (io.BytesIO(b"not a zip"), "x.docx")},
                           content_type="multipart/form-data")
    assert response.status_code == 200 and response.json["ok"] is False
    assert "not a Word .docx" in response.json["problems"][0]["message"]
    response = client.post("/api/v1/templates", headers=api_headers, data={"name": "x"},
                           content_type="multipart/form-data")
    assert response.status_code == 400 and response.json["errors"][0]["field"] == "file"
    response = upload(client, api_headers, visibility="everyone")
    assert response.status_code == 422 and response.json["errors"][0]["field"] == "visibility"
    assert client.get("/api/v1/templates").status_code == 401


def test_versions_sharing_and_who_sees_what(library_app, client, api_headers, other_api_headers):
    template = upload(client, api_headers).json["template"]
    tid = template["id"]
    with library_app.app_context():
        colleague = make_user("colleague@example.test")
        from appeals.models import User
        owner = db.session.execute(db.select(User).filter_by(
            email="clinic.user@example.test")).scalar_one()
        colleague.organization_id = owner.organization_id
        db.session.commit()
        colleague_headers = bearer(colleague)

    # private: the owner only (another organization's user and a colleague both get 404)
    for headers in (other_api_headers, colleague_headers):
        assert client.get(f"/api/v1/templates/{tid}", headers=headers).status_code == 404

    response = client.patch(f"/api/v1/templates/{tid}", headers=api_headers,
                            json={"visibility": "organization"})
    assert response.status_code == 200 and response.json["visibility"] == "organization"
    assert client.get(f"/api/v1/templates/{tid}", headers=colleague_headers).status_code == 200
    assert client.get(f"/api/v1/templates/{tid}", headers=other_api_headers).status_code == 404
    # a colleague may use it but not change it
    response = client.post(f"/api/v1/templates/{tid}/versions", headers=colleague_headers,
                           data={"file": (io.BytesIO(GOOD), "v2.docx")},
                           content_type="multipart/form-data")
    assert response.status_code == 403

    client.patch(f"/api/v1/templates/{tid}", headers=api_headers, json={"visibility": "public"})
    assert client.get(f"/api/v1/templates/{tid}", headers=other_api_headers).status_code == 200
    # viewers read the preview; only the owner queues another render
    assert client.get(f"/api/v1/templates/{tid}/preview",
                      headers=other_api_headers).status_code == 200
    assert client.post(f"/api/v1/templates/{tid}/preview",
                       headers=other_api_headers).status_code == 403

    # editing = a new version; a refused version leaves the current one in place
    edited = GOOD.replace(b"Library letter marker.", b"Second version marker.")
    response = client.post(f"/api/v1/templates/{tid}/versions", headers=api_headers,
                           data={"file": (io.BytesIO(edited), "v2.docx")},
                           content_type="multipart/form-data")
    assert response.status_code == 201 and response.json["version"]["number"] == 2
    bad = make_docx(["{% for r in requirements %}"])
    response = client.post(f"/api/v1/templates/{tid}/versions", headers=api_headers,
                           data={"file": (io.BytesIO(bad), "v3.docx")},
                           content_type="multipart/form-data")
    assert response.status_code == 422
    detail = client.get(f"/api/v1/templates/{tid}", headers=api_headers).json
    assert [v["number"] for v in detail["versions"]] == [1, 2]
    assert detail["current_version"]["number"] == 2
    v1 = client.get(f"/api/v1/templates/{tid}/docx?version=1", headers=api_headers).data
    assert v1 == GOOD

    # only the owner deletes; then it is gone for everyone, with its versions
    assert client.delete(f"/api/v1/templates/{tid}", headers=colleague_headers).status_code == 403
    assert client.delete(f"/api/v1/templates/{tid}", headers=api_headers).status_code == 204
    assert client.get(f"/api/v1/templates/{tid}", headers=api_headers).status_code == 404
    with library_app.app_context():
        from appeals.models import TemplateVersion
        assert db.session.execute(db.select(TemplateVersion)).first() is None


def test_a_library_template_writes_the_letter_and_the_version_is_recorded(library_app, client,
                                                                          api_headers):
    from appeals.services import appeals as jobs
    from appeals.access import Principal
    from appeals.contract import Case
    from appeals.services import letter_library as store
    from appeals.letter_templates.samples import samples
    from appeals.letters.text import docx_text
    from appeals.models import Appeal, User

    template = upload(client, api_headers).json["template"]
    with library_app.app_context():
        owner = db.session.execute(db.select(User).filter_by(
            email="clinic.user@example.test")).scalar_one()
        principal = Principal(owner.id, owner.organization_id)
        version_id, prepared = store.resolve_template_for(principal, template["id"])
        assert version_id == template["current_version"]["id"]
        case = Case.model_validate(samples()[0].case.model_dump(mode="json"))
        appeal = jobs.submit_appeal(case, template_version_id=version_id, principal=principal,
                                    enqueue=False)
        jobs.render_appeal(appeal.id)
        appeal = db.session.get(Appeal, appeal.id)
        assert appeal.status == "done", appeal.error
        assert appeal.template_version_id == version_id
        letter = jobs.letter_for(appeal)
        assert letter.template_version_id == version_id
        assert "Library letter marker." in docx_text(letter.docx)

        stranger = make_user("nosy@example.test", "Elsewhere")
        with pytest.raises(jobs.SubmissionError):
            jobs.submit_appeal(case, template_version_id=version_id,
                               principal=Principal(stranger.id, stranger.organization_id),
                               enqueue=False)
        with pytest.raises(LookupError):
            store.resolve_template_for(Principal(stranger.id, stranger.organization_id),
                                       template["id"])


def test_preview_of_a_template_that_runs_away_shows_why(library_app, client, api_headers):
    # Passes the upload check (each number is small) but would loop 10^8 times: the sandbox's
    # budget stops it in every sample, and the preview says so.
    data = make_docx(["{% for a in range(9999) %}{% for b in range(9999) %}"
                      "{% endfor %}{% endfor %}{{ patient.name }}"])
    response = upload(client, api_headers, data=data)
    assert response.status_code == 201
    tid = response.json["template"]["id"]
    preview = render_preview(client, api_headers, tid)
    assert preview["status"] == "done"
    for sample in preview["preview"]["samples"]:
        assert sample["ok"] is False
        assert "loops more than" in sample["error"]


def test_openapi_describes_the_template_paths(library_app, client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    for path in ("/api/v1/templates", "/api/v1/templates/{template_id}",
                 "/api/v1/templates/{template_id}/versions",
                 "/api/v1/templates/{template_id}/preview", "/api/v1/templates/check"):
        assert path in paths


# --- pages -----------------------------------------------------------------------------------


def test_pages_upload_refused_then_accepted_then_preview(library_app, client, user):
    assert client.get("/templates/").status_code in (302, 401)
    assert sign_in(client, "clinic.user@example.test").status_code == 302
    page = client.get("/templates/")
    assert page.status_code == 200 and b"Upload a template" in page.data
    assert b"Copy to my templates" in page.data

    bad = make_docx(["Hello {{ patient.nme }}", "<b>{{ x.__class__ }}</b>"])
    response = client.post("/templates/", data={
        "name": "Mine", "visibility": "private", "file": (io.BytesIO(bad), "mine.docx")},
        content_type="multipart/form-data")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "The template was not accepted" in html
    assert "<code>patient.nme</code> is not a letter variable — did you mean " \
           "<code>patient.name</code>?" in html
    assert "body, paragraph 1" in html
    assert "<b>" not in html and "&lt;b&gt;{{ x.__class__ }}&lt;/b&gt;" in html  # escaped

    response = client.post("/templates/", data={
        "name": "Mine", "visibility": "private", "file": (io.BytesIO(GOOD), "mine.docx")},
        content_type="multipart/form-data")
    assert response.status_code == 302
    show = client.get(response.headers["Location"])
    assert b"Check passed" in show.data and b"Upload a new version" in show.data
    preview = client.post(response.headers["Location"] + "/preview", follow_redirects=True
                          ).get_data(as_text=True)
    assert "Expedited / emergency" in preview and "Alex Rivera" in preview
    # Each sample is described in plain words, not as field names.
    assert "Sample: appeal, employer plan." in preview
    assert "Sample: appeal, Medicare Advantage plan, expedited (72 hours)." in preview
    assert "context of the" not in preview and "urgency standard" not in preview


def test_clone_a_built_in_and_download_it(library_app, client, user):
    sign_in(client, "clinic.user@example.test")
    builtin = client.get("/templates/builtin/advocate.docx")
    assert builtin.status_code == 200 and builtin.data.startswith(b"PK")
    response = client.post("/templates/builtin/advocate/clone")
    assert response.status_code == 302
    show = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "builtin advocate" in show.replace("built-in ", "builtin ") or "advocate" in show
    download = client.get(response.headers["Location"] + "/download")
    assert download.data == builtin.data


def test_variables_reference_comes_from_the_schema(library_app, client):
    from appeals.letters.schema import context_variables

    html = client.get("/templates/variables").get_data(as_text=True)
    for variable in context_variables():
        assert f"<code>{variable['name']}</code>" in html
    assert "Authoring guide" in html and "{%p for r in requirements %}" in html


def test_another_users_private_template_page_is_not_found(library_app, client, api_headers,
                                                          user):
    tid = upload(client, api_headers).json["template"]["id"]
    with library_app.app_context():
        make_user("other.person@example.test", "Other Org")
    sign_in(client, "other.person@example.test")
    assert client.get(f"/templates/{tid}").status_code == 404
    assert client.get(f"/templates/{tid}/preview").status_code == 404
    assert client.get(f"/templates/{tid}/download").status_code == 404


# --- the preview's own guards ----------------------------------------------------------------


def test_preview_render_has_a_hard_time_limit():
    from appeals.letter_templates.preview import render_isolated

    started = __import__("time").monotonic()
    results = render_isolated(GOOD, [{}, {}], timeout=0.2)
    assert __import__("time").monotonic() - started < 5
    assert [r["ok"] for r in results] == [False, False]
    assert "took longer than 0.2 s and was stopped" in results[0]["error"]


@pytest.mark.libreoffice
def test_preview_shows_page_images():
    import shutil

    from appeals.letter_templates.preview import render_samples

    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    result = render_samples(GOOD, images=True)
    assert result["images_note"] is None
    for sample in result["samples"]:
        assert sample["ok"] and sample["pages"], sample["key"]
        assert all(page.startswith(b"\x89PNG") for page in sample["pages"])
