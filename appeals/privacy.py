"""Retention and deletion: health data does not linger.

- `purge_expired()` deletes every owned record older than its organization's `retention_days`
  (records of users without an organization, and anonymous patients' records, by
  DEFAULT_RETENTION_DAYS). It runs periodically in the worker (appeals/tasks.py).
- `delete_record(record)` deletes one record at once, when its owner asks.

Both delete the record's row; the database deletes what depends on it (an appeal's letter, a
batch's rows and appeals, a template's versions) by its foreign keys' ON DELETE CASCADE, which
SQLite enforces too (PRAGMA foreign_keys, set on every connection by the app factory).

Which records: every model with the `Owned` mixin (so a new kind of record is covered without
editing this file). A model with a `visibility` column is purged only where it is "private"
(shared and published templates belong to their organization or everyone); a model with
`keep_past_retention = True` (or listed in KEPT_TABLES) holds no health data and is never purged.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from flask import current_app, has_app_context
from sqlalchemy import Table, and_, delete, insert, select

from .extensions import db
from .models import AuditEvent, Organization, Owned, utcnow
from .models.accounts import DEFAULT_RETENTION_DAYS

PURGE_TASK = "appeals.purge_expired"
_CHUNK = 500
# Owned tables without health data, kept past retention (a clinic's saved column mapping).
KEPT_TABLES = {"column_mappings"}


# ----------------------------------------------------------------------------------------------
# Which records


def owned_models() -> list[type]:
    """Every mapped model with an owner, in a stable order."""
    models = [
        mapper.class_ for mapper in db.Model.registry.mappers
        if issubclass(mapper.class_, Owned)
        and not getattr(mapper.class_, "keep_past_retention", False)
        and mapper.class_.__tablename__ not in KEPT_TABLES
    ]
    return sorted(models, key=lambda model: model.__tablename__)


def _expired_clause(model, now: datetime, default_days: int):
    """created_at older than the retention of the record's organization (or the default)."""
    clauses = [and_(model.organization_id.is_(None),
                    model.created_at < now - timedelta(days=default_days))]
    retention_values = db.session.execute(select(Organization.retention_days).distinct()).scalars()
    for days in retention_values:
        orgs_with_days = select(Organization.id).where(Organization.retention_days == days)
        clauses.append(and_(model.organization_id.in_(orgs_with_days),
                            model.created_at < now - timedelta(days=days)))
    condition = clauses[0]
    for clause in clauses[1:]:
        condition = condition | clause
    visibility = getattr(model, "visibility", None)
    if visibility is not None:
        condition = and_(condition, visibility == "private")
    return condition


def expired_ids(model, now: datetime | None = None, default_days: int | None = None) -> list:
    now = now or utcnow()
    default_days = default_days if default_days is not None else DEFAULT_RETENTION_DAYS
    return list(db.session.execute(
        select(model.id).where(_expired_clause(model, now, default_days))
    ).scalars())


# ----------------------------------------------------------------------------------------------
# Deleting with dependents


def _chunks(ids: list):
    for start in range(0, len(ids), _CHUNK):
        yield ids[start:start + _CHUNK]


def _primary_key(table: Table):
    (column,) = table.primary_key.columns
    return column


def _delete_rows(table: Table, ids: list, counts: Counter) -> None:
    """Delete rows of `table` with these primary keys; the database deletes their dependents.
    `counts` gets every row that goes, dependents included (counted first, for the report)."""
    if not ids:
        return
    _count_dependents(table, ids, counts)
    primary_key = _primary_key(table)
    for chunk in _chunks(ids):
        counts[table.name] += db.session.execute(delete(table).where(primary_key.in_(chunk))).rowcount


def _count_dependents(table: Table, ids: list, counts: Counter) -> None:
    """Count the rows ON DELETE CASCADE will take with these (only to report them)."""
    for child in db.metadata.tables.values():
        for fk in child.foreign_keys:
            if (fk.column.table is not table or child is table
                    or (fk.ondelete or "").upper() != "CASCADE"):
                continue
            child_ids: list = []
            for chunk in _chunks(ids):
                child_ids.extend(db.session.execute(
                    select(_primary_key(child)).where(fk.parent.in_(chunk))).scalars())
            counts[child.name] += len(child_ids)
            _count_dependents(child, child_ids, counts)


def _audit(action: str, table_name: str, ids: list, via: str, user_id=None, organization_id=None):
    if ids:
        db.session.execute(insert(AuditEvent), [
            {"action": action, "record_type": table_name, "record_id": str(record_id), "via": via,
             "user_id": user_id, "organization_id": organization_id, "at": utcnow()}
            for record_id in ids
        ])


def delete_record(record) -> Counter:
    """Delete `record` (an appeal, a batch, a template…) and everything depending on it, now.

    The caller has already checked that the current user may (appeals.access.get_owned_or_404).
    Records a "deleted" audit event and commits. Returns rows deleted per table."""
    from .audit import record_event

    table = record.__table__
    record_id = record.id
    record_event("deleted", record, commit=False)
    db.session.flush()
    db.session.expunge(record)  # the rows go by SQL below; the session must not write it back
    counts: Counter = Counter()
    _delete_rows(table, [record_id], counts)
    db.session.commit()
    return counts


def may_delete(record, user) -> bool:
    """Who may delete a record they can see: the person who filed it, an admin of its
    organization, or (a record without an owner) the anonymous patient whose link opened it.
    `user` is the signed-in or token user, None for an anonymous visitor."""
    if user is None:
        return record.owner_id is None and record.organization_id is None
    if record.owner_id == user.id:
        return True
    return (record.organization_id is not None and record.organization_id == user.organization_id
            and user.role == "admin")


def purge_expired(now: datetime | None = None, default_days: int | None = None) -> dict[str, int]:
    """Delete every owned record past its retention, with its dependents. Commits.

    Returns the number of rows deleted per table (dependents included)."""
    now = now or utcnow()
    if default_days is None and has_app_context():
        default_days = current_app.config.get("DEFAULT_RETENTION_DAYS")
    counts: Counter = Counter()
    for model in owned_models():
        ids = expired_ids(model, now, default_days)
        if not ids:
            continue
        _delete_rows(model.__table__, ids, counts)
        _audit("purged", model.__tablename__, ids, via="worker")
        db.session.commit()
    return {table: count for table, count in counts.items() if count}
