"""The letter context: one documented schema, filled from a case and its result."""

from __future__ import annotations

import pytest

from appeals.letters import LETTER_KINDS, build_context, context_variables, default_kind
from appeals.letters.schema import LetterContext

from .samples import (
    TODAY, administrative_pair, headache_pair, knee_ready_pair, lumbar_case, lumbar_result,
    not_met_pair, scenarios,
)


@pytest.mark.parametrize("kind", LETTER_KINDS)
@pytest.mark.parametrize("scenario", scenarios(), ids=lambda s: s[0])
def test_context_fits_the_documented_schema(scenario, kind):
    _, case, result = scenario
    context = build_context(case, result, kind=kind, today=TODAY)
    LetterContext.model_validate(context)  # every key documented, nothing extra
    assert context["kind"] == kind
    assert context["today"] == "March 10, 2026"


def test_default_kind_follows_the_outcome():
    assert default_kind(lumbar_result("appeal")) == "patient"
    assert default_kind(lumbar_result("ready")) == "patient"
    assert default_kind(lumbar_result("not_met")) == "checklist"
    assert default_kind(lumbar_result("administrative")) == "correction"
    assert default_kind(lumbar_result("no_criteria")) == "patient"


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="unknown letter kind 'memo'"):
        build_context(lumbar_case(), lumbar_result(), kind="memo")


def test_identifiers_dates_and_crosswalk():
    context = build_context(lumbar_case(), lumbar_result(), kind="patient", today=TODAY)
    assert context["patient"]["name"] == "Alex Rivera"
    assert context["patient"]["date_of_birth"] == "March 4, 1971"
    assert context["patient"]["age"] == "55"
    assert context["denial"]["reference"] == "PA-2026-0042"
    assert context["denial"]["received_date"] == "March 5, 2026"
    assert context["service"]["description"] == "MRI lumbar spine without contrast (CPT 72148)"
    assert context["policy"]["citation"] == (
        "eviCore Spine Imaging Guidelines V1.0.2026, section SP.LB.0005.1.A")
    assert [r["id"] for r in context["omitted_requirements"]] == ["six-week-trial",
                                                                    "re-evaluation"]
    pt = context["omitted_requirements"][0]["evidence"][0]
    assert pt["date"] == "February 10, 2026" and pt["source"] == (
        "Physical therapy discharge summary")
    # Enclosures: the denial notice first, then each cited source document once, numbered as
    # the crosswalk cites them.
    titles = [e["title"] for e in context["enclosures"]]
    assert titles == ["Denial notice, reference PA-2026-0042", "Office note (initial visit)",
                      "Physical therapy discharge summary", "Office note (re-evaluation)"]
    assert pt["enclosure"] == "Enclosure 3"
    assert context["deadline"]["date"] == "September 1, 2026"
    assert "September 1, 2026" in context["deadline"]["text"]


def test_evidence_that_was_not_supplied_is_never_cited():
    result = lumbar_result()
    invented = result.requirements[1].model_copy(update={"evidence": [
        result.requirements[1].evidence[0].model_copy(
            update={"quote": "Chiropractic care 12 visits", "source": "Chiropractor log"})]})
    result = result.model_copy(update={"requirements": [result.requirements[0], invented,
                                                        result.requirements[2]]})
    context = build_context(lumbar_case(), result, kind="patient", today=TODAY)
    flat = repr(context)
    assert "Chiropractic care 12 visits" not in flat
    assert "Chiropractor log" not in flat
    requirement = context["requirements"][1]
    assert requirement["status"] == "unmet" and requirement["evidence"] == []
    assert requirement["id"] not in [r["id"] for r in context["cited_requirements"]]


def test_warnings_never_reach_the_context():
    result = lumbar_result()
    assert result.warnings
    context = build_context(lumbar_case(), result, kind="clinician", today=TODAY)
    assert "disagree" not in repr(context)


