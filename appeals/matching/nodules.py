"""Lung nodule follow-up: the nodule a report (or the form's answers) describes (size, solid or
subsolid, one or several, the date of the CT that found it) and the schedule the Fleischner
Society's 2017 guidelines set for it (MacMahon et al., Radiology 2017;284:228-243, table 1): the
first follow-up CT, then the later ones while the nodule stays stable. Pure code."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..criteria.folding import compile_folded, fold
from ..criteria.schema import add_months
from . import text as tx
from .facts import ANSWER, Facts, Mention, Nodule

SOLID, PART_SOLID, GROUND_GLASS = "solid", "part-solid", "ground-glass"  # a Nodule's kind


@dataclass(frozen=True)
class Advice:
    """What the guideline recommends after the CT that found the nodule."""

    text: str                                # the recommendation, in the guideline's words
    months: tuple[int, int] | None = None    # first follow-up CT at this interval after that CT
    now: bool = False                        # work up now (CT at 3 months, PET/CT or biopsy)
    by_risk: bool = False                    # the patient's risk decided it
    # If the nodule is stable at the first follow-up: the later CTs, each this many months after the
    # CT that found it ("then CT at 18-24 months": 18) ...
    then: tuple[int, ...] = ()
    # ... or a CT every `every` months after the latest, until `until` months after the first.
    every: int | None = None
    until: int | None = None
    # After the first follow-up the guideline leaves it to the most suspicious of several nodules.
    open_after_first: bool = False


def fleischner_2017(size_mm: float, kind: str = SOLID, multiple: bool = False,
                    high_risk: bool = False) -> Advice:
    """The Fleischner 2017 recommendation for an incidental nodule in an adult aged 35 or more.
    The size is the average of the long and short axes, rounded to the nearest millimetre."""
    size = int(size_mm + 0.5)
    if kind == SOLID:
        if size < 6:
            if high_risk:
                return Advice("optional CT at 12 months (high-risk patient)", (12, 12), by_risk=True)
            return Advice("no routine follow-up (low-risk patient)", by_risk=True)
        then = "CT" if high_risk else "consider CT"
        if multiple:
            return Advice(f"CT at 3-6 months, then {then} at 18-24 months", (3, 6), then=(18,))
        if size <= 8:
            return Advice(f"CT at 6-12 months, then {then} at 18-24 months", (6, 12), then=(18,))
        return Advice("consider CT at 3 months, PET/CT or tissue sampling", now=True)
    if multiple:
        if size < 6:
            return Advice("CT at 3-6 months; if stable, consider CT at 2 and 4 years", (3, 6), then=(24, 48))
        return Advice("CT at 3-6 months; later management by the most suspicious nodule", (3, 6),
                      open_after_first=True)
    if size < 6:
        return Advice("no routine follow-up")
    if kind == GROUND_GLASS:
        return Advice("CT at 6-12 months to confirm persistence, then CT every 2 years until 5 years", (6, 12),
                      every=24, until=60)
    return Advice("CT at 3-6 months to confirm persistence, then annual CT for 5 years if unchanged "
                  "and the solid component stays under 6 mm", (3, 6), every=12, until=60)


def next_ct(advice: Advice, first: dt.date, follow_ups: list[dt.date]) -> dt.date | None:
    """The earliest date the next follow-up CT is due, after the CT that found the nodule (`first`)
    and the stable follow-up CTs since (`follow_ups`, in order), or None when the schedule has ended.
    The later steps are counted as the guideline counts them: "then CT at 18-24 months" from the CT
    that found the nodule (a follow-up CT that was late already stands for a step whose time it
    reached); "annual" and "every 2 years" from the latest CT, until 5 years after the first."""
    if advice.months is None:
        return None
    latest = follow_ups[-1] if follow_ups else first
    for months in (advice.months[0], *advice.then)[len(follow_ups):]:
        due = add_months(first, months)
        if due > latest:
            return due
    if advice.every and follow_ups:
        due = add_months(latest, advice.every)
        if due <= add_months(first, advice.until):
            return due
    return None


# A size next to the word nodule: "7 mm solid nodule", "nodule ... measuring 8 x 6 mm", "1.2 cm".
_SIZE = r"(?P<a>\d+(?:\.\d+)?)\s*(?:x\s*(?P<b>\d+(?:\.\d+)?)\s*)?-?(?P<unit>mm|cm)\b"
_SIZE_BEFORE = compile_folded(_SIZE + r"(?:\s+[\w-]+){0,3}?\s+nodules?")
_SIZE_AFTER = compile_folded(r"nodules?\b[^.;]{0,45}?" + _SIZE)
_GROUND_GLASS = compile_folded(r"ground[- ]glass|\b(?-i:GGO|GGN)s?\b|non-?solid|pure glass")
_PART_SOLID = compile_folded(r"part[- ]?solid|semi-?solid|subsolid|mixed (?:solid|density|attenuation)")
_MULTIPLE = compile_folded(r"\b(?:multiple|several|numerous|two|three|few|bilateral|scattered)\b[^.;]{0,30}?nodules"
                           r"|(?<!no )(?<!no other )(?<!no additional )(?<!no new )\bnodules\b"
                           r"|largest (?:nodule|measur)")
# A report, or a sentence, that is the CT itself: its date is the CT's date.
_CT_RECORD = compile_folded(r"radiolog\w*|imaging|\bCT\b|computed tomography|scan|chest report")

# A date the follow-up is planned for, not the CT's: "follow-up CT due 3/2026", "repeat by June 2026".
_PLANNED_DATE = compile_folded(r"(?:\bdue|\bby|\bafter|\buntil|recommend\w*|repeat\w*|follow[- ]?up(?: ct)?|scheduled"
                               r"|planned|next(?: ct)?)(?:\s+(?:for|in|on|by|after|around))?\s*$")
# A date of the earlier CT it is compared with, not this one's: "unchanged since 6/12/2024".
_COMPARED_DATE = compile_folded(r"(?:\bsince|compared (?:to|with)|comparison(?: to| with)?:?|\b(?:prior|previous|earlier)"
                                r"(?: ct| study| exam| scan)?(?: of| from| dated| on)?)\s*$")


def kind_in(text: str) -> str:
    """Solid, part-solid or ground-glass, as a report (or the form's choice) words it."""
    folded = fold(text)
    return GROUND_GLASS if _GROUND_GLASS.search(folded) else PART_SOLID if _PART_SOLID.search(folded) else SOLID


def several_in(text: str) -> bool:
    """The words speak of several nodules."""
    return bool(_MULTIPLE.search(fold(text)))


def _size(sentence: str) -> float | None:
    folded = fold(sentence)
    m = _SIZE_BEFORE.search(folded) or _SIZE_AFTER.search(folded)
    if not m:
        return None
    a = float(m["a"])
    size = (a + float(m["b"])) / 2 if m["b"] else a
    return size * 10 if m["unit"] == "cm" else size


def read_nodules(facts: Facts) -> list[Nodule]:
    """Every measured nodule the case describes, with the date of its CT where one is given: a
    date written in its sentence, else the date of a radiology or CT report; and the nodule the
    form's answers describe (read from the answers themselves, not from their wording here)."""
    out = []
    for m in facts.positive("pulmonary_nodule"):
        if m.origin == ANSWER:
            continue
        size = _size(m.quote)
        if size is None or not 0 < size < 100:
            continue
        folded = fold(m.quote)
        kind = kind_in(m.quote)
        written = [d for a, _, d in tx.dates_in(m.quote, m.date)
                   if not _PLANNED_DATE.search(folded, max(0, a - 30), a)
                   and not _COMPARED_DATE.search(folded, max(0, a - 30), a) and not (m.date and d > m.date)]
        found = written[0] if written else (m.date if _CT_RECORD.search(fold(m.source or "")) else None)
        out.append(Nodule(m, size, kind, several_in(m.quote), found))
    return out + list(facts.answered_nodules)


_GROWTH_MM = 2  # Fleischner 2017: growth is an increase of 2 mm or more in mean diameter


@dataclass
class Reading:
    """The nodule to follow and what the guideline says about it."""

    nodule: Nodule
    advice: Advice
    grown: list[Mention]             # what shows it has grown
    risk: list[Mention]              # the patient's risk factors for lung cancer
    due: dt.date | None = None       # the earliest date the next follow-up CT is due
    first: dt.date | None = None     # the CT that found the nodule (the schedule counts from it)
    follow_ups: list[dt.date] = field(default_factory=list)  # the stable follow-up CTs since
    ended: bool = False              # the stable follow-ups completed the schedule


def follow_up(facts: Facts) -> Reading | None:
    """The latest measured nodule and its Fleischner advice, or None when no size is given."""
    nodules = read_nodules(facts)
    if not nodules:
        return None
    dated = sorted((n for n in nodules if n.found), key=lambda n: n.found)
    # On each CT the largest nodule leads; nodules of different sizes on one CT are several.
    latest = max((n for n in dated if n.found == dated[-1].found) if dated else nodules, key=lambda n: n.size_mm)
    if len({n.size_mm for n in (dated or nodules) if n.found == latest.found}) > 1:
        latest.multiple = True
    grown = list(facts.positive("nodule_growth"))
    if dated:
        first = max((n for n in dated if n.found == dated[0].found), key=lambda n: n.size_mm)
        if latest.found > first.found and latest.size_mm - first.size_mm >= _GROWTH_MM:
            grown += [first.mention, latest.mention]
    risk = facts.positive("lung_cancer_risk")
    advice = fleischner_2017(latest.size_mm, latest.kind, latest.multiple, bool(risk))
    if not latest.found or not advice.months:
        return Reading(latest, advice, grown, risk)
    # Each later CT that measured the nodule, without growth, is one stable follow-up.
    first = dated[0].found
    follow_ups = sorted({n.found for n in dated if n.found > first})
    due = next_ct(advice, first, follow_ups)
    return Reading(latest, advice, grown, risk, due, first, follow_ups, ended=due is None)

