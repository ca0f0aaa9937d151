"""Security headers on every response and logs without health data (installed by app.py).

Pages show health data and anonymous links carry their access key in the URL, so: a strict CSP
(no inline script or style), no Referer ever sent, no caching of anything but static files, and
request logs that keep only method, path and status (never a query string).
"""

from __future__ import annotations

import logging
import re
import traceback

from flask import request

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])

PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=()"
# Headers Flask-Talisman does not set.
CROSS_ORIGIN_HEADERS = {
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}


def talisman_options(config) -> dict:
    """Flask-Talisman's settings: the CSP, nosniff, no Referer, no framing; cookies as configured."""
    return {
        "content_security_policy": CONTENT_SECURITY_POLICY,
        "x_content_type_options": True,
        "referrer_policy": "no-referrer",
        "frame_options": "DENY",
        "permissions_policy": PERMISSIONS_POLICY,
        # TLS ends at the proxy (ProxyFix, TRUSTED_PROXY_COUNT): no redirect here. Talisman's HSTS
        # believes any client's X-Forwarded-Proto, so add_headers() sets HSTS on request.is_secure.
        "force_https": False,
        "strict_transport_security": False,
        "session_cookie_secure": config["SESSION_COOKIE_SECURE"],
        "session_cookie_http_only": config["SESSION_COOKIE_HTTPONLY"],
        "session_cookie_samesite": config["SESSION_COOKIE_SAMESITE"],
    }


def add_headers(response):
    for name, value in CROSS_ORIGIN_HEADERS.items():
        response.headers.setdefault(name, value)
    if request.endpoint != "static":
        # Health data must not sit in a browser's or a proxy's cache.
        response.headers["Cache-Control"] = "no-store"
        response.headers["Pragma"] = "no-cache"
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response


# ----------------------------------------------------------------------------------------------
# Logs

# A request line as servers log it: "GET /a/b?key=… HTTP/1.1". The query string goes, up to the
# protocol: Werkzeug decodes %22 into a quote, so the query can hold quotes. Werkzeug colours
# every line but a 200 ("\x1b[33mGET …"): the colour code, not a word boundary, precedes the verb.
_QUERY_IN_REQUEST_LINE = re.compile(
    r'((?:\x1b\[[\d;]*m|\b)[A-Z]{3,10} [^\s?]*)\?(?:.*?(?= HTTP/\d)|[^\s"\x1b]*)')
_URL_QUERY = re.compile(r"(https?://[^\s?\"'\x1b]+)\?[^\s\"'\x1b]*")
# Any other path with a query of name=value pairs (a message quoting a URL without its verb).
_PATH_QUERY = re.compile(r"(/[\w.~%/\-]*)\?[^\s\"'\x1b]*=[^\s\"'\x1b]*")
# Secrets carried in the path: an anonymous patient's link /a/<id>/<key> and an invitation
# /join/<token>. The id stays (it reveals nothing); the secret goes.
_SECRET_PATHS = re.compile(r"(/a/[0-9a-f]{32}/|/join/)[A-Za-z0-9_\-]+")
# Route variables holding such secrets (for the request log).
SECRET_VIEW_ARGS = ("key", "token")
REDACTED = "[redacted]"


def redact_line(text: str) -> str:
    text = _QUERY_IN_REQUEST_LINE.sub(r"\1", text)
    text = _URL_QUERY.sub(r"\1", text)
    text = _PATH_QUERY.sub(r"\1", text)
    return _SECRET_PATHS.sub(r"\1" + REDACTED, text)


UNMATCHED_PATH = "[a path no route matches]"


def loggable_path() -> str:
    """The request's path with any secret route variable replaced (and no query string). A path
    no route matches is whatever the client typed (a name, a member id): it is not logged."""
    if request.url_rule is None:
        return UNMATCHED_PATH
    path = request.path
    for name in SECRET_VIEW_ARGS:
        value = (request.view_args or {}).get(name)
        if isinstance(value, str) and value:
            path = path.replace(value, REDACTED)
    return path


def safe_exception_text(exc_info) -> str:
    """A traceback with the frames but not the exception's message: messages of validation
    errors quote the input (a patient's name, a member id)."""
    exc_type, exc, tb = exc_info
    frames = "".join(traceback.format_tb(tb))
    name = exc_type.__qualname__ if exc_type else "Exception"
    return f"Traceback (most recent call last):\n{frames}{name}: (message withheld: may hold health data)"


_EXCEPTION_NAME = re.compile(r"^\s*([A-Za-z_][\w.]*)")


def _withhold_exception_argument(record: logging.LogRecord) -> None:
    """Celery logs a failed or retried task as "...: %(exc)s", the exception's repr: its message
    can quote the input, and a database error's quotes the SQL parameters. Keep only its type."""
    args = record.args
    if isinstance(args, dict) and isinstance(args.get("exc"), str):
        match = _EXCEPTION_NAME.match(args["exc"])
        name = match.group(1) if match else "exception"
        record.args = {**args, "exc": f"{name} (message withheld: may hold health data)"}


def _sanitize(record: logging.LogRecord) -> None:
    _withhold_exception_argument(record)
    try:
        message = record.getMessage()
    except Exception:  # a malformed record is the logging system's problem, not ours
        return
    redacted = redact_line(message)
    if redacted != message:
        record.msg, record.args = redacted, ()
    if record.exc_info and record.exc_info[0] is not None:
        record.exc_text = safe_exception_text(record.exc_info)


def install_log_filter() -> None:
    """Sanitize every log record as it is made, whatever logger or handler (Flask, werkzeug,
    gunicorn, Celery, a test's capture) later writes it: query strings leave request lines, and
    exception messages leave tracebacks. Installed once per process."""
    factory = logging.getLogRecordFactory()
    if getattr(factory, "appeals_sanitizing", False):
        return

    def sanitizing_factory(*args, **kwargs):
        record = factory(*args, **kwargs)
        _sanitize(record)
        return record

    sanitizing_factory.appeals_sanitizing = True
    logging.setLogRecordFactory(sanitizing_factory)
    # SQL parameters are case data: never let a DEBUG root logger print them.
    logging.getLogger("sqlalchemy.engine").setLevel(logging.WARNING)


_request_log = logging.getLogger("appeals.requests")


def log_request(response):
    # Path only (ids are random and reveal nothing); never the query string or the body.
    _request_log.info("%s %s %s", request.method, loggable_path(), response.status_code)
    return response
