#!/usr/bin/env python3
"""`appeals match -` with a swappable assertion reader: the project's own, medspaCy ConText, or negspacy.

    compare_context.py [--reader own|medspacy|negspacy] [--ros deny|context]
                       [--post-words project|none] [CASE.json | -]

Reads a case (contract JSON) on stdin or from a file and prints the result JSON exactly as
`appeals match -` does (same parse_case, match_case and to_json; same exit code 2 on an invalid case).
The only difference is `appeals.matching.text.ParsedText.is_negated`, which is replaced at run time
(a monkeypatch of the class attribute; nothing in the repository changes) for --reader medspacy or
negspacy. Every caller (extract.py mentions and study results, choose_service, the urgency phrases,
sides_in) therefore sees the external judgement for exactly the same character span.

How the external judgement is made
----------------------------------
One spaCy Doc per distinct text (cached for the life of the process, keyed by the text, because
ParsedText has __slots__). The [start, end) span is mapped to tokens with
Doc.char_span(alignment_mode="expand") and used as a single target (label "PROBLEM").

medspacy (medspacy 1.3.1, spaCy 3.7.5; medspacy.load() from a blank English model, no download):
  pipeline = medspacy tokenizer + medspacy_pyrush (sentences) + medspacy_sectionizer + medspacy_context,
  with medspaCy's packaged default rules (medspacy.load's default tokenizer and sentence splitter).
  --sentences sentencizer swaps PyRuSH for spaCy's punctuation sentencizer: PyRuSH often does not
  split terse notes ("...go to the ED. r/o SAH - CT negative. SLR negative." is one sentence to it),
  and ConText's scope is the sentence, so this variant shows how much of the result is PyRuSH. ConText runs once per Doc with no targets; its modifiers,
  with their scopes already limited by each other (update_scopes: terminations, same-category
  overlaps), are kept, and a span is judged with ConTextModifier.modifies(span) for each modifier.
  That is exactly ConText's apply_modifiers for a one-target graph (max_targets cannot bite with one
  target; prune_on_target_overlap is off by default), without re-matching the rules per mention.
  The sectionizer runs before ConText so a section header starts a new sentence (its own behaviour).
  A mention counts as "not the patient's positive finding" (is_negated -> True) when:
   - NEGATED_EXISTENCE modifies it (incl. ConText's "resolved", "now resolved", "no longer present");
   - HYPOTHETICAL modifies it ("if", "return", "come back for", "should he", "as needed", "risk of");
   - FAMILY modifies it (mother/father/... experiencer);
   - POSSIBLE_EXISTENCE modifies it *and* the cue is a rule-out cue ("r/o", "ro", "rule out",
     "to be ruled out", "may be ruled out"): labelling-conventions 6 lists "r/o" with the things
     that are not findings. Other uncertainty ("possible", "concern for", "suspicious for", "worried
     about") stays a positive mention: a suspected condition is what justifies imaging and the
     conventions count "suspected epidural abscess" as an emergency.
   - HISTORICAL does NOT deny (the project keeps past history as a mention and decides episodes
     elsewhere); neither does a past_medical_history section.
   - Sections (medspaCy's own DEFAULT_ATTRS mapping, plus review of systems):
     family_history -> family (True); patient_instructions / patient_education / education ->
     hypothetical (True); allergy -> hypothetical (True); review_of_systems -> True with
     --ros deny (default, as the brief asks: a ROS mention is not a positive finding of the exam),
     or left to ConText's negation with --ros context (ROS positives then count as symptoms).
  medspaCy's packaged section rules have NO review-of-systems category, and match only long
  headers; these rules are added (case-insensitive, same LOWER phrase matching), nothing else:
     review_of_systems: "ROS:", "ROS", "Review of systems:"
     family_history: "FHx:", "FH:", "Family hx:"
     physical_exam: "Exam:", "Examination:"   (so a ROS section ends where the exam starts)
     observation_and_plan: "Assessment:", "Plan:", "Impression:", "A/P"
     medications: "Meds:", "Medications:"
     social_history: "Social:", "Social hx:"

TUNED (--rules tuned): what a clinical-NLP engineer adopting ConText for these notes would add
first, each motivated by a general property of order/denial notes rather than by a dev case:
  - sentences end at . ! ? ; and line breaks (spaCy sentencizer; the project's own convention:
    terse notes chain clauses with ";" and PyRuSH does not split there);
  - PSEUDO modifiers for contrast phrases ("MRI ... WITHOUT CONTRAST", "w/o contrast", "without and
    with contrast", "non-contrast", "no contrast"): an order detail, never a negation;
  - medspaCy's BACKWARD ": no" / ": none" rules are dropped: in "XR knee: no fracture" and "Neuro:
    no focal deficits" they negate the heading and, because overlapping modifiers are pruned to the
    longest, suppress the forward "no" that should negate what follows.

negspacy (negspacy 1.1.0, termset en_clinical; installed with --no-deps because its metadata wants
spaCy>=3.8 while medspacy 1.3.1 wants <3.8; it runs unchanged on spaCy 3.7.5): a blank English model
+ spaCy's rule sentencizer. NegEx's matches (pseudo / preceding / following / termination) are
computed once per Doc with the component's own process_negations and termination_boundaries, and a
span is judged with the same test as Negex._apply_negation: a preceding cue starting before the span
in the same termination-bounded chunk, or a following cue ending after it. NegEx has no
hypothetical, family or section notion, so it gets none (that is the point of the comparison).

result_words_deny and the project's post-finding words
------------------------------------------------------
The project denies a finding by words *after* it: _POST_NOT_DONE ("x-ray not done", "PT not
tried", "none", "n/a") always, and _POST_DENIED ("SLR negative", "ruled out", "denied", "absent")
unless result_words_deny=False (an imaging concept: "X-ray negative" is a result, the study was done).
ConText's default BACKWARD rules cover only part of that: "is/was/are negative|neg", "has been
negative", "negative on", "is/are/was ruled out", "has been ruled out", ": none", ": no", "free",
"unlikely", "non diagnostic", "not significant", "now resolved", "no longer present". They do not
cover a bare "negative"/"neg" ("SLR negative"), bare "ruled out", "denied", "absent", or any of
"not done/performed/tried/attempted/obtained/ordered/...", "never done", "none" without a colon,
"n/a". NegEx's following cues are "declined", "unlikely", "was/were not", "was/were ruled out",
"free" (no "negative" at all). So, with --post-words project (default), the project's two
post-finding regexes are applied after the external reader says "not negated" (a union: they only
add denials ConText/NegEx miss). --post-words none gives the pure external reader.
With result_words_deny=False (imaging concepts), backward/following *result* cues of the external
reader are ignored too, for the same reason the project ignores its own: for medspacy every
BACKWARD NEGATED_EXISTENCE modifier except ": none"/": no"; for negspacy the following cues
"unlikely", "free", "was/were ruled out".

Extra: compare_context.install(reader, ...) patches in-process and returns the reader; with
record=True every call is appended to reader.calls (own verdict, external verdict, why), which
agreement.py uses.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys

os.environ.setdefault("LOGURU_LEVEL", "WARNING")  # PyRuSH logs every token at DEBUG otherwise

from appeals.matching import text as tx  # noqa: E402

_OWN_IS_NEGATED = tx.ParsedText.is_negated

EXTRA_SECTION_RULES = [
    ("ROS:", "review_of_systems"), ("ROS", "review_of_systems"), ("Review of systems:", "review_of_systems"),
    ("FHx:", "family_history"), ("FH:", "family_history"), ("Family hx:", "family_history"),
    ("Exam:", "physical_exam"), ("Examination:", "physical_exam"),
    ("Assessment:", "observation_and_plan"), ("Plan:", "observation_and_plan"),
    ("Impression:", "observation_and_plan"), ("A/P", "observation_and_plan"),
    ("Meds:", "medications"), ("Medications:", "medications"),
    ("Social:", "social_history"), ("Social hx:", "social_history"),
]
TUNED_PSEUDO = ["without contrast", "w/o contrast", "wo contrast", "without and with contrast",
                "with and without contrast", "without & with contrast", "w/o and w/ contrast",
                "without iv contrast", "non-contrast", "no contrast"]
DENYING_SECTIONS = {"family_history", "patient_instructions", "patient_education", "education", "allergy"}
RULE_OUT = re.compile(r"\b(?:r/o|ro|rule|ruled)\b", re.I)
KEEP_BACKWARD_FOR_IMAGING = {": none", ": no"}
NEGEX_RESULT_FOLLOWING = {"unlikely", "free", "was ruled out", "were ruled out"}


def _post_words(parsed, start, end, result_words_deny):
    sentence = parsed.sentence_at(start)
    if sentence is None:
        return None
    after = parsed.folded[end:sentence.end]
    not_done, denied = getattr(tx, "_POST_NOT_DONE", None), getattr(tx, "_POST_DENIED", None)
    if not_done is None or denied is None:  # the lead renamed them: fail loudly, never silently
        raise RuntimeError("appeals.matching.text no longer has _POST_NOT_DONE/_POST_DENIED; "
                           "update compare_context._post_words or use --post-words none")
    if not_done.match(after):
        return "post:not_done"
    if result_words_deny and denied.match(after):
        return "post:denied"
    return None


class _Reader:
    name = "?"

    def __init__(self, post_words: bool = True, record: bool = False):
        self.post_words = post_words
        self.record = record
        self.calls: list[dict] = []
        self._docs: dict[str, object] = {}

    def doc(self, text):
        d = self._docs.get(text)
        if d is None:
            d = self._docs[text] = self._make(text)
        return d

    def is_negated(self, parsed, start, end, result_words_deny=True):
        verdict, why = self.judge(parsed.text, start, end, result_words_deny)
        if not verdict and self.post_words:
            post = _post_words(parsed, start, end, result_words_deny)
            if post:
                verdict, why = True, post
        if self.record:
            frame = sys._getframe(2)
            self.calls.append({
                "start": start, "end": end, "text": parsed.text, "span": parsed.text[start:end],
                "concept": frame.f_locals.get("cid") or frame.f_code.co_name,
                "caller": frame.f_code.co_name, "result_words_deny": result_words_deny,
                "own": _OWN_IS_NEGATED(parsed, start, end, result_words_deny=result_words_deny),
                "ext": verdict, "why": why})
        return verdict


class _SentenceOf:
    def ext_sentence(self, text, start, end):
        """The external reader's own sentence around the span (its negation scope)."""
        doc = self.doc(text)[0]
        span = doc.char_span(start, end, alignment_mode="expand")
        return span.sent.text if span is not None and len(span) else None


