"""Build the letter context (schema.py) from a case and its match result. Pure code.

What a letter says comes from here, so the rules a letter must keep live here too:
- evidence is cited only when it was supplied: each quote must be found in the case's own text
  (documentation, original request, structured answers); anything else is dropped;
- the matcher's warnings (contradictions between documents) are never put in the context;
- for an emergency, the context says first that emergency care needs no prior authorization.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Iterable

from appeals.contract import Case, Evidence, MatchResult, RequirementResult

from .schema import (
    AppealContext, ChecklistItemContext, CorrectionContext, DeadlineContext, DenialContext,
    EmergencyContext, EnclosureContext, EvidenceContext, LetterContext, PathwayContext,
    PatientContext, PlanContext, PolicyContext, RecordContext, RequirementContext, RightContext,
    RightsContext, ServiceContext, SignerContext,
)

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


# --- plan types --------------------------------------------------------------------------------
PLAN_RULES = {
    "employer": "erisa", "marketplace": "aca", "government_employer": "aca",
    "medicare_advantage": "medicare_advantage", "medicaid": "medicaid", "other": "other",
}
PLAN_LABELS = {
    "employer": "employer group health plan, ERISA",
    "marketplace": "individual Marketplace plan, ACA",
    "government_employer": "governmental employer health plan",
    "medicare_advantage": "Medicare Advantage plan",
    "medicaid": "Medicaid managed care plan",
    "other": "health plan",
}
_LEVEL = {"erisa": "internal appeal", "aca": "internal appeal", "other": "appeal",
          "medicare_advantage": "reconsideration", "medicaid": "plan appeal"}
_STANDARD_TIME = {"erisa": "30 days", "aca": "30 days", "other": "the time your plan sets",
                  "medicare_advantage": "30 calendar days", "medicaid": "30 calendar days"}

_ERISA_RIGHTS = [
    ("Free copies of all documents, records and other information relevant to {my} claim, "
     "including the complete claim file and the specific rule, guideline or criterion you "
     "relied on.", "29 CFR 2560.503-1(h)(2)(iii)"),
    ("A full and fair review that gives no deference to the initial denial, decided by someone "
     "who is neither the person who denied the request nor that person's subordinate.",
     "29 CFR 2560.503-1(h)(3)(ii)"),
    ("Review in consultation with a health care professional who has appropriate training and "
     "experience in the field of medicine involved, and the name, credentials and specialty of "
     "each reviewer and medical expert consulted.", "29 CFR 2560.503-1(h)(3)(iii)-(v)"),
    ("Any new or additional evidence or rationale you consider, in time for {me} to respond "
     "before you decide, and the diagnosis and treatment codes with their meanings.",
     "45 CFR 147.136(b)(2)(ii)"),
]
_RIGHTS: dict[str, list[tuple[str, str]]] = {
    "erisa": _ERISA_RIGHTS,
    "aca": [(text, "45 CFR 147.136(b), incorporating " + basis if basis.startswith("29") else basis)
            for text, basis in _ERISA_RIGHTS],
    "medicare_advantage": [
        ("Reconsideration of this medical-necessity denial by a physician with expertise in the "
         "field of medicine appropriate to the service, who was not involved in the initial "
         "decision.", "42 CFR 422.590"),
        ("The plan may use internal coverage criteria only where Medicare coverage criteria are "
         "not fully established, and only criteria that are publicly accessible and based on "
         "current evidence in widely used treatment guidelines or clinical literature. Please "
         "identify the Medicare rule or the published criterion you applied.",
         "42 CFR 422.101(b)(6)"),
        ("A copy of {my} case file, including the criteria used, and the name and specialty of "
         "the reviewer.", ""),
        ("If you do not decide fully in my favor, forwarding of the case to the Independent "
         "Review Entity.", "42 CFR 422.592"),
    ],
    "medicaid": [
        ("{My} case file, including medical records and the medical necessity criteria used, free "
         "of charge and sufficiently in advance of the decision.", "42 CFR 438.406(b)(5)"),
        ("Decision-makers with appropriate clinical expertise in treating {my} condition who were "
         "not involved in the initial decision.", "42 CFR 438.406(b)(2)"),
        ("If the plan upholds the denial, a State fair hearing.", "42 CFR 438.408(f)"),
    ],
    "other": [
        ("A copy of the specific criteria used and of {my} claim file.", ""),
        ("The name, credentials and specialty of the reviewer, and review by a clinician in the "
         "same or a similar specialty who was not involved in the first decision.", ""),
    ],
}
# Before filing there is no decision to appeal: ask only for what a fair first review needs.
_REQUEST_RIGHTS = [
    ("If any information is missing, please contact the ordering clinician before deciding.", ""),
    ("If you cannot approve the request, please state the specific criteria relied on and the "
     "name and specialty of the reviewer, and offer a peer-to-peer discussion.", ""),
]
_NEXT_LEVEL = {
    "erisa": "If the plan upholds the denial, {I} may request external review by an independent "
             "review organization within 4 months of the final decision, and {I} keep{s} {my} "
             "right to bring a civil action under ERISA section 502(a).",
    "aca": "If the plan upholds the denial, {I} may request external review by an independent "
           "review organization within 4 months of the final decision (45 CFR 147.136).",
    "medicare_advantage": "If the plan does not decide fully in my favor, it must forward the "
                          "case to the Independent Review Entity (42 CFR 422.592); after that, "
                          "a hearing before an Administrative Law Judge may be requested.",
    "medicaid": "If the plan upholds the denial, {I} may request a State fair hearing within the "
                "time the state allows (up to 120 days from the plan's decision; 42 CFR "
                "438.408(f)).",
    "other": "If the plan upholds the denial, please say in writing the next level of review "
             "and its deadline.",
}
_EXPEDITED_BASIS = {
    "erisa": "29 CFR 2560.503-1(m)(1)", "aca": "45 CFR 147.136(b); 29 CFR 2560.503-1(m)(1)",
    "medicare_advantage": "42 CFR 422.584", "medicaid": "42 CFR 438.410", "other": "",
}
_EMERGENCY_BASIS = {
    "erisa": "45 CFR 147.138(b)", "aca": "45 CFR 147.138(b)",
    "medicare_advantage": "42 CFR 422.113(b)", "medicaid": "42 CFR 438.114", "other": "",
}

# --- requirements ------------------------------------------------------------------------------
KIND_WORDS = {
    "red_flag": "red flag (waives the waiting period)",
    "conservative_care": "conservative treatment",
    "follow_up": "re-evaluation after treatment",
    "prior_imaging": "prior imaging",
    "clinical_finding": "clinical finding",
}
STATUS_WORDS = {
    "met_in_request": "met, and shown in the original request",
    "omitted": "met, but left out of the original request",
    "unmet": "not met yet",
}
OBTAIN_FROM = {
    "red_flag": "your treating clinician (an exam that documents the finding)",
    "conservative_care": "the clinician who directed the treatment, or your physical "
                         "therapist or chiropractor (their visit notes with dates)",
    "follow_up": "your treating clinician (a follow-up visit or documented contact after the "
                 "treatment, saying how you responded)",
    "prior_imaging": "the clinician who orders the X-ray, and the imaging center for its report",
    "clinical_finding": "your treating clinician (an exam that records the finding)",
}
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


def format_date(value: dt.date | None) -> str:
    """"March 4, 2026" (no leading zero, no locale dependence)."""
    if value is None:
        return ""
    return f"{value:%B} {value.day}, {value.year}"


def _iso(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


_SPACES = re.compile(r"\s+")


def _normal(text: str) -> str:
    return _SPACES.sub(" ", text).strip().casefold()


ANSWERS_SOURCE = "answers"  # the matcher's source for facts taken from the web form's answers
REQUEST_SOURCE = "original request"


class _Supplied:
    """What the case itself contains, to check every quote against before a letter cites it."""

    def __init__(self, case: Case):
        texts = [d.text for d in case.documentation]
        if case.original_request:
            texts.append(case.original_request)
        self.texts = [_normal(t) for t in texts]
        # The matcher quotes an answer as "<question text> <answer>" (yes/no for booleans): the
        # quotes the case's answers can produce, from the criteria library's question texts.
        self.answer_quotes = {_normal(q) for q in _answer_quotes(case)}

    def has(self, evidence: Evidence) -> bool:
        quote = _normal(evidence.quote)
        if not quote:
            return False
        if (evidence.source or "").casefold() == ANSWERS_SOURCE:
            return quote in self.answer_quotes
        return any(quote in text for text in self.texts)


def _answer_quotes(case: Case) -> list[str]:
    if not case.answers:
        return []
    from appeals.criteria import load_library  # the question texts live with the criteria

    texts: dict[str, set[str]] = {}
    for service in load_library().services:
        for question in service.questions:
            texts.setdefault(question.id, set()).add(question.text)
    quotes = []
    for qid, value in case.answers.items():
        if value is None or value == "" or value == []:
            continue
        shown = ("yes" if value else "no") if isinstance(value, bool) else value
        quotes.extend(f"{text} {shown}" for text in texts.get(qid, ()))
    return quotes


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


class _Enclosures:
    """Numbers the enclosures: the denial notice first, then each source document cited."""

    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []
        self._by_title: dict[str, dict[str, Any]] = {}

    def add(self, title: str, date: dt.date | None = None) -> int:
        key = title.casefold()
        item = self._by_title.get(key)
        if item is None:
            item = {"number": len(self.items) + 1, "title": title, "dates": set()}
            self.items.append(item)
            self._by_title[key] = item
        if date:
            item["dates"].add(date)
        return item["number"]

    def contexts(self) -> list[EnclosureContext]:
        out = []
        for item in self.items:
            dates = sorted(item["dates"])
            if not dates:
                detail = ""
            elif len(dates) == 1:
                detail = f"dated {format_date(dates[0])}"
            else:
                detail = f"dated {format_date(dates[0])} to {format_date(dates[-1])}"
            out.append(EnclosureContext(number=item["number"], title=item["title"],
                                        detail=item.get("detail") or detail))
        return out


def _numbers_phrase(numbers: Iterable[int]) -> str:
    ordered = sorted(set(numbers))
    if not ordered:
        return ""
    if len(ordered) == 1:
        return f"Enclosure {ordered[0]}"
    return "Enclosures " + ", ".join(map(str, ordered[:-1])) + f" and {ordered[-1]}"


def _evidence_contexts(requirement: RequirementResult, supplied: _Supplied,
                       enclosures: _Enclosures) -> list[EvidenceContext]:
    out = []
    for evidence in requirement.evidence:
        if not supplied.has(evidence):
            continue  # never cite what the case does not contain
        in_request = requirement.status == "met_in_request"
        given = (evidence.source or "").casefold()
        source = evidence.source or (REQUEST_SOURCE if in_request else "records supplied")
        if given == REQUEST_SOURCE or (in_request and not evidence.source):
            source, enclosure = REQUEST_SOURCE, "in the original request"
        elif given == ANSWERS_SOURCE:
            # The patient's own answers: stated, but no record is enclosed for them.
            source, enclosure = "the patient's answers", "not enclosed (patient's statement)"
        else:
            enclosure = f"Enclosure {enclosures.add(source, evidence.date)}"
        out.append(EvidenceContext(
            quote=evidence.quote, date=format_date(evidence.date) or "undated",
            date_iso=_iso(evidence.date), source=source, enclosure=enclosure,
            in_original_request=in_request))
    return out


def _requirement_context(number: int, requirement: RequirementResult,
                         evidence: list[EvidenceContext]) -> RequirementContext:
    unmet = requirement.status == "unmet" or not evidence
    status = "unmet" if unmet else requirement.status
    numbers = [int(e.enclosure.split()[-1]) for e in evidence if e.enclosure.startswith("Encl")]
    others = sorted({e.enclosure for e in evidence if not e.enclosure.startswith("Encl")})
    enclosed = "; ".join(([_numbers_phrase(numbers)] if numbers else []) + others)
    return RequirementContext(
        number=number, id=requirement.id, kind=requirement.kind,
        kind_label=KIND_WORDS.get(requirement.kind, requirement.kind), text=requirement.text,
        status=status, status_label=STATUS_WORDS[status], evidence=evidence,
        evidence_text="; ".join(f"\u201c{e.quote}\u201d ({e.source}, {e.date})" for e in evidence),
        enclosed_in=enclosed,
        needed=(requirement.needed or requirement.text) if unmet else "",
        obtain_from=OBTAIN_FROM.get(requirement.kind, "your treating clinician") if unmet else "",
    )


def _next_level_advice(plan_type: str) -> str:
    """The matcher's plain-words advice on the next appeal level (addressed to the patient)."""
    try:
        from appeals.matching.deadlines import next_level
    except ImportError:
        return ""
    return str(next_level(plan_type) or "")


