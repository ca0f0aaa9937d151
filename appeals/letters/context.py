"""Build the letter context (schema.py) from a case and its match result. Pure code.

What a letter says comes from here, so the rules a letter must keep live here too:
- evidence is cited only when it was supplied: each quote must be found in the case's own text
  (documentation, original request, structured answers); anything else is dropped;
- the matcher's warnings (contradictions between documents) are never put in the context;
- for an emergency, the context says first that emergency care needs no prior authorization.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from appeals.contract import Case, MatchResult

from . import summary as summaries
from .corrections import bill_dispute, correction_context, service_description
from .evidence import (
    ANSWERS_SOURCE, KIND_WORDS, OBTAIN_FROM, REQUEST_SOURCE, STATUS_WORDS, Enclosures, Supplied,
    evidence_contexts, format_date, iso_date, question_texts, requirement_context,
)
from .identity import (
    advocate_context, clinician_context, display_name, plan_and_reviewer, policy_citation, study_context,
)
from .reasons import answer_reason, denial_reasons
from .plans import (
    EMERGENCY_BASIS, LEVEL, NEXT_LEVEL, PLAN_LABELS, PLAN_RULES, REQUEST_RIGHTS, RIGHTS,
    appeal_context, next_level_advice, right_context, voice,
)
from .schema import (
    ChecklistItemContext, DeadlineContext, DenialContext, EmergencyContext, LetterContext,
    PathwayContext, PatientContext, PlanContext, PolicyContext, RecordContext, RightsContext,
    ServiceContext, SignerContext,
)
from .schema_details import CoverContext, ReasonContext, SummaryContext
from .voices import in_voice

# Re-exported: the names this module has always offered.
__all__ = [
    "ANSWERS_SOURCE", "CATEGORY_WORDS", "KIND_LABELS", "KIND_WORDS", "LETTER_KINDS", "OBTAIN_FROM",
    "OUTCOME_WORDS", "PLAN_LABELS", "PLAN_RULES", "REQUEST_SOURCE", "STATUS_WORDS", "build_context",
    "default_kind", "format_date",
]

LETTER_KINDS: tuple[str, ...] = ("patient", "clinician", "advocate", "checklist", "correction")
KIND_LABELS = {
    "patient": "patient's appeal letter",
    "clinician": "letter of medical necessity",
    "advocate": "appeal by an authorized representative",
    "checklist": "before you appeal: what to obtain",
    "correction": "correction request",
}


def default_kind(result: MatchResult) -> str:
    """The letter a result calls for: not_met → checklist, administrative → correction, else
    the patient's own appeal."""
    if result.outcome == "not_met":
        return "checklist"
    if result.outcome == "administrative":
        return "correction"
    return "patient"


OUTCOME_WORDS = {
    "appeal": "the criteria are met: appeal now",
    "ready": "the criteria are met: ready to request",
    "not_met": "the criteria are not met yet: obtain what is missing first",
    "administrative": "an administrative denial: correct and resubmit",
    "no_criteria": "no published criteria in the library for this service",
}
CATEGORY_WORDS = {
    "medical_necessity": "not medically necessary",
    "missing_information": "missing information",
    "no_authorization": "no prior authorization obtained",
    "coding": "a coding, side or contrast mismatch",
    "benefit_exclusion": "not a covered benefit",
    "eligibility": "eligibility",
    "other": "another reason",
}


def _age(case: Case, today: dt.date) -> str:
    patient = case.patient
    if patient is None:
        return ""
    if patient.age is not None:
        return str(patient.age)
    if patient.date_of_birth:
        born = patient.date_of_birth
        return str(today.year - born.year - ((today.month, today.day) < (born.month, born.day)))
    return ""


