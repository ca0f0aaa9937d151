"""A patient in headless Chromium (Debian's, driven by Playwright): fills the form by typing,
choosing and clicking, makes a mistake and fixes it, sees where the case stands, waits for the
letter (the page reloads itself; no JavaScript needed), downloads it and opens it.

The web app runs in a thread on 127.0.0.1 (a free port) with a real Celery worker process on the
embedded broker. Screenshots of the result page, at desktop and phone widths, are saved under
test-output/browser/.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import docx
import pytest
from support.browser import live_service, running_chromium

from appeals.criteria import load_library

OUTPUT = Path(__file__).resolve().parents[2] / "test-output" / "browser"
PATIENT = "Marguerite Synthetica"


def days_ago(days: int) -> str:
    return (dt.date.today() - dt.timedelta(days=days)).isoformat()


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    """One server and worker for the module (starting a worker takes seconds)."""
    with live_service(tmp_path_factory.mktemp("browser-service")) as (url, _):
        yield url


@pytest.fixture(scope="module")
def browser():
    with running_chromium() as chromium:
        yield chromium


@pytest.mark.slow
@pytest.mark.chromium
def test_patient_fills_the_form_and_downloads_the_letter(live_server, browser, tmp_path):
    from playwright.sync_api import expect  # imported here: without playwright the test skips

    OUTPUT.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True,
                                  java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server + "/")

    page.get_by_label("I was denied").check()
    page.get_by_label("The scan that was requested").press_sequentially("72148")
    page.get_by_role("button", name="Continue").click()

    # The service's plain questions appear, and what was typed stays.
    service = load_library().resolve("72148")
    page.get_by_text(f"Criteria found: {service.name}").wait_for()
    expect(page.locator("#questions")).to_be_focused()  # the page opens at the new questions
    questions = {q.id: q for q in load_library().questions(service)}
    page.get_by_label(questions["pt_weeks"].text).press_sequentially("8")
    page.get_by_role("group", name=questions["exam_visit"].text).get_by_label(
        "Yes", exact=True).check()
    # The follow-ups appear after the answers that call for them, named for what they ask about.
    page.get_by_role("button", name="Next").click()
    group = page.get_by_role("group", name="Are your symptoms still there despite the physical therapy?")
    group.get_by_label("Yes", exact=True).check()

    page.get_by_label("Patient's full name").press_sequentially(PATIENT)
    page.get_by_label("Patient's date of birth").fill("1968-07-21")
    page.get_by_label("Member ID").press_sequentially("SYN998877")
    page.get_by_label("Insurer or plan name").press_sequentially("Cigna")
    page.get_by_label("Date on the denial notice").fill(days_ago(12))
    page.get_by_label("The reason for the denial").press_sequentially(
        "Not medically necessary: no record of 6 weeks of conservative treatment.")
    page.get_by_label("What the original request said").press_sequentially(
        "Low back pain with left leg pain. MRI requested.")
    page.get_by_label("Your notes and records").fill("\n".join([
        f"{days_ago(120)}: Low back pain with left leg pain began after lifting.",
        f"{days_ago(110)}: Physical therapy started, twice weekly.",
        f"{days_ago(50)}: Physical therapy completed, 8 weeks, 16 visits, no improvement.",
        f"{days_ago(40)}: Follow-up visit: radicular pain persists, decreased sensation left L5 "
        "dermatome, positive straight leg raise on the left.",
    ]))
    page.get_by_label("Where these notes come from").press_sequentially("Synthetic Clinic notes")

    # Forgot the plan type: the page says so at the top and next to the field, keeping the rest.
    page.get_by_role("button", name="See where I stand").click()
    summary = page.get_by_role("alert").filter(has_text="There is a problem")
    summary.wait_for()
    expect(summary).to_be_focused()  # keyboard and screen-reader users land on the list
    summary.get_by_role("link", name="What kind of health plan is it?").click()
    plan = page.get_by_label("What kind of health plan is it?")
    assert plan.get_attribute("aria-invalid") == "true"
    assert page.get_by_label("Patient's full name").input_value() == PATIENT
    page.screenshot(path=str(OUTPUT / "form-with-error-desktop.png"), full_page=True)

    plan.select_option(label="Through an employer (a job's group health plan)")
    page.get_by_role("button", name="See where I stand").click()

    # The result: where the case stands, then the letter (the page reloads itself meanwhile).
    page.get_by_role("heading", level=1, name=f"Your appeal: {service.name}").wait_for()
    assert page.get_by_role("heading", name="Appeal now: your records meet the criteria").is_visible()
    assert page.get_by_role("heading", name="What the criteria ask for").is_visible()
    assert page.locator(".secret-link").count() == 1
    page.get_by_text("Your letter is ready").wait_for(timeout=90_000)
    assert PATIENT in page.locator(".preview").inner_text()

    page.screenshot(path=str(OUTPUT / "result-desktop.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(OUTPUT / "result-phone.png"), full_page=True)
    page.screenshot(path=str(OUTPUT / "result-phone-top.png"))
    page.locator("#letter").screenshot(path=str(OUTPUT / "result-phone-letter.png"))
    page.locator("ol.requirements > li").first.screenshot(
        path=str(OUTPUT / "result-phone-requirement.png"))

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the letter (Word)").click()
    saved = tmp_path / "letter.docx"
    download_info.value.save_as(saved)
    text = "\n".join(p.text for p in docx.Document(str(saved)).paragraphs)
    assert PATIENT in text
    context.close()


@pytest.mark.slow
@pytest.mark.chromium
def test_form_reads_well_on_a_phone(live_server, browser):
    OUTPUT.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                  java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server + "/")
    page.screenshot(path=str(OUTPUT / "form-phone-top.png"))
    # Nothing wider than the screen: no sideways scrolling on a phone.
    for element in (page.locator("main"), page.get_by_label("The scan that was requested"),
                    page.get_by_role("button", name="Continue"),
                    page.get_by_label("What kind of health plan is it?"),
                    page.get_by_label("Your notes and records")):
        box = element.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, box
    context.close()


@pytest.mark.slow
@pytest.mark.chromium
def test_enter_continues_first_then_submits(live_server, browser):
    """Pressing Enter in a field: before the questions are shown it continues to them; after, it
    submits (what a person expects from a form they have finished)."""
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server + "/")
    page.get_by_label("The scan that was requested").press_sequentially("MRI lumbar spine")
    page.get_by_label("The scan that was requested").press("Enter")
    page.get_by_text("Criteria found: MRI lumbar spine").wait_for()
    page.get_by_label("Insurer or plan name").press_sequentially("Cigna")
    page.get_by_label("Insurer or plan name").press("Enter")
    # Submitted: the form is incomplete, so the error summary lists what is missing.
    page.get_by_role("alert").filter(has_text="problem").wait_for()
    assert page.get_by_label("Insurer or plan name").input_value() == "Cigna"
    context.close()
