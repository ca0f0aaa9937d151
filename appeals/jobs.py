"""Letter jobs: store an appeal, enqueue its letter, render it exactly once, sweep up after dead
workers. The web views, the bulk importer and the Celery tasks all go through here.

The rules that keep work from being lost or doubled:
- the appeal (case, result, status) is committed BEFORE its task is enqueued, and the task carries
  only the appeal's id;
- render_appeal() is idempotent: a letter is written in the same transaction that marks the job
  done, and the letters table allows one letter per appeal, so a redelivered or duplicated task
  writes the letter once;
- the job's state lives in the database; sweep_stuck() re-enqueues jobs whose worker died or whose
  message was lost (the embedded broker, unlike Redis, cannot hand back a dead worker's task).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import time
import traceback
from datetime import timedelta
from typing import Any, Callable

from celery.exceptions import SoftTimeLimitExceeded
from flask import current_app, has_request_context
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from .access import Principal, assign_owner, current_principal
from .celery_app import stuck_rendering_after
from .contract import Case, MatchResult
from .extensions import db
from .letters import LETTER_KINDS, TemplateError, default_kind, render_letter
from .letters.text import docx_text
from .matching import match_case
from .models.appeals import DONE, FAILED, QUEUED, RENDERING, Appeal, Letter
from .models.base import utcnow

log = logging.getLogger(__name__)

RENDER_LETTER_TASK = "appeals.render_letter"
SWEEP_TASK = "appeals.sweep_stuck"

# Set by the template library: (template_version_id) -> appeals.letters.PreparedTemplate.
# Called in the worker; raise appeals.letters.TemplateError (plain message) when it cannot be used.
template_resolver: Callable[[str], Any] | None = None
# Set by the template library: (template_version_id, principal) -> None, raising LookupError with
# a plain message when the caller may not use that template. Called at submission.
template_access_check: Callable[[str, Principal], None] | None = None


STOPPED_REASON = (
    "Writing the letter was stopped {attempts} times before it finished (it took too long, or "
    "the worker stopped). Retry it; if it happens again, the template may be too large."
)


class SubmissionError(ValueError):
    """A submission that cannot be accepted: ``errors`` is ``[{field, message}]`` like CaseError."""

    def __init__(self, errors: list[dict[str, str]]):
        self.errors = errors
        super().__init__("; ".join(f"{e['field']}: {e['message']}" for e in errors))


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
        if template_resolver is None:
            errors.append({"field": "template", "message": "no template library is available"})
        elif template_access_check is not None:
            try:
                template_access_check(template_version_id, principal)
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
# Enqueueing


def enqueue_letter(appeal_id: str) -> None:
    """Send the render task for an appeal that is already committed. A broker that is down does not
    lose the job: it stays "queued" in the database and the sweep enqueues it again."""
    celery = current_app.extensions["celery"]
    if celery.conf.task_always_eager:  # view unit tests only: run the task in this process
        from worker.tasks.letters import render_letter as render_task

        render_task.apply(args=[appeal_id])
        return
    try:
        celery.send_task(RENDER_LETTER_TASK, args=[appeal_id])
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


def sweep_stuck(
    rendering_older_than: timedelta | None = None,
    queued_older_than: timedelta | None = None,
    limit: int = 500,
) -> int:
    """Re-enqueue jobs whose worker died ("rendering" for longer than any task may run) or whose
    message was lost ("queued" for too long). Returns how many were re-enqueued. Safe to run
    while workers are busy: rendering is idempotent."""
    config = current_app.config
    if rendering_older_than is None:
        rendering_older_than = timedelta(seconds=stuck_rendering_after(config))
    if queued_older_than is None:
        queued_older_than = timedelta(seconds=config["STUCK_QUEUED_AFTER"])
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


# ---------------------------------------------------------------------------------------------
# Rendering (what the task calls)


def render_appeal(appeal_id: str) -> None:
    """Render and store the appeal's letter, exactly once. Does nothing for an appeal that has a
    letter, has failed, or no longer exists (purged). A template or render failure marks the job
    failed with a plain reason; only database errors propagate (the task retries those)."""
    appeal = db.session.get(Appeal, appeal_id)
    if appeal is None or appeal.status in (DONE, FAILED):
        return
    if _has_letter(appeal_id):
        _finish(appeal, DONE)
        return
    if appeal.attempts >= current_app.config["LETTER_MAX_ATTEMPTS"]:
        # Every attempt so far died with its worker or ran past the hard time limit (neither
        # leaves a chance to record why); stop here rather than sweep it up forever.
        _finish(appeal, FAILED, STOPPED_REASON.format(attempts=appeal.attempts))
        return
    appeal.status = RENDERING
    appeal.started_at = utcnow()
    appeal.attempts += 1
    db.session.commit()

    delay = current_app.config.get("TEST_RENDER_DELAY") or 0
    if delay:
        time.sleep(float(delay))

    try:
        docx, template_version_id = _render_docx(appeal)
    except Exception as exc:  # noqa: BLE001 — every failure becomes a reason on the job
        _fail(appeal, exc)
        return

    letter = Letter(
        appeal_id=appeal.id,
        docx=docx,
        filename=letter_filename(appeal),
        text_preview=_text_preview(docx),
        template_version_id=template_version_id,
    )
    db.session.add(letter)
    appeal.status = DONE
    appeal.error = None
    appeal.finished_at = utcnow()
    try:
        db.session.commit()  # the letter and "done" together, or neither
    except IntegrityError:
        # Another delivery of this task stored the letter first: keep theirs.
        db.session.rollback()
        appeal = db.session.get(Appeal, appeal_id)
        if appeal is not None and appeal.status != DONE and _has_letter(appeal_id):
            _finish(appeal, DONE)


def _has_letter(appeal_id: str) -> bool:
    return db.session.scalar(select(Letter.id).where(Letter.appeal_id == appeal_id)) is not None


def _finish(appeal: Appeal, status: str, error: str | None = None) -> None:
    appeal.status = status
    appeal.error = error
    appeal.finished_at = utcnow()
    db.session.commit()


def _render_docx(appeal: Appeal) -> tuple[bytes, str | None]:
    case = Case.model_validate(appeal.case_json)
    result = MatchResult.model_validate(appeal.result_json)
    template = None  # the built-in template for the kind
    if appeal.template_version_id:
        if template_resolver is None:
            raise _TemplateUnavailable("the template library is not available to this worker")
        template = template_resolver(appeal.template_version_id)
    docx = render_letter(case, result, kind=appeal.kind, template=template)
    return docx, appeal.template_version_id


class _TemplateUnavailable(Exception):
    pass


def failure_reason(exc: BaseException) -> str:
    """A plain-language reason for a failed render. Template errors carry their own message
    (written for the person who uploaded the template); anything else gets a generic one, since
    an internal message could quote case data."""
    if isinstance(exc, (TemplateError, _TemplateUnavailable)):
        return f"The letter template could not be used: {exc}"
    if isinstance(exc, SoftTimeLimitExceeded):
        return "Writing the letter took too long and was stopped. Retry it; if it happens again, " \
               "the template may be too large."
    return "The letter could not be written because of an internal error. Retry it; if it " \
           "fails again, contact support with the appeal id."


def _fail(appeal: Appeal, exc: BaseException) -> None:
    # Log the kind of failure and where, never the message or values (they may hold PHI).
    frames = "".join(traceback.format_tb(exc.__traceback__))
    log.error("letter for appeal %s failed: %s\n%s", appeal.id, type(exc).__name__, frames)
    db.session.rollback()
    appeal = db.session.get(Appeal, appeal.id)
    if appeal is not None:
        _finish(appeal, FAILED, failure_reason(exc))


def letter_filename(appeal: Appeal) -> str:
    """A download name without PHI: the kind, the service id and the appeal's short id."""
    service = (appeal.result_json.get("service") or {}).get("id") or "service"
    safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in f"{appeal.kind}-{service}")
    return f"appeal-letter-{safe}-{appeal.id[:8]}.docx"


def _text_preview(docx: bytes) -> str:
    """The letter's text, for previews."""
    return docx_text(docx)


def letter_for(appeal: Appeal) -> Letter | None:
    return db.session.scalar(select(Letter).where(Letter.appeal_id == appeal.id))


