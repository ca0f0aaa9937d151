"""One case per payer pathway added in issue 16 (part c): eviCore's and UnitedHealthcare's cardiac
sections (CD-1.4 stress imaging, CD-4.3 coronary CTA). Each alternative can be met and is the one
reported; ``test_pathways.py`` counts these cases when it checks that every pathway has one."""

import pytest

from .helpers import make_case, run

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


@pytest.mark.parametrize("service, pathway, payer, age, notes", CASES,
                         ids=[f"{c[0]}:{c[1]}" for c in CASES])
def test_each_pathway_can_be_met_and_is_reported(service, pathway, payer, age, notes):
    r = run(make_case(service=service, payer=payer, notes=notes, patient={"age": age} if age else None))
    assert r["service"]["id"] == service
    assert r["pathway"]["id"] == pathway, r["requirements"]
    assert r["outcome"] == "appeal"
    assert all(q["evidence"] for q in r["requirements"])


def test_a_payer_variant_is_applied_only_to_its_payer():
    """An eviCore pathway for Cigna, a UnitedHealthcare one for UHC, the ACC's for an unknown plan."""
    notes = ["Substernal chest pressure on climbing stairs, relieved by rest within minutes."]
    for payer, prefix in (("Cigna", "evicore_"), ("UnitedHealthcare", "uhc_"), ("Ambetter", "acc_")):
        r = run(make_case(service="78452", payer=payer, notes=notes))
        assert r["pathway"]["id"].startswith(prefix), (payer, r["pathway"]["id"])


@pytest.mark.parametrize("service, answers, age, pathway", [
    ("stress_echo", {"chest_symptoms": True, "diabetes": True, "high_cholesterol": True}, 57, "uhc_risk_factors"),
    ("spect_mpi", {"chest_symptoms": True, "exertion_relief": True}, 60, "uhc_cardiac_chest_pain"),
    ("ccta", {"chest_symptoms": True, "emergency_visit": True}, 45, "uhc_urgent_evaluation"),
])
def test_the_forms_answers_reach_the_payers_pathways(service, answers, age, pathway):
    r = run(make_case(service=service, payer="UnitedHealthcare", answers=answers, patient={"age": age}))
    assert r["pathway"]["id"] == pathway, r["requirements"]
    assert r["outcome"] == "appeal"


def test_under_50_two_risk_factors_are_not_enough():
    r = run(make_case(service="stress_echo", payer="UnitedHealthcare", patient={"age": 45},
                      answers={"chest_symptoms": True, "diabetes": True, "high_cholesterol": True}))
    assert r["outcome"] == "not_met"
