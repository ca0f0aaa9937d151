"""Schemathesis against the running app's OpenAPI document, with a real token: every operation,
every check, a bounded number of examples; a fixed seed under CI (reproducible) and a random one
locally (printed, so a failure can be replayed). 0 server errors, 0 schema violations.

    FUZZ_EXAMPLES=100 FUZZ_SEED=1 .venv/bin/python -m pytest -m fuzz tests/fuzz -s
"""

from __future__ import annotations

import io
import json
import os
import random
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from appeals.app import create_app
from appeals.extensions import db
from appeals.web.api.openapi import build_document
from conftest import bearer, make_user

pytestmark = pytest.mark.fuzz

ROOT = Path(__file__).resolve().parents[2]
CASE = json.loads((ROOT / "examples/cases/lumbar_appeal_omitted_pt.json").read_text())
LETTER = ROOT / "appeals/templates/letters/patient.docx"
CONFIG = Path(__file__).with_name("schemathesis.toml")
CI_SEED = 20261203
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))


def _seed() -> int:
    if os.environ.get("FUZZ_SEED"):
        return int(os.environ["FUZZ_SEED"])
    return CI_SEED if os.environ.get("CI") == "true" else random.randrange(2**31)


@pytest.fixture
def running_app(tmp_path):
    """The app served over HTTP on 127.0.0.1, with a user, a token and one record of each kind
    (the lists are not empty). The id routes get their ids from schemathesis' stateful phase,
    which follows each POST's answer (a fixed id would be deleted under it)."""
    app = create_app({
        "TESTING": True, "SECRET_KEY": "fuzz-secret", "WTF_CSRF_ENABLED": False,
        "SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(tmp_path / "fuzz.sqlite"),
        "TEMPLATE_PREVIEW_ON_UPLOAD": False,
    })
    with app.app_context():
        db.create_all()
        headers = bearer(make_user("fuzz@example.test", "Fuzz Clinic", role="admin"))
    client = app.test_client()
    assert client.post("/api/v1/appeals", json=CASE, headers=headers).status_code == 202
    assert client.post("/api/v1/batches", json=[CASE], headers=headers).status_code == 202
    assert client.post("/api/v1/templates", headers=headers, content_type="multipart/form-data",
                       data={"file": (io.BytesIO(LETTER.read_bytes()), "fuzz.docx")}).status_code == 201
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield app, f"http://127.0.0.1:{server.server_port}", headers
    finally:
        server.shutdown()
        thread.join(10)


def test_the_api_answers_what_its_document_says(running_app, tmp_path):
    app, base, headers = running_app
    documented = sum(len(methods) for methods in build_document(app)["paths"].values())
    seed = _seed()
    command = [
        os.path.join(os.path.dirname(sys.executable), "st"), "--config-file", str(CONFIG),
        "--no-color", "run", f"{base}/api/v1/openapi.json",
        "--header", f"Authorization: {headers['Authorization']}",
        "--checks", "all", "--max-examples", str(EXAMPLES), "--seed", str(seed),
        "--workers", "1", "--generation-database", "none", "--request-timeout", "30",
        "--report", "junit", "--report-junit-path", str(tmp_path / "junit.xml"),
    ]
    run = subprocess.run(command, capture_output=True, text=True, timeout=900, cwd=tmp_path)
    output = run.stdout + run.stderr
    reproduce = f"FUZZ_SEED={seed} FUZZ_EXAMPLES={EXAMPLES} pytest -m fuzz tests/fuzz"
    (tmp_path / "schemathesis.log").write_text(output)
    print(f"schemathesis: seed {seed}, {EXAMPLES} examples\n" + output[-1500:])
    assert run.returncode == 0, f"reproduce with {reproduce}\n{output[-12000:]}"
    # Every operation the document lists was selected and tested (schemathesis may leave out the
    # document's own operation, GET /openapi.json).
    selected = re.search(r"Selected: (\d+)/(\d+)\s+Tested: (\d+)", output)
    assert selected, output[-3000:]
    chosen, total, tested = map(int, selected.groups())
    assert chosen == total == tested >= documented - 1, output[-3000:]
    generated = re.search(r"(\d+) generated", output)
    assert generated and int(generated.group(1)) >= total * 10, output[-3000:]
