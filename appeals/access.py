"""Who may see which record. Every query for an owned record goes through here.

A record is visible to its owner, to members of its organization, and (anonymous patients) to a
browser session that holds its access grant. Anything else is "not found": another's record
answers 404, never 403, so ids reveal nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import abort, g, session
from flask_login import current_user
from sqlalchemy import false, or_, select

from .extensions import db

SESSION_GRANTS_KEY = "granted_records"


@dataclass(frozen=True)
class Principal:
    user_id: int | None = None
    organization_id: int | None = None
    # "<table>:<id>" of anonymous records this browser session was given a link to.
    grants: frozenset[str] = field(default_factory=frozenset)

    @property
    def is_anonymous(self) -> bool:
        return self.user_id is None


def current_principal() -> Principal:
    """The caller: an API token's user (set on g by the API auth), else the logged-in user,
    else an anonymous visitor with whatever record grants their session holds."""
    user = getattr(g, "api_user", None)
    if user is None and current_user and current_user.is_authenticated:
        user = current_user
    grants = frozenset(session.get(SESSION_GRANTS_KEY, [])) if user is None else frozenset()
    if user is None:
        return Principal(grants=grants)
    return Principal(user_id=user.id, organization_id=user.organization_id)


def grant_to_session(record) -> None:
    """Let this browser session reach an anonymous record (after its access key was shown)."""
    key = f"{record.__tablename__}:{record.id}"
    grants = list(session.get(SESSION_GRANTS_KEY, []))
    if key not in grants:
        grants.append(key)
        session[SESSION_GRANTS_KEY] = grants[-50:]


def visible_to(model, principal: Principal | None = None):
    """A WHERE clause restricting `model` to the records `principal` may read."""
    principal = principal or current_principal()
    if principal.user_id is not None:
        clauses = [model.owner_id == principal.user_id]
        if principal.organization_id is not None:
            clauses.append(model.organization_id == principal.organization_id)
        return or_(*clauses)
    prefix = f"{model.__tablename__}:"
    ids = [grant[len(prefix):] for grant in principal.grants if grant.startswith(prefix)]
    if not ids:
        return false()
    return (model.id.in_(ids)) & (model.owner_id.is_(None)) & (model.organization_id.is_(None))


def scoped(model, principal: Principal | None = None):
    """``select(model)`` already restricted to what the caller may read."""
    return select(model).where(visible_to(model, principal))


def get_owned_or_404(model, record_id, principal: Principal | None = None):
    record = db.session.execute(
        scoped(model, principal).where(model.id == record_id)
    ).scalar_one_or_none()
    if record is None:
        abort(404)
    return record


def assign_owner(record, principal: Principal | None = None) -> None:
    """Stamp a new record with the caller as its owner (nothing for an anonymous patient)."""
    principal = principal or current_principal()
    record.owner_id = principal.user_id
    record.organization_id = principal.organization_id
