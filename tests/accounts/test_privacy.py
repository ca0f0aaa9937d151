"""Retention: the purge removes exactly what is past its organization's retention (and nothing
else); an owner deletes an appeal or a batch at once; both leave an audit trail without health
data."""

from datetime import timedelta

from sqlalchemy import func, select

from appeals import privacy
from appeals.access import Principal
from appeals.extensions import db
from appeals.models import AuditEvent, Organization, utcnow
from .conftest import sign_in
from .records import (
    SYNTHETIC_MEMBER_ID,
    SYNTHETIC_NAME,
    make_appeal,
    make_batch,
    make_template,
    principal_of,
)
from conftest import make_user


def _ids(model) -> set:
    return set(db.session.execute(select(model.id)).scalars())


def _count(model) -> int:
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def test_purge_removes_exactly_what_is_past_each_organizations_retention(app):
    from appeals.models.appeals import Appeal, Letter
    from appeals.models.batches import Batch, BatchRow, ColumnMapping
    from appeals.models.templates import LetterTemplate

    with app.app_context():
        now = utcnow()
        days = lambda n: now - timedelta(days=n)  # noqa: E731
        short = make_user("short@example.test", "Thirty Day Clinic", role="admin")
        db.session.get(Organization, short.organization_id).retention_days = 30
        usual = make_user("usual@example.test", "Default Clinic", role="admin")  # 90 days
        solo = make_user("solo@example.test")  # no organization: the default
        db.session.commit()
        s, u, p, anon = principal_of(short), principal_of(usual), principal_of(solo), Principal()

        keep = {
            make_appeal(s, created_at=days(29)).id,
            make_appeal(u, created_at=days(31)).id,
            make_appeal(u, created_at=days(89)).id,
            make_appeal(p, created_at=days(89)).id,
            make_appeal(anon, created_at=days(10)).id,
        }
        purge = {
            make_appeal(s, created_at=days(31)).id,
            make_appeal(u, created_at=days(91)).id,
            make_appeal(p, created_at=days(91)).id,
            make_appeal(anon, created_at=days(91)).id,
        }
        old_batch = make_batch(s, created_at=days(45), rows=3)
        young_batch = make_batch(u, created_at=days(45), rows=2)
        old_batch_appeals = {a.id for a in db.session.execute(
            select(Appeal).where(Appeal.batch_id == old_batch.id)).scalars()}
        young_batch_appeals = {a.id for a in db.session.execute(
            select(Appeal).where(Appeal.batch_id == young_batch.id)).scalars()}
        old_batch_id, young_batch_id = old_batch.id, young_batch.id
        mapping = ColumnMapping(mapping={"MRN": ""}, created_at=days(400))
        mapping.owner_id, mapping.organization_id = short.id, short.organization_id
        db.session.add(mapping)
        template = make_template(s, created_at=days(400))
        template_id = template.id
        db.session.commit()
        letters_before = _count(Letter)

        deleted = privacy.purge_expired()

        remaining = _ids(Appeal)
        assert keep | young_batch_appeals <= remaining
        assert not (purge | old_batch_appeals) & remaining
        assert remaining == keep | young_batch_appeals
        assert _ids(Batch) == {young_batch_id}
        assert {r.batch_id for r in db.session.execute(select(BatchRow)).scalars()} == {young_batch_id}
        assert old_batch_id not in _ids(Batch)
        # Every letter of a purged appeal went with it; the others stayed.
        assert _count(Letter) == letters_before - len(purge) - len(old_batch_appeals)
        assert deleted["appeals"] == len(purge) + len(old_batch_appeals)
        assert deleted["letters"] == len(purge) + len(old_batch_appeals)
        assert deleted["batches"] == 1 and deleted["batch_rows"] == 3
        # No health data in them: a column mapping, and a template (wording, kept by its owner).
        assert _count(ColumnMapping) == 1
        assert template_id in _ids(LetterTemplate)

        events = db.session.execute(select(AuditEvent).where(AuditEvent.action == "purged")).scalars().all()
        assert {e.record_id for e in events if e.record_type == "appeals"} == purge | old_batch_appeals
        assert {e.record_id for e in events if e.record_type == "batches"} == {old_batch_id}
        assert all(e.via == "worker" for e in events)

        assert privacy.purge_expired() == {}  # idempotent: nothing left to delete


