"""Who and what a letter names: the patient's name as written on a letter, the plan and its
reviewer, the exact study (only the CPT code given, its side and contrast), the ordering
clinician, the diagnosis codes and the criterion's citation. Pure code.
"""

from __future__ import annotations

import re

from appeals.contract import Case, MatchResult, PolicyRef

from .schema_details import AdvocateContext, ClinicianContext, StudyContext

_CPT = re.compile(r"^\d{4}[0-9A-Z]$")
SIDE_WORDS = {"left": "left", "right": "right", "bilateral": "both sides (bilateral)"}
CONTRAST_WORDS = {"without": "without contrast", "with": "with contrast",
                  "with_and_without": "without and with contrast"}


def display_name(name: str | None) -> str:
    """"Doe, Jane" → "Jane Doe": a letter names a person in reading order."""
    name = (name or "").strip()
    family, comma, given = name.partition(",")
    family, given = family.strip(), given.strip()
    # Only a plain "Family, Given": "Dr. Maria Lopez, MD" keeps its order.
    if (comma and family and given and "," not in given and "." not in family
            and len(family.split()) <= 2 and not _CREDENTIAL.fullmatch(given)):
        return f"{given} {family}"
    return name


_CREDENTIAL = re.compile(r"(?:(?:MD|DO|PhD|NP|PA|PA-C|RN|DPT|DC|FNP|MPH|Jr\.?|Sr\.?|II|III)"
                         r"[,\s]*)+")
_BRACKETED = re.compile(r"\s*\(([^()]*)\)\s*")


def plan_and_reviewer(case: Case) -> tuple[str, str]:
    """The plan's own name and the company that reviewed for it. "Cigna (reviewed by eviCore
    healthcare)" → ("Cigna", "eviCore healthcare"); the denial's ``reviewer`` wins."""
    payer = (case.payer or "").strip()
    reviewer = (case.denial.reviewer if case.denial else None) or ""
    bracket = _BRACKETED.search(payer)
    if bracket:
        inner = bracket.group(1).strip()
        payer = (payer[:bracket.start()] + " " + payer[bracket.end():]).strip()
        if not reviewer:
            reviewer = re.sub(r"^(reviewed|managed|administered)\s+by\s+", "", inner,
                              flags=re.I).strip()
    return payer, reviewer.strip()


def requested_cpt(case: Case | None, result: MatchResult) -> str:
    """The one CPT code the case gave (the study's, else the service typed as a code), never
    the service's other codes."""
    if case is None:
        return ""
    if case.study and case.study.cpt:
        return case.study.cpt
    typed = case.service.strip().upper()
    return typed if _CPT.match(typed) else ""


_MODALITY = re.compile(
    r"\b((?:MRI|MRA|CT|CTA|PET(?:/CT)?|ultrasound|x-?ray|MR)\b(?:\s+(?:of|scan|imaging)\b)?"
    r"(?:\s+(?:the\s+)?[A-Za-z/-]+){1,5})", re.I)
_STOP = re.compile(r"\s+(?:is|was|were|does|do|did|has|have|not|because|for|requested|"
                   r"request|denied|at|on|dated)\b.*$", re.I)


def service_words(case: Case | None, result: MatchResult) -> str:
    """The service in words: the library's name, or, outside the library (where the name may be
    a bare code), the study as the denial or the request names it."""
    name = result.service.name.strip()
    if name and not _CPT.match(name.upper()):
        return name
    for text in ((case.denial.text if case and case.denial else None),
                 case.original_request if case else None):
        for match in _MODALITY.finditer(text or ""):
            phrase = _STOP.sub("", match.group(1)).strip(" ,.;:")
            if len(phrase.split()) >= 2:
                return phrase[0].upper() + phrase[1:]
    return "the imaging study"


def service_description(result: MatchResult, case: Case | None = None) -> str:
    """"MRI lumbar spine (CPT 72148)": the name in words with the one code given."""
    words = service_words(case, result)
    cpt = requested_cpt(case, result)
    return f"{words} (CPT {cpt})" if cpt else words


