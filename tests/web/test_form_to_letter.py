"""From the form post to the downloaded letter through a real Celery worker process: on Redis with
PostgreSQL (the distributed setup), and on the embedded broker with SQLite (what `make run` runs).
The page is polled as a browser without JavaScript would (its meta refresh)."""

from __future__ import annotations

import io
import re

import docx
import pytest
from sqlalchemy import func, select
from support.workers import ServiceConfig, postgres_database, running_worker, wait_for

from appeals.app import create_app
from appeals.criteria import load_library
from appeals.extensions import db
from appeals.models import Appeal, Letter
from appeals.models.appeals import DONE

from .conftest import PATIENT_NAME, parse, valid_form


def _form_to_downloaded_letter(config: ServiceConfig) -> None:
    app = create_app(config.app_config())
    with app.app_context():
        db.create_all()
    with running_worker(config) as worker:
        client = app.test_client()
        service = load_library().resolve("72148")
        response = client.post("/", data=valid_form(questions_for=service.id))
        assert response.status_code == 303
        page_url = response.headers["Location"]

        def letter_ready():
            page = client.get(page_url)
            assert page.status_code == 200
            tree = parse(page)
            if tree.xpath('//meta[@http-equiv="refresh"]'):
                return None  # still queued or being written: the browser would reload
            return [tree]  # (a list: an lxml element's truth value is deprecated)

        [tree] = wait_for(letter_ready, timeout=90, interval=0.5, message="the letter")
        # (valid_form's notes leave the criteria unmet: its letter is the checklist)
        assert re.search(r"Your (letter|checklist) is ready", tree.text_content()), \
            worker.log()[-2000:]
        link = tree.xpath('//a[contains(@href, "letter.docx")]/@href')[0]
        download = client.get(link)
        assert download.status_code == 200
        document = docx.Document(io.BytesIO(download.data))
        assert PATIENT_NAME in "\n".join(p.text for p in document.paragraphs)

    with app.app_context():
        appeal = db.session.scalars(select(Appeal)).one()
        assert appeal.status == DONE
        assert db.session.scalar(select(func.count()).select_from(Letter)) == 1
        db.session.remove()
        db.engine.dispose()


@pytest.mark.slow
@pytest.mark.redis
@pytest.mark.postgres
def test_form_to_letter_on_redis_and_postgres(tmp_path):
    with postgres_database() as url:
        config = ServiceConfig.redis(url, tmp_path)
        try:
            _form_to_downloaded_letter(config)
        finally:
            config.cleanup()


@pytest.mark.slow
def test_form_to_letter_embedded(tmp_path):
    config = ServiceConfig.embedded(f"sqlite:///{tmp_path / 'app.sqlite'}", tmp_path)
    _form_to_downloaded_letter(config)
