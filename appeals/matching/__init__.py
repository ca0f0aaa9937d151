"""The matcher: a case in, a result out, deterministic and explained.

``match_case(case)`` finds the service's criteria, reads the free text and answers into facts
(:mod:`.extract`), weighs them against every pathway of the payer's criteria (:mod:`.evaluate`),
classifies the denial (:mod:`.denial`), judges urgency and computes the filing deadline
(:mod:`.deadlines`). No language model; the same case always gives the same result. Pure code:
no Flask, Celery or database imports.
"""

from __future__ import annotations

import datetime as dt
import re

from ..contract import Case, MatchResult, PathwayRef, PolicyRef, ServiceRef
from ..criteria import Library, Service, load_library
from ..criteria.folding import fold
from . import text as tx
from .deadlines import deadline_for, next_level
from .denial import ADMINISTRATIVE, classify
from .conflicts import resolve_conflicts, sign_shown
from .evaluate import Evaluator, PathwayOutcome
from .answers import apply_answers
from .extract import extract
from .facts import Facts

__all__ = ["match_case", "next_level", "payer_variant", "choose_service"]

_STALE_AFTER = dt.timedelta(days=365)


# The benefit managers that review for many plans: named, they say whose criteria were applied.
_REVIEWER = re.compile(r"\b(?:evicore|evernorth|carelon|aim specialty)\b", re.I)
# A denial letter that cites the company's own policy ("Aetna Clinical Policy Bulletin 0236").
_GUIDELINE = re.compile(r"\b(?:clinical policy|policy bulletin|CPB|guidelines?|medical policy|coverage policy)\b", re.I)


def payer_variant(library: Library, payer: str | None, denial_text: str | None = None,
                  plan_type: str | None = None) -> tuple[str, str | None]:
    """('evicore', label) for "Cigna"; ('acr', None) when the payer is unknown or not named.

    A denial letter that names its reviewer ("does not meet eviCore guidelines") decides first:
    a Blue plan, for one, may use eviCore or Carelon. A Medicare Advantage plan is not judged by
    its company's commercial guideline: only a reviewer named outright decides there.
    """
    for text in (denial_text, payer):
        if text:
            if plan_type == "medicare_advantage" and not _REVIEWER.search(text) and not (
                    text is denial_text and _GUIDELINE.search(text)):
                continue
            folded = fold(text)
            for rule, regex in library.payer_patterns:
                if regex.search(folded):
                    return rule.variant, rule.label
    return "acr", None


def choose_service(library: Library, case: Case) -> Service | None:
    """The service the case names; among namesakes (CT head), the one the notes point to."""
    found = library.candidates(case.service)
    if len(found) <= 1:
        return found[0] if found else None
    if case.answers:  # the web form asked one service's questions: the person chose that one
        asked = set(case.answers)
        fitting = [s for s in found if asked <= {q.id for q in library.questions(s)}]
        if len(fitting) == 1:
            return fitting[0]
    notes = "\n".join([case.service, case.original_request or ""] + [d.text for d in case.documentation])
    parsed = None
    for service in found:
        for concept in service.selected_by:
            for m in library.concepts[concept].regex.finditer(notes):
                parsed = parsed or tx.ParsedText(notes)
                if not parsed.is_negated(m.start(), m.end()):
                    return service
    if library.unrelated(found):
        return None  # "heart scan": the notes do not say which examination; no criteria rather than a guess
    return next((s for s in found if not s.selected_by), found[0])


def _age(case: Case, facts: Facts, reference: dt.date) -> int | None:
    patient = case.patient
    if patient and patient.date_of_birth:
        dob = patient.date_of_birth
        return reference.year - dob.year - ((reference.month, reference.day) < (dob.month, dob.day))
    if patient and patient.age is not None:
        return patient.age
    return facts.age


def _codes_in(text: str) -> list[str]:
    return re.findall(r"(?<!\d)\d{5}(?!\d)", text or "")


def _contrast_of(service: Service, text: str) -> str | None:
    """The contrast a service string or request names, by words or by CPT code."""
    said = tx.contrast_in(text or "")
    if said:
        return said
    for code in _codes_in(text):
        for c in service.cpt:
            if c.code == code:
                return c.contrast
    return None


