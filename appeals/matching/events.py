"""Treatments and studies read from a sentence or a record: a course's length, dates, outcome and
whether it was planned, self-directed or prescribed; a study's date and result; the body part and
side each is about."""

from __future__ import annotations

import datetime as dt

from ..criteria import Library
from ..criteria.anatomy import body_parts_in
from ..criteria.folding import compile_folded, fold
from . import text as tx
from .facts import DOCUMENT, REQUEST, Course, Facts, Mention, Study

_THERAPY_DONE = compile_folded(r"\b(?:completed|finished|ended|discharged)\b")


def therapy_named_by(source: str | None, library: Library, therapy_ids: set[str]) -> str | None:
    """The therapy a record's title names ("Outpatient PT flowsheet" -> physical therapy)."""
    if not source:
        return None
    therapies = library.cache.get("directed_therapies")
    if therapies is None:
        therapies = library.cache["directed_therapies"] = [
            (cid, c) for cid, c in library.concepts.items() if c.concept.therapy and c.concept.provider_directed]
    folded = fold(source)
    return next((cid for cid, compiled in therapies if compiled.search(source, folded)), None)


def course_from_record(cid, text, parsed, found_dates, source, doc_date, index, failed_rx, improved_rx) -> Course:
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
        course.outcome = outcome_of(text[sentence.start:sentence.end], failed_rx, improved_rx, record=True)
        if course.outcome is None:
            continue
        if sentence is not anchor:
            course.outcome_mention = Mention(cid, False, parsed.quote(sentence), source, doc_date, DOCUMENT,
                                             index, sentence.start)
        break
    return course


_PLATEAU = compile_folded(r"\bplateau\w*|goals? not met|minimal change|no (?:significant )?change|refer(?:red)? back")


def chain_planned_courses(facts: Facts) -> None:
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


def link_home_programs(facts: Facts, library: Library) -> None:
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


def read_course(cid, mention, chunk, offset, doc_date, failed_rx, improved_rx, prescription_rx,
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
    course.outcome = outcome_of(chunk, failed_rx, improved_rx)
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


def outcome_of(chunk: str, failed_rx, improved_rx, *, record: bool = False) -> str | None:
    """How a treatment went, as a sentence says: "failed", "improved" or None. A therapy record's
    discharge words count too ("plateau", "goals not met")."""
    folded = fold(chunk)
    if failed_rx.search(chunk, folded) or (record and _PLATEAU.search(folded)):
        return "failed"
    if improved_rx.search(chunk, folded):
        return "improved"
    return None


def outcome_after(course, text, parsed, sentence, failed_rx, improved_rx) -> None:
    """How a course went, when the next clause of the same line says it ("...as well; no
    improvement"): the course keeps that clause as its second quote."""
    following = parsed.sentence_at(sentence.end + 1) or next(
        (s for s in parsed.sentences if s.start > sentence.end), None)
    if following is None or "\n" in text[sentence.end:following.start]:
        return
    course.outcome = outcome_of(text[following.start:following.end], failed_rx, improved_rx)
    if course.outcome is None:
        return
    m = course.mention
    course.outcome_mention = Mention(m.concept, False, parsed.quote(following), m.source, m.date, m.origin,
                                     m.doc, following.start, m.when)


def merge_courses(courses: list[Course]) -> list[Course]:
    """One course per treatment per sentence (a sentence naming 'PT' twice is one course)."""
    seen: dict[tuple[str, int], Course] = {}
    for c in courses:
        key = (c.concept, c.mention.sentence)
        if key not in seen or (c.weeks or 0) > (seen[key].weeks or 0):
            seen[key] = c
    return list(seen.values())


def attribute(item, text: str, parsed: tx.ParsedText, doc_parts: set[str], doc_sides: set[str]) -> None:
    """The body part and side a course or study is about: its own sentence's, else its record's."""
    sentence = parsed.sentence_at(item.mention.sentence) if item.mention.sentence >= 0 else None
    own = text[sentence.start:sentence.end] if sentence else ""
    own_parts, own_sides = body_parts_in(own), tx.sides_in(own)
    record_parts = doc_parts - {"head"}
    item.parts = own_parts - {"head"} or (record_parts if len(record_parts) == 1 else set())
    item.sides = own_sides or doc_sides
    if isinstance(item, Study):
        item.vague = not own_parts and not own_sides and not tx.dates_in(own) and not _YEAR.search(own)


_YEAR = compile_folded(r"\b(?:19[89]\d|20\d\d)\b")
_AGO = compile_folded(r"\s*(?:ago|before|earlier|prior)\b")
# What a study would show, not what it showed: "an exercise ECG alone would be non-diagnostic".
_CONDITIONAL = compile_folded(r"^\s*(?:\w+\s+){0,2}?(?:would|might|could)\s+(?:\w+\s+)?(?:be|show|likely|probably|have been)\b")
_ORDERED = compile_folded(r"\b(?:ordered|order|plan|will|to obtain|to get|requested|recommend\w*|offered|refer\w*"
                          r"|advised|suggested|discussed|consider\w*|declined|deferred)\b")


def read_study(cid, mention, chunk, when, library: Library) -> Study:
    """A study and its result, read from the whole sentence ("X-ray 1/5/25: severe OA")."""
    study = Study(cid, mention, date=when)
    if not tx.dates_in(chunk):
        year = _YEAR.search(chunk)
        if year:  # "x-ray 2023": the end of that year, so it predates only a later year's episode
            study.date = dt.date(int(year.group()), 12, 31)
        elif when:  # "mammogram 2 years ago": counted back from the note's date
            folded = fold(chunk)
            ago = next((weeks for _, end, weeks in tx.durations_in(chunk) if _AGO.match(folded, end)), None)
            if ago is not None:
                study.date = when - dt.timedelta(weeks=ago)
    parsed = tx.ParsedText(chunk)
    for result, regex in library.imaging_results:
        for m in regex.finditer(chunk):
            if result == "abnormal" and parsed.is_negated(m.start(), m.end()):
                continue
            study.result = result
            break
        if study.result:
            break
    named = library.concepts[cid].regex.search(chunk)
    if named and _CONDITIONAL.match(fold(chunk[named.end():named.end() + 60])):
        study.planned, study.result = True, None  # "exercise ECG alone would be non-diagnostic": not done
    if study.result is None and _ORDERED.search(fold(chunk)):
        study.planned = True
    return study