def test_emergency_comes_first_with_its_basis():
    case, result = headache_pair()
    context = build_context(case, result, kind="patient", today=TODAY)
    assert context["is_emergency"] and context["is_expedited"]
    assert "emergency" in context["emergency"]["notice"].lower()
    assert "does not need prior authorization" in context["emergency"]["notice"]
    assert "42 CFR 422.113" in context["emergency"]["plan_notice"]
    assert context["emergency"]["symptoms"] == [
        "sudden severe headache reaching maximal intensity within one minute"]
    assert context["appeal"]["title"] == "Request for an expedited (72-hour) reconsideration"


@pytest.mark.parametrize("plan_type, expected", [
    ("employer", ["29 CFR 2560.503-1(h)(2)(iii)", "no deference", "credentials"]),
    ("marketplace", ["45 CFR 147.136(b)", "no deference"]),
    ("government_employer", ["45 CFR 147.136(b)", "credentials"]),
    ("medicare_advantage", ["42 CFR 422.101(b)(6)", "physician with expertise",
                            "42 CFR 422.590"]),
    ("medicaid", ["42 CFR 438.406(b)(5)", "free of charge", "State fair hearing"]),
    ("other", ["copy of the specific criteria"]),
])
def test_rights_follow_the_plan_type(plan_type, expected):
    context = build_context(lumbar_case(plan_type), lumbar_result(), kind="patient",
                            today=TODAY)
    rights = " ".join(f"{r['text']} {r['basis']}" for r in context["rights"]["entries"])
    for phrase in expected:
        assert phrase in rights
    assert context["next_level"]


def test_voice_follows_the_writer():
    patient = build_context(lumbar_case(), lumbar_result(), kind="patient", today=TODAY)
    clinician = build_context(lumbar_case(), lumbar_result(), kind="clinician", today=TODAY)
    assert "my claim" in patient["rights"]["entries"][0]["text"]
    assert "the patient's claim" in clinician["rights"]["entries"][0]["text"]
    assert patient["signer"]["name"] == "Alex Rivera" and clinician["signer"]["name"] == ""


def test_checklist_for_unmet_requirements():
    case, result = not_met_pair()
    context = build_context(case, result, kind="checklist", today=TODAY)
    assert [c["requirement"] for c in context["checklist"]] == [
        "Failure of a 6-week trial of provider-directed treatment",
        "Clinical re-evaluation after the treatment period"]
    assert "physical therapist" in context["checklist"][0]["obtain_from"]
    assert "Six weeks of treatment directed by a clinician" in context["clinic_request"]
    assert "follow-up visit" in context["clinic_request"]


def test_correction_for_administrative_denials():
    context = build_context(*administrative_pair(), kind="correction", today=TODAY)
    assert context["correction"]["request_type"] == "retro-authorization"
    coding = build_context(*administrative_pair("coding"), kind="correction", today=TODAY)
    assert coding["correction"]["request_type"] == "corrected resubmission"
    assert any("side" in step for step in coding["correction"]["steps"])


def test_check_before_filing_has_no_deadline_or_appeal_rights_wording():
    case, result = knee_ready_pair()
    context = build_context(case, result, kind="clinician", today=TODAY)
    assert context["is_check_before_filing"]
    assert not context["deadline"]["present"] and not context["denial"]["present"]
    assert context["appeal"]["title"] == "Letter of medical necessity"
    assert context["next_level"] == ""
    assert context["patient"]["age"] == "44"


def test_context_variables_document_every_field():
    variables = context_variables()
    names = [v["name"] for v in variables]
    assert len(names) == len(set(names))
    for expected in ("patient.name", "requirements[].evidence[].quote", "deadline.date",
                     "enclosures[].title", "rights.entries[].basis", "emergency.notice"):
        assert expected in names
    by_name = {v["name"]: v for v in variables}
    assert by_name["requirements[].evidence[].quote"]["type"] == "string"
    assert by_name["requirements"]["type"] == "list"
    assert by_name["is_emergency"]["type"] == "boolean"
    assert by_name["service.codes"]["type"] == "list of strings"
    for variable in variables:
        assert variable["description"], variable["name"]
        if variable["type"] not in ("object", "list"):
            assert variable["example"] is not None, variable["name"]
    assert not any("warning" in name for name in names)
