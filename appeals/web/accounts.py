"""Accounts in the browser: sign up, sign in and out, joining by invitation, your API tokens and
password. Blueprint "auth". An organization's own pages are web/organization.py.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from flask_limiter.errors import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from sqlalchemy import select

from ..accounts import invitations as invites
from ..accounts import sessions
from ..accounts.login import authenticate
from ..accounts.passwords import check_password, hash_password
from ..accounts.tokens import create_token, live_tokens, revoke_token
from ..accounts.users import AccountError, create_organization_with_admin
from ..audit import record_event
from ..extensions import db, limiter
from ..models import ApiToken
from .forms import ButtonForm
from .forms.accounts import JoinForm, LoginForm, PasswordChangeForm, SignupForm, TokenForm

auth = Blueprint("auth", __name__)


EXPIRED_FORM = "This form had expired, so nothing was done. Please try again."
# Where to go back to after a form expired (the Referer is never sent: Referrer-Policy).
_BACK_AFTER_EXPIRY = {
    **dict.fromkeys(("auth.create_api_token", "auth.revoke_api_token", "auth.change_password"),
                    "auth.settings"),
    "auth.logout": "auth.logout",
}


@auth.errorhandler(CSRFError)
def _csrf_failed(error):
    """A form left open too long (or sent from elsewhere): nothing was done; say so on a page with
    fresh tokens rather than a bare error (400 either way)."""
    if request.endpoint in ("auth.login", "auth.signup"):
        form = LoginForm() if request.endpoint == "auth.login" else SignupForm()
        template = "accounts/login.html" if request.endpoint == "auth.login" else "accounts/signup.html"
        return render_template(template, form=form, error=EXPIRED_FORM), 400
    back = _BACK_AFTER_EXPIRY.get(request.endpoint)
    link = url_for(back) if back else request.path if request.endpoint == "auth.join" else "/"
    return render_template("accounts/message.html", title="The form expired", message=EXPIRED_FORM,
                           link=link), 400


@auth.errorhandler(RateLimitExceeded)
def _too_many(exc):
    form = LoginForm() if request.endpoint == "auth.login" else None
    message = "Too many attempts from your network; wait a minute and try again."
    if form is None:
        return render_template("accounts/message.html", title="Too many attempts",
                               message=message), 429
    return render_template("accounts/login.html", form=form, error=message), 429


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _safe_next(target: str | None) -> str | None:
    """Only a path on this site (never another host) may follow sign-in."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target:
        return None
    return target


def _home() -> str:
    return url_for("appeal_pages.index")


def form_error(form, error: AccountError) -> None:
    field = getattr(form, error.field, None)
    if field is not None:
        field.errors = [*field.errors, error.message]


# ----------------------------------------------------------------------------------------------
# Sign up, in and out


@auth.route("/signup", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def signup():
    if current_user.is_authenticated:
        return redirect(_home())
    if not current_app.config["SIGNUP_OPEN"]:
        return render_template(
            "accounts/message.html", title="Sign-up is closed",
            message="This service does not take new organizations here. If you work with an "
                    "organization that uses it, ask its admin for an invitation link. Patients "
                    "need no account: file your appeal from the start page.",
        ), 404
    form = SignupForm()
    if form.validate_on_submit():
        try:
            user = create_organization_with_admin(
                form.organization.data, form.email.data, form.password.data
            )
        except AccountError as error:
            form_error(form, error)
        else:
            sessions.start_session(user)
            flash("Your organization's account is ready. You are its admin.", "info")
            return redirect(_home())
    return render_template("accounts/signup.html", form=form)


@auth.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")) or _home())
    form = LoginForm()
    error = None
    status = 200
    if form.validate_on_submit():
        result = authenticate(form.email.data, form.password.data)
        if result.user is not None:
            sessions.start_session(result.user)
            return redirect(_safe_next(request.args.get("next")) or _home())
        error = result.error
        status = 429 if result.locked_minutes else 200
    elif form.is_submitted():
        status = 400
    return render_template("accounts/login.html", form=form, error=error), status


@auth.route("/logout", methods=["GET", "POST"])
def logout():
    form = ButtonForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        sessions.end_session()
        flash("You are signed out.", "info")
        return redirect(url_for("auth.login"))
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    # GET only asks: signing out changes state, so it takes a (CSRF-protected) button.
    return render_template("accounts/logout.html", form=form)


@auth.route("/join/<token>", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def join(token: str):
    invitation = invites.find_pending(token)
    if invitation is None:
        return render_template(
            "accounts/message.html", title="Invitation not valid",
            message="This invitation link is not valid: it may have expired, been used or been "
                    "withdrawn. Ask your organization's admin for a new one.",
        ), 404
    if current_user.is_authenticated:
        return render_template(
            "accounts/message.html", title="Already signed in",
            message="Sign out first to join another organization with a new account.",
        )
    form = JoinForm()
    if request.method == "GET" and invitation.email:
        form.email.data = invitation.email
    if form.validate_on_submit():
        try:
            user = invites.accept(invitation, form.email.data, form.password.data)
        except AccountError as error:
            db.session.rollback()
            form_error(form, error)
        else:
            sessions.start_session(user)
            flash(f"Welcome: you joined {user.organization.name}.", "info")
            return redirect(_home())
    return render_template("accounts/join.html", form=form, invitation=invitation)


# ----------------------------------------------------------------------------------------------
# Your account: API tokens and password


def _settings_page(*, new_token: str | None = None, token_form=None, password_form=None,
                   status: int = 200):
    return render_template(
        "accounts/settings.html",
        tokens=live_tokens(current_user),
        token_form=token_form or TokenForm(formdata=None),
        password_form=password_form or PasswordChangeForm(formdata=None),
        button=ButtonForm(formdata=None),
        new_token=new_token,
    ), status


@auth.get("/settings")
@login_required
def settings():
    return _settings_page()


@auth.post("/settings/tokens")
@login_required
def create_api_token():
    form = TokenForm()
    if not form.validate_on_submit():
        return _settings_page(token_form=form, status=400)
    record, plain = create_token(current_user, form.name.data.strip())
    record_event("created", record)
    # Shown once, in this response only (never in a flash, which would sit in the cookie).
    return _settings_page(new_token=plain)


@auth.post("/settings/tokens/<int:token_id>/revoke")
@login_required
def revoke_api_token(token_id: int):
    record = db.session.execute(
        select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == current_user.id,
                               ApiToken.revoked_at.is_(None))
    ).scalar_one_or_none()
    if record is None:
        abort(404)
    if not ButtonForm().validate_on_submit():
        abort(400)
    revoke_token(record)
    record_event("revoked", record)
    flash(f"Token “{record.name}” is revoked; it stopped working at once.", "info")
    return redirect(url_for("auth.settings"))


@auth.post("/settings/password")
@login_required
def change_password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        if not check_password(current_user.password_hash, form.current.data):
            form.current.errors = [*form.current.errors, "This is not your current password."]
        else:
            current_user.password_hash = hash_password(form.password.data)
            db.session.commit()
            sessions.keep_session_after_password_change(current_user)
            flash("Your password is changed; you are signed out everywhere else.", "info")
            return redirect(url_for("auth.settings"))
    return _settings_page(password_form=form, status=400)
