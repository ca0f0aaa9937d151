"""The Alembic migrations build exactly the schema the models describe, on SQLite and on
PostgreSQL. When this fails, a model changed without a migration: add a revision (see
appeals/migrations and /work/notes/service-api.md)."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from appeals.app import MIGRATIONS_DIR, create_app
from appeals.extensions import db
from support.workers import postgres_database


def schema_differences(url: str) -> list:
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade(directory=MIGRATIONS_DIR)
        try:
            with db.engine.connect() as connection:
                context = MigrationContext.configure(connection, opts={"compare_type": True})
                differences = compare_metadata(context, db.metadata)
            # The way down works too, and back up again.
            downgrade(directory=MIGRATIONS_DIR, revision="base")
            upgrade(directory=MIGRATIONS_DIR)
        finally:
            db.engine.dispose()
    return differences


def test_migrations_match_the_models_on_sqlite(tmp_path):
    assert schema_differences(f"sqlite:///{tmp_path / 'fresh.sqlite'}") == []


@pytest.mark.postgres
def test_migrations_match_the_models_on_postgresql():
    with postgres_database() as url:
        assert schema_differences(url) == []


def test_there_is_one_head(tmp_path):
    from alembic.script import ScriptDirectory
    from flask_migrate import Config

    config = Config()
    config.set_main_option("script_location", MIGRATIONS_DIR)
    heads = ScriptDirectory.from_config(config).get_heads()
    assert len(heads) == 1, f"several migration heads {heads}: chain the newer one after the other"
