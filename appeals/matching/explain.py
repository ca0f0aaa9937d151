"""Why a case came out as it did: each requirement of the chosen pathway with the facts that were
counted and the ones set aside (denied, another side or body part, an earlier episode, booked but
not held) and why. The tool a clinic uses to check a result, and a developer to fix a reading.
"""

from __future__ import annotations

import datetime as dt

from ..contract import Case
from ..criteria import Library
from . import match_case


def _where(mention) -> str:
    parts = [mention.source or "answers"]
    if mention.date:
        parts.append(mention.date.isoformat())
    return ", ".join(parts)


def explain(case: Case, *, library: Library | None = None, today: dt.date | None = None) -> str:
    """A plain-text report of the match (the result itself is unchanged)."""
    trace: dict = {}
    result = match_case(case, library=library, today=today, trace=trace)
    lines = [f"outcome: {result.outcome}   urgency: {result.urgency}"]
    if result.service.id is None:
        lines.append(f"service: {case.service!r} has no criteria in the library")
        return "\n".join(lines + [f"warning: {w}" for w in result.warnings]) + "\n"
    facts, evaluator = trace["facts"], trace["evaluator"]
    lines.append(f"service: {result.service.id}   criteria: {trace['variant']}   "
                 f"reference date: {trace['reference'].isoformat()}")
    episode = facts.episode_start
    lines.append("episode began: " + (f"{episode.isoformat()}{' (estimated)' if facts.episode_estimated else ''}"
                                      if episode else "not stated"))
    lines.append(f"pathway: {result.pathway.id} - {result.pathway.title}")
    for other in trace["outcomes"]:
        if other is not trace["best"]:
            state = "met" if other.met else "not met: " + ", ".join(
                r.id for r in other.requirements if r.status == "unmet")
            lines.append(f"  also weighed: {other.pathway.id} ({state})")
    for req in result.requirements:
        lines.append("")
        lines.append(f"[{req.status}] {req.id} ({req.kind}): {req.text}")
        weighed = evaluator.trace.get(f"{result.pathway.id}/{req.id}", [])
        seen = set()
        for mention, counted, why in weighed:
            key = (mention.quote, mention.source, counted, why)
            if key in seen:
                continue
            seen.add(key)
            mark = "found  " if counted else "set aside"
            reason = f" - {why}" if why and not counted else ""
            lines.append(f"  {mark} \"{mention.quote}\" ({_where(mention)}){reason}")
        if not weighed:
            lines.append("  nothing in the request, the notes or the answers speaks to it")
        if req.needed:
            lines.append(f"  needed: {req.needed}")
    if trace["conflicts"]:
        lines.append("")
        lines += [f"contradiction: {w}" for w in trace["conflicts"]]
    lines.append("")
    lines += [f"warning: {w}" for w in result.warnings if w not in trace["conflicts"]]
    return "\n".join(lines) + "\n"
