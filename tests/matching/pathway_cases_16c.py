"""One case per payer pathway of issue 16c (eviCore's and UnitedHealthcare's cardiac sections:
CD-1.4 stress imaging, CD-4.3 coronary CTA), in test_pathways.py's shape:
(service, pathway, payer, age, notes)."""

PAYERS = {"evicore": "Cigna", "uhc": "UnitedHealthcare"}

# CD-1.4 (stress echo and SPECT MPI alike): each setting, written so that no earlier pathway is met.
STRESS = [
    ("after_ett", None, ["Exertional chest pressure. Exercise treadmill test: 1.5 mm ST depression, abnormal."]),
    ("cardiac_chest_pain", None, ["Substernal chest pressure on climbing stairs, relieved by rest within minutes."]),
    ("uninterpretable_ecg", None, ["Chest pain with exertion. Resting ECG shows left bundle branch block."]),
    ("cannot_exercise", None, ["Exertional chest pressure. Uses a walker; unable to walk on a treadmill."]),
    ("risk_factors", 58, ["Chest discomfort, intermittent. History of type 2 diabetes and hypertension."]),
]
CCTA = [
    ("cardiac_chest_pain", None, ["Exertional chest tightness, relieved by rest or nitroglycerin."]),
    ("after_stress_test", None, ["Chest pain persists. Stress echo last month was equivocal."]),
    ("new_ecg_changes", None, ["Chest pain for 3 weeks. ECG today: new T-wave inversions in V4-V6."]),
    ("urgent_evaluation", None, ["Chest pain; seen in the emergency department 2025-02-10, troponin negative."]),
    ("risk_factors", 61, ["Intermittent chest discomfort. Current smoker, hyperlipidemia on atorvastatin."]),
]

CASES = [
    *[(service, f"{variant}_{pathway}", payer, age, notes)
      for service in ("spect_mpi", "stress_echo") for variant, payer in PAYERS.items()
      for pathway, age, notes in STRESS],
    *[("ccta", f"{variant}_{pathway}", payer, age, notes)
      for variant, payer in PAYERS.items() for pathway, age, notes in CCTA],
]

