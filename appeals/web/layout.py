"""What every page shares: the navigation and the helpers base.html uses.

Areas add their pages to the navigation by endpoint name.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, request, url_for
from flask_login import current_user

layout = Blueprint("layout", __name__)


@dataclass(frozen=True)
class NavLink:
    endpoint: str
    label: str
    # "any": always; "signed_in": only for a logged-in user; "signed_out": only for a visitor.
    audience: str = "any"


# Order is the order in the bar. Add an area's entry here (one line) when its pages exist.
NAV_LINKS: tuple[NavLink, ...] = (
    NavLink("intake.start", "New appeal"),
    NavLink("appeal_pages.index", "My appeals", "signed_in"),
    NavLink("bulk.index", "Bulk", "signed_in"),
    NavLink("letter_library.index", "Templates", "signed_in"),
    NavLink("auth.login", "Sign in", "signed_out"),
    NavLink("auth.settings", "Account", "signed_in"),
    NavLink("auth.logout", "Sign out", "signed_in"),
)


def _signed_in() -> bool:
    return bool(current_user and current_user.is_authenticated)


@layout.app_template_global()
def nav_links() -> list[dict]:
    """The navigation entries to show now: registered endpoints for this kind of visitor."""
    signed_in = _signed_in()
    links = []
    for link in NAV_LINKS:
        if link.audience == "signed_in" and not signed_in:
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

