"""A clinic's billing clerk in headless Chromium (no JavaScript): signs in, uploads a spreadsheet
with a broken row, watches the progress bar refresh itself to the end, downloads the ZIP, and fixes
the broken row on its form. A real Celery worker process on the embedded broker does the work.
Screenshots (desktop and phone) go to test-output/bulk/.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from support.browser import launch_chromium, serving
from support.workers import ServiceConfig, running_worker

from appeals.app import create_app
from appeals.extensions import db
from tests.conftest import PASSWORD, make_user

from .synthetic import HEADERS, spreadsheet_rows, to_xlsx

OUTPUT = Path(__file__).resolve().parents[2] / "test-output" / "bulk"
EMAIL = "clerk@clinic.example.test"


@pytest.fixture
def live_server(tmp_path):
    config = ServiceConfig.embedded(f"sqlite:///{tmp_path / 'app.sqlite'}", tmp_path)
    app = create_app(config.app_config())
    with app.app_context():
        db.create_all()
        make_user(EMAIL, "Synthetic Clinic")
    try:
        with serving(app) as url, running_worker(config):
            yield url
    finally:
        with app.app_context():
            db.engine.dispose()


@pytest.mark.slow
@pytest.mark.chromium
def test_clerk_uploads_watches_progress_downloads_and_fixes_a_row(live_server, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    OUTPUT.mkdir(parents=True, exist_ok=True)
    rows, expected = spreadsheet_rows(30, 1)
    (bad_row, (bad_column, _)), = expected.items()
    source = tmp_path / "march-denials.xlsx"
    source.write_bytes(to_xlsx(rows))

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 900},
                                          accept_downloads=True, java_script_enabled=False)
            page = context.new_page()
            page.goto(live_server + "/bulk/")
            page.get_by_label("Email").fill(EMAIL)
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            page.goto(live_server + "/bulk/")

            page.get_by_label("Spreadsheet (CSV or XLSX)").set_input_files(str(source))
            page.get_by_role("button", name="Check and start").click()
            expect(page.get_by_role("heading", name="Rows to fix (1)")).to_be_visible()
            expect(page.get_by_role("cell", name=bad_column).first).to_be_visible()
            # The page refreshes itself (meta refresh) until the batch has ended.
            expect(page.get_by_text("Finished.")).to_be_visible(timeout=120_000)
            expect(page.get_by_text("29 of 29 letters written")).to_be_visible()
            page.screenshot(path=str(OUTPUT / "batch-desktop.png"), full_page=True)

            with page.expect_download() as download_info:
                page.get_by_role("link", name="Download the ZIP (letters and manifest.csv)").click()
            archive = zipfile.ZipFile(io.BytesIO(Path(download_info.value.path()).read_bytes()))
            assert len(archive.namelist()) == 30 and archive.namelist()[0] == "manifest.csv"

            page.get_by_role("link", name=f"Fix row {bad_row}").click()
            good = dict(zip(HEADERS, spreadsheet_rows(30, 0)[0][bad_row - 1]))
            page.get_by_label("plan_type").fill(good["Plan Type"])
            page.get_by_label("service").fill(good["CPT"])
            page.get_by_label("denial_notice_date").fill(good["Denial Date"])
            page.get_by_label("patient_dob").fill(good["DOB"])
            page.get_by_label("member_id").fill(good["Member ID"])
            page.get_by_label("patient_name").fill(good["Patient Name"])
            page.get_by_label("letter").fill("")
            page.get_by_role("button", name="Check and queue this row").click()
            expect(page.get_by_text(f"Row {bad_row} is fixed")).to_be_visible()
            expect(page.get_by_text("30 of 30 letters written")).to_be_visible(timeout=120_000)

            phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                        java_script_enabled=False,
                                        storage_state=context.storage_state())
            phone_page = phone.new_page()
            phone_page.goto(page.url)
            phone_page.screenshot(path=str(OUTPUT / "batch-phone.png"), full_page=True)
            # Nothing wider than the screen: no sideways scrolling on a phone.
            for element in (phone_page.locator("main"), phone_page.locator("progress"),
                            phone_page.get_by_role("link", name="Download the ZIP (letters and "
                                                                "manifest.csv)")):
                box = element.bounding_box()
                assert box["x"] >= 0 and box["x"] + box["width"] <= 390, box
        finally:
            browser.close()
