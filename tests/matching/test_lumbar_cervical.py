"""Spine cases written from the criteria notes (imaging-criteria.md §1.1-1.2)."""

from .helpers import make_case, requirement, run, statuses, warned

CIGNA = "Cigna"
EXAM = ("2025-01-06", "Clinic note",
        "Low back pain since 2025-01-01 radiating down the left leg. Exam: positive SLR on the left, "
        "decreased sensation in the L5 dermatome.")
REEVAL = ("2025-02-24", "Follow-up visit", "Re-evaluation: leg pain persists despite therapy.")


def pt(text, when="2025-02-20"):
    return (when, "PT note", text)


def test_evicore_appeal_cites_the_omitted_therapy_and_follow_up():
    r = run(make_case(payer=CIGNA, request="Low back pain radiating to the left leg, MRI requested.",
                      notes=[EXAM, pt("Physical therapy 2025-01-08 to 2025-02-20, 12 visits, no improvement."), REEVAL]))
    assert r["outcome"] == "appeal"
    assert r["pathway"]["id"] == "evicore_radiculopathy"
    assert r["policy"]["source"].startswith("eviCore")
    s = statuses(r)
    assert s["radicular_pain"] == "met_in_request"
    assert s["six_week_trial"] == "omitted" and s["re_evaluation"] == "omitted"
    quote = requirement(r, "six_week_trial")["evidence"][0]
    assert quote["quote"].startswith("Physical therapy 2025-01-08") and quote["source"] == "PT note"


def test_four_weeks_of_pt_is_not_six():
    r = run(make_case(payer=CIGNA, notes=[EXAM, pt("Physical therapy x 4 weeks, no improvement."), REEVAL]))
    assert r["outcome"] == "not_met"
    need = requirement(r, "six_week_trial")["needed"]
    assert "4 weeks" in need and "6 weeks" in need


def test_duration_in_words_six_weeks():
    r = run(make_case(payer=CIGNA, notes=[EXAM, pt("Completed six weeks of physical therapy without relief."), REEVAL]))
    assert statuses(r)["six_week_trial"] == "omitted"
    assert r["outcome"] == "appeal"


def test_duration_in_words_two_months_of_chiropractic():
    r = run(make_case(payer=CIGNA, notes=[EXAM, ("2025-03-01", "Chiropractor", "Two months of chiropractic care, no lasting relief."),
                                                     ("2025-03-02", "Phone call", "Telephone follow-up: pain persists.")]))
    assert statuses(r)["six_week_trial"] == "omitted"


def test_duration_abbreviated_x8_wks():
    r = run(make_case(payer=CIGNA, notes=[EXAM, pt("PT x8 wks, pain unchanged."), REEVAL]))
    assert statuses(r)["six_week_trial"] == "omitted"


def test_measured_weakness_is_an_evicore_red_flag_and_asks_for_speed():
    r = run(make_case(payer=CIGNA, notes=[("2025-02-01", "Clinic note", "Left EHL weakness 4/5, L5 radiculopathy.")]))
    assert r["outcome"] == "appeal"
    assert r["pathway"]["id"] == "evicore_red_flags"
    assert r["urgency"] == "expedited"


def test_cauda_equina_is_an_emergency_said_first():
    r = run(make_case(payer=CIGNA, notes=["New urinary retention and saddle anesthesia since yesterday."]))
    assert r["urgency"] == "emergency"
    assert r["warnings"][0].startswith("EMERGENCY")
    assert "no prior authorization" in r["warnings"][0]
    assert r["pathway"]["id"] == "evicore_red_flags" and r["outcome"] == "appeal"


def test_denied_cauda_equina_symptoms_are_not_red_flags():
    r = run(make_case(payer=CIGNA, notes=["Denies saddle anesthesia, bowel or bladder dysfunction. No weakness."]))
    assert r["urgency"] == "standard"
    assert r["outcome"] == "not_met"
    # Nothing is met: the closest route shown is the usual one (treatment), not "find a red flag".
    assert r["pathway"]["id"] in {"evicore_radiculopathy", "evicore_low_back_pain"}


