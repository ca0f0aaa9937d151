"""The appeal's page: where the case stands (urgency first), the letter's progress, its preview and
download; who may see it (the submitting session, the saved link, the owner; nobody else)."""

from __future__ import annotations

import io
import re

import docx
import pytest
from sqlalchemy import select

from appeals.services import appeals as jobs
from appeals.contract import MatchResult
from appeals.extensions import db
from appeals.models import Appeal, AuditEvent
from appeals.models.appeals import DONE, FAILED, QUEUED, RENDERING

from .conftest import PATIENT_NAME, parse, valid_form

SERVICE = {"id": "mri_lumbar_spine", "name": "MRI lumbar spine", "codes": ["72148"]}
POLICY = {"title": "Synthetic Spine Imaging Guideline", "source": "Synthetic Payer",
          "section": "SP-5.1", "version": "V1", "url": None}
DEADLINE = {"date": "2026-05-01", "days": 180, "counted_from": "2025-11-02",
            "basis": "180 days from receipt under 29 CFR 2560.503-1(h)(3)(i)"}
PT_QUOTE = "Physical therapy completed, 8 weeks, 16 visits, no improvement."


def requirement(status, rid="conservative_care", text="Six weeks of provider-directed treatment",
                quote=None, needed=None, kind="conservative_care"):
    return {"id": rid, "kind": kind, "text": text, "status": status,
            "evidence": [{"quote": quote, "source": "Synthetic Clinic visit notes",
                          "date": "2025-09-01"}] if quote else [],
            "needed": needed}


RESULTS = {
    "appeal": {
        "outcome": "appeal", "urgency": "standard", "service": SERVICE, "policy": POLICY,
        "pathway": {"id": "after_conservative_care", "title": "Pain after six weeks of care"},
        "requirements": [
            requirement("omitted", quote=PT_QUOTE),
            requirement("met_in_request", rid="exam", kind="clinical_finding",
                        text="An in-person evaluation", quote="Seen in clinic for back pain."),
        ],
        "denial": {"category": "medical_necessity", "code": "CO-50", "text": None},
        "deadline": DEADLINE, "warnings": [],
    },
    "not_met": {
        "outcome": "not_met", "urgency": "standard", "service": SERVICE, "policy": POLICY,
        "pathway": {"id": "after_conservative_care", "title": "Pain after six weeks of care"},
        "requirements": [
            requirement("unmet", needed="Six weeks of physical therapy or other provider-directed "
                        "treatment for this episode, with the dates"),
            requirement("unmet", rid="follow_up", kind="follow_up", text="A re-evaluation",
                        needed="A follow-up visit after the treatment"),
        ],
        "denial": {"category": "medical_necessity", "code": None, "text": None},
        "deadline": DEADLINE, "warnings": ["The physical therapy note is older than 12 weeks."],
    },
    "administrative": {
        "outcome": "administrative", "urgency": "standard", "service": SERVICE, "policy": None,
        "pathway": None, "requirements": [],
        "denial": {"category": "coding", "code": "CO-11", "text": None},
        "deadline": DEADLINE, "warnings": [],
    },
    "emergency": {
        "outcome": "appeal", "urgency": "emergency", "service": SERVICE, "policy": POLICY,
        "pathway": {"id": "red_flag", "title": "A red flag"},
        "requirements": [requirement("omitted", rid="cauda_equina", kind="red_flag",
                                     text="Signs of cauda equina syndrome",
                                     quote="New numbness in the groin and trouble urinating.")],
        "denial": {"category": "medical_necessity", "code": None, "text": None},
        "deadline": DEADLINE, "warnings": [],
    },
    "expedited": {
        "outcome": "appeal", "urgency": "expedited", "service": SERVICE, "policy": POLICY,
        "pathway": None, "requirements": [], "denial": None, "deadline": DEADLINE, "warnings": [],
    },
    "ready": {
        "outcome": "ready", "urgency": "standard", "service": SERVICE, "policy": POLICY,
        "pathway": {"id": "after_conservative_care", "title": "Pain after six weeks of care"},
        "requirements": [requirement("omitted", quote=PT_QUOTE),
                         requirement("unmet", rid="follow_up", kind="follow_up",
                                     text="A re-evaluation", needed="A follow-up visit note")],
        "denial": None, "deadline": None, "warnings": [],
    },
}


def stored_appeal(app, result_name, *, status=DONE, check=False, owner=None, letter_text=None,
                  error=None):
    """An appeal as the jobs area stores it, with a given (contract-valid) result."""
    result = MatchResult.model_validate(RESULTS[result_name]).to_json()
    case = {"service": SERVICE["id"], "plan_type": "employer", "patient": {"name": PATIENT_NAME},
            "documentation": [{"text": PT_QUOTE}]}
    if not check:
        case["denial"] = {"notice_date": "2025-11-01", "reference": "REF-0001"}
    with app.app_context():
        appeal = Appeal(case_json=case, result_json=result, kind="patient", status=status,
                        error=error)
        if owner is not None:
            appeal.owner_id, appeal.organization_id = owner.id, owner.organization_id
        db.session.add(appeal)
        db.session.commit()
        if letter_text is not None:
            from appeals.models import Letter

            document = docx.Document()
            for line in letter_text.split("\n"):
                document.add_paragraph(line)
            buffer = io.BytesIO()
            document.save(buffer)
            db.session.add(Letter(appeal_id=appeal.id, docx=buffer.getvalue(),
                                  filename="appeal-letter-test.docx", text_preview=letter_text))
            db.session.commit()
        key = jobs.create_anonymous_access(appeal) if owner is None else None
        return appeal.id, key


