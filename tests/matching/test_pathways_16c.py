"""Issue 16c's payer variants for the heart tests: each payer gets its own pathways (its cases,
one per pathway, are in pathway_cases_16c.py and run in test_pathways.py), and the form's answers
reach them."""

import pytest

from .helpers import make_case, run


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
