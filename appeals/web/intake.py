"""The intake form at `/`: a patient's appeal, or (no denial) the check before filing.

Works without JavaScript as a two-step form: choosing the scan and pressing "Continue" re-renders
the page with the criteria library's questions for it, keeping everything typed. Nothing is stored
until the whole form is valid; then the case goes to the jobs area exactly as the JSON API would
send it, and the browser is redirected to the appeal's page.
"""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, session, url_for
from flask_wtf.csrf import CSRFError

from ..access import current_principal, grant_to_session
from ..audit import record_event
from ..contract import CaseError, parse_case
from .forms.intake import MODE_CHECK, IntakeForm, build_intake_form
from .forms.letter_details import (
    ADVOCATE, LATE_REASON, details_called_for, new_details, passed_deadline,
)
from .forms.questions import emergency_answers, emergency_facts, visible_questions
from .intake_case import apply_case_errors, case_data

intake = Blueprint("intake", __name__)

# The access key of an anonymous appeal, kept in the session only until its page has shown it.
SHOWN_ONCE_KEY = "appeal_link_once"

LETTER_LABELS = {
    "patient": "A letter from me, the patient",
    "clinician": "A letter for my doctor's office to send",
    "advocate": "A letter for someone helping me (a family member or advocate)",
    "checklist": "A checklist of what to gather before asking again",
    "correction": "A request to correct the paperwork and resubmit",
}
# For a clinic (a signed-in member of an organization), the same letters in its own words.
CLINIC_LETTER_LABELS = {
    "patient": "A letter in the patient's own voice, for the patient to sign",
    "clinician": "A letter of medical necessity from our clinician",
    "advocate": "A letter from an authorized representative of the patient",
    "checklist": "A checklist of what to document before requesting again",
    "correction": "A corrected request or retro-authorization to resubmit",
}


def letter_labels(for_clinic: bool) -> dict[str, str]:
    return CLINIC_LETTER_LABELS if for_clinic else LETTER_LABELS


def _for_clinic() -> bool:
    return current_principal().organization_id is not None


def _library():
    from ..criteria import load_library

    return load_library()


def _letter_kind_choices() -> list[tuple[str, str]]:
    from ..letters import LETTER_KINDS

    labels = letter_labels(_for_clinic())
    return [(kind, labels.get(kind, kind.capitalize())) for kind in LETTER_KINDS]


def _template_choices() -> list[tuple[str, str]]:
    """The letter templates the caller may use (their own, their organization's, public ones)."""
    from ..services.letter_library import visible_templates

    return [(template.id, template.name) for template in visible_templates(current_principal())]


def _form(library, service, **kwargs) -> IntakeForm:
    form = build_intake_form(_questions(library, service), letter_kinds=_letter_kind_choices(),
                             templates=_template_choices(), **kwargs)
    _show_questions(form, library)
    return form


def _show_questions(form: IntakeForm, library) -> None:
    """Which questions the answers so far call for (form.shown_questions), each labelled with
    what it refers to; a follow-up not called for keeps no error and sends no answer."""
    form.shown_questions = visible_questions(form.question_fields, library.vocabulary.concepts)
    for entry in form.shown_questions:
        entry.field.label.text = entry.label


def _hide_unasked_errors(form: IntakeForm) -> None:
    shown = {entry.field.name for entry in form.shown_questions}
    for field, _ in form.question_fields:
        if field.name not in shown:
            field.errors = []


def _emergencies(form: IntakeForm, service) -> list:
    if service is None:
        return []
    return emergency_answers(form.shown_questions, service.emergency_signs)


def _service_options(library) -> list[dict]:
    """The <datalist> entries: every service by name, its codes as the visible hint."""
    options = []
    for service in library.services:
        codes = ", ".join(getattr(service, "codes", None) or [])
        options.append({"value": service.name, "label": f"CPT {codes}" if codes else ""})
    return sorted(options, key=lambda option: option["value"])


