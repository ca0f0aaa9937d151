"""A reason written by a person, put in the letter's voice. Pure code.

The reason an appeal is late (``denial.late_reason``) is typed by whoever fills in the case: a
patient writes "I was in the hospital", a clinic "Patient hospitalized 10/2-11/20", an advocate
"The patient's mail went to an old address". The patient's letter speaks as "I" and never says
"the patient"; the clinician's and the advocate's letters speak of the patient and never as them.
So the person is turned, word by word, with the verb that follows the subject agreeing:
"I am" <-> "the patient is", "I have" <-> "the patient has", "my" <-> "the patient's".
"""

from __future__ import annotations

import re

THEM = "the patient"

# Words that may stand between a subject and its verb ("I never received", "the patient still
# lives abroad"): skipped when the verb is looked for.
_ADVERBS = {"never", "still", "also", "only", "just", "really", "then", "finally", "already",
            "usually", "often", "always", "not", "recently", "later", "first", "unfortunately"}
# Verbs whose form is the same after "I" and after "the patient".
_MODALS = {"can", "could", "will", "would", "shall", "should", "may", "might", "must", "did",
           "didn't", "couldn't", "wouldn't", "can't", "cannot", "won't", "shouldn't", "had",
           "hadn't", "was", "wasn't"}
# Past forms that do not end in -ed (a present verb gets an -s; these must not).
_PAST = {"went", "got", "came", "left", "saw", "found", "knew", "thought", "took", "told",
         "heard", "became", "fell", "felt", "lost", "made", "paid", "sent", "spent", "kept",
         "began", "forgot", "gave", "held", "met", "ran", "understood", "wrote", "brought",
         "caught", "broke", "chose", "drove", "flew", "hurt", "put", "set", "moved", "lived",
         "thrown", "been"}

# Words after a subject that are not its verb ("I and my wife", "Patient portal").
_NOT_VERBS = {"and", "or", "but", "with", "in", "at", "on", "to", "from", "for", "of", "the",
              "a", "an", "myself", "portal", "advocate", "representative", "services",
              "account", "record", "records"}
# Clinic shorthand with no verb ("Patient hospitalized", "Patient in hospital") means "was".
_STATES = {"admitted", "hospitalized", "hospitalised", "incapacitated", "deployed",
           "incarcerated", "confined", "unable", "ill", "sick", "away", "abroad", "in", "out",
           "unaware", "homebound", "bedbound", "recovering", "traveling", "travelling"}

_I_TO_THEM = {"am": "is", "have": "has", "do": "does", "don't": "doesn't", "haven't": "hasn't",
              "were": "was", "weren't": "wasn't", "go": "goes"}
_THEM_TO_I = {"is": "am", "has": "have", "does": "do", "doesn't": "don't", "hasn't": "haven't",
              "isn't": "am not", "goes": "go", "were": "was", "weren't": "wasn't"}

_WORD = re.compile(r"[A-Za-z']+|[^A-Za-z']+")
_FIRST_PERSON = re.compile(r"\b(?:I|I'm|I've|I'd|I'll|me|my|mine|myself)\b")
# "the patient", "Patient", "the member", "this patient", with or without "'s".
_PATIENT = re.compile(r"\b(?:(the|this|The|This)\s+)?([Pp]atient|[Mm]ember)('s)?\b")
_SUBJECT_START = re.compile(r"(^|[.;:!?]\s*|\b(?:and|but|because|so|while|when|as|after|"
                            r"before|until|since|that)\s+)$", re.I)


def in_voice(text: str, first_person: bool) -> str:
    """``text`` as the letter's speaker would write it: the patient ("I", first_person) or
    someone writing about the patient ("the patient"). Other words are kept as written."""
    text = " ".join((text or "").split())
    if not text:
        return ""
    turned = _to_first(text) if first_person else _to_third(text)
    turned = re.sub(r"([.!?]\s+)the patient\b", r"\1The patient", turned)
    return turned[:1].upper() + turned[1:]


