"""The eight services of issue 16, part a (thoracic spine, foot/ankle, wrist, elbow MRI; CT abdomen
and pelvis, chest, sinus; MRI prostate), scored on charts written for them.

``data/services-16a-cases.jsonl`` follows the shared labelling conventions; each case is matched
in-process and scored by the same five checks as the dev set (the scorer and loader of
``test_dev_set``). Every case must pass, and every service must keep the spread of cases the issue
asks for: at least 8, with an appeal, a not-met, an administrative case, a red flag where its
criteria have one, and two plan types.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

from appeals.criteria import load_library

from .test_dev_set import _report, score_cases

CASES = Path(__file__).parent / "data" / "services-16a-cases.jsonl"
SERVICES = ("mri_thoracic_spine", "mri_foot_ankle", "mri_wrist", "mri_elbow", "ct_abdomen_pelvis",
            "ct_chest", "ct_sinus", "mri_prostate")


@pytest.fixture(scope="module")
def scored() -> list[dict]:
    return score_cases(CASES)


def test_every_case_right_on_all_five_checks(scored):
    report = _report(scored)
    print(report)
    assert all(s["pass"] for s in scored), "\n" + report


def test_each_case_is_matched_to_the_service_it_was_written_for(scored):
    wrong = [(s["id"], (s["result"] or {}).get("service", {}).get("id")) for s in scored
             if (s["result"] or {}).get("service", {}).get("id") not in SERVICES
             or not s["id"].startswith("ta-")]
    assert not wrong, wrong


def test_each_service_has_the_spread_of_cases_the_issue_asks_for(scored):
    library = load_library()
    by_service: dict[str, list[dict]] = defaultdict(list)
    for s in scored:
        by_service[s["result"]["service"]["id"]].append(s)
    problems = []
    for service_id in SERVICES:
        service = library.get(service_id)
        cases = by_service.get(service_id, [])
        outcomes = {s["want"]["outcome"] for s in cases}
        plans = {s["row"]["case"]["plan_type"] for s in cases}
        has_red_flag_criteria = bool(service.red_flags) or any(
            r.kind == "red_flag" for p in service.pathways for r in p.requirements)
        red_flag_cases = [s for s in cases if "red_flag" in s["want"]["omitted"] + s["want"]["unmet"]
                          or any(r["kind"] == "red_flag" and r["status"] != "unmet"
                                 for r in s["result"]["requirements"])]
        if len(cases) < 8:
            problems.append(f"{service_id}: {len(cases)} cases, fewer than 8")
        for outcome in ("not_met", "administrative"):
            if outcome not in outcomes:
                problems.append(f"{service_id}: no {outcome} case")
        if not outcomes & {"appeal", "ready"} or "appeal" not in outcomes:
            problems.append(f"{service_id}: no appeal case")
        if len(plans) < 2:
            problems.append(f"{service_id}: only plan type {plans}")
        if has_red_flag_criteria and not red_flag_cases:
            problems.append(f"{service_id}: its criteria have red flags but no case shows one")
    assert not problems, "\n".join(problems)
