"""Record who created, viewed, downloaded or deleted a record. Ids and actions only: never names,
member ids, notes or letter text."""

from flask import g, has_request_context

from .access import current_principal
from .extensions import db
from .models.audit import AuditEvent


def record_event(action: str, record, *, via: str | None = None, commit: bool = True) -> None:
    """Log `action` on `record` (any model with `__tablename__` and `id`) by the current caller."""
    principal = current_principal() if has_request_context() else None
    if via is None:
        if not has_request_context():
            via = "cli"
        elif getattr(g, "api_user", None) is not None:
            via = "api"
        else:
            via = "anon" if principal.is_anonymous else "web"
    db.session.add(
        AuditEvent(
            user_id=principal.user_id if principal else None,
            organization_id=principal.organization_id if principal else None,
            action=action,
            record_type=record.__tablename__,
            record_id=str(record.id),
            via=via,
        )
    )
    if commit:
        db.session.commit()
