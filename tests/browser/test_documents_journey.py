"""A patient starts from their documents in headless Chromium: uploads a phone photo of the
denial letter (turned a quarter and tilted, blurred, unevenly lit) and the records PDF, checks
what was read field by field, corrects one value, confirms, and goes on through the intake form
(filled in) to the result and the letter.

The files are made by tests/support/documents.py (LibreOffice, then degraded); the app runs in a
thread with a real Celery worker on the embedded broker, as in test_patient_journey.py.
"""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from support.browser import launch_chromium, live_service
from support.documents import make_bundles


OUTPUT = Path(__file__).resolve().parents[2] / "test-output" / "browser"


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    with live_service(tmp_path_factory.mktemp("documents-service")) as (url, _):
        yield url


@pytest.mark.slow
@pytest.mark.chromium
@pytest.mark.libreoffice
@pytest.mark.ocr
def test_patient_uploads_a_photo_and_records_checks_corrects_and_gets_the_letter(
        live_server, tmp_path):
    from playwright.sync_api import sync_playwright

    bundle = next(b for b in make_bundles(tmp_path / "files")
                  if b.name == "lumbar_appeal_omitted_pt")
    OUTPUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        context = browser.new_context(viewport={"width": 1280, "height": 900},
                                      accept_downloads=True, java_script_enabled=False)
        page = context.new_page()
        page.goto(live_server + "/")
        page.get_by_role("link", name="Start from your documents").click()

        page.get_by_label("Your documents").set_input_files(
            [str(bundle.files["letter_photo"]), str(bundle.files["records_pdf"])])
        page.get_by_role("button", name="Read my documents").click()
        page.get_by_role("heading", name="Check what we read").wait_for(timeout=180_000)

        # What was read, each with the text it came from.
        expected = bundle.expected
        assert page.get_by_label("Reference or case number").input_value() == expected["denial.reference"]
        assert page.get_by_label("Date of the denial notice").input_value() == expected["denial.notice_date"]
        assert page.get_by_label("Denial code (CARC/RARC)").input_value() == expected["denial.code"]
        assert page.get_by_label("Reviewer for the plan").input_value() == "eviCore"
        assert page.get_by_label("Kind of plan").input_value() == "employer"
        assert page.locator("#row-denial\\.reference q").inner_text().endswith(expected["denial.reference"])
        assert page.locator(".note").count() == 3
        page.screenshot(path=str(OUTPUT / "documents-confirm.png"), full_page=True)

        # The person corrects one value and adds the day the letter arrived.
        page.get_by_label("Reference or case number").fill("EVC-SYN-0001-B")
        page.get_by_label("Date you received the denial").fill("2026-11-20")
        page.get_by_role("button", name="Confirm and continue").click()

        # The intake form, filled in with what was confirmed.
        page.get_by_label("Case or reference number").wait_for()
        assert page.get_by_label("Case or reference number").input_value() == "EVC-SYN-0001-B"
        assert page.get_by_label("Date you received it").input_value() == "2026-11-20"
        assert "Physical Therapy Discharge Summary" in page.get_by_label("Your notes and records").input_value()
        page.get_by_role("button", name="See where I stand").click()

        page.get_by_role("heading", name="Appeal now: your records meet the criteria").wait_for()
        page.get_by_text("Your letter is ready").wait_for(timeout=90_000)
        page.screenshot(path=str(OUTPUT / "documents-result.png"), full_page=True)
        with page.expect_download() as download_info:
            page.get_by_role("link", name="Download the letter (Word)").click()
        saved = tmp_path / "letter.docx"
        download_info.value.save_as(saved)
        document = docx.Document(str(saved))
        text = "\n".join(p.text for p in document.paragraphs)
        text += "\n".join(cell.text for table in document.tables for row in table.rows
                          for cell in row.cells)
        assert "EVC-SYN-0001-B" in text
        context.close()
        browser.close()
