"""Issue 10's failure classes 1-4, one group each, in synthetic charts written for these tests.

Every patient, date and sentence here is invented; none is taken from the shared dev set. Each test
asserts what a user reads in the result (outcome, pathway, a requirement's status, urgency) and its
docstring names the class. Class 5 (which criteria a Medicare Advantage plan is judged by) is
covered elsewhere; classes 6-9 (urgency, quotes, check before filing, long charts) are in
test_reading_classes_later.py.
"""

from .helpers import make_case, run, statuses
from .reading_common import BACK_ONLY, CIGNA, UHC, kinds


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
