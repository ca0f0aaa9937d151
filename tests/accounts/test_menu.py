"""The menu: Organization is there for an organization's admins, not for its members."""

from conftest import make_user

from appeals.extensions import db

from .conftest import sign_in


def _menu(client) -> list[str]:
    import lxml.html

    tree = lxml.html.fromstring(client.get("/").get_data(as_text=True))
    return [a.text_content().strip() for a in tree.xpath('//nav[@aria-label="Main"]//a')]


def test_admin_sees_organization_in_the_menu(client, user):
    sign_in(client, "clinic.user@example.test")
    menu = _menu(client)
    assert "Organization" in menu
    page = client.get("/organization")
    assert page.status_code == 200
    # What the page says about retention is what the purge does (templates are never purged).
    text = " ".join(page.get_data(as_text=True).split())
    assert "private templates are deleted" not in text
    assert "templates hold wording, not patient data: they are kept" in text


def test_member_and_visitor_do_not(app, client):
    assert "Organization" not in _menu(client)
    with app.app_context():
        make_user("member@example.test", "Member Clinic", role="member")
        db.session.commit()
    sign_in(client, "member@example.test")
    assert "Organization" not in _menu(client)