def _voice(kind: str) -> dict[str, str]:
    """Placeholders for who speaks: the patient (first person) or someone writing for them."""
    if kind in ("clinician", "advocate"):
        return {"I": "the patient", "my": "the patient's", "My": "The patient's",
                "me": "the patient", "s": "s"}
    return {"I": "I", "my": "my", "My": "My", "me": "me", "s": ""}


def _appeal(kind: str, rules: str, expedited: bool, check_before_filing: bool,
            plan_name: str) -> AppealContext:
    if check_before_filing:
        level = "prior authorization"
        title = ("Letter of medical necessity" if kind == "clinician"
                 else "Prior-authorization request: supporting letter")
        if expedited:
            title = "Urgent (72-hour) " + title[0].lower() + title[1:]
        request = (f"I ask {plan_name} to approve this request"
                   + (" under the expedited (72-hour) time frame." if expedited else "."))
    else:
        level = _LEVEL[rules]
        title = (f"Request for an expedited (72-hour) {level}" if expedited
                 else f"Request for {'an' if level[0] in 'aeiou' else 'a'} {level}")
        request = (f"I ask {plan_name} to review and reverse its decision"
                   + (" and to decide within 72 hours, because waiting the standard time could "
                      "seriously jeopardize {my} health or {my} ability to regain maximum function."
                      .format(**_voice(kind)) if expedited else "."))
    return AppealContext(level=level, title=title, expedited=expedited,
                         decision_time="72 hours" if expedited else _STANDARD_TIME[rules],
                         expedited_basis=_EXPEDITED_BASIS[rules] if not check_before_filing
                         else "", request=request)


