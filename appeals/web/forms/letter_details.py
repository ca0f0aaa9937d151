"""The form's optional letter details (docs/matching-contract.md, "Details for the letter"): where
the plan's decision goes, where the denial letter says to send an appeal, the exact study, the
ordering clinician, the diagnosis codes, the advocate writing for the patient and why the appeal
is late. None is needed for a result; each makes the letter more complete. The contract checks
them (an NPI of ten digits, a CPT code, an ICD-10 code, an email address) and its complaint comes
back next to the field (intake_case.py maps the paths).

Two groups appear only where they apply (``details_called_for``): the advocate's details once the
advocate letter is chosen, the late reason once the dates typed put the
deadline in the past. Like the follow-up questions, a group appears on the next round trip.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from ...contract import PLAN_TYPES
from ...intake.rows import ADVOCATE_KEYS, LETTER_DETAIL_FIELDS
from ...matching.deadlines import deadline_for

SIDES = [("", "Not stated"), ("left", "Left"), ("right", "Right"), ("bilateral", "Both sides")]
CONTRASTS = [("", "Not stated"), ("without", "Without contrast"), ("with", "With contrast"),
             ("with_and_without", "Without and with contrast")]


def _choices(pairs):
    return [SelectChoice(value, label) for value, label in pairs]


class LetterDetailsFields:
    """Mixed into IntakeForm (WTForms collects fields from every class of the form)."""

    patient_address = TextAreaField(
        "Patient's mailing address", validators=[Optional(), Length(max=500)],
        description="Where the plan should send its decision.")
    patient_phone = StringField("Patient's phone", validators=[Optional(), Length(max=40)])

    appeal_address = TextAreaField(
        "Where to send the appeal (address)", validators=[Optional(), Length(max=500)],
        description="From your denial letter: it names the address for appeals, often a "
        "different one from the plan's main address.")
    appeal_fax = StringField(
        "Appeal fax number", validators=[Optional(), Length(max=40)],
        description="From your denial letter, if it gives a fax number for appeals.")
    denial_reviewer = StringField(
        "Company that reviewed the request", validators=[Optional(), Length(max=200)],
        description="If the denial letter names one, such as eviCore or Carelon.")

    study_cpt = StringField(
        "CPT code of the scan ordered", validators=[Optional(), Length(max=10)],
        description="Five digits, from the order or the denial letter, for example 72148.")
    study_side = SelectField("Side", choices=_choices(SIDES), validators=[Optional()])
    study_contrast = SelectField("Contrast", choices=_choices(CONTRASTS), validators=[Optional()])
    diagnosis_codes = StringField(
        "Diagnosis codes (ICD-10)", validators=[Optional(), Length(max=200)],
        description="From the order or the visit notes, separated by commas, for example "
        "M54.16, M51.16.")

    clinician_name = StringField(
        "Clinician's name", validators=[Optional(), Length(max=200)],
        description="The doctor or other clinician who ordered the scan.")
    clinician_npi = StringField(
        "Clinician's NPI", validators=[Optional(), Length(max=20)],
        description="The 10-digit National Provider Identifier, if you have it.")
    clinician_facility = StringField("Clinic or practice", validators=[Optional(), Length(max=200)])
    clinician_phone = StringField("Clinic phone", validators=[Optional(), Length(max=40)])
    clinician_fax = StringField("Clinic fax", validators=[Optional(), Length(max=40)])
    clinician_address = TextAreaField("Clinic address", validators=[Optional(), Length(max=500)])

    # Shown only where they apply (details_called_for); the page records which it showed.
    late_reason = TextAreaField(
        "Why is the appeal late?", validators=[Optional(), Length(max=1000)],
        description="The plan may still accept a late appeal for good cause. Say why in a few "
        "words, for example “I was in the hospital from October 2 to November 20” or “the "
        "denial letter went to an old address”. The letter gives it as the reason.")
    advocate_name = StringField(
        "Advocate's name", validators=[Optional(), Length(max=200)],
        description="The person writing for the patient (a family member, a friend, a patient "
        "advocate). The advocate letter is sent from them and signed by them.")
    advocate_organization = StringField(
        "Advocate's organization", validators=[Optional(), Length(max=200)],
        description="If they write for an organization.")
    advocate_phone = StringField("Advocate's phone", validators=[Optional(), Length(max=40)])
    advocate_email = StringField("Advocate's email", validators=[Optional(), Length(max=254)])
    advocate_address = TextAreaField(
        "Advocate's mailing address", validators=[Optional(), Length(max=500)],
        description="The plan is asked to send its decision there too.")
    details_shown = HiddenField()


ADVOCATE = "advocate"
LATE_REASON = "late_reason"
_GROUP_FIELDS = {ADVOCATE: [f"advocate_{key}" for key in ADVOCATE_KEYS],
                 LATE_REASON: ["late_reason"]}


# Where each detail sits on the page: after which of the form's own fields (for the error summary,
# which lists problems in the page's order).
_AFTER = {
    "member_id": ["patient_address", "patient_phone"],
    "received_date": ["late_reason"],
    "denial_text": ["appeal_address", "appeal_fax", "denial_reviewer"],
    "original_request": ["study_cpt", "study_side", "study_contrast", "diagnosis_codes",
                         "clinician_name", "clinician_npi", "clinician_facility",
                         "clinician_phone", "clinician_fax", "clinician_address"],
    "letter_template": _GROUP_FIELDS[ADVOCATE],
}
_DETAILS = {name for names in _AFTER.values() for name in names}


def in_page_order(form) -> list:
    """The form's fields in the order the page shows them (details next to their section)."""
    ordered = []
    for field in form:
        if field.name in _DETAILS:
            continue
        ordered.append(field)
        ordered.extend(form[name] for name in _AFTER.get(field.name, []))
    return ordered


