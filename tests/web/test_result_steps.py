"""The result page leads with what is true now (a passed deadline), says how to send the letter
(from the denial letter's appeal address, with the letter's enclosures and the answer date), offers
a calendar reminder, and a check before filing speaks its own words."""

from __future__ import annotations

import datetime as dt

from icalendar import Calendar

from appeals.web.layout import long_date

from .appeal_records import main_text, open_as_anonymous, parse, section_text, stored_appeal

APPEAL_ADDRESS = "Synthetic Health Plan Appeals\nPO Box 0000\nTestville, ST 00000"


def test_passed_deadline_leads_and_no_green_appeal_now(client, app):
    appeal_id, key = stored_appeal(app, "appeal", deadline_days=-10)
    page = open_as_anonymous(client, appeal_id, key)
    tree = parse(page)
    first_panel = tree.xpath('//main//section')[0]
    passed = (dt.date.today() - dt.timedelta(days=10)).isoformat()
    assert f"The deadline to appeal passed on {long_date(passed)}" in first_panel.text_content()
    words = " ".join(first_panel.text_content().split())
    assert "late appeal for good cause" in words
    assert "Ask for the scan again" in words
    text = main_text(page)
    assert "Appeal now" not in text
    assert "Deadline to appeal:" not in text
    outcome = tree.xpath('//section[@id="outcome"]')[0]
    assert "panel-ok" not in outcome.get("class")


def test_open_deadline_shows_appeal_now_and_no_passed_panel(client, app):
    appeal_id, key = stored_appeal(app, "appeal", deadline_days=30)
    text = main_text(open_as_anonymous(client, appeal_id, key))
    assert "Appeal now" in text
    assert "deadline to appeal passed" not in text


def test_how_to_send_names_the_address_enclosures_and_answer_date(client, app):
    appeal_id, key = stored_appeal(
        app, "appeal", letter_text="Dear reviewer", deadline_days=30,
        case_extra={"denial": {"appeal_address": APPEAL_ADDRESS, "appeal_fax": "555-0199"}})
    page = open_as_anonymous(client, appeal_id, key)
    steps = section_text(page, "send-title")
    assert "PO Box 0000" in steps and "555-0199" in steps
    assert "from your denial letter" in steps
    assert "Denial notice, reference REF-0001" in steps, "the letter's first enclosure"
    assert "Keep a copy" in steps and "confirm" in steps
    due = dt.date.today() + dt.timedelta(days=30)
    assert f"The plan must answer by {long_date(due)}" in steps

    sent = (dt.date.today() - dt.timedelta(days=5)).isoformat()
    later = client.get(f"/appeals/{appeal_id}?sent={sent}")
    due = dt.date.fromisoformat(sent) + dt.timedelta(days=30)
    assert f"The plan must answer by {long_date(due)}" in section_text(later, "send-title")


def test_how_to_send_without_an_address_says_where_to_look(client, app):
    appeal_id, key = stored_appeal(app, "appeal", letter_text="Dear reviewer")
    steps = section_text(open_as_anonymous(client, appeal_id, key), "send-title")
    assert "Look on the denial letter" in steps


def test_calendar_reminder_has_the_deadline_and_the_answer_date(client, app):
    appeal_id, key = stored_appeal(app, "expedited", letter_text="Dear reviewer", deadline_days=20)
    page = open_as_anonymous(client, appeal_id, key)
    link = parse(page).xpath('//a[contains(@href, "reminders.ics")]/@href')[0]
    response = client.get(link)
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    events = {str(e["summary"]): e.decoded("dtstart")
              for e in Calendar.from_ical(response.data).walk("VEVENT")}
    deadline = dt.date.today() + dt.timedelta(days=20)
    assert events["Last day to file the appeal: MRI lumbar spine"] == deadline
    answer = [day for summary, day in events.items() if "answer is due" in summary]
    assert answer == [dt.date.today() + dt.timedelta(days=3)], "72 hours for an expedited appeal"
    assert b"Rosalind" not in response.data, "the reminder never names the patient"


def test_calendar_leaves_out_a_passed_deadline(client, app):
    appeal_id, key = stored_appeal(app, "appeal", letter_text="x", deadline_days=-3)
    open_as_anonymous(client, appeal_id, key)
    summaries = [str(e["summary"]) for e in
                 Calendar.from_ical(client.get(f"/appeals/{appeal_id}/reminders.ics").data)
                 .walk("VEVENT")]
    assert len(summaries) == 1 and "answer is due" in summaries[0]


def test_check_before_filing_speaks_its_own_words(client, app):
    appeal_id, key = stored_appeal(app, "ready", check=True, letter_text="A letter",
                                   kind="checklist")
    page = open_as_anonymous(client, appeal_id, key)
    text = main_text(page)
    assert "not for the plan" in text
    assert "send it to the plan" not in text
    assert "How to send it" not in text
    assert "What to get before you file" in text
    assert "What is missing" not in text
    assert "brackets" not in text
    assert client.get(f"/appeals/{appeal_id}/reminders.ics").status_code == 404
    delete = main_text(client.get(f"/appeals/{appeal_id}/delete"))
    assert "Delete this check?" in delete and "appeal" not in delete.split("?")[0]


def test_emergency_banner_in_check_mode_does_not_speak_of_an_appeal(client, app):
    appeal_id, key = stored_appeal(app, "emergency", check=True)
    banner = section_text(open_as_anonymous(client, appeal_id, key), "emergency-title")
    assert "Do not wait for this check" in banner
    assert "appeal" not in banner