def test_negative_for_fever_and_no_cancer_history():
    r = run(make_case(notes=["Back pain. Negative for fever. No history of cancer. Without weight loss."]))
    assert r["urgency"] == "standard"
    assert requirement(run(make_case(notes=["History of breast cancer."])), "red_flag")["status"] == "omitted"
    assert r["pathway"]["id"] != "acr_red_flags" or r["outcome"] == "not_met"


def test_return_precautions_are_not_symptoms():
    r = run(make_case(payer=CIGNA, notes=["Return precautions reviewed for saddle anesthesia or bladder changes."]))
    assert r["urgency"] == "standard"


def test_uhc_counts_only_treatment_within_twelve_weeks():
    r = run(make_case(payer="UnitedHealthcare", notice="2025-03-03",
                      notes=[("2024-06-30", "PT note", "Physical therapy 2024-05-01 to 2024-06-28, no improvement."),
                             ("2025-02-20", "Clinic note", "Exam: lumbar tenderness. Follow-up visit: pain persists.")]))
    assert r["outcome"] == "not_met"
    assert statuses(r)["recent_six_week_trial"] == "unmet"
    assert warned(r, "12 weeks")


def test_therapy_from_an_earlier_episode_does_not_count():
    r = run(make_case(payer=CIGNA, notes=[
        ("2025-01-10", "Clinic note", "Low back pain began 2025-01-02. Exam: tenderness."),
        ("2024-05-01", "PT note", "Physical therapy 2024-03-01 to 2024-04-30 for back pain, no improvement."),
        REEVAL]))
    assert statuses(r)["six_week_trial"] == "unmet"
    assert warned(r, "before the current episode")


def test_contradiction_is_flagged_not_resolved_conveniently():
    r = run(make_case(payer=CIGNA, notes=[
        EXAM, pt("Physical therapy x 8 weeks, no improvement.", "2025-02-20"),
        ("2025-02-24", "Clinic note", "Has not had physical therapy. Follow-up visit: pain persists.")]))
    assert statuses(r)["six_week_trial"] == "unmet"
    assert warned(r, "physical therapy", "later")


def test_home_exercise_without_prescription_does_not_count():
    r = run(make_case(payer="UnitedHealthcare", notes=[
        ("2025-02-20", "Clinic note", "Exam: lumbar tenderness. Patient did home exercises for 8 weeks."),
        REEVAL]))
    assert statuses(r)["recent_six_week_trial"] == "unmet"
    assert warned(r, "home exercise", "prescription")


def test_prescribed_home_program_with_follow_up_counts():
    r = run(make_case(payer="UnitedHealthcare", notes=[
        ("2025-01-02", "Clinic note", "Exam: lumbar tenderness. Home exercise program prescribed with a written handout."),
        ("2025-02-24", "Follow-up visit", "Follow-up visit: no improvement after 7 weeks of home exercise program.")]))
    assert statuses(r)["recent_six_week_trial"] == "omitted"
    assert r["outcome"] == "appeal"


def test_therapy_that_helped_is_not_a_failed_trial():
    r = run(make_case(payer=CIGNA, notes=[EXAM, pt("Physical therapy x 6 weeks, symptoms much improved."), REEVAL]))
    assert statuses(r)["six_week_trial"] == "unmet"
    assert warned(r, "helped")


def test_carelon_neurologic_findings_need_no_waiting():
    r = run(make_case(payer="Anthem Blue Cross", notes=["Exam: positive straight leg raise on the right, diminished right ankle reflex."]))
    assert r["outcome"] == "appeal"
    assert r["pathway"]["id"] == "carelon_neurologic_findings"
    assert "Carelon" in r["policy"]["source"]


