"""From a case's free text and plain answers to facts, each with its exact quote and document.

Three kinds of fact come out: *mentions* of a vocabulary concept (asserted or denied), *courses*
of conservative treatment (how long, when, whether they helped, whether a home program was
prescribed and followed up) and *studies* (imaging already done, when, what it showed). The
original request is read too, so the matcher can tell what the request already showed from what
only the documentation has. Never raises: unreadable text simply yields no facts.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

from ..contract import Case
from ..criteria import Library, Service
from ..criteria.folding import compile_folded, fold
from ..criteria.anatomy import body_parts_in
from . import text as tx
from .spelling import Speller

REQUEST = "request"
DOCUMENT = "documentation"
ANSWER = "answer"


@dataclass
class Mention:
    concept: str
    negated: bool
    quote: str
    source: str | None
    date: dt.date | None
    origin: str                  # REQUEST, DOCUMENT or ANSWER
    doc: int = -1                # index in case.documentation (-1: request or answers)
    sentence: int = -1           # sentence start offset within its document (for grouping)
    when: dt.date | None = None  # when it happened: a date in the same sentence, else `date`

    def __post_init__(self) -> None:
        if self.when is None:
            self.when = self.date


@dataclass
class Course:
    """A course of conservative treatment."""

    concept: str
    mention: Mention
    weeks: float | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    outcome: str | None = None   # "failed", "improved" or None (not stated)
    prescribed: bool = False     # for a home program: a written prescription is documented
    followed_up: bool = False    # for a home program: documented follow-up after it
    start_estimated: bool = False  # start worked out from the length, not written
    planned: bool = False        # ordered or recommended in this note, not yet done
    self_directed: bool = False  # "OTC ibuprofen on his own": no clinician directed it
    outcome_mention: Mention | None = None  # the sentence saying how it went, when another one
    parts: set[str] = field(default_factory=set)   # body parts its sentence (or record) names
    sides: set[str] = field(default_factory=set)


@dataclass
class Study:
    concept: str
    mention: Mention
    date: dt.date | None = None
    result: str | None = None    # normal / nondiagnostic / abnormal / None
    parts: set[str] = field(default_factory=set)   # body parts its sentence (or record) names
    sides: set[str] = field(default_factory=set)
    vague: bool = False          # "X-rays on file": no date, side or part of its own
    planned: bool = False        # ordered or recommended, not yet done


@dataclass
class Facts:
    mentions: dict[str, list[Mention]] = field(default_factory=dict)
    courses: list[Course] = field(default_factory=list)
    studies: list[Study] = field(default_factory=list)
    episode_start: dt.date | None = None
    episode_evidence: Mention | None = None
    episode_estimated: bool = False        # worked out from "x 3 months" rather than stated
    age: int | None = None
    requested_sides: set[str] = field(default_factory=set)
    documented_sides: set[str] = field(default_factory=set)
    answer_notes: list[str] = field(default_factory=list)  # answers that could not be used

    def add(self, m: Mention) -> None:
        self.mentions.setdefault(m.concept, []).append(m)

    def positive(self, concept: str) -> list[Mention]:
        return [m for m in self.mentions.get(concept, ()) if not m.negated]


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
_THERAPY_DONE = compile_folded(r"\b(?:completed|finished|ended|discharged)\b")


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
            needed.update(req.facts, req.therapies, req.unless)
            if req.modality:
                needed.add(req.modality)
            if req.kind == "conservative_care" and not req.therapies:
                needed.update(c for c, cc in library.concepts.items() if cc.concept.therapy)
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
    reevaluation = library.concepts["reevaluation"].regex

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
                    course = _course(cid, mention, chunk, m.start() - sentence.start, doc_date,
                                     outcome_failed, outcome_improved, prescription, chunk_dates)
                    if course.outcome is None and not course.planned:
                        _outcome_after(course, text, parsed, sentence, outcome_failed, outcome_improved)
                    doc_courses.append(course)
                elif cid in imaging_ids:
                    doc_studies.append(_study(cid, mention, chunk, when, library))
        if origin == DOCUMENT:
            named = _therapy_named_by(source, library, therapy_ids)
            if named and not any(c.concept == named for c in doc_courses):  # a PT flowsheet or discharge summary: its dates are that therapy's course
                doc_courses.append(_course_from_record(named, text, parsed, found_dates, source,
                                                       doc_date, index, outcome_failed, outcome_improved))
        # A home program's prescription and follow-up may sit anywhere in the same document.
        doc_followup = _is_revisit(source, parsed, reevaluation)
        for course in doc_courses:
            if doc_has_prescription:
                course.prescribed = True
            if doc_followup and course.outcome == "failed":
                course.followed_up = True
        doc_parts = body_parts_in((source or "") + "\n" + text)
        doc_sides = tx.sides_in(text, parsed) if origin == DOCUMENT else set()
        for item in [*doc_courses, *doc_studies]:
            _attribute(item, text, parsed, doc_parts, doc_sides)
        facts.studies.extend(doc_studies)
        facts.courses.extend(_merge_courses(doc_courses))
        if origin == DOCUMENT and doc_followup:
            # The document is itself the re-evaluation ("PCP follow-up", "F/u LBP."): quote its
            # first sentence.
            first = parsed.sentences[0]
            facts.add(Mention("reevaluation", False, parsed.quote(first), source, doc_date, origin,
                              index, first.start))
        _read_onset(facts, parsed, found_dates, origin, source, doc_date, index)
        if origin == REQUEST:
            facts.requested_sides |= tx.sides_in(text, parsed)
        else:
            facts.documented_sides |= tx.sides_in(text, parsed)
        if facts.age is None:
            age = tx.AGE.search(lowered)
            if age and 0 < int(age["age"]) < 130:
                facts.age = int(age["age"])
    _chain_planned_courses(facts)
    _link_home_programs(facts, library)
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


def _is_revisit(source: str | None, parsed: tx.ParsedText, reevaluation) -> bool:
    title = fold(source or "")
    if _NOT_A_VISIT.search(title):
        return False
    if _REVISIT.search(title):
        return True
    if not parsed.sentences:
        return False
    first = parsed.folded[parsed.sentences[0].start:parsed.sentences[0].end]
    return bool(_REVISIT.match(first.lstrip()))


def _therapy_named_by(source: str | None, library: Library, therapy_ids: set[str]) -> str | None:
    """The therapy a record's title names ("Outpatient PT flowsheet" -> physical therapy)."""
    if not source:
        return None
    therapies = library.cache.get("directed_therapies")
    if therapies is None:
        therapies = library.cache["directed_therapies"] = [
            (cid, c) for cid, c in library.concepts.items() if c.concept.therapy and c.concept.provider_directed]
    folded = fold(source)
    return next((cid for cid, compiled in therapies if compiled.search(source, folded)), None)


