"""Real parts for integration tests: a throwaway PostgreSQL database, an isolated Redis namespace,
and a real `celery -A worker worker` process. Every helper cleans up after itself, even on failure.

    from support.workers import ServiceConfig, postgres_database, running_worker

    with postgres_database() as db_url:
        config = ServiceConfig.redis(db_url, tmp_path)          # or ServiceConfig.embedded(...)
        app = create_app(config.app_config())                  # the web side, same settings
        with app.app_context():
            upgrade(directory=MIGRATIONS_DIR)                  # or db.create_all()
        with running_worker(config) as worker:                 # waits until it is ready
            ...                                                # submit through app, poll the DB
"""

from __future__ import annotations

import contextlib
import gc
import os
import random
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

REPO = Path(__file__).resolve().parents[2]
POSTGRES_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
REDIS_HOST_URL = "redis://127.0.0.1:6379"


@contextlib.contextmanager
def postgres_database():
    """A fresh, uniquely named PostgreSQL database; yields its SQLAlchemy URL, drops it after."""
    name = f"appeals_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    finally:
        _dispose_engines_of(name)
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _dispose_engines_of(database: str) -> None:
    """Close the pooled connections of every engine still bound to `database` (apps a test made
    and dropped), so they are closed now rather than warned about when some later test happens
    to trigger garbage collection."""
    from sqlalchemy.engine import Engine

    for obj in gc.get_objects():  # includes apps already dropped but not yet collected
        if isinstance(obj, Engine) and obj.url.database == database:
            obj.dispose()


def _delete_redis_namespace(redis_url: str, prefix: str) -> None:
    import redis

    client = redis.Redis.from_url(redis_url)
    try:
        keys = list(client.scan_iter(match=f"{prefix}*", count=500))
        if keys:
            client.delete(*keys)
    finally:
        client.close()


@dataclass
class ServiceConfig:
    """One deployment's settings, shared by the test's Flask app and its worker processes."""

    database_url: str
    redis_url: str | None  # None: the embedded broker (a SQLite file under `directory`)
    directory: Path
    queue: str = field(default_factory=lambda: f"test-{uuid.uuid4().hex[:12]}")
    # Any other config keys (LETTER_TIME_LIMIT, SWEEP_INTERVAL, ...).
    extra: dict = field(default_factory=dict)
    # Seconds each letter render waits first in this deployment's workers (support.slow_worker),
    # so a test can kill a worker mid-task.
    render_delay: float = 0

    @classmethod
    def redis(cls, database_url: str, directory: Path, **extra) -> "ServiceConfig":
        """Redis broker: a random DB number and, within it, keys prefixed by a unique queue name."""
        delay = extra.pop("render_delay", 0)
        url = extra.pop("redis_url", None) or f"{REDIS_HOST_URL}/{random.randint(1, 15)}"
        return cls(database_url, url, Path(directory), extra=extra, render_delay=delay)

    @classmethod
    def embedded(cls, database_url: str, directory: Path, **extra) -> "ServiceConfig":
        delay = extra.pop("render_delay", 0)
        return cls(database_url, None, Path(directory), extra=extra, render_delay=delay)

    def app_config(self) -> dict:
        """test_config for create_app()."""
        config = {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "WTF_CSRF_ENABLED": False,
            "SQLALCHEMY_DATABASE_URI": self.database_url,
            "REDIS_URL": self.redis_url,
            "EMBEDDED_BROKER_URL": f"sqla+sqlite:///{self.directory / 'broker.sqlite'}",
            "CELERY_QUEUE": self.queue,
            "BEAT_SCHEDULE_FILE": str(self.directory / "celerybeat-schedule"),
            "WORKER_HEARTBEAT_DIR": str(self.directory / "heartbeat"),
        }
        config.update(self.extra)
        return config

    def env(self) -> dict:
        """The same settings as environment variables, for a worker (or web) subprocess."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("APPEALS_")}
        env.pop("REDIS_URL", None)
        env.update({
            "APPEALS_ENV": "testing",
            "SECRET_KEY": "test-secret",
            "DATABASE_URL": self.database_url,
            "PYTHONUNBUFFERED": "1",
        })
        if self.redis_url:
            env["REDIS_URL"] = self.redis_url
        if self.render_delay:
            env["TEST_WORKER_RENDER_DELAY"] = str(self.render_delay)
        for key, value in self.app_config().items():
            if key in ("TESTING", "SECRET_KEY", "SQLALCHEMY_DATABASE_URI", "REDIS_URL",
                       "WTF_CSRF_ENABLED"):
                continue
            env[f"APPEALS_{key}"] = str(value)
        return env

    def cleanup(self) -> None:
        """Remove this deployment's Redis keys (the embedded broker lives in `directory`)."""
        if self.redis_url:
            _delete_redis_namespace(self.redis_url, f"{self.queue}:")


