"""Issue 10's failure classes, one group each, in synthetic charts written for these tests.

Every patient, date and sentence here is invented; none is taken from the shared dev set. Each test
asserts what a user reads in the result (outcome, pathway, a requirement's status, urgency) and its
docstring names the class. Class 5 (which criteria a Medicare Advantage plan is judged by) is
covered elsewhere.
"""

import pytest

from .helpers import make_case, requirement, run, statuses

CIGNA = "Cigna"  # eviCore's spine and joint guidelines
UHC = "UnitedHealthcare"


def kinds(result, status):
    return {r["kind"] for r in result["requirements"] if r["status"] == status}


# --- 1. evidence the chart plainly shows ------------------------------------------------------------

AXIAL_OFFICE = ("2025-01-08", "Office visit",
                "Lower back ache for ten days after lifting a water heater. On exam: tender over the "
                "L4-L5 paraspinals, strength 5/5 in both legs, reflexes 2+ and symmetric. "
                "Started physical therapy.")
AXIAL_PT = ("2025-02-26", "PT discharge summary",
            "Physical therapy 2025-01-13 through 2025-02-25, 12 sessions; back pain no better, "
            "still cannot sit through a shift.")


def test_office_exam_is_in_person_and_a_video_visit_is_the_re_evaluation():
    """Class 1: an office note with an exam is the in-person evaluation; a video visit re-evaluates."""
    r = run(make_case(payer=CIGNA, request="Low back pain. MRI lumbar spine requested.", notes=[
        AXIAL_OFFICE, AXIAL_PT,
        ("2025-02-27", "Telemedicine", "Video visit: back pain unchanged after therapy, now missing work.")]))
    assert r["outcome"] == "appeal"
    assert r["pathway"]["id"] == "evicore_low_back_pain"
    s = statuses(r)
    assert s["in_person_evaluation"] == "omitted"
    assert s["six_week_trial"] == "omitted"
    assert s["re_evaluation"] == "omitted"


def test_a_note_from_a_video_visit_is_the_re_evaluation_even_when_its_text_does_not_say_so():
    """Class 1: the record's source names a video visit; the text says only 'seen by video'."""
    r = run(make_case(payer=CIGNA, request="Low back pain. MRI lumbar spine requested.", notes=[
        AXIAL_OFFICE, AXIAL_PT,
        ("2025-02-27", "Video visit", "Seen by video today: back pain unchanged after therapy, "
                                      "now missing work.")]))
    assert statuses(r)["re_evaluation"] == "omitted"
    assert r["outcome"] == "appeal"


def test_a_pcp_follow_up_note_is_the_re_evaluation():
    """Class 1: a note from the PCP's follow-up visit after the therapy is the re-evaluation."""
    r = run(make_case(payer=UHC, request="Low back pain. MRI lumbar spine requested.", notes=[
        AXIAL_OFFICE, AXIAL_PT,
        ("2025-02-28", "PCP follow-up", "Back pain persists after finishing therapy; exam unchanged, "
                                        "tender lumbar paraspinals.")]))
    assert r["outcome"] == "appeal"
    assert r["pathway"]["id"] == "uhc_low_back_pain"
    assert statuses(r)["re_evaluation"] == "omitted"


ACR_BACK = ("2025-01-06", "Clinic note",
            "Low back pain since early November 2024. Exam: lumbar tenderness, gait normal. "
            "Physical therapy 2024-11-18 to 2025-01-03, 13 visits, plus naproxen, without improvement.")


def test_a_scheduled_injection_shows_an_intervention_candidate():
    """Class 1: scheduling an epidural injection shows the patient is a candidate for intervention."""
    r = run(make_case(notes=[ACR_BACK, ("2025-01-20", "Pain clinic",
                                        "Plan: schedule a lumbar epidural steroid injection.")]))
    assert r["outcome"] == "appeal"
    assert r["pathway"]["id"] == "acr_failed_management"
    assert statuses(r)["intervention_candidate"] == "omitted"


def test_an_injection_plan_at_a_named_level_shows_an_intervention_candidate():
    """Class 1: a plan naming the level of an epidural injection shows an intervention candidate."""
    r = run(make_case(notes=[ACR_BACK, ("2025-01-20", "Pain clinic",
                                        "Plan: L4-5 epidural steroid injection.")]))
    assert r["outcome"] == "appeal"
    assert r["pathway"]["id"] == "acr_failed_management"
    assert statuses(r)["intervention_candidate"] == "omitted"