_CONTRAST_WORDS = {"without": "without contrast", "with": "with contrast",
                   "without_and_with": "without and with contrast"}


def match_case(case: Case, *, library: Library | None = None, today: dt.date | None = None,
               trace: dict | None = None) -> MatchResult:
    """The result for a case. ``today`` fixes the date that "the deadline has passed" is judged on
    (and a check before filing's reference date); ``trace``, a dict, receives the working for
    :func:`.explain.explain`."""
    library = library or load_library()
    reference = case.denial.notice_date if case.denial else (today or dt.date.today())
    service = choose_service(library, case)
    facts = extract(case, library, service, reference)
    apply_answers(facts, case, library, service)
    warnings_conflict = resolve_conflicts(facts, library)
    age = _age(case, facts, reference)

    reading = classify(case.denial, library) if case.denial else None
    denial = reading.result if reading else None
    deadline = (deadline_for(case.plan_type, case.denial.notice_date, case.denial.received_date)
                if case.denial else None)

    urgency, urgent_notes = _urgency(library, service, facts, case, age)
    warnings: list[str] = []

    if service is None:
        warnings.append(
            f"The criteria library has no criteria for \"{case.service}\". Appeal on the plan's own "
            "criteria: ask the plan for the guideline it applied (a free copy is your right) and "
            "answer each point with the treating clinician's notes.")
        urgency, urgent_notes = _settle_urgency("no_criteria", urgency, urgent_notes, case)
        return MatchResult(
            outcome="no_criteria", urgency=urgency,
            service=ServiceRef(id=None, name=case.service, codes=_codes_in(case.service)),
            denial=denial, deadline=deadline,
            warnings=urgent_notes + warnings + warnings_conflict + facts.answer_notes
            + _filing_notes(case, deadline, today or dt.date.today()),
        )

    variant, payer_label = payer_variant(library, case.payer,
                                         case.denial.text if case.denial else None, case.plan_type)
    pathways = [p for p in service.pathways if p.payer == variant]
    # The neutral default: the ACR criteria, or the specialty society's for a service ACR does not rate.
    neutral = service.source(next(p.source for p in service.pathways if p.payer == "acr")).publisher
    if case.plan_type == "medicare_advantage" and payer_label is None and payer_variant(library, case.payer)[1]:
        warnings.append("A Medicare Advantage plan follows Medicare's coverage rules, not its company's "
                        f"commercial guideline, so the neutral {neutral} criteria are "
                        "applied. If the denial letter names a reviewer (for example eviCore), enter it.")
    elif case.payer and payer_label is None:
        warnings.append(f"The library does not know whose criteria \"{case.payer}\" uses, so the neutral "
                        f"{neutral} criteria are applied. The denial letter names the "
                        "guideline it used (for example eviCore or Carelon); put that name in the payer to "
                        "apply it.")
    if not pathways:
        warnings.append(f"The library has no {payer_label or variant} criteria for {service.name}; "
                        f"the {neutral} criteria are applied instead.")
        pathways = [p for p in service.pathways if p.payer == "acr"]

    evaluator = Evaluator(library, service, facts, reference, age)
    outcomes = [evaluator.pathway(p) for p in pathways]
    best = _choose(outcomes)
    if trace is not None:
        trace.update(facts=facts, evaluator=evaluator, outcomes=outcomes, best=best,
                     conflicts=warnings_conflict, variant=variant, reference=reference)

    mismatch = _mismatches(service, case, facts)
    administrative = False
    if denial is not None:
        if denial.category == "other" and mismatch:
            denial.category = "coding"
        administrative = denial.category in ADMINISTRATIVE
    if administrative:
        warnings.append(_administrative_note(denial.category, reading))
    warnings += mismatch

    if administrative:
        outcome = "administrative"
    elif best.met:
        outcome = "ready" if case.denial is None else "appeal"
    else:
        outcome = "not_met"
    if outcome == "appeal" and all(r.status == "met_in_request" for r in best.requirements):
        warnings.append("The original request already showed every requirement of this pathway: "
                        "the appeal can say the criteria were misapplied and quote the request.")
    if outcome == "not_met":
        warnings.append("The criteria are not met yet. Obtain what the unmet requirements name, "
                        "then submit a new request; that is usually faster than an appeal.")

    urgency, urgent_notes = _settle_urgency(outcome, urgency, urgent_notes, case)
    warnings = urgent_notes + warnings
    warnings += warnings_conflict + best.warnings + _stale(case, reference, best.baselines) + facts.answer_notes
    warnings += _filing_notes(case, deadline, today or dt.date.today())
    source = service.source(best.pathway.source)
    version, url, caveat = source.in_force(reference)
    if caveat:
        version = f"{version} (the version in force on {reference.isoformat()} is not in the library)"
        warnings.append(caveat)
    return MatchResult(
        outcome=outcome,
        urgency=urgency,
        service=ServiceRef(id=service.id, name=service.name, codes=service.codes),
        policy=PolicyRef(title=source.title, source=source.publisher,
                         section=best.pathway.section or source.section, version=version, url=url),
        pathway=PathwayRef(id=best.pathway.id, title=best.pathway.title),
        requirements=best.requirements,
        denial=denial,
        deadline=deadline,
        warnings=list(dict.fromkeys(warnings)),
    )


