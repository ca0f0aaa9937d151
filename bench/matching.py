"""Median time to match one case, the criteria library loaded once (target: under 2 ms).

Baselines printed in the same run: the cold library load, the first (cold) match, and extraction
alone (reading the free text into facts, without weighing pathways), so the figure can be read
against what the matcher itself adds.

Linearity: one synthetic chart (a lumbar radiculopathy episode) matched with 10, 50 and 200 dated
notes of varied kinds (exams, PT visits, medication, imaging, calls, follow-ups), spread over the
same episode; the time per note should stay flat, so the 200/10 ratio is near 20.
"""

from __future__ import annotations

import datetime as dt
import json
import statistics
import time
from pathlib import Path

from appeals.contract import parse_case
from appeals.criteria import read_library
from appeals.matching import choose_service, match_case
from appeals.matching.extract import extract

from .library_scale import doubled

EXAMPLES = Path(__file__).parents[1] / "examples" / "cases"
ROUNDS = 200
TARGET_MS = 2.0


def _cases():
    cases = [parse_case(json.loads(p.read_text())) for p in sorted(EXAMPLES.glob("*.json"))]
    # A long chart: twenty notes, as a clinic might paste.
    note = ("Low back pain since 2025-01-01 radiating down the left leg. Denies saddle anesthesia, "
            "bowel or bladder dysfunction. Exam: positive SLR on the left, decreased sensation over the "
            "L5 dermatome, strength 5/5. Physical therapy 2025-01-06 to 2025-02-20, 12 visits, no "
            "improvement. Follow-up visit: pain persists.")
    cases.append(parse_case({"service": "72148", "plan_type": "employer", "payer": "Cigna",
                             "denial": {"notice_date": "2025-03-03"},
                             "documentation": [{"text": note, "date": "2025-02-24"}] * 20}))
    return cases


# Note lines of one episode, as a clinic's chart holds them; {k} numbers the note, {p} a pain score.
_NOTE_KINDS = [
    ("Office visit", "Low back pain radiating down the left leg to the foot. Exam: SLR positive on the left "
                     "at {deg} degrees, EHL 5/5, decreased light touch over the left L5 dermatome. Pain {p}/10."),
    ("PT note", "PT visit {k}: manual therapy, core stabilisation and nerve glides; leg pain {p}/10, "
                "home exercise program reviewed."),
    ("Medication list", "Meloxicam 15 mg daily continued; gabapentin 300 mg at night added on visit {k}. "
                        "No GI upset, no rash."),
    ("Radiology", "X-ray lumbar spine, 2 views: mild L4-5 disc space narrowing, no fracture, alignment "
                  "normal."),
    ("Office visit", "ROS: denies fever, weight loss, saddle numbness or bladder changes. Reflexes 2+ at the "
                     "knees, 1+ left ankle. Gait antalgic."),
    ("Phone call", "Telephone call {k}: pain unchanged at {p}/10, sleeping poorly; continue therapy and "
                   "meloxicam."),
    ("Chiropractic", "Chiropractic adjustment #{k}, lumbar; brief relief for a day, then pain back to {p}/10."),
    ("Follow-up visit", "Follow-up visit: left leg pain persists despite therapy and medication; off work "
                        "since visit {k}. Plan: discuss epidural steroid injection."),
]
_EPISODE_START = dt.date(2024, 9, 2)
_EPISODE_END = dt.date(2025, 2, 24)


def _chart(notes: int):
    """The same episode told in `notes` dated notes, spread evenly from its start to the last visit."""
    span = (_EPISODE_END - _EPISODE_START).days
    docs = []
    for k in range(notes):
        source, text = _NOTE_KINDS[k % len(_NOTE_KINDS)]
        when = _EPISODE_START + dt.timedelta(days=span * k // max(notes - 1, 1))
        docs.append({"date": when.isoformat(), "source": source,
                     "text": text.format(k=k + 1, p=3 + k % 6, deg=30 + 5 * (k % 8))})
    return parse_case({"service": "72148", "plan_type": "employer", "payer": "Cigna",
                       "denial": {"notice_date": "2025-03-03"},
                       "original_request": "Low back pain with left leg pain. MRI lumbar spine requested.",
                       "documentation": docs})


def _linearity(library, today) -> str:
    sizes = (10, 50, 200)
    times = {}
    for n in sizes:
        case = _chart(n)
        match_case(case, library=library, today=today)  # warm
        rounds = max(5, min(50, 500 // n))  # keeps the whole line to a few seconds
        times[n] = _median_ms(lambda c=case: match_case(c, library=library, today=today), rounds)
    per_note = times[200] / 200
    marginal = (times[200] - times[10]) / (200 - 10)
    ratio = times[200] / times[10]
    return ("matching: " + ", ".join(f"{n} notes {times[n]:.1f} ms" for n in sizes)
            + f" ({per_note:.2f} ms/note, {marginal:.2f} ms per added note; "
              f"200/10 ratio {ratio:.1f}, linear if \u2248 20)")


def _median_ms(fn, rounds: int = ROUNDS) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def _twice_the_size(library, cases, today) -> str:
    """The same examples against a library with every service and concept doubled."""
    big = doubled(library)
    for case in cases:  # the twins must not change a result, only the work of finding it
        same = match_case(case, library=big, today=today).to_json() == match_case(case, library=library, today=today).to_json()
        assert same, f"the doubled library changed the result for {case.service}"
    median = statistics.median([_median_ms(lambda c=c: match_case(c, library=big, today=today), ROUNDS // 2)
                                for c in cases])
    return (f"matching: median match time per case {median:.3f} ms with the library twice its size "
            f"({len(big.services)} services, {len(big.concepts)} concepts; target < {TARGET_MS} ms: "
            f"{'met' if median < TARGET_MS else 'NOT met'})")


def run() -> None:
    started = time.perf_counter()
    library = read_library()
    load_ms = (time.perf_counter() - started) * 1000
    cases = _cases()
    today = dt.date(2025, 9, 15)

    started = time.perf_counter()
    match_case(cases[0], library=library, today=today)
    cold_ms = (time.perf_counter() - started) * 1000

    per_case = [_median_ms(lambda c=c: match_case(c, library=library, today=today),
                           ROUNDS if i < len(cases) - 1 else 20) for i, c in enumerate(cases)]
    extraction = [
        _median_ms(lambda c=c: extract(c, library, choose_service(library, c), today), 50) for c in cases
    ]
    typical = per_case[:-1]  # the examples; the last case is the twenty-note chart
    median = statistics.median(typical)
    print(f"matching: library load (cold, once) {load_ms:.1f} ms; first match (cold) {cold_ms:.2f} ms")
    print(f"matching: median match time per case {median:.3f} ms with the library's "
          f"{len(library.services)} services ({len(library.concepts)} concepts) over {len(typical)} example cases "
          f"x {ROUNDS} rounds (target < {TARGET_MS} ms: {'met' if median < TARGET_MS else 'NOT met'})")
    print(_twice_the_size(library, cases[:-1], today))
    print(f"matching: baseline, extraction alone {statistics.median(extraction[:-1]):.3f} ms per case; "
          f"slowest example {max(typical):.3f} ms; a 20-note chart {per_case[-1]:.3f} ms")
    print(_linearity(library, today))


if __name__ == "__main__":
    run()