def test_a_surgeon_referral_shows_an_intervention_candidate():
    """Class 1: a referral to a spine surgeon shows the patient is a candidate for intervention."""
    r = run(make_case(notes=[ACR_BACK, ("2025-01-21", "Clinic note",
                                        "Referred to orthopedic spine surgery for a surgical opinion.")]))
    assert r["outcome"] == "appeal"
    assert r["pathway"]["id"] == "acr_failed_management"
    assert statuses(r)["intervention_candidate"] == "omitted"


def test_a_written_home_program_and_a_telehealth_check_are_a_trial_with_follow_up():
    """Class 1: a prescribed home-exercise program plus a telehealth check-in is a trial with follow-up."""
    r = run(make_case(payer=CIGNA, notes=[
        ("2025-01-07", "Office visit", "Axial low back pain for one week. Exam: paraspinal spasm, neuro "
                                       "intact. Home exercise program prescribed with a written handout; "
                                       "continue daily for 6 weeks."),
        ("2025-02-24", "Telehealth visit", "Telehealth check: did the prescribed home exercises daily "
                                           "since 2025-01-07, pain no better.")]))
    s = statuses(r)
    assert s["six_week_trial"] == "omitted"
    assert s["re_evaluation"] == "omitted"
    assert r["outcome"] == "appeal"


def test_leg_pain_to_the_foot_in_plain_words_is_radicular():
    """Class 1: 'pain goes down my leg to the foot' is radicular pain without the word radiculopathy."""
    r = run(make_case(payer=CIGNA, request="Back pain. MRI requested.", notes=[
        ("2025-01-09", "Office visit", "Patient says the pain goes down my leg to the foot, right side. "
                                       "Exam: straight leg raise positive on the right at 35 degrees."),
        ("2025-02-25", "PT note", "Physical therapy 2025-01-10 to 2025-02-24, 12 visits, no change."),
        ("2025-02-27", "Follow-up visit", "Re-evaluated: right leg pain the same after therapy.")]))
    assert r["pathway"]["id"] == "evicore_radiculopathy"
    assert statuses(r)["radicular_pain"] == "omitted"
    assert r["outcome"] == "appeal"


def test_neck_arrow_arm_is_cervical_radicular_pain():
    """Class 1: terse 'neck -> R arm' shorthand is radicular pain of the arm."""
    r = run(make_case(service="72141", notes=[
        ("2025-02-10", "Urgent care", "Neck pain -> R arm to the thumb x 2 wks. Exam: R biceps reflex "
                                      "diminished, numb R thumb to light touch.")]))
    assert r["pathway"]["id"] == "acr_new_radiculopathy"
    assert statuses(r)["radiculopathy"] == "omitted"
    assert r["outcome"] == "appeal"


# --- 2. context: what is not a finding of the patient ----------------------------------------------

BACK_ONLY = ("2025-02-20", "Office visit", "Low back pain for two weeks after gardening. Exam: lumbar "
                                           "tenderness, strength 5/5.")


def test_review_of_systems_negatives_are_not_red_flags():
    """Class 2: a ROS list of negatives names red flags the patient does not have."""
    r = run(make_case(payer=CIGNA, notes=[BACK_ONLY, (
        "2025-02-20", "Office visit", "ROS: negative for fever, chills, night sweats, weight loss, saddle "
                                      "numbness, urinary retention, bowel incontinence and leg weakness.")]))
    assert r["urgency"] == "standard"
    assert r["outcome"] == "not_met"
    assert r["pathway"]["id"] != "evicore_red_flags"


def test_ruled_out_bleed_is_not_a_thunderclap():
    """Class 2: 'r/o SAH' with a negative CT is a diagnosis excluded, not a finding."""
    r = run(make_case(service="70551", patient={"age": 34}, notes=[
        ("2025-02-14", "ED note", "Headache for 3 days, gradual, like her usual migraines. r/o SAH: CT head "
                                  "negative. Neuro exam normal.")]))
    assert r["urgency"] == "standard"
    assert r["outcome"] == "not_met"


def test_if_this_happens_go_to_the_ed_is_an_instruction():
    """Class 2: 'if you lose bladder control go to the ED' is advice, not a symptom."""
    r = run(make_case(payer=CIGNA, notes=[BACK_ONLY, (
        "2025-02-20", "Office visit", "If you lose control of your bladder or feel numb between the legs, "
                                      "go to the ED right away.")]))
    assert r["urgency"] == "standard"
    assert r["outcome"] == "not_met"


