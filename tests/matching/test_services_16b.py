"""The six services of issue 16b (PET/CT, SPECT MPI, stress echo, coronary CTA, breast MRI, in-lab
polysomnography) scored on charts written for them from the labelling conventions
(``data/services-16b-cases.jsonl``, at least 8 a service). Scored by the dev-set test's own rules
(the shared scorer where it is there); every case must pass."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest


from .test_dev_set import _report, score_cases

CASES = Path(__file__).parent / "data" / "services-16b-cases.jsonl"
SERVICES = {"pet_ct_oncology", "spect_mpi", "stress_echo", "ccta", "mri_breast", "polysomnography"}


@pytest.fixture(scope="module")
def scored() -> list[dict]:
    return score_cases(CASES)


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


@pytest.mark.parametrize("text, category", [
    ("The patient can exercise; a treadmill test should be done first.", "medical_necessity"),
    ("A home sleep apnea test must be tried first.", "medical_necessity"),
    ("Low pretest probability; an exercise treadmill ECG is the appropriate first test.", "medical_necessity"),
    ("Aetna CPB 0228: criteria not met.", "medical_necessity"),
    ("The information does not show 12 weeks of medical therapy.", "missing_information"),
    ("Precertification absent for the PET/CT performed 9/1/2026.", "no_authorization"),
])
def test_denials_of_the_new_services_are_classified(text, category):
    from appeals.criteria import load_library
    from appeals.matching.denial import classify
    from appeals.contract import Denial
    import datetime as dt

    assert classify(Denial(notice_date=dt.date(2026, 1, 5), text=text), load_library()).result.category == category


def test_every_source_of_the_new_services_says_what_was_read():
    from appeals.criteria import load_library

    for service_id in SERVICES:
        for source in load_library().get(service_id).sources:
            assert source.note and "read" in source.note.lower(), (service_id, source.id)
            assert source.url.startswith("https://") and source.checked.year >= 2026
