"""The appeal's page: where the case stands (urgency first), the letter's progress, its preview and
download. Who may see or delete it: test_appeal_access.py."""

from __future__ import annotations

import io
import re

import docx
import pytest
from sqlalchemy import select

from appeals.extensions import db
from appeals.models import Appeal, AuditEvent
from appeals.models.appeals import DONE, FAILED, QUEUED, RENDERING

from appeals.web.layout import long_date

from .appeal_records import (
    DEADLINE, PT_QUOTE, main_text, open_as_anonymous, post_and_open, section_text, stored_appeal,
)
from .conftest import PATIENT_NAME, parse, valid_form


def test_appeal_result_shows_outcome_requirements_quotes_and_deadline(client, app):
    appeal_id, key = stored_appeal(app, "appeal", letter_text=f"Dear reviewer,\n{PATIENT_NAME}")
    response = open_as_anonymous(client, appeal_id, key)
    assert response.status_code == 200
    text = main_text(response)
    assert "Appeal now" in text
    assert "Six weeks of provider-directed treatment" in text
    assert f"“{PT_QUOTE}”" in text
    assert "In your records, left out of the request" in text
    assert "Met in the original request" in text
    assert f"Deadline to appeal: {long_date(DEADLINE['date'])}" in text
    assert f"180 days counted from {long_date(DEADLINE['counted_from'])}" in text
    assert "Nothing: every requirement is met" in text
    assert "Go to emergency care" not in text
    # Order on the page: outcome, requirements, what is missing, deadline, then the letter.
    headings = [h.text_content().strip() for h in parse(response).xpath("//main//h2")]
    order = ["Appeal now: your records meet the criteria", "What the criteria ask for",
             "What is missing", "Deadline", "Your letter"]
    assert [h for h in headings if h in order] == order


def test_not_met_result_lists_what_is_missing(client, app):
    appeal_id, key = stored_appeal(app, "not_met")
    response = open_as_anonymous(client, appeal_id, key)
    text = main_text(response)
    assert "The criteria are not met yet" in text
    missing = section_text(response, "missing-title")
    assert "Six weeks of physical therapy or other provider-directed treatment" in missing
    assert "A follow-up visit after the treatment" in missing
    assert "The physical therapy note is older than 12 weeks." in text
    assert "a new request" in text


def test_administrative_result_says_it_is_paperwork(client, app):
    appeal_id, key = stored_appeal(app, "administrative")
    text = main_text(open_as_anonymous(client, appeal_id, key))
    assert "about paperwork, not medical need" in text
    assert "coding problem" in text
    assert "correct it and send the request again" in text


def test_emergency_comes_before_anything_else(client, app):
    appeal_id, key = stored_appeal(app, "emergency", status=FAILED, error="Broken template.")
    open_as_anonymous(client, appeal_id, key)
    # A retry leaves a message for the next page; even that comes after the emergency.
    response = client.post(f"/appeals/{appeal_id}/retry", follow_redirects=True)
    tree = parse(response)
    children = tree.xpath("//main/*")
    assert "Go to emergency care now — emergency care needs no prior authorization" in \
        children[0].text_content()
    assert children[0].get("role") == "alert"
    assert "Writing the letter again" in children[1].text_content()


def test_expedited_urgency_asks_for_the_72_hour_appeal_before_the_outcome(client, app):
    appeal_id, key = stored_appeal(app, "expedited")
    text = main_text(open_as_anonymous(client, appeal_id, key))
    assert text.index("expedited (72-hour) appeal") < text.index("Appeal now")


def test_check_before_filing_shows_where_you_stand_without_a_deadline(client, app):
    appeal_id, key = stored_appeal(app, "ready", check=True)
    response = open_as_anonymous(client, appeal_id, key)
    tree = parse(response)
    assert tree.xpath("//h1")[0].text_content().startswith("Where you stand")
    text = main_text(response)
    assert "You are ready to file" in text
    assert "In your records: put it in the request" in section_text(response, "requirements-title")
    assert "A follow-up visit note" in section_text(response, "missing-title")
    assert "No deadline yet" in text
    assert "Deadline to appeal" not in text


@pytest.mark.parametrize("status, words", [(QUEUED, "Waiting to be written"),
                                           (RENDERING, "Writing your letter")])
def test_progress_refreshes_on_its_own_while_the_letter_is_written(client, app, status, words):
    appeal_id, key = stored_appeal(app, "appeal", status=status)
    response = open_as_anonymous(client, appeal_id, key)
    tree = parse(response)
    refresh = tree.xpath('//meta[@http-equiv="refresh"]/@content')
    assert refresh and re.match(r"\d+;url=/appeals/" + appeal_id, refresh[0])
    status_text = " ".join(e.text_content() for e in tree.xpath('//*[@role="status"]'))
    assert words in status_text
    assert not tree.xpath('//a[contains(@href, "letter.docx")]')


