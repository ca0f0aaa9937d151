"""One case per pathway in the library: each alternative can be met, and is the one reported.

Written from the criteria notes. The last test fails when a pathway is added to a criteria file
without a case here, so every pathway stays demonstrated.
"""

import pytest

from appeals.criteria import load_library

from . import pathway_cases_16a, pathway_cases_16b, pathway_cases_16c
from .helpers import make_case, run

CIGNA, UHC, ANTHEM, AETNA = "Cigna", "UnitedHealthcare", "Anthem", "Aetna"
LBP_EPISODE = [
    ("2025-01-10", "Clinic note", "Low back pain since 2025-01-01. Exam: paraspinal tenderness."),
    ("2025-02-21", "PT note", "Physical therapy 2025-01-06 to 2025-02-20, no improvement."),
    ("2025-02-24", "Follow-up visit", "Follow-up visit: pain persists."),
]
NECK_EPISODE = [
    ("2025-01-10", "Clinic note", "Neck pain since 2025-01-02. Exam: paraspinal spasm."),
    ("2025-02-21", "PT note", "Physical therapy 2025-01-13 to 2025-02-24, no improvement."),
    ("2025-02-27", "Follow-up visit", "Follow-up visit: neck pain persists."),
]
KNEE_EPISODE = [
    ("2025-01-10", "Clinic note", "Right knee pain since 2025-01-05, no injury. Joint line tenderness. "
                                  "Knee x-rays 2025-01-10: mild degenerative changes."),
    ("2025-02-21", "PT note", "Physical therapy 2025-01-13 to 2025-02-24, no improvement."),
    ("2025-02-27", "Follow-up visit", "Follow-up visit: knee pain persists."),
]

