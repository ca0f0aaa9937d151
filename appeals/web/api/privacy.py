"""DELETE /api/v1/appeals/<id> and DELETE /api/v1/batches/<id>: delete at once, with everything
that depends on them (appeals.privacy.delete_record)."""

from flask import g
from werkzeug.exceptions import Forbidden

from ...access import get_owned_or_404
from ...privacy import delete_record, may_delete
from . import api
from .openapi import AUTH_RESPONSES, error_response


def _delete(model, record_id: str, what: str):
    record = get_owned_or_404(model, record_id)
    if not may_delete(record, g.api_user):
        raise Forbidden(f"only the person who filed this {what} or an admin of the "
                        "organization can delete it")
    delete_record(record)
    return "", 204


@api.delete("/appeals/<appeal_id>")
def delete_appeal(appeal_id: str):
    from ...models.appeals import Appeal

    return _delete(Appeal, appeal_id, "appeal")


@api.delete("/batches/<batch_id>")
def delete_batch(batch_id: str):
    from ...models.batches import Batch

    return _delete(Batch, batch_id, "batch")


def _operation(what: str, parameter: str, detail: str) -> dict:
    return {
        "summary": f"Delete the {what} now",
        "operationId": f"delete{what.capitalize()}",
        "description": detail + " Cannot be undone. Records a 'deleted' audit event.",
        "parameters": [{"name": parameter, "in": "path", "required": True,
                        "schema": {"type": "string", "pattern": "^[0-9a-f]{32}$"}}],
        "responses": {
            "204": {"description": "Deleted."},
            "403": error_response(f"You may see this {what} but did not file it and are not an "
                                  "admin of its organization."),
            "404": error_response(f"No {what} with this id is yours (or your organization's)."),
            **AUTH_RESPONSES,
        },
    }


OPENAPI_PATHS = {
    "/api/v1/appeals/{appeal_id}": {"delete": _operation(
        "appeal", "appeal_id", "Deletes the appeal's case, result and letter.")},
    "/api/v1/batches/{batch_id}": {"delete": _operation(
        "batch", "batch_id", "Deletes the batch's rows, the appeals made from them and their letters.")},
}
