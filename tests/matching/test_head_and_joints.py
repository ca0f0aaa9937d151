"""Head and joint cases written from the criteria notes (imaging-criteria.md §1.3-1.6)."""

from .helpers import make_case, requirement, run, statuses, warned


# --- MRI brain / CT head for headache --------------------------------------------------------

def test_thunderclap_headache_is_an_emergency_first():
    r = run(make_case(service="70551", payer="Anthem", notes=["Sudden onset worst headache of her life, peaked within one minute."]))
    assert r["urgency"] == "emergency"
    assert r["warnings"][0].startswith("EMERGENCY")
    assert r["outcome"] == "appeal"


def test_new_headache_at_fifty_five_meets_evicore_and_stays_standard():
    # Labelling conventions §8: a red flag that waives the wait is not by itself a 72-hour case.
    r = run(make_case(service="MRI brain", payer="Cigna", patient={"date_of_birth": "1970-01-15"},
                      notes=["New onset headaches for 3 weeks. Neuro exam normal."]))
    assert r["service"]["id"] == "mri_brain_headache"
    assert r["pathway"]["id"] == "evicore_new_over_50"
    assert r["outcome"] == "appeal" and r["urgency"] == "standard"


def test_primary_headache_with_a_normal_exam_does_not_qualify():
    r = run(make_case(service="MRI brain", payer="Cigna", patient={"age": 34},
                      notes=["Migraine without aura, typical of her usual migraines. Normal neurologic exam."]))
    assert r["outcome"] == "not_met"
    assert r["urgency"] == "standard"


def test_age_is_taken_from_date_of_birth_at_the_denial_date():
    notes = ["New daily headache for two weeks."]
    young = run(make_case(service="MRI brain", payer="Cigna", notice="2025-03-03",
                          patient={"date_of_birth": "1975-03-10"}, notes=notes))
    turned = run(make_case(service="MRI brain", payer="Cigna", notice="2025-03-03",
                           patient={"date_of_birth": "1975-03-01"}, notes=notes))
    assert young["outcome"] == "not_met"      # 49 on the day of the notice
    assert turned["outcome"] == "appeal"      # 50 on the day of the notice
    assert turned["pathway"]["id"] == "evicore_new_over_50"


def test_pattern_change_meets_uhc():
    r = run(make_case(service="70553", payer="UnitedHealthcare",
                      notes=["Chronic migraines, now with a change in headache pattern and increasing frequency."]))
    assert r["pathway"]["id"] == "uhc_pattern_change" and r["outcome"] == "appeal"


def test_carelon_feature_already_imaged_by_mri_is_unmet():
    r = run(make_case(service="MRI brain", payer="Carelon",
                      notes=["Exertional headache triggered by coughing. Prior MRI 2024-06-01 was normal."]))
    assert r["outcome"] == "not_met"
    assert "MRI" in r["requirements"][0]["needed"]


def test_aetna_headache_falls_back_to_acr_and_says_so():
    r = run(make_case(service="MRI brain", payer="Aetna",
                      notes=["New headache for 2 weeks with left-sided pronator drift on exam."]))
    assert warned(r, "no Aetna criteria", "American College of Radiology")
    assert r["policy"]["source"] == "American College of Radiology"
    assert r["pathway"]["id"] == "acr_new_headache_red_flag"
    assert r["outcome"] == "appeal" and r["urgency"] == "expedited"


def test_pregnancy_headache_with_visual_symptoms_is_an_emergency():
    r = run(make_case(service="MRI brain", notes=["32 weeks pregnant with severe headache and blurred vision."]))
    assert r["urgency"] == "emergency"


def test_pregnancy_headache_without_visual_symptoms_is_not():
    r = run(make_case(service="MRI brain", notes=["Pregnant, new headache. Denies visual changes."]))
    assert r["urgency"] == "standard"
    assert r["outcome"] == "appeal"  # pregnancy is an ACR red flag for a new headache


def test_fever_and_stiff_neck_with_headache_is_an_emergency():
    r = run(make_case(service="CT head", notes=["Headache with fever and neck stiffness since this morning."]))
    assert r["urgency"] == "emergency"


def test_ct_head_thunderclap_meets_acr_variant_1():
    r = run(make_case(service="70450", notes=["Thunderclap headache during exertion."]))
    assert r["service"]["id"] == "ct_head_headache"
    assert r["pathway"]["id"] == "acr_thunderclap"
    assert r["policy"]["section"] == "Variant 1"


# --- CT head for minor head trauma -----------------------------------------------------------

