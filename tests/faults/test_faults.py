"""Fault injection against real processes: beat and the workers as `appeals run` starts and
supervises them, on the embedded broker with SQLite (`make run`) and on Redis with PostgreSQL
(the distributed shape). Pool children are SIGKILLed at random moments (idle, mid-letter,
mid-chunk, while beat sweeps), a worker's main process is SIGKILLed, Redis (a private server) is
restarted and PostgreSQL's connections are dropped mid-batch. After each: every letter of a
1,000-row batch is written exactly once, and an appeal submitted after the fault is ready within
60 s. Each fault's row of the table (fault, times, lost, doubled, recovery) is written to
faults-table.md in the test's folder and printed.
"""

from __future__ import annotations

import os
import random
import signal
import time

import psycopg
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from appeals.access import Principal
from appeals.services import bulk as batches
from support.workers import supervised_service, wait_for
from tests.bulk.synthetic import spreadsheet_rows, to_csv
from tests.service.conftest import LUMBAR_CASE, deployment

from .redis_server import private_redis

pytestmark = [pytest.mark.faults, pytest.mark.slow]

ROWS = 1000
READY_WITHIN = 60
# Short limits so a lost chunk is resumed within seconds (the order of the settings is checked
# at start: the stuck cutoff outlasts the hard limit).
FAULT_CONFIG = {
    "BULK_CHUNK_SIZE": 50, "LETTER_SOFT_TIME_LIMIT": 15, "LETTER_TIME_LIMIT": 20,
    "STUCK_RENDERING_AFTER": 25, "STUCK_QUEUED_AFTER": 40, "SWEEP_INTERVAL": 3,
    "WORKER_PROBE_INTERVAL": 1, "WORKER_STUCK_AFTER": 8,
    "LETTER_RETRY_DELAY": 1, "LETTER_MAX_RETRIES": 5,
}
TABLE: list[tuple[str, str, int | str, int, int, str]] = []


def _engine(service):
    return create_engine(service.config.database_url, poolclass=NullPool)


def batch_counts(engine, batch_id: str) -> tuple[int, int, int]:
    """(letters written, rows with more than one appeal, rows with an appeal)."""
    with engine.connect() as connection:
        letters = connection.scalar(text(
            "SELECT count(*) FROM letters JOIN appeals ON appeals.id = letters.appeal_id "
            "WHERE appeals.batch_id = :b"), {"b": batch_id})
        doubled = connection.scalar(text(
            "SELECT count(*) FROM (SELECT row_number FROM appeals WHERE batch_id = :b "
            "GROUP BY row_number HAVING count(*) > 1) AS d"), {"b": batch_id})
        rows = connection.scalar(text(
            "SELECT count(DISTINCT row_number) FROM appeals WHERE batch_id = :b"), {"b": batch_id})
    return letters, doubled, rows


def _safely(function):
    """A poll that survives the faults it watches (a dropped connection, Redis away)."""
    def poll():
        try:
            return function()
        except Exception:  # noqa: BLE001 - the next poll tries again
            return None
    return poll


def start_batch(service) -> str:
    rows, _ = spreadsheet_rows(ROWS, 0)
    with service.app.app_context():
        principal = Principal(user_id=service.user_id, organization_id=service.organization_id)
        batch = batches.stage_file(to_csv(rows), "denials.csv", principal, source="api")
        batches.start(batch)
        return batch.id


def finish_and_check(service, engine, batch_id: str, timeout: float = 420) -> tuple[int, int]:
    """Wait for the batch; returns (letters lost, rows doubled), asserting there are none."""
    try:
        wait_for(_safely(lambda: batch_counts(engine, batch_id)[0] >= ROWS), timeout=timeout,
                 interval=1, message="every letter of the batch")
    finally:
        letters, doubled, rows = batch_counts(engine, batch_id)
    time.sleep(2)  # a late duplicate would show now
    letters, doubled, rows = batch_counts(engine, batch_id)
    assert (letters, doubled, rows) == (ROWS, 0, ROWS)
    return ROWS - letters, doubled


def appeal_ready_after_fault(service, engine) -> float:
    """Submit one appeal (retrying while the fault lasts); seconds until its letter is written."""
    started = time.monotonic()

    def submitted():
        response = service.client.post("/api/v1/appeals", json=LUMBAR_CASE,
                                       headers=service.headers)
        return response.status_code == 202 and response.get_json()["id"]

    appeal_id = wait_for(_safely(submitted), timeout=READY_WITHIN, message="the submission")

    def written():
        with engine.connect() as connection:
            return connection.scalar(text("SELECT count(*) FROM letters WHERE appeal_id = :a"),
                                     {"a": appeal_id}) == 1

    wait_for(_safely(written), timeout=READY_WITHIN - (time.monotonic() - started),
             interval=0.25, message="the appeal submitted after the fault")
    return time.monotonic() - started


def record(fault: str, times: int | str, lost: int, doubled: int, recovery: str,
           shape: str) -> None:
    TABLE.append((shape, fault, times, lost, doubled, recovery))


def kill_pool(workers, name: str) -> int:
    pids = workers.pool_pids(name)
    for pid in pids:
        os.kill(pid, signal.SIGKILL)
    return len(pids)


def kill_during_batch(workers, engine, batch_id: str, name: str, kills: int) -> tuple[int, int]:
    """SIGKILL the pool of worker `name` `kills` times at random moments while the batch runs
    (mid-letter and mid-chunk, with beat sweeping every few seconds); a kill after the batch
    ended is an idle one. Returns (kills mid-batch, kills idle)."""
    mid = idle = 0
    rng = random.Random()
    for _ in range(kills):
        time.sleep(rng.uniform(0.5, 4))
        wait_for(lambda: workers.pool_pids(name), timeout=90, message="a pool child to kill")
        running = batch_counts(engine, batch_id)[0] < ROWS
        if kill_pool(workers, name):
            mid, idle = mid + running, idle + (not running)
    return mid, idle


