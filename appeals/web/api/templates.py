"""The template library API.

POST /api/v1/templates/check              check a .docx without storing it -> the check report
POST /api/v1/templates                    upload (multipart: file, name, description, visibility)
GET  /api/v1/templates                    the templates the caller may use, and the built-ins
GET  /api/v1/templates/<id>               one template, its versions and current check report
PATCH /api/v1/templates/<id>              name, description, visibility (owner only)
DELETE /api/v1/templates/<id>             delete it and its versions (owner only)
POST /api/v1/templates/<id>/versions      upload a new version (owner only)
GET  /api/v1/templates/<id>/docx          the current version's .docx (?version=N)
GET  /api/v1/templates/<id>/preview       the current version's preview against the sample cases
POST /api/v1/templates/<id>/preview       render the preview again (owner only)

A template the caller may not see answers 404; one they may see but do not own answers 403 to
changes. Use a template for a letter with POST /api/v1/appeals?template=<version id> (the
`current_version.id` here).
"""

from __future__ import annotations

from flask import Response, current_app, g, jsonify, request, url_for
from pydantic import ValidationError

from ...access import current_principal
from ...contract import validation_errors
from ...letter_templates import check_docx
from ...services import letter_library as store
from ...models.templates import LetterTemplate, TemplateVersion
from . import api
from .bodies import iso_utc, json_error as _error
from .openapi import DOCX_MIMETYPE, Binary, document
from .schemas import (
    DocxQuery, DocxUpload, LetterTemplate as TemplateOut, TemplateCheck, TemplateList,
    TemplatePreview, TemplateSettings, TemplateStored, TemplateUpload,
)

_NOT_FOUND = "Not found (or not yours to see)."
_NOT_YOURS = "Not your template."


def _uploaded():
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return None, None, _error(400, "send the .docx as multipart/form-data field 'file'",
                                  errors=[{"field": "file", "message": "no file was sent"}])
    return upload.read(), upload.filename, None


def version_json(version: TemplateVersion, with_report: bool = False) -> dict:
    data = {"id": version.id, "number": version.number, "filename": version.filename,
            "created_at": iso_utc(version.created_at),
            "preview_status": version.preview_status}
    if with_report:
        data["check"] = version.check_report
    return data


def template_json(template: LetterTemplate, principal, full: bool = False) -> dict:
    current = template.current_version
    data = {
        "id": template.id, "name": template.name, "description": template.description,
        "visibility": template.visibility, "based_on": template.based_on,
        "mine": store.can_edit(principal, template),
        "updated_at": iso_utc(template.updated_at),
        "current_version": version_json(current, with_report=full) if current else None,
        "links": {"self": url_for("api.get_template", template_id=template.id),
                  "docx": url_for("api.get_template_docx", template_id=template.id),
                  "preview": url_for("api.get_template_preview", template_id=template.id)},
    }
    if full:
        data["versions"] = [version_json(v) for v in template.versions]
    return data


def _visible_or_404(template_id: str):
    try:
        return store.get_visible(current_principal(), template_id), None
    except LookupError as exc:
        return None, _error(404, str(exc))


def _editable(template_id: str):
    try:
        return store.get_editable(current_principal(), template_id), None
    except LookupError as exc:
        return None, _error(404, str(exc))
    except PermissionError as exc:
        return None, _error(403, str(exc))


@api.post("/templates/check")
@document("Check a Word template without storing it", tag="templates", form=DocxUpload,
          responses={200: TemplateCheck, 400: "No file was sent."})
def check_template():
    data, _, problem = _uploaded()
    if problem:
        return problem
    return jsonify(check_docx(data, render_budget=current_app.config["LETTER_RENDER_SECONDS"])
                   .to_json())


@api.post("/templates")
@document("Upload a Word letter template", tag="templates", form=TemplateUpload,
          responses={201: TemplateStored, 400: "No file was sent.",
                     422: "Refused: `check` holds the report, or `errors` names the bad field."},
          headers={201: {"Location": "The template's URL."}})
def create_template():
    data, filename, problem = _uploaded()
    if problem:
        return problem
    principal = current_principal()
    visibility = request.form.get("visibility", store.PRIVATE)
    if visibility not in store.VISIBILITIES:  # "" too: what is sent must be one of them
        message = f"choose one of {', '.join(store.VISIBILITIES)}"
        return _error(422, message, errors=[{"field": "visibility", "message": message}])
    try:
        template, report = store.create_template(
            principal, name=request.form.get("name", "").strip() or filename.rsplit(".", 1)[0],
            description=request.form.get("description", ""),
            visibility=visibility, filename=filename, data=data)
    except store.TemplateInputError as exc:
        return _error(422, str(exc), errors=[{"field": exc.field, "message": str(exc)}])
    except store.TemplateRejected as exc:
        return _error(422, str(exc), check=exc.report.to_json())
    store.request_preview(template.current_version)
    response = jsonify({"template": template_json(template, principal, full=True),
                        "check": report.to_json()})
    response.status_code = 201
    response.headers["Location"] = url_for("api.get_template", template_id=template.id)
    return response


