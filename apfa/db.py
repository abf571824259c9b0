"""Database engines and sessions for whichever URL the settings name (PostgreSQL or SQLite).

Sync engines serve migrations, the CLI and tests; the async engine serves the Chainlit data layer.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker


class Base(DeclarativeBase):
    """Declarative base for every table APFA owns; alembic autogenerates from its metadata."""


SYNC_DRIVERS = {"postgresql": "postgresql+psycopg", "sqlite": "sqlite"}
ASYNC_DRIVERS = {"postgresql": "postgresql+asyncpg", "sqlite": "sqlite+aiosqlite"}


def _with_driver(url: str, drivers: dict[str, str]) -> str:
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend not in drivers:
        raise ValueError(f"Unsupported database backend: {backend} (use PostgreSQL or SQLite)")
    return parsed.set(drivername=drivers[backend]).render_as_string(hide_password=False)


def sync_url(url: str) -> str:
    return _with_driver(url, SYNC_DRIVERS)


def async_url(url: str) -> str:
    return _with_driver(url, ASYNC_DRIVERS)


@lru_cache
def get_engine(url: str) -> Engine:
    return create_engine(sync_url(url), pool_pre_ping=True)


@contextmanager
def session_scope(url: str) -> Iterator[Session]:
    """A transaction that commits on success and rolls back on error."""
    session = sessionmaker(get_engine(url), expire_on_commit=False)()
    try:
        yield session
        session.commit()
    except Exception:
        session.rollback()
        raise
    finally:
        session.close()
