"""Rate limits on the forms an attacker would hammer (sign in, sign up, invitation, mail).

Counted in Redis when REDIS_URL is set (shared by every web process), else in memory.
"""

from flask import Flask, current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

limiter = Limiter(key_func=get_remote_address, default_limits=[])


def login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def init_app(app: Flask) -> None:
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config.get("REDIS_URL") or "memory://")
    app.config.setdefault("RATELIMIT_KEY_PREFIX", "appeals-limits")
    # Redis unreachable: count in this process rather than refuse every sign-in.
    app.config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    app.config.setdefault("RATELIMIT_SWALLOW_ERRORS", True)
    limiter.init_app(app)
