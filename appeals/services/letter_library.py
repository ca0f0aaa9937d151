"""The letter library (advocates' Word templates) in the database: who may see and change which
template, storing checked versions, and turning a template into a PreparedTemplate for letters.

Not pure (database). The web pages, the API, the CLI and the bulk importer all go through here:

- ``visible_templates(principal)``: the caller's own templates, their organization's shared
  ones and the public ones (anonymous visitors see the public ones);
- ``resolve_template_for(principal, template_id) -> (version_id, PreparedTemplate)``: for a
  single appeal or a batch that chose a library template (a template id, or a version id of a
  visible template); raises LookupError with a plain message;
- ``prepared_version(version_id)`` turns a stored version into a PreparedTemplate for the letter
  render (services.rendering), and ``check_version_access`` checks a submission may use it.

Visibility differs from appeals.access.visible_to on purpose: a *private* template is its
owner's alone even inside an organization; "organization" shares it with colleagues; "public"
with everyone. Only the owner changes a template (new version, name, visibility); anyone who can
see it can clone it into their own library.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from flask import current_app
from sqlalchemy import and_, func, or_, select

from ..access import Principal
from ..extensions import db
from ..models.templates import (
    ORGANIZATION, PRIVATE, PUBLIC, VISIBILITIES, LetterTemplate, TemplateVersion,
)
from ..letter_templates.check import CheckReport, check_docx

MAX_NAME = 120
MAX_DESCRIPTION = 2000


class TemplateRejected(ValueError):
    """The upload failed its check; ``report`` says why, with locations."""

    def __init__(self, report: CheckReport):
        self.report = report
        super().__init__(f"the template was not accepted: {report.summary()}")


class TemplateInputError(ValueError):
    """A bad name, description or visibility: ``field`` names it."""

    def __init__(self, field: str, message: str):
        self.field = field
        super().__init__(message)


# --- who sees what -------------------------------------------------------------------------------


def visible_clause(principal: Principal):
    clauses = [LetterTemplate.visibility == PUBLIC]
    if principal.user_id is not None:
        clauses.append(LetterTemplate.owner_id == principal.user_id)
        if principal.organization_id is not None:
            clauses.append(and_(LetterTemplate.organization_id == principal.organization_id,
                                LetterTemplate.visibility == ORGANIZATION))
    return or_(*clauses)


def visible_templates(principal: Principal) -> list[LetterTemplate]:
    """Every library template `principal` may use, newest first."""
    query = (select(LetterTemplate).where(visible_clause(principal))
             .where(LetterTemplate.current_version_id.is_not(None))
             .order_by(LetterTemplate.updated_at.desc()))
    return list(db.session.execute(query).scalars())


def get_visible(principal: Principal, template_id: str) -> LetterTemplate:
    """The template if `principal` may see it; LookupError otherwise (callers answer 404)."""
    template = db.session.execute(
        select(LetterTemplate).where(visible_clause(principal))
        .where(LetterTemplate.id == template_id)
    ).scalar_one_or_none()
    if template is None:
        raise LookupError("no template with that id is available to you")
    return template


def get_editable(principal: Principal, template_id: str) -> LetterTemplate:
    """The template if `principal` owns it. Another's template is 'not found' (LookupError)
    unless it is visible, in which case PermissionError (they may clone it, not change it)."""
    template = get_visible(principal, template_id)
    if principal.user_id is None or template.owner_id != principal.user_id:
        raise PermissionError("only the template's owner can change it; clone it to edit a copy")
    return template


def can_edit(principal: Principal, template: LetterTemplate) -> bool:
    return principal.user_id is not None and template.owner_id == principal.user_id


# --- storing -------------------------------------------------------------------------------------


def _validate(name: str | None, description: str | None, visibility: str | None,
              principal: Principal) -> tuple[str, str, str]:
    name = (name or "").strip()
    if not name:
        raise TemplateInputError("name", "give the template a name")
    if len(name) > MAX_NAME:
        raise TemplateInputError("name", f"the name may be at most {MAX_NAME} characters")
    description = (description or "").strip()
    if len(description) > MAX_DESCRIPTION:
        raise TemplateInputError(
            "description", f"the description may be at most {MAX_DESCRIPTION} characters")
    visibility = visibility or PRIVATE
    if visibility not in VISIBILITIES:
        raise TemplateInputError("visibility", f"choose one of {', '.join(VISIBILITIES)}")
    if visibility == ORGANIZATION and principal.organization_id is None:
        raise TemplateInputError(
            "visibility", "you are not in an organization; keep it private or make it public")
    return name, description, visibility


def create_template(principal: Principal, *, name: str, data: bytes, description: str = "",
                    visibility: str = PRIVATE, based_on: str | None = None,
                    filename: str | None = None) -> tuple[LetterTemplate, CheckReport]:
    """Check `data` and store it as version 1 of a new template owned by `principal`.

    Raises TemplateRejected (nothing stored) or TemplateInputError. Commits."""
    if principal.user_id is None:
        raise PermissionError("sign in to keep templates")
    name, description, visibility = _validate(name, description, visibility, principal)
    report = check_docx(data, render_budget=current_app.config["LETTER_RENDER_SECONDS"])
    if not report.ok:
        raise TemplateRejected(report)
    template = LetterTemplate(name=name, description=description, visibility=visibility,
                              based_on=based_on, owner_id=principal.user_id,
                              organization_id=principal.organization_id)
    db.session.add(template)
    db.session.flush()
    version = _new_version(template, data, report, principal, filename)
    template.current_version_id = version.id
    db.session.commit()
    return template, report


def add_version(principal: Principal, template: LetterTemplate, data: bytes,
                filename: str | None = None) -> tuple[TemplateVersion, CheckReport]:
    """Editing = uploading a new version; the old ones stay for the letters that used them."""
    if not can_edit(principal, template):
        raise PermissionError("only the template's owner can add a version")
    report = check_docx(data, render_budget=current_app.config["LETTER_RENDER_SECONDS"])
    if not report.ok:
        raise TemplateRejected(report)
    version = _new_version(template, data, report, principal, filename)
    template.current_version_id = version.id
    db.session.commit()
    return version, report


def _new_version(template: LetterTemplate, data: bytes, report: CheckReport,
                 principal: Principal, filename: str | None) -> TemplateVersion:
    number = (db.session.execute(
        select(func.max(TemplateVersion.number)).where(TemplateVersion.template_id == template.id)
    ).scalar() or 0) + 1
    version = TemplateVersion(template_id=template.id, number=number, docx=data,
                              filename=_safe_filename(filename), check_report=report.to_json(),
                              created_by=principal.user_id)
    db.session.add(version)
    db.session.flush()
    return version


def update_settings(principal: Principal, template: LetterTemplate, *, name: str | None = None,
                    description: str | None = None, visibility: str | None = None) -> None:
    if not can_edit(principal, template):
        raise PermissionError("only the template's owner can change it")
    name, description, visibility = _validate(
        template.name if name is None else name,
        template.description if description is None else description,
        template.visibility if visibility is None else visibility, principal)
    template.name, template.description, template.visibility = name, description, visibility
    db.session.commit()


def clone_template(principal: Principal, source: LetterTemplate, name: str | None = None
                   ) -> tuple[LetterTemplate, CheckReport]:
    version = source.current_version
    return create_template(principal, name=name or f"Copy of {source.name}"[:MAX_NAME],
                           data=version.docx, description=source.description,
                           based_on=f"template:{source.id}", filename=version.filename)


def clone_builtin(principal: Principal, kind: str, name: str | None = None
                  ) -> tuple[LetterTemplate, CheckReport]:
    from appeals.letters import KIND_LABELS, builtin_template_bytes

    data = builtin_template_bytes(kind)
    return create_template(principal, name=name or f"My {KIND_LABELS[kind]}"[:MAX_NAME],
                           data=data, description=f"Based on the built-in {KIND_LABELS[kind]}.",
                           based_on=f"builtin:{kind}", filename=f"{kind}.docx")


def _safe_filename(filename: str | None) -> str:
    base = (filename or "template.docx").replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(ch if ch.isalnum() or ch in "-_. " else "_" for ch in base).strip() or "t"
    if not cleaned.lower().endswith(".docx"):
        cleaned += ".docx"
    return cleaned[-200:]


def version_of(template: LetterTemplate, number: int | None = None) -> TemplateVersion | None:
    if number is None:
        return template.current_version
    for version in template.versions:
        if version.number == number:
            return version
    return None


# --- letters: resolving a template for a job ---------------------------------------------------

_CACHE_SIZE = 32
_cache: OrderedDict[str, object] = OrderedDict()
_cache_lock = threading.Lock()


def prepared_version(version_id: str):
    """The PreparedTemplate of a stored version (cached: versions never change).

    Raises appeals.letters.TemplateError."""
    from appeals.letters import PreparedTemplate, TemplateError

    with _cache_lock:
        if version_id in _cache:
            _cache.move_to_end(version_id)
            return _cache[version_id]
    version = _version_for(version_id)
    if version is None:
        raise TemplateError("the chosen template no longer exists")
    if version.id != version_id:  # a template id: its current version, cached under that id
        return prepared_version(version.id)
    # Defence in depth: a version is only stored after its check passed; re-check the stored
    # report so a row written any other way is still refused.
    if not (version.check_report or {}).get("ok"):
        raise TemplateError("the chosen template did not pass its upload check")
    prepared = PreparedTemplate.from_bytes(version.docx, name=f"template-{version_id[:8]}")
    with _cache_lock:
        _cache[version_id] = prepared
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return prepared


def _version_for(template_or_version_id: str) -> TemplateVersion | None:
    """A version by its id or, given a template's id, that template's current version."""
    version = db.session.get(TemplateVersion, template_or_version_id)
    if version is None:
        template = db.session.get(LetterTemplate, template_or_version_id)
        version = template.current_version if template is not None else None
    return version


def check_version_access(version_id: str, principal: Principal) -> None:
    """LookupError unless `principal` may use this template (checked at submission).

    Accepts a version id or a template id (callers that record the exact version should first
    turn a template id into one with resolve_template_for)."""
    version = _version_for(version_id)
    if version is None:
        raise LookupError("no template with that id is available to you")
    get_visible(principal, version.template_id)


def resolve_template_for(principal: Principal, template_id: str):
    """(version_id, PreparedTemplate) for a template the caller chose: a template id (its
    current version) or the id of one of its versions. LookupError when not visible."""
    template = db.session.get(LetterTemplate, template_id)
    if template is not None:
        get_visible(principal, template.id)
        version = template.current_version
        if version is None:
            raise LookupError("that template has no version yet")
    else:
        version = db.session.get(TemplateVersion, template_id)
        if version is None:
            raise LookupError("no template with that id is available to you")
        get_visible(principal, version.template_id)
    return version.id, prepared_version(version.id)


# --- previews ------------------------------------------------------------------------------------

PREVIEW_TASK = "appeals.templates.render_preview"
QUEUED, DONE, FAILED = "queued", "done", "failed"


def request_preview(version: TemplateVersion, explicit: bool = False) -> None:
    """Mark the version's preview as queued, commit, then have a worker render it.

    With TEMPLATE_PREVIEW_INLINE set (tests, the CLI) it is rendered right here instead; either
    way the render runs in a time- and memory-limited child process (preview.py)."""

    version.preview_status = QUEUED
    db.session.commit()
    if not current_app.config["TEMPLATE_PREVIEW_ON_UPLOAD"] and not explicit:
        version.preview_status = "none"
        db.session.commit()
        return
    if current_app.config["TEMPLATE_PREVIEW_INLINE"]:
        run_preview(version.id, images=current_app.config["TEMPLATE_PREVIEW_IMAGES"])
        return
    try:
        current_app.extensions["celery"].send_task(PREVIEW_TASK, args=[version.id])
    except Exception as exc:  # broker down: say so on the page instead of failing the upload
        version.preview_status = FAILED
        version.preview = {"ok": False, "error": f"the preview could not be queued ({exc})",
                           "samples": []}
        db.session.commit()


def run_preview(version_id: str, *, images: bool | None = None) -> None:
    """Render the version against the sample cases and store texts, errors and page images.

    Idempotent: a redelivered task replaces the previous result."""
    from ..letter_templates.preview import render_samples
    from ..models.base import utcnow
    from ..models.templates import TemplatePreviewPage

    from flask import current_app

    if images is None:
        images = current_app.config["TEMPLATE_PREVIEW_IMAGES"]
    version = db.session.get(TemplateVersion, version_id)
    if version is None:
        return
    result = render_samples(version.docx, images=images)
    TemplatePreviewPage.query.filter_by(version_id=version.id).delete()
    for sample in result["samples"]:
        pages = sample.pop("pages")
        sample["pages"] = len(pages)
        for number, png in enumerate(pages, start=1):
            db.session.add(TemplatePreviewPage(version_id=version.id, sample=sample["key"],
                                               page=number, png=png))
    version.preview = result
    version.preview_status = DONE
    version.preview_at = utcnow()
    db.session.commit()


def preview_failed(version_id: str, reason: str) -> None:
    db.session.rollback()
    version = db.session.get(TemplateVersion, version_id)
    if version is not None:
        version.preview_status = FAILED
        version.preview = {"ok": False, "error": reason, "samples": []}
        db.session.commit()


__all__ = [
    "ORGANIZATION", "PRIVATE", "PUBLIC", "TemplateInputError", "TemplateRejected",
    "add_version", "can_edit", "check_version_access", "clone_builtin", "clone_template",
    "create_template", "get_editable", "get_visible", "prepared_version",
    "resolve_template_for", "update_settings", "visible_templates",
]