def test_carelon_findings_already_imaged_need_the_other_pathway():
    r = run(make_case(payer="Elevance Health", notes=["Exam: positive SLR. Prior MRI 2024-02-01 showed L4-5 disc bulge."]))
    assert r["outcome"] == "not_met"
    assert r["pathway"]["id"] in {"carelon_neurologic_findings", "carelon_conservative"}


def test_aetna_degenerative_disease_needs_only_four_weeks():
    r = run(make_case(payer="Aetna", notes=["X-ray shows grade 1 spondylolisthesis L4-5. Physical therapy x 5 weeks, no improvement."]))
    assert r["outcome"] == "appeal"
    assert r["pathway"]["id"] == "aetna_degenerative"


def test_aetna_recurrent_symptoms_after_surgery():
    r = run(make_case(payer="Aetna", notes=["Status post L5-S1 microdiscectomy 2022; recurrent left leg pain."]))
    assert r["pathway"]["id"] == "aetna_after_surgery" and r["outcome"] == "appeal"


def test_acr_default_cancer_history_is_a_red_flag_but_not_a_72_hour_case():
    r = run(make_case(notes=["New low back pain. History of prostate cancer."]))
    assert r["pathway"]["id"] == "acr_red_flags"
    assert r["outcome"] == "appeal" and r["urgency"] == "standard"
    assert r["policy"]["source"] == "American College of Radiology"


def test_acr_default_needs_an_intervention_candidate():
    r = run(make_case(notes=[("2025-02-20", "Clinic note", "Chronic low back pain. Physical therapy x 8 weeks, no improvement.")]))
    assert r["outcome"] == "not_met"
    assert r["pathway"]["id"] == "acr_failed_management"
    assert statuses(r) == {"back_or_leg_pain": "omitted", "six_weeks_management": "omitted",
                           "intervention_candidate": "unmet"}


def test_fever_in_a_person_who_injects_drugs_is_an_emergency():
    r = run(make_case(notes=["Back pain with fever 38.9. History of IV drug use."]))
    assert r["urgency"] == "emergency"


def test_progressive_weakness_is_an_emergency():
    r = run(make_case(payer=CIGNA, notes=["Worsening leg weakness over 3 days, now 3/5 dorsiflexion."]))
    assert r["urgency"] == "emergency"


def test_severe_radicular_pain_is_an_evicore_red_flag():
    r = run(make_case(payer="Cigna", notes=["Severe radicular pain down the right leg, 10/10, ER visit."]))
    assert r["pathway"]["id"] == "evicore_red_flags"


def test_old_documents_are_flagged_as_stale():
    r = run(make_case(notes=[("2023-01-05", "Old clinic note", "Low back pain.")]))
    assert warned(r, "Old clinic note", "more than a year")


def test_contrast_mismatch_between_service_and_request_is_administrative():
    r = run(make_case(service="72158", request="MRI lumbar spine without contrast for back pain.",
                      denial="The request could not be approved as submitted."))
    assert r["outcome"] == "administrative"
    assert r["denial"]["category"] == "coding"
    assert warned(r, "contrast mismatch")


# --- cervical -------------------------------------------------------------------------------

def test_cervical_new_radiculopathy_with_reflex_change():
    r = run(make_case(service="72141", notes=["Neck pain radiating to the right arm in a C6 distribution, diminished biceps reflex."]))
    assert r["service"]["id"] == "mri_cervical_spine"
    assert r["pathway"]["id"] == "acr_new_radiculopathy" and r["outcome"] == "appeal"


def test_cervical_myelopathy_aetna_is_expedited():
    r = run(make_case(service="MRI C-spine", payer="Aetna", notes=["Hand clumsiness. Hoffmann sign positive bilaterally."]))
    assert r["outcome"] == "appeal" and r["urgency"] == "expedited"
    assert r["pathway"]["id"] in {"aetna_urgent_indications", "aetna_myelopathy"}


