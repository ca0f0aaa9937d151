"""What every page's template may use: the navigation, and the filters for dates and check
messages. Installed by app.register_template_helpers().

Areas add their pages to the navigation by endpoint name.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from flask import request, url_for
from flask_login import current_user
from markupsafe import Markup, escape


@dataclass(frozen=True)
class NavLink:
    endpoint: str
    label: str
    # "any": always; "signed_in": only for a logged-in user; "signed_out": only for a visitor;
    # "admin": only for an admin of an organization.
    audience: str = "any"


# Order is the order in the bar. Add an area's entry here (one line) when its pages exist.
NAV_LINKS: tuple[NavLink, ...] = (
    NavLink("intake.start", "New appeal"),
    NavLink("appeal_pages.index", "My appeals", "signed_in"),
    NavLink("bulk.index", "Bulk", "signed_in"),
    NavLink("letter_library.index", "Templates", "signed_in"),
    NavLink("organization.show", "Organization", "admin"),
    NavLink("auth.login", "Sign in", "signed_out"),
    NavLink("auth.settings", "Account", "signed_in"),
    NavLink("auth.logout", "Sign out", "signed_in"),
)


def _signed_in() -> bool:
    return bool(current_user and current_user.is_authenticated)


def nav_links() -> list[dict]:
    """The navigation entries to show now: registered endpoints for this kind of visitor."""
    signed_in = _signed_in()
    links = []
    for link in NAV_LINKS:
        if link.audience in ("signed_in", "admin") and not signed_in:
            continue
        if link.audience == "admin" and not (getattr(current_user, "is_admin", False)
                                             and current_user.organization_id is not None):
            continue
        if link.audience == "signed_out" and signed_in:
            continue
        links.append(
            {
                "url": url_for(link.endpoint),
                "label": link.label,
                "current": request.endpoint == link.endpoint,
            }
        )
    return links


def long_date(value) -> str:
    """2025-03-14 -> March 14, 2025 (dates arrive as ISO strings from the stored JSON)."""
    if not value:
        return ""
    try:
        day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return str(value)
    return f"{day:%B} {day.day}, {day.year}"


_BACKTICKS = re.compile(r"`([^`]+)`")


def backticks_to_code(text: str | None) -> Markup:
    """Check messages quote tags in `backticks`; show those as <code> (everything escaped)."""
    escaped = str(escape(text or ""))
    return Markup(_BACKTICKS.sub(r"<code>\1</code>", escaped))
