"""The list of a person's appeals, sorted and paginated the same way for "My appeals" and for
`GET /api/v1/appeals`: newest first by default, or by the appeal deadline (soonest first, those
without one last). The deadline lives in the stored result, read in SQL (json_extract on SQLite,
->> on PostgreSQL), so a page of 50 never loads the rest.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy import func, select

from ..access import scoped
from ..extensions import db
from ..models.appeals import Appeal

SORTS = ("newest", "oldest", "deadline")
DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 200


class ListError(ValueError):
    """A sort, page or page size a person cannot have; ``field`` names it."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


@dataclass
class AppealPage:
    appeals: list[Appeal]
    page: int
    per_page: int
    total: int
    sort: str

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))


def deadline_column():
    return Appeal.result_json["deadline"]["date"].as_string()


def _whole(value, field: str, low: int, high: int | None, default: int) -> int:
    if value in (None, ""):
        return default
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ListError(field, f"{field} must be a whole number") from None
    if number < low or (high is not None and number > high):
        raise ListError(field, f"{field} must be from {low}" + (f" to {high}" if high else " up"))
    return number


def appeal_page(sort: str | None = None, page=None, per_page=None) -> AppealPage:
    """One page of the appeals the current principal may open."""
    sort = sort or "newest"
    if sort not in SORTS:
        raise ListError("sort", "sort must be one of " + ", ".join(SORTS))
    page = _whole(page, "page", 1, None, 1)
    per_page = _whole(per_page, "per_page", 1, MAX_PER_PAGE, DEFAULT_PER_PAGE)
    query = scoped(Appeal)
    if sort == "deadline":
        query = query.order_by(deadline_column().asc().nulls_last(), Appeal.created_at.desc())
    elif sort == "oldest":
        query = query.order_by(Appeal.created_at.asc())
    else:
        query = query.order_by(Appeal.created_at.desc())
    total = db.session.scalar(select(func.count()).select_from(scoped(Appeal).subquery()))
    appeals = db.session.scalars(query.offset((page - 1) * per_page).limit(per_page)).all()
    return AppealPage(list(appeals), page, per_page, total or 0, sort)