def _course_from_record(cid, text, parsed, found_dates, source, doc_date, index, failed_rx, improved_rx) -> Course:
    """A therapy record read as one course: its first and last dates, its outcome."""
    span = tx.date_range_in(text, found_dates)
    anchor = next((s for s in parsed.sentences if span and s.start <= found_dates[0][0] < s.end),
                  parsed.sentences[0])
    mention = Mention(cid, False, parsed.quote(anchor), source, doc_date, DOCUMENT, index, anchor.start)
    course = Course(cid, mention)
    dates = sorted(d for _, _, d in found_dates)
    if span:
        course.start, course.end = span
    elif len(dates) >= 2:
        course.start, course.end = dates[0], dates[-1]
    if course.start and course.end:
        course.weeks = (course.end - course.start).days / 7
    else:
        course.end = doc_date
    for sentence in parsed.sentences:
        chunk = text[sentence.start:sentence.end]
        folded = fold(chunk)
        if failed_rx.search(chunk, folded) or _PLATEAU.search(folded):
            course.outcome = "failed"
        elif improved_rx.search(chunk, folded):
            course.outcome = "improved"
        else:
            continue
        if sentence is not anchor:
            course.outcome_mention = Mention(cid, False, parsed.quote(sentence), source, doc_date, DOCUMENT,
                                             index, sentence.start)
        break
    return course


_PLATEAU = compile_folded(r"\bplateau\w*|goals? not met|minimal change|no (?:significant )?change|refer(?:red)? back")


def _chain_planned_courses(facts: Facts) -> None:
    """A course planned on one date ("Plan: PT 2x/wk") and reported on later ("no better after
    PT") ran between the two: the later report takes the plan's date as its start."""
    planned = [c for c in facts.courses if c.planned and c.mention.origin == DOCUMENT and c.mention.date]
    for course in facts.courses:
        if course.planned or course.weeks or course.mention.origin != DOCUMENT or not course.end:
            continue
        starts = [p.mention.date for p in planned
                  if p.concept == course.concept and p.mention.date < course.end]
        if starts:
            course.start = min(starts)
            course.weeks = (course.end - course.start).days / 7


