"""The site's own error pages: every HTTP error outside the JSON API answers with a page in the
site's layout that says what may have happened and where to go next (never Werkzeug's bare page).

Blueprints keep their own handlers for what they can say better (an expired form shows the form
again; an oversized spreadsheet names its limit); this is what every other error gets. Paths under
/api/ are the JSON API's: they are left to its handlers.
"""

from __future__ import annotations

from flask import Flask, current_app, render_template, request
from flask_login import current_user
from werkzeug.exceptions import HTTPException

API_PREFIX = "/api/"

# code -> (title, what may have happened: one or more sentences)
PAGES: dict[int, tuple[str, list[str]]] = {
    400: ("The request could not be understood", [
        "A form may have been sent incomplete, or a link may have been cut short when it was "
        "copied. Nothing was changed.",
    ]),
    403: ("You cannot open this page", [
        "It belongs to another person or organization, or it needs a role you do not have.",
        "If it is yours, sign in with the account that created it.",
    ]),
    404: ("We cannot find that page", [
        "The link may be mistyped or incomplete: a private appeal link works only when copied "
        "whole, with every character after /a/.",
        "The appeal (or batch or template) may have been deleted, by you or because it passed its "
        "retention date: appeals are deleted {days} days after they are created unless an "
        "organization keeps them for another period.",
    ]),
    405: ("That page cannot be used that way", [
        "A button's address was opened as a page, or a page was sent a form it does not take. "
        "Nothing was changed.",
    ]),
    410: ("That is no longer here", [
        "It was deleted, by you or because it passed its retention date.",
    ]),
    413: ("That was too large", [
        "The upload or form is larger than this server accepts ({limit}). Send a smaller file, or "
        "split a spreadsheet into several.",
    ]),
    429: ("Too many attempts", [
        "Too many requests came from your network in a short time. Wait a minute, then try again.",
    ]),
    500: ("Something went wrong on our side", [
        "It was not anything you did. Nothing you entered is shown to anyone else. Try again in a "
        "moment; if a letter was being written, open the appeal and press “Try again”.",
    ]),
}


def _size(limit: int | None) -> str:
    if not limit:
        return "its limit"
    return f"{limit / (1024 * 1024):g} MB"


def error_page(exc: HTTPException):
    if request.path.startswith(API_PREFIX):
        from .api import json_error  # the API's own form; imported late: api imports this package

        return json_error(exc)
    code = exc.code or 500
    title, reasons = PAGES.get(code, (exc.name, [exc.description or ""]))
    days = current_app.config.get("DEFAULT_RETENTION_DAYS", 90)
    limit = _size(current_app.config.get("MAX_CONTENT_LENGTH"))
    reasons = [reason.format(days=days, limit=limit) for reason in reasons]
    signed_in = bool(current_user and current_user.is_authenticated)
    response = current_app.make_response((render_template(
        "errors/page.html", code=code, title=title, reasons=reasons, signed_in=signed_in), code))
    if code == 405 and getattr(exc, "valid_methods", None):
        response.headers["Allow"] = ", ".join(exc.valid_methods)
    if code == 429 and exc.response is not None and exc.response.headers.get("Retry-After"):
        response.headers["Retry-After"] = exc.response.headers["Retry-After"]
    response.headers["Cache-Control"] = "no-store"
    return response


def register(app: Flask) -> None:
    # An unhandled exception reaches this as an InternalServerError (500), an HTTPException too.
    app.register_error_handler(HTTPException, error_page)
