"""API tokens: random, shown once, stored as a SHA-256 hash, revocable at once."""

import hashlib
import secrets

from sqlalchemy import select

from ..extensions import db
from ..models import ApiToken, User, utcnow

TOKEN_PREFIX = "apl_"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token for `user`; returns the record and the plain token (never stored)."""
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    record = ApiToken(user_id=user.id, name=name, token_hash=_digest(plain))
    db.session.add(record)
    db.session.commit()
    return record, plain


def user_for_token(plain: str) -> User | None:
    """The user a live token belongs to, or None for an unknown or revoked token."""
    if not plain or not plain.startswith(TOKEN_PREFIX):
        return None
    record = db.session.execute(
        select(ApiToken).where(ApiToken.token_hash == _digest(plain), ApiToken.revoked_at.is_(None))
    ).scalar_one_or_none()
    if record is None or not record.user.is_active:
        return None
    record.last_used_at = utcnow()
    db.session.commit()
    return record.user


def revoke_token(record: ApiToken) -> None:
    """Takes effect at once: user_for_token looks the token up on every request."""
    if record.revoked_at is None:
        record.revoked_at = utcnow()
    db.session.commit()


def live_tokens(user: User) -> list[ApiToken]:
    return list(
        db.session.execute(
            select(ApiToken)
            .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        ).scalars()
    )


def revoke_all(user: User) -> None:
    for record in live_tokens(user):
        record.revoked_at = utcnow()
    db.session.commit()
