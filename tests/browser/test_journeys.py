"""The person's way through, in headless Chromium without JavaScript, at desktop and phone width:
a patient's appeal whose questions appear as the answers call for them, an emergency answer that
stops the form, a passed deadline, "How to send it" with its calendar file, a check before filing,
a bad private link, and a clinic's batch table sorted by deadline. Each asserts what the person
sees. Screenshots go to test-output/journeys/, or to $APPEALS_SCREENSHOTS_DIR (`make screenshots`
writes docs/screenshots/ that way).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest
from support.browser import live_service, running_chromium

from appeals.extensions import db
from tests.conftest import PASSWORD, make_user

ROOT = Path(__file__).resolve().parents[2]
OUTPUT = Path(os.environ.get("APPEALS_SCREENSHOTS_DIR") or ROOT / "test-output" / "journeys")
PATIENT = "Marguerite Synthetica"
CLERK = "clerk@journeys.example.test"
APPEAL_ADDRESS = "Synthetic Health Plan, Appeals Unit\nPO Box 0000\nTestville, ST 00000"
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}

pytestmark = [pytest.mark.slow, pytest.mark.chromium]


def days_ago(days: int) -> str:
    return (dt.date.today() - dt.timedelta(days=days)).isoformat()


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    def clinic_admin():
        make_user(CLERK, "Synthetic Journeys Clinic", role="admin")
        db.session.commit()

    with live_service(tmp_path_factory.mktemp("journeys"), clinic_admin) as (url, app):
        yield url, app


@pytest.fixture(scope="module")
def browser():
    with running_chromium() as chromium:
        yield chromium


@pytest.fixture(params=list(VIEWPORTS))
def page(request, browser):
    context = browser.new_context(viewport=VIEWPORTS[request.param], accept_downloads=True,
                                  java_script_enabled=False,
                                  is_mobile=request.param == "phone")
    page = context.new_page()
    page.width_name = request.param
    yield page
    context.close()


def shot(page, name: str, locator=None) -> None:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    path = str(OUTPUT / f"{name}-{page.width_name}.png")
    if locator is not None:
        locator.screenshot(path=path)
    else:
        page.screenshot(path=path, full_page=page.width_name == "desktop")


def fits_the_screen(page) -> None:
    """Nothing on the page is wider than the window (no sideways scrolling on a phone)."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"page is {width}px wide"


def yes(page, question: str, answer: str = "Yes") -> None:
    page.get_by_role("group", name=question).get_by_label(answer, exact=True).check()


def start(page, url: str, mode: str = "I was denied") -> None:
    page.goto(url + "/")
    page.get_by_label(mode).check()
    page.get_by_label("The scan that was requested").fill("72148")
    page.get_by_role("button", name="Continue").click()
    page.get_by_text("Criteria found: MRI lumbar spine").wait_for()


def fill_the_rest(page, notice_days: int = 12, denial: bool = True) -> None:
    page.get_by_label("What kind of health plan is it?").select_option(
        label="Through an employer (a job's group health plan)")
    page.get_by_label("Insurer or plan name").fill("Cigna")
    page.get_by_label("Patient's full name").fill(PATIENT)
    if denial:
        page.get_by_label("Date on the denial notice").fill(days_ago(notice_days))
        page.get_by_label("The reason for the denial").fill(
            "Not medically necessary: no record of 6 weeks of conservative treatment.")
        page.get_by_label("Where to send the appeal (address)").fill(APPEAL_ADDRESS)
        page.get_by_label("Appeal fax number").fill("555-0199")
    page.get_by_label("What the original request said").fill("Low back pain. MRI requested.")
    page.get_by_label("Your notes and records").fill("\n".join([
        f"{days_ago(120)}: Low back pain with left leg pain began after lifting.",
        f"{days_ago(110)}: Physical therapy started, twice weekly.",
        f"{days_ago(50)}: Physical therapy completed, 8 weeks, 16 visits, no improvement.",
        f"{days_ago(40)}: Follow-up visit: radicular pain persists, decreased sensation left L5 "
        "dermatome, positive straight leg raise on the left.",
    ]))


