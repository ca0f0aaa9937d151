"""Weigh extracted facts against a service's pathways, one requirement at a time.

Each requirement ends up ``met_in_request`` (the original request already showed it), ``omitted``
(the documentation or answers show it, the request did not) or ``unmet`` (nothing shows it; the
requirement's ``needed`` says what to obtain). Windows are respected (treatment after the episode
began, within the weeks a source sets) and what falls outside them becomes a warning, as do
documents that contradict each other.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..contract import Evidence, RequirementResult
from ..criteria import Library, Service
from ..criteria.schema import Pathway, Requirement
from .conflicts import concept_label
from .facts import ANSWER, DOCUMENT, REQUEST, Course, Facts, Mention
from .nodules import follow_up, read_nodules
from ..criteria.anatomy import body_parts_in
from .text import weeks_words

# An onset worked out from "x 3 months" is approximate: allow this much slack against it.
_ESTIMATE_SLACK = dt.timedelta(weeks=2)


@dataclass
class PathwayOutcome:
    pathway: Pathway
    requirements: list[RequirementResult]
    warnings: list[str] = field(default_factory=list)
    denied: int = 0  # required findings the record says are absent ("no arm symptoms")
    # Documents a follow-up interval was counted from (the CT that found a nodule): their age is
    # the point, not a sign of stale evidence.
    baselines: set[int] = field(default_factory=set)

    @property
    def met(self) -> bool:
        return all(r.status != "unmet" for r in self.requirements)

    @property
    def score(self) -> tuple:
        done = sum(r.status != "unmet" for r in self.requirements)
        total = len(self.requirements)
        # Among equally distant pathways, the usual route (treatment first) is the one to show a
        # patient without red flags, rather than "document a red flag".
        usual = any(r.kind != "red_flag" for r in self.requirements)
        # A pathway nothing in the record speaks to is not the documented condition, and neither is
        # one whose finding the record denies (conventions 1).
        return (self.met, done > 0, -self.denied, done / total, usual, -(total - done))


def _evidence(m: Mention) -> Evidence:
    return Evidence(quote=m.quote, source=m.source, date=m.date)


def _status(mentions: list[Mention]) -> str:
    return "met_in_request" if any(m.origin == REQUEST for m in mentions) else "omitted"


# ---------------------------------------------------------------------------------------------
# Requirements


class Evaluator:
    def __init__(self, library: Library, service: Service, facts: Facts, reference: dt.date,
                 age: int | None):
        self.library, self.service, self.facts = library, service, facts
        self.reference, self.age = reference, age
        self.warnings: list[str] = []
        self._baselines: set[int] = set()
        # What each requirement weighed: (requirement id) -> [(mention, counted, why)], for --explain.
        self.trace: dict[str, list[tuple[Mention, bool, str | None]]] = {}
        self._req_id = ""
        self._warned: set[str] = set()

    def warn(self, message: str) -> None:
        if message not in self._warned:
            self._warned.add(message)
            self.warnings.append(message)

    def pathway(self, pathway: Pathway) -> PathwayOutcome:
        self.warnings, self._warned, self._baselines = [], set(), set()
        results = []
        for req in pathway.requirements:
            results.append(self.requirement(req, pathway, results))
        # A finding the record denies, or one it defeats ("jogs daily" against "cannot exercise").
        denied = sum(1 for req, r in zip(pathway.requirements, results)
                     if r.status == "unmet" and req.kind == "clinical_finding"
                     and (self._denied(req) or any(self.facts.positive(c) for c in req.unless)))
        return PathwayOutcome(pathway, results, list(self.warnings), denied, self._baselines)

    def _weighed(self, mention: Mention, counted: bool, why: str | None = None) -> None:
        self.trace.setdefault(self._req_id, []).append((mention, counted, why))

    def requirement(self, req: Requirement, pathway: Pathway, earlier: list) -> RequirementResult:
        self._req_id = f"{pathway.id}/{req.id}"
        if req.kind in ("red_flag", "clinical_finding"):
            return self._findings(req)
        if req.kind == "conservative_care":
            return self._conservative(req)
        if req.kind == "follow_up":
            return self._follow_up(req, pathway)
        return self._imaging(req)

    def _result(self, req, status, evidence=(), needed=None) -> RequirementResult:
        return RequirementResult(
            id=req.id, kind=req.kind, text=req.text, status=status,
            evidence=[_evidence(m) for m in {(m.quote, m.source): m for m in evidence}.values()][:6],
            needed=(needed or req.needed) if status == "unmet" else None,
        )

    # -- findings ------------------------------------------------------------------------------

    def _too_old(self, req: Requirement, when: dt.date | None) -> bool:
        """Dated before the requirement's window (undated evidence is not judged by it)."""
        return bool(req.within and when and when < req.within.earliest(self.reference))

    def _old_note(self, req: Requirement, what: str, when: dt.date) -> str:
        return (f"{what}, dated {when.isoformat()}, is more than {req.within.words()} before the request "
                f"({self.reference.isoformat()}): too old for this policy, which counts only one from within "
                f"{req.within.words()} of the request; a new one is needed")

    def _findings(self, req: Requirement) -> RequirementResult:
        if req.schedule:
            scheduled = self._schedule(req)
            if scheduled is not None:
                return scheduled
        blockers = [m for c in req.unless for m in self.facts.positive(c)]
        if blockers:
            return self._result(req, "unmet", needed=(
                f"{req.needed} (the record shows {concept_label(self.library, blockers[0].concept)}: "
                f'"{blockers[0].quote}")'))
        per_fact = {c: [m for m in self.facts.positive(c)
                        if not self._earlier_episode(req, m) and not self._too_old(req, m.date)]
                    for c in req.facts}
        shown = {c: ms for c, ms in per_fact.items() if ms}
        old = []
        for c in req.facts:
            for m in self.facts.mentions.get(c, ()):
                if m.negated:
                    self._weighed(m, False, "denied, hypothetical, an instruction, or about someone else")
                elif self._earlier_episode(req, m):
                    self._weighed(m, False, f"from before this episode began ({self.facts.episode_start.isoformat()})")
                elif self._too_old(req, m.date):
                    self._weighed(m, False, f"dated {m.date.isoformat()}, more than {req.within.words()} "
                                            "before the request")
                    old.append(m)
                else:
                    self._weighed(m, True)
        if len(shown) < req.min_count:
            needed = req.needed
            if old and not shown:
                latest = max(old, key=lambda m: m.date)
                needed = (f"{req.needed} (" + self._old_note(
                    req, f"the latest, {concept_label(self.library, latest.concept)} (\"{latest.quote}\")",
                    latest.date) + ")")
            elif shown and req.min_count > 1:
                have = ", ".join(concept_label(self.library, c) for c in shown)
                needed = f"{req.needed} (the record shows {len(shown)} of {req.min_count}: {have})"
            return self._result(req, "unmet", needed=needed)
        if req.age_min is not None:
            if self.age is None:
                return self._result(req, "unmet", needed=f"the patient's age or date of birth "
                                    f"(this pathway applies from age {req.age_min})")
            if self.age < req.age_min:
                return self._result(req, "unmet", needed=f"{req.needed} (the patient is {self.age}; "
                                    f"this pathway applies from age {req.age_min})")
        in_request = [c for c, ms in shown.items() if any(m.origin == REQUEST for m in ms)]
        evidence = _best([m for ms in shown.values() for m in ms])
        status = "met_in_request" if len(in_request) >= req.min_count else "omitted"
        return self._result(req, status, evidence)

    def _schedule(self, req: Requirement) -> RequirementResult | None:
        """A follow-up interval worked out from the nodule's size and the dates of the CT that found
        it and of the stable follow-up CTs since (Fleischner 2017). None where the case does not give
        what the rule needs: the requirement's facts (the documented recommendation) are then read
        as before."""
        reading = follow_up(self.facts)
        if reading is None:
            return None
        nodule, advice = reading.nodule, reading.advice
        if nodule.found is None and not (reading.grown or advice.now):
            return None  # what is due depends on when the CT was: read the documented recommendation
        if reading.follow_ups and advice.open_after_first and not (reading.grown or advice.now):
            return None  # the guideline leaves later steps to the radiologist: read the recommendation
        evidence = ([nodule.mention] + (reading.risk if advice.by_risk else [])
                    + self.facts.positive("nodule_follow_up_due"))
        self._weighed(nodule.mention, True, f"{nodule.words()}; CT of "
                      f"{nodule.found.isoformat() if nodule.found else 'an unstated date'}; Fleischner 2017: {advice.text}")
        self._baselines.update(m.doc for m in [nodule.mention, *reading.grown] if m.doc >= 0)
        if reading.grown:
            return self._result(req, _status(reading.grown), _best(reading.grown + evidence))
        if advice.now:
            return self._result(req, _status([nodule.mention]), _best(evidence))
        words = nodule.words()
        article = "an" if words.startswith(("8", "11 ", "11.", "18")) else "a"
        rule = f"under the Fleischner Society 2017 guidelines {article} {words} calls for {advice.text}"
        if reading.follow_ups:
            stable = _and([d.isoformat() for d in reading.follow_ups])
            rule += (f"; the CT that found it was on {reading.first.isoformat()} and the follow-up CT"
                     f"{'s' if len(reading.follow_ups) > 1 else ''} of {stable} showed no growth")
            self._baselines.update(n.mention.doc for n in read_nodules(self.facts) if n.mention.doc >= 0)
        else:
            rule += f"; the CT that measured it was on {nodule.found.isoformat()}"
        if advice.months is None:
            return self._result(req, "unmet", needed=(
                f"a reason for a follow-up CT: {rule}. Document risk factors for lung cancer (smoking "
                "history, emphysema, a spiculated edge), growth or new symptoms if there are any"))
        if reading.ended:
            return self._result(req, "unmet", needed=(
                f"a reason for another CT: {rule}, which completes that schedule, so no further follow-up "
                "CT is recommended for this nodule. Document growth, a new or growing solid part, or new "
                "symptoms if there are any"))
        step = "next follow-up CT" if reading.follow_ups else "follow-up CT"
        if self.reference < reading.due:
            return self._result(req, "unmet", needed=(
                f"{'the' if reading.follow_ups else 'a'} {step} when it is due: {rule}, so the {step} is due from "
                f"{reading.due.isoformat()}, not on {self.reference.isoformat()}. Request it on or after "
                f"{reading.due.isoformat()}, or document growth or new symptoms that call for it sooner"))
        return self._result(req, _status([nodule.mention]), _best(evidence))

    def _denied(self, req: Requirement) -> bool:
        """Every mention of the requirement's findings denies them, or the record shows what rules
        the requirement out (its `unless`): either way the pathway is not the documented condition."""
        if any(self.facts.positive(c) for c in req.unless):
            return True
        mentions = [m for c in req.facts for m in self.facts.mentions.get(c, ())]
        return bool(mentions) and all(m.negated for m in mentions)

    def _earlier_episode(self, req: Requirement, m: Mention) -> bool:
        """An exam or symptom noted before the current episode began (a history, such as cancer,
        stays a red flag whenever it was written)."""
        episode = self.facts.episode_start
        if req.kind != "clinical_finding" or not episode or not m.when or m.origin != DOCUMENT:
            return False
        slack = _ESTIMATE_SLACK if self.facts.episode_estimated else dt.timedelta(0)
        return m.when + slack < episode

    # -- conservative care ---------------------------------------------------------------------

    def _counts(self, course: Course, req: Requirement) -> str | None:
        """Why a course does not count toward this requirement, or None when it does."""
        label = concept_label(self.library, course.concept)
        concept = self.library.concepts[course.concept].concept
        if (course.concept not in req.therapies) if req.therapies else not concept.general:
            return "type"
        if course.self_directed and concept.provider_directed:
            return (f"The {label} (\"{course.mention.quote}\") was self-directed; criteria count "
                    "treatment a clinician directed.")
        elsewhere = self._elsewhere(course)
        if elsewhere:
            return f"The {label} (\"{course.mention.quote}\") does not count here: {elsewhere}."
        if course.planned:
            return "type"  # ordered, not yet done: a later note reports how it went
        if course.outcome == "improved":
            return (f"The record says {label} helped (\"{course.mention.quote}\"); "
                    "criteria count treatment that failed.")
        if not concept.provider_directed and not (course.prescribed and course.followed_up):
            missing = " and ".join(x for x, ok in (("a written exercise prescription", course.prescribed),
                                                   ("documented follow-up showing it failed", course.followed_up))
                                   if not ok)
            return (f"The {label} (\"{course.mention.quote}\") counts only with {missing}.")
        episode = self.facts.episode_start
        if req.after_episode and episode:
            estimated = self.facts.episode_estimated or course.start_estimated
            slack = _ESTIMATE_SLACK if estimated else dt.timedelta(0)
            began = course.start or course.end
            if began and began + slack < episode:
                return (f"{label.capitalize()} from {began.isoformat()} began before the current "
                        f"episode ({episode.isoformat()}); only treatment after it counts.")
        if req.within_weeks and course.end is None:
            self.warn(f"When the {label} ended is not stated; this policy counts only treatment within "
                      f"the last {req.within_weeks} weeks, so give its dates.")
        if req.within_weeks and course.end:
            age_weeks = (self.reference - course.end).days / 7
            if age_weeks > req.within_weeks:
                return (f"{label.capitalize()} ended {course.end.isoformat()}, more than "
                        f"{req.within_weeks} weeks before {self.reference.isoformat()}; this policy "
                        f"counts only treatment within the last {req.within_weeks} weeks.")
        if course.weeks is None:
            return "length" if req.weeks > 0 else None
        if course.weeks + 1e-6 < req.weeks:
            return "short"
        return None

    def _conservative(self, req: Requirement) -> RequirementResult:
        good, reasons, short, undated = [], [], [], []
        # A request's bare claim ("failed 8 wks PT") is the course the records describe: where the
        # records show that therapy only for another part, side or episode, the claim is theirs.
        documented = {}
        for course in self.facts.courses:
            if course.mention.origin == DOCUMENT and not course.planned:
                documented.setdefault(course.concept, []).append(self._counts(course, req) is None)
        for course in self.facts.courses:
            if (course.mention.origin == REQUEST and course.start is None
                    and not body_parts_in(course.mention.quote)
                    and documented.get(course.concept) and not any(documented[course.concept])):
                continue
            why = self._counts(course, req)
            if why != "type" or course.planned:
                self._weighed(course.mention, why is None, {
                    "type": "ordered or recommended, not yet done", "short": f"shorter than {req.weeks:g} weeks",
                    "length": "its length is not stated"}.get(why, why))
            if why is None:
                good.append(course)
            elif why == "short":
                short.append(course)
            elif why == "length":
                undated.append(course)
            elif why != "type":
                reasons.append(why)
        for why in reasons:
            self.warn(why)
        if good:
            ordered = sorted(good, key=lambda c: c.mention.origin != REQUEST)
            evidence = [m for c in ordered for m in (c.mention, c.outcome_mention) if m]
            return self._result(req, _status([c.mention for c in ordered]), evidence)
        combined = _consecutive(short, req.weeks)
        if combined:
            # Treatments that follow one another (PT, then chiropractic) make one trial.
            evidence = [c.mention for c in combined]
            return self._result(req, _status(evidence), evidence)
        needed = req.needed
        if short:
            best = max(short, key=lambda c: c.weeks or 0)
            needed = (f"{req.needed} (the record shows {weeks_words(best.weeks)} of "
                      f"{concept_label(self.library, best.concept)}; {weeks_words(req.weeks)} are required")
            started = min((c.start for c in short if c.start and not c.start_estimated), default=None)
            if started:
                due = started + dt.timedelta(weeks=req.weeks)
                if due > self.reference:  # a course still under way: say when it will be long enough
                    needed += f"; if it continues, {weeks_words(req.weeks)} are reached on {due.isoformat()}"
            needed += ")"
        elif undated:
            c = undated[0]
            needed = (f"{req.needed} (the record mentions {concept_label(self.library, c.concept)} but not "
                      "for how long: add the dates or number of weeks)")
        elif reasons:
            needed = f"{req.needed} ({reasons[0]})"
        return self._result(req, "unmet", needed=needed)

    # -- follow-up ---------------------------------------------------------------------------

    def _follow_up(self, req: Requirement, pathway: Pathway) -> RequirementResult:
        care = next((r for r in pathway.requirements if r.kind == "conservative_care"), None)
        courses = [c for c in self.facts.courses if care is None or self._counts(c, care) is None]
        started = min((c.start or c.end for c in courses if (c.start or c.end)), default=None)
        found = []
        for m in self.facts.mentions.get("reevaluation", ()):
            if m.negated:
                self._weighed(m, False, "booked but not yet held, a booking call or therapy note, or denied")
                continue
            if started and m.when and m.when < started:
                self._weighed(m, False, f"before the treatment began ({started.isoformat()})")
                continue  # a visit before the treatment began is not a re-evaluation after it
            self._weighed(m, True)
            found.append(m)
        if not found:
            return self._result(req, "unmet")
        return self._result(req, _status(found), _best(found))

    # -- prior imaging -----------------------------------------------------------------------

    def _elsewhere(self, item) -> str | None:
        """Why a course or study belongs to another body part or side, or None."""
        part = self.library.body_part(self.service)
        if part and item.parts and part not in item.parts:
            return f"it concerns the {' and '.join(sorted(item.parts)).replace('_', ' and ')}"
        wanted = self.facts.requested_sides
        if self.service.lateral and wanted and item.sides and not wanted & item.sides:
            return f"it concerns the {' and '.join(sorted(item.sides))} side"
        return None

    def _imaging(self, req: Requirement) -> RequirementResult:
        label = concept_label(self.library, req.modality)
        for m in self.facts.mentions.get(req.modality, ()):
            if m.negated:
                self._weighed(m, False, "denied, declined or not done")
        studies, reported = [], False
        for s in self.facts.studies:
            if s.concept != req.modality:
                continue
            if s.planned:
                self._weighed(s.mention, False, "ordered, offered or recommended, not yet done")
                continue
            why = self._elsewhere(s)
            # A report of this part, even of the other side, is what a vague "x-ray done" refers to.
            reported = reported or (not s.vague and not (why and "side" not in why))
            if why:
                self.warn(f"The {label} (\"{s.mention.quote}\") do not count here: {why}.")
                self._weighed(s.mention, False, why)
                continue
            studies.append(s)
        explicit = [s for s in studies if not s.vague]
        good, rejected = self._screen(req, explicit, label)
        if reported and good:
            # "X-rays on file" is the study a report describes: it counts when such a report does.
            good += [s for s in studies if s.vague]
        elif reported:
            rejected += [(s, f"\"{s.mention.quote}\" refers to {label} whose report does not count here")
                         for s in studies if s.vague]
        else:
            good, rejected = self._screen(req, studies, label)
        for s in good:
            self._weighed(s.mention, True)
        for s, note in rejected:
            self._weighed(s.mention, False, note)
        if good:
            mentions = [s.mention for s in good]
            return self._result(req, _status(mentions), _best(mentions))
        notes = [note for _, note in rejected]
        for note in notes:
            self.warn(note)
        return self._result(req, "unmet", needed=f"{req.needed} ({notes[0]})" if notes else None)

    def _screen(self, req: Requirement, studies, label: str):
        """The studies that count for the requirement, and the others with the reason."""
        episode = self.facts.episode_start
        good, rejected = [], []
        for s in studies:
            if self._too_old(req, s.date):
                rejected.append((s, self._old_note(req, f"The {_bare(label)}", s.date) + "."))
                continue
            if episode and s.date:  # conventions 10: an earlier episode's films are not this one's
                slack = _ESTIMATE_SLACK if self.facts.episode_estimated else dt.timedelta(0)
                if s.date + slack < episode:
                    rejected.append((s, f"The {label} of {s.date.isoformat()} predate the current episode "
                                        f"({episode.isoformat()}); only {label} taken after it began count."))
                    continue
            if req.results:
                if s.result is None:
                    rejected.append((s, f"The result of the {label} is not stated (\"{s.mention.quote}\"); "
                                        "the policy depends on it."))
                    continue
                if s.result not in req.results:
                    rejected.append((s, f"The {label} already show a cause (\"{s.mention.quote}\"); this policy "
                                        "allows advanced imaging only after x-rays that are normal or do not "
                                        "explain the symptoms."))
                    continue
            good.append(s)
        return good, rejected


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _bare(label: str) -> str:
    """A label without its article ("a mammogram" -> "mammogram"), to follow "the"."""
    return label.removeprefix("a ").removeprefix("an ")


_GAP = dt.timedelta(days=7)


def _consecutive(courses: list[Course], weeks: float) -> list[Course]:
    """Dated courses that together cover ``weeks`` without a gap of more than a week, or []."""
    dated = sorted((c for c in courses if c.start and c.end and not c.start_estimated),
                   key=lambda c: c.start)
    run: list[Course] = []
    run_start = run_end = None
    for c in dated:
        if run and c.start <= run_end + _GAP:
            run.append(c)
            run_end = max(run_end, c.end)
        else:
            run, run_start, run_end = [c], c.start, c.end
        if (run_end - run_start).days / 7 + 1e-6 >= weeks and len(run) > 1:
            return run
    return []


def _best(mentions: list[Mention]) -> list[Mention]:
    """Evidence to show: request quotes first, then documents, then answers; no repeats."""
    order = {REQUEST: 0, DOCUMENT: 1, ANSWER: 2}
    seen, out = set(), []
    for m in sorted(mentions, key=lambda m: order[m.origin]):
        key = (m.quote, m.source)
        if key not in seen:
            seen.add(key)
            out.append(m)
    return out
