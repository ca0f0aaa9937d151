"""One case per pathway of the services of issue 16a, in test_pathways.py's shape:
(service, pathway, payer, age, notes). Kept in their own module so other services' rows merge apart."""

CIGNA = "Cigna"
MID_BACK_EPISODE = [
    ("2025-01-10", "Clinic note", "Mid-back pain since 2025-01-01. Exam: paraspinal tenderness."),
    ("2025-02-21", "PT note", "Physical therapy 2025-01-06 to 2025-02-20, no improvement."),
    ("2025-02-24", "Follow-up visit", "Follow-up visit: mid-back pain persists."),
]

CASES = [
    # MRI thoracic spine
    ("mri_thoracic_spine", "acr_red_flags", None, None, ["New mid-back pain, history of breast cancer."]),
    ("mri_thoracic_spine", "acr_myelopathy", None, None, ["Mid-back pain; exam: hyperreflexia and a positive Babinski."]),
    ("mri_thoracic_spine", "acr_failed_management", None, None, [
        ("2025-02-20", "Clinic note", "Chronic mid-back pain. Physical therapy x 8 weeks, no improvement. "
                                      "Candidate for epidural steroid injection.")]),
    ("mri_thoracic_spine", "evicore_red_flags", CIGNA, None, ["Mid-back pain. Exam: 4/5 hip flexor weakness."]),
    ("mri_thoracic_spine", "evicore_thoracic_pain", CIGNA, None, MID_BACK_EPISODE),
    # MRI foot/ankle
    ("mri_foot_ankle", "acr_conservative", None, None, [
        "Ankle pain. Ankle x-rays normal. Physical therapy x 5 weeks, no improvement."]),
    ("mri_foot_ankle", "acr_after_radiographs", None, None, ["Positive talar tilt test. Ankle x-rays normal."]),
    ("mri_foot_ankle", "acr_occult_fracture_or_infection", None, None, [
        "Diabetic foot ulcer that probes to bone. Foot x-rays obtained."]),
    # MRI wrist and elbow
    ("mri_wrist", "acr_chronic_conservative", None, None, [
        "Wrist pain. Wrist x-rays normal. Splint and physical therapy x 6 weeks, no improvement."]),
    ("mri_wrist", "acr_occult_scaphoid", None, None, ["Fall on the hand; snuffbox tenderness. Wrist x-rays: no fracture."]),
    ("mri_wrist", "acr_ligament", None, None, ["Positive Watson test. Wrist x-rays normal."]),
    ("mri_elbow", "acr_refractory_epicondylitis", None, None, [
        "Lateral epicondylitis. Elbow x-rays normal. Physical therapy x 8 weeks, no improvement."]),
    ("mri_elbow", "acr_tendon_ligament", None, None, ["Positive moving valgus stress test. Elbow x-rays normal."]),
    ("mri_elbow", "acr_occult_fracture", None, None, [
        "Fell on the elbow; concern for occult fracture of the radial head. Elbow x-rays: no fracture."]),
    # CT abdomen and pelvis
    ("ct_abdomen_pelvis", "acr_acute_abdomen", None, None, ["Abdominal pain with rebound tenderness and guarding."]),
    ("ct_abdomen_pelvis", "acr_pain_with_fever", None, None, ["Abdominal pain for two days with a fever of 38.9."]),
    ("ct_abdomen_pelvis", "acr_suspected_appendicitis_diverticulitis", None, None, ["Suspected diverticulitis."]),
    ("ct_abdomen_pelvis", "acr_ruq_after_ultrasound", None, None, [
        "Right upper quadrant pain. Ultrasound of the RUQ: normal gallbladder, inconclusive."]),
    ("ct_abdomen_pelvis", "acr_pain_after_workup", None, None, [
        "Epigastric pain for 3 weeks. Exam: epigastric tenderness. Labs: CBC and lipase normal."]),
    ("ct_abdomen_pelvis", "acr_hematuria", None, None, ["Painless gross hematuria."]),
    ("ct_abdomen_pelvis", "acr_known_cancer", None, None, ["History of colon cancer, surveillance."]),
    ("ct_abdomen_pelvis", "evicore_acute_abdomen", CIGNA, None, ["Rigid abdomen, suspected perforation."]),
    ("ct_abdomen_pelvis", "evicore_pain_workup", CIGNA, None, [
        "Epigastric pain for 3 weeks. Exam: epigastric tenderness. Labs: CBC and lipase normal."]),
    ("ct_abdomen_pelvis", "evicore_ruq_after_ultrasound", CIGNA, None, [
        "Right upper quadrant pain. Ultrasound of the RUQ: normal."]),
    ("ct_abdomen_pelvis", "evicore_hematuria", CIGNA, None, ["Painless gross hematuria."]),
    ("ct_abdomen_pelvis", "evicore_known_cancer", CIGNA, None, ["History of pancreatic cancer, restaging."]),
    # CT chest
    ("ct_chest", "acr_nodule_follow_up", None, None, [
        "CT chest: 6 mm solid nodule; recommend follow-up CT in 6-12 months."]),
    ("ct_chest", "acr_after_radiograph", None, None, ["Chronic cough for 10 weeks. Chest x-ray normal."]),
    ("ct_chest", "acr_known_cancer", None, None, ["History of lung cancer, surveillance."]),
    ("ct_chest", "evicore_nodule_follow_up", CIGNA, None, [
        "CT chest: 7 mm pulmonary nodule. Follow-up CT in 6 months per Fleischner."]),
    ("ct_chest", "evicore_after_radiograph", CIGNA, None, [
        "Chronic cough for 10 weeks. Exam: lungs with scattered wheezes. Chest x-ray normal."]),
    ("ct_chest", "evicore_known_cancer", CIGNA, None, ["History of breast cancer, restaging."]),
    # CT sinus
    ("ct_sinus", "acr_complication", None, None, ["Sinusitis with periorbital swelling."]),
    ("ct_sinus", "acr_chronic_after_medical_therapy", None, None, [
        "Chronic rhinosinusitis. Fluticasone nasal spray for 13 weeks, no improvement."]),
    ("ct_sinus", "acr_recurrent_acute", None, None, ["Recurrent acute sinusitis."]),
    ("ct_sinus", "acr_surgical_planning", None, None, ["Surgical planning for endoscopic sinus surgery."]),
    # MRI prostate
    ("mri_prostate", "acr_after_negative_biopsy", None, None, ["Negative prostate biopsy last year; PSA 7.1."]),
    ("mri_prostate", "acr_elevated_psa", None, None, ["PSA 6.2."]),
    ("mri_prostate", "acr_known_cancer", None, None, ["Prostate cancer, Gleason 3+4, on active surveillance."]),
]

