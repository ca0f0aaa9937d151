"""Request lines lose their query strings in every form a server writes them (issue 14): Werkzeug's
coloured lines (every status but 200), its plain 200 lines, gunicorn's access log, and a Celery
task's failure. Hostile values are sent for real and every one is looked for in what was logged,
raw, percent-encoded and decoded alike."""

from __future__ import annotations

import logging
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from werkzeug.serving import make_server

from appeals.web.security import redact_line

SENT = {
    "patient_name": 'Ottoline "Pemberton"-Synthetica',
    "member_id": "SYNMEM-88231-QZ",
    "note": "Quillfeather physio & co = 8 weeks",
    "key": "s3cretKey%2Fzz",
}
QUERY = urllib.parse.urlencode(SENT)
# Each status colours the line differently (404 yellow, 4xx bold red, 405, 401, 200 plain).
PATHS = ["/nope", "/api/v1/nope", "/api/v1/me", "/api/v1/openapi.json", "/static/nothing.css",
         "/?", "/api/v1/templates/check"]


def _forms_of(value: str) -> set[str]:
    """A value as it may reach a log: as sent, percent-encoded either way, and its pieces."""
    forms = {value, urllib.parse.quote(value), urllib.parse.quote_plus(value),
             urllib.parse.unquote(value)}
    forms |= {word for word in value.replace('"', " ").split() if len(word) >= 6}
    return forms


def assert_nothing_sent_is_in(text: str) -> None:
    for name, value in SENT.items():
        for form in _forms_of(value):
            assert form not in text, f"{name} reached the log as {form!r}:\n{text}"


def _get(url: str, method: str = "GET") -> int:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, method=method), timeout=10) as r:
            return r.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_werkzeug_coloured_and_plain_lines_lose_the_query(app, caplog):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    statuses = set()
    try:
        with caplog.at_level(logging.DEBUG):
            base = f"http://127.0.0.1:{server.server_port}"
            for path in PATHS:
                statuses.add(_get(f"{base}{path}?{QUERY}"))
            statuses.add(_get(f"{base}/api/v1/me?{QUERY}", method="PUT"))
    finally:
        server.shutdown()
        thread.join(5)
    assert {200, 401, 404, 405} <= statuses
    lines = [r.getMessage() for r in caplog.records if r.name == "werkzeug"]
    assert any("\x1b[33m" in line for line in lines), "a 404 line is coloured, as under make run"
    assert any('"GET /api/v1/openapi.json HTTP/1.1" 200' in line for line in lines)
    assert len(lines) >= len(PATHS) + 1
    assert_nothing_sent_is_in("\n".join(lines) + caplog.text)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.slow
def test_gunicorn_access_log_loses_the_query(tmp_path):
    if shutil.which("gunicorn", path=os.path.dirname(sys.executable)) is None:
        pytest.fail("gunicorn is a dependency of the project and must be installed")
    port = _free_port()
    env = {**os.environ, "APPEALS_INSTANCE_PATH": str(tmp_path), "APPEALS_ENV": "development"}
    log = tmp_path / "gunicorn.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [os.path.join(os.path.dirname(sys.executable), "gunicorn"), "--bind",
             f"127.0.0.1:{port}", "--workers", "1", "--access-logfile", "-",
             "--error-logfile", "-", "appeals.app:create_app()"],
            stdout=out, stderr=subprocess.STDOUT, env=env, cwd=tmp_path)
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 60
            while True:
                try:
                    _get(f"{base}/api/v1/openapi.json")
                    break
                except OSError:
                    assert time.monotonic() < deadline, log.read_text()
                    time.sleep(0.3)
            statuses = {_get(f"{base}{path}?{QUERY}") for path in PATHS}
            statuses.add(_get(f"{base}/api/v1/me?{QUERY}", method="PUT"))
            # A referrer carrying a query goes too.
            request = urllib.request.Request(f"{base}/nope", headers={
                "Referer": f"https://elsewhere.example/p?{QUERY}"})
            try:
                urllib.request.urlopen(request, timeout=10)
            except urllib.error.HTTPError:
                pass
        finally:
            server.terminate()
            server.wait(20)
    text = log.read_text()
    assert {200, 401, 404, 405} <= statuses
    assert text.count('"GET /nope HTTP/1.1" 404') >= 2, text
    assert_nothing_sent_is_in(text)


def test_a_celery_task_failure_loses_values_and_queries(app, caplog):
    from celery import shared_task

    @shared_task(name="tests.hostile_failure")
    def hostile_failure():
        raise ValueError(f"could not read {SENT['patient_name']} at /a?{QUERY}")

    with caplog.at_level(logging.DEBUG):
        result = hostile_failure.apply()
    assert result.failed()
    assert any(r.name.startswith("celery") and "ValueError" in r.getMessage()
               for r in caplog.records), caplog.text
    assert_nothing_sent_is_in(caplog.text)


@pytest.mark.parametrize("line", [
    f'"\x1b[33mGET /nope?{QUERY} HTTP/1.1\x1b[0m" 404 -',
    f'"\x1b[31m\x1b[1mPOST /api/v1/match?{QUERY} HTTP/1.1\x1b[0m" 400 -',
    f'"GET /x?{urllib.parse.unquote(QUERY)} HTTP/1.1" 200 -',
    f'127.0.0.1 - - [x] "GET /x?{QUERY} HTTP/1.1" 404 9 "https://r.example/?{QUERY}" "curl"',
    f"redirecting to /next?{QUERY} now",
])
def test_every_form_of_request_line_is_redacted(line):
    assert_nothing_sent_is_in(redact_line(line))
