"""From a case's free text and plain answers to facts, each with its exact quote and document.

Three kinds of fact come out: *mentions* of a vocabulary concept (asserted or denied), *courses*
of conservative treatment (how long, when, whether they helped, whether a home program was
prescribed and followed up) and *studies* (imaging already done, when, what it showed). The
original request is read too, so the matcher can tell what the request already showed from what
only the documentation has. Never raises: unreadable text simply yields no facts.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from ..contract import Case
from ..criteria import Library, Service
from ..criteria.folding import compile_folded, fold
from ..criteria.schema import SCHEDULES
from ..criteria.anatomy import body_parts_in
from . import text as tx
from .events import (attribute, chain_planned_courses, course_from_record, link_home_programs, merge_courses,
                     outcome_after, read_course, read_study, therapy_named_by)
from .facts import ANSWER, DOCUMENT, REQUEST, Course, Facts, Mention, Study
from .spelling import Speller

_SYMPTOM_WORDS = r"(?:pain|symptoms?|sciatica|radiculopathy|headaches?|LBP|numbness|weakness|complaints?)"
_ONSET_DATE = compile_folded(
    rf"(?:{_SYMPTOM_WORDS}\s+(?:\w+\s+){{0,3}}?(?:began|started|start(?:ing)?|since|beginning|onset)"
    r"|onset(?:\s+of\s+(?:\w+\s+){0,3}?)?|since|injur(?:ed|y)(?:\s+on)?|fell(?:\s+on)?"
    # an injury told as a story: "twisted the right knee on", "hurt his back lifting a box"
    r"|(?:twist(?:ed|ing)|injur(?:ed|ing|y)|hurt|fell|fall|slipped|tripped|sprain(?:ed)?|stepp(?:ed|ing)"
    r"|lift(?:ed|ing)|strain(?:ed)?|pivot(?:ed|ing)|landed|collided|crash(?:ed)?)\b(?:\s+\S+){0,8}?)"
    r"\s*[:,]?\s*(?:on\s+|in\s+)?(?:(?:early|mid|late|around|about|approximately|~|the (?:end|middle|beginning) of)[\s-]*)?$"
)
_SYMPTOM_DURATION = compile_folded(
    rf"{_SYMPTOM_WORDS}\s+(?:\w+\s+){{0,3}}?(?:for|x|×|over the (?:past|last)|of)\s*$"
)
_PRESCRIBER = compile_folded(r"\b(?:per|by|from)\s+$")


def _documents(case: Case):
    """(origin, text, source, date, index) for the request and every document."""
    if case.original_request:
        yield REQUEST, case.original_request, "original request", None, -1
    for i, doc in enumerate(case.documentation):
        yield DOCUMENT, doc.text, doc.source or f"document {i + 1}", doc.date, i


def concepts_for(library: Library, service: Service | None) -> list[str]:
    """The concepts worth reading for a service (all of them when the service is unknown)."""
    key = service.id if service else None
    cached = library.cache.get(("concepts_for", key))
    if cached is None:
        cached = library.cache[("concepts_for", key)] = _concepts_for(library, service)
    return cached


def _concepts_for(library: Library, service: Service | None) -> list[str]:
    if service is None:
        return list(library.concepts)
    needed: set[str] = {"clinical_exam", "reevaluation", "exercise_prescription", "no_improvement",
                        "improved"}
    for pathway in service.pathways:
        for req in pathway.requirements:
            needed.update(req.facts, req.therapies, req.unless, SCHEDULES.get(req.schedule, ()))
            if req.modality:
                needed.add(req.modality)
            if req.kind == "conservative_care" and not req.therapies:
                needed.update(c for c, cc in library.concepts.items()
                               if cc.concept.therapy and cc.concept.general)
    for sign in (*service.red_flags, *service.emergency_signs, *service.urgent_signs):
        needed.update(sign.facts, sign.together_with)
    needed.update(service.selected_by)
    for q in library.questions(service):
        needed.update(x for x in (q.fact, q.therapy, q.imaging) if x)
    # A concept's implications are read along with it.
    for cid in list(needed):
        needed.update(library.concepts[cid].concept.implies)
    return [c for c in library.concepts if c in needed]


def extract(case: Case, library: Library, service: Service | None, reference: dt.date) -> Facts:
    facts = Facts()
    # A concept none of whose words appear anywhere in the case is not looked for at all.
    speller = library.cache.get("speller")
    if speller is None:
        speller = library.cache["speller"] = Speller(library.vocabulary.spelling)
    everything = speller.correct(fold("\n".join([case.original_request or ""] + [d.text for d in case.documentation]))).text
    wanted = [c for c in concepts_for(library, service)
              if (words := library.concepts[c].literals) is None or any(w in everything for w in words)]
    therapy_ids = {c for c in wanted if library.concepts[c].concept.therapy}
    imaging_ids = {c for c in wanted if library.concepts[c].concept.imaging}
    outcome_failed = library.concepts["no_improvement"]
    outcome_improved = library.concepts["improved"]
    prescription = library.concepts["exercise_prescription"]

    for origin, text, source, doc_date, index in _documents(case):
        title = fold(source or "")  # the folded patterns below read folded text
        parsed = tx.ParsedText(text, others=not _WRITTEN_BY_RELATIVE.search(title))
        lowered = fold(text)
        spelled = speller.correct(lowered)
        found_dates = tx.dates_in(text, doc_date or reference)
        doc_has_prescription = False
        doc_courses: list[Course] = []
        doc_studies: list[Study] = []
        for cid in wanted:
            compiled = library.concepts[cid]
            concept = compiled.concept
            for m in _matches(compiled, text, spelled, parsed):
                if concept.min_value is not None and not _reaches(text[m.start():m.end()], concept.min_value):
                    continue  # "lifetime risk 14 %" names the measure but not the threshold
                sentence = parsed.sentence_at(m.start())
                if sentence is None:
                    continue
                negated = parsed.is_negated(m.start(), m.end(), result_words_deny=not concept.imaging)
                when = _date_near(found_dates, sentence, m.start()) or doc_date
                mention = Mention(cid, negated, parsed.quote(sentence, (m.start(), m.end())),
                                  source, doc_date or when,
                                  origin, index, sentence.start, when)
                facts.add(mention)
                if concept.examined and origin != ANSWER and not _PATIENT_WRITTEN.search(title):
                    facts.add(Mention("clinical_exam", False, mention.quote, source, doc_date or when,
                                      origin, index, sentence.start, when))
                if cid == "reevaluation" and not negated and (
                        _FUTURE_AFTER.match(lowered, m.end(), sentence.end)
                        or _FUTURE_BEFORE.search(lowered, max(sentence.start, m.start() - 30), m.start())
                        or _NOT_A_VISIT.search(title)):
                    mention.negated = negated = True  # booked, not yet held; or a desk call, a PT note
                for implied in concept.implies:
                    facts.add(Mention(implied, negated, mention.quote, source, doc_date or when,
                                      origin, index, sentence.start, when))
                if cid == "exercise_prescription" and not negated:
                    doc_has_prescription = True
                if negated:
                    continue
                chunk = text[sentence.start:sentence.end]
                if cid in therapy_ids and _PRESCRIBER.search(lowered, max(0, m.start() - 8), m.start()):
                    continue  # "exercises per PT handout": the therapist prescribed, not a course of PT
                if cid in therapy_ids:
                    chunk_dates = [(a - sentence.start, b - sentence.start, d) for a, b, d in found_dates
                                   if sentence.start <= a and b <= sentence.end]
                    course = read_course(cid, mention, chunk, m.start() - sentence.start, doc_date,
                                     outcome_failed, outcome_improved, prescription, chunk_dates)
                    if course.outcome is None and not course.planned:
                        outcome_after(course, text, parsed, sentence, outcome_failed, outcome_improved)
                    doc_courses.append(course)
                elif cid in imaging_ids:
                    doc_studies.append(read_study(cid, mention, chunk, when, library))
        if origin == DOCUMENT:
            named = therapy_named_by(source, library, therapy_ids)
            if named and not any(c.concept == named for c in doc_courses):  # a PT flowsheet or discharge summary: its dates are that therapy's course
                doc_courses.append(course_from_record(named, text, parsed, found_dates, source,
                                                       doc_date, index, outcome_failed, outcome_improved))
        # A home program's prescription and follow-up may sit anywhere in the same document.
        doc_followup = _is_revisit(title, parsed)
        for course in doc_courses:
            if doc_has_prescription:
                course.prescribed = True
            if doc_followup and course.outcome == "failed":
                course.followed_up = True
        doc_parts = body_parts_in((source or "") + "\n" + text)
        sides = tx.sides_in(text, parsed)
        # A request's side is what was ordered, not what a course or study of it concerns.
        for item in [*doc_courses, *doc_studies]:
            attribute(item, text, parsed, doc_parts, sides if origin == DOCUMENT else set())
        facts.studies.extend(doc_studies)
        facts.courses.extend(merge_courses(doc_courses))
        if origin == DOCUMENT and doc_followup:
            # The document is itself the re-evaluation ("PCP follow-up", "F/u LBP."): quote its
            # first sentence.
            first = parsed.sentences[0]
            facts.add(Mention("reevaluation", False, parsed.quote(first), source, doc_date, origin,
                              index, first.start))
        _read_onset(facts, parsed, found_dates, origin, source, doc_date, index)
        if origin == REQUEST:
            facts.requested_sides |= sides
        else:
            facts.documented_sides |= sides
        if facts.age is None:
            age = tx.AGE.search(lowered)
            if age and 0 < int(age["age"]) < 130:
                facts.age = int(age["age"])
    chain_planned_courses(facts)
    link_home_programs(facts, library)
    return facts


_WRITTEN_BY_RELATIVE = compile_folded(r"\b(?:spouse|wife|husband|partner|mother|father|parent|daughter|son|family"
                                      r"|caregiver|relative)\b")
# Who wrote a document: a patient's own words are not an examination.
_PATIENT_WRITTEN = compile_folded(r"\b(?:patient|pt|member)(?:'s)? (?:message|letter|email|statement|own words|portal)"
                                  r"|portal message|own words|\bfrom (?:the )?patient\b|family (?:member|letter)")
# Records that are not a clinician's re-evaluation: booking calls, therapy notes, messages.
_NOT_A_VISIT = compile_folded(r"schedul\w*|front[- ]desk|call cent(?:er|re)|reminder|no[- ]show|cancell?ation"
                              r"|\bPT\b|physical therap\w*|physiotherap\w*|chiropract\w*|therapy|flowsheet"
                              r"|message|letter|portal|radiology|imaging report|x-?ray report|MRI report|pathology|billing"
                              r"|pharmacy|lab\b|referral")
# A follow-up that is booked, not held: "follow-up visit scheduled for 4/22", "will re-evaluate".
_FUTURE_AFTER = compile_folded(r"[^.;\n]{0,25}?\b(?:is |was |has been )?(?:scheduled|planned|booked|pending|requested"
                               r"|in \d|in (?:one|two|three|four|five|six|eight|a few|several) (?:days?|weeks?|wks?|months?)"
                               r"|on or after|after (?:the |completing |completion of )?(?:PT|therapy|treatment|the course))")
_FUTURE_BEFORE = compile_folded(r"\b(?:will|to|plan(?:s|ned)? (?:to|for)?|schedul\w* (?:an? |the )?|book\w* (?:an? |the )?"
                                r"|RTC|return (?:to clinic )?(?:in|after)|needs?|awaiting|first available)\s*(?:\w+\s+){0,2}$")
# A document that is itself a re-evaluation: its title, or its opening words ("F/u LBP.").
_REVISIT = compile_folded(r"\b(?:follow[- ]?up|f/u|re-?eval\w*|re-?check|re-?visit|return visit|re-?assess\w*"
                          r"|telehealth|tele-?visit|video visit|virtual visit|(?:tele)?phone visit|post-?(?:PT|treatment) visit)\b")


def _is_revisit(title: str, parsed: tx.ParsedText) -> bool:
    """A record that is itself a re-evaluation, by its (folded) title or its opening words."""
    if _NOT_A_VISIT.search(title):
        return False
    if _REVISIT.search(title):
        return True
    if not parsed.sentences:
        return False
    first = parsed.folded[parsed.sentences[0].start:parsed.sentences[0].end]
    return bool(_REVISIT.match(first.lstrip()))


def _date_near(found: list[tuple[int, int, dt.date]], sentence: tx.Sentence, pos: int) -> dt.date | None:
    """The date written in the same sentence (the last one, for a range: when it ended)."""
    inside = [d for s, e, d in found if sentence.start <= s < sentence.end]
    return inside[-1] if inside else None


@dataclass(frozen=True)
class _Found:
    """A match in the original text's offsets (found in the spelling-corrected copy)."""

    begin: int
    stop: int

    def start(self) -> int:
        return self.begin

    def end(self) -> int:
        return self.stop


