"""The render budget: how long one letter from a template takes, measured when it is checked.

A template can stay inside every sandbox limit (loops, sizes, the sandbox's own wall time) and
still take seconds per letter, where a letter normally takes milliseconds; every letter from it
then holds a worker that other people's letters wait behind. So the check renders the sample
cases in the isolated child (preview.render_isolated), times each render there, and refuses a
template whose slowest letter takes longer than the budget, saying how long it took.

Pure code: no Flask, Celery or database imports (the budget is passed in).
"""

from __future__ import annotations

from .report import CheckReport, Problem

# A render is stopped at this many times the budget: by then the answer ("too slow") is known.
STOP_AT_BUDGET_TIMES = 2
# The child's own start (importing the renderer) on a busy machine, on top of the renders.
CHILD_START_SECONDS = 20


def measure_render_time(data: bytes, report: CheckReport, budget: float) -> None:
    """Time the sample letters; record the slowest in ``report.render_seconds`` and add an error
    when it is over ``budget`` seconds."""
    from appeals.letters import build_context

    from .preview import render_isolated
    from .samples import PREVIEW_DATE, samples

    contexts = [build_context(s.case, s.result, kind=s.kind, today=PREVIEW_DATE)
                for s in samples()]
    stop = budget * STOP_AT_BUDGET_TIMES
    timeout = CHILD_START_SECONDS + stop * len(contexts)
    results = render_isolated(data, contexts, timeout=timeout, seconds=stop)
    # A child stopped as a whole (its timeout) reports no time: count it as the stop.
    slowest = max(result.get("seconds", stop) for result in results)
    report.render_seconds = round(slowest, 3)
    if slowest > budget:
        stopped = " (and was stopped)" if slowest >= stop else ""
        report.problems.append(Problem(
            "error", "too_slow",
            f"one letter took {slowest:.2f} s to write from this template{stopped}; the limit is "
            f"{budget:g} s a letter (a letter normally takes a fraction of a second), so every "
            "letter from it would hold a worker others wait for",
            suggestion="simplify the loops and filters that repeat work for every line"))