def _link_home_programs(facts: Facts, library: Library) -> None:
    """A home program's prescription and its follow-up are often in different notes."""
    home = [c for c in facts.courses if not library.concepts[c.concept].concept.provider_directed]
    if not home:
        return
    prescribed = [m for m in facts.positive("exercise_prescription") if m.origin != REQUEST]
    if prescribed:
        for c in home:
            c.prescribed = True
    first = min((c.start or c.end for c in home if c.start or c.end), default=None)
    visits = [m for m in facts.positive("reevaluation")
              if m.origin != REQUEST and (first is None or m.when is None or m.when >= first)]
    if visits and any(c.outcome == "failed" for c in home):
        for c in home:
            if c.outcome != "improved":
                c.followed_up = True


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


def _course(cid, mention, chunk, offset, doc_date, failed_rx, improved_rx, prescription_rx,
            dates) -> Course:
    course = Course(cid, mention)
    span = tx.date_range_in(chunk, dates)
    if span:
        course.start, course.end = span
        course.weeks = (course.end - course.start).days / 7
    durations = tx.durations_in(chunk)
    if durations:
        # The duration written closest to the treatment's name is its length.
        _, _, weeks = min(durations, key=lambda d: min(abs(d[0] - offset), abs(d[1] - offset)))
        if course.weeks is None or weeks > course.weeks:
            course.weeks = weeks
    if course.end is None:
        if dates:
            course.end = dates[-1][2] if _THERAPY_DONE.search(fold(chunk)) or len(dates) == 1 else None
        if course.end is None:
            course.end = doc_date
    if course.start is None and course.end is not None and course.weeks:
        course.start = course.end - dt.timedelta(weeks=course.weeks)
        course.start_estimated = True
    folded = fold(chunk)
    if failed_rx.search(chunk, folded):
        course.outcome = "failed"
    elif improved_rx.search(chunk, folded):
        course.outcome = "improved"
    course.prescribed = prescription_rx.search(chunk, folded)
    course.self_directed = bool(_SELF_DIRECTED.search(folded))
    recent = _STARTED_RECENTLY.search(folded)
    if recent and doc_date:
        # "started PT yesterday, they said 6 weeks": the course so far, not the length intended.
        n = recent["n"]
        days = (int(n) if n.isdigit() else _DAYS_AGO.get(n.split()[-1], 3)) if n \
            else _DAYS_AGO.get(recent["ago"].split()[0], 7)
        course.start, course.end, course.start_estimated = doc_date - dt.timedelta(days=days), doc_date, False
        course.weeks = days / 7
        return course
    if (course.outcome is None and not span and _PLAN.search(folded)
            and not _DONE_OR_PAST.search(folded)):
        # "Plan: PT 2x/wk x 6-8 wk": a course begins at this note; its length is an intention.
        course.planned = True
        course.start, course.end, course.start_estimated = doc_date, None, False
    else:
        since = _SINCE_DATE.search(folded)
        if since and dates and course.end == dates[0][2] and doc_date and dates[0][2] < doc_date:
            # "meloxicam since 10/27": it began then and runs to this note.
            course.start, course.end, course.start_estimated = dates[0][2], doc_date, False
            course.weeks = max(course.weeks or 0, (doc_date - course.start).days / 7)
    return course


_SELF_DIRECTED = compile_folded(r"\bon (?:his|her|their|my) own\b|\bself[- ](?:directed|guided|treated|taught)"
                                r"|\byoutube\b|\bonline videos?\b|\bwithout (?:a )?(?:prescription|doctor)")
_STARTED_RECENTLY = compile_folded(
    r"\b(?:started|began|begun|starting|beginning|just started)\b[^.;]{0,25}?\b(?P<ago>yesterday|today|this week|last week"
    r"|(?P<n>\d{1,2}|a|one|two|three|four|five|six|a few|few) days? ago)\b")
_DAYS_AGO = {"yesterday": 1, "today": 0, "this": 3, "last": 7, "a": 1, "one": 1, "two": 2, "three": 3,
             "four": 4, "five": 5, "six": 6, "few": 3}
