"""Invitations to join an organization: a random token in a link, shown once, stored hashed,
expiring after INVITATION_DAYS, good for one account."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from ..extensions import db
from ..models import Invitation, Organization, User, utcnow
from .login import _aware
from .users import AccountError, create_user, normalize_email


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_invitation(
    organization: Organization, invited_by: User, email: str | None = None, role: str = "member"
) -> tuple[Invitation, str]:
    """Returns the invitation and its plain token (for the link; never stored). Commits."""
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        organization_id=organization.id,
        invited_by_id=invited_by.id,
        email=normalize_email(email) if email else None,
        role=role,
        token_hash=_digest(token),
        expires_at=utcnow() + timedelta(days=current_app.config["INVITATION_DAYS"]),
    )
    db.session.add(invitation)
    db.session.commit()
    return invitation, token


def is_pending(invitation: Invitation) -> bool:
    return (
        invitation.accepted_at is None
        and invitation.revoked_at is None
        and _aware(invitation.expires_at) > utcnow()
    )


def find_pending(token: str) -> Invitation | None:
    """The invitation a link's token opens, if it is still good."""
    if not token:
        return None
    invitation = db.session.execute(
        select(Invitation).where(Invitation.token_hash == _digest(token))
    ).scalar_one_or_none()
    return invitation if invitation is not None and is_pending(invitation) else None


def pending_for(organization_id: int) -> list[Invitation]:
    rows = db.session.execute(
        select(Invitation)
        .where(Invitation.organization_id == organization_id)
        .order_by(Invitation.created_at.desc(), Invitation.id.desc())
    ).scalars()
    return [invitation for invitation in rows if is_pending(invitation)]


def accept(invitation: Invitation, email: str, password: str) -> User:
    """Create the invitee's account in the organization and use up the invitation. Commits."""
    if invitation.email and normalize_email(email) != invitation.email:
        raise AccountError("email", "This invitation is for another email address.")
    user = create_user(email, password, invitation.organization, role=invitation.role)
    invitation.accepted_at = utcnow()
    invitation.accepted_by_id = user.id
    db.session.commit()
    return user


def revoke(invitation: Invitation) -> None:
    if invitation.revoked_at is None and invitation.accepted_at is None:
        invitation.revoked_at = utcnow()
    db.session.commit()
