"""`appeals run`'s supervisor: keeps beat and the workers running beside the web server, starts
again one that exits, replaces a worker whose pool stopped taking work, and stops them all.

Each child runs in its own session, so a signal meant for `appeals run` (Ctrl-C, SIGTERM from a
process manager, SIGHUP from a closing terminal, whether sent to the process group or to
`appeals run` alone) reaches only `appeals run`, which then stops the children in order: a worker
is asked to finish its current letter (SIGTERM to its main process), then its whole group is
killed if it takes too long.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import click

from .. import heartbeat

# A worker that has written no health status this long after it started is replaced.
STARTUP_GRACE = 180.0
# A worker unhealthy this long (its own watchdog ends it sooner) is replaced from outside.
UNHEALTHY_GRACE = 45.0


def status_max_age(config) -> float:
    """How old a watchdog's last status may be before its worker counts as hung."""
    return 3 * float(config["WORKER_PROBE_INTERVAL"]) + 15


@dataclass
class Child:
    name: str
    command: list[str]
    heartbeat_dir: Path | None = None  # set for a worker: its health is watched
    popen_options: dict = field(default_factory=dict)  # env, cwd, stdout (tests)
    process: subprocess.Popen | None = None
    started: float = 0.0
    unhealthy_since: float | None = None
    restarts: int = field(default=0)


class Supervisor:
    def __init__(self, children: list[Child], status_max_age: float):
        self.children = children
        self.status_max_age = status_max_age
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._watch, name="supervisor", daemon=True)

    def start(self) -> None:
        for child in self.children:
            self._spawn(child)
        self._thread.start()

    def _spawn(self, child: Child) -> None:
        if child.heartbeat_dir is not None:
            with contextlib.suppress(FileNotFoundError):
                (child.heartbeat_dir / heartbeat.STATUS).unlink()  # the last run's verdict
        child.process = subprocess.Popen(child.command, start_new_session=True,
                                         **child.popen_options)
        child.started, child.unhealthy_since = time.time(), None

    def _watch(self) -> None:
        while not self.stopping.wait(1.0):
            with self._lock:
                if self.stopping.is_set():
                    return
                for child in self.children:
                    self._check(child)

    def _check(self, child: Child) -> None:
        if child.process.poll() is not None:
            click.echo(f"{child.name} exited ({child.process.returncode}); starting it again",
                       err=True)
            self._kill_group(child)  # whatever it left behind
            self._spawn(child)
            child.restarts += 1  # after the spawn: a reader never sees the count before the process
            return
        reason = self._unhealthy(child)
        if reason is None:
            child.unhealthy_since = None
            return
        now = time.time()
        child.unhealthy_since = child.unhealthy_since or now
        if now - child.unhealthy_since >= UNHEALTHY_GRACE:
            click.echo(f"{child.name} takes no work ({reason}); replacing it", err=True)
            self._kill_group(child)
            child.process.wait()
            self._spawn(child)
            child.restarts += 1

    def _unhealthy(self, child: Child) -> str | None:
        if child.heartbeat_dir is None:
            return None
        status = heartbeat.read_status(child.heartbeat_dir)
        if status is None:
            if time.time() - child.started > STARTUP_GRACE:
                return f"no health status {STARTUP_GRACE:.0f} s after it started"
            return None
        healthy, reason = heartbeat.verdict(child.heartbeat_dir, self.status_max_age)
        return None if healthy else reason

    @staticmethod
    def _kill_group(child: Child) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(child.process.pid, signal.SIGKILL)

    def stop(self, timeout: float = 30) -> None:
        """Warm shutdown for all at once (each worker finishes its letter), then kill stragglers."""
        self.stopping.set()
        with self._lock:  # no restart can race the stop
            running = [c for c in self.children if c.process and c.process.poll() is None]
            for child in running:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(child.process.pid, signal.SIGTERM)
            deadline = time.monotonic() + timeout
            for child in running:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    child.process.wait(timeout=max(0.1, deadline - time.monotonic()))
            for child in self.children:
                if child.process is not None:
                    self._kill_group(child)  # a straggler, or a pool child left behind
                    child.process.wait()
                if child.heartbeat_dir is not None:  # named after this run: not needed again
                    shutil.rmtree(child.heartbeat_dir, ignore_errors=True)