def test_patient_appeal_with_progressive_questions_and_how_to_send_it(live, page, tmp_path):
    from icalendar import Calendar
    from playwright.sync_api import expect

    url, _ = live
    start(page, url)
    questions = page.locator("#questions")
    expect(questions).not_to_contain_text("Is that weakness getting worse?")
    expect(questions).not_to_contain_text("end? (Leave blank")
    page.get_by_label("How many weeks of physical therapy").fill("8")
    yes(page, "Did a clinician examine you in person for this episode?")
    page.get_by_role("button", name="Next").click()

    # The follow-ups the answers called for, each naming what it refers to.
    expect(page.get_by_label("When did the physical therapy end?")).to_be_visible()
    yes(page, "Are your symptoms still there despite the physical therapy?")
    weakness = "Did a clinician find weakness in your leg or foot on examination?"
    expect(page.get_by_role("group", name=weakness)).to_be_visible()
    expect(questions).not_to_contain_text("Is that weakness getting worse?")
    yes(page, weakness)
    page.get_by_role("button", name="Next").click()
    worse = page.get_by_role("group", name="Is that weakness getting worse?")
    expect(worse).to_be_visible()
    expect(page.locator(".follow-up", has_text="Is that weakness getting worse?")).to_contain_text("New")
    shot(page, "form-follow-up", page.locator("#questions"))
    # Changing the answer that called for it takes the follow-up (and its answer) away again.
    yes(page, weakness, "No")

    fill_the_rest(page)
    page.get_by_role("button", name="See where I stand").click()
    page.get_by_role("heading", level=1, name="Your appeal: MRI lumbar spine").wait_for()
    expect(page.get_by_role("heading", name="Appeal now: your records meet the criteria")).to_be_visible()
    page.get_by_text("Your letter is ready").wait_for(timeout=120_000)

    steps = page.locator("#how-to-send")
    expect(steps.get_by_role("heading", name="How to send it")).to_be_visible()
    expect(steps).to_contain_text("PO Box 0000")
    expect(steps).to_contain_text("555-0199")
    expect(steps).to_contain_text("Denial notice")
    expect(steps).to_contain_text("Keep a copy")
    due = dt.date.today() + dt.timedelta(days=30)
    expect(steps).to_contain_text(f"The plan must answer by {due:%B} {due.day}, {due.year}")
    fits_the_screen(page)
    shot(page, "how-to-send", steps)

    with page.expect_download() as download:
        steps.get_by_role("link", name="Add reminders to my calendar (.ics)").click()
    saved = tmp_path / "reminders.ics"
    download.value.save_as(saved)
    events = {str(e["summary"]): e.decoded("dtstart")
              for e in Calendar.from_ical(saved.read_bytes()).walk("VEVENT")}
    assert any(s.startswith("Last day to file the appeal") for s in events)
    assert due in events.values()


def test_emergency_answer_stops_the_form(live, page):
    from playwright.sync_api import expect

    url, app = live
    start(page, url)
    yes(page, "Do you have new numbness around the groin or buttocks")
    fill_the_rest(page)
    page.get_by_role("button", name="See where I stand").click()
    panel = page.get_by_role("alert").filter(has_text="Stop: get emergency care now")
    expect(panel).to_be_visible()
    expect(panel).to_contain_text("Go to an emergency department or call 911 now")
    expect(panel).to_contain_text("bladder or bowels")
    assert page.get_by_label("Patient's full name").input_value() == PATIENT
    assert page.get_by_role("heading", level=1).inner_text().startswith("Appeal a denied scan")
    fits_the_screen(page)
    shot(page, "emergency-panel", panel)


