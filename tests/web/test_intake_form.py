"""The intake form: every field's invalid values re-render the form with the error next to the
field and in the summary, keep what was typed, and store nothing; a valid form stores exactly the
case the JSON API would store."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from appeals.criteria import load_library
from appeals.extensions import db
from appeals.models import Appeal
from appeals.web.forms.intake import question_field_name

from .conftest import (
    appeal_count,
    days_ago,
    errors_for,
    field_value,
    lumbar_service,
    parse,
    PATIENT_NAME,
    question_of_type,
    summary_links,
    valid_form,
    with_questions_shown,
)

TOMORROW = (dt.date.today() + dt.timedelta(days=1)).isoformat()


# (form changes, id of the field the error belongs to, words the error must contain)
INVALID = [
    pytest.param({"mode": ""}, "mode-0", "denied", id="mode-missing"),
    pytest.param({"mode": "sideways"}, "mode-0", "valid choice", id="mode-unknown"),
    pytest.param({"service": ""}, "service", "Enter the scan", id="service-empty"),
    pytest.param({"service": "MRI of the orbit on Mars"}, "service", "criteria for", id="service-unknown"),
    pytest.param({"service": "99999"}, "service", "criteria for", id="service-unknown-code"),
    pytest.param({"service": "x" * 201}, "service", "200", id="service-too-long"),
    pytest.param({"plan_type": ""}, "plan_type", "kind of health plan", id="plan-missing"),
    pytest.param({"plan_type": "platinum"}, "plan_type", "valid choice", id="plan-unknown"),
    pytest.param({"payer": "P" * 201}, "payer", "200", id="payer-too-long"),
    pytest.param({"patient_name": ""}, "patient_name", "patient's name", id="name-missing"),
    pytest.param({"patient_name": "N" * 201}, "patient_name", "200", id="name-too-long"),
    pytest.param({"patient_dob": "1971-02-30"}, "patient_dob", "not a date", id="dob-impossible"),
    pytest.param({"patient_dob": "09/04/1971"}, "patient_dob", "YYYY-MM-DD", id="dob-format"),
    pytest.param({"patient_dob": TOMORROW}, "patient_dob", "future", id="dob-future"),
    pytest.param({"member_id": "M" * 101}, "member_id", "100", id="member-too-long"),
    pytest.param({"notice_date": ""}, "notice_date", "date printed on the denial", id="notice-missing"),
    pytest.param({"notice_date": "yesterday"}, "notice_date", "not a date", id="notice-words"),
    pytest.param({"notice_date": TOMORROW}, "notice_date", "future", id="notice-future"),
    pytest.param({"received_date": "2025-13-01"}, "received_date", "not a date", id="received-impossible"),
    pytest.param({"received_date": TOMORROW}, "received_date", "future", id="received-future"),
    pytest.param({"received_date": days_ago(30)}, "received_date", "before", id="received-before-notice"),
    pytest.param({"denial_reference": "R" * 101}, "denial_reference", "100", id="reference-too-long"),
    pytest.param({"denial_code": "C" * 51}, "denial_code", "50", id="code-too-long"),
    pytest.param({"denial_text": "t" * 20_001}, "denial_text", "20000", id="denial-text-too-long"),
    pytest.param({"original_request": "o" * 50_001}, "original_request", "50000",
                 id="original-request-too-long"),
    pytest.param({"documentation": "first note\n2025-02-30: physical therapy"}, "documentation",
                 "Line 2", id="note-impossible-date"),
    pytest.param({"documentation": f"{TOMORROW}: physical therapy"}, "documentation", "future",
                 id="note-future-date"),
    pytest.param({"documentation": "2025-01-10:"}, "documentation", "no note after it",
                 id="note-date-without-text"),
    pytest.param({"documentation": "\n".join(f"note {n}" for n in range(201))}, "documentation",
                 "200", id="notes-too-many"),
    pytest.param({"documentation": "short note\n\n\n" + "n" * 50_001}, "documentation", "Line 4",
                 id="note-too-long"),
    pytest.param({"documentation_source": "s" * 201}, "documentation_source", "200",
                 id="source-too-long"),
    pytest.param({"letter_kind": "poem"}, "letter_kind", "valid choice", id="letter-kind-unknown"),
]


@pytest.mark.parametrize("changes, field_id, words", INVALID)
def test_invalid_value_is_reported_next_to_its_field(client, app, changes, field_id, words):
    form = with_questions_shown(**changes)
    response = client.post("/", data=form)

    assert response.status_code == 422
    tree = parse(response)
    messages = errors_for(tree, field_id)
    assert messages, f"no error announced next to {field_id}"
    assert any(words.lower() in m.lower() for m in messages), messages
    # The summary at the top links to the field.
    assert field_id in summary_links(tree)
    # What was typed is still there (a field that was fine, and the invalid value itself).
    assert field_value(tree, "payer") == form["payer"] or field_id == "payer"
    assert field_value(tree, "member_id") == form["member_id"] or field_id == "member_id"
    name = field_id.removesuffix("-0")
    if name not in ("mode", "plan_type", "letter_kind") and len(form.get(name, "")) < 1000:
        assert field_value(tree, name) == form[name]
    assert appeal_count(app) == 0


QUESTION_INVALID = [
    ("number", "six", "not a number"),
    ("number", "-", "not a number"),
    ("date", "last spring", "not a date"),
    ("date", TOMORROW, "future"),
    ("yes_no", "maybe", "valid choice"),
]


@pytest.mark.parametrize("kind, value, words", QUESTION_INVALID)
def test_invalid_answer_to_a_question_is_reported_next_to_it(client, app, kind, value, words):
    question = question_of_type(kind)
    name = question_field_name(question.id)
    response = client.post("/", data=with_questions_shown(**{name: value}))

    assert response.status_code == 422
    tree = parse(response)
    target = f"{name}-0" if kind == "yes_no" else name
    messages = errors_for(tree, target)
    assert any(words in m.lower() for m in messages), messages
    assert target in summary_links(tree)
    if kind != "yes_no":
        assert field_value(tree, name) == value
    assert field_value(tree, "patient_name") == PATIENT_NAME
    assert appeal_count(app) == 0


def _imaging_result_question(service):
    """The choice question (an X-ray's result), which follows a yes to having had the X-ray: the
    form fields that answer yes and say its follow-ups were already on the page."""
    questions = load_library().questions(service)
    question = next(q for q in questions if q.type == "choice")
    parent = next(q for q in questions if q.type == "yes_no" and q.fact == question.imaging)
    name = question_field_name(question.id)
    parent_name = question_field_name(parent.id)
    every = " ".join(question_field_name(q.id) for q in questions)
    return question, name, {parent_name: "yes", "questions_shown": every}


def test_invalid_choice_answer_is_reported(client, app):
    service = next(s for s in load_library().services
                   if any(q.type == "choice" for q in load_library().questions(s)))
    question, name, asked = _imaging_result_question(service)
    response = client.post("/", data=valid_form(service=service.name, questions_for=service.id,
                                                **asked, **{name: "purple"}))
    assert response.status_code == 422
    tree = parse(response)
    assert any("valid choice" in m for m in errors_for(tree, f"{name}-0"))
    assert f"{name}-0" in summary_links(tree)
    assert appeal_count(app) == 0


def test_choice_answer_reaches_the_case(client, app):
    service = next(s for s in load_library().services
                   if any(q.type == "choice" for q in load_library().questions(s)))
    question, name, asked = _imaging_result_question(service)
    response = client.post("/", data=valid_form(service=service.name, questions_for=service.id,
                                                **asked, **{name: question.choices[0]}))
    assert response.status_code == 303
    with app.app_context():
        stored = db.session.scalars(select(Appeal)).one().case_json
    assert stored["service"] == service.id
    assert stored["answers"][question.id] == question.choices[0]


def test_every_error_of_a_bad_form_is_listed_and_marked(client, app):
    response = client.post("/", data=with_questions_shown(
        plan_type="", patient_name="", notice_date="not a date", documentation="2025-99-99: x"))
    tree = parse(response)
    links = summary_links(tree)
    assert set(links) >= {"plan_type", "patient_name", "notice_date", "documentation"}
    assert list(links)[:1] == ["plan_type"], "the summary follows the page's order"
    for field_id in ("plan_type", "patient_name", "notice_date", "documentation"):
        element = tree.xpath(f'//*[@id="{field_id}"]')[0]
        assert element.get("aria-invalid") == "true"
    assert tree.xpath('//title')[0].text_content().startswith("Errors:")
    assert appeal_count(app) == 0


def test_form_page_has_labels_for_every_field_and_the_service_list(client):
    response = client.get("/")
    assert response.status_code == 200
    tree = parse(response)
    assert tree.xpath('//meta[@name="viewport"]')
    for element in tree.xpath("//form//input[not(@type='hidden')] | //form//select | //form//textarea"):
        element_id = element.get("id")
        label = tree.xpath(f'//label[@for="{element_id}"]')
        assert label and label[0].text_content().strip(), f"{element.get('name')} has no label"
    service_input = tree.xpath('//input[@name="service"]')[0]
    options = tree.xpath(f'//datalist[@id="{service_input.get("list")}"]/option/@value')
    names = {service.name for service in load_library().services}
    assert set(options) == names
    # The two starting points are offered at the top.
    mode_labels = [t.strip() for t in tree.xpath('//input[@name="mode"]/following-sibling::span/text()')]
    assert any("denied" in label for label in mode_labels)
    assert any("haven't filed" in label for label in mode_labels)


def test_check_mode_is_preselected_from_its_address(client):
    response = client.get("/check", follow_redirects=True)
    assert field_value(parse(response), "mode") == "check"


def test_continue_shows_the_services_questions_and_keeps_what_was_typed(client, app):
    response = client.post("/", data={"mode": "appeal", "service": "72148", "payer": "Synthetic Plan",
                                      "patient_name": PATIENT_NAME, "continue_": "Continue"})
    assert response.status_code == 200
    tree = parse(response)
    page = response.get_data(as_text=True)
    service = lumbar_service()
    follow_ups = {"treatment_end", "treatment_failed", "followup_visit", "followup_date",
                  "straight_leg_raise", "leg_weakness", "weakness_worse", "reflex_change",
                  "numb_area"}
    for question in load_library().questions(service):
        on_page = tree.xpath(f'//*[@name="{question_field_name(question.id)}"]')
        if question.id in follow_ups:
            # Each waits for the answer that calls for it (test_intake_progressive.py).
            assert not on_page, question.id
            continue
        assert on_page, question.id
        assert question.text.replace("'", "&#39;") in page or question.text in tree.text_content()
    assert service.name in tree.xpath('//*[@id="service-found"]')[0].text_content()
    assert field_value(tree, "questions_for") == service.id
    assert field_value(tree, "payer") == "Synthetic Plan"
    assert field_value(tree, "patient_name") == PATIENT_NAME
    # Step one judges only the scan: the missing plan type is not an error yet.
    assert not summary_links(tree)
    assert appeal_count(app) == 0


def test_continue_with_an_unknown_service_names_the_field(client, app):
    response = client.post("/", data={"mode": "appeal", "service": "MRI of the left orbit",
                                      "continue_": "Continue"})
    assert response.status_code == 422
    tree = parse(response)
    messages = errors_for(tree, "service")
    assert messages and "MRI of the left orbit" in messages[0]
    assert field_value(tree, "service") == "MRI of the left orbit"
    assert appeal_count(app) == 0


def test_submitting_before_the_questions_were_shown_shows_them_first(client, app):
    form = valid_form()  # no questions_for: the person never pressed Continue
    response = client.post("/", data=form)
    assert response.status_code == 200
    tree = parse(response)
    assert tree.xpath('//fieldset[@id="questions"]')
    assert "Answer the questions" in tree.xpath('//*[@role="status"]')[0].text_content()
    assert field_value(tree, "patient_name") == PATIENT_NAME
    assert appeal_count(app) == 0
    # Submitting that page (with its hidden marker) files the appeal.
    form["questions_for"] = field_value(tree, "questions_for")
    response = client.post("/", data=form)
    assert response.status_code == 303
    assert appeal_count(app) == 1


def test_changing_the_service_after_continue_shows_the_new_questions(client, app):
    other = next(s for s in load_library().services
                 if s.id != lumbar_service().id and load_library().questions(s))
    response = client.post("/", data=with_questions_shown(service=other.name))
    assert response.status_code == 200
    tree = parse(response)
    assert field_value(tree, "questions_for") == other.id
    assert other.name in tree.xpath('//*[@id="service-found"]')[0].text_content()
    assert appeal_count(app) == 0