def test_retention_is_measured_per_organization_when_it_changes(app):
    from appeals.models.appeals import Appeal

    with app.app_context():
        admin = make_user("admin@example.test", "Clinic", role="admin")
        appeal_id = make_appeal(principal_of(admin), created_at=utcnow() - timedelta(days=10)).id
        privacy.purge_expired()
        assert appeal_id in _ids(Appeal)
        db.session.get(Organization, admin.organization_id).retention_days = 7
        db.session.commit()
        privacy.purge_expired()
        assert appeal_id not in _ids(Appeal)


def test_the_database_deletes_an_appeals_letter_with_it(app):
    """An appeal's row deleted by SQL takes its letter (ON DELETE CASCADE, enforced on SQLite
    too): no letter is left behind that nobody could reach."""
    from appeals.models.appeals import Letter

    with app.app_context():
        owner = make_user("owner@example.test")
        appeal = make_appeal(principal_of(owner))
        assert _count(Letter) == 1
        db.session.execute(db.metadata.tables["appeals"].delete())
        db.session.commit()
        assert _count(Letter) == 0
        assert privacy.purge_expired() == {}
        assert appeal is not None


def test_the_worker_task_purges_and_beat_runs_it(app):
    from appeals.models.appeals import Appeal
    from appeals.tasks import purge_expired

    with app.app_context():
        owner = make_user("owner@example.test")
        old = make_appeal(principal_of(owner), created_at=utcnow() - timedelta(days=91)).id
        assert purge_expired.run() == {"appeals": 1, "letters": 1}
        assert old not in _ids(Appeal)
    schedule = app.config["CELERY"]["beat_schedule"]
    entry = schedule["purge-expired-records"]
    assert entry["task"] == privacy.PURGE_TASK
    assert entry["schedule"] <= timedelta(hours=24)


def test_owner_deletes_an_appeal_at_once(app, client, user):
    from appeals.models.appeals import Appeal, Letter

    with app.app_context():
        appeal_id = make_appeal(principal_of(db.session.merge(user))).id
    sign_in(client, "clinic.user@example.test")
    page = client.get(f"/appeals/{appeal_id}/delete")
    assert page.status_code == 200 and "cannot be undone" in page.get_data(as_text=True)
    response = client.post(f"/appeals/{appeal_id}/delete")
    assert response.status_code == 303
    assert client.get(f"/appeals/{appeal_id}").status_code == 404
    with app.app_context():
        assert _count(Appeal) == 0 and _count(Letter) == 0
        event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "deleted")).scalar_one()
        assert (event.record_type, event.record_id, event.via) == ("appeals", appeal_id, "web")


def test_owner_deletes_a_batch_with_its_appeals_through_the_api(app, api_headers, user):
    from appeals.models.appeals import Appeal, Letter
    from appeals.models.batches import Batch, BatchRow

    with app.app_context():
        batch_id = make_batch(principal_of(db.session.merge(user)), rows=3).id
        other = make_appeal(principal_of(db.session.merge(user))).id
    client = app.test_client()
    assert client.delete(f"/api/v1/batches/{batch_id}", headers=api_headers).status_code == 204
    assert client.get(f"/api/v1/batches/{batch_id}", headers=api_headers).status_code == 404
    assert client.delete(f"/api/v1/batches/{batch_id}", headers=api_headers).status_code == 404
    with app.app_context():
        assert _count(Batch) == 0 and _count(BatchRow) == 0
        assert _ids(Appeal) == {other} and _count(Letter) == 1
    assert client.delete(f"/api/v1/appeals/{other}", headers=api_headers).status_code == 204
    with app.app_context():
        assert _count(Appeal) == 0 and _count(Letter) == 0


