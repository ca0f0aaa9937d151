"""What a letter says about the plan type: the rules that govern it, the appeal level and its
time frame, the rights to ask for, the next level of review and the basis for expedited and
emergency handling; and who speaks in the letter (the patient, or someone writing for them).
Pure code.
"""

from __future__ import annotations

from .schema import AppealContext, RightContext

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
LEVEL = {"erisa": "internal appeal", "aca": "internal appeal", "other": "appeal",
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
     "29 CFR 2590.715-2719(b)(2)(ii)"),
]
RIGHTS: dict[str, list[tuple[str, str]]] = {
    "erisa": _ERISA_RIGHTS,
    "aca": [(text, "45 CFR 147.136(b)(2)(ii)" if basis.startswith("29 CFR 2590")
             else "45 CFR 147.136(b), incorporating " + basis)
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
        ("If you do not decide fully in {my} favor, you must forward the case to the "
         "Independent Review Entity.", "42 CFR 422.592"),
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
REQUEST_RIGHTS = [
    ("If any information is missing, please contact the ordering clinician before deciding.", ""),
    ("If you cannot approve the request, please state the specific criteria relied on and the "
     "name and specialty of the reviewer, and offer a peer-to-peer discussion.", ""),
]
NEXT_LEVEL = {
    "erisa": "If the plan upholds the denial, {I} may request external review by an independent "
             "review organization within 4 months of the final decision (29 CFR "
             "2590.715-2719), and {I} keep{s} the right to bring a civil action under ERISA "
             "section 502(a).",
    "aca": "If the plan upholds the denial, {I} may request external review by an independent "
           "review organization within 4 months of the final decision (45 CFR 147.136).",
    "medicare_advantage": "If the plan does not decide fully in {my} favor, it must forward the "
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
EMERGENCY_BASIS = {
    "erisa": "45 CFR 147.138(b)", "aca": "45 CFR 147.138(b)",
    "medicare_advantage": "42 CFR 422.113(b)", "medicaid": "42 CFR 438.114", "other": "",
}


def next_level_advice(plan_type: str) -> str:
    """The matcher's plain-words advice on the next appeal level (addressed to the patient)."""
    try:
        from appeals.matching.deadlines import next_level
    except ImportError:
        return ""
    return str(next_level(plan_type) or "")


def voice(kind: str) -> dict[str, str]:
    """Placeholders for who speaks: the patient (first person) or someone writing for them."""
    if kind in ("clinician", "advocate"):
        return {"I": "the patient", "my": "the patient's", "My": "The patient's",
                "me": "the patient", "s": "s"}
    return {"I": "I", "my": "my", "My": "My", "me": "me", "s": ""}


def appeal_context(kind: str, rules: str, expedited: bool, check_before_filing: bool,
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
        level = LEVEL[rules]
        title = (f"Request for an expedited (72-hour) {level}" if expedited
                 else f"Request for {'an' if level[0] in 'aeiou' else 'a'} {level}")
        request = (f"I ask {plan_name} to review and reverse its decision"
                   + (" and to decide within 72 hours, because waiting the standard time could "
                      "seriously jeopardize {my} health or {my} ability to regain maximum function."
                      .format(**voice(kind)) if expedited else "."))
    return AppealContext(level=level, title=title, expedited=expedited,
                         decision_time="72 hours" if expedited else _STANDARD_TIME[rules],
                         expedited_basis=_EXPEDITED_BASIS[rules] if not check_before_filing
                         else "", request=request)


def right_context(text: str, basis: str) -> RightContext:
    sentence = f"{text.rstrip('.')} ({basis})." if basis else text
    return RightContext(text=text, basis=basis, sentence=sentence)
