"""Every built-in template over a spread of cases: what the letter says, and what it never says."""

from __future__ import annotations

import io

import pytest
from docx import Document

from appeals.letters import LETTER_KINDS, build_context, builtin_template, render_letter
from appeals.letters.text import docx_text

from .samples import (
    TODAY, administrative_pair, cauda_equina_pair, headache_pair, knee_ready_pair, lumbar_case,
    lumbar_result, not_met_pair, scenarios,
)


def _text(case, result, kind):
    data = render_letter(case, result, kind=kind, today=TODAY)
    Document(io.BytesIO(data))  # python-docx opens it
    return docx_text(data)


@pytest.mark.parametrize("kind", LETTER_KINDS)
@pytest.mark.parametrize("scenario", scenarios(), ids=lambda s: s[0])
def test_every_template_renders_every_case(scenario, kind):
    _, case, result = scenario
    text = _text(case, result, kind)
    assert "{{" not in text and "{%" not in text and "}}" not in text  # no stray tags
    assert case.patient.name in text
    assert "None" not in text.split()  # a missing value never prints as None
    for warning in result.warnings:
        assert warning not in text
    # Evidence is quoted only for requirements the records meet, and only as supplied.
    supplied = " ".join(d.text for d in case.documentation) + (case.original_request or "")
    for requirement in result.requirements:
        for evidence in requirement.evidence:
            if evidence.quote in text:
                assert evidence.quote in supplied


@pytest.mark.parametrize("kind", ["patient", "clinician", "advocate"])
@pytest.mark.parametrize("plan_type", ["employer", "marketplace", "government_employer",
                                       "medicare_advantage", "medicaid", "other"])
def test_appeal_letter_cites_criterion_evidence_and_deadline(kind, plan_type):
    case, result = lumbar_case(plan_type), lumbar_result()
    text = _text(case, result, kind)
    for needle in ("Alex Rivera", "XKJ123456789", "March 4, 1971", "PA-2026-0042",
                   "March 2, 2026", "CPT 72148", "eviCore Spine Imaging Guidelines",
                   "SP.LB.0005.1.A", "V1.0.2026",
                   "Low back pain after 6 weeks of provider-directed treatment",
                   "September 1, 2026"):
        assert needle in text, needle
    for requirement in result.requirements:
        if requirement.status == "omitted":
            assert requirement.text in text
            for evidence in requirement.evidence:
                assert evidence.quote in text
                assert f"{evidence.date:%B} {evidence.date.day}, {evidence.date.year}" in text
                assert evidence.source in text
    assert "Enclosures" in text and "Physical therapy discharge summary" in text


def test_letter_holds_no_evidence_that_was_not_given():
    result = lumbar_result()
    requirement = result.requirements[1]
    fake = requirement.evidence[0].model_copy(update={"quote": "MRI-compatible pacemaker "
                                                               "cleared by cardiology"})
    result.requirements[1] = requirement.model_copy(update={"evidence": [fake]})
    for kind in LETTER_KINDS:
        text = _text(lumbar_case(), result, kind)
        assert "pacemaker" not in text


def test_emergency_letter_says_emergency_care_first():
    for case, result in (headache_pair(), cauda_equina_pair()):
        for kind in LETTER_KINDS:
            text = _text(case, result, kind)
            first = text.strip().splitlines()[0]
            assert first.startswith("Emergency care comes first."), (kind, first)
            assert "prior authorization" in first
    text = _text(*headache_pair(), "patient")
    assert "expedited (72-hour)" in text
    assert "Clinician statement for expedited review" in text


def test_expedited_letter_asks_for_72_hours_with_clinician_statement():
    text = _text(lumbar_case("marketplace"), lumbar_result(urgency="expedited"), "patient")
    assert "Request for an expedited (72-hour) internal appeal" in text
    assert "decision within 72 hours" in text
    assert "Clinician statement for expedited review" in text
    standard = _text(lumbar_case(), lumbar_result(), "patient")
    assert "72 hours" not in standard and "Clinician statement" not in standard


def test_plan_rights_in_the_letter():
    ma = _text(lumbar_case("medicare_advantage"), lumbar_result(), "patient")
    assert "42 CFR 422.101(b)(6)" in ma and "physician with expertise" in ma
    assert "reconsideration" in ma
    medicaid = _text(lumbar_case("medicaid"), lumbar_result(), "patient")
    assert "State fair hearing" in medicaid and "free of charge" in medicaid
    erisa = _text(lumbar_case("employer"), lumbar_result(), "patient")
    assert "no deference to the initial denial" in erisa and "credentials" in erisa


