"""Fixtures for the chat tests: a fresh PostgreSQL database per session, migrated; data layers; accounts."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator, Iterator

import psycopg
import pytest
import pytest_asyncio
from psycopg import sql

from chat.migrate import upgrade

ADMIN_DSN = "postgresql://postgres@127.0.0.1:5432/test"

_PERSON_NAMES = re.compile(r"\b(John Smith|Maria Garcia)\b")
_LONG_NUMBERS = re.compile(r"\b\d{6,}\b")


def fake_redactor(text: str) -> str:
    """Stands in for Presidio where the test is about where redaction happens, not how well it detects."""
    return _LONG_NUMBERS.sub("<US_BANK_NUMBER_1>", _PERSON_NAMES.sub("<PERSON_1>", text))


def _create_database(name: str) -> str:
    with psycopg.connect(ADMIN_DSN, autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return f"postgresql://postgres@127.0.0.1:5432/{name}"


def _drop_database(name: str) -> None:
    with psycopg.connect(ADMIN_DSN, autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch):
    """Argon2 with small cost parameters: the production cost (64 MiB, 3 passes) takes ~1 s per hash here."""
    from passlib.context import CryptContext

    from chat import auth

    cheap = CryptContext(schemes=["argon2"], argon2__memory_cost=1024, argon2__rounds=1, argon2__parallelism=1)
    monkeypatch.setattr(auth, "password_context", cheap)


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A migrated PostgreSQL database created for this test session and dropped afterwards."""
    name = f"apfa_test_{uuid.uuid4().hex[:12]}"
    url = _create_database(name)
    try:
        upgrade(url)
        yield url
    finally:
        from apfa.db import get_engine

        get_engine(url).dispose()  # the pooled connections would keep the database from being dropped
        _drop_database(name)


@pytest.fixture
def empty_pg_database() -> Iterator[str]:
    """An empty PostgreSQL database (no tables) for migration tests."""
    name = f"apfa_test_{uuid.uuid4().hex[:12]}"
    url = _create_database(name)
    try:
        yield url
    finally:
        _drop_database(name)


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'apfa.db'}"
    upgrade(url)
    return url


async def installed_layer(url: str, monkeypatch) -> AsyncIterator:
    """APFA's data layer on `url`, installed as Chainlit's data layer, inside an HTTP context (as the server sets
    for REST calls) so writes run at once instead of waiting for a first message."""
    import chainlit.data
    from chainlit.context import init_http_context

    from chat.data_layer import ApfaDataLayer

    layer = ApfaDataLayer(url=url, redactor=fake_redactor)
    monkeypatch.setattr(chainlit.data, "_data_layer", layer)
    monkeypatch.setattr(chainlit.data, "_data_layer_initialized", True)
    init_http_context()
    try:
        yield layer
    finally:
        await layer.engine.dispose()


@pytest_asyncio.fixture
async def pg_layer(pg_url, monkeypatch) -> AsyncIterator:
    async for layer in installed_layer(pg_url, monkeypatch):
        yield layer


@pytest_asyncio.fixture
async def sqlite_layer(sqlite_url, monkeypatch) -> AsyncIterator:
    """The same on the laptop default, SQLite."""
    async for layer in installed_layer(sqlite_url, monkeypatch):
        yield layer


@pytest.fixture
def unique_name():
    """Account names that do not collide between tests sharing the session database."""
    return lambda prefix: f"{prefix}-{uuid.uuid4().hex[:8]}"
