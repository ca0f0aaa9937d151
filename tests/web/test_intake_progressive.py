"""Progressive questions without JavaScript: a follow-up appears after the answer that calls for
it, named for what it refers to; an emergency answer stops the form with a panel; a follow-up
that no answer calls for sends nothing."""

from __future__ import annotations

from sqlalchemy import select

from appeals.extensions import db
from appeals.models import Appeal

from .conftest import appeal_count, field_value, parse, valid_form, with_questions_shown

LUMBAR = "mri_lumbar_spine"


def _labels(tree) -> str:
    return " ".join(tree.xpath('//fieldset[@id="questions"]')[0].text_content().split())


def test_weakness_follow_up_appears_only_after_weakness_is_found(client):
    first = parse(client.post("/", data={"mode": "appeal", "service": "72148",
                                         "continue_": "Continue"}))
    assert "Is that weakness getting worse?" not in _labels(first)
    assert "Did a clinician find weakness" not in _labels(first), "an exam finding waits for the exam"
    shown = field_value(first, "questions_shown")

    exam = parse(client.post("/", data={"mode": "appeal", "service": "72148",
                                        "questions_for": LUMBAR, "questions_shown": shown,
                                        "q_exam_visit": "yes", "continue_": "Next"}))
    assert "Did a clinician find weakness in your leg or foot" in _labels(exam)
    assert "Is that weakness getting worse?" not in _labels(exam)

    worse = parse(client.post("/", data={
        "mode": "appeal", "service": "72148", "questions_for": LUMBAR,
        "questions_shown": field_value(exam, "questions_shown"),
        "q_exam_visit": "yes", "q_leg_weakness": "yes", "continue_": "Next"}))
    assert "Is that weakness getting worse?" in _labels(worse)
    new = worse.xpath('//*[contains(@class, "follow-up") and .//p[@class="new-badge"]]')
    assert new and "getting worse" in new[0].text_content()


def test_treatment_follow_ups_name_the_treatment(client):
    page = parse(client.post("/", data={"mode": "appeal", "service": "72148",
                                        "questions_for": LUMBAR, "q_pt_weeks": "8",
                                        "q_medication_weeks": "3", "continue_": "Next"}))
    labels = _labels(page)
    assert "When did the physical therapy and anti-inflammatory medication (NSAIDs) end?" in labels
    assert "When did that treatment end?" not in labels
    assert "despite the physical therapy" in labels


def test_submit_holds_back_for_a_new_follow_up_then_files(client, app):
    data = with_questions_shown(q_pt_weeks="8")
    held = client.post("/", data=data)
    assert held.status_code == 200
    tree = parse(held)
    assert "follow-up" in tree.xpath('//p[@role="status"]')[0].text_content()
    assert appeal_count(app) == 0
    data.update(questions_shown=field_value(tree, "questions_shown"), q_treatment_failed="yes")
    filed = client.post("/", data=data)
    assert filed.status_code == 303
    with app.app_context():
        answers = db.session.scalars(select(Appeal)).one().case_json["answers"]
    assert answers == {"pt_weeks": 8, "treatment_failed": True}


def test_an_answer_no_longer_called_for_is_not_sent(client, app):
    # Weakness was reported, "getting worse" answered, then the weakness answer changed to no.
    response = client.post("/", data=with_questions_shown(
        q_exam_visit="yes", q_leg_weakness="no", q_weakness_worse="yes",
        questions_shown="q_exam_visit q_leg_weakness q_weakness_worse q_straight_leg_raise "
                        "q_reflex_change q_numb_area"))
    assert response.status_code == 303
    with app.app_context():
        answers = db.session.scalars(select(Appeal)).one().case_json["answers"]
    assert answers == {"exam_visit": True, "leg_weakness": False}


def test_emergency_answer_stops_the_form_with_a_panel(client, app):
    data = with_questions_shown(q_bladder_bowel="yes")
    stopped = client.post("/", data=data)
    assert stopped.status_code == 200
    tree = parse(stopped)
    panel = tree.xpath('//*[@role="alert" and contains(@class, "emergency")]')
    assert panel, "an emergency panel is on the page"
    text = " ".join(panel[0].text_content().split())
    assert "get emergency care now" in text
    assert "bladder or bowels" in text, "it names the answer that called for it"
    assert appeal_count(app) == 0
    assert field_value(tree, "patient_name") == valid_form()["patient_name"], "nothing typed is lost"

    data.pop("submit")
    acknowledged = parse(client.post("/", data={**data, "emergency_continue": "I understand"}))
    assert not acknowledged.xpath('//*[@role="alert" and contains(@class, "emergency")]')
    assert field_value(acknowledged, "emergency_seen") == "1"
    filed = client.post("/", data={**data, "emergency_seen": "1", "submit": "See where I stand"})
    assert filed.status_code == 303
    assert appeal_count(app) == 1