def test_cervical_negative_hoffmann_is_not_myelopathy():
    r = run(make_case(service="MRI cervical spine", notes=["Neck pain. Negative Hoffmann sign. No clonus."]))
    assert r["urgency"] == "standard"
    assert r["outcome"] == "not_met"


def test_cervical_evicore_three_weeks_is_not_enough():
    r = run(make_case(service="72141", payer="Evernorth", notes=[
        ("2025-02-20", "Clinic note", "Neck pain. Exam: paraspinal spasm. PT for 3 weeks, no improvement. Follow-up visit planned.")]))
    assert r["outcome"] == "not_met"
    assert "3 weeks" in requirement(r, "six_week_trial")["needed"]


def test_cervical_progressive_deficit_is_an_emergency():
    r = run(make_case(service="72141", notes=["Progressive weakness of both hands over a week."]))
    assert r["urgency"] == "emergency"


def test_after_surgery_a_without_contrast_order_is_questioned():
    r = run(make_case(service="72148", notes=["Status post L4-5 laminectomy 2021. New leg pain radiating down the left leg."]))
    assert warned(r, "check the contrast", "72158", "Variant 5")


def test_a_back_pain_diagnosis_code_for_documented_radiculopathy_is_flagged():
    r = run(make_case(request="MRI lumbar spine, diagnosis M54.50.",
                      notes=["Pain radiating down the right leg, positive SLR."]))
    assert warned(r, "M54.50", "M54.16")
    plain = run(make_case(request="MRI lumbar spine, diagnosis M54.50.", notes=["Axial low back pain only."]))
    assert not warned(plain, "M54.50")


def test_the_reviewer_named_in_the_denial_letter_selects_the_criteria():
    r = run(make_case(payer="Blue Cross Blue Shield of Somewhere",
                      denial="The request does not meet eviCore Spine Imaging Guidelines.",
                      notes=["Exam: 4/5 weakness of ankle dorsiflexion."]))
    assert r["policy"]["source"].startswith("eviCore")
    assert r["pathway"]["id"] == "evicore_red_flags"


def test_an_unknown_payer_gets_the_neutral_criteria_and_a_note():
    r = run(make_case(payer="Acme Health Plan", notes=["History of lung cancer, new back pain."]))
    assert r["policy"]["source"] == "American College of Radiology"
    assert warned(r, "Acme Health Plan", "does not know")


def test_treatment_that_helped_then_symptoms_returned_counts_as_failed():
    r = run(make_case(payer=CIGNA, notes=[EXAM, pt("Physical therapy x 7 weeks helped at first, then the pain returned."), REEVAL]))
    assert statuses(r)["six_week_trial"] == "omitted"


def test_cervical_code_cervicalgia_with_radiculopathy():
    r = run(make_case(service="72141", request="MRI C-spine for M54.2", notes=["Pain radiating down the left arm to the thumb."]))
    assert warned(r, "M54.2", "M54.12")


def test_consecutive_treatments_make_one_trial():
    notes = [EXAM, ("2025-02-20", "PT note", "Physical therapy 2025-01-06 to 2025-01-27, no improvement."),
             ("2025-02-20", "Chiropractor", "Chiropractic care 2025-01-28 to 2025-02-20, no relief."), REEVAL]
    r = run(make_case(payer=CIGNA, notes=notes))
    assert statuses(r)["six_week_trial"] == "omitted"
    assert len(requirement(r, "six_week_trial")["evidence"]) == 2
    gap = [EXAM, ("2025-02-20", "PT note", "Physical therapy 2025-01-06 to 2025-01-20, no improvement."),
           ("2025-02-20", "Chiropractor", "Chiropractic care 2025-02-05 to 2025-02-20, no relief."), REEVAL]
    assert statuses(run(make_case(payer=CIGNA, notes=gap)))["six_week_trial"] == "unmet"
