"""Through real parts: PostgreSQL, Redis and a real `celery -A worker worker` process.

1. Hostile templates that got into the database (stored directly, as if an older checker had let
   them through) are rendered by the worker: each job fails with a reason, and the SAME worker
   process then writes a normal letter from a library template.
2. A template uploaded through the API, previewed by the worker, then used for a 100-row batch
   through the bulk code: 100 letters, each recording the template version it used.
"""

from __future__ import annotations

import io

import pytest
from flask_migrate import upgrade

from appeals.app import MIGRATIONS_DIR, create_app
from appeals.extensions import db
from support.workers import ServiceConfig, postgres_database, running_worker, wait_for
from tests.bulk.synthetic import spreadsheet_rows, to_csv
from tests.conftest import bearer, make_user

from .docx_factory import make_docx

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.slow]

MARKER = "Library template 6 marker"
GOOD = make_docx(
    ["Dear {{ plan.name }},", "Re: {{ patient.name }}, reference {{ denial.reference }}.",
     "{%p for r in requirements %}", "{{ r.number }}. {{ r.text }}", "{%p endfor %}", MARKER],
    footer=["{{ service.description }}"],
)

# Each would be refused at upload; here they are written straight to the database so the worker
# has to stop them itself. (fragment of the failure reason it must give)
HOSTILE = {
    "ssti": ("{{ ''.__class__.__mro__[1].__subclasses__() }}", "unsafe"),
    "ssti_globals": ("{{ cycler.__init__.__globals__.os.popen('id').read() }}", "unsafe"),
    "range": ("{% for i in range(10**9) %}x{% endfor %}", "range() may produce at most"),
    "nested_loops": ("{% for a in range(9999) %}{% for b in range(9999) %}{{ patient.name }}"
                     "{% endfor %}{% endfor %}", "loops more than"),
    "nested_long_lists": ("{% for a in requirements * 5000 %}{% for b in requirements * 5000 %}"
                          "{{ a.text }}{% endfor %}{% endfor %}", "loops more than"),
    "gigabytes": ("{{ 'x' * 10**10 }}", "would build more than"),
    "repeated_filters": ("{{ ('x' * 9999)|replace('x', 'x' * 9999)|replace('x', 'xx') }}",
                         "more than"),
}


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    directory = tmp_path_factory.mktemp("templates-service")
    with postgres_database() as url:
        # Preview page images need LibreOffice in the worker: left to the libreoffice-marked test.
        config = ServiceConfig.redis(url, directory, TEMPLATE_PREVIEW_IMAGES=0)
        app = create_app(config.app_config())
        try:
            with app.app_context():
                upgrade(directory=MIGRATIONS_DIR)  # our migration, not create_all
                user = make_user("advocate@example.test", "Synthetic Advocates")
                headers = bearer(user)
                principal_ids = (user.id, user.organization_id)
            with running_worker(config) as worker:
                yield app, headers, principal_ids, worker
        finally:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()  # close PostgreSQL connections before the database is dropped
            config.cleanup()


def _store_unchecked(app, owner_id, organization_id, docx: bytes) -> str:
    """A version written without the upload check (what the worker must still survive)."""
    from appeals.models import LetterTemplate, TemplateVersion

    with app.app_context():
        template = LetterTemplate(name="unchecked", owner_id=owner_id,
                                  organization_id=organization_id)
        db.session.add(template)
        db.session.flush()
        version = TemplateVersion(template_id=template.id, number=1, docx=docx,
                                  check_report={"ok": True, "problems": []})
        db.session.add(version)
        db.session.flush()
        template.current_version_id = version.id
        db.session.commit()
        return version.id


def _status(app, appeal_id):
    from appeals.models import Appeal

    with app.app_context():
        appeal = db.session.get(Appeal, appeal_id)
        return appeal.status if appeal.is_finished else None


