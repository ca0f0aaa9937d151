"""Is a worker's pool making progress? The files a worker leaves for its watchdog, the
`appeals run` supervisor and a container health check (standard library only).

A pool child can die holding the lock of the queue its siblings read (SIGKILL of an idle child
under the embedded broker's classic pool): the replacement child then waits forever while the
worker's main process lives on and answers every ping. So health is judged by work, not by
liveness. Under WORKER_HEARTBEAT_DIR/<worker hostname>/:

- ``busy-<pid>``: a pool child is running a task (its start time and time limit);
- ``activity``: touched whenever any task starts or ends;
- ``probe``: the token of the last probe task a pool child ran;
- ``status.json``: the watchdog's verdict, rewritten every probe interval.

The watchdog (worker/watchdog.py, in the main process) sends its own pool a probe task now and
then. The pool is stuck when a probe has waited longer than WORKER_STUCK_AFTER while no task
started or ended and no child is within a running task's time limit.
"""

from __future__ import annotations

import json
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path

STATUS = "status.json"
ACTIVITY = "activity"
PROBE = "probe"
BUSY_PREFIX = "busy-"
# A task past its time limit by this much has lost its child (the pool kills it at the limit).
OVERRUN_MARGIN = 15.0


def worker_dir(base: str | os.PathLike, hostname: str) -> Path:
    """The heartbeat folder of one worker (its hostname made safe for a file name)."""
    return Path(base) / re.sub(r"[^A-Za-z0-9_.@-]", "_", hostname)


def _write(path: Path, text: str) -> None:
    # Write then rename: a reader never sees half a file.
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    temporary.write_text(text)
    os.replace(temporary, path)


def _touch(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch()


def task_started(directory: Path, time_limit: float | None) -> None:
    """Called in a pool child as a task starts."""
    directory.mkdir(parents=True, exist_ok=True)
    _write(directory / f"{BUSY_PREFIX}{os.getpid()}",
           json.dumps({"started": time.time(), "time_limit": time_limit}))
    _touch(directory / ACTIVITY)


def task_ended(directory: Path) -> None:
    """Called in a pool child as a task ends (whatever its outcome)."""
    try:
        (directory / f"{BUSY_PREFIX}{os.getpid()}").unlink()
    except FileNotFoundError:
        pass
    _touch(directory / ACTIVITY)


def probe_answered(directory: Path, token: str) -> None:
    """Called by the probe task in a pool child."""
    directory.mkdir(parents=True, exist_ok=True)
    _write(directory / PROBE, token)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _mtime(path: Path) -> float | None:
    try:
        return path.stat().st_mtime
    except FileNotFoundError:
        return None


def running_within_limit(directory: Path, now: float) -> int:
    """How many live pool children are running a task still inside its time limit."""
    count = 0
    for path in directory.glob(f"{BUSY_PREFIX}*"):
        try:
            pid = int(path.name[len(BUSY_PREFIX):])
            busy = json.loads(path.read_text())
        except (ValueError, OSError):
            continue
        if not _pid_alive(pid):
            path.unlink(missing_ok=True)  # a child killed mid-task
            continue
        limit = busy.get("time_limit")
        if limit is None or now - busy["started"] < float(limit) + OVERRUN_MARGIN:
            count += 1
    return count


def last_probe(directory: Path) -> str | None:
    try:
        return (directory / PROBE).read_text()
    except FileNotFoundError:
        return None


def stuck_reason(directory: Path, probe_sent: float, stuck_after: float,
                 now: float | None = None) -> str | None:
    """Why the pool counts as stuck, given an unanswered probe sent at `probe_sent`; else None."""
    now = time.time() if now is None else now
    waited = now - probe_sent
    if waited < stuck_after:
        return None
    activity = _mtime(directory / ACTIVITY)
    if activity is not None and now - activity < stuck_after:
        return None  # tasks are still starting and ending: the probe waits its turn
    if running_within_limit(directory, now):
        return None  # a long task runs, within its limit
    return (f"a probe has waited {waited:.0f} s and no task started or ended for "
            f"{stuck_after:.0f} s while no child runs one")


@dataclass
class Status:
    pid: int
    checked_at: float
    healthy: bool
    reason: str = ""


def write_status(directory: Path, healthy: bool, reason: str = "") -> None:
    directory.mkdir(parents=True, exist_ok=True)
    _write(directory / STATUS, json.dumps({"pid": os.getpid(), "checked_at": time.time(),
                                           "healthy": healthy, "reason": reason}))


def read_status(directory: Path) -> Status | None:
    try:
        data = json.loads((directory / STATUS).read_text())
        return Status(int(data["pid"]), float(data["checked_at"]), bool(data["healthy"]),
                      str(data.get("reason", "")))
    except (FileNotFoundError, ValueError, KeyError, TypeError):
        return None


def verdict(directory: Path, max_age: float, now: float | None = None) -> tuple[bool, str]:
    """What a supervisor or health check reads: healthy, and why not."""
    now = time.time() if now is None else now
    status = read_status(directory)
    if status is None:
        return False, "no status written yet"
    if now - status.checked_at > max_age:
        return False, f"the watchdog has not written for {now - status.checked_at:.0f} s"
    if not status.healthy:
        return False, status.reason or "unhealthy"
    return True, "healthy"


def live_worker_dirs(base: str | os.PathLike) -> list[Path]:
    """Folders of workers whose main process runs on this machine (or container)."""
    found = []
    for directory in sorted(Path(base).glob("*")):
        status = read_status(directory)
        if status is not None and _pid_alive(status.pid):
            found.append(directory)
    return found
