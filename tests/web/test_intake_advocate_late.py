"""The form asks for the advocate's details when the advocate letter is chosen and for the reason
an appeal is late when the dates put the deadline in the past, each once, marked "New"; what is
typed reaches the case and the letter, and a bad value is reported at its field."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from appeals.extensions import db
from appeals.letters.text import docx_text
from appeals.matching.deadlines import deadline_for
from appeals.models import Appeal

from .conftest import (
    PATIENT_NAME, appeal_count, days_ago, errors_for, field_value, parse, summary_links,
    with_questions_shown,
)

ADVOCATE = {"advocate_name": "Sam Carter", "advocate_organization": "Synthetic Patient Advocates",
            "advocate_phone": "555-0170", "advocate_email": "sam@example.org",
            "advocate_address": "9 Example Court\nTestville, ST 00000"}
REASON = "I was in the hospital for three months and did not see the letter until I came home."
LATE = {"notice_date": days_ago(400), "received_date": days_ago(398)}


def _stored_case(app) -> dict:
    with app.app_context():
        return db.session.scalars(select(Appeal)).one().case_json


def _letter_text(client, response) -> str:
    page = client.get(response.headers["Location"])
    link = parse(page).xpath('//a[contains(@href, "letter.docx")]/@href')
    assert link, "the letter should be ready (jobs run eagerly in these tests)"
    return docx_text(client.get(link[0]).data)


def test_the_advocate_letter_asks_for_the_advocate_once(client, app):
    response = client.post("/", data=with_questions_shown(letter_kind="advocate"))
    assert response.status_code == 200 and appeal_count(app) == 0
    tree = parse(response)
    assert "marked “New”" in tree.xpath('string(//*[@role="status"])')
    fieldset = tree.xpath('//fieldset[@id="advocate"]')[0]
    assert fieldset.xpath('string(.//legend)') == "The person writing for the patient"
    assert fieldset.xpath('.//p[@class="new-badge"]')
    assert {"advocate_name", "advocate_organization", "advocate_phone", "advocate_email",
            "advocate_address"} <= set(fieldset.xpath('.//*[@name]/@name'))
    assert field_value(tree, "details_shown") == "advocate"
    # Left blank, the second submit files the appeal: the details stay optional.
    again = client.post("/", data=with_questions_shown(letter_kind="advocate",
                                                       details_shown="advocate"))
    assert again.status_code == 303
    assert _stored_case(app).get("advocate") is None


def test_the_advocate_reaches_the_case_and_signs_the_letter(client, app):
    response = client.post("/", data=with_questions_shown(letter_kind="advocate",
                                                          details_shown="advocate", **ADVOCATE))
    assert response.status_code == 303
    assert _stored_case(app)["advocate"] == {
        "name": "Sam Carter", "organization": "Synthetic Patient Advocates", "phone": "555-0170",
        "email": "sam@example.org", "address": "9 Example Court\nTestville, ST 00000"}
    lines = _letter_text(client, response).splitlines()
    assert "From: Sam Carter, Synthetic Patient Advocates" in lines
    assert (f"I, Sam Carter of Synthetic Patient Advocates, write as the authorized "
            f"representative of {PATIENT_NAME}; the signed authorization naming me is enclosed."
            ) in lines
    assert "Phone 555-0170   Email sam@example.org" in lines


def test_a_patient_letter_does_not_ask_for_an_advocate(client, app):
    response = client.post("/", data=with_questions_shown())
    assert response.status_code == 303
    form = parse(client.get("/"))
    assert not form.xpath('//*[@name="advocate_name"]') and not form.xpath(
        '//*[@name="late_reason"]')


def test_a_passed_deadline_asks_why_once_and_the_letter_gives_the_reason(client, app):
    response = client.post("/", data=with_questions_shown(**LATE))
    assert response.status_code == 200 and appeal_count(app) == 0
    tree = parse(response)
    deadline = deadline_for("employer", dt.date.fromisoformat(LATE["notice_date"]),
                            dt.date.fromisoformat(LATE["received_date"])).date
    label = tree.xpath('string(//label[@for="late_reason"])')
    assert label.startswith(f"The deadline to appeal passed on {deadline:%B} {deadline.day}, "
                            f"{deadline.year}. Why is the appeal late?")
    assert tree.xpath('//*[@id="new-late_reason"]/p[@class="new-badge"]')
    assert "deadline to appeal has passed" in tree.xpath('string(//*[@role="status"])')

    response = client.post("/", data=with_questions_shown(
        details_shown="late_reason", late_reason=REASON, letter_kind="patient", **LATE))
    assert response.status_code == 303
    assert _stored_case(app)["denial"]["late_reason"] == REASON
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The letter gives the reason you typed" in page
    assert f"“{REASON}”" in page, "quoted once, with its own full stop and no second one"
    text = _letter_text(client, response)
    assert ("for good cause. The reason for the delay: I was in the hospital for three months "
            "and did not see the letter until I came home.") in text


def test_the_clinicians_letter_gives_the_reason_about_the_patient(client, app):
    response = client.post("/", data=with_questions_shown(
        details_shown="late_reason", late_reason=REASON, letter_kind="clinician", **LATE))
    assert response.status_code == 303
    text = _letter_text(client, response)
    assert ("The reason for the delay: the patient was in the hospital for three months and did "
            "not see the letter until the patient came home.") in text
    assert "I was in the hospital" not in text


def test_on_time_the_form_never_asks_why(client, app):
    # A page sent back for another mistake, with the deadline still ahead: no late question.
    response = client.post("/", data=with_questions_shown(patient_name=""))
    assert response.status_code == 422
    assert not parse(response).xpath('//*[@name="late_reason"]')
    assert client.post("/", data=with_questions_shown()).status_code == 303
    assert _stored_case(app)["denial"].get("late_reason") is None


def test_a_check_before_filing_never_asks_why_nor_keeps_a_reason(client, app):
    response = client.post("/", data=with_questions_shown(
        mode="check", late_reason=REASON, details_shown="late_reason", **LATE))
    assert response.status_code == 303
    assert _stored_case(app).get("denial") is None


def test_bad_values_are_reported_at_their_fields(client, app):
    response = client.post("/", data=with_questions_shown(
        details_shown="advocate late_reason", letter_kind="advocate",
        advocate_email="sam at example", advocate_name="S" * 201, late_reason="x" * 1001,
        **LATE))
    assert response.status_code == 422 and appeal_count(app) == 0
    tree = parse(response)
    assert any("200" in m for m in errors_for(tree, "advocate_name"))
    assert any("1000" in m for m in errors_for(tree, "late_reason"))
    links = list(summary_links(tree))
    assert links.index("late_reason") < links.index("advocate_name")


def test_a_malformed_email_is_named_by_the_contract(client, app):
    response = client.post("/", data=with_questions_shown(
        details_shown="advocate", letter_kind="advocate", advocate_email="sam at example"))
    assert response.status_code == 422 and appeal_count(app) == 0
    assert errors_for(parse(response), "advocate_email") == [
        "must be an email address such as name@example.org"]
