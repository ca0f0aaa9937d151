"""Bulk processing in-process (Celery eager mode): failed rows retried alone, a chunk that runs
out of time, the sweep of stalled batches and its place in the beat schedule."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from appeals.extensions import db
from appeals.models import Letter

from .synthetic import spreadsheet_rows, to_csv
from .test_bulk_service import batch_id_from, read_zip, upload


def test_failed_rows_are_retried_alone(app, clinic, monkeypatch):
    client, headers = clinic
    from appeals.services import rendering

    real = rendering.render_docx
    calls = []

    def flaky(job):
        calls.append(job.row_number)
        if job.row_number in (3, 5) and calls.count(job.row_number) == 1:
            raise RuntimeError("disk hiccup")
        return real(job)

    monkeypatch.setattr(rendering, "render_docx", flaky)
    rows, _ = spreadsheet_rows(6, 0)
    batch_id = batch_id_from(upload(client, to_csv(rows)))
    status = client.get(f"/api/v1/batches/{batch_id}", headers=headers).get_json()
    assert (status["done"], status["failed"], status["status"]) == (4, 2, "finished")
    manifest, _ = read_zip(client.get(f"/bulk/{batch_id}/archive").data)
    failed = [m for m in manifest if m["status"] == "failed"]
    assert [int(m["row"]) for m in failed] == [3, 5] and all(m["error"] for m in failed)

    before = len(calls)
    response = client.post(f"/api/v1/batches/{batch_id}/retry", headers=headers)
    assert response.status_code == 202 and response.get_json()["retried"] == 2
    assert sorted(calls[before:]) == [3, 5]  # the other rows were not redone
    status = client.get(f"/api/v1/batches/{batch_id}", headers=headers).get_json()
    assert (status["done"], status["failed"]) == (6, 0)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Letter)) == 6


def test_a_chunk_out_of_time_keeps_what_it_wrote_and_continues(app, clinic, monkeypatch):
    """Celery's soft time limit in the middle of a chunk: the letters so far are kept, the chunk
    starts again (done rows skipped) instead of failing letters that did nothing wrong."""
    from celery.exceptions import SoftTimeLimitExceeded

    from appeals.access import Principal
    from appeals.models import Batch, BatchRow
    from appeals.services import bulk as batches
    from appeals.services import rendering

    rows, _ = spreadsheet_rows(25, 0)
    real = rendering.render_docx
    calls = []

    def slow(job):
        calls.append(job.row_number)
        if len(calls) == 13:
            raise SoftTimeLimitExceeded()
        return real(job)

    monkeypatch.setattr(rendering, "render_docx", slow)
    with app.app_context():
        batch = batches.stage_file(to_csv(rows), "x.csv", Principal())
        row_ids = list(db.session.scalars(select(BatchRow.id).where(BatchRow.batch_id == batch.id)))
        with pytest.raises(SoftTimeLimitExceeded):
            batches.process_chunk(batch.id, row_ids)
        db.session.rollback()
        assert db.session.scalar(select(func.count()).select_from(Letter)) == 12
        batches.process_chunk(batch.id, row_ids)  # what the task sends again
        assert db.session.scalar(select(func.count()).select_from(Letter)) == 25
        assert sorted(calls[13:]) == list(range(14, 27))  # only the unwritten rows again
        record = db.session.get(Batch, batch.id)
        assert batches.progress(record, resume=False).done == 25


def test_sweep_resumes_a_stalled_batch_and_starts_one_never_started(app, clinic):
    """A chunk whose message was lost (or a web process that died before enqueueing): once the
    batch has not moved for longer than a chunk may take, the sweep takes up what is left."""
    import datetime as dt

    from appeals.access import Principal
    from appeals.models import Batch, BatchRow
    from appeals.models.base import utcnow
    from appeals.services import bulk as batches

    rows, _ = spreadsheet_rows(30, 0)
    with app.app_context():
        never_started = batches.stage_file(to_csv(rows), "a.csv", Principal())
        stalled = batches.stage_file(to_csv(rows), "b.csv", Principal())
        row_ids = list(db.session.scalars(select(BatchRow.id).where(
            BatchRow.batch_id == stalled.id).order_by(BatchRow.row_number)))
        stalled.status = "running"
        db.session.commit()
        batches.process_chunk(stalled.id, row_ids[:10])  # the other chunks' messages were lost
        assert batches.sweep_batches() == 0  # both moved just now: nothing to do yet
        long_ago = utcnow() - dt.timedelta(hours=1)
        for batch_id in (never_started.id, stalled.id):
            db.session.get(Batch, batch_id).progressed_at = long_ago
        db.session.commit()
        assert batches.sweep_batches() == 2
        for batch_id in (never_started.id, stalled.id):
            db.session.expire_all()
            progress = batches.progress(db.session.get(Batch, batch_id), resume=False)
            assert (progress.status, progress.done) == ("finished", 30)
        assert db.session.scalar(select(func.count()).select_from(Letter)) == 60


def test_beat_runs_the_batch_sweep_beside_the_letter_sweep(app):
    from appeals.tasks import RUN_IN_BEAT

    schedule = app.extensions["celery"].conf.beat_schedule
    letters = next(e for e in schedule.values() if e["task"] == "appeals.sweep_stuck")
    batches = schedule["sweep-stalled-batches"]
    assert batches["task"] == "appeals.bulk.sweep"
    assert batches["schedule"] == letters["schedule"]
    # Both run in beat itself, where no stuck worker pool can hold them.
    assert {"appeals.sweep_stuck", "appeals.bulk.sweep"} <= RUN_IN_BEAT


def test_eager_mode_runs_the_registered_tasks_as_a_worker_would(app, clinic, monkeypatch):
    """Services send tasks by name through the app's Celery: in eager mode (these tests) the
    registered task runs, not a test-only shortcut."""
    from appeals import tasks
    from tests.service.conftest import LUMBAR_CASE

    client, headers = clinic
    ran = []
    for task in (tasks.process_chunk, tasks.render_letter):
        monkeypatch.setattr(task, "run", lambda *args, _name=task.name, **kw: ran.append(_name))
    rows, _ = spreadsheet_rows(3, 0)
    upload(client, to_csv(rows))
    client.post("/api/v1/appeals", headers=headers, json=LUMBAR_CASE)
    assert ran == ["appeals.bulk.process_chunk", "appeals.render_letter"]
