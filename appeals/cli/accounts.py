"""`appeals users create|set-password`, `appeals tokens create|list|revoke` and `appeals purge`."""

from __future__ import annotations

import sys

import click
from sqlalchemy import select

from ..audit import record_event
from . import cli


def _user_or_exit(email: str):
    from ..accounts.users import find_user

    user = find_user(email)
    if user is None:
        raise click.ClickException(f"no user with the email {email!r}")
    return user


@cli.group()
def users() -> None:
    """Manage user accounts."""


@users.command("create")
@click.option("--email", required=True, help="The user's email address (their sign-in name).")
@click.option("--org", "--organization", "org_name",
              help="Organization name: joined if it exists, else created.")
@click.option("--admin", is_flag=True, help="Make the user an admin of the organization.")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of stdin.")
def create_user_command(email: str, org_name: str | None, admin: bool, password_stdin: bool) -> None:
    """Create a user (the first admin of an organization, typically)."""
    from ..accounts.users import AccountError, create_user
    from ..extensions import db
    from ..models import Organization

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    organization = None
    created_org = False
    if org_name:
        organization = db.session.execute(
            select(Organization).where(Organization.name == org_name.strip())
        ).scalars().first()
        if organization is None:
            organization = Organization(name=org_name.strip()[:200])
            db.session.add(organization)
            db.session.flush()
            created_org = True
    elif admin:
        raise click.UsageError("--admin needs --org (an admin administers an organization)")
    try:
        user = create_user(email, password, organization, role="admin" if admin else "member")
    except AccountError as error:
        db.session.rollback()
        raise click.ClickException(f"{error.field}: {error.message}") from None
    db.session.commit()
    where = ""
    if organization is not None:
        where = f" in {'new ' if created_org else ''}organization {organization.name!r}"
    click.echo(f"created {user.role} {user.email} (user id {user.id}){where}")


@users.command("set-password")
@click.option("--email", required=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of stdin.")
def set_password_command(email: str, password_stdin: bool) -> None:
    """Set a user's password (someone who forgot theirs) and lift any lock. Their open sessions
    end; their API tokens keep working."""
    from ..accounts.passwords import hash_password
    from ..accounts.users import AccountError, check_password_strength
    from ..extensions import db

    user = _user_or_exit(email)
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("New password", hide_input=True, confirmation_prompt=True)
    try:
        check_password_strength(password)
    except AccountError as error:
        raise click.ClickException(f"{error.field}: {error.message}") from None
    user.password_hash = hash_password(password)
    user.failed_logins = 0
    user.locked_until = None
    db.session.commit()
    click.echo(f"password set for {user.email}")


@cli.group()
def tokens() -> None:
    """Manage API tokens."""


@tokens.command("create")
@click.option("--email", required=True, help="The user the token acts as.")
@click.option("--name", required=True, help="What will use the token (shown in the list).")
def create_token_command(email: str, name: str) -> None:
    """Create an API token and print it. It is shown only this once."""
    from ..accounts.tokens import create_token

    user = _user_or_exit(email)
    if not user.is_active:
        raise click.ClickException(f"{email} is disabled")
    record, plain = create_token(user, name.strip()[:100])
    record_event("created", record)
    click.echo(f"token id {record.id} for {user.email} ({record.name}); "
               "copy it now, it is not shown again:", err=True)
    click.echo(plain)


@tokens.command("list")
@click.option("--email", required=True)
def list_tokens_command(email: str) -> None:
    """List a user's live tokens (ids and names; never the tokens)."""
    from ..accounts.tokens import live_tokens

    for record in live_tokens(_user_or_exit(email)):
        used = record.last_used_at.strftime("%Y-%m-%d %H:%M") if record.last_used_at else "never"
        click.echo(f"{record.id}\t{record.name}\tcreated {record.created_at:%Y-%m-%d}\tlast used {used}")


@tokens.command("revoke")
@click.argument("token_id", type=int)
def revoke_token_command(token_id: int) -> None:
    """Revoke a token by its id: it stops working at once."""
    from ..accounts.tokens import revoke_token
    from ..extensions import db
    from ..models import ApiToken

    record = db.session.get(ApiToken, token_id)
    if record is None:
        raise click.ClickException(f"no token with id {token_id}")
    revoke_token(record)
    record_event("revoked", record)
    click.echo(f"revoked token {record.id} ({record.name}) of {record.user.email}")


@cli.command("purge")
def purge_command() -> None:
    """Delete now every record past its organization's retention (the worker does this hourly)."""
    from .. import privacy

    deleted = privacy.purge_expired()
    if not deleted:
        click.echo("nothing is past its retention")
    for table, count in sorted(deleted.items()):
        click.echo(f"deleted {count} {table}")
