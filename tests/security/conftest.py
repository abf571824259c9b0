"""The running product for the black-box security tests: `chainlit run chat/app.py` on its own PostgreSQL database,
Redis database and data directory, with two borrowers and an advisor. Clients speak HTTP and socket.io exactly as
the browser does. The model is the deterministic `fake` provider; everything else is real.

One server serves the whole directory (starting it costs ~30 s of the shared CPUs); tests use their own accounts or
client addresses (`X-Forwarded-For`, which uvicorn honours from 127.0.0.1) where counters would otherwise collide.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import psycopg
import pytest
import redis
from liveproduct import (
    MAX_MESSAGE_CHARS,
    MAX_UPLOAD_MB,
    SESSION_HOURS,
    free_port,
    password_of,
    product_env,
    start_chat_server,
)
from psycopg import sql

from apfa.processes import stop_group

ADMIN_DSN = "postgresql://postgres@127.0.0.1:5432/test"
REDIS_DB = 12


def _create_accounts(url: str, names: dict[str, str]) -> None:
    """Accounts with cheap argon2 parameters (the server verifies with the parameters stored in the hash)."""
    from passlib.context import CryptContext

    from chat import auth

    production_context = auth.password_context
    auth.password_context = CryptContext(
        schemes=["argon2"], argon2__memory_cost=1024, argon2__rounds=1, argon2__parallelism=1
    )
    try:
        for name, role in names.items():
            auth.create_user(name, password_of(name), role, url=url)
    finally:
        auth.password_context = production_context


@pytest.fixture(scope="session")
def product(tmp_path_factory) -> Iterator[dict]:
    from chat.migrate import upgrade

    database = f"apfa_sec_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(ADMIN_DSN, autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
    pg_url = f"postgresql://postgres@127.0.0.1:5432/{database}"
    upgrade(pg_url)
    suffix = uuid.uuid4().hex[:6]
    accounts = {"bob": f"bob-{suffix}", "eve": f"eve-{suffix}", "ada": f"ada-{suffix}"}
    _create_accounts(pg_url, {accounts["bob"]: "borrower", accounts["eve"]: "borrower", accounts["ada"]: "advisor"})
    tmp = tmp_path_factory.mktemp("product")
    port = free_port()
    redis_url = f"redis://127.0.0.1:6379/{REDIS_DB}"
    env = product_env(
        pg_url,
        redis_url,
        f"apfa-sec-{suffix}",
        tmp / "data",
        APFA_PORT=str(port),
        APFA_MAX_UPLOAD_MB=str(MAX_UPLOAD_MB),
        APFA_MAX_MESSAGE_CHARS=str(MAX_MESSAGE_CHARS),
        APFA_SESSION_HOURS=str(SESSION_HOURS),
        APFA_ARCHIVE_MAX_INFLATED_MB="50",
    )
    log = tmp / "server.log"
    server = None
    try:
        server = start_chat_server(port, env, log)
        yield {
            "base": f"http://127.0.0.1:{port}", "accounts": accounts, "pg_url": pg_url, "log": log,
            "data_dir": tmp / "data", "redis_url": redis_url, "pid": server.pid,
        }  # fmt: skip
    finally:
        if server:
            stop_group(server)
        client = redis.Redis.from_url(redis_url)
        keys = list(client.scan_iter("apfa*"))
        if keys:
            client.delete(*keys)
        with psycopg.connect(ADMIN_DSN, autocommit=True) as connection:
            connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(database)))


@pytest.fixture
def unique_account(product) -> str:
    """A borrower account of its own (for tests that lock it)."""
    name = f"carl-{uuid.uuid4().hex[:6]}"
    _create_accounts(product["pg_url"], {name: "borrower"})
    return name
