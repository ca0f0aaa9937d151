"""The correction request for an administrative denial: what the problem is and the steps to
correct and resubmit, per denial category; and how a letter names the service requested.
Pure code.
"""

from __future__ import annotations

from appeals.contract import Case, MatchResult

from .schema import CorrectionContext


def requested_codes(case: Case | None, result: MatchResult) -> list[str]:
    """The CPT code the case asked for when it names one of the service's codes, else all."""
    if case is not None and case.service.strip() in result.service.codes:
        return [case.service.strip()]
    return list(result.service.codes)


def service_description(result: MatchResult, case: Case | None = None) -> str:
    codes = ", ".join(requested_codes(case, result))
    return f"{result.service.name} (CPT {codes})" if codes else result.service.name


def correction_context(case: Case, result: MatchResult) -> CorrectionContext:
    if result.outcome != "administrative":
        return CorrectionContext(present=False, request_type="", title="", problem="", steps=[])
    category = result.denial.category if result.denial else "other"
    service = service_description(result, case)
    if category == "no_authorization":
        return CorrectionContext(
            present=True, request_type="retro-authorization",
            title="Request for retrospective authorization",
            problem="The claim was denied because no prior authorization was on file, not "
                    "because the service was found unnecessary.",
            steps=[f"Request retrospective authorization for {service}, with the records that "
                   "show it met the criteria.",
                   "Ask the clinic to confirm whether authorization was requested and to send "
                   "its request number if it was.",
                   "If the service was an emergency, say so: emergency care needs no prior "
                   "authorization.",
                   "In-network care denied for the provider's missing authorization (group "
                   "code CO) is generally not billable to the patient."])
    if category == "coding":
        return CorrectionContext(
            present=True, request_type="corrected resubmission",
            title="Request to correct and reprocess the request",
            problem="The denial is about how the request was coded (procedure code, side, "
                    "contrast or diagnosis code), not about medical need.",
            steps=[f"Check the procedure code against the order: {service}.",
                   "Check the side (left/right) and with/without contrast against the clinical "
                   "notes.",
                   "Check that the diagnosis code reflects the documented condition.",
                   "Resubmit the corrected request, quoting the reference number of the "
                   "denial."])
    if category == "eligibility":
        return CorrectionContext(
            present=True, request_type="eligibility review",
            title="Request to review coverage eligibility",
            problem="The denial says the coverage was not in force or the member could not be "
                    "matched.",
            steps=["Check the member ID and date of birth against the insurance card.",
                   "Ask the plan to confirm the coverage dates in writing.",
                   "Resubmit with the corrected member details, quoting the reference number."])
    return CorrectionContext(
        present=True, request_type="corrected resubmission",
        title="Request to correct and reprocess an administrative denial",
        problem="The denial is not about medical criteria.",
        steps=["Ask the plan in writing what exactly is missing or wrong.",
               "Correct it and resubmit, quoting the reference number of the denial."])
