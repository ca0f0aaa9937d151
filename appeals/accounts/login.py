"""Checking a password, with a lock after repeated failures.

Two layers: this per-account lock (stored on the user, so it holds across every web process), and
a per-address rate limit on the login form (appeals.extensions.limiter) against guessing across many
accounts. A locked account is told so, with the time left.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from flask import current_app

from ..extensions import db
from ..models import User, utcnow
from .passwords import check_password, hash_password
from .users import find_user

# Verified when the email is unknown, so an unknown email costs the same time as a wrong password.
_DUMMY_HASH = hash_password("not a real password, only for timing")


@dataclass
class LoginResult:
    user: User | None = None
    error: str | None = None
    locked_minutes: int | None = None


def _aware(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; they were stored in UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def minutes_locked(user: User, now: datetime | None = None) -> int | None:
    """Whole minutes (rounded up) the account stays locked, or None when it is not locked."""
    if user.locked_until is None:
        return None
    left = (_aware(user.locked_until) - (now or utcnow())).total_seconds()
    return math.ceil(left / 60) if left > 0 else None


def locked_message(minutes: int) -> str:
    unit = "minute" if minutes == 1 else "minutes"
    return f"Too many failed attempts; try again in {minutes} {unit}."


def authenticate(email: str, password: str) -> LoginResult:
    config = current_app.config
    user = find_user(email or "")
    if user is None:
        check_password(_DUMMY_HASH, password or "")
        return LoginResult(error="Email or password is not right.")
    locked = minutes_locked(user)
    if locked:
        # Not even checked: a locked account cannot be guessed at.
        return LoginResult(error=locked_message(locked), locked_minutes=locked)
    if not check_password(user.password_hash, password or "") or not user.is_active:
        user.failed_logins += 1
        if user.failed_logins >= config["LOGIN_MAX_FAILURES"]:
            minutes = config["LOGIN_LOCKOUT_MINUTES"]
            user.locked_until = utcnow() + timedelta(minutes=minutes)
            user.failed_logins = 0
            db.session.commit()
            return LoginResult(error=locked_message(minutes), locked_minutes=minutes)
        db.session.commit()
        return LoginResult(error="Email or password is not right.")
    user.failed_logins = 0
    user.locked_until = None
    db.session.commit()
    return LoginResult(user=user)