def test_mom_had_cancer_is_family_history():
    """Class 2: 'mom had breast cancer' is the mother's history, not a red flag of the patient."""
    r = run(make_case(notes=[BACK_ONLY, ("2025-02-20", "Office visit",
                                         "Mom had breast cancer at 60. Patient has no personal history of "
                                         "cancer.")]))
    assert r["outcome"] == "not_met"
    assert r["pathway"]["id"] != "acr_red_flags"
    assert r["urgency"] == "standard"


def test_husband_on_warfarin_is_not_an_anticoagulated_patient():
    """Class 2: another person's anticoagulant does not make the patient's head injury an emergency."""
    r = run(make_case(service="70450", patient={"age": 41}, notes=[
        ("2025-02-11", "Urgent care", "Bumped her head on a cupboard door, no loss of consciousness, no "
                                      "vomiting. Her husband takes warfarin; she takes no blood thinners. "
                                      "GCS 15, neuro exam normal.")]))
    assert r["urgency"] == "standard"
    assert r["outcome"] == "not_met"


def test_a_template_entry_marked_in_error_is_retracted():
    """Class 2: a templated positive that the note says was entered in error does not count."""
    r = run(make_case(payer=CIGNA, notes=[BACK_ONLY, (
        "2025-02-21", "Addendum", "Correction: 'saddle anesthesia present' in the 2/20 note was a template "
                                  "default entered in error; patient denies saddle anesthesia.")]))
    assert r["urgency"] == "standard"
    assert r["pathway"]["id"] != "evicore_red_flags"


# --- 3. lay language and misspellings (kept modest: fuzzy reading is being added) ------------------

LAY_EXAM = ("2025-01-06", "Office visit", "Low back pain. Exam: tender lumbar paraspinals, neuro intact.")
LAY_REEVAL = ("2025-02-27", "Follow-up visit", "Re-evaluation: back pain persists.")


def test_a_patients_broken_english_account_of_therapy_counts():
    """Class 3: 'i done physical therapy for 2 months' counts like a clinician's dated course."""
    r = run(make_case(payer=CIGNA, notes=[
        LAY_EXAM, ("2025-02-26", "Patient message", "i done physical therapy for 2 months and my back "
                                                    "still hurt"), LAY_REEVAL]))
    assert statuses(r)["six_week_trial"] == "omitted"
    assert r["outcome"] == "appeal"


def test_a_patients_plain_words_for_pills_count_without_apostrophes():
    """Class 3: 'took naproxen every day for six weeks, didnt do nothing' is a failed medication trial."""
    r = run(make_case(payer=CIGNA, notes=[
        LAY_EXAM, ("2025-02-26", "Patient message", "took naproxen every day for six weeks, didnt do "
                                                    "nothing"), LAY_REEVAL]))
    assert statuses(r)["six_week_trial"] == "omitted"
    assert r["outcome"] == "appeal"


def test_a_patients_chiropractor_visits_count():
    """Class 3: 'went to the chiropractor for 2 months, no relief' is conservative care."""
    r = run(make_case(payer=CIGNA, notes=[
        LAY_EXAM, ("2025-02-26", "Patient message", "went to the chiropractor for 2 months, no relief"),
        LAY_REEVAL]))
    assert statuses(r)["six_week_trial"] == "omitted"


# --- durations (conventions 6; found while writing class 3) ------------------------------------------

def test_visit_frequency_does_not_hide_the_duration():
    """Durations: 'twice a week for seven weeks' is seven weeks of therapy."""
    r = run(make_case(payer=CIGNA, notes=[
        LAY_EXAM, ("2025-02-26", "Patient statement", "I went to physical therapy twice a week for seven "
                                                       "weeks and it did not help at all."), LAY_REEVAL]))
    assert statuses(r)["six_week_trial"] == "omitted"
    assert r["outcome"] == "appeal"


# --- 4. attribution: body part, side, episode ---------------------------------------------------------

def test_lumbar_therapy_is_not_neck_therapy():
    """Class 4: a course of PT for the lumbar spine does not meet a neck-pain trial."""
    r = run(make_case(service="72141", payer=CIGNA, notes=[
        ("2025-01-05", "Office visit", "Neck pain for three weeks. Exam: cervical paraspinal tenderness, "
                                       "neuro intact."),
        ("2025-02-24", "PT note", "Lumbar spine physical therapy 2025-01-06 to 2025-02-21 for low back "
                                  "strain, 12 visits."),
        ("2025-02-26", "Follow-up visit", "Re-evaluation: neck pain persists.")]))
    assert statuses(r)["six_week_trial"] == "unmet"
    assert r["outcome"] == "not_met"