def _text(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def _compact(mapping: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in mapping.items() if value is not None}


def details_into_case(form, data: dict[str, Any], with_denial: bool) -> None:
    """Add the letter details the form holds to the case dict (only the fields filled in)."""
    patient = _compact({"address": _text(form.patient_address.data),
                        "phone": _text(form.patient_phone.data)})
    if patient:
        data.setdefault("patient", {}).update(patient)
    if with_denial and "denial" in data:
        data["denial"].update(_compact({
            "reviewer": _text(form.denial_reviewer.data),
            "appeal_address": _text(form.appeal_address.data),
            "appeal_fax": _text(form.appeal_fax.data),
            "late_reason": _text(form.late_reason.data),
        }))
    advocate = _compact({key: _text(form[f"advocate_{key}"].data) for key in ADVOCATE_KEYS})
    if advocate:
        data["advocate"] = advocate
    study = _compact({"cpt": _text(form.study_cpt.data), "side": _text(form.study_side.data),
                      "contrast": _text(form.study_contrast.data)})
    if study:
        data["study"] = study
    clinician = _compact({key: _text(form[f"clinician_{key}"].data)
                          for key in ("name", "npi", "facility", "phone", "fax", "address")})
    if clinician:
        data["clinician"] = clinician
    codes = [code for code in re.split(r"[\s,;]+", form.diagnosis_codes.data or "") if code]
    if codes:
        data["diagnosis_codes"] = codes


def passed_deadline(form, today: dt.date | None = None) -> dt.date | None:
    """The appeal deadline the dates typed so far give, when it has passed (an appeal with a
    plan type and a notice date); else None. The same rule the matcher applies."""
    notice = form.notice_date.data
    if form.is_check or form.plan_type.data not in PLAN_TYPES or not isinstance(notice, dt.date):
        return None
    received = form.received_date.data if isinstance(form.received_date.data, dt.date) else None
    deadline = deadline_for(form.plan_type.data, notice, received).date
    return deadline if deadline < (today or dt.date.today()) else None


def details_called_for(form) -> list[str]:
    """The groups the page shows: the advocate's details once the advocate letter is chosen (the
    one a helper or representative asks for), the late reason once the deadline has passed; a
    group already filled in stays (nothing typed is hidden)."""
    groups = []
    if form.letter_kind.data == "advocate" or any(form[name].data
                                                   for name in _GROUP_FIELDS[ADVOCATE]):
        groups.append(ADVOCATE)
    if not form.is_check and (passed_deadline(form) or form.late_reason.data):
        groups.append(LATE_REASON)
    return groups


def new_details(form) -> list[str]:
    """Groups the answers now call for that the last page did not show."""
    before = set((form.details_shown.data or "").split())
    return [group for group in details_called_for(form) if group not in before]


_CODE_ITEM = re.compile(r"^diagnosis_codes\[(\d+)\]")


def detail_field_for(path: str) -> str | None:
    if path in LETTER_DETAIL_FIELDS:
        return LETTER_DETAIL_FIELDS[path]
    if _CODE_ITEM.match(path):
        return "diagnosis_codes"
    return None
