"""Fixtures for the service tests: synthetic cases, and real deployments (PostgreSQL + Redis, or
the embedded SQLite broker) with one real worker process per test module (CI has 2 cores)."""

from __future__ import annotations

import contextlib

import pytest
from flask_migrate import upgrade

from appeals.app import MIGRATIONS_DIR, create_app
from appeals.extensions import db
from support.workers import ServiceConfig, postgres_database, running_worker
from tests.conftest import bearer, make_user

# Synthetic: no real patient. Meets the lumbar MRI criteria (six weeks of treatment, a candidate
# for an injection) that the original request left out, so the letter is an appeal.
LUMBAR_CASE = {
    "service": "72148",
    "plan_type": "employer",
    "payer": "Synthetic Mutual Health",
    "patient": {"name": "Robin Synthetic-Testcase", "date_of_birth": "1971-03-04",
                "member_id": "SYN-0001-TEST"},
    "denial": {"notice_date": "2026-10-01", "received_date": "2026-10-03",
               "text": "Not medically necessary: conservative treatment not documented.",
               "code": "CO-50", "reference": "SYN-PA-42"},
    "original_request": "Low back pain with left leg pain, MRI requested.",
    "documentation": [
        {"text": "Physical therapy 2026-07-01 to 2026-08-20, 14 visits, home exercise program, "
                 "no improvement in pain or function.", "date": "2026-08-20",
         "source": "Physical therapy discharge summary"},
        {"text": "Re-evaluation 2026-08-25: persistent L5 radicular pain, straight leg raise "
                 "positive at 40 degrees, decreased sensation L5 dermatome.",
         "date": "2026-08-25", "source": "Office note"},
        {"text": "Plan: referred to spine surgery for evaluation; candidate for lumbar epidural "
                 "steroid injection, MRI needed to plan the injection.",
         "date": "2026-08-25", "source": "Office note"},
    ],
}


def lumbar_case(**overrides) -> dict:
    return {**LUMBAR_CASE, **overrides}


@contextlib.contextmanager
def deployment(kind: str, directory, **extra):
    """A migrated database and a Flask app for a deployment of `kind` ("redis" or "embedded")."""
    if kind == "redis":
        with postgres_database() as url:
            config = ServiceConfig.redis(url, directory, **extra)
            try:
                yield _migrated(config)
            finally:
                config.cleanup()
    else:
        config = ServiceConfig.embedded(f"sqlite:///{directory / 'appeals.sqlite'}", directory,
                                        **extra)
        yield _migrated(config)


class Deployment:
    def __init__(self, config: ServiceConfig):
        self.config = config
        self.app = create_app(config.app_config())
        self.client = self.app.test_client()
        with self.app.app_context():
            user = make_user("service.tester@example.test", "Synthetic Clinic")
            self.user_id, self.organization_id = user.id, user.organization_id
            self.headers = bearer(user)

    def dispose(self) -> None:
        with self.app.app_context():
            db.engine.dispose()


def _migrated(config: ServiceConfig) -> Deployment:
    # The tests' databases are made by the migrations, as production's are.
    app = create_app(config.app_config())
    with app.app_context():
        upgrade(directory=MIGRATIONS_DIR)
        db.engine.dispose()
    return Deployment(config)


@pytest.fixture(scope="module")
def redis_service(tmp_path_factory):
    """PostgreSQL + Redis + one real worker process, shared by a test module."""
    directory = tmp_path_factory.mktemp("redis-service")
    with deployment("redis", directory) as service:
        try:
            with running_worker(service.config) as worker:
                service.worker = worker
                yield service
        finally:
            service.dispose()


def store_broken_template(owner_id: int, organization_id: int | None) -> tuple[str, str]:
    """A library template whose stored version passed its upload check but fails when a letter is
    written (it names a variable no letter has). Returns (template id, version id). Call inside an
    app context."""
    import io

    import docx

    from appeals.models.templates import LetterTemplate, TemplateVersion

    document = docx.Document()
    document.add_paragraph("To {{ insurer_nickname }}: please reconsider.")
    buffer = io.BytesIO()
    document.save(buffer)
    template = LetterTemplate(name="Broken", owner_id=owner_id, organization_id=organization_id)
    db.session.add(template)
    db.session.flush()
    version = TemplateVersion(template_id=template.id, number=1, docx=buffer.getvalue(),
                              check_report={"ok": True, "problems": []})
    db.session.add(version)
    db.session.flush()
    template.current_version_id = version.id
    db.session.commit()
    return template.id, version.id
