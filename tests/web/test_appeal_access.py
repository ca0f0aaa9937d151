"""Who may see an appeal's page (the submitting session, the saved link, the owner; nobody
else), who may delete it, and what the audit log records."""

from __future__ import annotations

from sqlalchemy import select

from appeals.extensions import db
from appeals.models import Appeal, AuditEvent
from appeals.models.appeals import QUEUED
from appeals.services import appeals as jobs

from .appeal_records import main_text, open_as_anonymous, post_and_open, section_text, stored_appeal
from .conftest import parse, valid_form


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
    page = post_and_open(client, payer="Cigna")
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