def _questions(library, service) -> list:
    return list(library.questions(service)) if service is not None else []


def _resolve(library, text: str | None):
    text = (text or "").strip()
    if not text:
        return None
    return library.resolve(text)


def _not_found_message(library, text: str) -> str:
    suggestions = []
    try:
        suggestions = [service.name for service in library.search(text)][:3]
    except Exception:  # a failed search only loses the suggestions
        suggestions = []
    message = (f"We don't have criteria for “{text[:80]}”. Type the scan's name as it appears "
               "in the list, or its 5-digit CPT code.")
    if suggestions:
        message += " Did you mean: " + "; ".join(suggestions) + "?"
    return message


def _render(form: IntakeForm, library, service, status: int = 200, notice: str | None = None,
            focus_questions: bool = False, new_questions=(), new_groups=()):
    # What this page shows is recorded in the page, so the next submit knows what is new.
    form.questions_shown.data = " ".join(entry.field.name for entry in form.shown_questions)
    details = details_called_for(form)
    form.details_shown.data = " ".join(details)
    passed = passed_deadline(form)
    if passed is not None:
        form.late_reason.label.text = (f"The deadline to appeal passed on "
                                       f"{passed:%B} {passed.day}, {passed.year}. Why is the "
                                       "appeal late?")
    emergencies = _emergencies(form, service)
    return render_template(
        "intake/form.html",
        form=form,
        service=service,
        service_options=_service_options(library),
        notice=notice,
        emergencies=emergencies if not form.emergency_seen.data else [],
        emergency_facts=emergency_facts(service.emergency_signs) if service else set(),
        new_questions={entry.field.name for entry in new_questions},
        details=set(details), new_details=set(new_groups),
        # After "Continue" the page opens at the new questions, not back at the top.
        focus_questions=focus_questions and not form.error_list() and not new_questions,
    ), status


