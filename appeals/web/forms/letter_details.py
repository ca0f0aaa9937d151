"""The form's optional letter details (docs/matching-contract.md, "Details for the letter"): where
the plan's decision goes, where the denial letter says to send an appeal, the exact study, the
ordering clinician and the diagnosis codes. None is needed for a result; each makes the letter
more complete. The contract checks them (an NPI of ten digits, a CPT code, an ICD-10 code) and its
complaint comes back next to the field (intake_case.py maps the paths).
"""

from __future__ import annotations

import re
from typing import Any

from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from ...intake.rows import LETTER_DETAIL_FIELDS

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


# Where each detail sits on the page: after which of the form's own fields (for the error summary,
# which lists problems in the page's order).
_AFTER = {
    "member_id": ["patient_address", "patient_phone"],
    "denial_text": ["appeal_address", "appeal_fax", "denial_reviewer"],
    "original_request": ["study_cpt", "study_side", "study_contrast", "diagnosis_codes",
                         "clinician_name", "clinician_npi", "clinician_facility",
                         "clinician_phone", "clinician_fax", "clinician_address"],
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
        }))
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


_CODE_ITEM = re.compile(r"^diagnosis_codes\[(\d+)\]")


def detail_field_for(path: str) -> str | None:
    if path in LETTER_DETAIL_FIELDS:
        return LETTER_DETAIL_FIELDS[path]
    if _CODE_ITEM.match(path):
        return "diagnosis_codes"
    return None