def test_lumbar_therapy_is_not_knee_therapy():
    """Class 4: PT for a lumbar strain does not meet a knee trial."""
    r = run(make_case(service="73721", payer=UHC, request="Right knee pain. MRI right knee requested.", notes=[
        ("2025-01-02", "Office visit", "Right knee pain for a month. X-ray right knee 2025-01-02: no fracture, "
                                       "no effusion."),
        ("2025-02-20", "PT note", "Physical therapy for lumbar strain 2025-01-03 to 2025-02-19, 12 visits, "
                                  "no improvement."),
        ("2025-02-24", "Follow-up visit", "Re-evaluation: right knee pain unchanged.")]))
    assert r["outcome"] == "not_met"
    assert "conservative_care" in kinds(r, "unmet")


def test_an_x_ray_of_the_other_knee_does_not_count():
    """Class 4: an x-ray of the left knee is not the x-ray a right-knee pathway needs."""
    r = run(make_case(service="73721", payer=CIGNA, request="Right knee MRI.", notes=[
        ("2025-02-03", "Office visit", "Right knee pain after twisting playing soccer. Exam: right medial "
                                       "joint line tenderness, positive McMurray on the right, effusion."),
        ("2025-02-03", "Radiology", "X-ray LEFT knee, 2 views: normal.")]))
    assert statuses(r)["radiographs"] == "unmet"
    assert r["outcome"] == "not_met"


def test_an_x_ray_of_another_part_does_not_count():
    """Class 4: a hip film is not the knee x-ray the pathway needs."""
    r = run(make_case(service="73721", payer=CIGNA, request="Right knee MRI.", notes=[
        ("2025-02-03", "Office visit", "Right knee pain after twisting playing soccer. Exam: right medial "
                                       "joint line tenderness, positive McMurray on the right, effusion."),
        ("2025-02-03", "Radiology", "X-ray right hip, AP and lateral: no fracture.")]))
    assert statuses(r)["radiographs"] == "unmet"
    assert r["outcome"] == "not_met"


def test_x_rays_on_file_from_an_old_episode_do_not_count():
    """Class 4: 'x-rays on file' pointing to a film of a resolved episode is not this episode's x-ray."""
    r = run(make_case(service="73721", payer=CIGNA, request="Right knee MRI.", notes=[
        ("2022-06-14", "Radiology", "X-ray right knee: normal. Indication: right knee sprain, resolved "
                                    "with rest by August 2022."),
        ("2025-02-03", "Office visit", "New right knee injury on 2025-01-30 stepping off a curb. Exam: right "
                                       "medial joint line tenderness, positive McMurray, effusion. "
                                       "X-rays on file.")]))
    assert statuses(r)["radiographs"] == "unmet"
    assert r["outcome"] == "not_met"


# --- 6. urgency (conventions §8) ------------------------------------------------------------------------

def test_cancer_history_with_back_pain_waives_the_wait_but_stays_standard():
    """Class 6: a red flag that waives the wait (cancer history) is not by itself a 72-hour case."""
    r = run(make_case(payer=CIGNA, notes=[("2025-02-18", "Office visit",
                                           "New low back pain for 10 days. History of prostate cancer treated "
                                           "in 2021. Exam: midline tenderness, strength 5/5.")]))
    assert r["outcome"] == "appeal"
    assert r["pathway"]["id"] == "evicore_red_flags"
    assert r["urgency"] == "standard"


def test_new_headache_at_sixty_is_standard():
    """Class 6: a new headache at 50 or older meets the pathway but is not expedited."""
    r = run(make_case(service="70551", payer=CIGNA, patient={"age": 61}, notes=[
        ("2025-02-12", "Office visit", "New daily headaches for the past month; she never had headaches "
                                       "before. Neuro exam normal.")]))
    assert r["outcome"] == "appeal"
    assert r["urgency"] == "standard"
    assert "red_flag" in kinds(r, "omitted")


def test_new_measured_weakness_is_expedited():
    """Class 6: a new measured motor deficit not said to be progressing asks for the 72-hour review."""
    r = run(make_case(payer=CIGNA, notes=[("2025-02-18", "Office visit",
                                           "Back and left leg pain. New left ankle dorsiflexion weakness, "
                                           "4/5, first noted today.")]))
    assert r["outcome"] == "appeal"
    assert r["urgency"] == "expedited"