def _correction(case: Case, result: MatchResult) -> CorrectionContext:
    if result.outcome != "administrative":
        return CorrectionContext(present=False, request_type="", title="", problem="", steps=[])
    category = result.denial.category if result.denial else "other"
    service = _service_description(result, case)
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


def _right(text: str, basis: str) -> RightContext:
    sentence = f"{text.rstrip('.')} ({basis})." if basis else text
    return RightContext(text=text, basis=basis, sentence=sentence)


def _requested_codes(case: Case | None, result: MatchResult) -> list[str]:
    """The CPT code the case asked for when it names one of the service's codes, else all."""
    if case is not None and case.service.strip() in result.service.codes:
        return [case.service.strip()]
    return list(result.service.codes)


def _service_description(result: MatchResult, case: Case | None = None) -> str:
    codes = ", ".join(_requested_codes(case, result))
    return f"{result.service.name} (CPT {codes})" if codes else result.service.name


def build_context(case: Case, result: MatchResult, *, kind: str,
                  today: dt.date | None = None) -> dict[str, Any]:
    """The letter context for ``case`` and its ``result``, as a plain dict of strings, numbers,
    booleans, dicts and lists (the shape :mod:`appeals.letters.schema` documents)."""
    if kind not in LETTER_KINDS:
        raise ValueError(f"unknown letter kind {kind!r}; choose one of {', '.join(LETTER_KINDS)}")
    today = today or dt.date.today()
    rules = PLAN_RULES[case.plan_type]
    patient = case.patient
    plan_name = case.payer or "your health plan"
    supplied = _Supplied(case)

    enclosures = _Enclosures()
    denial = case.denial
    if denial is not None:
        enclosures.add("Denial notice" + (f", reference {denial.reference}"
                                          if denial.reference else ""), denial.notice_date)
    requirements = []
    for number, requirement in enumerate(result.requirements, start=1):
        evidence = _evidence_contexts(requirement, supplied, enclosures)
        requirements.append(_requirement_context(number, requirement, evidence))
    cited = [r for r in requirements if r.status != "unmet"]
    records = [RecordContext(text=d.text, date=format_date(d.date) or "undated",
                             source=d.source or "records supplied") for d in case.documentation]
    if result.outcome == "no_criteria":  # nothing was matched: the records themselves support it
        for document in case.documentation:
            enclosures.add(document.source or "Records supplied", document.date)
    if kind == "advocate":
        enclosures.add("Authorization of representative signed by the patient"
                       + (" (form CMS-1696)" if rules == "medicare_advantage" else ""))

    expedited = result.urgency in ("expedited", "emergency")
    emergency_on = result.urgency == "emergency"
    symptoms = [e.quote for r in requirements if r.kind == "red_flag" for e in r.evidence]
    basis = _EMERGENCY_BASIS[rules]
    emergency = EmergencyContext(
        present=emergency_on,
        notice=("These symptoms need emergency care now: go to the nearest emergency department "
                "or call 911. Emergency care does not need prior authorization. Send this "
                "letter afterwards; it does not need to come first.") if emergency_on else "",
        plan_notice=("The patient's symptoms call for emergency evaluation now. Emergency "
                     "services do not require prior authorization"
                     + (f" ({basis})." if basis else ".")) if emergency_on else "",
        symptoms=symptoms if emergency_on else [],
    )

    deadline = result.deadline
    if deadline is not None and denial is not None:
        deadline_ctx = DeadlineContext(
            present=True, date=format_date(deadline.date), date_iso=_iso(deadline.date),
            days=str(deadline.days), counted_from=format_date(deadline.counted_from),
            basis=deadline.basis,
            text=(f"The deadline to file this {_LEVEL[rules]} is {format_date(deadline.date)} "
                  f"({deadline.basis.rstrip('.')}; counted from "
                  f"{format_date(deadline.counted_from)})."))
    else:
        deadline_ctx = DeadlineContext(present=False, date="", date_iso="", days="",
                                       counted_from="", basis="", text="")

    policy = result.policy
    if policy is not None:
        # "eviCore Spine Imaging Guidelines V1.0.2026, section SP.LB.0005.1.A"; a long publisher
        # name goes after the title instead, in brackets.
        short_source = len(policy.source) <= 30 and "(" not in policy.source
        citation = policy.title
        if short_source and not policy.title.casefold().startswith(policy.source.casefold()):
            citation = f"{policy.source} {policy.title}"
        if policy.version:
            citation += f" {policy.version}"
        if policy.section:
            citation += f", section {policy.section}"
        if not short_source:
            citation += f" ({policy.source})"
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
    clinic_request = ""
    if unmet:
        wanted = "; ".join(r.needed.rstrip(".") for r in unmet)
        clinic_request = (
            f"I am preparing a request to {plan_name} for {_service_description(result, case)}. "
            f"Please send me copies of any records showing: {wanted}. If the records do not "
            "exist yet, please tell me what visit, treatment or test is needed. "
            "Thank you.")

    signer_role = {"patient": "patient", "checklist": "patient", "clinician": "treating clinician",
                   "advocate": "authorized representative",
                   "correction": "patient"}[kind]
    context = LetterContext(
        kind=kind, kind_label=KIND_LABELS[kind], today=format_date(today), today_iso=_iso(today),
        outcome=result.outcome, outcome_label=OUTCOME_WORDS[result.outcome],
        urgency=result.urgency, is_expedited=expedited, is_emergency=emergency_on,
        is_check_before_filing=denial is None,
        # Only a letter whose pathway is fully met may say "the records meet the criteria".
        criteria_met=bool(requirements) and not unmet
        and result.outcome in ("appeal", "ready", "administrative"),
        patient=PatientContext(
            name=(patient.name or "") if patient else "",
            date_of_birth=format_date(patient.date_of_birth) if patient else "",
            date_of_birth_iso=_iso(patient.date_of_birth) if patient else "",
            age=_age(case, today), sex=(patient.sex or "") if patient else "",
            member_id=(patient.member_id or "") if patient else ""),
        plan=PlanContext(type=case.plan_type, type_label=PLAN_LABELS[case.plan_type],
                         payer=case.payer or "", name=plan_name, rules=rules),
        denial=DenialContext(
            present=denial is not None,
            reference=(denial.reference or "") if denial else "",
            notice_date=format_date(denial.notice_date) if denial else "",
            notice_date_iso=_iso(denial.notice_date) if denial else "",
            received_date=format_date(denial.received) if denial else "",
            code=(denial.code or (result.denial.code if result.denial else None) or "")
            if denial else "",
            text=(denial.text or (result.denial.text if result.denial else None) or "")
            if denial else "",
            category=result.denial.category if result.denial else "",
            category_label=CATEGORY_WORDS.get(result.denial.category, "")
            if result.denial else ""),
        service=ServiceContext(name=result.service.name, codes=list(result.service.codes),
                               cpt=(_requested_codes(case, result) or [""])[0],
                               description=_service_description(result, case)),
        policy=policy_ctx,
        pathway=PathwayContext(id=result.pathway.id if result.pathway else "",
                               title=result.pathway.title if result.pathway else ""),
        requirements=requirements, cited_requirements=cited, records=records,
        omitted_requirements=[r for r in requirements if r.status == "omitted"],
        unmet_requirements=unmet,
        appeal=_appeal(kind, rules, expedited, denial is None, plan_name),
        emergency=emergency,
        rights=RightsContext(
            title="What I ask of you" if kind != "clinician" else "Requests for this review",
            entries=[_right(t.format(**_voice(kind)), b)
                     for t, b in (_RIGHTS[rules] if denial is not None else _REQUEST_RIGHTS)]),
        deadline=deadline_ctx,
        next_level=_NEXT_LEVEL[rules].format(**_voice(kind)) if denial is not None else "",
        next_level_advice=_next_level_advice(case.plan_type) if denial is not None else "",
        enclosures=enclosures.contexts(),
        checklist=checklist, clinic_request=clinic_request,
        correction=_correction(case, result),
        signer=SignerContext(role=signer_role,
                             name=(patient.name or "") if patient and signer_role == "patient"
                             else ""),
    )
    return context.model_dump()