def open_as_anonymous(client, appeal_id, key):
    response = client.get(f"/a/{appeal_id}/{key}")
    assert response.status_code == 303
    return client.get(f"/appeals/{appeal_id}")


def section_text(response, heading_id: str) -> str:
    section = parse(response).xpath(f'//section[@aria-labelledby="{heading_id}"]')[0]
    return " ".join(section.text_content().split())


def main_text(response) -> str:
    return " ".join(parse(response).xpath('//main')[0].text_content().split())


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
    assert "Deadline to appeal: May 1, 2026" in text
    assert "180 days counted from November 2, 2025" in text
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


def test_unknown_ids_are_not_found(client, app):
    appeal_id, key = stored_appeal(app, "appeal", letter_text="x")
    open_as_anonymous(client, appeal_id, key)
    unknown = "f" * 32
    for path in (f"/appeals/{unknown}", f"/appeals/{unknown}/letter.docx",
                 f"/appeals/{unknown}/letter.pdf", f"/a/{unknown}/{key}", "/appeals/nonsense"):
        assert client.get(path).status_code == 404, path
    assert client.post(f"/appeals/{unknown}/retry").status_code == 404


def test_another_sessions_appeal_is_not_found(app):
    appeal_id, key = stored_appeal(app, "appeal", letter_text="x")
    mine, theirs = app.test_client(), app.test_client()
    assert open_as_anonymous(mine, appeal_id, key).status_code == 200
    for path in (f"/appeals/{appeal_id}", f"/appeals/{appeal_id}/letter.docx"):
        assert theirs.get(path).status_code == 404, path
    assert theirs.post(f"/appeals/{appeal_id}/retry").status_code == 404
    # A wrong key grants nothing.
    assert theirs.get(f"/a/{appeal_id}/{key[:-2]}xx").status_code == 404
    assert theirs.get(f"/appeals/{appeal_id}").status_code == 404


def test_a_users_appeal_is_not_found_for_others_even_with_a_link(app, user):
    from tests.accounts.conftest import sign_in
    from tests.conftest import make_user

    appeal_id, _ = stored_appeal(app, "appeal", owner=user, letter_text="x")
    owner = app.test_client()
    assert sign_in(owner, user.email).status_code == 302
    assert owner.get(f"/appeals/{appeal_id}").status_code == 200
    assert appeal_id in owner.get("/appeals").get_data(as_text=True)

    with app.app_context():
        make_user("someone.else@example.test", "Another Clinic")
    stranger = app.test_client()
    assert sign_in(stranger, "someone.else@example.test").status_code == 302
    assert stranger.get(f"/appeals/{appeal_id}").status_code == 404
    assert appeal_id not in stranger.get("/appeals").get_data(as_text=True)
    assert app.test_client().get(f"/appeals/{appeal_id}").status_code == 404


def test_anonymous_link_is_shown_once_and_opens_the_appeal_elsewhere(client, app):
    from appeals.criteria import load_library

    service = load_library().resolve("72148")
    response = client.post("/", data=valid_form(questions_for=service.id))
    assert response.status_code == 303
    page = client.get(response.headers["Location"])
    tree = parse(page)
    links = tree.xpath('//a[contains(@class, "secret-link")]/@href')
    assert len(links) == 1
    link = links[0]
    appeal_id = response.headers["Location"].rstrip("/").split("/")[-1]
    assert f"/a/{appeal_id}/" in link
    key = link.rsplit("/", 1)[-1]
    assert len(key) >= 40  # 32 random bytes, url-safe
    with app.app_context():
        stored = db.session.get(Appeal, appeal_id)
        assert key not in (stored.access_key_hash or "")  # only a hash is kept
    # Eager mode: the letter was done before the first view, so that view was the last to show it.
    again = client.get(response.headers["Location"])
    assert again.status_code == 200
    assert not parse(again).xpath('//a[contains(@class, "secret-link")]')

    elsewhere = app.test_client()
    path = link.split("localhost", 1)[-1]
    opened = elsewhere.get(path)
    assert opened.status_code == 303
    assert elsewhere.get(opened.headers["Location"]).status_code == 200


def test_the_link_never_opens_an_account_owned_appeal(app, user):
    appeal_id, _ = stored_appeal(app, "appeal", owner=user)
    with app.app_context():
        appeal = db.session.get(Appeal, appeal_id)
        key = jobs.create_anonymous_access(appeal)
    assert app.test_client().get(f"/a/{appeal_id}/{key}").status_code == 404


