"""The last day to file the internal appeal, by plan type, with the rule it comes from.

Calendar days, counted from the day after the start date (the way the federal rules count).
Pure code: no Flask, Celery or database imports.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..contract import Deadline


@dataclass(frozen=True)
class FilingRule:
    days: int
    from_received: bool     # counted from receipt of the notice (else from the notice date)
    basis: str
    next_level: str


_GROUP_HEALTH_NEXT = (
    "If the plan upholds the denial, ask for an external review by an independent review "
    "organization within 4 months of the final internal denial (45 CFR 147.136(c)-(d); "
    "29 CFR 2590.715-2719 for employer plans). An expedited external review takes 72 hours."
)

RULES: dict[str, FilingRule] = {
    "employer": FilingRule(
        180, True,
        "180 days from receipt of the denial notice to file the internal appeal under "
        "29 CFR 2560.503-1(h)(3)(i) (ERISA group health plans)",
        _GROUP_HEALTH_NEXT,
    ),
    "marketplace": FilingRule(
        180, True,
        "180 days from receipt of the denial notice to file the internal appeal under "
        "45 CFR 147.136(b)(3) and 29 CFR 2560.503-1(h)(3)(i) (ACA individual market)",
        "If the plan upholds the denial, ask for a state or federal (HHS) external review within "
        "4 months of the final internal denial (45 CFR 147.136(c)-(d)). An expedited external "
        "review takes 72 hours and can run at the same time as an expedited internal appeal.",
    ),
    "government_employer": FilingRule(
        180, True,
        "180 days from receipt of the denial notice to file the internal appeal under "
        "PHS Act section 2719 and 45 CFR 147.136(b)(2) (non-federal governmental plans)",
        _GROUP_HEALTH_NEXT.replace(" (45 CFR 147.136(c)-(d); 29 CFR 2590.715-2719 for employer plans)",
                                   " (45 CFR 147.136(c)-(d))"),
    ),
    "medicare_advantage": FilingRule(
        65, False,
        "65 calendar days from the date of the organization determination notice to request "
        "reconsideration under 42 CFR 422.582(b) (Medicare Advantage; a good-cause extension is possible)",
        "If the plan upholds the denial in whole or part, it must send the file to the Independent "
        "Review Entity automatically (42 CFR 422.592); nothing needs filing. After the IRE, an "
        "Administrative Law Judge hearing can be requested within 60 days of its decision.",
    ),
    "medicaid": FilingRule(
        60, False,
        "60 calendar days from the date on the adverse benefit determination notice to appeal to "
        "the managed care plan under 42 CFR 438.402(c)(2)(ii) (Medicaid managed care)",
        "If the plan upholds the denial, request a State fair hearing within the period the state "
        "sets (at most 120 days from the plan's appeal decision, 42 CFR 438.408(f)); some states "
        "also offer an external medical review.",
    ),
    # Unknown plan type: the earliest of the common limits, so that nothing is filed late.
    "other": FilingRule(
        60, False,
        "The plan type is not known, so this is the earliest of the common limits (60 days from "
        "the notice date, as for Medicaid managed care under 42 CFR 438.402(c)(2)(ii)); the denial "
        "letter states the plan's own limit, which governs",
        "The denial letter names the next level of review and its time limit; for most health "
        "plans it is an external review requested within 4 months of the final internal denial.",
    ),
}


def deadline_for(plan_type: str, notice_date: dt.date, received_date: dt.date | None) -> Deadline:
    rule = RULES.get(plan_type, RULES["other"])
    start = (received_date or notice_date) if rule.from_received else notice_date
    return Deadline(date=start + dt.timedelta(days=rule.days), days=rule.days,
                    counted_from=start, basis=rule.basis)


def next_level(plan_type: str) -> str:
    """Plain words naming the next appeal level after the internal appeal, and its time limit."""
    return RULES.get(plan_type, RULES["other"]).next_level