def test_not_met_and_administrative_and_no_criteria_are_standard():
    """Class 6: not_met, administrative and no_criteria outcomes are always standard."""
    not_met = run(make_case(payer=CIGNA, notes=[BACK_ONLY]))
    assert (not_met["outcome"], not_met["urgency"]) == ("not_met", "standard")
    admin = run(make_case(payer=CIGNA, code="CO-197", denial="Precertification absent.", notes=[BACK_ONLY]))
    assert (admin["outcome"], admin["urgency"]) == ("administrative", "standard")
    none = run(make_case(service="MRI of the wrist", notes=["Wrist pain after a fall on an outstretched hand."]))
    assert (none["outcome"], none["urgency"]) == ("no_criteria", "standard")


def test_a_post_service_claim_is_never_expedited():
    """Class 6: a claim for an MRI already performed (CO-50) is standard even with new weakness."""
    r = run(make_case(payer=CIGNA, code="CO-50",
                      denial="Claim denied: the MRI performed 2/19/2025 was not deemed medically necessary.",
                      notes=[("2025-02-18", "Office visit", "Left leg pain with new left foot dorsiflexion "
                                                            "weakness 4/5.")]))
    assert r["urgency"] == "standard"


def test_cant_feel_when_i_pee_is_an_emergency():
    """Class 6: cauda equina told in plain words, with no medical term, is an emergency."""
    r = run(make_case(payer=CIGNA, notes=[("2025-02-18", "Patient message",
                                           "My back is killing me and since last night I can't feel when I pee "
                                           "and my bottom feels numb.")]))
    assert r["urgency"] == "emergency"


def test_thunderclap_in_plain_words_is_an_emergency():
    """Class 6: a headache that hit full force in seconds is a thunderclap headache."""
    r = run(make_case(service="70551", patient={"age": 38}, notes=[
        ("2025-02-12", "ED note", "Sudden severe headache that reached full strength within a few seconds "
                                  "while lifting weights; thunderclap onset.")]))
    assert r["urgency"] == "emergency"


def test_head_injury_on_apixaban_is_an_emergency():
    """Class 6: a head injury in a patient on an anticoagulant is an emergency."""
    r = run(make_case(service="70450", patient={"age": 58}, notes=[
        ("2025-02-11", "Urgent care", "Hit his head on a shelf this morning. Takes apixaban for atrial "
                                      "fibrillation. GCS 15.")]))
    assert r["urgency"] == "emergency"


# --- 7. quotes are what was written ----------------------------------------------------------------

def _quotes_are_exact(case):
    r = run(case)
    texts = [d["text"] for d in case.get("documentation", [])]
    quotes = [e["quote"] for req in r["requirements"] for e in req["evidence"]]
    assert quotes, "the result cites nothing"
    for q in quotes:
        assert any(q in t for t in texts), f"quote not in any document: {q!r}"
    return r, quotes


def test_quotes_are_exact_substrings_around_dr_and_decimals():
    """Class 7: every quote is an exact substring of a document, even around 'Dr.' and '2.5'."""
    case = make_case(payer=CIGNA, notes=[
        ("2025-01-06", "Office visit", "Seen by Dr. Okafor for low back pain radiating down the right leg to "
                                       "the ankle. Exam: SLR positive on the right, ankle reflex 1+ vs. 2+ "
                                       "on the left."),
        ("2025-02-24", "PT note", "Physical therapy 2025-01-08 to 2025-02-21, 12 visits, ibuprofen 600 mg "
                                  "p.o. t.i.d. as well; no improvement, pain 7.5/10."),
        ("2025-02-26", "Follow-up visit", "Re-evaluated by Dr. Okafor: leg pain persists.")])
    r, _ = _quotes_are_exact(case)
    assert r["outcome"] == "appeal"


def test_the_therapy_quote_keeps_its_deciding_words():
    """Class 7: the quote that meets the trial includes how it went ('no improvement')."""
    r = run(make_case(payer=CIGNA, notes=[
        ("2025-01-06", "Office visit", "Low back pain radiating down the right leg. Exam: SLR positive on the "
                                       "right."),
        ("2025-02-24", "PT note", "Physical therapy 2025-01-08 to 2025-02-21, 12 visits, ibuprofen 600 mg "
                                  "p.o. t.i.d. as well; no improvement, pain 7.5/10."),
        ("2025-02-26", "Follow-up visit", "Re-evaluated: leg pain persists.")]))
    quotes = [e["quote"] for e in requirement(r, "six_week_trial")["evidence"]]
    assert any("no improvement" in q for q in quotes), quotes


