"""The letter library pages (blueprint `letter_library`, under /templates): the advocates' Word
letter templates: list, upload (with the check report), versions, sharing, clone,
preview against the sample cases, and the variables reference with the authoring guide.

Thin: every decision is in appeals.letter_templates (check, store, preview). A template another
person keeps private is "not found"; one the caller may see but not change offers a clone.
Previews are rendered by a Celery task (or inline with TEMPLATE_PREVIEW_INLINE) in a time- and
memory-limited child process, so a hostile template cannot hang a web process.
"""

from __future__ import annotations

from flask import (
    Blueprint, Response, abort, flash, redirect, render_template, request, url_for,
)
from flask_login import current_user, login_required

from ..access import current_principal
from ..extensions import db
from ..services import letter_library as store
from ..models.templates import ORGANIZATION, LetterTemplate, TemplatePreviewPage
from .forms.letter_library import ActionForm, SettingsForm, UploadForm, VersionForm

letter_library = Blueprint("letter_library", __name__, url_prefix="/templates")

DOCX_MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PREVIEW_REFRESH_SECONDS = 3


def _visible_or_404(template_id: str) -> LetterTemplate:
    try:
        return store.get_visible(current_principal(), template_id)
    except LookupError:
        abort(404)


def _owned_or_404(template_id: str) -> LetterTemplate:
    template = _visible_or_404(template_id)
    if not store.can_edit(current_principal(), template):
        abort(403)
    return template


def _builtins() -> list[dict]:
    from ..letters import KIND_LABELS, LETTER_KINDS

    return [{"kind": kind, "label": KIND_LABELS[kind]} for kind in LETTER_KINDS]


def _index(form: UploadForm, report=None, status: int = 200):
    principal = current_principal()
    mine, organization, public = [], [], []
    for template in store.visible_templates(principal):
        if store.can_edit(principal, template):
            mine.append(template)
        elif template.visibility == ORGANIZATION:
            organization.append(template)
        else:
            public.append(template)
    return render_template(
        "letter_library/index.html", form=form, report=report, mine=mine, organization=organization,
        public=public, builtins=_builtins(), action_form=ActionForm(),
        in_organization=principal.organization_id is not None,
    ), status


@letter_library.get("/")
@login_required
def index():
    return _index(UploadForm())


@letter_library.post("/")
@login_required
def upload():
    form = UploadForm()
    if not form.validate_on_submit():
        return _index(form, status=422)
    upload_file = form.file.data
    try:
        template, report = store.create_template(
            current_principal(), name=form.name.data, description=form.description.data or "",
            visibility=form.visibility.data, data=upload_file.read(),
            filename=upload_file.filename)
    except store.TemplateInputError as exc:
        getattr(form, exc.field).errors.append(str(exc))
        return _index(form, status=422)
    except store.TemplateRejected as exc:
        return _index(form, report=exc.report.to_json(), status=422)
    store.request_preview(template.current_version)
    flash(_accepted_message(report), "info")
    return redirect(url_for("letter_library.show", template_id=template.id))


def _accepted_message(report) -> str:
    if report.warnings:
        return (f"Template saved, with {len(report.warnings)} warning(s) below worth fixing. "
                "Its preview is being rendered.")
    return "Template saved. Its preview is being rendered."


@letter_library.get("/<template_id>")
@login_required
def show(template_id: str):
    template = _visible_or_404(template_id)
    return _show(template)


def _show(template: LetterTemplate, version_form=None, settings_form=None, rejected=None,
          status: int = 200):
    mine = store.can_edit(current_principal(), template)
    settings_form = settings_form or SettingsForm(
        formdata=None, name=template.name, description=template.description,
        visibility=template.visibility)
    return render_template(
        "letter_library/show.html", template=template, version=template.current_version, mine=mine,
        version_form=version_form or VersionForm(), settings_form=settings_form,
        action_form=ActionForm(), rejected=rejected,
        in_organization=current_principal().organization_id is not None,
    ), status


@letter_library.post("/<template_id>/versions")
@login_required
def add_version(template_id: str):
    template = _owned_or_404(template_id)
    form = VersionForm()
    if not form.validate_on_submit():
        return _show(template, version_form=form, status=422)
    try:
        version, report = store.add_version(current_principal(), template, form.file.data.read(),
                                            form.file.data.filename)
    except store.TemplateRejected as exc:
        return _show(template, version_form=form, rejected=exc.report.to_json(), status=422)
    store.request_preview(version)
    flash(f"Version {version.number} saved. " + _accepted_message(report).split(". ", 1)[-1],
          "info")
    return redirect(url_for("letter_library.show", template_id=template.id))


