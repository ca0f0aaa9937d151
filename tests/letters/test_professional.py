"""The issue-11 properties of every built-in letter, read back from the rendered .docx (and, for
page numbers and layout, from LibreOffice's PDF): answer first, only the CPT given, clean quotes,
good cause past the deadline, the right voice, no advice on the plan's copy, numbering from the
plan's first page."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn

from appeals.contract import Case
from appeals.letters import LETTER_KINDS, build_context, render_letter
from appeals.letters.reasons import ends_on_abbreviation
from appeals.matching import match_case

from .helpers import python_docx_text as docx_text  # read back as python-docx reads it
from .samples import TODAY, administrative_pair, headache_pair, lumbar_case, lumbar_result, \
    scenarios

CASES = Path(__file__).resolve().parents[2] / "docs" / "letters" / "cases"
APPEAL_KINDS = ("patient", "clinician", "advocate", "correction")


def _plan_copy(data: bytes) -> tuple[list[str], list[str]]:
    """(cover paragraphs, the plan's copy) of a rendered letter: the cover ends at the first
    paragraph that carries section properties."""
    doc = Document(io.BytesIO(data))
    cover, letter, in_cover = [], [], False
    body = doc.element.body
    if any(p.find(qn("w:pPr") + "/" + qn("w:sectPr")) is not None
           for p in body.iterchildren(qn("w:p"))):
        in_cover = True
    for block in doc.iter_inner_content():
        texts = ([block.text] if hasattr(block, "text") else
                 [c.text for row in block.rows for c in row.cells])
        (cover if in_cover else letter).extend(texts)
        if hasattr(block, "_p") and block._p.find(qn("w:pPr") + "/" + qn("w:sectPr")) is not None:
            in_cover = False
    return cover, letter


@pytest.mark.parametrize("kind", LETTER_KINDS)
@pytest.mark.parametrize("scenario", scenarios(), ids=lambda s: s[0])
def test_every_kind_every_outcome(scenario, kind):
    name, case, result = scenario
    data = render_letter(case, result, kind=kind, today=TODAY)
    text = docx_text(data)
    context = build_context(case, result, kind=kind, today=TODAY)
    # Only the CPT given is printed, never the service's other codes.
    given = context["study"]["cpt"]
    for code in result.service.codes:
        if code != given:
            assert code not in text, (code, kind)
    # No quote stops on an abbreviation, none repeats within a row.
    for requirement in context["requirements"]:
        quotes = [e["quote"] for e in requirement["evidence"]]
        assert len(quotes) == len(set(q.casefold() for q in quotes)), requirement["id"]
        assert not any(ends_on_abbreviation(q) for q in quotes), quotes
    cover, letter = _plan_copy(data)
    plan_copy = "\n".join(letter)
    # The plan's copy carries no advice to the person.
    for advice in ("Send this letter afterwards", "Keep this page", "go to the nearest emergency",
                   "Before you send"):
        if kind != "checklist":
            assert advice not in plan_copy.split("Letter disputing the bill")[0], (advice, kind)
    if kind in APPEAL_KINDS:
        assert cover and cover[0] in ("Before you send", "") or "Emergency" in cover[0]
        dear = next(i for i, line in enumerate(letter) if line.startswith("Dear "))
        first = next(line for line in letter[dear + 1:] if line.strip())
        if case.denial is not None and kind != "correction":
            assert case.denial.notice_date.strftime("%B") in first, first  # the denial answered
        if given:
            assert f"CPT {given}" in first, first  # the study to approve, by its code
        assert re.search(r"approve|review the request|reprocess|retrospective", first), first
    # No third-person slip in a first-person letter.
    if kind in ("patient", "correction", "checklist") and not context["correction"]["from_provider"]:
        for slip in ("The patient's symptoms", "the patient keeps", "the patient's right"):
            assert slip not in plan_copy, (slip, kind)
    for slip in ("the patient keeps the patient's", "forwarding of the case"):
        assert slip not in text


def test_deadline_passed_asks_for_good_cause_and_never_claims_on_time():
    case, result = lumbar_case(), lumbar_result()
    late = dt.date(2026, 9, 20)  # after September 1, 2026
    for kind in APPEAL_KINDS:
        text = docx_text(render_letter(case, result, kind=kind, today=late))
        assert "good cause" in text and "new prior-authorization request" in text, kind
        assert "before that date" not in text and "within that time" not in text, kind
    on_time = docx_text(render_letter(case, result, kind="patient", today=TODAY))
    assert "I am filing before that date." in on_time and "good cause" not in on_time


def test_page_numbers_restart_on_the_plans_first_page():
    data = render_letter(*headache_pair(), kind="patient", today=TODAY)
    doc = Document(io.BytesIO(data))
    assert len(doc.sections) == 2
    start = doc.sections[-1]._sectPr.find(qn("w:pgNumType"))
    assert start is not None and start.get(qn("w:start")) == "1"
    cover_footer = doc.sections[0].footer._element.xml
    assert "PAGE" not in cover_footer and "NUMPAGES" not in doc.sections[-1].footer._element.xml


def _case(name: str) -> Case:
    return Case.model_validate(json.loads((CASES / name).read_text()))


def test_full_identifiers_and_names_from_the_case():
    case = _case("patient.json")
    result = match_case(case, today=dt.date(2026, 12, 1))
    text = docx_text(render_letter(case, result, kind="patient", today=dt.date(2026, 12, 1)))
    for needle in ("Jane Doe", "12 Example Lane", "(555) 010-2030", "side: left",
                   "without contrast", "M54.16, M51.26", "NPI 1234567893",
                   "Springfield Spine Clinic", "PO Box 188011", "By fax: (555) 010-9900",
                   "Please approve CPT 72148", "eviCore SP-6", "epidural steroid injection",
                   "Letter of medical necessity from Dr. Maria Lopez, MD",
                   "29 CFR 2590.715-2719"):
        assert needle in text, needle
    for absent in ("Doe, Jane", ", received", "72149", "72158", "(eviCore (Evernorth)",
                   "reviewed by eviCore healthcare", "Did a clinician examine you in person for "
                   "this episode? yes\n"):
        assert absent not in text, absent
    assert "Met: positive straight-leg raise; dermatomal sensory loss" in text


def test_the_clinicians_letter_is_a_letter_of_medical_necessity():
    case = _case("patient.json")
    result = match_case(case, today=dt.date(2026, 12, 1))
    text = docx_text(render_letter(case, result, kind="clinician", today=dt.date(2026, 12, 1)))
    for needle in ("Clinical summary", "Diagnosis (ICD-10): M54.16, M51.26",
                   "What the study will change", "Attestation", "accurate",
                   "peer-to-peer", "within one business day", "(555) 010-4000"):
        assert needle in text, needle
    assert "Did a clinician examine you" not in text  # the patient's answers are not evidence


def test_wrong_side_correction_is_filled_in():
    case = Case.model_validate(json.loads(
        (CASES.parents[2] / "examples" / "cases" / "knee_laterality_mismatch.json").read_text()))
    result = match_case(case, today=dt.date(2026, 12, 1))
    text = docx_text(render_letter(case, result, kind="correction", today=dt.date(2026, 12, 1)))
    assert "side: RIGHT (the order said LEFT; the clinical notes say RIGHT)" in text
    assert "side ______" not in text


def test_no_authorization_is_the_providers_request_with_a_bill_dispute():
    text = docx_text(render_letter(*administrative_pair(), kind="correction", today=TODAY))
    assert "Request for retrospective authorization" in text
    assert "Please grant retrospective authorization for CPT 72148" in text
    assert "Letter disputing the bill" in text and "I dispute the bill" in text
    assert "Ordering provider" in text


def test_outside_the_library_the_denials_reasons_are_the_checklist():
    case = _case("outside-library.json")
    result = match_case(case, today=dt.date(2026, 12, 1))
    assert result.outcome == "no_criteria"
    text = docx_text(render_letter(case, result, kind="patient", today=dt.date(2026, 12, 1)))
    assert "MRI of the abdomen with and without contrast" in text
    assert "74183 (CPT 74183)" not in text
    assert "ALT 182 U/L" in text and "nondiagnostic" in text
    assert "findings requiring MRI" in text and "Not in the records supplied." in text
    assert "can I still get the scan" not in text  # a patient's question is not evidence


def test_remedy_names_the_decision_time_and_the_urgent_route():
    for plan_type, needle in (("employer", "29 CFR 2590.715-2719"),
                              ("marketplace", "45 CFR 147.136"),
                              ("medicare_advantage", "42 CFR 422.584(c)(2)(ii)")):
        context = build_context(lumbar_case(plan_type), lumbar_result(urgency="expedited"),
                                kind="patient", today=TODAY)
        assert "72 hours" in context["summary"]["remedy"] and needle in context["summary"][
            "remedy"], plan_type
    standard = build_context(lumbar_case(), lumbar_result(), kind="patient", today=TODAY)
    assert "within 30 days" in standard["summary"]["remedy"]


def test_document_properties_are_the_letters():
    data = render_letter(lumbar_case(), lumbar_result(), kind="patient", today=TODAY)
    props = Document(io.BytesIO(data)).core_properties
    assert props.title == "Request for an internal appeal"
    assert not props.comments
    now = dt.datetime.now(dt.timezone.utc)
    assert abs((now - props.created.replace(tzinfo=dt.timezone.utc)).total_seconds()) < 600


@pytest.mark.libreoffice
def test_on_paper_numbering_and_layout():
    from appeals.letters.pdf import docx_to_pdf_many

    standard_headache = headache_pair(urgency="standard", plan_type="employer")
    letters = [render_letter(*standard_headache, kind="patient", today=TODAY),
               render_letter(lumbar_case(), lumbar_result(), kind="clinician", today=TODAY)]
    pdfs = docx_to_pdf_many(letters)
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")

    def pages(pdf: bytes) -> list[str]:
        return subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True,
                              check=True).stdout.decode().split("\f")[:-1]

    headache = pages(pdfs[0])
    assert "Before you send" in headache[0] and not re.search(r"Page \d", headache[0])
    assert re.search(r"Page 1\b", headache[1])
    assert len(headache) <= 3, "a one-requirement letter fits two pages after the cover"
    for document in map(pages, pdfs):
        last = [line for line in document[-1].splitlines() if line.strip()]
        assert "Sincerely," in document[-1] or len(last) > 6, last  # never a lone list


def test_new_variables_are_in_the_reference_and_the_template_check():
    from appeals.letter_templates import check_docx
    from appeals.letters import builtin_template_bytes, context_variables

    from .helpers import make_docx

    names = {v["name"] for v in context_variables()}
    for name in ("study.cpt", "study.side", "clinician.npi", "diagnosis_codes", "patient.address",
                 "denial.appeal_fax", "summary.answer", "summary.remedy", "deadline.passed",
                 "deadline.filing", "cover.steps", "reasons[].reason", "bill_dispute.text",
                 "requirements[].met_items", "requirements[].evidence[].is_statement", "title"):
        assert name in names, name
    good = check_docx(make_docx("{{ summary.answer }} {{ clinician.npi }} {{ study.line }}"))
    assert good.ok, good.problems
    bad = check_docx(make_docx("{{ clinician.nip }}"))
    assert not bad.ok and "clinician.npi" in bad.problems[0].message
    for kind in LETTER_KINDS:  # the built-in letters pass the same check advocates' uploads do
        report = check_docx(builtin_template_bytes(kind))
        assert report.ok, (kind, [(p.code, p.message) for p in report.problems])
