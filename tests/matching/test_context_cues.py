"""Context cues ported from ConText where it read better than the project's reader (tools/
context_comparison/): a condition runs through its list, "return for" is an instruction,
"does not want" is no finding, and a bare "w/o" (without contrast) denies nothing after it."""

import pytest

from appeals.matching.text import ParsedText


@pytest.mark.parametrize("text, word, denied", [
    ("Plan: MRI L-spine w/o, naproxen, PT referral.", "PT", False),
    ("MRI w/o contrast, physical therapy 6 weeks.", "physical therapy", False),
    ("Walks w/o difficulty.", "difficulty", True),
    ("If fever, severe pain or vomiting - go to ED.", "vomiting", True),
    ("No effusion, moderate OA.", "OA", False),
    ("Return for worsening weakness.", "weakness", True),
    ("Pt does not want physical therapy.", "physical therapy", True),
])
def test_cue_scope(text, word, denied):
    parsed = ParsedText(text)
    at = text.index(word)
    assert parsed.is_negated(at, at + len(word)) is denied
