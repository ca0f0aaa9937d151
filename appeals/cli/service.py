"""Running the service: `appeals run` (web + worker on one machine), `appeals worker`,
`appeals beat`, `appeals db-upgrade`, `appeals sweep`.

`appeals run` is the embedded way (what `make run` calls): it migrates the database, starts beat
and two real Celery workers (supervisor.py keeps them running and healthy), and serves the web
app; Ctrl-C, SIGTERM or SIGHUP stops them all. The distributed way runs the same code as
separate processes: gunicorn for the web (`gunicorn 'appeals.app:create_app()'`), `appeals worker`
on as many machines as needed, and exactly one `appeals beat`.
"""

from __future__ import annotations

import itertools
import os
import signal
import socket
import sys
import threading

import click

from .. import heartbeat
from . import cli
from .supervisor import Child, Supervisor, status_max_age


def _app():
    from ..app import create_app

    return create_app()


def upgrade_database(app) -> None:
    """Apply every Alembic migration (creates the database on first run)."""
    from flask_migrate import upgrade

    from ..app import MIGRATIONS_DIR

    with app.app_context():
        upgrade(directory=MIGRATIONS_DIR)


WORK = ("all", "appeals", "batches")


def worker_command(app, *, concurrency: int, takes: str = "all", beat: bool = False,
                   hostname: str | None = None, loglevel: str = "INFO") -> list[str]:
    """A Celery worker that takes single appeals and previews (the main queue), batch chunks (the
    bulk queue), or both."""
    from ..celery_app import bulk_queue

    queues = {"all": [app.config["CELERY_QUEUE"], bulk_queue(app.config)],
              "appeals": [app.config["CELERY_QUEUE"]], "batches": [bulk_queue(app.config)]}[takes]
    command = [
        sys.executable, "-m", "celery", "-A", "worker", "worker",
        "--loglevel", loglevel, "--concurrency", str(concurrency), "--queues", ",".join(queues),
    ]
    if hostname:
        command += ["--hostname", hostname]
    if beat:
        command += ["--beat", "--schedule", app.config["BEAT_SCHEDULE_FILE"]]
    return command


def beat_command(app, loglevel: str = "INFO") -> list[str]:
    return [sys.executable, "-m", "celery", "-A", "worker", "beat", "--loglevel", loglevel,
            "--schedule", app.config["BEAT_SCHEDULE_FILE"]]


@cli.command("db-upgrade")
def db_upgrade() -> None:
    """Create or migrate the database to the current schema."""
    upgrade_database(_app())
    click.echo("database is up to date")


@cli.command("worker")
@click.option("--concurrency", "-c", type=int, default=None,
              help="Worker processes (default: one per CPU).")
@click.option("--takes", type=click.Choice(WORK), default="all", show_default=True,
              help="Single appeals (and previews), batch chunks, or all.")
@click.option("--beat/--no-beat", default=False,
              help="Also run the periodic sweep in this process (only one beat per deployment).")
@click.option("--loglevel", default="INFO", show_default=True)
def worker(concurrency: int | None, takes: str, beat: bool, loglevel: str) -> None:
    """Run a Celery worker for letter jobs (on Redis when REDIS_URL is set)."""
    app = _app()
    command = worker_command(app, concurrency=concurrency or os.cpu_count() or 1, takes=takes,
                             beat=beat, loglevel=loglevel)
    os.execv(sys.executable, command)


@cli.command("worker-health")
def worker_health() -> None:
    """Exit 1 unless every worker running here takes work (a container's health check)."""
    from .. import heartbeat

    app = _app()
    directories = heartbeat.live_worker_dirs(app.config["WORKER_HEARTBEAT_DIR"])
    if not directories:
        raise click.ClickException("no worker has reported yet")
    failing = 0
    for directory in directories:
        healthy, reason = heartbeat.verdict(directory, max_age=status_max_age(app.config))
        click.echo(f"{directory.name}: {reason}")
        failing += not healthy
    if failing:
        sys.exit(1)


@cli.command("beat")
@click.option("--loglevel", default="INFO", show_default=True)
def beat(loglevel: str) -> None:
    """Run the periodic scheduler (the stuck-job sweep, the retention purge). Run exactly one."""
    app = _app()
    os.execv(sys.executable, beat_command(app, loglevel))


@cli.command("sweep")
def sweep() -> None:
    """Re-enqueue letter jobs whose worker died (what the periodic sweep does), once."""
    from ..services import appeals as appeal_service

    app = _app()
    with app.app_context():
        count = appeal_service.sweep_stuck()
    click.echo(f"re-enqueued {count} stuck job(s)")


def supervised_children(app, concurrency: int) -> list[Child]:
    """What `appeals run` keeps running: beat (the sweeps, even when every pool is stuck), a
    worker for single appeals (never behind a batch) and one for batches. (Each queue has one
    reader: the embedded broker's SQLite table is read without row locks.)"""
    host = socket.gethostname()
    tag = os.getpid()
    base = app.config["WORKER_HEARTBEAT_DIR"]
    appeals_name, batches_name = f"appeals-{tag}@{host}", f"batches-{tag}@{host}"
    return [
        Child("beat", beat_command(app)),
        Child("appeals worker", worker_command(app, concurrency=1, takes="appeals",
                                               hostname=appeals_name),
              heartbeat.worker_dir(base, appeals_name)),
        Child("batch worker", worker_command(app, concurrency=concurrency, takes="batches",
                                             hostname=batches_name),
              heartbeat.worker_dir(base, batches_name)),
    ]


class FirstSignalStops:
    """The handler for SIGTERM (a process manager), SIGHUP (a closing terminal) and Ctrl-C.

    Python runs a handler between two steps of whatever the main thread was doing, and runs it
    again if a second signal comes while the first is being handled (`make run` forwards the
    process group's SIGTERM to `appeals run`, which so gets two at once). So the handler takes no
    lock and raises nothing into the code it interrupts: only the first signal acts (``next()`` is
    a single step), and it calls ``stop`` from a thread of its own."""

    def __init__(self, stop) -> None:
        self._stop = stop
        self._signals = itertools.count()

    def __call__(self, *_) -> None:
        if next(self._signals) == 0:
            threading.Thread(target=self._stop, name="stop serving", daemon=True).start()


@cli.command("run")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--concurrency", "-c", default=1, show_default=True, type=int,
              help="Letter processes of the batch worker.")
@click.option("--worker/--no-worker", "with_worker", default=True, show_default=True,
              help="Start the workers and beat (the periodic sweep) beside the web server.")
def run(host: str, port: int, concurrency: int, with_worker: bool) -> None:
    """Run the whole service on this machine: migrate, start the workers, serve the web app."""
    from werkzeug.serving import make_server

    app = _app()
    upgrade_database(app)
    server = make_server(host, port, app, threaded=True)
    # The accept after select() must never block: the main thread has to come back to Python
    # every poll interval for a signal's handler to run.
    server.socket.setblocking(False)
    stop_serving = FirstSignalStops(server.shutdown)
    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, stop_serving)
    supervisor = None
    try:
        if with_worker:
            supervisor = Supervisor(supervised_children(app, concurrency),
                                    status_max_age(app.config))
            supervisor.start()
        broker = "Redis" if app.config.get("REDIS_URL") else "the embedded broker"
        click.echo(f"appeals: web on http://{host}:{port}/, "
                   f"{'workers on ' + broker if with_worker else 'no worker'}; Ctrl-C stops")
        server.log_startup()
        server.serve_forever()  # returns at once if a signal came while the workers started
    finally:
        server.server_close()
        if supervisor is not None:
            click.echo("stopping the workers…")
            supervisor.stop()
