"""Creating organizations and users, shared by the sign-up page, invitations and the CLI."""

from __future__ import annotations

from flask import current_app, has_app_context
from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select

from ..extensions import db
from ..models import Organization, User
from .passwords import hash_password

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1024  # Argon2 takes anything; this only bounds the work an attacker can ask for


class AccountError(ValueError):
    """A problem a person can fix, with the field it concerns."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def _test_domains_allowed() -> bool:
    # Synthetic addresses (name@example.test) in tests and development; real ones elsewhere.
    if not has_app_context():
        return False
    return current_app.testing or current_app.config["APPEALS_ENV"] in ("development", "testing")


def normalize_email(email: str) -> str:
    try:
        # No DNS lookups: sign-up must not depend on the network.
        return validate_email(
            email.strip(), check_deliverability=False, test_environment=_test_domains_allowed()
        ).normalized.lower()
    except EmailNotValidError as exc:
        raise AccountError("email", f"Enter a valid email address ({exc}).") from None


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(
            "password", f"Use at least {MIN_PASSWORD_LENGTH} characters (a few words work well)."
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise AccountError("password", f"Use at most {MAX_PASSWORD_LENGTH} characters.")


def find_user(email: str) -> User | None:
    try:
        email = normalize_email(email)
    except AccountError:
        return None
    return db.session.execute(
        select(User).where(func.lower(User.email) == email)
    ).scalar_one_or_none()


def create_user(
    email: str, password: str, organization: Organization | None, role: str = "member"
) -> User:
    """Add (not commit) a user; raises AccountError for a bad email/password or a taken email."""
    email = normalize_email(email)
    check_password_strength(password)
    if find_user(email) is not None:
        raise AccountError("email", "An account with this email already exists; sign in instead.")
    user = User(
        email=email,
        password_hash=hash_password(password),
        organization_id=organization.id if organization else None,
        role=role,
    )
    db.session.add(user)
    db.session.flush()
    return user


def create_organization_with_admin(org_name: str, email: str, password: str) -> User:
    """Sign-up: a new organization whose first user is its admin. Commits."""
    org_name = org_name.strip()
    if not org_name:
        raise AccountError("organization", "Enter your organization's name.")
    organization = Organization(name=org_name[:200])
    db.session.add(organization)
    db.session.flush()
    try:
        user = create_user(email, password, organization, role="admin")
    except AccountError:
        db.session.rollback()
        raise
    db.session.commit()
    return user
