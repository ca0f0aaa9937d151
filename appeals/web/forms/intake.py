"""The intake form: what a patient types, turned into the same contract Case the JSON API accepts.

The form checks what a person can get wrong while typing (a missing plan type, a date that is not
a date, a date in the future); everything else is the contract's job: the form builds the case as a
plain dict and hands it to ``appeals.contract.parse_case``, and any CaseError is mapped back onto
the field it names. So the form can never produce a case the API would refuse, and the rules live
in one place.

The criteria library's plain questions for the chosen service become extra fields, named
``q_<question id>``, added to a per-request subclass (WTForms fields are declared on the class).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional, StopValidation, ValidationError

from ...contract import PLAN_TYPES
from .letter_details import LetterDetailsFields, in_page_order

PLAN_LABELS = {
    "employer": "Through an employer (a job's group health plan)",
    "marketplace": "Bought myself (Healthcare.gov or a state marketplace)",
    "government_employer": "Through a state or local government job (teacher, city or county worker)",
    "medicare_advantage": "Medicare Advantage (a private Medicare plan)",
    "medicaid": "Medicaid",
    "other": "Other or not sure",
}
assert set(PLAN_LABELS) == set(PLAN_TYPES), "every contract plan type needs a label"

def as_choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms choices."""
    return [SelectChoice(value, label) for value, label in pairs]


MODE_APPEAL = "appeal"
MODE_CHECK = "check"

DATE_HINT = "Enter the date as YYYY-MM-DD, for example 2025-03-14."


# ---------------------------------------------------------------------------------------------
# Fields and validators


class IsoDateField(DateField):
    """A date as a browser's date input sends it (YYYY-MM-DD), with an error a person can act on."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, format="%Y-%m-%d", **kwargs)

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        text = valuelist[0].strip()
        try:
            self.data = dt.date.fromisoformat(text) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) else None
        except ValueError:
            self.data = None
        if self.data is None:
            raise ValueError(f"“{text[:40]}” is not a date. {DATE_HINT}")


class RequiredRadioField(RadioField):
    """Radio buttons whose "nothing chosen" gets only the field's own required message, not also
    WTForms' "Not a valid choice"."""

    def pre_validate(self, form):
        if self.data in (None, ""):
            return
        super().pre_validate(form)


def not_in_future(what: str):
    def check(form, field):
        if field.data and field.data > dt.date.today():
            raise ValidationError(f"{what} cannot be in the future.")

    return check


def denial_only(required_message: str | None = None):
    """For the denial's fields: checked (and, with a message, required) only when the patient was
    denied; for a check before filing they are ignored, whatever they hold."""

    def check(form, field):
        if form.mode.data != MODE_APPEAL:
            field.errors[:] = []
            raise StopValidation()
        if field.errors:  # not a date: that message is enough
            raise StopValidation()
        if required_message and field.data in (None, ""):
            raise StopValidation(required_message)

    return check


def not_before_notice(form, field):
    if form.mode.data == MODE_APPEAL and field.data and form.notice_date.data:
        if field.data < form.notice_date.data:
            raise ValidationError("The day you received the notice cannot be before its date.")


# ---------------------------------------------------------------------------------------------
# The form


