"""The letter context: every variable a letter template may use, with its type and an example.

One schema for the built-in templates and the ones advocates upload. :func:`build_context`
(context.py) fills it from a case and its match result; :func:`context_variables` flattens it for
the variables reference page and for "did you mean" suggestions at upload.

Conventions a template author can rely on:
- every text is a string; a value that was not given is the empty string (never "None"), so
  ``{{ patient.member_id or "________" }}`` prints a fill-in line;
- dates are written out ("March 4, 2026"); the few that scripts need also come as ``..._iso``;
- lists are always present (possibly empty), so ``{% for %}`` never fails;
- ``present`` flags say whether an optional block applies (``{%p if deadline.present %}``).
- Warnings from the matcher (contradictions between documents) are deliberately NOT in the
  context: they are for the person preparing the letter, not for the insurer.
"""

from __future__ import annotations

import types
import typing
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from .schema_details import (
    AdvocateContext, BillDisputeContext, ClinicianContext, CoverContext, ReasonContext, StudyContext,
    SummaryContext,
)


def _f(description: str, example: Any, **kwargs: Any) -> Any:
    return Field(description=description, examples=[example], **kwargs)


class _Ctx(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PatientContext(_Ctx):
    name: str = _f("The patient's full name; empty when not given.", "Alex Rivera")
    date_of_birth: str = _f("Date of birth, written out; empty when not given.", "March 4, 1971")
    date_of_birth_iso: str = _f("Date of birth as YYYY-MM-DD; empty when not given.",
                                "1971-03-04")
    age: str = _f("Age in years; empty when neither age nor date of birth was given.", "54")
    sex: str = _f("Sex as given; empty when not given.", "female")
    member_id: str = _f("Member (subscriber) ID on the insurance card; empty when not given.",
                        "XKJ123456789")
    address: str = _f("Where the plan sends its decision; empty when not given.",
                      "12 Example Lane, Springfield, IL 62701")
    phone: str = _f("The patient's phone; empty when not given.", "(555) 010-2030")


class PlanContext(_Ctx):
    type: str = _f("Plan type code from the case: employer, marketplace, government_employer, "
                   "medicare_advantage, medicaid or other.", "employer")
    type_label: str = _f("The plan type in words.", "employer group health plan, ERISA")
    payer: str = _f("The payer or plan name as the user wrote it; empty when not given.",
                    "Acme Health")
    name: str = _f("The plan's name (a reviewer named in brackets is moved to "
                   "``plan.reviewer``), or \"your health plan\" when not given (never empty).",
                   "Acme Health")
    reviewer: str = _f("The company that reviewed for the plan; may be empty.", "eviCore")
    rules: str = _f("Which appeal rules apply: erisa, aca, medicare_advantage, medicaid or other.",
                    "erisa")


class DenialContext(_Ctx):
    present: bool = _f("True when there is a denial; false for a check before filing.", True)
    reference: str = _f("The case or reference number on the denial notice; may be empty.",
                        "PA-2026-0042")
    notice_date: str = _f("Date on the denial notice, written out.", "March 2, 2026")
    notice_date_iso: str = _f("Date on the denial notice as YYYY-MM-DD.", "2026-03-02")
    received_date: str = _f("Date the notice was received, written out; empty unless the case "
                            "gave it.", "March 5, 2026")
    appeal_address: str = _f("Where the denial says to send an appeal; may be empty.",
                             "Appeals Unit, PO Box 188011, Chattanooga, TN 37422")
    appeal_fax: str = _f("The appeal fax number on the denial; may be empty.", "(555) 010-9900")
    code: str = _f("Adjustment/remark code on the denial; may be empty.", "CO-50")
    text: str = _f("The denial reason as the notice words it; may be empty.",
                   "Conservative treatment not documented.")
    category: str = _f("medical_necessity, missing_information, no_authorization, coding, "
                       "benefit_exclusion, eligibility or other; empty without a denial.",
                       "medical_necessity")
    category_label: str = _f("The category in words.", "not medically necessary")


class ServiceContext(_Ctx):
    name: str = _f("The service the criteria apply to.", "MRI lumbar spine without contrast")
    codes: list[str] = _f("Its CPT codes.", ["72148"])
    cpt: str = _f("The CPT code requested (the case's code when it names one, else the first); "
                  "may be empty.", "72148")
    description: str = _f("Name with the requested CPT code(s), for a sentence.",
                          "MRI lumbar spine without contrast (CPT 72148)")


class PolicyContext(_Ctx):
    present: bool = _f("True when published criteria apply (false for no_criteria).", True)
    title: str = _f("Title of the published criteria document.", "Spine Imaging Guidelines")
    source: str = _f("Who publishes it.", "eviCore")
    section: str = _f("Section id; may be empty.", "SP.LB.0005.1.A")
    version: str = _f("Version and effective date; may be empty.", "V1.0.2026")
    url: str = _f("Where it is published; may be empty.", "https://www.evicore.com/")
    citation: str = _f("Source, title, version and section in one phrase.",
                       "eviCore Spine Imaging Guidelines V1.0.2026, section SP.LB.0005.1.A")


class PathwayContext(_Ctx):
    id: str = _f("Id of the criteria pathway applied; may be empty.", "lbp-conservative")
    title: str = _f("Title of the pathway the documentation meets (or comes closest to).",
                    "Low back pain after 6 weeks of provider-directed treatment")


class EvidenceContext(_Ctx):
    quote: str = _f("The exact words from the records that meet the requirement.",
                    "Physical therapy 2025-12-16 to 2026-02-10, 14 visits, no improvement")
    date: str = _f("Date of the record, written out, or \"undated\".", "February 10, 2026")
    date_iso: str = _f("Date as YYYY-MM-DD; empty when undated.", "2026-02-10")
    source: str = _f("The record it comes from.", "Physical therapy discharge summary")
    enclosure: str = _f("Where it is enclosed with the letter, or where the plan already has it.",
                        "Enclosure 2")
    in_original_request: bool = _f("True when the original request already showed this.", False)
    is_statement: bool = _f("True when this is the patient's own answer on the form (their "
                            "statement, not a clinical record).", False)


class RequirementContext(_Ctx):
    number: int = _f("1-based number among the listed requirements.", 1)
    id: str = _f("Requirement id in the criteria library.", "conservative-care-6wk")
    kind: str = _f("red_flag, conservative_care, follow_up, prior_imaging or clinical_finding.",
                   "conservative_care")
    kind_label: str = _f("The kind in words.", "conservative treatment")
    text: str = _f("The requirement as the criteria word it.",
                   "Failure of a 6-week trial of provider-directed treatment")
    status: str = _f("met_in_request, omitted or unmet.", "omitted")
    status_label: str = _f("The status in words.", "met, but left out of the original request")
    evidence: list[EvidenceContext] = _f("The evidence that meets it (empty when unmet).", [])
    evidence_text: str = _f("The evidence in one line: quotes with dates and sources.",
                            "\"Physical therapy ... no improvement\" (Physical therapy "
                            "discharge summary, February 10, 2026)")
    enclosed_in: str = _f("Where its evidence is enclosed, in one phrase.", "Enclosure 2")
    met_items: str = _f("For an \"any of\" requirement, which of its items the records meet; "
                        "else empty.", "positive straight-leg raise; dermatomal sensory loss")
    needed: str = _f("For an unmet requirement, what to obtain, in plain words; else empty.",
                     "Six weeks of physical therapy directed by a clinician")
    obtain_from: str = _f("For an unmet requirement, who can provide it; else empty.",
                          "your physical therapist or the clinician who prescribed treatment")


class AppealContext(_Ctx):
    level: str = _f("The review asked for, in words.", "internal appeal")
    title: str = _f("Heading of the letter.",
                    "Request for an expedited (72-hour) internal appeal")
    expedited: bool = _f("True when a 72-hour expedited review is requested.", False)
    decision_time: str = _f("How soon the plan must decide this request.", "30 days")
    expedited_basis: str = _f("The rule that makes a clinician-supported urgent request "
                              "expedited; may be empty.", "42 CFR 422.584")
    request: str = _f("The sentence asking for the review, in the patient's voice.",
                      "I am asking you to review and reverse your decision.")


class EmergencyContext(_Ctx):
    present: bool = _f("True when the symptoms call for emergency care now.", False)
    notice: str = _f("What the reader must do first, in plain words; empty when not an emergency.",
                     "These symptoms need emergency care now: go to the nearest emergency "
                     "department or call 911. Emergency care does not need prior authorization.")
    plan_notice: str = _f("The same point addressed to the plan, with its legal basis.",
                          "Emergency services do not require prior authorization "
                          "(45 CFR 147.138(b)).")
    symptoms: list[str] = _f("The red-flag findings behind it, quoted from the records.",
                             ["new urinary retention and saddle numbness"])


class RightContext(_Ctx):
    text: str = _f("A right or request to assert, in one sentence.",
                   "Free copies of all documents relevant to my claim, including the criteria "
                   "used.")
    basis: str = _f("Its legal basis; may be empty.", "29 CFR 2560.503-1(h)(2)(iii)")
    sentence: str = _f("The text with its basis in brackets before the final period.",
                       "Free copies of all documents relevant to my claim, including the "
                       "criteria used (29 CFR 2560.503-1(h)(2)(iii)).")


class RightsContext(_Ctx):
    title: str = _f("Heading for the rights section.", "My rights in this appeal")
    entries: list[RightContext] = _f("The rights and requests for this plan type.", [])


class DeadlineContext(_Ctx):
    present: bool = _f("True when a filing deadline applies (false for a check before filing).",
                       True)
    date: str = _f("Last day to file, written out.", "August 29, 2026")
    date_iso: str = _f("Last day to file as YYYY-MM-DD.", "2026-08-29")
    days: str = _f("Days allowed.", "180")
    counted_from: str = _f("The day the count starts, written out.", "March 2, 2026")
    basis: str = _f("The rule the deadline comes from.", "29 CFR 2560.503-1(h)(3)(i)")
    passed: bool = _f("True when the letter is dated after the deadline.", False)
    filing: str = _f("Whether this letter is on time, in the letter's voice: on time, or the "
                     "deadline passed and good cause is asked for (with the other routes).",
                     "I am filing before that date.")
    late_reason: str = _f("Why the appeal is late (the case's ``denial.late_reason``), in the "
                          "letter's voice: \"I\" in the patient's letters, \"the patient\" in "
                          "the clinician's and the advocate's; empty when not given. "
                          "``filing`` already states it when the deadline has passed.",
                          "I was in the hospital from October 2 to November 20, 2026.")
    text: str = _f("The deadline in one sentence.",
                   "The deadline to file this internal appeal is August 29, 2026 (180 days from "
                   "receipt of the denial notice under 29 CFR 2560.503-1(h)(3)(i); counted from "
                   "March 2, 2026).")


class EnclosureContext(_Ctx):
    number: int = _f("Enclosure number, as cited in the crosswalk.", 2)
    title: str = _f("What is enclosed.", "Physical therapy discharge summary")
    detail: str = _f("Dates of the cited records in it; may be empty.", "dated February 10, 2026")


class RecordContext(_Ctx):
    text: str = _f("A document the patient or clinic supplied, as given.",
                   "Physical therapy 2025-12-16 to 2026-02-10, 14 visits, no improvement")
    date: str = _f("Its date, written out, or \"undated\".", "February 10, 2026")
    source: str = _f("What it is; \"records supplied\" when not named.",
                     "Physical therapy discharge summary")


class ChecklistItemContext(_Ctx):
    number: int = _f("1-based item number.", 1)
    requirement: str = _f("The unmet requirement as the criteria word it.",
                          "Failure of a 6-week trial of provider-directed treatment")
    needed: str = _f("What to obtain, in plain words.",
                     "Six weeks of physical therapy directed by a clinician, and its notes")
    obtain_from: str = _f("Who can provide it.", "your physical therapist")


class CorrectionContext(_Ctx):
    present: bool = _f("True when the denial is administrative (not about medical criteria).",
                       False)
    request_type: str = _f("What is asked for.", "corrected resubmission")
    title: str = _f("Heading of the correction request.",
                    "Request to correct and reprocess an administrative denial")
    problem: str = _f("What went wrong, in plain words.",
                      "The request and the records do not match (code, side or contrast).")
    steps: list[str] = _f("What to do, in order.", ["Confirm the correct CPT code."])
    corrected: str = _f("The corrected details, filled in from the case (CPT, side, contrast, "
                        "ICD-10); a blank only where the case has no answer.",
                        "CPT 73721 · side: RIGHT (the order said LEFT; the notes say "
                        "RIGHT) · contrast: without · ICD-10 M23.21")
    ordered_side: str = _f("The side the order names, when it differs from the notes.", "left")
    documented_side: str = _f("The side the clinical notes describe, when it differs.", "right")
    from_provider: bool = _f("True when the fix is the provider's (no authorization): the "
                             "letter is the provider's retro-authorization request.", False,
                             default=False)


class SignerContext(_Ctx):
    role: str = _f("Who signs: patient, treating clinician or authorized representative.",
                   "patient")
    name: str = _f("Printed name when known (the patient, the clinician in the letter of "
                   "medical necessity, the advocate in the advocate's letter); else empty.",
                   "Alex Rivera")


class LetterContext(_Ctx):
    kind: str = _f("patient, clinician, advocate, checklist or correction.", "patient")
    kind_label: str = _f("The letter kind in words.", "patient's appeal letter")
    title: str = _f("The letter's title (its heading and its document title).",
                    "Request for an internal appeal")
    created: str = _f("When the letter was written, ISO 8601 UTC (the document's created date).",
                      "2026-03-10T09:30:00Z")
    today: str = _f("Date of the letter, written out.", "March 10, 2026")
    today_iso: str = _f("Date of the letter as YYYY-MM-DD.", "2026-03-10")
    outcome: str = _f("The match outcome: appeal, ready, not_met, administrative, no_criteria.",
                      "appeal")
    outcome_label: str = _f("The outcome in words.", "the criteria are met: appeal now")
    urgency: str = _f("standard, expedited or emergency.", "standard")
    is_expedited: bool = _f("True when a 72-hour expedited review is requested (also for "
                            "emergency).", False)
    is_emergency: bool = _f("True when the symptoms call for emergency care now.", False)
    criteria_met: bool = _f("True when the records meet every requirement of the pathway (the "
                            "letter may say so); false when any is unmet or none applies.", True)
    is_check_before_filing: bool = _f("True when there is no denial yet (prior-authorization "
                                      "request, not an appeal).", False)
    patient: PatientContext = _f("The patient.", None)
    plan: PlanContext = _f("The health plan.", None)
    denial: DenialContext = _f("The denial being appealed.", None)
    service: ServiceContext = _f("The denied service.", None)
    policy: PolicyContext = _f("The published criteria applied.", None)
    pathway: PathwayContext = _f("The criteria pathway applied.", None)
    requirements: list[RequirementContext] = _f("Every requirement of the pathway.", [])
    cited_requirements: list[RequirementContext] = _f(
        "Requirements the records meet (met in the request or omitted from it): the crosswalk "
        "rows.", [])
    omitted_requirements: list[RequirementContext] = _f(
        "Requirements the records meet but the original request left out.", [])
    unmet_requirements: list[RequirementContext] = _f(
        "Requirements nothing supplied meets yet.", [])
    records: list[RecordContext] = _f(
        "Every document supplied with the case (all of it, cited or not).", [])
    appeal: AppealContext = _f("The review requested.", None)
    emergency: EmergencyContext = _f("Emergency care comes first, when it applies.", None)
    rights: RightsContext = _f("Rights and requests for this plan type.", None)
    deadline: DeadlineContext = _f("The filing deadline.", None)
    next_level: str = _f("What comes after this review if the plan upholds the denial.",
                         "If the plan upholds its decision, I may ask for external review by an "
                         "independent review organization within 4 months.")
    next_level_advice: str = _f("The same, as advice to the patient (from the deadline rules); "
                                "empty without a denial.",
                                "If the plan upholds the denial, ask for an external review by "
                                "an independent review organization within 4 months.")
    enclosures: list[EnclosureContext] = _f("What is enclosed, numbered.", [])
    checklist: list[ChecklistItemContext] = _f("Before you appeal: what to obtain (not_met).", [])
    clinic_request: str = _f("A short request the patient can send the clinic for records.",
                             "Please send me copies of my physical therapy notes ...")
    correction: CorrectionContext = _f("For an administrative denial: what to correct.", None)
    signer: SignerContext = _f("Who signs the letter.", None)
    study: StudyContext = _f("The exact study requested (CPT, side, contrast).", None)
    clinician: ClinicianContext = _f("The ordering clinician.", None)
    advocate: AdvocateContext = _f("Who writes the advocate letter for the patient (the "
                                   "authorized representative).", None)
    diagnosis_codes: list[str] = _f("ICD-10 codes given with the case.", ["M54.16"])
    summary: SummaryContext = _f("The answer first, the story and the remedy.", None)
    cover: CoverContext = _f("The \"Before you send\" page for the sender.", None)
    reasons: list[ReasonContext] = _f("Outside the library: the denial's own reasons, each "
                                      "answered from the records or said to be missing.", [])
    bill_dispute: BillDisputeContext = _f("For a no-authorization denial: the patient's letter "
                                          "disputing the bill.", None)


def _type_name(annotation: Any) -> tuple[str, type[BaseModel] | None]:
    origin = typing.get_origin(annotation)
    if origin in (list, typing.List):
        (item,) = typing.get_args(annotation)
        if isinstance(item, type) and issubclass(item, BaseModel):
            return "list", item
        return "list of strings", None
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "object", annotation
    if origin in (typing.Union, types.UnionType):
        return _type_name(next(a for a in typing.get_args(annotation) if a is not type(None)))
    return {str: "string", int: "integer", bool: "boolean"}.get(annotation, "string"), None


def context_variables() -> list[dict[str, Any]]:
    """Every variable, flattened: ``{"name": "requirements[].evidence[].quote", "type",
    "description", "example"}`` in schema order. Objects and lists are listed too."""
    out: list[dict[str, Any]] = []

    def walk(model: type[BaseModel], prefix: str) -> None:
        for name, field in model.model_fields.items():
            path = f"{prefix}{name}"
            type_name, child = _type_name(field.annotation)
            example = field.examples[0] if field.examples else None
            if child is not None:
                example = None if type_name == "object" else []
            out.append({"name": path, "type": type_name,
                        "description": field.description or "", "example": example})
            if child is not None:
                walk(child, f"{path}[]." if type_name == "list" else f"{path}.")

    walk(LetterContext, "")
    return out
