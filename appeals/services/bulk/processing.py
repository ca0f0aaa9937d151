"""The work of a batch: a chunk of rows is matched, each row's appeal made once, and their letters
written by the one render-and-store path (services.rendering) that single appeals use.

Nothing is lost or doubled: a chunk claims each row's appeal_id with a conditional UPDATE (a
redelivered chunk finds its rows claimed and only finishes their unfinished letters), and the
letters table takes one letter per appeal.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from typing import Callable

from celery.exceptions import SoftTimeLimitExceeded
from flask import Flask, current_app
from sqlalchemy import bindparam, event, insert, select, update

from ...contract import Case
from ...criteria import load_library
from ...extensions import db
from ...letters import LETTER_KINDS, builtin_template
from ...matching import match_case
from ...models.appeals import QUEUED, Appeal
from ...models.base import new_id, utcnow
from ...models.batches import RUNNING, Batch, BatchRow
from ..rendering import COMMIT_EVERY, render_and_store
from .choices import letter_for_row
from .enqueue import valid_row_ids
from .progress import Progress, progress, record_progress

log = logging.getLogger(__name__)

MATCH_FAILED = "The case could not be matched because of an internal error. Retry it."


def process_chunk(batch_id: str, row_ids: list[int], _retrying: bool = False, *,
                  fail_slow: bool = False, commit_every: int = COMMIT_EVERY,
                  record: bool = True) -> None:
    """Make the appeals of these rows (matching each case) and write their letters. Idempotent:
    rows that have an appeal and appeals that have ended are skipped, so a redelivered chunk
    writes nothing twice. Celery's soft time limit propagates (the task starts the chunk again,
    done rows skipped) unless `fail_slow`, when the row or letter it interrupts fails instead.
    `record`: note the batch's progress (run_in_process's pool leaves that to its parent)."""
    batch = db.session.get(Batch, batch_id)
    if batch is None:  # purged
        return
    # Lock the unclaimed rows (PostgreSQL): a second delivery of this chunk waits here, then
    # finds them claimed.
    rows = db.session.execute(
        select(BatchRow.id, BatchRow.row_number, BatchRow.case_json, BatchRow.letter)
        .where(BatchRow.batch_id == batch_id, BatchRow.id.in_(row_ids),
               BatchRow.problems.is_(None), BatchRow.appeal_id.is_(None),
               BatchRow.error.is_(None))
        .order_by(BatchRow.row_number).with_for_update()).all()
    now = utcnow()
    claims, appeals, errors = [], [], []
    for row in rows:
        try:
            result = match_case(Case.model_validate(row.case_json))
            kind, template = letter_for_row(batch, row.letter, result)
        except SoftTimeLimitExceeded:
            if not fail_slow:
                raise
            errors.append({"row_id": row.id, "reason": MATCH_FAILED})
            continue
        except Exception as exc:  # noqa: BLE001 — a matcher failure fails this row alone
            log.error("matching row %s of batch %s failed: %s", row.row_number, batch_id,
                      type(exc).__name__)
            errors.append({"row_id": row.id, "reason": MATCH_FAILED})
            continue
        appeal_id = new_id()
        claims.append({"row_id": row.id, "new_appeal_id": appeal_id})
        appeals.append({
            "id": appeal_id, "case_json": row.case_json,  # the validated case, as staged
            "result_json": result.to_json(), "kind": kind, "template_version_id": template,
            "status": QUEUED, "attempts": 0, "queued_at": now, "batch_id": batch_id,
            "row_number": row.row_number, "owner_id": batch.owner_id,
            "organization_id": batch.organization_id, "created_at": now,
        })
    if appeals:
        table = BatchRow.__table__
        claimed = db.session.execute(
            update(table).where(table.c.id == bindparam("row_id"), table.c.appeal_id.is_(None))
            .values(appeal_id=bindparam("new_appeal_id"), case_json=None), claims).rowcount
        if claimed != len(claims):
            # Another delivery of this chunk claimed rows meanwhile (SQLite has no FOR UPDATE):
            # leave them to it and take up what is left.
            db.session.rollback()
            if _retrying:
                return
            return process_chunk(batch_id, row_ids, _retrying=True, fail_slow=fail_slow,
                                 commit_every=commit_every, record=record)
        db.session.execute(insert(Appeal), appeals)
    if errors:
        db.session.execute(
            update(BatchRow.__table__).where(BatchRow.__table__.c.id == bindparam("row_id"))
            .values(error=bindparam("reason")), errors)
    db.session.commit()
    # This chunk's appeals, new or made by an earlier delivery; those that ended are skipped.
    appeal_ids = list(db.session.scalars(
        select(BatchRow.appeal_id).where(BatchRow.id.in_(row_ids),
                                         BatchRow.appeal_id.is_not(None))))
    render_and_store(appeal_ids, fail_slow=fail_slow, commit_every=commit_every)
    if record:
        record_progress(batch_id)


# ---------------------------------------------------------------------------------------------
# In this process, on every core (the CLI's mode: no broker needed)


def run_in_process(batch: Batch, on_progress: Callable[[Progress], None] | None = None, *,
                   processes: int | None = None) -> None:
    """Do a batch's work without a broker: chunks of rows go through process_chunk, in
    `processes` child processes (default: one per core) that each match, render and store, or
    here when one process is asked for (or the database is an in-memory SQLite)."""
    row_ids = valid_row_ids(batch.id)
    batch.status, batch.progressed_at = RUNNING, utcnow()
    db.session.commit()
    processes = _process_count(processes, len(row_ids))

    def report() -> None:
        if on_progress:
            db.session.expire_all()
            on_progress(progress(db.session.get(Batch, batch.id), resume=False))

    # Enough chunks that every process stays busy to the end, few enough that commits stay rare.
    size = max(COMMIT_EVERY, min(200, len(row_ids) // (processes * 4) or 1))
    chunks = [row_ids[i:i + size] for i in range(0, len(row_ids), size)]
    if processes <= 1:
        for chunk in chunks:
            process_chunk(batch.id, chunk, commit_every=len(chunk))
            report()
    else:
        app = current_app._get_current_object()
        _warm_up()  # loaded once here, shared with every child by fork
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(processes, mp_context=context, initializer=_child_start,
                                 initargs=(app,)) as pool:
            for future in [pool.submit(_child_chunk, batch.id, chunk) for chunk in chunks]:
                future.result()
                record_progress(batch.id)  # the stall clock restarts: no sweep takes it up
                report()
    record_progress(batch.id)
    db.session.refresh(batch)


def _process_count(asked: int | None, rows: int) -> int:
    if current_app.config["SQLALCHEMY_DATABASE_URI"] in ("sqlite://", "sqlite:///:memory:"):
        return 1  # a private in-memory database: nobody else can see it
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    count = asked if asked is not None else (len(os.sched_getaffinity(0))
                                            if hasattr(os, "sched_getaffinity") else os.cpu_count())
    return max(1, min(count or 1, rows // COMMIT_EVERY or 1))


def _warm_up() -> None:
    """Load the criteria library and prepare the built-in letters before forking."""
    for kind in LETTER_KINDS:
        builtin_template(kind)
    load_library()


_child_context = None


def _child_start(app: Flask) -> None:
    """A pool process: the parent's app (inherited by fork), its own database connections."""
    global _child_context
    _child_context = app.app_context()
    _child_context.push()
    db.engine.dispose(close=False)  # the parent's pooled connections stay the parent's
    if db.engine.dialect.name == "sqlite":
        event.listen(db.engine, "connect", _commit_without_fsync)


def _commit_without_fsync(connection, _record) -> None:
    # In WAL mode a commit then waits for no fsync (a crash keeps the database whole, losing at
    # most the last commits): this work is redone anyway when interrupted, and its result is
    # the ZIP. Only this process's connections.
    connection.execute("PRAGMA synchronous = NORMAL")


def _child_chunk(batch_id: str, row_ids: list[int]) -> None:
    try:
        # The parent reports progress and finishes the batch: the pool processes do not all
        # write the batch's row.
        process_chunk(batch_id, row_ids, commit_every=len(row_ids), record=False)
    finally:
        db.session.remove()
