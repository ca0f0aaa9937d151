"""The running service, distributed shape: gunicorn + a Celery worker with two processes on Redis,
PostgreSQL. Reports the time from POST /api/v1/appeals to the letter being ready (the job's
finished_at), median and 95th percentile over 200 appeals posted at a steady rate below capacity,
as one line. Falls back to the embedded broker and SQLite (and says so) when Redis or PostgreSQL
is not running.
"""

from __future__ import annotations

import contextlib
import json
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import timezone
from pathlib import Path

APPEALS = 200
WARM_UP = 6
RATE_PER_SECOND = 5  # two workers write ~10-20 letters/s here: latency is measured, not a queue
WORKER_PROCESSES = 2
REPO = Path(__file__).resolve().parents[1]
OUTPUT = REPO / "bench" / "output"  # the web server's log, for when a request fails
sys.path.insert(0, str(REPO / "tests"))  # the integration tests' helpers start the real parts

CASE = {
    "service": "72148",
    "plan_type": "employer",
    "payer": "Synthetic Mutual Health",
    "patient": {"name": "Bench Synthetic", "date_of_birth": "1971-03-04", "member_id": "SYN-B-1"},
    "denial": {"notice_date": "2026-10-01", "text": "Conservative treatment not documented.",
               "code": "CO-50", "reference": "SYN-BENCH"},
    "original_request": "Low back pain with left leg pain, MRI requested.",
    "documentation": [
        {"text": "Physical therapy 2026-07-01 to 2026-08-20, 14 visits, no improvement.",
         "date": "2026-08-20"},
        {"text": "Plan: candidate for lumbar epidural steroid injection, MRI needed to plan it.",
         "date": "2026-08-25"},
    ],
}


def _port_open(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
        return True
    return False


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def _deployment(directory: Path):
    from support.workers import ServiceConfig, postgres_database

    if _port_open(6379) and _port_open(5432):
        with postgres_database() as url:
            config = ServiceConfig.redis(url, directory)
            try:
                yield config, "Redis + PostgreSQL"
            finally:
                config.cleanup()
    else:
        yield (ServiceConfig.embedded(f"sqlite:///{directory / 'bench.sqlite'}", directory),
               "embedded broker + SQLite (Redis/PostgreSQL not running)")


@contextlib.contextmanager
def _web(config, port: int):
    OUTPUT.mkdir(parents=True, exist_ok=True)
    log = open(OUTPUT / "service-gunicorn.log", "wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "2",
         "--threads", "4", "appeals.app:create_app()"],
        cwd=REPO, env=config.env(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while not _port_open(port):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not start; see bench/output/service-gunicorn.log")
            time.sleep(0.1)
        yield
    finally:
        process.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=20)
        if process.poll() is None:
            process.kill()
            process.wait()
        log.close()


def _post(port: int, token: str) -> tuple[str, float]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/appeals", data=json.dumps(CASE).encode(), method="POST",
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"})
    posted = time.time()
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())["id"], posted
    except urllib.error.HTTPError as exc:
        raise RuntimeError(f"POST answered {exc.code}: {exc.read()[:300]!r} "
                           "(see bench/output/service-gunicorn.log)") from None


def _finished(app, ids: list[str]) -> dict[str, tuple[str, float]]:
    from sqlalchemy import select

    from appeals.extensions import db
    from appeals.models import Appeal

    with app.app_context():
        rows = db.session.execute(
            select(Appeal.id, Appeal.status, Appeal.finished_at)
            .where(Appeal.id.in_(ids), Appeal.status.in_(("done", "failed")))).all()
        db.session.remove()
    return {row.id: (row.status, row.finished_at.replace(tzinfo=row.finished_at.tzinfo or
                                                         timezone.utc).timestamp())
            for row in rows}


def _wait_all(app, ids: list[str], timeout: float = 300) -> dict[str, tuple[str, float]]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = _finished(app, ids)
        if len(done) == len(ids):
            return done
        time.sleep(0.2)
    raise TimeoutError(f"only {len(_finished(app, ids))} of {len(ids)} letters were ready")


def run() -> None:
    from flask_migrate import upgrade

    from appeals.app import MIGRATIONS_DIR, create_app
    from appeals.accounts.tokens import create_token
    from appeals.extensions import db
    from support.workers import running_worker
    from tests.conftest import make_user

    with tempfile.TemporaryDirectory(prefix="appeals-bench-") as tmp, \
            _deployment(Path(tmp)) as (config, shape):
        app = create_app(config.app_config())
        with app.app_context():
            upgrade(directory=MIGRATIONS_DIR)
            _, token = create_token(make_user("bench@example.test", "Bench Clinic"), "bench")
        port = _free_port()
        with running_worker(config, concurrency=WORKER_PROCESSES), _web(config, port):
            warm = [_post(port, token)[0] for _ in range(WARM_UP)]
            _wait_all(app, warm)

            posted: dict[str, float] = {}
            lock = threading.Lock()

            def post_one():
                appeal_id, at = _post(port, token)
                with lock:
                    posted[appeal_id] = at

            started = time.monotonic()
            with ThreadPoolExecutor(max_workers=8) as pool:
                futures = []
                for n in range(APPEALS):
                    # Open loop: the n-th post leaves at n / rate, whatever the service does.
                    time.sleep(max(0.0, started + n / RATE_PER_SECOND - time.monotonic()))
                    futures.append(pool.submit(post_one))
                for future in futures:
                    future.result()
            finished = _wait_all(app, list(posted))
        with app.app_context():
            db.engine.dispose()

    failed = sum(1 for status, _ in finished.values() if status != "done")
    latencies = sorted((finished[i][1] - posted[i]) * 1000 for i in posted)
    p95 = statistics.quantiles(latencies, n=100, method="inclusive")[94]
    print(f"service: POST to letter ready over {APPEALS} appeals at {RATE_PER_SECOND}/s, "
          f"{WORKER_PROCESSES} worker processes, {shape}: median "
          f"{statistics.median(latencies):.0f} ms, p95 {p95:.0f} ms, max {latencies[-1]:.0f} ms"
          f"{f', {failed} FAILED' if failed else ''}", flush=True)


if __name__ == "__main__":
    run()