# A treatment ordered or recommended in this note rather than one already tried.
_PLAN = compile_folded(r"^\s*(?:plan|p|rx|recommend\w*|will|start\w*|begin|initiat\w*)\b"
                       r"|\b(?:plan|p|a/p|rx)\s*:|\b\d\s*x\s*/\s*(?:wk|week)|\b(?:twice|\d+ times) (?:a|per) week"
                       r"|\breferr?(?:al|ed)\b|\border(?:ed)?\b|\bwill (?:start|begin|continue)\b|\brecommend(?:ed)?\b")
_DONE_OR_PAST = compile_folded(r"\b(?:completed|finished|ended|discharged|attended|tried|trial of|had|did|since|visits"
                               r"|for the (?:past|last)|over the (?:past|last)|so far|already|despite|after|without)\b")
_SINCE_DATE = compile_folded(r"\bsince\s+(?:\w+\s+)?(?:\d|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)")


def _outcome_after(course, text, parsed, sentence, failed_rx, improved_rx) -> None:
    """How a course went, when the next clause of the same line says it ("...as well; no
    improvement"): the course keeps that clause as its second quote."""
    following = parsed.sentence_at(sentence.end + 1) or next(
        (s for s in parsed.sentences if s.start > sentence.end), None)
    if following is None or "\n" in text[sentence.end:following.start]:
        return
    chunk = text[following.start:following.end]
    folded = fold(chunk)
    if failed_rx.search(chunk, folded):
        course.outcome = "failed"
    elif improved_rx.search(chunk, folded):
        course.outcome = "improved"
    else:
        return
    m = course.mention
    course.outcome_mention = Mention(m.concept, False, parsed.quote(following), m.source, m.date, m.origin,
                                     m.doc, following.start, m.when)


def _merge_courses(courses: list[Course]) -> list[Course]:
    """One course per treatment per sentence (a sentence naming 'PT' twice is one course)."""
    seen: dict[tuple[str, int], Course] = {}
    for c in courses:
        key = (c.concept, c.mention.sentence)
        if key not in seen or (c.weeks or 0) > (seen[key].weeks or 0):
            seen[key] = c
    return list(seen.values())


def _attribute(item, text: str, parsed: tx.ParsedText, doc_parts: set[str], doc_sides: set[str]) -> None:
    """The body part and side a course or study is about: its own sentence's, else its record's."""
    sentence = parsed.sentence_at(item.mention.sentence) if item.mention.sentence >= 0 else None
    own = text[sentence.start:sentence.end] if sentence else ""
    item.parts = body_parts_in(own) - {"head"} or (doc_parts - {"head"} if len(doc_parts - {"head"}) == 1 else set())
    item.sides = tx.sides_in(own) or doc_sides
    if isinstance(item, Study):
        item.vague = not body_parts_in(own) and not tx.sides_in(own) and not tx.dates_in(own) \
            and not _YEAR.search(own)


_YEAR = compile_folded(r"\b(?:19[89]\d|20\d\d)\b")
_ORDERED = compile_folded(r"\b(?:ordered|order|plan|will|to obtain|to get|requested|recommend\w*|offered|refer\w*"
                          r"|advised|suggested|discussed|consider\w*|declined|deferred)\b")


def _study(cid, mention, chunk, when, library: Library) -> Study:
    """A study and its result, read from the whole sentence ("X-ray 1/5/25: severe OA")."""
    study = Study(cid, mention, date=when)
    if not tx.dates_in(chunk):
        year = _YEAR.search(chunk)
        if year:  # "x-ray 2023": the end of that year, so it predates only a later year's episode
            study.date = dt.date(int(year.group()), 12, 31)
    parsed = tx.ParsedText(chunk)
    for result, regex in library.imaging_results:
        for m in regex.finditer(chunk):
            if result == "abnormal" and parsed.is_negated(m.start(), m.end()):
                continue
            study.result = result
            break
        if study.result:
            break
    if study.result is None and _ORDERED.search(fold(chunk)):
        study.planned = True
    return study


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


# ---------------------------------------------------------------------------------------------
# Plain answers (the web form) stand for the equivalent free text.

_YES = {"yes", "y", "true", "1"}
_NO = {"no", "n", "false", "0", "none"}


def _as_bool(value) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return value != 0
    if isinstance(value, str):
        v = value.strip().lower()
        return True if v in _YES else False if v in _NO else None
    return None


