"""Retention and deletion: health data does not linger.

- `purge_expired()` deletes every owned record older than its organization's `retention_days`
  (records of users without an organization, and anonymous patients' records, by
  DEFAULT_RETENTION_DAYS). It runs periodically in the worker (worker/tasks/privacy.py).
- `delete_record(record)` deletes one record at once, when its owner asks.

Both delete what depends on the record too: rows whose foreign key points at it (an appeal's
letter, a template's versions) and rows tied to it by a plain id column (a batch's appeals), so
nothing is left behind even where the database does not enforce ON DELETE CASCADE (SQLite).

Which records: every model with the `Owned` mixin (so a new kind of record is covered without
editing this file). A model with a `visibility` column is purged only where it is "private"
(shared and published templates belong to their organization or everyone); a model with
`keep_past_retention = True` (or listed in KEPT_TABLES) holds no health data and is never purged.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from flask import current_app, has_app_context
from sqlalchemy import Table, and_, delete, insert, select, update

from .extensions import db
from .models import AuditEvent, Organization, Owned, utcnow
from .models.accounts import DEFAULT_RETENTION_DAYS

PURGE_TASK = "appeals.purge_expired"
# Columns that hold another table's id without a foreign key: (table, column, referenced table).
# Deleting the referenced row deletes these rows too.
SOFT_REFERENCES = (("appeals", "batch_id", "batches"),)
_CHUNK = 500
# Owned tables without health data, kept past retention (a clinic's saved column mapping).
KEPT_TABLES = {"column_mappings"}


def beat_schedule(config) -> dict:
    """The Celery beat entry for the periodic purge (merged into the app's beat schedule)."""
    interval = int(config.get("PURGE_INTERVAL") or 3600)
    return {
        "purge-expired-records": {
            "task": PURGE_TASK,
            "schedule": timedelta(seconds=interval),
            "options": {"expires": interval},
        }
    }


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
    """Delete rows of `table` with these primary keys, dependents first."""
    if not ids:
        return
    tables = db.metadata.tables
    for child in tables.values():
        for fk in child.foreign_keys:
            if fk.column.table is not table or child is table:
                continue
            if (fk.ondelete or "").upper() == "SET NULL":
                for chunk in _chunks(ids):
                    db.session.execute(
                        update(child).where(fk.parent.in_(chunk)).values({fk.parent.name: None}))
                continue
            # CASCADE, or no rule at all: a dependent cannot outlive what it depends on.
            _delete_dependents(child, fk.parent, ids, counts)
    for child_name, column_name, parent_name in SOFT_REFERENCES:
        if parent_name == table.name and child_name in tables:
            child = tables[child_name]
            _delete_dependents(child, child.columns[column_name], ids, counts)
    primary_key = _primary_key(table)
    for chunk in _chunks(ids):
        result = db.session.execute(delete(table).where(primary_key.in_(chunk)))
        counts[table.name] += result.rowcount


def _delete_dependents(child: Table, column, parent_ids: list, counts: Counter) -> None:
    primary_key = _primary_key(child)
    child_ids: list = []
    for chunk in _chunks(parent_ids):
        child_ids.extend(db.session.execute(select(primary_key).where(column.in_(chunk))).scalars())
    _delete_rows(child, child_ids, counts)


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


def _delete_orphans(counts: Counter) -> None:
    """Rows whose parent is gone (a letter written while its appeal was being deleted, on a
    database that does not enforce foreign keys): they hold health data no one can reach."""
    tables = db.metadata.tables
    links = [(fk.parent.table, fk.parent, fk.column) for table in tables.values()
             for fk in table.foreign_keys
             if (fk.ondelete or "").upper() == "CASCADE" and fk.column.table.name != "users"
             and fk.column.table.name != "organizations"]
    links += [(tables[child], tables[child].columns[column], _primary_key(tables[parent]))
              for child, column, parent in SOFT_REFERENCES
              if child in tables and parent in tables]
    for child, column, parent_key in links:
        orphans = list(db.session.execute(
            select(_primary_key(child)).where(column.is_not(None),
                                              column.not_in(select(parent_key)))
        ).scalars())
        _delete_rows(child, orphans, counts)


def purge_expired(now: datetime | None = None, default_days: int | None = None) -> dict[str, int]:
    """Delete every owned record past its retention, with its dependents, and any dependent
    whose parent is already gone. Commits.

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
    _delete_orphans(counts)
    db.session.commit()
    return dict(counts)
