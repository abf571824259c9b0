"""Bring the database schema up to date with alembic, programmatically (no alembic.ini needed)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import make_url

from apfa.db import sync_url
from apfa.settings import get_settings

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str | None = None) -> Config:
    """An alembic Config pointing at chat/migrations and the given (or configured) database."""
    database_url = sync_url(url or get_settings().effective_database_url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def _ensure_sqlite_directory(url: str) -> None:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)


def upgrade(url: str | None = None) -> None:
    """Run `alembic upgrade head` against `url` (default: the configured database, SQLite if none)."""
    database_url = url or get_settings().effective_database_url
    _ensure_sqlite_directory(sync_url(database_url))
    command.upgrade(alembic_config(database_url), "head")