def test_shared_code_with_a_head_injury_selects_the_trauma_criteria():
    r = run(make_case(service="70450", notes=["Fell and hit her head on the counter. Vomited twice since."]))
    assert r["service"]["id"] == "ct_head_trauma"
    assert r["pathway"]["id"] == "cchr_high_or_medium_risk"
    assert r["outcome"] == "appeal"
    assert r["urgency"] == "emergency"


def test_head_injury_at_seventy_meets_the_age_rule():
    r = run(make_case(service="CT head after fall", patient={"age": 70},
                      notes=["Minor head injury after a trip at home. GCS 15. No vomiting."]))
    assert r["pathway"]["id"] == "cchr_age_65" and r["outcome"] == "appeal"
    assert r["urgency"] == "standard"


def test_head_injury_on_warfarin_is_an_emergency():
    r = run(make_case(service="CT head trauma", notes=["Head injury this morning. On warfarin for atrial fibrillation."]))
    assert r["urgency"] == "emergency"
    assert r["outcome"] == "appeal"


def test_minor_head_injury_without_red_flags_is_not_met():
    r = run(make_case(service="CT head trauma", patient={"age": 30},
                      notes=["Head injury playing soccer. GCS 15, no LOC, no vomiting, no amnesia."]))
    assert r["outcome"] == "not_met"
    assert r["urgency"] == "standard"
    assert "Glasgow Coma Scale" in requirement(r, "red_flag")["needed"]


def test_every_payer_falls_back_to_the_neutral_head_trauma_source():
    r = run(make_case(service="CT head trauma", payer="Cigna", patient={"age": 80}, notes=["Head strike in a fall."]))
    assert "Choosing Wisely" in r["policy"]["source"]
    assert warned(r, "no eviCore")


# --- MRI knee --------------------------------------------------------------------------------

XRAY_NORMAL = ("2025-05-02", "X-ray report", "Right knee x-rays 2025-05-02: no fracture, small joint effusion.")


def test_evicore_meniscal_two_of_four_findings():
    r = run(make_case(service="MRI right knee", payer="Cigna", notice="2025-06-01", notes=[
        ("2025-05-01", "Clinic note", "Right knee pain after a twisting injury playing soccer on 2025-04-28. Large effusion."),
        XRAY_NORMAL]))
    assert r["pathway"]["id"] == "evicore_meniscal_findings"
    assert statuses(r) == {"radiographs": "omitted", "two_of_four": "omitted"}
    assert r["outcome"] == "appeal"


def test_evicore_needs_x_rays_from_this_episode():
    r = run(make_case(service="MRI knee", payer="Cigna", notice="2025-06-01", notes=[
        ("2025-05-01", "Clinic note", "Knee pain after a twisting injury on 2025-04-28, positive McMurray."),
        ("2023-02-01", "X-ray report", "Knee x-rays 2023-02-01: normal.")]))
    assert r["outcome"] == "not_met"
    assert warned(r, "predate the current episode")


def test_carelon_diagnostic_x_ray_defeats_the_request():
    r = run(make_case(service="MRI knee", payer="Anthem", notes=[
        "Chronic knee pain with locking. Joint line tenderness and effusion.",
        "Knee x-ray: severe tricompartmental osteoarthritis, bone-on-bone medially."]))
    assert r["outcome"] == "not_met"
    assert warned(r, "already show a cause")


def test_carelon_mechanical_symptoms_with_two_findings_after_normal_films():
    r = run(make_case(service="73721", payer="Anthem", notes=[
        "Left knee pain with locking episodes. Exam: joint line tenderness, positive McMurray.",
        "Left knee radiographs normal."]))
    assert r["service"]["id"] == "mri_knee"
    assert r["pathway"]["id"] == "carelon_mechanical_meniscal" and r["outcome"] == "appeal"


def test_aetna_three_weeks_without_injury():
    r = run(make_case(service="MRI knee", payer="Aetna", notes=[
        ("2025-02-25", "Clinic note", "Persistent knee pain and swelling, no injury. Naproxen and ice for 3 weeks without improvement.")]))
    assert r["pathway"]["id"] == "aetna_nontraumatic" and r["outcome"] == "appeal"


def test_aetna_true_locking():
    r = run(make_case(service="MRI knee", payer="Aetna", notes=["Knee locked in flexion twice this week, unable to fully extend."]))
    assert r["pathway"]["id"] == "aetna_locking" and r["outcome"] == "appeal"