class MedspacyReader(_SentenceOf, _Reader):
    name = "medspacy"

    def __init__(self, ros: str = "deny", sentences: str = "pyrush", rules: str = "default", **kw):
        super().__init__(**kw)
        import medspacy
        from medspacy.section_detection import SectionRule
        try:
            from loguru import logger
            logger.disable("PyRuSH")
        except ImportError:
            pass
        self.ros = ros
        if rules == "tuned":
            sentences = "semicolon"
        if sentences == "pyrush":
            nlp = medspacy.load(medspacy_enable=["medspacy_tokenizer", "medspacy_pyrush"])
        else:
            nlp = medspacy.load(medspacy_enable=["medspacy_tokenizer"])
            if sentences == "semicolon":
                nlp.add_pipe("sentencizer", config={"punct_chars": [".", "!", "?", ";", "\n"]})
            else:
                nlp.add_pipe("sentencizer")
        sectionizer = nlp.add_pipe("medspacy_sectionizer")
        sectionizer.add([SectionRule(literal=lit, category=cat) for lit, cat in EXTRA_SECTION_RULES])
        if rules == "default":
            nlp.add_pipe("medspacy_context")
        else:  # "tuned": see TUNED in the module docstring
            from medspacy.context import ConTextRule
            ctx = nlp.add_pipe("medspacy_context", config={"rules": None})
            ctx.add([r for r in ConTextRule.from_json(ctx.DEFAULT_RULES_FILEPATH)
                     if r.literal.lower() not in (": no", ": none")])
            ctx.add([ConTextRule(literal=lit, category="PSEUDO_CONTRAST", direction="PSEUDO")
                     for lit in TUNED_PSEUDO])
        self.nlp = nlp

    def _make(self, text):
        doc = self.nlp(text)
        graph = doc._.context_graph
        return doc, list(graph.modifiers) if graph is not None else []

    def judge(self, text, start, end, result_words_deny):
        doc, modifiers = self.doc(text)
        span = doc.char_span(start, end, label="PROBLEM", alignment_mode="expand")
        if span is None or len(span) == 0:
            return False, "unaligned"
        section = span[0]._.section_category
        if section in DENYING_SECTIONS:
            return True, f"section:{section}"
        if section == "review_of_systems" and self.ros == "deny":
            return True, "section:review_of_systems"
        for mod in modifiers:
            cat = mod.category.upper()
            if cat not in ("NEGATED_EXISTENCE", "HYPOTHETICAL", "FAMILY", "POSSIBLE_EXISTENCE"):
                continue
            cue = doc[mod.modifier_span[0]:mod.modifier_span[1]].text
            if cat == "POSSIBLE_EXISTENCE" and not RULE_OUT.search(cue):
                continue
            if (not result_words_deny and cat == "NEGATED_EXISTENCE" and mod.direction.upper() == "BACKWARD"
                    and mod.rule.literal.lower() not in KEEP_BACKWARD_FOR_IMAGING):
                continue
            if mod.modifies(span):
                return True, f"{cat}:{cue}"
        return False, None


