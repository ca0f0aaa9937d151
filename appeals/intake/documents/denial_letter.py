"""The fields of a denial letter, each with the line(s) it was read from.

Letters are read by their labels ("Reference number:", "Case #", "CARC/RARC", "Reason for
denial:", "Send your appeal to:") and by the few phrases every payer uses for the plan type and
the deadline; nothing is guessed from position except the letterhead's plan name when no label
names the plan. A field not found is absent: the person fills it in on the confirm page.
"""

from __future__ import annotations

import re

from .model import ExtractedDocument, Line, ReadField
from .patterns import DATE, first_date, ocr_digits, parse_date, phone

_DENIAL_WORDS = re.compile(
    r"\b(adverse (?:benefit )?determination|denied|denial|not approved|not medically necessary|"
    r"denegad[oa]|negad[oa])\b", re.I)
_APPEAL = re.compile(r"\b(appeal|apelaci[oó]n|grievance)\b", re.I)

_NOTICE_DATE = re.compile(r"^(?:notice date|date of (?:this )?notice|letter date|date of letter|"
                          r"date|fecha(?: del aviso)?)\s*[:#]?\s*(?P<rest>.+)$", re.I)
_REFERENCE = re.compile(
    r"\b(?:reference|ref\.?|case|authori[sz]ation|auth\.?|tracking|review|request|claim|"
    r"prior auth(?:orization)?|referencia|caso)\s*(?:number|no\.?|#|id|n[uú]mero)\s*[:#]?\s*"
    r"(?P<value>[A-Z0-9][A-Z0-9-]{3,})", re.I)
_CODE_LABEL = re.compile(r"(?:\b(?:denial|reason|adjustment reason|remark|claim adjustment)\s+codes?"
                         r"|\b(?:carc|rarc)(?:\s*/\s*(?:carc|rarc))?(?:\s+codes?)?"
                         r"|c[oó]digo de denegaci[oó]n)\s*:\s*(?P<rest>.+)$", re.I)
_CODE_TOKEN = re.compile(r"\b(?:(?:CO|PR|OA|PI|CR)\s*-\s*)?[0-9OolI]{1,3}\b|\b[MN]A?[0-9Oo]{1,4}\b")
_REASON_HEADING = re.compile(
    r"^(?:why we (?:made this decision|denied (?:this|your) request)|reason(?:s)? for (?:the )?"
    r"(?:denial|decision|determination)|reason|explanation|raz[oó]n de la denegaci[oó]n)\s*:\s*"
    r"(?P<rest>.*)$", re.I)
_REASON_INLINE = re.compile(r"\b(?:reason|because)\s*:\s*(?P<rest>.+)$", re.I)
_SECTION_END = re.compile(
    r"^(?:denial code|reason code|carc|rarc|adjustment|remark|this request was reviewed|"
    r"reviewed by|how to appeal|your right|you may|you have|you must|as a |if you|your plan|"
    r"send |mail |fax|phone|sincerely|medical director|member|patient|reference|case|"
    r"authori[sz]ation|notice|date|plan|health plan|procedure|service)", re.I)
_PLAN_LABEL = re.compile(r"^(?:health plan|plan name|plan|insurer|insurance(?: company)?|"
                         r"your plan|plan de salud)\s*:\s*(?P<rest>.+)$", re.I)
_PAYERISH = re.compile(r"\b(health|care|plan|insurance|cigna|aetna|humana|anthem|blue|united|"
                       r"kaiser|molina|centene|ambetter|wellcare|medicaid|medicare)", re.I)
_SERVICE_LABEL = re.compile(r"^(?:service requested|requested service|procedure(?: requested)?|"
                            r"service|item or service|servicio solicitado)\s*:\s*(?P<rest>.+)$", re.I)
_CPT = re.compile(r"\bCPT(?:\s*code)?\s*[:#]?\s*(?P<code>[0-9OolI]{4}[0-9A-Z])\b"
                  r"|^(?P<lead>\d{5})\s*[-–:]", re.I)
# Reviewers (radiology benefit managers) by the names their letters use.
REVIEWERS = [
    (re.compile(r"\bevi\s?core\b", re.I), "eviCore"),
    (re.compile(r"\bcarelon\b|\baim specialty", re.I), "Carelon"),
    (re.compile(r"\bnational imaging associates\b|\bNIA\b|\bevolent\b", re.I), "Evolent"),
    (re.compile(r"\bhealth ?help\b", re.I), "HealthHelp"),
    (re.compile(r"\bmagellan\b", re.I), "Magellan"),
    (re.compile(r"\bcohere\b", re.I), "Cohere"),
]
_REVIEWED_BY = re.compile(r"\b(?:reviewed by|review(?:ed)? (?:was )?(?:performed|done) by|"
                          r"utilization review(?: agent)?|on behalf of|revisad[oa] por)\b", re.I)