class IntakeForm(FlaskForm, LetterDetailsFields):
    mode = RequiredRadioField(
        "What do you need?",
        choices=as_choices([
            (MODE_APPEAL, "I was denied: help me appeal"),
            (MODE_CHECK, "I haven't filed yet: check where I stand before I file"),
        ]),
        default=MODE_APPEAL,
        validators=[InputRequired("Choose whether you were denied or haven't filed yet.")],
    )
    service = StringField(
        "The scan that was requested",
        validators=[InputRequired("Enter the scan: its name or its CPT code."), Length(max=200)],
        description="Start typing its name or its 5-digit CPT code (on the denial letter), "
        "for example “MRI lumbar spine” or 72148.",
    )
    # The library id of the service whose questions the page showed (two-step form without JS).
    questions_for = HiddenField()
    # The ids of the questions the page showed (a follow-up appears on the next round trip), and
    # whether the person has seen the emergency panel their answers called for.
    questions_shown = HiddenField()
    emergency_seen = HiddenField()

    plan_type = SelectField(
        "What kind of health plan is it?",
        choices=as_choices([("", "Choose one…")] + [(key, PLAN_LABELS[key]) for key in PLAN_TYPES]),
        validators=[InputRequired("Choose the kind of health plan.")],
        description="It decides your deadline and who reviews the appeal.",
    )
    payer = StringField(
        "Insurer or plan name",
        validators=[Optional(), Length(max=200)],
        description="As it appears on the insurance card or the denial letter.",
    )
    patient_name = StringField(
        "Patient's full name",
        validators=[Length(max=200)],
        description="The person the scan is for.",
    )
    patient_dob = IsoDateField(
        "Patient's date of birth",
        validators=[Optional(), not_in_future("The date of birth")],
    )
    member_id = StringField(
        "Member ID",
        validators=[Optional(), Length(max=100)],
        description="From the insurance card.",
    )
    notice_date = IsoDateField(
        "Date on the denial notice",
        validators=[
            denial_only("Enter the date printed on the denial notice."),
            not_in_future("The notice date"),
        ],
    )
    received_date = IsoDateField(
        "Date you received it",
        validators=[denial_only(), Optional(), not_in_future("The day you received it"),
                    not_before_notice],
        description="Leave empty if it is the same as the notice date.",
    )
    denial_reference = StringField(
        "Case or reference number",
        validators=[denial_only(), Optional(), Length(max=100)],
    )
    denial_code = StringField(
        "Denial code",
        validators=[denial_only(), Optional(), Length(max=50)],
        description="If the letter shows one, such as CO-50, 197 or N115.",
    )
    denial_text = TextAreaField(
        "The reason for the denial",
        validators=[denial_only(), Optional(), Length(max=20_000)],
        description="Copy the reason from the denial letter, word for word if you can.",
    )
    original_request = TextAreaField(
        "What the original request said",
        validators=[Optional(), Length(max=50_000)],
        description="The reasons the doctor's office gave when it asked for the scan, if you know them.",
    )
    documentation = TextAreaField(
        "Your notes and records",
        validators=[Optional()],
        description="One note per line: treatments tried, visits, test results. Start a line with a "
        "date to date it, for example “2025-02-10: Physical therapy ended after 14 visits, no "
        "improvement”.",
    )
    documentation_source = StringField(
        "Where these notes come from",
        validators=[Optional(), Length(max=200)],
        description="For example “Dr. Lee's visit notes” or “Physical therapy records”.",
    )
    letter_kind = SelectField("Which letter do you want?", validators=[Optional()])
    letter_template = SelectField(
        "Letter template",
        validators=[Optional()],
        description="A template from your organization's library; the built-in letter fits most "
        "cases.",
    )

    continue_ = SubmitField("Continue")
    emergency_continue = SubmitField("I understand: continue")
    submit = SubmitField("See where I stand")

    # Set by build_intake_form: [(field, question)] for the chosen service's questions.
    question_fields: list = []

    def validate_patient_name(self, field):
        # A letter must say who is appealing; a check before filing can do without.
        if self.mode.data == MODE_APPEAL and not (field.data or "").strip():
            raise StopValidation("Enter the patient's name: the letter is written for them.")

    def validate_documentation(self, field):
        _, errors = parse_documentation(field.data)
        field.errors.extend(errors)

    @property
    def is_check(self) -> bool:
        return self.mode.data == MODE_CHECK

    def add_error(self, field_name: str | None, message: str) -> None:
        """Attach an error found after validate() (service lookup, the contract) to a field."""
        if field_name and field_name in self._fields:
            field = self._fields[field_name]
            field.errors = list(field.errors) + [message]
        else:
            self.form_errors.append(message)

    def error_list(self) -> list[tuple[Any, str]]:
        """(field or None, message) for the summary at the top, in the order of the page: the
        service's questions come right after the service."""
        questions = [field for field, _ in self.question_fields]
        ordered = []
        for field in in_page_order(self):
            if field in questions:
                continue
            ordered.append(field)
            if field is self.service:
                ordered.extend(questions)
        found = [(None, message) for message in self.form_errors]
        for field in ordered:
            found.extend((field, message) for message in field.errors)
        return found


# ---------------------------------------------------------------------------------------------
# The chosen service's questions as fields


def read_attr(obj: Any, key: str, default: Any = None) -> Any:
    """Questions and services may be objects or dicts; read either."""
    if isinstance(obj, dict):
        return obj.get(key, default)
    return getattr(obj, key, default)


def _choice_pairs(choices) -> list[tuple[str, str]]:
    pairs = []
    for choice in choices or []:
        if isinstance(choice, (list, tuple)) and len(choice) == 2:
            pairs.append((str(choice[0]), str(choice[1])))
        elif isinstance(choice, dict) or hasattr(choice, "value"):
            value = read_attr(choice, "value", read_attr(choice, "id"))
            pairs.append((str(value), str(read_attr(choice, "label", read_attr(choice, "text", value)))))
        else:
            pairs.append((str(choice), str(choice)))
    return pairs


