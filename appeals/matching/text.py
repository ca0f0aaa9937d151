"""Reading clinical free text: sentences, negation scope, dates, durations, age and side.

The clinical vocabulary (what each finding is called) lives in criteria/vocabulary.yaml; this
module holds only the grammar every note shares. Everything here is total: any string in, a
sensible answer out, never an exception. Patterns are compiled once, at import.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from dataclasses import dataclass, field

from ..criteria.folding import compile_folded, fold

# ---------------------------------------------------------------------------------------------
# Sentences and negation

# A sentence ends at . ! ? ; or a line break (a "." inside "2.5" or "Dr.X" does not end one).
_SENTENCE_END = re.compile(r"[.!?;](?=\s|$)|\n+|\s[•·]\s")

# A period that closes an abbreviation, not a sentence.
_ABBREVIATION = re.compile(
    r"(?:^|(?<=[\s(/]))(?:dr|drs|mr|mrs|ms|prof|vs|v|approx|appt|st|ref|dept|fig|incl"
    r"|[a-z]\.[a-z]|[a-z]\.[a-z]\.[a-z])\.$", re.I)

# Words that deny or suspend what follows, within the same clause ("denies saddle anesthesia",
# "no weakness", "negative for fever", "return precautions for bladder changes").
_PRE_NEGATION = compile_folded(
    r"\b(?:no|not|denies|denied(?! by| coverage| the (?:request|mri|ct|scan|claim|study))|deny|denying"
    r"|neg(?:ative)?\.? for|\(-\)|without(?!\s+(?:iv |and with )?(?:contrast|gad))|w/o(?=\s+[a-z])(?!\s+(?:iv|contrast|gad))|free of|absence of"
    r"|never (?:had|got|gotten|received|did|done|been|tried|taken)(?: an?| any)?|never|nor|declined|declines|refused|refuses"
    r"|believe[sd]?|thinks?|thought|not sure|unsure|unclear (?:if|whether)|claims?"
    r"|worried (?:about|that)|afraid (?:of|that)|anxious about"
    r"|ruled out|rules out|no evidence of|no signs? of|not had|has not had|hasn'?t had"
    r"|did not have|didn'?t have|if|in case of|watch for|monitor for|return precautions"
    r"|precautions (?:for|about|reviewed)|educated (?:on|about)|counsel(?:l?ed|l?ing) (?:on|about)"
    r"|warning signs|fam(?:ily)? (?:history|hx)(?: of)?|\bFHx?\b|h/o in (?:the )?family"
    r"|return (?:to (?:the )?(?:ED|ER|clinic)|precautions|if|for)|go to (?:the )?(?:ED|ER|emergency)"
    r"|(?:do(?:es)?n'?t|do(?:es)? not) want"
    r"|call (?:911|us|the office) if|seek (?:emergency )?care if|r/o|rule out|to exclude|unless)\b")
# Another person named as the one who has it ("her mother, who takes warfarin", "my dad had a
# brain tumor"): their finding is not the patient's, up to the end of the clause or until the
# sentence turns back to the patient.
_OTHER_PERSON = compile_folded(
    r"\b(?:mom|mother|dad|father|sister|brother|wife|husband|spouse|son|daughter|aunt|uncle"
    r"|grand(?:mother|father|ma|pa)|cousin|friend|partner|roommate|co-?worker|parents?|siblings?"
    r"|neighbou?r|boss|child|children|kids?)(?:'s)?\b")
_RETRACTED = compile_folded(r"\b(?:in error|erroneous(?:ly)?|entered incorrectly|documented incorrectly|template default"
                            r"|disregard|was incorrect|is incorrect|not accurate|inaccurate)\b")
_BACK_TO_PATIENT = compile_folded(
    r"\b(?:but|however|while|whereas|she|he|i|me|my|pt|patient|the patient)\b(?!'s)|;")
# Where a negation's reach ends: a contrasting or new affirmative clause.
_SCOPE_END = compile_folded(
    r"\b(?:but|however|although|though|except|yet|aside from|apart from|which|who|presents?"
    r"|reports?|complains?|c/o|endorses|positive for|now|has|had|with|after|since|despite"
    r"|and (?:has|had|reports|is|was|then))\b|[:(]"
    r"|,\s*(?=(?:small|large|mild|moderate|severe|marked|trace|positive|\+|\d|tender|swollen)\b)"
)
_CONDITION = compile_folded(r"if\b|in case of|return|go to|call|seek|watch for|monitor for|warning signs")
_CONDITION_END = compile_folded(
    r"\b(?:but|however|although|though|except|yet|which|who|now|presents?|reports?|complains?|c/o)\b|[:(]")
_MAX_SCOPE_WORDS = 10
_MAX_LIST_WORDS = 40
_WORD = re.compile(r"\S+")
# Words after a finding that deny it ("SLR negative", "x-ray not done", "cauda equina ruled out").
_POST_NOT_DONE = compile_folded(
    r"^[\s:,-]*(?:(?:was|were|is|are|has been|have been|had been)\s+)?"
    r"(?:not (?:yet )?(?:done|performed|tried|attempted|completed|obtained|ordered|present|seen|found|elicited)"
    r"|(?:offered|recommended|advised|ordered)?[;,]?\s*(?:but )?(?:the )?(?:patient |pt )?(?:declined|refused|deferred)"
    r"|pending\b|to be (?:done|obtained|scheduled)|not yet\b"
    r"|never (?:done|performed|tried|obtained)|none\b|n/a\b)")
_POST_DENIED = compile_folded(
    r"^[\s:,-]*(?:syndrome\s+|sign\s+|test\s+)?(?:(?:was|were|is|are|has been|have been)\s+)?"
    r"(?:negative|ruled out|denied|absent\b)")
# A new list item that opens with "negative" names its own subject: "witnessed apneas, negative home
# sleep test" denies the test, not the apneas.
_NEXT_ITEM_NEGATIVE = compile_folded(
    r"^\s*[,;]\s*negative\s+(?!for\b|bilat\w*|on\b|in\b|at\b|to\b|x\b|today\b|throughout\b|again\b|as\b)[a-z]")


@dataclass
class Sentence:
    start: int
    end: int
    negated: list[tuple[int, int]] = field(default_factory=list)  # absolute spans


class ParsedText:
    """A text split into sentences, each with the spans its negations cover."""

    __slots__ = ("text", "folded", "sentences", "_starts")

    def __init__(self, text: str, *, others: bool = True):
        """``others=False`` for a note a relative writes: their "my husband" is the patient."""
        self.text = text
        self.folded = fold(text)
        self.sentences: list[Sentence] = []
        pos = 0
        for m in _SENTENCE_END.finditer(text):
            if text[m.start()] == "." and _ABBREVIATION.search(text, max(0, m.start() - 12), m.start() + 1):
                continue  # "Dr. Osei", "ESI vs. facet injections", "500 mg p.o. daily"
            self._add(pos, m.start() + (1 if text[m.start()] in ".!?;" else 0), others)
            pos = m.end()
        self._add(pos, len(text), others)
        self._starts = [s.start for s in self.sentences]

    def _add(self, start: int, end: int, others: bool = True) -> None:
        while start < end and self.text[start].isspace():
            start += 1
        while end > start and self.text[end - 1].isspace():
            end -= 1
        if end <= start:
            return
        sentence = Sentence(start, end)
        chunk = self.folded[start:end]
        for cue in _PRE_NEGATION.finditer(chunk):
            scope_start = cue.end()
            rest = chunk[scope_start:]
            # A condition ("if fever, severe pain or vomiting") runs through its list; a denial
            # ("no effusion, moderate OA") stops where a finding is asserted.
            ends = _CONDITION_END if _CONDITION.match(cue.group()) else _SCOPE_END
            stop = ends.search(rest)
            scope_end = scope_start + (stop.start() if stop else len(rest))
            words = _WORD.findall(chunk, scope_start, scope_end)
            # A list ("denies fever, chills, saddle numbness, bowel or bladder change, weakness")
            # is denied item by item to its end; prose is denied for a few words.
            limit = _MAX_LIST_WORDS if chunk.count(",", scope_start, scope_end) >= 2 else _MAX_SCOPE_WORDS
            if len(words) > limit:
                scope_end = [m.end() for m in _WORD.finditer(chunk, scope_start, scope_end)][limit - 1]
            # The span starts at the cue itself: a finding named inside it ("family *history of*
            # cancer") is covered, while one the cue opens ("no improvement") is not (see below).
            sentence.negated.append((start + cue.start(), start + scope_end))
        if _RETRACTED.search(chunk):  # "'positive for saddle anesthesia' was carried in error"
            sentence.negated.append((start - 1, end))
        for who in (_OTHER_PERSON.finditer(chunk) if others else ()):
            back = _BACK_TO_PATIENT.search(chunk, who.end())
            sentence.negated.append((start + who.start(), start + (back.start() if back else len(chunk))))
        self.sentences.append(sentence)

    def sentence_at(self, pos: int) -> Sentence | None:
        i = bisect.bisect_right(self._starts, pos) - 1
        if i < 0:
            return None
        s = self.sentences[i]
        return s if s.start <= pos <= s.end else None

    def quote(self, sentence: Sentence, around: tuple[int, int] | None = None, limit: int = 300) -> str:
        """The sentence, verbatim; a very long one is cut to whole words around ``around``.

        Never adds an ellipsis or changes a character: a quote is always an exact substring.
        """
        start, end = sentence.start, sentence.end
        if end - start > limit:
            a, b = around or (start, start)
            start = max(sentence.start, min(a, a - (limit - (b - a)) // 2))
            end = min(sentence.end, max(b, start + limit))
            window = self.text[start:end]
            if start > sentence.start:
                space = window.find(" ")
                if 0 <= space < a - start:
                    start += space + 1  # begin at a word
            if end < sentence.end:
                space = self.text.rfind(" ", start, end)
                if space > max(b, start):
                    end = space  # end at a word
        return self.text[start:end].strip()

    def is_negated(self, start: int, end: int, *, result_words_deny: bool = True) -> bool:
        """Whether the finding at [start, end) is denied, suspended or hypothetical."""
        sentence = self.sentence_at(start)
        if sentence is None:
            return False
        if any(a < start < b for a, b in sentence.negated):
            return True
        after = self.folded[end:sentence.end]
        if _POST_NOT_DONE.match(after):
            return True
        return bool(result_words_deny and _POST_DENIED.match(after) and not _NEXT_ITEM_NEGATIVE.match(after))


# ---------------------------------------------------------------------------------------------
# Dates

_MONTHS = {m: i + 1 for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"])}
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
DATE = compile_folded(
    r"(?P<iso>\b(?P<iy>\d{4})-(?P<im>\d{1,2})-(?P<id>\d{1,2})\b)"
    r"|(?P<us>\b(?P<um>\d{1,2})/(?P<ud>\d{1,2})/(?P<uy>\d{4}|\d{2})\b)"
    rf"|(?P<named>\b(?P<nm>{_MONTH})\s+(?P<nd>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<ny>\d{{4}})\b)"
    rf"|(?P<dmy>\b(?P<dd>\d{{1,2}})\s+(?P<dm>{_MONTH})\s+(?P<dy>\d{{4}})\b)"
    rf"|(?P<my>\b(?P<mm>{_MONTH})\s+(?P<my_y>\d{{4}})\b)"
    r"|(?P<numeric_my>\b(?P<qm>\d{1,2})/(?P<qy>\d{4})\b)")


def _safe_date(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def date_from_match(m: re.Match) -> dt.date | None:
    if m.group("iso"):
        return _safe_date(int(m["iy"]), int(m["im"]), int(m["id"]))
    if m.group("us"):
        y = int(m["uy"])
        y = y + 2000 if y < 100 else y
        return _safe_date(y, int(m["um"]), int(m["ud"]))
    if m.group("named"):
        return _safe_date(int(m["ny"]), _MONTHS[m["nm"][:3].lower()], int(m["nd"]))
    if m.group("dmy"):
        return _safe_date(int(m["dy"]), _MONTHS[m["dm"][:3].lower()], int(m["dd"]))
    if m.group("my"):
        return _safe_date(int(m["my_y"]), _MONTHS[m["mm"][:3].lower()], 1)
    if m.group("numeric_my"):
        return _safe_date(int(m["qy"]), int(m["qm"]), 1)
    return None


def dates_in(text: str, anchor: dt.date | None = None) -> list[tuple[int, int, dt.date]]:
    """Every date in the text as (start, end, date); impossible dates are skipped.

    With an ``anchor`` (the note's date), a month and day without a year ("PT 6/1-7/20", "seen
    since 10/27") are read too, in the year that puts them on or before the anchor; only where
    the words say it is a date (a range, or "since", "on", "from"...), so "pain 6/10" stays a score.
    """
    folded = fold(text)
    out = []
    for m in DATE.finditer(folded):
        d = date_from_match(m)
        if d is not None and 1900 <= d.year <= 2100:
            out.append((m.start(), m.end(), d))
    if anchor is not None:
        taken = [(a, b) for a, b, _ in out]
        for m in _MONTH_DAY.finditer(folded):
            if any(a <= m.start() < b or m.start() <= a < m.end() for a, b in taken):
                continue
            before = folded[max(0, m.start() - 24):m.start()]
            if not (_DATE_WORD_BEFORE.search(before) or _RANGE_BEFORE.search(before)
                    or _RANGE_AFTER.match(folded, m.end())):
                continue
            d = _safe_date(anchor.year, int(m["m"]), int(m["d"]))
            if d is not None and d > anchor + dt.timedelta(days=31):
                d = _safe_date(anchor.year - 1, int(m["m"]), int(m["d"]))
            if d is not None:
                out.append((m.start("m"), m.end("d"), d))
        for m in _NAMED_MONTH_DAY.finditer(folded):
            if any(a <= m.start() < b or m.start() <= a < m.end() for a, b, _ in out):
                continue
            d = _safe_date(anchor.year, _MONTHS[m["mon"][:3]], int(m["day"]))
            if d is not None and d > anchor + dt.timedelta(days=31):
                d = _safe_date(anchor.year - 1, _MONTHS[m["mon"][:3]], int(m["day"]))
            if d is not None:
                out.append((m.start(), m.end(), d))
        out.sort()
    return out


# "6/1" with no year, where the words around make it a date: "6/1-7/20", "since 10/27", "on 5/28".
_MONTH_DAY = re.compile(r"(?<![\d/.])(?P<m>1[0-2]|0?[1-9])/(?P<d>3[01]|[12]\d|0?[1-9])(?![\d/]|\.\d|\s*(?:mg|ml|%))")
_NAMED_MONTH_DAY = compile_folded(rf"\b(?P<mon>{_MONTH})\s+(?P<day>3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?\b(?!,?\s*\d)"
                                   r"(?!\s*(?:x\b|times|weeks?|wks?|days?|months?|mg|tabs?|%|hours?|hrs?))")
_DATE_WORD_BEFORE = compile_folded(r"\b(?:since|on|from|until|till|til|through|thru|dated|started|began|visit|seen"
                                   r"|exam|eval\w*|re-?evaluated|f/u)\s*:?\s*$")
_RANGE_AFTER = compile_folded(r"\s*(?:-|–|to|through|thru|until|till|til)\s*\d{1,2}/\d{1,2}")
_RANGE_BEFORE = compile_folded(r"\d{1,2}/\d{1,2}(?:/\d{2,4})?\s*(?:-|–|to|through|thru|until|till|til)\s*$")

_RANGE_JOIN = compile_folded(r"^\s*(?:to|through|thru|until|till|til|'til|-|–|—)\s*$")


def date_range_in(text: str, found: list[tuple[int, int, dt.date]] | None = None
                  ) -> tuple[dt.date, dt.date] | None:
    """'2024-12-16 to 2025-02-10', '12/16/24–2/10/25', 'from Dec 16, 2024 through Feb 10, 2025'.

    ``found`` may pass the dates already read from ``text`` (offsets within it).
    """
    found = dates_in(text) if found is None else found
    for (s1, e1, d1), (s2, e2, d2) in zip(found, found[1:]):
        if _RANGE_JOIN.match(fold(text[e1:s2])) and d2 >= d1:
            return d1, d2
    return None


# ---------------------------------------------------------------------------------------------
# Durations ("x8 wks", "six weeks", "two months", "6-week course", "42 days")

_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fourteen": 14, "sixteen": 16,
    "eighteen": 18, "twenty": 20, "several": None, "few": None,
}
_WORD_NUMBER = "|".join(k for k in _NUMBER_WORDS if _NUMBER_WORDS[k])
_UNIT = r"days?|weeks?|wks?|wk|months?|mos?|mths?|years?|yrs?|d[ií]as|semanas?|mes(?:es)?|años?"
DURATION = compile_folded(
    # digits: "x8 wks", "6-week", "42d", "6-8 weeks" (the lower end counts)
    r"(?:(?<=\bx)|(?<=×)|(?<![\w/.-]))(?P<n>\d+(?:\.\d+)?)(?:\s*(?:-|to|–)\s*\d+(?:\.\d+)?)?\+?"
    rf"\s*-?\s*(?P<unit>{_UNIT}|d|w|mo)\b"
    # words: "six weeks", "two months", "a week" (never "an" + "d" in "and")
    rf"|\b(?P<nw>{_WORD_NUMBER})(?:\s*(?:-|to|or)\s*(?:{_WORD_NUMBER}))?[\s-]+(?P<unit_w>{_UNIT})\b")
_FREQUENCY_BEFORE = compile_folded(r"(?:\btwice|\bonce|\bthrice|\btimes|\d\s*x|\bx\s*\d)\s*(?:a|an|per|each|every|/)?\s*$")
_PER_AFTER = compile_folded(r"\s*(?:/|per\b|a\b(?=\s*(?:week|wk|day|month)))\s*(?:wk|week|w|day|d|mo|month)s?\b")
_WEEKS_PER = {"d": 1 / 7, "w": 1.0, "m": 52 / 12, "y": 52.0}


def _number(word: str) -> float | None:
    word = word.lower()
    if word in _NUMBER_WORDS:
        return _NUMBER_WORDS[word]
    try:
        return float(word)
    except ValueError:
        return None


def durations_in(text: str) -> list[tuple[int, int, float]]:
    """Every duration as (start, end, weeks). A range ('6-8 weeks') counts its lower end."""
    out = []
    folded = fold(text)
    for m in DURATION.finditer(folded):
        if _FREQUENCY_BEFORE.search(folded, max(0, m.start() - 16), m.start()) or _PER_AFTER.match(folded, m.end()):
            continue  # "twice a week", "5 d/wk": how often, not how long
        n = _number(m["n"] or m["nw"])
        if n is None or n <= 0 or n > 1000:
            continue
        unit = (m["unit"] or m["unit_w"]).lower()
        key = {"s": "w", "a": "y"}.get(unit[0], "m" if unit.startswith("m") else unit[0])  # semanas, años
        out.append((m.start(), m.end(), n * _WEEKS_PER[key]))
    return out


def weeks_words(weeks: float) -> str:
    """6.0 -> '6 weeks'; 8.67 -> '8.7 weeks'."""
    value = f"{weeks:.1f}".rstrip("0").rstrip(".")
    return f"{value} week" + ("" if value == "1" else "s")


# ---------------------------------------------------------------------------------------------
# Age, side, contrast

AGE = compile_folded(
    r"\b(?P<age>\d{1,3})\s*[- ]?\s*(?:y/?o\b|yo\b|yrs? old|years?[- ]old|year-old|-year-old|y\.o\.)")

LEFT = compile_folded(r"\b(?:left|lt|l)\b(?=\s*(?:knee|shoulder|hip|leg|arm|side|sided|lower|upper))|\bleft\b|\(LT\)|-LT\b|\bLT\b")
RIGHT = compile_folded(r"\b(?:right|rt|r)\b(?=\s*(?:knee|shoulder|hip|leg|arm|side|sided|lower|upper))|\bright\b|\(RT\)|-RT\b|\bRT\b")
BILATERAL = compile_folded(r"\bbilateral(?:ly)?\b|\bboth (?:knees|shoulders|hips|sides)\b")


def sides_in(text: str, parsed: ParsedText | None = None) -> set[str]:
    """Which sides ('left', 'right') the text names, skipping negated mentions."""
    sides = set()
    folded = fold(text)
    if BILATERAL.search(folded):
        return {"left", "right"}
    for name, regex in (("left", LEFT), ("right", RIGHT)):
        for m in regex.finditer(folded):
            if parsed is None or not parsed.is_negated(m.start(), m.end()):
                sides.add(name)
                break
    return sides


CONTRAST = [
    ("without_and_with", compile_folded(
        r"(?:with(?:out)?|w/?o?|wo)\s*(?:and|&|\+|/)\s*(?:with(?:out)?|w/?o?|wo)\s+(?:IV\s+)?contrast"
        r"|\bw/wo\b|pre[- ] and post[- ]?contrast")),
    ("without", compile_folded(
        r"(?:\bwithout|\bw/o|\bwo)\s+(?:IV\s+)?(?:contrast|gad\w*|dye)|\bnon-?contrast|\bno (?:IV )?contrast")),
    ("with", compile_folded(
        r"(?:\bwith|\bw/)\s*(?:IV\s+)?(?:contrast|gad\w*)|\bcontrast-enhanced|\bpost-?contrast")),
]


def contrast_in(text: str) -> str | None:
    """'without', 'with' or 'without_and_with' when the text says which, else None."""
    folded = fold(text)
    for name, regex in CONTRAST:
        if regex.search(folded):
            return name
    return None