_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def _reaches(matched: str, threshold: float) -> bool:
    """The last number of a measured finding ("Tyrer-Cuzick v8 lifetime risk 23.5%") is its value."""
    numbers = _NUMBER.findall(matched)
    return bool(numbers) and float(numbers[-1]) >= threshold


def _matches(compiled, text: str, spelled, parsed: tx.ParsedText) -> list:
    """A concept's matches, scanning only the sentences that contain one of its words. Folded
    patterns read the spelling-corrected copy; case-sensitive ones (PT, LOC) the text itself."""
    lowered = spelled.text

    def back(m):
        return _Found(spelled.original(m.start()), spelled.original(m.end(), end=True))

    if compiled.literals is None:
        found = [back(m) for m in compiled.folded.finditer(lowered)] if compiled.folded else []
        if compiled.cased:
            found += compiled.cased.finditer(text)
            found.sort(key=lambda m: m.start())
        return found
    sentences = set()
    for word in compiled.literals:
        at = lowered.find(word)
        while at != -1:
            sentence = parsed.sentence_at(spelled.original(at))
            if sentence is not None:
                sentences.add((sentence.start, sentence.end))
            at = lowered.find(word, at + 1)
    found = []
    if compiled.folded and spelled.edits:
        found = [m for m in map(back, compiled.folded.finditer(lowered))
                 if any(a <= m.start() < b for a, b in sentences)]
    for start, end in sorted(sentences):
        if compiled.folded and not spelled.edits:
            found += compiled.folded.finditer(lowered, start, end)
        if compiled.cased:
            found += compiled.cased.finditer(text, start, end)
    if compiled.folded and compiled.cased or spelled.edits:
        found = sorted({(m.start(), m.end()): m for m in found}.values(), key=lambda m: m.start())
    return found