def test_passed_deadline_leads_the_result(live, page):
    from playwright.sync_api import expect

    url, _ = live
    start(page, url)
    fill_the_rest(page, notice_days=400)
    page.get_by_role("button", name="See where I stand").click()
    # The dates put the deadline in the past: the form asks once why the appeal is late.
    reason = page.get_by_label(re.compile(r"^The deadline to appeal passed on .*Why is the "
                                          r"appeal late\?"))
    expect(reason).to_be_visible()
    reason.fill("I was in the hospital for three months and did not see the letter.")
    page.get_by_role("button", name="See where I stand").click()
    page.get_by_role("heading", level=1, name="Your appeal: MRI lumbar spine").wait_for()
    first = page.locator("main section").first
    expect(first).to_contain_text("The deadline to appeal passed on")
    expect(first).to_contain_text("late appeal for good cause")
    expect(first).to_contain_text("The letter gives the reason you typed: “I was in the "
                                  "hospital for three months")
    expect(first).to_contain_text("Ask for the scan again")
    expect(page.locator("main")).not_to_contain_text("Appeal now")
    fits_the_screen(page)
    shot(page, "deadline-passed", first)


def test_check_before_filing_speaks_its_own_words(live, page):
    from playwright.sync_api import expect

    url, _ = live
    start(page, url, mode="I haven't filed yet")
    fill_the_rest(page, denial=False)
    page.get_by_role("button", name="See where I stand").click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text("Where you stand: MRI lumbar spine")
    main = page.locator("main")
    # Once the letter is written (the page updates itself), its preview shows too: the page's own
    # words and the letter's are checked apart.
    expect(page.locator(".preview")).to_contain_text("prior-authorization request",
                                                     timeout=30_000)
    own_words = page.evaluate("""() => {
        const main = document.querySelector('main').cloneNode(true);
        main.querySelectorAll('.preview').forEach(preview => preview.remove());
        return main.innerText; }""")
    assert "How to send it" not in own_words and "send it to the plan" not in own_words
    assert "No deadline yet" in own_words
    preview = page.locator(".preview")
    expect(preview).to_contain_text("to send with the prior-authorization request")
    expect(preview).not_to_contain_text("denial notice")
    page.get_by_role("link", name="Delete this check").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Delete this check?")
    fits_the_screen(page)
    shot(page, "check-delete")


def test_bad_private_link_shows_the_sites_own_page(live, page):
    from playwright.sync_api import expect

    url, _ = live
    page.goto(url + "/a/" + "0" * 32 + "/not-the-key")
    expect(page.get_by_role("heading", level=1)).to_have_text("We cannot find that page")
    expect(page.locator("main")).to_contain_text("copied whole")
    expect(page.locator("main")).to_contain_text("retention date")
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    page.get_by_role("link", name="Start a new appeal").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Appeal a denied scan")
    page.goto(url + "/a/" + "0" * 32 + "/not-the-key")
    fits_the_screen(page)
    shot(page, "not-found")


def test_clinic_batch_table_sorted_by_deadline(live, page):
    from playwright.sync_api import expect

    from tests.bulk.test_batch_table import _store_batch

    url, app = live
    batch_id = _store_batch(app, CLERK, 30)
    page.goto(url + "/login")
    page.get_by_label("Email").fill(CLERK)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Organization")).to_be_visible()
    page.goto(f"{url}/bulk/{batch_id}")
    table = page.locator("table.batch-rows")
    table.get_by_role("link", name="Deadline").click()
    header = page.locator('th[aria-sort="ascending"]')
    expect(header).to_contain_text("Deadline")
    cells = page.locator("table.batch-rows tbody tr td.deadline").all_inner_texts()
    dates = [cell.replace("Passed", "").strip() for cell in cells]
    assert dates == sorted(dates) and len(dates) == 30
    assert cells[0].startswith("Passed") and not cells[-1].startswith("Passed")
    page.get_by_label("Deadline", exact=True).select_option(label="Passed")
    page.get_by_role("button", name="Show").click()
    passed = page.locator("table.batch-rows tbody tr td.deadline").all_inner_texts()
    assert passed and all(cell.startswith("Passed") for cell in passed)
    shot(page, "batch-table", page.locator("#rows"))