def test_form_to_letter_in_process(client, app):
    """Form post -> matched result on the page -> letter rendered (eager job) -> download opens."""
    from appeals.criteria import load_library

    service = load_library().resolve("72148")
    response = client.post("/", data=valid_form(questions_for=service.id))
    page = client.get(response.headers["Location"])
    text = main_text(page)
    assert service.name in text
    assert "Your letter is ready" in text
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


def _post_and_open(client, **changes):
    from appeals.criteria import load_library

    service = load_library().resolve("72148")
    response = client.post("/", data=valid_form(questions_for=service.id, **changes))
    assert response.status_code == 303
    return client.get(response.headers["Location"])


def test_matched_appeal_from_the_form(client):
    response = _post_and_open(client, payer="Cigna", q_exam_visit="yes")
    text = main_text(response)
    assert "Appeal now" in text
    # The quote from the patient's own note, and its date.
    assert "Physical therapy completed, 8 weeks, 16 visits, no improvement." in \
        section_text(response, "requirements-title")
    assert "Nothing: every requirement is met" in section_text(response, "missing-title")
    assert "Deadline to appeal" in text


def test_matched_not_met_from_the_form_names_what_to_get(client):
    response = _post_and_open(client, payer="Cigna")  # no in-person exam on record
    assert "The criteria are not met yet" in main_text(response)
    assert "in-person" in section_text(response, "missing-title")


def test_matched_emergency_from_the_form_comes_first(client):
    response = _post_and_open(client, payer="Cigna", q_bladder_bowel="yes")
    first = parse(response).xpath('//main/*[not(self::div[@class="flashes"])]')[0]
    assert "Go to emergency care now" in first.text_content()


def test_matched_administrative_from_the_form(client):
    response = _post_and_open(client, denial_code="197",
                              denial_text="Precertification/authorization absent.")
    text = main_text(response)
    assert "about paperwork, not medical need" in text
    assert "no prior authorization was obtained" in text


def test_matched_check_before_filing_from_the_form(client):
    response = _post_and_open(client, mode="check", payer="Cigna", q_exam_visit="yes")
    tree = parse(response)
    assert tree.xpath("//h1")[0].text_content().startswith("Where you stand")
    text = main_text(response)
    assert "You are ready to file" in text
    assert "No deadline yet" in text


def test_patient_can_delete_their_appeal_after_confirming(client, app):
    appeal_id, key = stored_appeal(app, "appeal", letter_text="x")
    page = open_as_anonymous(client, appeal_id, key)
    link = parse(page).xpath('//a[contains(@href, "/delete")]/@href')[0]
    confirm = client.get(link)
    assert confirm.status_code == 200
    assert "cannot be undone" in main_text(confirm)
    with app.app_context():
        assert db.session.get(Appeal, appeal_id) is not None  # asking deletes nothing
    response = client.post(parse(confirm).xpath("//main//form/@action")[0])
    assert response.status_code == 303
    assert "deleted" in main_text(client.get(response.headers["Location"]))
    assert client.get(f"/appeals/{appeal_id}").status_code == 404
    with app.app_context():
        from appeals.models import Letter

        assert db.session.get(Appeal, appeal_id) is None
        assert db.session.scalars(select(Letter).where(Letter.appeal_id == appeal_id)).first() is None


def test_nobody_else_can_delete_an_appeal(app):
    appeal_id, key = stored_appeal(app, "appeal")
    stranger = app.test_client()
    assert stranger.get(f"/appeals/{appeal_id}/delete").status_code == 404
    assert stranger.post(f"/appeals/{appeal_id}/delete").status_code == 404
    with app.app_context():
        assert db.session.get(Appeal, appeal_id) is not None


def test_reloading_can_be_stopped(client, app):
    appeal_id, key = stored_appeal(app, "appeal", status=QUEUED)
    tree = parse(open_as_anonymous(client, appeal_id, key))
    stop = tree.xpath('//a[text()="Stop updating this page"]/@href')[0]
    stopped = parse(client.get(stop))
    assert not stopped.xpath('//meta[@http-equiv="refresh"]')
    assert stopped.xpath('//a[text()="Check now"]')
    assert "Waiting to be written" in stopped.xpath('//*[@role="status"]')[0].text_content()


def test_form_submission_is_audited_without_health_data_and_offers_the_link_by_email(client, app):
    page = _post_and_open(client, payer="Cigna")
    appeal_id = page.request.path.rstrip("/").split("/")[-1]
    with app.app_context():
        events = db.session.scalars(
            select(AuditEvent).where(AuditEvent.record_id == appeal_id)
        ).all()
    created = [e for e in events if e.action == "created"]
    assert len(created) == 1
    assert (created[0].record_type, created[0].via, created[0].user_id) == ("appeals", "anon", None)
    # No mail server in the test config: the link panel says so instead of offering a form.
    link_panel = section_text(page, "link-title")
    assert "not set up to send email" in link_panel
