"""`appeals match --date` and `--explain`, and `POST /api/v1/match?date=`: a result judged as on a
given day, and the working behind it."""

import json

from appeals.cli import cli

LATE_CASE = {
    "service": "MRI knee", "plan_type": "medicaid", "payer": "Cigna",
    "denial": {"notice_date": "2025-01-06", "text": "X-rays were not documented."},
    "original_request": "MRI right knee. X-rays on file.",
    "documentation": [
        {"date": "2023-05-02", "source": "Radiology report", "text": "XR RIGHT KNEE 3 VIEWS: normal."},
        {"date": "2024-12-20", "source": "Clinic note",
         "text": "Twisted the right knee on 2024-12-14 playing soccer. Exam: effusion, McMurray positive. "
                 "X-rays offered, patient declined."},
    ],
}


def _run(runner, args, case=LATE_CASE):
    return runner.invoke(cli, ["match", *args, "-"], input=json.dumps(case))


def test_date_decides_whether_the_deadline_has_passed(runner):
    before = json.loads(_run(runner, ["--date", "2025-02-01"]).stdout)
    after = json.loads(_run(runner, ["--date", "2025-06-01"]).stdout)
    passed = "The filing deadline (2025-03-07) has passed"
    assert not any(passed in w for w in before["warnings"])
    assert any(passed in w for w in after["warnings"])
    assert before["outcome"] == after["outcome"] == "not_met"


def test_date_must_be_a_date(runner):
    out = _run(runner, ["--date", "March 3"])
    assert out.exit_code == 2 and "--date" in out.output


def test_explain_names_what_was_set_aside_and_why(runner):
    out = _run(runner, ["--explain", "--date", "2025-02-01"])
    assert out.exit_code == 0, out.output
    text = out.stdout
    assert "outcome: not_met" in text and "episode began: 2024-12-14" in text
    # The old film, the declined one and the vague reference are each set aside with a reason.
    assert 'set aside "XR RIGHT KNEE 3 VIEWS: normal."' in text and "predate the current episode" in text
    assert 'set aside "X-rays offered, patient declined."' in text and "declined or not done" in text
    assert 'set aside "X-rays on file."' in text
    assert "[unmet] radiographs (prior_imaging)" in text
    # What did count for the findings is shown as found.
    assert 'found   "Exam: effusion, McMurray positive."' in text


def test_api_match_takes_a_date(client, api_headers):
    r = client.post("/api/v1/match?date=2025-06-01", json=LATE_CASE, headers=api_headers)
    assert r.status_code == 200
    assert any("has passed" in w for w in r.get_json()["warnings"])
    bad = client.post("/api/v1/match?date=soon", json=LATE_CASE, headers=api_headers)
    assert bad.status_code == 400 and bad.get_json()["errors"][0]["field"] == "date"