def _as_number(value) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, str):
        found = tx.durations_in(value) or tx.durations_in(value + " weeks")
        return found[0][2] if found else (0.0 if value.strip().lower() in _NO else None)
    return None


def _as_date(value) -> dt.date | None:
    if isinstance(value, str):
        found = tx.dates_in(value)
        return found[0][2] if found else None
    return None


def apply_answers(facts: Facts, case: Case, library: Library, service: Service | None) -> None:
    if not case.answers:
        return
    questions = {q.id: q for q in library.questions(service)} if service else {}
    dates: dict[str, dt.date] = {}
    answer_courses: list[Course] = []
    for qid, value in case.answers.items():
        q = questions.get(qid)
        if q is None:
            facts.answer_notes.append(f"The answer '{qid}' is not a question for this service and was not used.")
            continue
        if value is None or value == "" or value == []:
            continue
        shown = value if not isinstance(value, bool) else ("yes" if value else "no")
        quote = f"{q.text} {shown}"
        if q.type == "yes_no":
            yes = _as_bool(value)
            if yes is None:
                facts.answer_notes.append(f"The answer to '{q.text}' should be yes or no; it was not used.")
                continue
            facts.add(Mention(q.fact, not yes, quote, "answers", None, ANSWER))
            for implied in library.concepts[q.fact].concept.implies:
                facts.add(Mention(implied, not yes, quote, "answers", None, ANSWER))
        elif q.type == "number":
            weeks = _as_number(value)
            if weeks is None or weeks < 0:
                facts.answer_notes.append(f"The answer to '{q.text}' should be a number of weeks; it was not used.")
                continue
            mention = Mention(q.therapy, weeks == 0, quote, "answers", None, ANSWER)
            facts.add(mention)
            if weeks > 0:
                answer_courses.append(Course(q.therapy, mention, weeks=weeks))
        elif q.type == "date":
            when = _as_date(value)
            if when is None:
                facts.answer_notes.append(f"The answer to '{q.text}' should be a date (YYYY-MM-DD); it was not used.")
                continue
            dates[q.date_of] = when
        elif q.type == "choice":
            choice = value if isinstance(value, str) else None
            if choice not in q.choices:
                facts.answer_notes.append(f"The answer to '{q.text}' is not one of its choices; it was not used.")
                continue
            if q.imaging and choice in q.choice_results:
                facts.studies.append(Study(q.imaging, Mention(q.imaging, False, quote, "answers", None, ANSWER),
                                           result=q.choice_results[choice]))
            if choice in q.choice_facts:
                facts.add(Mention(q.choice_facts[choice], False, quote, "answers", None, ANSWER))
    # Dates complete the other answers: when treatment ended, when the follow-up and x-ray were.
    if "episode_start" in dates and (facts.episode_start is None or facts.episode_estimated
                                     or dates["episode_start"] > facts.episode_start):
        facts.episode_start, facts.episode_estimated = dates["episode_start"], False
        facts.episode_evidence = Mention("episode_start", False,
                                         f"Symptoms of this episode started {dates['episode_start']}",
                                         "answers", None, ANSWER)
    failed = [m for m in facts.mentions.get("no_improvement", ()) if m.origin == ANSWER]
    for course in answer_courses:
        course.end = dates.get("treatment_end")
        if course.end and course.weeks:
            course.start = course.end - dt.timedelta(weeks=course.weeks)
        if failed:
            course.outcome = "improved" if failed[-1].negated else "failed"
        facts.courses.append(course)
    if "reevaluation" in dates:
        for m in facts.mentions.get("reevaluation", ()):
            if m.origin == ANSWER:
                m.when = dates["reevaluation"]
    if "imaging" in dates:
        answered = [s for s in facts.studies if s.mention.origin == ANSWER]
        if not answered:
            answered = [Study(c, m) for c, ms in facts.mentions.items() for m in ms
                        if m.origin == ANSWER and not m.negated and library.concepts[c].concept.imaging]
            facts.studies.extend(answered)
        for study in answered:
            study.date = dates["imaging"]
    else:
        # "Have you had x-rays?" yes, with no result given: a study of unknown result.
        for c, ms in facts.mentions.items():
            for m in ms:
                if (m.origin == ANSWER and not m.negated and library.concepts[c].concept.imaging
                        and not any(s.mention.origin == ANSWER and s.concept == c for s in facts.studies)):
                    facts.studies.append(Study(c, m))
