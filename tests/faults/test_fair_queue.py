"""Fair queueing, with the workers `appeals run` starts: one organization's big batch is queued
first, and another organization's single appeal is still ready in seconds, long before the batch
ends (single appeals and batch chunks travel on separate queues, and a worker reads only the
single appeals')."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import func, select

from appeals.access import Principal
from appeals.extensions import db
from appeals.models import Appeal, Letter
from appeals.services import bulk as batches
from support.workers import supervised_service, wait_for
from tests.bulk.synthetic import spreadsheet_rows, to_csv
from tests.conftest import bearer, make_user
from tests.service.conftest import LUMBAR_CASE, deployment

pytestmark = [pytest.mark.faults, pytest.mark.slow]

ROWS = 300
DELAY = 0.2  # seconds per letter: the batch needs a minute of work


@pytest.mark.parametrize("kind", ["embedded", pytest.param("redis", marks=[
    pytest.mark.redis, pytest.mark.postgres])])
def test_a_single_appeal_is_not_held_behind_another_organizations_batch(tmp_path, kind):
    with deployment(kind, tmp_path, render_delay=DELAY, BULK_CHUNK_SIZE=50) as service:
        app = service.app
        try:
            with supervised_service(service.config), app.app_context():
                rows, _ = spreadsheet_rows(ROWS, 0)
                principal = Principal(user_id=service.user_id,
                                      organization_id=service.organization_id)
                batch = batches.stage_file(to_csv(rows), "denials.csv", principal, source="api")
                batch_id = batch.id
                batches.start(batch)

                def batch_letters():
                    db.session.expire_all()
                    return db.session.scalar(select(func.count()).select_from(Letter).join(
                        Appeal).where(Appeal.batch_id == batch_id))

                wait_for(batch_letters, timeout=120, message="the batch to be under way")
                headers = bearer(make_user("other.clinic@example.test", "Other Clinic"))
                response = service.client.post("/api/v1/appeals", json=LUMBAR_CASE,
                                                headers=headers)
                assert response.status_code == 202, response.get_json()
                posted = time.monotonic()
                url = response.headers["Location"]
                wait_for(lambda: service.client.get(url, headers=headers)
                         .get_json()["status"] == "done", timeout=30, interval=0.2,
                         message="the single appeal")
                waited = time.monotonic() - posted
                behind = ROWS - batch_letters()
            assert waited < 10, f"the single appeal waited {waited:.1f} s"
            assert behind > 50, "the batch was nearly done: the test proved nothing"
        finally:
            service.dispose()
