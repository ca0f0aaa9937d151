"""One case per pathway of the six services of issue 16b, in test_pathways.py's shape:
(service, pathway, payer, age, notes). Kept in their own module so other services' rows merge apart."""

AETNA, UHC = "Aetna", "UnitedHealthcare"

CASES = [
    # SPECT myocardial perfusion imaging and stress echocardiography share the ACC AUC pathways
    *[(service, pathway, None, None, notes) for service in ("spect_mpi", "stress_echo") for pathway, notes in [
        ("acc_after_exercise_ecg", ["Exertional chest pressure. Exercise treadmill test: submaximal, nondiagnostic."]),
        ("acc_cannot_exercise", ["Exertional chest pressure. Unable to walk on a treadmill because of severe hip arthritis."]),
        ("acc_uninterpretable_ecg", ["Chest pain with exertion. Resting ECG shows left bundle branch block."]),
        ("acc_intermediate_pretest", ["Atypical angina. Intermediate pretest probability of CAD."]),
        ("acc_high_pretest", ["Typical angina, high pretest probability of CAD."]),
    ]],
    ("ccta", "acc_intermediate", None, None, ["Exertional chest tightness. Intermediate pretest probability."]),
    ("ccta", "acc_after_equivocal_stress", None, None, [
        "Ongoing chest pain. Stress echo last month was equivocal."]),
    ("ccta", "acc_low_cannot_exercise", None, None, ["Chest pain, low pretest probability. Wheelchair user, cannot exercise."]),
    ("ccta", "acc_low_uninterpretable_ecg", None, None, ["Chest pain, low pretest probability. Paced rhythm on ECG."]),
    ("ccta", "aetna_cannot_stress", AETNA, None, [
        "Chest pain. Low pretest probability by Pooled Cohort Equations. Unable to exercise (below-knee amputation)."]),
    ("ccta", "aetna_low_positive_stress", AETNA, None, [
        "Low pretest probability. Treadmill stress test: 1 mm ST depression, positive stress test."]),
    ("ccta", "aetna_intermediate_equivocal", AETNA, None, [
        "Intermediate pretest probability. Nuclear stress test equivocal."]),
    # Breast MRI
    ("mri_breast", "acr_high_risk_screening", None, None, ["Tyrer-Cuzick lifetime risk 26%."]),
    ("mri_breast", "acr_new_cancer", None, None, ["Newly diagnosed invasive ductal carcinoma of the left breast."]),
    ("mri_breast", "acr_finding_after_workup", None, None, [
        "Palpable lump in the right breast. Diagnostic mammogram and ultrasound inconclusive."]),
    ("mri_breast", "aetna_high_genetic_risk", AETNA, None, ["BRCA2 mutation carrier. Screening mammogram 2025-01-20: BI-RADS 1, negative."]),
    ("mri_breast", "aetna_new_cancer", AETNA, None, [
        "Newly diagnosed breast cancer on core biopsy. Diagnostic mammogram 2025-02-01 showed a spiculated mass."]),
    ("mri_breast", "aetna_implant", AETNA, None, [
        "Silicone implant may be ruptured: new pain and change in shape. Breast ultrasound 2025-02-10 equivocal."]),
    # PET/CT
    ("pet_ct_oncology", "neutral_initial_staging", None, None, [
        "Biopsy-proven non-small cell lung cancer. PET/CT for initial staging before treatment."]),
    ("pet_ct_oncology", "neutral_restaging", None, None, [
        "Diffuse large B-cell lymphoma, completed 6 cycles of R-CHOP. PET to assess response to chemotherapy."]),
    ("pet_ct_oncology", "neutral_lung_nodule", None, None, ["Chest CT: solid right upper lobe nodule measuring 12 mm."]),
    # In-lab polysomnography
    ("polysomnography", "aasm_after_hsat", None, None, [
        "Loud snoring, witnessed apneas. Home sleep apnea test 2025-01-15 negative."]),
    ("polysomnography", "aasm_comorbidity", None, None, ["Snoring and daytime sleepiness. Heart failure, EF 30%."]),
    ("polysomnography", "aasm_other_disorder", None, None, ["Suspected narcolepsy with cataplexy."]),
    ("polysomnography", "uhc_after_hsat", UHC, None, [
        "Witnessed apneas and snoring. HSAT technically inadequate."]),
    ("polysomnography", "uhc_comorbidity", UHC, None, ["Snoring, daytime sleepiness. Chronic opioid therapy for back pain."]),
    ("polysomnography", "uhc_other_disorder", UHC, None, ["Acting out dreams; suspected REM sleep behavior disorder."]),
]
