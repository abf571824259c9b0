"""The alembic migrations create every table Chainlit's SQL and APFA use, on PostgreSQL and on SQLite."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

import chat.models  # noqa: F401
from apfa.db import Base, sync_url
from chat.migrate import upgrade

# Columns named in the SQL of chainlit/data/sql_alchemy.py (2.12) and in the dicts it inserts.
CHAINLIT_COLUMNS = {
    "users": {"id", "identifier", "metadata", "createdAt"},
    "threads": {"id", "createdAt", "name", "userId", "userIdentifier", "tags", "metadata"},
    "steps": {
        "id",
        "name",
        "type",
        "threadId",
        "parentId",
        "streaming",
        "waitForAnswer",
        "isError",
        "metadata",
        "tags",
        "input",
        "output",
        "createdAt",
        "command",
        "modes",
        "start",
        "end",
        "generation",
        "showInput",
        "language",
        "defaultOpen",
        "autoCollapse",
    },
    "elements": {
        "id",
        "threadId",
        "type",
        "url",
        "chainlitKey",
        "name",
        "display",
        "objectKey",
        "size",
        "page",
        "language",
        "forId",
        "mime",
        "props",
        "autoPlay",
        "playerConfig",
    },
    "feedbacks": {"id", "forId", "threadId", "value", "comment"},
}
APFA_COLUMNS = {
    "credentials": {"identifier", "password_hash", "role", "created_at", "updated_at"},
    "audit_log": {"id", "at", "actor", "actor_role", "action", "target_user", "target_thread", "detail"},
}


def _check_schema(url: str) -> None:
    engine = create_engine(sync_url(url))
    try:
        inspector = inspect(engine)
        tables = set(inspector.get_table_names())
        for table, columns in {**CHAINLIT_COLUMNS, **APFA_COLUMNS}.items():
            assert table in tables
            assert columns <= {column["name"] for column in inspector.get_columns(table)}, table
        with engine.connect() as connection:
            assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
    finally:
        engine.dispose()


@pytest.mark.integration
def test_migrations_create_all_tables_on_a_fresh_postgresql_database(empty_pg_database):
    upgrade(empty_pg_database)
    _check_schema(empty_pg_database)
    upgrade(empty_pg_database)  # running again is a no-op
    engine = create_engine(sync_url(empty_pg_database))
    try:
        columns = {column["name"]: column for column in inspect(engine).get_columns("steps")}
        assert str(columns["metadata"]["type"]) == "JSONB"
        assert columns["tags"]["type"].__visit_name__ == "ARRAY"
        assert str(columns["id"]["type"]) == "UUID"
    finally:
        engine.dispose()


def test_migrations_create_all_tables_on_sqlite(tmp_path):
    url = f"sqlite:///{tmp_path / 'nested' / 'apfa.db'}"
    upgrade(url)
    _check_schema(url)