def _choose(outcomes: list[PathwayOutcome]) -> PathwayOutcome:
    """The first met pathway in the file's order; else the one that comes closest."""
    for o in outcomes:
        if o.met:
            return o
    return max(outcomes, key=lambda o: o.score)  # max keeps the first of equals


def _urgency(library: Library, service: Service | None, facts: Facts, case: Case,
             age: int | None) -> tuple[str, list[str]]:
    services = [service] if service else library.services
    for s in services:
        for sign in s.emergency_signs:
            hits = sign_shown(sign, facts, age)
            if hits:
                return "emergency", [
                    f"EMERGENCY: {sign.text} (\"{hits[0].quote}\"). Seek emergency care now: call 911 "
                    "or go to the nearest emergency department. Emergency care needs no prior "
                    "authorization; the appeal comes second."]
    for s in services:
        for sign in s.urgent_signs:
            hits = sign_shown(sign, facts, age)
            if hits:
                return "expedited", [
                    f"Ask for an expedited (72-hour) review: {sign.text} (\"{hits[0].quote}\"). "
                    "A treating physician's statement that waiting could seriously jeopardize the "
                    "patient's health makes the plan decide within 72 hours."]
    if library.urgent_regex:
        texts = [(case.original_request or "", "original request")] + [
            (d.text, d.source or "documentation") for d in case.documentation]
        for text, source in texts:
            parsed = None
            for m in library.urgent_regex.finditer(text):
                parsed = parsed or tx.ParsedText(text)
                if not parsed.is_negated(m.start(), m.end()):
                    quote = parsed.quote(parsed.sentence_at(m.start()))
                    return "expedited", [
                        f"Ask for an expedited (72-hour) review: the clinician asks for urgency "
                        f"(\"{quote}\", {source}). A treating physician's statement that waiting could "
                        "seriously jeopardize the patient's health makes the plan decide within 72 hours."]
    return "standard", []


# A claim adjustment group code (CO-197, PR-204) or claim wording: the service was already done.
_POST_SERVICE = re.compile(r"^\s*(?:CO|PR|OA|PI)\s*-?\s*\d|\bclaim\b|date of service|was (?:performed|done|rendered)",
                           re.I)


def _settle_urgency(outcome: str, urgency: str, notes: list[str], case: Case) -> tuple[str, list[str]]:
    """A fast review is for an appeal: a result that is not one (not met yet, an administrative
    fix, no criteria) asks for none, and neither does a service already performed. An emergency
    is told whatever the outcome: it is about the patient now, not about the appeal."""
    if urgency != "expedited":
        return urgency, notes
    if outcome not in ("appeal", "ready"):
        return "standard", []
    if urgency == "expedited" and case.denial and any(
            _POST_SERVICE.search(x or "") for x in (case.denial.code, case.denial.text)):
        return "standard", []
    return urgency, notes


