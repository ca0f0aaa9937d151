"""The six services of issue 16b (PET/CT, SPECT MPI, stress echo, coronary CTA, breast MRI, in-lab
polysomnography) scored on charts written for them from the labelling conventions
(``data/services-16b-cases.jsonl``, at least 8 a service). Scored by the dev-set test's own rules
(the shared scorer where it is there); every case must pass."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from appeals.contract import Case
from appeals.matching import match_case

from .test_dev_set import _load_rows, _report, _scorer

CASES = Path(__file__).parent / "data" / "services-16b-cases.jsonl"
SERVICES = {"pet_ct_oncology", "spect_mpi", "stress_echo", "ccta", "mri_breast", "polysomnography"}


@pytest.fixture(scope="module")
def scored() -> list[dict]:
    score, _ = _scorer()
    out = []
    for row in _load_rows(CASES):
        result = json.loads(json.dumps(match_case(Case.model_validate(row["case"])).to_json()))
        checks, want, got = score(row, result, None)
        out.append({"id": row["id"], "row": row, "result": result, "error": None,
                    "checks": checks, "want": want, "got": got, "pass": all(checks.values())})
    return out


def test_every_case_passes_all_five_checks(scored):
    report = _report(scored)
    print(report)
    assert all(s["pass"] for s in scored), "\n" + report


def test_each_service_has_eight_cases_of_each_kind_needed(scored):
    by_service = Counter(s["result"]["service"]["id"] for s in scored)
    assert set(by_service) == SERVICES and min(by_service.values()) >= 8, by_service
    for service in SERVICES:
        rows = [s for s in scored if s["result"]["service"]["id"] == service]
        outcomes = {s["want"]["outcome"] for s in rows}
        assert {"appeal", "not_met", "administrative"} <= outcomes, (service, outcomes)
        assert len({s["row"]["case"]["plan_type"] for s in rows}) >= 2, service


def test_the_red_flags_the_criteria_have_are_exercised(scored):
    urgent = {(s["result"]["service"]["id"], s["want"]["urgency"]) for s in scored}
    for service in ("spect_mpi", "stress_echo", "ccta"):
        assert (service, "emergency") in urgent, service
    assert ("polysomnography", "expedited") in urgent
