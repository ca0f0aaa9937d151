"""Browser sessions: Flask-Login wiring, and expiry both absolute (PERMANENT_SESSION_LIFETIME after
sign-in) and idle (SESSION_IDLE_MINUTES without a request), for signed-in users and for anonymous
patients' access to their appeal alike.

Flask's signed cookie is re-issued whenever the session changes, so the cookie's own age cannot
bound a session; the sign-in and last-seen times inside it do.
"""

from __future__ import annotations

import hashlib
import time
from flask import current_app, flash, session
from flask_login import current_user, login_user, logout_user

from ..access import SESSION_GRANTS_KEY
from ..extensions import db
from ..models import User

LOGIN_AT = "login_at"
SEEN_AT = "seen_at"
# A fingerprint of the password hash the session was opened with: changing the password ends
# every other session of that user.
PASSWORD_MARK = "password_mark"
# Rewrite the last-seen time at most this often (each rewrite re-issues the cookie).
_SEEN_RESOLUTION = 30


def load_user(user_id: str) -> User | None:
    """Flask-Login's user loader (registered in app.register_extensions)."""
    try:
        user = db.session.get(User, int(user_id))
    except (TypeError, ValueError):
        return None
    # Flask-Login checks is_active only at sign-in; a removed member loses open sessions too.
    return user if user is not None and user.is_active else None


def _now() -> int:
    return int(time.time())


def password_mark(user: User) -> str:
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def keep_session_after_password_change(user: User) -> None:
    """The session that changed the password stays open; all others end."""
    session[PASSWORD_MARK] = password_mark(user)


def start_session(user: User) -> None:
    # A fresh session: nothing an earlier visitor of this browser put in it carries over.
    session.clear()
    login_user(user)
    session.permanent = True
    now = _now()
    session[LOGIN_AT] = now
    session[SEEN_AT] = now
    session[PASSWORD_MARK] = password_mark(user)


def end_session() -> None:
    logout_user()
    session.clear()


def expire_stale_session() -> None:
    """End a signed-in session past its lifetime or idle time (or opened with a password since
    changed). An anonymous patient's access to their appeal (the grants their link gave this
    browser) ends the same way, so a shared computer does not keep it open."""
    signed_in = "_user_id" in session
    if not signed_in and SESSION_GRANTS_KEY not in session:
        return
    now = _now()
    config = current_app.config
    login_at = session.setdefault(LOGIN_AT, now)
    seen_at = session.setdefault(SEEN_AT, now)
    lifetime = config["PERMANENT_SESSION_LIFETIME"].total_seconds()
    idle = config["SESSION_IDLE_MINUTES"] * 60
    if now - login_at > lifetime or now - seen_at > idle:
        end_session()
        if signed_in:
            flash("Your session expired; sign in again.", "info")
        else:
            flash("For your privacy, this browser closed your appeal after a while unused. "
                  "Open it again with your link.", "info")
        return
    if signed_in and current_user.is_authenticated:
        mark = session.setdefault(PASSWORD_MARK, password_mark(current_user))
        if mark != password_mark(current_user):
            end_session()
            flash("Your password was changed; sign in again.", "info")
            return
    if now - seen_at >= _SEEN_RESOLUTION:
        session[SEEN_AT] = now
