"""Letters for the payer variants of issue 16c (eviCore's and UnitedHealthcare's cardiac criteria):
every appeal and not-met chart of ``services-16c-cases.jsonl`` matched and rendered with the built-in
templates, checked as the 16b letters are (the same checks, imported)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .test_services_16b_letters import (
    test_appeal_letter_cites_the_policy_and_what_the_request_left_out as check_appeal_letter,
    test_not_met_checklist_says_what_to_obtain_and_from_whom as check_not_met_checklist,
)

CASES = Path(__file__).resolve().parents[1] / "matching" / "data" / "services-16c-cases.jsonl"
ROWS = [json.loads(line) for line in CASES.read_text(encoding="utf-8").splitlines() if line.strip()]
# An appeal letter quotes what the request left out; a chart whose request already held everything
# says the criteria were misapplied instead (tc-spect-05), which the 16b check does not cover.
APPEALS = [r for r in ROWS if r["expect"]["outcome"] == "appeal" and r["expect"]["omitted_kinds"]]
NOT_MET = [r for r in ROWS if r["expect"]["outcome"] == "not_met"]


@pytest.mark.parametrize("row", APPEALS, ids=[r["id"] for r in APPEALS])
def test_appeal_letter_under_the_payers_criteria(row):
    check_appeal_letter(row["id"], row)


@pytest.mark.parametrize("row", NOT_MET, ids=[r["id"] for r in NOT_MET])
def test_not_met_checklist_under_the_payers_criteria(row):
    check_not_met_checklist(row["id"], row)


def test_the_letter_names_the_payers_guideline_not_the_neutral_one():
    from appeals.contract import parse_case
    from appeals.letters import render_letter
    from appeals.letters.text import docx_text
    from appeals.matching import match_case

    from .samples import TODAY

    for row in APPEALS:
        case = parse_case(row["case"])
        text = docx_text(render_letter(case, match_case(case, today=TODAY), today=TODAY))
        assert "Cardiac Imaging Guidelines" in text, row["id"]
        assert "Appropriate Use Criteria" not in text, row["id"]
