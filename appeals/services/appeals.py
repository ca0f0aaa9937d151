"""Single appeals: submit (match, store, enqueue), retry, sweep up after dead workers, and the
anonymous patient's access key. The letter itself is written by services.rendering, the one
render-and-store path a batch chunk uses too.

The rules that keep work from being lost or doubled:
- the appeal (case, result, status) is committed BEFORE its task is enqueued, and the task carries
  only the appeal's id;
- rendering is idempotent (services.rendering), so a redelivered or duplicated task writes the
  letter once;
- the job's state lives in the database; sweep_stuck() re-enqueues jobs whose worker died or whose
  message was lost (the embedded broker, unlike Redis, cannot hand back a dead worker's task).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from datetime import timedelta

from flask import current_app, has_request_context
from sqlalchemy import select, update

from ..access import Principal, assign_owner, current_principal
from ..contract import Case
from ..extensions import db
from .letter_library import check_version_access
from ..letters import LETTER_KINDS, default_kind
from ..matching import match_case
from ..models.appeals import FAILED, QUEUED, RENDERING, Appeal, Letter
from ..models.base import utcnow
from .rendering import render_and_store

log = logging.getLogger(__name__)

# Task names: the tasks are declared in appeals/tasks.py and sent by name through the app's
# Celery (eager mode included), so this layer never imports its adapter.
RENDER_LETTER_TASK = "appeals.render_letter"
SWEEP_TASK = "appeals.sweep_stuck"


class SubmissionError(ValueError):
    """A submission that cannot be accepted: ``errors`` is ``[{field, message}]`` like CaseError."""

    def __init__(self, errors: list[dict[str, str]]):
        self.errors = errors
        super().__init__("; ".join(f"{e['field']}: {e['message']}" for e in errors))


def send_task(name: str, args: list) -> None:
    """Send a task by name through the app's Celery. A registered task's own apply_async is used,
    so eager mode (tests) runs exactly what a worker would."""
    current_app.extensions["celery"].signature(name, args=args).apply_async()


# ---------------------------------------------------------------------------------------------
# Submitting


def submit_appeal(
    case: Case,
    *,
    kind: str | None = None,
    template_version_id: str | None = None,
    principal: Principal | None = None,
    batch_id: str | None = None,
    row_number: int | None = None,
    enqueue: bool = True,
) -> Appeal:
    """Match `case`, store the appeal owned by `principal` (default: the caller of the current
    request; anonymous outside one), commit, then enqueue its letter. Raises SubmissionError for
    an unknown letter kind or a template the caller may not use."""
    if principal is None:
        principal = current_principal() if has_request_context() else Principal()
    errors = []
    if kind is not None and kind not in LETTER_KINDS:
        errors.append({"field": "letter",
                       "message": f"unknown letter kind; one of: {', '.join(LETTER_KINDS)}"})
    if template_version_id is not None:
        try:
            check_version_access(template_version_id, principal)
        except LookupError as exc:
            errors.append({"field": "template", "message": str(exc) or "no such template"})
    if errors:
        raise SubmissionError(errors)

    result = match_case(case)
    appeal = Appeal(
        case_json=case.model_dump(mode="json"),
        result_json=result.to_json(),
        kind=kind or default_kind(result),
        template_version_id=template_version_id,
        status=QUEUED,
        queued_at=utcnow(),
        batch_id=batch_id,
        row_number=row_number,
    )
    assign_owner(appeal, principal)
    db.session.add(appeal)
    db.session.commit()
    if enqueue:
        enqueue_letter(appeal.id)
    return appeal


def render_appeal(appeal_id: str) -> None:
    """Render and store one appeal's letter, exactly once (what the render task calls)."""
    render_and_store([appeal_id])


def letter_for(appeal: Appeal) -> Letter | None:
    return db.session.scalar(select(Letter).where(Letter.appeal_id == appeal.id))


# ---------------------------------------------------------------------------------------------
# Anonymous access


def _key_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create_anonymous_access(appeal: Appeal) -> str:
    """Give an appeal an unguessable access key; returns the key (shown once, in the patient's
    link). Only its hash is stored."""
    key = secrets.token_urlsafe(32)
    appeal.access_key_hash = _key_digest(key)
    db.session.commit()
    return key


def access_key_matches(appeal: Appeal, key: str | None) -> bool:
    """Whether `key` is this appeal's access key (constant-time)."""
    if not key or not appeal.access_key_hash:
        return False
    return hmac.compare_digest(appeal.access_key_hash, _key_digest(key))


def appeal_for_access_key(appeal_id: str, key: str | None) -> Appeal | None:
    """The appeal that `key` opens, or None (unknown id and wrong key look the same)."""
    appeal = db.session.get(Appeal, appeal_id)
    if appeal is None or not access_key_matches(appeal, key):
        return None
    return appeal


# ---------------------------------------------------------------------------------------------
# Enqueueing, retrying, sweeping


def enqueue_letter(appeal_id: str) -> None:
    """Send the render task for an appeal that is already committed. A broker that is down does not
    lose the job: it stays "queued" in the database and the sweep enqueues it again."""
    try:
        send_task(RENDER_LETTER_TASK, [appeal_id])
    except Exception as exc:  # broker unreachable: the sweep will pick the job up
        log.warning("could not enqueue appeal %s (%s); the sweep will retry", appeal_id,
                    type(exc).__name__)


def retry_appeal(appeal: Appeal) -> Appeal:
    """Queue a failed appeal again (its letter is re-rendered from the stored case and result)."""
    if appeal.status != FAILED:
        return appeal
    appeal.status = QUEUED
    appeal.error = None
    appeal.attempts = 0
    appeal.queued_at = utcnow()
    appeal.started_at = None
    appeal.finished_at = None
    db.session.commit()
    enqueue_letter(appeal.id)
    return appeal


def stuck_rendering_after() -> timedelta:
    """How long a job may stay "rendering" before its worker is presumed dead (past the hard
    time limit); a batch that has not moved for as long has lost its worker too."""
    return timedelta(seconds=float(current_app.config["STUCK_RENDERING_AFTER"]))


def sweep_stuck(
    rendering_older_than: timedelta | None = None,
    queued_older_than: timedelta | None = None,
    limit: int = 500,
) -> int:
    """Re-enqueue jobs whose worker died ("rendering" for longer than any task may run) or whose
    message was lost ("queued" for too long). Returns how many were re-enqueued. Safe to run
    while workers are busy: rendering is idempotent."""
    if rendering_older_than is None:
        rendering_older_than = stuck_rendering_after()
    if queued_older_than is None:
        queued_older_than = timedelta(seconds=current_app.config["STUCK_QUEUED_AFTER"])
    now = utcnow()
    stuck = (
        select(Appeal.id)
        .where(
            ((Appeal.status == RENDERING) & (Appeal.started_at < now - rendering_older_than))
            | ((Appeal.status == QUEUED) & (Appeal.queued_at < now - queued_older_than))
        )
        .order_by(Appeal.queued_at)
        .limit(limit)
    )
    ids = list(db.session.scalars(stuck))
    if not ids:
        return 0
    # Back to "queued" with a fresh time, so the next sweep waits again before repeating.
    db.session.execute(
        update(Appeal)
        .where(Appeal.id.in_(ids), Appeal.status.in_((QUEUED, RENDERING)))
        .values(status=QUEUED, queued_at=now, started_at=None)
    )
    db.session.commit()
    for appeal_id in ids:
        enqueue_letter(appeal_id)
    log.info("sweep re-enqueued %d stuck appeal(s)", len(ids))
    return len(ids)
