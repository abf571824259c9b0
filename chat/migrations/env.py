"""Alembic environment: APFA's tables from `apfa.db.Base.metadata`, on whichever database the config names."""

from __future__ import annotations

from alembic import context
from sqlalchemy import engine_from_config, pool

import chat.models  # noqa: F401  (registers the tables on Base.metadata)
from apfa.db import Base, sync_url

target_metadata = Base.metadata


def database_url() -> str:
    return sync_url(context.config.get_main_option("sqlalchemy.url") or "")


def run_migrations_offline() -> None:
    context.configure(url=database_url(), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = engine_from_config({"sqlalchemy.url": database_url()}, prefix="sqlalchemy.", poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