@pytest.fixture(scope="module", autouse=True)
def print_table(tmp_path_factory):
    yield
    lines = ["| shape | fault | times injected | letters lost | letters doubled | recovery |",
             "|---|---|---|---|---|---|"]
    lines += [f"| {s} | {f} | {n} | {lost} | {doubled} | {r} |"
              for s, f, n, lost, doubled, r in TABLE]
    path = tmp_path_factory.getbasetemp() / "faults-table.md"
    path.write_text("\n".join(lines) + "\n")
    print("\n" + "\n".join(lines))


def test_embedded_shape_heals_idle_kills_and_finishes_a_batch_through_every_kill(tmp_path):
    with deployment("embedded", tmp_path, **FAULT_CONFIG) as service:
        engine = _engine(service)
        try:
            with supervised_service(service.config) as workers:
                # Idle: the kill that can leave a classic pool's next child waiting forever.
                recoveries = []
                for _ in range(4):
                    time.sleep(random.uniform(0.5, 3))
                    kill_pool(workers, "appeals worker")
                    kill_pool(workers, "batch worker")
                    recoveries.append(appeal_ready_after_fault(service, engine))
                batch_id = start_batch(service)
                # Mid-chunk, and beat (the sweeps) killed once mid-batch.
                mid, late = kill_during_batch(workers, engine, batch_id, "batch worker", 8)
                os.kill(workers.child("beat").process.pid, signal.SIGKILL)
                # The batch worker's main process.
                time.sleep(2)
                os.killpg(workers.child("batch worker").process.pid, signal.SIGKILL)
                started = time.monotonic()
                lost, doubled = finish_and_check(service, engine, batch_id)
                batch_recovery = time.monotonic() - started
                ready = appeal_ready_after_fault(service, engine)
        finally:
            engine.dispose()
            service.dispose()
    shape = "embedded (make run)"
    record("SIGKILL pool children while idle (both workers)", 8, 0, 0,
           f"appeal ready in {min(recoveries):.0f}-{max(recoveries):.0f} s", shape)
    record("SIGKILL pool child mid-chunk (after the batch: idle)", f"{mid} (+{late})", lost,
           doubled,
           f"batch done {batch_recovery:.0f} s after the last fault; appeal after it {ready:.0f} s",
           shape)
    record("SIGKILL beat mid-batch", 1, lost, doubled, "restarted by the supervisor", shape)
    record("SIGKILL worker main process (whole group)", 1, lost, doubled,
           f"included above ({batch_recovery:.0f} s)", shape)


@pytest.mark.redis
@pytest.mark.postgres
def test_distributed_shape_finishes_batches_through_kills_a_redis_restart_and_lost_connections(
        tmp_path):
    with private_redis(tmp_path / "redis") as redis_server:
        with deployment("redis", tmp_path, redis_url=redis_server.url,
                        **FAULT_CONFIG) as service:
            engine = _engine(service)
            try:
                with supervised_service(service.config, concurrency=2) as workers:
                    # Pool children killed mid-letter and mid-chunk, then the main process.
                    batch_id = start_batch(service)
                    mid, late = kill_during_batch(workers, engine, batch_id, "batch worker", 8)
                    idle = kill_pool(workers, "appeals worker")
                    os.killpg(workers.child("batch worker").process.pid, signal.SIGKILL)
                    started = time.monotonic()
                    lost, doubled = finish_and_check(service, engine, batch_id)
                    first = time.monotonic() - started
                    ready_first = appeal_ready_after_fault(service, engine)

                    # Redis restarted, then PostgreSQL's connections dropped, mid-batch.
                    batch_id = start_batch(service)
                    wait_for(lambda: batch_counts(engine, batch_id)[0] >= 100, timeout=300,
                             message="the second batch to be under way")
                    redis_server.restart()
                    wait_for(_safely(lambda: batch_counts(engine, batch_id)[0] >= 400),
                             timeout=300, message="the batch to move after the Redis restart")
                    dropped = drop_connections(service.config.database_url)
                    started = time.monotonic()
                    lost2, doubled2 = finish_and_check(service, engine, batch_id)
                    second = time.monotonic() - started
                    ready_second = appeal_ready_after_fault(service, engine)
            finally:
                engine.dispose()
                service.dispose()
    shape = "distributed (Redis + PostgreSQL)"
    record("SIGKILL pool child mid-letter / mid-chunk (after the batch: idle)",
           f"{mid} (+{late})", lost, doubled,
           f"batch done {first:.0f} s after the last fault", shape)
    record("SIGKILL idle pool child (appeals worker)", idle, 0, 0,
           f"appeal ready in {ready_first:.0f} s", shape)
    record("SIGKILL worker main process (whole group)", 1, lost, doubled,
           f"appeal ready in {ready_first:.0f} s", shape)
    record("Redis restarted mid-batch", 1, lost2, doubled2,
           f"batch done {second:.0f} s after the next fault", shape)
    record("PostgreSQL connections dropped mid-batch", 1, lost2, doubled2,
           f"{dropped} connections; batch done {second:.0f} s after; appeal {ready_second:.0f} s",
           shape)


def drop_connections(database_url: str) -> int:
    name = database_url.rsplit("/", 1)[1]
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres",
                         autocommit=True) as connection:
        return len(connection.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()", (name,)).fetchall())
