"""Issue 10's failure classes 6-9 (urgency, quotes, check before filing, long charts), one group
each, in synthetic charts written for these tests; classes 1-4 are in test_reading_classes.py.

Every patient, date and sentence here is invented; none is taken from the shared dev set. Each test
asserts what a user reads in the result (outcome, pathway, a requirement's status, urgency) and its
docstring names the class.
"""

from .helpers import make_case, requirement, run, statuses
from .reading_common import BACK_ONLY, CIGNA, UHC, kinds


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
    # (the wrist has criteria since issue 16; the orbits have none)
    none = run(make_case(service="MRI of the orbits", notes=["Eye pain after a fall on the face."]))
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
