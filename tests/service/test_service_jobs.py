"""appeals.services (appeals, rendering) without a worker: rendering exactly once, failures as reasons, the sweep,
anonymous access keys, submissions from the bulk importer."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from appeals.services import appeals as appeal_service
from appeals.services import rendering
from appeals.access import Principal
from appeals.contract import parse_case
from appeals.extensions import db
from appeals.letters.text import docx_text
from appeals.models import Appeal, Batch, Letter
from appeals.models.appeals import DONE, FAILED, QUEUED, RENDERING
from appeals.models.base import utcnow

from .conftest import LUMBAR_CASE



@pytest.fixture
def ctx(app):
    with app.app_context():
        yield app


@pytest.fixture
def enqueued(monkeypatch):
    """The ids the code under test enqueued (instead of sending them to a broker)."""
    ids: list[str] = []
    monkeypatch.setattr(appeal_service, "enqueue_letter", ids.append)
    return ids


def submit(**kwargs) -> Appeal:
    return appeal_service.submit_appeal(parse_case(LUMBAR_CASE), **kwargs)


def letters_of(appeal_id) -> int:
    return db.session.scalar(select(func.count()).select_from(Letter).where(Letter.appeal_id == appeal_id))


def test_submit_commits_then_enqueues_by_id(ctx, enqueued):
    seen_in_db = []
    # When the id is enqueued, the appeal must already be committed (another session sees it).
    enqueue = enqueued.append

    def check_committed(appeal_id):
        with db.engine.connect() as connection:
            seen_in_db.append(connection.scalar(select(Appeal.status).where(Appeal.id == appeal_id)))
        enqueue(appeal_id)

    appeal_service.enqueue_letter = check_committed  # restored by monkeypatch's undo of the fixture
    db.session.add(Batch(id="batch-1", total_rows=7))  # the batch the row belongs to
    db.session.commit()
    appeal = submit(principal=Principal(), batch_id="batch-1", row_number=7)

    assert enqueued == [appeal.id] and seen_in_db == [QUEUED]
    assert (appeal.batch_id, appeal.row_number) == ("batch-1", 7)
    assert appeal.owner_id is None and appeal.kind  # anonymous; the result's default kind


def test_rendering_twice_writes_one_letter(ctx, enqueued):
    appeal = submit(principal=Principal())
    appeal_service.render_appeal(appeal.id)
    first = appeal_service.letter_for(appeal)
    appeal_service.render_appeal(appeal.id)  # a redelivered task

    assert letters_of(appeal.id) == 1
    assert appeal_service.letter_for(appeal).id == first.id
    assert appeal.status == DONE and appeal.attempts == 1
    assert "SYN-PA-42" in docx_text(first.docx)  # the letter answers this denial


def test_a_task_that_finds_the_letter_already_written_only_marks_it_done(ctx, enqueued):
    # The worker died after the letter was committed with "done"... or another delivery wrote it.
    appeal = submit(principal=Principal())
    appeal_service.render_appeal(appeal.id)
    appeal.status = RENDERING
    db.session.commit()

    appeal_service.render_appeal(appeal.id)

    assert appeal.status == DONE and letters_of(appeal.id) == 1 and appeal.attempts == 1


def test_the_database_allows_one_letter_per_appeal(ctx, enqueued):
    appeal = submit(principal=Principal())
    appeal_service.render_appeal(appeal.id)
    db.session.add(Letter(appeal_id=appeal.id, docx=b"x", filename="x.docx"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_a_purged_appeal_is_nothing_to_do(ctx):
    appeal_service.render_appeal("0" * 32)  # no error


def test_an_internal_error_fails_the_job_without_repeating_case_data(ctx, enqueued, monkeypatch,
                                                                     caplog):
    def explode(case, result, **kwargs):
        raise ValueError(f"cannot format {case.patient.name}")

    monkeypatch.setattr(rendering, "render_letter", explode)
    appeal = submit(principal=Principal())
    with caplog.at_level(logging.ERROR):
        appeal_service.render_appeal(appeal.id)

    assert appeal.status == FAILED
    assert "internal error" in appeal.error and "Retry" in appeal.error
    assert "Robin" not in appeal.error and "Robin" not in caplog.text
    assert appeal.id in caplog.text and "ValueError" in caplog.text


def test_a_render_that_runs_out_of_time_says_so():
    from celery.exceptions import SoftTimeLimitExceeded

    assert "took too long" in rendering.failure_reason(SoftTimeLimitExceeded())


def test_the_sweep_requeues_jobs_whose_worker_died_and_leaves_the_rest(ctx, enqueued):
    now = utcnow()
    dead = submit(principal=Principal())
    dead.status, dead.started_at = RENDERING, now - timedelta(minutes=30)
    running = submit(principal=Principal())
    running.status, running.started_at = RENDERING, now - timedelta(seconds=5)
    lost = submit(principal=Principal())
    lost.queued_at = now - timedelta(hours=2)
    waiting = submit(principal=Principal())
    finished = submit(principal=Principal())
    finished.status, finished.queued_at = DONE, now - timedelta(days=1)
    db.session.commit()
    enqueued.clear()

    assert appeal_service.sweep_stuck() == 2

    assert sorted(enqueued) == sorted([dead.id, lost.id])
    db.session.expire_all()
    assert dead.status == QUEUED and dead.started_at is None
    assert (running.status, waiting.status, finished.status) == (RENDERING, QUEUED, DONE)
    # Swept jobs wait a full period again before the next sweep repeats them.
    assert appeal_service.sweep_stuck() == 0


def test_anonymous_access_keys_open_only_their_appeal(ctx, enqueued):
    appeal = submit(principal=Principal())
    other = submit(principal=Principal())
    key = appeal_service.create_anonymous_access(appeal)

    assert len(key) >= 40 and key not in (appeal.access_key_hash or "")
    assert appeal_service.appeal_for_access_key(appeal.id, key).id == appeal.id
    assert appeal_service.appeal_for_access_key(other.id, key) is None
    assert appeal_service.appeal_for_access_key(appeal.id, key[:-1] + "x") is None
    assert appeal_service.appeal_for_access_key(appeal.id, None) is None


def test_unknown_letter_kind_and_template_are_submission_errors(ctx, enqueued, monkeypatch):
    with pytest.raises(appeal_service.SubmissionError) as raised:
        submit(principal=Principal(), kind="limerick", template_version_id="v1")
    assert {e["field"] for e in raised.value.errors} == {"letter", "template"}
    assert db.session.scalar(select(func.count()).select_from(Appeal)) == 0


def test_a_job_cut_off_again_and_again_fails_instead_of_looping(ctx, enqueued):
    # Each attempt died with its worker (or hit the hard time limit) and was swept up again.
    appeal = submit(principal=Principal())
    appeal.status, appeal.attempts = RENDERING, 3
    db.session.commit()

    appeal_service.render_appeal(appeal.id)

    assert appeal.status == FAILED and "stopped 3 times" in appeal.error
    assert letters_of(appeal.id) == 0
    appeal_service.retry_appeal(appeal)  # a person asks again: a fresh set of attempts
    assert appeal.status == QUEUED and appeal.attempts == 0
    appeal_service.render_appeal(appeal.id)
    assert appeal.status == DONE and letters_of(appeal.id) == 1


def test_database_errors_do_not_carry_case_data(ctx):
    from sqlalchemy import insert

    row = {"id": "x" * 32, "case_json": {"patient": {"name": "Robin Synthetic-Testcase"}},
           "result_json": {}, "kind": "patient", "status": QUEUED, "attempts": 0,
           "queued_at": utcnow(), "created_at": utcnow()}
    db.session.execute(insert(Appeal).values(**row))
    with pytest.raises(IntegrityError) as raised:
        db.session.execute(insert(Appeal).values(**row))  # the same id again
    db.session.rollback()
    assert "Robin" not in str(raised.value)
