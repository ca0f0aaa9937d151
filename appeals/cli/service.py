"""Running the service: `appeals run` (web + worker on one machine), `appeals worker`,
`appeals beat`, `appeals db-upgrade`, `appeals sweep`.

`appeals run` is the embedded way (what `make run` calls): it migrates the database, starts a real
Celery worker process with the periodic sweep embedded (`celery worker -B`), and serves the web app;
Ctrl-C stops both. The distributed way runs the same code as separate processes: gunicorn for the
web (`gunicorn 'appeals.app:create_app()'`), `appeals worker` on as many machines as needed, and
exactly one `appeals beat`.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

import click

from . import cli


def _app():
    from ..app import create_app

    return create_app()


def upgrade_database(app) -> None:
    """Apply every Alembic migration (creates the database on first run)."""
    from flask_migrate import upgrade

    from ..app import MIGRATIONS_DIR

    with app.app_context():
        upgrade(directory=MIGRATIONS_DIR)


def worker_command(app, *, concurrency: int, beat: bool, loglevel: str = "INFO") -> list[str]:
    command = [
        sys.executable, "-m", "celery", "-A", "worker", "worker",
        "--loglevel", loglevel, "--concurrency", str(concurrency),
        "--queues", app.config["CELERY_QUEUE"],
    ]
    if beat:
        command += ["--beat", "--schedule", app.config["BEAT_SCHEDULE_FILE"]]
    return command


@cli.command("db-upgrade")
def db_upgrade() -> None:
    """Create or migrate the database to the current schema."""
    upgrade_database(_app())
    click.echo("database is up to date")


@cli.command("worker")
@click.option("--concurrency", "-c", type=int, default=None,
              help="Worker processes (default: one per CPU).")
@click.option("--beat/--no-beat", default=False,
              help="Also run the periodic sweep in this process (only one beat per deployment).")
@click.option("--loglevel", default="INFO", show_default=True)
def worker(concurrency: int | None, beat: bool, loglevel: str) -> None:
    """Run a Celery worker for letter jobs (on Redis when REDIS_URL is set)."""
    app = _app()
    command = worker_command(app, concurrency=concurrency or os.cpu_count() or 1, beat=beat,
                             loglevel=loglevel)
    os.execv(sys.executable, command)


@cli.command("beat")
@click.option("--loglevel", default="INFO", show_default=True)
def beat(loglevel: str) -> None:
    """Run the periodic scheduler (the stuck-job sweep, the retention purge). Run exactly one."""
    app = _app()
    os.execv(sys.executable, [
        sys.executable, "-m", "celery", "-A", "worker", "beat", "--loglevel", loglevel,
        "--schedule", app.config["BEAT_SCHEDULE_FILE"],
    ])


@cli.command("sweep")
def sweep() -> None:
    """Re-enqueue letter jobs whose worker died (what the periodic sweep does), once."""
    from ..services import appeals as appeal_service

    app = _app()
    with app.app_context():
        count = appeal_service.sweep_stuck()
    click.echo(f"re-enqueued {count} stuck job(s)")


class _Supervisor:
    """Keeps one worker subprocess running beside the web server; restarts it if it dies."""

    def __init__(self, command: list[str]):
        self.command = command
        self.process: subprocess.Popen | None = None
        self.stopping = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="worker-supervisor", daemon=True)

    def start(self) -> None:
        self._spawn()
        self._thread.start()

    def _spawn(self) -> None:
        # Its own process group: Ctrl-C reaches us, and we stop the worker in order.
        self.process = subprocess.Popen(self.command, start_new_session=True)

    def _watch(self) -> None:
        while not self.stopping.wait(1.0):
            if self.process.poll() is not None and not self.stopping.is_set():
                click.echo(f"worker exited ({self.process.returncode}); starting it again", err=True)
                time.sleep(1.0)
                self._spawn()

    def stop(self, timeout: float = 30) -> None:
        self.stopping.set()
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)  # warm shutdown: finish the current letter
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


@cli.command("run")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--concurrency", "-c", default=1, show_default=True, type=int,
              help="Letter worker processes.")
@click.option("--worker/--no-worker", "with_worker", default=True, show_default=True,
              help="Start a Celery worker (with the periodic sweep) beside the web server.")
def run(host: str, port: int, concurrency: int, with_worker: bool) -> None:
    """Run the whole service on this machine: migrate, start a worker, serve the web app."""
    app = _app()
    upgrade_database(app)
    supervisor = None
    if with_worker:
        supervisor = _Supervisor(worker_command(app, concurrency=concurrency, beat=True))
        supervisor.start()
    # SIGTERM (e.g. from a process manager) stops us like Ctrl-C does.
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    broker = "Redis" if app.config.get("REDIS_URL") else "the embedded broker"
    click.echo(f"appeals: web on http://{host}:{port}/, "
               f"{'a worker on ' + broker if with_worker else 'no worker'}; Ctrl-C stops")
    try:
        from werkzeug.serving import run_simple

        run_simple(host, port, app, threaded=True, use_reloader=False, use_debugger=False)
    except KeyboardInterrupt:
        pass
    finally:
        if supervisor is not None:
            click.echo("stopping the worker…")
            supervisor.stop()