class NegspacyReader(_SentenceOf, _Reader):
    name = "negspacy"

    def __init__(self, **kw):
        super().__init__(**kw)
        import spacy
        from negspacy.negation import Negex  # noqa: F401  (registers the "negex" factory)
        from negspacy.termsets import termset
        nlp = spacy.blank("en")
        nlp.add_pipe("sentencizer")
        self.negex = nlp.add_pipe("negex", config={"neg_termset": termset("en_clinical").get_patterns()})
        self.nlp = nlp

    def _make(self, text):
        doc = self.nlp.make_doc(text)
        for name, proc in self.nlp.pipeline:
            if name != "negex":
                doc = proc(doc)
        pre, fol, term = self.negex.process_negations(doc)
        bounds = self.negex.termination_boundaries(doc, term)
        return doc, pre, fol, bounds

    def judge(self, text, start, end, result_words_deny):
        doc, pre, fol, bounds = self.doc(text)
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is None or len(span) == 0:
            return False, "unaligned"
        for b0, b1 in bounds:
            if b0 <= span.start < b1 and b0 < span.end <= b1:
                for _, s, e in pre:
                    if b0 <= s < b1 and s < span.start:
                        return True, f"preceding:{doc[s:e].text}"
                for _, s, e in fol:
                    if b0 <= s < b1 and e > span.end:
                        cue = doc[s:e].text
                        if not result_words_deny and cue.lower() in NEGEX_RESULT_FOLLOWING:
                            continue
                        return True, f"following:{cue}"
                return False, None
        return False, "crosses-boundary"


