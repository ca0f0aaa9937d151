"""Configuration and the deployment files: which broker, the limits' safety rules, the secret key,
and a docker-compose.yml whose commands exist and whose services check their health."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from appeals.app import create_app
from appeals.cli import cli
from appeals.settings import REDIS_VISIBILITY_TIMEOUT

REPO = Path(__file__).resolve().parents[2]


def celery_of(**config):
    return create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", **config}).extensions["celery"]


def test_redis_when_configured_else_the_embedded_sqlite_broker(tmp_path):
    redis = celery_of(REDIS_URL="redis://cache.internal:6379/3", CELERY_QUEUE="letters")
    assert redis.conf.broker_url == "redis://cache.internal:6379/3"
    options = redis.conf.broker_transport_options
    assert options["visibility_timeout"] == REDIS_VISIBILITY_TIMEOUT
    assert options["global_keyprefix"] == "letters:"

    embedded = celery_of(EMBEDDED_BROKER_URL=f"sqla+sqlite:///{tmp_path / 'broker.sqlite'}")
    assert embedded.conf.broker_url.startswith("appeals-sqla+sqlite:///")
    # Outside tests, the embedded broker sits in the instance folder.
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.extensions["celery"].conf.broker_url == (
        "appeals-sqla+sqlite:///" + str(Path(app.instance_path) / "broker.sqlite"))
    # kombu's SQLAlchemy transport, polling four times a second.
    from kombu import Connection

    with Connection(embedded.conf.broker_url) as connection:
        assert connection.transport.driver_type == "sql"
        assert connection.transport.polling_interval == 0.25


def test_work_is_never_lost_settings():
    conf = celery_of().conf
    assert conf.task_acks_late and conf.task_reject_on_worker_lost
    assert conf.worker_prefetch_multiplier == 1
    assert 0 < conf.task_soft_time_limit < conf.task_time_limit < REDIS_VISIBILITY_TIMEOUT / 2
    assert conf.worker_max_tasks_per_child
    assert conf.task_ignore_result  # state lives in the database
    assert "sweep-stuck-appeals" in conf.beat_schedule


def test_every_periodic_task_is_in_the_one_beat_schedule():
    schedule = celery_of().conf.beat_schedule
    assert {entry["task"] for entry in schedule.values()} == {
        "appeals.sweep_stuck", "appeals.bulk.sweep", "appeals.purge_expired"}


def test_letter_tasks_retry_a_lost_database_through_celery_with_the_settings_backoff():
    from sqlalchemy.exc import OperationalError

    tasks = celery_of(LETTER_MAX_RETRIES=5, LETTER_RETRY_DELAY=7).tasks
    for name in ("appeals.render_letter", "appeals.bulk.process_chunk"):
        task = tasks[name]
        assert issubclass(OperationalError, task.autoretry_for)
        assert (task.max_retries, task.retry_backoff, task.retry_backoff_max) == (5, 7, 35)
        assert task.acks_late and task.reject_on_worker_lost


@pytest.mark.parametrize("config, complaint", [
    ({"LETTER_TIME_LIMIT": REDIS_VISIBILITY_TIMEOUT}, "visibility timeout"),
    ({"LETTER_RETRY_DELAY": 600, "LETTER_MAX_RETRIES": 5}, "visibility timeout"),
    ({"STUCK_RENDERING_AFTER": 60, "LETTER_TIME_LIMIT": 90}, "STUCK_RENDERING_AFTER"),
])
def test_unsafe_limits_are_refused_at_start(config, complaint):
    with pytest.raises(RuntimeError, match=complaint):
        celery_of(**config)


def test_a_secret_key_is_required_outside_development(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("APPEALS_ENV", "production")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    monkeypatch.setenv("SECRET_KEY", "a-long-random-production-secret")
    assert create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}).secret_key == (
        "a-long-random-production-secret")


def test_environment_variables_reach_the_config(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'env.sqlite'}")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/9")
    monkeypatch.setenv("APPEALS_LETTER_TIME_LIMIT", "120")
    app = create_app({"TESTING": True})
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("env.sqlite")
    assert app.config["LETTER_TIME_LIMIT"] == 120
    assert app.extensions["celery"].conf.task_time_limit == 120
    assert app.extensions["celery"].conf.broker_url == "redis://127.0.0.1:6379/9"


def test_docker_compose_runs_every_part_with_health_checks():
    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"web", "worker", "beat", "redis", "postgres", "migrate"} <= set(services)
    for name in ("web", "worker", "redis", "postgres"):
        assert services[name]["healthcheck"]["test"], name
    for name in ("web", "worker", "beat"):
        env = services[name]["environment"]
        assert env["DATABASE_URL"].startswith("postgresql+psycopg://")
        assert env["REDIS_URL"].startswith("redis://")
        assert "SECRET_KEY" in env
        depends = services[name]["depends_on"]
        assert depends["postgres"]["condition"] == depends["redis"]["condition"] == "service_healthy"
        assert depends["migrate"]["condition"] == "service_completed_successfully"
    assert "gunicorn" in services["web"]["command"]
    # A stopping worker gets longer than the hard time limit to finish its letter.
    grace = int(services["worker"]["stop_grace_period"].rstrip("s"))
    assert grace > create_app({"TESTING": True}).config["LETTER_TIME_LIMIT"]


def test_the_commands_compose_runs_exist():
    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    for service in compose["services"].values():
        command = service.get("command") or []
        if command[:1] == ["appeals"]:
            assert command[1] in cli.commands, command


def test_compose_workers_are_judged_by_work_done_and_one_is_kept_for_single_appeals():
    services = yaml.safe_load((REPO / "docker-compose.yml").read_text())["services"]
    for name in ("worker", "appeals-worker"):
        check = services[name]["healthcheck"]["test"]
        assert check[1:] == ["appeals", "worker-health"] and check[2] in cli.commands, name
        # The watchdog ends a stuck worker; the restart policy brings it back.
        assert services[name]["restart"] == "unless-stopped"
    command = services["appeals-worker"]["command"]
    assert command[command.index("--takes") + 1] == "appeals"