PLAN_TYPES = [  # first match wins: Medicare Advantage before a bare "Medicaid"
    (re.compile(r"\bmedicare advantage\b|\bpart c\b|independent review entity", re.I),
     "medicare_advantage"),
    (re.compile(r"\bmedicaid\b|\bstate fair hearing\b|\bCHIP\b", re.I), "medicaid"),
    (re.compile(r"\bERISA\b|employee retirement income security act|section 502\(a\)", re.I),
     "employer"),
    (re.compile(r"\bhealth insurance marketplace\b|\bhealthcare\.gov\b|\bmarketplace plan\b", re.I),
     "marketplace"),
]
_APPEAL_TO = re.compile(r"\b(?:send|mail|write)\b.*\b(?:appeal|request|to us)\b.*?(?:to|at)\s*:?\s*(?P<rest>.*)$"
                        r"|^(?:appeals? address|mailing address|address)\s*:\s*(?P<rest2>.*)$", re.I)
_CITY_LINE = re.compile(r"\b[A-Z]{2}\s+\d{5}(?:-\d{4})?\s*$")
_DAYS = re.compile(r"\bwithin\s+(?P<days>\d{1,3})\s+(?:calendar\s+)?days\b"
                   r"|\b(?P<days2>\d{1,3})\s+days\s+(?:from|of|after)\b", re.I)
_BY_DATE = re.compile(r"\b(?:received by|no later than|on or before|by)\s+(?P<rest>.+)$", re.I)


def is_denial_letter(document: ExtractedDocument) -> bool:
    text = document.text
    clues = [bool(_DENIAL_WORDS.search(text)), bool(_APPEAL.search(text)),
             any(_REFERENCE.search(line.text) for line in document.lines),
             any(_CODE_LABEL.search(line.text) for line in document.lines)]
    return clues[0] and sum(clues) >= 3


def read_denial_letter(document: ExtractedDocument) -> list[ReadField]:
    lines = document.lines
    fields: list[ReadField] = []

    def add(name: str, value, used: list[Line]) -> None:
        if value in (None, "", []):
            return
        fields.append(ReadField(
            name=name, value=value, snippet="\n".join(line.text for line in used),
            document=document.name, page=used[0].page,
            confidence=min(line.confidence for line in used)))

    for reader in (_notice_date, _reference, _code, _reason, _payer, _reviewer, _service,
                   _plan_type, _appeal_address, _appeal_fax, _deadline):
        for name, value, used in reader(lines):
            add(name, value, used)
    return fields


_PATIENT = [
    ("patient.name", re.compile(r"^(?:member|patient|member name|patient name|paciente)\s*:\s*(?P<rest>[^\d:]{3,80})$", re.I)),
    ("patient.member_id", re.compile(r"^(?:member|subscriber|patient) (?:id|number|#)\s*[:#]?\s*(?P<rest>[A-Z0-9-]{4,})\s*$", re.I)),
    ("patient.date_of_birth", re.compile(r"^(?:date of birth|dob|birth date|fecha de nacimiento)\s*[:#]?\s*(?P<rest>.+)$", re.I)),
]


def read_patient(document: ExtractedDocument) -> list[ReadField]:
    """Who the document is about: name, member id, date of birth, where a label gives them."""
    found: list[ReadField] = []
    for name, pattern in _PATIENT:
        for line in document.lines[:40]:
            match = pattern.match(line.text)
            if not match:
                continue
            value = match["rest"].strip()
            if name == "patient.date_of_birth":
                date = first_date(value)
                if not date:
                    continue
                value = date[0].isoformat()
            found.append(ReadField(name=name, value=value, snippet=line.text, document=document.name,
                                   page=line.page, confidence=line.confidence))
            break
    return found


def _notice_date(lines: list[Line]):
    for line in lines[:25]:
        match = _NOTICE_DATE.match(line.text)
        if match and (found := first_date(match["rest"])):
            return [("denial.notice_date", found[0].isoformat(), [line])]
    for line in lines[:12]:  # an unlabelled date at the head of the letter
        if (found := first_date(line.text)) and len(line.text) < 40:
            return [("denial.notice_date", found[0].isoformat(), [line])]
    return []


def _reference(lines: list[Line]):
    for line in lines:
        match = _REFERENCE.search(line.text)
        if match and re.search(r"\d", match["value"]) and not _looks_like_member_id(line.text):
            return [("denial.reference", match["value"].upper(), [line])]
    return []


def _looks_like_member_id(text: str) -> bool:
    return bool(re.match(r"\s*(member|subscriber|patient)\b", text, re.I))


def _code(lines: list[Line]):
    for line in lines:
        match = _CODE_LABEL.search(line.text)
        if not match:
            continue
        codes = []
        for token in _CODE_TOKEN.finditer(match["rest"]):
            raw = re.sub(r"\s+", "", token.group(0))
            head, _, tail = raw.rpartition("-")
            code = (head.upper() + "-" if head else "") + ocr_digits(tail).upper()
            if re.search(r"\d", code):
                codes.append(code)
        if codes:
            return [("denial.code", ", ".join(codes), [line])]
    return []