def _reasons(case: Case, result: MatchResult, enclosures: Enclosures) -> list[ReasonContext]:
    """Outside the library, the denial's own reasons are the checklist: each answered with the
    record that meets it, or said to be missing."""
    if result.outcome != "no_criteria" or case.denial is None:
        return []
    out = []
    for number, reason in enumerate(denial_reasons(case.denial.text), start=1):
        found = answer_reason(reason, case)
        if found is None:
            out.append(ReasonContext(number=number, reason=reason, met=False,
                                     answer="Not in the records supplied.", source="",
                                     enclosure=""))
            continue
        sentence, document = found
        source = document.source or "Records supplied"
        out.append(ReasonContext(
            number=number, reason=reason, met=True, answer=sentence,
            source=source + (f", {format_date(document.date)}" if document.date else ""),
            enclosure=f"Enclosure {enclosures.add(source, document.date)}"))
    return out


def _deadline(result: MatchResult, denial: Any, rules: str, kind: str,
              today: dt.date, plan_name: str, patient_voice: bool) -> DeadlineContext:
    deadline = result.deadline
    if deadline is None or denial is None:
        return DeadlineContext(present=False, date="", date_iso="", days="", counted_from="",
                               basis="", passed=False, filing="", late_reason="", text="")
    passed = today > deadline.date
    # The reason as given, turned to the letter's speaker ("I" or "the patient").
    reason = in_voice(denial.late_reason or "", first_person=patient_voice)
    return DeadlineContext(
        present=True, date=format_date(deadline.date), date_iso=iso_date(deadline.date),
        days=str(deadline.days), counted_from=format_date(deadline.counted_from),
        basis=deadline.basis, passed=passed,
        filing=summaries.filing(kind, passed, format_date(deadline.date), LEVEL[rules],
                                plan_name, reason=reason),
        late_reason=reason,
        text=(f"The deadline to file this {LEVEL[rules]} is {format_date(deadline.date)} "
              f"({deadline.basis.rstrip('.')}; counted from "
              f"{format_date(deadline.counted_from)})."))