def test_hostile_templates_fail_with_a_reason_and_the_worker_keeps_serving(service):
    from appeals.services import appeals as jobs
    from appeals.access import Principal
    from appeals.letter_templates.samples import samples
    from appeals.letters.text import docx_text
    from appeals.models import Appeal

    app, _headers, (owner_id, organization_id), worker = service
    principal = Principal(owner_id, organization_id)
    case = samples()[0].case
    pid = worker.process.pid

    submitted = {}
    for name, (payload, _) in HOSTILE.items():
        version_id = _store_unchecked(app, owner_id, organization_id,
                                      make_docx(["Dear {{ plan.name }},", payload]))
        with app.app_context():
            submitted[name] = jobs.submit_appeal(case, template_version_id=version_id,
                                                 principal=principal).id
    for name, appeal_id in submitted.items():
        wait_for(lambda: _status(app, appeal_id), timeout=90, message=f"{name} to finish")
        with app.app_context():
            appeal = db.session.get(Appeal, appeal_id)
            assert appeal.status == "failed", name
            assert appeal.error.startswith("The letter template could not be used"), appeal.error
            assert HOSTILE[name][1] in appeal.error, (name, appeal.error)
            assert jobs.letter_for(appeal) is None

    # The same worker process, still up, writes a normal letter next.
    assert worker.process.poll() is None and worker.process.pid == pid
    good_version = _store_unchecked(app, owner_id, organization_id, GOOD)
    with app.app_context():
        appeal_id = jobs.submit_appeal(case, template_version_id=good_version,
                                       principal=principal).id
    wait_for(lambda: _status(app, appeal_id), timeout=60, message="the normal letter")
    with app.app_context():
        appeal = db.session.get(Appeal, appeal_id)
        assert appeal.status == "done", appeal.error
        letter = jobs.letter_for(appeal)
        assert letter.template_version_id == good_version
        assert MARKER in docx_text(letter.docx)
    assert "(root)" not in worker.log()  # `id` never ran (its output reads "uid=0(root) ...")


def test_upload_preview_then_a_100_row_batch(service):
    from appeals.letters.text import docx_text
    from appeals.models import Appeal

    app, headers, _, worker = service
    client = app.test_client()

    response = client.post("/api/v1/templates", headers=headers, content_type="multipart/form-data",
                           data={"name": "Clinic appeal", "visibility": "organization",
                                 "file": (io.BytesIO(GOOD), "clinic.docx")})
    assert response.status_code == 201, response.json
    template = response.json["template"]
    version_id = template["current_version"]["id"]

    # The upload queued a preview; the worker renders it.
    def preview_done():
        body = client.get(f"/api/v1/templates/{template['id']}/preview", headers=headers).json
        return body if body["status"] in ("done", "failed") else None

    preview = wait_for(preview_done, timeout=120, interval=0.5, message="the preview")
    assert preview["status"] == "done"
    samples = preview["preview"]["samples"]
    assert len(samples) == 5 and all(s["ok"] for s in samples), samples
    assert all(MARKER in s["text"] for s in samples)

    rows, _ = spreadsheet_rows(total=100, broken=0)
    response = client.post(f"/api/v1/batches?letter={version_id}", headers=headers,
                           content_type="multipart/form-data",
                           data={"file": (io.BytesIO(to_csv(rows)), "clinic.csv")})
    assert response.status_code == 202, response.json
    batch_url = response.headers["Location"]

    def batch_finished():
        body = client.get(batch_url, headers=headers).json
        return body if body["status"] == "finished" else None

    batch = wait_for(batch_finished, timeout=300, interval=1, message="the batch")
    with app.app_context():
        appeals = list(db.session.scalars(db.select(Appeal).where(
            Appeal.batch_id == batch["id"])))
        assert len(appeals) == 100
        assert {a.status for a in appeals} == {"done"}, {a.error for a in appeals}
        assert {a.template_version_id for a in appeals} == {version_id}
        for appeal in appeals[:10]:
            letter = appeal.letter
            assert letter.template_version_id == version_id
            text = docx_text(letter.docx)
            assert MARKER in text and appeal.case_json["patient"]["name"] in text
    assert worker.process.poll() is None
