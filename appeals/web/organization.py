"""An organization's pages: members and their roles, invitations, retention, and the audit log
(admins change; members see). Blueprint "organization"."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from flask_wtf.csrf import CSRFError
from sqlalchemy import func, select

from ..accounts import invitations as invites
from ..accounts.tokens import revoke_all
from ..accounts.users import AccountError
from ..audit import record_event
from ..extensions import db
from ..models import AuditEvent, Invitation, User, utcnow
from .accounts import EXPIRED_FORM, form_error
from .forms import ButtonForm
from .forms.accounts import InvitationForm, RetentionForm, RoleForm

organization = Blueprint("organization", __name__)


@organization.errorhandler(CSRFError)
def _csrf_failed(error):
    """A form left open too long: nothing was done; say so, with a link back (400)."""
    return render_template("accounts/message.html", title="The form expired", message=EXPIRED_FORM,
                           link=url_for("organization.show")), 400


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
        "organization/show.html",
        organization=organization,
        members=_members(organization.id),
        invitations=invites.pending_for(organization.id) if current_user.is_admin else [],
        retention_form=retention_form or RetentionForm(
            formdata=None, retention_days=organization.retention_days),
        invitation_form=invitation_form or InvitationForm(formdata=None),
        button=ButtonForm(formdata=None),
        new_link=new_link,
    ), status


@organization.get("/organization")
@login_required
def show():
    return _organization_page()


@organization.post("/organization/retention")
@login_required
def set_retention():
    organization = _admin_or_404()
    form = RetentionForm()
    if not form.validate_on_submit():
        return _organization_page(retention_form=form, status=400)
    organization.retention_days = form.retention_days.data
    db.session.commit()
    flash(f"Appeals and letters are now kept for {organization.retention_days} days.", "info")
    return redirect(url_for("organization.show"))


@organization.post("/organization/invitations")
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
        form_error(form, error)
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


@organization.post("/organization/invitations/<int:invitation_id>/revoke")
@login_required
def revoke_invitation(invitation_id: int):
    invitation = _invitation_or_404(invitation_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    invites.revoke(invitation)
    record_event("revoked", invitation)
    flash("The invitation link no longer works.", "info")
    return redirect(url_for("organization.show"))


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


@organization.post("/organization/members/<int:user_id>/role")
@login_required
def set_role(user_id: int):
    member = _member_or_404(user_id)
    form = RoleForm()
    if not form.validate_on_submit():
        abort(400)
    if member.role == "admin" and form.role.data != "admin" and _admin_count(member.organization_id) == 1:
        flash("An organization needs at least one admin: make someone else admin first.", "error")
        return redirect(url_for("organization.show"))
    member.role = form.role.data
    db.session.commit()
    flash(f"{member.email} is now {'an admin' if member.is_admin else 'a member'}.", "info")
    return redirect(url_for("organization.show"))


@organization.post("/organization/members/<int:user_id>/remove")
@login_required
def remove_member(user_id: int):
    member = _member_or_404(user_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    if member.id == current_user.id:
        flash("You cannot remove yourself.", "error")
        return redirect(url_for("organization.show"))
    # Disabled rather than deleted: the organization's appeals they filed stay with it.
    member.disabled_at = utcnow()
    db.session.commit()
    revoke_all(member)
    record_event("disabled", member)
    flash(f"{member.email} can no longer sign in or use API tokens.", "info")
    return redirect(url_for("organization.show"))


# ----------------------------------------------------------------------------------------------
# The organization's audit log, for its admins


ACTIVITY_PAGE_SIZE = 200


@organization.get("/organization/activity")
@login_required
def activity():
    organization = _admin_or_404()
    events = db.session.execute(
        select(AuditEvent).where(AuditEvent.organization_id == organization.id)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(ACTIVITY_PAGE_SIZE)
    ).scalars().all()
    people = dict(db.session.execute(
        select(User.id, User.email).where(User.organization_id == organization.id)
    ).all())
    return render_template("organization/activity.html", organization=organization, events=events,
                           people=people, limit=ACTIVITY_PAGE_SIZE)