def build_context(case: Case, result: MatchResult, *, kind: str,
                  today: dt.date | None = None) -> dict[str, Any]:
    """The letter context for ``case`` and its ``result``, as a plain dict of strings, numbers,
    booleans, dicts and lists (the shape :mod:`appeals.letters.schema` documents)."""
    if kind not in LETTER_KINDS:
        raise ValueError(f"unknown letter kind {kind!r}; choose one of {', '.join(LETTER_KINDS)}")
    today = today or dt.date.today()
    rules = PLAN_RULES[case.plan_type]
    patient = case.patient
    payer, reviewer = plan_and_reviewer(case)
    plan_name = payer or "your health plan"
    supplied = Supplied(case)
    first_person = kind not in ("clinician", "advocate")
    name = display_name(patient.name if patient else "")
    clinician = clinician_context(case)
    advocate = advocate_context(case)
    study = study_context(case, result)
    correction = correction_context(case, result)
    # Who speaks: the patient ("I"), or someone writing about them (a clinician, an advocate, a
    # provider's corrected request).
    patient_voice = first_person and not (kind == "correction" and correction.from_provider)

    enclosures = Enclosures()
    denial = case.denial
    if denial is not None:
        enclosures.add("Denial notice" + (f", reference {denial.reference}"
                                          if denial.reference else ""), denial.notice_date)
    requirements = []
    for number, requirement in enumerate(result.requirements, start=1):
        evidence = evidence_contexts(requirement, supplied, enclosures,
                                     statements=kind != "clinician", first_person=first_person)
        requirements.append(requirement_context(number, requirement, evidence))
    cited = [r for r in requirements if r.status != "unmet"]
    records = [RecordContext(text=d.text, date=format_date(d.date) or "undated",
                             source=d.source or "records supplied") for d in case.documentation]
    reasons = _reasons(case, result, enclosures)
    clinician_letter = kind in ("patient", "advocate") and bool(clinician.name) \
        and result.outcome in ("appeal", "ready", "no_criteria")
    if clinician_letter:
        enclosures.add(f"Letter of medical necessity from {clinician.name}")
    if kind == "advocate":
        enclosures.add("Authorization of representative signed by the patient"
                       + (" (form CMS-1696)" if rules == "medicare_advantage" else "")
                       + (f", naming {advocate.line}" if advocate.line else ""))

    expedited = result.urgency in ("expedited", "emergency")
    emergency_on = result.urgency == "emergency"
    symptoms = [e.quote for r in requirements if r.kind == "red_flag" for e in r.evidence]
    basis = EMERGENCY_BASIS[rules]
    whose = "My" if first_person else "The patient's"
    emergency = EmergencyContext(
        present=emergency_on,
        notice=("These symptoms need emergency care now: go to the nearest emergency department "
                "or call 911. Emergency care does not need prior authorization. Send this "
                "letter afterwards; it does not need to come first.") if emergency_on else "",
        plan_notice=(f"{whose} symptoms call for emergency evaluation now. Emergency "
                     "services do not require prior authorization"
                     + (f" ({basis})." if basis else ".")) if emergency_on else "",
        symptoms=symptoms if emergency_on else [],
    )
    deadline_ctx = _deadline(result, denial, rules, kind, today, plan_name, patient_voice)

    policy = result.policy
    criterion_short = ""
    if policy is not None:
        citation, criterion_short = policy_citation(policy)
        policy_ctx = PolicyContext(present=True, title=policy.title, source=policy.source,
                                   section=policy.section or "", version=policy.version or "",
                                   url=policy.url or "", citation=citation)
    else:
        policy_ctx = PolicyContext(present=False, title="", source="", section="", version="",
                                   url="", citation="")

    unmet = [r for r in requirements if r.status == "unmet"]
    checklist = [ChecklistItemContext(number=i, requirement=r.text, needed=r.needed,
                                      obtain_from=r.obtain_from)
                 for i, r in enumerate(unmet, start=1)]
    service_text = service_description(result, case)
    clinic_request = ""
    if unmet:
        wanted = "; ".join(r.needed.rstrip(".") for r in unmet)
        clinic_request = (
            f"I am preparing a request to {plan_name} for {service_text}. "
            f"Please send me copies of any records showing: {wanted}. If the records do not "
            "exist yet, please tell me what visit, treatment or test is needed. "
            "Thank you.")

    signer_role = {"patient": "patient", "checklist": "patient", "clinician": "treating clinician",
                   "advocate": "authorized representative", "correction": "patient"}[kind]
    signer_name = name if signer_role == "patient" else advocate.name if kind == "advocate" \
        else ""
    if kind == "clinician" or (kind == "correction" and correction.from_provider):
        signer_role, signer_name = "ordering provider" if kind == "correction" else \
            "treating clinician", clinician.name
    criteria_met = bool(requirements) and not unmet \
        and result.outcome in ("appeal", "ready", "administrative")
    appeal = appeal_context(kind, rules, expedited, denial is None, plan_name)
    what = f"CPT {study.cpt} ({service_text.split(' (CPT')[0]})" if study.cpt else service_text
    approve = f"Please approve {what}" + (f" under {criterion_short}." if criterion_short
                                          else ".")
    # A letter never asks for approval "under" criteria the records do not meet yet.
    ask = approve if criteria_met or result.outcome == "no_criteria" else (
        f"Please review the request for {what} again with the enclosed records.")
    cover_kind = kind != "checklist"
    send_to = " \u00b7 ".join(x for x in (
        denial.appeal_address if denial else "",
        f"fax {denial.appeal_fax}" if denial and denial.appeal_fax else "") if x)
    title = correction.title if kind == "correction" and correction.present else (
        "Letter of medical necessity" if kind == "clinician" else
        "Before you appeal: what to obtain first" if kind == "checklist" else appeal.title)

    context = LetterContext(
        kind=kind, kind_label=KIND_LABELS[kind], title=title,
        created=dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        today=format_date(today), today_iso=iso_date(today),
        outcome=result.outcome, outcome_label=OUTCOME_WORDS[result.outcome],
        urgency=result.urgency, is_expedited=expedited, is_emergency=emergency_on,
        is_check_before_filing=denial is None,
        # Only a letter whose pathway is fully met may say "the records meet the criteria".
        criteria_met=criteria_met,
        patient=PatientContext(
            name=name,
            date_of_birth=format_date(patient.date_of_birth) if patient else "",
            date_of_birth_iso=iso_date(patient.date_of_birth) if patient else "",
            age=_age(case, today), sex=(patient.sex or "") if patient else "",
            member_id=(patient.member_id or "") if patient else "",
            address=(patient.address or "") if patient else "",
            phone=(patient.phone or "") if patient else ""),
        plan=PlanContext(type=case.plan_type, type_label=PLAN_LABELS[case.plan_type],
                         payer=case.payer or "", name=plan_name, reviewer=reviewer, rules=rules),
        denial=DenialContext(
            present=denial is not None,
            reference=(denial.reference or "") if denial else "",
            notice_date=format_date(denial.notice_date) if denial else "",
            notice_date_iso=iso_date(denial.notice_date) if denial else "",
            # Only a date the case gave: the deadline may count from the notice date, but the
            # letter never claims a receipt date nobody stated.
            received_date=format_date(denial.received_date) if denial else "",
            appeal_address=(denial.appeal_address or "") if denial else "",
            appeal_fax=(denial.appeal_fax or "") if denial else "",
            code=(denial.code or (result.denial.code if result.denial else None) or "")
            if denial else "",
            text=(denial.text or (result.denial.text if result.denial else None) or "")
            if denial else "",
            category=result.denial.category if result.denial else "",
            category_label=CATEGORY_WORDS.get(result.denial.category, "")
            if result.denial else ""),
        service=ServiceContext(name=service_text.split(" (CPT")[0],
                               codes=list(result.service.codes), cpt=study.cpt,
                               description=service_text),
        policy=policy_ctx,
        pathway=PathwayContext(id=result.pathway.id if result.pathway else "",
                               title=result.pathway.title if result.pathway else ""),
        requirements=requirements, cited_requirements=cited, records=records,
        omitted_requirements=[r for r in requirements if r.status == "omitted"],
        unmet_requirements=unmet,
        appeal=appeal,
        emergency=emergency,
        rights=RightsContext(
            title="What I ask of you" if kind != "clinician" else "Requests for this review",
            entries=[right_context(t.format(**voice(kind)), b)
                     for t, b in (RIGHTS[rules] if denial is not None else REQUEST_RIGHTS)]),
        deadline=deadline_ctx,
        next_level=NEXT_LEVEL[rules].format(**voice(kind)) if denial is not None else "",
        next_level_advice=next_level_advice(case.plan_type) if denial is not None else "",
        enclosures=enclosures.contexts(),
        checklist=checklist, clinic_request=clinic_request,
        correction=correction,
        signer=SignerContext(role=signer_role, name=signer_name),
        study=study, clinician=clinician, advocate=advocate, diagnosis_codes=list(case.diagnosis_codes),
        summary=SummaryContext(
            answer=summaries.answer(
                kind, denial_date=format_date(denial.notice_date) if denial else "",
                reference=(denial.reference or "") if denial else "",
                denial_present=denial is not None,
                omitted=[r for r in requirements if r.status == "omitted"], cited=cited,
                approve=approve, criteria_met=criteria_met, outcome=result.outcome,
                reasons=reasons, denial_text=(denial.text or "") if denial else ""),
            narrative=summaries.narrative(case),
            treatment_plan=summaries.treatment_plan(case, kind),
            remedy=summaries.remedy(rules, ask, expedited, appeal.decision_time,
                                    denial is None),
            criterion_short=criterion_short, diagnosis=", ".join(case.diagnosis_codes),
            patient_statement=summaries.patient_statement(case, kind, question_texts(case))),
        cover=CoverContext(
            present=cover_kind, send_to=send_to,
            steps=summaries.cover_steps(
                kind, signer=signer_role if kind != "correction" or correction.from_provider
                else "patient", enclosures=len(enclosures.items),
                passed=deadline_ctx.passed, deadline=deadline_ctx.date,
                expedited=expedited,
                correction_steps=list(correction.steps), send_to=send_to,
                clinician_letter=clinician_letter,
                late_reason=bool(deadline_ctx.late_reason),
                check_before_filing=denial is None) if cover_kind else []),
        reasons=reasons,
        bill_dispute=bill_dispute(case, result, patient_name=name, plan_name=plan_name,
                                  facility=clinician.facility,
                                  notice_date=format_date(denial.notice_date) if denial else ""),
    )
    return context.model_dump()
