"""Letters for the six services of issue 16b: for each, an appeal and a not-met chart from the
matcher's labelled cases, matched and rendered with the built-in templates."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from appeals.contract import RequirementResult, parse_case
from appeals.letters import render_letter
from appeals.letters.evidence import obtain_from
from appeals.letters.text import docx_text
from appeals.matching import match_case

from .samples import TODAY

CASES = Path(__file__).resolve().parents[1] / "matching" / "data" / "services-16b-cases.jsonl"
SERVICES = ["pet_ct_oncology", "spect_mpi", "stress_echo", "ccta", "mri_breast", "polysomnography"]


def _rows() -> list[dict]:
    return [json.loads(line) for line in CASES.read_text(encoding="utf-8").splitlines() if line.strip()]


def _pick(outcome: str) -> list[tuple[str, dict]]:
    out = []
    for service in SERVICES:
        for row in _rows():
            case = parse_case(row["case"])
            if row["expect"]["outcome"] == outcome and match_case(case, today=TODAY).service.id == service:
                out.append((f"{service}:{row['id']}", row))
                break
        else:
            raise AssertionError(f"no {outcome} case for {service}")
    return out


def _day(value) -> str:
    return f"{value:%B} {value.day}, {value.year}"


@pytest.mark.parametrize("name, row", _pick("appeal"), ids=lambda v: v if isinstance(v, str) else "")
def test_appeal_letter_cites_the_policy_and_what_the_request_left_out(name, row):
    case = parse_case(row["case"])
    result = match_case(case, today=TODAY)
    assert result.outcome == "appeal"
    for kind in (None, "clinician"):
        text = docx_text(render_letter(case, result, kind=kind, today=TODAY))
        assert "{{" not in text and "{%" not in text
        assert case.patient.name in text
        publisher = result.policy.source.split(",")[0].split(" (")[0]
        assert result.policy.title in text and publisher in text
        assert _day(result.deadline.date) in text
        omitted = [e for r in result.requirements if r.status == "omitted" for e in r.evidence]
        assert omitted, name
        for evidence in omitted:
            assert evidence.quote in text, (name, evidence.quote)
        for warning in result.warnings:
            assert warning not in text
        if result.urgency == "emergency":
            assert text.startswith("Emergency care comes first.")


@pytest.mark.parametrize("name, row", _pick("not_met"), ids=lambda v: v if isinstance(v, str) else "")
def test_not_met_checklist_says_what_to_obtain_and_from_whom(name, row):
    case = parse_case(row["case"])
    result = match_case(case, today=TODAY)
    assert result.outcome == "not_met"
    text = docx_text(render_letter(case, result, today=TODAY))  # the checklist, by default
    assert "{{" not in text and "{%" not in text
    unmet = [r for r in result.requirements if r.status == "unmet"]
    assert unmet, name
    for requirement in unmet:
        assert requirement.needed.split(" (")[0] in text, (name, requirement.needed)
        assert obtain_from(requirement) in text, (name, requirement.kind)


@pytest.mark.parametrize("test_name", ["treadmill ECG", "home sleep test", "mammogram"])
def test_an_earlier_test_is_not_called_an_x_ray_in_what_to_obtain(test_name):
    # A treadmill ECG or a home sleep test is obtained from whoever orders that test.
    requirement = RequirementResult(id="first", kind="prior_imaging", status="unmet",
                                    text=f"A {test_name} was done first")
    assert test_name in obtain_from(requirement)
    assert "X-ray" not in obtain_from(requirement)
