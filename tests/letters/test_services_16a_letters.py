"""The letters of the eight services added in issue 16 (part a), rendered from real match results:
an appeal and a not-met case for each, taken from the matcher's cases for these services."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from appeals.contract import Case
from appeals.letters import default_kind, render_letter
from appeals.letters.text import docx_text
from appeals.matching import match_case

from .samples import TODAY

CASES = Path(__file__).resolve().parents[1] / "matching" / "data" / "services-16a-cases.jsonl"
SERVICES = ("mri_thoracic_spine", "mri_foot_ankle", "mri_wrist", "mri_elbow", "ct_abdomen_pelvis",
            "ct_chest", "ct_sinus", "mri_prostate")


def _rows() -> list[dict]:
    return [json.loads(line) for line in CASES.read_text(encoding="utf-8").splitlines() if line.strip()]


def _pick(outcome: str) -> list[tuple[str, dict]]:
    """For each service, its first case with this outcome that has a denial to answer."""
    picked: dict[str, dict] = {}
    for row in _rows():
        if row["expect"]["outcome"] != outcome or "denial" not in row["case"]:
            continue
        service = match_case(Case.model_validate(row["case"]), today=TODAY).service.id
        picked.setdefault(service, row)
    assert set(picked) == set(SERVICES), f"no {outcome} case for {set(SERVICES) - set(picked)}"
    return sorted(picked.items())


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("service, row", _pick("appeal"), ids=lambda v: v if isinstance(v, str) else "")
def test_appeal_letter_cites_the_policy_and_the_omitted_evidence(service, row):
    case = Case.model_validate(row["case"])
    result = match_case(case, today=TODAY)
    assert result.outcome == "appeal" and result.service.id == service
    for kind in (default_kind(result), "clinician"):
        text = _flat(docx_text(render_letter(case, result, kind=kind, today=TODAY)))
        assert "{{" not in text and "{%" not in text
        assert _flat(result.policy.title) in text, (service, kind)
        for requirement in result.requirements:
            if requirement.status == "omitted":
                for evidence in requirement.evidence:
                    if (evidence.source or "") != "answers":
                        assert _flat(evidence.quote) in text, (service, kind, evidence.quote)
        if result.urgency == "emergency":
            assert text.startswith("Emergency care comes first.")


@pytest.mark.parametrize("service, row", _pick("not_met"), ids=lambda v: v if isinstance(v, str) else "")
def test_not_met_checklist_says_what_to_obtain_and_from_whom(service, row):
    case = Case.model_validate(row["case"])
    result = match_case(case, today=TODAY)
    assert result.outcome == "not_met" and result.service.id == service
    assert default_kind(result) == "checklist"
    text = _flat(docx_text(render_letter(case, result, today=TODAY)))
    assert "{{" not in text and "{%" not in text
    unmet = [r for r in result.requirements if r.status == "unmet"]
    assert unmet
    for requirement in unmet:
        assert _flat(requirement.needed.rstrip(".")) in text, (service, requirement.needed)
        if requirement.kind == "prior_imaging" and "ultrasound" in requirement.text.lower():
            assert "orders the ultrasound" in text and "orders the X-ray" not in text
        if requirement.kind == "conservative_care" and "nasal" in requirement.text.lower():
            assert "prescribed the treatment" in text and "chiropractor" not in text
