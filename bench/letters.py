"""Letters: the same letter rendered many times, three ways.

1. naive docxtpl: a fresh ``DocxTemplate`` loaded, rendered and saved for every letter;
2. docxtpl reusing one ``DocxTemplate`` object (it still re-parses and re-patches per render);
3. appeals: ``PreparedTemplate`` (parsed, patched and compiled once), render per letter.

All three use the same sandboxed Jinja environment and the same context, and the benchmark
asserts that they produce the same document text. Then 1,000 letters through (3) with tracemalloc
on, for the peak memory. Synthetic data only.
"""

from __future__ import annotations

import datetime as dt
import gc
import io
import os
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

from appeals.contract import Case, MatchResult

ROUNDS = 5
NAIVE_LETTERS = 10  # per round
FAST_LETTERS = 100  # per round
MEMORY_LETTERS = 1_000
KIND = "clinician"


def _case_and_result() -> tuple[Case, MatchResult]:
    notes = [
        ("Physical therapy 2025-12-16 to 2026-02-10, 14 visits, no improvement in pain.",
         "2026-02-10", "Physical therapy discharge summary"),
        ("Re-evaluation 2026-02-14: persistent L5 radicular pain, SLR positive at 40 degrees.",
         "2026-02-14", "Office note (re-evaluation)"),
        ("Exam 2026-01-05: decreased sensation L5 dermatome, EHL weakness 4/5.",
         "2026-01-05", "Office note (initial visit)"),
    ]
    case = Case.model_validate({
        "service": "72148", "plan_type": "employer", "payer": "Acme Health & Life",
        "patient": {"name": "Zoë Rivera-Ødegård", "date_of_birth": "1971-03-04",
                    "member_id": "XKJ123456789"},
        "denial": {"notice_date": "2026-03-02", "reference": "PA-2026-0042",
                   "text": "Conservative treatment not documented.", "code": "CO-50"},
        "original_request": "Low back pain with left leg pain, MRI requested.",
        "documentation": [{"text": t, "date": d, "source": s} for t, d, s in notes],
    })
    requirement = [
        ("in-person-eval", "clinical_finding",
         "An in-person clinical evaluation for the current episode", "met_in_request", 2,
         "decreased sensation L5 dermatome, EHL weakness 4/5"),
        ("six-week-trial", "conservative_care",
         "Failure of a 6-week trial of provider-directed treatment", "omitted", 0,
         "Physical therapy 2025-12-16 to 2026-02-10, 14 visits"),
        ("re-evaluation", "follow_up", "Clinical re-evaluation after the treatment period",
         "omitted", 1, "persistent L5 radicular pain, SLR positive at 40 degrees"),
    ]
    result = MatchResult.model_validate({
        "outcome": "appeal", "urgency": "expedited",
        "service": {"id": "mri-lumbar", "name": "MRI lumbar spine without contrast",
                    "codes": ["72148"]},
        "policy": {"title": "Spine Imaging Guidelines", "source": "eviCore",
                   "section": "SP.LB.0005.1.A", "version": "V1.0.2026"},
        "pathway": {"id": "lbp", "title": "Low back pain after 6 weeks of treatment"},
        "requirements": [
            {"id": rid, "kind": kind, "text": text, "status": status,
             "evidence": [{"quote": quote, "source": notes[n][2], "date": notes[n][1]}]}
            for rid, kind, text, status, n, quote in requirement],
        "denial": {"category": "medical_necessity"},
        "deadline": {"date": "2026-09-01", "days": 180, "counted_from": "2026-03-05",
                     "basis": "29 CFR 2560.503-1(h)(3)(i)"},
    })
    return case, result


def _interleaved_ms(ways: dict[str, tuple], rounds: int = ROUNDS) -> dict[str, float]:
    """Per-letter milliseconds of each way: the median over rounds, the ways taking turns within
    each round, so that load from other processes falls on all of them alike."""
    samples: dict[str, list[float]] = {name: [] for name in ways}
    for func, _ in ways.values():
        func()  # warm-up (imports, caches)
    for _ in range(rounds):
        for name, (func, count) in ways.items():
            started = time.perf_counter()
            for _ in range(count):
                func()
            samples[name].append((time.perf_counter() - started) * 1000 / count)
    return {name: statistics.median(values) for name, values in samples.items()}


