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
    if record is None:
        return None
    record.last_used_at = utcnow()
    db.session.commit()
    return record.user


def revoke_token(record: ApiToken) -> None:
    record.revoked_at = utcnow()
    db.session.commit()