def install(reader: str, ros: str = "deny", post_words: bool = True, record: bool = False,
            sentences: str = "pyrush", rules: str = "default"):
    if reader == "own":
        tx.ParsedText.is_negated = _OWN_IS_NEGATED
        return None
    r = MedspacyReader(ros=ros, sentences=sentences, rules=rules, post_words=post_words,
                                                record=record) if reader == "medspacy" \
        else NegspacyReader(post_words=post_words, record=record)

    def is_negated(self, start, end, *, result_words_deny=True):
        return r.is_negated(self, start, end, result_words_deny)

    is_negated.__doc__ = _OWN_IS_NEGATED.__doc__
    tx.ParsedText.is_negated = is_negated
    return r


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("case_file", nargs="?", default="-")
    ap.add_argument("--reader", choices=("own", "medspacy", "negspacy"), default="own")
    ap.add_argument("--ros", choices=("deny", "context"), default="deny")
    ap.add_argument("--post-words", choices=("project", "none"), default="project")
    ap.add_argument("--sentences", choices=("pyrush", "sentencizer", "semicolon"), default="pyrush")
    ap.add_argument("--rules", choices=("default", "tuned"), default="default",
                    help="medspacy only: 'tuned' = TUNED in the docstring (implies --sentences semicolon)")
    a = ap.parse_args(argv)

    from appeals.contract import CaseError, parse_case
    from appeals.matching import match_case

    install(a.reader, ros=a.ros, post_words=a.post_words == "project", sentences=a.sentences,
            rules=a.rules)
    name = "<stdin>" if a.case_file == "-" else a.case_file
    try:
        if a.case_file == "-":
            data = json.load(sys.stdin)
        else:
            with open(a.case_file, encoding="utf-8") as f:
                data = json.load(f)
    except json.JSONDecodeError as exc:
        print(f"{name}: not valid JSON (line {exc.lineno}, column {exc.colno}): {exc.msg}", file=sys.stderr)
        return 2
    try:
        case = parse_case(data)
    except CaseError as exc:
        print(f"{name}: the case is not valid:", file=sys.stderr)
        for e in exc.errors:
            print(f"  {e['field']}: {e['message']}", file=sys.stderr)
        return 2
    result = match_case(case)
    print(json.dumps(result.to_json(), indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