def run() -> None:
    from docxtpl import DocxTemplate

    from appeals.letters import PreparedTemplate, build_context, builtin_template_bytes
    from appeals.letters.sandbox import LetterSandbox
    from appeals.letters.text import docx_text

    case, result = _case_and_result()
    context = build_context(case, result, kind=KIND, today=dt.date(2026, 3, 10))
    template_bytes = builtin_template_bytes(KIND)
    env = LetterSandbox()

    def naive() -> bytes:
        template = DocxTemplate(io.BytesIO(template_bytes))
        template.render(context, jinja_env=env, autoescape=True)
        out = io.BytesIO()
        template.save(out)
        return out.getvalue()

    reused_template = DocxTemplate(io.BytesIO(template_bytes))

    def reused() -> bytes:
        reused_template.render(context, jinja_env=env, autoescape=True)
        out = io.BytesIO()
        reused_template.save(out)
        return out.getvalue()

    started = time.perf_counter()
    prepared = PreparedTemplate.from_bytes(template_bytes)
    prepare_ms = (time.perf_counter() - started) * 1000

    def fast() -> bytes:
        return prepared.render(context)

    expected = docx_text(naive())
    for way, output in (("docxtpl reused", reused()), ("appeals", fast())):
        if docx_text(output) != expected:
            raise AssertionError(f"{way} rendered a different text from naive docxtpl")

    timings = _interleaved_ms({
        "naive": (naive, NAIVE_LETTERS),
        "reused": (reused, NAIVE_LETTERS),
        "fast": (fast, FAST_LETTERS),
        "context": (lambda: build_context(case, result, kind=KIND, today=dt.date(2026, 3, 10)),
                    FAST_LETTERS),
    })
    naive_ms, reused_ms, fast_ms, context_ms = (
        timings["naive"], timings["reused"], timings["fast"], timings["context"])

    print(f"letters: naive docxtpl {naive_ms:.2f} ms/letter, appeals {fast_ms:.2f} ms/letter, "
          f"speedup {naive_ms / fast_ms:.1f}x")
    print(f"letters: docxtpl reusing one template {reused_ms:.2f} ms/letter; prepare once "
          f"{prepare_ms:.1f} ms; build_context {context_ms:.2f} ms/letter; same document text "
          f"in all three (median of {ROUNDS} interleaved rounds)")

    # Memory in a fresh process, so that the docxtpl runs above do not count.
    root = Path(__file__).resolve().parents[1]
    child = subprocess.run(
        [sys.executable, "-c", "from bench.letters import memory_for_many; memory_for_many()"],
        cwd=root, env={**os.environ, "PYTHONPATH": str(root)}, capture_output=True, text=True,
        check=True)
    print(child.stdout.strip())


def memory_for_many() -> None:
    """Run in a child process: peak memory while rendering MEMORY_LETTERS letters, one after
    another (each context built and each letter rendered, then dropped, as a batch worker
    streams them into a ZIP or the database)."""
    from appeals.letters import build_context, builtin_template

    case, result = _case_and_result()
    template = builtin_template(KIND)
    template.render(build_context(case, result, kind=KIND))  # warm-up
    gc.collect()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    started = time.perf_counter()
    total_bytes = 0
    for _ in range(MEMORY_LETTERS):
        total_bytes += len(template.render(
            build_context(case, result, kind=KIND, today=dt.date(2026, 3, 10))))
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    grown = (rss_after - rss_before) / 1024
    print(f"letters: peak memory for {MEMORY_LETTERS:,} letters: {peak / 2**20:.1f} MB of Python "
          f"allocations (tracemalloc), max RSS {rss_after / 1024:.0f} MB (+{grown:.0f} MB while "
          f"rendering); {total_bytes / MEMORY_LETTERS / 1024:.0f} KB/letter, {elapsed:.1f} s "
          "with tracing on")