def _reason(lines: list[Line]):
    for index, line in enumerate(lines):
        heading = _REASON_HEADING.match(line.text)
        inline = None if heading else _REASON_INLINE.search(line.text)
        if not (heading or inline):
            continue
        if inline and _CODE_LABEL.search(line.text):
            continue  # "Reason code: 50" is the code, not the reason
        start = (heading or inline)["rest"].strip()
        used = [line]
        parts = [start] if start else []
        for following in lines[index + 1:index + 14]:
            if _SECTION_END.match(following.text) or (parts and _REASON_HEADING.match(following.text)):
                break
            parts.append(following.text)
            used.append(following)
        text = _join_wrapped(parts)
        if len(text) >= 20:
            return [("denial.text", text, used)]
    return []


def _join_wrapped(parts: list[str]) -> str:
    """Lines of one paragraph as one string; a word broken at a line's end hyphen is kept whole
    only where the hyphen belongs to the word (provider-directed), so it is kept as written."""
    return re.sub(r"\s+", " ", " ".join(parts)).strip()


def labelled_payer(document: ExtractedDocument) -> ReadField | None:
    """The plan an order or a cover sheet names ("Insurance: ...")."""
    for line in document.lines[:30]:
        match = _PLAN_LABEL.match(line.text)
        if match:
            return ReadField(name="payer", value=match["rest"].strip(), snippet=line.text,
                             document=document.name, page=line.page, confidence=line.confidence)
    return None


def _payer(lines: list[Line]):
    for line in lines[:30]:
        match = _PLAN_LABEL.match(line.text)
        if match:
            return [("payer", match["rest"].strip(), [line])]
    for line in lines[:3]:  # the letterhead
        if _PAYERISH.search(line.text) and not DATE.search(line.text) and len(line.text) < 80 \
                and not re.search(r"notice|determination|denial|management", line.text, re.I):
            return [("payer", line.text.strip(), [line])]
    return []


def _reviewer(lines: list[Line]):
    mentioned = None
    for line in lines:
        for pattern, name in REVIEWERS:
            if pattern.search(line.text):
                if _REVIEWED_BY.search(line.text):
                    return [("denial.reviewer", name, [line])]
                mentioned = mentioned or (name, line)
    return [("denial.reviewer", mentioned[0], [mentioned[1]])] if mentioned else []


def _service(lines: list[Line]):
    for line in lines:
        match = _SERVICE_LABEL.match(line.text)
        if not match:
            continue
        rest = match["rest"]
        found = []
        cpt = _CPT.search(rest)
        if cpt:
            code = ocr_digits(cpt["code"] or cpt["lead"]).upper()
            found.append(("study.cpt", code, [line]))
            rest = (rest[:cpt.start()] + rest[cpt.end():])
        name = re.sub(r"\(\s*\)|,\s*$|^\s*[-–:]\s*", "", rest.strip()).strip(" ,;-–")
        if name:
            found.append(("service", name, [line]))
            folded = name.lower()
            for side in ("bilateral", "right", "left"):
                if re.search(rf"\b{side}\b", folded):
                    found.append(("study.side", side, [line]))
                    break
            contrast = ("with_and_without" if "with and without" in folded else
                        "without" if re.search(r"\bwithout\b|w/o", folded) else
                        "with" if re.search(r"\bwith contrast\b", folded) else None)
            if contrast:
                found.append(("study.contrast", contrast, [line]))
        return found
    return []


def _plan_type(lines: list[Line]):
    for pattern, plan_type in PLAN_TYPES:
        for line in lines:
            if pattern.search(line.text):
                return [("plan_type", plan_type, [line])]
    return []


def _appeal_address(lines: list[Line]):
    for index, line in enumerate(lines):
        match = _APPEAL_TO.search(line.text)
        if not match:
            continue
        rest = (match["rest"] or match["rest2"] or "").strip()
        parts, used = ([rest] if rest else []), [line]
        for following in lines[index + 1:index + 6]:
            if re.match(r"\s*(fax|phone|tel)", following.text, re.I):
                break
            parts.append(following.text.strip())
            used.append(following)
            if _CITY_LINE.search(following.text):
                return [("denial.appeal_address", ", ".join(parts), used)]
        if parts and _CITY_LINE.search(parts[-1]):
            return [("denial.appeal_address", ", ".join(parts), used)]
    return []


def _appeal_fax(lines: list[Line]):
    for line in lines:
        if re.search(r"\bfax\b", line.text, re.I) and (number := phone(line.text)):
            return [("denial.appeal_fax", number, [line])]
    return []


def _deadline(lines: list[Line]):
    for line in lines:
        if not re.search(r"appeal|apelaci|received|recib", line.text, re.I):
            continue
        by_date = _BY_DATE.search(line.text)
        if by_date and (found := DATE.search(by_date["rest"])) and (value := parse_date(found)):
            return [("deadline", value.isoformat(), [line])]
        days = _DAYS.search(line.text)
        if days:
            return [("deadline", f"{int(days['days'] or days['days2'])} days", [line])]
    return []