def _read_onset(facts, parsed, found_dates, origin, source, doc_date, index) -> None:
    """When the current episode began: 'symptoms began 2024-11-01', 'LBP x 3 months'."""
    if origin == REQUEST and facts.episode_start is not None:
        return
    text = parsed.text
    for start, end, when in found_dates:
        sentence = parsed.sentence_at(start)
        if sentence is None:
            continue
        before = parsed.folded[max(sentence.start, start - 60):start]
        if _ONSET_DATE.search(before):
            _set_onset(facts, when, parsed, sentence, source, doc_date, origin, index, False)
            return
    if doc_date is None or (facts.episode_start and not facts.episode_estimated):
        return
    for start, end, weeks in tx.durations_in(text):
        sentence = parsed.sentence_at(start)
        if sentence is None:
            continue
        before = parsed.folded[max(sentence.start, start - 50):start]
        if _SYMPTOM_DURATION.search(before):
            when = doc_date - dt.timedelta(weeks=weeks)
            _set_onset(facts, when, parsed, sentence, source, doc_date, origin, index, True)
            return


def _set_onset(facts, when, parsed, sentence, source, doc_date, origin, index, estimated) -> None:
    # A stated onset beats an estimate. Among stated onsets the latest wins (a new or changed
    # episode restarts the count); among estimates the earliest (they only get vaguer).
    if facts.episode_start is None or (facts.episode_estimated and not estimated):
        better = True
    elif estimated != facts.episode_estimated:
        better = False
    else:
        better = when > facts.episode_start if not estimated else when < facts.episode_start
    if better:
        facts.episode_start, facts.episode_estimated = when, estimated
        facts.episode_evidence = Mention("episode_start", False, parsed.quote(sentence), source,
                                         doc_date, origin, index)
