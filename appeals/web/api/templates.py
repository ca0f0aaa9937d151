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

from flask import Response, jsonify, request, url_for

from ...access import current_principal
from ...letter_templates import check_docx, store
from ...models.templates import VISIBILITIES, LetterTemplate, TemplateVersion
from . import api
from .bodies import json_error as _error

DOCX_MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _uploaded():
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return None, None, _error(400, "send the .docx as multipart/form-data field 'file'",
                                  errors=[{"field": "file", "message": "no file was sent"}])
    return upload.read(), upload.filename, None


def version_json(version: TemplateVersion, with_report: bool = False) -> dict:
    data = {"id": version.id, "number": version.number, "filename": version.filename,
            "created_at": version.created_at.isoformat() if version.created_at else None,
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
        "updated_at": template.updated_at.isoformat() if template.updated_at else None,
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
def check_template():
    data, _, problem = _uploaded()
    if problem:
        return problem
    return jsonify(check_docx(data).to_json())


@api.post("/templates")
def create_template():
    data, filename, problem = _uploaded()
    if problem:
        return problem
    principal = current_principal()
    try:
        template, report = store.create_template(
            principal, name=request.form.get("name") or filename.rsplit(".", 1)[0],
            description=request.form.get("description", ""),
            visibility=request.form.get("visibility") or "private", filename=filename,
            data=data)
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
def list_templates():
    from ...letters import KIND_LABELS, LETTER_KINDS

    principal = current_principal()
    return jsonify({
        "templates": [template_json(t, principal) for t in store.visible_templates(principal)],
        "builtins": [{"kind": kind, "name": KIND_LABELS[kind]} for kind in LETTER_KINDS],
    })


@api.get("/templates/<template_id>")
def get_template(template_id: str):
    template, problem = _visible_or_404(template_id)
    if problem:
        return problem
    return jsonify(template_json(template, current_principal(), full=True))


@api.patch("/templates/<template_id>")
def update_template(template_id: str):
    template, problem = _editable(template_id)
    if problem:
        return problem
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return _error(400, "send a JSON object with name, description and/or visibility")
    try:
        store.update_settings(current_principal(), template, name=body.get("name"),
                              description=body.get("description"),
                              visibility=body.get("visibility"))
    except store.TemplateInputError as exc:
        return _error(422, str(exc), errors=[{"field": exc.field, "message": str(exc)}])
    return jsonify(template_json(template, current_principal(), full=True))


@api.delete("/templates/<template_id>")
def delete_template(template_id: str):
    from ...privacy import delete_record

    template, problem = _editable(template_id)
    if problem:
        return problem
    delete_record(template)
    return "", 204


@api.post("/templates/<template_id>/versions")
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


@api.get("/templates/<template_id>/docx")
def get_template_docx(template_id: str):
    template, problem = _visible_or_404(template_id)
    if problem:
        return problem
    number = request.args.get("version", type=int)
    version = store.version_of(template, number)
    if version is None:
        return _error(404, f"this template has no version {number}")
    return Response(version.docx, mimetype=DOCX_MIMETYPE, headers={
        "Content-Disposition": f'attachment; filename="{version.filename}"'})


def _preview_json(version: TemplateVersion) -> dict:
    return {"version": version_json(version), "status": version.preview_status,
            "preview": version.preview}


@api.get("/templates/<template_id>/preview")
def get_template_preview(template_id: str):
    template, problem = _visible_or_404(template_id)
    if problem:
        return problem
    return jsonify(_preview_json(template.current_version))


@api.post("/templates/<template_id>/preview")
def render_template_preview(template_id: str):
    # Owner only: a preview costs a render and a LibreOffice run, so viewers of a shared
    # template read the existing one rather than queue more.
    template, problem = _editable(template_id)
    if problem:
        return problem
    store.request_preview(template.current_version, explicit=True)
    return jsonify(_preview_json(template.current_version)), 202


_TEMPLATE_ID = {"name": "template_id", "in": "path", "required": True,
                "schema": {"type": "string"}, "description": "The template's id."}
_UPLOAD = {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["file"],
    "properties": {
        "file": {"type": "string", "format": "binary", "description": "The Word .docx template."},
        "name": {"type": "string", "maxLength": store.MAX_NAME},
        "description": {"type": "string", "maxLength": store.MAX_DESCRIPTION},
        "visibility": {"type": "string", "enum": list(VISIBILITIES)},
    }}}}}
_VERSION_UPLOAD = {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["file"],
    "properties": {"file": {"type": "string", "format": "binary"}}}}}}


def _json(schema_name: str, description: str) -> dict:
    return {"description": description, "content": {"application/json": {
        "schema": {"$ref": f"#/components/schemas/{schema_name}"}}}}


def _err(description: str) -> dict:
    return _json("Error", description)


_AUTH = {"401": _err("No valid API token.")}