def test_a_colleague_sees_but_only_the_filer_or_an_admin_deletes(app, user):
    from conftest import bearer

    with app.app_context():
        admin = db.session.merge(user)
        filer = make_user("filer@example.test")
        colleague = make_user("colleague@example.test")
        filer.organization_id = colleague.organization_id = admin.organization_id
        db.session.commit()
        first = make_appeal(principal_of(filer)).id
        second = make_appeal(principal_of(filer)).id
        colleague_headers, admin_headers = bearer(colleague), bearer(admin)
    client = app.test_client()
    assert client.get(f"/api/v1/appeals/{first}", headers=colleague_headers).status_code != 404
    assert client.delete(f"/api/v1/appeals/{first}", headers=colleague_headers).status_code == 403
    browser = app.test_client()
    sign_in(browser, "colleague@example.test")
    assert browser.post(f"/appeals/{first}/delete").status_code == 403
    assert client.delete(f"/api/v1/appeals/{first}", headers=admin_headers).status_code == 204
    filer_browser = app.test_client()
    sign_in(filer_browser, "filer@example.test")
    assert filer_browser.post(f"/appeals/{second}/delete").status_code == 303


def test_anonymous_patient_deletes_their_own_appeal(app):
    from appeals.services import appeals as jobs

    with app.app_context():
        appeal = make_appeal(Principal())
        appeal_id, key = appeal.id, jobs.create_anonymous_access(appeal)
    stranger = app.test_client()
    assert stranger.post(f"/appeals/{appeal_id}/delete").status_code == 404
    patient = app.test_client()
    patient.get(f"/a/{appeal_id}/{key}")
    assert patient.post(f"/appeals/{appeal_id}/delete").status_code == 303
    assert patient.get(f"/appeals/{appeal_id}").status_code == 404
    assert app.test_client().get(f"/a/{appeal_id}/{key}").status_code == 404


def test_audit_log_holds_ids_and_actions_not_health_data(app, client, user):
    with app.app_context():
        appeal_id = make_appeal(principal_of(db.session.merge(user))).id
    sign_in(client, "clinic.user@example.test")
    client.get(f"/appeals/{appeal_id}")
    client.get(f"/appeals/{appeal_id}/letter.docx")
    client.post(f"/appeals/{appeal_id}/delete")
    with app.app_context():
        events = db.session.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars().all()
        actions = [(e.action, e.record_type) for e in events if e.record_id == appeal_id]
        assert actions == [("viewed", "appeals"), ("downloaded", "appeals"), ("deleted", "appeals")]
        assert all(e.user_id == user.id for e in events if e.record_id == appeal_id)
        for event in events:
            row = " ".join(str(getattr(event, c.name)) for c in AuditEvent.__table__.columns)
            assert SYNTHETIC_NAME not in row and SYNTHETIC_MEMBER_ID not in row


def test_admins_see_their_organizations_activity_and_only_theirs(app, client, user):
    with app.app_context():
        admin = db.session.merge(user)
        appeal_id = make_appeal(principal_of(admin)).id
        member = make_user("member@example.test")
        member.organization_id = admin.organization_id
        outsider = make_user("outsider@example.test", "Other Clinic", role="admin")
        other_appeal = make_appeal(principal_of(outsider)).id
        db.session.commit()
    sign_in(client, "clinic.user@example.test")
    client.get(f"/appeals/{appeal_id}")
    client.get(f"/appeals/{appeal_id}/letter.docx")
    outsider_browser = app.test_client()
    sign_in(outsider_browser, "outsider@example.test")
    outsider_browser.get(f"/appeals/{other_appeal}")

    page = client.get("/organization/activity").get_data(as_text=True)
    assert "viewed" in page and "downloaded" in page and appeal_id[:8] in page
    assert "clinic.user@example.test" in page
    assert other_appeal[:8] not in page and "outsider@example.test" not in page
    assert SYNTHETIC_NAME not in page
    member_browser = app.test_client()
    sign_in(member_browser, "member@example.test")
    assert member_browser.get("/organization/activity").status_code == 404


def test_default_retention_setting_covers_anonymous_and_unaffiliated_records(app):
    from appeals.models.appeals import Appeal

    app.config["DEFAULT_RETENTION_DAYS"] = 30
    with app.app_context():
        solo = make_user("solo@example.test")
        clinic = make_user("clinic@example.test", "Clinic", role="admin")  # its own 90 days
        month = utcnow() - timedelta(days=31)
        gone = {make_appeal(Principal(), created_at=month).id,
                make_appeal(principal_of(solo), created_at=month).id}
        kept = make_appeal(principal_of(clinic), created_at=month).id
        privacy.purge_expired()
        assert _ids(Appeal) == {kept}
        assert not gone & _ids(Appeal)
