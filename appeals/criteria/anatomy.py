"""Body parts: which part a text is about ("therapy for the back" is not a knee's), from the
words of clinic notes. Shared by the library (a service's own part) and the matcher."""

from __future__ import annotations

import functools

from .folding import compile_folded, fold

BODY_PARTS = {part: compile_folded(pattern) for part, pattern in {
    "lumbar": r"\blumbar|\blumbosacral|\blow(?:er)? back|(?-i:\bLBP\b)|\bL-?spine|\bLS[- ]spine|\bsciatica"
              r"|(?<!upper )(?<!mid )(?<!mid-)(?<!middle )\b(?:back|SI joint|sacroiliac) (?:pain|strain|sprain|spasm|stabili\w*|program)|\bL[1-5](?:-S1|-L[1-5])?\b",
    "cervical": r"\bcervical|\bneck\b|\bC-?spine|\bC[3-7]\b|\bwhiplash",
    "thoracic": r"\bthoracic|\bT-?spine|\b(?:mid|middle|upper)[- ]?back|\bshoulder blades|\binterscapular",
    "knee": r"\bknees?\b|\bpatell\w*|\bmenisc\w*|(?-i:\b[AP]CL\b|\b[ML]CL\b)|\btibial plateau",
    "shoulder": r"\bshoulders?\b(?! blades?)|\brotator cuff|\bglenohumeral|\bsubacromial|\bcapsulitis",
    "hip": r"\bhips?\b|\bgroin|\bfemoral head|\bacetabul\w*|\bpelvi[sc]\b|\btrochanter\w*",
    "hand_wrist": r"\bwrists?\b|\bhands?\b|\bcarpal|\bscaphoid",
    "foot_ankle": r"\bankles?\b|\bfoot\b|\bfeet\b|\bheel|\bachilles|\bplantar fasci",
    "elbow": r"\belbows?\b|\bepicondyl\w*",
    "head": r"\bhead\b|\bbrain\b|\bskull|\bcranial|\bhead(?:ache)?s?\b",
}.items()}


@functools.lru_cache(maxsize=4096)
def body_parts_in(text: str) -> frozenset[str]:
    folded = fold(text)
    return frozenset(part for part, regex in BODY_PARTS.items() if regex.search(folded))