def study_context(case: Case, result: MatchResult) -> StudyContext:
    study = case.study
    cpt = requested_cpt(case, result)
    side = (study.side if study else None) or ""
    contrast = (study.contrast if study else None) or ""
    words = service_words(case, result)
    parts = [f"CPT {cpt}"] if cpt else []
    parts.append(words)
    if side:
        parts.append(f"side: {SIDE_WORDS[side]}")
    if contrast and "contrast" not in words.casefold():
        parts.append(CONTRAST_WORDS[contrast])
    return StudyContext(present=bool(study), cpt=cpt, side=side,
                        side_label=SIDE_WORDS.get(side, ""), contrast=contrast,
                        contrast_label=CONTRAST_WORDS.get(contrast, ""),
                        line=" \u00b7 ".join(parts))


def clinician_context(case: Case) -> ClinicianContext:
    c = case.clinician
    if c is None:
        return ClinicianContext(present=False, name="", npi="", facility="", phone="", fax="",
                                address="", line="")
    bits = [display_name(c.name)] if c.name else []
    if c.npi:
        bits.append(f"NPI {c.npi}")
    if c.facility:
        bits.append(c.facility)
    return ClinicianContext(present=bool(c.name or c.npi or c.facility),
                            name=display_name(c.name), npi=c.npi or "",
                            facility=c.facility or "", phone=c.phone or "", fax=c.fax or "",
                            address=c.address or "", line=", ".join(bits))


def advocate_context(case: Case) -> AdvocateContext:
    a = case.advocate
    if a is None:
        return AdvocateContext(present=False, name="", organization="", phone="", email="",
                               address="", line="")
    name = display_name(a.name)
    organization = a.organization or ""
    line = f"{name} of {organization}" if name and organization else name or organization
    return AdvocateContext(present=bool(line), name=name, organization=organization,
                           phone=a.phone or "", email=a.email or "", address=a.address or "",
                           line=line)


def _short_source(source: str) -> str:
    """"eviCore (Evernorth), for Cigna" → "eviCore"; "American College of Radiology (ACR)" →
    "American College of Radiology"; "Centers for Medicare & Medicaid Services" stays whole."""
    short = _BRACKETED.sub(" ", source).split(",")[0].strip()
    # "eviCore for Cigna" names the plan after "for"; "Centers for Medicare & Medicaid Services"
    # is one name, so only a short tail is the plan's.
    return re.sub(r"\s+for\s+\S+(?:\s+\S+)?$", "", short).strip()


def _acronym(words: str) -> str:
    return "".join(w[0] for w in words.split() if w[:1].isupper())


def policy_citation(policy: PolicyRef) -> tuple[str, str]:
    """(full citation, short name for a sentence). Each part printed once: no "(eviCore
    (Evernorth), for Cigna)", no "American College of Radiology ACR ...", no "CPB 0236: ...
    CPB 0236"."""
    source = _short_source(policy.source)
    title = policy.title.strip()
    folded = title.casefold()
    named = (source.casefold() in folded or (len(_acronym(source)) >= 2
                                              and _acronym(source).casefold() in folded.split()))
    # "eviCore Spine Imaging Guidelines", "Aetna Clinical Policy Bulletin 0171"; a reviewer's
    # text published for a plan ("eviCore (Evernorth), for Cigna": the title is Cigna's) takes
    # the reviewer in brackets after it.
    prefix = not named and " for " not in policy.source
    citation = title if named or not prefix else f"{source} {title}"
    version = (policy.version or "").strip()
    # A version that repeats a code already in the title keeps only what is new ("last review").
    if version:
        code = re.match(r"^([A-Z]{2,}\s*(\d+))[,;]?\s*(.*)$", version)
        if code and (code.group(1).casefold() in folded or code.group(2) in folded):
            version = code.group(3)
        elif code:
            code = None
        if version and version.casefold() not in citation.casefold():
            citation += f" {version}" if not code else f" ({version})"
    if not named and not prefix:
        citation += f" ({source})"
    section = (policy.section or "").strip()
    if section and section.casefold() not in citation.casefold():
        citation += f", section {section}"
    # "eviCore SP-6", "Aetna CPB 0171": the publisher and the section's or document's code.
    first = section.split()[0] if section else ""
    code_in = re.search(r"\b[A-Z]{2,}[ -]?\d[\w.-]*", f"{policy.version or ''} {title}")
    if first and re.search(r"\d", first):
        short = f"{source} {first.rstrip(',:')}"
    elif code_in:
        short = f"{source} {code_in.group(0)}"
    else:  # no code to cite by: the publisher's criteria, and the section when it is short
        short = f"{source} criteria" + (f" ({section})" if section and len(section) <= 40
                                        else "")
    return citation, short
