"""Load through the distributed shape (gunicorn, Redis, PostgreSQL, real workers): 20 appeals a
second, every one answered 202 and its letter ready with a 95th percentile under a second.
`make bench` runs the full 5 minutes (bench/load.py); this test runs APPEALS_LOAD_SECONDS (30)."""

from __future__ import annotations

import os

import pytest

from bench.load import RATE_PER_SECOND, measure

pytestmark = [pytest.mark.faults, pytest.mark.slow, pytest.mark.redis, pytest.mark.postgres]


def test_twenty_appeals_a_second_are_ready_within_a_second_at_p95_without_an_error():
    seconds = float(os.environ.get("APPEALS_LOAD_SECONDS") or 30)
    result = measure(seconds, RATE_PER_SECOND)
    assert result["shape"] == "Redis + PostgreSQL"
    assert result["errors"] == [] and result["failed"] == result["unfinished"] == 0
    assert result["p95_ms"] < 1000, result