def test_quotes_are_exact_substrings_of_shorthand():
    """Class 7: quotes from terse shorthand are cut from the text as written."""
    case = make_case(service="72141", notes=[
        ("2025-02-10", "Urgent care", "45F. Neck pain -> L arm x3 wks. Exam: L triceps 4/5, decr. sens. L "
                                      "middle finger. Plan: f/u 2 wks.")])
    r, _ = _quotes_are_exact(case)
    assert r["outcome"] == "appeal"


# --- 8. check before filing ---------------------------------------------------------------------------

THREE_WEEKS_AXIAL = [
    ("2025-09-10", "Office visit", "Low back pain for three weeks after moving house, no leg pain. Exam: "
                                   "lumbar paraspinal tenderness, strength and sensation normal. Plan: "
                                   "ibuprofen and physical therapy.")]


def test_check_before_filing_three_weeks_of_axial_pain_points_to_conservative_care_evicore():
    """Class 8: three weeks of axial back pain points to the conservative-care pathway, not stenosis."""
    r = run(make_case(payer=CIGNA, denial=None, notes=THREE_WEEKS_AXIAL))
    assert r["outcome"] == "not_met"
    assert r["deadline"] is None
    assert r["pathway"]["id"] == "evicore_low_back_pain"
    assert {"conservative_care", "follow_up"} <= kinds(r, "unmet")


def test_check_before_filing_three_weeks_of_axial_pain_points_to_conservative_care_uhc():
    """Class 8: the same chart under UHC points to UHC's conservative-care pathway."""
    r = run(make_case(payer=UHC, denial=None, notes=THREE_WEEKS_AXIAL))
    assert r["outcome"] == "not_met"
    assert r["pathway"]["id"] == "uhc_low_back_pain"
    assert {"conservative_care", "follow_up"} <= kinds(r, "unmet")
    assert r["urgency"] == "standard"


# --- 9. long charts: only the current episode counts ---------------------------------------------

def test_pt_from_an_episode_resolved_two_years_ago_does_not_count():
    """Class 9: a PT course for an earlier back episode that resolved does not meet today's trial."""
    r = run(make_case(payer=CIGNA, notes=[
        ("2023-03-02", "PT discharge summary", "Physical therapy 2023-01-10 to 2023-02-28, 14 visits for low "
                                               "back pain; goals met, pain resolved, discharged."),
        ("2025-02-17", "Office visit", "New episode of low back pain starting 2025-02-03 after a fall on ice. "
                                       "Exam: lumbar tenderness, neuro intact."),
        ("2025-02-27", "Follow-up visit", "Re-evaluation: back pain persists.")]))
    assert statuses(r)["six_week_trial"] == "unmet"
    assert r["outcome"] == "not_met"


def test_knee_x_ray_from_a_resolved_episode_does_not_count():
    """Class 9: a knee x-ray from an episode that resolved over a year ago is not this episode's film."""
    r = run(make_case(service="73721", payer=CIGNA, request="Left knee MRI.", notes=[
        ("2023-09-05", "Radiology", "X-ray left knee, 3 views: no fracture, joint spaces preserved."),
        ("2023-11-20", "Office visit", "Left knee pain resolved; discharged from care."),
        ("2025-02-10", "Office visit", "Left knee twisted at work 2025-02-06, now swelling and catching. "
                                       "Exam: effusion, medial joint line tenderness, positive McMurray.")]))
    assert statuses(r)["radiographs"] == "unmet"
    assert r["outcome"] == "not_met"


def test_an_exam_from_the_old_episode_is_not_todays_evaluation():
    """Class 9: radicular findings from a resolved episode do not make today's axial pain radicular."""
    r = run(make_case(payer=CIGNA, notes=[
        ("2023-05-04", "Office visit", "Left sciatica. Exam: positive straight leg raise on the left, absent "
                                       "left ankle reflex."),
        ("2023-08-01", "Office visit", "Sciatica resolved completely; no further care needed."),
        ("2025-02-17", "Office visit", "New low back pain since 2025-02-10, no leg symptoms. Exam: lumbar "
                                       "tenderness, straight leg raise negative, reflexes normal.")]))
    assert r["pathway"]["id"] != "evicore_radiculopathy" or statuses(r)["objective_sign"] == "unmet"
    assert r["outcome"] == "not_met"
