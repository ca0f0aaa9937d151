"""The correction request for an administrative denial: what the problem is, the corrected
details filled in from the case (a wrong side: the order says LEFT, the notes say RIGHT), the
steps to correct and resubmit, and, for a missing authorization, the patient's letter disputing
the bill. Pure code.
"""

from __future__ import annotations

import re

from appeals.contract import Case, MatchResult

from .identity import (  # noqa: F401  (re-exported: how a letter names the service)
    CONTRAST_WORDS, requested_cpt, service_description,
)
from .schema import CorrectionContext
from .schema_details import BillDisputeContext

_SIDE_WARNING = re.compile(r"request names the (left|right|bilateral) side but the "
                           r"documentation describes the (left|right|bilateral)", re.I)
_SIDE_WORD = re.compile(r"\b(left|right|bilateral)\b", re.I)


def requested_codes(case: Case | None, result: MatchResult) -> list[str]:
    """The CPT code the case gave, alone; [] when it gave none (never the service's others)."""
    code = requested_cpt(case, result)
    return [code] if code else []


def side_mismatch(case: Case, result: MatchResult) -> tuple[str, str] | None:
    """(side ordered, side documented) when they differ. The matcher says so in its warning;
    without one, the sides named in the request and in the notes are compared."""
    for warning in result.warnings:
        found = _SIDE_WARNING.search(warning)
        if found:
            return found.group(1).lower(), found.group(2).lower()
    ordered = {m.lower() for m in _SIDE_WORD.findall(case.original_request or "")}
    if case.study and case.study.side:
        ordered = {case.study.side}
    noted = {m.lower() for d in case.documentation for m in _SIDE_WORD.findall(d.text)}
    if len(ordered) == 1 and len(noted) == 1 and ordered != noted:
        return ordered.pop(), noted.pop()
    return None


def corrected_details(case: Case, result: MatchResult) -> tuple[str, tuple[str, str] | None]:
    blank = "______"
    cpt = requested_cpt(case, result)
    mismatch = side_mismatch(case, result)
    if mismatch:
        side = (f"{mismatch[1].upper()} (the order said {mismatch[0].upper()}; the clinical "
                f"notes say {mismatch[1].upper()})")
    elif case.study and case.study.side:
        side = case.study.side
    else:
        side = blank
    contrast = (CONTRAST_WORDS[case.study.contrast] if case.study and case.study.contrast
                else blank)
    codes = ", ".join(case.diagnosis_codes) or blank
    return (f"CPT {cpt or blank} \u00b7 side: {side} \u00b7 contrast: {contrast} \u00b7 "
            f"ICD-10: {codes}"), mismatch


def correction_context(case: Case, result: MatchResult) -> CorrectionContext:
    empty = dict(corrected="", ordered_side="", documented_side="", from_provider=False)
    if result.outcome != "administrative":
        return CorrectionContext(present=False, request_type="", title="", problem="", steps=[],
                                 **empty)
    category = result.denial.category if result.denial else "other"
    service = service_description(result, case)
    corrected, mismatch = corrected_details(case, result)
    sides = dict(ordered_side=mismatch[0] if mismatch else "",
                 documented_side=mismatch[1] if mismatch else "")
    if category == "no_authorization":
        return CorrectionContext(
            present=True, request_type="retro-authorization", corrected=corrected,
            from_provider=True, **sides,
            title="Request for retrospective authorization",
            problem="The claim was denied because no prior authorization was on file, not "
                    "because the service was found unnecessary. Obtaining authorization was "
                    "the ordering provider's responsibility.",
            steps=["This letter is the provider's to send: give it to the ordering clinic's "
                   "billing or authorization staff to sign and submit with the records.",
                   "Ask the clinic to confirm whether authorization was requested and to add "
                   "its request number if it was.",
                   "If the service was an emergency, say so: emergency care needs no prior "
                   "authorization.",
                   "If you receive a bill, send the short letter on the last page to the "
                   "billing office: in-network care denied for the provider's missing "
                   "authorization (group code CO) is generally not billable to you."])
    if category == "coding":
        problem = ("The denial is about how the request was coded (procedure code, side, "
                   "contrast or diagnosis code), not about medical need.")
        if mismatch:
            problem = (f"The order named the {mismatch[0]} side, but the clinical notes "
                       f"describe the {mismatch[1]} side. The corrected request names the "
                       f"{mismatch[1]} side, as the notes do.")
        return CorrectionContext(
            present=True, request_type="corrected resubmission", corrected=corrected,
            **sides, title="Request to correct and reprocess a coded request", problem=problem,
            steps=[f"Check the corrected details in the letter against the order: {service}.",
                   "Ask the clinic to correct the order (and its RT/LT modifier) if the side "
                   "was wrong." if mismatch else
                   "Check the side and contrast against the clinical notes.",
                   "Check that the diagnosis code reflects the documented condition."])
    if category == "eligibility":
        return CorrectionContext(
            present=True, request_type="eligibility review", corrected=corrected, **sides,
            title="Request to review coverage eligibility",
            problem="The denial says the coverage was not in force or the member could not be "
                    "matched.",
            steps=["Check the member ID and date of birth against the insurance card.",
                   "Ask the plan to confirm the coverage dates in writing."])
    return CorrectionContext(
        present=True, request_type="corrected resubmission", corrected=corrected, **sides,
        title="Request to correct and reprocess an administrative denial",
        problem="The denial is not about medical criteria.",
        steps=["Ask the plan in writing what exactly is missing or wrong, and correct it."])


def bill_dispute(case: Case, result: MatchResult, *, patient_name: str, plan_name: str,
                 facility: str, notice_date: str) -> BillDisputeContext:
    """For a no-authorization denial: the patient's short letter disputing the bill."""
    category = result.denial.category if result.denial else ""
    if result.outcome != "administrative" or category != "no_authorization":
        return BillDisputeContext(present=False, to="", text="")
    code = (case.denial.code if case.denial else None) or (result.denial.code or "")
    reference = (case.denial.reference if case.denial else None) or ""
    ref = f" (claim reference {reference})" if reference else ""
    return BillDisputeContext(
        present=True, to=f"Billing office, {facility}" if facility else "Billing office",
        text=(f"I dispute the bill for {service_description(result, case)}. {plan_name} denied "
              f"the claim on {notice_date}{ref}"
              + (f" with code {code}" if code else "")
              + " because no prior authorization was obtained. Obtaining authorization was the "
              "provider's responsibility, and a contractual-obligation (CO) denial is not the "
              "patient's to pay. Please put the bill on hold while the retrospective "
              "authorization request is decided, and send me a corrected statement."))