@intake.route("/", methods=["GET", "POST"])
def start():
    library = _library()
    if request.method == "GET":
        if request.args.get("draft"):
            # Hook for "Start from your documents" (appeals/web/documents.py): the fields the
            # person confirmed there fill the form; they still check it and submit it here.
            from .documents import intake_form_data

            formdata = intake_form_data(request.args["draft"])
            if formdata is not None:
                service = _resolve(library, formdata.get("service"))
                form = _form(library, service, formdata=formdata)
                if service is not None:
                    form.questions_for.data = service.id
                return _render(form, library, service)
        form = _form(library, None, formdata=None)
        if request.args.get("mode") == MODE_CHECK:
            form.mode.data = MODE_CHECK
        return _render(form, library, None)

    typed_service = request.form.get("service", "")
    service = _resolve(library, typed_service)
    form = _form(library, service)
    if form.emergency_continue.data:
        # The person has read the emergency panel; the form goes on from where it was.
        form.emergency_seen.data = "1"
    continuing = (bool(form.continue_.data) or bool(form.emergency_continue.data)) \
        and not form.submit.data

    if continuing:
        # Step one: only the scan is checked; the rest is not judged before the person is done.
        # (The CSRF token was already checked by CSRFProtect before this view ran.)
        if service is None:
            form.add_error("service", _not_found_message(library, typed_service.strip())
                           if typed_service.strip() else "Enter the scan: its name or its CPT code.")
            return _render(form, library, None, 422)
        first_time = form.questions_for.data != service.id
        form.questions_for.data = service.id
        return _render(form, library, service, focus_questions=first_time,
                       new_questions=_new_follow_ups(form) if not first_time else ())

    valid = form.validate_on_submit()
    _hide_unasked_errors(form)
    if service is None and typed_service.strip() and not form.service.errors:
        form.add_error("service", _not_found_message(library, typed_service.strip()))
        valid = False
    if service is not None and form.questions_for.data != service.id and form.question_fields:
        # The questions for this scan have not been on the page yet: show them before filing.
        form.questions_for.data = service.id
        return _render(form, library, service, 200 if valid else 422,
                       notice=f"Answer the questions about {service.name} below if you can, "
                       "then submit again.")
    if _emergencies(form, service) and not form.emergency_seen.data:
        # An emergency answer stops the form: the panel says what to do first.
        return _render(form, library, service, 200)
    new_questions = _new_follow_ups(form)
    if new_questions:
        return _render(form, library, service, 200, new_questions=new_questions,
                       notice="Your answers call for "
                       + ("a follow-up question" if len(new_questions) == 1 else
                          f"{len(new_questions)} follow-up questions")
                       + ", marked “New” below. Answer if you can, then submit again.")
    groups = new_details(form)
    if groups:
        # Details that apply now (the advocate letter chosen, a deadline passed) are asked for
        # once before filing; they stay optional.
        return _render(form, library, service, 200 if valid else 422, new_groups=groups,
                       notice=" ".join(DETAIL_NOTICES[group] for group in groups))
    if not valid:
        return _render(form, library, service, 422)

    data, notes = case_data(form, service.id)
    try:
        case = parse_case(data)
    except CaseError as error:
        apply_case_errors(form, error, notes)
        return _render(form, library, service, 422)
    from ..services import appeals as appeal_service
    from ..services.letter_library import resolve_template_for

    principal = current_principal()
    version_id = None
    if form.letter_template.data:
        try:
            # The exact version is recorded, so the letter says which one it used.
            version_id, _ = resolve_template_for(principal, form.letter_template.data)
        except LookupError as error:
            form.add_error("letter_template", str(error))
            return _render(form, library, service, 422)
    try:
        return _submit(case, form.letter_kind.data or None, version_id)
    except appeal_service.SubmissionError as error:
        fields = {"letter": "letter_kind", "template": "letter_template"}
        for item in error.errors:
            form.add_error(fields.get(item["field"]), item["message"])
        return _render(form, library, service, 422)


DETAIL_NOTICES = {
    LATE_REASON: "The deadline to appeal has passed: say why the appeal is late below, marked "
                 "“New”, if you can (the letter asks the plan to accept it for good cause), "
                 "then submit again.",
    ADVOCATE: "The advocate letter is sent from the person writing for the patient: add their "
              "name and how to reach them below, marked “New”, or leave them blank to fill in "
              "by hand, then submit again.",
}


def _new_follow_ups(form: IntakeForm) -> list:
    """Follow-up questions the answers now call for that the last page did not show."""
    before = set((form.questions_shown.data or "").split())
    return [entry for entry in form.shown_questions
            if entry.follow_up and entry.field.name not in before]


def _submit(case, kind: str | None, template_version_id: str | None):
    from ..services import appeals as appeal_service

    principal = current_principal()
    appeal = appeal_service.submit_appeal(case, kind=kind, template_version_id=template_version_id,
                                principal=principal)
    if principal.is_anonymous:
        key = appeal_service.create_anonymous_access(appeal)
        grant_to_session(appeal)
        session[SHOWN_ONCE_KEY] = {"appeal_id": appeal.id, "key": key}
    record_event("created", appeal)
    return redirect(url_for("appeal_pages.show", appeal_id=appeal.id), code=303)


@intake.get("/check")
def check():
    """A direct address for the check before filing."""
    return redirect(url_for("intake.start", mode=MODE_CHECK))


@intake.errorhandler(CSRFError)
def _csrf_failed(error):
    """An expired or missing form token: show the form again with everything typed, not a bare
    error page, so nothing is lost; the new page carries a fresh token."""
    library = _library()
    service = _resolve(library, request.form.get("service"))
    form = _form(library, service)
    form.add_error(None, "This form had expired, so nothing was sent. Check your answers and "
                   "submit again.")
    return _render(form, library, service, 400)
