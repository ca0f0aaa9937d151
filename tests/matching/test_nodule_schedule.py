"""The Fleischner 2017 schedule past its first step (the later CTs after a stable follow-up, and
its end), and the nodule the web form's answers describe reaching that same schedule."""

from __future__ import annotations

import datetime as dt

import pytest

from appeals.matching.facts import DOCUMENT, Facts, Mention
from appeals.matching.nodules import GROUND_GLASS, PART_SOLID, fleischner_2017, next_ct, read_nodules

from .helpers import make_case, requirement, run, warned

D = dt.date.fromisoformat
FIRST = D("2025-01-10")


# --- the schedule -------------------------------------------------------------------------------

@pytest.mark.parametrize("advice, follow_ups, due", [
    # solid 6-8 mm, low risk: CT at 6-12 months, then consider CT at 18-24 months (from the first CT)
    (fleischner_2017(7), [], "2025-07-10"),
    (fleischner_2017(7), ["2025-07-15"], "2026-07-10"),
    (fleischner_2017(7), ["2025-12-20"], "2026-07-10"),           # a late first follow-up: still 18 months
    (fleischner_2017(7), ["2025-07-15", "2026-07-20"], None),     # both steps stable: the schedule ends
    (fleischner_2017(7), ["2026-09-10"], None),                   # one CT at 20 months reached both steps
    (fleischner_2017(7, high_risk=True), ["2025-08-01"], "2026-07-10"),
    # several solid, largest 6-8 mm: CT at 3-6 months, then at 18-24 months
    (fleischner_2017(7, multiple=True), ["2025-04-20"], "2026-07-10"),
    # solid under 6 mm, high risk: the one optional CT at 12 months, then nothing
    (fleischner_2017(4, high_risk=True), ["2026-01-15"], None),
    # part-solid 6 mm or more: 3-6 months, then annual CT until 5 years after the first
    (fleischner_2017(9, PART_SOLID), [], "2025-04-10"),
    (fleischner_2017(9, PART_SOLID), ["2025-05-01"], "2026-05-01"),
    (fleischner_2017(9, PART_SOLID), ["2025-05-01", "2026-05-01", "2027-05-01", "2028-05-01"], "2029-05-01"),
    (fleischner_2017(9, PART_SOLID), ["2025-05-01", "2026-05-01", "2027-05-01", "2028-05-01", "2029-05-01"],
     None),                                                       # the next would fall after 5 years
    # ground-glass 6 mm or more: 6-12 months, then every 2 years until 5 years
    (fleischner_2017(8, GROUND_GLASS), ["2025-08-01"], "2027-08-01"),
    (fleischner_2017(8, GROUND_GLASS), ["2025-08-01", "2027-08-01"], "2029-08-01"),
    (fleischner_2017(8, GROUND_GLASS), ["2025-08-01", "2027-08-01", "2029-08-01"], None),
    # several subsolid under 6 mm: 3-6 months, then consider CT at 2 and 4 years
    (fleischner_2017(4, GROUND_GLASS, multiple=True), ["2025-05-01"], "2027-01-10"),
    (fleischner_2017(4, GROUND_GLASS, multiple=True), ["2025-05-01", "2027-01-20"], "2029-01-10"),
])
def test_the_next_ct_is_counted_as_the_guideline_counts_it(advice, follow_ups, due):
    assert next_ct(advice, FIRST, [D(d) for d in follow_ups]) == (D(due) if due else None), advice.text


def test_a_nodule_that_needs_no_follow_up_has_no_next_ct():
    assert next_ct(fleischner_2017(4), FIRST, []) is None
    assert next_ct(fleischner_2017(12), FIRST, []) is None  # over 8 mm: work-up now, not a schedule


# --- a stable follow-up CT in the notes -------------------------------------------------------------

BASELINE = ("2025-01-10", "Radiology report", "CT chest 1/10/2025: 7 mm solid nodule in the right upper lobe.")
STABLE = ("2025-07-15", "Radiology report",
          "CT chest 7/15/2025: the right upper lobe nodule is unchanged, 7 mm solid nodule, no growth.")


def _chest(notice: str, *notes, answers=None) -> dict:
    return run(make_case(service="CT chest", payer="Humana", request="CT chest, lung nodule follow-up.",
                         notes=notes, notice=notice, answers=answers), today=D(notice))


def test_after_a_stable_follow_up_the_next_is_due_18_months_after_the_first_ct():
    due = _chest("2026-07-10", BASELINE, STABLE)
    assert due["outcome"] == "appeal" and requirement(due, "interval")["status"] == "omitted"
    early = _chest("2026-03-02", BASELINE, STABLE)  # 6-12 months after the latest CT, as if it were the first
    assert early["outcome"] == "not_met"
    needed = requirement(early, "interval")["needed"]
    assert "next follow-up CT is due from 2026-07-10" in needed
    assert "found it was on 2025-01-10" in needed and "2025-07-15 showed no growth" in needed
    # the CT that found the nodule is the baseline, not stale evidence
    assert not any("2025-01-10" in w and "old" in w for w in due["warnings"])


