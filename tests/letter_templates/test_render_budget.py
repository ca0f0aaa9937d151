"""The render budget (issue 14): a template that stays inside every sandbox limit but takes far
longer per letter than a letter costs is refused at upload, with its measured time; a render
that runs past the stop is cut off. The budgets are set low here so the tests stay fast; the
template is the same kind as the one that took 10-12 s a letter."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from appeals.cli import cli
from appeals.letter_templates import check_docx
from appeals.letters import PreparedTemplate, TemplateError
from appeals.letter_templates.samples import PREVIEW_DATE, samples
from appeals.letters import build_context
from appeals.settings import Settings

from .docx_factory import make_docx

PATIENT_LETTER = (Path(__file__).resolve().parents[2] / "appeals/templates/letters/patient.docx")
# 50,000 loop turns (the sandbox allows 200,000), each copying a 100 kB string twice: no limit is
# reached, and every letter costs seconds on the fastest machine where a normal one costs
# milliseconds. The string is a literal, so the cost does not hang on the sample names; and since
# every render is stopped at twice the budget, the test pays the stop, not the full cost.
SLOW = make_docx([
    "Dear {{ patient.name }},",
    '{% set pad = "abcdefghij" * 10000 %}{% for j in range(10) %}{% for i in range(5000) %}'
    '{% set t = pad|replace("a", "b")|upper %}{% endfor %}{% endfor %}',
    "Your appeal is attached.",
])
BUDGET = 0.2


def _took(message: str) -> float:
    found = re.search(r"took (\d+\.\d+) s", message)
    assert found, message
    return float(found.group(1))


@pytest.fixture
def budget_app(app):
    app.config.update(LETTER_RENDER_SECONDS=BUDGET, LETTER_RENDER_STOP_SECONDS=BUDGET * 2,
                      TEMPLATE_PREVIEW_ON_UPLOAD=False)
    return app


def test_a_slow_template_is_refused_at_upload_with_its_time(budget_app, client, api_headers):
    response = client.post("/api/v1/templates", headers=api_headers,
                           content_type="multipart/form-data",
                           data={"file": (io.BytesIO(SLOW), "slow.docx"), "name": "Slow"})
    assert response.status_code == 422
    check = response.json["check"]
    [problem] = [p for p in check["problems"] if p["code"] == "too_slow"]
    assert problem["severity"] == "error"
    assert _took(problem["message"]) > BUDGET
    assert f"the limit is {BUDGET:g} s a letter" in problem["message"]
    assert check["render_seconds"] > BUDGET
    listed = client.get("/api/v1/templates", headers=api_headers).json["templates"]
    assert listed == [], "nothing was stored"

    checked = client.post("/api/v1/templates/check", headers=api_headers,
                          content_type="multipart/form-data",
                          data={"file": (io.BytesIO(SLOW), "slow.docx")}).json
    assert checked["ok"] is False
    assert [p["code"] for p in checked["problems"]] == ["too_slow"]


def test_a_normal_letter_is_inside_the_default_budget(app, client, api_headers):
    app.config["TEMPLATE_PREVIEW_ON_UPLOAD"] = False
    budget = Settings.model_fields["LETTER_RENDER_SECONDS"].default
    assert app.config["LETTER_RENDER_SECONDS"] == budget <= 5, "seconds, not a minute"
    response = client.post("/api/v1/templates", headers=api_headers,
                           content_type="multipart/form-data",
                           data={"file": (io.BytesIO(PATIENT_LETTER.read_bytes()), "p.docx")})
    assert response.status_code == 201, response.json
    assert 0 < response.json["check"]["render_seconds"] < budget


def test_the_pure_check_times_only_when_given_a_budget():
    assert check_docx(SLOW).ok and check_docx(SLOW).render_seconds is None
    report = check_docx(SLOW, render_budget=BUDGET)
    assert not report.ok and report.errors[0].code == "too_slow"


def test_a_render_past_its_stop_is_cut_off_with_the_reason():
    sample = samples()[0]
    context = build_context(sample.case, sample.result, kind=sample.kind, today=PREVIEW_DATE)
    with pytest.raises(TemplateError, match=r"longer than 0\.1 s"):
        PreparedTemplate.from_bytes(SLOW).render(context, seconds=0.1)


def test_the_stop_cannot_be_shorter_than_the_budget(tmp_path):
    with pytest.raises(ValueError, match="LETTER_RENDER_STOP_SECONDS"):
        Settings(INSTANCE_PATH=str(tmp_path), LETTER_RENDER_SECONDS=3, LETTER_RENDER_STOP_SECONDS=1)


def test_the_command_line_check_times_it_too(runner, tmp_path):
    path = tmp_path / "slow.docx"
    path.write_bytes(SLOW)
    result = runner.invoke(cli, ["templates", "check", str(path), "--render-budget", str(BUDGET)])
    assert result.exit_code == 1
    assert _took(result.output) > BUDGET and "template refused" in result.output
