"""From submission to downloaded letter through real parts: a real `celery -A worker worker`
process on the running Redis with PostgreSQL (migrated by Alembic), and the embedded broker with
SQLite. Workers killed mid-task; a broken template. (The HTML form path is tests/web.)"""

from __future__ import annotations

import io
import os
import signal

import docx
import pytest
from sqlalchemy import func, select

from appeals.extensions import db
from appeals.models import Letter
from support.workers import running_worker, wait_for

from .conftest import LUMBAR_CASE, deployment, store_broken_template

pytestmark = pytest.mark.slow

# Short limits so a dead worker's job is swept within seconds (production: minutes).
KILL_TEST_CONFIG = dict(render_delay=2, LETTER_SOFT_TIME_LIMIT=4, LETTER_TIME_LIMIT=5,
                        STUCK_RENDERING_AFTER=6, SWEEP_INTERVAL=2)


def submit(service, case=LUMBAR_CASE, **params) -> str:
    response = service.client.post("/api/v1/appeals", json=case, headers=service.headers,
                                   query_string=params)
    assert response.status_code == 202, response.get_json()
    return response.get_json()["id"]


def appeal_status(service, appeal_id) -> dict:
    return service.client.get(f"/api/v1/appeals/{appeal_id}", headers=service.headers).get_json()


def wait_finished(service, appeal_id, timeout=60) -> dict:
    return wait_for(lambda: (s := appeal_status(service, appeal_id))["status"] in ("done", "failed") and s,
                    timeout=timeout, message=f"appeal {appeal_id} to finish")


def letter_rows(service, appeal_id) -> int:
    with service.app.app_context():
        return db.session.scalar(
            select(func.count()).select_from(Letter).where(Letter.appeal_id == appeal_id))


def download_text(service, appeal_id) -> str:
    response = service.client.get(f"/api/v1/appeals/{appeal_id}/letter", headers=service.headers)
    assert response.status_code == 200
    return "\n".join(p.text for p in docx.Document(io.BytesIO(response.data)).paragraphs)


@pytest.mark.redis
@pytest.mark.postgres
def test_api_to_downloaded_letter_on_redis_and_postgresql(redis_service):
    appeal_id = submit(redis_service)

    status = wait_finished(redis_service, appeal_id)

    assert status["status"] == "done", status["error"]
    assert "SYN-PA-42" in download_text(redis_service, appeal_id)
    assert letter_rows(redis_service, appeal_id) == 1


@pytest.mark.redis
@pytest.mark.postgres
def test_a_broken_template_fails_its_job_with_a_reason_and_the_worker_goes_on(redis_service):
    with redis_service.app.app_context():
        template_id, _ = store_broken_template(redis_service.user_id, redis_service.organization_id)
    broken = submit(redis_service, template=template_id)
    fine = submit(redis_service)

    failed = wait_finished(redis_service, broken)
    done = wait_finished(redis_service, fine)

    assert failed["status"] == "failed"
    assert failed["error"].startswith("The letter template could not be used")
    assert "insurer_nickname" in failed["error"]
    assert letter_rows(redis_service, broken) == 0
    assert done["status"] == "done" and letter_rows(redis_service, fine) == 1
    assert redis_service.worker.process.poll() is None  # the worker is still serving


def _wait_rendering(service, appeal_id):
    wait_for(lambda: appeal_status(service, appeal_id)["status"] == "rendering", timeout=30,
             message="the worker to start rendering")


@pytest.mark.redis
@pytest.mark.postgres
def test_a_worker_killed_mid_task_still_delivers_the_letter_exactly_once_redis(tmp_path):
    with deployment("redis", tmp_path, **KILL_TEST_CONFIG) as service:
        try:
            with running_worker(service.config) as doomed:
                appeal_id = submit(service)
                _wait_rendering(service, appeal_id)
                doomed.kill()  # SIGKILL to the main process and its pool: no goodbye

            assert appeal_status(service, appeal_id)["status"] == "rendering"
            # A new worker with the periodic sweep finds the job its predecessor left behind.
            with running_worker(service.config, beat=True):
                status = wait_finished(service, appeal_id, timeout=60)

            assert status["status"] == "done" and status["attempts"] == 2
            assert letter_rows(service, appeal_id) == 1
            assert "SYN-PA-42" in download_text(service, appeal_id)
        finally:
            service.dispose()


def test_a_worker_child_killed_mid_task_still_delivers_the_letter_exactly_once_embedded(tmp_path):
    with deployment("embedded", tmp_path, **KILL_TEST_CONFIG) as service:
        try:
            with running_worker(service.config, beat=True) as worker:
                appeal_id = submit(service)
                _wait_rendering(service, appeal_id)
                children = worker.child_pids()
                assert children, worker.log()
                for pid in children:
                    os.kill(pid, signal.SIGKILL)
                # The embedded broker cannot hand an unacknowledged task back, so the sweep
                # (beat, in this worker) finds the job still "rendering" past the time limit.
                status = wait_finished(service, appeal_id, timeout=60)

            assert status["status"] == "done" and status["attempts"] == 2, worker.log()
            assert letter_rows(service, appeal_id) == 1
            assert "SYN-PA-42" in download_text(service, appeal_id)
        finally:
            service.dispose()