def test_finished_letter_has_preview_and_download_and_no_refresh(client, app):
    appeal_id, key = stored_appeal(app, "appeal", letter_text=f"Dear reviewer,\nI appeal.\n{PATIENT_NAME}")
    response = open_as_anonymous(client, appeal_id, key)
    tree = parse(response)
    assert not tree.xpath('//meta[@http-equiv="refresh"]')
    preview = tree.xpath('//*[contains(@class, "preview")]')[0].text_content()
    assert "I appeal." in preview and PATIENT_NAME in preview
    link = tree.xpath('//a[contains(@href, "letter.docx")]/@href')[0]
    download = client.get(link)
    assert download.status_code == 200
    assert download.mimetype.endswith("wordprocessingml.document")
    assert "attachment" in download.headers["Content-Disposition"]
    assert "no-store" in download.headers["Cache-Control"]
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(download.data)).paragraphs)
    assert PATIENT_NAME in text
    with app.app_context():
        actions = db.session.scalars(
            select(AuditEvent.action).where(AuditEvent.record_id == appeal_id)).all()
    assert "viewed" in actions and "downloaded" in actions


def test_a_written_letter_is_previewed_from_its_document(client, app):
    # The form's letter is written in the request (eager jobs); the page reads its text from the
    # stored .docx, so the preview is the letter the download gives.
    response = post_and_open(client, patient_name="Quill Synthetic-Preview")
    preview = parse(response).xpath('//*[contains(@class, "preview")]')[0].text_content()
    assert "Quill Synthetic-Preview" in preview and "MRI lumbar spine" in preview
    download = client.get(parse(response).xpath('//a[contains(@href, "letter.docx")]/@href')[0])
    from appeals.letters.text import docx_text

    assert preview.strip() == docx_text(download.data).strip()


def test_failed_letter_shows_the_reason_and_can_be_retried(client, app):
    appeal_id, key = stored_appeal(app, "appeal", status=FAILED,
                                   error="The letter template could not be used: it is broken.")
    response = open_as_anonymous(client, appeal_id, key)
    tree = parse(response)
    alert = tree.xpath('//section[@id="letter"]//*[@role="alert"]')[0].text_content()
    assert "could not be written" in alert and "template could not be used" in alert
    action = tree.xpath('//section[@id="letter"]//form/@action')[0]
    retried = client.post(action)
    assert retried.status_code == 303
    with app.app_context():
        appeal = db.session.get(Appeal, appeal_id)
        # Eager mode: the retried job ran at once, with the built-in template.
        assert appeal.status in (QUEUED, RENDERING, DONE)
        assert appeal.error is None


def test_form_to_letter_in_process(client, app):
    """Form post -> matched result on the page -> letter rendered (eager job) -> download opens."""
    from appeals.criteria import load_library

    service = load_library().resolve("72148")
    response = client.post("/", data=valid_form(questions_for=service.id))
    page = client.get(response.headers["Location"])
    text = main_text(page)
    assert service.name in text
    assert re.search(r"Your (letter|checklist) is ready", text)
    link = parse(page).xpath('//a[contains(@href, "letter.docx")]/@href')[0]
    document = docx.Document(io.BytesIO(client.get(link).data))
    body = "\n".join(p.text for p in document.paragraphs)
    assert PATIENT_NAME in body


@pytest.mark.libreoffice
def test_pdf_download_when_libreoffice_is_there(client, app):
    appeal_id, key = stored_appeal(app, "appeal", letter_text=f"Dear reviewer,\n{PATIENT_NAME}")
    tree = parse(open_as_anonymous(client, appeal_id, key))
    link = tree.xpath('//a[contains(@href, "letter.pdf")]/@href')[0]
    response = client.get(link)
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")



# ---------------------------------------------------------------------------------------------
# The same pages from real form posts through the real matcher (not stored results)


def test_matched_appeal_from_the_form(client):
    response = post_and_open(client, payer="Cigna", q_exam_visit="yes")
    text = main_text(response)
    assert "Appeal now" in text
    # The quote from the patient's own note, and its date.
    assert "Physical therapy completed, 8 weeks, 16 visits, no improvement." in \
        section_text(response, "requirements-title")
    assert "Nothing: every requirement is met" in section_text(response, "missing-title")
    assert "Deadline to appeal" in text


def test_matched_not_met_from_the_form_names_what_to_get(client):
    # No in-person exam on record: the follow-up is a phone call, with no examination findings.
    notes = valid_form()["documentation"].splitlines()
    notes[-1] = notes[-1].split(":")[0] + ": Follow-up phone call: radiating leg pain persists."
    response = post_and_open(client, payer="Cigna", documentation="\n".join(notes))
    assert "The criteria are not met yet" in main_text(response)
    assert "in-person" in section_text(response, "missing-title")


def test_matched_emergency_from_the_form_comes_first(client):
    response = post_and_open(client, payer="Cigna", q_bladder_bowel="yes")
    first = parse(response).xpath('//main/*[not(self::div[@class="flashes"])]')[0]
    assert "Go to emergency care now" in first.text_content()


def test_matched_administrative_from_the_form(client):
    response = post_and_open(client, denial_code="197",
                              denial_text="Precertification/authorization absent.")
    text = main_text(response)
    assert "about paperwork, not medical need" in text
    assert "no prior authorization was obtained" in text


def test_matched_check_before_filing_from_the_form(client):
    response = post_and_open(client, mode="check", payer="Cigna", q_exam_visit="yes")
    tree = parse(response)
    assert tree.xpath("//h1")[0].text_content().startswith("Where you stand")
    text = main_text(response)
    assert "You are ready to file" in text
    assert "No deadline yet" in text
