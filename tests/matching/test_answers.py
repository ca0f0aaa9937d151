"""Plain answers (the web form) reach the same result as the equivalent free text."""

import pytest

from appeals.criteria import load_library

from .helpers import make_case, run, statuses, warned

PAIRS = [
    pytest.param(
        dict(service="72148", payer="Cigna"),
        ["Low back pain since 2025-01-01 radiating down the left leg. Exam: positive SLR on the left.",
         ("2025-02-20", "PT note", "Physical therapy 2025-01-06 to 2025-02-20, no improvement."),
         ("2025-02-24", "Follow-up visit", "Follow-up visit: pain persists.")],
        {"exam_visit": True, "leg_pain": True, "straight_leg_raise": True, "symptoms_start": "2025-01-01",
         "pt_weeks": 6.5, "treatment_end": "2025-02-20", "treatment_failed": True,
         "followup_visit": True, "followup_date": "2025-02-24", "bladder_bowel": False},
        "appeal", id="lumbar-evicore-appeal"),
    pytest.param(
        dict(service="72148", payer="Cigna"),
        ["Low back pain. Exam: tenderness.", "Physical therapy for 3 weeks, no improvement."],
        {"exam_visit": True, "pt_weeks": 3, "treatment_failed": True},
        "not_met", id="lumbar-evicore-too-short"),
    pytest.param(
        dict(service="72148"),
        ["Saddle anesthesia and new urinary retention."],
        {"bladder_bowel": "yes"},
        "appeal", id="lumbar-cauda-equina-emergency"),
    pytest.param(
        dict(service="72141", payer="Aetna"),
        ["Pain radiating down the right arm. Exam: diminished triceps reflex.", "Physical therapy x 6 weeks, no improvement."],
        {"arm_pain": True, "reflex_change": True, "pt_weeks": 6, "treatment_failed": True},
        "appeal", id="cervical-aetna"),
    pytest.param(
        dict(service="MRI brain", payer="UnitedHealthcare", patient={"age": 55}),
        ["New headache for two weeks."],
        {"new_headache": True},
        "appeal", id="headache-new-over-50"),
    pytest.param(
        dict(service="MRI brain", payer="Anthem", patient={"age": 30}),
        ["Headache brought on by coughing. No prior MRI."],
        {"exertion_trigger": True, "prior_mri": False},
        "appeal", id="headache-carelon-trigger"),
    pytest.param(
        dict(service="CT head trauma", patient={"age": 40}),
        ["Hit his head on a beam. Vomited three times."],
        {"head_injury": True, "vomiting": True},
        "appeal", id="head-trauma"),
    pytest.param(
        dict(service="MRI knee", payer="Anthem"),
        ["Knee locking. Joint line tenderness. Positive McMurray.", "Knee x-rays normal."],
        {"locking": True, "joint_line": True, "meniscus_test": True, "xray_done": True, "xray_result": "normal"},
        "appeal", id="knee-carelon"),
    pytest.param(
        dict(service="MRI knee", payer="Anthem"),
        ["Knee locking. Joint line tenderness. Positive McMurray.", "Knee x-rays: severe osteoarthritis."],
        {"locking": True, "joint_line": True, "meniscus_test": True, "xray_done": True,
         "xray_result": "found arthritis or another clear cause"},
        "not_met", id="knee-carelon-diagnostic-xray"),
    pytest.param(
        dict(service="MRI shoulder"),
        ["Fell and injured the shoulder; unable to raise the arm.", "Shoulder x-rays normal."],
        {"injury": True, "cannot_raise": True, "xray_done": True, "xray_result": "normal"},
        "appeal", id="shoulder-acute"),
    pytest.param(
        dict(service="MRI hip"),
        ["Suspected trochanteric bursitis.", "Hip x-rays inconclusive."],
        {"outer_hip": True, "xray_done": True, "xray_result": "unclear or inconclusive"},
        "appeal", id="hip-soft-tissue"),
]


@pytest.mark.parametrize("base, notes, answers, outcome", PAIRS)
def test_answers_and_free_text_reach_the_same_result(base, notes, answers, outcome):
    from_text = run(make_case(notes=notes, **base))
    from_answers = run(make_case(answers=answers, **base))
    assert from_text["outcome"] == outcome
    for key in ("outcome", "urgency", "pathway", "policy"):
        assert from_text[key] == from_answers[key], key
    assert statuses(from_text) == statuses(from_answers)
    answered = [e for r in from_answers["requirements"] for e in r["evidence"]]
    assert all(e["source"] == "answers" for e in answered)


def test_every_question_id_of_every_service_is_accepted():
    library = load_library()
    for service in library.services:
        answers = {}
        for q in library.questions(service):
            # a nodule's size is more than 0 mm and goes with a yes to the nodule (with a no it is
            # refused as contradictory: test_nodule_answers)
            answers[q.id] = {"yes_no": q.fact == "pulmonary_nodule", "number": 7 if q.nodule else 0,
                             "date": "2025-01-01", "choice": q.choices[0] if q.choices else None,
                             "text": "x"}[q.type]
        r = run(make_case(service=service.id, answers=answers))
        assert not warned(r, "not a question"), service.id
        assert not warned(r, "was not used"), service.id


def test_unusable_answers_are_reported_not_fatal():
    r = run(make_case(answers={"pt_weeks": "lots", "no_such_question": True, "symptoms_start": "last spring",
                               "leg_pain": "maybe"}))
    assert warned(r, "no_such_question", "not a question")
    assert warned(r, "physical therapy", "number of weeks")
    assert warned(r, "should be a date")
    assert warned(r, "yes or no")


def test_weeks_as_words_are_understood():
    r = run(make_case(payer="Cigna", answers={"exam_visit": True, "pt_weeks": "six weeks", "treatment_failed": True,
                                              "followup_visit": True}))
    assert r["outcome"] == "appeal"