def _present_s(verb: str) -> str:
    """"live" -> "lives", "carry" -> "carries", "miss" -> "misses"."""
    lower = verb.lower()
    if lower in _I_TO_THEM:
        return _I_TO_THEM[lower]
    if lower in _MODALS or lower in _PAST or lower.endswith("ed") or "'" in lower:
        return verb
    if re.search(r"[^aeiou]y$", lower):
        return verb[:-1] + "ies"
    if re.search(r"(s|x|z|ch|sh|o)$", lower):
        return verb + "es"
    return verb + "s"


def _no_s(verb: str) -> str:
    """"lives" -> "live", "carries" -> "carry", "misses" -> "miss": the form after "I"."""
    lower = verb.lower()
    if lower in _THEM_TO_I:
        return _THEM_TO_I[lower]
    if lower in _MODALS or lower in _PAST or lower.endswith(("ed", "ss", "us", "is")) \
            or "'" in lower or not lower.endswith("s"):
        return verb
    if lower.endswith("ies"):
        return verb[:-3] + "y"
    if re.search(r"(sses|xes|zes|ches|shes|oes)$", lower):
        return verb[:-2]
    return verb[:-1]


def _next_verb(tokens: list[str], start: int) -> int | None:
    """The index of the first word after ``start`` that is not an adverb (the verb)."""
    for index in range(start + 1, len(tokens)):
        token = tokens[index]
        if not token.strip():
            continue
        if not re.match(r"[A-Za-z']", token):
            return None  # punctuation before any verb: "me." "me, ..."
        if token.lower() in _ADVERBS:
            continue
        return None if token.lower() in _NOT_VERBS else index
    return None


def _to_third(text: str) -> str:
    if not _FIRST_PERSON.search(text):
        return text
    tokens = _WORD.findall(text)
    out = list(tokens)
    for index, token in enumerate(tokens):
        if token == "I":
            out[index] = THEM
            verb = _next_verb(tokens, index)
            if verb is not None:
                out[verb] = _present_s(tokens[verb])
        elif token in ("I'm", "I've", "I'll", "I'd"):
            follow = _next_verb(tokens, index)
            participle = follow is not None and (tokens[follow].lower() == "been"
                                                 or tokens[follow].lower().endswith(("ed", "en")))
            out[index] = THEM + {"I'm": " is", "I've": " has", "I'll": " will",
                                 "I'd": " had" if participle else " would"}[token]
        elif token.lower() in ("me", "myself"):
            out[index] = THEM
        elif token.lower() in ("my", "mine"):
            out[index] = THEM + "'s"
    return "".join(out)


def _to_first(text: str) -> str:
    out: list[str] = []
    position = 0
    for match in _PATIENT.finditer(text):
        before = text[position:match.start()]
        out.append(before)
        position = match.end()
        if match.group(3):  # "the patient's"
            out.append("my")
            continue
        rest = text[position:]
        head = "".join(out)
        verb = re.match(r"(\s+(?:(?:" + "|".join(_ADVERBS) + r")\s+)*)([A-Za-z']+)", rest)
        word = verb.group(2) if verb else ""
        if word.lower() in _NOT_VERBS - _STATES:
            out.append(match.group(0))  # "patient portal": not the patient as a person
        elif _SUBJECT_START.search(head) or _looks_like_verb(word):
            out.append("I")
            if verb:
                state = word.lower() in _STATES or word.lower().endswith(("ized", "ised"))
                out.append(verb.group(1) + (("was " + word) if state else _no_s(word)))
                position += verb.end()
        else:
            out.append("me")
    out.append(text[position:])
    return "".join(out)


def _looks_like_verb(word: str) -> bool:
    lower = word.lower()
    return (lower in _THEM_TO_I or lower in _MODALS or lower in _PAST
            or lower.endswith("ed") or lower in ("is", "has", "does", "lives", "needs"))
