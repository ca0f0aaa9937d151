"""What every stored record shares: an unguessable id and an owner."""

import secrets
from datetime import datetime, timezone

from sqlalchemy import DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, declared_attr, mapped_column


def new_id() -> str:
    """Record ids are random (128 bits), so an id reveals nothing and cannot be guessed."""
    return secrets.token_hex(16)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Owned:
    """A record holding health data belongs to a user and, where the user has one, their
    organization (shared with its staff). An anonymous patient's record has neither owner and is
    reached only through its access key (see appeals.access)."""

    @declared_attr
    def owner_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True, nullable=True)

    @declared_attr
    def organization_id(cls) -> Mapped[int | None]:
        return mapped_column(
            ForeignKey("organizations.id", ondelete="CASCADE"), index=True, nullable=True
        )

    @declared_attr
    def created_at(cls) -> Mapped[datetime]:
        return mapped_column(DateTime(timezone=True), default=utcnow, nullable=False, index=True)


__all__ = ["Owned", "new_id", "utcnow", "String"]
