"""Fixtures for the web pages: an app whose letter jobs run in-process (Celery eager mode), so a
form post renders its letter before the redirect; HTML helpers that find a field's error the way
a screen reader does (through aria-describedby)."""

from __future__ import annotations

import datetime as dt

import lxml.html
import pytest
from sqlalchemy import func, select

from appeals.app import create_app
from appeals.criteria import load_library
from appeals.extensions import db
from appeals.models import Appeal

# The synthetic patient every web test uses (no real person).
PATIENT_NAME = "Rosalind Testpatient"


def make_app(tmp_path, **overrides):
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(tmp_path / "web.sqlite"),
        "WTF_CSRF_ENABLED": False,
        "EMBEDDED_BROKER_URL": "sqla+sqlite:///" + str(tmp_path / "broker.sqlite"),
        "CELERY": {"task_always_eager": True},
    }
    config.update(overrides)
    app = create_app(config)
    with app.app_context():
        db.create_all()
    return app


@pytest.fixture
def app(tmp_path):
    return make_app(tmp_path)


def appeal_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Appeal))


def days_ago(days: int) -> str:
    return (dt.date.today() - dt.timedelta(days=days)).isoformat()


def valid_form(**changes) -> dict:
    """A complete appeal for a lumbar MRI whose records meet the usual criteria."""
    form = {
        "mode": "appeal",
        "service": "72148",
        "plan_type": "employer",
        "payer": "Synthetic Health Plan",
        "patient_name": PATIENT_NAME,
        "patient_dob": "1971-04-09",
        "member_id": "SYN123456",
        "notice_date": days_ago(10),
        "received_date": days_ago(7),
        "denial_reference": "REF-0001",
        "denial_code": "CO-50",
        "denial_text": "The request did not show 6 weeks of conservative treatment. "
                       "Not medically necessary.",
        "original_request": "Low back pain radiating to the left leg. MRI requested.",
        "documentation": "\n".join([
            f"{days_ago(120)}: Low back pain with left leg pain began after lifting.",
            f"{days_ago(110)}: Physical therapy started, twice weekly.",
            f"{days_ago(50)}: Physical therapy completed, 8 weeks, 16 visits, no improvement.",
            f"{days_ago(40)}: Follow-up visit: radicular pain persists, decreased sensation "
            "left L5 dermatome, positive straight leg raise on the left.",
        ]),
        "documentation_source": "Synthetic Clinic visit notes",
        "letter_kind": "",
        "submit": "See where I stand",
    }
    form.update(changes)
    return form


def parse(response):
    return lxml.html.fromstring(response.get_data(as_text=True))


def errors_for(tree, field_id: str) -> list[str]:
    """The error messages announced for a field: those its aria-describedby (or, for a radio
    group, its fieldset's) points to and that are marked as errors."""
    elements = tree.xpath(f'//*[@id="{field_id}"]')
    assert elements, f"no element with id {field_id!r} on the page"
    element = elements[0]
    described = element.get("aria-describedby")
    if described is None:  # a radio option: the group's fieldset carries the description
        group = element.xpath("ancestor::fieldset[1]")
        described = group[0].get("aria-describedby") if group else None
    messages = []
    for ref in (described or "").split():
        target = tree.xpath(f'//*[@id="{ref}"]')
        if target and "error-message" in (target[0].get("class") or ""):
            messages.append(target[0].text_content().replace("Error: ", "", 1).strip())
    return messages


def summary_links(tree) -> dict[str, str]:
    """The error summary's links: target id -> text."""
    summary = tree.xpath('//*[@role="alert" and contains(@class, "error-summary")]')
    if not summary:
        return {}
    return {a.get("href").lstrip("#"): a.text_content().strip() for a in summary[0].xpath(".//a")}


def field_value(tree, name: str):
    """What the page shows in a field: an input's value, a textarea's text, the selected option,
    or the checked radio."""
    elements = tree.xpath(f'//*[@name="{name}"]')
    assert elements, f"no field named {name!r}"
    first = elements[0]
    if first.tag == "textarea":
        return (first.text or "").removeprefix("\r\n").removeprefix("\n")
    if first.tag == "select":
        selected = first.xpath(".//option[@selected]")
        return selected[0].get("value") if selected else None
    if first.get("type") == "radio":
        checked = [e.get("value") for e in elements if e.get("checked") is not None]
        return checked[0] if checked else None
    return first.get("value")


def lumbar_service():
    service = load_library().resolve("72148")
    assert service is not None, "the criteria library should know CPT 72148"
    return service


def question_of_type(kind: str, service=None):
    """The first question of a kind that the form asks before any answer (not a follow-up)."""
    from types import SimpleNamespace

    from appeals.web.forms.questions import visible_questions

    library = load_library()
    service = service or lumbar_service()
    empty = [(SimpleNamespace(data=None), q) for q in library.questions(service)]
    asked = {id(entry.question) for entry in visible_questions(empty, library.vocabulary.concepts)}
    for question in library.questions(service):
        if question.type == kind and id(question) in asked:
            return question
    raise AssertionError(f"{service.name} has no {kind} question")


def with_questions_shown(**changes):
    """A form that has already shown the lumbar MRI's questions (step two)."""
    return valid_form(questions_for=lumbar_service().id, **changes)