@api.get("/templates")
@document("The templates you may use, and the built-in kinds", tag="templates",
          responses={200: TemplateList})
def list_templates():
    from ...letters import KIND_LABELS, LETTER_KINDS

    principal = current_principal()
    return jsonify({
        "templates": [template_json(t, principal) for t in store.visible_templates(principal)],
        "builtins": [{"kind": kind, "name": KIND_LABELS[kind]} for kind in LETTER_KINDS],
    })


@api.get("/templates/<record_id:template_id>")
@document("One template with its versions and check report", tag="templates",
          responses={200: TemplateOut, 404: _NOT_FOUND})
def get_template(template_id: str):
    template, problem = _visible_or_404(template_id)
    if problem:
        return problem
    return jsonify(template_json(template, current_principal(), full=True))


@api.patch("/templates/<record_id:template_id>")
@document("Rename, describe or share a template (owner only)", tag="templates",
          json=TemplateSettings,
          responses={200: TemplateOut, 400: "Not a JSON object.", 403: _NOT_YOURS,
                     404: _NOT_FOUND, 422: "A bad field."})
def update_template(template_id: str):
    template, problem = _editable(template_id)
    if problem:
        return problem
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return _error(400, "send a JSON object with name, description and/or visibility")
    try:
        settings = TemplateSettings.model_validate(body, strict=True)
    except ValidationError as exc:  # {"name": 123}: a named 422, never a 500
        return _error(422, "the settings are not valid", errors=validation_errors(exc))
    try:
        store.update_settings(current_principal(), template, name=settings.name,
                              description=settings.description, visibility=settings.visibility)
    except store.TemplateInputError as exc:
        return _error(422, str(exc), errors=[{"field": exc.field, "message": str(exc)}])
    return jsonify(template_json(template, current_principal(), full=True))


@api.delete("/templates/<record_id:template_id>")
@document("Delete a template and all its versions (owner only)", tag="templates",
          responses={204: None, 403: _NOT_YOURS, 404: _NOT_FOUND})
def delete_template(template_id: str):
    from ...privacy import delete_record

    template, problem = _editable(template_id)
    if problem:
        return problem
    delete_record(template)
    return "", 204


@api.post("/templates/<record_id:template_id>/versions")
@document("Upload a new version (owner only)", tag="templates", form=DocxUpload,
          responses={201: TemplateStored, 400: "No file was sent.", 403: _NOT_YOURS,
                     404: _NOT_FOUND, 422: "Refused: `check` says why."})
def add_template_version(template_id: str):
    template, problem = _editable(template_id)
    if problem:
        return problem
    data, filename, problem = _uploaded()
    if problem:
        return problem
    try:
        version, report = store.add_version(current_principal(), template, data, filename)
    except store.TemplateRejected as exc:
        return _error(422, str(exc), check=exc.report.to_json())
    store.request_preview(version)
    response = jsonify({"template": template_json(template, current_principal(), full=True),
                        "version": version_json(version), "check": report.to_json()})
    response.status_code = 201
    return response


@api.get("/templates/<record_id:template_id>/docx")
@document("Download the template's .docx", tag="templates", query=DocxQuery,
          responses={200: Binary(DOCX_MIMETYPE, "The .docx."), 404: _NOT_FOUND})
def get_template_docx(template_id: str):
    template, problem = _visible_or_404(template_id)
    if problem:
        return problem
    number = g.api_query.version
    version = store.version_of(template, number)
    if version is None:
        return _error(404, f"this template has no version {number}")
    return Response(version.docx, mimetype=DOCX_MIMETYPE, headers={
        "Content-Disposition": f'attachment; filename="{version.filename}"'})


def _preview_json(version: TemplateVersion) -> dict:
    return {"version": version_json(version), "status": version.preview_status,
            "preview": version.preview}


@api.get("/templates/<record_id:template_id>/preview")
@document("The current version's preview against the sample cases", tag="templates",
          responses={200: TemplatePreview, 404: _NOT_FOUND})
def get_template_preview(template_id: str):
    template, problem = _visible_or_404(template_id)
    if problem:
        return problem
    return jsonify(_preview_json(template.current_version))


@api.post("/templates/<record_id:template_id>/preview")
@document("Render the preview again (owner only)", tag="templates",
          responses={202: TemplatePreview, 403: _NOT_YOURS, 404: _NOT_FOUND})
def render_template_preview(template_id: str):
    # Owner only: a preview costs a render and a LibreOffice run, so viewers of a shared
    # template read the existing one rather than queue more.
    template, problem = _editable(template_id)
    if problem:
        return problem
    store.request_preview(template.current_version, explicit=True)
    return jsonify(_preview_json(template.current_version)), 202