def _mismatches(service: Service, case: Case, facts: Facts) -> list[str]:
    notes = []
    requested = tx.sides_in(case.service) | facts.requested_sides
    if service.lateral and requested and facts.documented_sides and not requested & facts.documented_sides:
        notes.append(
            f"Side mismatch: the request names the {' and '.join(sorted(requested))} side but the "
            f"documentation describes the {' and '.join(sorted(facts.documented_sides))}. Correct "
            "the order (and its code modifier, RT/LT) and resubmit.")
    billed = _contrast_of(service, case.service)
    asked = _contrast_of(service, case.original_request or "")
    if billed and asked and billed != asked:
        notes.append(
            f"Contrast mismatch: the service is {_CONTRAST_WORDS[billed]} but the original request "
            f"says {_CONTRAST_WORDS[asked]}. Make the order, the code and the request agree, then resubmit.")
    ordered = billed or asked
    for hint in service.contrast_hints:
        shown = [m for c in hint.facts for m in facts.positive(c)]
        if ordered and shown and ordered != hint.contrast:
            notes.append(f"Check the contrast: the order is {_CONTRAST_WORDS[ordered]}, but {hint.text} "
                         f"(\"{shown[0].quote}\").")
    texts = " ".join(x for x in (case.service, case.original_request,
                                 case.denial.text if case.denial else None) if x)
    for hint in service.diagnosis_hints:
        code = re.search(hint.code_pattern, texts, re.I)
        shown = [m for c in hint.facts for m in facts.positive(c)]
        if code and shown:
            notes.append(hint.text.replace("{code}", code.group(0)) + f" (\"{shown[0].quote}\")")
    return notes


def _administrative_note(category: str, reading) -> str:
    what = {
        "no_authorization": "the service was done or scheduled without a prior authorization. "
                            "Ask the plan for a retroactive authorization (or appeal the claim) with the "
                            "clinical notes; an in-network patient is usually not liable for a CO-197 denial",
        "coding": "the codes on the request do not match (procedure, diagnosis, side or contrast). "
                  "Correct the codes and resubmit; no clinical argument is needed",
        "eligibility": "the plan says the patient was not covered on the date of service. Check the "
                       "dates of coverage and resubmit to the right plan",
        "benefit_exclusion": "the plan says this service is not a covered benefit. The appeal is about the "
                             "plan's terms: ask for the plan document section it relied on",
    }[category]
    extra = ""
    if reading and reading.aspect:
        extra = f" The letter points to a {reading.aspect} problem."
    if reading and reading.code_meaning:
        extra += f" Code meaning: {reading.code_meaning}."
    return f"Administrative denial: {what}.{extra}"


def _filing_notes(case: Case, deadline, today: dt.date) -> list[str]:
    notes = []
    if deadline is not None and today > deadline.date:
        notes.append(f"The filing deadline ({deadline.date.isoformat()}) has passed. Ask the plan whether it "
                     "accepts a late appeal for good cause, or submit a new request with current notes.")
    if case.plan_type == "medicare_advantage" and case.denial is not None:
        notes.append("Medicare Advantage plans may apply their own criteria only where Medicare's coverage "
                     "rules are not fully established, and those criteria must be public and evidence-based "
                     "(42 CFR 422.101(b)(6)); ask the plan which rule it applied.")
        if re.search(r"x-?ray|radiograph|plain films?", case.denial.text or "", re.I):
            notes.append("HHS-OIG (OEI-09-18-00260, 2022) found Medicare Advantage plans denying advanced "
                         "imaging for lack of a prior x-ray, a requirement Medicare's own coverage rules do "
                         "not contain; cite this if the plan relied on it.")
    return notes


def _stale(case: Case, reference: dt.date, baselines: set[int] = frozenset()) -> list[str]:
    notes = []
    for i, doc in enumerate(case.documentation):
        if doc.date and reference - doc.date > _STALE_AFTER and i not in baselines:
            notes.append(f"{doc.source or f'Document {i + 1}'} is dated {doc.date.isoformat()}, more "
                         "than a year before the request; criteria look at the current episode, so "
                         "newer notes carry more weight.")
    return notes