def test_evicore_ligament_positive_lachman():
    r = run(make_case(service="MRI knee", payer="Cigna", notice="2025-06-01", notes=[
        ("2025-05-10", "Sports medicine", "Injured her knee skiing 2025-05-08. Lachman positive compared with the other side. X-rays 2025-05-10: no fracture.")]))
    assert r["pathway"]["id"] in {"evicore_meniscal_findings", "evicore_ligament"}
    assert r["outcome"] == "appeal"


def test_side_mismatch_with_a_laterality_denial_is_administrative():
    r = run(make_case(service="MRI left knee", payer="Cigna",
                      denial="The laterality on the request does not match the clinical documentation.",
                      notes=["Right knee pain after a twisting injury. Right knee effusion."]))
    assert r["outcome"] == "administrative"
    assert r["denial"]["category"] == "coding"
    assert warned(r, "side mismatch", "left", "right")


def test_hot_swollen_knee_is_an_emergency():
    r = run(make_case(service="MRI knee", notes=["Hot, swollen knee with fever of 39."]))
    assert r["urgency"] == "emergency"


# --- MRI shoulder and hip --------------------------------------------------------------------

def test_shoulder_cuff_after_normal_x_rays_and_fallback_for_evicore():
    r = run(make_case(service="73221", payer="Cigna", notes=[
        "Right shoulder pain for 3 months. Positive empty can test, painful arc.",
        "Shoulder x-rays: unremarkable."]))
    assert r["service"]["id"] == "mri_shoulder"
    assert r["pathway"]["id"] == "acr_cuff_after_radiographs" and r["outcome"] == "appeal"
    assert warned(r, "no eviCore")


def test_shoulder_without_x_rays_is_not_met():
    r = run(make_case(service="MRI shoulder", notes=["Shoulder pain with a positive Neer test."]))
    assert r["outcome"] == "not_met"
    assert "x-rays" in requirement(r, "radiographs")["needed"]


def test_shoulder_acute_injury_unable_to_raise_arm_waives_therapy_but_is_standard():
    r = run(make_case(service="MRI right shoulder", notes=[
        "Fell on an outstretched arm yesterday; unable to raise the right arm. X-ray: no fracture."]))
    assert r["pathway"]["id"] == "acr_acute_injury" and r["outcome"] == "appeal"
    assert r["urgency"] == "standard"


def test_hip_bursitis_after_negative_films():
    r = run(make_case(service="MRI left hip", notes=[
        "Lateral left hip pain, suspected gluteus medius tendinopathy. Hip x-rays negative."]))
    assert r["pathway"]["id"] == "acr_soft_tissue" and r["outcome"] == "appeal"


def test_hip_impingement_with_x_rays():
    r = run(make_case(service="MRI hip", notes=["Groin pain, positive FADIR test. Pelvis x-ray shows cam morphology."]))
    assert r["pathway"]["id"] == "acr_impingement" and r["outcome"] == "appeal"


def test_hip_osteonecrosis_risk_after_normal_films():
    r = run(make_case(service="MRI hip", notes=["Hip pain on long-term prednisone. X-rays of the hip normal."]))
    assert r["pathway"]["id"] == "acr_osteonecrosis" and r["outcome"] == "appeal"


def test_fall_and_cannot_bear_weight_is_an_emergency():
    r = run(make_case(service="MRI hip", notes=["Fell on the ice, unable to bear weight on the left leg."]))
    assert r["urgency"] == "emergency"


def test_shared_code_with_hip_notes_selects_the_hip():
    r = run(make_case(service="73721", notes=["Right hip pain and groin pain for 4 months."]))
    assert r["service"]["id"] == "mri_hip"


# --- services the library does not cover -----------------------------------------------------

def test_unknown_service_by_name():
    r = run(make_case(service="Bone scan whole body", plan_type="medicaid", notice="2025-04-01"))
    assert r["outcome"] == "no_criteria"
    assert r["service"] == {"id": None, "name": "Bone scan whole body", "codes": []}
    assert r["policy"] is None and r["requirements"] == []
    assert r["deadline"]["date"] == "2025-05-31"


def test_unknown_service_by_code_keeps_the_code():
    r = run(make_case(service="78306"))
    assert r["outcome"] == "no_criteria" and r["service"]["codes"] == ["78306"]
    assert warned(r, "no criteria")


def test_unknown_service_still_warns_of_an_emergency():
    r = run(make_case(service="MR angiography head", notes=["Worst headache of my life, sudden onset."]))
    assert r["outcome"] == "no_criteria" and r["urgency"] == "emergency"
