"""Accounts in the browser: sign up, sign in and out, invitations, API tokens, organization
settings. Blueprint "auth" (the names base.html's navigation links to).
"""

from __future__ import annotations

import smtplib
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
from sqlalchemy import func, select

from ..accounts import invitations as invites
from ..accounts import sessions
from ..accounts.forms import (
    ButtonForm,
    InvitationForm,
    JoinForm,
    LoginForm,
    PasswordChangeForm,
    RetentionForm,
    RoleForm,
    SignupForm,
    TokenForm,
)
from ..accounts.login import authenticate
from ..accounts.passwords import check_password, hash_password
from ..accounts.tokens import create_token, live_tokens, revoke_all, revoke_token
from ..accounts.users import AccountError, create_organization_with_admin
from ..audit import record_event
from ..extensions import db, limiter
from ..models import ApiToken, Invitation, User, utcnow
auth = Blueprint("auth", __name__)


EXPIRED_FORM = "This form had expired, so nothing was done. Please try again."
# Where to go back to after a form expired (the Referer is never sent: Referrer-Policy).
_BACK_AFTER_EXPIRY = {
    **dict.fromkeys(("auth.create_api_token", "auth.revoke_api_token", "auth.change_password"),
                    "auth.settings"),
    **dict.fromkeys(("auth.set_retention", "auth.create_invitation", "auth.revoke_invitation",
                     "auth.set_role", "auth.remove_member"), "auth.organization"),
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
    for endpoint in ("appeal_pages.index", "intake.start"):
        if endpoint in current_app.view_functions:
            return url_for(endpoint)
    return url_for("auth.settings")


def _form_error(form, error: AccountError) -> None:
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
            _form_error(form, error)
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
            _form_error(form, error)
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


# ----------------------------------------------------------------------------------------------
# Organization: members, invitations, retention (admins change; members see)


def _organization_or_404():
    if current_user.organization_id is None:
        abort(404)
    return current_user.organization


def _admin_or_404():
    organization = _organization_or_404()
    if not current_user.is_admin:
        abort(404)
    return organization


def _members(organization_id: int) -> list[User]:
    return list(db.session.execute(
        select(User).where(User.organization_id == organization_id, User.disabled_at.is_(None))
        .order_by(User.email)
    ).scalars())


def _organization_page(*, retention_form=None, invitation_form=None, new_link: str | None = None,
                       status: int = 200):
    organization = _organization_or_404()
    return render_template(
        "accounts/organization.html",
        organization=organization,
        members=_members(organization.id),
        invitations=invites.pending_for(organization.id) if current_user.is_admin else [],
        retention_form=retention_form or RetentionForm(
            formdata=None, retention_days=organization.retention_days),
        invitation_form=invitation_form or InvitationForm(formdata=None),
        button=ButtonForm(formdata=None),
        new_link=new_link,
    ), status


@auth.get("/organization")
@login_required
def organization():
    return _organization_page()


@auth.post("/organization/retention")
@login_required
def set_retention():
    organization = _admin_or_404()
    form = RetentionForm()
    if not form.validate_on_submit():
        return _organization_page(retention_form=form, status=400)
    organization.retention_days = form.retention_days.data
    db.session.commit()
    flash(f"Appeals and letters are now kept for {organization.retention_days} days.", "info")
    return redirect(url_for("auth.organization"))


@auth.post("/organization/invitations")
@login_required
def create_invitation():
    organization = _admin_or_404()
    form = InvitationForm()
    if not form.validate_on_submit():
        return _organization_page(invitation_form=form, status=400)
    try:
        invitation, token = invites.create_invitation(
            organization, current_user, form.email.data or None, form.role.data)
    except AccountError as error:
        _form_error(form, error)
        return _organization_page(invitation_form=form, status=400)
    record_event("created", invitation)
    link = url_for("auth.join", token=token, _external=True)
    return _organization_page(new_link=link)


def _invitation_or_404(invitation_id: int) -> Invitation:
    organization = _admin_or_404()
    invitation = db.session.execute(
        select(Invitation).where(Invitation.id == invitation_id,
                                 Invitation.organization_id == organization.id)
    ).scalar_one_or_none()
    if invitation is None or not invites.is_pending(invitation):
        abort(404)
    return invitation


@auth.post("/organization/invitations/<int:invitation_id>/revoke")
@login_required
def revoke_invitation(invitation_id: int):
    invitation = _invitation_or_404(invitation_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    invites.revoke(invitation)
    record_event("revoked", invitation)
    flash("The invitation link no longer works.", "info")
    return redirect(url_for("auth.organization"))


def _member_or_404(user_id: int) -> User:
    organization = _admin_or_404()
    member = db.session.execute(
        select(User).where(User.id == user_id, User.organization_id == organization.id,
                           User.disabled_at.is_(None))
    ).scalar_one_or_none()
    if member is None:
        abort(404)
    return member


def _admin_count(organization_id: int) -> int:
    return db.session.execute(
        select(func.count()).select_from(User).where(
            User.organization_id == organization_id, User.role == "admin",
            User.disabled_at.is_(None))
    ).scalar_one()


@auth.post("/organization/members/<int:user_id>/role")
@login_required
def set_role(user_id: int):
    member = _member_or_404(user_id)
    form = RoleForm()
    if not form.validate_on_submit():
        abort(400)
    if member.role == "admin" and form.role.data != "admin" and _admin_count(member.organization_id) == 1:
        flash("An organization needs at least one admin: make someone else admin first.", "error")
        return redirect(url_for("auth.organization"))
    member.role = form.role.data
    db.session.commit()
    flash(f"{member.email} is now {'an admin' if member.is_admin else 'a member'}.", "info")
    return redirect(url_for("auth.organization"))


@auth.post("/organization/members/<int:user_id>/remove")
@login_required
def remove_member(user_id: int):
    member = _member_or_404(user_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    if member.id == current_user.id:
        flash("You cannot remove yourself.", "error")
        return redirect(url_for("auth.organization"))
    # Disabled rather than deleted: the organization's appeals they filed stay with it.
    member.disabled_at = utcnow()
    db.session.commit()
    revoke_all(member)
    record_event("disabled", member)
    flash(f"{member.email} can no longer sign in or use API tokens.", "info")
    return redirect(url_for("auth.organization"))


# ----------------------------------------------------------------------------------------------
# Deleting a batch now (appeals.privacy.delete_record). An appeal's delete page is
# appeal_pages.delete (the web pages area), built on the same helpers.


def _deleter():
    return current_user if current_user.is_authenticated else None


def _confirm_delete(record, *, what: str, detail: str, back: str, done: str):
    """GET asks; POST (with its CSRF token) deletes. Someone who may see the record but did not
    file it (and is not an admin) is told who can."""
    from ..privacy import delete_record, may_delete

    if not may_delete(record, _deleter()):
        return render_template(
            "accounts/message.html", title=f"You cannot delete this {what}",
            message=f"Only the person who filed this {what} or an admin of your organization "
                    "can delete it.",
        ), 403
    form = ButtonForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        delete_record(record)
        flash(f"The {what} is deleted, with everything in it. It cannot be brought back.", "info")
        return redirect(done, code=303)
    return render_template("accounts/delete.html", what=what, detail=detail, back=back)


@auth.route("/bulk/<batch_id>/delete", methods=["GET", "POST"])
@login_required
def delete_batch(batch_id: str):
    from ..access import get_owned_or_404
    from ..models.batches import Batch

    batch = get_owned_or_404(Batch, batch_id)
    has_pages = "bulk.batch" in current_app.view_functions
    return _confirm_delete(
        batch, what="batch",
        detail="Every row of the spreadsheet, every appeal made from it and every letter are "
               "deleted now.",
        back=url_for("bulk.batch", batch_id=batch.id) if has_pages else "/",
        done=url_for("bulk.index") if has_pages else "/",
    )


# ----------------------------------------------------------------------------------------------
# An anonymous patient emails their own link to themselves (only where mail is configured)


@auth.app_template_global("mail_configured")
def _mail_configured() -> bool:
    from ..accounts.mail import mail_configured

    return mail_configured()


def _appeal_for_link(link: str):
    """The anonymous appeal a link of ours opens (its key checked), else None."""
    from werkzeug.exceptions import HTTPException

    from ..services import appeals as appeal_service

    path = urlsplit(link or "").path
    try:
        endpoint, args = current_app.url_map.bind("localhost").match(path, method="GET")
    except HTTPException:
        return None
    if endpoint != "appeal_pages.open_link":
        return None
    appeal = appeal_service.appeal_for_access_key(args["appeal_id"], args["key"])
    if appeal is None or appeal.owner_id is not None or appeal.organization_id is not None:
        return None
    return appeal


@auth.post("/link/email")
@limiter.limit(lambda: current_app.config["MAIL_RATE_LIMIT"])
def email_link():
    from ..accounts.mail import mail_configured, send_mail
    from ..accounts.users import AccountError, normalize_email

    if not mail_configured():
        abort(404)
    if not ButtonForm().validate_on_submit():
        abort(400)
    link = request.form.get("link", "")
    appeal = _appeal_for_link(link)
    if appeal is None:
        abort(404)
    back = url_for("appeal_pages.show", appeal_id=appeal.id)
    try:
        address = normalize_email(request.form.get("email", ""))
    except AccountError as error:
        flash(f"The link was not sent: {error.message}", "error")
        return redirect(back, code=303)
    days = current_app.config["DEFAULT_RETENTION_DAYS"]
    body = (
        "Here is the link to the appeal you started. Anyone with it can open the appeal, so keep "
        f"it private:\n\n{link}\n\nIt works until you delete the appeal, or {days} days after "
        "you created it, when it is deleted for your privacy.\n\nYou asked for this email on the "
        "appeal's page. If you did not, you can ignore it.\n"
    )
    try:
        send_mail(address, "Your appeal link", body)
    except (OSError, smtplib.SMTPException):
        current_app.logger.warning("sending an appeal link failed (mail server error)")
        flash("The email could not be sent right now. Copy the link instead.", "error")
        return redirect(back, code=303)
    record_event("link_emailed", appeal)
    flash("We sent the link to the address you gave. We did not keep the address.", "info")
    return redirect(back, code=303)


# ----------------------------------------------------------------------------------------------
# The organization's audit log, for its admins


ACTIVITY_PAGE_SIZE = 200


@auth.get("/organization/activity")
@login_required
def activity():
    from ..models import AuditEvent

    organization = _admin_or_404()
    events = db.session.execute(
        select(AuditEvent).where(AuditEvent.organization_id == organization.id)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(ACTIVITY_PAGE_SIZE)
    ).scalars().all()
    people = dict(db.session.execute(
        select(User.id, User.email).where(User.organization_id == organization.id)
    ).all())
    return render_template("accounts/activity.html", organization=organization, events=events,
                           people=people, limit=ACTIVITY_PAGE_SIZE)
