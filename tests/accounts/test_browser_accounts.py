"""A clinic admin in headless Chromium: signs up, invites a colleague who joins, makes an API
token, sets the retention period, signs out, and is locked out after wrong passwords. Every page
is checked for Content-Security-Policy violations the browser reports (the headers forbid
inline script and style, so a page relying on them would break here)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from support.browser import launch_chromium, serving

from appeals.app import create_app
from appeals.extensions import db

OUTPUT = Path(__file__).resolve().parents[2] / "test-output" / "accounts"
PASSWORD = "synthetic clinic passphrase"


@pytest.fixture
def live_server(tmp_path):
    app = create_app({
        "TESTING": True, "SECRET_KEY": "test-secret", "WTF_CSRF_ENABLED": True,
        "SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(tmp_path / "browser.sqlite"),
        "EMBEDDED_BROKER_URL": "sqla+sqlite:///" + str(tmp_path / "broker.sqlite"),
    })
    with app.app_context():
        db.create_all()
    with serving(app) as url:
        yield url


@pytest.mark.slow
@pytest.mark.chromium
def test_clinic_admin_accounts_journey(live_server, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    OUTPUT.mkdir(parents=True, exist_ok=True)
    violations: list[str] = []

    def watch(page):
        page.on("console", lambda message: violations.append(message.text)
                if "Content Security Policy" in message.text else None)
        return page

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            admin = watch(browser.new_context(viewport={"width": 390, "height": 844}).new_page())
            admin.goto(live_server + "/signup")
            admin.get_by_label("Organization").fill("Synthetic Riverside Clinic")
            admin.get_by_label("Email").fill("admin@example.test")
            admin.get_by_label("Password", exact=True).fill(PASSWORD)
            admin.get_by_label("Password again").fill(PASSWORD)
            admin.get_by_role("button", name="Create account").click()
            expect(admin.get_by_role("status").first).to_contain_text("You are its admin")

            admin.goto(live_server + "/organization")
            admin.get_by_label("Keep appeals and letters for (days)").fill("30")
            admin.get_by_role("button", name="Save").click()
            expect(admin.get_by_text("kept for 30 days")).to_be_visible()
            admin.get_by_role("button", name="Create invitation link").click()
            link = admin.locator(".secret-link").inner_text().strip()
            assert re.match(r"http://127\.0\.0\.1:\d+/join/[A-Za-z0-9_-]+$", link)

            colleague = watch(browser.new_context().new_page())
            colleague.goto(link)
            colleague.get_by_label("Email").fill("colleague@example.test")
            colleague.get_by_label("Password", exact=True).fill(PASSWORD)
            colleague.get_by_label("Password again").fill(PASSWORD)
            colleague.get_by_role("button", name="Create account and join").click()
            expect(colleague.get_by_role("status").first).to_contain_text("you joined Synthetic Riverside Clinic")

            admin.goto(live_server + "/settings")
            admin.get_by_label("Name").fill("nightly export")
            admin.get_by_role("button", name="Create token").click()
            token = admin.locator(".secret-link").inner_text().strip()
            assert token.startswith("apl_")
            admin.screenshot(path=str(OUTPUT / "settings-token-shown-once.png"), full_page=True)
            admin.goto(live_server + "/settings")
            expect(admin.locator(".secret-link")).to_have_count(0)
            admin.get_by_role("button", name="Revoke token nightly export").click()
            expect(admin.get_by_role("status").first).to_contain_text("stopped working at once")

            admin.get_by_role("link", name="Sign out").click()
            admin.get_by_role("button", name="Sign out").click()
            expect(admin.get_by_role("heading", name="Sign in")).to_be_visible()
            for _ in range(5):
                admin.get_by_label("Email").fill("admin@example.test")
                admin.get_by_label("Password").fill("not the password")
                admin.get_by_role("button", name="Sign in").click()
            expect(admin.get_by_role("alert")).to_have_text(
                "Too many failed attempts; try again in 15 minutes.")
            admin.screenshot(path=str(OUTPUT / "locked-out.png"), full_page=True)
        finally:
            browser.close()
    assert violations == []