@letter_library.post("/<template_id>/settings")
@login_required
def settings(template_id: str):
    template = _owned_or_404(template_id)
    form = SettingsForm()
    if not form.validate_on_submit():
        return _show(template, settings_form=form, status=422)
    try:
        store.update_settings(current_principal(), template, name=form.name.data,
                              description=form.description.data or "",
                              visibility=form.visibility.data)
    except store.TemplateInputError as exc:
        getattr(form, exc.field).errors.append(str(exc))
        return _show(template, settings_form=form, status=422)
    flash("Saved.", "info")
    return redirect(url_for("letter_library.show", template_id=template.id))


def _show_copy(template):
    """After a clone: preview the copy and send its owner to it."""
    store.request_preview(template.current_version)
    flash("Copied into your templates. Download it, edit it in Word, and upload it as a new "
          "version.", "info")
    return redirect(url_for("letter_library.show", template_id=template.id))


@letter_library.post("/<template_id>/clone")
@login_required
def clone(template_id: str):
    source = _visible_or_404(template_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    template, _ = store.clone_template(current_principal(), source)
    return _show_copy(template)


@letter_library.post("/builtin/<kind>/clone")
@login_required
def clone_builtin(kind: str):
    if kind not in {b["kind"] for b in _builtins()}:
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    template, _ = store.clone_builtin(current_principal(), kind)
    return _show_copy(template)


@letter_library.post("/<template_id>/delete")
@login_required
def delete(template_id: str):
    from ..privacy import delete_record

    template = _owned_or_404(template_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    name = template.name
    delete_record(template)  # its versions and preview pages go with it
    flash(f"Deleted the template “{name}”. Letters already written with it are kept.", "info")
    return redirect(url_for("letter_library.index"))


@letter_library.get("/builtin/<kind>.docx")
def download_builtin(kind: str):
    from ..letters import LETTER_KINDS, builtin_template_bytes

    if kind not in LETTER_KINDS:
        abort(404)
    return Response(builtin_template_bytes(kind), mimetype=DOCX_MIMETYPE, headers={
        "Content-Disposition": f'attachment; filename="{kind}-letter-template.docx"'})


@letter_library.get("/<template_id>/download")
@login_required
def download(template_id: str):
    template = _visible_or_404(template_id)
    version = store.version_of(template, request.args.get("version", type=int))
    if version is None:
        abort(404)
    return Response(version.docx, mimetype=DOCX_MIMETYPE, headers={
        "Content-Disposition": f'attachment; filename="{version.filename}"'})


@letter_library.get("/<template_id>/preview")
@login_required
def preview(template_id: str):
    template = _visible_or_404(template_id)
    version = template.current_version
    waiting = version.preview_status == store.QUEUED
    return render_template("letter_library/preview.html", template=template, version=version,
                           waiting=waiting, refresh=PREVIEW_REFRESH_SECONDS,
                           action_form=ActionForm(),
                           mine=store.can_edit(current_principal(), template))


@letter_library.post("/<template_id>/preview")
@login_required
def rerender_preview(template_id: str):
    template = _owned_or_404(template_id)  # a preview costs a render: the owner's call
    if not ActionForm().validate_on_submit():
        abort(400)
    store.request_preview(template.current_version, explicit=True)
    return redirect(url_for("letter_library.preview", template_id=template.id))


@letter_library.get("/<template_id>/preview/<version_id>/<sample>/<int:page>.png")
@login_required
def preview_page(template_id: str, version_id: str, sample: str, page: int):
    template = _visible_or_404(template_id)
    if version_id not in {v.id for v in template.versions}:
        abort(404)
    image = db.session.execute(
        db.select(TemplatePreviewPage).filter_by(version_id=version_id, sample=sample, page=page)
    ).scalar_one_or_none()
    if image is None:
        abort(404)
    return Response(image.png, mimetype="image/png")


@letter_library.get("/library.css")
def stylesheet():
    css = render_template("letter_library/library.css")
    return Response(css, mimetype="text/css", headers={"Cache-Control": "public, max-age=3600"})


@letter_library.get("/variables")
def variables():
    """Every letter variable (from the renderer's own schema) and the authoring guide."""
    from ..letters.schema import context_variables

    return render_template("letter_library/variables.html", variables=context_variables(),
                           signed_in=current_user.is_authenticated)
