"""The retention purge through the real parts: Celery beat schedules it, a real worker process
runs it, on PostgreSQL and Redis (the distributed setup)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from support.workers import ServiceConfig, postgres_database, running_worker, wait_for

from appeals.app import create_app
from appeals.extensions import db
from appeals.models import AuditEvent, Organization, utcnow

from .records import make_appeal, make_batch, principal_of
from conftest import make_user


@pytest.mark.slow
@pytest.mark.redis
@pytest.mark.postgres
def test_beat_and_a_worker_purge_expired_records_on_postgres(tmp_path):
    from appeals.models.appeals import Appeal, Letter
    from appeals.models.batches import Batch

    with postgres_database() as url:
        config = ServiceConfig.redis(url, tmp_path, PURGE_INTERVAL=1)
        app = create_app(config.app_config())
        try:
            with app.app_context():
                db.create_all()
                now = utcnow()
                clinic = make_user("admin@example.test", "Seven Day Clinic", role="admin")
                db.session.get(Organization, clinic.organization_id).retention_days = 7
                db.session.commit()
                principal = principal_of(clinic)
                expired = make_appeal(principal, created_at=now - timedelta(days=8)).id
                kept = make_appeal(principal, created_at=now - timedelta(days=6)).id
                expired_batch = make_batch(principal, created_at=now - timedelta(days=8)).id

            def purged():
                with app.app_context():
                    appeals = set(db.session.execute(select(Appeal.id)).scalars())
                    batches = set(db.session.execute(select(Batch.id)).scalars())
                    db.session.remove()
                    return expired not in appeals and not batches

            with running_worker(config, beat=True) as worker:
                wait_for(purged, timeout=60, interval=0.5, message="the periodic purge")
                assert "appeals.purge_expired" in worker.log()

            with app.app_context():
                assert set(db.session.execute(select(Appeal.id)).scalars()) == {kept}
                letters = db.session.execute(select(Letter.appeal_id)).scalars().all()
                assert letters == [kept]
                events = db.session.execute(
                    select(AuditEvent).where(AuditEvent.action == "purged")).scalars().all()
                assert {(e.record_type, e.record_id) for e in events} >= {
                    ("appeals", expired), ("batches", expired_batch)}
                db.session.remove()
                db.engine.dispose()
        finally:
            config.cleanup()