class WorkerProcess:
    """A real `celery -A worker worker` process (its own process group, so it can be killed whole)."""

    def __init__(self, config: ServiceConfig, *, concurrency: int = 1, beat: bool = False,
                 name: str | None = None, takes: str = "all"):
        self.config = config
        self.takes = takes  # "all", "appeals" (the main queue) or "batches" (the bulk one)
        self.concurrency = concurrency
        self.beat = beat
        self.name = name or f"w{uuid.uuid4().hex[:8]}"
        self.log_path = config.directory / f"worker-{self.name}.log"
        self.process: subprocess.Popen | None = None
        self.beat_process: subprocess.Popen | None = None

    @property
    def entry(self) -> str:
        """The Celery app module: the real entry point, or its slowed-down test variant."""
        return "tests.support.slow_worker" if self.config.render_delay else "worker"

    def start(self) -> "WorkerProcess":
        command = [
            sys.executable, "-m", "celery", "-A", self.entry, "worker",
            "--loglevel", "INFO", "--concurrency", str(self.concurrency), "--pool", "prefork",
            "--hostname", f"{self.name}@%h", "--queues", ",".join(self.queues),
            "--without-gossip", "--without-mingle", "--without-heartbeat",
        ]
        self._log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            command, cwd=REPO, env=self.config.env(), stdout=self._log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        if self.beat:
            # The scheduler as its own process (so child_pids() lists only the pool); kill() and
            # stop() end it too.
            self.beat_process = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", self.entry, "beat", "--loglevel", "INFO",
                 "--schedule", str(self.config.directory / f"beat-{self.name}")],
                cwd=REPO, env=self.config.env(), stdout=self._log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self

    @property
    def queues(self) -> list[str]:
        main, bulk = self.config.queue, f"{self.config.queue}.bulk"
        return {"all": [main, bulk], "appeals": [main], "batches": [bulk]}[self.takes]

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def wait_ready(self, timeout: float = 60) -> "WorkerProcess":
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if " ready." in self.log():
                return self
            if self.process.poll() is not None:
                raise RuntimeError(f"worker exited with {self.process.returncode}:\n{self.log()}")
            time.sleep(0.1)
        raise TimeoutError(f"worker not ready after {timeout} s:\n{self.log()}")

    def child_pids(self) -> list[int]:
        """The pool's child processes (the ones running tasks), whichever of the main process's
        threads forked them (the embedded broker's classic pool forks from its own thread)."""
        pids = []
        for task in Path(f"/proc/{self.process.pid}/task").glob("*"):
            with contextlib.suppress(OSError, ValueError):
                pids += [int(pid) for pid in (task / "children").read_text().split()]
        return pids

    def kill(self) -> None:
        """SIGKILL the whole worker (main process and pool children), like a machine dying."""
        if self.process and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)
        self._reap_beat()

    def _reap_beat(self) -> None:
        if self.beat_process is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.beat_process.pid, signal.SIGKILL)
            self.beat_process.wait(timeout=30)

    def stop(self, timeout: float = 20) -> None:
        """Warm shutdown (finish the current task), then SIGKILL if it takes too long."""
        if self.process and self.process.poll() is None:
            # To the main process only: it stops its pool children itself (SIGTERM to the whole
            # group would kill them mid-task and have the pool start new ones).
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.kill()
        if self.beat_process is not None and self.beat_process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.beat_process.pid, signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.beat_process.wait(timeout=timeout)
        # Reap anything left behind in the group.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self._reap_beat()
        self._log.close()


@contextlib.contextmanager
def running_worker(config: ServiceConfig, **options):
    """Start a worker, wait until it is ready, yield it, and always stop it."""
    worker = WorkerProcess(config, **options).start()
    try:
        worker.wait_ready()
        yield worker
    finally:
        worker.stop()


def wait_for(predicate, timeout: float = 60, interval: float = 0.1, message: str = "condition"):
    """Poll `predicate` until it returns something truthy; returns that value."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise TimeoutError(f"timed out after {timeout} s waiting for {message}")


class SupervisedService:
    """Beat and the workers exactly as `appeals run` starts and supervises them (its Supervisor,
    its commands), for `config`'s deployment, without the web server; logs under the directory."""

    def __init__(self, config: ServiceConfig, concurrency: int = 1):
        from appeals.app import create_app
        from appeals.cli.service import supervised_children
        from appeals.cli.supervisor import Supervisor, status_max_age

        app = create_app(config.app_config())
        self.config = config
        self.log_path = config.directory / "supervised.log"
        self._log = open(self.log_path, "ab")
        self.children = supervised_children(app, concurrency)
        for child in self.children:
            if config.render_delay:  # the slowed-down entry point (support.slow_worker)
                child.command[child.command.index("-A") + 1] = "tests.support.slow_worker"
            child.popen_options = {"env": config.env(), "cwd": REPO, "stdout": self._log,
                                   "stderr": subprocess.STDOUT}
        self.supervisor = Supervisor(self.children, status_max_age(app.config))

    def child(self, name: str):
        return next(c for c in self.children if c.name == name)

    def pool_pids(self, name: str) -> list[int]:
        main = self.child(name).process.pid
        pids = []
        for task in Path(f"/proc/{main}/task").glob("*"):
            with contextlib.suppress(OSError, ValueError):
                pids += [int(pid) for pid in (task / "children").read_text().split()]
        return pids

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_ready(self, timeout: float = 120) -> "SupervisedService":
        wait_for(lambda: self.log().count(" ready.") >= 2, timeout=timeout,
                 message="both workers to be ready")
        return self

    def stop(self) -> None:
        self.supervisor.stop(timeout=20)
        self._log.close()


@contextlib.contextmanager
def supervised_service(config: ServiceConfig, concurrency: int = 1):
    service = SupervisedService(config, concurrency)
    service.supervisor.start()
    try:
        yield service.wait_ready()
    finally:
        service.stop()