def test_after_the_last_step_no_further_follow_up_is_due():
    second = ("2026-07-20", "Radiology report", "CT chest 7/20/2026: 7 mm solid nodule right upper lobe, stable.")
    result = _chest("2027-03-01", BASELINE, STABLE, second)
    assert result["outcome"] == "not_met"
    needed = requirement(result, "interval")["needed"]
    assert "no further follow-up CT is recommended" in needed and "completes that schedule" in needed


def test_growth_on_a_follow_up_ct_is_met_whatever_the_step():
    grown = ("2025-07-15", "Radiology report", "CT chest 7/15/2025: right upper lobe solid nodule now 10 mm.")
    assert _chest("2025-08-01", BASELINE, grown)["outcome"] == "appeal"


def test_several_subsolid_nodules_after_the_first_step_are_read_by_the_recommendation():
    first = ("2025-01-10", "Radiology report", "CT chest 1/10/2025: multiple ground-glass nodules, the largest 8 mm.")
    later = ("2025-05-01", "Radiology report", "CT chest 5/1/2025: multiple ground-glass nodules, the largest 8 mm, "
             "stable. Recommend follow-up CT in 12 months.")
    assert _chest("2026-05-10", first, later)["outcome"] == "appeal"  # the radiologist's recommendation


# --- the form's answers -----------------------------------------------------------------------------

ANSWERS = {"nodule": True, "nodule_size": 7, "nodule_kind": "Solid", "nodule_count": "One nodule",
           "nodule_ct_date": "2025-01-10", "smoking": False}


@pytest.mark.parametrize("notice, outcome", [("2025-07-10", "appeal"), ("2025-07-09", "not_met")])
def test_answers_alone_reach_the_schedule_a_report_reaches(notice, outcome):
    from_answers = _chest(notice, answers=ANSWERS)
    from_notes = _chest(notice, BASELINE, ("2025-01-12", "PCP note", "Never smoker."))
    assert from_answers["outcome"] == from_notes["outcome"] == outcome
    assert from_answers["pathway"] == from_notes["pathway"]
    interval = requirement(from_answers, "interval")
    if outcome == "not_met":
        assert interval["needed"] == requirement(from_notes, "interval")["needed"]
        assert "7 mm solid nodule calls for CT at 6-12 months" in interval["needed"]
        assert "due from 2025-07-10" in interval["needed"]
    else:
        assert all(e["source"] == "answers" for e in interval["evidence"])
        assert any("How big is the nodule" in e["quote"] and "7" in e["quote"] for e in interval["evidence"])


@pytest.mark.parametrize("kind, count, size, due", [
    ("Part-solid (partly solid, partly hazy)", "One nodule", "9", "2025-04-10"),
    ("Ground-glass (hazy, not solid)", "One nodule", "8 mm", "2025-07-10"),
    ("Solid", "Several nodules", "0.7 cm", "2025-04-10"),
])
def test_the_kind_and_number_answered_set_the_interval(kind, count, size, due):
    answers = dict(ANSWERS, nodule_kind=kind, nodule_count=count, nodule_size=size)
    result = _chest("2025-03-01", answers=answers)
    assert result["outcome"] == "not_met"
    assert f"due from {due}" in requirement(result, "interval")["needed"]


def test_smoking_answered_yes_makes_a_small_nodule_high_risk():
    small = dict(ANSWERS, nodule_size=4)
    assert _chest("2026-01-20", answers=small)["outcome"] == "not_met"  # low risk: no routine follow-up
    risky = _chest("2026-01-20", answers=dict(small, smoking=True))
    assert risky["outcome"] == "appeal"  # optional CT at 12 months, from 2026-01-10
    assert any("smoke" in e["quote"] for e in requirement(risky, "interval")["evidence"])


@pytest.mark.parametrize("size", [0, -3, 250, "big", True])
def test_a_size_that_cannot_be_a_nodule_is_reported_and_not_used(size):
    result = _chest("2025-07-10", answers=dict(ANSWERS, nodule_size=size))
    assert warned(result, "How big is the nodule", "millimetres", "not used")
    # without a size there is no interval: the documented recommendation is read, and there is none
    assert requirement(result, "interval")["status"] == "unmet"


def test_a_size_with_no_nodule_is_a_contradiction_reported_and_not_used():
    result = _chest("2025-07-10", answers=dict(ANSWERS, nodule=False))
    assert warned(result, "no CT found a nodule", "not used")
    assert result["outcome"] == "not_met"


@pytest.mark.parametrize("sentence", [
    "Stable 7 mm solid nodule in the right upper lobe, unchanged since 6/12/2024.",
    "7 mm solid nodule in the right upper lobe, no change compared with 6/12/2024.",
    "7 mm solid nodule in the right upper lobe, the same as on the prior CT of 6/12/2024.",
])
def test_the_date_a_follow_up_ct_compares_with_is_not_its_own(sentence):
    facts = Facts()
    facts.add(Mention("pulmonary_nodule", False, sentence, "Radiology report", D("2025-01-08"), DOCUMENT))
    [nodule] = read_nodules(facts)
    assert nodule.found == D("2025-01-08")
