"""Load: 20 appeals a second for 5 minutes through the distributed shape (gunicorn, Redis,
PostgreSQL, the workers `docker compose` runs: one process for single appeals, two for
everything), from a bounded open-loop client on 127.0.0.1. Reports POST -> letter ready (the
job's finished_at), median and 95th percentile, and every error, as one line.

    python -m bench load                    # the full 5 minutes
    APPEALS_LOAD_SECONDS=30 python -m bench load
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench.service import _deployment, _finished, _free_port, _post, _wait_all, _web

RATE_PER_SECOND = 20
SECONDS = 300
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))  # the integration tests' helpers start the real parts


def measure(seconds: float = SECONDS, rate: float = RATE_PER_SECOND) -> dict:
    """Run the load; returns {appeals, errors, failed, median_ms, p95_ms, max_ms, shape}."""
    from flask_migrate import upgrade

    from appeals.accounts.tokens import create_token
    from appeals.app import MIGRATIONS_DIR, create_app
    from appeals.extensions import db
    from support.workers import running_worker
    from tests.conftest import make_user

    with tempfile.TemporaryDirectory(prefix="appeals-load-") as tmp, \
            _deployment(Path(tmp)) as (config, shape):
        app = create_app(config.app_config())
        with app.app_context():
            upgrade(directory=MIGRATIONS_DIR)
            _, token = create_token(make_user("load@example.test", "Load Clinic"), "load")
        port = _free_port()
        with running_worker(config, concurrency=1, takes="appeals", name="appeals"), \
                running_worker(config, concurrency=2, name="all"), _web(config, port):
            _wait_all(app, [_post(port, token)[0] for _ in range(10)])  # warm up

            posted: dict[str, float] = {}
            errors: list[str] = []
            lock = threading.Lock()

            def post_one():
                try:
                    appeal_id, at = _post(port, token)
                except Exception as exc:  # noqa: BLE001 - every error is counted and shown
                    with lock:
                        errors.append(str(exc)[:200])
                    return
                with lock:
                    posted[appeal_id] = at

            total = int(seconds * rate)
            started = time.monotonic()
            with ThreadPoolExecutor(max_workers=16) as pool:
                for n in range(total):
                    # Open loop: the n-th post leaves at n / rate, whatever the service does.
                    time.sleep(max(0.0, started + n / rate - time.monotonic()))
                    pool.submit(post_one)
            # A service that fell behind still gets to finish, so the figure says by how much.
            deadline = time.monotonic() + max(120.0, 2 * seconds)
            while len(finished := _finished(app, list(posted))) < len(posted) \
                    and time.monotonic() < deadline:
                time.sleep(1)
        with app.app_context():
            db.engine.dispose()

    latencies = sorted((finished[i][1] - posted[i]) * 1000 if i in finished else float("inf")
                       for i in posted)
    return {
        "appeals": total, "errors": errors, "shape": shape,
        "unfinished": len(posted) - len(finished),
        "failed": sum(1 for status, _ in finished.values() if status != "done"),
        "median_ms": statistics.median(latencies),
        "p95_ms": statistics.quantiles(latencies, n=100, method="inclusive")[94],
        "max_ms": latencies[-1],
    }


def run() -> None:
    seconds = float(os.environ.get("APPEALS_LOAD_SECONDS") or SECONDS)
    result = measure(seconds)
    load = os.getloadavg()
    print(f"load: {RATE_PER_SECOND} appeals/s for {seconds:.0f} s ({result['appeals']} appeals), "
          f"{result['shape']}: POST to letter ready median {result['median_ms']:.0f} ms, "
          f"p95 {result['p95_ms']:.0f} ms, max {result['max_ms']:.0f} ms; "
          f"{len(result['errors'])} errors, {result['failed']} failed letters, "
          f"{result['unfinished']} not ready at the end "
          f"(machine load {load[0]:.1f} {load[1]:.1f})"
          + (f"; first error: {result['errors'][0]}" if result["errors"] else ""), flush=True)


if __name__ == "__main__":
    run()
