"""Median time to match one case, the criteria library loaded once (target: under 2 ms).

Baselines printed in the same run: the cold library load, the first (cold) match, and extraction
alone (reading the free text into facts, without weighing pathways), so the figure can be read
against what the matcher itself adds.
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


def _median_ms(fn, rounds: int = ROUNDS) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


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
    print(f"matching: median match time per case {median:.3f} ms over {len(typical)} example cases "
          f"x {ROUNDS} rounds (target < {TARGET_MS} ms: {'met' if median < TARGET_MS else 'NOT met'})")
    print(f"matching: baseline, extraction alone {statistics.median(extraction[:-1]):.3f} ms per case; "
          f"slowest example {max(typical):.3f} ms; a 20-note chart {per_case[-1]:.3f} ms")


if __name__ == "__main__":
    run()
