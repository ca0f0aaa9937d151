"""Reading free text as a careful clinician would: negation, durations, dates, age, side."""

import datetime as dt

import pytest

from appeals.contract import parse_case
from appeals.criteria import load_library
from appeals.matching.answers import apply_answers
from appeals.matching.extract import extract
from appeals.matching.text import (ParsedText, contrast_in, date_range_in, dates_in, durations_in,
                                   sides_in)

from .helpers import make_case


def facts_for(service, *notes, request=None, answers=None, patient=None):
    library = load_library()
    case = parse_case(make_case(service=service, notes=notes, request=request, answers=answers,
                                patient=patient))
    svc = library.resolve(service)
    facts = extract(case, library, svc, dt.date(2025, 3, 3))
    apply_answers(facts, case, library, svc)
    return facts


def asserted(facts, concept):
    return bool(facts.positive(concept))


def denied(facts, concept):
    return any(m.negated for m in facts.mentions.get(concept, ()))


@pytest.mark.parametrize("text, concept", [
    ("Denies saddle anesthesia.", "cauda_equina"),
    ("No bowel or bladder incontinence.", "cauda_equina"),
    ("Negative for fever.", "fever"),
    ("Without weakness.", "motor_weakness"),
    ("Cauda equina syndrome ruled out.", "cauda_equina"),
    ("Ruled out epidural abscess.", "epidural_abscess"),
    ("She has not had physical therapy.", "physical_therapy"),
    ("Return precautions for saddle anesthesia reviewed.", "cauda_equina"),
    ("If weakness develops, go to the ER.", "motor_weakness"),
    ("Family history of breast cancer.", "cancer_history"),
])
def test_negations_deny_the_finding(text, concept):
    f = facts_for("72148", text)
    assert denied(f, concept) and not asserted(f, concept)


@pytest.mark.parametrize("text, concept", [
    ("Reports saddle anesthesia.", "cauda_equina"),
    ("No fever but new urinary retention.", "cauda_equina"),
    ("Denies fever; reports 4/5 weakness of the EHL.", "motor_weakness"),
    ("No improvement with PT x 6 weeks.", "physical_therapy"),
    ("Positive SLR at 40 degrees.", "positive_slr"),
    ("Absent right ankle reflex.", "reflex_change"),
    ("Decreased sensation over the L5 dermatome.", "sensory_loss"),
    ("SLR (+) on the left.", "positive_slr"),
    ("(+) straight leg raise.", "positive_slr"),
    ("Decr sensation L5.", "sensory_loss"),
    ("New B/B incontinence.", "cauda_equina"),
    ("H/o breast ca.", "cancer_history"),
    ("Known mets to the spine.", "cancer_history"),
    ("T 101.2F this morning.", "fever"),
    ("EHL 4/5 on the left.", "motor_weakness"),
    ("s/p ACDF C5-6.", "prior_spine_surgery"),
])
def test_negation_is_scoped_to_its_clause(text, concept):
    assert asserted(facts_for("72148", text), concept)


def test_imaging_not_done_is_denied():
    f = facts_for("mri_knee", "Knee x-ray not done yet.")
    assert denied(f, "xray") and not f.studies


def test_negative_straight_leg_raise_is_not_a_positive_one():
    f = facts_for("72148", "SLR negative bilaterally. Negative straight leg raise.")
    assert not asserted(f, "positive_slr")


@pytest.mark.parametrize("service, text, concept", [
    ("MRI brain", "HA worse w/ valsalva.", "exertional_headache"),
    ("MRI brain", "Worst HA of life.", "thunderclap_headache"),
    ("MRI brain", "New HA in a 62 yo.", "new_headache"),
    ("MRI knee", "Knee buckles on stairs.", "instability"),
    ("MRI knee", "+ McMurray medially.", "meniscal_test"),
    ("MRI knee", "ACL laxity, + anterior drawer.", "ligament_test"),
    ("MRI shoulder", "Weak ER 4-/5.", "rotator_cuff_signs"),
    ("MRI hip", "+ FABER.", "hip_impingement_signs"),
    ("CT head trauma", "Vomited x2 since the fall.", "repeated_vomiting"),
    ("CT head trauma", "GCS 14 at 2 hrs.", "gcs_below_15"),
    ("CT head trauma", "On Eliquis, fell and hit head.", "anticoagulation"),
])
def test_abbreviations_clinicians_write(service, text, concept):
    assert asserted(facts_for(service, text), concept)


@pytest.mark.parametrize("text, result", [
    ("XR knee: no fx.", "normal"), ("XR 3 views neg.", "normal"), ("XR: tibial plateau fx.", "abnormal"),
    ("X-ray: moderate OA medial compartment.", "abnormal"), ("Radiographs inconclusive.", "nondiagnostic"),
])
def test_imaging_results_in_short_form(text, result):
    assert [s.result for s in facts_for("mri_knee", text).studies] == [result]


