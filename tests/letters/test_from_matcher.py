"""Case → match_case → letter: the matcher's real results through every built-in template."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from appeals.contract import parse_case
from appeals.letters import LETTER_KINDS, build_context, default_kind, render_letter
from appeals.letters.text import docx_text
from appeals.matching import match_case

from .samples import TODAY, lumbar_case

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples" / "cases").glob("*.json"))


def test_the_examples_are_there():
    assert len(EXAMPLES) >= 3, "examples/cases/*.json went missing"


def _cases():
    cases = [(path.stem, parse_case(json.loads(path.read_text()))) for path in EXAMPLES]
    cases.append(("sample-lumbar", lumbar_case()))
    cases.append(("form-answers", lumbar_case(documentation=[], answers={
        "pt_weeks": 8, "treatment_failed": True, "followup_visit": True,
        "followup_date": "2026-02-20"})))
    return cases


@pytest.mark.parametrize("name, case", _cases(), ids=lambda v: v if isinstance(v, str) else "")
def test_matched_case_renders_every_kind(name, case):
    result = match_case(case, today=TODAY)
    for kind in LETTER_KINDS:
        text = docx_text(render_letter(case, result, kind=kind, today=TODAY))
        assert "{{" not in text and "{%" not in text
        if kind != "checklist":  # the checklist is the patient's own page, not for the plan
            for warning in result.warnings:
                assert warning not in text
        if result.urgency == "emergency":
            assert text.startswith("Emergency care comes first.")
        if case.patient and case.patient.name:
            assert case.patient.name in text
    text = docx_text(render_letter(case, result, today=TODAY))  # the default kind
    if result.deadline and case.denial:
        day = result.deadline.date
        assert f"{day:%B} {day.day}, {day.year}" in text
    if default_kind(result) != "checklist" and result.policy:
        assert result.policy.title in text
    for requirement in result.requirements:
        if requirement.status == "omitted":
            for evidence in requirement.evidence:
                assert evidence.quote in text, (name, evidence.quote)
                if evidence.date:
                    day = evidence.date
                    assert f"{day:%B} {day.day}, {day.year}" in text


def test_answers_are_cited_as_the_patients_statement_not_as_an_enclosure():
    case = lumbar_case(documentation=[], answers={"pt_weeks": 8, "treatment_failed": True})
    result = match_case(case, today=TODAY)
    answered = [e for r in result.requirements for e in r.evidence
                if (e.source or "").casefold() == "answers"]
    assert answered, "the matcher cites form answers"
    context = build_context(case, result, kind="patient", today=TODAY)
    cited = [e for r in context["requirements"] for e in r["evidence"] if e["is_statement"]]
    assert cited and all(e["source"] == "my answer on the appeal form" for e in cited)
    assert all(e["enclosure"] == "stated in this letter" for e in cited)
    assert all("answers" not in e["title"] for e in context["enclosures"])
    # Never in the clinician's voice, never as clinical evidence.
    clinician = build_context(case, result, kind="clinician", today=TODAY)
    assert not [e for r in clinician["requirements"] for e in r["evidence"] if e["is_statement"]]
    assert clinician["summary"]["patient_statement"] == ""


def test_original_request_evidence_is_not_an_enclosure():
    case = lumbar_case()
    result = match_case(case, today=TODAY)
    context = build_context(case, result, kind="clinician", today=TODAY)
    from_request = [e for r in context["requirements"] for e in r["evidence"]
                    if e["source"] == "original request"]
    assert from_request and all(e["enclosure"] == "in the original request"
                                for e in from_request)
    assert all(e["title"] != "original request" for e in context["enclosures"])


def test_an_answer_quote_the_case_did_not_give_is_dropped():
    from appeals.contract import Evidence

    case = lumbar_case(documentation=[], answers={"pt_weeks": 8, "treatment_failed": True})
    result = match_case(case, today=TODAY)
    target = next(r for r in result.requirements if r.evidence)
    forged = Evidence(quote="Have you had spinal surgery? yes", source="answers")
    target.evidence.append(forged)
    context = build_context(case, result, kind="patient", today=TODAY)
    assert "spinal surgery" not in repr(context)
