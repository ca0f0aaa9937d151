"""Bulk through real parts: PostgreSQL, Redis and real `celery -A worker worker` processes.

A worker SIGKILLed (whole process group, like a machine dying) in the middle of a batch: the batch
still ends with every letter written exactly once.
"""

from __future__ import annotations

import io
import zipfile

import pytest
from sqlalchemy import func, select

from appeals.services import bulk as batches
from appeals.access import Principal
from appeals.extensions import db
from appeals.models import Appeal, Batch, BatchRow, Letter, User
from support.workers import running_worker, wait_for
from tests.service.conftest import deployment

from .synthetic import spreadsheet_rows, to_csv

ROWS = 60


def letters_written(app, batch_id: str) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Letter).join(Appeal).where(
            Appeal.batch_id == batch_id))


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.slow
def test_worker_killed_mid_batch_still_yields_every_letter_exactly_once(tmp_path):
    # Time limits roomy enough that a loaded 2-core CI machine never hits them (a chunk of 10
    # letters takes about a second here); the waits below are generous for the same reason and
    # end as soon as their condition holds.
    extra = {"render_delay": 0.05, "BULK_CHUNK_SIZE": 10, "LETTER_SOFT_TIME_LIMIT": 60,
             "LETTER_TIME_LIMIT": 90}
    with deployment("redis", tmp_path, **extra) as service:
        app = service.app
        # This side (what the batch page and the API run) considers a batch stalled after 5 s
        # without progress, instead of after the workers' hard time limit: the resume then
        # comes quickly. Resuming a chunk that is in fact still running is safe (rows and
        # letters are claimed once), so the test checks that too.
        app.config["STUCK_RENDERING_AFTER"] = 5
        try:
            rows, _ = spreadsheet_rows(ROWS, 0)
            with app.app_context():
                user = db.session.scalar(select(User).where(User.email == "service.tester@example.test"))
                principal = Principal(user_id=user.id, organization_id=user.organization_id)
                batch = batches.stage_file(to_csv(rows), "denials.csv", principal, source="api")
                batch_id = batch.id
                with running_worker(service.config, concurrency=2) as worker:
                    batches.start(batch)
                    wait_for(lambda: letters_written(app, batch_id) >= 8, timeout=600,
                             message="the first letters")
                    worker.kill()
                killed_at = letters_written(app, batch_id)
                assert killed_at < ROWS, "the batch ended before the kill: nothing was tested"

                with running_worker(service.config, concurrency=2) as worker:
                    def finished():
                        db.session.expire_all()
                        record = db.session.get(Batch, batch_id)
                        return batches.progress(record).status == "finished"

                    # Watching the batch resumes what the dead worker held (as the beat sweep does).
                    wait_for(finished, timeout=600, interval=0.5, message="the batch to finish")

                db.session.expire_all()
                record = db.session.get(Batch, batch_id)
                progress = batches.progress(record, resume=False)
                reasons = list(db.session.scalars(select(Appeal.error).where(
                    Appeal.batch_id == batch_id, Appeal.error.is_not(None))))
                assert (progress.done, progress.failed, progress.total) == (ROWS, 0, ROWS), reasons
                appeals_per_row = db.session.execute(
                    select(Appeal.row_number, func.count()).where(Appeal.batch_id == batch_id)
                    .group_by(Appeal.row_number)).all()
                assert len(appeals_per_row) == ROWS and {n for _, n in appeals_per_row} == {1}
                assert letters_written(app, batch_id) == ROWS
                claimed = db.session.scalar(select(func.count(func.distinct(BatchRow.appeal_id)))
                                            .where(BatchRow.batch_id == batch_id))
                assert claimed == ROWS
                archive = zipfile.ZipFile(io.BytesIO(b"".join(batches.iter_archive(record))))
                assert len(archive.namelist()) == ROWS + 1
        finally:
            service.dispose()


@pytest.mark.slow
def test_embedded_mode_runs_a_batch_with_a_real_worker(tmp_path):
    """`make run`'s setup: SQLite and the server-less broker, a real worker process."""
    with deployment("embedded", tmp_path) as service:
        app = service.app
        try:
            rows, expected = spreadsheet_rows(20, 2)
            with running_worker(service.config):
                response = service.client.post(
                    "/api/v1/batches", headers=service.headers,
                    data={"file": (io.BytesIO(to_csv(rows)), "denials.csv")},
                    content_type="multipart/form-data")
                assert response.status_code == 202, response.get_json()
                url = response.headers["Location"]

                def finished():
                    body = service.client.get(url, headers=service.headers).get_json()
                    return body if body["status"] == "finished" else None

                body = wait_for(finished, timeout=600, interval=0.5, message="the batch")
            assert (body["done"], body["failed"], body["invalid"]) == (18, 0, 2)
            assert {e["row"] for e in body["errors"]} == set(expected)
            archive = service.client.get(url + "/archive", headers=service.headers)
            assert len(zipfile.ZipFile(io.BytesIO(archive.data)).namelist()) == 19
        finally:
            service.dispose()
