"""`appeals run`, the embedded way, as `make run` starts it: a real web server and a real worker
process on the SQLite broker. From an API post to a downloaded letter; oversized bodies refused by
the real server; Ctrl-C stops both processes."""

from __future__ import annotations

import contextlib
import http.client
import io
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import docx
import pytest

from appeals.app import create_app
from appeals.accounts.tokens import create_token
from appeals.cli.service import FirstSignalStops
from appeals.extensions import db
from support.workers import REPO, wait_for
from tests.conftest import make_user

from .conftest import LUMBAR_CASE

pytestmark = pytest.mark.slow
LIMIT = 200_000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def processes_with(marker: str) -> list[int]:
    """Pids whose command line contains `marker` (our unique queue name)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if marker.encode() in (entry / "cmdline").read_bytes():
                    pids.append(int(entry.name))
    return pids


class Http:
    def __init__(self, port: int, token: str | None = None):
        self.port, self.token = port, token

    def request(self, method, path, body=None, headers=None, **kwargs):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            headers = dict(headers or {})
            if self.token:
                headers["Authorization"] = f"Bearer {self.token}"
            connection.request(method, path, body=body, headers=headers, **kwargs)
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            connection.close()

    def json(self, method, path, payload=None):
        body = json.dumps(payload).encode() if payload is not None else None
        status, headers, data = self.request(method, path, body,
                                             {"Content-Type": "application/json"})
        return status, headers, json.loads(data)


@contextlib.contextmanager
def running_service(tmp_path, via_make: bool = False):
    """`appeals run` (or `make run`, which starts it) on a free port with its own SQLite files."""
    queue = f"run-{uuid.uuid4().hex[:10]}"
    port = free_port()
    database = f"sqlite:///{tmp_path / 'appeals.sqlite'}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("APPEALS_")}
    env.pop("REDIS_URL", None)
    env.update({
        "DATABASE_URL": database,
        "APPEALS_ENV": "development",
        "APPEALS_EMBEDDED_BROKER_URL": f"sqla+sqlite:///{tmp_path / 'broker.sqlite'}",
        "APPEALS_BEAT_SCHEDULE_FILE": str(tmp_path / "beat-schedule"),
        "APPEALS_WORKER_HEARTBEAT_DIR": str(tmp_path / "heartbeat"),
        "APPEALS_CELERY_QUEUE": queue,
        "APPEALS_MAX_CONTENT_LENGTH": str(LIMIT),
    })
    command = ([shutil.which("make"), "--no-print-directory", "run", f"RUN_ARGS=--port {port}"]
               if via_make else
               [str(Path(sys.executable).with_name("appeals")), "run", "--port", str(port)])
    log = open(tmp_path / "run.log", "wb")
    process = subprocess.Popen(command, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT,
                               start_new_session=True)
    try:
        def serving():
            assert process.poll() is None, (tmp_path / "run.log").read_text()
            with contextlib.suppress(OSError):
                return Http(port).request("GET", "/api/v1/openapi.json")[0] == 200
        wait_for(serving, timeout=90, message="appeals run to serve")
        wait_for(lambda: (tmp_path / "run.log").read_bytes().count(b" ready.") >= 2,
                 timeout=90, message="its workers to be ready")
        # A user with an API token, made straight in the database `appeals run` migrated.
        app = create_app({"SQLALCHEMY_DATABASE_URI": database, "TESTING": True})
        with app.app_context():
            _, token = create_token(make_user("run.tester@example.test", "Run Clinic"), "test")
            db.engine.dispose()
        yield process, Http(port, token), queue, tmp_path / "run.log"
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGINT)
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=30)
        # Anything left behind after a failure (beat's command line names the folder).
        for pid in processes_with(queue) + processes_with(str(tmp_path)):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()


@pytest.fixture
def embedded_run(tmp_path):
    with running_service(tmp_path) as running:
        yield running


def test_appeals_run_serves_the_api_and_writes_letters_then_stops_on_ctrl_c(embedded_run):
    process, client, queue, log = embedded_run
    assert processes_with(queue), "no worker process was started"

    status, headers, body = client.json("POST", "/api/v1/appeals", LUMBAR_CASE)
    assert status == 202, body
    location = headers["Location"]
    finished = wait_for(
        lambda: (b := client.json("GET", location)[2])["status"] in ("done", "failed") and b,
        timeout=60, message="the letter")
    assert finished["status"] == "done", finished["error"]
    status, headers, data = client.request("GET", finished["links"]["letter"])
    assert status == 200
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)
    assert "SYN-PA-42" in text

    # Oversized bodies, with a length and streamed in chunks, are refused by the real server.
    big = json.dumps({**LUMBAR_CASE, "documentation": [{"text": "x" * 50_000}] * 5}).encode()
    assert len(big) > LIMIT
    status, _, data = client.request("POST", "/api/v1/appeals", big,
                                     {"Content-Type": "application/json"})
    assert status == 413 and b"larger than" in data
    chunks = (big[i:i + 8192] for i in range(0, len(big), 8192))
    with contextlib.suppress(ConnectionError):  # the server may close before reading it all
        status, _, data = client.request("POST", "/api/v1/appeals", chunks,
                                         {"Content-Type": "application/json"},
                                         encode_chunked=True)
        assert status == 413

    process.send_signal(signal.SIGINT)  # Ctrl-C
    assert process.wait(timeout=45) == 0, log.read_text()
    wait_for(lambda: not processes_with(queue), timeout=30, message="the worker to stop")


def children_of(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError, ValueError):
            found += [int(child) for child in (task / "children").read_text().split()]
    return found


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
@pytest.mark.parametrize("target", ["process group", "appeals run alone"])
def test_make_run_stops_web_and_workers_whichever_way_it_is_signalled(tmp_path, signum, target):
    """`make run`, as a terminal or a process manager stops it: the signal to the whole process
    group (make and `appeals run`), or to the `appeals run` process alone. Nothing is left."""
    with running_service(tmp_path, via_make=True) as (make, client, queue, log):
        def ours():
            return set(processes_with(queue) + processes_with(str(tmp_path)))

        assert len(ours()) >= 3, "beat and two workers were not all started"
        (appeals_run,) = children_of(make.pid)
        if target == "process group":
            os.killpg(make.pid, signum)
        else:
            os.kill(appeals_run, signum)
        make.wait(timeout=60)
        wait_for(lambda: not ours(), timeout=60,
                 message=f"every worker to stop ({log.read_text()[-2000:]})")
        assert not Path(f"/proc/{appeals_run}").exists() or \
            b"zombie" in Path(f"/proc/{appeals_run}/status").read_bytes().lower()
        with pytest.raises(OSError):
            client.request("GET", "/api/v1/openapi.json")


def test_a_burst_of_signals_stops_it_once(tmp_path):
    """Signals close together (a process group's SIGTERM and make's forwarded one, a terminal's
    SIGHUP then Ctrl-C): a second one arriving while the first is being handled must neither
    deadlock the stop nor start it twice."""
    with running_service(tmp_path) as (process, client, queue, log):
        for _ in range(5):
            for signum in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT, signal.SIGTERM):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(process.pid, signum)
        process.wait(timeout=60)
        wait_for(lambda: not processes_with(queue), timeout=60,
                 message=f"every worker to stop ({log.read_text()[-2000:]})")
        assert log.read_text().count("stopping the workers") == 1


def _second_signal_at_each_step(make_handler) -> list[str]:
    """Run a fresh handler as a signal does, once for each line it (and what it calls) runs, with
    a second call of the same handler at that line, as a second signal arriving mid-handler makes.
    Returns how each run ended: "done", or "deadlocked"."""
    endings, step = [], 1
    while True:
        handler, lines = make_handler(), [0]

        def again(frame, event, arg, handler=handler, lines=lines):
            if event == "line":
                lines[0] += 1
                if lines[0] == step:
                    handler(signal.SIGTERM, None)
            return again

        def signalled(handler=handler, again=again):
            sys.settrace(again)
            try:
                handler(signal.SIGTERM, None)
            finally:
                sys.settrace(None)

        thread = threading.Thread(target=signalled, daemon=True)
        thread.start()
        thread.join(timeout=3)
        endings.append("deadlocked" if thread.is_alive() else "done")
        if thread.is_alive() or lines[0] < step:  # past the handler's last line: every step tried
            return endings
        step += 1


def test_a_signal_in_the_middle_of_the_handler_neither_deadlocks_nor_stops_twice():
    stops = []
    endings = _second_signal_at_each_step(lambda: FirstSignalStops(lambda: stops.append("stop")))
    assert "deadlocked" not in endings
    assert len(endings) > 3, "the handler's steps were walked"
    wait_for(lambda: len(stops) == len(endings), timeout=10, message="each run to ask for its stop")
    time.sleep(0.2)
    assert len(stops) == len(endings), "each run asked for one stop, not two"


def test_the_reentrancy_check_catches_a_handler_that_takes_a_lock():
    """The check above can fail: a handler that sets a threading.Event (it takes a lock) is
    interrupted by the second signal inside Event.set, and waits for itself for ever."""
    def make_handler():
        stopping = threading.Event()

        def handler(*_):
            if not stopping.is_set():
                stopping.set()
        return handler

    assert _second_signal_at_each_step(make_handler)[-1] == "deadlocked"
