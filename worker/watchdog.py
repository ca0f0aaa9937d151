"""The worker's watchdog: a thread in the worker's main process that probes its own pool and,
when the pool has stopped taking work, kills the pool and ends the worker so whatever runs it
(`appeals run`'s supervisor, a container's restart policy) starts a fresh one.

How stuck is judged, and the files it leaves, are in appeals/heartbeat.py. Ending the worker:
the pool children are SIGKILLed (their tasks go back: acks_late, reject_on_worker_lost), then a
cold shutdown hands the unacknowledged messages back to the broker and the process exits; if even
that hangs, it exits anyway after EXIT_GRACE seconds.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import threading
import time
from pathlib import Path

from appeals import heartbeat
from appeals.celery_app import probe_queue
from appeals.tasks import PROBE_TASK

log = logging.getLogger(__name__)

EXIT_GRACE = 30
EXIT_STUCK = 75  # the worker's exit status when it ended itself (EX_TEMPFAIL: start it again)


def pool_child_pids() -> list[int]:
    """Children of every thread of this process (a classic pool forks from its own thread)."""
    pids = []
    for task in Path(f"/proc/{os.getpid()}/task").glob("*"):
        with contextlib.suppress(OSError, ValueError):
            pids += [int(pid) for pid in (task / "children").read_text().split()]
    return pids


class Watchdog(threading.Thread):
    def __init__(self, celery, config, hostname: str, controller=None):
        super().__init__(name="pool-watchdog", daemon=True)
        self.celery = celery
        self.controller = controller  # Celery's WorkController (its pool is ended on healing)
        self.hostname = hostname
        self.directory = heartbeat.worker_dir(config["WORKER_HEARTBEAT_DIR"], hostname)
        self.queue = probe_queue(config, hostname)
        self.interval = float(config["WORKER_PROBE_INTERVAL"])
        self.stuck_after = float(config["WORKER_STUCK_AFTER"])
        self.stopped = threading.Event()

    def run(self) -> None:
        heartbeat.write_status(self.directory, True, "starting")
        probe: tuple[str, float] | None = None  # (token, sent at)
        while not self.stopped.wait(self.interval):
            if probe and heartbeat.last_probe(self.directory) == probe[0]:
                probe = None
            reason = probe and heartbeat.stuck_reason(self.directory, probe[1], self.stuck_after)
            if self.stopped.is_set():
                return
            if reason:
                heartbeat.write_status(self.directory, False, reason)
                self.heal(reason)
                return
            heartbeat.write_status(self.directory, True)
            if probe is None:
                probe = self.send_probe()

    def send_probe(self) -> tuple[str, float] | None:
        token = f"{os.getpid()}-{time.time():.3f}"
        try:
            self.celery.send_task(PROBE_TASK, args=[token], queue=self.queue,
                                  expires=self.stuck_after * 2)
        except Exception as exc:  # broker away: Celery reconnects; probe again next time
            log.warning("could not send a pool probe (%s)", type(exc).__name__)
            return None
        return token, time.time()

    def heal(self, reason: str) -> None:
        log.error("worker %s: its pool makes no progress (%s); restarting the worker",
                  self.hostname, reason)
        pool = getattr(self.controller, "pool", None)
        if pool is not None:
            # A cold shutdown stops the consumer first (handing its unacknowledged messages back
            # to the broker), then ends the pool: a stuck pool's end can hang, so it is the exit.
            pool.terminate = pool.stop = lambda *_, **__: os._exit(EXIT_STUCK)
        for pid in pool_child_pids():
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        threading.Timer(EXIT_GRACE, os._exit, (EXIT_STUCK,)).start()
        os.kill(os.getpid(), signal.SIGQUIT)  # Celery's cold shutdown, in the main thread

    def stop(self) -> None:
        self.stopped.set()