OPENAPI_SCHEMAS = {
    "TemplateCheck": {
        "type": "object", "required": ["ok", "problems", "variables"],
        "description": "The upload check: errors refuse the upload, warnings are advice.",
        "properties": {
            "ok": {"type": "boolean"}, "error_count": {"type": "integer"},
            "warning_count": {"type": "integer"},
            "problems": {"type": "array", "items": {"type": "object", "properties": {
                "severity": {"type": "string", "enum": ["error", "warning"]},
                "code": {"type": "string"}, "message": {"type": "string"},
                "location": {"type": "string"}, "part": {"type": ["string", "null"]},
                "paragraph": {"type": ["integer", "null"]},
                "where": {"type": ["string", "null"]}, "snippet": {"type": ["string", "null"]},
                "suggestion": {"type": ["string", "null"]}}}},
            "variables": {"type": "array", "items": {"type": "object", "properties": {
                "name": {"type": "string"}, "path": {"type": "string"},
                "known": {"type": "boolean"}, "count": {"type": "integer"},
                "locations": {"type": "array", "items": {"type": "string"}},
                "suggestion": {"type": ["string", "null"]}}}},
            "parts": {"type": "array", "items": {"type": "string"}},
        },
    },
    "LetterTemplate": {
        "type": "object", "required": ["id", "name", "visibility"],
        "properties": {
            "id": {"type": "string"}, "name": {"type": "string"},
            "description": {"type": "string"},
            "visibility": {"type": "string", "enum": list(VISIBILITIES)},
            "based_on": {"type": ["string", "null"]}, "mine": {"type": "boolean"},
            "updated_at": {"type": ["string", "null"]},
            "current_version": {"type": ["object", "null"], "description":
                                "Its id is what POST /api/v1/appeals?template= takes."},
            "versions": {"type": "array", "items": {"type": "object"}},
            "links": {"type": "object"},
        },
    },
    "TemplatePreview": {
        "type": "object", "properties": {
            "status": {"type": "string", "enum": ["none", "queued", "done", "failed"]},
            "version": {"type": "object"},
            "preview": {"type": ["object", "null"], "description":
                        "{ok, images_note, samples: [{key, label, outcome, ok, error, text, "
                        "pages}]}"},
        },
    },
}

OPENAPI_PATHS = {
    "/api/v1/templates/check": {"post": {
        "summary": "Check a Word template without storing it", "tags": ["templates"],
        "requestBody": _VERSION_UPLOAD,
        "responses": {"200": _json("TemplateCheck", "The check report."),
                      "400": _err("No file was sent."), **_AUTH}}},
    "/api/v1/templates": {
        "post": {"summary": "Upload a Word letter template", "tags": ["templates"],
                 "requestBody": _UPLOAD,
                 "responses": {"201": {"description": "Stored: {template, check}.",
                                       "content": {"application/json": {"schema": {
                                           "type": "object"}}}},
                               "400": _err("No file was sent."),
                               "422": _err("Refused: `check` holds the report, or `errors` "
                                           "names the bad field."), **_AUTH}},
        "get": {"summary": "The templates you may use, and the built-in kinds",
                "tags": ["templates"],
                "responses": {"200": {"description": "{templates: [...], builtins: [...]}",
                                      "content": {"application/json": {"schema": {
                                          "type": "object"}}}}, **_AUTH}},
    },
    "/api/v1/templates/{template_id}": {
        "get": {"summary": "One template with its versions and check report",
                "tags": ["templates"], "parameters": [_TEMPLATE_ID],
                "responses": {"200": _json("LetterTemplate", "The template."),
                              "404": _err("Not found (or not yours to see)."), **_AUTH}},
        "patch": {"summary": "Rename, describe or share a template (owner only)",
                  "tags": ["templates"], "parameters": [_TEMPLATE_ID],
                  "requestBody": {"required": True, "content": {"application/json": {
                      "schema": {"type": "object", "properties": {
                          "name": {"type": "string"}, "description": {"type": "string"},
                          "visibility": {"type": "string", "enum": list(VISIBILITIES)}}}}}},
                  "responses": {"200": _json("LetterTemplate", "Updated."),
                                "400": _err("Not a JSON object."),
                                "403": _err("Not your template."),
                                "404": _err("Not found."),
                                "422": _err("A bad field."), **_AUTH}},
        "delete": {"summary": "Delete a template and all its versions (owner only)",
                   "tags": ["templates"], "parameters": [_TEMPLATE_ID],
                   "responses": {"204": {"description": "Deleted."},
                                 "403": _err("Not your template."),
                                 "404": _err("Not found."), **_AUTH}},
    },
    "/api/v1/templates/{template_id}/versions": {"post": {
        "summary": "Upload a new version (owner only)", "tags": ["templates"],
        "parameters": [_TEMPLATE_ID], "requestBody": _VERSION_UPLOAD,
        "responses": {"201": {"description": "{template, version, check}", "content": {
            "application/json": {"schema": {"type": "object"}}}},
            "400": _err("No file was sent."), "403": _err("Not your template."),
            "404": _err("Not found."), "422": _err("Refused: `check` says why."), **_AUTH}}},
    "/api/v1/templates/{template_id}/docx": {"get": {
        "summary": "Download the template's .docx", "tags": ["templates"],
        "parameters": [_TEMPLATE_ID, {"name": "version", "in": "query", "required": False,
                                      "schema": {"type": "integer"},
                                      "description": "A version number (default: current)."}],
        "responses": {"200": {"description": "The .docx.", "content": {
            DOCX_MIMETYPE: {"schema": {"type": "string", "format": "binary"}}}},
            "404": _err("Not found."), **_AUTH}}},
    "/api/v1/templates/{template_id}/preview": {
        "get": {"summary": "The current version's preview against the sample cases",
                "tags": ["templates"], "parameters": [_TEMPLATE_ID],
                "responses": {"200": _json("TemplatePreview", "Status and results."),
                              "404": _err("Not found."), **_AUTH}},
        "post": {"summary": "Render the preview again (owner only)", "tags": ["templates"],
                 "parameters": [_TEMPLATE_ID],
                 "responses": {"202": _json("TemplatePreview", "Queued (or rendered)."),
                               "403": _err("Not your template."),
                               "404": _err("Not found."), **_AUTH}},
    },
}