CASES = [
    # MRI lumbar spine
    ("mri_lumbar_spine", "acr_red_flags", None, None, ["New low back pain, history of breast cancer."]),
    ("mri_lumbar_spine", "acr_prior_surgery", None, None, ["Status post L5-S1 fusion 2020, new low back pain."]),
    ("mri_lumbar_spine", "acr_failed_management", None, None, [
        ("2025-02-20", "Clinic note", "Chronic low back pain. Physical therapy x 8 weeks, no improvement. "
                                      "Candidate for epidural steroid injection.")]),
    ("mri_lumbar_spine", "evicore_red_flags", CIGNA, None, ["Exam: 4/5 EHL weakness."]),
    ("mri_lumbar_spine", "evicore_radiculopathy", CIGNA, None, [
        ("2025-01-10", "Clinic note", "Low back pain since 2025-01-01 radiating down the left leg. Exam: positive SLR."),
        *LBP_EPISODE[1:]]),
    ("mri_lumbar_spine", "evicore_low_back_pain", CIGNA, None, LBP_EPISODE),
    ("mri_lumbar_spine", "uhc_red_flags", UHC, None, ["Suspected compression fracture after a fall."]),
    ("mri_lumbar_spine", "uhc_low_back_pain", UHC, None, LBP_EPISODE),
    ("mri_lumbar_spine", "carelon_neurologic_findings", ANTHEM, None, ["Exam: diminished left ankle reflex."]),
    ("mri_lumbar_spine", "carelon_conservative", ANTHEM, None, ["Low back pain. Physical therapy x 6 weeks, no improvement."]),
    ("mri_lumbar_spine", "aetna_urgent_indications", AETNA, None, ["History of lung cancer with new back pain."]),
    ("mri_lumbar_spine", "aetna_stenosis", AETNA, None, ["Neurogenic claudication: leg pain on walking, relieved by sitting."]),
    ("mri_lumbar_spine", "aetna_after_surgery", AETNA, None, ["Status post L4-5 laminectomy; recurrent symptoms."]),
    ("mri_lumbar_spine", "aetna_radiculopathy", AETNA, None, [
        "Sciatica down the right leg with an absent right ankle reflex. Physical therapy x 6 weeks, no improvement."]),
    ("mri_lumbar_spine", "aetna_degenerative", AETNA, None, [
        "X-ray shows spondylolisthesis at L4-5. Physical therapy x 4 weeks, no improvement."]),
    # MRI cervical spine
    ("mri_cervical_spine", "acr_red_flags", None, None, ["Neck pain, history of lymphoma."]),
    ("mri_cervical_spine", "acr_new_radiculopathy", None, None, ["Pain radiating down the right arm, diminished biceps reflex."]),
    ("mri_cervical_spine", "acr_chronic_after_radiographs", None, None, [
        "Chronic neck pain. Decreased sensation in the right hand. Cervical spine x-rays: degenerative changes."]),
    ("mri_cervical_spine", "acr_axial_after_radiographs", None, None, NECK_EPISODE + [
        ("2025-02-27", "Radiology report", "XR cervical spine 2025-02-27: mild degenerative changes.")]),
    ("mri_cervical_spine", "evicore_red_flags", CIGNA, None, ["Neck pain, 4/5 deltoid weakness."]),
    ("mri_cervical_spine", "evicore_neck_pain", CIGNA, None, NECK_EPISODE),
    ("mri_cervical_spine", "aetna_urgent_indications", AETNA, None, ["Neck pain, known metastases from breast cancer."]),
    ("mri_cervical_spine", "aetna_myelopathy", AETNA, None, ["Positive Hoffmann sign, hand clumsiness."]),
    ("mri_cervical_spine", "aetna_radiculopathy", AETNA, None, [
        "Pain radiating down the left arm, 4/5 triceps weakness. Physical therapy x 6 weeks, no improvement."]),
    # MRI brain / CT head for headache
    ("mri_brain_headache", "acr_new_headache_red_flag", None, 30, ["New headache in a patient with HIV (immunocompromised)."]),
    ("mri_brain_headache", "acr_new_headache_over_50", None, 60, ["New daily headache for 3 weeks."]),
    # Optic disc edema is its own variant: no headache needs to be named.
    ("mri_brain_headache", "acr_optic_disc_edema", None, 30, ["Blurred vision. Fundoscopy shows papilledema."]),
    ("mri_brain_headache", "evicore_red_flags", CIGNA, 30, ["Headache with left pronator drift."]),
    ("mri_brain_headache", "evicore_new_over_50", CIGNA, 58, ["New onset headaches for 2 weeks."]),
    ("mri_brain_headache", "evicore_pattern_change", CIGNA, 30, ["Chronic migraines with a change in headache pattern."]),
    ("mri_brain_headache", "uhc_red_flags", UHC, 30, ["Headache with left pronator drift."]),
    ("mri_brain_headache", "uhc_new_over_50", UHC, 58, ["New onset headaches for 2 weeks."]),
    ("mri_brain_headache", "uhc_pattern_change", UHC, 30, ["Chronic migraines with a change in headache pattern."]),
    ("mri_brain_headache", "carelon_headache_features", ANTHEM, 30, ["Headache triggered by coughing."]),
    ("mri_brain_headache", "carelon_new_over_50", ANTHEM, 62, ["New onset headaches for 2 weeks."]),
    ("ct_head_headache", "acr_thunderclap", None, 40, ["Thunderclap headache an hour ago."]),
    ("ct_head_headache", "acr_new_headache_red_flag", None, 30, ["New headache, 28 weeks pregnant."]),
    ("ct_head_headache", "acr_new_headache_over_50", None, 70, ["New headache for a week."]),
    ("ct_head_headache", "acr_optic_disc_edema", None, 30, ["Papilledema on exam, vision dimming."]),
    ("ct_head_headache", "evicore_red_flags", CIGNA, 30, ["Headache with a focal neurological deficit."]),
    ("ct_head_headache", "evicore_new_over_50", CIGNA, 66, ["New onset headache."]),
    ("ct_head_headache", "evicore_pattern_change", CIGNA, 30, ["Headaches are more frequent and more severe."]),
    ("ct_head_headache", "uhc_red_flags", UHC, 30, ["Headache with a focal neurological deficit."]),
    ("ct_head_headache", "uhc_new_over_50", UHC, 66, ["New onset headache."]),
    ("ct_head_headache", "uhc_pattern_change", UHC, 30, ["Headaches are more frequent and more severe."]),
    ("ct_head_headache", "carelon_headache_features", ANTHEM, 30, ["Positional headache, worse when standing up."]),
    ("ct_head_headache", "carelon_new_over_50", ANTHEM, 64, ["New onset headache."]),
    # CT head for minor head trauma
    ("ct_head_trauma", "cchr_high_or_medium_risk", None, 30, ["Head injury in a fall from a ladder."]),
    ("ct_head_trauma", "cchr_age_65", None, 75, ["Minor head injury, tripped at home. No vomiting."]),
    # MRI knee
    ("mri_knee", "acr_acute_trauma", None, None, ["Twisting injury of the knee. Effusion. Knee x-rays: no fracture."]),
    ("mri_knee", "acr_after_radiographs", None, None, ["Chronic knee pain. Knee x-rays normal."]),
    ("mri_knee", "evicore_meniscal_findings", CIGNA, None, [
        ("2025-02-10", "Clinic note", "Twisting injury on 2025-02-08, large effusion. Knee x-rays 2025-02-10: no fracture.")]),
    ("mri_knee", "evicore_meniscal_conservative", CIGNA, None, KNEE_EPISODE),
    ("mri_knee", "evicore_ligament", CIGNA, None, [
        ("2025-02-02", "Clinic note", "Injured the knee skiing on 2025-02-01. Lachman positive. X-rays 2025-02-02: no fracture.")]),
    ("mri_knee", "uhc_meniscal_findings", UHC, None, [
        ("2025-02-10", "Clinic note", "Twisting injury on 2025-02-08, large effusion. Knee x-rays 2025-02-10: no fracture.")]),
    ("mri_knee", "uhc_conservative", UHC, None, KNEE_EPISODE),
    ("mri_knee", "carelon_mechanical_meniscal", ANTHEM, None, [
        "Knee locking. Joint line tenderness and a positive McMurray.", "Knee x-rays normal."]),
    ("mri_knee", "carelon_meniscal_conservative", ANTHEM, None, [
        "Knee pain with joint line tenderness. Knee x-rays normal. Physical therapy x 6 weeks, no improvement."]),
    ("mri_knee", "carelon_ligament", ANTHEM, None, ["Positive Lachman. Knee x-rays normal."]),
    ("mri_knee", "carelon_ligament_conservative", ANTHEM, None, [
        "Knee gives way. Knee x-rays normal. Physical therapy x 4 weeks, no improvement."]),
    ("mri_knee", "aetna_nontraumatic", AETNA, None, ["Persistent knee pain, no injury. Naproxen for 3 weeks, no improvement."]),
    ("mri_knee", "aetna_locking", AETNA, None, ["Persistent true locking of the knee."]),
    ("mri_knee", "aetna_after_injury", AETNA, None, [
        "Twisting injury of the knee a month ago. X-rays: no fracture, no loose body. Ice, rest and NSAIDs without improvement."]),
    ("mri_knee", "aetna_osteonecrosis", AETNA, None, ["Suspected osteonecrosis of the medial femoral condyle. Knee x-rays normal."]),
    # MRI shoulder and hip
    ("mri_shoulder", "acr_acute_injury", None, None, ["Fell on the shoulder; unable to raise the arm. X-rays: no fracture."]),
    ("mri_shoulder", "acr_cuff_after_radiographs", None, None, ["Positive empty can test. Shoulder x-rays normal."]),
    ("mri_shoulder", "acr_instability", None, None, ["Recurrent dislocations, positive apprehension test. Shoulder x-rays: no fracture."]),
    ("mri_hip", "acr_soft_tissue", None, None, ["Suspected trochanteric bursitis. Hip x-rays negative."]),
    ("mri_hip", "acr_impingement", None, None, ["Positive FADIR test. Hip x-rays obtained."]),
    ("mri_hip", "acr_osteonecrosis", None, None, ["Hip pain on long-term prednisone. Hip x-rays normal."]),
]
CASES += pathway_cases_16a.CASES + pathway_cases_16b.CASES + pathway_cases_16c.CASES


@pytest.mark.parametrize("service, pathway, payer, age, notes", CASES,
                         ids=[f"{c[0]}:{c[1]}" for c in CASES])
def test_each_pathway_can_be_met_and_is_reported(service, pathway, payer, age, notes):
    r = run(make_case(service=service, payer=payer, notes=notes, patient={"age": age} if age else None))
    assert r["service"]["id"] == service
    assert r["pathway"]["id"] == pathway, r["requirements"]
    assert r["outcome"] == "appeal"
    assert all(q["evidence"] for q in r["requirements"])


def test_every_pathway_in_the_library_has_a_case():
    covered = {(c[0], c[1]) for c in CASES}
    missing = [(s.id, p.id) for s in load_library().services for p in s.pathways if (s.id, p.id) not in covered]
    assert missing == []