def test_w_slash_o_is_a_negation_and_w_slash_o_relief_a_failure():
    f = facts_for("72148", "Back pain w/o weakness. ESI x 6 weeks w/o relief.")
    assert denied(f, "motor_weakness") and not asserted(f, "motor_weakness")
    assert f.courses[0].outcome == "failed"


def test_a_therapist_prescribing_exercises_is_not_a_course_of_therapy():
    f = facts_for("72148", "Home exercises x 6 weeks per PT handout.")
    assert [c.concept for c in f.courses] == ["home_exercise"]


def test_pt_abbreviation_is_case_sensitive_and_not_a_lab():
    f = facts_for("72148", "pt reports back pain. PT/INR 1.1.")
    assert not f.courses


@pytest.mark.parametrize("text, weeks", [
    ("PT x8 wks, no improvement.", 8),
    ("Physical therapy for six weeks, failed.", 6),
    ("Chiropractic care for two months without relief.", 52 / 12 * 2),
    ("Completed a 6-week course of physical therapy.", 6),
    ("NSAIDs x 42 days.", 6),
    ("Physical therapy 2024-12-16 to 2025-02-10, 14 visits.", 8),
    ("Physical therapy 12/16/24 - 2/10/25.", 8),
    ("Physical therapy from Dec 16, 2024 through Feb 10, 2025.", 8),
])
def test_therapy_durations_in_digits_words_and_date_ranges(text, weeks):
    f = facts_for("72148", text)
    assert f.courses and f.courses[0].weeks == pytest.approx(weeks, abs=0.01)


def test_duration_closest_to_the_therapy_is_its_length():
    f = facts_for("72148", "Low back pain for 3 months, failed 6 weeks of physical therapy.")
    assert f.courses[0].weeks == 6 and f.courses[0].outcome == "failed"


def test_symptom_duration_sets_the_episode_start():
    f = facts_for("72148", ("2025-03-01", "Clinic note", "Low back pain for 8 weeks."))
    assert f.episode_start == dt.date(2025, 1, 4) and f.episode_estimated


def test_stated_onset_beats_an_estimate():
    f = facts_for("72148", ("2025-03-01", "Clinic note", "Back pain x 3 months. Symptoms began 2025-01-10."))
    assert f.episode_start == dt.date(2025, 1, 10) and not f.episode_estimated


def test_imaging_with_date_and_result():
    f = facts_for("mri_knee", "Knee x-ray 2025-01-05: mild degenerative changes. X-ray of the other knee showed severe osteoarthritis.")
    results = {s.date: s.result for s in f.studies}
    assert results[dt.date(2025, 1, 5)] == "nondiagnostic"
    assert "abnormal" in results.values()


def test_no_fracture_is_normal_not_abnormal():
    f = facts_for("mri_knee", "X-rays: no fracture, no dislocation.")
    assert [s.result for s in f.studies] == ["normal"]


def test_quote_and_document_are_kept():
    f = facts_for("72148", ("2025-02-01", "Neurology consult", "History: back pain. Exam: 4/5 left EHL weakness."))
    m = f.positive("motor_weakness")[0]
    assert m.quote == "Exam: 4/5 left EHL weakness." and m.source == "Neurology consult"
    assert m.date == dt.date(2025, 2, 1)


def test_age_from_text_when_no_birth_date():
    f = facts_for("MRI brain", "58 yo woman with new headaches.")
    assert f.age == 58


def test_sides_and_contrast():
    assert sides_in("Right knee pain") == {"right"}
    assert sides_in("bilateral knee pain") == {"left", "right"}
    assert sides_in("LT knee") == {"left"}
    assert sides_in("No left-sided symptoms", ParsedText("No left-sided symptoms")) == set()
    assert contrast_in("MRI w/o contrast") == "without"
    assert contrast_in("MRI with and without contrast") == "without_and_with"
    assert contrast_in("MRI with gadolinium") == "with"
    assert contrast_in("pain without relief") is None


def test_dates_in_several_formats_and_impossible_dates_skipped():
    found = [d for _, _, d in dates_in("2025-02-30, 02/10/2025, March 3, 2025, 3 Mar 2025, Jan 2024")]
    assert found == [dt.date(2025, 2, 10), dt.date(2025, 3, 3), dt.date(2025, 3, 3), dt.date(2024, 1, 1)]
    assert date_range_in("2025-02-10 to 2025-01-01") is None


def test_durations_ignore_and():
    assert durations_in("naproxen and ice") == []