def test_checklist_lists_what_to_obtain_and_the_clinic_request():
    case, result = not_met_pair()
    text = _text(case, result, "checklist")
    assert "Before you appeal" in text
    assert "Six weeks of treatment directed by a clinician" in text
    assert "physical therapist" in text
    assert "Request to send your clinic" in text and "Please send me copies" in text
    assert "low back pain for 2 weeks" in text  # what the records already show


def test_correction_request_for_administrative_denial():
    text = _text(*administrative_pair(), "correction")
    assert "Request for retrospective authorization" in text
    assert "CO-197" in text and "CLM-88812" in text
    assert "Before you send" in text
    coding = _text(*administrative_pair("coding", "medicaid"), "correction")
    assert "Request to correct and reprocess a coded request" in coding


def test_check_before_filing_is_a_supporting_letter_not_an_appeal():
    case, result = knee_ready_pair()
    text = _text(case, result, "clinician")
    assert "Letter of medical necessity" in text
    assert "Knee x-ray 2026-01-20: no fracture" in text
    assert "appeal the denial" not in text and "Deadline" not in text
    # The cover page says where a supporting letter goes: with the request, not to an appeals desk.
    patient = _text(case, result, "patient")
    assert "Before you send" in patient
    assert "to send with the prior-authorization request" in patient
    assert "denial notice" not in patient and "appeal address" not in patient


SPECIAL = "Zoë & <Sons> \"Ltd\" 'quoted' — naïve café 🩻 מטופל مريض"


def test_special_characters_come_out_intact():
    case = lumbar_case(payer=SPECIAL, patient={"name": SPECIAL, "member_id": "A&B<1>"})
    result = lumbar_result()
    for kind in LETTER_KINDS:
        text = _text(case, result, kind)
        assert SPECIAL in text, kind
    assert "A&B<1>" in _text(case, result, "patient")


def test_control_characters_and_line_breaks_in_values():
    case = lumbar_case(patient={"name": "Alex\x07 Rivera\x0c", "member_id": "M1",
                                "address": "12 Example Lane\nSpringfield\tIL"},
                       denial={"notice_date": "2026-03-02",
                               "text": "First line.\nSecond line.\tTabbed."})
    text = _text(case, lumbar_result(), "patient")
    assert "Alex Rivera" in text
    assert "12 Example Lane\nSpringfield" in text  # a line break inside the paragraph


def test_same_text_as_a_fresh_docxtpl_render():
    """The prepared renderer must produce the document docxtpl itself would."""
    from docxtpl import DocxTemplate

    from appeals.letters import builtin_template_bytes
    from appeals.letters.sandbox import LetterSandbox

    for _, case, result in scenarios()[:5]:
        for kind in LETTER_KINDS:
            context = build_context(case, result, kind=kind, today=TODAY)
            naive = DocxTemplate(io.BytesIO(builtin_template_bytes(kind)))
            naive.render(context, jinja_env=LetterSandbox(), autoescape=True)
            out = io.BytesIO()
            naive.save(out)
            assert docx_text(builtin_template(kind).render(context)) == docx_text(
                out.getvalue()), kind


def test_prepared_template_is_reusable_and_thread_safe():
    from concurrent.futures import ThreadPoolExecutor

    template = builtin_template("patient")
    cases = [(lumbar_case(patient={"name": f"Patient {i}", "member_id": f"M{i}"}),
              lumbar_result()) for i in range(24)]

    def render(pair):
        return docx_text(template.render(build_context(*pair, kind="patient", today=TODAY)))

    with ThreadPoolExecutor(max_workers=6) as pool:
        texts = list(pool.map(render, cases))
    for i, text in enumerate(texts):
        assert f"Patient {i}" in text
        assert all(f"Patient {j}\n" not in text for j in range(24) if j != i)


def test_a_letter_never_claims_unmet_criteria_are_met():
    case, result = not_met_pair()
    for kind in ("patient", "clinician", "advocate"):
        text = _text(case, result, kind)
        assert "meet the pathway" not in text and "documentation meets" not in text, kind
        assert "Six weeks of treatment directed by a clinician" not in text  # unmet: not cited
        assert "Please approve" not in text, kind
    appeal = _text(lumbar_case(), lumbar_result(), "patient")
    assert "Please approve CPT 72148" in appeal


def test_medicare_advantage_clinician_letter_asks_the_reconsideration_physician():
    text = _text(lumbar_case("medicare_advantage"), lumbar_result(), "clinician")
    assert "request a peer-to-peer discussion" not in text
    assert "physician reviewing the reconsideration" in text
    assert "request a peer-to-peer discussion" in _text(lumbar_case(), lumbar_result(),
                                                        "clinician")


def test_checklist_when_nothing_is_missing_says_so():
    text = _text(lumbar_case(), lumbar_result(), "checklist")
    assert "Nothing is missing" in text
    assert "What is missing" not in text and "Request to send your clinic" not in text
    assert "do not yet meet" not in text
