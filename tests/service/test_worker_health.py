"""How a worker's health is judged (appeals/heartbeat.py), from the files its pool leaves, and
what `appeals worker-health` (the containers' health check) answers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

from celery.beat import PersistentScheduler

from appeals import heartbeat
from appeals.app import create_app
from appeals.celery_app import SweepingScheduler, bulk_queue
from appeals.tasks import RUN_IN_BEAT


def test_an_unanswered_probe_is_stuck_only_when_no_task_moves_or_runs(tmp_path):
    now = time.time()
    directory = heartbeat.worker_dir(tmp_path, "w1@host")
    directory.mkdir(parents=True)
    assert heartbeat.stuck_reason(directory, now - 5, stuck_after=10, now=now) is None
    reason = heartbeat.stuck_reason(directory, now - 12, stuck_after=10, now=now)
    assert reason and "12 s" in reason

    # A task started or ended lately: the probe is waiting its turn.
    heartbeat.task_started(directory, time_limit=60)
    assert heartbeat.stuck_reason(directory, now - 12, stuck_after=10) is None
    # Nothing moved for a while, but a child runs a task within its limit: still fine.
    os.utime(directory / heartbeat.ACTIVITY, (now - 30, now - 30))
    assert heartbeat.running_within_limit(directory, time.time()) == 1
    assert heartbeat.stuck_reason(directory, now - 12, stuck_after=10) is None
    # ...until that task overruns its limit (its child is lost).
    later = time.time() + 60 + heartbeat.OVERRUN_MARGIN + 1
    os.utime(directory / heartbeat.ACTIVITY, (later - 30, later - 30))
    assert heartbeat.stuck_reason(directory, now - 12, stuck_after=10, now=later)
    heartbeat.task_ended(directory)
    assert heartbeat.running_within_limit(directory, time.time()) == 0


def test_a_dead_childs_busy_file_does_not_count(tmp_path):
    directory = tmp_path / "w"
    directory.mkdir()
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    (directory / f"{heartbeat.BUSY_PREFIX}{child.pid}").write_text(
        json.dumps({"started": time.time(), "time_limit": 60}))
    assert heartbeat.running_within_limit(directory, time.time()) == 0
    assert not list(directory.glob(f"{heartbeat.BUSY_PREFIX}*"))


def test_the_verdict_reads_the_watchdogs_status_and_its_age(tmp_path):
    directory = tmp_path / "w"
    assert heartbeat.verdict(directory, 20) == (False, "no status written yet")
    heartbeat.write_status(directory, True)
    assert heartbeat.verdict(directory, 20) == (True, "healthy")
    assert not heartbeat.verdict(directory, 20, now=time.time() + 60)[0]
    heartbeat.write_status(directory, False, "a probe has waited 31 s")
    assert heartbeat.verdict(directory, 20) == (False, "a probe has waited 31 s")
    assert heartbeat.live_worker_dirs(tmp_path) == [directory]  # our own pid is alive


def test_worker_health_command_exits_1_for_a_stuck_worker(tmp_path):
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("APPEALS_")},
           "APPEALS_WORKER_HEARTBEAT_DIR": str(tmp_path), "APPEALS_ENV": "development",
           "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite'}"}
    command = [os.path.join(os.path.dirname(sys.executable), "appeals"), "worker-health"]

    def health():
        return subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)

    assert health().returncode != 0  # nobody has reported
    heartbeat.write_status(heartbeat.worker_dir(tmp_path, "w@h"), True)
    assert health().returncode == 0
    heartbeat.write_status(heartbeat.worker_dir(tmp_path, "w@h"), False, "probe waited 40 s")
    answer = health()
    assert answer.returncode == 1 and "probe waited 40 s" in answer.stdout


def test_batches_have_their_own_queue_and_beat_runs_the_sweeps_itself():
    app = create_app({"TESTING": True, "CELERY_QUEUE": "letters"})
    conf = app.extensions["celery"].conf
    assert conf.task_routes["appeals.bulk.process_chunk"] == {"queue": "letters.bulk"}
    assert bulk_queue(app.config) == "letters.bulk"
    assert conf.beat_scheduler.endswith(":SweepingScheduler")
    assert {"appeals.sweep_stuck", "appeals.bulk.sweep"} == RUN_IN_BEAT
    assert issubclass(SweepingScheduler, PersistentScheduler)


def test_the_supervisor_replaces_a_worker_that_stays_unhealthy_and_restarts_one_that_exits(
        tmp_path, monkeypatch):
    from appeals.cli import supervisor as supervision
    from support.workers import wait_for

    monkeypatch.setattr(supervision, "UNHEALTHY_GRACE", 1.0)
    sleeper = [sys.executable, "-c", "import time; time.sleep(120)"]
    stuck = supervision.Child("worker", sleeper, heartbeat_dir=tmp_path / "w")
    quitter = supervision.Child("beat", [sys.executable, "-c", "pass"])
    supervisor = supervision.Supervisor([stuck, quitter], status_max_age=30)
    supervisor.start()
    try:
        first = stuck.process.pid
        heartbeat.write_status(stuck.heartbeat_dir, False, "a probe has waited 40 s")
        wait_for(lambda: stuck.restarts == 1, timeout=30, message="the stuck worker replaced")
        assert stuck.process.pid != first
        assert not os.path.exists(f"/proc/{first}/cmdline") or \
            b"Z" in open(f"/proc/{first}/stat", "rb").read().split()[2]
        wait_for(lambda: quitter.restarts >= 1, timeout=30, message="the exited one restarted")
    finally:
        supervisor.stop(timeout=5)
    assert stuck.process.poll() is not None and quitter.process.poll() is not None