YES_NO_CHOICES = [("yes", "Yes"), ("no", "No"), ("", "I don't know")]


def question_field_name(question_id: str) -> str:
    return "q_" + re.sub(r"[^0-9A-Za-z_]", "_", question_id)


def _question_field(question):
    label = read_attr(question, "text")
    help_text = read_attr(question, "help") or ""
    kind = read_attr(question, "type")
    if kind == "yes_no":
        return RadioField(label, choices=as_choices(YES_NO_CHOICES), default="", validators=[Optional()],
                          description=help_text)
    if kind == "choice":
        pairs = _choice_pairs(read_attr(question, "choices"))
        return RadioField(label, choices=as_choices(pairs + [("", "I don't know")]), default="",
                          validators=[Optional()], description=help_text)
    if kind == "date":
        return IsoDateField(label, validators=[Optional(), not_in_future("This date")],
                            description=help_text)
    if kind == "number" and read_attr(question, "nodule") == "size_mm":
        return StringField(label, validators=[Optional(), _is_number, _nodule_size], description=help_text)
    if kind == "number":
        return StringField(label, validators=[Optional(), _is_number], description=help_text)
    return StringField(label, validators=[Optional(), Length(max=2000)], description=help_text)


def _is_number(form, field):
    if parse_number(field.data) is None:
        raise ValidationError(f"“{(field.data or '')[:40]}” is not a number. Enter digits only, like 6.")


MAX_NODULE_MM = 100  # as the matcher reads it: larger is a mass, or a typing slip


def _nodule_size(form, field):
    size = parse_number(field.data)
    if size is not None and not 0 < size <= MAX_NODULE_MM:
        raise ValidationError(f"Enter the size in millimetres, more than 0 and at most {MAX_NODULE_MM}, "
                              "like 7. If the report gives centimetres, 1 cm is 10 mm.")


def parse_number(text: str | None) -> int | float | None:
    text = (text or "").strip()
    if not re.fullmatch(r"-?\d+(\.\d+)?", text):
        return None
    value = float(text)
    return int(value) if value.is_integer() else value


def build_intake_form(questions=(), *, letter_kinds=(), templates=(), **kwargs) -> IntakeForm:
    """An IntakeForm with one field per question (the chosen service's), the letter kinds and
    the letter templates the person may use (id, name)."""
    attrs = {}
    names = []
    for question in questions:
        name = question_field_name(str(read_attr(question, "id")))
        if name in attrs or name in IntakeForm.__dict__:
            continue
        attrs[name] = _question_field(question)
        names.append((name, question))
    form_class = type("ServiceIntakeForm", (IntakeForm,), attrs)
    form = form_class(**kwargs)
    form.letter_kind.choices = as_choices(
        [("", "The one that fits my result (recommended)")] + list(letter_kinds))
    form.letter_template.choices = as_choices([("", "The built-in letter")] + list(templates))
    form.question_fields = [(form[name], question) for name, question in names]
    return form


# ---------------------------------------------------------------------------------------------
# The notes, one per line


@dataclass
class DocumentationLine:
    line_number: int
    text: str
    date: str | None


_DATED_LINE = re.compile(r"^(\d{4}-\d{1,2}-\d{1,2})\s*[:\-–—,]?\s*(.*)$")


def parse_documentation(text: str | None) -> tuple[list[DocumentationLine], list[str]]:
    """Each non-empty line is a note; a leading YYYY-MM-DD dates it. Returns (notes, errors)."""
    notes: list[DocumentationLine] = []
    errors: list[str] = []
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip().lstrip("•*-– ").strip()
        if not line:
            continue
        match = _DATED_LINE.match(line)
        date = None
        if match:
            try:
                date = dt.date.fromisoformat(
                    "-".join(part.zfill(2) for part in match.group(1).split("-"))
                ).isoformat()
            except ValueError:
                errors.append(f"Line {number}: “{match.group(1)}” is not a real date. {DATE_HINT}")
                continue
            if dt.date.fromisoformat(date) > dt.date.today():
                errors.append(f"Line {number}: the date {date} is in the future.")
                continue
            line = match.group(2).strip()
            if not line:
                errors.append(f"Line {number}: there is a date but no note after it.")
                continue
        notes.append(DocumentationLine(number, line, date))
    return notes, errors
